"""Cases through re-runs of a past month (issue 21): a closed case reopens when a later period flags it
with a finding new since it was closed, never because a period the auditor had seen was run again.
September and October of the sample in the database; the welfare beneficiary paid after death is
flagged in both; the auditor closes the case from September's book."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, copy_of
from test_cases import invoke, query
from test_cases import run_month as run
from test_cases_money import book_with


def run_month(db: Path, period: str, files: dict[str, list[Path]]):
    res = run(db, period, files)
    assert res.exit_code == 0, res.output
    return res


def decide(db: Path, case_id: str, out: Path, **cells) -> None:
    """September's workbook written now, the case's row given these cells, imported."""
    book_with(db, case_id, out, **cells)
    res = invoke("review", "import", str(out), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 0, res.output


@pytest.fixture()
def closed(sample_month, october, tmp_path) -> tuple[Path, str]:
    """The case explained from September's book, then October run (the explained case flagged again keeps
    its decision), then the case closed from September's book, a month behind: October's payment was at
    stake when the auditor closed it (what was explained is what the case had at stake at the closing,
    whichever period's book the decisions were entered on, and whenever the decision to explained was)."""
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'")[0]
    decide(db, case_id, tmp_path / "explained.xlsx", Status="explained", Decision="đã xác minh")
    run_month(db, "2024-10", october)
    decide(db, case_id, tmp_path / "closed.xlsx", Status="closed")
    assert query(db, "SELECT status, periods_flagged, amount_at_stake FROM cases WHERE case_id = ?", [case_id]) == [
        ("closed", 2, 2_000_000)
    ]
    return db, case_id


def events(db: Path, case_id: str):
    return query(
        db,
        'SELECT "by", action, from_status, to_status, period FROM case_events WHERE case_id = ? ORDER BY seq',
        [case_id],
    )


def test_re_running_a_month_the_auditor_had_seen_when_closing_reopens_nothing(closed, october):
    db, case_id = closed
    res = run_month(db, "2024-10", october)
    assert "reopened" not in res.output
    assert "0 findings appeared, 0 gone, 0 input files added, removed or changed" in res.output
    assert query(db, "SELECT status, periods_flagged, events FROM cases WHERE case_id = ?", [case_id]) == [
        ("closed", 2, 2)
    ]
    # the month removed and run again from the same files: the same finding, seen when closing
    res = invoke("delete", "--period", "2024-10", "--db", str(db), "--by", "Lan", "--reason", "chạy lại", "--yes")
    assert res.exit_code == 0, res.output
    assert "reopened" not in run_month(db, "2024-10", october).output
    assert events(db, case_id) == [
        ("Lan", "decision", "open", "explained", "2024-09"),
        ("Lan", "decision", "explained", "closed", "2024-09"),
    ]


def corrected_october(october: dict[str, list[Path]], folder: Path) -> dict[str, list[Path]]:
    """October's files with the bank's corrected statement: the payment after death was 1,500,000 VND,
    not 1,000,000 (the same reference): a finding new since the closing, 500,000 more on that payment."""
    corrected = {"registry": october["registry"], "payments": [folder / "bank.csv", october["payments"][1]]}
    shutil.copy(october["payments"][0], folder / "bank.csv")
    text = (folder / "bank.csv").read_text(encoding="utf-8-sig")
    line = next(x for x in text.splitlines() if ",FT20241000016," in x)
    (folder / "bank.csv").write_text(text.replace(line, line.replace('"1,000,000"', '"1,500,000"')), encoding="utf-8")
    return corrected


def test_a_finding_new_since_the_closing_in_a_later_month_reopens_the_case(closed, october, tmp_path):
    """The case was closed from September's book once October had run: the auditor closed as explained
    both months' payments, 1,000,000 VND each (cases.amount_at_stake 2,000,000 when closed). October's
    corrected file raises October's payment to 1,500,000: the run reopens the case, and what is owed is
    the 500,000 added. October's 1,000,000 was at stake when the auditor decided, so it stays explained.
    This test said 1,500,000: the closing, entered on September's book, explained September's payment
    only, and October's 1,000,000 was owed again, although the closed case had showed nothing owed."""
    db, case_id = closed
    corrected = corrected_october(october, tmp_path)
    res = run_month(db, "2024-10", corrected)
    assert "reconcile: 1 closed case flagged again and reopened; see reconcile cases --status open" in res.output
    assert events(db, case_id)[-1] == ("reconcile", "reopened", "closed", "open", "2024-10")
    # what is at stake is the money October's correction added only: what the auditor closed is not owed again
    assert query(db, "SELECT status, opened_period, amount_at_stake FROM cases WHERE case_id = ?", [case_id]) == [
        ("open", "2024-10", 500_000)
    ]
    assert query(db, "SELECT overpaid, outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [
        (500_000, 500_000)
    ]
    # and once only: the same corrected files again reopen nothing more
    assert "reopened" not in run_month(db, "2024-10", corrected).output
    assert len(events(db, case_id)) == 3


def test_a_decision_recorded_before_its_period_s_removal_keeps_its_case_and_another_copy_is_refused(
    sample_month, tmp_path
):
    """September's book written twice; Lan's copy imported, then September removed: her decision keeps
    its case (with no month left), and Hung's copy of the removed month's book is refused, in one line,
    instead of going in over it (tests/test_cases_book_guards.py has the months and the message)."""
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'")[0]
    lan, _ = book_with(db, case_id, tmp_path / "lan.xlsx", Status="explained", Decision="đã xác minh")
    hung, _ = book_with(db, case_id, tmp_path / "hung.xlsx", Status="in_review")
    res = invoke("review", "import", str(lan), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 0, res.output
    res = invoke("delete", "--period", "2024-09", "--db", str(db), "--by", "Minh", "--reason", "wrong files", "--yes")
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT code, status, decision, flags, first_period FROM cases") == [
        ("PAID_AFTER_DEATH", "explained", "đã xác minh", 0, None)
    ]
    res = invoke("review", "import", str(hung), "--db", str(db), "--by", "Hung")
    assert res.exit_code == 2, res.output
    assert "hung.xlsx: is the workbook of period 2024-09, removed from the database on " in res.stderr
    assert events(db, case_id) == [("Lan", "decision", "open", "explained", "2024-09")]


def test_an_amount_on_a_finding_its_period_s_re_run_took_away_is_refused_saying_why(sample_month, tmp_path):
    """The refusal said `reconcile case <id> shows it` of a case that had no row to show."""
    from test_cases_money import AMOUNT

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'")[0]
    book, n = book_with(db, case_id, tmp_path / "lan.xlsx", Status="recovery", **{AMOUNT: 500_000})
    # September run again with the bank's corrected file, which no longer holds the payment after death
    bank = tmp_path / "bank_transfers.csv"
    text = (SAMPLE / "bank_transfers.csv").read_text(encoding="utf-8-sig")
    bank.write_text("".join(x for x in text.splitlines(keepends=True) if ",FT20240900016," not in x), encoding="utf-8")
    res = run(
        db, "2024-09", {"registry": [SAMPLE / "registry.csv"], "payments": [bank, SAMPLE / "post_office_cash.xlsx"]}
    )
    assert res.exit_code in (0, 1), res.output
    assert query(db, "SELECT count(*) FROM flags WHERE case_id = ?", [case_id]) == [(0,)]
    res = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2, res.output
    assert (
        f"lan.xlsx: sheet 'Findings' row {n}: its findings are no longer in the database (their period was run "
        "again or removed), so nothing is at stake; enter the decision without an amount"
    ) in res.stderr
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]


def test_a_case_whose_finding_a_re_run_took_away_does_not_age(sample_month, october, tmp_path):
    """September's ACCOUNT_MISMATCH set in review, then September run again with the bank's corrected file
    (the payment's row out of it): the case kept its month and, in review, aged a month with each month
    run since (`periods_open` 2 by October), listed by `reconcile cases --older-than` as a live case.
    With no finding left it is no open problem of any month: no age, as after its month's removal."""
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(
        db, "SELECT case_id FROM flags WHERE code = 'ACCOUNT_MISMATCH' AND payment_ref = 'FT20240900019'"
    )[0]
    decide(db, case_id, tmp_path / "review.xlsx", Status="in_review", Assignee="Lan")
    bank = tmp_path / "bank_transfers.csv"
    lines = (SAMPLE / "bank_transfers.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    bank.write_text("".join(line for line in lines if "FT20240900019" not in line), encoding="utf-8")
    run_month(
        db, "2024-09", {"registry": [SAMPLE / "registry.csv"], "payments": [bank, SAMPLE / "post_office_cash.xlsx"]}
    )
    run_month(db, "2024-10", october)
    assert query(db, "SELECT status, flags, periods_open FROM cases WHERE case_id = ?", [case_id]) == [
        ("in_review", 0, None)
    ]
    listed = invoke("cases", "--db", str(db), "--older-than", "0", "--format", "csv")
    assert listed.exit_code == 0, listed.output
    assert case_id not in listed.stdout
