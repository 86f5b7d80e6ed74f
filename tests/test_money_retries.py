"""A payment the bank tried again in its month and that failed again is one payment: the
beneficiary's entitlement is at stake once (cases.amount_at_stake, period_summary), as the re-issue
list has one row, its last attempt. Lê Thị Ngọc Ánh's September payment of 1.500.000 failed on
05/09/2024 and its retry on 07/09/2024 failed too; Võ Văn Bảy's failed once; both paid since
(the months of tests/test_cases_reopen_rerun.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from test_cases_reopen_rerun import FAILED, ONCE, invoke, month_files, paid, query, reconciled_months, run


@pytest.fixture(scope="module")
def retried(tmp_path_factory) -> Path:
    return reconciled_months(tmp_path_factory.mktemp("retries"))


def test_two_failed_attempts_are_two_findings_and_one_entitlement_at_stake(retried):
    assert query(
        retried,
        "SELECT vneid, payment_ref, expected_amount FROM flags WHERE code = 'PAYMENT_FAILED' ORDER BY payment_ref",
    ) == [
        (FAILED, "FT20240900071", 1_500_000),
        (FAILED, "FT20240900072", 1_500_000),
        (ONCE, "FT20240900081", 1_500_000),
    ]
    assert query(
        retried,
        "SELECT vneid, flags, periods_flagged, amount_at_stake FROM cases WHERE code = 'PAYMENT_FAILED' ORDER BY vneid",
    ) == [(FAILED, 2, 1, 1_500_000), (ONCE, 1, 1, 1_500_000)]
    assert query(
        retried, "SELECT period, findings, amount FROM period_summary WHERE code = 'PAYMENT_FAILED' ORDER BY period"
    ) == [("2024-09", 3, 3_000_000), ("2024-10", 0, 0), ("2024-11", 0, 0)]
    # the first attempt names the last, whose money counts, as the re-issue list's row is the last
    assert query(
        retried,
        "SELECT r.period, r.code, r.payment_ref, r.counted_period, c.payment_ref FROM flag_repeats AS r "
        "JOIN flags AS c ON c.period = r.counted_period AND c.flag_id = r.counted_flag_id",
    ) == [("2024-09", "PAYMENT_FAILED", "FT20240900071", "2024-09", "FT20240900072")]


def test_the_re_issue_list_has_the_last_attempt_once(retried, tmp_path):
    res = invoke("actions", "--period", "2024-09", "--db", str(retried), "--out", str(tmp_path / "a"), "--lang", "en")
    assert res.exit_code == 0, res.output
    with open(tmp_path / "a" / "reissue_BIDV.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted((r["Personal ID"], r["Amount (VND)"], r["Original payment reference"]) for r in rows) == [
        (FAILED, "1500000", "FT20240900072"),
        (ONCE, "1500000", "FT20240900081"),
    ]


def test_failed_attempts_an_overlapping_statement_repeats_are_counted_once_in_all(tmp_path):
    """October's statement repeats both September attempts, and Lê Thị Ngọc Ánh is not paid in October:
    each copy names September's last attempt, and no finding is named twice."""
    db = tmp_path / "m.duckdb"
    for period in ("2024-09", "2024-10"):
        files = month_files(tmp_path, period)
        if period == "2024-10":
            bank = files["payments"][0]
            text = bank.read_text(encoding="utf-8").replace(paid("FT20241000007", FAILED, "05/10/2024"), "")
            september = paid("FT20240900071", FAILED, "05/09/2024", "failed", "Tai khoan bi khoa")
            september += paid("FT20240900072", FAILED, "07/09/2024", "failed", "Tai khoan bi khoa")
            bank.write_text(text + september, encoding="utf-8")
        run(db, period, files)
    assert query(
        db,
        "SELECT r.period, r.payment_ref, r.counted_period, c.payment_ref FROM flag_repeats AS r "
        "JOIN flags AS c ON c.period = r.counted_period AND c.flag_id = r.counted_flag_id ORDER BY ALL",
    ) == [
        ("2024-09", "FT20240900071", "2024-09", "FT20240900072"),
        ("2024-10", "FT20240900071", "2024-09", "FT20240900072"),
        ("2024-10", "FT20240900072", "2024-09", "FT20240900072"),
    ]
    assert query(
        db, "SELECT flags, amount_at_stake FROM cases WHERE code = 'PAYMENT_FAILED' AND vneid = ?", [FAILED]
    ) == [(4, 1_500_000)]
    assert query(
        db, "SELECT period, findings, amount FROM period_summary WHERE code = 'PAYMENT_FAILED' ORDER BY period"
    ) == [("2024-09", 3, 3_000_000), ("2024-10", 2, 0)]


def test_a_payment_is_sent_again_where_the_registry_pays_the_beneficiary_now(tmp_path):
    """September's transfers to Lê Thị Ngọc Ánh and Võ Văn Bảy failed (an account locked, a wrong
    number); October's registry pays her in cash and him into a new account at VCB, and neither is
    paid in October. The re-issue list as of October sent both again to the BIDV accounts that had
    failed, with no word of the registry's: now each is in the file of where the registry pays them,
    and the reason says where the payment had gone."""
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    files = month_files(tmp_path, "2024-10")
    registry, bank = files["registry"][0], files["payments"][0]
    text = registry.read_text(encoding="utf-8")
    text = text.replace(f"bank,BIDV,01234{FAILED[-8:]}", "cash,,").replace(
        f"bank,BIDV,01234{ONCE[-8:]}", "bank,VCB,0099887766"
    )
    registry.write_text(text, encoding="utf-8")
    october = bank.read_text(encoding="utf-8")
    october = october.replace(paid("FT20241000007", FAILED, "05/10/2024"), "")
    bank.write_text(october.replace(paid("FT20241000008", ONCE, "05/10/2024"), ""), encoding="utf-8")
    run(db, "2024-10", files)
    res = invoke("actions", "--period", "2024-10", "--db", str(db), "--out", str(tmp_path / "a"), "--lang", "en")
    assert res.exit_code == 0, res.output
    got = {}
    for name in ("reissue_VNPOST.csv", "reissue_VCB.csv"):
        with open(tmp_path / "a" / name, encoding="utf-8-sig") as fh:
            got[name] = [
                (r["Personal ID"], r["Account number"], r["Bank"], r["Original payment reference"], r["Reason"])
                for r in csv.DictReader(fh)
            ]
    assert got == {
        "reissue_VNPOST.csv": [
            (FAILED, "", "VNPOST", "FT20240900072", "failed: Tai khoan bi khoa; the registry of 2024-10 pays in cash, "
             f"not into 01234{FAILED[-8:]} where this payment went"),
        ],
        "reissue_VCB.csv": [
            (ONCE, "0099887766", "VCB", "FT20240900081", "failed: Sai so tai khoan; sent to the account the registry "
             f"of 2024-10 gives, not to 01234{ONCE[-8:]} where this payment went"),
        ],
    }  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "a").glob("reissue_*.csv")) == ["reissue_VCB.csv", "reissue_VNPOST.csv"]
