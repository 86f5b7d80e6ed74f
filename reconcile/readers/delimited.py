"""Delimited text: CSV (comma, semicolon, tab or pipe), UTF-8 with or without BOM, UTF-16, Windows-1258."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers.headers import HeaderChooser
from reconcile.readers.legacy import check_legacy_font

HEADER_SCAN = 1000  # lines offered to the header search (a profile may put the header up to row 1000)

DELIMITERS = (",", ";", "\t", "|")
# A valid UTF-8 multi-byte sequence: Windows-1258 Vietnamese text practically never contains one,
# so a file that has them and still fails to decode is damaged UTF-8, not Windows-1258.
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode(raw: bytes, path: Path) -> tuple[bytes, str]:
    """Return UTF-8 bytes without BOM and the name of the encoding found."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _damaged_utf8(path, raw, exc) from None
        return raw, "utf-8-sig"
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # read as UTF-16, every field would shift
        raise InputFileError(str(path), "is UTF-32 text, which is not read", "save it from Excel as 'CSV UTF-8'")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputFileError(
                str(path),
                "starts as UTF-16 text but is cut short or damaged",
                "save it again from Excel (as 'CSV UTF-8' if you can)",
            ) from None
        return unicodedata.normalize("NFC", text).encode("utf-8"), "utf-16"
    utf16 = _utf16_without_bom(raw)
    if utf16:
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError:
            raise InputFileError(
                str(path),
                f"looks like {utf16.upper()} text without its byte-order mark, but is damaged",
                "save it again from Excel as 'CSV UTF-8'",
            ) from None
        return unicodedata.normalize("NFC", text).encode("utf-8"), f"{utf16} (no BOM)"
    try:
        raw.decode("utf-8")
        return raw, "utf-8"
    except UnicodeDecodeError as exc:
        if UTF8_MULTIBYTE.search(raw):
            raise _damaged_utf8(path, raw, exc) from None
    text = raw.decode("cp1258", errors="replace")
    if "\ufffd" in text:
        raise InputFileError(
            str(path), "is not UTF-8, UTF-16 or Windows-1258 text", "save it from Excel as 'CSV UTF-8'"
        )
    return unicodedata.normalize("NFC", text).encode("utf-8"), "windows-1258"


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark shows as a NUL byte beside nearly every ASCII
    character: at odd offsets little-endian, at even offsets big-endian. Text in any 8-bit
    encoding has no NUL bytes at all, so a third of them is a safe sign."""
    head = raw[:4096]
    if len(head) < 4:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd > len(head) / 6 and even == 0:
        return "utf-16-le"
    if even > len(head) / 6 and odd == 0:
        return "utf-16-be"
    return None


def _damaged_utf8(path: Path, raw: bytes, exc: UnicodeDecodeError) -> InputFileError:
    line = raw.count(b"\n", 0, exc.start) + 1
    return InputFileError(
        str(path),
        f"is UTF-8 text but line {line} holds bytes that are not UTF-8",
        "fix that line or save the file again as 'CSV UTF-8'",
    )


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
    staged the file): it is read again, decoded whole (`read(..., decoded=True)`)."""

    def __init__(self, path: Path):
        super().__init__(
            str(path), "holds bytes that are not UTF-8 past its first lines", "save it again from Excel as 'CSV UTF-8'"
        )


def _utf8_head(path: Path, head: bytes) -> str | None:
    """'utf-8-sig' or 'utf-8' when the file's head is UTF-8 text, else None: UTF-16, Windows-1258
    and damaged files are decoded whole by `decode`. The rest of the file polars checks as it
    parses it (stage_csv raises NotUtf8); checking every byte here as well took 0.33 s for a 137 MB
    file, as long as polars takes to parse it (bench/HISTORY.md)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head):
        return None
    import codecs

    try:  # a head cut inside a character is UTF-8 up to there
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) == path.stat().st_size)
    except UnicodeDecodeError:
        return None
    return "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"


def read(path: Path, choose_header: HeaderChooser, decoded: bool = False) -> tuple[list[str], pl.LazyFrame, int, str]:
    """Headers as written, the rows as text (a lazy scan, read when the table is staged, whose first
    row is the header row), the file row of the first data row, the encoding.

    `choose_header` gets the first lines as lists of fields and returns the index of the header
    row; lines above it (a title block) are not data and are not read as rows. A file whose head
    is UTF-8 is scanned from disk, so that a file of any size is read in pieces; a file in another
    encoding, or one found not to be UTF-8 further on (`decoded`), is decoded whole first. The
    header row stays in the scan: polars, asked to leave a row out, leaves out the rows of a
    quoted field that never closes, instead of saying so.
    """
    head = _head(path)
    encoding = None if decoded else _utf8_head(path, head)
    in_memory = encoding is None
    if b"\r" in head and b"\n" not in head:  # lines ended by a carriage return alone (classic Mac OS)
        data, encoding = decode(path.read_bytes().replace(b"\r", b"\n"), path)
        head, in_memory = data[:HEAD_BYTES], True
    elif encoding is None:
        data, encoding = decode(path.read_bytes(), path)
        head = data[:HEAD_BYTES]
    elif encoding == "utf-8-sig":
        head = head[3:]
    if not head.strip():
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    check_legacy_font(head[: 1 << 16].decode("utf-8", errors="replace"), path)
    sep = sniff_delimiter(head)
    first = _first_rows(head, sep, HEADER_SCAN)
    index = choose_header([fields for _, fields in first])
    below = index + choose_header.rows - 1  # the header's last row: a second one under group cells
    source: Path | bytes
    if not in_memory:  # polars skips the byte-order mark itself
        source, skip = path, below
    else:
        source, skip = data[first[below][0] :], 0
    scan = pl.scan_csv(
        source, separator=sep, infer_schema=False, has_header=False, quote_char='"', skip_lines=skip, glob=False
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
    return headers, scan, below + 2, encoding


def unreadable(path: Path, exc: Exception) -> InputFileError:
    """The one error for a CSV file polars cannot parse, whenever that is found."""
    return InputFileError(
        str(path),
        f"cannot be read as CSV ({_reason(exc)})",
        "check the delimiter and quoting, or save it again from Excel as 'CSV UTF-8'",
    )
