"""Under --mask-ids the terminal names a file, folder or sheet named after a person as the masked
workbook does, with the ID's last four digits: the run's table of files, its notes, progress and errors
(issue 18). The amounts on the terminal stay whole."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from conftest import FIXTURES, SAMPLE_FILES
from reconcile.cli import cli

NAMED, SHEET, FOLDER = "079196118125", "001040951508", "001168070156"  # the sample's own IDs


def month(tmp_path):
    folder = tmp_path / f"ho_so_{FOLDER}"
    folder.mkdir(parents=True)
    pay = folder / f"{NAMED}_T9.csv"
    pay.write_bytes((FIXTURES / "sample" / "bank_transfers.csv").read_bytes())
    post = openpyxl.load_workbook(SAMPLE_FILES["payments"][1])
    post.worksheets[0].title = SHEET
    post.create_sheet("ghi chu")  # a second sheet, so that the table names the first by its name
    post.save(folder / "post.xlsx")
    return ["--registry", str(FIXTURES / "sample" / "registry.csv"), "--payments", str(pay), str(folder / "post.xlsx")]


def run(tmp_path, *extra):
    files = month(tmp_path)
    db, book = tmp_path / f"{NAMED}.duckdb", tmp_path / f"bao_cao_{NAMED}.xlsx"
    args = ["run", "--period", "2024-09", *files, "--db", str(db), "--report", str(book), *extra]
    return CliRunner().invoke(cli, args)


def test_the_terminal_of_a_masked_run_names_no_file_after_an_id(tmp_path):
    res = run(tmp_path, "--mask-ids")
    assert res.exit_code == 0, res.output
    shown = res.stdout + res.stderr
    assert [i for i in (NAMED, SHEET, FOLDER) if i in shown] == []
    table = [w[0] for w in map(str.split, res.stdout.splitlines()) if w[1:2] == ["payments"] and "." in w[0]]
    assert table == [
        f"{tmp_path}/ho_so_********0156/********8125_T9.csv",
        f"{tmp_path}/ho_so_********0156/post.xlsx",
    ]
    assert (
        f"{tmp_path}/ho_so_********0156/post.xlsx: sheet 'ghi chu' skipped (is empty); read '********1508'"
        in res.stderr
    )
    assert f"workbook {tmp_path}/bao_cao_********8125.xlsx (" in res.stderr
    assert f"Database: {tmp_path}/********8125.duckdb" in res.stdout
    assert "Due 1,075,411,000 VND to active beneficiaries" in res.stdout  # amounts whole


def test_an_error_of_a_masked_run_names_the_file_masked(tmp_path):
    missing = tmp_path / f"{NAMED}_T10.csv"
    registry = str(FIXTURES / "sample" / "registry.csv")
    args = ["run", "--period", "2024-09", "--registry", registry, "--payments", str(missing)]
    res = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "r.duckdb"), "--mask-ids"])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {tmp_path}/********8125_T10.csv: file not found; check the path"
    )


def test_without_mask_ids_the_terminal_names_files_whole_even_after_a_masked_run(tmp_path):
    assert run(tmp_path / "masked", "--mask-ids").exit_code == 0
    res = run(tmp_path)
    assert res.exit_code == 0, res.output
    assert f"{tmp_path}/ho_so_{FOLDER}/{NAMED}_T9.csv" in res.stdout
