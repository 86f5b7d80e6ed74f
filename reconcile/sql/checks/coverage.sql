-- Source coverage: for each programme and registered channel (bank and e-wallet by bank code, and
-- cash), its active beneficiaries with an amount due and how many of them have any payment row
-- (successful, failed or returned, of any date, matched by any method). A group that mostly has
-- none is one whose source (a bank's file, the post office's) was left out; checks.missing_sources
-- applies min_group and min_coverage.
WITH active AS (
    SELECT registry_id, program, channel, CASE WHEN channel <> 'cash' THEN bank_code END AS bank_code
    FROM cur_registry
    WHERE is_primary AND status = 'active' AND entitled_amount > 0
),
paid AS (
    SELECT DISTINCT registry_id FROM cur_matches
)
SELECT a.program, a.channel, a.bank_code, count(*) AS beneficiaries, count(p.registry_id) AS with_payment
FROM active AS a
LEFT JOIN paid AS p USING (registry_id)
GROUP BY a.program, a.channel, a.bank_code
ORDER BY a.program, a.channel, a.bank_code;
