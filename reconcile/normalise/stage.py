"""The files' rows into the staging tables: the readers' RawTables unioned as text (the views
raw_registry, raw_payments), then normalised by stage_registry.sql and stage_payments.sql into
stg_registry and stg_payments, each row either loadable or carrying its reject reason."""

from __future__ import annotations

from contextlib import contextmanager

import duckdb

from reconcile import areas
from reconcile.config import Thresholds
from reconcile.contracts import RecordKind, columns
from reconcile.normalise.bounds import check_raw_rows_per_id
from reconcile.normalise.reference import install
from reconcile.readers import ROW_COLUMN, SKIP_COLUMN, RawTable
from reconcile.readers.tables import file_names
from reconcile.sqlfiles import NORMALISE_SQL, bind, sql_text, statements
from reconcile.warehouse import quote_ident, quote_literal
from reconcile.worktables import placed


def frame_view(kind: str, file_id: int) -> str:
    return f"_frame_{kind}_{file_id}"


def load_raw(con: duckdb.DuckDBPyConnection, kind: RecordKind, tables: list[tuple[int, RawTable]]) -> None:
    """Temp view raw_<kind>: the files of one kind unioned, canonical columns as text.

    A view, not a copy: stage_<kind>.sql reads it once for the rows and once per column it
    normalises per distinct value, straight from each file's streaming query (Parquet, and CSV
    staged as Parquet) or its frame, which stays registered (zero-copy) for attach_raw to read back
    the original values of rejected rows. A fault in a file's data is found by the stage statement
    (stage_files names the file).
    """
    canon = [c.name for c in columns(kind)]
    parts = []
    for file_id, table in tables:
        source = _source(con, table, frame_view(kind, file_id))
        by_canon = {canonical: original for original, canonical in table.header_map.items()}
        selects = [
            f"CAST({quote_ident(by_canon[c])} AS VARCHAR) AS {quote_ident(c)}"
            if c in by_canon
            else f"CAST(NULL AS VARCHAR) AS {quote_ident(c)}"
            for c in canon
        ]
        skip = quote_ident(SKIP_COLUMN) if SKIP_COLUMN in table.frame.columns else "NULL"
        parts.append(
            f"SELECT CAST({int(file_id)} AS INTEGER) AS file_id, CAST({quote_literal(str(table.path))} AS VARCHAR) "
            f"AS source_file, CAST({quote_ident(ROW_COLUMN)} AS BIGINT) AS source_row, "
            f"CAST({quote_literal(table.sheet) if table.sheet is not None else 'NULL'} AS VARCHAR) AS source_sheet, "
            f"CAST({skip} AS VARCHAR) AS skip_reason, {', '.join(selects)} FROM {source}"
        )
    if not parts:  # no file of this kind: the view's columns, no rows
        parts.append(
            "SELECT CAST(NULL AS INTEGER) AS file_id, CAST(NULL AS VARCHAR) AS source_file, CAST(NULL AS BIGINT) "
            "AS source_row, CAST(NULL AS VARCHAR) AS source_sheet, CAST(NULL AS VARCHAR) AS skip_reason, "
            + ", ".join(f"CAST(NULL AS VARCHAR) AS {quote_ident(c)}" for c in canon)
            + " WHERE false"
        )
    con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident('raw_' + kind)} AS " + "\nUNION ALL ".join(parts))


def _source(con: duckdb.DuckDBPyConnection, table: RawTable, view: str) -> str:
    """What to select a file's rows from: its streaming query, or its frame registered as a view."""
    if table.source is not None:
        return f"({table.source}) AS src"
    con.register(view, table.frame)  # zero-copy; registering it again replaces it
    return quote_ident(view)


@contextmanager
def _reading(con: duckdb.DuckDBPyConnection, tables: list[tuple[int, RawTable]]):
    """A streamed file is read only when its rows are staged: a fault in its data is the file's,
    not the run's. On an error, a file written to since it was hashed is refused as such; else each
    streamed file is read whole on its own to find which."""
    try:
        yield
    except (duckdb.OutOfMemoryException, duckdb.InterruptException):  # the run's, not a file's
        raise
    except duckdb.Error:
        from reconcile.readers.file_state import changed_while_read, file_state
        from reconcile.readers.parquet import unreadable

        for _, table in tables:  # one written to since it was hashed (cut short, say): not a damaged file
            if table.source is not None and table.state is not None and file_state(table.path) != table.state:
                raise changed_while_read(table.path) from None
        for _, table in tables:
            if table.source is None:
                continue
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE _rc_probe AS SELECT * FROM ({table.source}) AS src")
            except duckdb.OutOfMemoryException:
                raise
            except duckdb.Error as exc:
                raise unreadable(table.path, exc) from None
            finally:
                con.execute("DROP TABLE IF EXISTS _rc_probe")
        raise


def attach_raw(con: duckdb.DuckDBPyConnection, tables: list[tuple[int, RawTable]]) -> None:
    """Fill cur_rejected.raw with each rejected row's values as read, under the file's own headers."""
    for file_id, table in tables:
        pairs = ", ".join(f"{quote_ident(c)} := {quote_ident(c)}" for c in table.original_columns)
        view = _source(con, table, frame_view(table.kind, file_id))
        con.execute(
            f"UPDATE cur_rejected SET raw = j.raw FROM ("
            f"  SELECT {quote_ident(ROW_COLUMN)} AS source_row, CAST(to_json(struct_pack({pairs})) AS VARCHAR) AS raw"
            f"  FROM {view} WHERE {quote_ident(ROW_COLUMN)} IN "
            f"    (SELECT source_row FROM cur_rejected WHERE file_id = $file_id)) AS j "
            f"WHERE cur_rejected.file_id = $file_id AND cur_rejected.source_row = j.source_row",
            {"file_id": file_id},
        )


# The columns stage_<kind>.sql normalises once per distinct value where their values repeat, row by
# row where nearly every row's differs: its parameter for each (by_value)
EITHER_WAY = {
    "registry": {"names_by_value": "full_name"},
    "payments": {"names_by_value": "payee_name", "narratives_by_value": "narrative"},
}
SAMPLE_ROWS = 50_000


def by_value(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, bool]:
    """For each column of EITHER_WAY[kind], whether to normalise it once per distinct value: unless
    its first SAMPLE_ROWS rows repeat so few values that the column has more distinct values than
    half its rows (K rows drawn from D values repeat about K*K/2D of them), as a real month's names
    and a bank's narratives do (bench/README.md). The same values either way; a month of fewer rows
    keeps the maps, which cost little there."""
    params = EITHER_WAY[kind]
    view = quote_ident(f"raw_{kind}")
    (rows,) = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0]
    if rows <= SAMPLE_ROWS:
        return dict.fromkeys(params, True)
    distinct = con.execute(
        "SELECT "
        + ", ".join(f"count(DISTINCT {quote_ident(c)})" for c in params.values())
        + f" FROM (SELECT * FROM {view} LIMIT {SAMPLE_ROWS})"
    ).fetchall()[0]
    return {param: (SAMPLE_ROWS - n) * rows > SAMPLE_ROWS * SAMPLE_ROWS for param, n in zip(params, distinct)}


def stage(con: duckdb.DuckDBPyConnection, kind: str, params: dict) -> None:
    """Normalise raw_<kind> into stg_<kind>; rows with problems carry reject_reason. Registry area
    codes are checked against the lists of the period's layout (areas.layout_for), or params' layout. Whether a column
    of EITHER_WAY is normalised per distinct value is by_value's, unless params say."""
    sql = sql_text(f"stage_{kind}.sql", NORMALISE_SQL)
    if not params.keys() >= EITHER_WAY[kind].keys():
        params = {**by_value(con, kind), **params}
    if kind == "registry":
        params = {**params, "layout": params.get("layout") or areas.layout_for(params["period"])}
    else:
        _without_registry(con)
        thresholds = Thresholds()  # a run gives its own (run_params); `check` has no registry to compare names with
        params = {
            "name_similarity": thresholds.name_similarity,
            "name_truncation_min_length": thresholds.name_truncation_min_length,
            **params,
        }
    for text in placed(sql.strip(), params):
        con.execute(text, bind(text, params))


def _without_registry(con: duckdb.DuckDBPyConnection) -> None:
    """Payments staged without a registry (`reconcile check` of a payments file) against an empty
    one: stage_payments.sql takes an account a narrative names only when the registry lists it; the
    file's guards (checks/digits_lost.sql) find no registry row."""
    try:
        con.execute("SELECT 1 FROM stg_registry LIMIT 0")
    except duckdb.CatalogException:
        con.execute(
            "CREATE TEMP TABLE stg_registry (vneid VARCHAR, account_number VARCHAR, bank_code VARCHAR, "
            "name_key VARCHAR, reject_reason VARCHAR, file_id INTEGER, source_row BIGINT, source_sheet VARCHAR)"
        )


# how returns_listed.sql and returns_listed_again.sql begin the reason of a returned row they set aside
LISTED_RETURN = "returned: the "


def pair_listed_returns(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """A transfer given as paid and, in the same or another payments file, as returned: the paid row
    marked returned, the returned row set aside naming it (returns_listed.sql, again when it paired
    any: a return whose first fit another return took is paired with its next); then a return of a
    payment another file gives as returned already, set aside naming it (returns_listed_again.sql)."""

    def execute(name: str) -> None:
        for statement in statements(sql_text(name, NORMALISE_SQL)):
            for text in placed(statement, params):
                con.execute(text, bind(text, params))

    for _ in range(2):  # a second time only when the first paired any: else nothing has changed
        execute("returns_listed.sql")
        (paired,) = con.execute("SELECT count(*) FROM cur_listed_returns").fetchall()[0]
        con.execute("DROP TABLE cur_listed_returns")
        if not paired:
            break
    execute("returns_listed_again.sql")


def stage_files(con, tables, params: dict) -> None:
    """The files' rows into the staging tables stg_registry and stg_payments (each row loadable or
    with its reject reason), and cur_files, each file with its place in name order. One payee ID on
    more payment rows than the limit is refused first, from the rows as read (bounds.py)."""
    install(con)
    # file_order: by file name and content (and a workbook's sheets in their order), so that row ids
    # and evidence order do not depend on the order the files were given in or on how their paths
    # were spelled
    by_name = sorted(tables, key=lambda it: (it[1].path.name, it[1].sha256, it[0]))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cur_files (file_id INTEGER, path VARCHAR, sha256 VARCHAR, file_order INTEGER)"
    )
    con.executemany(
        "INSERT INTO cur_files VALUES (?, ?, ?, ?)",
        [[i, str(tb.path), tb.sha256, order] for order, (i, tb) in enumerate(by_name, start=1)],
    )
    kinds: tuple[RecordKind, ...] = ("registry", "payments")
    of_kind = {kind: [(i, tb) for i, tb in tables if tb.kind == kind] for kind in kinds}
    for kind, files in of_kind.items():
        load_raw(con, kind, files)
    with _reading(con, of_kind["payments"]):  # before any row is staged: staging them costs minutes
        check_raw_rows_per_id(con, file_names(tables), sum(tb.rows_read for _, tb in of_kind["payments"]))
    for kind, files in of_kind.items():
        with _reading(con, files):
            stage(con, kind, params)
    pair_listed_returns(con, params)
