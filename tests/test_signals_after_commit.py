"""Ctrl-C or SIGTERM after a run has committed its period, when it was to write a workbook or exports:
the period is saved, and the message says that the workbook or exports were not written (or may be
incomplete) and gives the `reconcile report` command that writes them, wherever the signal lands:
before the writing starts, or inside a DuckDB query of it (DuckDB's 'Query interrupted')."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLE, copy_of
from reconcile.cli import cli
from reconcile.cli.group import Terminated


@pytest.fixture()
def db(tmp_path, sample_month) -> Path:
    return copy_of(sample_month.db, tmp_path / "r.duckdb")


def run(db: Path, *outputs: str, lang: str = "en"):
    return CliRunner().invoke(
        cli,
        ["--lang", lang, "run", "--period", "2024-09", "--db", str(db), "--registry", str(SAMPLE / "registry.csv"),
         "--payments", str(SAMPLE / "bank_transfers.csv"), "--partial", *outputs],
    )  # fmt: skip


@pytest.mark.parametrize(
    "signal, code, word", [(KeyboardInterrupt, 130, "interrupted"), (Terminated, 143, "terminated")]
)
def test_a_signal_before_the_outputs_are_written_gives_the_command(tmp_path, db, monkeypatch, signal, code, word):
    """The signal lands after the commit, as the run says what it rejected (before write_after_commit):
    it said only 'the period is saved', not that the workbook and exports were never written."""
    import reconcile.cli.run as run_module

    def stop(result):
        raise signal()

    monkeypatch.setattr(run_module, "say_case_notes", stop)
    book, export = tmp_path / "r.xlsx", tmp_path / "export"
    res = run(db, "--report", str(book), "--export", str(export))
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        code,
        f"reconcile: {word}; the period 2024-09 is saved in {db}, but its workbook and exports were not written; "
        f"write them with: reconcile report --period 2024-09 --db {db} --report {book} --export {export}",
    )
    assert not book.exists() and not export.exists()


@pytest.mark.parametrize(
    "outputs, what, them",
    [(("--report",), "its workbook was", "it"), (("--export",), "its exports were", "them")],
)
def test_the_message_names_what_was_not_written(tmp_path, db, monkeypatch, outputs, what, them):
    import reconcile.cli.run as run_module

    def stop(result):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "say_case_notes", stop)
    path = tmp_path / ("r.xlsx" if outputs == ("--report",) else "export")
    res = run(db, outputs[0], str(path))
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        130,
        f"reconcile: interrupted; the period 2024-09 is saved in {db}, but {what} not written; write {them} with: "
        f"reconcile report --period 2024-09 --db {db} {outputs[0]} {path}",
    )


def test_the_vietnamese_of_a_signal_before_the_outputs(tmp_path, db, monkeypatch):
    import reconcile.cli.run as run_module

    def stop(result):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "say_case_notes", stop)
    book = tmp_path / "r.xlsx"
    res = run(db, "--report", str(book), lang="vi")
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        130,
        f"reconcile: đã bị ngắt; kỳ 2024-09 đã được lưu trong {db}, nhưng sổ báo cáo chưa được ghi; hãy ghi bằng "
        f"lệnh: reconcile report --period 2024-09 --db {db} --report {book}",
    )


def test_a_signal_inside_a_query_of_the_workbook_gives_the_command(tmp_path, db, monkeypatch):
    """Ctrl-C while DuckDB renders a sheet comes as its RuntimeError 'Query interrupted', the
    KeyboardInterrupt as its context: it went past write_after_commit, which said nothing of the workbook."""
    import reconcile.report.workbook as workbook

    def interrupted_query(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("Query interrupted") from None

    monkeypatch.setattr(workbook, "table_sheets", interrupted_query)
    book = tmp_path / "r.xlsx"
    res = run(db, "--report", str(book))
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        130,
        f"reconcile: error: interrupted; the period 2024-09 is saved in {db}, but its workbook or exports may be "
        f"incomplete; write them again with: reconcile report --period 2024-09 --db {db} --report {book}",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.duckdb"]


def test_a_signal_once_the_outputs_are_written_says_the_period_is_saved(tmp_path, db, monkeypatch):
    """After the workbook is written, there is nothing to write again."""
    import reconcile.cli.run as run_module

    def stop(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "fail_on_exit", stop)
    book = tmp_path / "r.xlsx"
    res = run(db, "--report", str(book))
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        130,
        f"reconcile: interrupted; the period 2024-09 is saved in {db}",
    )
    assert book.exists()


def test_the_demo_interrupted_after_its_commit_says_the_period_is_saved(tmp_path, monkeypatch):
    """`reconcile demo` said 'interrupted; the database is unchanged' when Ctrl-C landed after its
    September run had committed (only `run` recorded the saved period)."""
    import reconcile.cli.demo as demo_module

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo_module, "write_after_commit", stop)
    out = tmp_path / "demo"
    res = CliRunner().invoke(cli, ["--lang", "en", "demo", "--out", str(out)])
    db = out / "demo.duckdb"
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        130,
        f"reconcile: interrupted; the period 2024-09 is saved in {db}, but its workbook and exports were not "
        f"written; write them with: reconcile report --period 2024-09 --db {db} --report {out / 'report.xlsx'} "
        f"--export {out / 'export'}",
    )
    # September's workbook written, the signal lands in October's decision: September is saved, October not begun
    monkeypatch.undo()
    monkeypatch.setattr(demo_module, "_second_month", stop)
    out = tmp_path / "demo2"
    res = CliRunner().invoke(cli, ["--lang", "en", "demo", "--out", str(out)])
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        130,
        f"reconcile: interrupted; the period 2024-09 is saved in {out / 'demo.duckdb'}",
    )


def test_a_signal_once_the_command_has_done_its_work_is_ignored(tmp_path):
    """Ctrl-C or SIGTERM in the last moments of the process, its work done and said (the run's summary
    printed, the workbook written), killed it with 130 and no word: a month saved looked stopped to a
    scheduled job. The program ignores them once its command's context closes; a caller's process (a
    test's CliRunner) keeps its own."""
    import os
    import signal
    import subprocess
    import sys

    script = (
        "import os, signal, sys\n"
        "from reconcile.cli.main import main\n"
        "sys.argv = ['reconcile', 'rules', '--out', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "ignored = [signal.getsignal(s) == signal.SIG_IGN for s in (signal.SIGINT, signal.SIGTERM)]\n"
        "os.kill(os.getpid(), signal.SIGINT)\nos.kill(os.getpid(), signal.SIGTERM)\n"
        "print(code, ignored, 'still here')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "rules.csv")], capture_output=True, text=True, timeout=120,
        env={**os.environ, "RECONCILE_LANG": "en"},
    )  # fmt: skip
    assert (done.returncode, done.stdout.strip()) == (0, "0 [True, True] still here"), done.stderr
    assert (tmp_path / "rules.csv").is_file()
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # this process: CliRunner's commands leave it be
    CliRunner().invoke(cli, ["rules"])
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN
