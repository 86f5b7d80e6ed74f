"""The workbook being written, its sheets, and the typed cells of the sheets XlsxWriter writes
itself (the summary and the parameters): text made fit for a cell, numbers, dates, words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import xlsxwriter

from reconcile.report import sheetxml
from reconcile.report.labels import label, value_label

EXCEL_MAX_TEXT = 32_767  # characters in one cell
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Book:
    """The workbook in progress: its styles, the sheets added so far, and the rows DuckDB renders."""

    wb: xlsxwriter.Workbook
    lang: str
    mask: bool
    max_rows: int
    fmt: dict[str, Any] = field(default_factory=dict)  # style name -> XlsxWriter Format
    sheets: list[str] = field(default_factory=list)
    parts: list[sheetxml.Part] = field(default_factory=list)

    def label(self, key: str, **fields: object) -> str:
        return label(key, self.lang, **fields)


def clean_text(value: object) -> str:
    """Text as a cell can hold it: control characters and the code points XML cannot carry become
    U+FFFD (tab and line breaks stay); longer text than a cell holds is cut with a note saying so.
    (The table sheets do the same in SQL: `rc_xml` in sql/report_macros.sql.)"""
    text = value if type(value) is str else str(value)
    if not text.isprintable():  # a fast test first: almost every value passes it
        text = _NOT_XML.sub("\ufffd", text)
    if len(text) > EXCEL_MAX_TEXT:
        note = f" … [{len(text):,} characters; the rest is in the database]"
        text = text[: EXCEL_MAX_TEXT - len(note)] + note
    return text


class Writer:
    """Writes typed cells of the summary and parameters sheets, row by row."""

    def __init__(self, book: Book, ws: Any) -> None:
        self.book, self.ws, self.row = book, ws, 0

    def cell(self, col: int, value: Any, kind: str = "text") -> None:
        if value is None:
            return
        f, ws, row, lang = self.book.fmt, self.ws, self.row, self.book.lang
        if kind in ("int", "amount", "pct"):
            ws.write_number(row, col, value, f[kind])
        elif kind == "number":
            ws.write_number(row, col, value, f["text"])
        elif kind == "datetime":
            ws.write_datetime(row, col, value, f["datetime"])
        elif kind == "severity":
            ws.write_string(row, col, value_label("severity", value, lang), f["severity." + value])
        elif kind in ("met", "met.doubt"):  # met.doubt: met, on a share a warning of the run puts in doubt
            key = "met.no" if not value else kind if kind == "met.doubt" else "met.yes"
            ws.write_string(row, col, self.book.label(key), f[key])
        elif kind == "bool":
            ws.write_string(row, col, self.book.label("yes" if value else "no"), f["text"])
        elif kind.startswith("value:"):
            ws.write_string(row, col, clean_text(value_label(kind[6:], value, lang)), f["text"])
        else:
            ws.write_string(row, col, clean_text(value), f[kind if kind in ("title", "note", "section") else "text"])

    def line(self, values: Sequence[Any], kinds: Sequence[str]) -> None:
        for i, (value, kind) in enumerate(zip(values, kinds)):
            self.cell(i, value, kind)
        self.row += 1

    def header(self, headers: Sequence[str]) -> None:
        self.ws.set_row(self.row, 30)  # room for a header wrapped on two lines
        for i, text in enumerate(headers):
            self.ws.write_string(self.row, i, text, self.book.fmt["header"])
        self.row += 1

    def text(self, text: str, kind: str = "text") -> None:
        self.cell(0, text, kind)
        self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n


def new_sheet(book: Book, key: str, part: int = 1) -> Any:
    """A worksheet named by its label (and its part, from the second on), set up for printing on A4."""
    name = book.label(key) + (f" ({part})" if part > 1 else "")
    ws = book.wb.add_worksheet(name)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # as wide as one page, as many pages long as needed
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&L&A&R&P / &N")
    book.sheets.append(name)
    return ws


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: object) -> tuple[Any, ...] | None:
    """The first row, reading the result to its end (DuckDB refuses new work while a result is open)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None
