"""The action files' two forms (`reconcile actions`, reconcile/actions.py): CSV and an Excel workbook
of the same rows, for a bank or a commune to act on.

The CSV is UTF-8 with a byte-order mark, so that Excel opens Vietnamese text correctly, with a header
row of labels in the chosen language and amounts as whole numbers; a text cell that starts with `=`,
`+`, `-`, `@`, a tab or a carriage return gets a leading `'` (report/export.py). The workbook has one
sheet: its header bold and frozen, a filter, columns as wide as their values, amounts shown `#,##0`,
and every ID, account, reference and area code written as text, never as a number, so that a leading
zero stays. Each is written to the path it is given, a scratch file of the caller's (write_actions
moves the whole set into place once every file of it is written); a failure to write raises an
OSError naming `final`, the file it is for (report/disk.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter

from reconcile.report import disk
from reconcile.report.cells import clean_text
from reconcile.report.export import formula_safe

MAX_WIDTH = 60  # characters: a longer value wraps no further than this


@dataclass(frozen=True)
class Column:
    name: str  # the frame's column
    header: str  # the label shown
    kind: str = "text"  # text, amount (VND, #,##0) or int


def write_csv(frame: pl.DataFrame, columns: Sequence[Column], path: Path, final: Path) -> None:
    """The rows as CSV (UTF-8 with a BOM), under the columns' headers, into `path`."""
    table = frame.select(pl.col(c.name).alias(c.header) for c in columns)
    with disk.writing(final):
        formula_safe(table).write_csv(path, include_bom=True)


def write_xlsx(
    frame: pl.DataFrame, columns: Sequence[Column], path: Path, final: Path, sheet: str, note: str | None = None
) -> None:
    """The rows as a one-sheet workbook, into `path`; `note`, when given, heads each printed page."""
    with disk.writing(final):
        wb = xlsxwriter.Workbook(
            str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        header = wb.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#DDEBF7", "border": 1})
        formats = {
            "text": wb.add_format({**base, "num_format": "@"}),
            "amount": wb.add_format({**base, "num_format": "#,##0"}),
            "int": wb.add_format({**base, "num_format": "0"}),
        }
        ws = wb.add_worksheet(sheet[:31])
        ws.set_row(0, 30)
        for col, column in enumerate(columns):
            ws.write_string(0, col, column.header, header)
            values = frame[column.name].to_list()
            fmt = formats[column.kind]
            if column.kind == "text":
                for row, value in enumerate(values, start=1):
                    if value is not None:
                        ws.write_string(row, col, clean_text(value), fmt)
            else:
                for row, value in enumerate(values, start=1):
                    if value is not None:
                        ws.write_number(row, col, value, fmt)
            ws.set_column(col, col, _width(column, values), fmt)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(frame.height, 1), len(columns) - 1)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        if note:
            ws.set_header("&L&B" + note.replace("&", "&&"))
        wb.close()


def _width(column: Column, values: list) -> float:
    """Wide enough for the header's longest word and the longest value (amounts with their commas)."""
    shown = [f"{v:,}" if column.kind == "amount" else str(v) for v in values if v is not None]
    longest = max([len(s) for s in shown] + [max(len(w) for w in column.header.split()), 6])
    return min(longest + 2, MAX_WIDTH)
