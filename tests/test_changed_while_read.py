"""A payments file rewritten while the run reads it (a sync tool, a second export over the first) is
refused in one line, exit 2, naming it: the rows read would be of one content and the SHA-256 that
`inputs` records of another. The rewrite is made at a chosen step of the reading, not by timing.

And a command line typed in a terminal of an ASCII locale (LC_ALL=C, Python's UTF-8 mode off): its
Vietnamese arguments reach reconcile as the text typed, and a path among them still opens."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from conftest import SAMPLE, SAMPLE_FILES, generated_month, posix_only
from reconcile.cli import cli

REFUSED = "reconcile: error: {path}: changed while it was read; run again when it is no longer being written"


def _run(tmp_path: Path, payments: Path) -> tuple[int, str, Path]:
    db = tmp_path / "r.duckdb"
    registry, cash = SAMPLE_FILES["registry"][0], SAMPLE_FILES["payments"][1]
    args = ["run", "--period", "2024-09", "--db", db, "--registry", registry, "--payments", payments, cash]
    res = CliRunner().invoke(cli, [str(a) for a in args])
    return res.exit_code, res.output, db


def _shorter(path: Path, lines: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(keepends=True)[:lines])


@pytest.mark.parametrize(
    "rewritten",
    [
        pytest.param(lambda old: _shorter(old, 120), id="fewer-rows"),
        pytest.param(lambda old: _shorter(old, 120) + b'121,"FT2024', id="cut-in-a-quoted-field"),
    ],
)
def test_a_csv_file_rewritten_while_it_is_staged_is_refused(tmp_path, monkeypatch, rewritten):
    """It was hashed whole (295 rows), then staged as another export wrote over it: the run exited 0 with
    the first content's SHA-256 and the second's rows; cut inside a quoted field, it was 'not CSV'."""
    payments = shutil.copy(SAMPLE / "bank_transfers.csv", tmp_path / "bank.csv")
    short = rewritten(Path(payments))
    sink = pl.LazyFrame.sink_parquet

    def rewrite_then_sink(self, *args, **kwargs):
        if "bank.csv" in self.explain():  # the payments file's scan, not the registry's
            Path(payments).write_bytes(short)
        return sink(self, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "sink_parquet", rewrite_then_sink)
    code, output, db = _run(tmp_path, Path(payments))
    assert (code, output.strip().splitlines()[-1]) == (2, REFUSED.format(path=payments))
    assert not db.exists()


def test_a_plain_parquet_file_rewritten_between_its_footer_and_its_rows_is_refused(tmp_path_factory, monkeypatch):
    """Its footer said 95 rows; DuckDB then staged the 40 of the file written over it: internal error
    (RuntimeError '95 rows read but 40 staged'), exit 3."""
    from reconcile.readers import parquet

    out, _ = generated_month(tmp_path_factory, "parquet", beneficiaries=100)
    payments, frame = out / "payments_bank.parquet", pl.read_parquet(out / "payments_bank.parquet")
    query = parquet.stream_query

    def rewrite_after_the_footer(path, *args):
        if path == payments:
            frame.head(40).write_parquet(payments)
        return query(path, *args)

    monkeypatch.setattr(parquet, "stream_query", rewrite_after_the_footer)
    db = tmp_path_factory.mktemp("db") / "r.duckdb"
    args = ["--registry", out / "registry.parquet", "--payments", payments, out / "payments_post.parquet"]
    res = CliRunner().invoke(cli, [str(a) for a in ("run", "--period", "2024-09", "--db", db, *args)])
    assert (res.exit_code, res.output.strip().splitlines()[-1]) == (2, REFUSED.format(path=payments))
    assert not db.exists()


def test_a_file_rewritten_after_it_was_hashed_with_as_many_rows_is_refused(tmp_path_factory, monkeypatch):
    """The same rows, one amount changed, written over the file between its hash and its reading: a CSV
    file staged after the rewrite, a plain Parquet file whose rows DuckDB read after it, each passed
    with the first content's SHA-256 in `inputs` and the second's amounts in the month."""
    import reconcile.readers as readers
    from reconcile.normalise import stage

    folder = tmp_path_factory.mktemp("csv")
    csv_file = Path(shutil.copy(SAMPLE / "bank_transfers.csv", folder / "bank.csv"))
    edited = csv_file.read_bytes().replace(b"1,500,000", b"1,600,000", 1)
    assert edited != csv_file.read_bytes()
    hashed = readers.sha256_of

    def hash_then_rewrite(path, *args, **kwargs):
        digest = hashed(path, *args, **kwargs)
        if path == csv_file:
            os.utime(csv_file, ns=(0, 0))  # the same size, another time: as a sync tool writes it
            csv_file.write_bytes(edited)
        return digest

    monkeypatch.setattr(readers, "sha256_of", hash_then_rewrite)
    code, output, db = _run(folder, csv_file)
    assert (code, output.strip().splitlines()[-1]) == (2, REFUSED.format(path=csv_file))
    monkeypatch.undo()

    out, _ = generated_month(tmp_path_factory, "parquet", beneficiaries=100)
    payments, frame = out / "payments_bank.parquet", pl.read_parquet(out / "payments_bank.parquet")
    load_raw = stage.load_raw

    def rewrite_as_many_rows(con, kind, tables):  # every file read and hashed; the rows not yet
        if kind == "payments":
            frame.with_columns(pl.col(frame.columns[0]).reverse()).write_parquet(payments)
        return load_raw(con, kind, tables)

    monkeypatch.setattr(stage, "load_raw", rewrite_as_many_rows)
    db = tmp_path_factory.mktemp("db") / "r.duckdb"
    args = ["--registry", out / "registry.parquet", "--payments", payments, out / "payments_post.parquet"]
    res = CliRunner().invoke(cli, [str(a) for a in ("run", "--period", "2024-09", "--db", db, *args)])
    assert (res.exit_code, res.output.strip().splitlines()[-1]) == (2, REFUSED.format(path=payments))


def test_a_parquet_file_read_whole_and_a_utf16_csv_file_rewritten_as_read_are_refused(tmp_path, monkeypatch):
    """A Parquet file with a list column is read whole by polars, a UTF-16 CSV file is read whole into a
    UTF-8 copy: each rewritten as it was read passed, with the first content's SHA-256."""
    from reconcile.readers import delimited

    frame = pl.read_csv(SAMPLE / "bank_transfers.csv", infer_schema=False).with_columns(tags=pl.lit(["a"]))
    whole = tmp_path / "bank.parquet"
    frame.write_parquet(whole)
    lines = (SAMPLE / "bank_transfers.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    utf16 = tmp_path / "bank.csv"
    utf16.write_text("".join(lines), encoding="utf-16")
    read_parquet, transcode = pl.read_parquet, delimited.transcode

    def rewrite_then_read(source, *args, **kwargs):
        if source == whole:
            frame.head(119).write_parquet(whole)
        return read_parquet(source, *args, **kwargs)

    def transcode_then_rewrite(path, *args):
        copied = transcode(path, *args)
        path.write_text("".join(lines[:120]), encoding="utf-16")
        return copied

    monkeypatch.setattr(pl, "read_parquet", rewrite_then_read)
    monkeypatch.setattr(delimited, "transcode", transcode_then_rewrite)
    for path in (whole, utf16):
        res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments"])
        assert (res.exit_code, res.output.strip().splitlines()[-1]) == (2, REFUSED.format(path=path))


# A terminal in the C locale, with neither PEP 538's coercion nor PEP 540's UTF-8 mode: Python decodes
# the command line as ASCII, and each byte of a Vietnamese letter becomes a surrogate escape
ASCII_TERMINAL = {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "RECONCILE_LANG": "en"}


def _typed(args: list[str | bytes], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LANG", "LANGUAGE")}
    words = [a if isinstance(a, bytes) else a.encode("utf-8") for a in args]
    return subprocess.run(
        [sys.executable, "-m", "reconcile", *words], cwd=cwd, env={**env, **ASCII_TERMINAL}, capture_output=True
    )


@posix_only
def test_vietnamese_arguments_in_an_ascii_terminal(tmp_path):
    """`--operator "Nguyễn Văn A"` was an internal error (InvalidInputException), a registry named
    `Danh sách.csv` another (TypeError), `--report "Báo cáo 09-2024.xlsx"` exit 4 once the period was saved."""
    shutil.copy(SAMPLE_FILES["registry"][0], tmp_path / "Danh sách.csv")
    names = ["--registry", "Danh sách.csv", "--operator", "Nguyễn Văn A", "--report", "Báo cáo 09-2024.xlsx"]
    payments = ["--payments", *map(str, SAMPLE_FILES["payments"])]
    done = _typed(["run", "--period", "2024-09", "--db", "r.duckdb", *names, *payments], tmp_path)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert (tmp_path / "Báo cáo 09-2024.xlsx").is_file()
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT operator FROM runs").fetchall() == [("Nguyễn Văn A",)]
        assert con.execute("SELECT file_name FROM inputs WHERE role = 'registry'").fetchall() == [("Danh sách.csv",)]


@posix_only
def test_an_argument_that_is_not_utf8_is_refused_in_one_line(tmp_path):
    """A name typed in Windows-1258 (`sách` as b's\\xe1ch') cannot be any file's UTF-8 name: one line, exit 2."""
    from reconcile.messages import translate

    done = _typed(["check", b"Danh s\xe1ch.csv", "--as", "registry"], tmp_path)
    line = (
        "reconcile: error: Danh s\\xe1ch.csv: is not UTF-8 text (argument 2 of the command line); type it again "
        "in a terminal set to UTF-8 (LANG=C.UTF-8), or give the file a name in UTF-8"
    )
    assert (done.returncode, done.stdout, done.stderr.decode("utf-8")) == (2, b"", line + "\n")
    assert translate(line, "vi") == (
        "reconcile: lỗi: Danh s\\xe1ch.csv: không phải văn bản UTF-8 (tham số thứ 2 của dòng lệnh); hãy gõ lại "
        "trong một cửa sổ dòng lệnh dùng UTF-8 (LANG=C.UTF-8), hoặc đặt cho tệp một tên bằng UTF-8"
    )
