-- An earlier month's file given again: for each payments file, its successful payments, and how many
-- of them carry the reference (their own or the bank's, leading zeros aside) of a successful payment
-- of the same bank (or where either names none) that the database stores for the month before the
-- period (or the month after it, for a re-run), with that month and its file: the month whose file
-- is given again by mistake, read whatever the database's length. A bank numbers each transfer anew:
-- last month's file re-dated (its dates and narratives moved to this month, which the period and
-- month-named guards read) keeps its references. A list numbered by its rows has no references of its
-- own (its row numbers repeat every month), and an earlier attempt that failed may be re-sent under
-- its reference: neither counts. checks_earlier.given_again warns of a file with more than half of
-- them. $every: 1 for every payment; a large month is looked at first in one payment in $every. A
-- statement overlapping the month before (from the 26th) repeats that month's last days: a few.
WITH mine AS MATERIALIZED (  -- each successful payment's references, each on its own row (joined on, not
    -- compared; two selects, not an unnest of the two, which the planner joins back row by row: 4 s at 1M)
    SELECT file_id, payment_id, bank_code, ltrim(payment_ref, '0') AS ref
    FROM cur_payments
    WHERE status = 'success' AND payment_ref <> CAST(source_row AS VARCHAR) AND payment_id % $every = 0
    UNION ALL
    SELECT file_id, payment_id, bank_code, ltrim(bank_ref, '0')
    FROM cur_payments
    WHERE status = 'success' AND payment_ref <> CAST(source_row AS VARCHAR) AND bank_ref IS NOT NULL
      AND payment_id % $every = 0
),
months AS (  -- the months beside the period that the database holds: the one before it, and after it (a re-run)
    SELECT max(period) FILTER (WHERE period < $period) AS before, min(period) FILTER (WHERE period > $period) AS after
    FROM runs
),
earlier AS MATERIALIZED (
    SELECT period, source_file, bank_code, ltrim(payment_ref, '0') AS ref
    FROM main.payments
    WHERE period IN (SELECT before FROM months UNION ALL SELECT after FROM months)
      AND status = 'success' AND payment_ref <> CAST(source_row AS VARCHAR)
      AND ltrim(payment_ref, '0') IN (SELECT ref FROM mine)
    UNION ALL
    SELECT period, source_file, bank_code, ltrim(bank_ref, '0')
    FROM main.payments
    WHERE period IN (SELECT before FROM months UNION ALL SELECT after FROM months)
      AND status = 'success' AND payment_ref <> CAST(source_row AS VARCHAR)
      AND ltrim(bank_ref, '0') IN (SELECT ref FROM mine)
),
hits AS (
    SELECT DISTINCT m.file_id, m.payment_id, e.period, e.source_file
    FROM mine AS m
    JOIN earlier AS e ON e.ref = m.ref AND m.ref <> ''
     AND (e.bank_code = m.bank_code OR e.bank_code IS NULL OR m.bank_code IS NULL)
),
top AS (  -- the month and file most of a file's repeated references are in
    SELECT file_id, period, source_file,
           row_number() OVER (PARTITION BY file_id ORDER BY count(*) DESC, period DESC, source_file) AS rk
    FROM hits
    GROUP BY file_id, period, source_file
)
SELECT c.file_id, c.payments, count(DISTINCT h.payment_id) AS repeated, t.period, t.source_file
FROM (SELECT file_id, count(DISTINCT payment_id) AS payments FROM mine GROUP BY file_id) AS c
JOIN hits AS h ON h.file_id = c.file_id
JOIN top AS t ON t.file_id = c.file_id AND t.rk = 1
GROUP BY c.file_id, c.payments, t.period, t.source_file
ORDER BY c.file_id
