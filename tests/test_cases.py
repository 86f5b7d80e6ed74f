"""Cases (issue 21): decisions typed into the workbook, imported, kept through re-runs; the hash chain;
sign-off. From files, through the command line, as an auditor works: the sample month reconciled,
its workbook written, cells edited with openpyxl as Excel would save them, the book imported."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from conftest import SAMPLE_FILES, TEST_KEY, copy_of
from reconcile import keys
from reconcile.cli import cli

AMOUNT = "Amount recovered or written off (VND)"


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


@pytest.fixture()
def month(sample_month, tmp_path) -> tuple[Path, Path]:
    """A copy of the sample month's database and its workbook, in English."""
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    book = tmp_path / "book.xlsx"
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book), "--lang", "en")
    assert res.exit_code == 0, res.output
    return db, book


def rows_of(book: Path) -> tuple[list[str], list[list]]:
    ws = openpyxl.load_workbook(book, read_only=True)["Findings"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def edit(book: Path, out: Path, changes: dict[tuple[int, str], object]) -> Path:
    """The book with cells changed, by sheet row (the header is row 1) and header text, saved as Excel does."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    header = [c.value for c in ws[1]]
    for (row, column), value in changes.items():
        ws.cell(row, header.index(column) + 1).value = value
    wb.save(out)
    return out


def row_of(book: Path, code: str) -> tuple[int, dict]:
    """The first findings row of a code: its sheet row and its values by header."""
    header, rows = rows_of(book)
    for n, row in enumerate(rows, start=2):
        if row[header.index("Code")] == code:
            return n, dict(zip(header, row))
    raise AssertionError(code)


def query(db: Path, sql: str, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_every_flag_carries_the_keyed_id_of_its_case(sample_month):
    rows = query(sample_month.db, "SELECT code, program, vneid, account_number, payment_ref, case_id FROM flags")
    assert rows
    key = keys.parse(TEST_KEY)
    for code, program, vneid, account, ref, case_id in rows:
        assert case_id == keys.case_id(key, code, program, vneid, account, ref)
    cases = query(sample_month.db, "SELECT count(*), count(*) FILTER (WHERE status = 'open') FROM cases")[0]
    assert cases == (len({r[5] for r in rows}),) * 2


def test_a_decision_is_imported_once_and_kept_through_a_re_run(month, tmp_path):
    db, book = month
    n, row = row_of(book, "PAID_AFTER_DEATH")
    edited = edit(book, tmp_path / "decided.xlsx", {
        (n, "Status"): "recovery", (n, "Assignee"): "Nguyễn Thị Lan", (n, AMOUNT): 500000,
        (n, "Decision"): "thu hồi qua UBND xã", (n, "Comment"): "gia đình đồng ý hoàn trả"})
    res = invoke("review", "import", str(edited), "--db", str(db), "--by", "Trần Văn Hùng")
    assert res.exit_code == 0, res.output
    assert f"case {row['Case id']}: open -> recovery (sheet 'Findings' row {n})" in res.output
    assert "recorded 1 decisions from decided.xlsx" in res.output
    events = query(db, 'SELECT case_id, "by", action, from_status, to_status, assignee, decision, amount, comment, '
                       "period FROM case_events")
    assert events == [(row["Case id"], "Trần Văn Hùng", "decision", "open", "recovery", "Nguyễn Thị Lan",
                       "thu hồi qua UBND xã", 500000, "gia đình đồng ý hoàn trả", "2024-09")]

    again = invoke("review", "import", str(edited), "--db", str(db), "--by", "Trần Văn Hùng")
    assert again.exit_code == 0, again.output
    assert "recorded 0 decisions" in again.output
    assert query(db, "SELECT count(*) FROM case_events") == [(1,)]

    rerun = invoke("run", "--period", "2024-09", "--db", str(db),
                   "--registry", str(SAMPLE_FILES["registry"][0]),
                   *[a for p in SAMPLE_FILES["payments"] for a in ("--payments", str(p))])
    assert rerun.exit_code == 0, rerun.output
    assert query(db, "SELECT status, assignee, decision, amount_recovered, comment, events FROM cases "
                     "WHERE case_id = ?", [row["Case id"]]) == [
        ("recovery", "Nguyễn Thị Lan", "thu hồi qua UBND xã", 500000, "gia đình đồng ý hoàn trả", 1)]
    # the workbook written after the re-run shows the decision on the finding's row
    book2 = tmp_path / "after.xlsx"
    assert invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book2),
                  "--lang", "en").exit_code == 0
    _, row2 = row_of(book2, "PAID_AFTER_DEATH")
    assert (row2["Case id"], row2["Status"], row2["Assignee"], row2[AMOUNT]) == (
        row["Case id"], "recovery", "Nguyễn Thị Lan", 500000)


def test_an_edited_evidence_cell_refuses_the_whole_book(month, tmp_path):
    db, book = month
    n, row = row_of(book, "AMOUNT_MISMATCH")
    m, _ = row_of(book, "PAID_AFTER_DEATH")
    edited = edit(book, tmp_path / "edited.xlsx", {
        (n, "Paid amount (VND)"): row["Paid amount (VND)"] + 1, (m, "Status"): "explained"})
    res = invoke("review", "import", str(edited), "--db", str(db), "--by", "Trần Văn Hùng")
    assert res.exit_code == 2
    assert (f"edited.xlsx: sheet 'Findings' row {n}: the evidence column paid_amount was edited; put back the "
            "value as written (only status, assignee, decision, amount and comment are read)") in res.output
    assert "1 row(s) cannot be recorded; nothing was recorded" in res.output
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]


def test_an_illegal_transition_is_refused_with_its_sheet_and_row(month, tmp_path):
    db, book = month
    n, _ = row_of(book, "PAID_AFTER_DEATH")
    edited = edit(book, tmp_path / "illegal.xlsx", {(n, "Status"): "closed"})
    res = invoke("review", "import", str(edited), "--db", str(db), "--by", "Trần Văn Hùng")
    assert res.exit_code == 2
    assert (f"illegal.xlsx: sheet 'Findings' row {n}: a case cannot go from open to closed "
            "(from open: in_review, explained, recovery)") in res.output
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]


def test_an_altered_event_is_found_by_verify(month, tmp_path):
    db, book = month
    rows = [row_of(book, code)[0] for code in ("PAID_AFTER_DEATH", "AMOUNT_MISMATCH", "MISSING_PAYMENT")]
    edited = edit(book, tmp_path / "three.xlsx", {(n, "Status"): "in_review" for n in rows})
    assert invoke("review", "import", str(edited), "--db", str(db), "--by", "Lan").exit_code == 0
    ok = invoke("verify", "--db", str(db))
    assert ok.exit_code == 0, ok.output
    assert "the chains hold: 3 case events and 0 sign-offs" in ok.output
    con = duckdb.connect(str(db))
    con.execute("UPDATE case_events SET to_status = 'closed' WHERE seq = 2")
    con.close()
    res = invoke("verify", "--db", str(db))
    assert res.exit_code == 1
    assert "case_events: row 2: its hash does not match its content: the row was altered" in res.output
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM case_events WHERE seq = 2")
    con.close()
    res = invoke("verify", "--db", str(db))
    assert res.exit_code == 1
    assert "case_events: row 3: expected event 2 here, found 3: a row was removed or added" in res.output


def test_a_signed_off_period_refuses_a_re_run_and_a_removal_until_reopened(month):
    db, _ = month
    operator = query(db, "SELECT operator FROM runs WHERE period = '2024-09'")[0][0]
    same = invoke("signoff", "--period", "2024-09", "--db", str(db), "--by", operator)
    assert same.exit_code == 2
    assert "the checker must be someone other than the operator" in same.output
    assert invoke("signoff", "--period", "2024-09", "--db", str(db), "--by", "Kế toán trưởng").exit_code == 0
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(SAMPLE_FILES["registry"][0]),
            *[a for p in SAMPLE_FILES["payments"] for a in ("--payments", str(p))]]
    rerun = invoke(*args)
    assert rerun.exit_code == 2
    assert "period 2024-09 was signed off on" in rerun.output
    assert "cannot be re-run; reopen it first: reconcile reopen --period 2024-09 --by NAME --reason TEXT" in rerun.output
    removal = invoke("delete", "--period", "2024-09", "--db", str(db), "--by", "Lan", "--reason", "x", "--yes")
    assert removal.exit_code == 2
    assert "cannot be removed; reopen it first" in removal.output
    assert query(db, "SELECT count(*) FROM period_deletions") == [(0,)]
    assert invoke("reopen", "--period", "2024-09", "--db", str(db), "--by", "Kế toán trưởng",
                  "--reason", "sửa tệp ngân hàng").exit_code == 0
    assert invoke(*args).exit_code == 0
    assert query(db, 'SELECT action, "by", reason FROM signoffs ORDER BY seq') == [
        ("signoff", "Kế toán trưởng", None), ("reopen", "Kế toán trưởng", "sửa tệp ngân hàng")]
    assert invoke("verify", "--db", str(db)).exit_code == 0
