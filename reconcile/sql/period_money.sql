-- The money each period's findings put in question, each đồng once (`reconcile trend`, the workbook's
-- comparison with the period before): the codes overlap on one person's money, so the total is not
-- the sum of period_summary's amounts, which are each code's own (rc_at_stake):
--   money that should not have gone out (PAID_AFTER_DEATH, PAID_WHILE_INACTIVE, UNKNOWN_PAYEE,
--     DUPLICATE_PAYMENT): each payment once, whatever codes flag it;
--   a beneficiary paid more or less than due (AMOUNT_MISMATCH): the difference, less, when more was
--     paid, what their payments counted above already count (a second payment, one after the death);
--   money that did not arrive (MISSING_PAYMENT, PAYMENT_FAILED): each beneficiary's due once.
-- A finding on a payment that another period's file holds too (views.sql's flag_repeats) is counted
-- there, not again.
WITH counted AS (
    SELECT * FROM flags AS f
    WHERE NOT EXISTS (SELECT 1 FROM flag_repeats AS r WHERE r.period = f.period AND r.flag_id = f.flag_id)
)
SELECT period, CAST(sum(amount) AS BIGINT) AS amount
FROM (
    SELECT period, max(coalesce(paid_amount, 0)) AS amount
    FROM counted
    WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE', 'UNKNOWN_PAYEE', 'DUPLICATE_PAYMENT')
    GROUP BY period, coalesce(CAST(payment_id AS VARCHAR), flag_id)
    UNION ALL
    SELECT m.period,
           greatest(abs(coalesce(m.paid_amount, 0) - coalesce(m.expected_amount, 0))
                    - CASE WHEN m.paid_amount > m.expected_amount THEN coalesce(d.second, 0) ELSE 0 END, 0)
    FROM counted AS m
    LEFT JOIN (SELECT period, registry_id, sum(paid) AS second
               FROM (SELECT DISTINCT period, registry_id, payment_id, coalesce(paid_amount, 0) AS paid
                     FROM counted
                     WHERE code IN ('DUPLICATE_PAYMENT', 'PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE')
                       AND registry_id IS NOT NULL)
               GROUP BY period, registry_id) AS d
        ON d.period = m.period AND d.registry_id = m.registry_id
    WHERE m.code = 'AMOUNT_MISMATCH'
    UNION ALL
    SELECT period, max(coalesce(expected_amount, 0))
    FROM counted
    WHERE code IN ('MISSING_PAYMENT', 'PAYMENT_FAILED')
    GROUP BY period, coalesce(CAST(registry_id AS VARCHAR), flag_id)
)
GROUP BY period
