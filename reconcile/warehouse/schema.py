"""The warehouse's schema in the database: the DDL with every COMMENT, creating what is missing, and
the period-replacing write. `schemas/warehouse.sql` is generated from `ddl()`; a test keeps it equal."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from reconcile.contracts.values import SEVERITY_RANK
from reconcile.errors import ConfigError
from reconcile.sqlfiles import execute_file
from reconcile.warehouse import history
from reconcile.warehouse.history import PERIOD_TABLES, TABLES, VIEW_COMMENTS
from reconcile.warehouse.quoting import quote_ident, quote_literal


def ddl(in_effect: frozenset[str] = frozenset(), comments: bool = True) -> str:
    """CREATE statements and COMMENTs for every table and view, in a fixed order; less the COMMENTs
    on tables and their columns in `in_effect` (comments_in_effect: a database that has them), or
    without any COMMENT (`comments` false)."""
    parts = []
    for table in TABLES:
        cols = ",\n".join(f"    {quote_ident(c.name)} {c.type}" for c in table.cols)
        parts.append(f"CREATE TABLE IF NOT EXISTS {quote_ident(table.name)} (\n{cols}\n);")
    # a severity's rank (contracts.SEVERITY_RANK), for ordering what has no severity_rank column
    ranks = " ".join(f"WHEN {quote_literal(name)} THEN {rank}" for name, rank in SEVERITY_RANK.items())
    parts.append(f"CREATE OR REPLACE MACRO rc_severity_rank(severity) AS CASE severity {ranks} END;")
    parts.append(resources.files("reconcile.sql").joinpath("views.sql").read_text(encoding="utf-8").strip())
    if not comments:
        return "\n".join(parts) + "\n"
    for table in TABLES:
        parts.append(_comment("TABLE", quote_ident(table.name), table.comment))
        parts.extend(
            _comment("COLUMN", f"{quote_ident(table.name)}.{quote_ident(c.name)}", c.comment) for c in table.cols
        )
    parts = [p for p in parts if p not in in_effect]
    for view, (comment, view_cols) in VIEW_COMMENTS.items():
        parts.append(_comment("VIEW", quote_ident(view), comment))
        parts.extend(
            _comment("COLUMN", f"{quote_ident(view)}.{quote_ident(name)}", text) for name, text in view_cols.items()
        )
    return "\n".join(parts) + "\n"


def _comment(kind: str, name: str, text: str) -> str:
    return f"COMMENT ON {kind} {name} IS {quote_literal(text)};"


def comments_in_effect(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The COMMENT statements on tables and their columns that the database has in effect already:
    issued again, each of the 350 rewrote its table's entry in the catalog, and they were two thirds
    of every run's and every sign-off's schema check (0.33 of 0.48 s CPU). The views are made again
    each time, and their comments with them."""
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main'"
    ).fetchall()
    columns = con.execute(
        "SELECT c.table_name, c.column_name, c.comment FROM duckdb_columns() AS c "
        "JOIN duckdb_tables() AS t ON t.table_oid = c.table_oid "
        "WHERE c.database_name = current_database() AND c.schema_name = 'main'"
    ).fetchall()
    return frozenset(
        [_comment("TABLE", quote_ident(t), text) for t, text in tables if text]
        + [_comment("COLUMN", f"{quote_ident(t)}.{quote_ident(c)}", text) for t, c, text in columns if text]
    )


def refuse_foreign(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    """A DuckDB file some other program made is refused before anything is read or written: one
    holding tables or views but no `runs` table of reconcile's, or a table of one of reconcile's names
    without reconcile's columns (`flags(x)`; `payments(period, note)`, one column shared). A run
    replaced such a table's rows of the period with its own, and added its tables, the month's
    personal data, to a file that may be shared; or failed deep in its write, an internal error. A
    table of an earlier version misses a few of the columns added since, never its keys or most of them."""
    existing: dict[str, set[str]] = {}
    for t, c in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main'"
    ).fetchall():
        existing.setdefault(t, set()).add(c)
    for table in TABLES:
        if table.name not in existing:
            continue
        ours = {c.name for c in table.cols}
        shared = existing[table.name] & ours
        keys = {"period", "run_id"} & ours
        if not shared or not keys <= shared or 2 * len(shared) < len(ours):
            if not shared:
                raise ConfigError(
                    f"{db}: is a DuckDB database reconcile did not make (its table {table.name} has none of "
                    "reconcile's columns); give --db a new file, or the database reconcile made"
                )
            raise ConfigError(
                f"{db}: is a DuckDB database reconcile did not make (its table {table.name} has {len(shared)} of "
                f"reconcile's {len(ours)} columns); give --db a new file, or the database reconcile made"
            )
    if existing and "runs" not in existing:
        names = sorted(existing)
        held = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        raise ConfigError(
            f"{db}: is a DuckDB database reconcile did not make (it holds {held}, and no table runs); give --db a new "
            "file, or the database reconcile made"
        )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing; a table written by an earlier version gains the columns added since
    (NULL in its old rows), so an existing database keeps working."""
    existing = {
        (t, c)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall()
    }
    tables = {t for t, _ in existing}
    # earlier versions had the share as a view over the stored tables, computed again at every query
    # (or, for two hours on 2026-11-29, as a table of each run's rows); it is now a view over
    # noncash_share_rows, filled by each run, and an old database's periods are computed again
    views = _views(con)
    was_view = "noncash_share_rows" not in tables and "noncash_share" in views
    was_table = "noncash_share" in tables and "noncash_share" not in views
    if was_view:
        con.execute("DROP VIEW noncash_share")
    if was_table:
        con.execute("DROP TABLE noncash_share")
    for table in TABLES:
        if table.name in tables:
            for c in table.cols:
                if (table.name, c.name) not in existing:
                    con.execute(f"ALTER TABLE {quote_ident(table.name)} ADD COLUMN {quote_ident(c.name)} {c.type}")
    con.execute(ddl(comments_in_effect(con)))
    if was_view or was_table:
        # a run computes its own period's share (nc_rows) before it calls here: kept aside meanwhile
        held = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'nc_rows'"
        ).fetchall()[0][0]
        if held:
            con.execute("ALTER TABLE nc_rows RENAME TO nc_rows_of_run")
        for period, partial in con.execute(
            "SELECT period, coalesce(bool_or(partial), false) FROM runs GROUP BY period ORDER BY period"
        ).fetchall():
            store_noncash_share(con, period, partial=partial)
        if held:
            con.execute("ALTER TABLE nc_rows_of_run RENAME TO nc_rows")


def _views(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        v
        for (v,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
    }


def _derived(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """The database's views and macros, each as DuckDB writes its definition."""
    views = con.execute(
        "SELECT 'view', view_name, sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal"
    ).fetchall()
    macros = con.execute(
        "SELECT 'macro', function_name, CAST(macro_definition AS VARCHAR) FROM duckdb_functions() "
        "WHERE database_name = current_database() AND function_type IN ('macro', 'table_macro') AND NOT internal"
    ).fetchall()
    return set(views) | set(macros)


@cache
def _derived_now() -> frozenset[tuple[str, str, str]]:
    """This version's views and macros, as DuckDB writes them (made once, in memory: 0.3 s)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(ddl(comments=False))
        return frozenset(_derived(con))
    finally:
        con.close()


# Raised when what a database holds is made differently while its tables, views, macros and the code
# that makes the cases (CASE_LOGIC) read the same (a figure of the cases computed elsewhere, say): the
# databases written before are then brought up to date (their cases made again) by the next command.
LOGIC = 1
VERSION_TABLE = "schema_version"
# the files whose text makes `cases` (its SQL, and the Python that gives findings their case and runs
# it): a change to either makes the databases written before it out of date, with no LOGIC to raise
CASE_LOGIC = (("reconcile.sql", "cases_refresh.sql"), ("reconcile.cases", "refresh.py"))


@cache
def version() -> str:
    """This version's tables, views, macros and case logic, as one string: LOGIC and a digest of the
    DDL without its COMMENTs and of the files that make the cases (CASE_LOGIC)."""
    digest = hashlib.sha256(ddl(comments=False).encode("utf-8"))
    for package, name in CASE_LOGIC:
        digest.update(resources.files(package).joinpath(name).read_bytes())
    return f"{LOGIC}.{digest.hexdigest()[:16]}"


@cache
def _own_names() -> frozenset[str]:
    """The names of this version's views and macros, as its DDL creates them."""
    return frozenset(re.findall(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:VIEW|MACRO)\s+(\w+)", ddl(comments=False), re.I))


def _derived_sha256(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the database's own views and macros (not one an analyst made in it: that is no
    earlier version, and bringing the database up to date would not take it away)."""
    own = sorted(d for d in _derived(con) if d[1] in _own_names())
    return hashlib.sha256(repr(own).encode("utf-8")).hexdigest()


def record_version(con: duckdb.DuckDBPyConnection) -> None:
    """Write this version into schema_version, once the schema is made or brought up to date and the
    cases made by this version's logic, unless it holds it already; the caller holds the transaction."""
    from reconcile import __version__

    now = (version(), _derived_sha256(con))
    if con.execute(f"SELECT version, derived_sha256 FROM {VERSION_TABLE}").fetchall() == [now]:
        return  # kept as written when the database came to this version: a run changes no row of it
    con.execute(f"DELETE FROM {VERSION_TABLE}")
    con.execute(
        f"INSERT INTO {VERSION_TABLE} VALUES (?, ?, ?, ?)", [*now, __version__, datetime.now(UTC).replace(tzinfo=None)]
    )


def outdated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an earlier version wrote the database: a table or column of this version missing, or the
    version in schema_version not this one's, or its views and macros not as they were when it was
    written. The read-back commands would fail on it (a column or view they read is not there), or
    answer as the earlier version did (the recoveries of a case reopened after it was explained), so
    it is brought up to date first (ensure_schema). A database without schema_version (written before
    it) is compared with this version's views and macros, made in memory (_outdated_by_content)."""
    existing = {
        (t, c)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall()
    }
    missing = any(
        (table.name, c.name) not in existing for table in TABLES if table.name != VERSION_TABLE for c in table.cols
    )
    if missing:
        return True
    if (VERSION_TABLE, "version") not in existing:
        return _outdated_by_content(con)
    row = con.execute(f"SELECT version, derived_sha256 FROM {VERSION_TABLE}").fetchall()
    return row != [(version(), _derived_sha256(con))]


def _outdated_by_content(con: duckdb.DuckDBPyConnection) -> bool:
    """The non-cash share not yet the view over noncash_share_rows, or a view or macro missing or
    defined as an earlier version did."""
    return "noncash_share" not in _views(con) or not _derived_now() <= _derived(con)


def replace_period(con: duckdb.DuckDBPyConnection, period: str, run_id: str) -> None:
    """Move the period's run and findings, unchanged, to the superseded tables, and delete the
    period's rows from every period table; the caller holds the transaction."""
    for name in ("runs", "flags"):
        cols = ", ".join(quote_ident(c) for c in column_names(name))
        con.execute(
            f"INSERT INTO {quote_ident('superseded_' + name)} ({cols}, superseded_by) "
            f"SELECT {cols}, ? FROM {quote_ident(name)} WHERE period = ?",
            [run_id, period],
        )
    for name in PERIOD_TABLES:
        con.execute(f"DELETE FROM {quote_ident(name)} WHERE period = ?", [period])


def column_names(name: str) -> list[str]:
    return [c.name for c in history.table(name).cols]


def compute_noncash_share(con: duckdb.DuckDBPyConnection, period: str, base: str | None = None) -> None:
    """Compute the period's non-cash share into the temp table nc_rows (sql/noncash_share.sql). `base`
    is a query with the columns of the view noncash_base for the period; by default the view."""
    if base is None:
        base = f"SELECT * EXCLUDE (period) FROM noncash_base WHERE period = {quote_literal(period)}"
    con.execute(f"CREATE OR REPLACE TEMP VIEW nc_base AS {base}")
    execute_file(con, "noncash_share.sql", {"period": period})


def store_noncash_share(
    con: duckdb.DuckDBPyConnection,
    period: str,
    base: str | None = None,
    partial: bool = False,
    computed: bool = False,
) -> None:
    """Store the period's non-cash share in noncash_share_rows, with its stored targets; computed
    first from `base` (compute_noncash_share) unless the caller already has. A partial period (a
    source missing) is not judged against its targets."""
    if not computed:
        compute_noncash_share(con, period, base)
    execute_file(con, "noncash_share_store.sql", {"period": period, "partial": partial})
