"""`reconcile check` stages a CSV file (and copies one in UTF-16 or Windows-1258 as UTF-8) in a scratch
folder of its own in the system's temporary folder: removed when it ends, and, when a check was killed
(kill -9) before it could, by the next check (issue 18). It was `/tmp/reconcile-*.parquet` and
`.csv`, which nothing ever removed."""

from __future__ import annotations

import subprocess
import sys
import tempfile

import pytest
from click.testing import CliRunner

from conftest import SAMPLE_FILES, posix_only
from reconcile.cli import cli


@posix_only
def test_a_check_removes_its_scratch_and_what_a_killed_check_left(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = int(
        subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout
    )
    left = tmp_path / f".reconcile-check.{dead}.staging-k3j9x"
    left.mkdir()
    (left / "reconcile-1.csv").write_text("079196118125,Nguyễn Văn An\n", encoding="utf-8")
    kept = tmp_path / "reconcile-check.notes"  # not a scratch folder's name: never removed
    kept.write_text("someone's", encoding="utf-8")
    registry = tmp_path / "danh_sach.csv"
    registry.write_bytes(
        b"vneid,full_name,program,entitled_amount,channel\r\n001087123456,Nguy\xea\xden V\xe3n An,welfare,1500000,cash\r\n"
    )
    res = CliRunner().invoke(cli, ["check", "--as", "registry", "--period", "2024-09", str(registry)])
    assert res.exit_code == 0, res.output
    assert "csv, windows-1258" in res.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["danh_sach.csv", "reconcile-check.notes"]


@posix_only
@pytest.mark.parametrize("command", ["check", "run"])
def test_a_workbook_s_cells_left_by_a_killed_run_are_removed_by_the_next(tmp_path, monkeypatch, command):
    """The child that reads a workbook writes every cell of it (IDs, names, birth dates) as Arrow files
    to a temporary folder: a run or check killed (kill -9) while it read left `/tmp/reconcile-excel-*`
    behind, which nothing removed. Its folder is now named after the run's process, for a later run to
    remove once that process is gone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    dead = int(
        subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout
    )
    left = tmp_path / "tmp" / f".reconcile-excel.{dead}.excel-k3j9x"
    left.mkdir()
    (left / "1.arrow").write_bytes(b"ARROW1 IDs, names and birth dates")
    post = SAMPLE_FILES["payments"][1]
    if command == "check":
        args = ["check", "--as", "payments", "--period", "2024-09", str(post)]
    else:
        args = ["run", "--period", "2024-09", "--registry", str(SAMPLE_FILES["registry"][0]), "--payments"]
        args += [*map(str, SAMPLE_FILES["payments"]), "--db", str(tmp_path / "r.duckdb")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code in (0, 1), res.output
    assert list((tmp_path / "tmp").iterdir()) == []
