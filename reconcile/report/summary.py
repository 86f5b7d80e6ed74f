"""The summary sheet: the month's totals per programme, the findings by code and by severity, the
files read, and the non-cash share, with its charts (charts.py). A partial month says so first."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import duckdb

from reconcile.masking import mask_text
from reconcile.messages import number
from reconcile.report.cells import Book, Writer, clean_text, first_row, new_sheet
from reconcile.report.charts import province_chart, trend_chart
from reconcile.report.labels import label, shown_share, value_label
from reconcile.sqlfiles import sql_text


def summary_sheet(book: Book, con: duckdb.DuckDBPyConnection, period: str, database: str) -> None:
    ws = new_sheet(book, "sheet.summary")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 9, 17)
    ws.hide_gridlines(2)
    w = Writer(book, ws)
    run = first_row(
        con, "SELECT tool_version, finished_at, partial, missing_sources, warnings FROM runs WHERE period = ?", [period]
    )
    if run and run[2]:  # a month reconciled without every source says so before anything else
        text = book.label(
            "partial",
            period=period,
            sources="; ".join(_missing_source(m, book.lang) for m in json.loads(run[3] or "[]")),
        )
        ws.merge_range(w.row, 0, w.row, 7, clean_text(text), book.fmt["partial"])  # wrapped within the page's width
        ws.set_row(w.row, 15 * (2 + len(text) // 150))
        w.skip()
    warnings = json.loads(run[4] or "[]") if run else []
    _warnings(book, w, period, warnings)
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
        ORDER BY rc_severity_rank(r.severity) DESC, r.code""",
        {"p": period},
    ).fetchall()
    for row in rows:
        w.line(row, ["text", "severity", "int", "amount", "amount", "text"])
    _total_line(w, [book.label("total"), None, sum(r[2] for r in rows)])
    w.skip()

    w.text(book.label("section.severity"), "section")
    w.header([book.label(k) for k in ("col.severity", "col.count", "col.expected_amount", "col.paid_amount")])
    for severity in ("critical", "high", "medium", "low"):
        counts = con.execute(  # an aggregate: one row, always
            "SELECT count(*), sum(expected_amount), sum(paid_amount) FROM flags WHERE period = ? AND severity = ?",
            [period, severity],
        ).fetchall()[0]
        w.line([severity, *counts], ["severity", "int", "amount", "amount"])
    w.skip()

    _month_over_month(book, w, con, period)
    _overpayments(book, w, con, period)

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
    if book.mask:  # a file or sheet named after an ID (`<ID>_T9.xlsx`): masked as free text
        inputs = [(mask_text(row[0]), *row[1:]) for row in inputs]
    for row in inputs:
        w.line(row, ["text", "value:role", "int", "int", "int", "int", "amount", "amount", "amount"])
    # a total per role: the registry's amounts are due, the payments' paid; one sum of both means nothing
    for role in ("registry", "payments"):
        mine = [r for r in inputs if r[1] == role]
        if mine:
            _total_line(
                w,
                [book.label("total"), value_label("role", role, book.lang)]
                + [sum(r[i] or 0 for r in mine) for i in (2, 3, 4, 5, 6, 7, 8)],
            )
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
        shown = (*row[:4], *(shown_share(v, row[7]) if v is not None else None for v in row[4:7]), *row[7:])
        met = "met.doubt" if any(row[0] in x["programs"] for x in warnings) else "met"
        if met == "met.doubt" and row[8]:
            w.ws.set_row(w.row, 40)  # room for its words on three lines
        w.line(shown, ["value:program", "int", "int", "amount", "pct", "pct", "pct", "pct", met])
    w.skip()

    province_chart(book, w, con, period)
    trend_chart(book, w, con, period)


def _warnings(book: Book, w: Writer, period: str, warnings: list[dict[str, Any]]) -> None:
    """What the run warned of without stopping (runs.warnings), each in a wrapped box, before the
    title: the officer signs the workbook, not the terminal."""
    from reconcile.messages import translate

    if not warnings:
        return
    w.text(book.label("warnings_note", period=period), "note")
    for warning in warnings:
        shown = translate(warning["message"], book.lang)
        if book.mask:  # a file or sheet named after an ID, as the inputs show it
            shown = mask_text(shown) or shown
        text = book.label("warning", text=shown)
        w.ws.merge_range(w.row, 0, w.row, 7, clean_text(text), book.fmt["warning"])
        w.ws.set_row(w.row, 15 * (1 + len(text) // 140))
        w.skip()
    w.skip()


def _missing_source(source: dict[str, Any], lang: str) -> str:
    """A missing source of a partial month, as the PARTIAL line names it (checks.MissingSource)."""
    from reconcile.checks import MissingSource

    missing = MissingSource(**source)
    if lang == "vi":
        where = (
            f"tiền mặt (bưu điện{f' tại xã {missing.commune_code}' if missing.commune_code else ''})"
            if missing.channel == "cash"
            else f"{'ngân hàng' if missing.channel == 'bank' else 'ví điện tử'} {missing.bank_code or ''}".strip()
        )
        program = label(f"program.{missing.program}", "vi")
        unpaid, count = (number(f"{n:,}", "vi") for n in (missing.without_payment, missing.beneficiaries))
        return f"{program}, {where}: {unpaid} trên {count} đối tượng đang hưởng chưa được chi"
    return missing.describe()


def _month_over_month(book: Book, w: Writer, con: duckdb.DuckDBPyConnection, period: str) -> None:
    """The findings by code beside the period before it in the database (view period_summary): the
    codes found in either."""
    rows = con.execute(
        """SELECT code, severity, findings, previous_findings, change, amount, previous_amount, amount_change,
                  previous_period
           FROM period_summary WHERE period = ? AND (findings > 0 OR coalesce(previous_findings, 0) > 0)
           ORDER BY rc_severity_rank(severity) DESC,
                    code""",
        [period],
    ).fetchall()
    previous = rows[0][8] if rows else None
    if previous is None:
        w.text(book.label("section.change_none"), "section")
        w.skip()
        return
    w.text(book.label("section.change", previous=previous), "section")
    w.header(
        [
            book.label(k)
            for k in (
                "col.code",
                "col.severity",
                "col.count",
                "col.previous_count",
                "col.change",
                "col.amount_in_question",
                "col.previous_amount",
                "col.amount_change",
            )
        ]
    )
    for row in rows:
        w.line(row[:8], ["text", "severity", "int", "int", "int", "amount", "amount", "amount"])
    # the money in question once: one person's under two codes (a failed transfer is also a missing
    # payment) is not added twice (sql/period_money.sql)
    money = dict(con.execute(sql_text("period_money.sql")).fetchall())
    now, before = money.get(period, 0), money.get(previous, 0)
    counts = [sum(r[i] or 0 for r in rows) for i in range(2, 5)]
    _total_line(w, [book.label("total"), None, *counts, now, before, now - before])
    w.text(book.label("note.money_once"), "note")
    w.skip()


def _overpayments(book: Book, w: Writer, con: duckdb.DuckDBPyConnection, period: str) -> None:
    """The overpayments of this period and the ones before, as of this period: the cases flagged up to
    it, overpaid in the periods up to it, less what the decisions entered on the findings of those
    periods recorded (sql/actions_recovery.sql, as `reconcile actions --period` lists them), and what
    they recorded beyond the overpaid (a re-run lowered it): as of the latest period, the recoveries
    view's figures."""
    import polars as pl

    from reconcile.actions import overpayments

    cases = (
        overpayments(con, period)
        .group_by("program", "case_id")
        .agg(  # a case paid through two banks is a row for each: counted once, with what its decisions
            # recorded (the recoveries view's figures as of the latest period), and the excess beyond
            # what was overpaid when a re-run lowered it
            pl.col("overpaid").sum(),
            pl.col("case_recovered").first().alias("recovered"),
            pl.col("case_written_off").first().alias("written_off"),
            pl.col("outstanding").sum(),
        )
        .with_columns(excess=(pl.col("recovered") + pl.col("written_off") - pl.col("overpaid")).clip(lower_bound=0))
    )
    rows = (
        cases.group_by("program")
        .agg(
            pl.col("case_id").n_unique(),
            *(pl.col(c).sum() for c in ("overpaid", "recovered", "written_off", "outstanding", "excess")),
        )
        .sort("program")
        .rows()
    )
    w.text(book.label("section.recoveries"), "section")
    w.header(
        [
            book.label(k)
            for k in (
                "col.program",
                "col.cases",
                "col.overpaid",
                "col.amount_recovered",
                "col.amount_written_off",
                "col.outstanding",
                "col.excess",
            )
        ]
    )
    for row in rows:
        w.line(row, ["value:program", "int", "amount", "amount", "amount", "amount", "amount"])
    _total_line(w, [book.label("total")] + [sum(r[i] or 0 for r in rows) for i in range(1, 7)])
    w.skip()


def _total_line(w: Writer, values: Sequence[Any]) -> None:
    for i, v in enumerate(values):
        if isinstance(v, (int, float)):
            w.ws.write_number(w.row, i, v, w.book.fmt["total_int"])
        else:
            w.ws.write_string(w.row, i, "" if v is None else str(v), w.book.fmt["total_text"])
    w.row += 1
