-- code: UNKNOWN_PAYEE
-- severity: high
-- en: Successful payment that matches no beneficiary in the registry
-- vi: Khoản chi thành công không khớp với đối tượng nào trong danh sách
SELECT
    payee_vneid AS vneid, payment_ref, program, amount AS paid_amount,
    CASE
        WHEN rc_vneid_valid(coalesce(payee_vneid, '')) THEN 'The payment''s ID is not in the registry'
            || CASE WHEN payment_program IS NOT NULL THEN ' for programme ' || payment_program ELSE '' END
        WHEN payee_vneid IS NOT NULL THEN
            'The payment''s ID is not a valid ID and is not in the registry; account and name matched no beneficiary'
        WHEN vneid_note IS NOT NULL THEN 'No usable ID (' || vneid_note || '); account and name matched no beneficiary'
        ELSE 'No ID; account and name matched no beneficiary'
    END AS detail,
    source_file, source_row, source_sheet, payee_name, account_number, payment_id
FROM pm
WHERE registry_id IS NULL AND status = 'success'
