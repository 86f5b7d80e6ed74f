-- Write the run's rejected rows and findings into the period's tables (the caller has deleted
-- the period's old rows in the same transaction). A finding's id is a hash of what it is about:
-- period, code, the evidence file's content hash and row, the payment reference and the ID.
INSERT INTO rejected_rows
SELECT $period, $run_id, role, file_id, source_file, source_row, reason, raw
FROM cur_rejected
ORDER BY file_id, source_row;

INSERT INTO flags
SELECT
    substr(md5(concat_ws('|', $period, f.code, coalesce(h.sha256, f.source_file), f.source_row,
                         coalesce(f.payment_ref, ''), coalesce(f.vneid, ''))), 1, 16) AS flag_id,
    $period, $run_id, f.code, f.severity, f.severity_rank, f.vneid, f.payment_ref, f.program,
    f.expected_amount, f.paid_amount, f.detail, f.source_file, f.source_row, f.full_name, f.payee_name,
    f.account_number, f.province_code, f.commune_code, f.match_method, f.payment_id, f.registry_id
FROM cur_flags AS f
LEFT JOIN (SELECT DISTINCT path, sha256 FROM cur_files) AS h ON h.path = f.source_file
ORDER BY f.severity_rank DESC, f.code, f.source_file, f.source_row, f.payment_ref, f.vneid;
