"""Hostile files through every reader and through a run (issue 18): truncated, bytes flipped or inserted,
random bytes, other encodings, huge fields, deep XML, thousands of columns, in every format reconcile
reads. Every outcome is exit 0, 1 or 2 with one line for an error: never a traceback, never an internal
error, never a hang.

`make test-all` runs a short profile (FUZZ_EXAMPLES, default 40 files per format); `make fuzz` a long one.
"""

from __future__ import annotations

import io
import os
import signal
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from reconcile.cli import cli

# a hang is caught by SIGALRM, which Windows has not
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM (POSIX)")

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SECONDS = 60  # any one file: a hang is a failure
REGISTRY = FIXTURES / "sample" / "registry.csv"

SEEDS = {
    ".csv": (FIXTURES / "sample" / "bank_transfers.csv").read_bytes()[:6000],
    ".xml": (FIXTURES / "camt" / "vn_statement_real_shapes.xml").read_bytes(),
    ".sta": (FIXTURES / "mt940" / "vn_bank_statement.sta").read_bytes(),
    ".xlsx": (FIXTURES / "sample" / "post_office_cash.xlsx").read_bytes(),
    ".txt": (FIXTURES / "sample" / "registry.csv").read_bytes()[:4000],
}


@st.composite
def mutation(draw, data: bytes) -> bytes:
    """One hostile version of a good file."""
    kind = draw(
        st.sampled_from(
            ["truncate", "flip", "insert", "random", "encode", "huge field", "columns", "deep", "repeat", "zip"]
        )
    )
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=200)) + data[at:]
    if kind == "random":
        return draw(st.binary(min_size=0, max_size=4000))
    if kind == "encode":
        text = data.decode("utf-8", errors="replace")
        return text.encode(
            draw(st.sampled_from(["utf-16", "utf-16-be", "cp1258", "latin-1", "utf-32"])), errors="replace"
        )
    if kind == "huge field":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"9" * draw(st.sampled_from([70_000, 300_000])) + data[at:]
    if kind == "columns":
        return b",".join(b"c%d" % i for i in range(draw(st.sampled_from([600, 3000])))) + b"\n" + data
    if kind == "deep":
        depth = draw(st.sampled_from([100, 3000]))
        return data.replace(b"<BkToCstmrStmt>", b"<BkToCstmrStmt>" + b"<x>" * depth + b"</x>" * depth, 1)
    if kind == "repeat":
        return data * draw(st.integers(2, 30))
    # a zip: the good file inside an archive, or an archive's bytes cut short
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", data)
        archive.writestr("[Content_Types].xml", b"<Types/>")
    packed = buffer.getvalue()
    return packed[: draw(st.integers(0, len(packed)))]


def _alarm(signum, frame):
    raise TimeoutError("a file took longer than a minute")


def outcome(args: list[str]) -> tuple[int, str]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    try:
        res = CliRunner().invoke(cli, args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if isinstance(res.exception, TimeoutError):
        raise res.exception
    return res.exit_code, res.output


def judged(code: int, output: str, data: bytes) -> None:
    assert code in (0, 1, 2), (code, output[-500:], data[:200])
    assert "Traceback" not in output and "internal error" not in output, (output[-800:], data[:200])
    errors = [line for line in output.splitlines() if line.startswith("reconcile: error:")]
    assert len(errors) <= 1 and (code != 2 or len(errors) == 1), output[-500:]


@pytest.mark.slow
@pytest.mark.parametrize("suffix", list(SEEDS))
def test_a_hostile_file_is_checked_with_exit_0_1_or_2_and_one_line(tmp_path_factory, suffix):
    folder = tmp_path_factory.mktemp("fuzz")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        suppress_health_check=list(HealthCheck),
    )
    @given(data=mutation(SEEDS[suffix]))
    def check(data: bytes) -> None:
        path = folder / f"bank{suffix}"
        path.write_bytes(data)
        judged(*outcome(["check", str(path), "--as", "payments", "--period", "2024-09"]), data)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".xml", ".xlsx"])
def test_a_run_given_a_hostile_file_exits_0_1_or_2_and_leaves_no_database(tmp_path_factory, suffix):
    folder = tmp_path_factory.mktemp("fuzzrun")

    @settings(
        max_examples=max(5, EXAMPLES // 4),
        deadline=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        suppress_health_check=list(HealthCheck),
    )
    @given(data=mutation(SEEDS[suffix]))
    def run(data: bytes) -> None:
        path, db = folder / f"bank{suffix}", folder / "r.duckdb"
        path.write_bytes(data)
        for leftover in (db, db.with_name("r.duckdb.key")):
            leftover.unlink(missing_ok=True)
        code, output = outcome(
            [
                "run",
                "--period",
                "2024-09",
                "--db",
                str(db),
                "--registry",
                str(REGISTRY),
                "--payments",
                str(path),
                "--partial",
            ]
        )
        judged(code, output, data)
        assert code != 2 or not db.exists()
        assert not [p for p in Path(folder).iterdir() if p.name.startswith(".r.duckdb.")]  # no scratch left

    run()


def test_a_workbook_whose_zip_directory_names_an_unknown_zip_version_is_still_read(tmp_path):
    """One byte of a real workbook's central directory raised the version needed to extract to 6.4:
    Python's zipfile refuses it with NotImplementedError, which the zip-bomb check let escape as an
    internal error. The workbook reader reads it: its data is whole."""
    raw = bytearray(SEEDS[".xlsx"])
    at = raw.find(b"PK\x01\x02")  # the first central-directory entry; its version-needed field is at +6
    raw[at + 6] = 64
    path = tmp_path / "bank.xlsx"
    path.write_bytes(bytes(raw))
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(path)
    code, output = outcome(["check", str(path), "--as", "payments", "--period", "2024-09"])
    judged(code, output, bytes(raw))
    assert code == 0 and "rows: 6 read, 6 loaded, 0 rejected" in output, output
