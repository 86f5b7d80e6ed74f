"""A delimited file that is not read from disk as it is (UTF-16, Windows-1258, lines ended by a carriage
return alone, or UTF-8 found damaged past its head) copied as UTF-8 text to a scratch file, a piece at a
time, which the CSV reader then scans from disk as it scans a UTF-8 file: no such file is held whole in
memory (a 126 MB Windows-1258 registry took 1.2 GB decoded whole, 0.5 GB so; a hostile one of 4 GB
would have taken tens). The text is in NFC, as the other encodings' readers give it; a UTF-8 file is
copied as it is. The same one-line refusals as before: damaged UTF-8 with its line, damaged UTF-16,
bytes of no encoding read, and a line longer than the limit once decoded (a UTF-16 character may hold
a newline byte, so the hash's line check cannot see every such line)."""

from __future__ import annotations

import codecs
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from reconcile.errors import InputFileError

PIECE = 1 << 20
# A valid UTF-8 multi-byte sequence: Windows-1258 Vietnamese text practically never contains one,
# so a file that has them and still fails to decode is damaged UTF-8, not Windows-1258.
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def utf16_without_bom(raw: bytes) -> str | None:
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


def transcode(path: Path, head: bytes, folder: Path | None) -> tuple[Path, str]:
    """The file copied as UTF-8 (lines ended by a carriage return alone ended by a newline) to a new
    file in `folder` (the system's temporary folder if None), readable by its owner only, and the name
    of the encoding found. The caller removes the copy."""
    encoding, codec, skip = _encoding(path, head)
    cr_only = b"\r" in head and b"\n" not in head  # classic Mac OS
    fd, name = tempfile.mkstemp(prefix="reconcile-", suffix=".csv", dir=folder)
    copy = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for text in _decoded(path, codec, skip):
                if cr_only:
                    text = text.replace("\r", "\n")
                out.write((text if codec == "utf-8" else unicodedata.normalize("NFC", text)).encode("utf-8"))
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return copy, encoding


def _encoding(path: Path, head: bytes) -> tuple[str, str, int]:
    """(name shown, codec, bytes of byte-order mark to skip) of the file, refusing what none reads."""
    if head.startswith(b"\xef\xbb\xbf"):
        _check_utf8(path, 3)
        return "utf-8-sig", "utf-8", 3
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # read as UTF-16, every field would shift
        raise InputFileError(str(path), "is UTF-32 text, which is not read", "save it from Excel as 'CSV UTF-8'")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "utf-16", 0  # the codec reads the mark itself
    utf16 = utf16_without_bom(head)
    if utf16:
        return f"{utf16} (no BOM)", utf16, 0
    if _check_utf8(path, 0, quiet=True):
        return "utf-8", "utf-8", 0
    return "windows-1258", "cp1258", 0


def windows_1258(data: bytes) -> str | None:
    """`data` read as Windows-1258, in NFC (its tone marks, written after their vowel, joined to it), or
    None when it holds a byte Windows-1258 leaves undefined: not Windows-1258 text."""
    text = data.decode("cp1258", errors="replace")
    return None if "\ufffd" in text else unicodedata.normalize("NFC", text)


def _lines(path: Path, skip: int) -> Iterator[tuple[int, bytes]]:
    """The file's bytes in pieces of whole lines (a newline or carriage return never stands inside a
    character of UTF-8 or Windows-1258), each with the number of lines before it."""
    line, carry = 0, b""
    with open(path, "rb") as fh:
        fh.seek(skip)
        for data in iter(lambda: fh.read(PIECE), b""):
            data = carry + data
            cut = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
            carry = data[cut:]
            if cut:
                yield line, data[:cut]
                line += data.count(b"\n", 0, cut)
    if carry:
        yield line, carry


def _check_utf8(path: Path, skip: int, quiet: bool = False) -> bool:
    """Whether the file is UTF-8 text: one that is not, but holds UTF-8's multi-byte sequences, is
    damaged UTF-8 (refused, naming the line of its first bad byte); one without any, when `quiet`,
    is another encoding (False)."""
    bad: int | None = None
    multibyte = not quiet
    for line, piece in _lines(path, skip):
        if bad is None:
            try:
                piece.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = line + piece.count(b"\n", 0, exc.start) + 1
        multibyte = multibyte or bool(UTF8_MULTIBYTE.search(piece))
        if bad is not None and multibyte:
            raise InputFileError(
                str(path),
                f"is UTF-8 text but line {bad} holds bytes that are not UTF-8",
                "fix that line or save the file again as 'CSV UTF-8'",
            )
    return bad is None


def _decoded(path: Path, codec: str, skip: int) -> Iterator[str]:
    """The file's text, in pieces that end at a line's end (NFC never joins across one)."""
    from reconcile.readers.limits import CURRENT

    limit = CURRENT.max_line_kb * 1024
    if not codec.startswith("utf-16"):
        for _, piece in _lines(path, skip):
            text = windows_1258(piece) if codec == "cp1258" else piece.decode(codec, errors="replace")
            if text is None:  # a byte Windows-1258 leaves undefined
                raise InputFileError(
                    str(path), "is not UTF-8, UTF-16 or Windows-1258 text", "save it from Excel as 'CSV UTF-8'"
                )
            yield text
        return
    decoder = codecs.getincrementaldecoder(codec)()
    carry, line = "", 1
    try:
        with open(path, "rb") as fh:
            for data in iter(lambda: fh.read(PIECE), b""):
                text = carry + decoder.decode(data)
                cut = max(text.rfind("\n"), text.rfind("\r")) + 1
                carry = text[cut:]
                if len(carry) > limit:  # a line that no newline byte would have shown
                    raise InputFileError(
                        str(path),
                        f"has a line (line {line + text.count(chr(10), 0, cut):,}) longer than "
                        f"{CURRENT.max_line_kb:,} KB ([limits] max_line_kb)",
                        "check that it is a CSV file with one row per line, or raise the limit in [limits] of the "
                        "config if the file is genuine",
                    )
                line += text.count("\n", 0, cut)
                yield text[:cut]
            yield carry + decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if codec == "utf-16":
            raise InputFileError(
                str(path),
                "starts as UTF-16 text but is cut short or damaged",
                "save it again from Excel (as 'CSV UTF-8' if you can)",
            ) from None
        raise InputFileError(
            str(path),
            f"looks like {codec.upper()} text without its byte-order mark, but is damaged",
            "save it again from Excel as 'CSV UTF-8'",
        ) from None
