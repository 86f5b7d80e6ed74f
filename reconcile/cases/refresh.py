"""After a run, an import, a sign-off or a removal: the closed cases flagged again in a later period
reopened (each with an event), and `cases` remade (sql/cases_refresh.sql)."""

from __future__ import annotations

from datetime import UTC, datetime

from reconcile.cases import chain
from reconcile.sqlfiles import execute_file

SYSTEM = "reconcile"  # case_events.by of what a run records itself


def reopen_flagged(con, key: bytes, period: str, run_id: str) -> int:
    """Reopen every case whose latest event closed it in a period before `period` and that `period`
    flags again; returns how many. An explained case flagged again keeps its decision (the new
    period shows in cases.last_period and periods_flagged)."""
    rows = con.execute(
        """WITH latest AS (
               SELECT case_id, arg_max(to_status, seq) AS status, arg_max(period, seq) AS period,
                      arg_max(assignee, seq) AS assignee, arg_max(decision, seq) AS decision,
                      arg_max(comment, seq) AS comment, arg_max(amount, seq) AS amount
               FROM case_events GROUP BY case_id)
           SELECT l.case_id, l.assignee, l.decision, l.comment, l.amount
           FROM latest AS l
           WHERE l.status = 'closed' AND l.period < $period
             AND l.case_id IN (SELECT case_id FROM flags WHERE period = $period)
           ORDER BY l.case_id""",
        {"period": period},
    ).fetchall()
    now = datetime.now(UTC).replace(tzinfo=None)
    events = [
        {
            "case_id": case_id,
            "at": now,
            "by": SYSTEM,
            "action": "reopened",
            "from_status": "closed",
            "to_status": "open",
            "assignee": assignee,
            "decision": decision,
            "comment": comment,
            "amount": amount,
            "period": period,
            "source": f"run {run_id}",
        }
        for case_id, assignee, decision, comment, amount in rows
    ]
    return chain.append(con, key, "case_events", events)


def refresh(con) -> None:
    """Remake `cases` from flags and case_events; the caller holds the transaction."""
    execute_file(con, "cases_refresh.sql", {})
