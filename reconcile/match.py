"""Match: each payment tied to a beneficiary (sql/match.sql: by ID, then by the ID in the narrative,
by account, by name and date of birth, by name), the facts the rules read (sql/facts.sql), and the
month's guards that need the matches: the registry's scale, payments the registry does not know,
and a source that looks missing."""

from __future__ import annotations

from collections.abc import Callable

from reconcile import checks
from reconcile.checks import file_names, rows
from reconcile.checks_communes import refuse_communes_left_out
from reconcile.checks_coverage import (
    RunWarning,
    cash_unpaid,
    missing_communes,
    part_missing,
    registry_unpaid,
    small_source_unpaid,
    unchecked,
)
from reconcile.checks_thousands import check_re_saved
from reconcile.sqlfiles import execute_file


def match(
    con, tables, params: dict, guards, partial: bool, notice: Callable[[str], None] | None = None
) -> tuple[list, list[RunWarning]]:
    """Match the run's payments; return the sources that look missing (allowed only with --partial),
    and the warnings told to `notice` of those that may be (a registry without banks, a few cash
    beneficiaries none of whom has a payment row)."""
    execute_file(con, "match.sql", params)
    execute_file(con, "paid_before.sql" if has_view(con, "paid_ahead") else "paid_before_none.sql", params)
    execute_file(con, "facts.sql", params)
    registries = [str(tb.path) for _, tb in tables if tb.kind == "registry"]
    checks.check_scale(rows(con, "checks/scale.sql"), file_names(tables), registries, guards)
    # re-saved alike on both sides, the amounts due and paid agree: the scale guard sees nothing
    check_re_saved(rows(con, "checks/thousands.sql", {"min_amount": guards.min_amount}), file_names(tables), guards)
    checks.check_unmatched(rows(con, "checks/unmatched.sql"), file_names(tables), registries, guards)
    checks.check_stand_in(rows(con, "checks/stand_in.sql"), file_names(tables), params["period"], guards)
    if has_history(con) and con.execute("SELECT count(commune_code) FROM cur_registry").fetchone()[0]:
        refuse_communes_left_out(rows(con, "checks/communes_left_out.sql", params), registries, guards)
    coverage = rows(con, "checks/coverage.sql")
    counted: dict[tuple, int] = {}

    def exact(group: dict) -> int:
        params = checks.exact_coverage_params(group)
        key = tuple(params.values())
        if key not in counted:
            counted[key] = rows(con, "checks/coverage_exact.sql", params)[0]["with_payment"]
        return counted[key]

    # a registry that names no bank for some: their banks from the runs of earlier months, if any
    uncoded = any(group["channel"] != "cash" and group["bank_code"] is None for group in coverage)
    known = rows(con, "checks/coverage_known.sql") if uncoded and has_history(con) else []
    missing = checks.missing_sources(coverage, guards, exact, known)
    communes = rows(con, "checks/coverage_communes.sql") if any(g["channel"] == "cash" for g in coverage) else []
    missing += missing_communes(communes, missing, guards)
    warnings: list[RunWarning] = []
    if not missing:
        no_bank, cash = unchecked(coverage, known, guards, exact), cash_unpaid(coverage, communes, guards)
        warnings = [RunWarning(no_bank)] if no_bank else []
        warnings += [cash] if cash else []
        warnings += small_source_unpaid(coverage, guards, lambda channel, bank: listed(con, channel, bank))
        warnings += part_missing(coverage, guards, exact)
        if len(registries) > 1:
            warnings += registry_unpaid(rows(con, "checks/registry_files.sql"), file_names(tables), guards)
        for warning in warnings:
            if notice:
                notice(warning.text)
    if missing and not partial:
        raise checks.refuse_missing(missing, params["period"])
    return missing, warnings


def listed(con, channel: str, bank: str) -> bool:
    """Whether a payments file given lists any payment, of any date or outcome, matched to a beneficiary
    registered to `bank` through `channel` (pm)."""
    (n,) = con.execute(
        "SELECT count(*) FROM pm WHERE registry_id IS NOT NULL AND registered_channel = ? AND registered_bank_code = ?",
        [channel, bank],
    ).fetchone()
    return n > 0


def has_history(con) -> bool:
    """Whether the database holds the runs of earlier months (the tables coverage_known.sql and
    checks_dead.py read)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name IN ('registry', 'payments', 'matches')"
    ).fetchone()
    return bool(found and found[0] == 3)


def has_view(con, name: str) -> bool:
    """Whether the database holds the view `name` (views.sql's, stored by the runs of earlier months)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND view_name = ?",
        [name],
    ).fetchone()
    return bool(found and found[0])
