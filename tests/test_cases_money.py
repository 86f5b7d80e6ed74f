"""Cases' money (issue 22): the amounts recovered and written off that decisions record, as an auditor
types them into the workbook, and what is outstanding. The sample month's pensioner paid after death
is the case: 8,158,000 VND overpaid in September."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_of, typed_into
from reconcile import messages
from reconcile.cli import cli
from test_cases import invoke, query

AMOUNT = "Amount recovered or written off (VND)"
OVERPAID = 8_158_000


@pytest.fixture()
def case(sample_month, tmp_path) -> tuple[Path, str]:
    """A copy of the sample month's database and the case of the pensioner paid after death."""
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'pension'")[0]
    assert query(db, "SELECT overpaid FROM recoveries WHERE case_id = ?", [case_id]) == [(OVERPAID,)]
    return db, case_id


def book_with(db: Path, case_id: str, out: Path, **cells) -> tuple[Path, int]:
    """September's workbook written now, with the case's row given these cells (by header); its sheet row."""
    book = out.with_suffix(".written.xlsx")
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book), "--lang", "en")
    assert res.exit_code == 0, res.output
    return out, typed_into(book, out, "Findings", case_id, **cells)


def decide(db: Path, case_id: str, out: Path, **cells):
    book, _ = book_with(db, case_id, out, **cells)
    return invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")


def money(db: Path, case_id: str):
    return query(
        db, "SELECT status, overpaid, recovered, written_off, outstanding FROM recoveries WHERE case_id = ?", [case_id]
    )[0]


def test_a_book_imported_again_after_a_later_book_decided_its_case_records_nothing(case, tmp_path):
    """The auditor records 1,000,000 VND recovered from book a, then 2,000,000 from book b written
    after it. Book a imported again was refused as written before the case was decided (exit 2,
    "write the workbook again and enter the decision there"), inviting its decision to be entered
    twice: it is the same book, its decision recorded already, and it records nothing. A book of
    that time with a decision never recorded is still refused."""
    db, case_id = case
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 1_000_000}).exit_code == 0
    assert decide(db, case_id, tmp_path / "b.xlsx", Status="recovery", **{AMOUNT: 2_000_000}).exit_code == 0
    again = invoke("review", "import", str(tmp_path / "a.xlsx"), "--db", str(db), "--by", "Lan")
    assert again.exit_code == 0, again.output
    assert "recorded 0 decisions from a.xlsx (26 findings rows read, 1 changed in the book)" in again.output
    assert money(db, case_id)[:3] == ("recovery", OVERPAID, 2_000_000)
    assert query(db, "SELECT count(*) FROM case_events WHERE case_id = ?", [case_id]) == [(2,)]
    # book a's row given another amount, never recorded: written before book b's decision, refused
    other = tmp_path / "a2.xlsx"
    typed_into(tmp_path / "a.written.xlsx", other, "Findings", case_id, Status="recovery", **{AMOUNT: 1_500_000})
    res = invoke("review", "import", str(other), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2
    assert "its case was decided in the database since this workbook was written" in res.output


def test_a_written_off_case_put_back_into_recovery_is_owed_again(case, tmp_path):
    db, case_id = case
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 1_000_000}).exit_code == 0
    assert decide(db, case_id, tmp_path / "b.xlsx", Status="written_off", **{AMOUNT: 7_158_000}).exit_code == 0
    assert money(db, case_id) == ("written_off", OVERPAID, 1_000_000, 7_158_000, 0)
    # the write-off is undone: the family can pay after all
    assert decide(db, case_id, tmp_path / "c.xlsx", Status="recovery", **{AMOUNT: 1_000_000}).exit_code == 0
    assert money(db, case_id) == ("recovery", OVERPAID, 1_000_000, 0, 7_158_000)
    assert query(
        db, "SELECT count(*), sum(outstanding) FROM recoveries WHERE outstanding > 0 AND case_id = ?", [case_id]
    ) == [(1, 7_158_000)]
    # written off again, and closed: the write-off stays with the closed case
    assert decide(db, case_id, tmp_path / "d.xlsx", Status="written_off", **{AMOUNT: 7_158_000}).exit_code == 0
    assert decide(db, case_id, tmp_path / "e.xlsx", Status="closed", **{AMOUNT: None}).exit_code == 0
    assert money(db, case_id) == ("closed", OVERPAID, 1_000_000, 7_158_000, 0)


def test_a_settled_case_closed_with_its_amount_left_in_its_cell_is_closed(case, tmp_path):
    """The workbook shows a recovered case's amount in its row; the auditor changes the status to closed
    and leaves the amount there. That was refused (`an amount is recorded only with status ...`), for
    a number the workbook itself wrote. It is the amount shown, not one typed: the case is closed and
    keeps what it recovered. Another amount typed beside `closed` is still refused. The same book
    imported again records nothing (it was refused: the closed case shows no amount any more)."""
    db, case_id = case
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 0}).exit_code == 0
    assert decide(db, case_id, tmp_path / "b.xlsx", Status="recovered", **{AMOUNT: OVERPAID}).exit_code == 0
    other = decide(db, case_id, tmp_path / "c.xlsx", Status="closed", **{AMOUNT: 1_000_000})
    assert other.exit_code == 2 and "an amount is recorded only with status" in other.output
    assert decide(db, case_id, tmp_path / "d.xlsx", Status="closed").exit_code == 0
    assert money(db, case_id) == ("closed", OVERPAID, OVERPAID, 0, 0)
    again = invoke("review", "import", str(tmp_path / "d.xlsx"), "--db", str(db), "--by", "Lan")
    assert again.exit_code == 0, again.output
    assert "recorded 0 decisions from d.xlsx (26 findings rows read, 1 changed in the book)" in again.output
    assert query(db, "SELECT count(*) FROM case_events WHERE case_id = ?", [case_id]) == [(3,)]


def test_an_emptied_or_zero_amount_means_none_recovered_and_the_same_book_records_nothing_new(case, tmp_path):
    db, case_id = case
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 5_000_000}).exit_code == 0
    assert money(db, case_id) == ("recovery", OVERPAID, 5_000_000, 0, 3_158_000)
    emptied = decide(db, case_id, tmp_path / "emptied.xlsx", **{AMOUNT: None})
    assert emptied.exit_code == 0, emptied.output
    assert money(db, case_id) == ("recovery", OVERPAID, 0, 0, OVERPAID)
    again = invoke("review", "import", str(tmp_path / "emptied.xlsx"), "--db", str(db), "--by", "Lan")
    assert again.exit_code == 0, again.output
    assert "recorded 0 decisions from emptied.xlsx (26 findings rows read, 1 changed in the book)" in again.output
    assert decide(db, case_id, tmp_path / "b.xlsx", **{AMOUNT: "2.000.000"}).exit_code == 0
    assert money(db, case_id) == ("recovery", OVERPAID, 2_000_000, 0, 6_158_000)
    assert decide(db, case_id, tmp_path / "zero.xlsx", **{AMOUNT: 0}).exit_code == 0
    assert money(db, case_id) == ("recovery", OVERPAID, 0, 0, OVERPAID)
    again = invoke("review", "import", str(tmp_path / "zero.xlsx"), "--db", str(db), "--by", "Lan")
    assert "recorded 0 decisions from zero.xlsx" in again.output
    # each clearing is an event that says 0, not an amount left out
    assert query(db, "SELECT to_status, amount FROM case_events WHERE case_id = ? ORDER BY seq", [case_id]) == [
        ("recovery", 5_000_000),
        ("recovery", 0),
        ("recovery", 2_000_000),
        ("recovery", 0),
    ]


@pytest.mark.parametrize(
    ("status", "amount", "why"),
    [
        ("recovery", -1_000_000, "the amount is below 0; enter what was recovered or written off so far, 0 or more"),
        ("recovery", "-1.000.000", "the amount is below 0; enter what was recovered or written off so far, 0 or more"),
        (
            "recovery",
            81_580_000,  # a typo: a zero too many
            "the amount would make what was recovered and written off more than the case's amount at stake; "
            "enter the case's total so far, at most its amount at stake (reconcile case {case_id} shows it)",
        ),
    ],
    ids=["negative", "negative as text", "over the amount at stake"],
)
def test_an_amount_below_0_or_over_the_amount_at_stake_refuses_the_book(case, tmp_path, status, amount, why):
    db, case_id = case
    book, n = book_with(db, case_id, tmp_path / "bad.xlsx", Status=status, **{AMOUNT: amount})
    res = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2, res.stderr
    assert f"bad.xlsx: sheet 'Findings' row {n}: {why.format(case_id=case_id)}" in res.output
    assert "bad.xlsx: 1 row(s) cannot be recorded; nothing was recorded" in res.output
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]
    assert money(db, case_id) == ("open", OVERPAID, 0, 0, OVERPAID)


SLIP = (
    "it looks typed in thousands of đồng, or read by an Excel set to English (US), which takes 500.000 for 500; "
    "type the whole amount in đồng, digits only (such as {meant}), and import again"
)


@pytest.mark.parametrize(
    ("status", "amount", "why"),
    [
        (
            "recovery",
            500.0,  # `500.000` typed into an Excel set to English (US): the number 500
            "case {case_id}: column 'Amount recovered or written off (VND)' (case_amount) holds 500 VND, under "
            "10,000 VND (min_amount) and a thousandth or less of the most it can record (8,158,000 VND): "
            + SLIP.format(meant=500000),
        ),
        (
            "recovery",
            8_158,  # typed in thousands of đồng, as the month's reports write them
            "case {case_id}: column 'Amount recovered or written off (VND)' (case_amount) holds 8,158 VND, exactly a "
            "thousandth of the most it can record (8,158,000 VND): " + SLIP.format(meant=8158000),
        ),
    ],
    ids=["500.000 read as 500", "in thousands"],
)
def test_an_amount_a_thousandth_of_what_was_meant_refuses_the_book(case, tmp_path, status, amount, why):
    """`500.000` typed into the amount cell of an Excel set to English (US) is the number 500, and was
    recorded as 500 VND recovered, the case's outstanding left at 8,157,500 with nothing said. An amount
    under min_amount VND or exactly a thousandth of the amount at stake, when its thousandfold is no
    more than the amount at stake, is refused, naming the case and the cell."""
    db, case_id = case
    book, n = book_with(db, case_id, tmp_path / "us.xlsx", Status=status, **{AMOUNT: amount})
    res = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2, res.output
    line = f"reconcile: us.xlsx: sheet 'Findings' row {n}: {why.format(case_id=case_id)}"
    assert line in res.output.splitlines()
    assert "us.xlsx: 1 row(s) cannot be recorded; nothing was recorded" in res.output
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]
    assert money(db, case_id) == ("open", OVERPAID, 0, 0, OVERPAID)
    assert messages.translate(line, "vi").startswith(
        f"reconcile: us.xlsx: trang tính 'Findings' dòng {n}: vụ việc {case_id}: cột 'Amount recovered or written "
        "off (VND)' (case_amount) ghi "
    )
    # the whole amount, in đồng, is recorded
    assert decide(db, case_id, tmp_path / "right.xlsx", Status=status, **{AMOUNT: amount * 1000}).exit_code == 0
    assert money(db, case_id) == ("recovery", OVERPAID, amount * 1000, 0, OVERPAID - amount * 1000)


def test_a_write_off_is_weighed_against_what_is_left_to_recover(case, tmp_path):
    """3,158,000 recovered: 5,000,000 is left, and a write-off of 5000 (5.000.000 typed in thousands)
    is refused against it; once 8,153,000 is recovered, a write-off of the 5,000 left is taken as typed."""
    db, case_id = case
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 3_158_000}).exit_code == 0
    book, n = book_with(db, case_id, tmp_path / "b.xlsx", Status="written_off", **{AMOUNT: 5_000})
    res = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2, res.output
    assert (
        f"reconcile: b.xlsx: sheet 'Findings' row {n}: case {case_id}: column 'Amount recovered or written off (VND)' "
        "(case_amount) holds 5,000 VND, exactly a thousandth of the most it can record (5,000,000 VND): "
        + SLIP.format(meant=5000000)
    ) in res.output.splitlines()
    assert decide(db, case_id, tmp_path / "c.xlsx", Status="recovery", **{AMOUNT: 8_153_000}).exit_code == 0
    assert decide(db, case_id, tmp_path / "d.xlsx", Status="written_off", **{AMOUNT: 5_000}).exit_code == 0
    assert money(db, case_id) == ("written_off", OVERPAID, 8_153_000, 5_000, 0)


def test_recovered_and_written_off_together_may_reach_the_amount_at_stake_not_pass_it(case, tmp_path):
    db, case_id = case
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: OVERPAID}).exit_code == 0
    assert decide(db, case_id, tmp_path / "b.xlsx", **{AMOUNT: 1_000_000}).exit_code == 0
    book, n = book_with(db, case_id, tmp_path / "over.xlsx", Status="written_off", **{AMOUNT: 7_158_001})
    res = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2, res.stderr
    assert (
        f"over.xlsx: sheet 'Findings' row {n}: the amount would make what was recovered and written off" in res.output
    )
    assert decide(db, case_id, tmp_path / "c.xlsx", Status="written_off", **{AMOUNT: 7_158_000}).exit_code == 0
    assert money(db, case_id) == ("written_off", OVERPAID, 1_000_000, 7_158_000, 0)


def test_the_refusals_of_amounts_are_said_in_vietnamese(case, tmp_path):
    db, case_id = case
    book, n = book_with(db, case_id, tmp_path / "bad.xlsx", Status="recovery", **{AMOUNT: -5})
    try:
        res = CliRunner().invoke(cli, ["--lang", "vi", "review", "import", str(book), "--db", str(db), "--by", "Lan"])
    finally:
        messages.set_language(None)  # the process's language, as the other tests expect it
    assert res.exit_code == 2, res.stderr
    assert (
        f"bad.xlsx: trang tính 'Findings' dòng {n}: số tiền nhỏ hơn 0; hãy nhập số đã thu hồi hoặc đã xóa nợ tính "
        "đến nay, từ 0 trở lên"
    ) in res.output


def test_a_case_whose_finding_is_gone_after_a_re_run_has_nothing_at_stake_and_is_no_recovery(sample_month, tmp_path):
    """In recovery, 250,000 recovered; then September is run again with the registry corrected (the
    beneficiary had not died): the finding is gone. The case keeps its decision and what was
    recovered, but nothing is at stake and it is no longer an overpayment to recover."""
    import csv

    from conftest import SAMPLE_FILES
    from test_cases import run_month

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    case_id, vneid = query(
        db, "SELECT case_id, vneid FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'"
    )[0]
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 250_000}).exit_code == 0
    with open(SAMPLE_FILES["registry"][0], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    for row in rows:
        if row[1] == vneid:
            row[-2:] = ["Đang hưởng", ""]  # active, no date of death
    fixed = tmp_path / "registry.csv"
    with open(fixed, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    res = run_month(db, "2024-09", {**SAMPLE_FILES, "registry": [fixed]})
    assert res.exit_code == 0, res.output
    assert query(
        db, "SELECT flags, amount_at_stake, status, amount_recovered FROM cases WHERE case_id = ?", [case_id]
    ) == [(0, 0, "recovery", 250_000)]
    assert query(db, "SELECT count(*) FROM recoveries WHERE case_id = ?", [case_id]) == [(0,)]


def test_a_re_run_that_lowers_the_overpaid_below_what_was_recovered_owes_nothing_and_says_so(case, tmp_path):
    """8,158,000 recovered in full; then September is run again with the bank's corrected file, which
    paid her 4,000,000. `outstanding` was -4,158,000, and the province's total netted it against what
    other cases still owed, with nothing said."""
    from conftest import SAMPLE_FILES
    from test_cases import run_month

    db, case_id = case
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: OVERPAID}).exit_code == 0
    bank = tmp_path / "bank_transfers.csv"
    text = SAMPLE_FILES["payments"][0].read_text(encoding="utf-8-sig")
    assert text.count('"8,158,000",02/09/2024') == 1
    bank.write_text(text.replace('"8,158,000",02/09/2024', '"4,000,000",02/09/2024'), encoding="utf-8-sig")
    res = run_month(db, "2024-09", {**SAMPLE_FILES, "payments": [bank, *SAMPLE_FILES["payments"][1:]]})
    assert res.exit_code == 0, res.output
    assert money(db, case_id) == ("recovery", 4_000_000, OVERPAID, 0, 0)
    assert query(db, "SELECT excess FROM recoveries WHERE case_id = ?", [case_id]) == [(4_158_000,)]
    assert query(db, "SELECT sum(outstanding) = sum(greatest(outstanding, 0)) FROM recoveries_by_province") == [(True,)]
    assert (
        "reconcile: 1 case has more recovered and written off than was overpaid, since a re-run lowered what was "
        "overpaid; see the excess column of the recoveries view, and look into their decisions"
    ) in res.stderr


def test_money_recorded_on_a_case_a_re_run_leaves_without_findings_is_said_not_lost_in_silence(case, tmp_path):
    """2,000,000 recovered from the family of the pensioner paid after death; then September is run
    again with her ID corrected in the registry and the bank's file (a digit was mistyped): her
    overpayment is a new case, owed in full, and the case that holds the 2,000,000 has no finding
    left, so that money is in no recovery. The run said nothing: the recovery list asked the family
    for all 8,158,000 again."""
    from conftest import SAMPLE_FILES
    from test_cases import run_month

    db, case_id = case
    wrong, right = "079152439908", "079152439980"
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 2_000_000}).exit_code == 0
    corrected = {}
    for role, path in (("registry", SAMPLE_FILES["registry"][0]), ("bank", SAMPLE_FILES["payments"][0])):
        text = path.read_text(encoding="utf-8-sig")
        assert text.count(wrong) == 1
        corrected[role] = tmp_path / path.name
        corrected[role].write_text(text.replace(wrong, right), encoding="utf-8-sig")
    files = {"registry": [corrected["registry"]], "payments": [corrected["bank"], *SAMPLE_FILES["payments"][1:]]}
    res = run_month(db, "2024-09", files)
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT flags, status, amount_recovered FROM cases WHERE case_id = ?", [case_id]) == [
        (0, "recovery", 2_000_000)
    ]
    assert query(
        db,
        "SELECT status, overpaid, recovered, outstanding FROM recoveries WHERE program = 'pension' AND vneid = ?",
        [right],
    ) == [("open", OVERPAID, 0, OVERPAID)]
    said = (
        "reconcile: 1 case has money recorded as recovered or written off but no finding left in any period the "
        "database holds (a re-run or a removal took them away, or the ID was corrected since): that money counts in "
        "no recovery; reconcile cases shows them with 0 periods flagged: enter it on the case that flags the "
        "overpayment now"
    )
    assert said in res.stderr
    assert messages.translate(said, "vi").startswith(
        "reconcile: 1 vụ việc có số tiền đã ghi nhận thu hồi hoặc xóa nợ nhưng không còn phát hiện nào"
    )


def test_a_date_excel_made_of_what_was_typed_is_recorded_as_typed_day_first(case, tmp_path):
    """The decision and comment columns are General cells: a date typed into them (`15/10/2024`, the
    day the family paid) is a date cell once Excel saves the book. It was recorded as
    '2024-10-15 00:00:00', and so shown in every workbook after; it is recorded as typed, day first,
    the time only when one was typed, and the book written again holds it unchanged."""
    from datetime import datetime

    db, case_id = case
    cells = {
        "Status": "recovery",
        AMOUNT: 2_000_000,
        "Decision": datetime(2024, 10, 15),
        "Comment": datetime(2024, 10, 15, 9, 30),
    }
    assert decide(db, case_id, tmp_path / "a.xlsx", **cells).exit_code == 0
    assert query(db, "SELECT decision, comment FROM case_events") == [("15/10/2024", "15/10/2024 09:30")]
    book, _ = book_with(db, case_id, tmp_path / "b.xlsx")
    again = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert again.exit_code == 0, again.output
    assert query(db, "SELECT count(*), max(decision) FROM case_events") == [(1, "15/10/2024")]


def test_a_recovered_case_reopened_by_a_month_removed_since_is_recovered_again(sample_month, october, tmp_path):
    """The welfare beneficiary paid after her death, recovered in full; October pays her again and
    reopens the case. October was the wrong files and is removed: the case is 'recovered' again, with
    its 1,000,000 VND and nothing outstanding, as before October; said in English and Vietnamese."""
    from test_cases import run_month

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'")[0]
    for status in ("recovery", "recovered"):
        assert decide(db, case_id, tmp_path / f"{status}.xlsx", Status=status, **{AMOUNT: 1_000_000}).exit_code == 0
    before = "SELECT status, amount_at_stake, amount_recovered, periods_open FROM cases WHERE case_id = ?"
    assert query(db, before, [case_id]) == [("recovered", 1_000_000, 1_000_000, None)]
    assert run_month(db, "2024-10", october).exit_code == 0
    assert query(db, before, [case_id]) == [("open", 2_000_000, 1_000_000, 1)]
    res = invoke("delete", "--period", "2024-10", "--db", str(db), "--by", "Lan", "--reason", "sai tệp", "--yes")
    assert res.exit_code == 0, res.output
    said = (
        "reconcile: 1 case that the run this removal replaced had reopened went back to the status before the "
        "reopening, the findings that reopened it gone; see reconcile case CASE_ID"
    )
    assert said in res.stderr
    assert messages.translate(said, "vi") == (
        "reconcile: 1 vụ việc do lần chạy mà lần xóa kỳ này thay thế đã mở lại được trả về trạng thái trước khi mở "
        "lại, vì các phát hiện đã làm nó mở lại không còn; xem reconcile case CASE_ID"
    )
    assert query(db, before, [case_id]) == [("recovered", 1_000_000, 1_000_000, None)]
    assert query(
        db, "SELECT status, overpaid, recovered, outstanding FROM recoveries WHERE case_id = ?", [case_id]
    ) == [("recovered", 1_000_000, 1_000_000, 0)]
    assert query(
        db, "SELECT action, from_status, to_status, amount FROM case_events WHERE case_id = ? ORDER BY seq", [case_id]
    )[2:] == [("reopened", "recovered", "open", 1_000_000), ("reopening_undone", "open", "recovered", 1_000_000)]
    assert invoke("verify", "--db", str(db)).exit_code == 0


def test_a_recovered_case_paid_again_the_next_month_reopens_keeping_what_was_recovered(sample_month, october, tmp_path):
    """The welfare beneficiary paid after her death: 1,000,000 VND in September, recovered in full and
    marked recovered; October pays her again. The case stayed 'recovered', with 1,000,000 outstanding,
    out of --older-than and of --status open and recovery, and the run said nothing. It reopens, as a
    closed case does, keeping what was recovered; a re-run of October reopens nothing more. September run
    again with her date of death corrected takes September's overpayment away: the run names the case,
    whose 1,000,000 recorded as recovered now counts against October's payment."""
    from conftest import SAMPLE_FILES
    from test_cases import run_month

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'")[0]
    for status in ("recovery", "recovered"):
        assert decide(db, case_id, tmp_path / f"{status}.xlsx", Status=status, **{AMOUNT: 1_000_000}).exit_code == 0
    first, again = run_month(db, "2024-10", october), run_month(db, "2024-10", october)
    assert first.exit_code == again.exit_code == 0, first.output
    assert (
        "reconcile: 1 recovered or written-off case flagged again and reopened; see reconcile cases --status open"
        in first.stderr
    )
    assert "reopened" not in again.stderr
    assert query(
        db, "SELECT action, from_status, to_status, period FROM case_events WHERE case_id = ? ORDER BY seq", [case_id]
    ) == [
        ("decision", "open", "recovery", "2024-09"),
        ("decision", "recovery", "recovered", "2024-09"),
        ("reopened", "recovered", "open", "2024-10"),
    ]
    assert query(
        db,
        "SELECT status, opened_period, periods_open, amount_at_stake, amount_recovered FROM cases WHERE case_id = ?",
        [case_id],
    ) == [("open", "2024-10", 1, 2_000_000, 1_000_000)]
    assert query(db, "SELECT outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [(1_000_000,)]
    assert invoke("verify", "--db", str(db)).exit_code == 0
    assert "took" not in again.stderr  # October's re-run took nothing away
    # September run again with her date of death corrected to 20/09/2024: September's payment (03/09) is
    # no overpayment. The 1,000,000 recovered for it now covered October's, and nothing was said
    registry = tmp_path / "registry.csv"
    text = SAMPLE_FILES["registry"][0].read_text(encoding="utf-8-sig")
    assert text.count(",Đang hưởng,01/09/2024") == 1
    registry.write_text(text.replace(",Đang hưởng,01/09/2024", ",Đang hưởng,20/09/2024"), encoding="utf-8-sig")
    res = run_month(db, "2024-09", {**SAMPLE_FILES, "registry": [registry]})
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT overpaid, recovered, outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [
        (1_000_000, 1_000_000, 0)
    ]
    said = (
        f"reconcile: case {case_id}: this re-run took 1,000,000 VND away from its findings, while 1,000,000 VND "
        "recorded as recovered or written off stays and now counts against its other payments, which may be "
        "another month's money nobody decided on; look into its decisions (reconcile case)"
    )
    assert said in res.stderr
    assert messages.translate(said, "vi").startswith(f"reconcile: vụ việc {case_id}: lần đối soát lại này đã loại")


def test_a_book_of_a_run_the_month_was_run_again_after_says_so(case, tmp_path):
    """September's workbook written, then September run again (the same files: the same findings). A
    decision typed into the earlier book is recorded, with a line that says the book is of an earlier
    run, to be checked against the new one; one the case cannot take is refused, and the refusal says
    first that the month was run again since (the amounts may have changed: it said only `more than
    the case's amount at stake`)."""
    from conftest import SAMPLE_FILES
    from test_cases import run_month

    db, case_id = case
    written = tmp_path / "t9.xlsx"
    assert (
        invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(written), "--lang", "en").exit_code
        == 0
    )
    assert run_month(db, "2024-09", SAMPLE_FILES).exit_code == 0
    (at,) = query(db, "SELECT strftime(finished_at, '%d/%m/%Y %H:%M') FROM runs WHERE period = '2024-09'")[0]
    too_much = tmp_path / "too_much.xlsx"
    typed_into(written, too_much, "Findings", case_id, Status="recovery", **{AMOUNT: OVERPAID + 1})
    res = invoke("review", "import", str(too_much), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2, res.stderr
    assert res.stderr.splitlines()[0] == (
        f"reconcile: {too_much}: was written from an earlier run of period 2024-09; the month was run again on "
        f"{at} UTC and its findings and amounts may have changed since: write its workbook again (reconcile "
        "report --period 2024-09 --report BOOK.xlsx) and enter the decisions there"
    )
    book = tmp_path / "b.xlsx"
    typed_into(written, book, "Findings", case_id, Status="recovery", **{AMOUNT: 1_000_000})
    res = invoke("review", "import", str(book), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 0, res.output
    assert (
        f"reconcile: {book}: was written from an earlier run of period 2024-09; the month was run again on {at} "
        "UTC: its decisions were recorded on the cases as they are now; check them against a workbook of the new "
        "run (reconcile report --period 2024-09 --report BOOK.xlsx)"
    ) in res.stderr.splitlines()
    assert money(db, case_id) == ("recovery", OVERPAID, 1_000_000, 0, OVERPAID - 1_000_000)
