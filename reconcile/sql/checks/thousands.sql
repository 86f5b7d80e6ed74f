-- Amounts in thousands: for each registry file its active rows' amounts due, for each payments file
-- its successful payments' amounts (loaded rows, above 0): how many, and how many are under
-- $min_amount VND. checks_thousands.check_thousands refuses a month whose registry and payments are
-- both mostly under it: written in thousands of đồng (1.500 for 1.500.000). Run by a DuckDB run and
-- by --stage-only.
SELECT file_id, 'registry' AS role, count(*) AS n, count(*) FILTER (WHERE entitled_amount < $min_amount) AS small
FROM stg_registry
WHERE reject_reason IS NULL AND status = 'active' AND entitled_amount > 0
GROUP BY file_id
UNION ALL
SELECT file_id, 'payments', count(*), count(*) FILTER (WHERE amount < $min_amount)
FROM stg_payments
WHERE reject_reason IS NULL AND status = 'success' AND amount > 0
GROUP BY file_id
ORDER BY file_id;
