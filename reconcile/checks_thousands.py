"""The month's guard on amounts written in thousands of đồng (1.500 for 1.500.000, as a report headed
'ĐVT: nghìn đồng' writes them). When only the registry or only a payments file is so written, the
scale guard (checks.check_scale) sees the amounts due and paid a thousand apart, and says which. When
both are, they agree: the run found what it finds on the month in đồng, and every amount it reported
(due, paid, at stake, to recover) was a thousandth of the truth, exit 0. No monthly benefit is that
small: the standard social assistance level is 500,000 VND (Decree 76/2024)."""

from __future__ import annotations

from reconcile.config import Checks
from reconcile.errors import InputFileError


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
