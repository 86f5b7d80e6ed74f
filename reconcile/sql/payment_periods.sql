-- Each payments file's loaded rows and how many are dated in the period, with the first and last
-- value dates: a file none of whose rows is in the period is the wrong file (pipeline and Spark).
SELECT file_id, count(*) AS n, count(*) FILTER (WHERE in_period) AS inside,
       min(value_date) AS first, max(value_date) AS last
FROM stg_payments WHERE reject_reason IS NULL GROUP BY file_id ORDER BY file_id;
