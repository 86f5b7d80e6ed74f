"""Excel workbooks (.xlsx and legacy .xls) through fastexcel (calamine): every cell read as text.

calamine reads both formats in Rust straight into Arrow; `bench/excel_read.py` measures it against
openpyxl. A sheet is chosen by name or position (`--sheet`, or `sheet` in a profile); the first
sheet otherwise.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers.legacy import check_legacy_font

HEADER_SCAN = 1000  # rows offered to the header search (a profile may put the header up to row 1000)
CHILD = Path(__file__).with_name("excel_child.py")


def _load_sheet_apart(path: Path, sheet: int | str | None) -> tuple[pl.DataFrame, str]:
    """The chosen sheet as it is, every cell as text, and its name, read in a child process
    (excel_child.py): calamine can abort the whole process on a damaged workbook; in a child, that
    is one refused file."""
    with tempfile.TemporaryDirectory(prefix="reconcile-excel-") as tmp:
        out = Path(tmp) / "sheet.arrow"
        # -I: isolated, so that the folder of the script (readers/parquet.py...) shadows no module
        done = subprocess.run([sys.executable, "-I", str(CHILD), str(path), json.dumps(sheet), str(out)],
                              check=False, capture_output=True, text=True, env={**os.environ, "RUST_BACKTRACE": "0"})
        try:
            answer = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
        except (ValueError, IndexError):
            answer = None
        if answer is None:
            raise InputFileError(str(path), "cannot be read as an Excel workbook (the reader stopped on damaged data)",
                                 "open it in Excel and save it again as .xlsx")
        if "problem" in answer:
            raise InputFileError(str(path), answer["problem"], answer["fix"])
        frame = pl.read_ipc(io.BytesIO(out.read_bytes()))  # in memory: the file goes with tmp
    return frame.select(pl.all().cast(pl.String)), answer["sheet"]


def read(path: Path, choose_header: Callable[[list[list]], int],
         sheet: int | str | None = None) -> tuple[list[str], pl.DataFrame, int, str]:
    """Headers, the data rows as text, the sheet row of the first data row, and the sheet's name.

    `choose_header` gets the first rows as lists and returns the index of the header row; rows
    above it are a title block, not data. Row numbers stay those Excel shows.
    """
    frame, name = _load_sheet_apart(path, sheet)
    non_empty = frame.select(pl.any_horizontal(pl.all().is_not_null()).alias("x"))["x"]
    if not non_empty.any():
        raise InputFileError(str(path), f"the sheet '{name}' is empty",
                             "put the data on the first sheet, or pass --sheet with the sheet that holds it")
    head = [list(r) for r in frame.head(HEADER_SCAN).iter_rows()]
    check_legacy_font(" ".join(str(v) for row in frame.head(500).iter_rows() for v in row if v is not None), path)
    first = choose_header(head)
    headers = list(frame.row(first))
    return headers, frame.slice(first + 1), first + 2, name
