"""Bounds on what a reader takes in, so that a hostile or broken file is refused in seconds, in bounded
memory, with one line (exit 2), rather than exhausting the machine: the file's size, an xlsx's size
once unzipped and its compression ratio (a zip bomb), a line of a delimited file, the number of columns,
the nesting of XML. The values come from `[limits]` in the config (reconcile.config.Limits); a run sets
them before it reads (`use`)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

from reconcile.errors import InputFileError

RAISE = "raise the limit in [limits] of the config if the file is genuine"


@dataclass
class Limits:
    max_file_mb: int = 4096
    max_unzipped_mb: int = 4096
    max_zip_ratio: int = 200
    max_line_kb: int = 1024
    max_columns: int = 2000
    max_xml_depth: int = 64


CURRENT = Limits()


def use(settings) -> None:
    """Take the limits of a run's settings (`Settings.limits`)."""
    for f in fields(Limits):
        setattr(CURRENT, f.name, getattr(settings, f.name))


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > CURRENT.max_file_mb * 1024 * 1024:
        raise InputFileError(
            str(path),
            f"is {size / 1024 / 1024:,.0f} MB, over the limit of {CURRENT.max_file_mb:,} MB ([limits] max_file_mb)",
            "check that it is the right file, or " + RAISE,
        )


def check_zip(path: Path) -> None:
    """An xlsx (a zip) that would expand beyond the limit, or far more than any spreadsheet does: by
    the sizes its directory declares, then by the XML the reader would parse, inflated here (without
    keeping it) up to the limit, since a directory can declare any size."""
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
            if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
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
    """How many bytes an entry expands to, counted up to `cap` (at most about `cap` + 16 MB held)."""
    fh.seek(entry.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        return 0  # damaged: the workbook reader says what is wrong
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fh.seek(entry.header_offset + 30 + name_len + extra_len)
    if entry.compress_type == zipfile.ZIP_STORED:
        return entry.compress_size
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        return 0  # a method the reader refuses itself
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    left, total = entry.compress_size, 0
    while left > 0 and not inflate.eof and total < cap:
        data = fh.read(min(1 << 20, left))
        if not data:
            break
        left -= len(data)
        while data and total < cap:
            try:
                total += len(inflate.decompress(data, 16 << 20))
            except zlib.error:
                return total  # damaged: the workbook reader says what is wrong
            data = inflate.unconsumed_tail
    return total


class LineCheck:
    """Fed the chunks of a delimited file in order (the chunks its hash is computed from), refuses a
    line longer than the limit: a file of one 500 MB line would exhaust the CSV parser. A chunk is no
    longer than the limit, so a line over it always spans a chunk boundary, where it is measured."""

    def __init__(self, path: Path):
        self.path, self.limit, self.since, self.line = path, CURRENT.max_line_kb * 1024, 0, 1

    @property
    def chunk_size(self) -> int:
        return min(1 << 20, self.limit)

    def feed(self, chunk: bytes) -> None:
        first = chunk.find(b"\n")
        length = self.since + (first if first >= 0 else len(chunk))
        if length > self.limit:
            raise InputFileError(
                str(self.path),
                f"has a line (line {self.line:,}) longer than {CURRENT.max_line_kb:,} KB ([limits] max_line_kb)",
                "check that it is a CSV file with one row per line, or " + RAISE,
            )
        if first < 0:
            self.since = length
        else:
            self.line += chunk.count(b"\n")
            self.since = len(chunk) - chunk.rfind(b"\n") - 1


def check_columns(path: Path, count: int, sheet: str | None = None) -> None:
    if count > CURRENT.max_columns:
        where = f" (sheet '{sheet}')" if sheet else ""
        raise InputFileError(
            str(path),
            f"has {count:,} columns{where}, over the limit of {CURRENT.max_columns:,} ([limits] max_columns)",
            "check that it is the right file, or " + RAISE,
        )
