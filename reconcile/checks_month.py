"""The month's guard on the month a payments file's narratives name (a month's guard, checks.check_files).

Last month's bank batch, re-exported or paid late, is dated in this month: the period guard
(checks.check_periods) passes it, and beside this month's file each of its payments became a
DUPLICATE_PAYMENT and an AMOUNT_MISMATCH, and the non-cash share was inflated; given instead of this
month's file it passed as a clean month. Only its narratives tell its month: `Chi tra tro cap
T08/2024`, `BHXH chi luong huu thang 8/2024`. checks/named_month.sql counts each file's payments by
the first mention of a month in their narratives; a file more than max_other_month of whose payments
name one month before the period, and not the period, is refused. Arrears paid late are
legitimate: a few payments of a file naming earlier months are below the line, and a narrative of
arrears (`truy lĩnh`) counts for no other month. A later month named is money paid early, dated in
the period (February's pensions in a batch of their own in January, before Tết: facts.sql's
cur_paid_ahead), never a later month's file: that one's dates are not in the period.
"""

from __future__ import annotations

import re
from collections import Counter

from reconcile.config import Checks
from reconcile.errors import InputFileError
from reconcile.readers.tables import is_sheet


def months_of(named: str | None, period: int) -> list[int]:
    """The months a mention names (named_month.sql's, in lower case: `t08/2024`, `tháng 8 năm 2024`,
    `t8, t9/2024`, `t08`), as yyyymm, each with the year written after it; one without a year is the
    nearest such month to the period (yyyymm), within five months after it or six before: T08 in a
    run of 2024-09 is 2024-08, T12 in a run of 2025-01 is 2024-12."""
    months: list[int] = []
    pending: list[int] = []
    for number in re.findall(r"[0-9]+", named or ""):
        if len(number) == 4:
            months += [int(number) * 100 + month for month in pending]
            pending = []
        else:
            pending.append(int(number))
    start = (period // 100) * 12 + period % 100 - 1
    for month in pending:
        near = start + (month - 1 - start % 12 + 6) % 12 - 6
        months.append((near // 12) * 100 + near % 12 + 1)
    return months


def named_months(rows: list[dict], period: str) -> dict[int, dict]:
    """Per file: its payments (n), whether they are its successful ones, how many name the period
    (among the months their narrative's first mention names: `T8, T9/2024` is September's too) and,
    of those that name another and are not arrears, the month most name (the first their mention
    names) and how many."""
    ym = int(period[:4]) * 100 + int(period[5:7])
    files: dict[int, dict] = {}
    others: dict[int, Counter] = {}
    for row in rows:
        file = files.setdefault(row["file_id"], {"n": 0, "inside": 0, "successful": row["successful"]})
        n = int(row["n"])
        file["n"] += n
        months = months_of(row["named"], ym)
        if ym in months:
            file["inside"] += n
        elif months and not row["arrears"] and months[0] < ym:  # a later month: paid early (before Tết)
            others.setdefault(row["file_id"], Counter())[months[0]] += n
    for file_id, file in files.items():
        # the month most name, the earlier of two as common
        top = min(others.get(file_id, Counter()).items(), key=lambda kv: (-kv[1], kv[0]), default=(None, 0))
        file["top_month"], file["top_count"] = top
    return files


def check_named_month(rows: list[dict], names: dict[int, str], period: str, checks: Checks) -> None:
    """Refuse a payments file of at least min_group payments (its successful ones, all of them when none
    is) more than max_other_month of whose narratives name one month before the period."""
    for file_id, file in sorted(named_months(rows, period).items()):
        n, top = file["n"], file["top_count"]
        if n < max(checks.min_group, 1) or top <= checks.max_other_month * n:
            continue
        month = f"{file['top_month'] // 100:04d}-{file['top_month'] % 100:02d}"
        what = "payments" if file["successful"] else "payments (none successful)"
        share = f"{100 * top / n:.0f}%"
        problem = (
            f"the narratives of {top:,} of its {n:,} {what} ({share}) name {month} and those of "
            f"{file['inside']:,} name {period}: it looks like the payment file of {month}, re-exported or paid late"
        )
        give = (
            f"delete the sheet of {month} from the workbook (or save the sheet of {period} as a file of its own)"
            if is_sheet(names[file_id])  # its workbook's other sheets are read too
            else f"give the payment file of {period} instead"
        )
        fix = (
            f"{give}, or, if these are payments made in {period} of another month's money (arrears paid late), "
            "set max_other_month = 1 in [checks] of the config file (--config), and run again"
        )
        raise InputFileError(names[file_id], problem, fix)
