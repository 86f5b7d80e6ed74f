"""Bounds on what a reader takes in, so that a hostile or broken file is refused in seconds, in bounded
memory, with one line (exit 2), rather than exhausting the machine: the file's size, an xlsx's size
once unzipped and its compression ratio (a zip bomb), a line or a field of a delimited file, the number of
columns, the cells of a sheet's used range (readers/extent.py), the nesting of XML and its texts. The
values come from `[limits]` in the config (reconcile.config.Limits); a run sets them before it reads
(`use`)."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from reconcile.errors import InputFileError
from reconcile.readers.guards import use as use_guards

RAISE = "raise the limit in [limits] of the config if the file is genuine"


@dataclass
class Limits:
    max_file_mb: int = 4096
    max_unzipped_mb: int = 4096
    max_zip_ratio: int = 200
    max_line_kb: int = 1024
    max_field_kb: int = 1024
    max_columns: int = 2000
    max_sheet_cells: int = 50_000_000
    max_payments_per_id: int = 1000
    max_xml_depth: int = 64


CURRENT = Limits()


def use(settings, checks=None) -> None:
    """Take the limits of a run's settings (`Settings.limits`), and the guards a reader makes of its
    `Settings.checks` (readers/guards.py; None: all of them, as `reconcile check` makes)."""
    for f in fields(Limits):
        setattr(CURRENT, f.name, getattr(settings, f.name))
    use_guards(checks)


def check_size(path: Path) -> None:
    """A file over max_file_mb is refused; so is a device or a pipe (`/dev/zero`, a FIFO) under a file's
    name, whose size says 0 and which a reader would read without end."""
    import stat

    try:
        status = path.stat()
    except OSError:  # not found, or not to be opened: detect_format says which
        return
    if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
        raise InputFileError(
            str(path),
            "is not a file but a device or a pipe, which would be read without end",
            "give the path of the file itself",
        )
    size = status.st_size
    if size > CURRENT.max_file_mb * 1024 * 1024:
        raise InputFileError(
            str(path),
            f"is {size / 1024 / 1024:,.0f} MB, over the limit of {CURRENT.max_file_mb:,} MB ([limits] max_file_mb)",
            "check that it is the right file, or " + RAISE,
        )


def check_zip(path: Path) -> None:
    """An xlsx (a zip) that would expand beyond the limit, or far more than any spreadsheet does: by
    the sizes its directory declares, then by every entry inflated here (without keeping it) up to
    the limit, since a directory can declare any size, and the reader reads a sheet from whatever part
    the workbook's relationships name (sheet1.bin as well as sheet1.xml)."""
    try:
        with zipfile.ZipFile(path) as book:
            entries = book.infolist()
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError, EOFError, UnicodeDecodeError, struct.error):
        return  # damaged (a bad directory, an unknown zip version, ...): the workbook reader says what is wrong
    packed = max(1, path.stat().st_size)
    _check_unzipped(path, sum(e.file_size for e in entries), packed)
    cap = min(CURRENT.max_unzipped_mb * 1024 * 1024, max(ZIP_RATIO_FROM, packed * CURRENT.max_zip_ratio)) + 1
    unzipped = 0
    with open(path, "rb") as fh:
        for entry in entries:
            unzipped += _inflated(fh, entry, cap - unzipped)
            if unzipped >= cap:
                break
    _check_unzipped(path, unzipped, packed)


ZIP_RATIO_FROM = 64 * 1024 * 1024  # below this, any ratio: a small sheet of one repeated value


def _check_unzipped(path: Path, unzipped: int, packed: int) -> None:
    if unzipped > CURRENT.max_unzipped_mb * 1024 * 1024:
        raise InputFileError(
            str(path),
            f"would expand to {unzipped / 1024 / 1024:,.0f} MB when opened, over the limit "
            f"of {CURRENT.max_unzipped_mb:,} MB ([limits] max_unzipped_mb)",
            "check where it came from (a workbook that expands this much may be a zip bomb), or " + RAISE,
        )
    if unzipped > ZIP_RATIO_FROM and unzipped / packed > CURRENT.max_zip_ratio:
        raise InputFileError(
            str(path),
            f"would expand {unzipped / packed:,.0f} times when opened (to "
            f"{unzipped / 1024 / 1024:,.0f} MB), more than any spreadsheet does ([limits] max_zip_ratio "
            f"{CURRENT.max_zip_ratio:,})",
            "check where it came from: it looks like a zip bomb",
        )


def _inflated(fh, entry: zipfile.ZipInfo, cap: int) -> int:
    """How many bytes an entry expands to, counted up to `cap` (at most about `cap` + 4 MB held)."""
    total = 0
    for piece in inflated_pieces(fh, entry):
        total += len(piece)
        if total >= cap:
            break
    return total


def inflated_pieces(fh, entry: zipfile.ZipInfo, size: int = 4 << 20) -> Iterator[bytes]:
    """An entry's bytes as they expand, `size` at most at a time, read from the compressed data the
    directory places (not from the size it declares, which may lie). A stored entry is given as it
    is; a damaged one ends where it is damaged, and one of another method gives nothing: the
    workbook reader says what is wrong."""
    fh.seek(entry.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        return
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fh.seek(entry.header_offset + 30 + name_len + extra_len)
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return
    inflate = zlib.decompressobj(-zlib.MAX_WBITS) if entry.compress_type == zipfile.ZIP_DEFLATED else None
    left = entry.compress_size
    while left > 0 and not (inflate and inflate.eof):
        data = fh.read(min(size if inflate is None else 1 << 20, left))
        if not data:
            return
        left -= len(data)
        if inflate is None:
            yield data
            continue
        while data:
            try:
                piece = inflate.decompress(data, size)
            except zlib.error:
                return
            if piece:
                yield piece
            data = inflate.unconsumed_tail


# A row's rest up to its end, the first newline outside quotes; quotes toggle as the CSV parser reads
# them (a doubled quote "" twice). Symmetric: matched on reversed bytes it finds a row's start.
ROW_END = re.compile(rb'(?:[^"\n]++|"[^"]*+")*+\n')
ROW_END_QUOTED = re.compile(rb'[^"]*+"(?:[^"\n]++|"[^"]*+")*+\n')  # the same, from inside quotes


class LineCheck:
    """Fed the chunks of a delimited file in order (the chunks its hash is computed from), refuses a
    line longer than the limit: a file of one 500 MB line would exhaust the CSV parser. A chunk is no
    longer than the limit, so a line over it always spans a chunk boundary, where it is measured.

    It refuses a field longer than its limit too, which a quoted field can be in short lines: a field
    of 200 MB in lines of 1,000 bytes passes the line check. The delimiter is not known yet, so a field
    that spans lines is measured with its row, from the row's start to its end (the first newline
    outside quotes); a field within one line is no longer than the line. A chunk is no longer than
    the field limit either, so a row over it always spans a chunk boundary: the row that ends in a
    chunk and the row that goes on past it are measured, those in between are shorter than the
    chunk. The cost is a search for a quote in a chunk without quotes, else a count of its quotes."""

    def __init__(self, path: Path):
        self.path, self.limit, self.since, self.line = path, CURRENT.max_line_kb * 1024, 0, 1
        self.field_limit, self.offset = CURRENT.max_field_kb * 1024, 0  # offset: of the chunk in the file
        self.quoted = False  # at the chunk's start, inside quotes
        self.row, self.row_line = 0, 1  # where the row goes on at the chunk's start begins: offset, line
        self.cr_only: bool | None = (
            None  # lines ended by a carriage return alone (classic Mac OS), as the reader reads them
        )

    @property
    def chunk_size(self) -> int:
        return min(1 << 20, self.limit, self.field_limit)

    def feed(self, chunk: bytes) -> None:
        if self.cr_only is None:  # told by the first chunk, as the reader tells it by the file's head
            self.cr_only = b"\r" in chunk and b"\n" not in chunk
        if self.cr_only:
            chunk = chunk.replace(b"\r", b"\n")
        first = chunk.find(b"\n")
        length = self.since + (first if first >= 0 else len(chunk))
        if length > self.limit:
            raise InputFileError(
                str(self.path),
                f"has a line (line {self.line:,}) longer than {CURRENT.max_line_kb:,} KB ([limits] max_line_kb)",
                "check that it is a CSV file with one row per line, or " + RAISE,
            )
        lines = chunk.count(b"\n") if first >= 0 else 0
        if self.quoted or self.row_line < self.line or b'"' in chunk:  # else the rows are the lines
            self._rows(chunk, lines)
        elif first >= 0:
            self.row, self.row_line = self.offset + chunk.rfind(b"\n") + 1, self.line + lines
        self.offset += len(chunk)
        self.line += lines
        self.since = length if first < 0 else len(chunk) - chunk.rfind(b"\n") - 1

    def _rows(self, chunk: bytes, lines: int) -> None:
        quoted_at_end = self.quoted ^ bool(chunk.count(b'"') & 1)
        ended = (ROW_END_QUOTED if self.quoted else ROW_END).match(chunk)
        if ended is None:  # the row goes on
            self._measure(len(chunk), self.line + lines)
            self.quoted = quoted_at_end
            return
        first = ended.end() - 1
        self._measure(first, self.line + chunk.count(b"\n", 0, first))
        last = chunk.rfind(b"\n")  # the last row's start: after the last newline outside quotes
        if last > first and quoted_at_end ^ bool(chunk.count(b'"', last) & 1):
            before = (ROW_END_QUOTED if quoted_at_end else ROW_END).match(chunk[first + 1 :][::-1])
            last = len(chunk) - before.end() if before else first
        self.row, self.row_line = self.offset + last + 1, self.line + lines - chunk.count(b"\n", last + 1)
        self.quoted = quoted_at_end

    def _measure(self, end: int, line: int) -> None:
        """The row that goes on at the chunk's start, as far as `end` in the chunk, on line `line`."""
        if self.offset + end - self.row > self.field_limit and line > self.row_line:
            raise InputFileError(
                str(self.path),
                f"has a field (in the row from line {self.row_line:,}) longer than {CURRENT.max_field_kb:,} KB "
                "([limits] max_field_kb)",
                "check that its quoted fields are closed, or " + RAISE,
            )


XML_SLACK = 64 * 1024  # what the parser reads at a time (16 KB), and a tag's name and attributes, beside a text


class XmlTextCheck:
    """The file an XML parser reads, refusing a text or attribute longer than the field limit: the
    parser keeps a text until its element ends, so a 300 MB text would be held whole (and then copied).
    The reader marks each event of the parser (`seen`); more than the limit read without one is a text,
    attribute or markup too long, refused before it is held; a text or attribute that ends sooner is
    measured as its element starts or ends (`attributes`, `text`). `where` names the open element."""

    def __init__(self, fh, path: Path, where: Callable[[], str]):
        self.fh, self.path, self.where = fh, path, where
        self.limit = CURRENT.max_field_kb * 1024
        self.short = self.limit // 4  # a text of no more characters is within the limit, in any encoding
        self.total = self.seen = 0  # bytes read, and read when the parser last gave an event

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size if 0 <= size <= 1 << 16 else 1 << 16)
        self.total += len(data)
        if self.total - self.seen > self.limit + XML_SLACK:
            self.refuse(self.where())
        return data

    def attributes(self, element, name: str) -> None:
        for value in element.attrib.values():
            self.text(value, name)

    def text(self, text: str, name: str) -> None:
        """Refuses a text over the limit in UTF-8 bytes (measured when it could be: over `short`)."""
        if len(text) > self.short and len(text.encode()) > self.limit:
            self.refuse(name)

    def refuse(self, name: str) -> None:
        where = f" in element {name}" if name else " before its first element"
        raise InputFileError(
            str(self.path),
            f"has a text or attribute longer than {CURRENT.max_field_kb:,} KB{where} ([limits] max_field_kb), "
            "which no bank statement has",
            "ask the bank to export the file again; it may be damaged or hostile",
        )


def check_columns(path: Path, count: int, sheet: str | None = None) -> None:
    if count > CURRENT.max_columns:
        where = f" (sheet '{sheet}')" if sheet else ""
        raise InputFileError(
            str(path),
            f"has {count:,} columns{where}, over the limit of {CURRENT.max_columns:,} ([limits] max_columns)",
            "check that it is the right file, or " + RAISE,
        )
