"""A payment after a death or while inactive that the auditor explained: the workbook's drop-down says
'explained: explained, nothing to recover' (the registry's date of death was wrong, say). It is no
overpayment to recover: not in the recoveries view, their totals, nor the recovery lists."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import copy_of
from test_cases import invoke, query
from test_cases_money import OVERPAID, decide


@pytest.fixture()
def pensioner(sample_month, tmp_path) -> tuple[Path, str]:
    """A copy of the sample month's database and the case of the pensioner paid after her recorded death."""
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'pension'")[0]
    return db, case_id


@pytest.fixture(scope="module")
def explained_once(sample_month, tmp_path_factory) -> tuple[Path, str]:
    """The sample month with the welfare beneficiary's case (paid 1,000,000 VND after her recorded death)
    explained and closed from September's book; made once for the module, each test takes a copy."""
    folder = tmp_path_factory.mktemp("explained")
    db = copy_of(sample_month.db, folder / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'")[0]
    assert decide(db, case_id, folder / "a.xlsx", Status="explained", Decision="đã xác minh").exit_code == 0
    assert decide(db, case_id, folder / "b.xlsx", Status="closed").exit_code == 0
    return db, case_id


@pytest.fixture()
def explained(explained_once, tmp_path) -> tuple[Path, str]:
    db, case_id = explained_once
    return copy_of(db, tmp_path / "r.duckdb"), case_id


def listed(db: Path, case_id: str, out: Path) -> list[dict]:
    """The rows of `reconcile actions --period 2024-09`'s recovery lists that name the case."""
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out), "--lang", "en")
    assert res.exit_code == 0, res.output
    return [
        r
        for f in out.glob("recovery_*.csv")
        for r in csv.DictReader(f.open(encoding="utf-8-sig"))
        if case_id in r.values()
    ]


def overpayments_in_book(db: Path, period: str, book: Path) -> list[tuple]:
    """The rows of the workbook's summary section of overpayments to recover, the period's book written now."""
    import openpyxl

    res = invoke("report", "--period", period, "--db", str(db), "--report", str(book), "--lang", "en")
    assert res.exit_code == 0, res.output
    rows = list(openpyxl.load_workbook(book)["Summary"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith("Overpayments to recover"))
    end = next(i for i in range(at + 2, len(rows)) if rows[i][0] == "Total")
    return [tuple(r[:6]) for r in rows[at + 2 : end + 1]]


def test_an_explained_case_is_no_overpayment_to_recover_until_it_is_put_back_into_recovery(pensioner, tmp_path):
    """The pensioner paid 8,158,000 VND after her recorded death, explained: she is alive, the commune
    confirmed it. The recoveries view still had 8,158,000 outstanding, and `reconcile actions` wrote a
    recovery demand for it to her bank."""
    db, case_id = pensioner
    assert len(listed(db, case_id, tmp_path / "before")) == 1
    totals = "SELECT sum(overpaid), sum(outstanding) FROM recoveries_by_province WHERE program = 'pension'"
    (before,) = query(db, totals)
    decision = "ngày mất ghi sai; UBND xã xác nhận đối tượng còn sống"
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="explained", Decision=decision).exit_code == 0
    assert query(db, "SELECT count(*) FROM recoveries WHERE case_id = ?", [case_id]) == [(0,)]
    assert query(db, totals) == [(before[0] - OVERPAID, before[1] - OVERPAID)]
    assert listed(db, case_id, tmp_path / "explained") == []
    # closed as explained: still nothing to recover
    assert decide(db, case_id, tmp_path / "b.xlsx", Status="closed").exit_code == 0
    assert query(db, "SELECT count(*) FROM recoveries WHERE case_id = ?", [case_id]) == [(0,)]
    # looked at again, and to recover after all: owed again
    assert decide(db, case_id, tmp_path / "c.xlsx", Status="in_review").exit_code == 0
    assert decide(db, case_id, tmp_path / "d.xlsx", Status="recovery").exit_code == 0
    assert query(db, "SELECT status, overpaid, outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [
        ("recovery", OVERPAID, OVERPAID)
    ]
    (row,) = listed(db, case_id, tmp_path / "owed")
    assert row["Outstanding (VND)"] == str(OVERPAID)


def test_a_case_closed_as_explained_and_reopened_owes_only_the_money_paid_since(explained, october, tmp_path):
    """The welfare beneficiary paid 1,000,000 VND after her recorded death in September, explained and
    closed from September's book; October pays her again and the run reopens the case. The recoveries
    view showed 2,000,000 outstanding, September's explained money owed again: only October's is at
    stake. As of September nothing is owed (the decision stood then), whatever October's run did."""
    from test_cases import run_month

    db, case_id = explained
    assert listed(db, case_id, tmp_path / "before") == []
    september = overpayments_in_book(db, "2024-09", tmp_path / "september.xlsx")
    res = run_month(db, "2024-10", october)
    assert res.exit_code == 0, res.output
    assert "1 closed case flagged again and reopened" in res.stderr
    assert query(
        db, "SELECT status, overpaid, recovered, written_off, outstanding FROM recoveries WHERE case_id = ?", [case_id]
    ) == [("open", 1_000_000, 0, 0, 1_000_000)]
    assert query(db, "SELECT amount_at_stake, periods_flagged FROM cases WHERE case_id = ?", [case_id]) == [
        (1_000_000, 2)
    ]
    # October's recovery list asks for October's money; September's, as it stood, for none
    out = tmp_path / "october"
    assert invoke("actions", "--period", "2024-10", "--db", str(db), "--out", str(out), "--lang", "en").exit_code == 0
    mine = [
        r
        for f in out.glob("recovery_*.csv")
        for r in csv.DictReader(f.open(encoding="utf-8-sig"))
        if case_id in r.values()
    ]
    assert [(r["Overpaid (VND)"], r["Outstanding (VND)"]) for r in mine] == [("1000000", "1000000")]
    assert listed(db, case_id, tmp_path / "after") == []
    # the workbooks' overpayments: September's as it was; October's as the recoveries view has them
    assert overpayments_in_book(db, "2024-09", tmp_path / "september-again.xlsx") == september
    view = query(
        db,
        "SELECT count(*), sum(overpaid), sum(recovered), sum(written_off), sum(outstanding) FROM recoveries "
        "WHERE program = 'welfare'",
    )
    assert [
        r[1:6] for r in overpayments_in_book(db, "2024-10", tmp_path / "october.xlsx") if r[0] == "Social assistance"
    ] == view
    # put into recovery for October's money: 1,000,000 is all there is to recover
    over = decide(
        db, case_id, tmp_path / "c.xlsx", Status="recovery", **{"Amount recovered or written off (VND)": 1_500_000}
    )
    assert over.exit_code == 2 and "more than the case's amount at stake" in over.output


def test_a_case_closed_as_explained_and_reopened_by_a_re_run_of_its_month_owes_only_the_payment_added(
    explained, tmp_path
):
    """The welfare case explained and closed from September's book; the bank's corrected September file
    adds a second payment to her, 600,000 VND, and the re-run reopens the case. What is owed is that
    payment: the 1,000,000 the auditor explained is not (1,600,000 was outstanding)."""
    from conftest import SAMPLE
    from test_cases import run_month

    db, case_id = explained
    text = (SAMPLE / "bank_transfers.csv").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if ",FT20240900016," in x)
    added = line.split(",", 1)[1].replace("FT20240900016", "FT20240900099").replace('"1,000,000"', '"600,000"')
    bank = tmp_path / "bank_transfers.csv"
    bank.write_text(f"{text.rstrip()}\n{len(text.splitlines())},{added}\n", encoding="utf-8")
    res = run_month(
        db, "2024-09", {"registry": [SAMPLE / "registry.csv"], "payments": [bank, SAMPLE / "post_office_cash.xlsx"]}
    )
    assert res.exit_code == 0, res.output
    assert "1 closed case flagged again and reopened" in res.stderr
    assert query(db, "SELECT status, overpaid, outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [
        ("open", 600_000, 600_000)
    ]
    assert [(r["Overpaid (VND)"], r["Outstanding (VND)"]) for r in listed(db, case_id, tmp_path / "out")] == [
        ("600000", "600000")
    ]


def test_a_re_run_of_the_explained_month_that_corrects_the_amount_owes_only_what_it_added(explained, tmp_path):
    """The welfare case explained (1,000,000 VND paid after her recorded death) and closed from
    September's book; the bank's corrected September file says that payment was 1,600,000, and the
    re-run reopens the case. Owed is the 600,000 added: the whole 1,600,000 was outstanding, the
    explained 1,000,000 owed again. A second correction, to 1,800,000, owes 800,000: the case stayed
    open with nothing at stake (its new finding taken for one the auditor had explained)."""
    from conftest import SAMPLE
    from test_cases import run_month

    db, case_id = explained
    text = (SAMPLE / "bank_transfers.csv").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if ",FT20240900016," in x)
    for paid, owed, said in (
        (1_600_000, 600_000, "1 closed case flagged again and reopened"),
        (1_800_000, 800_000, ""),
    ):
        bank = tmp_path / f"bank_transfers_{paid}.csv"
        bank.write_text(text.replace(line, line.replace('"1,000,000"', f'"{paid:,}"')), encoding="utf-8")
        res = run_month(
            db, "2024-09", {"registry": [SAMPLE / "registry.csv"], "payments": [bank, SAMPLE / "post_office_cash.xlsx"]}
        )
        assert res.exit_code == 0, res.output
        assert said in res.stderr
        assert query(db, "SELECT status, overpaid, outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [
            ("open", owed, owed)
        ]
        assert query(db, "SELECT amount_at_stake FROM cases WHERE case_id = ?", [case_id]) == [(owed,)]
        out = tmp_path / f"out_{paid}"
        assert [(r["Overpaid (VND)"], r["Outstanding (VND)"]) for r in listed(db, case_id, out)] == [
            (str(owed), str(owed))
        ]
    assert query(db, "SELECT count(*) FROM case_events WHERE case_id = ? AND action = 'reopened'", [case_id]) == [(1,)]


def test_a_database_an_earlier_version_wrote_with_its_cases_gains_the_macro_of_what_was_explained(pensioner, tmp_path):
    """A database with cases written before views.sql had rc_explained_flags (the findings a case had
    explained before a run reopened it): `reconcile actions` and `reconcile report`, which call it, bring
    the database up to this version's views first, as a run would, and list what they listed before."""
    import duckdb

    db, case_id = pensioner
    notice = f"reconcile: {db} brought up to this version's tables (cases, their events and views)"
    before = listed(db, case_id, tmp_path / "before")
    assert [r["Outstanding (VND)"] for r in before] == [str(OVERPAID)]
    for write in ("actions", "report"):
        with duckdb.connect(str(db)) as con:
            con.execute("DROP MACRO TABLE rc_explained_flags")
        if write == "actions":
            res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(tmp_path / "after"))
            assert res.exit_code == 0, res.output
            assert listed(db, case_id, tmp_path / "after") == before
        else:
            res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(tmp_path / "r.xlsx"))
            assert res.exit_code == 0, res.output
        assert notice in res.stderr
        assert query(db, "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'rc_explained_flags'") == [(1,)]
    # brought up to date, it is not again
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(tmp_path / "again"))
    assert res.exit_code == 0 and notice not in res.stderr
