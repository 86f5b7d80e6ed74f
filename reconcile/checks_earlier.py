"""What the database's earlier months tell of this one, warnings of the month (runs.warnings): the
month's findings read its own files alone.

- Payments to the dead an earlier registry lists, and earlier months' payments after a death this
  month's registry reports late (checks_dead.py).
- Files another period's run has read already. Last month's registry given again for this month
  passes every guard: a registry carries no date of its own, so its people are checked against this
  month's payments as if nothing had changed (a death reported since is no PAID_AFTER_DEATH, a new
  beneficiary an UNKNOWN_PAYEE). The database's `inputs` knows each file a run read by its SHA-256: a
  registry, or a payments file, that is byte for byte one that the run of another period read in the
  same role is said, naming that period and file.
- Communes of last month's registry this month's files have no one of (its lists left out together).

Warnings, not refusals: a small commune's list may be unchanged from one month to the next, and a
commune's people may have left the programmes.
"""

from __future__ import annotations

from collections.abc import Callable

from reconcile.areas import layout_for
from reconcile.checks import rows as rows_of
from reconcile.checks_coverage import RunWarning
from reconcile.checks_dead import paid_before_death_reported, paid_dead_unlisted
from reconcile.match import has_history


def history_warnings(
    con, tables, period: str, min_group: int, notice: Callable[[str], None] | None = None
) -> list[RunWarning]:
    """What the database's earlier months tell of this one, told to `notice`: payments to the dead an
    earlier registry lists, and earlier months' payments to those this one reports dead before them
    (checks_dead.py), files an earlier run read already, and communes the month before had that this
    one has no one of."""
    return (
        paid_dead_unlisted(con, period, notice)
        + paid_before_death_reported(con, period, notice)
        + read_before(con, tables, period, notice)
        + communes_gone(con, period, min_group, notice)
    )


def communes_gone(con, period: str, min_group: int, notice: Callable[[str], None] | None = None) -> list[RunWarning]:
    """The warning, told to `notice`, of the communes of last month's registry, each with at least
    min_group active beneficiaries, that this month's registry lists no one of and whose people it
    does not list elsewhere (sql/checks/communes_gone.sql): a commune's lists left out, the registry's
    and the payments' both, passed clean. None before the reform's first month (the communes were
    renumbered: 2025-07 against 2025-06), without an earlier month, or without communes."""
    if (
        not min_group
        or not has_history(con)
        or not con.execute("SELECT count(commune_code) FROM cur_registry").fetchone()[0]
    ):
        return []
    rows = [r for r in rows_of(con, "checks/communes_gone.sql", {"period": period}) if r["gone"] >= min_group]
    if not rows or layout_for(rows[0]["before"]) != layout_for(period):
        return []
    n, communes = sum(r["gone"] for r in rows), ", ".join(r["commune_code"] for r in rows)
    warning = RunWarning(
        f"{n:,} active beneficiaries of {'commune' if len(rows) == 1 else 'communes'} {communes} in the registry of "
        f"{rows[0]['before']} are in none of this month's files: {'its lists' if len(rows) == 1 else 'their lists'} "
        "may have been left out; give them with --registry and --payments and run again, or check that those "
        "beneficiaries left the programmes"
    )
    if notice:
        notice(warning.text)
    return [warning]


def read_before(con, tables, period: str, notice: Callable[[str], None] | None = None) -> list[RunWarning]:
    """The warnings, told to `notice`, of the run's files (`tables`, the readers' (file_id, RawTable)
    pairs) that another period's run read in the same role, sheet and all; none without a history."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name = 'inputs'"
    ).fetchone()
    if not (found and found[0]):
        return []
    warnings = []
    for _, tb in tables:
        earlier = con.execute(
            "SELECT period, file_name FROM inputs WHERE sha256 = ? AND role = ? AND sheet IS NOT DISTINCT FROM ? "
            "AND period <> ? ORDER BY period DESC, file_name LIMIT 1",
            [tb.sha256, tb.kind, tb.sheet, period],
        ).fetchone()
        if earlier is None:
            continue
        warning = RunWarning(
            f"{tb.path.name} is the same file, byte for byte, as the {tb.kind} of {earlier[0]} ({earlier[1]}): "
            f"if it is not this month's, give this month's {tb.kind} and run again"
        )
        if notice:
            notice(warning.text)
        warnings.append(warning)
    return warnings
