"""Payments to beneficiaries an earlier month's registry lists as dead and this month's no longer
lists at all, a warning of the month (runs.warnings): the month's rules see its own registry alone,
so each such payment is an UNKNOWN_PAYEE, not the PAID_AFTER_DEATH it is, and the money is in no
recovery. The database's registry of earlier months says who they were."""

from __future__ import annotations

from collections.abc import Callable

from reconcile.checks_coverage import RunWarning
from reconcile.match import has_history

# the month's UNKNOWN_PAYEE payments (cur_flags, pm) to an ID whose latest registry row before the
# period says deceased, or gives a date of death before the payment's value date
_SQL = """
WITH latest AS (
    SELECT vneid, period, status, date_of_death
    FROM main.registry
    WHERE period < $period AND vneid IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY vneid ORDER BY period DESC, is_primary DESC, registry_id) = 1
)
SELECT count(*), CAST(coalesce(sum(p.amount), 0) AS BIGINT), max(d.period)
FROM cur_flags AS f
JOIN pm AS p USING (payment_id)
JOIN latest AS d ON d.vneid = f.vneid
WHERE f.code = 'UNKNOWN_PAYEE' AND p.status = 'success'
  AND (d.status = 'deceased' AND d.date_of_death IS NULL OR d.date_of_death < p.value_date)
"""


def paid_dead_unlisted(con, period: str, notice: Callable[[str], None] | None = None) -> list[RunWarning]:
    """The warning, told to `notice`, of the month's payments to IDs an earlier registry lists as dead
    and this one does not list (UNKNOWN_PAYEE here); none when there are none, or no earlier month."""
    if not has_history(con):
        return []
    n, amount, listed_in = con.execute(_SQL, {"period": period}).fetchone()
    if not n:
        return []
    warning = RunWarning(
        f"{n:,} of the month's payments ({amount:,} VND) went to the IDs of beneficiaries the registry of "
        f"{listed_in} or earlier lists as dead, whom this month's registry no longer lists: each is an "
        "UNKNOWN_PAYEE here, but money paid after death; check each with reconcile show, and recover it"
    )
    if notice:
        notice(warning.text)
    return [warning]
