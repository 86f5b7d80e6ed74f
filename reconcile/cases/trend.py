"""`reconcile trend`: the periods side by side, from the view period_summary and the non-cash share.

By period (the default): each period's findings and money in question (each đồng once:
sql/period_money.sql), the change against the period before it in the database, and the share of
payments made without cash for each programme beside them; `partial` marks a month run with --partial
(a source missing), whose figures are not the whole month's.
By code (`--by code`): period_summary's rows, each code in each period with its change.
"""

from __future__ import annotations

from reconcile.readback import Rows, check_code
from reconcile.sqlfiles import sql_text

BY_PERIOD = """
WITH money AS ({money}),
totals AS (
    SELECT period, sum(findings) AS findings, coalesce(any_value(m.amount), 0) AS amount,
           sum(findings) FILTER (WHERE severity IN ('critical', 'high')) AS high_or_critical
    FROM period_summary LEFT JOIN money AS m USING (period) GROUP BY period
),
share AS (
    SELECT period,
           max(share_payments) FILTER (WHERE program = 'welfare') AS welfare_noncash,
           max(share_payments) FILTER (WHERE program = 'pension') AS pension_noncash
    FROM noncash_share WHERE level = 'program' AND channel_group = 'all' GROUP BY period
)
SELECT t.period,
       -- a month run with --partial (a source missing): its findings and shares are not the month's
       coalesce((SELECT bool_or(r.partial) FROM runs AS r WHERE r.period = t.period), false) AS partial,
       CAST(t.findings AS BIGINT) AS findings,
       CAST(t.findings - lag(t.findings) OVER w AS BIGINT) AS change,
       CAST(t.high_or_critical AS BIGINT) AS high_or_critical,
       CAST(t.amount AS BIGINT) AS amount,
       CAST(t.amount - lag(t.amount) OVER w AS BIGINT) AS amount_change,
       s.welfare_noncash, s.pension_noncash
FROM totals AS t LEFT JOIN share AS s USING (period)
WHERE $code IS NULL
WINDOW w AS (ORDER BY t.period)
ORDER BY t.period""".format(money=sql_text("period_money.sql"))

BY_CODE = """
SELECT period, code, severity, findings, previous_findings, change, amount, amount_change
FROM period_summary
WHERE ($code IS NULL AND (findings > 0 OR coalesce(previous_findings, 0) > 0)) OR code = $code
ORDER BY period, rc_severity_rank(severity) DESC, code"""


def trend(con, by: str = "period", code: str | None = None) -> Rows:
    """The trend by period (with the non-cash share per programme) or by code (--code: that code only)."""
    if code is not None:  # a code mistyped is refused, as flags refuses it, not an empty table
        code = check_code(con, code)
    sql = BY_CODE if by == "code" or code is not None else BY_PERIOD
    cur = con.execute(sql, {"code": code})
    headers = tuple(d[0] for d in cur.description)
    rows = cur.fetchall()
    return Rows(headers, rows, len(rows))
