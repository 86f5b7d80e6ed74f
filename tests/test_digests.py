"""Every table's and view's content for the demo month, and for a generated month with every finding
from Parquet and from CSV, held as digests (issues 19 and 20): a change of layout or of speed must
not change one value any user or analyst sees. A deliberate change of output regenerates the golden
files: RECONCILE_REGEN_GOLDEN=1 pytest tests/test_digests.py, and the diff is reviewed."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from reconcile import worktables
from reconcile.cli import cli
from reconcile.normalise import stage

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN = GOLDEN_DIR / "demo_digests.json"
# what differs from one run to the next by nature: the run's id and times, the machine's paths and user
VOLATILE = {
    "run_id",
    "previous_run_id",
    "superseded_by",
    "started_at",
    "finished_at",
    "deleted_at",
    "deletion_id",
    "path",
    "operator",
    "settings",
    "tool_version",
}


# What was added to the database since the golden files were written, each by the issue that added it:
# new tables and columns are new outputs (tested where they are made); the digests hold every table
# and column that was there before, unchanged. Anything else new fails here.
ADDED = {  # table -> its new columns ("*": a new table)
    "flags": {"case_id"},
    "superseded_flags": {"case_id"},
    "cases": {"*"},  # issue 21
    "case_events": {"*"},
    "signoffs": {"*"},
    "recoveries": {"*"},  # issue 22: views
    "recoveries_by_province": {"*"},
    "arrears": {"*"},
    "period_summary": {"*"},
    "flag_repeats": {"*"},  # a payment in two months' files counted once: a view, empty for one month
    "back_pay": {"*"},  # back payments (truy lĩnh) and the months they paid: a view, empty in these months
    "paid_ahead": {"*"},  # months paid together (January pays February): a view, empty in these months
    "runs": {"warnings"},  # what a run warned of before its summary, kept with it (issue 16)
    "superseded_runs": {"warnings"},
    "payments": {"birth_year"},  # a post office's year of birth alone, matched by name and year
    "matches": {"months_ahead"},  # months paid together: the months after its own a payment paid too
    "schema_version": {"*"},  # the version of the schema and case logic a database was brought up to
}
# tables whose rows are now under another name: the golden's noncash_share (every level) is
# noncash_share_by_area, and noncash_share holds its programme and province rows alone, as the SPEC gives
# the view (a programme's provinces add up to its total)
MOVED = {"noncash_share_by_area": "noncash_share"}
NARROWED = {"noncash_share": ("noncash_share_by_area", "level IN ('program', 'province')")}


def table_digests(db: Path, golden: dict | None = None, period: str | None = None) -> dict[str, dict]:
    """For each table and view: its row count and the SHA-256 of its rows, sorted, in a fixed text form;
    with `golden`, of the golden's tables and columns only, after checking that whatever else the
    database holds is in ADDED; with `period`, the rows of that period only where a table has periods."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1"
        ).fetchall():
            cols = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
                    [name],
                ).fetchall()
                if c not in VOLATILE
            ]
            if golden is not None and name in NARROWED:  # the rows of the one it narrows, exactly
                wider, rows_of = NARROWED[name]
                for a, b in ((name, f"{wider} WHERE {rows_of}"), (f"{wider} WHERE {rows_of}", name)):
                    assert con.execute(
                        f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})"
                    ).fetchall() == [(0,)]
                continue
            key = MOVED.get(name, name) if golden is not None else name
            if golden is not None:
                if key not in golden:
                    assert ADDED.get(name) == {"*"}, f"table {name} is new: add it to ADDED, with its issue"
                    continue
                new = [c for c in cols if c not in golden[key]["columns"]]
                assert set(new) <= ADDED.get(name, set()), f"{name}: new columns {new}: add them to ADDED"
                cols = [c for c in cols if c not in new]
            select = ", ".join(f'"{c}"' for c in cols)
            where = "where period = ?" if period and "period" in cols else ""
            rows = con.execute(
                f'select {select} from "{name}" {where} order by all', [period] if where else []
            ).fetchall()
            digest = hashlib.sha256("\n".join(repr(r) for r in rows).encode()).hexdigest()
            out[key if golden is not None else name] = {"rows": len(rows), "columns": cols, "sha256": digest}
        return out
    finally:
        con.close()


def test_every_table_of_the_demo_month_is_unchanged(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the files are named as given (demo/registry.csv), the same in every run
    res = CliRunner().invoke(cli, ["demo", "--out", "demo"])
    assert res.exit_code == 0, res.output  # demo exits 0 whatever it finds
    regen = os.environ.get("RECONCILE_REGEN_GOLDEN")
    # the demo goes on to a second month (issue 21): September's rows are as they were
    digests = table_digests(
        tmp_path / "demo" / "demo.duckdb",
        None if regen else json.loads(GOLDEN.read_text(encoding="utf-8")),
        period="2024-09",
    )
    if regen:
        GOLDEN.write_text(json.dumps(digests, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert digests == json.loads(GOLDEN.read_text(encoding="utf-8"))


def _check_golden(digests: dict, golden: Path) -> None:
    if os.environ.get("RECONCILE_REGEN_GOLDEN"):
        golden.write_text(json.dumps(digests, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert digests == json.loads(golden.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated_month(tmp_path_factory) -> Path:
    """5,000 beneficiaries, seed 1: every one of the fourteen findings is planted at least four times."""
    folder = tmp_path_factory.mktemp("generated")
    res = CliRunner().invoke(
        cli, ["generate", "--beneficiaries", "5000", "--seed", "1", "--formats", "parquet,csv", "--out", str(folder)]
    )
    assert res.exit_code == 0, res.output
    return folder


@pytest.mark.parametrize(
    ("fmt", "work"), [("parquet", "memory"), ("csv", "memory"), ("parquet", "disk"), ("parquet", "by row")]
)
def test_every_table_of_a_generated_month_with_every_finding_is_unchanged(generated_month, fmt, work, monkeypatch):
    """Also with the wide work tables in the scratch database, as a month too large for the memory
    limit keeps them (worktables.py), and with the names and narratives normalised row by row, as a
    month where nearly every row's differs has them (stage.by_value): the same tables, to the last value."""
    monkeypatch.chdir(generated_month)
    by_row = []
    if work == "by row":
        monkeypatch.setattr(
            stage, "by_value", lambda con, kind: by_row.append(kind) or dict.fromkeys(stage.EITHER_WAY[kind], False)
        )
    placed_on_disk = []
    real_on_disk = worktables.on_disk
    monkeypatch.setattr(worktables, "on_disk", lambda *a: placed_on_disk.append(real_on_disk(*a)) or placed_on_disk[-1])
    in_parts = []
    real_in_parts = worktables._in_parts
    monkeypatch.setattr(worktables, "_in_parts", lambda q, n: in_parts.append(n) or real_in_parts(q, n))
    if work == "disk":
        monkeypatch.setattr(worktables, "ROWS_PER_GB", 0)
        monkeypatch.setattr(worktables, "PART_ROWS_PER_GB", 1_000)  # pm in parts of 1,500 beneficiaries
    db = f"digest_{fmt}_{work.replace(' ', '_')}.duckdb"
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--registry",
            f"registry.{fmt}",
            "--payments",
            f"payments_bank.{fmt}",
            "--payments",
            f"payments_post.{fmt}",
            "--db",
            db,
        ],
    )
    assert res.exit_code == 0, res.output
    golden = GOLDEN_DIR / f"generated_{fmt}_digests.json"
    digests = table_digests(
        generated_month / db,
        None if os.environ.get("RECONCILE_REGEN_GOLDEN") else json.loads(golden.read_text(encoding="utf-8")),
    )
    codes = (
        duckdb.connect(str(generated_month / db), read_only=True)
        .execute("select count(distinct code) from flags")
        .fetchone()[0]
    )
    assert codes == 14
    assert by_row == (["registry", "payments"] if work == "by row" else [])
    assert placed_on_disk == [work == "disk"]  # 5,000 beneficiaries fit in memory unless told otherwise
    assert in_parts == ([4] if work == "disk" else [])  # the registry's 5,000 rows and more, in four parts
    _check_golden(digests, golden)
