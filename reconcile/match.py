"""Match: each payment tied to a beneficiary (sql/match.sql: by ID, then by the ID in the narrative,
by account, by name and date of birth, by name), the facts the rules read (sql/facts.sql), and the
month's guards that need the matches: the registry's scale, payments the registry does not know,
and a source that looks missing."""

from __future__ import annotations

from reconcile import checks
from reconcile.checks import file_names, rows
from reconcile.sqlfiles import execute_file


def match(con, tables, params: dict, guards, partial: bool) -> list:
    """Match the run's payments; return the sources that look missing (allowed only with --partial)."""
    execute_file(con, "match.sql", params)
    execute_file(con, "facts.sql", params)
    registries = [str(tb.path) for _, tb in tables if tb.kind == "registry"]
    checks.check_scale(rows(con, "checks/scale.sql"), file_names(tables), registries, guards)
    checks.check_unmatched(rows(con, "checks/unmatched.sql"), file_names(tables), registries, guards)
    missing = checks.missing_sources(
        rows(con, "checks/coverage.sql"),
        guards,
        lambda group: rows(con, "checks/coverage_exact.sql", checks.exact_coverage_params(group))[0]["with_payment"],
    )
    if missing and not partial:
        raise checks.refuse_missing(missing)
    return missing
