"""The Spark engine gives DuckDB's answer: the same findings (ids, evidence, row ids) and the same
non-cash share, row for row, on a generated month with every finding planted and on the messy
sample month. Runs Spark in local mode (local[2]); needs pyspark and Java 17 or later, and is
skipped, with the reason shown, on a machine without them.
"""

import os
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.spark

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'reconcile[spark]')")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip(
        "no Java on this machine (java on PATH or JAVA_HOME): the Spark engine needs Java 17 or later",
        allow_module_level=True,
    )

from reconcile.cli import cli  # noqa: E402
from reconcile.config import Checks, Settings  # noqa: E402
from reconcile.generate import GenerateConfig, Rates, generate  # noqa: E402
from reconcile.pipeline import RunConfig, run  # noqa: E402
from reconcile.report.terminal import run_summary  # noqa: E402
from reconcile.rules import catalogue  # noqa: E402
from reconcile.staged import stage_only  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample"
PARTS = "hive_partitioning = true, hive_types = {'period': 'VARCHAR', 'province': 'VARCHAR'}"


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module: the engine runs on the active session."""
    from reconcile.spark.session import get_session

    session, owned = get_session("local[2]")
    yield session
    if owned:
        session.stop()


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("spark-out")


def on_spark(registry, payments, out, *more: str, period: str = "2024-09"):
    """`reconcile run --engine spark` of the period's staged files (registry and payments each a path,
    or a list of paths) into `out`, with the options `more`: the CLI's result."""

    def given(option: str, paths) -> list[str]:
        return [a for p in (paths if isinstance(paths, list) else [paths]) for a in (option, str(p))]

    files = [*given("--registry", registry), *given("--payments", payments)]
    return CliRunner().invoke(cli, ["run", "--engine", "spark", "--period", period, *files, "--out", str(out), *more])


def reconcile_both(folder: Path, files: dict, out: Path) -> tuple[duckdb.DuckDBPyConnection, object, str]:
    """DuckDB's run into a database; the same files staged, then run on Spark through the CLI."""
    duck = run(RunConfig(period="2024-09", db=folder / "r.duckdb", **files))
    staged = stage_only(RunConfig(period="2024-09", **files), folder / "staged")
    result = on_spark(
        staged.path("registry"),
        staged.path("payments"),
        out,
        "--spark-master",
        "local[2]",
        "--fail-on",
        "critical",
        "--operator",
        "kiểm toán viên",
    )
    assert result.exit_code in (0, 1), result.output
    con = duckdb.connect(str(folder / "r.duckdb"), read_only=True)
    assert_same_records(con, out, staged)
    return con, duck, result


def assert_same_records(con, out: Path, staged):
    """The run's record and its files' accounting, as the database's runs and inputs hold them."""
    (run,) = con.execute(
        f"SELECT * FROM read_parquet('{out}/runs/*/*.parquet', hive_partitioning = true, "
        "hive_types = {'period': 'VARCHAR'})"
    ).fetchall()
    names = [d[0] for d in con.description]
    run = dict(zip(names, run))
    want = dict(
        zip([d[0] for d in con.execute("SELECT * FROM runs").description], con.execute("SELECT * FROM runs").fetchone())
    )
    assert set(names) == set(want)
    for key in ("period", "tool_version", "settings", "registry_rows", "payment_rows", "rejected_rows", "flags"):
        assert str(run[key]) == str(want[key]), key
    assert run["operator"] == "kiểm toán viên"
    assert run["started_at"] < run["finished_at"]
    assert con.execute(
        f"SELECT DISTINCT run_id FROM read_parquet('{out}/flags/period=2024-09/*/*.parquet')"
    ).fetchall() == [(run["run_id"],)]
    spark_inputs = con.execute(
        f"SELECT file_id, role, source_file, rows_read, rows_loaded, rows_rejected, ids_restored, run_id = ? "
        f"FROM read_parquet('{out}/inputs/*/*.parquet') ORDER BY file_id",
        [run["run_id"]],
    ).fetchall()
    assert spark_inputs == [
        (*r, True)
        for r in con.execute(
            f"SELECT file_id, role, path, rows_read, rows_loaded, rows_rejected, ids_restored "
            f"FROM read_parquet('{staged.path('inputs')}') ORDER BY file_id"
        ).fetchall()
    ]
    assert sorted(p.name for p in out.iterdir()) == ["flags", "inputs", "noncash_share", "runs"]


def differences(con, ours: str, theirs: str) -> tuple[int, int]:
    return (
        con.execute(f"SELECT count(*) FROM ({ours} EXCEPT ALL {theirs})").fetchone()[0],
        con.execute(f"SELECT count(*) FROM ({theirs} EXCEPT ALL {ours})").fetchone()[0],
    )


def assert_same_answer(con, out: Path):
    flag_cols = ", ".join(r[0] for r in con.execute("DESCRIBE flags").fetchall() if r[0] != "run_id")
    spark_flags = f"SELECT {flag_cols} FROM read_parquet('{out}/flags/*/*/*.parquet', {PARTS})"
    n = con.execute("SELECT count(*) FROM flags").fetchone()[0]
    assert con.execute(f"SELECT count(*) FROM ({spark_flags})").fetchone()[0] == n
    assert differences(con, f"SELECT {flag_cols} FROM flags", spark_flags) == (0, 0)

    share_cols = ", ".join(r[0] for r in con.execute("DESCRIBE noncash_share_rows").fetchall())
    spark_share = f"SELECT {share_cols} FROM read_parquet('{out}/noncash_share/*/*/*.parquet', {PARTS})"
    assert (
        con.execute(f"SELECT count(*) FROM ({spark_share})").fetchone()[0]
        == con.execute("SELECT count(*) FROM noncash_share_rows").fetchone()[0]
    )
    assert differences(con, f"SELECT {share_cols} FROM noncash_share_rows", spark_share) == (0, 0)
    return n


def test_a_generated_month_with_every_finding_gives_the_same_findings_and_share(spark, out, tmp_path):
    rates = Rates(**dict.fromkeys(Rates.__dataclass_fields__, 0.02))
    month = generate(GenerateConfig(beneficiaries=400, seed=11, out=tmp_path / "month", rates=rates))
    registry, bank, post = month.files["parquet"]
    assert [registry.name, bank.name, post.name] == [
        "registry.parquet",
        "payments_bank.parquet",
        "payments_post.parquet",
    ]
    files = {"registry": [registry], "payments": [bank, post]}
    con, duck, result = reconcile_both(tmp_path, files, out)
    codes = dict(con.execute("SELECT code, count(*) FROM flags GROUP BY code").fetchall())
    assert sorted(codes) == sorted(r.code for r in catalogue())  # every rule has rows to compare
    assert assert_same_answer(con, out) == sum(codes.values())
    # the terminal summary is DuckDB's, but for its last line
    assert result.stdout.splitlines()[:-1] == run_summary(duck).splitlines()[:-1]
    assert re.fullmatch(
        rf"Spark: flags and non-cash share in {re.escape(str(out))}  \(\d+\.\d s\)", result.stdout.splitlines()[-1]
    )
    assert result.exit_code == 1  # --fail-on critical, and PAID_AFTER_DEATH was planted
    folders = sorted(p.name for p in (out / "flags" / "period=2024-09").iterdir() if p.is_dir())
    assert folders == [
        f"province={code}"
        for (code,) in con.execute(
            "SELECT DISTINCT coalesce(province_code, 'unknown') FROM flags ORDER BY 1"
        ).fetchall()
    ]
    for folder in folders:  # one file a province, its rows in the database's order
        (part,) = (out / "flags" / "period=2024-09" / folder).glob("*.parquet")
        assert (
            con.execute(f"SELECT flag_id FROM read_parquet('{part}')").fetchall()
            == con.execute(
                "SELECT flag_id FROM flags WHERE coalesce(province_code, 'unknown') = ? ORDER BY severity_rank DESC, "
                "code, source_file, source_row, payment_ref, vneid",
                [folder.removeprefix("province=")],
            ).fetchall()
        )
    con.close()


def test_the_messy_sample_month_gives_the_same_answer_and_replaces_only_its_period(spark, out, tmp_path):
    # a province the period had before (and, after the first test, the generated month's), and another
    # period's files, which must stay
    other = out / "flags" / "period=2024-08" / "province=01"
    other.mkdir(parents=True)
    (other / "part-0.parquet").write_bytes(b"kept")
    stale = out / "flags" / "period=2024-09" / "province=99"
    stale.mkdir(parents=True, exist_ok=True)
    files = {
        "registry": [SAMPLE / "registry.csv"],
        "payments": [SAMPLE / "bank_transfers.csv", SAMPLE / "post_office_cash.xlsx"],
    }
    con, duck, result = reconcile_both(tmp_path, files, out)
    assert duck.rejected_rows > 0 and any(i.ids_restored for i in duck.inputs)
    assert not stale.exists()
    assert (other / "part-0.parquet").read_bytes() == b"kept"
    shutil.rmtree(out / "flags" / "period=2024-08")  # not Parquet: out of the comparison below
    assert sorted(p.name for p in (out / "flags").iterdir()) == ["period=2024-09"]  # no half-written folder left
    assert assert_same_answer(con, out) == duck.flags
    assert [line for line in result.stdout.splitlines() if "rows rejected" in line] == [
        line for line in run_summary(duck).splitlines() if "rows rejected" in line
    ]
    con.close()


def test_files_that_are_not_staged_are_refused_with_what_to_do(spark, tmp_path):
    result = on_spark(tmp_path / "nowhere.parquet", "p.parquet", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {tmp_path / 'nowhere.parquet'}: no such file or folder; check the --registry path"
    )

    registry, bank, _ = generate(GenerateConfig(beneficiaries=20, seed=2, out=tmp_path / "raw")).files["parquet"]
    result = on_spark(registry, bank, tmp_path / "o")
    assert result.exit_code == 2
    assert (
        result.output.strip()
        .splitlines()[-1]
        .startswith(f"reconcile: error: {registry}: is not staged registry Parquet: it lacks the column(s) ")
    )
    assert result.output.strip().endswith("; stage the files first with reconcile run --stage-only --out DIR")

    result = on_spark(registry, bank, registry / "results")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {registry / 'results'}: cannot write there (Parent path is not a directory: {registry}); "
        "check that --out is a folder or URL this Spark can write to"
    )


def test_files_staged_apart_are_refused_when_their_file_ids_clash(spark, tmp_path):
    sample = stage_only(
        RunConfig(period="2024-09", registry=[SAMPLE / "registry.csv"], payments=[SAMPLE / "bank_transfers.csv"]),
        tmp_path / "a",
    )
    registry, bank, _ = generate(GenerateConfig(beneficiaries=20, seed=2, out=tmp_path / "raw")).files["parquet"]
    other = stage_only(RunConfig(period="2024-09", registry=[registry], payments=[bank]), tmp_path / "b")
    result = on_spark([sample.path("registry"), other.path("registry")], sample.path("payments"), tmp_path / "o")
    first, second = sorted([str(registry), str(SAMPLE / "registry.csv")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {sample.path('registry')}, {other.path('registry')}, {sample.path('payments')}: gives "
        f"file_id 2 to two files ({first}, {second}); stage the files of one month together, "
        "with one --stage-only run"
    )


def test_staged_values_that_staging_would_not_write_are_refused(spark, tmp_path):
    staged = stage_only(
        RunConfig(period="2024-09", registry=[SAMPLE / "registry.csv"], payments=[SAMPLE / "bank_transfers.csv"]),
        tmp_path / "staged",
    )
    # a lakehouse table with the bank's own status words, and one with an ID as written on a form
    for name, change in (
        ("status", "CASE WHEN status = 'success' THEN 'SUCCESS' ELSE status END AS status"),
        ("vneid", "CASE WHEN vneid IS NOT NULL THEN vneid || ' ' END AS vneid"),
    ):
        edited = tmp_path / f"payments_{name}.parquet"
        with duckdb.connect() as con:  # not DuckDB's shared default connection, which other tests use
            con.execute(
                f"COPY (SELECT * REPLACE ({change}) FROM read_parquet('{staged.path('payments')}')) "
                f"TO '{edited}' (FORMAT parquet)"
            ).fetchall()
            n = con.execute(
                f"SELECT count(*) FROM read_parquet('{edited}') WHERE reject_reason IS NULL AND "
                f"{name} {'= ' + repr('SUCCESS') if name == 'status' else 'LIKE ' + repr('% ')}"
            ).fetchall()[0][0]
        result = on_spark(staged.path("registry"), edited, tmp_path / "o")
        what = "one of success, failed, returned" if name == "status" else "digits only"
        assert result.exit_code == 2
        assert result.output.strip().splitlines()[-1] == (
            f"reconcile: error: {edited}: has {n:,} loaded rows whose {name} is not {what}, as staging writes it; "
            "stage the files first with reconcile run --stage-only --out DIR"
        )
        assert n > 0


def test_a_payments_file_of_another_month_is_refused(spark, tmp_path):
    registry, bank, _ = generate(GenerateConfig(beneficiaries=20, seed=2, out=tmp_path / "raw")).files["parquet"]
    staged = stage_only(RunConfig(period="2024-09", registry=[registry], payments=[bank]), tmp_path / "staged")
    result = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / "o", period="2024-10")
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"reconcile: error: {re.escape(str(bank))}: none of its \d+ payments is dated in "
        r"2024-10 \(they run from \d\d/09/2024 to \d\d/09/2024; most are in 2024-09\); check "
        r"--period, or that this is the payment file of that month",
        result.output.strip().splitlines()[-1],
    )


def test_last_month_s_batch_dated_in_this_month_is_refused_on_spark_too(spark, tmp_path):
    """Its narratives name August (checks/named_month.sql, translated): staged with the guard off (as
    a staging with max_other_month = 1 would leave it), Spark's run refuses it with DuckDB's line."""
    registry, bank, _ = generate(GenerateConfig(beneficiaries=60, seed=2, out=tmp_path / "raw")).files["parquet"]
    payments = pl.read_parquet(bank)
    august = tmp_path / "bank_t08.parquet"
    payments.with_columns(pl.col("narrative").str.replace("T09/2024", "T08/2024")).write_parquet(august)
    successful = payments.filter(pl.col("status") == "success").height
    named = payments.filter((pl.col("status") == "success") & pl.col("narrative").str.contains("T09/2024")).height
    assert named == successful >= 20
    off = Settings(checks=Checks(max_other_month=1))
    staged = stage_only(
        RunConfig(period="2024-09", registry=[registry], payments=[august], settings=off), tmp_path / "staged"
    )
    result = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / "o")
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {august}: the narratives of {named} of its {successful} payments (100%) name 2024-08 "
        "and those of 0 name 2024-09: it looks like the payment file of 2024-08, re-exported or paid late; give the "
        "payment file of 2024-09 instead, or, if these are payments made in 2024-09 of another month's money "
        "(arrears paid late), set max_other_month = 1 in [checks] of the config file (--config), and run again"
    )


def test_a_source_left_out_is_refused_on_spark_too_and_partial_records_it(spark, tmp_path):
    """The guards that need matching run on Spark as on DuckDB: the post office's file left out
    stops the run; with --partial the runs record says so and the share's targets are not judged."""
    month = generate(GenerateConfig(beneficiaries=2500, seed=5, out=tmp_path / "raw"))
    registry, bank, _ = month.files["parquet"]
    staged = stage_only(RunConfig(period="2024-09", registry=[registry], payments=[bank]), tmp_path / "staged")
    refused = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / "o")
    assert refused.exit_code == 2, refused.output
    assert re.fullmatch(
        r"reconcile: error: the month looks incomplete: most active beneficiaries paid through the post "
        r"office \((\d+) of \1\) have no payment row dated in the period; the payment file of the post office may be "
        r"missing: add it with --payments, or pass --partial to reconcile the month without it \(the "
        r"report will say PARTIAL\)",
        refused.output.strip().splitlines()[-1],
    )
    assert not (tmp_path / "o" / "flags").exists()
    partial = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / "o", "--partial")
    assert partial.exit_code == 0, partial.output
    assert partial.stdout.startswith("PARTIAL: 2024-09 was reconciled without every source (--partial): ")
    with duckdb.connect() as con:
        runs = con.execute(
            f"SELECT partial, missing_sources FROM read_parquet('{tmp_path}/o/runs/*/*.parquet')"
        ).fetchall()
        met = con.execute(
            f"SELECT DISTINCT target_met FROM read_parquet('{tmp_path}/o/noncash_share/*/*/*.parquet') "
            "WHERE channel_group = 'all'"
        ).fetchall()
    assert runs[0][0] is True and '"channel": "cash"' in runs[0][1]
    assert met == [(None,)]


def test_a_person_in_both_programmes_gets_the_same_programmes_on_spark(spark, tmp_path):
    """Lệ is due 1.500.000 in each programme and paid four times, the second saying `lương hưu`:
    the others are shared out one to each programme in turn (tests/test_both_programmes.py), the
    same on Spark."""
    from test_both_programmes import REGISTRY, paid

    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    rows = [f"FT2409000000{n},0{n}/09/2024,,Chi tra T09/2024" for n in (2, 3, 4, 5)]
    rows[1] = rows[1].replace("Chi tra", "Chi trả lương hưu")
    (tmp_path / "bank.csv").write_text(paid(rows), encoding="utf-8")
    files = {"registry": [tmp_path / "registry.csv"], "payments": [tmp_path / "bank.csv"]}
    con, _, _ = reconcile_both(tmp_path, files, tmp_path / "spark-out")
    assert con.execute("SELECT code, program, payment_ref FROM flags ORDER BY ALL").fetchall() == [
        ("AMOUNT_MISMATCH", "pension", "FT24090000003"),
        ("AMOUNT_MISMATCH", "welfare", "FT24090000002"),
        ("DUPLICATE_PAYMENT", "pension", "FT24090000004"),
        ("DUPLICATE_PAYMENT", "welfare", "FT24090000005"),
    ]
    assert assert_same_answer(con, tmp_path / "spark-out") == 4
    con.close()
