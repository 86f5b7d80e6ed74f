"""A payment to a beneficiary who is not due, that failed or came back: the sample's pensioner,
deceased since 17/08/2024 and paid 8,158,000 VND in September (PAID_AFTER_DEATH), whose bank
returns September's transfer in October's file (`HOAN TRA GD FT20240900015 NGUOI HUONG DA CHET`).
The return of a payment of a month the run does not hold is a returned payment of its own
(docs/formats.md), so PAYMENT_FAILED reports it; but nothing was due to her, so it puts no money at
stake. It put her entitlement at stake: October's money in question, and the case's, grew by
8,158,000 VND, the same money the September case still asks back."""

from __future__ import annotations

import json
import shutil

from conftest import copy_of
from test_cases import invoke, query, run_month

RETURN = (
    '999,FT20240900015,079152439908,VO THU NHUNG,VCB,0124634771396,"8,158,000",10/10/2024,Chuyển khoản,'
    "Hoàn trả,HOAN TRA GD FT20240900015 NGUOI HUONG DA CHET\n"
)


def october_money(db) -> int:
    res = invoke("trend", "--db", str(db), "--format", "json")
    assert res.exit_code == 0, res.output
    return next(r["amount"] for r in json.loads(res.output) if r["period"] == "2024-10")


def test_the_return_of_a_payment_after_death_is_a_finding_with_nothing_due_and_no_money_at_stake(
    sample_month, october, tmp_path
):
    plain = copy_of(sample_month.db, tmp_path / "plain.duckdb")
    assert run_month(plain, "2024-10", october).exit_code == 0

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    bank = tmp_path / "bank_transfers.csv"
    shutil.copy(october["payments"][0], bank)
    with open(bank, "a", encoding="utf-8") as fh:
        fh.write(RETURN)
    res = run_month(db, "2024-10", {**october, "payments": [bank, *october["payments"][1:]]})
    assert res.exit_code == 0, res.output

    assert query(
        db,
        "SELECT expected_amount, paid_amount, detail FROM flags "
        "WHERE period = '2024-10' AND code = 'PAYMENT_FAILED' AND vneid = '079152439908'",
    ) == [
        (
            0,
            8_158_000,
            "Payment of 10/10/2024 returned; no successful payment to this beneficiary in the period; "
            "nothing is due: the beneficiary is deceased",
        )
    ]
    assert query(db, "SELECT amount_at_stake FROM cases WHERE code = 'PAYMENT_FAILED' AND vneid = '079152439908'") == [
        (0,)
    ]
    failed = "SELECT amount FROM period_summary WHERE period = '2024-10' AND code = 'PAYMENT_FAILED'"
    assert query(db, failed) == query(plain, failed)
    assert october_money(db) == october_money(plain)
    # the September overpayment is still the one to recover, once
    assert query(db, "SELECT code, overpaid, outstanding FROM recoveries WHERE vneid = '079152439908'") == [
        ("PAID_AFTER_DEATH", 8_158_000, 8_158_000)
    ]


def test_an_overpayment_the_bank_returned_in_a_later_month_is_named_until_a_decision_records_it(
    sample_month, october, tmp_path
):
    """The recovery list of October still asked the family for the 8,158,000 VND the bank had sent
    back, and nothing said the money had come back. Each run names the case, the money and the month
    it came back in, until a decision records it as recovered; a later statement that repeats the
    return is the same money, come back once."""
    from test_cases_money import AMOUNT, decide

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    bank = tmp_path / "bank_transfers.csv"
    shutil.copy(october["payments"][0], bank)
    with open(bank, "a", encoding="utf-8") as fh:
        fh.write(RETURN)
    files = {**october, "payments": [bank, *october["payments"][1:]]}
    res = run_month(db, "2024-10", files)
    assert res.exit_code == 0, res.output
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND vneid = '079152439908'")[0]
    said = (
        f"reconcile: case {case_id}: 8,158,000 VND paid after a death or while inactive came back as returned in "
        "2024-10; the recovery lists ask for it until a decision records it as recovered (reconcile review import)"
    )
    assert said in res.stderr.splitlines()
    # November's statement overlaps October's last days and repeats the return: the same money, come back
    # once, in October. The run said 16,316,000 VND came back in 2024-11, and the October lists named none
    november = tmp_path / "bank_transfers_11.csv"
    text = october["payments"][0].read_text(encoding="utf-8")
    for month in ("/10/2024", "T10/2024", "FT202410"):
        text = text.replace(month, month.replace("10", "11", 1))
    november.write_text(text + RETURN, encoding="utf-8")
    registry = str(october["registry"][0])
    res = invoke(
        "run", "--period", "2024-11", "--db", str(db), "--registry", registry, "--payments", str(november), "--partial"
    )  # the post office's file not given: --partial
    assert res.exit_code == 0, res.output
    assert said in res.stderr.splitlines()
    actions = invoke("actions", "--period", "2024-10", "--db", str(db), "--out", str(tmp_path / "actions"))
    assert actions.exit_code == 0, actions.output
    assert said in actions.stderr.splitlines()
    assert (
        "came back"
        not in invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(tmp_path / "a9")).stderr
    )
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 8_158_000}).exit_code == 0
    again = run_month(db, "2024-10", files)
    assert again.exit_code == 0, again.output
    assert "came back as returned" not in again.stderr


def test_a_return_a_decision_recorded_is_not_named_while_a_later_overpayment_stays(sample_month, october, tmp_path):
    """The bank's return recorded as recovered by a decision, and the case still owing a later month's
    payment after the death: the runs and the action files still said the returned money came back and
    was asked for, though the decision held it. Named only while the decisions record less than came
    back."""
    from test_cases_money import AMOUNT, decide

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    bank = tmp_path / "bank_transfers.csv"
    shutil.copy(october["payments"][0], bank)
    with open(bank, "a", encoding="utf-8") as fh:  # the return, and October's payment to her, after her death
        fh.write(RETURN)
        fh.write(
            '998,FT20241000998,079152439908,VO THU NHUNG,VCB,0124634771396,"1,000,000",12/10/2024,Chuyển khoản,'
            "Thành công,Chi tra tro cap xa hoi T10/2024\n"
        )
    files = {**october, "payments": [bank, *october["payments"][1:]]}
    assert run_month(db, "2024-10", files).exit_code == 0
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND vneid = '079152439908'")[0]
    assert query(db, "SELECT overpaid FROM recoveries WHERE case_id = ?", [case_id]) == [(9_158_000,)]
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 8_000_000}).exit_code == 0
    less = run_month(db, "2024-10", files)  # less recorded than came back: still named
    assert f"reconcile: case {case_id}: 8,158,000 VND paid after a death" in less.stderr
    assert decide(db, case_id, tmp_path / "b.xlsx", Status="recovery", **{AMOUNT: 8_158_000}).exit_code == 0
    assert query(db, "SELECT outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [(1_000_000,)]
    actions = invoke("actions", "--period", "2024-10", "--db", str(db), "--out", str(tmp_path / "actions"))
    assert actions.exit_code == 0, actions.output
    assert "came back as returned" not in actions.stderr
