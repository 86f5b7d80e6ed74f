"""Text compared as a person reads it: without case, diacritics, invisible characters or punctuation."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Characters that show as nothing: soft hyphen, Mongolian vowel separator, zero-width space, joiners
# and direction marks, bidirectional embeddings and isolates, word joiner and invisible operators,
# BOM. Removed from every value before it is compared (the SQL macro rc_text removes the same set).
INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x180E,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        0xFEFF,
    ]
)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, no diacritics, đ/Đ to d, invisible characters removed, anything but letters and
    digits to single spaces.

    The same folding as the SQL macro `rc_fold`; used to compare headers and enum values. Kept for
    the texts already folded: recognising a file's layout folds the same headers and cells for every
    profile."""
    text = unicodedata.normalize("NFC", text.translate(INVISIBLE)).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    out = []
    for ch in stripped.lower():
        out.append(ch if ch.isascii() and ch.isalnum() else " ")
    return " ".join("".join(out).split())


def bank_key(text: str) -> str:
    """A bank name or code compared without case, diacritics, spaces or punctuation (same as rc_bank_t)."""
    return fold(text).replace(" ", "").upper()
