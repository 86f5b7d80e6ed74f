"""The month's guard on amounts written in thousands of đồng (1.500 for 1.500.000, as a report headed
'ĐVT: nghìn đồng' writes them). When only the registry or only a payments file is so written, the
scale guard (checks.check_scale) sees the amounts due and paid a thousand apart, and says which. When
both are, they agree: the run found what it finds on the month in đồng, and every amount it reported
(due, paid, at stake, to recover) was a thousandth of the truth, exit 0. No monthly benefit is that
small: the standard social assistance level is 500,000 VND (Decree 76/2024)."""

from __future__ import annotations

from reconcile.config import Checks
from reconcile.errors import InputFileError

# Amounts under this many VND beside amounts of a million or more, in one file, at least so many of each:
# no benefit is under 1,000 VND, and a file in thousands of đồng holds no million
TINY, AT_LEAST = 1_000, 3


def check_re_saved(rows: list[dict], names: dict[int, str], checks: Checks) -> None:
    """Refuse a registry or payments file with at least AT_LEAST amounts under TINY VND beside at least as
    many of a million or more (checks/thousands.sql): re-saved by an Excel whose number settings are
    not the file's (set to English, it reads 750.000 as 750; set to Vietnamese, 750,000) and that kept
    1.500.000 as text. Re-saved alike, the registry and the payments agreed, and the month passed clean
    with every such amount a thousandth of the truth, exit 0."""
    if not checks.min_amount:
        return
    for r in rows:
        if r["tiny"] >= AT_LEAST and r["whole"] >= AT_LEAST:
            what = "active beneficiaries' amounts due" if r["role"] == "registry" else "successful payments"
            raise InputFileError(
                names[r["file_id"]],
                f"{r['tiny']:,} of its {r['n']:,} {what} are under {TINY:,} VND (such as {r['tiny_example']:,}) "
                f"beside {r['whole']:,} of a million or more: it was re-saved by an Excel whose number settings are "
                "not the file's, which read 750.000 (or 750,000) as 750 and kept 1.500.000 as it was",
                "export it again from its system (or open the original in Excel with the number settings it was "
                "written in, and save it as .xlsx), and run again",
            )


def check_thousands(rows: list[dict], names: dict[int, str], checks: Checks) -> None:
    """Refuse a month with a registry file and a payments file, each of at least min_group amounts,
    more than half of them under min_amount VND (checks/thousands.sql), naming both."""
    small = {
        role: [r for r in rows if r["role"] == role and r["n"] >= max(checks.min_group, 1) and 2 * r["small"] > r["n"]]
        for role in ("registry", "payments")
    }
    if not checks.min_amount or not small["registry"] or not small["payments"]:
        return
    registry, payments = small["registry"][0], small["payments"][0]
    raise InputFileError(
        names[registry["file_id"]],
        f"{registry['small']:,} of its {registry['n']:,} active beneficiaries' amounts due are under "
        f"{checks.min_amount:,} VND, as are {payments['small']:,} of the {payments['n']:,} successful payments of "
        f"{names[payments['file_id']]}: the month's amounts look written in thousands of đồng (1.500 for 1.500.000)",
        "export the files again with their amounts in đồng (or multiply them by 1,000 in Excel and save them); "
        "if they are right, lower min_amount in the config file",
    )


def check_zero_fractions(rows: list[dict], names: dict[int, str]) -> None:
    """Refuse a registry or payments file with amounts written with three or more zeros after one point
    or comma (1500.000, 150,0000) beside amounts written otherwise (1.500.000, 1500000): a group of
    thousands or decimals, a thousand apart, and its other amounts say it is no system's three decimals
    (checks/zero_fractions.sql). Read as decimals, 1.500.000 typed 1500.000 was due 1,500. Named by its
    shape and row, not its value."""
    for row in rows:
        raise InputFileError(
            names[row["file_id"]],
            f"{row['n']:,} of its {row['column_name']} values are written with three or more zeros after a point or "
            f"a comma (the first in row {row['first_row']}, written {row['shape']}) beside {row['other']:,} written "
            "otherwise: such an amount is a group of thousands or decimals, a thousand apart (1500.000 is 1.500.000 "
            "or 1.500), and the file does not say which",
            "write each such amount as 1.500.000 or 1500000, and run again",
        )
