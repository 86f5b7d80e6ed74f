"""A commune's list left out of a registry given commune by commune, a month's guard (checks.py):
the payments to its beneficiaries match no one, too few in a month of many communes for the
month-wide guard (max_unmatched_month). The payment files name no commune; the registry of the
month before in the database does (sql/checks/communes_left_out.sql)."""

from __future__ import annotations

from reconcile.config import Checks
from reconcile.errors import ReconcileError


def refuse_communes_left_out(rows: list[dict], registry_names: list[str], checks: Checks) -> None:
    """Refuse a month in which at least min_source successful payments that match no beneficiary
    went to the IDs or accounts of the beneficiaries of a programme in a commune that the registry of
    the month before lists and this month's lists no one of, when they were at least min_coverage of
    its beneficiaries there: its list of that commune was left out. A few payees taken off the list and
    paid anyway are fewer than min_source in one commune, or, in a commune merged into another (its
    people listed under the other's code), a small part of its people."""
    if not checks.min_source:
        return
    found = [
        row
        for row in rows
        if row["payments"] >= checks.min_source and row["paid"] >= checks.min_coverage * row["listed"]
    ]
    if not found:
        return
    by_commune: dict[str, int] = {}
    for row in found:  # a commune whose lists of both programmes were left out: one commune
        by_commune[row["commune_code"]] = by_commune.get(row["commune_code"], 0) + row["payments"]
    several = len(by_commune) > 1
    total = sum(by_commune.values())
    communes = ", ".join(f"{commune} ({n:,})" for commune, n in by_commune.items())
    raise ReconcileError(
        f"{total:,} of the month's payments match no beneficiary of the registry ({', '.join(registry_names)}) but "
        f"went to the IDs or accounts of beneficiaries of {'communes' if several else 'commune'} {communes} in the "
        f"registry of {found[0]['listed_in']}, of whom this registry lists no one: "
        f"{'their lists were' if several else 'its list was'} probably left out; give {'them' if several else 'it'} "
        "with --registry and run again (if none of them is a beneficiary any more, set min_source = 0 in [checks] of "
        "the config file to reconcile the month)"
    )
