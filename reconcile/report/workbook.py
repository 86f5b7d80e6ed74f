"""The workbook for finance officers and auditors (`reconcile run --report PATH.xlsx`).

Everything is read back from the database after the run committed, so the workbook shows exactly
what analysts will find there. Sheets: a summary with native charts (summary.py, charts.py), the
findings (one row each), the non-cash share by area, the rejected rows and the inputs (tables.py),
and the run's parameters (parameters.py).

XlsxWriter writes the summary, the parameters and the frame of every table sheet (header, column
widths, frozen header, filter, print setup, styles); the table rows are rendered by DuckDB as XML
and streamed into the file (`sheetxml`), so that 1,000,000 findings take seconds, not minutes, in
flat memory (`bench/workbook.py`). Every text cell is an inline string, so a name such as
`=HYPERLINK(...)` is text, never a formula. A table longer than a sheet continues on
"Findings (2)", "Findings (3)"...; no row is cut. The file is written under a temporary name and
moved into place when complete.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import xlsxwriter

from reconcile import scratch
from reconcile.masking import mask_text
from reconcile.report import disk, sheetxml
from reconcile.report.cells import Book
from reconcile.report.parameters import parameters_sheet
from reconcile.report.styles import add_formats
from reconcile.report.summary import summary_sheet
from reconcile.report.tables import TABLES, table_sheets

EXCEL_MAX_ROWS = 1_048_576  # rows in one sheet, the header included


@dataclass
class WorkbookResult:
    path: Path
    sheets: list[str]
    findings: int
    rejected: int
    seconds: float


def write_workbook(
    con: duckdb.DuckDBPyConnection,
    period: str,
    path: Path,
    *,
    lang: str = "vi",
    mask_ids: bool = False,
    database: str = "",
    max_rows: int = EXCEL_MAX_ROWS,
    progress: Callable[[str, int, int], None] | None = None,
) -> WorkbookResult:
    """Write the workbook of `period` to `path` (atomically). `max_rows` lowers the rows per sheet
    (tests use it to see the continuation sheets without writing a million rows)."""
    if max_rows < 2:
        raise ValueError("max_rows must leave room for a header and one row")
    t0 = time.perf_counter()
    path = Path(path)
    with con.cursor() as cur:  # its own connection: a result the caller left open does not block it
        sheetxml.install_macros(cur)
        # written beside the workbook under names of this run's own, then renamed onto it: a link at the
        # workbook's name is replaced, never written through (reconcile/scratch.py)
        scratch.clean_leftovers(path)
        with disk.writing(path):  # a full disk names the workbook, not its scratch files
            counts, sheets = _write_book(cur, period, path, lang, mask_ids, database, max_rows, progress)
    return WorkbookResult(path, sheets, counts["sheet.findings"], counts["sheet.rejected"], time.perf_counter() - t0)


def _write_book(
    con: duckdb.DuckDBPyConnection,
    period: str,
    path: Path,
    lang: str,
    mask_ids: bool,
    database: str,
    max_rows: int,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[dict[str, int], list[str]]:
    """The workbook written beside `path` and renamed onto it: the rows of each table, and the sheets."""
    if mask_ids:  # the database's path, as its files' names, may hold an ID (`<ID>.duckdb`)
        database = mask_text(database) or database
    params = {"p": period}
    frame = scratch.new_file(path, "frame")
    tmp: Path | None = None
    try:
        tmp = scratch.new_file(path, "book")
        wb = xlsxwriter.Workbook(
            str(frame), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        book = Book(wb, lang, mask_ids, max_rows)
        add_formats(book)
        summary_sheet(book, con, period, database)
        counts = {}
        for table in TABLES:
            counts[table.key] = table_sheets(book, con, table, params)
        parameters_sheet(book, con, period, database)
        wb.set_properties(
            {"title": book.label("title", period=period), "author": "reconcile", "comments": "reconcile workbook"}
        )
        wb.close()
        sheetxml.inject(con, str(frame), str(tmp), book.parts, progress)
        os.replace(tmp, path)
    finally:
        frame.unlink(missing_ok=True)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return counts, book.sheets
