"""What the database's earlier months say of a month's files (checks_history.py): a month skipped, a
programme left out whole (its registry and its payment files), and last month's registry given again
re-saved. Each passed as a clean month with exit 0 and nothing said; each is now a warning before the
summary, kept in runs.warnings, and the summary's first line says the month has warnings."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.generate import GenerateConfig, generate

WARNED = (
    "WARNING: the 1 warning above may mean a file is missing, or is another month's or another place's: check it "
    "before signing (kept in runs.warnings, and atop the workbook's summary)."
)


@pytest.fixture(scope="module")
def months(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("months")
    generate(GenerateConfig(beneficiaries=600, seed=3, out=out, months=3, formats=("parquet",)))  # 600 rows: over 300
    return out


def run(db: Path, period: str, registry: list[Path], payments: list[Path]):
    args = ["--lang", "en", "run", "--period", period, "--db", str(db)]
    args += [a for r in registry for a in ("--registry", str(r))]
    args += [a for p in payments for a in ("--payments", str(p))]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code in (0, 1), res.output
    return res


def month_files(months: Path, period: str) -> tuple[list[Path], list[Path]]:
    folder = months / period
    return [folder / "registry.parquet"], [folder / "payments_bank.parquet", folder / "payments_post.parquet"]


def warnings(db: Path, period: str) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        (stored,) = con.execute("SELECT warnings FROM runs WHERE period = ?", [period]).fetchone()
    return [w["message"] for w in json.loads(stored or "[]")]


def same_registry(db: Path, period: str) -> str:
    """The warning of a registry that is, row for row, the one of `period` in the database."""
    with duckdb.connect(str(db), read_only=True) as con:
        (n,) = con.execute("SELECT count(*) FROM registry WHERE period = ?", [period]).fetchone()
    return (
        f"this month's registry lists the same {n:,} rows, with the same amounts, statuses, accounts and names, as "
        f"the registry of {period}, which the database holds: if it is that month's list given again, this month's "
        "deaths, stops and newcomers are missing from it; give this month's registry and run again"
    )


def test_a_month_skipped_is_said(months, tmp_path):
    db = tmp_path / "h.duckdb"
    run(db, "2024-09", *month_files(months, "2024-09"))
    res = run(db, "2024-11", *month_files(months, "2024-11"))
    said = (
        "the database holds no run of 2024-10, between 2024-09 and 2024-11: the arrears do not count the months "
        "unpaid across it, and the change in findings is counted from 2024-09; run 2024-10 first if it was paid, "
        "and this month again"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    assert said in warnings(db, "2024-11")
    assert res.stdout.splitlines()[0].startswith("WARNING: the ")
    res = run(db, "2024-10", *month_files(months, "2024-10"))  # the gap filled: October says nothing of it
    assert not [w for w in warnings(db, "2024-10") if "holds no run" in w]


def test_a_programme_left_out_whole_is_said(months, tmp_path):
    db = tmp_path / "h.duckdb"
    run(db, "2024-09", *month_files(months, "2024-09"))
    (registry,), payments = month_files(months, "2024-10")
    welfare = pl.read_parquet(registry).filter(pl.col("program") == "welfare")
    welfare.write_parquet(tmp_path / "registry_welfare.parquet")
    ids = welfare["vneid"].implode()
    kept = []
    for path in payments:
        pl.read_parquet(path).filter(pl.col("vneid").is_in(ids)).write_parquet(tmp_path / path.name)
        kept.append(tmp_path / path.name)
    with duckdb.connect(str(db), read_only=True) as con:
        (pensioners,) = con.execute(
            "SELECT count(*) FROM registry WHERE period = '2024-09' AND program = 'pension' AND status = 'active' "
            "AND is_primary"
        ).fetchone()
    assert pensioners >= 20
    res = run(db, "2024-10", [tmp_path / "registry_welfare.parquet"], kept)
    said = (
        f"the registry of 2024-09 lists {pensioners:,} active pension beneficiaries, and this month's files list none: "
        "the pension registry and its payment files may have been left out; give them with --registry and --payments "
        "and run again, or check that pension is no longer reconciled in this database"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    assert said in warnings(db, "2024-10")


def test_last_months_registry_given_again_is_said_once(months, tmp_path):
    db = tmp_path / "h.duckdb"
    run(db, "2024-09", *month_files(months, "2024-09"))
    (september,), _ = month_files(months, "2024-09")
    _, payments = month_files(months, "2024-10")
    resaved = tmp_path / "registry.csv"  # its bytes other than the file the database read
    pl.read_parquet(september).write_csv(resaved)
    res = run(db, "2024-10", [resaved], payments)
    said = same_registry(db, "2024-09")
    assert f"reconcile: {said}" in res.stderr.splitlines()
    # the same file, byte for byte: said once, as such
    res = run(tmp_path / "b.duckdb", "2024-09", *month_files(months, "2024-09"))
    res = run(tmp_path / "b.duckdb", "2024-10", [september], payments)
    assert not [w for w in warnings(tmp_path / "b.duckdb", "2024-10") if "the same" in w and "rows" in w]
    assert [w for w in warnings(tmp_path / "b.duckdb", "2024-10") if "byte for byte" in w]
    # this month's own registry: nothing said
    run(tmp_path / "c.duckdb", "2024-09", *month_files(months, "2024-09"))
    run(tmp_path / "c.duckdb", "2024-10", *month_files(months, "2024-10"))
    assert not [w for w in warnings(tmp_path / "c.duckdb", "2024-10") if "the same" in w and "rows" in w]


def test_last_months_list_of_one_programme_given_again_is_said(months, tmp_path):
    """The registry given as a list per programme; October's welfare list is September's, re-saved,
    beside October's pension list: the whole registry differs from September's, and the month passed
    clean, its deaths and stops of welfare missing. The welfare list is said."""
    db = tmp_path / "h.duckdb"
    run(db, "2024-09", *month_files(months, "2024-09"))
    (september,), _ = month_files(months, "2024-09")
    (october,), payments = month_files(months, "2024-10")
    welfare, pension = tmp_path / "welfare.csv", tmp_path / "pension.csv"
    pl.read_parquet(september).filter(pl.col("program") == "welfare").write_csv(welfare)
    pl.read_parquet(october).filter(pl.col("program") == "pension").write_csv(pension)
    res = run(db, "2024-10", [welfare, pension], payments)
    said = (
        "this month's welfare list has the same 341 rows, with the same amounts, statuses, accounts and names, as "
        "the welfare list of 2024-09, which the database holds: if it is that month's list given again, this "
        "month's deaths, stops and newcomers are missing from it; give this month's list and run again"
    )
    assert warnings(db, "2024-10") == [said]
    assert f"reconcile: {said}" in res.stderr.splitlines()
    # October's own lists, per programme, its welfare list changed (a rise for the first row): nothing said
    listed = pl.read_parquet(october).filter(pl.col("program") == "welfare")
    listed.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("entitled_amount") + 100_000)
        .otherwise(pl.col("entitled_amount"))
    ).write_csv(welfare)
    run(tmp_path / "c.duckdb", "2024-09", *month_files(months, "2024-09"))
    run(tmp_path / "c.duckdb", "2024-10", [welfare, pension], payments)
    assert warnings(tmp_path / "c.duckdb", "2024-10") == []


def test_a_month_run_before_a_later_one_says_the_gap_between_them(months, tmp_path):
    """November run, then September, October never: the same months as run in order, and only the
    in-order database said October was missing."""
    db = tmp_path / "h.duckdb"
    run(db, "2024-11", *month_files(months, "2024-11"))
    res = run(db, "2024-09", *month_files(months, "2024-09"))
    said = (
        "the database holds no run of 2024-10, between 2024-09 and 2024-11: the arrears of 2024-11 do not count the "
        "months unpaid across it, and its change in findings is counted from 2024-09; run 2024-10 if it was paid, "
        "then 2024-11 again"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    assert warnings(db, "2024-09") == [said]
    res = run(db, "2024-10", *month_files(months, "2024-10"))  # the gap filled: October says nothing of it
    assert not [w for w in warnings(db, "2024-10") if "holds no run" in w]


def test_the_registry_of_two_months_before_or_of_the_month_after_is_said(months, tmp_path):
    """September's registry re-saved given for November, in a database of September and October: the
    row-for-row check compared with October alone, and the month passed clean (two deaths' findings
    lost). Then October run again with November's registry re-saved: the same."""
    db = tmp_path / "h.duckdb"
    for period in ("2024-09", "2024-10"):
        run(db, period, *month_files(months, period))
    (september,), _ = month_files(months, "2024-09")
    _, payments = month_files(months, "2024-11")
    resaved = tmp_path / "registry.csv"
    pl.read_parquet(september).write_csv(resaved)
    res = run(db, "2024-11", [resaved], payments)
    said = same_registry(db, "2024-09")
    assert f"reconcile: {said}" in res.stderr.splitlines()
    assert said in warnings(db, "2024-11")
    run(db, "2024-11", *month_files(months, "2024-11"))  # November's own: nothing said
    assert not [w for w in warnings(db, "2024-11") if "the same" in w and "rows" in w]
    (november,), _ = month_files(months, "2024-11")
    pl.read_parquet(november).write_csv(resaved)
    _, payments = month_files(months, "2024-10")
    res = run(db, "2024-10", [resaved], payments)
    assert [w for w in warnings(db, "2024-10") if "as the registry of 2024-11, which the database holds" in w]
