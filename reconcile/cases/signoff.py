"""Signing a period off, maker-checker, and reopening it.

`reconcile signoff --period P --by NAME`: the checker signs the period's run off; the checker is not the
period's operator (runs.operator, who made the run). A signed-off period refuses a re-run and a removal
(exit 2) until `reconcile reopen --period P --by NAME --reason TEXT`. Both are rows of `signoffs`,
hash-chained like case_events.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from reconcile.cases import chain
from reconcile.cases.refresh import has_table, up_to_date
from reconcile.config import check_period
from reconcile.errors import ReconcileError
from reconcile.normalise.text import fold


@dataclass
class SignoffState:
    action: str  # signoff or reopen
    by: str
    at: datetime
    run_id: str


def state(con, period: str) -> SignoffState | None:
    """The latest sign-off row of the period, or None."""
    if not has_table(con, "signoffs"):
        return None
    row = con.execute(
        'SELECT action, "by", "at", run_id FROM signoffs WHERE period = ? ORDER BY seq DESC LIMIT 1', [period]
    ).fetchone()
    return SignoffState(*row) if row else None


def refuse_if_signed_off(con, period: str, doing: str) -> None:
    """Raise when the period is signed off: `doing` is what was asked (re-run, remove)."""
    now = state(con, period)
    if now is not None and now.action == "signoff":
        raise ReconcileError(
            f"period {period} was signed off on {now.at:%d/%m/%Y %H:%M} UTC and cannot be {doing}; "
            f"reopen it first: reconcile reopen --period {period} --by NAME --reason TEXT"
        )


@contextlib.contextmanager
def writing(db: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, bytes]]:
    """The database opened for writing, in one transaction with its schema up to date, and its key
    (checked against the runs'); committed when the block ends, rolled back when it raises."""
    from reconcile.warehouse import write_transaction

    if not Path(db).is_file():
        raise ReconcileError(f"{db}: no such database; check the --db path")
    with write_transaction(Path(db)) as con:
        yield con, up_to_date(con, Path(db))


def signoff(db: Path, period: str, by: str) -> SignoffState:
    """Sign the period off as `by`, who must not be its operator."""
    check_period(period)
    by = (by or "").strip()
    if not by:
        raise ReconcileError("say who signs the period off with --by NAME")
    with writing(db) as (con, key):
        run = con.execute("SELECT run_id, operator FROM runs WHERE period = ?", [period]).fetchone()
        if run is None:
            raise ReconcileError(f"{db}: holds no run of {period}; see 'reconcile periods' for the periods it holds")
        # one person however the name is typed: composed or not, with or without diacritics and spaces
        if fold(run[1] or "") == fold(by):
            raise ReconcileError(
                f"period {period} was run by the same person who signs it off; the checker must be someone "
                "other than the operator: sign off with --by the checker's name"
            )
        now = state(con, period)
        if now is not None and now.action == "signoff":
            raise ReconcileError(f"period {period} is already signed off ({now.at:%d/%m/%Y %H:%M} UTC)")
        return _record(con, key, period, run[0], "signoff", by, None)


def reopen(db: Path, period: str, by: str, reason: str) -> SignoffState:
    """Reopen a signed-off period, so that it can be re-run or removed."""
    check_period(period)
    by, reason = (by or "").strip(), (reason or "").strip()
    if not by:
        raise ReconcileError("say who reopens the period with --by NAME")
    if not reason:
        raise ReconcileError("say why the period is reopened with --reason TEXT")
    with writing(db) as (con, key):
        now = state(con, period)
        if now is None or now.action != "signoff":
            raise ReconcileError(f"period {period} is not signed off; there is nothing to reopen")
        return _record(con, key, period, now.run_id, "reopen", by, reason)


def partial_note(con, period: str) -> str | None:
    """The PARTIAL line of a period run with --partial (the run's summary.partial), in the terminal's
    language; None for a whole month."""
    import json

    from reconcile.messages import language, text
    from reconcile.report.summary import _missing_source

    row = con.execute("SELECT missing_sources FROM runs WHERE period = ? AND partial", [period]).fetchone()
    if row is None:
        return None
    sources = "; ".join(_missing_source(m, language()) for m in json.loads(row[0] or "[]"))
    return text("summary.partial", period=period, sources=sources)


def warnings_said(con, period: str) -> list[str]:
    """What the run of the period warned of without stopping (runs.warnings), a line each in the
    terminal's language: the checker signs off what the workbook's summary shows first."""
    import json

    from reconcile.messages import text, translate

    row = con.execute("SELECT warnings FROM runs WHERE period = ?", [period]).fetchone()
    said = json.loads(row[0]) if row and row[0] else []
    return [text("signoff.warning", period=period, warning=translate(w["message"])) for w in said]


def _record(con, key: bytes, period: str, run_id: str, action: str, by: str, reason: str | None) -> SignoffState:
    at = datetime.now(UTC).replace(tzinfo=None)
    row = {"period": period, "run_id": run_id, "action": action, "by": by, "at": at, "reason": reason}
    chain.append(con, key, "signoffs", [row])
    return SignoffState(action, by, at, run_id)
