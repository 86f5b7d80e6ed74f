-- Long numbers Excel held as numbers, not as text, kept to 15 significant digits: their last digits
-- lost, each one turned to 0. Staged values.
-- Account numbers of 16 digits or more, every one of them ending in 0: a column of long account
-- numbers lost its last digits (9704100000000041 became 9704100000000040). Matched by account they
-- would pay the wrong person or no one, each a false ACCOUNT_MISMATCH or SHARED_ACCOUNT.
-- Payment references of 16 significant digits or more (leading zeros aside), every one of them
-- with nothing but zeros after its 15th: a bank's numeric references (2024090000000001) lost their
-- last digits (2024090000000000), ten payments of a batch numbered in a row now one reference, each
-- a false DUPLICATE_PAYMENT (and a return matched to the wrong payment). A reference with letters
-- (FT24249...), or of 15 digits or fewer, Excel keeps.
-- All of them so, and at least 5 accounts, different (a real one ends in 0 one time in ten), or at
-- least 5 references: different, or fewer made one (references of 20 digits numbered in a row keep
-- their first 15, the same for them all); a payment retried under its reference repeats it, but the
-- references of a bank's whole batch end in 0 by chance no more than accounts do.
-- checks_excel.check_digits_lost refuses the file.
WITH long AS (
    SELECT file_id, 'account_number' AS column_name, source_row, account_number AS value FROM stg_registry
    WHERE length(account_number) >= 16 AND regexp_full_match(account_number, '[0-9]+')
    UNION ALL
    SELECT file_id, 'account_number' AS column_name, source_row, account_number AS value FROM stg_payments
    WHERE length(account_number) >= 16 AND regexp_full_match(account_number, '[0-9]+')
    UNION ALL
    SELECT file_id, 'payment_ref' AS column_name, source_row, payment_ref AS value FROM stg_payments
    WHERE regexp_full_match(payment_ref, '0*[1-9][0-9]{15,}')
)
SELECT file_id, column_name, count(*) AS n, min(source_row) AS first_row
FROM long
GROUP BY file_id, column_name
HAVING CASE WHEN column_name = 'account_number' THEN count(DISTINCT value) ELSE count(*) END >= 5
   AND bool_and(CASE WHEN column_name = 'account_number' THEN ends_with(value, '0')
                     ELSE regexp_full_match(value, '0*[1-9][0-9]{14}0+') END)
ORDER BY file_id, column_name;
