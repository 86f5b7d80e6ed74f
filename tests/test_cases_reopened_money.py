"""What a case recovered and wrote off, kept when the auditor takes it up again: a settled case that a
run reopens (paid again) and then puts into recovery for the new money, and a case in recovery sent
back to review and then into recovery again. The sample's welfare beneficiary paid after her death,
1,000,000 VND in September and again in October (the sample's October)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import copy_of, typed_into
from test_cases import invoke, query, run_month
from test_cases_money import AMOUNT, decide

PAID = 1_000_000  # each month


@pytest.fixture()
def welfare(sample_month, tmp_path) -> tuple[Path, str]:
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'")[0]
    return db, case_id


def october_book(db: Path, case_id: str, tmp_path: Path, name: str, **cells) -> tuple[Path, tuple]:
    """October's workbook written now, the case's row as written (its status and amount), and the book
    with these cells typed into that row."""
    import openpyxl

    written = tmp_path / f"{name}.written.xlsx"
    res = invoke("report", "--period", "2024-10", "--db", str(db), "--report", str(written), "--lang", "en")
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(written, read_only=True)["Findings"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    row = next(r for r in rows[1:] if r[header.index("Case id")] == case_id)
    shown = (row[header.index("Status")], row[header.index(AMOUNT)])
    out = tmp_path / f"{name}.xlsx"
    typed_into(written, out, "Findings", case_id, **cells)
    return out, shown


def money(db: Path, case_id: str):
    return query(
        db, "SELECT status, overpaid, recovered, written_off, outstanding FROM recoveries WHERE case_id = ?", [case_id]
    )[0]


def test_a_written_off_case_paid_again_and_put_into_recovery_keeps_what_was_recovered_and_written_off(
    welfare, october, tmp_path
):
    """September: 400,000 recovered, the other 600,000 written off by a decision. October pays her again:
    the run reopens the case keeping both, and 1,000,000 (October's) is outstanding. The auditor puts it
    into recovery from October's book, the amount cell as written. The row showed no amount, recovery
    recorded 0, and the later decision to recovery undid September's write-off: 2,000,000 outstanding,
    the recovery list asking the family for money recovered and written off already."""
    db, case_id = welfare
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 400_000}).exit_code == 0
    assert decide(db, case_id, tmp_path / "b.xlsx", Status="written_off", **{AMOUNT: 600_000}).exit_code == 0
    assert run_month(db, "2024-10", october).exit_code == 0
    assert money(db, case_id) == ("open", 2 * PAID, 400_000, 600_000, PAID)

    # more than is left once the write-off stays (2,000,000 - 600,000) is refused
    over, _ = october_book(db, case_id, tmp_path, "over", Status="recovery", **{AMOUNT: 1_500_000})
    res = invoke("review", "import", str(over), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2 and "more than the case's amount at stake" in res.output

    book, shown = october_book(db, case_id, tmp_path, "c", Status="recovery", Decision="thu hồi tiền tháng 10")
    assert shown == ("open", 400_000)  # what the case recovered, in the cell a decision to recovery records
    res = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 0, res.output
    assert money(db, case_id) == ("recovery", 2 * PAID, 400_000, 600_000, PAID)
    again = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert again.exit_code == 0 and "recorded 0 decisions" in again.output

    out = tmp_path / "actions"
    assert invoke("actions", "--period", "2024-10", "--db", str(db), "--out", str(out), "--lang", "en").exit_code == 0
    listed = [r for f in out.glob("recovery_*.csv") for r in csv.DictReader(f.open(encoding="utf-8-sig"))]
    mine = [r for r in listed if case_id in r.values()]
    assert len(mine) == 1 and mine[0]["Outstanding (VND)"] == str(PAID), mine
    # as of September, before the reopening, the write-off stood and nothing was owed
    out = tmp_path / "actions-09"
    assert invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out), "--lang", "en").exit_code == 0
    assert not [
        r
        for f in out.glob("recovery_*.csv")
        for r in csv.DictReader(f.open(encoding="utf-8-sig"))
        if case_id in r.values()
    ]


def test_a_case_sent_back_to_review_and_into_recovery_again_keeps_what_it_recovered(welfare, tmp_path):
    """400,000 recovered, the case sent back to review, then into recovery again from a book written
    meanwhile: its row showed no amount beside in_review, and the decision recorded 0 recovered."""
    db, case_id = welfare
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 400_000}).exit_code == 0
    assert decide(db, case_id, tmp_path / "b.xlsx", Status="in_review").exit_code == 0
    assert money(db, case_id) == ("in_review", PAID, 400_000, 0, 600_000)
    assert decide(db, case_id, tmp_path / "c.xlsx", Status="recovery").exit_code == 0
    assert money(db, case_id) == ("recovery", PAID, 400_000, 0, 600_000)
    # an amount emptied still means none so far
    assert decide(db, case_id, tmp_path / "d.xlsx", Status="recovery", **{AMOUNT: None}).exit_code == 0
    assert money(db, case_id) == ("recovery", PAID, 0, 0, PAID)


def test_a_recovered_case_whose_payment_next_month_s_statement_repeats_is_not_reopened(sample_month, october, tmp_path):
    """The pensioner paid 8,158,000 VND after her death in September, recovered in full. October's bank
    statement overlaps September and repeats that payment (same reference, amount, date and payee):
    October flags it again, its money counted once, in September. The run said '1 recovered or
    written-off case flagged again and reopened' and the case went back to open, with nothing paid
    again and nothing outstanding."""
    from test_cases import run_month

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'pension'")[0]
    for status in ("recovery", "recovered"):
        assert decide(db, case_id, tmp_path / f"{status}.xlsx", Status=status, **{AMOUNT: 8_158_000}).exit_code == 0
    september = (Path(__file__).parent.parent / "fixtures/sample/bank_transfers.csv").read_text(encoding="utf-8")
    (paid,) = [line for line in september.splitlines() if ",FT20240900015," in line]
    bank = tmp_path / "bank_transfers_october.csv"
    rows = october["payments"][0].read_text(encoding="utf-8").splitlines()
    bank.write_text("\n".join([*rows, f"{len(rows)}," + paid.split(",", 1)[1]]) + "\n", encoding="utf-8")
    files = {"registry": october["registry"], "payments": [bank, *october["payments"][1:]]}

    res = run_month(db, "2024-10", files)
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT period FROM flags WHERE case_id = ? ORDER BY period", [case_id]) == [
        ("2024-09",),
        ("2024-10",),
    ]
    assert query(db, "SELECT counted_period FROM flag_repeats WHERE case_id = ?", [case_id]) == [("2024-09",)]
    assert "reopened" not in res.stderr
    assert query(
        db, "SELECT status, periods_flagged, amount_at_stake, amount_recovered FROM cases WHERE case_id = ?", [case_id]
    ) == [("recovered", 2, 8_158_000, 8_158_000)]
    assert query(db, "SELECT action FROM case_events WHERE case_id = ? ORDER BY seq", [case_id]) == [
        ("decision",),
        ("decision",),
    ]
