"""`--format csv` on stdout: into a new file, a byte order mark, so that Excel on Windows reads its
Vietnamese as UTF-8 (as the exports are written); into a pipe or a file appended to, none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
