"""The bad-input corpus (tests/bad_inputs.py): every case gives exactly its expected outcome, never a
traceback; a refused file leaves the database as it was; no ID or account number reaches the output."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil

import duckdb
import pytest
from click.testing import CliRunner

from bad_inputs import BEGIN, CASES, REPO, SAMPLE, paid_registry, readme_with_table
from reconcile.cli import cli
from reconcile.pipeline import RunConfig, run


def _column(name: str, header: str) -> set[str]:
    with open(SAMPLE / name, encoding="utf-8-sig", newline="") as fh:
        return {row[header] for row in csv.DictReader(fh) if row[header]}


# IDs and account numbers (every run of 9 or more digits) and names of the files the cases are built from
PERSONAL = sorted(
    {
        run_
        for name in ("registry.csv", "bank_transfers.csv")
        for run_ in re.findall(r"(?<!\d)\d{9,}(?!\d)", (SAMPLE / name).read_text(encoding="utf-8-sig"))
    }
    | _column("registry.csv", "Họ và tên")
    | _column("bank_transfers.csv", "Tên người thụ hưởng")
)


def content(db) -> str:
    digest = hashlib.sha256()
    with duckdb.connect(str(db), read_only=True) as con:
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            digest.update(table.encode())
            for row in sorted(repr(r) for r in con.execute(f'SELECT * FROM "{table}"').fetchall()):
                digest.update(row.encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A database holding the sample month, which a refused file must leave as it was."""
    db = tmp_path_factory.mktemp("base") / "r.duckdb"
    payments = [SAMPLE / "bank_transfers.csv", SAMPLE / "post_office_cash.xlsx"]
    run(RunConfig(period="2024-09", registry=[SAMPLE / "registry.csv"], payments=payments, db=db))
    return db, content(db)


@pytest.mark.slow  # a run of the command line per case of the corpus
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, base, tmp_path):
    db = tmp_path / "r.duckdb"
    shutil.copy(base[0], db)
    before = db.read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    path = case.build(folder)
    others = [build(folder) for build in case.others]
    if case.kind == "payments":  # with the registry of the people the month's payment files pay
        files = [
            "--registry",
            paid_registry(folder),
            *[a for o in others for a in ("--payments", o)],
            "--payments",
            path,
        ] + (["--payments", path] * case.twice)
    else:  # a registry of a few rows against the sample's bank file: most of its payments match no one,
        # which the month's guards would refuse (max_unmatched, max_unmatched_month); here the registry's rows
        # are the test
        config = tmp_path / "c.toml"
        config.write_text("[checks]\nmax_unmatched = 1\nmax_unmatched_month = 1\n", encoding="utf-8")
        files = ["--registry", path, "--payments", SAMPLE / "bank_transfers.csv", "--config", config]
    res = CliRunner().invoke(cli, ["run", "--period", "2024-09", "--db", db, *map(str, files)])
    output = res.stdout + res.stderr
    own = (
        re.findall(r"\d{9,}", path.read_bytes().decode("utf-8", errors="ignore"))
        if path.is_file() and path.stat().st_size < 1 << 20
        else []
    )
    assert "Traceback" not in output and not [i for i in PERSONAL + own if i in output]
    assert res.exit_code == case.exit, output
    if case.exit:
        message = case.message.format(file=path, others=others)
        assert res.stderr.splitlines()[-1] == (
            f"reconcile: error: {path}: {message}" if case.names_file else f"reconcile: error: {message}"
        )
        assert db.read_bytes() == before  # byte for byte as it was
        assert content(db) == base[1]
        return
    with duckdb.connect(str(db), read_only=True) as con:
        file_ids, restored, accounts, control = con.execute(
            "SELECT list(file_id ORDER BY file_id), sum(ids_restored), sum(accounts_restored), max(control_amount) "
            "FROM inputs WHERE path = ? AND skipped IS NULL",
            [str(path)],
        ).fetchone()
        assert (
            con.execute(
                "SELECT source_row, reason FROM rejected_rows WHERE list_contains(?, file_id) "
                "ORDER BY source_sheet, source_row",
                [file_ids],
            ).fetchall()
            == case.rejected
        )
        flags = con.execute(
            "SELECT code, source_row FROM flags WHERE source_file = ? ORDER BY source_sheet, source_row, code",
            [str(path)],
        ).fetchall()
    first_bad = case.header_row + 5  # the header, then four good rows
    good = [("OUT_OF_PERIOD", case.header_row + 1), ("PAYMENT_FAILED", case.header_row + 4)]
    assert flags == (good if case.kind == "payments" and case.good_rows else []) + case.flags
    assert not case.good_rows or all(row >= first_bad for _, row in case.flags)
    assert (restored, accounts, control) == (case.restored, case.accounts, case.control)


def test_the_corpus_is_large_enough_and_every_case_named_once():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


def test_the_docs_list_every_outcome():
    page = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    assert BEGIN in page
    assert page == readme_with_table(page), "docs/formats.md's bad-input table is stale; run `make docs`"
