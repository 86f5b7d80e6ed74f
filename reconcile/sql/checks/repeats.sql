-- The same data twice: for each payments file, its distinct payment references and how many of them
-- an earlier input already holds (cur_payments.repeat_of, load_current.sql), with the input most of
-- those come from. checks.check_repeats refuses a file with more than max_repeated_refs repeated.
WITH refs AS (
    SELECT p.file_id, p.payment_ref, min(a.file_id) AS other_file_id
    FROM cur_payments AS p
    LEFT JOIN cur_payments AS a ON a.payment_id = p.repeat_of
    GROUP BY p.file_id, p.payment_ref
),
others AS (
    SELECT file_id, other_file_id, count(*) AS n,
           row_number() OVER (PARTITION BY file_id ORDER BY count(*) DESC, other_file_id) AS rk
    FROM refs WHERE other_file_id IS NOT NULL GROUP BY file_id, other_file_id
)
SELECT r.file_id, count(*) AS refs, count(r.other_file_id) AS repeated, min(o.other_file_id) AS other_file_id
FROM refs AS r
LEFT JOIN others AS o ON o.file_id = r.file_id AND o.rk = 1
GROUP BY r.file_id
ORDER BY r.file_id;
