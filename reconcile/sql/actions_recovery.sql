-- The overpayments as of $period: the recovery demands of `reconcile actions` (reconcile/actions.py,
-- those with money outstanding) and the workbook's summary (reconcile/report/summary.py, every row,
-- per programme), so that the two agree. One row per case of the recoveries view flagged in a period
-- up to $period (first_period <= $period):
--   overpaid     what was paid after the death or while inactive in the periods up to $period;
--   recovered,   what the decisions entered on the findings of a period up to $period recorded
--   written_off  (case_events.period <= $period), whenever they were recorded, by the rule that
--                cases_refresh.sql applies to all of them (keep the two alike): recovered, the amount
--                of the latest such event to recovery or recovered; written off, that of the latest
--                to written_off when no later one put the case back into recovery. A decision entered
--                on a later period's findings (which may count that period's money too) does not
--                count as of $period; a reopening carries no amount;
--   outstanding  overpaid less recovered and written off.
-- As of the latest period these are the recoveries view's amounts. The bank and account are those of
-- the latest payment flagged in the case up to $period ($cash_bank for cash, the post office); the name
-- is the beneficiary's in the latest registry up to $period that lists them in the programme.
WITH as_of AS (
    SELECT case_id, max(period) AS last_period, CAST(count(DISTINCT period) AS INTEGER) AS periods_flagged,
           CAST(sum(coalesce(paid_amount, 0)) AS BIGINT) AS overpaid
    FROM flags
    WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND period <= $period
    GROUP BY case_id
),
decided AS (  -- the rule of cases_refresh.sql (case_state), over the events entered up to $period
    SELECT case_id,
           coalesce(arg_max(coalesce(amount, 0), seq) FILTER (WHERE to_status IN ('recovery', 'recovered')), 0)
               AS recovered,
           CASE WHEN arg_max(to_status, seq) FILTER (WHERE to_status IN ('recovery', 'recovered', 'written_off'))
                     = 'written_off'
                THEN arg_max(coalesce(amount, 0), seq) FILTER (WHERE to_status = 'written_off') ELSE 0 END
               AS written_off
    FROM case_events
    WHERE period <= $period
    GROUP BY case_id
),
latest_payment AS (
    SELECT f.case_id,
           CASE WHEN p.channel = 'cash' THEN $cash_bank ELSE p.bank_code END AS bank,
           coalesce(p.account_number, f.account_number) AS account_number,
           coalesce(p.payee_name, f.payee_name) AS payee_name
    FROM flags AS f
    LEFT JOIN payments AS p ON p.period = f.period AND p.payment_id = f.payment_id
    WHERE f.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND f.period <= $period
    QUALIFY row_number() OVER (PARTITION BY f.case_id ORDER BY f.period DESC, f.payment_id DESC NULLS LAST) = 1
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
    FROM recoveries AS c
    JOIN as_of AS a USING (case_id)
    LEFT JOIN decided AS d USING (case_id)
)
SELECT
    coalesce(l.bank, 'unknown') AS bank,
    coalesce(c.commune_code, 'unknown') AS commune,
    c.case_id,
    c.code,
    coalesce(n.full_name, l.payee_name) AS full_name,
    c.vneid,
    l.account_number,
    c.program,
    c.province_code,
    c.commune_code,
    c.first_period,
    c.last_period,
    c.periods_flagged,
    c.overpaid,
    c.recovered,
    c.written_off,
    c.overpaid - c.recovered - c.written_off AS outstanding
FROM owed AS c
LEFT JOIN latest_payment AS l ON l.case_id = c.case_id
LEFT JOIN latest_name AS n ON n.vneid = c.vneid AND n.program = c.program
ORDER BY bank, commune, full_name, c.case_id;
