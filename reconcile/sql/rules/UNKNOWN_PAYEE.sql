-- code: UNKNOWN_PAYEE
-- severity: high
-- en: Successful payment that matches no beneficiary in the registry
-- vi: Khoản chi thành công không khớp với đối tượng nào trong danh sách
-- An ID the registry holds on a row it refused (a status or an amount that could not be read) is
-- no unknown payee to the officer who sees it in the file: the detail names that row (the first)
WITH rejected_ids AS (
    SELECT vneid, regexp_extract(source_file, '[^/\\]+$') || coalesce(' (sheet ' || source_sheet || ')', '')
                  || ' row ' || source_row AS registry_row
    FROM (
        SELECT vneid, source_file, source_sheet, source_row,
               row_number() OVER (PARTITION BY vneid ORDER BY source_file, source_sheet, source_row) AS n
        FROM stg_registry
        WHERE reject_reason IS NOT NULL AND NOT set_aside AND vneid IS NOT NULL
    ) AS r
    WHERE n = 1
),
unknown AS MATERIALIZED (  -- the payments this finding is about (few), before the registry is read for them
    SELECT * FROM pm WHERE registry_id IS NULL AND status = 'success'
),
-- A valid ID the registry does not hold, paid into an account the registry gives one other ID: the
-- registry corrected that beneficiary's ID and the bank paid under the old one (or the bank's ID is
-- wrong). Not matched (the ID is the key the money was sent against), but the detail names the ID
-- the account is registered to, for the auditor to check (leading zeros aside, as accounts compare)
registered AS (
    SELECT ltrim(account_number, '0') AS account, min(vneid) AS vneid
    FROM cur_registry
    WHERE ltrim(account_number, '0') IN (SELECT ltrim(account_number, '0') FROM unknown WHERE account_number IS NOT NULL)
      AND vneid IS NOT NULL AND is_primary
    GROUP BY ALL
    HAVING count(DISTINCT vneid) = 1
)
SELECT
    payee_vneid AS vneid, payment_ref, program, amount AS paid_amount,
    CASE
        WHEN j.registry_row IS NOT NULL THEN
            'The payment''s ID is on a row of the registry that was rejected (' || j.registry_row || ')'
        WHEN rc_vneid_valid(coalesce(payee_vneid, '')) THEN 'The payment''s ID is not in the registry'
            || CASE WHEN payment_program IS NOT NULL THEN ' for programme ' || payment_program ELSE '' END
            || CASE WHEN a.vneid IS NOT NULL AND a.vneid <> payee_vneid
                    THEN '; its account is registered to ID ' || a.vneid || ' (an ID corrected in the registry?)'
                    ELSE '' END
        WHEN payee_vneid IS NOT NULL THEN
            'The payment''s ID is not a valid ID and is not in the registry; account and name matched no beneficiary'
        WHEN vneid_note IS NOT NULL THEN 'No usable ID (' || vneid_note || '); account and name matched no beneficiary'
        ELSE 'No ID; account and name matched no beneficiary'
    END AS detail,
    source_file, source_row, source_sheet, payee_name, account_number, payment_id
FROM unknown AS pm
LEFT JOIN rejected_ids AS j ON j.vneid = pm.payee_vneid
LEFT JOIN registered AS a ON a.account = ltrim(pm.account_number, '0')
