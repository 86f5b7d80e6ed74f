-- Scale of amounts: for each payments file, its matched successful payments to beneficiaries with an
-- amount due, how many differ from that amount, and how many are it divided, or multiplied, by 1,000
-- (a file re-saved with another number format reads '750.000' as 750, and leaves '1.500.000', which
-- is no number to it, as it was). checks.check_scale refuses a file with more than max_scaled of
-- either, among its matched payments or among those that differ. An amount due that is not whole
-- thousands (a pension of 5,463,700) is 5.464 in thousands: within 1,000 of it, rounded or cut.
-- A payment of a million or more due divided (or an amount due of a payment of a million or more) is
-- no re-save, which leaves '1.500.000' as it was: the file (or the registry) was written in thousands. Reads pm (facts.sql).
SELECT file_id, count(*) AS matched, count(*) FILTER (WHERE amount <> entitled_amount) AS differ,
       count(*) FILTER (WHERE amount > 0 AND abs(amount * 1000 - entitled_amount) < 1000) AS divided,
       count(*) FILTER (WHERE amount > 0 AND abs(amount * 1000 - entitled_amount) < 1000
                        AND entitled_amount >= 1000000) AS divided_millions,
       count(*) FILTER (WHERE abs(amount - entitled_amount * 1000) < 1000) AS multiplied,
       count(*) FILTER (WHERE abs(amount - entitled_amount * 1000) < 1000 AND amount >= 1000000) AS multiplied_millions
FROM pm
WHERE registry_id IS NOT NULL AND status = 'success' AND entitled_amount > 0
GROUP BY file_id
ORDER BY file_id;
