"""Parquet: columns of any type, cast to text so that every format is normalised the same way."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError

LOCAL_ZONE = "Asia/Ho_Chi_Minh"


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


def read(path: Path) -> tuple[list[str], pl.DataFrame, int]:
    try:
        frame = pl.read_parquet(path)
        unusual = [n for n, d in frame.schema.items() if d.is_nested() or d in (pl.Binary, pl.Object)]
        frame = frame.with_columns([_unusual_as_text(frame[n]) for n in unusual])
        frame = frame.select([_as_text(n, d).alias(n) for n, d in frame.schema.items()])
    except Exception as exc:  # pyarrow/polars errors: a damaged or unusual file
        raise InputFileError(str(path), f"cannot be read as Parquet ({type(exc).__name__})",
                             "write the file again, or export it as CSV") from None
    return list(frame.columns), frame, 2
