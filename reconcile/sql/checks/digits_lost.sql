-- Account numbers of 16 digits or more, every one of them ending in 0: Excel keeps a number to 15
-- significant digits, and a column of long account numbers held as numbers (not as text) lost its
-- last digits (9704100000000041 became 9704100000000040). Matched by account they would pay the
-- wrong person or no one, each a false ACCOUNT_MISMATCH or SHARED_ACCOUNT. At least 5 of them,
-- different, all ending in 0 (a real account ends in 0 one time in ten): checks_excel.check_digits_lost
-- refuses the file. Staged values.
WITH long AS (
    SELECT file_id, source_row, account_number FROM stg_registry
    WHERE length(account_number) >= 16 AND regexp_full_match(account_number, '[0-9]+')
    UNION ALL
    SELECT file_id, source_row, account_number FROM stg_payments
    WHERE length(account_number) >= 16 AND regexp_full_match(account_number, '[0-9]+')
)
SELECT file_id, 'account_number' AS column_name, count(*) AS n, min(source_row) AS first_row
FROM long
GROUP BY file_id
HAVING count(DISTINCT account_number) >= 5 AND bool_and(ends_with(account_number, '0'))
ORDER BY file_id;
