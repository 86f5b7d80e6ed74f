-- Nothing loaded: for each file, the commonest reason its rows were refused (checks.check_loaded
-- names it when no row of the file could be loaded).
SELECT file_id, reason, n
FROM (
    SELECT file_id, reason, count(*) AS n,
           row_number() OVER (PARTITION BY file_id ORDER BY count(*) DESC, reason) AS rk
    FROM cur_rejected GROUP BY file_id, reason
)
WHERE rk = 1
ORDER BY file_id;
