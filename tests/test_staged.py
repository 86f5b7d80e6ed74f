"""`reconcile run --stage-only`: the files' rows, normalised as a run normalises them, as Parquet;
and which options each way of running takes."""

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.errors import ReconcileError
from reconcile.pipeline import RunConfig, run
from reconcile.staged import FILES, stage_only, staged_columns

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample"


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The sample month (CSV with a title block, an Excel post-office file), staged and run."""
    folder = tmp_path_factory.mktemp("staged")
    files = {
        "registry": [SAMPLE / "registry.csv"],
        "payments": [SAMPLE / "post_office_cash.xlsx", SAMPLE / "bank_transfers.csv"],
    }
    staged = stage_only(RunConfig(period="2024-09", **files), folder / "staged")
    run(RunConfig(period="2024-09", db=folder / "r.duckdb", **files))
    con = duckdb.connect(str(folder / "r.duckdb"), read_only=True)
    yield staged, con
    con.close()


def parquet(staged, name: str) -> str:
    return f"read_parquet('{staged.path(name)}')"


def test_the_folder_holds_the_four_files_and_nothing_else(month):
    staged, _ = month
    assert sorted(p.name for p in staged.out.iterdir()) == sorted(FILES.values())


@pytest.mark.parametrize("role", ["registry", "payments"])
def test_columns_and_types_are_the_databases_less_what_a_run_computes(month, role):
    staged, con = month
    described = con.execute(f"DESCRIBE SELECT * FROM {parquet(staged, role)}").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [(c.name, c.type) for c in staged_columns(role)]
    table = {r[0] for r in con.execute(f"DESCRIBE {role}").fetchall()}
    computed = {
        "registry": {"period", "run_id", "registry_id", "is_primary", "account_restored"},
        "payments": {"period", "run_id", "payment_id", "in_period", "repeat_of", "account_restored"},
    }[role]
    assert {c.name for c in staged_columns(role)} == table - computed | {"reject_reason", "set_aside"}


def test_files_are_numbered_in_name_order_with_the_runs_counts_and_hashes(month):
    staged, con = month
    got = con.execute(
        f"SELECT file_id, file_name, role, sha256, rows_read, rows_loaded, rows_rejected, ids_restored "
        f"FROM {parquet(staged, 'inputs')} ORDER BY file_id"
    ).fetchall()
    assert [(r[0], r[1]) for r in got] == [(1, "bank_transfers.csv"), (2, "post_office_cash.xlsx"), (3, "registry.csv")]
    want = con.execute(
        "SELECT file_name, role, sha256, rows_read, rows_loaded, rows_rejected, ids_restored FROM inputs "
        "ORDER BY file_name"
    ).fetchall()
    assert [r[1:] for r in got] == want
    assert [(i.file_id, Path(i.path).name) for i in staged.inputs] == [(r[0], r[1]) for r in got]


@pytest.mark.parametrize("role, ident", [("registry", "registry_id"), ("payments", "payment_id")])
def test_the_loaded_rows_are_the_rows_a_run_loads(month, role, ident):
    staged, con = month
    cols = ", ".join(c.name for c in staged_columns(role) if c.name not in ("file_id", "reject_reason", "set_aside"))
    run_rows = con.execute(f"SELECT {cols} FROM {role} ORDER BY ALL").fetchall()
    staged_rows = con.execute(
        f"SELECT {cols} FROM {parquet(staged, role)} WHERE reject_reason IS NULL ORDER BY ALL"
    ).fetchall()
    assert staged_rows == run_rows
    assert len(run_rows) == (staged.registry_rows if role == "registry" else staged.payment_rows)


def test_rejected_rows_keep_their_reasons_and_values_as_read(month):
    staged, con = month
    run_rows = con.execute(
        "SELECT role, source_file, source_row, reason, raw::VARCHAR FROM rejected_rows ORDER BY ALL"
    ).fetchall()
    assert len(run_rows) == staged.rejected_rows > 0
    assert (
        con.execute(
            f"SELECT role, source_file, source_row, reason, raw::VARCHAR FROM {parquet(staged, 'rejected')} "
            "ORDER BY ALL"
        ).fetchall()
        == run_rows
    )
    # and the same rows are in registry/payments.parquet with their reason, counted, never loaded
    in_staged = con.execute(
        f"SELECT 'registry', source_file, source_row, reject_reason FROM {parquet(staged, 'registry')} "
        f"WHERE reject_reason IS NOT NULL UNION ALL "
        f"SELECT 'payments', source_file, source_row, reject_reason FROM {parquet(staged, 'payments')} "
        f"WHERE reject_reason IS NOT NULL ORDER BY ALL"
    ).fetchall()
    assert in_staged == [r[:4] for r in run_rows]


def test_staging_again_replaces_the_files(month, tmp_path):
    staged, _ = month
    again = tmp_path / "again"
    shutil.copytree(staged.out, again)
    result = stage_only(
        RunConfig(period="2024-09", registry=[SAMPLE / "registry.csv"], payments=[SAMPLE / "bank_transfers.csv"]), again
    )
    assert result.payment_rows < staged.payment_rows
    with duckdb.connect() as con:
        assert con.execute(f"SELECT count(*) FROM read_parquet('{again / 'inputs.parquet'}')").fetchall() == [(2,)]
    assert sorted(p.name for p in again.iterdir()) == sorted(FILES.values())


def test_the_cli_says_what_it_wrote_and_what_to_run_next(tmp_path):
    out = tmp_path / "Dữ liệu đã chuẩn hoá"  # the next command, as it suggests it, reads it as one argument
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--stage-only",
            "--period",
            "2024-09",
            "--registry",
            str(SAMPLE / "registry.csv"),
            "--payments",
            str(SAMPLE / "bank_transfers.csv"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Period 2024-09 staged: ")
    assert lines[-3].startswith(
        f"Staged Parquet in {out}: registry.parquet, payments.parquet, rejected_rows.parquet, inputs.parquet  ("
    )
    assert lines[-1] == (
        f'  reconcile run --engine spark --period 2024-09 --registry "{out / "registry.parquet"}" '
        f'--payments "{out / "payments.parquet"}" --out RESULTS'
    )


ARGS = ["run", "--period", "2024-09", "--registry", "r.csv", "--payments", "p.csv"]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--stage-only"], "--stage-only needs --out, the folder for the staged Parquet"),
        (["--engine", "spark"], "--engine spark needs --out, the folder for the flags and the non-cash share"),
        (
            ["--stage-only", "--out", "x", "--report", "r.xlsx"],
            "--report does not apply to --stage-only: it only writes staged Parquet; drop --report",
        ),
        (
            ["--stage-only", "--out", "x", "--engine", "spark"],
            "--stage-only runs on DuckDB; stage first, then run --engine spark on the staged files",
        ),
        (
            ["--engine", "spark", "--out", "x", "--memory-limit", "1GB"],
            "--memory-limit does not apply to --engine spark: it reads staged Parquet and writes Parquet, not a database; "
            "drop --memory-limit",
        ),
        (
            ["--engine", "spark", "--out", "x", "--db", "r.duckdb"],
            "--db does not apply to --engine spark: it reads staged Parquet and writes Parquet, not a database; drop --db",
        ),
        (
            ["--out", "x"],
            "--out does not apply to a run on DuckDB: it is for --stage-only and --engine spark; drop --out",
        ),
        (
            ["--spark-master", "local[2]"],
            "--spark-master does not apply to a run on DuckDB: it is for --stage-only and --engine spark; drop --spark-master",
        ),
        (
            ["--engine", "spark", "--out", "x", "--spark-conf", "driver.memory=4g"],
            "--spark-conf 'driver.memory=4g' is not KEY=VALUE with a Spark key; give one such as spark.driver.memory=4g",
        ),
    ],
)
def test_each_way_of_running_refuses_the_options_of_another(extra, message):
    result = CliRunner().invoke(cli, ARGS + extra)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == f"reconcile: error: {message}"


def test_out_must_be_a_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--stage-only",
            "--period",
            "2024-09",
            "--registry",
            str(SAMPLE / "registry.csv"),
            "--payments",
            str(SAMPLE / "bank_transfers.csv"),
            "--out",
            str(tmp_path / "file"),
        ],
    )
    assert result.exit_code == 2
    assert (
        result.output.strip().splitlines()[-1]
        == f"reconcile: error: {tmp_path / 'file'}: is a file; give --out a folder"
    )


def test_a_staging_that_fails_leaves_the_folders_old_files_as_they_were(month, tmp_path, monkeypatch):
    from reconcile import staged as staged_module

    staged, _ = month
    folder = tmp_path / "kept"
    shutil.copytree(staged.out, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real = staged_module._copy

    def copy_then_fail(con, query, target, work):
        if target.name == "inputs.parquet":  # as DuckDB fails when the disk is full
            query = "SELECT 1 AS x"
            work = work / "no such folder"
        real(con, query, target, work)

    monkeypatch.setattr(staged_module, "_copy", copy_then_fail)
    with pytest.raises(ReconcileError) as caught:
        stage_only(
            RunConfig(period="2024-09", registry=[SAMPLE / "registry.csv"], payments=[SAMPLE / "bank_transfers.csv"]),
            folder,
        )
    assert str(caught.value).startswith(f"{folder}: cannot write inputs.parquet (IO Error: ")
    assert str(caught.value).endswith("); check that the disk there has room")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # and no work folder left


def test_under_a_memory_limit_too_small_for_the_month_the_same_rows_are_staged_from_disk(month, tmp_path, monkeypatch):
    """A month larger than --memory-limit holds keeps its staged rows compressed in a scratch
    database of the work folder (worktables.py), as a run does: the same files, row for row."""
    from reconcile import worktables

    staged, _ = month
    decided = []
    real_on_disk = worktables.on_disk
    monkeypatch.setattr(worktables, "on_disk", lambda *a: decided.append(real_on_disk(*a)) or decided[-1])
    monkeypatch.setattr(worktables, "ROWS_PER_GB", 0)  # the sample month, as if it were too large
    files = {
        "registry": [SAMPLE / "registry.csv"],
        "payments": [SAMPLE / "post_office_cash.xlsx", SAMPLE / "bank_transfers.csv"],
    }
    on_disk = stage_only(RunConfig(period="2024-09", memory_limit="1GB", **files), tmp_path / "disk")
    assert decided == [True]
    assert sorted(p.name for p in on_disk.out.iterdir()) == sorted(FILES.values())  # no scratch left
    with duckdb.connect() as con:
        for name in ("registry", "payments", "rejected"):
            query = "SELECT * FROM {} ORDER BY ALL"
            rows = con.execute(query.format(parquet(on_disk, name))).fetchall()
            assert rows == con.execute(query.format(parquet(staged, name))).fetchall()
            assert rows


def test_lang_is_the_terminal_s_language_when_staging_too(tmp_path):
    """`run --lang` is the language of the workbook and the terminal; staging and a Spark run print a
    summary too, and were refused it (`--lang does not apply to --stage-only: it only writes staged
    Parquet`), though `reconcile --lang` was taken."""
    args = ["run", "--stage-only", "--period", "2024-09", "--registry", str(SAMPLE / "registry.csv")]
    args += ["--payments", str(SAMPLE / "bank_transfers.csv")]
    english = CliRunner().invoke(cli, [*args, "--lang", "en", "--out", str(tmp_path / "en")])
    vietnamese = CliRunner().invoke(cli, [*args, "--lang", "vi", "--out", str(tmp_path / "vi")])
    assert english.exit_code == vietnamese.exit_code == 0, english.output + vietnamese.output
    first = english.stdout.splitlines()[0]
    assert first.startswith("Period 2024-09 staged: ")
    assert vietnamese.stdout.splitlines()[0].startswith("Kỳ 2024-09 đã ghi dữ liệu trung gian: ")
    spark = CliRunner().invoke(cli, [*ARGS, "--engine", "spark", "--lang", "en"])
    assert spark.output.strip().splitlines()[-1] == (
        "reconcile: error: --engine spark needs --out, the folder for the flags and the non-cash share"
    )
