"""Delimited text: CSV (comma, semicolon, tab or pipe), UTF-8 with or without BOM, UTF-16, Windows-1258."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError

DELIMITERS = (",", ";", "\t", "|")


def decode(raw: bytes, path: Path) -> tuple[bytes, str]:
    """Return UTF-8 bytes without BOM and the name of the encoding found."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:], "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputFileError(str(path), "starts as UTF-16 text but is cut short or damaged",
                                 "save it again from Excel (as 'CSV UTF-8' if you can)") from None
        return unicodedata.normalize("NFC", text).encode("utf-8"), "utf-16"
    try:
        raw.decode("utf-8")
        return raw, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1258")
    except UnicodeDecodeError:
        raise InputFileError(str(path), "is not UTF-8, UTF-16 or Windows-1258 text",
                             "save it from Excel as 'CSV UTF-8'") from None
    return unicodedata.normalize("NFC", text).encode("utf-8"), "windows-1258"


def sniff_delimiter(data: bytes) -> str:
    first_line = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read(path: Path) -> tuple[pl.DataFrame, str]:
    data, encoding = decode(path.read_bytes(), path)
    if not data.strip():
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    sep = sniff_delimiter(data)
    try:
        frame = pl.read_csv(io.BytesIO(data), separator=sep, infer_schema=False, has_header=True,
                            quote_char='"')
    except pl.exceptions.PolarsError as exc:
        reason = str(exc).splitlines()[0]
        if "more fields" in reason:
            reason = "a row has more fields than the header"
        raise InputFileError(str(path), f"cannot be read as CSV ({reason})",
                             "check the delimiter and quoting, or save it again from Excel as 'CSV UTF-8'") from None
    return frame, encoding
