-- code: NAME_MISMATCH
-- severity: medium
-- en: Payee name does not match the registry name after Vietnamese name normalisation
-- vi: Tên người nhận không khớp tên trong danh sách (đã chuẩn hoá dấu, chữ hoa, khoảng trắng)
SELECT
    vneid, payment_ref, program, entitled_amount AS expected_amount, amount AS paid_amount,
    -- a similarity at or above the threshold fails on the family name (the first word) or the given name (the
    -- last): the detail says which, or it would read as names that match
    'Payee name does not match the registry name ('
        || CASE WHEN jaro_winkler_similarity(name_key, payee_key) < $name_similarity THEN ''
                WHEN split_part(name_key, ' ', 1) <> split_part(payee_key, ' ', 1)
                     AND split_part(name_key, ' ', -1) <> split_part(payee_key, ' ', -1) THEN 'family and given names differ, '
                WHEN split_part(name_key, ' ', 1) <> split_part(payee_key, ' ', 1) THEN 'family name differs, '
                WHEN split_part(name_key, ' ', -1) <> split_part(payee_key, ' ', -1) THEN 'given name differs, '
                ELSE '' END
        -- to 2 decimals by floor(x * 100 + 0.5), which DuckDB and Spark compute alike in doubles: their
        -- rounding differs on a similarity just under .xx5 (0.815 read 0.81 on one, 0.82 on the other)
        || 'similarity ' || (floor(jaro_winkler_similarity(name_key, payee_key) * 100 + 0.5) / 100)
        || ', threshold ' || $name_similarity
        || ')' AS detail,
    source_file, source_row, source_sheet, full_name, payee_name, account_number, province_code, commune_code,
    match_method, payment_id, registry_id
FROM pm
WHERE registry_id IS NOT NULL AND status = 'success' AND match_method NOT IN ('name_dob', 'name_year', 'name')
  AND payee_name IS NOT NULL AND name_key IS DISTINCT FROM payee_key  -- no payee name, or the same key: nothing to say
  AND NOT rc_name_match(name_key, payee_key, $name_similarity, $name_truncation_min_length)
