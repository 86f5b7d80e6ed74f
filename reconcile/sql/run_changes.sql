-- What this run changed against the run of the same period it replaced (prev_inputs and
-- prev_flags, kept by the pipeline before the period's rows were deleted): inputs compared by
-- role, file name and sheet, then by SHA-256 (sheets skipped are not inputs); findings by flag_id,
-- which is derived from content. The first run of a period has nothing to compare with and writes
-- nothing.
INSERT INTO run_changes
WITH prev AS (
    SELECT any_value(run_id) AS run_id FROM (SELECT run_id FROM prev_inputs UNION ALL SELECT run_id FROM prev_flags)
),
cur_in AS (SELECT role, file_name, sheet, sha256 FROM inputs WHERE period = $period AND skipped IS NULL),
prev_in AS (SELECT role, file_name, sheet, sha256 FROM prev_inputs WHERE skipped IS NULL),
inputs_changed AS (
    SELECT coalesce(c.role, p.role) AS role, coalesce(c.file_name, p.file_name) AS file_name,
           coalesce(c.sheet, p.sheet) AS sheet, p.sha256 AS sha256_before, c.sha256 AS sha256_after,
           CASE WHEN p.sha256 IS NULL THEN 'input_added' WHEN c.sha256 IS NULL THEN 'input_removed'
                ELSE 'input_changed' END AS change
    FROM cur_in AS c
    FULL OUTER JOIN prev_in AS p
      ON p.role = c.role AND p.file_name = c.file_name AND p.sheet IS NOT DISTINCT FROM c.sheet
    WHERE c.sha256 IS DISTINCT FROM p.sha256
),
findings_changed AS (
    SELECT coalesce(c.flag_id, p.flag_id) AS flag_id, coalesce(c.code, p.code) AS code,
           CASE WHEN p.flag_id IS NULL THEN 'finding_appeared' ELSE 'finding_disappeared' END AS change
    FROM (SELECT flag_id, code FROM flags WHERE period = $period) AS c
    FULL OUTER JOIN prev_flags AS p USING (flag_id)
    WHERE c.flag_id IS NULL OR p.flag_id IS NULL
)
SELECT $run_id, $period, prev.run_id, change, role, file_name, sha256_before, sha256_after, NULL, NULL, sheet
FROM inputs_changed, prev
WHERE prev.run_id IS NOT NULL
UNION ALL
SELECT $run_id, $period, prev.run_id, change, NULL, NULL, NULL, NULL, flag_id, code, NULL
FROM findings_changed, prev
WHERE prev.run_id IS NOT NULL
ORDER BY 4, 5, 6, 9;
