"""The files' rows into the staging tables: the readers' RawTables unioned as text (raw_registry,
raw_payments), then normalised by stage_registry.sql and stage_payments.sql into
stg_registry and stg_payments, each row either loadable or carrying its reject reason."""

from __future__ import annotations

from contextlib import contextmanager

import duckdb

from reconcile import areas
from reconcile.contracts import RecordKind, columns
from reconcile.normalise.reference import install
from reconcile.readers import ROW_COLUMN, SKIP_COLUMN, RawTable
from reconcile.sqlfiles import NORMALISE_SQL, bind, sql_text
from reconcile.warehouse import quote_ident


def frame_view(kind: str, file_id: int) -> str:
    return f"_frame_{kind}_{file_id}"


def load_raw(con: duckdb.DuckDBPyConnection, kind: RecordKind, tables: list[tuple[int, RawTable]]) -> None:
    """Union the files of one kind into temp table raw_<kind>: canonical columns as text.

    Each file's frame stays registered (zero-copy) as a view for attach_raw to read back the
    original values of rejected rows.
    """
    canon = [c.name for c in columns(kind)]
    target = f"raw_{kind}"
    col_defs = ", ".join(f"{quote_ident(c)} VARCHAR" for c in canon)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {quote_ident(target)} (file_id INTEGER, source_file VARCHAR, "
        f"source_row BIGINT, source_sheet VARCHAR, skip_reason VARCHAR, {col_defs})"
    )
    for file_id, table in tables:
        source = _source(con, table, frame_view(kind, file_id))
        by_canon = {canonical: original for original, canonical in table.header_map.items()}
        selects = [
            f"{quote_ident(by_canon[c])} AS {quote_ident(c)}" if c in by_canon else f"NULL AS {quote_ident(c)}"
            for c in canon
        ]
        skip = quote_ident(SKIP_COLUMN) if SKIP_COLUMN in table.frame.columns else "NULL"
        with _reading(table):
            con.execute(
                f"INSERT INTO {quote_ident(target)} SELECT ? AS file_id, ? AS source_file, "
                f"{quote_ident(ROW_COLUMN)} AS source_row, ? AS source_sheet, {skip} AS skip_reason, "
                f"{', '.join(selects)} FROM {source}",
                [file_id, str(table.path), table.sheet],
            )


def _source(con: duckdb.DuckDBPyConnection, table: RawTable, view: str) -> str:
    """What to select a file's rows from: its streaming query, or its frame registered as a view."""
    if table.source is not None:
        return f"({table.source}) AS src"
    con.register(view, table.frame)  # zero-copy; registering it again replaces it
    return quote_ident(view)


@contextmanager
def _reading(table: RawTable):
    """A streamed file is read only now: a fault in its data is the file's, not the run's."""
    try:
        yield
    except duckdb.Error as exc:
        if table.source is None:
            raise
        from reconcile.readers.parquet import unreadable

        raise unreadable(table.path, exc) from None


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


def stage(con: duckdb.DuckDBPyConnection, kind: str, params: dict) -> None:
    """Normalise raw_<kind> into stg_<kind>; rows with problems carry reject_reason. Registry area
    codes are checked against the lists of the period's layout (areas.layout_for)."""
    sql = sql_text(f"stage_{kind}.sql", NORMALISE_SQL)
    if kind == "registry":
        params = {**params, "layout": areas.layout_for(params["period"])}
    con.execute(sql, bind(sql, params))


def stage_files(con, tables, params: dict) -> None:
    """The files' rows into the staging tables stg_registry and stg_payments (each row loadable or
    with its reject reason), and cur_files, each file with its place in name order."""
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
    for kind in ("registry", "payments"):
        load_raw(con, kind, [(i, tb) for i, tb in tables if tb.kind == kind])
        stage(con, kind, params)
