"""Normalise: raw text columns into typed, canonical rows, in DuckDB over whole columns.

The normalisers themselves are SQL macros (sql/macros.sql); this module installs them with the
reference data they need and turns the readers' RawTables into the staging tables
`stg_registry` and `stg_payments`, each row either loadable or carrying a reject reason.
"""

from __future__ import annotations

from importlib import resources

import duckdb
import polars as pl

from reconcile.contracts import ENUM_ALIASES, columns, fold
from reconcile.readers import ROW_COLUMN, RawTable
from reconcile.sqlfiles import bind, sql_text
from reconcile.warehouse import quote_ident


def reference_frames() -> dict[str, pl.DataFrame]:
    data = resources.files("reconcile.data").joinpath("birth_provinces.csv").read_bytes()
    provinces = pl.read_csv(data, comment_prefix="#", infer_schema=False)
    enum_rows = []
    for domain, values in ENUM_ALIASES.items():
        for value, aliases in values.items():
            for alias in (value, *aliases):
                enum_rows.append({"domain": domain, "alias": fold(alias), "value": value})
    return {"ref_birth_province": provinces, "ref_enum": pl.DataFrame(enum_rows)}


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create the reference tables and the normaliser macros on this connection (temp objects)."""
    for name, frame in reference_frames().items():
        con.register("_ref_frame", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS SELECT * FROM _ref_frame")
        con.unregister("_ref_frame")
    con.execute(sql_text("macros.sql"))


def load_raw(con: duckdb.DuckDBPyConnection, kind: str, tables: list[tuple[int, RawTable]]) -> None:
    """Union the files of one kind into temp table raw_<kind>: canonical columns as text, plus raw JSON."""
    canon = [c.name for c in columns(kind)]
    target = f"raw_{kind}"
    col_defs = ", ".join(f"{quote_ident(c)} VARCHAR" for c in canon)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {quote_ident(target)} (file_id INTEGER, source_file VARCHAR, "
        f"source_row BIGINT, raw VARCHAR, {col_defs})")
    for file_id, table in tables:
        view = f"_frame_{kind}_{file_id}"
        con.register(view, table.frame)
        by_canon = {canonical: original for original, canonical in table.header_map.items()}
        selects = [
            f"{quote_ident(by_canon[c])} AS {quote_ident(c)}" if c in by_canon else f"NULL AS {quote_ident(c)}"
            for c in canon
        ]
        raw_pairs = ", ".join(
            f"{quote_ident(col)} := {quote_ident(col)}" for col in table.original_columns)
        raw_expr = f"CAST(to_json(struct_pack({raw_pairs})) AS VARCHAR)" if raw_pairs else "'{}'"
        con.execute(
            f"INSERT INTO {quote_ident(target)} SELECT ? AS file_id, ? AS source_file, "
            f"{quote_ident(ROW_COLUMN)} AS source_row, {raw_expr} AS raw, {', '.join(selects)} "
            f"FROM {quote_ident(view)}",
            [file_id, str(table.path)],
        )
        con.unregister(view)


def stage(con: duckdb.DuckDBPyConnection, kind: str, params: dict) -> None:
    """Normalise raw_<kind> into stg_<kind>; rows with problems carry reject_reason."""
    sql = sql_text(f"stage_{kind}.sql")
    con.execute(sql, bind(sql, params))
