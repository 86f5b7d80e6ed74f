-- The payments to send again as of $period (`reconcile actions`, reconcile/actions.py): every payment
-- failed or returned in a period up to $period, matched to a beneficiary, whose beneficiary had no
-- successful payment dated in its period, for the same programme, in that period or a later one up to
-- $period. One row per payment, in the file of the bank that was to pay it ($cash_bank for cash, the
-- post office; 'unknown' when the payment names no bank). A payment listed again in another input
-- (repeat_of) is the same payment: it is listed once.
WITH paid AS (
    SELECT DISTINCT m.vneid, m.program, m.period
    FROM payments AS p
    JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
    WHERE p.status = 'success' AND p.in_period AND p.period <= $period
)
SELECT
    CASE WHEN p.channel = 'cash' THEN $cash_bank ELSE coalesce(p.bank_code, 'unknown') END AS bank,
    coalesce(r.commune_code, 'unknown') AS commune,
    p.period,
    coalesce(r.full_name, p.payee_name) AS full_name,
    m.vneid,
    p.account_number,
    CAST(p.amount AS BIGINT) AS amount,
    p.payment_ref,
    p.status,
    p.narrative,
    m.program,
    r.province_code,
    r.commune_code
FROM payments AS p
JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
LEFT JOIN registry AS r ON r.period = m.period AND r.registry_id = m.registry_id
WHERE p.status IN ('failed', 'returned') AND p.period <= $period AND p.repeat_of IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM paid AS s
      WHERE s.vneid = m.vneid AND s.program = m.program AND s.period >= p.period)
ORDER BY bank, p.period, p.payment_ref, p.payment_id;
