"""Table sheets rendered by DuckDB: one SQL query gives each row as its worksheet XML.

Writing a million rows cell by cell through a Python library takes two minutes or more
(`bench/workbook.py`: openpyxl write-only and XlsxWriter both spend their time in per-cell Python).
So XlsxWriter writes every sheet's frame (header, widths, frozen pane, filter, styles, charts) and
the summary, and the rows of the table sheets are produced by DuckDB as XML text in bulk, then
streamed into the finished file's worksheet parts. Every value is escaped by `rc_xml` and every
text cell is an inline string: text is never a formula.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import IO

import duckdb
from xlsxwriter.utility import xl_col_to_name

from reconcile.masking import AREA_CODES
from reconcile.masking import install_macros as install_masking
from reconcile.warehouse import quote_ident, quote_literal

FETCH = 10_000
# A table's rows are compressed at zlib level 1: about three times faster than the default for a
# file a fifth larger; the rest of the workbook keeps XlsxWriter's own compression.
ROWS_COMPRESSLEVEL = 1


@dataclass(frozen=True)
class Part:
    """The rows of one sheet: which worksheet part, which query, which slice of its rows."""

    entry: str  # e.g. xl/worksheets/sheet2.xml
    sql: str
    params: dict
    offset: int
    count: int
    ncols: int
    label: str  # for progress
    total: int  # rows of the whole table, over all its sheets


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    from reconcile.report.details import macro_sql

    install_masking(con)  # rc_mask_id, rc_mask_text, rc_mask_raw
    con.execute(resources.files("reconcile.sql").joinpath("report_macros.sql").read_text(encoding="utf-8"))
    con.execute(macro_sql())  # a finding's detail in Vietnamese


def _text(expr: str, style: int) -> str:
    # the value through a lambda's parameter: a masking macro's expression is written (bound, and
    # run) once, not once for each of the five times the cell and rc_xml use its value
    return (
        f"list_transform([({expr})::VARCHAR], lambda v: CASE WHEN v IS NULL THEN '<c/>' ELSE '<c s=\"{style}\" "
        f't="inlineStr"><is><t xml:space="preserve">\' || rc_xml(v) || \'</t></is></c>\' END)[1]'
    )


def _const_text(text: str, style: int) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return quote_literal(f'<c s="{style}" t="inlineStr"><is><t xml:space="preserve">{escaped}</t></is></c>')


def _number(expr: str, style: int) -> str:
    return f"coalesce('<c s=\"{style}\"><v>' || ({expr})::VARCHAR || '</v></c>', '<c/>')"


def _mapped(expr: str, words: dict, styles: dict, default_style: int) -> str:
    """A stored code shown as the reader's word, each value with its own style if given."""
    whens = " ".join(
        f"WHEN {quote_literal(str(k))} THEN {_const_text(v, styles.get(k, default_style))}" for k, v in words.items()
    )
    return f"CASE ({expr})::VARCHAR {whens} ELSE {_text(expr, default_style)} END"


def mapped(expr: str, words: dict[str, str], style: int) -> str:
    """A text shown as the reader's words where `words` has them (the reasons, translated)."""
    changed = {k: v for k, v in words.items() if v != k}
    return _mapped(expr, changed, {}, style) if changed else _text(expr, style)


def cell_sql(name: str, kind: str, styles: dict[str, int], words: dict[str, dict], mask: bool) -> str:
    """The SQL expression that renders column `name` of kind `kind` as one `<c>` element."""
    col = quote_ident(name)
    if kind in ("int", "amount", "pct", "number"):
        return _number(col, styles[kind if kind != "number" else "text"])
    if kind == "date":
        return _number(f"({col} - DATE '1899-12-30')", styles["date"])  # Excel's day count
    if kind == "datetime":
        return _number(f"(epoch({col}) / 86400.0 + 25569)", styles["datetime"])
    if kind == "severity":
        return _mapped(col, words["severity"], {s: styles["severity." + s] for s in words["severity"]}, styles["text"])
    if kind == "met_or_doubt":  # met, unless the row's in_doubt says a warning of the run puts it in doubt
        doubt = f"WHEN {col} AND in_doubt THEN {_const_text(words['met']['doubt'], styles['met.in_doubt'])} "
        return "CASE " + doubt + cell_sql(name, "met", styles, words, mask).removeprefix("CASE ")
    if kind == "met":
        return (
            f"CASE WHEN {col} THEN {_const_text(words['met'][True], styles['met.yes'])} "
            f"WHEN NOT {col} THEN {_const_text(words['met'][False], styles['met.no'])} ELSE '<c/>' END"
        )
    if kind == "bool":
        return (
            f"CASE WHEN {col} THEN {_const_text(words['bool'][True], styles['text'])} "
            f"WHEN NOT {col} THEN {_const_text(words['bool'][False], styles['text'])} ELSE '<c/>' END"
        )
    if kind.startswith("value:"):
        if mask and name in AREA_CODES:  # masked once: a shifted column puts an ID or a birth date there
            inner = _mapped("area", words[kind[6:]], {}, styles["text"])
            return f"list_transform([rc_mask_area({col})], lambda area: {inner})[1]"
        return _mapped(col, words[kind[6:]], {}, styles["text"])
    if kind == "id" and mask:
        return _text(f"rc_mask_id({col})", styles["text"])
    if name in AREA_CODES and mask:
        return _text(f"rc_mask_area({col})", styles["text"])
    if kind == "free" and mask:
        return _text(f"rc_mask_text({col})", styles["text"])
    if kind == "check" and mask:
        return "'<c/>'"
    return _text(col, styles["text"])


def detail_vi(mask: bool, style: int) -> str:
    """A finding's detail (masked first in a masked workbook) in Vietnamese (report/details.py). The
    masked text goes in through a lambda's parameter: a macro's argument is written out wherever the
    macro uses it, and rc_detail_vi uses it in every clause (2.5 s for 26 findings, 0.1 s so)."""
    if not mask:
        return _text("rc_detail_vi(code, detail)", style)
    return _text("list_transform([rc_mask_text(detail)], lambda d: rc_detail_vi(code, d))[1]", style)


def rows_sql(select_sql: str, order: str, cells: list[str], count: int, offset: int) -> str:
    """The query that gives the XML of each row of a slice, in the table's one order."""
    # sorted first, rendered after: the sort carries the values, not their (much longer) XML, and
    # the rendering streams out of it; a projection keeps the order of the slice it reads
    return (
        f"SELECT {' || '.join(cells)} AS cells FROM (SELECT * FROM ({select_sql}) AS s "
        f"ORDER BY {order} LIMIT {int(count)} OFFSET {int(offset)}) AS t"
    )


def inject(
    con: duckdb.DuckDBPyConnection,
    src_path: str,
    dst_path: str,
    parts: list[Part],
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """Copy the workbook XlsxWriter wrote, streaming each part's rows into its worksheet."""
    by_entry = {p.entry: p for p in parts}
    with (
        zipfile.ZipFile(src_path) as src,
        zipfile.ZipFile(dst_path, "w", zipfile.ZIP_DEFLATED, compresslevel=ROWS_COMPRESSLEVEL) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            part = by_entry.get(info.filename)
            if part is None:
                dst.writestr(info, data)
                continue
            xml = data.decode("utf-8")
            head, sep, tail = xml.partition("</sheetData>")
            if not sep:
                raise RuntimeError(f"{info.filename}: no sheetData to fill")
            last = f"{xl_col_to_name(part.ncols - 1)}{part.count + 1}"
            head = head.replace(
                f'<dimension ref="A1:{xl_col_to_name(part.ncols - 1)}1"/>', f'<dimension ref="A1:{last}"/>', 1
            )
            with dst.open(info.filename, "w", force_zip64=True) as out:
                out.write(head.encode("utf-8"))
                _stream_rows(con, part, out, progress)
                out.write((sep + tail).encode("utf-8"))


def _stream_rows(
    con: duckdb.DuckDBPyConnection, part: Part, out: IO[bytes], progress: Callable[[str, int, int], None] | None
) -> None:
    reader = con.sql(part.sql, params=part.params).to_arrow_reader(FETCH)  # streamed, not materialised
    row = 2  # the header is row 1
    for batch in reader:
        cells = batch.column(0).to_pylist()
        out.write("".join(f'<row r="{row + i}">{c}</row>' for i, c in enumerate(cells)).encode("utf-8"))
        row += len(cells)
        if progress:
            progress(part.label, part.offset + row - 2, part.total)
    if row - 2 != part.count:
        raise RuntimeError(f"{part.entry}: {row - 2} rows written, {part.count} expected")
