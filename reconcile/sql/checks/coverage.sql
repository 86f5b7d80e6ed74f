-- Source coverage: for each programme and registered channel (bank and e-wallet by bank code, and
-- cash), its active beneficiaries with an amount due, and about how many of them have any payment
-- row (successful, failed or returned, dated in the period (SPEC: another month's rows of a bank are not its file of this month), matched by any method: pm, facts.sql). A group
-- that mostly has none is one whose source (a bank's file, the post office's) was left out.
-- checks.missing_sources applies min_group and min_coverage; the count is an estimate
-- (HyperLogLog, within a few per cent), and a group near or below the line is counted exactly
-- (coverage_exact.sql) before anything is decided or said. Exact counts of every group would cost
-- a distinct count of every paid beneficiary, each month, for groups almost always all paid.
WITH registered AS (
    SELECT program, channel, CASE WHEN channel <> 'cash' THEN bank_code END AS bank_code, count(*) AS beneficiaries
    FROM cur_registry
    -- one an earlier month's payment paid this month ahead (facts.sql: cur_paid_earlier) has no row due
    WHERE is_primary AND status = 'active' AND entitled_amount > 0
      AND registry_id NOT IN (SELECT registry_id FROM cur_paid_earlier)
    GROUP BY program, channel, CASE WHEN channel <> 'cash' THEN bank_code END
),
paid AS (
    SELECT registered_program AS program, registered_channel AS channel,
           CASE WHEN registered_channel <> 'cash' THEN registered_bank_code END AS bank_code,
           approx_count_distinct(registry_id) AS with_payment
    FROM pm
    WHERE registry_id IS NOT NULL AND beneficiary_status = 'active' AND entitled_amount > 0 AND in_period
    GROUP BY registered_program, registered_channel, CASE WHEN registered_channel <> 'cash' THEN registered_bank_code END
)
SELECT r.program, r.channel, r.bank_code, r.beneficiaries, coalesce(p.with_payment, 0) AS with_payment
FROM registered AS r
LEFT JOIN paid AS p
  ON p.program = r.program AND p.channel = r.channel AND p.bank_code IS NOT DISTINCT FROM r.bank_code
ORDER BY r.program, r.channel, r.bank_code;
