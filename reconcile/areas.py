"""Administrative-unit reference tables: provinces in both layouts, and the communes in force since 1 July 2025.

Vietnam changed its administrative map on 1 July 2025 (Resolution 202/2025/QH15): 63 provinces became 34,
the district level was abolished, and about 10,000 communes were merged into 3,321. Codes are the
National Statistics Office (NSO, formerly GSO) codes: 2-digit provinces, 5-digit communes; the 2025 codes
are those of Decision 19/2025/QĐ-TTg. A registry or payment file uses the layout in force for its period:
`layout_for(period)` gives 'pre2025' before 2025-07 and '2025' from then on.

Tables (package data in reconcile/data, all columns text, codes with their leading zeros):

- `provinces()` (provinces.csv): one row per (code, layout). Layout 'pre2025' holds the 63 old province
  codes with their old names; layout '2025' the 34 current ones. `code_2025` is the current province an
  old one merged into (itself for layout '2025'), e.g. old 24 Bắc Giang and old 27 Bắc Ninh both map to
  24, the new Bắc Ninh. The same code can name different areas in the two layouts, so key on (code,
  layout). Built from birth_provinces.csv (shared/DOMAIN.md section 1.3) and checked against DOMAIN.md
  section 2.1.
- `communes_2025()` (communes_2025.csv): the 3,321 communes (xã, phường, đặc khu) of the 2025 layout, with
  their 2025 province. Source: the CC-BY-4.0 dataset open-admin-data/vietnam-administrative-divisions
  (attribution, commit and the one code corrected from it are in the file's header); names are given
  without their type word ('Ba Đình' for Phường Ba Đình).

A 5-digit commune code is ambiguous without its as-of date: the reform reused old codes for new units
(new Phường Ba Đình is 00004, the code of the old Phường Trúc Bạch). So a commune code is checked against
the list in force for the period it belongs to, never against a union of lists. Only the 2025 commune list
ships; the pre-2025 list (about 10,000 units, and its many-to-many transition to the new communes) is out
of scope, so a commune code of a period before 2025-07 is validated by shape only (five digits), and its
province by the pre2025 rows of `provinces()`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources

import polars as pl

REFORM_DATE = date(2025, 7, 1)
"""First day of the 34-province / 3,321-commune layout."""

LAYOUT_PRE2025 = "pre2025"
LAYOUT_2025 = "2025"

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _read(name: str) -> pl.DataFrame:
    data = resources.files("reconcile.data").joinpath(name).read_bytes()
    return pl.read_csv(data, comment_prefix="#", infer_schema=False)


@cache
def _provinces() -> pl.DataFrame:
    return _read("provinces.csv")


@cache
def _communes_2025() -> pl.DataFrame:
    return _read("communes_2025.csv")


def provinces() -> pl.DataFrame:
    """Provinces of both layouts: columns code, name, layout ('pre2025' | '2025'), code_2025; 97 rows."""
    return _provinces().clone()


def communes_2025() -> pl.DataFrame:
    """Communes of the 2025 layout: columns commune_code, name, province_code; 3,321 rows."""
    return _communes_2025().clone()


def layout_for(period: str) -> str:
    """The administrative layout in force for a period 'YYYY-MM': 'pre2025' before 2025-07, else '2025'."""
    match = _PERIOD_RE.match(period or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"period '{period}' is not YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    return LAYOUT_2025 if (year, month) >= (REFORM_DATE.year, REFORM_DATE.month) else LAYOUT_PRE2025
