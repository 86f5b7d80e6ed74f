-- Each registry file's active beneficiaries with an amount due (their primary rows, less those an
-- earlier month's payment paid ahead), and how many of them have any payment row dated in the
-- period (pm, matched by any method). A file none of whose people has one, beside files whose
-- people do, is another place's or another month's list given by mistake (checks_coverage.py's
-- registry_unpaid). Run when the month has two registry files or more.
WITH paid AS (SELECT DISTINCT registry_id FROM pm WHERE registry_id IS NOT NULL AND in_period)
SELECT r.file_id, count(*) AS beneficiaries, count(p.registry_id) AS with_payment
FROM cur_registry AS r
LEFT JOIN paid AS p ON p.registry_id = r.registry_id
WHERE r.is_primary AND r.status = 'active' AND r.entitled_amount > 0
  AND r.registry_id NOT IN (SELECT registry_id FROM cur_paid_earlier)
GROUP BY r.file_id
ORDER BY r.file_id;
