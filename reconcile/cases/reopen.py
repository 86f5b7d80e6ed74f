"""A run's reopening of the closed cases it flags with a finding new since they were closed, each
with an event in case_events; and its undoing, when a re-run or removal of the month takes away the
findings that reopened a case nobody acted on since."""

from __future__ import annotations

from datetime import UTC, datetime

from reconcile.cases import chain
from reconcile.cases.refresh import SYSTEM


def reopen_flagged(con, key: bytes, period: str, run_id: str) -> tuple[int, int, int]:
    """Reopen every closed case that `period` flags with a finding new since the closing: one
    (flag_id) that the run holding `period` when the case was closed did not have, or any when no run
    held it then. So a later period's finding reopens it, and so does a re-run of a month before the
    one whose book closed it (or of that month) when it adds a finding the auditor never saw (a
    payment the bank's corrected file adds, or more money on a payment seen); a re-run that only
    repeats findings seen when closing (the same files, or the finding unchanged), or lowers the money
    on a payment seen (its amount corrected down, the entitlement corrected), reopens nothing: nothing
    was paid again. The event's source names the run and the new findings. So, too, a case whose
    money was settled, recovered or written off, that `period` flags with a finding new since that
    decision: money paid again, to recover; it reopens keeping what was recovered and written off
    (the reopening carries no money status). An explained case flagged again keeps its decision (the
    new period shows in cases.last_period and periods_flagged).

    A case that the run this one replaces had reopened, nobody having acted on it since, is looked at
    as it was before that reopening: still reopened when this run's findings would reopen it (no new
    event), else given back its status by an event (undo_reopenings: the bank's corrected file dropped
    the payment that reopened it). Returns how many were reopened of each kind, and how many were
    given back: (closed, settled, undone)."""
    trailing = trailing_reopenings(con, period)
    rows = con.execute(
        """WITH events AS (  -- in force, less a reopening by the run this one replaces (trailing)
               SELECT * FROM rc_case_events() WHERE seq NOT IN (SELECT unnest($trailing::BIGINT[]))),
           latest AS (
               SELECT case_id, arg_max(to_status, seq) AS status, arg_max("at", seq) AS closed_at,
                      arg_max(assignee, seq) AS assignee, arg_max(decision, seq) AS decision,
                      arg_max(comment, seq) AS comment, arg_max(amount, seq) AS amount
               FROM events GROUP BY case_id),
           closed AS (SELECT * FROM latest WHERE status IN ('closed', 'recovered', 'written_off')),
           held AS (  -- the earlier runs of the period: from their commit to the run or removal replacing them
               SELECT s.run_id, s.finished_at AS since, coalesce(r.finished_at, d.deleted_at) AS until
               FROM superseded_runs AS s
               LEFT JOIN (SELECT run_id, finished_at FROM runs
                          UNION ALL SELECT run_id, finished_at FROM superseded_runs) AS r
                   ON r.run_id = s.superseded_by
               LEFT JOIN period_deletions AS d ON d.deletion_id = s.superseded_by
               WHERE s.period = $period),
           seen AS (  -- the period's findings of each case as the database held them when it was closed
               SELECT c.case_id, f.flag_id, ltrim(coalesce(f.payment_ref, ''), '0') AS ref,
                      rc_at_stake(f.code, f.expected_amount, f.paid_amount) AS money
               FROM closed AS c
               JOIN superseded_flags AS f ON f.period = $period AND f.case_id = c.case_id
               JOIN held AS h ON h.run_id = f.run_id
               WHERE (h.since IS NULL OR h.since <= c.closed_at) AND (h.until IS NULL OR c.closed_at < h.until)),
           now AS (  -- the period's findings of each such case now, with their payment (reference, leading zeros aside)
               SELECT f.*, ltrim(coalesce(f.payment_ref, ''), '0') AS ref FROM flags AS f
               WHERE f.period = $period AND f.case_id IN (SELECT case_id FROM closed)),
           no_more AS (  -- the payments seen when closing that hold no more money now (lowered, or as they were)
               SELECT s.case_id, s.ref
               FROM (SELECT case_id, ref, sum(money) AS money FROM seen GROUP BY ALL) AS s
               JOIN (SELECT case_id, ref, sum(rc_at_stake(code, expected_amount, paid_amount)) AS money
                     FROM now GROUP BY ALL) AS n USING (case_id, ref)
               WHERE n.money <= s.money)
           SELECT c.case_id, c.status, c.assignee, c.decision, c.comment, c.amount,
                  string_agg(f.flag_id, ', ' ORDER BY f.flag_id) AS new_flags, count(*) AS n
           FROM closed AS c
           JOIN now AS f ON f.case_id = c.case_id
           WHERE NOT EXISTS (SELECT 1 FROM seen AS s WHERE s.case_id = c.case_id AND s.flag_id = f.flag_id)
             AND NOT EXISTS (SELECT 1 FROM no_more AS x WHERE x.case_id = c.case_id AND x.ref = f.ref)
           GROUP BY ALL
           ORDER BY c.case_id""",
        {"period": period, "trailing": sorted(trailing.values())},
    ).fetchall()
    rows = _not_repeats(con, period, rows)
    still = {row[0] for row in rows if row[0] in trailing}  # reopened already, by the run replaced: as it was
    rows = [row for row in rows if row[0] not in still]
    now = datetime.now(UTC).replace(tzinfo=None)
    events = [
        {
            "case_id": case_id,
            "at": now,
            "by": SYSTEM,
            "action": "reopened",
            "from_status": status,
            "to_status": "open",
            "assignee": assignee,
            "decision": decision,
            "comment": comment,
            "amount": amount,
            "period": period,
            "source": f"run {run_id}: {n} {'finding' if n == 1 else 'findings'} new since it was {status}: {new}",
        }
        for case_id, status, assignee, decision, comment, amount, new, n in rows
    ]
    chain.append(con, key, "case_events", events)
    undone = undo_reopenings(
        con,
        key,
        period,
        {c: s for c, s in trailing.items() if c not in still},
        f"run {run_id}: {period} re-run without the findings that reopened it",
    )
    closed = sum(1 for e in events if e["from_status"] == "closed")
    return closed, len(events) - closed, undone


def trailing_reopenings(con, period: str) -> dict[str, int]:
    """The cases whose latest event in force is a reopening by a run of `period` (nobody acted on the
    case since): case_id to the reopening's seq. Only the run that holds `period` can have made it: a
    re-run or removal of the period takes back the reopenings of the run it replaces (undo_reopenings)."""
    return dict(
        con.execute(
            """SELECT case_id, seq FROM (
                   SELECT case_id, arg_max(seq, seq) AS seq, arg_max(action, seq) AS action, arg_max(period, seq) AS p
                   FROM rc_case_events() GROUP BY case_id)
               WHERE action = 'reopened' AND p = $period ORDER BY case_id""",
            {"period": period},
        ).fetchall()
    )


def undo_reopenings(con, key: bytes, period: str, reopenings: dict[str, int], source: str) -> int:
    """Give the cases a run of `period` had reopened (`reopenings`: case_id to the reopening's seq,
    each its case's latest event) back the status, assignee, decision, comment and amount they had
    before it, each by an event (action reopening_undone, `source` saying which re-run or removal),
    as the findings that reopened them went with that run: a closed case stays closed when the month
    that flagged it again is removed. Returns how many."""
    if not reopenings:
        return 0
    rows = con.execute(
        "SELECT case_id, to_status, from_status, assignee, decision, comment, amount FROM case_events "
        "WHERE seq IN (SELECT unnest($seqs::BIGINT[])) ORDER BY case_id",
        {"seqs": sorted(reopenings.values())},
    ).fetchall()
    now = datetime.now(UTC).replace(tzinfo=None)
    events = [
        {
            "case_id": case_id,
            "at": now,
            "by": SYSTEM,
            "action": "reopening_undone",
            "from_status": status,
            "to_status": before,
            "assignee": assignee,
            "decision": decision,
            "comment": comment,
            "amount": amount,
            "period": period,
            "source": source,
        }
        for case_id, status, before, assignee, decision, comment, amount in rows
    ]
    return chain.append(con, key, "case_events", events)


def _not_repeats(con, period: str, rows: list[tuple]) -> list[tuple]:
    """The cases to reopen, each with its new findings (`rows` of reopen_flagged), less the findings on
    a payment that another period's file holds too, its money counted there (flag_repeats: a statement
    overlapping the month before repeats it): no money paid again, and a payment the auditor had seen
    in the period it counts in. A case left with none is not reopened."""
    flags = sorted({f for row in rows for f in row[6].split(", ")})
    if not flags:
        return rows
    repeats = {
        flag_id
        for (flag_id,) in con.execute(
            "SELECT flag_id FROM flag_repeats WHERE period = $period AND counted_period <> $period "
            "AND flag_id IN (SELECT unnest($flags))",
            {"period": period, "flags": flags},
        ).fetchall()
    }
    kept = []
    for *case, new, _ in rows:
        new_flags = [f for f in new.split(", ") if f not in repeats]
        if new_flags:
            kept.append((*case, ", ".join(new_flags), len(new_flags)))
    return kept
