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
)
SELECT
    payee_vneid AS vneid, payment_ref, program, amount AS paid_amount,
    CASE
        WHEN j.registry_row IS NOT NULL THEN
            'The payment''s ID is on a row of the registry that was rejected (' || j.registry_row || ')'
        WHEN rc_vneid_valid(coalesce(payee_vneid, '')) THEN 'The payment''s ID is not in the registry'
            || CASE WHEN payment_program IS NOT NULL THEN ' for programme ' || payment_program ELSE '' END
        WHEN payee_vneid IS NOT NULL THEN
            'The payment''s ID is not a valid ID and is not in the registry; account and name matched no beneficiary'
        WHEN vneid_note IS NOT NULL THEN 'No usable ID (' || vneid_note || '); account and name matched no beneficiary'
        ELSE 'No ID; account and name matched no beneficiary'
    END AS detail,
    source_file, source_row, source_sheet, payee_name, account_number, payment_id
FROM pm
LEFT JOIN rejected_ids AS j ON j.vneid = pm.payee_vneid
WHERE registry_id IS NULL AND status = 'success'
