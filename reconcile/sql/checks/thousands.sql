-- Amounts in thousands: for each registry file its active rows' amounts due, for each payments file
-- its successful payments' amounts (loaded rows, above 0): how many, and how many are under
-- $min_amount VND. checks_thousands.check_thousands refuses a month whose registry and payments are
-- both mostly under it: written in thousands of đồng (1.500 for 1.500.000). Run by a DuckDB run and
-- by --stage-only.
-- `tiny`: how many are under 1,000 VND, `tiny_example` the smallest, and `whole` how many are a million
-- or more: a cell of 750.000 that an Excel set to English read as 750 and saved, beside 1.500.000,
-- which it could not read as a number and kept as text.
-- checks_thousands.check_re_saved refuses such a file.
SELECT file_id, 'registry' AS role, count(*) AS n, count(*) FILTER (WHERE entitled_amount < $min_amount) AS small,
       count(*) FILTER (WHERE entitled_amount < 1000) AS tiny,
       min(entitled_amount) AS tiny_example,
       count(*) FILTER (WHERE entitled_amount >= 1000000) AS whole
FROM stg_registry
WHERE reject_reason IS NULL AND status = 'active' AND entitled_amount > 0
GROUP BY file_id
UNION ALL
SELECT file_id, 'payments', count(*), count(*) FILTER (WHERE amount < $min_amount),
       count(*) FILTER (WHERE amount < 1000), min(amount),
       count(*) FILTER (WHERE amount >= 1000000)
FROM stg_payments
WHERE reject_reason IS NULL AND status = 'success' AND amount > 0
GROUP BY file_id
ORDER BY file_id;
