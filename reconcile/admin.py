"""Removing a period from the database, with a record of who removed what and why.

A period reconciled by mistake (the wrong files, the wrong month) is removed with `reconcile delete`.
Nothing about it is lost: its run and findings move, as they were, to superseded_runs and
superseded_flags (superseded_by is the removal's id, as it is a later run's id after a re-run), and
period_deletions records who removed it, when, why, and what the removed run held. The other
periods stay as they are; the removal is one transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reconcile.cases.refresh import money_notes, settled_money_taken
from reconcile.cases.refresh import refresh as refresh_cases
from reconcile.cases.reopen import trailing_reopenings, undo_reopenings
from reconcile.cases.signoff import refuse_if_signed_off, writing
from reconcile.config import check_period
from reconcile.errors import ReconcileError
from reconcile.warehouse import replace_period


@dataclass
class PeriodRun:
    """The run that holds a period, as `reconcile delete` shows it before asking."""

    period: str
    run_id: str
    operator: str
    finished_at: datetime
    registry_rows: int
    payment_rows: int
    flags: int
    files: list[dict]  # role, file_name, sha256 of each input


@dataclass
class Deletion:
    deletion_id: str
    run: PeriodRun
    # what the removal did to the money decisions recorded, as a run says it (cli/money.py): the cases
    # whose recorded money no longer fits within the months it was decided on (case_id, VND taken, VND
    # recorded), and how many cases now hold more than is at stake, or money on no finding left
    settled_taken: list[tuple[str, int, int]]
    over_settled: int
    unflagged_money: int
    # the cases the removed run had reopened, nobody having acted since, given back their status
    reopen_undone: int


def period_run(db: Path, period: str) -> PeriodRun:
    """The run that holds `period` in the database (refused when there is none)."""
    from reconcile.readback import open_db

    check_period(period)
    with open_db(db) as con:
        refuse_if_signed_off(con, period, "removed")
        return _period_run(con, db, period)


def _period_run(con, db: Path, period: str) -> PeriodRun:
    row = con.execute(
        "SELECT run_id, operator, finished_at, registry_rows, payment_rows, flags FROM runs WHERE period = ?", [period]
    ).fetchone()
    if row is None:
        raise ReconcileError(f"{db}: holds no run of {period}; see 'reconcile periods' for the periods it holds")
    files = [
        {"role": role, "file_name": name, "sha256": sha}
        for role, name, sha in con.execute(
            "SELECT DISTINCT role, file_name, sha256 FROM inputs WHERE period = ? AND skipped IS NULL ORDER BY ALL",
            [period],
        ).fetchall()
    ]
    return PeriodRun(period, row[0], row[1], row[2], row[3], row[4], row[5], files)


def delete_period(db: Path, period: str, by: str, reason: str) -> Deletion:
    """Remove the period's rows from every period table, keeping its run and findings in the
    superseded tables and a record in period_deletions; one transaction."""
    check_period(period)
    if not (by or "").strip():
        raise ReconcileError("say who removes the period with --by NAME")
    if not (reason or "").strip():
        raise ReconcileError("say why the period is removed with --reason TEXT")
    with writing(Path(db)) as (con, key):  # the database's own key, as a run or a sign-off needs it
        run = _period_run(con, db, period)
        refuse_if_signed_off(con, period, "removed")
        deletion_id = uuid.uuid4().hex
        replace_period(con, period, deletion_id)
        undone = undo_reopenings(
            con,
            key,
            period,
            trailing_reopenings(con, period),
            f"removal {deletion_id}: {period} removed, with the findings that reopened it",
        )
        refresh_cases(con)
        taken = settled_money_taken(con, period, run.run_id)
        over, unflagged, _, _ = money_notes(con)
        con.execute(
            "INSERT INTO period_deletions BY NAME SELECT $deletion_id AS deletion_id, $period AS period, "
            "$run_id AS run_id, $deleted_at AS deleted_at, $deleted_by AS deleted_by, $reason AS reason, "
            "$run_operator AS run_operator, $run_finished_at AS run_finished_at, $registry_rows AS registry_rows, "
            "$payment_rows AS payment_rows, $flags AS flags, $inputs AS inputs",
            {
                "deletion_id": deletion_id,
                "period": period,
                "run_id": run.run_id,
                "deleted_at": datetime.now(UTC).replace(tzinfo=None),
                "deleted_by": by.strip(),
                "reason": reason.strip(),
                "run_operator": run.operator,
                "run_finished_at": run.finished_at,
                "registry_rows": run.registry_rows,
                "payment_rows": run.payment_rows,
                "flags": run.flags,
                "inputs": json.dumps(run.files, ensure_ascii=False),
            },
        )
    return Deletion(deletion_id, run, taken, over, unflagged, undone)
