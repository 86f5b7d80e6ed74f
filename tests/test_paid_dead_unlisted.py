"""A beneficiary the registry listed as dead, dropped from the next month's registry, and paid again:
the month's rules see its registry alone, so the payment is an UNKNOWN_PAYEE, not the PAID_AFTER_DEATH
it is, and its money is in no recovery. The run says so from the registry of earlier months, and keeps
it with its warnings (runs.warnings, the workbook's summary). Trần Văn Hùng died on 15/08/2024 (the
months of tests/test_cases_reopen_rerun.py); the bank pays him in September and October."""

from __future__ import annotations

import json

from test_cases_reopen_rerun import DEAD, month_files, paid, person, query, run


def test_a_payment_to_a_dead_man_the_registry_dropped_is_said_to_be_money_paid_after_death(tmp_path):
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    files = month_files(tmp_path, "2024-10")
    registry = files["registry"][0]
    registry.write_text(
        "".join(line for line in registry.read_text(encoding="utf-8").splitlines(True) if DEAD not in line),
        encoding="utf-8",
    )
    res = run(db, "2024-10", files)
    said = (
        "1 of the month's payments (1,500,000 VND) went to the IDs of beneficiaries the registry of 2024-09 or "
        "earlier lists as dead, whom this month's registry no longer lists: each is an UNKNOWN_PAYEE here, but "
        "money paid after death; check each with reconcile show, and recover it"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    assert query(db, "SELECT period, code FROM flags WHERE vneid = ? ORDER BY period", [DEAD]) == [
        ("2024-09", "PAID_AFTER_DEATH"),
        ("2024-10", "UNKNOWN_PAYEE"),
    ]
    (warnings,) = query(db, "SELECT warnings FROM runs WHERE period = '2024-10'")[0]
    assert json.loads(warnings) == [{"message": said, "programs": []}]
    # September's run, with no month before it in the database, says nothing of the kind
    assert query(db, "SELECT warnings FROM runs WHERE period = '2024-09'") == [(None,)]
    assert paid("FT20241000002", DEAD, "05/10/2024") in files["payments"][0].read_text(encoding="utf-8")


def test_earlier_months_paid_after_a_death_the_registry_reports_late_are_said(tmp_path):
    """Nguyễn Thị Lan 1 died on 20/09/2024, and the registries of September and October still said
    active; November's is the first to report it. Paid on 5 October and 5 November: only November's
    payment was a PAID_AFTER_DEATH, and October's money was in no recovery, unsaid. The run of November
    says so, and keeps it with its warnings."""
    db = tmp_path / "m.duckdb"
    late = "001045000101"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    run(db, "2024-10", month_files(tmp_path, "2024-10"))
    files = month_files(tmp_path, "2024-11")
    registry = files["registry"][0]
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(person(late), person(late, "deceased", "20/09/2024")),
        encoding="utf-8",
    )
    res = run(db, "2024-11", files)
    said = (
        "1 payment of earlier months (1,500,000 VND, 2024-10) went to beneficiaries whom this month's registry "
        "reports dead before them: their months' registries did not say so, so none is a PAID_AFTER_DEATH and the "
        "money is in no recovery; check each with reconcile show, and recover it"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    assert query(db, "SELECT period, code FROM flags WHERE vneid = ? ORDER BY period", [late]) == [
        ("2024-11", "PAID_AFTER_DEATH")
    ]
    (warnings,) = query(db, "SELECT warnings FROM runs WHERE period = '2024-11'")[0]
    assert {"message": said, "programs": []} in json.loads(warnings)


def test_a_payment_this_month_s_statement_holds_again_and_flags_is_not_said_to_be_in_no_recovery(tmp_path):
    """Lan's death on 20/09 reported by October's registry; her payment of 28/09 is in September's file and
    again in October's (the statement starts on the 26th). October flags that row PAID_AFTER_DEATH and the
    recoveries count its money once; the run said the same payment was in no recovery and to recover it,
    which would reclaim it twice."""
    db = tmp_path / "m.duckdb"
    late = "001045000101"
    again = paid("FT20240900928", late, "28/09/2024")
    run(db, "2024-09", month_files(tmp_path, "2024-09", extra=again))
    files = month_files(tmp_path, "2024-10", extra=again)
    registry = files["registry"][0]
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(person(late), person(late, "deceased", "20/09/2024")),
        encoding="utf-8",
    )
    res = run(db, "2024-10", files)
    assert not [line for line in res.stderr.splitlines() if "payment of earlier months" in line], res.stderr
    flagged = "SELECT payment_ref FROM flags WHERE period = '2024-10' AND code = 'PAID_AFTER_DEATH' AND vneid = ?"
    assert query(db, flagged + " ORDER BY 1", [late]) == [("FT20240900928",), ("FT20241000101",)]
    assert query(db, "SELECT overpaid FROM recoveries WHERE vneid = ?", [late]) == [(3_000_000,)]


def test_a_return_of_last_month_s_payment_to_someone_paid_this_month_is_said(tmp_path):
    """September's transfer to Nguyễn Thị Lan 1 came back in October's statement (the bank's return,
    dated 2 October, naming September's reference), beside her own October payment. No finding said
    so: October's payment paid her, and the re-issue list and the arrears counted September as paid.
    October's run says so, with the money and the month it came from."""
    db = tmp_path / "m.duckdb"
    lan = "001045000101"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    back = paid("FT202409001" + lan[-2:], lan, "02/10/2024", "returned", "Hoan tra TK da dong")
    files = month_files(tmp_path, "2024-10", extra=back)
    res = run(db, "2024-10", files)
    said = (
        "1 return in this month's files brings back a payment of an earlier month (1,500,000 VND, 2024-09) to a "
        "beneficiary this month pays: no finding, arrears or re-issue list is of that money; check it with reconcile "
        "show, and send it again if it is owed"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    assert query(db, "SELECT period, status FROM payments WHERE vneid = ? ORDER BY period, status", [lan]) == [
        ("2024-09", "success"),
        ("2024-10", "returned"),
        ("2024-10", "success"),
    ]
