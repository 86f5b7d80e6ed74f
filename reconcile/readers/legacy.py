"""Text typed with a legacy Vietnamese font encoding, refused before it garbles every name.

Before Unicode, Vietnamese was typed in 8-bit font encodings: TCVN3 (ABC, fonts .VnTime...) and
VNI (VNI-Times...). A file from such a system decodes without error, as Windows-1258 or as the
Latin characters an old Excel stored, but reads as `NguyÔn V¨n Hïng` (TCVN3) or `Nguyeãn Vaên
Huøng` (VNI). UTF-8 decoded twice gives a third kind, `Nguyá»…n`. Each leaves characters that
correct Vietnamese never uses; when they make up a good part of the non-ASCII text, the file is
refused with the way to convert it. So is text saved in a code page without Vietnamese letters,
which writes '?' for each (`Ngô Minh Th?ng`).
"""

from __future__ import annotations

import re
from pathlib import Path

from reconcile.errors import InputFileError

# characters correct Vietnamese (NFC) never contains, typical of each legacy encoding
# (© and ®, TCVN3's â and đ, are left out: they are also real symbols in real text)
_TCVN3 = set("¸µ¶·¹¨ª«¬¯±²³´½¾ÆÇË×Þß\u00ad")
_VNI = set("øöñûïÖÑØÛÏ")
_DOUBLE_UTF8 = re.compile("á»|áº|Æ°|Ä‘|Ä|Ã[\u0080-\u00bf¡-¿]")
MIN_HITS = 3
MIN_SHARE = 0.10  # of the non-ASCII characters


def legacy_font(text: str) -> str | None:
    """The legacy encoding `text` looks typed in, or None."""
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if not non_ascii:
        return None
    for name, hits in (
        ("UTF-8 read as Windows-1252 (double-encoded)", len(_DOUBLE_UTF8.findall(text)) * 2),
        ("TCVN3 (ABC)", sum(1 for ch in text if ch in _TCVN3)),
        ("VNI", sum(1 for ch in text if ch in _VNI)),
    ):
        if hits >= MIN_HITS and hits >= MIN_SHARE * non_ascii:
            return name
    return None


# a question mark inside a word: what a letter becomes when text is saved in a code page that lacks it
# (Excel's plain 'CSV' on a Windows set to English writes Windows-1252, without ư, ơ, đ, ạ, ế...)
_LOST_LETTER = re.compile(r"(?<=[^\W\d_])\?|\?(?=[^\W\d_])")


def lost_letters(text: str) -> int:
    """How many letters `text` lost to '?', when they are a good part of its letters beyond ASCII
    (a real '?' in a narrative is rare beside the Vietnamese letters around it); else 0."""
    hits = len(_LOST_LETTER.findall(text))
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return hits if hits >= MIN_HITS and hits >= MIN_SHARE * (non_ascii + hits) else 0


def check_headers(headers: list[str], path: Path) -> None:
    """A file whose required columns were not found, refused for its headers' encoding when they lost
    their letters to '?' (`S? ti?n` for `Số tiền`: a code page without Vietnamese letters, the data in
    plain ASCII, as banks write names) or were typed in a legacy font: told to rename columns that are
    there, the officer would have looked for columns that are not missing."""
    lost = lost_letters(" ".join(headers))
    if lost:
        example = next(h for h in headers if _LOST_LETTER.search(h))
        raise InputFileError(
            str(path),
            f"its headers hold '?' in place of {lost:,} letters ('{example}'): it was saved in a code page without "
            "Vietnamese letters (Excel's plain 'CSV' on a Windows not set to Vietnamese), and its columns cannot be "
            "told",
            "save it again from the original in Excel as 'CSV UTF-8' or .xlsx",
        )
    check_legacy_font(" ".join(headers), path)


def check_legacy_font(text: str, path: Path) -> None:
    lost = lost_letters(text)
    first, _, rest = text.partition("\n")
    if lost and not _LOST_LETTER.search(rest):  # the headers alone: a bank's names in plain capitals
        check_headers([cell.strip() for cell in re.split(r"[,;\t|]", first)], path)
    if lost:
        raise InputFileError(
            str(path),
            f"holds '?' in place of {lost:,} letters: it was saved in a code page without Vietnamese letters "
            "(Excel's plain 'CSV' on a Windows not set to Vietnamese), and the names are lost",
            "save it again from the original in Excel as 'CSV UTF-8' or .xlsx",
        )
    kind = legacy_font(text)
    if kind is None:
        return
    if kind.startswith("UTF-8"):
        raise InputFileError(
            str(path),
            "holds Vietnamese text that was decoded twice (UTF-8 read as Windows-1252), so every name would be garbled",
            "export it again from the source system as 'CSV UTF-8' or .xlsx",
        )
    raise InputFileError(
        str(path),
        f"holds text in the legacy {kind} font encoding, so every name would be garbled",
        f"convert it to Unicode first (e.g. Unikey's converter, {kind.split()[0]} to Unicode) "
        "and save it as 'CSV UTF-8' or .xlsx",
    )
