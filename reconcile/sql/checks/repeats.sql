-- The same data twice: for each payments file, its payments and how many of them an earlier input
-- already holds (cur_repeats, load_current.sql), with the input most of those come from.
-- checks.check_repeats refuses a file with more than max_repeated_refs of its payments repeated.
WITH repeated AS (
    SELECT p.file_id, a.file_id AS other_file_id, count(*) AS n
    FROM cur_repeats AS r
    JOIN cur_payments AS p ON p.payment_id = r.payment_id
    JOIN cur_payments AS a ON a.payment_id = r.repeat_of
    GROUP BY p.file_id, a.file_id
),
top AS (
    SELECT file_id, sum(n) OVER (PARTITION BY file_id) AS repeated, other_file_id,
           row_number() OVER (PARTITION BY file_id ORDER BY n DESC, other_file_id) AS rk
    FROM repeated
)
SELECT f.file_id, f.n AS refs, t.repeated, t.other_file_id
FROM (SELECT file_id, count(*) AS n FROM cur_payments GROUP BY file_id) AS f
JOIN top AS t ON t.file_id = f.file_id AND t.rk = 1
ORDER BY f.file_id;
