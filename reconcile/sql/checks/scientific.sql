-- Numbers Excel wrote in scientific notation: for each file, the account numbers and payment
-- references it holds as 1.90300E+13 (a column of long numbers saved from a General-format cell),
-- how many and the first row. Their digits are lost: matched by account they would pay the wrong
-- person or no one. checks_excel.check_scientific refuses such a file. Staged values: an account has
-- lost its dots (rc_ident_t), a reference is as written. A payee ID so written is its payment's
-- INVALID_VNEID (stage_payments.sql's vneid_note): a file of at least $min_ids of them, a column of
-- IDs Excel held as numbers, is refused too (its payments would be matched by account and name
-- alone, each ID an INVALID_VNEID finding, and those whose account differs an UNKNOWN_PAYEE and a
-- MISSING_PAYMENT); a registry's are its rejected rows (macros.sql, rc_vneid_problem_t).
WITH found AS (
    SELECT file_id, 'account_number' AS column_name, source_row, source_sheet
    FROM stg_registry WHERE regexp_full_match(account_number, '[0-9]+(,[0-9]+)?E\+?[0-9]+')
    UNION ALL
    SELECT file_id, 'account_number', source_row, source_sheet
    FROM stg_payments WHERE regexp_full_match(account_number, '[0-9]+(,[0-9]+)?E\+?[0-9]+')
    UNION ALL
    SELECT file_id, 'payment_ref', source_row, source_sheet
    FROM stg_payments WHERE regexp_full_match(upper(payment_ref), '[0-9]+([.,][0-9]+)?E\+?[0-9]+')
    UNION ALL
    SELECT file_id, 'vneid', source_row, source_sheet
    FROM stg_payments WHERE starts_with(vneid_note, 'ID written in scientific notation')
)
SELECT file_id, column_name, count(*) AS n, min(source_row) AS first_row
FROM found
GROUP BY file_id, column_name
HAVING column_name <> 'vneid' OR count(*) >= $min_ids
ORDER BY file_id, column_name;
