"""Money follow-up (issue 22) on a generated history of three months with known truth: the views
recoveries and arrears equal the truth files to the dong, a recovery recorded in the workbook lowers
what is outstanding, period_summary's and `reconcile trend`'s changes are exact, and `reconcile show`
finds a payment reference and an account in every period."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from dataclasses import fields
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.generate import GenerateConfig, Rates, generate
from reconcile.pipeline import RunConfig, run

RATES = Rates(**{f.name: getattr(Rates(), f.name) * 5 for f in fields(Rates)})
PERIODS = ["2024-09", "2024-10", "2024-11"]


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, Path]:
    """Three months of 2,000 beneficiaries (rates five times the defaults), run into one database."""
    out = tmp_path_factory.mktemp("history")
    generate(GenerateConfig(beneficiaries=2000, seed=7, out=out, months=3, formats=("parquet",), rates=RATES))
    db = out / "h.duckdb"
    for period in PERIODS:
        month = out / period
        run(
            RunConfig(
                period=period,
                registry=[month / "registry.parquet"],
                payments=[month / "payments_bank.parquet", month / "payments_post.parquet"],
                db=db,
            )
        )
    return out, db


def test_recoveries_are_the_overpayments_of_the_truth_to_the_dong(history):
    out, db = history
    truth = sorted(
        (r["code"], r["vneid"], r["program"], int(r["overpaid"])) for r in rows(out / "recoveries_truth.csv")
    )
    assert len(truth) > 20 and len({t[1] for t in truth}) > 10
    found = query(db, "SELECT code, vneid, program, overpaid FROM recoveries ORDER BY ALL")
    assert found == truth
    assert query(
        db, "SELECT count(*) FROM recoveries WHERE outstanding <> overpaid OR recovered <> 0 OR written_off <> 0"
    ) == [(0,)]
    by_province = query(db, "SELECT sum(cases), sum(overpaid), sum(outstanding) FROM recoveries_by_province")
    assert by_province == [(len(truth), sum(t[3] for t in truth), sum(t[3] for t in truth))]


def test_arrears_are_the_truth_as_of_the_last_month(history):
    out, db = history
    truth = sorted(
        (r["vneid"], r["program"], r["since_period"], int(r["months_unpaid"]), int(r["amount_owed"]))
        for r in rows(out / "arrears_truth.csv")
    )
    assert Counter(t[3] for t in truth).keys() >= {1, 2, 3}  # new, and two and three months running
    found = query(db, "SELECT vneid, program, since_period, months_unpaid, amount_owed FROM arrears ORDER BY ALL")
    assert found == truth
    assert {r[0] for r in query(db, "SELECT DISTINCT as_of_period FROM arrears")} == {"2024-11"}


OVERPAID_CODES = ("PAID_AFTER_DEATH", "PAID_WHILE_INACTIVE", "UNKNOWN_PAYEE", "DUPLICATE_PAYMENT")


def test_period_summary_and_trend_changes_are_exact(history):
    _, db = history
    counts = Counter((p, c) for p, c in query(db, "SELECT period, code FROM flags"))
    codes = [c for (c,) in query(db, "SELECT code FROM rules ORDER BY code")]
    summary = query(
        db,
        "SELECT period, code, findings, previous_period, previous_findings, change "
        "FROM period_summary ORDER BY period, code",
    )
    expected = []
    for i, period in enumerate(PERIODS):
        for code in codes:
            now = counts[(period, code)]
            before = counts[(PERIODS[i - 1], code)] if i else None
            expected.append(
                (period, code, now, PERIODS[i - 1] if i else None, before, None if before is None else now - before)
            )
    assert summary == expected
    res = invoke("trend", "--db", str(db), "--format", "json")
    assert res.exit_code == 0, res.output
    trend = json.loads(res.stdout)
    totals = [sum(counts[(p, c)] for c in codes) for p in PERIODS]
    assert [t["partial"] for t in trend] == [False] * 3
    assert [(t["period"], t["findings"], t["change"]) for t in trend] == [
        (PERIODS[0], totals[0], None),
        (PERIODS[1], totals[1], totals[1] - totals[0]),
        (PERIODS[2], totals[2], totals[2] - totals[1]),
    ]
    shares = query(
        db,
        "SELECT period, share_payments FROM noncash_share WHERE level = 'program' "
        "AND channel_group = 'all' AND program = 'welfare' ORDER BY period",
    )
    assert [(t["period"], t["welfare_noncash"]) for t in trend] == shares
    # the money in question, each đồng once though codes overlap on one person's money
    flags = query(db, "SELECT period, code, payment_id, registry_id, expected_amount, paid_amount FROM flags")
    money = []
    for period in PERIODS:
        mine = [f for f in flags if f[0] == period]
        out = {pid: paid or 0 for _, code, pid, _, _, paid in mine if code in OVERPAID_CODES}
        second = Counter()  # per beneficiary, their payments counted above: each once
        for rid, _, paid in {(r, p, a) for _, c, p, r, _, a in mine if c in OVERPAID_CODES and c != "UNKNOWN_PAYEE"}:
            second[rid] += paid or 0
        differ = sum(
            max(0, abs((paid or 0) - (due or 0)) - (second[rid] if (paid or 0) > (due or 0) else 0))
            for _, code, _, rid, due, paid in mine
            if code == "AMOUNT_MISMATCH"
        )
        unpaid = {rid: due or 0 for _, code, _, rid, due, _ in mine if code in ("MISSING_PAYMENT", "PAYMENT_FAILED")}
        money.append(sum(out.values()) + differ + sum(unpaid.values()))
    by_code = [sum(a for (a,) in query(db, "SELECT amount FROM period_summary WHERE period = ?", [p])) for p in PERIODS]
    assert [t["amount"] for t in trend] == money
    assert any(m < c for m, c in zip(money, by_code))  # the history has money under two codes


def test_a_recovery_recorded_in_the_workbook_lowers_what_is_outstanding(history, tmp_path):
    _, shared = history
    db = tmp_path / "h.duckdb"
    shutil.copyfile(shared, db)
    case_id, overpaid = query(
        db,
        "SELECT case_id, overpaid FROM recoveries WHERE last_period = '2024-11' "
        "ORDER BY overpaid DESC, case_id LIMIT 1",
    )[0]
    book = tmp_path / "nov.xlsx"
    assert (
        invoke("report", "--period", "2024-11", "--db", str(db), "--report", str(book), "--lang", "en").exit_code == 0
    )
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("Case id") + 1).value == case_id)
    ws.cell(row, header.index("Status") + 1).value = "recovery"
    ws.cell(row, header.index("Amount recovered or written off (VND)") + 1).value = 1_000_000
    wb.save(tmp_path / "decided.xlsx")
    res = invoke("review", "import", str(tmp_path / "decided.xlsx"), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT recovered, written_off, outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [
        (1_000_000, 0, overpaid - 1_000_000)
    ]
    assert query(db, "SELECT sum(recovered) FROM recoveries_by_province") == [(1_000_000,)]


def test_show_finds_a_payment_reference_and_an_account_in_every_period(history):
    _, db = history
    ref, account = query(
        db,
        "SELECT payment_ref, account_number FROM payments WHERE period = '2024-10' "
        "AND account_number IS NOT NULL ORDER BY payment_ref LIMIT 1",
    )[0]
    res = invoke("show", "--db", str(db), "--payment-ref", ref, "--format", "json")
    assert res.exit_code == 0, res.output
    found = json.loads(res.stdout)
    assert [p["payment_ref"] for p in found["payments"]] == [ref]
    res = invoke("show", "--db", str(db), "--account", account, "--format", "json")
    found = json.loads(res.stdout)
    paid = query(db, "SELECT period, payment_ref FROM payments WHERE account_number = ? ORDER BY ALL", [account])
    assert sorted((p["period"], p["payment_ref"]) for p in found["payments"]) == paid
    assert len(paid) >= 2  # the same account paid month after month
    assert {r["account_number"] for r in found["registry"]} == {account}
