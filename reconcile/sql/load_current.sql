-- The run's loaded rows, with row ids that depend only on each file's name, content and row
-- (not on the order the files were given in, nor on how their paths were spelled), and the rejected rows with their reasons (raw values: normalize.attach_raw).
CREATE OR REPLACE TEMP TABLE cur_registry AS
SELECT
    row_number() OVER (ORDER BY f.file_order, s.source_row) AS registry_id,
    s.* EXCLUDE (reject_reason),
    f.file_order,
    row_number() OVER (PARTITION BY s.vneid, s.program ORDER BY f.file_order, s.source_row) = 1 AS is_primary
FROM stg_registry AS s
JOIN cur_files AS f USING (file_id)
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE cur_payments AS
SELECT
    row_number() OVER (ORDER BY f.file_order, s.source_row) AS payment_id,
    s.* EXCLUDE (reject_reason),
    f.file_order
FROM stg_payments AS s
JOIN cur_files AS f USING (file_id)
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE cur_rejected AS
SELECT 'registry' AS role, file_id, source_file, source_row, reject_reason AS reason, CAST(NULL AS VARCHAR) AS raw
FROM stg_registry WHERE reject_reason IS NOT NULL
UNION ALL
SELECT 'payments', file_id, source_file, source_row, reject_reason, NULL
FROM stg_payments WHERE reject_reason IS NOT NULL;
