-- Numbers Excel wrote in scientific notation: for each file, the account numbers and payment
-- references it holds as 1.90300E+13 (a column of long numbers saved from a General-format cell),
-- how many and the first row. Their digits are lost: matched by account they would pay the wrong
-- person or no one. checks.check_scientific refuses such a file. Staged values: an account has
-- lost its dots (rc_ident_t), a reference is as written.
WITH found AS (
    SELECT file_id, 'account_number' AS column_name, source_row, source_sheet
    FROM stg_registry WHERE regexp_full_match(account_number, '[0-9]+(,[0-9]+)?E\+?[0-9]+')
    UNION ALL
    SELECT file_id, 'account_number', source_row, source_sheet
    FROM stg_payments WHERE regexp_full_match(account_number, '[0-9]+(,[0-9]+)?E\+?[0-9]+')
    UNION ALL
    SELECT file_id, 'payment_ref', source_row, source_sheet
    FROM stg_payments WHERE regexp_full_match(upper(payment_ref), '[0-9]+([.,][0-9]+)?E\+?[0-9]+')
)
SELECT file_id, column_name, count(*) AS n, min(source_row) AS first_row
FROM found
GROUP BY file_id, column_name
ORDER BY file_id, column_name;
