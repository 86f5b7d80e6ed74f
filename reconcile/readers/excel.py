"""Excel workbooks (.xlsx and legacy .xls) through fastexcel (calamine): every cell read as text."""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl

from reconcile.errors import InputFileError


def read(path: Path, sheet: int | str = 0) -> pl.DataFrame:
    try:
        reader = fastexcel.read_excel(path)
        frame = reader.load_sheet(sheet, dtypes="string").to_polars()
    except Exception as exc:  # fastexcel raises its own hierarchy; any failure here is a file problem
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(str(path), f"cannot be read as an Excel workbook ({message})",
                             "open it in Excel, check it is not password-protected, and save it as .xlsx") from None
    return frame.select(pl.all().cast(pl.String))
