-- code: DUPLICATE_BENEFICIARY
-- severity: high
-- en: The same ID twice in one programme's registry
-- vi: Một số định danh xuất hiện nhiều lần trong danh sách của cùng một chế độ
SELECT
    d.vneid, d.program, d.entitled_amount AS expected_amount,
    -- the row used is named by its file, not its row number, which moves when the file is sorted
    'Same ID already listed for programme ' || d.program || ' in ' || regexp_extract(f.source_file, '[^/\\]+$')
        || '; this row is not used for matching' AS detail,
    d.source_file, d.source_row, d.source_sheet, d.full_name, d.account_number, d.province_code, d.commune_code, d.registry_id
FROM cur_registry AS d
JOIN cur_registry AS f ON f.vneid = d.vneid AND f.program = d.program AND f.is_primary
WHERE NOT d.is_primary
