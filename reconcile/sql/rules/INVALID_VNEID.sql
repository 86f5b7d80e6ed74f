-- code: INVALID_VNEID
-- severity: high
-- en: ID not 12 digits, unknown place-of-birth code, or its century/gender/birth-year digits contradict the registry
-- vi: Số định danh không hợp lệ: không đủ 12 chữ số, sai mã nơi đăng ký khai sinh, hoặc mã thế kỷ/giới tính/năm sinh trái với danh sách
WITH registry_problems AS (
    SELECT *, rc_registry_id_problems(vneid, birth_year, gender, $period_end) AS problems
    FROM cur_registry
),
payment_problems AS (
    SELECT *,
        CASE
            WHEN vneid_note LIKE 'ID %' THEN 'Payment''s ' || vneid_note
            WHEN vneid_source = 'column' THEN 'Payment''s ' || rc_vneid_shape_problem(payee_vneid)
        END AS problems
    FROM pm
)
SELECT vneid, NULL AS payment_ref, program, entitled_amount AS expected_amount, NULL AS paid_amount,
       problems AS detail, source_file, source_row, source_sheet, full_name, account_number, province_code, commune_code, registry_id,
       NULL AS payee_name, NULL AS match_method, NULL AS payment_id
FROM registry_problems WHERE problems <> ''
UNION ALL
SELECT payee_vneid, payment_ref, program, NULL, amount, problems, source_file, source_row, source_sheet, full_name, account_number,
       province_code, commune_code, registry_id, payee_name, match_method, payment_id
FROM payment_problems WHERE problems IS NOT NULL
