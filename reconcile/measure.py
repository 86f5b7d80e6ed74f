"""Measure: the base of the period's non-cash share (stored against its targets by sql/noncash_share.sql,
warehouse.store_noncash_share), and the run's result read back from what was stored."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from reconcile.results import InputSummary, Replaced, RunResult

# The base of the share for a run, from its own payments joined to their matches and beneficiaries
# (facts.sql's pm): the same rows as the view noncash_base gives once they are stored, but for the
# beneficiary's key, which names the same people more briefly: the matched beneficiary's ID (digits
# alone: a loaded ID is; staging rejects any other), else the payment's own ID (one unknown person
# paid twice is one beneficiary), or 'p' and the payment's id for a payment matched to nobody and
# naming no ID. The view's 'id:' and 'payment:' make a key of more than 12 bytes, which DuckDB
# keeps apart from the row: grouping 10M beneficiaries by it took 1.4 s more (bench/HISTORY.md).
RUN_NONCASH_BASE = """
    SELECT program, province_code, commune_code, province_code_2025, channel,
           coalesce(vneid, payee_vneid, 'p' || payment_id) AS beneficiary, amount
    FROM pm
    WHERE status = 'success' AND in_period AND repeat_of IS NULL"""


def summarise(con: duckdb.DuckDBPyConnection, period: str, db: Path, run_id: str, steps: dict, t0: float) -> RunResult:
    """The run's result, read back from the period's stored rows: what the terminal summary shows."""
    inputs = [
        InputSummary(*row)
        for row in con.execute(
            "SELECT file_id, role, path, format, encoding, profile, rows_read, rows_loaded, rows_rejected, ids_restored, "
            "sheet, accounts_restored, control_source, coalesce(rows_set_aside, 0) "
            "FROM inputs WHERE period = ? AND skipped IS NULL ORDER BY file_id",
            [period],
        ).fetchall()
    ]
    flag_counts = dict(
        con.execute(
            "SELECT code, count(*) FROM flags WHERE period = ? GROUP BY code ORDER BY code", [period]
        ).fetchall()
    )
    severity_counts = dict(
        con.execute("SELECT severity, count(*) FROM flags WHERE period = ? GROUP BY severity", [period]).fetchall()
    )
    cur = con.execute(
        "SELECT program, beneficiaries, payments, amount, share_beneficiaries, share_payments, share_amount, "
        "target, target_met FROM noncash_share WHERE period = ? AND level = 'program' AND channel_group = 'all' "
        "ORDER BY program",
        [period],
    )
    names = [d[0] for d in cur.description]
    noncash = [dict(zip(names, row)) for row in cur.fetchall()]
    reg_rows, pay_rows, rejected, set_aside, due, paid = con.execute(
        """
        SELECT (SELECT count(*) FROM registry WHERE period = $period),
               (SELECT count(*) FROM payments WHERE period = $period),
               (SELECT count(*) FROM rejected_rows WHERE period = $period AND NOT set_aside),
               (SELECT count(*) FROM rejected_rows WHERE period = $period AND set_aside),
               (SELECT coalesce(sum(entitled_amount), 0) FROM registry
                 WHERE period = $period AND is_primary AND status = 'active'),
               (SELECT coalesce(sum(amount), 0) FROM payments
                 WHERE period = $period AND status = 'success' AND in_period AND repeat_of IS NULL)""",
        {"period": period},
    ).fetchall()[0]
    return RunResult(
        run_id=run_id,
        period=period,
        db=Path(db),
        inputs=inputs,
        flag_counts=flag_counts,
        severity_counts=severity_counts,
        noncash=noncash,
        registry_rows=reg_rows,
        payment_rows=pay_rows,
        rejected_rows=rejected,
        amount_due=int(due),
        amount_paid=int(paid),
        seconds=time.perf_counter() - t0,
        step_seconds=steps,
        set_aside_rows=set_aside,
    )


def replaced(con, run_id: str, previous) -> Replaced | None:
    if previous is None:
        return None
    appeared, gone, changed = con.execute(
        "SELECT count(*) FILTER (WHERE change = 'finding_appeared'), count(*) FILTER (WHERE change = "
        "'finding_disappeared'), count(*) FILTER (WHERE change LIKE 'input_%') FROM run_changes WHERE run_id = ?",
        [run_id],
    ).fetchone()
    return Replaced(previous[0], previous[1], previous[2], appeared, gone, changed)
