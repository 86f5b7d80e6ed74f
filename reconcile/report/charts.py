"""The summary's charts: the share of payments without cash per province against the targets, and,
when the database holds several periods, the share over time. Each chart draws a table of its own
data written just above it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import duckdb
from xlsxwriter.utility import xl_rowcol_to_cell

from reconcile import areas
from reconcile.masking import mask_area
from reconcile.report.cells import Book, Writer
from reconcile.report.labels import shown_share, value_label


def _programs_with_target(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]
) -> list[tuple[str, float | None]]:
    return con.execute(
        f"""
        SELECT program, any_value(target) FROM noncash_share
        WHERE {where} AND channel_group = 'all' AND program <> 'unknown'
        GROUP BY program ORDER BY program""",
        params,
    ).fetchall()


def province_chart(book: Book, w: Writer, con: duckdb.DuckDBPyConnection, period: str) -> None:
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
                _province_name(prov, period, book.lang, book.mask),
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


def _province_name(code: str, period: str, lang: str, mask: bool = False) -> str:
    """'79 Thành phố Hồ Chí Minh': the code with its name on the map of the period, where known. A code
    no map knows (an ID or a birth date typed into the province column) masked under --mask-ids, as
    the sheets mask area codes (masking.mask_area)."""
    names = {(r["code"], r["layout"]): r["name"] for r in areas.provinces().iter_rows(named=True)}
    name = names.get((code, areas.layout_for(period)))
    if name:
        return f"{code} {name}"
    shown = value_label("province", code, lang)
    return (mask_area(shown) or shown) if mask else shown


def _share_table(
    book: Book,
    w: Writer,
    first_header: str,
    programs: list[tuple[str, float | None]],
    rows: list[tuple[str, list[tuple[float | None, float | None]]]],
) -> tuple[int, int]:
    """The data a chart draws: one row per category (province or period), a share and a target
    column per programme. Returns the rows of the header and of the last category."""
    first = w.row
    headers = [book.label(first_header)]
    for program, _ in programs:
        name = value_label("program", program, book.lang)
        headers += [book.label("chart.share", program=name), book.label("chart.target", program=name)]
    w.header(headers)
    for category, pairs in rows:
        # a share beside its target, never rounded up to a target it misses (labels.shown_share)
        shown = [(None if s is None else shown_share(s, t), t) for s, t in pairs]
        w.line([category, *(v for pair in shown for v in pair)], ["text"] + ["pct"] * (2 * len(pairs)))
    return first, w.row - 1


def _axis_min(values: Sequence[float]) -> float:
    """The share axis starts at the lowest value rounded down to 10% (not at 0, where 97% and
    99.85% would look the same); the axis title says so by its labels."""
    return max(0.0, math.floor(min(values, default=0) * 10) / 10 - 0.1) if values else 0.0


def trend_chart(book: Book, w: Writer, con: duckdb.DuckDBPyConnection, period: str) -> None:
    """When the database holds several periods up to `period`: the share of payments without cash over
    time, to the workbook's period (one written again for an earlier month shows no later one)."""
    periods = [
        r[0]
        for r in con.execute("SELECT DISTINCT period FROM runs WHERE period <= ? ORDER BY period", [period]).fetchall()
    ]
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
    lowest = [v for d in (shares, targets) for (per, _), v in d.items() if v is not None and per <= period]
    chart.set_y_axis({"num_format": "0%", "max": 1, "min": _axis_min(lowest), "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 320})
    w.skip()
    w.ws.insert_chart(xl_rowcol_to_cell(w.row, 0), chart)
    w.skip(18)
