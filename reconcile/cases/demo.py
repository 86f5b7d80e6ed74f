"""The decision `reconcile demo` makes as an auditor would: September's workbook saved with one case
put into recovery (a PAID_AFTER_DEATH that October flags again), and the cases of two months counted."""

from __future__ import annotations

from pathlib import Path

import duckdb

from reconcile.report.labels import LANGS, label


def decide(db: Path, book: Path, out: Path) -> tuple[Path, str]:
    """Write `out`: `book` with the welfare PAID_AFTER_DEATH's row decided (status recovery, an
    assignee, a decision); return it and the case's id."""
    import openpyxl

    con = duckdb.connect(str(db), read_only=True)
    try:
        flag_id, case_id = con.execute(
            "SELECT flag_id, case_id FROM flags WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare' "
            "ORDER BY period, flag_id LIMIT 1"
        ).fetchall()[0]
    finally:
        con.close()
    wb = openpyxl.load_workbook(book)
    names = {label("sheet.findings", lang): lang for lang in LANGS}
    ws = next(ws for ws in wb.worksheets if ws.title in names)
    lang = names[ws.title]
    header = [c.value for c in ws[1]]
    column = {
        name: header.index(label("col." + name, lang)) + 1 for name in ("flag_id", "status", "assignee", "decision")
    }
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, column["flag_id"]).value == flag_id)
    ws.cell(row, column["status"]).value = "recovery"
    ws.cell(row, column["assignee"]).value = "Phòng LĐTBXH xã"
    ws.cell(row, column["decision"]).value = "thu hồi: đã chết ngày 01/09/2024, vẫn được chi"
    wb.save(out)
    return out, case_id


def case_counts(db: Path, first: str, second: str, case_id: str) -> tuple[int, int, int, str]:
    """Cases flagged in both periods, in the first only (fixed), and in the second only (new); and the
    status of one case."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        both, fixed, new, status = con.execute(
            """WITH c AS (SELECT case_id, bool_or(period = $a) AS a, bool_or(period = $b) AS b FROM flags
                          WHERE period IN ($a, $b) GROUP BY case_id)
               SELECT count(*) FILTER (WHERE a AND b), count(*) FILTER (WHERE a AND NOT b),
                      count(*) FILTER (WHERE b AND NOT a), (SELECT status FROM cases WHERE case_id = $id)
               FROM c""",
            {"a": first, "b": second, "id": case_id},
        ).fetchall()[0]
        return both, fixed, new, status
    finally:
        con.close()
