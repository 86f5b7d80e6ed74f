"""Excel workbooks (.xlsx and legacy .xls) through fastexcel (calamine): every cell read as text.

calamine reads both formats in Rust straight into Arrow; `bench/excel_read.py` measures it against
openpyxl. Without `--sheet` (or `sheet` in a profile) every sheet is loaded, and the caller keeps
those whose header row holds the file's columns: a list that Excel continued on a second sheet is
read whole.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError, NotThisRole
from reconcile.readers import extent, merged
from reconcile.readers.headers import HeaderChooser
from reconcile.readers.legacy import check_legacy_font

HEADER_SCAN = 1000  # rows offered to the header search (a profile may put the header up to row 1000)
CHILD = Path(__file__).with_name("excel_child.py")


def load_sheets(
    path: Path, sheet: int | str | None = None, on_names: Callable[[list[str]], None] | None = None
) -> tuple[list[tuple[str, pl.DataFrame]], set[str]]:
    """The sheets as they are, every cell as text, with their names, in the workbook's order: every
    sheet, or the one `sheet` names (by name, or position from 1); and the names of those hidden in
    the workbook (Excel does not show them, and a list left there is still read). Read in a child process
    (excel_child.py): calamine can abort the whole process on a damaged workbook; in a child, that
    is one refused file. A sheet whose used range the reader would hold is first measured (extent.py).
    `on_names` is told every sheet's name as soon as the workbook's list of them is read, before any
    problem that names a sheet is raised (--mask-ids masks a sheet named after a person)."""
    extent.check_sheets(path, sheet, on_names)
    with _scratch() as tmp:
        # -I: isolated, so that the folder of the script (readers/parquet.py...) shadows no module
        done = subprocess.run(
            [sys.executable, "-I", str(CHILD), str(path), json.dumps(sheet), tmp],
            check=False,
            capture_output=True,
            text=True,
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
        try:
            answer = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
        except (ValueError, IndexError):
            answer = None
        if on_names is not None and isinstance(answer, dict):
            on_names([str(name) for name in answer.get("names", [])])
        if answer is None:
            raise InputFileError(
                str(path),
                "cannot be read as an Excel workbook (the reader stopped on damaged data)",
                "open it in Excel and save it again as .xlsx",
            )
        if "problem" in answer:
            raise InputFileError(str(path), answer["problem"], answer["fix"])
        sheets = []
        for n, name in enumerate(answer["sheets"], start=1):
            frame = pl.read_ipc(io.BytesIO((Path(tmp) / f"{n}.arrow").read_bytes()))  # in memory: the file goes
            sheets.append((name, frame.select(pl.all().cast(pl.String))))
    return merged.fill_down(path, sheets), set(answer.get("hidden", []))


@contextlib.contextmanager
def _scratch() -> Iterator[str]:
    """A folder of this process's own in the system's temporary folder for the child's Arrow files
    (every cell of the workbook: IDs, names, birth dates), removed when the sheets are read, and by a
    later run when this one was killed (kill -9) before it could (scratch.py)."""
    from reconcile import scratch

    beside = Path(tempfile.gettempdir()) / "reconcile-excel"
    scratch.clean_leftovers(beside)
    folder = scratch.new_dir(beside, "excel")
    try:
        yield str(folder)
    finally:
        scratch.remove(folder)


def split(
    path: Path, name: str, frame: pl.DataFrame, choose_header: HeaderChooser
) -> tuple[list[str], pl.DataFrame, int]:
    """A sheet's headers, its data rows as text, and the sheet row of the first data row.

    `choose_header` gets the first rows as lists and returns the index of the header row; rows
    above it are a title block, not data. Row numbers stay those Excel shows.
    """
    non_empty = frame.select(pl.any_horizontal(pl.all().is_not_null()).alias("x"))["x"] if frame.width else None
    if non_empty is None or not non_empty.any():
        raise NotThisRole(
            str(path),
            f"the sheet '{name}' is empty",
            "put the data on the first sheet, or pass --sheet with the sheet that holds it",
        )
    head = [list(r) for r in frame.head(HEADER_SCAN).iter_rows()]
    check_legacy_font(" ".join(str(v) for row in frame.head(500).iter_rows() for v in row if v is not None), path)
    first = choose_header(head)
    headers = choose_header.headers(list(frame.row(first)))
    below = first + choose_header.rows  # a header over two rows: the second is no data row
    return headers, frame.slice(below), below + 1
