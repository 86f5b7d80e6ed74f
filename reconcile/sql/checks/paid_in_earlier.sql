-- An earlier month's file given again: for each payments file, its successful payments, and how many
-- of them carry the reference (their own or the bank's, leading zeros aside) of a successful payment
-- of the same bank (or where either names none) that the database stores for another month, with
-- that month and its file. A bank numbers each transfer anew: last month's file re-dated (its dates
-- and narratives moved to this month, which the period and month-named guards read) keeps its
-- references. A list numbered by its rows has no references of its own (its row numbers repeat every
-- month), and an earlier attempt that failed may be re-sent under its reference: neither counts.
-- checks_month.check_paid_in_earlier refuses a file with more than max_repeated_refs of them. A
-- statement overlapping the month before (from the 26th) repeats that month's last days: a few.
WITH mine AS MATERIALIZED (
    SELECT file_id, payment_id, ltrim(payment_ref, '0') AS ref, ltrim(bank_ref, '0') AS bank_ref, bank_code
    FROM cur_payments
    WHERE status = 'success' AND payment_ref <> CAST(source_row AS VARCHAR)
),
keys AS MATERIALIZED (
    SELECT DISTINCT ref FROM (SELECT ref FROM mine UNION ALL SELECT bank_ref FROM mine) WHERE ref <> ''
),
earlier AS MATERIALIZED (
    SELECT q.period, q.source_file, q.bank_code, r.ref
    FROM main.payments AS q, unnest([ltrim(q.payment_ref, '0'), ltrim(q.bank_ref, '0')]) AS r(ref)
    WHERE q.period <> $period AND q.status = 'success' AND q.payment_ref <> CAST(q.source_row AS VARCHAR)
      AND (ltrim(q.payment_ref, '0') IN (SELECT ref FROM keys) OR ltrim(q.bank_ref, '0') IN (SELECT ref FROM keys))
),
hits AS (
    SELECT DISTINCT m.file_id, m.payment_id, e.period, e.source_file
    FROM mine AS m
    JOIN earlier AS e ON e.ref IN (m.ref, m.bank_ref) AND e.ref <> ''
     AND (e.bank_code = m.bank_code OR e.bank_code IS NULL OR m.bank_code IS NULL)
),
top AS (  -- the month and file most of a file's repeated references are in
    SELECT file_id, period, source_file,
           row_number() OVER (PARTITION BY file_id ORDER BY count(*) DESC, period DESC, source_file) AS rk
    FROM hits
    GROUP BY file_id, period, source_file
)
SELECT c.file_id, c.payments, count(DISTINCT h.payment_id) AS repeated, t.period, t.source_file
FROM (SELECT file_id, count(*) AS payments FROM mine GROUP BY file_id) AS c
JOIN hits AS h ON h.file_id = c.file_id
JOIN top AS t ON t.file_id = c.file_id AND t.rk = 1
GROUP BY c.file_id, c.payments, t.period, t.source_file
ORDER BY c.file_id
