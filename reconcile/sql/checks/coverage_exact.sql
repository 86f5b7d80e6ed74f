-- Source coverage of one group, exactly: how many of its active beneficiaries with an amount due
-- have any payment row dated in the period (coverage.sql estimates it for every group; this counts the few that need it);
-- $any_date: of any date (a row dated outside the period is a row given: checks_coverage.part_missing).
SELECT count(DISTINCT registry_id) AS with_payment
FROM pm
WHERE registry_id IS NOT NULL AND beneficiary_status = 'active' AND entitled_amount > 0 AND (in_period OR $any_date)
  AND registered_program = $program AND registered_channel = $channel
  AND CASE WHEN registered_channel <> 'cash' THEN registered_bank_code END IS NOT DISTINCT FROM $bank_code;
