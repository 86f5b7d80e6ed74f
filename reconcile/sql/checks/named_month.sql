-- Month named: each payments file's successful loaded payments (all its loaded payments when none is
-- successful), counted by the first mention of a month in their narratives, as written in lower case
-- (its boundaries with it): a word for month, its number, maybe `năm` and a year, and maybe more
-- months after it (`t08/2024`, `t8/2024`, `t08.2024`, `thang 8/2024`, `tháng 08 năm 2024`, `kỳ
-- 08/2024`, `t8, t9/2024`, `tháng 8 và 9/2024`), and whether they are arrears (`truy lĩnh`, `truy
-- trả`, `truy chi`: back-payments of earlier months are legitimate). checks_month reads the months a
-- mention names (one without its year, `T08`, is the nearest such month to the period) and refuses a
-- file more than max_other_month of whose payments name one month that is not the period, and not
-- the period: last month's batch re-exported or paid late, its value dates in the period (the period
-- guard cannot see it). The patterns (normalise/macros.sql: rc_month_mention, rc_arrears_words)
-- run once per distinct narrative of each file (most repeat a few templates), asked for the whole
-- match only (found without its groups: a third of the time). Run by
-- a DuckDB run, by --stage-only, and, translated, by the Spark engine.
WITH successful AS (
    SELECT DISTINCT file_id FROM stg_payments WHERE reject_reason IS NULL AND status = 'success'
),
texts AS (
    SELECT s.file_id, c.file_id IS NOT NULL AS successful, s.narrative, count(*) AS payments
    FROM stg_payments AS s
    LEFT JOIN successful AS c USING (file_id)
    WHERE s.reject_reason IS NULL AND (s.status = 'success' OR c.file_id IS NULL)
    GROUP BY s.file_id, c.file_id IS NOT NULL, s.narrative
),
named AS (
    SELECT file_id, successful, payments, rc_month_mention(l) AS named, rc_arrears_words(l) AS arrears
    FROM (SELECT file_id, successful, payments, lower(narrative) AS l FROM texts)
)
SELECT file_id, successful, named, coalesce(arrears, false) AS arrears, sum(payments) AS n
FROM named
GROUP BY file_id, successful, named, coalesce(arrears, false)
ORDER BY file_id, n DESC, named;
