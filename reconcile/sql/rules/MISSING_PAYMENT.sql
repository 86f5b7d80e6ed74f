-- code: MISSING_PAYMENT
-- severity: high
-- en: Active beneficiary with no successful payment in the period
-- vi: Đối tượng đang hưởng chưa được chi trả thành công trong kỳ
SELECT
    r.vneid, r.program, r.entitled_amount AS expected_amount, 0 AS paid_amount,
    'No successful payment dated in the period'
        || CASE WHEN coalesce(o.failed, 0) > 0 THEN '; ' || o.failed || ' failed or returned' ELSE '' END
        || CASE WHEN coalesce(o.outside, 0) > 0 THEN '; ' || o.outside || ' successful dated outside the period' ELSE '' END
        AS detail,
    r.source_file, r.source_row, r.source_sheet, r.full_name, r.account_number, r.province_code, r.commune_code, r.registry_id
FROM cur_registry AS r
LEFT JOIN cur_beneficiary_paid AS o USING (registry_id)  -- facts.sql: each beneficiary's payments counted
WHERE r.is_primary AND r.status = 'active' AND r.entitled_amount > 0 AND coalesce(o.paid, 0) = 0
