"""The parameters sheet: the run (its id, times, version, operator), the workbook's own settings,
and every setting the run used, one per row."""

from __future__ import annotations

import json
from collections.abc import Iterator

import duckdb

from reconcile.report.cells import Book, Writer, first_row, new_sheet
from reconcile.report.labels import LABELS


def _flatten(prefix: str, value: object) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(f"{prefix}.{k}" if prefix else k, v)
    else:
        yield prefix, value


def parameters_sheet(book: Book, con: duckdb.DuckDBPyConnection, period: str, database: str) -> None:
    ws = new_sheet(book, "sheet.parameters")
    ws.set_column(0, 0, 100)  # a guard's words and its key in the config
    ws.set_column(1, 1, 36)
    ws.freeze_panes(1, 0)
    w = Writer(book, ws)
    w.header([book.label("col.parameter"), book.label("col.value")])
    run = first_row(
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
        if isinstance(value, list):  # matching.february_with_january: programmes, by name; a dash for none
            value = ", ".join(book.label(f"program.{v}") if f"program.{v}" in LABELS else str(v) for v in value) or "-"
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
