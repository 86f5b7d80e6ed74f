"""Flat exports of a period's findings and rejected rows (`reconcile run --export DIR`).

Each table is written twice: Parquet for other tools (types kept, nothing altered) and CSV in
UTF-8 with a byte-order mark, so that Excel opens Vietnamese text correctly. The columns are the
database's own (`flags`, `rejected_rows`), in the findings' one order, less those that say which
run wrote a row or where a finding's evidence sits in its file (see NOT_EXPORTED). In the CSV a
text value that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so
that a spreadsheet opening it never runs it as a formula. Files are written under a temporary name
and moved into place when complete.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from reconcile import scratch
from reconcile.errors import ReconcileError
from reconcile.masking import AREA_CODES, DOB_KEYS, install_macros
from reconcile.report import disk
from reconcile.warehouse import FLAGS_ORDER, column_names, quote_ident

# The errors of the libraries the workbook and exports are written with (a full disk while polars
# writes an export comes as its own error): what a failure after the commit can be
WRITER_ERRORS: tuple[type[Exception], ...] = (duckdb.Error, pl.exceptions.PolarsError)

ID_COLUMNS = ("vneid", "account_number", "payment_ref")
# masked as free text: a file or sheet may be named after an ID (`<ID>_T9.xlsx`), and a name cell may
# hold one (`Trần Văn Bảy (CCCD 092054968298)`, a payee `LE THI TAM STK 5380981937839`)
FREE_TEXT_COLUMNS = ("detail", "reason", "source_file", "source_sheet", "full_name", "payee_name")
_FORMULA_START = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?[0-9][0-9.,]*$"


# Not exported: which run wrote a row, and a file's position on the command line, so that the same
# files give byte-identical exports run after run, in whatever order they were given. The flags
# export also leaves out where the evidence sits in its file (source_row): a finding's evidence is
# named by its file, ID and payment reference, so that the same rows sorted another way give the
# same export, byte for byte. The row numbers stay in the database and the workbook, where an
# auditor follows a finding back to its line; a rejected row has nothing but its row to name it,
# so the rejected_rows export keeps it.
NOT_EXPORTED = {"flags": ("run_id", "file_id", "source_row"), "rejected_rows": ("run_id", "file_id")}


# Row numbers a run gives in the order of the IDs (registry_id: by file, then ID) and of the references
# (payment_id): beside a masked ID, where it sorts among the registry's tells its hidden first digits
# (place of birth, century and sex, year of birth). Masked, each is numbered again, 1, 2, ..., in the
# order of the first flag_id (a keyed hash, shown anyway) among its findings: the findings of one row
# still share a number, which follows neither the IDs nor the database's or the analyst copy's numbers.
RENUMBERED = ("registry_id", "payment_id")


def _first_flag(name: str) -> str:
    """The inner query's column that orders `name`'s new numbers (_column)."""
    col = quote_ident(name)
    return f"CASE WHEN {col} IS NOT NULL THEN min(flag_id) OVER (PARTITION BY {col}) END AS {quote_ident('rc_' + name)}"


def _column(name: str, mask: bool) -> str:
    """A column as exported: masked, in SQL (sql/masking.sql), when `mask`."""
    col = quote_ident(name)
    if mask and name in RENUMBERED:
        return f"CASE WHEN {col} IS NOT NULL THEN dense_rank() OVER (ORDER BY {quote_ident('rc_' + name)} NULLS LAST) END AS {col}"
    if name == "raw":
        # masked, a rejected row's raw values show no birth date and no ID (rc_mask_raw)
        return (
            "rc_mask_text(rc_mask_raw(raw::VARCHAR, dob_keys, id_keys, date_keys)) AS raw"
            if mask
            else "raw::VARCHAR AS raw"
        )
    if mask and name in ID_COLUMNS:
        return f"rc_mask_id({col}) AS {col}"
    if mask and name in AREA_CODES:  # an area's code may hold a shifted ID, or a birth date
        return f"rc_mask_area({col}) AS {col}"
    if mask and name in FREE_TEXT_COLUMNS:
        return f"rc_mask_text({col}) AS {col}"
    return col


def _frame(con: duckdb.DuckDBPyConnection, table: str, period: str, order: str, mask: bool) -> pl.DataFrame:
    cols = ", ".join(_column(c, mask) for c in column_names(table) if c not in NOT_EXPORTED[table])
    join = f" LEFT JOIN {DOB_KEYS} USING (period, file_id)" if mask and table == "rejected_rows" else ""
    renumbered = "".join(f", {_first_flag(c)}" for c in RENUMBERED if mask and c in column_names(table))
    # in the table's order of the values, not of their masks (a masked column keeps its name)
    rows = (
        f"SELECT *, row_number() OVER (ORDER BY {order}) AS rc_order{renumbered} "
        f"FROM {quote_ident(table)}{join} WHERE period = ?"
    )
    query = f"SELECT {cols} FROM ({rows}) ORDER BY rc_order"
    frame = pl.from_arrow(con.sql(query, params=[period]).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)  # an Arrow table gives a frame (a Series comes of an array only)
    return frame


# Control characters but tab and line breaks (an escape sequence a file's value brought): as a space,
# as the read-back CSV has them (report/terminal.py)
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"


def formula_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula, with a leading '; control characters as
    spaces."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    frame = frame.with_columns(pl.col(c).str.replace_all(_CONTROL, " ") for c in text)
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START) & ~pl.col(c).str.contains(_NUMBER))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def write_exports(con: duckdb.DuckDBPyConnection, period: str, out_dir: Path, *, mask_ids: bool = False) -> list[Path]:
    """Write flags_<period> and rejected_rows_<period> as .parquet and .csv into `out_dir`."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ReconcileError(f"{out_dir}: is a file; pass a folder to --export")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table, order in (("flags", FLAGS_ORDER), ("rejected_rows", "source_file, source_row")):
        with con.cursor() as cur:  # its own connection: a result the caller left open does not block it
            if mask_ids:
                install_macros(cur)
            frame = _frame(cur, table, period, order, mask_ids)
        stem = out_dir / f"{table}_{period}"
        for suffix in (".parquet", ".csv"):
            final = stem.with_suffix(suffix)
            with disk.writing(final):  # a full disk names the export, not its scratch file
                if suffix == ".parquet":
                    scratch.write_file(final, frame.write_parquet)
                else:
                    scratch.write_file(final, partial(formula_safe(frame).write_csv, include_bom=True))
            written.append(final)
    return written
