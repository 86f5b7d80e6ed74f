-- The overpayments to reclaim as of $period (`reconcile actions`, reconcile/actions.py): every case of
-- the recoveries view first flagged up to $period with money outstanding, as the database stands (its
-- amounts over every period flagged, less what decisions recorded). The bank and account are those of
-- the latest payment flagged in the case ($cash_bank for cash, the post office); the name is the
-- beneficiary's in the latest registry that lists them in the programme.
WITH latest_payment AS (
    SELECT f.case_id,
           CASE WHEN p.channel = 'cash' THEN $cash_bank ELSE p.bank_code END AS bank,
           coalesce(p.account_number, f.account_number) AS account_number,
           coalesce(p.payee_name, f.payee_name) AS payee_name
    FROM flags AS f
    LEFT JOIN payments AS p ON p.period = f.period AND p.payment_id = f.payment_id
    WHERE f.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE')
    QUALIFY row_number() OVER (PARTITION BY f.case_id ORDER BY f.period DESC, f.payment_id DESC NULLS LAST) = 1
),
latest_name AS (
    SELECT vneid, program, full_name
    FROM registry
    QUALIFY row_number() OVER (PARTITION BY vneid, program ORDER BY period DESC, is_primary DESC, registry_id) = 1
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
    CAST(c.overpaid AS BIGINT) AS overpaid,
    CAST(c.recovered AS BIGINT) AS recovered,
    CAST(c.written_off AS BIGINT) AS written_off,
    CAST(c.outstanding AS BIGINT) AS outstanding
FROM recoveries AS c
LEFT JOIN latest_payment AS l ON l.case_id = c.case_id
LEFT JOIN latest_name AS n ON n.vneid = c.vneid AND n.program = c.program
WHERE c.outstanding > 0 AND c.first_period <= $period
ORDER BY bank, commune, full_name, c.case_id;
