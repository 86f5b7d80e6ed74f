"""Masking of personal identifiers for reports that leave the office (`--mask-ids`).

IDs and account numbers keep only their last four characters. Free text (a finding's detail, a
rejected row's raw values, a narrative) has every run of nine or more digits, written together or
grouped with single spaces, dots or dashes, masked the same way: a 12-digit ID, a 9-digit CMND
number or an account number cannot pass through, while amounts below 100,000,000 and dates stay
readable. A run glued to a letter before it (a payment reference such as `FT20240900011`) is left
alone unless it is 12 digits long (an ID written as `CCCD079085001234`). The database always
keeps the values whole. `sql/report_macros.sql` has the same rules in SQL; a test keeps them equal.
"""

from __future__ import annotations

import re

MASK = "*"
KEEP = 4
# nine or more digits, optionally grouped by single separators: 079085001234, 079 085 001 234, 0790-8500-1234
_DIGIT_RUN = re.compile(r"[0-9](?:[ .\-]?[0-9]){8,}")


def mask_id(value: str | None) -> str | None:
    """`079085001234` -> `********1234`; values of four characters or fewer are masked whole."""
    if value is None:
        return None
    text = str(value)
    if len(text) <= KEEP:
        return MASK * len(text)
    return MASK * (len(text) - KEEP) + text[-KEEP:]


def _mask_run(match: re.Match) -> str:
    digits = re.sub(r"[^0-9]", "", match.group(0))
    start = match.start()
    before = match.string[start - 1] if start else ""
    if before.isascii() and before.isalpha() and len(digits) != 12:
        return match.group(0)
    return MASK * (len(digits) - KEEP) + digits[-KEEP:]


def mask_text(value: str | None) -> str | None:
    """Mask every long digit run inside free text, keeping its last four digits."""
    if value is None:
        return None
    return _DIGIT_RUN.sub(_mask_run, str(value))
