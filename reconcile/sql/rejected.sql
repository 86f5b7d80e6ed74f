-- The rows not loaded, with their reasons: rejected (a value that cannot be read) or set aside (no
-- payment or beneficiary: a credit, a bank charge, a balance row; `set_aside`). normalize.attach_raw
-- then adds each one's values as read. Kept apart from load_current.sql: `reconcile run --stage-only` writes
-- them too, and the Spark engine, which runs load_current.sql, counts them from the staged rows.
CREATE OR REPLACE TEMP TABLE cur_rejected AS
SELECT 'registry' AS role, file_id, source_file, source_row, reject_reason AS reason, CAST(NULL AS VARCHAR) AS raw,
       source_sheet, set_aside
FROM stg_registry WHERE reject_reason IS NOT NULL
UNION ALL
SELECT 'payments', file_id, source_file, source_row, reject_reason, NULL, source_sheet, set_aside
FROM stg_payments WHERE reject_reason IS NOT NULL;
