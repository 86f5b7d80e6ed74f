"""Every table's and view's content for the demo month, held as a digest (issue 19): a change of
layout must not change one value any user or analyst sees. A deliberate change of output regenerates
the golden file: RECONCILE_REGEN_GOLDEN=1 pytest tests/test_digests.py, and the diff is reviewed."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb
from click.testing import CliRunner

from reconcile.cli import cli

GOLDEN = Path(__file__).parent / "golden" / "demo_digests.json"
# what differs from one run to the next by nature: the run's id and times, the machine's paths and user
VOLATILE = {"run_id", "previous_run_id", "superseded_by", "started_at", "finished_at", "deleted_at",
            "deletion_id", "path", "operator", "settings", "tool_version"}


def table_digests(db: Path) -> dict[str, dict]:
    """For each table and view: its row count and the SHA-256 of its rows, sorted, in a fixed text form."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for (name,) in con.execute("select table_name from information_schema.tables "
                                   "where table_schema = 'main' order by 1").fetchall():
            cols = [c for (c,) in con.execute("select column_name from information_schema.columns where "
                                              "table_name = ? order by ordinal_position", [name]).fetchall()
                    if c not in VOLATILE]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f'select {select} from "{name}" order by all').fetchall()
            digest = hashlib.sha256("\n".join(repr(r) for r in rows).encode()).hexdigest()
            out[name] = {"rows": len(rows), "columns": cols, "sha256": digest}
        return out
    finally:
        con.close()


def test_every_table_of_the_demo_month_is_unchanged(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the files are named as given (demo/registry.csv), the same in every run
    res = CliRunner().invoke(cli, ["demo", "--out", "demo"])
    assert res.exit_code == 0, res.output  # demo exits 0 whatever it finds
    digests = table_digests(tmp_path / "demo" / "demo.duckdb")
    if os.environ.get("RECONCILE_REGEN_GOLDEN"):
        GOLDEN.write_text(json.dumps(digests, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert digests == json.loads(GOLDEN.read_text(encoding="utf-8"))
