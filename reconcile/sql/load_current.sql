-- The run's loaded rows, with row ids that depend only on file path and row (not on the order
-- the files were given in), and the rejected rows with their reasons (raw values: normalize.attach_raw).
CREATE OR REPLACE TEMP TABLE cur_registry AS
SELECT
    row_number() OVER (ORDER BY source_file, source_row, file_id) AS registry_id,
    s.* EXCLUDE (reject_reason),
    row_number() OVER (PARTITION BY vneid, program ORDER BY source_file, source_row, file_id) = 1 AS is_primary
FROM stg_registry AS s
WHERE reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE cur_payments AS
SELECT
    row_number() OVER (ORDER BY source_file, source_row, file_id) AS payment_id,
    s.* EXCLUDE (reject_reason)
FROM stg_payments AS s
WHERE reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE cur_rejected AS
SELECT 'registry' AS role, file_id, source_file, source_row, reject_reason AS reason, CAST(NULL AS VARCHAR) AS raw
FROM stg_registry WHERE reject_reason IS NOT NULL
UNION ALL
SELECT 'payments', file_id, source_file, source_row, reject_reason, NULL
FROM stg_payments WHERE reject_reason IS NOT NULL;
