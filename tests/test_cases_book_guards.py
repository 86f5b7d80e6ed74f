"""Decisions taken, or left, in silence, now refused with a line that says what to do: one typed into
the Open cases sheet (decisions are read from the findings sheets only); the book of a period removed
with `reconcile delete`; and the months of a case whose findings were all in a removed period.
September and October of one commune (tests/test_cases_reopen_rerun.py):
Trần Văn Hùng, dead since 15/08/2024 and paid each month; Lê Thị Ngọc Ánh's September payment failed
twice, Võ Văn Bảy's once."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from conftest import typed_into
from reconcile import messages
from test_cases_reopen_rerun import DEAD, FAILED, decide, events, invoke, month_files, query, reconciled_months, run

BY = "Nguyễn Thị Lan"
OPEN_CASES_FIX = (
    "decisions are not read from this sheet, which shows the cases as they stood when the workbook was written; "
    "clear what was typed here and "
)


@pytest.fixture()
def two_months(tmp_path) -> Path:
    return reconciled_months(tmp_path, ("2024-09", "2024-10"))


def case_of(db: Path, code: str, vneid: str) -> str:
    return query(db, "SELECT case_id FROM cases WHERE code = ? AND vneid = ?", [code, vneid])[0][0]


def book_of(db: Path, period: str, path: Path) -> Path:
    res = invoke("report", "--period", period, "--db", str(db), "--report", str(path), "--lang", "en")
    assert res.exit_code == 0, res.output
    return path


def import_book(db: Path, book: Path, lang: str = "en"):
    return invoke("--lang", lang, "review", "import", str(book), "--db", str(db), "--by", BY)


# -- the Open cases sheet: to read, not to type into ---------------------------------------------------


def test_the_open_cases_sheet_is_protected_and_the_findings_sheet_is_not(two_months, tmp_path):
    wb = openpyxl.load_workbook(book_of(two_months, "2024-10", tmp_path / "oct.xlsx"))
    cases = wb["Open cases"]
    assert cases.protection.sheet is True and cases.protection.password is None  # no password to lose
    # filtering and sorting stay free (in OOXML a protection flag of 0 means the action is allowed)
    assert (cases.protection.autoFilter, cases.protection.sort) == (False, False)
    assert cases.column_dimensions["U"].hidden and cases["U1"].value == "Case as written (hidden; do not edit)"
    assert wb["Findings"].protection.sheet is False


def test_a_decision_typed_in_the_open_cases_sheet_is_refused_naming_its_row_and_where_it_goes(two_months, tmp_path):
    db = two_months
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)  # flagged in October: a row of October's findings too
    failed = case_of(db, "MISSING_PAYMENT", FAILED)  # September's only: no row of October's findings
    book = book_of(db, "2024-10", tmp_path / "oct.xlsx")
    first = typed_into(book, tmp_path / "a.xlsx", "Open cases", dead, Status="recovery", Assignee="Phạm Thị Hoa")
    second = typed_into(
        tmp_path / "a.xlsx", tmp_path / "a.xlsx", "Open cases", failed, Decision="Đã gọi điện, chờ ngân hàng"
    )
    res = import_book(db, tmp_path / "a.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: a.xlsx: sheet 'Open cases' row {first}: {OPEN_CASES_FIX}enter the decision on sheet 'Findings' "
        "row 2, the case's findings row",
        f"reconcile: a.xlsx: sheet 'Open cases' row {second}: {OPEN_CASES_FIX}enter the decision in the workbook of "
        "the case's latest period (reconcile report --period 2024-09), on the case's findings row",
        f"reconcile: error: {tmp_path / 'a.xlsx'}: 2 row(s) cannot be recorded; nothing was recorded",
    ]
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]
    # in Vietnamese, the officer's language
    vi = import_book(db, tmp_path / "a.xlsx", "vi").output.splitlines()
    assert vi[0] == (
        f"reconcile: a.xlsx: trang tính 'Open cases' dòng {first}: quyết định không được đọc từ trang tính này, nơi "
        "chỉ cho thấy các vụ việc như lúc ghi sổ; hãy xóa những gì đã nhập ở đây và nhập quyết định vào trang tính "
        "'Findings' dòng 2, dòng phát hiện của vụ việc"
    )


def test_a_note_beside_an_open_case_or_a_decision_with_one_in_findings_refuses_the_whole_book(two_months, tmp_path):
    db = two_months
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    book = book_of(db, "2024-10", tmp_path / "oct.xlsx")
    typed_into(book, tmp_path / "a.xlsx", "Findings", dead, Status="in_review", Assignee="Phạm Thị Hoa")  # as it should
    row = typed_into(tmp_path / "a.xlsx", tmp_path / "a.xlsx", "Open cases", dead, _23="ghi chú: đã báo xã")  # column W
    res = import_book(db, tmp_path / "a.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines()[0] == (
        f"reconcile: a.xlsx: sheet 'Open cases' row {row}: {OPEN_CASES_FIX}enter the decision on sheet 'Findings' "
        "row 2, the case's findings row"
    )
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]
    # the note cleared: the findings' decision is recorded, and the untouched Open cases sheet says nothing
    typed_into(tmp_path / "a.xlsx", tmp_path / "b.xlsx", "Open cases", dead, _23=None)
    res = import_book(db, tmp_path / "b.xlsx")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == f"reconcile: case {dead}: open -> in_review (b.xlsx: sheet 'Findings' row 2)"


# -- the book of a removed period ---------------------------------------------------------------------


def remove(db: Path, period: str) -> str:
    res = invoke("delete", "--period", period, "--db", str(db), "--by", "Trần Văn Nam", "--reason", "nhầm tệp", "--yes")
    assert res.exit_code == 0, res.output
    (at,) = query(db, "SELECT max(deleted_at) FROM period_deletions WHERE period = ?", [period])[0]
    return f"{at:%d/%m/%Y %H:%M}"


def test_the_book_of_a_removed_period_is_refused_and_records_nothing(two_months, tmp_path):
    db = two_months
    failed = case_of(db, "MISSING_PAYMENT", FAILED)
    book = book_of(db, "2024-09", tmp_path / "sep.xlsx")
    typed_into(book, tmp_path / "a.xlsx", "Findings", failed, Status="in_review", Assignee="Phạm Thị Hoa")
    at = remove(db, "2024-09")
    res = import_book(db, tmp_path / "a.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: error: {tmp_path / 'a.xlsx'}: is the workbook of period 2024-09, removed from the database on "
        f"{at} UTC (reconcile delete); nothing was recorded: run the month again (reconcile run --period 2024-09 ...) "
        "and enter the decisions in its new workbook"
    ]
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]
    messages.set_language("vi")
    try:
        assert messages.translate(res.output.splitlines()[0]) == (
            f"reconcile: lỗi: {tmp_path / 'a.xlsx'}: là sổ báo cáo của kỳ 2024-09, kỳ này đã bị xóa khỏi cơ sở dữ liệu "
            f"lúc {at} UTC (reconcile delete); chưa ghi nhận gì: hãy chạy lại tháng đó (reconcile run --period "
            "2024-09 ...) và nhập các quyết định vào sổ báo cáo mới của nó"
        )
    finally:
        messages.set_language(None)
    # the month run again over the old book's name: refused, since importing its decisions first cannot be done
    files = month_files(tmp_path, "2024-09")
    res = invoke(
        "run", "--period", "2024-09", "--db", str(db), "--registry", str(files["registry"][0]),
        "--payments", str(files["payments"][0]), "--report", str(tmp_path / "a.xlsx"),
    )  # fmt: skip
    assert res.exit_code == 2
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {tmp_path / 'a.xlsx'}: holds 1 decision typed into it, in a workbook of period 2024-09 "
        f"removed from the database on {at} UTC (reconcile delete), which cannot be recorded and writing it again "
        "would lose; give --report another name, and enter them in the new workbook"
    )
    assert query(db, "SELECT count(*) FROM runs WHERE period = '2024-09'") == [(0,)]
    # run again: the old book is still refused (its run was removed), the new one is taken
    run(db, "2024-09", files)
    res = import_book(db, tmp_path / "a.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: error: {tmp_path / 'a.xlsx'}: was written from a run of period 2024-09 that was removed from the "
        f"database on {at} UTC (reconcile delete) before the month was run again; nothing was recorded: write its "
        "workbook again (reconcile report --period 2024-09 --report BOOK.xlsx) and enter the decisions there"
    ]
    decide(db, "2024-09", failed, tmp_path / "b.xlsx", Status="in_review", Assignee="Phạm Thị Hoa")
    assert [e[:4] for e in events(db, failed)] == [(BY, "decision", "open", "in_review")]


def test_a_case_whose_only_month_was_removed_has_no_month_and_gets_it_back_when_the_month_is_run_again(
    two_months, tmp_path
):
    db = two_months
    failed = case_of(db, "MISSING_PAYMENT", FAILED)
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    decide(db, "2024-09", failed, tmp_path / "a.xlsx", Status="in_review", Assignee="Phạm Thị Hoa")
    sql = (
        "SELECT case_id, status, assignee, first_period, last_period, periods_flagged, opened_period, periods_open "
        "FROM cases WHERE case_id IN (?, ?) ORDER BY code DESC"
    )
    remove(db, "2024-09")
    # September's cases without a decision are gone; the decided one stays, in no month; the dead man's is
    # October's alone
    assert query(db, sql, [dead, failed]) == [
        (dead, "open", None, "2024-10", "2024-10", 1, "2024-10", 1),
        (failed, "in_review", "Phạm Thị Hoa", None, None, 0, None, None),
    ]
    assert query(db, "SELECT count(*) FROM cases") == [(2,)]
    res = invoke("cases", "--db", str(db), "--older-than", "0", "--format", "csv")
    assert [line.split(",")[0] for line in res.output.splitlines()] == ["case_id", dead]
    wb = openpyxl.load_workbook(book_of(db, "2024-10", tmp_path / "oct.xlsx"), read_only=True)
    assert [r[0] for r in wb["Open cases"].iter_rows(min_row=2, values_only=True)] == [dead]
    # September run again: its months come back, with the decision
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    assert query(db, sql, [dead, failed]) == [
        (dead, "open", None, "2024-09", "2024-10", 2, "2024-09", 2),
        (failed, "in_review", "Phạm Thị Hoa", "2024-09", "2024-09", 1, "2024-09", 2),
    ]
