-- Each file's rows and amounts read, loaded, rejected and set aside, from the staging tables: the
-- accounting of inputs (rows read = loaded + rejected + set aside; a row set aside is no payment or
-- beneficiary: a credit, a bank charge, a balance or totals row). Run by a DuckDB run, by
-- --stage-only, and, translated, by the Spark engine.
CREATE OR REPLACE TEMP TABLE cur_file_counts AS
SELECT file_id, count(*) AS rows_read, count(*) FILTER (WHERE reject_reason IS NULL) AS rows_loaded,
       count(*) FILTER (WHERE reject_reason IS NOT NULL AND NOT set_aside) AS rows_rejected,
       count(*) FILTER (WHERE set_aside) AS rows_set_aside,
       count(*) FILTER (WHERE reject_reason IS NULL AND vneid_restored) AS ids_restored,
       coalesce(sum(amount), 0) AS amount_read,
       coalesce(sum(amount) FILTER (WHERE reject_reason IS NULL), 0) AS amount_loaded,
       coalesce(sum(amount) FILTER (WHERE reject_reason IS NOT NULL AND NOT set_aside), 0) AS amount_rejected,
       coalesce(sum(amount) FILTER (WHERE set_aside), 0) AS amount_set_aside,
       count(*) FILTER (WHERE reject_reason IS NOT NULL AND NOT set_aside AND amount IS NULL) AS amounts_unreadable,
       count(*) FILTER (WHERE reject_reason = 'blank row') AS blank_rows
FROM (SELECT file_id, reject_reason, set_aside, vneid_restored, entitled_amount AS amount FROM stg_registry
      UNION ALL SELECT file_id, reject_reason, set_aside, vneid_restored, amount FROM stg_payments)
GROUP BY file_id;
