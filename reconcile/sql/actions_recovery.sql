-- The overpayments as of $period: the recovery demands of `reconcile actions` (reconcile/actions.py,
-- those with money outstanding) and the workbook's summary (reconcile/report/summary.py, every row,
-- per programme), so that the two agree. One row per case of the recoveries view flagged in a period
-- up to $period (first_period <= $period), by its events entered up to $period: not one explained, or
-- closed as explained, then (explained later, or reopened later, its figures as of $period stand):
--   overpaid     what was paid after the death or while inactive in the periods up to $period, each
--                payment once: a finding on a payment that another period's file holds too
--                (views.sql's flag_repeats) is counted there when that period is up to $period; of a
--                case explained and then reopened by a run up to $period, the money added since only
--                (views.sql's rc_explained_flags, as cases_refresh.sql: the rest was explained);
--   recovered,   what the decisions entered on the findings of a period up to $period recorded
--   written_off  (case_events.period <= $period), whenever they were recorded, by the rule that
--                cases_refresh.sql applies to all of them (keep the two alike): recovered, the amount
--                of the latest such event to recovery or recovered; written off, that of the latest
--                to written_off when no later one put the case back into recovery before a run
--                reopened it (money paid again: a decision to recover it keeps the write-off). A decision entered
--                on a later period's findings (which may count that period's money too) does not
--                count as of $period; a reopening carries no amount;
--   outstanding  overpaid less recovered and written off;
--   case_recovered, case_written_off  the case's recovered and written off as the decisions recorded
--                them, not set against its banks (when a re-run lowered the overpaid below them, the
--                rows' recovered and written off stop at what each bank overpaid; these do not).
-- As of the latest period these are the recoveries view's amounts. One row per bank paid ($cash_bank
-- for cash, the post office), with the account of the latest payment flagged in the case at that bank
-- up to $period (below); the name is the beneficiary's in the latest registry up to $period that lists
-- them in the programme.
WITH repeated AS (  -- the findings whose payment is counted in another period up to $period
    SELECT period, flag_id FROM flag_repeats WHERE counted_period <= $period
),
-- the events entered up to $period; as of the latest period held, every event (the recoveries view's): one
-- entered on the book of a later period since removed stands, as in `cases`, and is not dropped from the
-- lists and the workbook of the month that is now the latest
events AS (SELECT * FROM rc_case_events() WHERE period <= $period OR $period >= (SELECT max(period) FROM runs)),
explained_flags AS (  -- what a case reopened after it was explained had explained, by the events up to $period
    SELECT * FROM rc_explained_flags($period)
),
as_of AS (
    SELECT f.case_id, max(f.period) AS last_period, CAST(count(DISTINCT f.period) AS INTEGER) AS periods_flagged,
           CAST(coalesce(sum(coalesce(f.paid_amount, 0) - coalesce(x.explained, 0)) FILTER (WHERE r.flag_id IS NULL), 0)
                AS BIGINT) AS overpaid  -- not what was explained before a reopening (explained_flags)
    FROM flags AS f
    LEFT JOIN repeated AS r ON r.period = f.period AND r.flag_id = f.flag_id
    LEFT JOIN explained_flags AS x ON x.period = f.period AND x.flag_id = f.flag_id
    WHERE f.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND f.period <= $period
    GROUP BY f.case_id
),
written_back AS (  -- the rule of cases_refresh.sql (case_written_back), over the events entered up to $period
    SELECT e.case_id
    FROM events AS e
    JOIN (SELECT case_id, max(seq) AS seq FROM events WHERE to_status = 'written_off' GROUP BY case_id) AS w
        ON w.case_id = e.case_id AND e.seq > w.seq
    GROUP BY e.case_id
    HAVING min(e.seq) FILTER (WHERE e.to_status IN ('recovery', 'recovered'))
           < coalesce(min(e.seq) FILTER (WHERE e.action = 'reopened'), 9223372036854775807)
),
decided AS (  -- the rule of cases_refresh.sql (case_state), over the events entered up to $period
    SELECT case_id,
           coalesce(arg_max(coalesce(amount, 0), seq) FILTER (WHERE to_status IN ('recovery', 'recovered')), 0)
               AS recovered,
           CASE WHEN case_id IN (SELECT case_id FROM written_back) THEN 0
                ELSE coalesce(arg_max(coalesce(amount, 0), seq) FILTER (WHERE to_status = 'written_off'), 0) END
               AS written_off,
           -- explained, or closed as explained, as of $period: no overpayment (the recoveries view's rule)
           coalesce(arg_max(to_status, seq) = 'explained'
                    OR arg_max(to_status, seq) = 'closed'
                       AND arg_max(to_status, seq) FILTER (WHERE to_status IN ('explained', 'recovery', 'recovered',
                                                                              'written_off')) = 'explained', false)
               AS explained
    FROM events
    GROUP BY case_id
),
by_bank AS (  -- what each bank was paid of the case up to $period, and the latest payment it received
    SELECT f.case_id,
           CASE WHEN p.channel = 'cash' THEN $cash_bank ELSE p.bank_code END AS bank,
           CAST(sum(coalesce(f.paid_amount, 0) - coalesce(x.explained, 0)) AS BIGINT) AS overpaid,
           arg_max(coalesce(p.account_number, f.account_number), (f.period, coalesce(f.payment_id, -1))) AS account_number,
           arg_max(coalesce(p.payee_name, f.payee_name), (f.period, coalesce(f.payment_id, -1))) AS payee_name,
           max(f.period) AS last_period_paid,
           max(p.value_date) AS last_paid_on,
           arg_max(coalesce(f.payment_id, -1), (f.period, coalesce(f.payment_id, -1))) AS last_payment
    FROM flags AS f
    LEFT JOIN payments AS p ON p.period = f.period AND p.payment_id = f.payment_id
    LEFT JOIN explained_flags AS x ON x.period = f.period AND x.flag_id = f.flag_id
    WHERE f.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND f.period <= $period
      AND (x.flag_id IS NULL OR coalesce(f.paid_amount, 0) > x.explained)  -- its money explained whole: none to ask
      AND NOT EXISTS (SELECT 1 FROM repeated AS r WHERE r.period = f.period AND r.flag_id = f.flag_id)
    GROUP BY ALL
),
latest_name AS (
    SELECT vneid, program, full_name
    FROM registry
    WHERE period <= $period
    QUALIFY row_number() OVER (PARTITION BY vneid, program ORDER BY period DESC, is_primary DESC, registry_id) = 1
),
owed AS (
    SELECT c.case_id, c.code, c.vneid, c.program, c.province_code, c.commune_code, c.first_period,
           a.last_period, a.periods_flagged, a.overpaid,
           CAST(coalesce(d.recovered, 0) AS BIGINT) AS recovered,
           CAST(coalesce(d.written_off, 0) AS BIGINT) AS written_off
    FROM cases AS c  -- the recoveries view's cases, explained or not as of $period
    JOIN as_of AS a USING (case_id)
    LEFT JOIN decided AS d USING (case_id)
    WHERE c.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND c.flags > 0 AND NOT coalesce(d.explained, false)
),
-- A case paid through several banks (a bank account and the post office's cash) is one row per bank,
-- each with what that bank received: each bank is asked for its own. What the decisions recorded as
-- recovered, then as written off, is set against the banks in turn, the latest paid first (the bank of
-- a case paid through one, as before), so that the rows of a case add up to its amounts.
banked AS (
    SELECT c.*, b.bank, b.account_number, b.payee_name, b.overpaid AS bank_overpaid,
           CAST(coalesce(sum(b.overpaid) OVER (PARTITION BY c.case_id
                                               ORDER BY b.last_paid_on DESC NULLS LAST, b.last_period_paid DESC,
                                                        b.last_payment DESC, b.bank
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS before
    FROM owed AS c
    JOIN by_bank AS b USING (case_id)
),
shared AS (
    SELECT *, greatest(0, least(bank_overpaid, recovered - before)) AS bank_recovered
    FROM banked
),
settled AS (
    SELECT *, greatest(0, least(bank_overpaid - bank_recovered, written_off - greatest(0, before - recovered)))
                  AS bank_written_off
    FROM shared
)
SELECT
    coalesce(c.bank, 'unknown') AS bank,
    coalesce(c.commune_code, 'unknown') AS commune,
    c.case_id,
    c.code,
    coalesce(n.full_name, c.payee_name) AS full_name,
    c.vneid,
    c.account_number,
    c.program,
    c.province_code,
    c.commune_code,
    c.first_period,
    c.last_period,
    c.periods_flagged,
    c.bank_overpaid AS overpaid,
    CAST(c.bank_recovered AS BIGINT) AS recovered,
    CAST(c.bank_written_off AS BIGINT) AS written_off,
    CAST(c.bank_overpaid - c.bank_recovered - c.bank_written_off AS BIGINT) AS outstanding,
    -- the case's own, on each of its rows: what the decisions recorded, set against no bank (the
    -- workbook's summary shows them, and what they exceed the overpaid by, as the recoveries view does)
    c.recovered AS case_recovered,
    c.written_off AS case_written_off
FROM settled AS c
LEFT JOIN latest_name AS n ON n.vneid = c.vneid AND n.program = c.program
ORDER BY bank, commune, full_name, c.case_id;
