"""`reconcile review import`: every evidence column of a findings row compared with what the run wrote
(and a book saved again by LibreOffice still taken as it was written); rows nobody touched passed over
whatever another copy of the book recorded since; the Open cases sheet typed into refused; the
refusal's count and an emptied status cell; and no case marked recovered, or closed, while money is
outstanding on it. September and October of one commune (tests/test_cases_reopen_rerun.py): Trần Văn
Hùng, dead since 15/08/2024 and paid 1,500,000 each month; Lê Thị Ngọc Ánh's September payment failed
twice, Võ Văn Bảy's once."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import copy_of, typed_into
from reconcile import messages
from test_cases_book_guards import OPEN_CASES_FIX, book_of, case_of, import_book
from test_cases_reopen_rerun import AMOUNT, DEAD, FAILED, invoke, month_files, query, reconciled_months, run

EVIDENCE_FIX = "put back the value as written (only status, assignee, decision, amount and comment are read)"


@pytest.fixture(scope="module")
def months(tmp_path_factory) -> Path:
    return reconciled_months(tmp_path_factory.mktemp("months"), ("2024-09", "2024-10"))


@pytest.fixture()
def db(months, tmp_path) -> Path:
    return copy_of(months, tmp_path / "m.duckdb")


def events(db: Path) -> list[tuple]:
    return query(db, "SELECT case_id, from_status, to_status, amount, source FROM case_events ORDER BY seq")


# -- every evidence column --------------------------------------------------------------------------

EDITS = [  # (header, column name, a value an officer might type over what the run wrote)
    ("Severity", "severity", "low"),
    ("Description", "description", "Không có sai sót"),
    ("Full name", "full_name", "Nguyễn Văn Khác"),
    ("Programme", "program", "Pension"),
    ("Province", "province_code", "79"),
    ("Commune", "commune_code", "26740"),
    ("Difference (VND)", "difference", 0),
    ("Payee name", "payee_name", "NGUYEN VAN KHAC"),
    ("Account number", "account_number", "0000000009999"),
    ("Value date", "value_date", datetime(2024, 9, 30)),
    ("Matched by", "match_method", "name"),
    ("Detail", "detail", "Đã xác minh: không chi"),
    ("Source sheet", "source_sheet", "Sheet1"),
    ("Periods flagged", "periods_flagged", 7),
    ("Source file", "source_file", "other.csv"),
    ("Paid amount (VND)", "paid_amount", 1),
]


@pytest.mark.parametrize(("header", "name", "value"), EDITS, ids=[e[1] for e in EDITS])
def test_an_edited_evidence_column_refuses_the_book_naming_sheet_row_and_column(db, tmp_path, header, name, value):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    book = book_of(db, "2024-10", tmp_path / "oct.xlsx")
    row = typed_into(book, tmp_path / "a.xlsx", "Findings", dead, Status="explained", **{header: value})
    res = import_book(db, tmp_path / "a.xlsx")
    assert res.exit_code == 2, res.output
    assert res.output.splitlines() == [
        f"reconcile: a.xlsx: sheet 'Findings' row {row}: the evidence column '{header}' ({name}) was edited; "
        + EVIDENCE_FIX,
        f"reconcile: error: {tmp_path / 'a.xlsx'}: 1 row(s) cannot be recorded; nothing was recorded",
    ]
    assert events(db) == []


def test_several_columns_edited_are_named_together(db, tmp_path):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    book = book_of(db, "2024-10", tmp_path / "oct.xlsx")
    cells = {"Severity": "low", "Account number": "0000000009999", "Detail": "ok"}
    row = typed_into(book, tmp_path / "a.xlsx", "Findings", dead, Status="explained", **cells)
    res = import_book(db, tmp_path / "a.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines()[0] == (
        f"reconcile: a.xlsx: sheet 'Findings' row {row}: the evidence column 'Severity' (severity), 'Account number' "
        f"(account_number), 'Detail' (detail) was edited; {EVIDENCE_FIX}"
    )


def test_values_a_save_changes_the_form_of_are_no_edit(db, tmp_path):
    """A number as 1500000.0, text IDs typed back as numbers, spaces around text and line breaks as CR LF,
    the value date with its time 00:00: the decision is recorded."""
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    book = book_of(db, "2024-10", tmp_path / "oct.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("Case id") + 1).value == dead)

    def cell(name):
        return ws.cell(row, header.index(name) + 1)

    cell("Paid amount (VND)").value = float(cell("Paid amount (VND)").value)
    cell("Source row").value = float(cell("Source row").value)
    cell("Commune").value = int(cell("Commune").value)  # 00004 retyped: 4
    cell("Full name").value = "  " + cell("Full name").value + " "
    cell("Detail").value = cell("Detail").value.replace(", ", ",\r\n", 1)
    cell("Status").value = "recovery"
    wb.save(tmp_path / "a.xlsx")
    res = import_book(db, tmp_path / "a.xlsx")
    assert res.exit_code == 0, res.output
    assert events(db) == [(dead, "open", "recovery", 0, f"a.xlsx: sheet 'Findings' row {row}")]


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_book_saved_by_libreoffice_imports_untouched_and_takes_a_decision(db, tmp_path, lang):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    book = tmp_path / "oct.xlsx"
    res = invoke("report", "--period", "2024-10", "--db", str(db), "--report", str(book), "--lang", lang)
    assert res.exit_code == 0, res.output

    def resave(src: Path, name: str) -> Path:
        out = tmp_path / name
        out.mkdir()
        subprocess.run(
            ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "xlsx",
             "--outdir", str(out), str(src)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        return out / src.name

    saved = resave(book, "saved")
    res = import_book(db, saved)
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-1].startswith("reconcile: recorded 0 decisions from oct.xlsx")
    sheet = "Findings" if lang == "en" else "Phát hiện"
    status, case = ("Status", "Case id") if lang == "en" else ("Trạng thái", "Mã vụ việc")
    wb = openpyxl.load_workbook(saved)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index(case) + 1).value == dead)
    ws.cell(row, header.index(status) + 1).value = "in_review"
    wb.save(tmp_path / "decided.xlsx")
    decided = resave(tmp_path / "decided.xlsx", "again")
    res = import_book(db, decided)
    assert res.exit_code == 0, res.output
    assert events(db) == [(dead, "open", "in_review", None, f"decided.xlsx: sheet '{sheet}' row {row}")]


# -- rows nobody touched ----------------------------------------------------------------------------


def test_rows_nobody_touched_are_passed_over_after_money_was_recorded_from_another_copy(db, tmp_path):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    failed = case_of(db, "MISSING_PAYMENT", FAILED)
    book = book_of(db, "2024-09", tmp_path / "sep.xlsx")
    row = typed_into(book, tmp_path / "a.xlsx", "Findings", dead, Status="recovery", **{AMOUNT: 500_000})
    assert import_book(db, tmp_path / "a.xlsx").exit_code == 0
    other = typed_into(book, tmp_path / "b.xlsx", "Findings", failed, Status="in_review", Assignee="Trần Thị Mai")
    res = import_book(db, tmp_path / "b.xlsx")  # auditor B's copy: the dead man's row as written
    assert res.exit_code == 0, res.output
    res = import_book(db, book)  # the book as the run wrote it
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "reconcile: recorded 0 decisions from sep.xlsx (6 findings rows read, 0 changed in the book); the other cases "
        "are as the database holds them"
    ]
    assert events(db) == [
        (dead, "open", "recovery", 500_000, f"a.xlsx: sheet 'Findings' row {row}"),
        (failed, "open", "in_review", None, f"b.xlsx: sheet 'Findings' row {other}"),
    ]
    # a row of that copy that is touched still refuses: its case was decided since
    typed_into(book, tmp_path / "c.xlsx", "Findings", dead, Status="explained")
    res = import_book(db, tmp_path / "c.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines()[0] == (
        f"reconcile: c.xlsx: sheet 'Findings' row {row}: its case was decided in the database since this workbook "
        "was written; write the workbook again (reconcile report) and enter the decision there"
    )


# -- the Open cases sheet ---------------------------------------------------------------------------


def test_a_row_added_below_the_open_cases_or_an_edited_amount_at_stake_is_refused(db, tmp_path):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    book = book_of(db, "2024-10", tmp_path / "oct.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Open cases"]
    added = ws.max_row + 1
    ws.cell(added, 1).value = dead
    ws.cell(added, 14).value = "closed"
    ws.cell(added, 16).value = "đóng vụ việc"
    wb.save(tmp_path / "a.xlsx")
    res = import_book(db, tmp_path / "a.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: a.xlsx: sheet 'Open cases' row {added}: {OPEN_CASES_FIX}enter the decision on sheet 'Findings' "
        "row 2, the case's findings row",
        f"reconcile: error: {tmp_path / 'a.xlsx'}: 1 row(s) cannot be recorded; nothing was recorded",
    ]
    row = typed_into(book, tmp_path / "b.xlsx", "Open cases", dead, **{"Amount at stake (VND)": 1})
    res = import_book(db, tmp_path / "b.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines()[0] == (
        f"reconcile: b.xlsx: sheet 'Open cases' row {row}: {OPEN_CASES_FIX}enter the decision on sheet 'Findings' "
        "row 2, the case's findings row"
    )
    assert events(db) == []
    # the book untouched, after another month's run changed the cases' figures: taken
    assert import_book(db, book).exit_code == 0


# -- what a refusal says ----------------------------------------------------------------------------


def test_a_book_of_a_month_run_again_counts_only_the_rows_it_names(db, tmp_path):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    book = book_of(db, "2024-09", tmp_path / "sep.xlsx")
    typed_into(book, tmp_path / "a.xlsx", "Findings", dead, Status="recovery")
    assert import_book(db, tmp_path / "a.xlsx").exit_code == 0
    fresh = book_of(db, "2024-09", tmp_path / "fresh.xlsx")
    run(
        db,
        "2024-09",
        month_files(tmp_path, "2024-09", extra="FT20240900099,,X,BIDV,1,1.000,06/09/2024,bank,success,\n"),
    )
    row = typed_into(fresh, tmp_path / "b.xlsx", "Findings", dead, Status="open")
    res = import_book(db, tmp_path / "b.xlsx")
    assert res.exit_code == 2
    lines = res.output.splitlines()
    assert lines[0].startswith(f"reconcile: {tmp_path / 'b.xlsx'}: was written from an earlier run of period 2024-09")
    assert lines[1:] == [
        f"reconcile: b.xlsx: sheet 'Findings' row {row}: a case cannot go from recovery to open (from recovery: "
        "in_review, recovered, written_off)",
        f"reconcile: error: {tmp_path / 'b.xlsx'}: 1 row(s) cannot be recorded; nothing was recorded",
    ]


def test_an_emptied_status_cell_is_named_as_such(db, tmp_path):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    typed_into(book_of(db, "2024-10", tmp_path / "oct.xlsx"), tmp_path / "a.xlsx", "Findings", dead, Status="recovery")
    assert import_book(db, tmp_path / "a.xlsx").exit_code == 0
    book = book_of(db, "2024-10", tmp_path / "oct2.xlsx")
    row = typed_into(book, tmp_path / "b.xlsx", "Findings", dead, Status=None)
    res = import_book(db, tmp_path / "b.xlsx")
    assert res.exit_code == 2
    said = (
        f"reconcile: b.xlsx: sheet 'Findings' row {row}: its status cell is empty (the case is recovery in the "
        "database); choose a status from the cell's list (open, in_review, explained, recovery, recovered, "
        "written_off, closed), or put back the value as written"
    )
    assert res.output.splitlines()[0] == said
    assert len(events(db)) == 1
    messages.set_language("vi")
    try:
        assert messages.translate(said) == (
            f"reconcile: b.xlsx: trang tính 'Findings' dòng {row}: ô trạng thái đang để trống (vụ việc đang ở trạng "
            "thái recovery trong cơ sở dữ liệu); hãy chọn một trạng thái trong danh sách của ô (open, in_review, "
            "explained, recovery, recovered, written_off, closed), hoặc trả lại giá trị như đã ghi"
        )
    finally:
        messages.set_language(None)


# -- nothing outstanding when recovered or closed ---------------------------------------------------


def decide(db: Path, tmp_path: Path, case_id: str, name: str, **cells):
    """October's book written now, the case's row given these cells, imported: (result, row)."""
    book = book_of(db, "2024-10", tmp_path / f"{name}.written.xlsx")
    row = typed_into(book, tmp_path / f"{name}.xlsx", "Findings", case_id, **cells)
    return import_book(db, tmp_path / f"{name}.xlsx"), row


def outstanding(db: Path, case_id: str) -> list[tuple]:
    return query(
        db, "SELECT status, overpaid, recovered, written_off, outstanding FROM recoveries WHERE case_id = ?", [case_id]
    )


def test_a_case_is_not_marked_recovered_while_money_is_outstanding(db, tmp_path):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)  # 2 x 1,500,000 paid after the death
    res, _ = decide(db, tmp_path, dead, "a", Status="recovery", **{AMOUNT: 1_000_000})
    assert res.exit_code == 0, res.output
    res, row = decide(db, tmp_path, dead, "b", Status="recovered")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: b.xlsx: sheet 'Findings' row {row}: the case would still have 2,000,000 VND outstanding "
        "(3,000,000 VND overpaid, 1,000,000 recovered, 0 written off): it is marked recovered only when all of it is "
        "recovered; enter the whole amount recovered, or keep it in recovery with the amount recovered so far and "
        "write the rest off (status written_off) if it cannot be recovered",
        f"reconcile: error: {tmp_path / 'b.xlsx'}: 1 row(s) cannot be recorded; nothing was recorded",
    ]
    assert outstanding(db, dead) == [("recovery", 3_000_000, 1_000_000, 0, 2_000_000)]
    # all of it recovered: marked recovered, and closed
    res, _ = decide(db, tmp_path, dead, "c", Status="recovered", **{AMOUNT: 3_000_000})
    assert res.exit_code == 0, res.output
    res, _ = decide(db, tmp_path, dead, "d", Status="closed", **{AMOUNT: None})
    assert res.exit_code == 0, res.output
    assert outstanding(db, dead) == [("closed", 3_000_000, 3_000_000, 0, 0)]


def test_a_case_is_not_closed_while_money_is_outstanding(db, tmp_path):
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    assert decide(db, tmp_path, dead, "a", Status="recovery", **{AMOUNT: 1_000_000})[0].exit_code == 0
    assert decide(db, tmp_path, dead, "b", Status="written_off", **{AMOUNT: 500_000})[0].exit_code == 0
    res, row = decide(db, tmp_path, dead, "c", Status="closed", **{AMOUNT: None})
    assert res.exit_code == 2
    assert res.output.splitlines()[0] == (
        f"reconcile: c.xlsx: sheet 'Findings' row {row}: the case still has 1,500,000 VND outstanding (3,000,000 VND "
        "overpaid, 1,000,000 recovered, 500,000 written off): it is closed only when nothing is outstanding; record "
        "the rest first, as recovered (status recovery, then recovered, with the total recovered) or as written off "
        "(status written_off, with the total written off)"
    )
    assert [e[2] for e in events(db)] == ["recovery", "written_off"]
    # the rest written off: closed, nothing outstanding
    assert decide(db, tmp_path, dead, "d", Status="written_off", **{AMOUNT: 2_000_000})[0].exit_code == 0
    res, _ = decide(db, tmp_path, dead, "e", Status="closed", **{AMOUNT: None})
    assert res.exit_code == 0, res.output
    assert outstanding(db, dead) == [("closed", 3_000_000, 1_000_000, 2_000_000, 0)]
