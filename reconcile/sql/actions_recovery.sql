-- The overpayments to reclaim as of $period (`reconcile actions`, reconcile/actions.py): every case of
-- the recoveries view flagged up to $period with money outstanding as of then: what was paid after the
-- death or while inactive in the periods up to $period, less what decisions have recorded as recovered
-- and written off (decisions count as they stand). The bank and account are those of the latest payment
-- flagged in the case up to $period ($cash_bank for cash, the post office); the name is the
-- beneficiary's in the latest registry up to $period that lists them in the programme.
WITH as_of AS (
    SELECT case_id, max(period) AS last_period, CAST(count(DISTINCT period) AS INTEGER) AS periods_flagged,
           CAST(sum(coalesce(paid_amount, 0)) AS BIGINT) AS overpaid
    FROM flags
    WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND period <= $period
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
    SELECT c.*, a.last_period AS last_period_as_of, a.periods_flagged AS periods_as_of, a.overpaid AS overpaid_as_of,
           a.overpaid - c.recovered - c.written_off AS outstanding_as_of
    FROM recoveries AS c
    JOIN as_of AS a USING (case_id)
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
    c.last_period_as_of AS last_period,
    c.periods_as_of AS periods_flagged,
    c.overpaid_as_of AS overpaid,
    CAST(c.recovered AS BIGINT) AS recovered,
    CAST(c.written_off AS BIGINT) AS written_off,
    CAST(c.outstanding_as_of AS BIGINT) AS outstanding
FROM owed AS c
LEFT JOIN latest_payment AS l ON l.case_id = c.case_id
LEFT JOIN latest_name AS n ON n.vneid = c.vneid AND n.program = c.program
WHERE c.outstanding_as_of > 0
ORDER BY bank, commune, full_name, c.case_id;
