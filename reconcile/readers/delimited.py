"""Delimited text: CSV (comma, semicolon, tab or pipe), UTF-8 with or without BOM, UTF-16, Windows-1258."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers import limits
from reconcile.readers.headers import HeaderChooser
from reconcile.readers.legacy import check_legacy_font
from reconcile.readers.transcode import transcode, utf16_without_bom

HEADER_SCAN = 1000  # lines offered to the header search (a profile may put the header up to row 1000)

DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(data: bytes) -> str:
    """The delimiter used most over the first lines (a title block above the header has few or none)."""
    lines = data[: 1 << 16].split(b"\n")[:20]
    text = [ln.decode("utf-8", errors="replace") for ln in lines]
    counts = {d: sum(ln.count(d) for ln in text) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _first_rows(data: bytes, sep: str, n: int) -> list[tuple[int, list[str | None]]]:
    """The first n lines as (byte offset, fields), parsed leniently: a title block may be ragged."""
    out: list[tuple[int, list[str | None]]] = []
    offset = 0
    for line in data.split(b"\n", n)[:n]:
        text = line.decode("utf-8", errors="replace").rstrip("\r")
        try:
            fields = next(csv.reader([text], delimiter=sep), [])
        except csv.Error:  # a stray carriage return or NUL: polars will judge the line; here, split it
            fields = text.split(sep)
        out.append((offset, [f if f.strip() else None for f in fields]))
        offset += len(line) + 1
    return out


def _reason(exc: Exception) -> str:
    """A fixed description of a CSV parse error; polars' own message quotes row content (personal data)."""
    text = str(exc).lower()
    if "more fields" in text:
        return "a row has more fields than the header"
    if "quote" in text or "could not parse" in text:
        return "a quoted field is not closed or a value has stray quotes"
    return "the text is not well-formed CSV"


HEAD_BYTES = 16 << 20  # the most read for the header search, the delimiter and the legacy-font check


def _head(path: Path) -> bytes:
    """The file's first HEADER_SCAN + 1 lines, or its first HEAD_BYTES."""
    out = bytearray()
    with open(path, "rb") as fh:
        while len(out) < HEAD_BYTES and out.count(b"\n") <= HEADER_SCAN:
            chunk = fh.read(1 << 16)
            if not chunk:
                break
            out += chunk
    return bytes(out)


class NotUtf8(InputFileError):
    """A CSV file whose head is UTF-8 holds bytes further on that are not (polars found them as it
    staged the file): it is read again, from a UTF-8 copy (`read(..., decoded=True)`, transcode.py)."""

    def __init__(self, path: Path):
        super().__init__(
            str(path), "holds bytes that are not UTF-8 past its first lines", "save it again from Excel as 'CSV UTF-8'"
        )


def _utf8_head(path: Path, head: bytes) -> str | None:
    """'utf-8-sig' or 'utf-8' when the file's head is UTF-8 text, else None: UTF-16, Windows-1258
    and damaged files are copied as UTF-8 by `transcode`. The rest of the file polars checks as it
    parses it (stage_csv raises NotUtf8); checking every byte here as well took 0.33 s for a 137 MB
    file, as long as polars takes to parse it (bench/HISTORY.md)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head):
        return None
    import codecs

    try:  # a head cut inside a character is UTF-8 up to there
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) == path.stat().st_size)
    except UnicodeDecodeError:
        return None
    return "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"


def read(
    path: Path, choose_header: HeaderChooser, decoded: bool = False, folder: Path | None = None
) -> tuple[list[str], pl.LazyFrame, int, str, Path | None]:
    """Headers as written, the rows as text (a lazy scan, read when the table is staged, whose first
    row is the header row), the file row of the first data row, the encoding, and the UTF-8 copy the
    scan reads, if any (the caller removes it once the scan is staged).

    `choose_header` gets the first lines as lists of fields and returns the index of the header
    row; lines above it (a title block) are not data and are not read as rows. A file whose head
    is UTF-8 is scanned from disk, so that a file of any size is read in pieces; a file in another
    encoding, or one found not to be UTF-8 further on (`decoded`), is copied as UTF-8 to a file in
    `folder` a piece at a time (transcode.py) and scanned from there. The header row stays in the
    scan: polars, asked to leave a row out, leaves out the rows of a quoted field that never closes,
    instead of saying so.
    """
    head = _head(path)
    encoding = None if decoded else _utf8_head(path, head)
    copy = None
    if encoding is None or (b"\r" in head and b"\n" not in head):  # or lines ended by a carriage return alone
        copy, encoding = transcode(path, head, folder)
        head = _head(copy)
    elif encoding == "utf-8-sig":
        head = head[3:]
    try:
        return (*_scan(path, copy, head, choose_header), encoding, copy)
    except BaseException:
        if copy is not None:
            copy.unlink(missing_ok=True)
        raise


def _scan(
    path: Path, copy: Path | None, head: bytes, choose_header: HeaderChooser
) -> tuple[list[str], pl.LazyFrame, int]:
    if not head.strip():
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    check_legacy_font(head[: 1 << 16].decode("utf-8", errors="replace"), path)
    sep = sniff_delimiter(head)
    first = _first_rows(head, sep, HEADER_SCAN)
    # a line of more columns than [limits] max_columns (a header of 500,000) refused before its header is
    # looked for and polars reads it (seconds and hundreds of MB), as it would be after; counted to its
    # last cell not empty (a title row Excel wrote with the used range's empty cells after it is one cell)
    for _, fields in first:
        limits.check_columns(path, next((n for n in range(len(fields), 0, -1) if fields[n - 1] is not None), 0))
    index = choose_header([fields for _, fields in first])
    below = index + choose_header.rows - 1  # the header's last row: a second one under group cells
    scan = pl.scan_csv(  # polars skips the byte-order mark itself
        copy or path, separator=sep, infer_schema=False, has_header=False, quote_char='"', skip_lines=below, glob=False
    )  # the file as named: bank[1].csv is not a pattern
    try:
        top = scan.head(1).collect()
    except pl.exceptions.PolarsError as exc:
        raise unreadable(path, exc) from None
    if top.height == 0:
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    headers = list(top.row(0))
    if choose_header.rows == 2:
        merged = choose_header.headers(list(first[index][1]))
        headers = (merged + [None] * len(headers))[: len(headers)]
    return headers, scan, below + 2


def unreadable(path: Path, exc: Exception) -> InputFileError:
    """The one error for a CSV file polars cannot parse, whenever that is found."""
    return InputFileError(
        str(path),
        f"cannot be read as CSV ({_reason(exc)})",
        "check the delimiter and quoting, or save it again from Excel as 'CSV UTF-8'",
    )
