"""`--format csv` on stdout: into a new file, a byte order mark, so that Excel on Windows reads its
Vietnamese as UTF-8 (as the exports are written); into a pipe or a file appended to, none."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE

BOM = b"\xef\xbb\xbf"


def reconcile(args: list[str], stdout) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reconcile", "--lang", "en", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["flags", "--period", "2024-09", "--code", "NAME_MISMATCH"],
        ["show", "038145464795"],
        ["cashless", "--by", "province"],
        ["rules"],
    ],
)
def test_csv_into_a_new_file_starts_with_a_bom_and_into_a_pipe_without(sample_month, tmp_path, command):
    """`reconcile flags --format csv > f.csv` wrote UTF-8 without a BOM: Excel showed Nguyễn as NguyÃ…n."""
    args = [*command, "--format", "csv"] + (["--db", str(sample_month.db)] if command[0] != "rules" else [])
    piped = reconcile(args, subprocess.PIPE)
    assert piped.returncode == 0, piped.stderr.decode()
    assert not piped.stdout.startswith(BOM)
    text = piped.stdout.decode("utf-8")
    assert command[0] == "cashless" or any(ord(c) > 127 for c in text)  # Vietnamese names, descriptions
    out = tmp_path / "f.csv"
    with open(out, "wb") as fh:
        done = reconcile(args, fh)
    assert done.returncode == 0, done.stderr.decode()
    assert out.read_bytes() == BOM + piped.stdout
    assert out.read_text(encoding="utf-8-sig") == text
    with open(out, "ab") as fh:  # `>>`: a second part, no mark in the middle
        again = reconcile(args, fh)
    assert again.returncode == 0 and out.read_bytes() == BOM + piped.stdout + piped.stdout


def test_json_and_tables_into_a_file_get_no_bom(sample_month, tmp_path):
    for fmt in ("json", "table"):
        out = tmp_path / f"f.{fmt}"
        with open(out, "wb") as fh:
            done = reconcile(["periods", "--db", str(sample_month.db), "--format", fmt], fh)
        assert done.returncode == 0 and not out.read_bytes().startswith(BOM)


def invoke(*args):
    from click.testing import CliRunner

    from reconcile.cli import cli

    return CliRunner().invoke(cli, ["--lang", "en", *map(str, args)])


def test_out_writes_the_listing_itself_utf8_with_a_bom_into_a_vietnamese_folder(sample_month, tmp_path):
    """Windows PowerShell 5.1's `>` writes UTF-16 and mangles Vietnamese: --out FILE is written by
    reconcile, CSV as UTF-8 with a BOM (Excel), the same bytes as the CSV on stdout, mode 0600."""
    folder = tmp_path / "Báo cáo tháng 9"
    folder.mkdir()
    args = ["flags", "--db", sample_month.db, "--period", "2024-09", "--code", "NAME_MISMATCH"]
    piped = invoke(*args, "--format", "csv")
    assert piped.exit_code == 0 and "Nguyễn" in piped.stdout
    out = folder / "Phát hiện tên.csv"
    done = invoke(*args, "--out", out)  # no --format: CSV, from the file's name
    assert done.exit_code == 0, done.output
    assert done.stdout == "" and f"reconcile: listing written to {out}" in done.stderr
    assert out.read_bytes() == BOM + piped.stdout.encode("utf-8")
    assert [p.name for p in folder.iterdir()] == ["Phát hiện tên.csv"]  # no scratch file left
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = invoke("show", "038145464795", "--db", sample_month.db, "--out", folder / "một người.json")
    assert again.exit_code == 0
    shown = json.loads((folder / "một người.json").read_bytes())  # JSON: UTF-8, no BOM
    assert set(shown) == {"registry", "payments", "flags"} and shown["registry"][0]["vneid"] == "038145464795"
    toml = invoke("profiles", "vn-bank-statement", "--out", folder / "ngân hàng.toml")
    assert toml.exit_code == 0 and (folder / "ngân hàng.toml").read_bytes() == invoke(
        "profiles", "vn-bank-statement"
    ).stdout.encode("utf-8")


@pytest.mark.parametrize("target", ["registry.csv", "post_office_cash.xlsx", "r.duckdb"])
def test_out_never_writes_over_an_input_or_the_database(sample_month, tmp_path, target):
    """--out naming a file the month's runs read (the registry, the post office's workbook), or the
    database, is refused with exit 2 and the file left as it was."""
    path = (SAMPLE if target != "r.duckdb" else sample_month.db.parent) / target
    before = path.read_bytes()
    done = invoke("flags", "--db", sample_month.db, "--format", "csv", "--out", path)
    assert done.exit_code == 2
    assert done.stderr.strip() == (
        f"reconcile: error: {path}: --out would write over an input file; give it another name "
        "(a run never replaces its inputs)"
        if target != "r.duckdb"
        else f"reconcile: error: {path}: --out would write over the database ({sample_month.db}); give it another name"
    )
    assert path.read_bytes() == before
    copy = tmp_path / "copy of registry.csv"  # the same file under another name: refused by its content
    shutil.copyfile(SAMPLE / "registry.csv", copy)
    assert invoke("cases", "--db", sample_month.db, "--out", copy).exit_code == 2


def test_out_naming_the_database_s_key_is_refused_as_the_key(sample_month, tmp_path):
    """It said the key 'would write over an input file' (a run never replaces its inputs): the key is none."""
    from reconcile.keys import key_path

    db = shutil.copyfile(sample_month.db, tmp_path / "r.duckdb")
    key_path(db).write_bytes(b"k" * 32)
    done = invoke("flags", "--db", db, "--out", key_path(db))
    assert (done.exit_code, done.stderr.strip()) == (
        2,
        f"reconcile: error: {key_path(db)}: --out would write over the database's key ({key_path(db)}); give it "
        "another name",
    )
    assert key_path(db).read_bytes() == b"k" * 32


def test_out_named_as_a_workbook_is_refused(sample_month, tmp_path):
    """`--out phát hiện.xlsx` wrote a text listing under a workbook's name, which Excel calls damaged:
    refused with exit 2, naming .csv and reconcile report; nothing written."""
    out = tmp_path / "phát hiện.xlsx"
    done = invoke("flags", "--db", sample_month.db, "--out", out)
    assert done.exit_code == 2
    assert done.stderr.strip() == (
        f"reconcile: error: {out}: --out writes the listing as text (CSV, JSON or a table), not a workbook; name "
        "it .csv to open it in Excel, or write the period's workbook with reconcile report --report"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["rules"], ["profiles"], ["profiles", "vn-bank-statement"]])
def test_rules_and_profiles_out_never_write_over_the_default_database_its_key_or_an_input(
    sample_month, tmp_path, monkeypatch, command
):
    """`rules --out` and `profiles --out`, which take no --db, wrote over the default database
    (reconcile.duckdb here), its key and a file its runs read, each exit 0: the office's database, the
    key every flag_id and case_id is made with, or its registry lost. They are refused as flags --out is."""
    import duckdb

    from reconcile.keys import key_path

    monkeypatch.chdir(tmp_path)
    db = Path(shutil.copyfile(sample_month.db, tmp_path / "reconcile.duckdb"))
    key_path(db).write_bytes(b"k" * 32)
    with duckdb.connect(str(db), read_only=True) as con:
        (read,) = con.execute("SELECT path FROM inputs WHERE role = 'registry' LIMIT 1").fetchone()
    registry = Path(read)
    assert registry.is_file(), read
    for out, said in (
        (db, f"--out would write over the database ({db}); give it another name"),
        (key_path(db), f"--out would write over the database's key ({key_path(db)}); give it another name"),
        (registry, "--out would write over an input file; give it another name (a run never replaces its inputs)"),
    ):
        before = out.read_bytes()
        done = invoke(*command, "--out", out)
        assert (done.exit_code, done.stderr.strip()) == (2, f"reconcile: error: {out}: {said}"), done.output
        assert out.read_bytes() == before
    other = Path(shutil.copyfile(sample_month.db, tmp_path / "other.duckdb"))  # any database, its name aside
    assert invoke(*command, "--out", other).exit_code == 2
    assert invoke(*command, "--out", tmp_path / "listing.txt").exit_code == 0
