"""Match: each payment tied to a beneficiary (sql/match.sql: by ID, then by the ID in the narrative,
by account, by name and date of birth, by name), the facts the rules read (sql/facts.sql), and the
month's guards that need the matches: the registry's scale, payments the registry does not know,
and a source that looks missing."""

from __future__ import annotations

from collections.abc import Callable

from reconcile import checks
from reconcile.checks import file_names, rows
from reconcile.checks_communes import refuse_communes_left_out
from reconcile.checks_coverage import RunWarning, cash_unpaid, missing_communes, unchecked
from reconcile.checks_month import check_paid_in_earlier
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
    if has_history(con, ("bank_ref",)) and guards.max_repeated_refs < 1:  # an earlier month's file given again
        check_paid_in_earlier(paid_in_earlier(con, params, guards.max_repeated_refs), file_names(tables), guards)
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
        for warning in warnings:
            if notice:
                notice(warning.text)
    if missing and not partial:
        raise checks.refuse_missing(missing, params["period"])
    return missing, warnings


# a month of more payments than this is looked at first in one payment in EVERY (by its id: the
# whole took 0.6 s of a run at 1M with a month before it), counted whole only when a file's sample
# comes near the line; a month with a file of fewer than SMALL payments is counted whole
SAMPLE_ABOVE, EVERY, SMALL = 50_000, 64, 5_000


def paid_in_earlier(con, params: dict, line: float) -> list[dict]:
    """checks/paid_in_earlier.sql's rows: each payments file's successful payments, and how many carry
    the references of the month before's (or after's) payments; none when the sample of a large month
    shows no file near `line` (max_repeated_refs)."""
    sizes = [n for (n,) in con.execute("SELECT count(*) FROM cur_payments GROUP BY file_id").fetchall()]
    if sum(sizes) > SAMPLE_ABOVE and min(sizes) >= SMALL:
        sampled = rows(con, "checks/paid_in_earlier.sql", {**params, "every": EVERY})
        if not any(r["repeated"] > line / 2 * r["payments"] for r in sampled):
            return []
    return rows(con, "checks/paid_in_earlier.sql", {**params, "every": 1})


def has_history(con, payments: tuple[str, ...] = ()) -> bool:
    """Whether the database holds the runs of earlier months (the tables coverage_known.sql and
    checks_dead.py read), its payments with the columns `payments` (a database an earlier version
    wrote may lack them until the run brings it up to date)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name IN ('registry', 'payments', 'matches')"
    ).fetchone()
    if not (found and found[0] == 3):
        return False
    columns = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name = 'payments' AND list_contains(?, column_name)",
        [list(payments)],
    ).fetchone()
    return bool(columns and columns[0] == len(payments))


def has_view(con, name: str) -> bool:
    """Whether the database holds the view `name` (views.sql's, stored by the runs of earlier months)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND view_name = ?",
        [name],
    ).fetchone()
    return bool(found and found[0])
