"""After a run, an import, a sign-off or a removal: the closed cases that a run flags with a finding
new since they were closed (a later period's, or one a re-run adds) reopened, each with an event, and
`cases` remade (sql/cases_refresh.sql). A database an earlier version wrote is brought up to date the same way
(upgrade, backfill)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reconcile import keys
from reconcile.cases import chain
from reconcile.sqlfiles import bind, execute_file, sql_text

SYSTEM = "reconcile"  # case_events.by of what a run records itself


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


def backfill(con, key: bytes) -> int:
    """Give their case_id to the findings of periods a version before cases wrote (case_id NULL), as
    store_flags.sql would have (keys.case_id computes the same); returns how many distinct cases."""
    subjects = con.execute(
        "SELECT DISTINCT code, program, vneid, account_number, payment_ref FROM flags WHERE case_id IS NULL"
    ).fetchall()
    if not subjects:
        return 0
    con.execute(
        "CREATE OR REPLACE TEMP TABLE old_cases (code VARCHAR, program VARCHAR, vneid VARCHAR, "
        "account_number VARCHAR, payment_ref VARCHAR, case_id VARCHAR)"
    )
    con.executemany("INSERT INTO old_cases VALUES (?, ?, ?, ?, ?, ?)", [(*s, keys.case_id(key, *s)) for s in subjects])
    con.execute(
        """UPDATE flags SET case_id = o.case_id FROM old_cases AS o
           WHERE flags.case_id IS NULL AND flags.code = o.code AND flags.program IS NOT DISTINCT FROM o.program
             AND flags.vneid IS NOT DISTINCT FROM o.vneid AND flags.account_number IS NOT DISTINCT FROM o.account_number
             AND flags.payment_ref IS NOT DISTINCT FROM o.payment_ref"""
    )
    con.execute("DROP TABLE old_cases")
    return len(subjects)


def refresh(con) -> None:
    """Remake `cases` from flags and case_events; the caller holds the transaction."""
    execute_file(con, "cases_refresh.sql", {})


def has_table(con, name: str) -> bool:
    """Whether the database holds the table (one made by a version before it does not)."""
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ?",
            [name],
        ).fetchone()[0]
    )


def up_to_date(con, db: Path) -> bytes:
    """Bring the database `con` (written in the caller's transaction) up to this version's tables and
    views, and return its key (keys.of_database): a database an earlier version wrote gets its cases,
    its findings their case_id first, so that no command that writes to it (a sign-off, a removal, an
    import, `report`) leaves it with a `cases` table that misses them (`cases` and `actions` would
    say there is nothing to follow up)."""
    from reconcile.warehouse import ensure_schema
    from reconcile.warehouse.schema import outdated, record_version, refuse_foreign

    refuse_foreign(con, Path(db))  # another program's file gains no table of reconcile's
    had_cases = has_table(con, "cases")
    stale = outdated(con)
    ensure_schema(con)
    key = keys.of_database(con, Path(db))
    if not had_cases:
        backfill(con, key)
    if stale:  # made again by this version's logic (a new database's, or an earlier version's cases)
        refresh(con)
        record_version(con)
    return key


def upgrade(db: Path) -> bool:
    """Bring a database an earlier version wrote up to this version's tables and views, as its next
    run would (`reconcile report` of an older month needs them); returns whether it had to. Its
    findings get their case_id under the database's key (a ConfigError when it is not at hand)."""
    from reconcile.warehouse import connect, write_transaction
    from reconcile.warehouse.schema import outdated

    con = connect(Path(db), read_only=True)
    try:
        if not outdated(con):
            return False
    finally:
        con.close()
    with write_transaction(Path(db)) as con:
        up_to_date(con, Path(db))  # the cases made again by this version's SQL
    return True


def returned_overpayments(con) -> list[tuple[str, int, str]]:
    """The cases of money paid after a death or while inactive, still outstanding, whose payment a
    later period's file gives as returned (the bank sent it back: the same reference, its own or the
    bank's, to the same payee, for at most what was paid, the bank's fee kept): (case_id, VND returned,
    the period it came back in). Each payment comes back once: a later statement that repeats its
    return (overlapping the month before) is the same money, come back in the first month that holds
    it. The money came back, but only a decision records it as recovered (docs/auditors.md), so the
    recovery lists ask for it until one does: the run names them, but not a case whose decisions
    already record at least as much recovered or written off (the return is in them)."""
    return con.execute(
        """WITH overpaid AS (  -- the outstanding cases' payments after a death or while inactive
               SELECT DISTINCT c.case_id, q.period, q.payment_id, q.payment_ref, q.bank_ref, q.amount, q.vneid,
                      q.account_number, q.payee_key
               FROM flags AS o
               JOIN recoveries AS c ON c.case_id = o.case_id
               JOIN payments AS q ON q.period = o.period AND q.payment_id = o.payment_id
               WHERE o.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND c.outstanding > 0),
           paid_refs AS (SELECT o.*, r.ref FROM overpaid AS o,
                         unnest([ltrim(o.payment_ref, '0'), ltrim(o.bank_ref, '0')]) AS r(ref)),
           returned_refs AS (  -- each reference of a return, its own or the bank's: joined on, not compared
               SELECT p.period, p.payment_id, p.amount, p.vneid, p.account_number, p.payee_key, r.ref
               FROM payments AS p, unnest([ltrim(p.payment_ref, '0'), ltrim(p.bank_ref, '0')]) AS r(ref)
               WHERE p.status = 'returned'),
           came_back AS (
               SELECT DISTINCT q.case_id, q.period AS paid_period, q.payment_id AS paid_id, p.period, p.payment_id,
                               p.amount
               FROM paid_refs AS q
               JOIN returned_refs AS p ON p.ref = q.ref AND p.period > q.period AND p.amount <= q.amount
               WHERE q.ref <> ''
                 AND coalesce(p.vneid = q.vneid OR ltrim(p.account_number, '0') = ltrim(q.account_number, '0')
                              OR p.payee_key = q.payee_key, false)),
           once AS (  -- a payment comes back once: a later month's statement that repeats its return (it
                      -- overlaps the month before) is the same return, in the month it first came back
               SELECT case_id, min(period) AS period, arg_min(amount, (period, payment_id)) AS amount
               FROM came_back
               GROUP BY case_id, paid_period, paid_id)
           SELECT o.case_id, CAST(sum(o.amount) AS BIGINT) AS returned, max(o.period) AS period
           FROM once AS o
           JOIN recoveries AS c ON c.case_id = o.case_id
           GROUP BY o.case_id
           -- a decision recorded as much recovered or written off: the return is in it, nothing to say
           HAVING sum(o.amount) > any_value(c.recovered + c.written_off)
           ORDER BY o.case_id"""
    ).fetchall()


def money_notes(con) -> tuple[int, int, list[tuple[str, int, str]], int]:
    """What a run says of the cases' money: how many cases hold more recovered and written off than
    was overpaid (recoveries.excess), how many hold money recorded as recovered or written off but no
    finding in any period the database holds (a re-run or a removal took them: that money is in no
    recovery), the overpayments a later month's file gives as returned (returned_overpayments), and
    how many beneficiaries in arrears may have had another ID before (arrears.earlier_vneid: the
    arrears are per ID); a database of one month has no month before, and is spared the view's join
    of the registry (0.1 s at a million rows)."""
    over, unflagged, months = con.execute(
        "SELECT (SELECT count(*) FROM recoveries WHERE excess > 0), "
        "(SELECT count(*) FROM cases WHERE flags = 0 AND amount_recovered + amount_written_off > 0), "
        "(SELECT count(*) FROM runs)"
    ).fetchone()
    other_id = con.execute("SELECT count(earlier_vneid) FROM arrears").fetchone()[0] if months > 1 else 0
    return over, unflagged, returned_overpayments(con), other_id


def back_paid_twice(con, period: str) -> tuple[int, ...]:
    """The back payments (truy lĩnh) of `period` that name a month the database holds as paid already
    (views.sql's back_pay, month_was 'paid': paid in it, or named by an earlier back payment): how many,
    and the VND due for those months; those that name a month the beneficiary was not due in
    (month_was 'not due': not listed active in that month's registry, suspended or not yet listed), how
    many and the VND they paid for those months; and, of those whose every month the database holds
    with an amount due, those that pay more than those months' registries gave them (a back payment at
    this month's rate for months due at a lower one, before a rise), how many and the VND over, and
    those that pay less, how many and the VND short. A back payment that says it pays the difference a
    rise owed (`chênh lệch`) names months paid already, by its nature: it is measured against what
    those months were paid short of the higher of their amount due and this month's (their registry at
    the old rate, or at the new one and paid at the old), and is no month paid twice. The run's
    findings read the month alone, and take such a payment for the months it names; only the
    database's history can tell that a month was paid twice, or paid though nothing was due (money
    paid while suspended, called back pay, was no PAID_WHILE_INACTIVE), or paid more than it was due."""
    # every month a back payment names is before its period: with no run of another month, none is held
    # (month_was 'not held'), and the view's joins of the month's million rows (0.25 s) tell nothing
    if not con.execute("SELECT count(*) FROM runs WHERE period <> ?", [period]).fetchone()[0]:
        return (0,) * 8
    sql = sql_text("back_paid_twice.sql")
    rows = con.execute(sql, bind(sql, {"period": period})).fetchone()
    return tuple(int(v) for v in rows)


def paid_ahead(con, period: str) -> tuple[tuple[int, int], tuple[int, int, str]]:
    """Months paid together (views.sql's paid_ahead, as January pays February before Tết): the payments
    of `period` that paid later months too, and the VND due for those months; and the beneficiaries
    whom payments of earlier months paid `period` ahead, the VND due, and those months."""
    ahead = con.execute(
        "SELECT count(DISTINCT payment_id), coalesce(sum(amount), 0) FROM paid_ahead WHERE period = ?", [period]
    ).fetchone()
    before = con.execute(  # of them, those `period`'s registry lists active with an amount due
        "SELECT count(DISTINCT (a.vneid, a.program)), coalesce(sum(a.amount), 0), "
        "string_agg(DISTINCT a.period, ', ' ORDER BY a.period) FROM paid_ahead AS a "
        "WHERE a.month = ? AND a.period < ? AND (a.vneid, a.program) IN (SELECT (vneid, program) FROM registry "
        "WHERE period = ? AND status = 'active' AND entitled_amount > 0)",
        [period, period, period],
    ).fetchone()
    return ahead, before


def settled_money_taken(con, period: str, replaced: str) -> list[tuple[str, int, int]]:
    """The cases holding money recorded as recovered or written off from which this re-run or removal
    of `period` (the run it `replaced`) took money away (a payment gone, or its amount lowered: the
    bank's corrected file, the registry's corrected date of death; the month removed) so far that what
    was recorded no longer fits within the money of the months it was decided on: (case_id, VND
    taken, VND recorded). What was recorded is a case's total,
    so it now counts against the payments of later months, which nobody decided on; the run names them
    to look into. The months decided on are those up to the latest period whose book recorded money
    (a re-run of a later month took none of it); their money is the case's at stake there, less what
    was explained (cases.amount_at_stake's rule). A re-run that lowers a payment while what was
    recorded still fits (500,000 recovered, the payment lowered from 2,000,000 to 1,500,000) is said
    nothing. A case left with no finding, or with more recorded than is at stake, has its own note
    (money_notes)."""
    rows = con.execute(
        """WITH before AS (  -- the money at stake per payment of the run this one replaced
               SELECT s.case_id, ltrim(coalesce(s.payment_ref, ''), '0') AS ref,
                      sum(rc_at_stake(s.code, s.expected_amount, s.paid_amount)) AS money
               FROM superseded_flags AS s
               WHERE s.run_id = $replaced
               GROUP BY ALL),
           now AS (
               SELECT case_id, ltrim(coalesce(payment_ref, ''), '0') AS ref,
                      sum(rc_at_stake(code, expected_amount, paid_amount)) AS money
               FROM flags WHERE period = $period AND case_id IN (SELECT case_id FROM before)
               GROUP BY ALL),
           taken AS (
               SELECT b.case_id, b.ref, b.money - coalesce(n.money, 0) AS taken
               FROM before AS b LEFT JOIN now AS n USING (case_id, ref)
               WHERE b.money > coalesce(n.money, 0)),
           decided AS (  -- the latest period whose book recorded money on the case
               SELECT case_id, max(period) AS period FROM rc_case_events()
               WHERE to_status IN ('recovery', 'recovered', 'written_off') AND coalesce(amount, 0) > 0
               GROUP BY case_id)
           SELECT t.case_id, CAST(sum(t.taken) AS BIGINT), c.amount_recovered + c.amount_written_off,
                  coalesce(d.period, $period)
           FROM taken AS t JOIN cases AS c USING (case_id) LEFT JOIN decided AS d USING (case_id)
           WHERE c.flags > 0 AND c.amount_recovered + c.amount_written_off BETWEEN 1 AND c.amount_at_stake
             AND $period <= coalesce(d.period, $period)
           GROUP BY t.case_id, c.amount_recovered, c.amount_written_off, d.period
           ORDER BY t.case_id""",
        {"period": period, "replaced": replaced},
    ).fetchall()
    if not rows:
        return []
    decided = dict(
        con.execute(  # each case's money now at stake in the months decided on, as cases_refresh.sql counts it
            """SELECT f.case_id,
                      coalesce(sum(rc_at_stake(f.code, f.expected_amount, f.paid_amount) - coalesce(x.explained, 0))
                               FILTER (WHERE r.flag_id IS NULL), 0)
               FROM flags AS f
               JOIN (SELECT unnest($cases) AS case_id, unnest($periods) AS period) AS d
                   ON d.case_id = f.case_id AND f.period <= d.period
               LEFT JOIN flag_repeats AS r ON r.period = f.period AND r.flag_id = f.flag_id
               LEFT JOIN rc_explained_flags(NULL) AS x ON x.period = f.period AND x.flag_id = f.flag_id
               GROUP BY f.case_id""",
            {"cases": [r[0] for r in rows], "periods": [r[3] for r in rows]},
        ).fetchall()
    )
    return [(case_id, taken, recorded) for case_id, taken, recorded, _ in rows if recorded > decided.get(case_id, 0)]
