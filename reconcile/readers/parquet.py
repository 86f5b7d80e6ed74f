"""Parquet: columns of any type, cast to text so that every format is normalised the same way."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError


def read(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise InputFileError(str(path), f"cannot be read as Parquet ({str(exc).splitlines()[0]})",
                             "write the file again") from None
    casts = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            casts.append(pl.col(name))
        elif dtype.is_temporal():
            casts.append(pl.col(name).dt.to_string("%Y-%m-%d").alias(name) if dtype == pl.Date
                         else pl.col(name).cast(pl.String))
        else:
            casts.append(pl.col(name).cast(pl.String))
    return frame.select(casts)
