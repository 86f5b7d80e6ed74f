"""Excel workbooks (.xlsx and legacy .xls) through fastexcel (calamine): every cell read as text.

calamine reads both formats in Rust straight into Arrow; `bench/excel_read.py` measures it against
openpyxl. A sheet is chosen by name or position (`--sheet`, or `sheet` in a profile); the first
sheet otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import fastexcel
import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers.legacy import check_legacy_font

HEADER_SCAN = 1000  # rows offered to the header search (a profile may put the header up to row 1000)


def _sheet_index(path: Path, reader, sheet: int | str | None) -> int | str:
    """fastexcel's sheet argument for a sheet given by name or by position (1 = the first)."""
    names = reader.sheet_names
    if sheet is None:
        return 0
    if isinstance(sheet, int) or str(sheet).isdigit():
        position = int(sheet)
        if not 1 <= position <= len(names):
            raise InputFileError(str(path), f"has {len(names)} sheet(s), not a sheet {position}",
                                 "pass --sheet with a position from 1 or a sheet name")
        return position - 1
    if sheet not in names:
        raise InputFileError(str(path), f"has no sheet named '{sheet}' (its sheets: {', '.join(names)})",
                             "pass --sheet with one of those names")
    return sheet


def read(path: Path, choose_header: Callable[[list[list]], int],
         sheet: int | str | None = None) -> tuple[list[str], pl.DataFrame, int, str]:
    """Headers, the data rows as text, the sheet row of the first data row, and the sheet's name.

    `choose_header` gets the first rows as lists and returns the index of the header row; rows
    above it are a title block, not data. Row numbers stay those Excel shows.
    """
    try:
        reader = fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own hierarchy; any failure here is a file problem
        kind = type(exc).__name__
        raise InputFileError(str(path), f"cannot be read as an Excel workbook ({kind})",
                             "open it in Excel, check it is not password-protected, and save it as .xlsx") from None
    index = _sheet_index(path, reader, sheet)
    try:
        loaded = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        frame = loaded.to_polars()
    except Exception as exc:
        kind = type(exc).__name__
        raise InputFileError(str(path), f"the sheet cannot be read ({kind})",
                             "open it in Excel, check the sheet, and save it as .xlsx") from None
    name = loaded.name
    frame = frame.select(pl.all().cast(pl.String))
    non_empty = frame.select(pl.any_horizontal(pl.all().is_not_null()).alias("x"))["x"]
    if not non_empty.any():
        raise InputFileError(str(path), f"the sheet '{name}' is empty",
                             "put the data on the first sheet, or pass --sheet with the sheet that holds it")
    head = [list(r) for r in frame.head(HEADER_SCAN).iter_rows()]
    check_legacy_font(" ".join(str(v) for row in frame.head(500).iter_rows() for v in row if v is not None), path)
    first = choose_header(head)
    headers = list(frame.row(first))
    return headers, frame.slice(first + 1), first + 2, name
