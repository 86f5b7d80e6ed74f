"""`reconcile check` stages a CSV file (and copies one in UTF-16 or Windows-1258 as UTF-8) in a scratch
folder of its own in the system's temporary folder: removed when it ends, and, when a check was killed
(kill -9) before it could, by the next check (issue 18). It was `/tmp/reconcile-*.parquet` and
`.csv`, which nothing ever removed."""

from __future__ import annotations

import subprocess
import sys
import tempfile

from click.testing import CliRunner

from conftest import posix_only
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
