"""Masking of personal identifiers for reports that leave the office (`--mask-ids`).

IDs, account numbers and payment references keep only their last four characters. Free text (a
finding's detail, a rejected row's raw values, a narrative) has every run of nine or more digits,
written together or grouped with single spaces, dots or dashes, masked the same way, glued to
letters or not: a 12-digit ID (`CCCD079085001234`), a 9-digit CMND number, an account number or a
payment reference (`FT20240900011` -> `FT*******0011`) cannot pass through, while amounts below
100,000,000 and dates stay readable, but for a date written after a word for birth (`ns 05/12/1937`).
The database always keeps the values whole. `sql/report_macros.sql` has the same rules in SQL; a test
keeps them equal.
"""

from __future__ import annotations

import re

MASK = "*"
KEEP = 4
# nine or more digits, ASCII or full-width, grouped by up to two separators or none: 079085001234,
# 079 085 001 234, 0790-8500-1234, 001,097,699,417 (a number Excel grouped), 0710_8247_15132
_DIGIT_RUN = re.compile(r"[0-9０-９](?:[ .\-,_]{0,2}[0-9０-９]){8,}")

# A rejected row's raw values keep the file's own headers: the headers each input file read as dates
# of birth (inputs.columns_used), by period and file, whose values rc_mask_dob (sql/report_macros.sql)
# masks. A join: LEFT JOIN DOB_KEYS USING (period, file_id).
DOB_KEYS = """(SELECT period, file_id, list(e.key ORDER BY e.key) AS dob_keys
    FROM (SELECT period, file_id, unnest(map_entries(json_transform(columns_used, '"MAP(VARCHAR, VARCHAR)"'))) AS e
          FROM inputs)
    WHERE e.value = 'date_of_birth'
    GROUP BY ALL) AS dob"""


def mask_id(value: str | None) -> str | None:
    """`079085001234` -> `********1234`; values of four characters or fewer are masked whole."""
    if value is None:
        return None
    text = str(value)
    if len(text) <= KEEP:
        return MASK * len(text)
    return MASK * (len(text) - KEEP) + text[-KEEP:]


def _mask_run(match: re.Match) -> str:
    digits = re.sub(r"[^0-9０-９]", "", match.group(0))
    return MASK * (len(digits) - KEEP) + digits[-KEEP:]


# a date written after a word for birth: `Hoan tra ns 05/12/1937`, `sinh ngày 05/12/1937`, `DOB
# 1937-12-05` (ASCII word boundaries, as the SQL's RE2 has them). Mirrors rc_dob_in_text
# (sql/report_macros.sql).
_DOB_IN_TEXT = re.compile(
    r"(\b(?:ns|n\.s\.|sinh|dob|d\.o\.b\.|born|birth)(?:[\s:.]*(?:ngày|Ngày|NGÀY|ngay|on|date))?[\s:.]*)"
    r"[0-9]{1,4}[/.\-][0-9]{1,2}[/.\-][0-9]{2,4}",
    re.IGNORECASE | re.ASCII,
)


def mask_text(value: str | None) -> str | None:
    """Mask every long digit run inside free text, keeping its last four digits, and every date
    written after a word for birth."""
    if value is None:
        return None
    return _DIGIT_RUN.sub(_mask_run, _DOB_IN_TEXT.sub(r"\1**/**/****", str(value)))
