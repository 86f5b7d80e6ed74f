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
