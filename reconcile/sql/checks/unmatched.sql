-- Payments the registry does not know: for each payments file, its payments and how many of them
-- match no beneficiary (pm, facts.sql). A file most of whose payees the registry does not hold was
-- given without its registry (another programme's, another area's), or beside a registry cut
-- short. checks.check_unmatched refuses a file of at least min_group payments with more than
-- max_unmatched of them unmatched.
SELECT file_id, count(*) AS payments, count(*) FILTER (WHERE registry_id IS NULL) AS unmatched
FROM pm
GROUP BY file_id
ORDER BY file_id;
