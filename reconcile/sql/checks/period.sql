-- Period: each payments file's successful loaded payments (all its loaded payments when none is
-- successful), how many are dated in the period, their first and last dates, and the month most of
-- them fall in (yyyymm; of two months as common, the one that is not the period's, else the
-- earlier), and the month most of those up to the 12th would fall in with day and month the other way
-- round (a list Excel read month first: 02/09/2024 as 9 February). checks.check_periods refuses a file
-- with fewer than min_in_period of them in the period, or with as many in another month. Run by a DuckDB run, by --stage-only, and, translated,
-- by the Spark engine.
WITH successful AS (
    SELECT DISTINCT file_id FROM stg_payments WHERE reject_reason IS NULL AND status = 'success'
),
pay AS (
    SELECT s.file_id, s.value_date, s.in_period, c.file_id IS NOT NULL AS successful
    FROM stg_payments AS s
    LEFT JOIN successful AS c USING (file_id)
    WHERE s.reject_reason IS NULL AND (s.status = 'success' OR c.file_id IS NULL)
      AND s.value_date IS NOT NULL  -- a payment that did not go through may carry none
),
months AS (
    SELECT file_id, year(value_date) * 100 + month(value_date) AS ym, count(*) AS n, bool_or(in_period) AS inside
    FROM pay GROUP BY file_id, year(value_date) * 100 + month(value_date)
),
top AS (  -- another month as common as the period's goes first (a file of two months, half each)
    SELECT file_id, ym, n, row_number() OVER (PARTITION BY file_id ORDER BY n DESC, inside, ym) AS rk FROM months
),
swapped AS (  -- day and month the other way round: the day's number the month
    SELECT file_id, ym, n, first, last, row_number() OVER (PARTITION BY file_id ORDER BY n DESC, ym) AS rk
    FROM (SELECT file_id, year(value_date) * 100 + day(value_date) AS ym, count(*) AS n,
                 min(value_date) AS first, max(value_date) AS last
          FROM pay WHERE day(value_date) <= 12 GROUP BY file_id, year(value_date) * 100 + day(value_date)) AS d
),
files AS (
    SELECT file_id, bool_or(successful) AS successful, count(*) AS n, count(*) FILTER (WHERE in_period) AS inside,
           min(value_date) AS first, max(value_date) AS last
    FROM pay GROUP BY file_id
)
SELECT f.file_id, f.successful, f.n, f.inside, f.first, f.last, t.ym AS top_month, t.n AS top_count,
       w.ym AS swapped_month, w.n AS swapped_count, w.first AS swapped_first, w.last AS swapped_last
FROM files AS f
JOIN top AS t ON t.file_id = f.file_id AND t.rk = 1
LEFT JOIN swapped AS w ON w.file_id = f.file_id AND w.rk = 1
ORDER BY f.file_id;
