"""The reference data the normalisers look values up in (birth provinces, the spellings of each
value, provinces and communes, banks), and the normaliser macros (macros.sql), installed together on a
connection."""

from __future__ import annotations

from functools import cache
from importlib import resources

import duckdb
import polars as pl

from reconcile import areas
from reconcile.contracts import ENUM_ALIASES
from reconcile.normalise import accounts
from reconcile.normalise.text import bank_key, fold
from reconcile.sqlfiles import NORMALISE_SQL, sql_text
from reconcile.warehouse import quote_ident


@cache
def reference_frames() -> dict[str, pl.DataFrame]:
    """The reference tables, read once per process (each run installs them on its connection; a
    frame is registered without a copy, and nothing writes to it)."""
    data = resources.files("reconcile.data").joinpath("birth_provinces.csv").read_bytes()
    provinces = pl.read_csv(data, comment_prefix="#", infer_schema=False)
    enum_rows = []
    for domain, values in ENUM_ALIASES.items():
        for value, aliases in values.items():
            for alias in (value, *aliases):
                enum_rows.append({"domain": domain, "alias": fold(alias), "value": value})
    banks = pl.read_csv(
        resources.files("reconcile.data").joinpath("banks.csv").read_bytes(), comment_prefix="#", infer_schema=False
    )
    bank_rows = []
    for bank in banks.iter_rows(named=True):
        names = [bank["code"], bank["bin"], bank["sbv_code"], bank["swift"], *(bank["names"] or "").split("|")]
        for alias in names:
            if alias:
                bank_rows.append({"alias": bank_key(alias), "code": bank["code"]})
    return {
        "ref_birth_province": provinces,
        "ref_enum": pl.DataFrame(enum_rows),
        "ref_province": areas.provinces(),
        "ref_commune": areas.communes_2025(),
        "ref_bank": pl.DataFrame(bank_rows).unique(maintain_order=True),
    }


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create the reference tables and the normaliser macros on this connection (temp objects)."""
    con.execute("SET enable_progress_bar_print = false")  # progress is the CLI's to show, not DuckDB's
    for name, frame in reference_frames().items():
        con.register("_ref_frame", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS SELECT * FROM _ref_frame")
        con.unregister("_ref_frame")
    con.execute(accounts.macros_sql())
    con.execute(sql_text("macros.sql", NORMALISE_SQL))
