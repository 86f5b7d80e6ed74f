-- The payments to send again as of $period (`reconcile actions`, reconcile/actions.py): every payment
-- failed or returned in a period up to $period, matched to a beneficiary, whose beneficiary had no
-- successful payment, for the same programme, dated in that period or a later one, in the files of the
-- periods up to $period (one a later month's statement holds, dated in the period, pays it too). One
-- row per payment, in the file of the bank that was to pay it ($cash_bank for cash, the post office;
-- where the payment names no bank, the registry's bank of the beneficiary; else 'unknown'). A payment listed again in another input (repeat_of) is
-- the same payment: it is listed once; so is a payment tried again and failed again; and
-- so is a payment that a later month's file repeats (the same reference, amount, value date and payee,
-- views.sql's rc_same_payment): it is listed in the period it counts in (rc_counts_before), up to $period.
-- `held` says why a payment is held back rather than sent again, as the beneficiary's latest registry
-- up to $period that lists them in the programme (`standing`: its period, status and date of death)
-- says: 'died' when the date of death is before the payment's value date (the test of
-- PAID_AFTER_DEATH), else 'inactive' when the status there is not active (deceased, suspended,
-- terminated); NULL for a payment to send again.
-- A payment is sent again where that registry says the beneficiary is paid now: a failed transfer is
-- often to an account since closed, and the registry of a later month gives the new one (another
-- account, or bank, or cash at the post office). `sent_to` is then the account the payment went to
-- (or 'cash'), which the reason names; NULL when the registry gives the same account or none.
-- A back payment (truy lĩnh, views.sql's rc_back_months_of: earlier months' money) that failed is not
-- paid by its own period's payment, which is that month's: a later period's settles it, as it does
-- any failed payment; and it is the one to send for the months it names, not their own failed payments.
WITH paid AS (  -- the months paid: by the date, whichever file up to $period holds the payment (a
               -- statement running from the 26th: September's payment of the 28th is in October's)
    SELECT DISTINCT m.vneid, m.program,
           CASE WHEN p.in_period THEN m.period ELSE strftime(p.value_date, '%Y-%m') END AS period
    FROM payments AS p
    JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
    WHERE p.status = 'success' AND p.period <= $period
),
not_paid AS (  -- the failed and returned payments up to $period, each once
    SELECT period, payment_id, payment_ref, bank_ref, amount, value_date, status, bank_code, vneid,
           account_number, payee_key, in_period
    FROM payments
    WHERE status IN ('failed', 'returned') AND period <= $period AND repeat_of IS NULL
),
repeated AS (  -- those another period's file holds too, and counts
    SELECT DISTINCT b.period, b.payment_id
    FROM not_paid AS b
    JOIN not_paid AS a ON a.amount = b.amount AND a.value_date = b.value_date AND a.period <> b.period
    WHERE rc_same_payment(a, b) AND rc_counts_before(a, b)
),
tried_back AS (  -- the months a later back payment (truy lĩnh) tried to pay and failed: sent again, it
                 -- is the one to send, not the earlier month's own failed payment (few: `truy`)
    SELECT m.vneid, m.program, p.period,
           unnest(rc_back_months_of(p.narrative, p.period, p.amount, r.entitled_amount,
                                    coalesce(CAST(u.settings->>'$.thresholds.amount_tolerance' AS BIGINT), 0))) AS month
    FROM payments AS p
    JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
    JOIN registry AS r ON r.period = m.period AND r.registry_id = m.registry_id AND r.status = 'active'
    LEFT JOIN runs AS u ON u.period = p.period
    WHERE p.status IN ('failed', 'returned') AND p.period <= $period AND p.repeat_of IS NULL
      AND p.narrative ILIKE '%truy%'
),
standing AS (
    SELECT vneid, program, period AS registry_period, status AS registry_status, date_of_death,
           channel AS registry_channel, bank_code AS registry_bank, account_number AS registry_account
    FROM registry
    WHERE period <= $period AND vneid IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY vneid, program ORDER BY period DESC, is_primary DESC, registry_id) = 1
)
SELECT
    -- a payment that names no bank (a camt return without the creditor's agent) goes to the bank the
    -- registry gives the beneficiary that month
    CASE WHEN NOT moved THEN CASE WHEN p.channel = 'cash' THEN $cash_bank
                                  ELSE coalesce(p.bank_code, r.bank_code, 'unknown') END
         WHEN s.registry_channel = 'cash' THEN $cash_bank ELSE coalesce(s.registry_bank, 'unknown') END AS bank,
    coalesce(r.commune_code, 'unknown') AS commune,
    p.period,
    coalesce(r.full_name, p.payee_name) AS full_name,
    m.vneid,
    CASE WHEN NOT moved THEN p.account_number WHEN s.registry_channel <> 'cash' THEN s.registry_account END
        AS account_number,
    CASE WHEN moved THEN CASE WHEN p.channel = 'cash' THEN 'cash' ELSE p.account_number END END AS sent_to,
    CAST(p.amount AS BIGINT) AS amount,
    p.payment_ref,
    p.status,
    p.narrative,
    m.program,
    r.province_code,
    r.commune_code,
    CASE WHEN s.date_of_death < p.value_date THEN 'died'
         WHEN s.registry_status <> 'active' THEN 'inactive' END AS held,
    p.value_date,
    s.registry_period,
    s.registry_status,
    s.date_of_death
FROM payments AS p
JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
LEFT JOIN registry AS r ON r.period = m.period AND r.registry_id = m.registry_id
LEFT JOIN standing AS s ON s.vneid = m.vneid AND s.program = m.program
-- the registry pays them otherwise now: by cash where the payment was by account or the reverse, or
-- into another account (leading zeros aside, as the run compares accounts) that it gives
CROSS JOIN LATERAL (SELECT coalesce(
    (s.registry_channel = 'cash') <> (p.channel = 'cash')
    OR s.registry_channel <> 'cash' AND p.channel <> 'cash'
       AND ltrim(s.registry_account, '0') <> ltrim(p.account_number, '0'), false) AS moved)
LEFT JOIN (SELECT period, coalesce(CAST(settings->>'$.thresholds.amount_tolerance' AS BIGINT), 0) AS tolerance
           FROM runs) AS u ON u.period = p.period
WHERE p.status IN ('failed', 'returned') AND p.period <= $period AND p.repeat_of IS NULL
  AND NOT EXISTS (SELECT 1 FROM repeated AS x WHERE x.period = p.period AND x.payment_id = p.payment_id)
  AND NOT EXISTS (
      SELECT 1 FROM paid AS s
      WHERE s.vneid = m.vneid AND s.program = m.program
        AND (s.period > p.period OR s.period = p.period AND NOT coalesce(
            p.narrative ILIKE '%truy%' AND r.status = 'active'
            AND array_length(rc_back_months_of(p.narrative, p.period, p.amount, r.entitled_amount, u.tolerance)) > 0,
            false)))
  AND NOT EXISTS (
      SELECT 1 FROM tried_back AS b
      WHERE b.vneid = m.vneid AND b.program = m.program AND b.period > p.period
        AND b.month = CASE WHEN p.in_period THEN p.period ELSE strftime(p.value_date, '%Y-%m') END)
-- a payment tried again in its period and failed again (the same beneficiary, programme and
-- amount) is one payment to send: its last attempt; a back payment is not the month's own
QUALIFY row_number() OVER (PARTITION BY m.vneid, m.program, p.period, p.amount,
                                        coalesce(p.narrative ILIKE '%truy%', false)
                           ORDER BY p.value_date DESC, p.payment_ref DESC, p.payment_id DESC) = 1
ORDER BY bank, p.period, p.payment_ref, p.payment_id;
