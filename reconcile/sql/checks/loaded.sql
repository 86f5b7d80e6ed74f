-- Nothing loaded: for each file, the commonest reason its rows were refused (checks.check_loaded
-- names it when no row of the file could be loaded), and how many were refused for a problem
-- rather than set aside as no payment (a blank row, a credit, a balance row).
SELECT file_id, reason, n, refused
FROM (
    SELECT file_id, reason, count(*) AS n, sum(count(*) FILTER (WHERE NOT set_aside)) OVER (PARTITION BY file_id)
               AS refused,
           row_number() OVER (PARTITION BY file_id ORDER BY count(*) DESC, reason) AS rk
    FROM cur_rejected GROUP BY file_id, reason
)
WHERE rk = 1
ORDER BY file_id;
