"""Re-runs: the same files again change nothing (same findings, same ids); a changed file replaces
the period and run_changes records which inputs changed and which findings appeared or went."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from conftest import FIXTURES, copy_of
from reconcile.pipeline import RunConfig, run

SAMPLE = FIXTURES / "sample"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_rerun_with_the_same_files_is_a_no_op_and_a_changed_file_is_recorded(tmp_path, sample_month):
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    month = {"period": "2024-09", "registry": [SAMPLE / "registry.csv"], "db": db}
    first = sample_month.result  # the sample month, bank transfers then post office, run into db
    flags = rows(db, "SELECT * EXCLUDE (run_id) FROM flags ORDER BY flag_id")
    assert len(flags) == 26

    second = run(RunConfig(**month, payments=[SAMPLE / "post_office_cash.xlsx", SAMPLE / "bank_transfers.csv"]))
    assert second.run_id != first.run_id
    assert rows(db, "SELECT * EXCLUDE (run_id) FROM flags ORDER BY flag_id") == flags  # same findings, same ids
    assert rows(db, "SELECT count(*) FROM run_changes") == [(0,)]

    # the bank sends the file again with its last 40 payments missing, and no post office file
    changed = tmp_path / "bank_transfers.csv"
    lines = (SAMPLE / "bank_transfers.csv").read_text(encoding="utf-8-sig").splitlines()
    changed.write_text("\n".join(lines[:-40]) + "\n", encoding="utf-8")
    third = run(RunConfig(**month, payments=[changed], partial=True))  # no post office file
    assert rows(db, "SELECT DISTINCT run_id, previous_run_id FROM run_changes") == [(third.run_id, second.run_id)]
    assert rows(
        db,
        "SELECT change, role, file_name, sha256_before, sha256_after FROM run_changes "
        "WHERE change LIKE 'input%' ORDER BY file_name",
    ) == [
        ("input_changed", "payments", "bank_transfers.csv", sha(SAMPLE / "bank_transfers.csv"), sha(changed)),
        ("input_removed", "payments", "post_office_cash.xlsx", sha(SAMPLE / "post_office_cash.xlsx"), None),
    ]
    changes = rows(
        db, "SELECT change, code, count(*) FROM run_changes WHERE flag_id IS NOT NULL GROUP BY ALL ORDER BY ALL"
    )
    # 40 payments gone: 40 more beneficiaries unpaid; the post office's 6 payments gone: 6 more
    # unpaid, and its one finding (paid in cash though registered for transfers) gone
    assert changes == [("finding_appeared", "MISSING_PAYMENT", 46), ("finding_disappeared", "CASH_DESPITE_ACCOUNT", 1)]
    # and the changes agree with the two flag tables
    now = {r[0] for r in rows(db, "SELECT flag_id FROM flags")}
    before = {f[0] for f in flags}
    assert {r[0] for r in rows(db, "SELECT flag_id FROM run_changes WHERE change = 'finding_appeared'")} == now - before
    assert {
        r[0] for r in rows(db, "SELECT flag_id FROM run_changes WHERE change = 'finding_disappeared'")
    } == before - now


def test_a_replaced_run_and_its_findings_are_kept_unchanged_in_the_superseded_tables(tmp_path, sample_month):
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    month = {"period": "2024-09", "registry": [SAMPLE / "registry.csv"], "db": db}
    first = sample_month.result  # the sample month, bank transfers then post office, run into db
    flags_then = rows(db, "SELECT * FROM flags ORDER BY flag_id")
    run_then = rows(db, "SELECT * FROM runs")
    second = run(RunConfig(**month, payments=[SAMPLE / "bank_transfers.csv"], partial=True))
    assert rows(db, "SELECT * EXCLUDE (superseded_by) FROM superseded_flags ORDER BY flag_id") == flags_then
    assert rows(db, "SELECT DISTINCT superseded_by FROM superseded_flags") == [(second.run_id,)]
    assert rows(db, "SELECT * EXCLUDE (superseded_by) FROM superseded_runs") == run_then
    assert rows(db, "SELECT run_id, superseded_by FROM superseded_runs") == [(first.run_id, second.run_id)]
    assert rows(db, "SELECT DISTINCT run_id FROM flags") == [(second.run_id,)]
    third = run(RunConfig(**month, payments=[SAMPLE / "bank_transfers.csv"], partial=True))
    assert rows(db, "SELECT run_id, superseded_by FROM superseded_runs ORDER BY started_at") == [
        (first.run_id, second.run_id),
        (second.run_id, third.run_id),
    ]
    # the first run's 26 findings, then the second's 31 (without the post office file, six more unpaid
    # and its one finding gone)
    assert rows(db, "SELECT superseded_by, count(*) FROM superseded_flags GROUP BY ALL ORDER BY 2") == [
        (second.run_id, 26),
        (third.run_id, 31),
    ]
