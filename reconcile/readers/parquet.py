"""Parquet: columns of any type, as text so that every format is normalised the same way.

A file whose columns are all plain (text, categorical text as pandas writes a `category` column,
numbers, booleans, dates, timestamps without a zone) is not read here at all: `stream_columns` gives DuckDB the expressions that turn each column into text,
and the run reads the file straight into the database, in pieces, within its memory limit. Other
files (lists, structs, bytes, zoned timestamps, or a profile to apply) are read whole with polars.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers.file_state import changed_while_read, file_state
from reconcile.warehouse import quote_path

LOCAL_ZONE = "Asia/Ho_Chi_Minh"
ROW_NUMBER = "file_row_number"  # the column read_parquet adds for the row's position in the file


def _as_text(name: str, dtype) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.String:
        return col
    if dtype == pl.Date:
        return col.dt.to_string("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone:  # a timestamp with a zone: its local date in Viet Nam
            col = col.dt.convert_time_zone(LOCAL_ZONE)
        return col.dt.to_string("%Y-%m-%d %H:%M:%S")
    return col.cast(pl.String)


def _unusual_as_text(series: pl.Series) -> pl.Series:
    """Lists, structs and bytes (rare in payment files) as JSON-like text, one value at a time."""

    def text(value):
        if value is None:
            return None
        if isinstance(value, bytes):
            return value.hex()
        return json.dumps(value, ensure_ascii=False, default=str)

    return pl.Series(series.name, [text(v) for v in series.to_list()], dtype=pl.String)


def unreadable(path: Path, exc: Exception) -> InputFileError:
    """The one error for a Parquet file that cannot be read, whenever that is found."""
    return InputFileError(
        str(path), f"cannot be read as Parquet ({type(exc).__name__})", "write the file again, or export it as CSV"
    )


def check_values(path: Path) -> None:
    """Refuses a file to be read whole with more values than `max_sheet_cells`, as its footer counts
    them (every value of every column, each element of a list): Parquet packs a value repeated on
    millions of rows into a few bytes (a file of 0.8 MB held 30 million rows of one payment, read whole
    in 4 minutes and 6 GB before the process aborted)."""
    from reconcile.readers.limits import CURRENT

    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        values = sum(
            meta.row_group(g).column(c).num_values for g in range(meta.num_row_groups) for c in range(meta.num_columns)
        )
    except Exception as exc:
        raise unreadable(path, exc) from None
    if values > CURRENT.max_sheet_cells:
        raise InputFileError(
            str(path),
            f"holds {values:,} values ({meta.num_rows:,} rows), over the limit of {CURRENT.max_sheet_cells:,} "
            "for a Parquet file read whole, with nested columns or a profile ([limits] max_sheet_cells)",
            "write it again with plain columns (text, numbers, dates) and without a profile, which is read "
            "in pieces, or raise the limit in [limits] of the config if the file is genuine",
        )


def read(path: Path) -> tuple[list[str], pl.DataFrame, int]:
    """The file read whole, every column as text; one cut short as it was read is refused as such."""
    before = file_state(path)
    check_values(path)
    try:
        frame = pl.read_parquet(path, glob=False)  # the file as named, never a pattern
        unusual = [n for n, d in frame.schema.items() if d.is_nested() or d in (pl.Binary, pl.Object)]
        frame = frame.with_columns([_unusual_as_text(frame[n]) for n in unusual])
        frame = frame.select([_as_text(n, d).alias(n) for n, d in frame.schema.items()])
    except Exception as exc:  # pyarrow/polars errors: a damaged or unusual file, or one cut short as it was read
        raise (changed_while_read(path) if file_state(path) != before else unreadable(path, exc)) from None
    return list(frame.columns), frame, 2


def schema(path: Path) -> tuple[dict[str, pl.DataType], int]:
    """Column types and row count, from the file's footer (no data read)."""
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        chunks = [meta.row_group(g).column(c) for g in range(meta.num_row_groups) for c in range(meta.num_columns)]
        packed = sum(c.total_compressed_size for c in chunks)
        unpacked = sum(c.total_uncompressed_size for c in chunks)
        with open(path, "rb") as fh:  # a file, not a path polars would expand as a pattern (bank[1].parquet)
            types = dict(pl.read_parquet_schema(fh))
    except Exception as exc:
        raise unreadable(path, exc) from None
    _check_expansion(path, packed, unpacked)
    return types, meta.num_rows


def _check_expansion(path: Path, packed: int, unpacked: int) -> None:
    """Refuses a file whose columns, as its footer sizes them, expand far more than any payment or
    registry file's (5 to 10 times): a text of 400 MB of one letter packs into 14 KB, and took 47 s and
    3.5 GB to be refused as out of memory. The same bound as an xlsx's (limits.check_zip)."""
    from reconcile.readers.limits import CURRENT, ZIP_RATIO_FROM

    ratio = unpacked / max(1, packed)
    if unpacked > ZIP_RATIO_FROM and ratio > CURRENT.max_zip_ratio:
        raise InputFileError(
            str(path),
            f"would expand {ratio:,.0f} times when read (to {unpacked / 1024 / 1024:,.0f} MB), more than any "
            f"payment or registry file does ([limits] max_zip_ratio {CURRENT.max_zip_ratio:,})",
            "check where it came from: a file that expands this much may be a decompression bomb",
        )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_text(dtype) -> bool:
    """Text, or categorical text (a dictionary of texts: DuckDB reads it as text, polars as Categorical)."""
    return dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))


def _sql_text(name: str, dtype) -> str | None:
    """DuckDB expression giving the column as the same text `_as_text` gives; None if there is none."""
    col = _ident(name)
    if _is_text(dtype):
        return col
    if dtype == pl.Date:
        return f"strftime({col}, '%Y-%m-%d')"
    if isinstance(dtype, pl.Datetime):
        return None if dtype.time_zone else f"strftime({col}, '%Y-%m-%d %H:%M:%S')"
    if dtype.is_numeric() or dtype == pl.Boolean:
        return f"CAST({col} AS VARCHAR)"
    return None


def stream_columns(types: dict[str, pl.DataType]) -> list[tuple[str, str, bool]] | None:
    """(column, DuckDB text expression, is text in the file) for every column, or None when a
    column has a type only polars turns into text, or a name DuckDB would read differently."""
    names = list(types)
    if (
        ROW_NUMBER in names
        or any(n.lower().startswith("__reconcile_") for n in names)
        or len({n.lower() for n in names}) < len(names)
        or any(n != " ".join(n.split()) or not n for n in names)
    ):
        return None
    out = []
    for name, dtype in types.items():
        expr = _sql_text(name, dtype)
        if expr is None:
            return None
        out.append((name, expr, _is_text(dtype)))
    return out


def stream_query(path: Path, columns: list[tuple[str, str, bool]], row_column: str, skip_column: str) -> str:
    """SELECT every column as text, the file row number (the header is row 1) and 'blank row' for a
    row with no value in any column, straight from the file."""

    def blank(expr: str, is_text: bool) -> str:
        return (
            f"({expr} IS NULL OR regexp_full_match({expr}, '[\\s\\p{{Z}}\\x{{0085}}]*'))"
            if is_text
            else f"{expr} IS NULL"
        )

    texts = ", ".join(f"{expr} AS {_ident(name)}" for name, expr, _ in columns)
    all_blank = " AND ".join(blank(expr, is_text) for _, expr, is_text in columns)
    return (
        f"SELECT {texts}, {ROW_NUMBER} + 2 AS {_ident(row_column)}, "
        f"CASE WHEN {all_blank} THEN 'blank row' END AS {_ident(skip_column)} "
        f"FROM read_parquet({quote_path(path)}, file_row_number = true)"
    )
