"""The workbook for finance officers and auditors (`reconcile run --report PATH.xlsx`).

Everything is read back from the database after the run committed, so the workbook shows exactly
what analysts will find there. Sheets: a summary with native charts, the findings (one row each),
the non-cash share by area, the rejected rows, the inputs and the run's parameters.

XlsxWriter writes the summary, the parameters and the frame of every table sheet (header, column
widths, frozen header, filter, print setup, styles); the table rows are rendered by DuckDB as XML
and streamed into the file (`sheetxml`), so that 1,000,000 findings take seconds, not minutes, in
flat memory (`bench/workbook.py`). Every text cell is an inline string, so a name such as
`=HYPERLINK(...)` is text, never a formula. A table longer than a sheet continues on
"Findings (2)", "Findings (3)"...; no row is cut. The file is written under a temporary name and
moved into place when complete.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from reconcile import areas, scratch
from reconcile.report import sheetxml
from reconcile.report.labels import LABELS, label, value_label
from reconcile.warehouse import FLAGS_ORDER

EXCEL_MAX_ROWS = 1_048_576  # rows in one sheet, the header included
EXCEL_MAX_TEXT = 32_767  # characters in one cell
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SEVERITY_COLOURS = {  # fill, font: red to grey, readable when printed in black and white
    "critical": ("#9C0006", "#FFFFFF"),
    "high": ("#FFC7CE", "#9C0006"),
    "medium": ("#FFEB9C", "#7F6000"),
    "low": ("#E7E6E6", "#3A3A3A"),
}
WORD_GROUPS = ("program", "level", "role", "method", "province")


@dataclass
class WorkbookResult:
    path: Path
    sheets: list[str]
    findings: int
    rejected: int
    seconds: float


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: the query's column name, how its cells are written, the width."""

    name: str
    kind: str = "text"  # text, number, int, amount, pct, date, datetime, severity, met, value:<group>, id, free
    width: float = 14


@dataclass(frozen=True)
class Table:
    """A table sheet: the query giving its named columns, and the one order of its rows."""

    key: str  # sheet label key
    columns: tuple[Column, ...]
    sql: str
    order: str


@dataclass
class _Book:
    wb: xlsxwriter.Workbook
    lang: str
    mask: bool
    max_rows: int
    fmt: dict = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    parts: list[sheetxml.Part] = field(default_factory=list)

    def label(self, key: str, **fields) -> str:
        return label(key, self.lang, **fields)


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
    with con.cursor() as cur:  # its own connection: a result the caller left open does not block it
        return _write(cur, period, Path(path), lang, mask_ids, database, max_rows, progress)


def _write(
    con, period: str, path: Path, lang: str, mask_ids: bool, database: str, max_rows: int, progress
) -> WorkbookResult:
    t0 = time.perf_counter()
    sheetxml.install_macros(con)
    # written beside the workbook under names of this run's own, then renamed onto it: a link at the
    # workbook's name is replaced, never written through (reconcile/scratch.py)
    scratch.clean_leftovers(path)
    frame = scratch.new_file(path, "frame")
    tmp = scratch.new_file(path, "book")
    wb = xlsxwriter.Workbook(
        str(frame), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book = _Book(wb, lang, mask_ids, max_rows)
    _formats(book)
    params = {"p": period}
    try:
        _summary(book, con, period, database)
        counts = {}
        for table in TABLES:
            counts[table.key] = _table_sheets(book, con, table, params)
        _parameters(book, con, period, database)
        wb.set_properties(
            {"title": book.label("title", period=period), "author": "reconcile", "comments": "reconcile workbook"}
        )
        wb.close()
        sheetxml.inject(con, str(frame), str(tmp), book.parts, progress)
        os.replace(tmp, path)
    finally:
        frame.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return WorkbookResult(
        path, book.sheets, counts["sheet.findings"], counts["sheet.rejected"], time.perf_counter() - t0
    )


def _formats(book: _Book) -> None:
    add = book.wb.add_format
    base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
    f = book.fmt
    f["text"] = add(base)
    f["header"] = add(
        {
            **base,
            "bold": True,
            "bg_color": "#1F4E78",
            "font_color": "#FFFFFF",
            "text_wrap": True,
            "border": 1,
            "border_color": "#BFBFBF",
        }
    )
    f["title"] = add({**base, "bold": True, "font_size": 14})
    f["note"] = add({**base, "italic": True, "font_color": "#595959"})
    f["partial"] = add(
        {
            **base,
            "bold": True,
            "font_size": 11,
            "font_color": "#9C0006",
            "bg_color": "#FFC7CE",
            "text_wrap": True,
            "border": 1,
            "border_color": "#9C0006",
        }
    )
    f["section"] = add({**base, "bold": True, "font_size": 11, "font_color": "#1F4E78"})
    f["int"] = add({**base, "num_format": "#,##0"})
    f["amount"] = add({**base, "num_format": "#,##0"})
    f["date"] = add({**base, "num_format": "dd/mm/yyyy"})
    f["datetime"] = add({**base, "num_format": "dd/mm/yyyy hh:mm:ss"})
    f["pct"] = add({**base, "num_format": "0.00%"})
    f["total_text"] = add({**base, "bold": True, "top": 1})
    f["total_int"] = add({**base, "bold": True, "top": 1, "num_format": "#,##0"})
    f["met.yes"] = add({**base, "font_color": "#006100", "bg_color": "#C6EFCE"})
    f["met.no"] = add({**base, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
    for severity, (fill, font) in SEVERITY_COLOURS.items():
        f["severity." + severity] = add({**base, "bg_color": fill, "font_color": font})
    for fmt in f.values():
        # The table rows refer to styles by index, written by DuckDB rather than through
        # XlsxWriter's cell calls; register every style so that the index exists in styles.xml.
        fmt._get_xf_index()


def _clean(value) -> str:
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


class _Writer:
    """Writes typed cells of the summary and parameters sheets, row by row."""

    def __init__(self, book: _Book, ws):
        self.book, self.ws, self.row = book, ws, 0

    def cell(self, col: int, value, kind: str = "text") -> None:
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
        elif kind == "met":
            key = "met.yes" if value else "met.no"
            ws.write_string(row, col, self.book.label(key), f[key])
        elif kind == "bool":
            ws.write_string(row, col, self.book.label("yes" if value else "no"), f["text"])
        elif kind.startswith("value:"):
            ws.write_string(row, col, _clean(value_label(kind[6:], value, lang)), f["text"])
        else:
            ws.write_string(row, col, _clean(value), f[kind if kind in ("title", "note", "section") else "text"])

    def line(self, values: Sequence, kinds: Sequence[str]) -> None:
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


def _sheet(book: _Book, key: str, part: int = 1):
    name = book.label(key) + (f" ({part})" if part > 1 else "")
    ws = book.wb.add_worksheet(name)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # as wide as one page, as many pages long as needed
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&L&A&R&P / &N")
    book.sheets.append(name)
    return ws


def _words(book: _Book) -> dict[str, dict]:
    """Stored code values and the reader's word for each, per group (for SQL-rendered cells)."""
    words: dict[str, dict] = {g: {} for g in (*WORD_GROUPS, "severity")}
    for key in LABELS:
        group, _, value = key.partition(".")
        if group in words:
            words[group][value] = book.label(key)
    words["met"] = {True: book.label("met.yes"), False: book.label("met.no")}
    words["bool"] = {True: book.label("yes"), False: book.label("no")}
    return words


def _table_sheets(book: _Book, con, table: Table, params: dict) -> int:
    """A table over as many sheets as it needs: header frozen and filtered on each, no row cut."""
    total = con.execute(f"SELECT count(*) FROM ({table.sql})", params).fetchall()[0][0]
    per_sheet = book.max_rows - 1
    styles = {name: fmt._get_xf_index() for name, fmt in book.fmt.items()}
    words = _words(book)
    # a finding's description is stored in both languages: the column of the workbook's language
    cells = [
        sheetxml.cell_sql(
            f"description_{book.lang}" if c.name == "description" else c.name, c.kind, styles, words, book.mask
        )
        for c in table.columns
    ]
    headers = [book.label("col." + c.name) for c in table.columns]
    for part in range(max(1, math.ceil(total / per_sheet))):
        offset = part * per_sheet
        count = min(per_sheet, total - offset)
        ws = _sheet(book, table.key, part + 1)
        for i, c in enumerate(table.columns):
            ws.set_column(i, i, c.width)
        ws.freeze_panes(1, 0)
        ws.repeat_rows(0)
        w = _Writer(book, ws)
        w.header(headers)
        ws.autofilter(0, 0, max(count, 1), len(table.columns) - 1)
        book.parts.append(
            sheetxml.Part(
                entry=f"xl/worksheets/sheet{len(book.sheets)}.xml",
                sql=sheetxml.rows_sql(table.sql, table.order, cells, count, offset),
                params=params,
                offset=offset,
                count=count,
                ncols=len(table.columns),
                label=table.key,
                total=total,
            )
        )
    return total


def _one(con, sql: str, params) -> tuple | None:
    """The first row, reading the result to its end (DuckDB refuses new work while a result is open)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


# --- summary -------------------------------------------------------------------------------------


def _summary(book: _Book, con, period: str, database: str) -> None:
    ws = _sheet(book, "sheet.summary")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 9, 17)
    ws.hide_gridlines(2)
    w = _Writer(book, ws)
    run = _one(con, "SELECT tool_version, finished_at, partial, missing_sources FROM runs WHERE period = ?", [period])
    if run and run[2]:  # a month reconciled without every source says so before anything else
        text = book.label(
            "partial",
            period=period,
            sources="; ".join(_missing_source(m, book.lang) for m in json.loads(run[3] or "[]")),
        )
        ws.merge_range(w.row, 0, w.row, 7, _clean(text), book.fmt["partial"])  # wrapped within the page's width
        ws.set_row(w.row, 15 * (2 + len(text) // 150))
        w.skip()
    w.text(book.label("title", period=period), "title")
    if run:
        w.text(
            book.label("subtitle", version=run[0], finished=f"{run[1]:%d/%m/%Y %H:%M}", database=database or "-"),
            "note",
        )
    if book.mask:
        w.text(book.label("masked_note"), "note")
    w.skip()

    # beneficiaries, payments, due and paid, per programme
    w.text(book.label("section.totals"), "section")
    w.header(
        [
            book.label(k)
            for k in (
                "col.program",
                "col.registry_rows",
                "col.beneficiaries_active",
                "col.amount_due",
                "col.payments_ok",
                "col.amount_paid",
                "col.difference",
            )
        ]
    )
    rows = con.execute(
        """
        WITH programs AS (
            SELECT program FROM registry WHERE period = $p UNION SELECT program FROM noncash_base WHERE period = $p),
        r AS (SELECT program, count(*) AS registry_rows,
                     count(DISTINCT vneid) FILTER (WHERE is_primary AND status = 'active') AS active,
                     coalesce(sum(entitled_amount) FILTER (WHERE is_primary AND status = 'active'), 0) AS due
              FROM registry WHERE period = $p GROUP BY program),
        b AS (SELECT program, count(*) AS payments, sum(amount) AS paid FROM noncash_base WHERE period = $p GROUP BY program)
        SELECT programs.program, coalesce(registry_rows, 0), coalesce(active, 0), coalesce(due, 0),
               coalesce(payments, 0), coalesce(paid, 0), coalesce(paid, 0) - coalesce(due, 0)
        FROM programs LEFT JOIN r USING (program) LEFT JOIN b USING (program)
        ORDER BY programs.program = 'unknown', programs.program""",
        {"p": period},
    ).fetchall()
    kinds = ["value:program", "int", "int", "amount", "int", "amount", "amount"]
    for row in rows:
        w.line(row, kinds)
    totals = [book.label("total")] + [sum(r[i] for r in rows) for i in range(1, 7)]
    _total_line(w, totals)
    w.skip()

    # findings by code, every rule listed even when it found nothing
    w.text(book.label("section.findings"), "section")
    w.header(
        [
            book.label(k)
            for k in (
                "col.code",
                "col.severity",
                "col.count",
                "col.expected_amount",
                "col.paid_amount",
                "col.description",
            )
        ]
    )
    desc = "description_vi" if book.lang == "vi" else "description_en"
    rows = con.execute(
        f"""
        SELECT r.code, r.severity, count(f.code), sum(f.expected_amount), sum(f.paid_amount), r.{desc}
        FROM rules AS r LEFT JOIN flags AS f ON f.code = r.code AND f.period = $p
        GROUP BY r.code, r.severity, r.{desc}
        ORDER BY CASE r.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END DESC,
                 r.code""",
        {"p": period},
    ).fetchall()
    for row in rows:
        w.line(row, ["text", "severity", "int", "amount", "amount", "text"])
    _total_line(w, [book.label("total"), None, sum(r[2] for r in rows)])
    w.skip()

    w.text(book.label("section.severity"), "section")
    w.header([book.label(k) for k in ("col.severity", "col.count", "col.expected_amount", "col.paid_amount")])
    for severity in ("critical", "high", "medium", "low"):
        row = _one(
            con,
            "SELECT count(*), sum(expected_amount), sum(paid_amount) FROM flags WHERE period = ? AND severity = ?",
            [period, severity],
        )
        w.line([severity, *row], ["severity", "int", "amount", "amount"])
    w.skip()

    w.text(book.label("section.inputs"), "section")
    w.header(
        [
            book.label(k)
            for k in (
                "col.file",
                "col.role",
                "col.rows_read",
                "col.rows_loaded",
                "col.rows_rejected",
                "col.rows_set_aside",
                "col.amount_read",
                "col.amount_loaded",
                "col.amount_rejected",
            )
        ]
    )
    inputs = con.execute(
        "SELECT CASE WHEN count(*) OVER (PARTITION BY path) > 1 THEN file_name || ' [' || sheet || ']' ELSE file_name "
        "END, role, rows_read, rows_loaded, rows_rejected, coalesce(rows_set_aside, 0), amount_read, amount_loaded, "
        "amount_rejected FROM inputs "
        "WHERE period = ? AND skipped IS NULL ORDER BY file_id",
        [period],
    ).fetchall()
    for row in inputs:
        w.line(row, ["text", "value:role", "int", "int", "int", "int", "amount", "amount", "amount"])
    _total_line(w, [book.label("total"), None] + [sum(r[i] or 0 for r in inputs) for i in (2, 3, 4, 5, 6, 7, 8)])
    w.skip()

    w.text(book.label("section.noncash"), "section")
    w.header(
        [
            book.label(k)
            for k in (
                "col.program",
                "col.beneficiaries",
                "col.payments",
                "col.amount",
                "col.share_beneficiaries",
                "col.share_payments",
                "col.share_amount",
                "col.target",
                "col.target_met",
            )
        ]
    )
    for row in con.execute(
        """
            SELECT program, beneficiaries, payments, amount, share_beneficiaries, share_payments, share_amount,
                   target, target_met
            FROM noncash_share WHERE period = ? AND level = 'program' AND channel_group = 'all'
            ORDER BY program = 'unknown', program""",
        [period],
    ).fetchall():
        w.line(row, ["value:program", "int", "int", "amount", "pct", "pct", "pct", "pct", "met"])
    w.skip()

    _province_chart(book, w, con, period)
    _trend_chart(book, w, con)


def _missing_source(source: dict, lang: str) -> str:
    """A missing source of a partial month, as the PARTIAL line names it (checks.MissingSource)."""
    from reconcile.checks import MissingSource

    missing = MissingSource(**source)
    if lang == "vi":
        where = (
            "tiền mặt (bưu điện)"
            if missing.channel == "cash"
            else f"{'ngân hàng' if missing.channel == 'bank' else 'ví điện tử'} {missing.bank_code or ''}".strip()
        )
        program = "trợ cấp xã hội" if missing.program == "welfare" else "lương hưu"
        return (
            f"{program}, {where}: {missing.without_payment:,} / {missing.beneficiaries:,} đối tượng chưa có khoản chi"
        )
    return missing.describe()


def _total_line(w: _Writer, values: Sequence) -> None:
    for i, v in enumerate(values):
        if isinstance(v, (int, float)):
            w.ws.write_number(w.row, i, v, w.book.fmt["total_int"])
        else:
            w.ws.write_string(w.row, i, "" if v is None else str(v), w.book.fmt["total_text"])
    w.row += 1


def _programs_with_target(con, where: str, params: dict) -> list[tuple[str, float | None]]:
    return con.execute(
        f"""
        SELECT program, any_value(target) FROM noncash_share
        WHERE {where} AND channel_group = 'all' AND program <> 'unknown'
        GROUP BY program ORDER BY program""",
        params,
    ).fetchall()


def _province_chart(book: _Book, w: _Writer, con, period: str) -> None:
    """Share of payments made without cash per province and programme, with the targets as lines."""
    programs = _programs_with_target(con, "period = $p AND level = 'province'", {"p": period})
    if not programs:
        return
    provinces = [
        r[0]
        for r in con.execute(
            """
        SELECT DISTINCT province_code FROM noncash_share WHERE period = ? AND level = 'province'
        ORDER BY province_code = 'unknown', province_code""",
            [period],
        ).fetchall()
    ]
    shares = {
        (prov, prog): share
        for prov, prog, share in con.execute(
            """
        SELECT province_code, program, share_payments FROM noncash_share
        WHERE period = ? AND level = 'province' AND channel_group = 'all'""",
            [period],
        ).fetchall()
    }
    w.text(book.label("section.by_province"), "section")
    first, last = _share_table(
        book,
        w,
        "col.province_code",
        programs,
        [
            (
                _province_name(prov, period, book.lang),
                [(shares.get((prov, program)), target) for program, target in programs],
            )
            for prov in provinces
        ],
    )
    sheet = w.ws.name
    column = book.wb.add_chart({"type": "column"})
    line = book.wb.add_chart({"type": "line"})
    for i, _ in enumerate(programs):
        share_col, target_col = 1 + 2 * i, 2 + 2 * i
        column.add_series(
            {
                "name": [sheet, first, share_col],
                "categories": [sheet, first + 1, 0, last, 0],
                "values": [sheet, first + 1, share_col, last, share_col],
                "gap": 80,
            }
        )
        line.add_series(
            {
                "name": [sheet, first, target_col],
                "categories": [sheet, first + 1, 0, last, 0],
                "values": [sheet, first + 1, target_col, last, target_col],
                "line": {"width": 2, "dash_type": "dash"},
                "marker": {"type": "none"},
            }
        )
    column.combine(line)
    column.set_title({"name": book.label("chart.by_province", period=period), "name_font": {"size": 12}})
    lowest = [v for prog, t in programs for v in [t, *(shares.get((p, prog)) for p in provinces)] if v is not None]
    column.set_y_axis({"num_format": "0%", "max": 1, "min": _axis_min(lowest), "major_gridlines": {"visible": True}})
    column.set_x_axis({"name": book.label("col.province_code")})
    column.set_legend({"position": "bottom"})
    column.set_size({"width": 760, "height": 360})
    w.skip()
    w.ws.insert_chart(xl_rowcol_to_cell(w.row, 0), column)
    w.skip(20)


def _province_name(code: str, period: str, lang: str) -> str:
    """'79 Thành phố Hồ Chí Minh': the code with its name on the map of the period, where known."""
    names = {(r["code"], r["layout"]): r["name"] for r in areas.provinces().iter_rows(named=True)}
    name = names.get((code, areas.layout_for(period)))
    return f"{code} {name}" if name else value_label("province", code, lang)


def _share_table(book: _Book, w: _Writer, first_header: str, programs, rows) -> tuple[int, int]:
    """The data a chart draws: one row per category (province or period), a share and a target
    column per programme. Returns the rows of the header and of the last category."""
    first = w.row
    headers = [book.label(first_header)]
    for program, _ in programs:
        name = value_label("program", program, book.lang)
        headers += [book.label("chart.share", program=name), book.label("chart.target", program=name)]
    w.header(headers)
    for category, pairs in rows:
        w.line([category, *(v for pair in pairs for v in pair)], ["text"] + ["pct"] * (2 * len(pairs)))
    return first, w.row - 1


def _axis_min(values: Sequence[float]) -> float:
    """The share axis starts at the lowest value rounded down to 10% (not at 0, where 97% and
    99.85% would look the same); the axis title says so by its labels."""
    return max(0.0, math.floor(min(values, default=0) * 10) / 10 - 0.1) if values else 0.0


def _trend_chart(book: _Book, w: _Writer, con) -> None:
    """When the database holds several periods: the share of payments without cash over time."""
    periods = [r[0] for r in con.execute("SELECT DISTINCT period FROM runs ORDER BY period").fetchall()]
    if len(periods) < 2:
        return
    programs = _programs_with_target(con, "level = 'program'", {})
    shares = {
        (per, prog): share
        for per, prog, share in con.execute("""
        SELECT period, program, share_payments FROM noncash_share
        WHERE level = 'program' AND channel_group = 'all'""").fetchall()
    }
    targets = {(per, prog): t for per, prog, t in con.execute("SELECT period, program, target FROM targets").fetchall()}
    w.text(book.label("section.trend"), "section")
    first, last = _share_table(
        book,
        w,
        "col.period",
        programs,
        [
            (per, [(shares.get((per, program)), targets.get((per, program))) for program, _ in programs])
            for per in periods
        ],
    )
    sheet = w.ws.name
    chart = book.wb.add_chart({"type": "line"})
    for i, _ in enumerate(programs):
        for col, style in ((1 + 2 * i, {"width": 2.25}), (2 + 2 * i, {"width": 1.5, "dash_type": "dash"})):
            chart.add_series(
                {
                    "name": [sheet, first, col],
                    "categories": [sheet, first + 1, 0, last, 0],
                    "values": [sheet, first + 1, col, last, col],
                    "line": style,
                    "marker": {"type": "circle" if col % 2 else "none", "size": 5},
                }
            )
    chart.set_title({"name": book.label("chart.trend"), "name_font": {"size": 12}})
    lowest = [v for d in (shares, targets) for v in d.values() if v is not None]
    chart.set_y_axis({"num_format": "0%", "max": 1, "min": _axis_min(lowest), "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 320})
    w.skip()
    w.ws.insert_chart(xl_rowcol_to_cell(w.row, 0), chart)
    w.skip(18)


# --- the table sheets ----------------------------------------------------------------------------

FINDINGS = Table(
    "sheet.findings",
    (
        Column("code", "text", 24),
        Column("severity", "severity", 12),
        Column("description", "text", 48),
        Column("vneid", "id", 15),
        Column("full_name", "text", 24),
        Column("program", "value:program", 16),
        Column("province_code", "value:province", 9),
        Column("commune_code", "text", 9),
        Column("expected_amount", "amount", 14),
        Column("paid_amount", "amount", 14),
        Column("difference", "amount", 14),
        Column("payment_ref", "id", 18),
        Column("payee_name", "text", 24),
        Column("account_number", "id", 18),
        Column("value_date", "date", 12),
        Column("match_method", "value:method", 14),
        Column("detail", "free", 60),
        Column("source_file", "text", 22),
        Column("source_sheet", "text", 14),
        Column("source_row", "int", 9),
        Column("flag_id", "text", 18),
    ),
    """SELECT f.code, f.severity, f.severity_rank, r.description_en, r.description_vi, f.vneid, f.full_name,
              f.program, f.province_code, f.commune_code, f.expected_amount, f.paid_amount,
              f.paid_amount - f.expected_amount AS difference, f.payment_ref, f.payee_name, f.account_number,
              p.value_date, f.match_method, f.detail, f.source_file, f.source_sheet, f.source_row, f.flag_id
       FROM flags AS f
       LEFT JOIN rules AS r ON r.code = f.code
       LEFT JOIN payments AS p ON p.period = f.period AND p.payment_id = f.payment_id
       WHERE f.period = $p""",
    FLAGS_ORDER,
)

NONCASH = Table(
    "sheet.noncash",
    (
        Column("program", "value:program", 16),
        Column("level", "value:level", 10),
        Column("province_code", "value:province", 10),
        Column("commune_code", "text", 10),
        Column("beneficiaries", "int", 12),
        Column("payments", "int", 12),
        Column("amount", "amount", 16),
        Column("payments_bank", "int", 12),
        Column("payments_ewallet", "int", 12),
        Column("payments_cash", "int", 12),
        Column("share_beneficiaries", "pct", 14),
        Column("share_payments", "pct", 14),
        Column("share_amount", "pct", 14),
        Column("target", "pct", 10),
        Column("target_met", "met", 10),
    ),
    """WITH channels AS (
           SELECT program, level, province_code, commune_code,
                  coalesce(sum(payments) FILTER (WHERE channel_group = 'bank'), 0) AS payments_bank,
                  coalesce(sum(payments) FILTER (WHERE channel_group = 'ewallet'), 0) AS payments_ewallet,
                  coalesce(sum(payments) FILTER (WHERE channel_group = 'cash'), 0) AS payments_cash
           FROM noncash_share WHERE period = $p AND channel_group <> 'all'
           GROUP BY program, level, province_code, commune_code)
       SELECT a.program, a.level, nullif(a.province_code, '') AS province_code,
              nullif(a.commune_code, '') AS commune_code, a.beneficiaries, a.payments, a.amount,
              c.payments_bank, c.payments_ewallet, c.payments_cash,
              a.share_beneficiaries, a.share_payments, a.share_amount, a.target, a.target_met
       FROM noncash_share AS a
       LEFT JOIN channels AS c
         ON c.program = a.program AND c.level = a.level
        AND c.province_code IS NOT DISTINCT FROM a.province_code AND c.commune_code IS NOT DISTINCT FROM a.commune_code
       WHERE a.period = $p AND a.channel_group = 'all'""",
    "program = 'unknown', program, "
    "CASE level WHEN 'program' THEN 1 WHEN 'province' THEN 2 WHEN 'province_2025' THEN 3 ELSE 4 END, "
    "province_code = 'unknown' NULLS FIRST, province_code NULLS FIRST, commune_code = 'unknown' NULLS FIRST, "
    "commune_code NULLS FIRST",
)

REJECTED = Table(
    "sheet.rejected",
    (
        Column("role", "value:role", 14),
        Column("source_file", "text", 24),
        Column("source_sheet", "text", 14),
        Column("source_row", "int", 9),
        Column("set_aside", "bool", 12),
        Column("reason", "free", 60),
        Column("raw", "free", 100),
    ),
    # the raw row as `header: value` pairs, in the file's column order, readable in one cell; through a
    # map, in one pass (a lookup of each key in the JSON would take time growing with the square of the
    # columns: minutes for a row of thousands)
    """SELECT role, file_id, source_file, source_sheet, source_row, coalesce(set_aside, false) AS set_aside, reason,
              array_to_string(list_transform(map_entries(json_transform(raw, '"MAP(VARCHAR, VARCHAR)"')),
                  lambda e: e.key || ': ' || coalesce(e.value, '')), '; ') AS raw
       FROM rejected_rows WHERE period = $p""",
    "file_id, source_row",
)

INPUTS = Table(
    "sheet.inputs",
    (
        Column("file_id", "int", 7),
        Column("role", "value:role", 16),
        Column("file", "text", 26),
        Column("path", "text", 40),
        Column("format", "text", 9),
        Column("encoding", "text", 12),
        Column("profile", "text", 20),
        Column("sheet", "text", 12),
        Column("header_row", "int", 9),
        Column("sha256", "text", 66),
        Column("rows_read", "int", 11),
        Column("rows_loaded", "int", 11),
        Column("rows_rejected", "int", 11),
        Column("rows_set_aside", "int", 11),
        Column("ids_restored", "int", 12),
        Column("amount_read", "amount", 16),
        Column("amount_loaded", "amount", 16),
        Column("amount_rejected", "amount", 16),
        Column("amount_set_aside", "amount", 16),
        Column("amounts_unreadable", "int", 12),
        Column("accounts_restored", "int", 12),
        Column("control_source", "text", 22),
        Column("control_count", "int", 11),
        Column("control_amount", "amount", 16),
        Column("skipped", "text", 40),
        Column("columns_used", "text", 60),
    ),
    """SELECT file_id, role, file_name AS file, path, format, encoding, profile, sheet, header_row, sha256,
              rows_read, rows_loaded,
              rows_rejected, rows_set_aside, ids_restored, amount_read, amount_loaded, amount_rejected,
              amount_set_aside, amounts_unreadable,
              accounts_restored, control_source, control_count, control_amount, skipped,
              array_to_string(list_transform(json_keys(columns_used),
                  lambda k: k || ' → ' || (columns_used ->> k)), '; ') AS columns_used
       FROM inputs WHERE period = $p""",
    "file_id NULLS LAST, path, sheet",
)

TABLES = (FINDINGS, NONCASH, REJECTED, INPUTS)


def findings_sql(lang: str) -> str:
    """The findings of a period as the sheet shows them, in their order (for benchmarks and tests)."""
    names = ", ".join(
        c.name if c.name != "description" else f"description_{lang} AS description" for c in FINDINGS.columns
    )
    return f"SELECT {names} FROM ({FINDINGS.sql}) AS t ORDER BY {FINDINGS.order}"


# --- parameters ----------------------------------------------------------------------------------


def _flatten(prefix: str, value) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(f"{prefix}.{k}" if prefix else k, v)
    else:
        yield prefix, value


def _parameters(book: _Book, con, period: str, database: str) -> None:
    ws = _sheet(book, "sheet.parameters")
    ws.set_column(0, 0, 52)
    ws.set_column(1, 1, 40)
    ws.freeze_panes(1, 0)
    w = _Writer(book, ws)
    w.header([book.label("col.parameter"), book.label("col.value")])
    run = _one(
        con,
        "SELECT run_id, period, started_at, finished_at, tool_version, operator, settings::VARCHAR "
        "FROM runs WHERE period = ?",
        [period],
    )
    if run is None:
        return
    run_id, per, started, finished, version, operator, settings = run
    rows: list[tuple[str, object, str]] = [
        ("param.run_id", run_id, "text"),
        ("param.period", per, "text"),
        ("param.started_at", started, "datetime"),
        ("param.finished_at", finished, "datetime"),
        ("param.tool_version", version, "text"),
        ("param.operator", operator, "text"),
        ("param.database", database or "-", "text"),
        ("param.report_lang", book.lang, "text"),
        ("param.masked", book.mask, "bool"),
    ]
    for key, value in _flatten("", json.loads(settings)):
        kind = (
            "pct"
            if key.startswith("targets.")
            else "bool"
            if isinstance(value, bool)
            else "int"
            if isinstance(value, int)
            else "number"
            if isinstance(value, float)
            else "text"
        )
        rows.append(("param." + key, value, kind))
    for key, value, kind in rows:
        name = book.label(key) if key in LABELS else key.removeprefix("param.")
        w.line([name, value], ["text", kind])
