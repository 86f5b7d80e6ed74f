"""Payments to beneficiaries an earlier month's registry lists as dead and this month's no longer
lists at all, a warning of the month (runs.warnings): the month's rules see its own registry alone,
so each such payment is an UNKNOWN_PAYEE, not the PAID_AFTER_DEATH it is, and the money is in no
recovery. The database's registry of earlier months says who they were. And the earlier months'
payments to beneficiaries whose death this month's registry reports late, dated after it: each of
those months' registries said active, so no finding put their money at stake."""

from __future__ import annotations

from collections.abc import Callable

# the month's UNKNOWN_PAYEE payments (cur_flags, pm) to an ID whose latest registry row before the
# period says deceased, or gives a date of death before the payment's value date
# (the IDs paid first, few: the latest row of every ID the history holds was 0.4 s with two months)
_SQL = """
WITH unknown AS MATERIALIZED (
    SELECT f.vneid, p.amount, p.value_date
    FROM cur_flags AS f
    JOIN pm AS p USING (payment_id)
    WHERE f.code = 'UNKNOWN_PAYEE' AND p.status = 'success' AND f.vneid IS NOT NULL
),
latest AS (
    SELECT vneid, period, status, date_of_death
    FROM main.registry
    WHERE period < $period AND vneid IN (SELECT vneid FROM unknown)
    QUALIFY row_number() OVER (PARTITION BY vneid ORDER BY period DESC, is_primary DESC, registry_id) = 1
)
SELECT count(*), CAST(coalesce(sum(u.amount), 0) AS BIGINT), max(d.period)
FROM unknown AS u
JOIN latest AS d ON d.vneid = u.vneid
WHERE d.status = 'deceased' AND d.date_of_death IS NULL OR d.date_of_death < u.value_date
"""


def paid_dead_unlisted(con, period: str, tell: Callable[[str], None]) -> None:
    """Tell the warning of the month's payments to IDs an earlier registry lists as dead and this one
    does not list (UNKNOWN_PAYEE here), if there are any."""
    n, amount, listed_in = con.execute(_SQL, {"period": period}).fetchone()
    if n:
        tell(
            f"{n:,} of the month's payments ({amount:,} VND) went to the IDs of beneficiaries the registry of "
            f"{listed_in} or earlier lists as dead, whom this month's registry no longer lists: each is an "
            "UNKNOWN_PAYEE here, but money paid after death; check each with reconcile show, and recover it"
        )


# the earlier months' successful payments, to the IDs this month's registry gives a date of death,
# dated after it, that no finding of their month put at stake (their month's registry knew of no death)
_LATE_SQL = """
WITH died AS (
    SELECT vneid, min(date_of_death) AS died FROM cur_registry
    WHERE vneid IS NOT NULL AND date_of_death IS NOT NULL GROUP BY vneid
)
SELECT count(*), CAST(coalesce(sum(p.amount), 0) AS BIGINT), min(p.period), max(p.period)
FROM main.payments AS p
JOIN main.matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
JOIN died AS d ON d.vneid = m.vneid
WHERE p.period < $period AND p.status = 'success' AND p.repeat_of IS NULL AND p.value_date > d.died
  AND NOT EXISTS (SELECT 1 FROM main.flags AS f
                  WHERE f.period = p.period AND f.payment_id = p.payment_id
                    AND f.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE'))
  -- nor one this month's file holds again (a statement that starts before the month), flagged by this
  -- run: in the recoveries once, by that finding (views.sql, rc_same_payment)
  AND NOT EXISTS (SELECT 1 FROM cur_flags AS f JOIN cur_payments AS c ON c.payment_id = f.payment_id
                  WHERE f.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND rc_same_payment(p, c))
"""


def paid_before_death_reported(con, period: str, tell: Callable[[str], None]) -> None:
    """Tell the warning of the earlier months' payments to beneficiaries whose death this month's
    registry reports, dated after it, if there are any: a death reported late (October's and November's
    lists still said active; December's says died on 25 September) made only December's payment a
    PAID_AFTER_DEATH, and the months before are in no recovery."""
    n, amount, first, last = con.execute(_LATE_SQL, {"period": period}).fetchone()
    if n:
        tell(
            f"{n:,} {'payment' if n == 1 else 'payments'} of earlier months ({amount:,} VND, {months(first, last)}) "
            "went to beneficiaries whom this month's registry reports dead before them: their months' registries did "
            "not say so, so none is a PAID_AFTER_DEATH and the money is in no recovery; check each with reconcile "
            "show, and recover it"
        )


def months(first: str, last: str) -> str:
    """The months from `first` to `last` as a warning names them: `2024-10`, `2024-10–2024-11`."""
    return first if first == last else first + "–" + last
