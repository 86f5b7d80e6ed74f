"""After a run, an import, a sign-off or a removal: `cases` remade (sql/cases_refresh.sql), once a run
has reopened the closed cases it flags again (reopen.py), and what the run says of the cases' money. A database an earlier version wrote is brought up to date the same way
(upgrade, backfill)."""

from __future__ import annotations

from pathlib import Path

from reconcile import keys
from reconcile.sqlfiles import bind, execute_file, sql_text

SYSTEM = "reconcile"  # case_events.by of what a run records itself


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
