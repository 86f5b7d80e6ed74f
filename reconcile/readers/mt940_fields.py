"""The fields of an MT940/MT942 file: its text decoded, a SWIFT envelope and the statement
separators taken off, and cut into tagged fields (`:20:`, `:61:`, ...), each with the line it starts
on. See mt940.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import mt940

from reconcile.errors import InputFileError
from reconcile.readers.transcode import windows_1258

# Windows-1258 writes a tone as a combining mark after its vowel: one after anything else is a letter of
# Windows-1252 (Italian ì, ò, Icelandic Þ share those bytes), in a file that is not Vietnamese
STRAY_TONE = re.compile("(?<![aăâeêioôơuưyAĂÂEÊIOÔƠUƯY])[\u0300\u0301\u0303\u0309\u0323]")
# ... and Vietnamese writes tones: a text of none is a European one whose ã, õ, ý Windows-1258 reads as ă, ơ, ư
TONE = re.compile("[\u0300\u0301\u0303\u0309\u0323]")

TAG_LINE = re.compile(r":(?P<tag>[0-9]{2}[A-Z]?|NS):")

KNOWN_TAGS = {str(tag_id) for tag_id in mt940.tags.TAG_BY_ID}  # '20', '60F', 'NS', ...


# a statement's first fields (`:20:`, or a `:61:` line) are in its first bytes: a file without them
# there, or with a NUL byte (no text), is refused before it is read whole (a 2 GB file of zeros named
# .sta took 4 GB of memory)
HEAD = 65_536


def text_of(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD)
        if head.strip() and (b"\x00" in head or (b":20:" not in head and b":61:" not in head)):
            raise InputFileError(
                str(path),
                "is not an MT940 or MT942 statement (no :20:, :60F: or :61: field found)",
                "ask the bank for the account statement as MT940, camt.053 XML or Excel/CSV",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            str(path), f"cannot be opened ({exc.strerror})", "check the path and its permissions"
        ) from None
    if not data.strip():
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    return decoded(data.removeprefix(b"\xef\xbb\xbf"))


def decoded(data: bytes) -> str:
    """The statement's text: UTF-8, else Windows-1258 (Vietnamese Windows' code page, in NFC), as a CSV
    file is told apart (transcode.py), when it reads as such with a tone, each on a vowel; else Windows-1252
    or Latin-1, a European bank's (which read alike as Windows-1258 but for the letters Vietnamese
    replaced: `NGUYÊÞN THIò` was `NGUYỄN THỊ` read as Windows-1252)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    vietnamese = windows_1258(data)
    if vietnamese is not None:
        marks = data.decode("cp1258")
        if TONE.search(marks) and not STRAY_TONE.search(marks):
            return vietnamese
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # every byte is a character: never fails


def unwrap(lines: list[str]) -> list[str]:
    """The lines of the statements without a SWIFT envelope: the `{1:...}{2:...}{3:...}{4:` header
    (kept is what follows `{4:` on its line), the `-}{5:...}` trailer and the `-` separators;
    control characters (SOH, ETX) are dropped."""
    out = []
    for line in lines:
        line = line.replace("\x01", "").replace("\x03", "").rstrip("\r")
        stripped = line.strip()
        if stripped.startswith("{"):
            if "{4:" not in stripped:
                continue
            line = stripped.split("{4:", 1)[1]
            if not line.strip():
                continue
        elif stripped == "-" or stripped.startswith("-}"):
            continue
        out.append(line)
    return out


@dataclass
class Field:
    tag: str  # '61', '60F', ...
    line: int  # line number of the tag in the file, 1 for the first
    lines: list[str]  # the raw lines, the first without its tag


def fields_of(text: str, path: Path) -> list[Field]:
    """The file's fields in order, each with the line it starts on. A line that does not start with
    a known tag continues the field before it; lines before the first field (a bank's header) are
    dropped. A field longer than `[limits] max_field_kb` (characters) is refused: its lines would be
    joined into one value of that size."""
    from reconcile.readers import limits

    fields: list[Field] = []
    size, limit = 0, limits.CURRENT.max_field_kb * 1024
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(raw, start=1):
        kept = unwrap([line])
        if not kept:
            continue
        line = kept[0]
        match = TAG_LINE.match(line)
        if match and (match.group("tag") in KNOWN_TAGS or match.group("tag")[:2] in KNOWN_TAGS):
            fields.append(Field(match.group("tag"), number, [line[match.end() :]]))
            size = len(line)
        elif fields:
            fields[-1].lines.append(line)
            size += len(line)
        if size > limit:
            raise InputFileError(
                str(path),
                f"has a field :{fields[-1].tag}: (line {fields[-1].line:,}) longer than "
                f"{limits.CURRENT.max_field_kb:,} KB ([limits] max_field_kb), which no bank statement has",
                "ask the bank to export the file again; it may be damaged or hostile",
            )
    return fields
