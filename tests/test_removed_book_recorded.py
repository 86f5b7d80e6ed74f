"""The workbook of a month removed with `reconcile delete`, run again over its name: only the decisions
typed into it that the database does not hold count as lost. One imported before the removal is on
its case still: the book is written over. September and October of one commune
(tests/test_cases_reopen_rerun.py): Trần Văn Hùng, dead since 15/08/2024 and paid each month;
Lê Thị Ngọc Ánh's September payment failed twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_of, typed_into
from reconcile.cases.book import read_book
from test_cases_book_guards import book_of, case_of, import_book, remove
from test_cases_reopen_rerun import AMOUNT, DEAD, FAILED, invoke, month_files, query, reconciled_months

RECOVERY = {"Status": "recovery", "Decision": "Thu hồi", AMOUNT: 1_500_000}


@pytest.fixture(scope="module")
def months_once(tmp_path_factory) -> Path:
    return reconciled_months(tmp_path_factory.mktemp("months"), ("2024-09", "2024-10"))


@pytest.fixture()
def two_months(months_once, tmp_path) -> Path:
    """A copy of September and October, to run on."""
    return copy_of(months_once, tmp_path / "m.duckdb")


def imported(db: Path, book: Path, case_id: str, times: int = 1) -> Path:
    """September's book with the dead man's decision typed into it and imported (again: recording nothing)."""
    typed_into(book_of(db, "2024-09", book), book, "Findings", case_id, **RECOVERY)
    said = [import_book(db, book).output.splitlines()[-1].split(" (")[0] for _ in range(times)]
    assert said == ["reconcile: recorded 1 decision from sep.xlsx"] + [
        "reconcile: recorded 0 decisions from sep.xlsx"
    ] * (times - 1)
    return book


def run_over(db: Path, tmp_path: Path, book: Path):
    files = month_files(tmp_path, "2024-09")
    return invoke(
        "run", "--period", "2024-09", "--db", str(db), "--registry", str(files["registry"][0]),
        "--payments", str(files["payments"][0]), "--report", str(book),
    )  # fmt: skip


def held(db: Path, case_id: str) -> list[tuple]:
    return query(db, "SELECT status, decision, amount_recovered FROM cases WHERE case_id = ?", [case_id])


def test_a_removed_month_s_book_whose_decisions_were_all_imported_is_written_over(two_months, tmp_path):
    db = two_months
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    book = imported(db, tmp_path / "sep.xlsx", dead, times=2)
    remove(db, "2024-09")
    assert held(db, dead) == [("recovery", "Thu hồi", 1_500_000)]
    res = run_over(db, tmp_path, book)
    assert res.exit_code in (0, 1), res.output
    assert "error" not in res.output
    read = read_book(book)  # the new run's workbook, its row of the case showing the decision the case holds
    assert query(db, "SELECT run_id FROM runs WHERE period = '2024-09'") == [(read.run_id,)]
    assert [(row["status"], row["case_amount"]) for _, _, row in read.rows if row["case_id"] == dead] == [
        ("recovery", 1_500_000)
    ]


def test_a_removed_month_s_book_counts_only_the_decisions_the_database_does_not_hold(two_months, tmp_path):
    db = two_months
    dead = case_of(db, "PAID_AFTER_DEATH", DEAD)
    failed = case_of(db, "MISSING_PAYMENT", FAILED)
    book = imported(db, tmp_path / "sep.xlsx", dead)
    typed_into(book, book, "Findings", failed, Status="in_review", Assignee="Phạm Thị Hoa")  # not imported
    at = remove(db, "2024-09")
    before = book.read_bytes()
    res = run_over(db, tmp_path, book)
    assert res.exit_code == 2
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {book}: holds 1 decision typed into it, in a workbook of period 2024-09 removed from "
        f"the database on {at} UTC (reconcile delete), which cannot be recorded and writing it again would lose; "
        "give --report another name, and enter them in the new workbook"
    )
    assert book.read_bytes() == before
    assert query(db, "SELECT count(*) FROM runs WHERE period = '2024-09'") == [(0,)]
    assert held(db, dead) == [("recovery", "Thu hồi", 1_500_000)]
