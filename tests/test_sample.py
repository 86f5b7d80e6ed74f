"""The sample month in fixtures/sample is what reconcile.sample writes, and reconciles to its truth."""

from __future__ import annotations

import csv
import os

import duckdb
import openpyxl
import pytest

from conftest import FIXTURES
from reconcile.sample import BANK_FILE, POST_FILE, REGISTRY_FILE, TRUTH_FILE, write_sample_month

SAMPLE = FIXTURES / "sample"


def _cells(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_fixtures_sample_is_what_the_generator_writes(tmp_path):
    write_sample_month(tmp_path)
    for name in (REGISTRY_FILE, BANK_FILE, TRUTH_FILE):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), (
            f"{name} drifted; regenerate with `make fixtures`"
        )
    assert _cells(tmp_path / POST_FILE) == _cells(SAMPLE / POST_FILE)


@pytest.fixture(scope="module")
def sample_db(sample_month):
    return sample_month.db, sample_month.result


def test_sample_month_findings_equal_the_truth_file(sample_db):
    db, _ = sample_db
    with duckdb.connect(str(db), read_only=True) as con:
        got = sorted(
            (c, v or "", r or "", os.path.basename(f), str(n))
            for c, v, r, f, n in con.execute(
                "SELECT code, vneid, payment_ref, source_file, source_row FROM flags"
            ).fetchall()
        )
    with open(SAMPLE / TRUTH_FILE, encoding="utf-8") as fh:
        want = sorted(
            (d["code"], d["vneid"], d["payment_ref"], d["source_file"], d["source_row"]) for d in csv.DictReader(fh)
        )
    assert got == want


def test_sample_month_has_every_finding(sample_db):
    from reconcile.rules import catalogue

    _, result = sample_db
    assert sorted(result.flag_counts) == sorted(r.code for r in catalogue())


def test_sample_month_accounts_for_every_row(sample_db):
    _, result = sample_db
    by_file = {
        os.path.basename(i.path): (i.rows_read, i.rows_loaded, i.rows_rejected, i.ids_restored) for i in result.inputs
    }
    assert by_file == {
        REGISTRY_FILE: (301, 300, 1, 0),
        BANK_FILE: (295, 294, 1, 0),
        POST_FILE: (6, 6, 0, 6),
    }
