"""Excel workbooks (.xlsx and legacy .xls) through fastexcel (calamine): every cell read as text."""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl

from reconcile.errors import InputFileError


def read(path: Path, sheet: int | str = 0) -> tuple[list[str], pl.DataFrame, int]:
    """Headers, the data rows as text, and the sheet row of the first data row.

    The header is the first row with any value; rows above it (a blank band) are skipped and the
    row numbers stay those Excel shows.
    """
    try:
        reader = fastexcel.read_excel(path)
        frame = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars()
    except Exception as exc:  # fastexcel raises its own hierarchy; any failure here is a file problem
        kind = type(exc).__name__
        raise InputFileError(str(path), f"cannot be read as an Excel workbook ({kind})",
                             "open it in Excel, check it is not password-protected, and save it as .xlsx") from None
    frame = frame.select(pl.all().cast(pl.String))
    non_empty = frame.select(pl.any_horizontal(pl.all().is_not_null()).alias("x"))["x"]
    first = next((i for i, v in enumerate(non_empty) if v), None)
    if first is None:
        raise InputFileError(str(path), "the first sheet is empty", "put the data on the first sheet")
    headers = list(frame.row(first))
    return headers, frame.slice(first + 1), first + 2
