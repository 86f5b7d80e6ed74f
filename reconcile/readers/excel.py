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


def _reraise_interrupt(exc: BaseException) -> None:
    """Let Ctrl-C and exit through. Everything else from the Excel reader is a fault of the file:
    calamine, under fastexcel, may even panic on a damaged .xls, and a Rust panic reaches Python
    as pyo3's PanicException, a BaseException (found by the damaged-file hypothesis test)."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def _load_sheet(path: Path, sheet: int | str | None) -> tuple[pl.DataFrame, str]:
    """The chosen sheet as it is, every cell as text, and its name (runs in the child process)."""
    try:
        reader = fastexcel.read_excel(path)
    except BaseException as exc:  # fastexcel raises its own hierarchy; any failure here is a file problem
        _reraise_interrupt(exc)
        kind = type(exc).__name__
        raise InputFileError(str(path), f"cannot be read as an Excel workbook ({kind})",
                             "open it in Excel, check it is not password-protected, and save it as .xlsx") from None
    index = _sheet_index(path, reader, sheet)
    try:
        loaded = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        frame = loaded.to_polars()
    except BaseException as exc:
        _reraise_interrupt(exc)
        kind = type(exc).__name__
        raise InputFileError(str(path), f"the sheet cannot be read ({kind})",
                             "open it in Excel, check the sheet, and save it as .xlsx") from None
    return frame.select(pl.all().cast(pl.String)), loaded.name


def _load_sheet_apart(path: Path, sheet: int | str | None) -> tuple[pl.DataFrame, str]:
    """_load_sheet in a child process. calamine can abort the whole process on a damaged workbook
    (a record declaring billions of cells makes it allocate tens of GB, and a failed allocation in
    Rust aborts, which no except clause catches); in a child, that is one refused file."""
    with tempfile.TemporaryDirectory(prefix="reconcile-excel-") as tmp:
        out = Path(tmp) / "sheet.arrow"
        done = subprocess.run([sys.executable, "-m", "reconcile.readers.excel", str(path), json.dumps(sheet), str(out)],
                              capture_output=True, text=True, env={**os.environ, "RUST_BACKTRACE": "0"})
        try:
            answer = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
        except (ValueError, IndexError):
            answer = None
        if answer is None:
            raise InputFileError(str(path), "cannot be read as an Excel workbook (the reader stopped on damaged data)",
                                 "open it in Excel and save it again as .xlsx")
        if "problem" in answer:
            raise InputFileError(str(path), answer["problem"], answer["fix"])
        return pl.read_ipc(io.BytesIO(out.read_bytes())), answer["sheet"]  # in memory: the file goes with tmp


def _child(argv: list[str]) -> None:
    path, sheet, out = Path(argv[0]), json.loads(argv[1]), Path(argv[2])
    try:
        frame, name = _load_sheet(path, sheet)
    except InputFileError as exc:
        print(json.dumps({"problem": exc.problem, "fix": exc.fix}))
        return
    frame.write_ipc(out)
    print(json.dumps({"sheet": name}))


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


if __name__ == "__main__":
    _child(sys.argv[1:])
