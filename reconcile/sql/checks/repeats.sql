-- The same data twice: for each payments file, its payments and how many of them another input also
-- holds (cur_repeats, load_current.sql), with the input most of those are in. A repeat is marked on
-- the later of the two inputs (in name order), so each file is counted both ways: its payments
-- that repeat an earlier input's, and its payments that a later input repeats (a part of a batch
-- named before the whole batch is all in it). checks.check_repeats refuses a file with more than
-- max_repeated_refs of its payments in another input, the later one first. `by_row`: the file numbers its
-- rows, having no references (its repeats are the same payee, amount and day).
WITH pairs AS (
    SELECT p.file_id, a.file_id AS other_file_id, p.payment_id, true AS later
    FROM cur_repeats AS r
    JOIN cur_payments AS p ON p.payment_id = r.payment_id
    JOIN cur_payments AS a ON a.payment_id = r.repeat_of
    UNION ALL
    SELECT a.file_id, p.file_id, a.payment_id, false
    FROM cur_repeats AS r
    JOIN cur_payments AS p ON p.payment_id = r.payment_id
    JOIN cur_payments AS a ON a.payment_id = r.repeat_of
),
repeated AS (
    SELECT file_id, later, other_file_id, count(DISTINCT payment_id) AS n
    FROM pairs
    GROUP BY file_id, later, other_file_id
),
top AS (
    SELECT file_id, later, other_file_id,
           row_number() OVER (PARTITION BY file_id, later ORDER BY n DESC, other_file_id) AS rk
    FROM repeated
),
counted AS (
    SELECT file_id, later, count(DISTINCT payment_id) AS repeated FROM pairs GROUP BY file_id, later
)
SELECT f.file_id, f.n AS refs, c.repeated, t.other_file_id, c.later, f.by_row
FROM (SELECT file_id, count(*) AS n, bool_and(payment_ref = CAST(source_row AS VARCHAR)) AS by_row
      FROM cur_payments GROUP BY file_id) AS f
JOIN counted AS c ON c.file_id = f.file_id
JOIN top AS t ON t.file_id = c.file_id AND t.later = c.later AND t.rk = 1
ORDER BY c.later DESC, f.file_id;
