-- The payee ID with the most payment rows in the run, when it has more than $max_payments_per_id
-- ([limits]): a month pays a person a few times (a retry, arrears, two programmes), and the work of
-- matching holds each beneficiary's payments together (worktables.py's parts of pm), so thousands
-- of rows of one ID are no month's file, and millions of them would fill the memory. The file named
-- is the one with most of them.
WITH over AS (  -- one aggregate of the IDs alone (0.1 s at 1M rows); the files only for one over it
    SELECT vneid, count(*) AS total
    FROM stg_payments
    WHERE reject_reason IS NULL AND vneid IS NOT NULL
    GROUP BY vneid
    HAVING count(*) > $max_payments_per_id
    ORDER BY total DESC, vneid
    LIMIT 1
)
SELECT s.file_id, count(*) AS n, any_value(o.total) AS total
FROM stg_payments AS s
JOIN over AS o USING (vneid)
WHERE s.reject_reason IS NULL
GROUP BY s.file_id
ORDER BY n DESC, s.file_id
LIMIT 1
