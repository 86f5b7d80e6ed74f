"""A full disk, or a file-size limit (`ulimit -f`, EFBIG), while reconcile writes its outputs: the
workbook (`report`, `run --report`), the exports, the action files, the analyst copy and a listing's
--out. Each is exit 2 naming the file that could not be written (exit 4 with the `reconcile report`
command once a run has committed), one line and no traceback, and nothing half-written left behind.

The libraries fail each their own way, and the tests make them fail so: XlsxWriter's FileCreateError
around the OSError (and the zip file it leaves open), polars' OSError without a number, `... (os error
28)`, DuckDB's IOException. The limit itself is real in the tests that run a child process under it."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
import xlsxwriter.workbook
from click.testing import CliRunner

from conftest import SAMPLE, copy_of, posix_only
from reconcile.cli import cli

FULL = "free space or choose a folder that can be written, and run again"
TOO_LARGE = "the file is larger than the file-size limit or the disk allows"
LIMIT_FIX = "raise the file-size limit (ulimit -f), or choose a folder on a disk that takes larger files, and run again"


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _polars_disk_full(*args, **kwargs):
    """What polars raises on a full disk: an OSError without a number, the number in its text."""
    raise OSError("No space left on device (os error 28)")


@pytest.fixture()
def db(tmp_path, sample_month) -> Path:
    return copy_of(sample_month.db, tmp_path / "r.duckdb")


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_report_on_a_full_disk_is_exit_2_naming_the_workbook(tmp_path, db, monkeypatch):
    """XlsxWriter's FileCreateError was an internal error (exit 3, 'report it')."""
    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", _disk_full)
    out = tmp_path / "out"
    out.mkdir()
    book = out / "r.xlsx"
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book))
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {book}: cannot be written (the disk is full); the database is unchanged; {FULL}\n",
    )
    assert leftovers(out) == []


def test_exports_on_a_full_disk_are_exit_2_naming_the_file(tmp_path, db, monkeypatch):
    """polars' OSError holds no number: it was an internal error."""
    monkeypatch.setattr(pl.DataFrame, "write_parquet", _polars_disk_full)
    out = tmp_path / "export"
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--export", str(out))
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {out / 'flags_2024-09.parquet'}: cannot be written (the disk is full); the database is "
        f"unchanged; {FULL}\n",
    )
    assert leftovers(out) == []


def test_run_report_on_a_full_disk_after_the_commit_is_exit_4_with_the_command(tmp_path, db, monkeypatch):
    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", _disk_full)
    book = tmp_path / "r.xlsx"
    res = invoke(
        "run", "--period", "2024-09", "--db", str(db), "--registry", str(SAMPLE / "registry.csv"),
        "--payments", str(SAMPLE / "bank_transfers.csv"), "--partial", "--report", str(book),
    )  # fmt: skip
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        4,
        f"reconcile: error: the period 2024-09 is saved in {db}, but the workbook or exports could not be written "
        f"(No space left on device: {book}); close the workbook if it is open in Excel, check the disk has room, "
        f"and write them again with: reconcile report --period 2024-09 --db {db} --report {book}",
    )
    assert not book.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".r.xlsx")]


def _fail_on_call(monkeypatch, owner, name: str, n: int, error: BaseException) -> None:
    """owner.name as it is, but its n-th call raises `error`."""
    original = getattr(owner, name)
    calls = [0]

    def patched(*args, **kwargs):
        calls[0] += 1
        if calls[0] == n:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, patched)


@pytest.mark.parametrize(
    "error, code, line",
    [
        (
            OSError("No space left on device (os error 28)"),
            2,
            "reconcile: error: {path}: cannot be written (the disk is full); the database is unchanged; " + FULL,
        ),
        (KeyboardInterrupt(), 130, "reconcile: interrupted; the database is unchanged"),
    ],
)
def test_actions_that_fail_part_way_leave_the_folder_as_it_was(tmp_path, db, monkeypatch, error, code, line):
    """The third CSV of a listing fails to be written (a full disk; Ctrl-C): no file of the new listing is
    left, and the files of the earlier listing in the folder are as they were (a bank is never sent part
    of a set)."""
    out = tmp_path / "actions"
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out))
    assert res.exit_code == 0, res.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(before) == 10
    _fail_on_call(monkeypatch, pl.DataFrame, "write_csv", 3, error)
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out))
    third = sorted(n for n in before if n.startswith("recovery_") and n.endswith(".csv"))[1]  # after reissue_BIDV's
    assert (res.exit_code, res.stderr) == (code, line.format(path=out / third) + "\n")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@posix_only
def test_ctrl_c_while_the_action_files_move_into_place_comes_after_the_whole_set(tmp_path, db, monkeypatch):
    """The signal, as the first file is moved into place, is held until the last is: exit 130, every file there."""
    import signal

    import reconcile.actions as actions

    real_replace = os.replace
    sent = []

    def replace(src, dst):
        if not sent:
            sent.append(dst)
            signal.raise_signal(signal.SIGINT)
        real_replace(src, dst)

    monkeypatch.setattr(actions.os, "replace", replace)
    out = tmp_path / "actions"
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out))
    assert (res.exit_code, res.stderr) == (130, "reconcile: interrupted; the database is unchanged\n")
    assert len(leftovers(out)) == 10 and not [n for n in leftovers(out) if n.startswith(".")]


def test_actions_on_a_full_disk_into_a_new_folder_leave_no_file(tmp_path, db, monkeypatch):
    """XlsxWriter's FileCreateError was an internal error, and the CSV written before it stayed."""
    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", _disk_full)
    out = tmp_path / "actions"
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out))
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {out / 'reissue_BIDV.xlsx'}: cannot be written (the disk is full); the database is "
        f"unchanged; {FULL}\n",
    )
    assert leftovers(out) == []


def test_flags_out_on_a_full_disk_names_only_the_listing(tmp_path, db, monkeypatch):
    """It said 'DB or f.csv: cannot be written', though the database was only read."""
    monkeypatch.setattr(Path, "write_bytes", _disk_full)
    out = tmp_path / "f.csv"
    res = invoke("flags", "--db", str(db), "--out", str(out))
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {out}: cannot be written (the disk is full); the database is unchanged; {FULL}\n",
    )
    assert leftovers(tmp_path) == ["r.duckdb"]


def test_export_db_on_a_full_disk_leaves_no_scratch_file(tmp_path, db, monkeypatch):
    """DuckDB failed to write the new file's header as it was made: its scratch file was left behind."""
    import reconcile.analyst_export as analyst_export

    real_connect = duckdb.connect

    def connect(path, *args, **kwargs):
        if ".copy-" not in str(path):
            return real_connect(path, *args, **kwargs)
        Path(path).write_bytes(b"\0" * 4096)  # what it had written when the disk filled
        raise duckdb.IOException(f'IO Error: Could not write file "{path}": No space left on device')

    monkeypatch.setattr(analyst_export.duckdb, "connect", connect)
    out = tmp_path / "analysts.duckdb"
    res = invoke("export-db", "--db", str(db), "--out", str(out))
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {out}: cannot be written (the disk is full); the database is unchanged; {FULL}\n",
    )
    assert leftovers(tmp_path) == ["r.duckdb"]


def test_a_commit_past_a_file_size_limit_is_exit_2_not_an_internal_error(tmp_path, db, monkeypatch):
    """DuckDB's TransactionException 'File too large' at the commit was an internal error (exit 3)."""
    import reconcile.rules as rules

    def too_large(*args, **kwargs):
        raise duckdb.TransactionException(
            f'TransactionContext Error: Failed to commit: Could not write file "{db}.wal": File too large'
        )

    monkeypatch.setattr(rules, "run_rule", too_large)
    res = invoke(
        "run", "--period", "2024-09", "--db", str(db), "--registry", str(SAMPLE / "registry.csv"),
        "--payments", str(SAMPLE / "bank_transfers.csv"), "--partial",
    )  # fmt: skip
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        2,
        f'reconcile: error: cannot write (Failed to commit: Could not write file "{db}.wal": File too large); the '
        f"database is unchanged; {LIMIT_FIX}",
    )


def test_an_export_past_a_file_size_limit_names_it(tmp_path, db, monkeypatch):
    def too_large(*args, **kwargs):
        raise OSError("File too large (os error 27)")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", too_large)
    out = tmp_path / "export"
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--export", str(out))
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {out / 'flags_2024-09.parquet'}: cannot be written ({TOO_LARGE}); the database is "
        f"unchanged; {LIMIT_FIX}\n",
    )


def _under_limit(kib: int, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """`reconcile ARGS` in a child process that may write no file larger than `kib` KiB (ulimit -f); its
    temporary files in a folder of the test's own, to be seen."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (kib * 1024, resource.RLIM_INFINITY))

    tmp = cwd / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp), "RECONCILE_LANG": "en"}
    code = "from reconcile.cli.main import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, preexec_fn=limit
    )


@posix_only
def test_a_workbook_past_a_file_size_limit_says_one_line_and_no_traceback(tmp_path, db):
    """A real limit: XlsxWriter's zip file, left open by the failed write, printed a traceback after
    the error line ('Exception ignored in: <function ZipFile.__del__ ...>') when it was collected."""
    book = tmp_path / "r.xlsx"
    done = _under_limit(16, ["report", "--period", "2024-09", "--db", str(db), "--report", str(book)], tmp_path)
    assert (done.returncode, done.stderr) == (
        2,
        f"reconcile: error: {book}: cannot be written ({TOO_LARGE}); the database is unchanged; {LIMIT_FIX}\n",
    )
    assert leftovers(tmp_path) == ["r.duckdb", "tmp"] and leftovers(tmp_path / "tmp") == []


@posix_only
def test_staging_past_a_file_size_limit_names_the_folder_not_the_input(tmp_path):
    """polars stops writing a CSV file's staged copy at the limit without a word; reading the copy back
    then failed, and the run blamed the input: 'cannot be read as CSV ... save it again from Excel'."""
    args = ["run", "--period", "2024-09", "--db", str(tmp_path / "new.duckdb"), "--partial"]
    args += ["--registry", str(SAMPLE / "registry.csv"), "--payments", str(SAMPLE / "bank_transfers.csv")]
    done = _under_limit(16, args, tmp_path)
    last = done.stderr.splitlines()[-1]
    assert done.returncode == 2
    assert re.fullmatch(
        rf"reconcile: error: {re.escape(str(SAMPLE))}/[a-z_]+\.csv: cannot be staged in {re.escape(str(tmp_path))}/\S+ "
        r"\(File too large\); raise the file-size limit \(ulimit -f\), or give --db a folder on a disk that takes "
        r"larger files",
        last,
    ), last
    assert leftovers(tmp_path) == ["tmp"]


def test_the_vietnamese_of_a_file_size_limit(tmp_path, db, monkeypatch):
    def too_large(*args, **kwargs):
        raise OSError("File too large (os error 27)")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", too_large)
    out = tmp_path / "export"
    res = CliRunner().invoke(
        cli, ["--lang", "vi", "report", "--period", "2024-09", "--db", str(db), "--export", str(out)]
    )
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: lỗi: {out / 'flags_2024-09.parquet'}: không ghi được (tệp lớn hơn mức giới hạn kích thước tệp "
        "hoặc mức ổ đĩa cho phép); cơ sở dữ liệu không thay đổi; hãy nâng giới hạn kích thước tệp (ulimit -f), hoặc "
        "chọn một thư mục trên ổ đĩa nhận được tệp lớn hơn, rồi chạy lại\n",
    )


def test_a_folder_where_writing_is_not_permitted_is_exit_2_not_an_internal_error(tmp_path, db, monkeypatch):
    """An immutable folder (chattr +i), a protected or synced one, answers EPERM (Operation not permitted),
    not EACCES: the run's scratch file there, and DuckDB's commit, were an internal error (exit 3)."""
    import reconcile.rules as rules

    def not_permitted(*args, **kwargs):
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), f"{db}.spill")

    monkeypatch.setattr(rules, "run_rule", not_permitted)
    run = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(SAMPLE / "registry.csv"),
           "--payments", str(SAMPLE / "bank_transfers.csv"), "--partial"]  # fmt: skip
    res = invoke(*run)
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        2,
        f"reconcile: error: {db}.spill: cannot be written (the operation is not permitted there); the database is "
        f"unchanged; {FULL}",
    )

    def commit_not_permitted(*args, **kwargs):
        raise duckdb.TransactionException(
            f'TransactionContext Error: Failed to commit: Could not write file "{db}.wal": Operation not permitted'
        )

    monkeypatch.setattr(rules, "run_rule", commit_not_permitted)
    res = invoke(*run)
    assert res.exit_code == 2 and "Operation not permitted); the database is unchanged" in res.stderr, res.output
