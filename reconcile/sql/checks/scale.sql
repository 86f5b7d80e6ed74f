-- Scale of amounts: for each payments file, its matched successful payments to beneficiaries with an
-- amount due, how many differ from that amount, and how many are it divided, or multiplied, by 1,000
-- (a file re-saved with another number format reads '750.000' as 750, and leaves '1.500.000', which
-- is no number to it, as it was). checks.check_scale refuses a file with more than max_scaled of
-- either, among its matched payments or among those that differ.
SELECT p.file_id, count(*) AS matched, count(*) FILTER (WHERE p.amount <> r.entitled_amount) AS differ,
       count(*) FILTER (WHERE p.amount * 1000 = r.entitled_amount) AS divided,
       count(*) FILTER (WHERE p.amount = r.entitled_amount * 1000) AS multiplied
FROM cur_payments AS p
JOIN cur_matches AS m USING (payment_id)
JOIN cur_registry AS r USING (registry_id)
WHERE p.status = 'success' AND r.entitled_amount > 0
GROUP BY p.file_id
ORDER BY p.file_id;
