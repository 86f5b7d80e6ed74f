-- code: MISSING_PAYMENT
-- severity: high
-- en: Active beneficiary with no successful payment in the period
-- vi: Đối tượng đang hưởng chưa được chi trả thành công trong kỳ
-- A payment row of the beneficiary's ID that was rejected (an amount or a date that could not be read)
-- may be the payment: the detail names it, so that the officer looks there before asking the bank,
-- as UNKNOWN_PAYEE names a rejected registry row. By its file and reference, which stay where the
-- rows are in any order (a finding's detail does not move with its rows); the first by them
WITH rejected_payments AS (
    SELECT vneid, regexp_extract(source_file, '[^/\\]+$') || coalesce(' (sheet ' || source_sheet || ')', '')
                  || coalesce(' reference ' || payment_ref, ' row ' || source_row) AS payment_row
    FROM (
        SELECT vneid, source_file, source_sheet, source_row, payment_ref,
               row_number() OVER (PARTITION BY vneid ORDER BY regexp_extract(source_file, '[^/\\]+$'), source_sheet,
                                                              payment_ref, source_row) AS n
        FROM stg_payments
        WHERE reject_reason IS NOT NULL AND NOT set_aside AND vneid IS NOT NULL
    ) AS p
    WHERE n = 1
)
SELECT
    r.vneid, r.program, r.entitled_amount AS expected_amount, 0 AS paid_amount,
    'No successful payment dated in the period'
        || CASE WHEN coalesce(o.failed, 0) > 0 THEN '; ' || o.failed || ' failed or returned' ELSE '' END
        || CASE WHEN coalesce(o.outside, 0) > 0 THEN '; ' || o.outside || ' successful dated outside the period' ELSE '' END
        -- facts.sql: a back payment of earlier months (truy lĩnh) pays them, not this one
        || CASE WHEN coalesce(o.back, 0) > 0 THEN '; ' || o.back || ' back payment of earlier months (truy lĩnh) only'
                ELSE '' END
        || CASE WHEN j.payment_row IS NOT NULL THEN '; a payment row with this ID was rejected (' || j.payment_row || ')'
                ELSE '' END
        AS detail,
    r.source_file, r.source_row, r.source_sheet, r.full_name, r.account_number, r.province_code, r.commune_code, r.registry_id
FROM cur_registry AS r
LEFT JOIN cur_beneficiary_paid AS o USING (registry_id)  -- facts.sql: each beneficiary's payments counted
LEFT JOIN rejected_payments AS j ON j.vneid = r.vneid
LEFT JOIN cur_paid_earlier AS e USING (registry_id)  -- facts.sql: paid ahead by an earlier month's payment
WHERE r.is_primary AND r.status = 'active' AND r.entitled_amount > 0 AND coalesce(o.paid, 0) = 0
  AND e.registry_id IS NULL
