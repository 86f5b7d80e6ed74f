"""What the database's earlier months tell of this one, warnings of the month (runs.warnings): the
month's findings read its own files alone.

- Payments to the dead an earlier registry lists, and earlier months' payments after a death this
  month's registry reports late (checks_dead.py).
- Files another period's run has read already. Last month's registry given again for this month
  passes every guard: a registry carries no date of its own, so its people are checked against this
  month's payments as if nothing had changed (a death reported since is no PAID_AFTER_DEATH, a new
  beneficiary an UNKNOWN_PAYEE). The database's `inputs` knows each file a run read by its SHA-256: a
  registry, or a payments file, that is byte for byte one that the run of another period read in the
  same role is said, naming that period and file.
- Communes of last month's registry this month's files have no one of (its lists left out together).
- This month's returns of earlier months' payments, to beneficiaries this month pays.
- Account numbers of this month's registry that are the month before's without their leading zeros:
  a spreadsheet held the column as numbers. The payments file re-saved alike agrees with them, so
  nothing of the month tells (an account shortened on one side only is restored from the other,
  facts.sql); stored short, they would go short on a re-issue list.

Warnings, not refusals: a small commune's list may be unchanged from one month to the next, and a
commune's people may have left the programmes.
"""

from __future__ import annotations

from collections.abc import Callable

from reconcile.areas import layout_for
from reconcile.checks import rows as rows_of
from reconcile.checks_coverage import RunWarning, kept
from reconcile.checks_dead import months, paid_before_death_reported, paid_dead_unlisted
from reconcile.checks_history import month_skipped, programme_gone, registry_repeated
from reconcile.masking import hide_found_names
from reconcile.match import has_history
from reconcile.readers.tables import file_names


def history_warnings(
    con, tables, period: str, min_group: int, notice: Callable[[str], None] | None = None
) -> list[RunWarning]:
    """What the database's earlier months tell of this one, each warning told to `notice`: a month skipped
    and a programme or last month's registry left out (checks_history.py), payments to
    the dead an earlier registry lists, and earlier months' payments to those this one reports dead
    before them (checks_dead.py), files an earlier run read already, communes the month before had that
    this one has no one of, returns of earlier months' payments, and account numbers that lost their
    leading zeros since the month before. None without a run of another month."""
    said: list[RunWarning] = []
    if not has_history(con) or not con.execute("SELECT count(*) FROM runs WHERE period <> ?", [period]).fetchone()[0]:
        return said
    tell = kept(said, notice)
    month_skipped(con, period, tell)
    programme_gone(con, period, min_group, tell)
    paid_dead_unlisted(con, period, tell)
    paid_before_death_reported(con, period, tell)
    read_before(con, tables, period, tell)
    registry_repeated(con, tables, period, tell)
    given_again(con, tables, period, tell)
    communes_gone(con, period, min_group, tell)
    returned_from_before(con, period, tell)
    credits_from_before(con, period, tell)
    zeros_lost_since(con, period, tell)
    return said


# this month's returns (pm: matched, status returned), to a beneficiary the month pays, of a payment an
# earlier month's file holds as paid to the same beneficiary: the same reference (its own or the bank's,
# leading zeros aside), at most its amount
# (the returns, and the earlier payments of their references, are taken first, each kept, and joined
# and unnested after: else the planner unnests and joins every row of the month and of the history
# first, 1.4 s at 1M without history, 3.2 s with two earlier months)
_RETURNED_SQL = """
WITH returns AS MATERIALIZED (
    SELECT payment_id, amount, vneid, payment_ref, bank_ref
    FROM pm
    WHERE status = 'returned' AND registry_id IS NOT NULL AND repeat_of IS NULL
      -- paid this month: else the return is a PAYMENT_FAILED of the month, on the re-issue list
      AND registry_id IN (SELECT registry_id FROM cur_beneficiary_paid WHERE paid > 0)
),
back AS MATERIALIZED (
    SELECT p.payment_id, p.amount, p.vneid, r.ref
    FROM returns AS p, unnest([ltrim(p.payment_ref, '0'), ltrim(p.bank_ref, '0')]) AS r(ref)
    WHERE r.ref <> ''
),
sent AS MATERIALIZED (
    SELECT q.period, q.payment_id, q.amount, q.payment_ref, q.bank_ref
    FROM main.payments AS q
    WHERE q.period < $period AND q.status = 'success'
      AND (ltrim(q.payment_ref, '0') IN (SELECT ref FROM back) OR ltrim(q.bank_ref, '0') IN (SELECT ref FROM back))
),
earlier AS (
    SELECT q.period, q.amount, m.vneid, r.ref
    FROM sent AS q
    JOIN main.matches AS m ON m.period = q.period AND m.payment_id = q.payment_id,
    unnest([ltrim(q.payment_ref, '0'), ltrim(q.bank_ref, '0')]) AS r(ref)
),
paired AS (
    SELECT DISTINCT b.payment_id, b.amount, e.period
    FROM back AS b JOIN earlier AS e ON e.ref = b.ref AND e.vneid = b.vneid AND b.amount <= e.amount
)
SELECT count(DISTINCT payment_id), CAST(coalesce(sum(amount), 0) AS BIGINT), min(period), max(period)
FROM (SELECT payment_id, any_value(amount) AS amount, max(period) AS period FROM paired GROUP BY payment_id)
"""


def returned_from_before(con, period: str, tell: Callable[[str], None]) -> None:
    """Tell the warning of this month's returns that bring back a payment an earlier month's file holds
    as paid (October's statement returning September's transfer to a closed account), if there are any:
    the month's findings read this month alone, and this month's own payment to the beneficiary pays
    them, so no finding, arrears or re-issue list is of that money."""
    n, amount, first, last = con.execute(_RETURNED_SQL, {"period": period}).fetchone()
    if n:
        tell(
            f"1 return in this month's files brings back a payment of an earlier month ({amount:,} VND, "
            f"{months(first, last)}) to a beneficiary this month pays: no finding, arrears or re-issue list is of "
            "that money; check it with reconcile show, and send it again if it is owed"
            if n == 1
            else f"{n:,} returns in this month's files bring back payments of earlier months ({amount:,} VND, "
            f"{months(first, last)}), each to a beneficiary this month pays: no finding, arrears or re-issue list "
            "is of that money; check each with reconcile show, and send it again if it is owed"
        )


# the credits this month's statements set aside as money in (none paired with a payment of the run)
# whose text names the reference (its own or the bank's, leading zeros aside, of six characters or
# more) of a payment an earlier month's file holds as paid: `HOAN TRA GD FT2409000010` in October's
# statement; each earlier payment once, however many credits name it
_CREDITS_SQL = """
WITH credits AS MATERIALIZED (
    SELECT CAST(raw AS VARCHAR) AS raw
    FROM cur_rejected
    WHERE role = 'payments' AND set_aside
      AND (starts_with(reason, 'credit') OR starts_with(reason, 'money in'))
      AND NOT starts_with(reason, 'credit: the return of the payment in')
),
named AS MATERIALIZED (
    SELECT DISTINCT upper(ltrim(t.token, '0')) AS ref
    FROM credits AS c, unnest(regexp_extract_all(c.raw, '[A-Za-z0-9]{6,}')) AS t(token)
    WHERE length(ltrim(t.token, '0')) >= 6
)
SELECT count(*), CAST(coalesce(sum(amount), 0) AS BIGINT), min(period), max(period)
FROM main.payments
WHERE period < $period AND status = 'success'
  AND (upper(ltrim(payment_ref, '0')) IN (SELECT ref FROM named) OR upper(ltrim(bank_ref, '0')) IN (SELECT ref FROM named))
"""


def credits_from_before(con, period: str, tell: Callable[[str], None]) -> None:
    """Tell the warning of the credits of this month's statements that name the reference of a payment
    an earlier month's file holds as paid (October's statement: `HOAN TRA GD FT2409000010`, the
    September transfer to a closed account coming back), if there are any. Such a credit pairs with
    no payment of the run and is set aside as money in; the earlier month still counts its payment
    paid, so no finding, arrears or re-issue list is of that money."""
    n, amount, first, last = con.execute(_CREDITS_SQL, {"period": period}).fetchone()
    if n:
        tell(
            f"a credit in this month's statements names the reference of a payment of an earlier month ({amount:,} "
            f"VND, {months(first, last)}) and may be its money coming back: it is set aside as money in, that month "
            "still counts the payment paid, and no finding, arrears or re-issue list is of that money; check it with "
            "reconcile show and the bank, and send it again if it is owed"
            if n == 1
            else f"credits in this month's statements name the references of {n:,} payments of earlier months "
            f"({amount:,} VND, {months(first, last)}) and may be their money coming back: they are set aside as money "
            "in, those months still count the payments paid, and no finding, arrears or re-issue list is of that "
            "money; check each with reconcile show and the bank, and send it again if it is owed"
        )


def communes_gone(con, period: str, min_group: int, tell: Callable[[str], None]) -> None:
    """Tell the warning of the communes of last month's registry, each with at least min_group active
    beneficiaries, that this month's registry lists no one of and whose people it does not list
    elsewhere (sql/checks/communes_gone.sql): a commune's lists left out, the registry's and the
    payments' both, passed clean. Not before the reform's first month (the communes were renumbered:
    2025-07 against 2025-06), nor without communes."""
    if not min_group or not con.execute("SELECT count(commune_code) FROM cur_registry").fetchone()[0]:
        return
    rows = [r for r in rows_of(con, "checks/communes_gone.sql", {"period": period}) if r["gone"] >= min_group]
    if not rows or layout_for(rows[0]["before"]) != layout_for(period):
        return
    n, communes = sum(r["gone"] for r in rows), ", ".join(r["commune_code"] for r in rows)
    tell(
        f"{n:,} active beneficiaries of {'commune' if len(rows) == 1 else 'communes'} {communes} in the registry of "
        f"{rows[0]['before']} are in none of this month's files: {'its lists' if len(rows) == 1 else 'their lists'} "
        "may have been left out; give them with --registry and --payments and run again, or check that those "
        "beneficiaries left the programmes"
    )


def read_before(con, tables, period: str, tell: Callable[[str], None]) -> None:
    """Tell the warnings of the run's files (`tables`, the readers' (file_id, RawTable) pairs) that
    another period's run read in the same role, sheet and all."""
    for _, tb in tables:
        earlier = con.execute(
            "SELECT period, file_name FROM inputs WHERE sha256 = ? AND role = ? AND sheet IS NOT DISTINCT FROM ? "
            "AND period <> ? ORDER BY period DESC, file_name LIMIT 1",
            [tb.sha256, tb.kind, tb.sheet, period],
        ).fetchone()
        if earlier is not None:
            hide_found_names([earlier[1]])  # the earlier month's file masked too under --mask-ids
            tell(
                f"{tb.path.name} is the same file, byte for byte, as the {tb.kind} of {earlier[0]} ({earlier[1]}): "
                f"if it is not this month's, give this month's {tb.kind} and run again"
            )


# a month of more payments than this is looked at first in one payment in EVERY (by its id: the whole
# took 0.6 s of a run at 1M with a month before it), counted whole only when a file's sample comes near
# half; a month with a file of fewer than SMALL payments is counted whole
SAMPLE_ABOVE, EVERY, SMALL = 50_000, 64, 5_000


def given_again(con, tables, period: str, tell: Callable[[str], None]) -> None:
    """Tell the warning of each payments file more than half of whose successful payments (and at least
    3) carry the references of payments the database stores for the month before (or after) the period
    (sql/checks/paid_in_earlier.sql): that month's file given again with its dates (and narratives)
    moved to this month, which the period and month-named guards read, passes as this month's and
    counts its money in both months. A warning, as a file given again byte for byte is (read_before):
    the bank may have paid again under the same references."""
    sizes = [n for (n,) in con.execute("SELECT count(*) FROM cur_payments GROUP BY file_id").fetchall()]
    if not sizes:
        return
    sql = "checks/paid_in_earlier.sql"
    large = sum(sizes) > SAMPLE_ABOVE and min(sizes) >= SMALL
    if large and not any(
        r["repeated"] > r["payments"] / 4 for r in rows_of(con, sql, {"period": period, "every": EVERY})
    ):
        return
    names = file_names(tables)
    for row in rows_of(con, sql, {"period": period, "every": 1}):
        payments, repeated = row["payments"], row["repeated"]
        if repeated >= 3 and repeated > payments / 2:
            tell(
                f"{names[row['file_id']]}: {repeated:,} of its {payments:,} successful payments have the references "
                f"of payments of {row['period']} ({row['source_file']}), which the database holds: if it is that "
                "month's file given again with its dates changed, its money is counted in both months; give this "
                "month's file and run again"
            )


# this month's registry accounts that the latest earlier registry gives, to the same ID, with leading
# zeros (one with a zero of its own first lost none), as they are stored: one restored from its payment's
# (facts.sql's cur_account_fixes, store.STORED_SOURCES) is stored with its zeros, and is none
_ZEROS_SQL = """
WITH before AS (
    SELECT vneid, account_number, period
    FROM main.registry
    WHERE period = (SELECT max(period) FROM main.registry WHERE period < $period)
      AND starts_with(account_number, '0') AND vneid IS NOT NULL
)
SELECT count(DISTINCT r.vneid), any_value(b.period)
FROM cur_registry AS r
JOIN before AS b ON b.vneid = r.vneid AND ltrim(b.account_number, '0') = r.account_number
WHERE NOT starts_with(r.account_number, '0')
  AND NOT EXISTS (
      SELECT 1 FROM cur_account_fixes AS fx
      WHERE fx.registry_id = r.registry_id AND fx.account_restored = 'registry'
  )
"""


def zeros_lost_since(con, period: str, tell: Callable[[str], None]) -> None:
    """Tell the warning of the registry's account numbers that the registry of the month before gives
    the same beneficiaries with leading zeros and that are stored without them, if there are any: the
    registry and the payments were both re-saved with the account column as numbers, so the two agree
    and nothing of the month tells; the accounts are stored as read (the re-issue lists would send them
    short). One the month's payments gave with its zeros was restored from them (and counted as restored):
    it is stored whole, and not counted here."""
    n, before = con.execute(_ZEROS_SQL, {"period": period}).fetchone()
    if n:
        tell(
            f"1 account number in this month's registry is the one the registry of {before} gives without its "
            "leading zeros: a spreadsheet held the column as numbers, and it is stored, and would go on a re-issue "
            "list, as read; give the registry (and the payments) with the account column as text and run again"
            if n == 1
            else f"{n:,} account numbers in this month's registry are the ones the registry of {before} gives "
            "without their leading zeros: a spreadsheet held the column as numbers, and they are stored, and "
            "would go on a re-issue list, as read; give the registry (and the payments) with the account column "
            "as text and run again"
        )
