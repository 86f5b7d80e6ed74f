-- The period's non-cash share: by programme, province, commune and province on the 2025 map, in
-- total and by channel, kept in noncash_share_rows (the view noncash_share shows it). A view over
-- the stored tables computed it again, for every period the database holds, at each query; rows
-- computed once answer the workbook, `reconcile cashless` and analysts at once, whatever the history.
--
-- It reads nc_base, which the caller defines with the columns of the view noncash_base for the
-- period: the run, over its own payments joined to their matches (the temp table pm, already
-- built for the findings); a database upgraded from the old view, over noncash_base itself. A
-- test keeps the two equal. Joining the stored payments, matches and registry again, inside the
-- run's transaction, was what ran a 10M-row month out of 2 GB.
-- The work goes through temp tables, each read by the next step, rather than CTEs read several
-- times: DuckDB keeps such a CTE whole in memory, while a temp table spills to disk within
-- --memory-limit.

-- one row per beneficiary and channel, with where the beneficiary is
CREATE OR REPLACE TEMP TABLE nc_fine AS
SELECT program, province_code, commune_code, province_code_2025, beneficiary, channel,
       count(*) AS payments, sum(amount) AS amount
FROM nc_base
GROUP BY ALL;

-- the same at each level: programme, province, commune, province on the 2025 map
CREATE OR REPLACE TEMP TABLE nc_levels AS
SELECT program, 'program' AS level, '' AS province_code, '' AS commune_code, beneficiary, channel,
       sum(payments) AS payments, sum(amount) AS amount
FROM nc_fine GROUP BY ALL
UNION ALL
SELECT program, 'province', coalesce(province_code, 'unknown'), '', beneficiary, channel,
       sum(payments), sum(amount)
FROM nc_fine GROUP BY ALL
UNION ALL
SELECT program, 'commune', coalesce(province_code, 'unknown'), coalesce(commune_code, 'unknown'), beneficiary, channel,
       sum(payments), sum(amount)
FROM nc_fine GROUP BY ALL
UNION ALL
SELECT program, 'province_2025', coalesce(province_code_2025, 'unknown'), '', beneficiary, channel,
       sum(payments), sum(amount)
FROM nc_fine GROUP BY ALL;

-- per beneficiary: paid without any cash?
CREATE OR REPLACE TEMP TABLE nc_beneficiaries AS
SELECT program, level, province_code, commune_code,
       count(*) AS beneficiaries, count(*) FILTER (WHERE only_noncash) AS noncash_beneficiaries
FROM (SELECT program, level, province_code, commune_code, beneficiary,
             bool_and(channel IN ('bank', 'ewallet')) AS only_noncash
      FROM nc_levels GROUP BY ALL)
GROUP BY ALL;

INSERT INTO noncash_share_rows
WITH totals AS (
    SELECT program, level, province_code, commune_code,
           sum(payments) AS payments,
           sum(amount) AS amount,
           coalesce(sum(payments) FILTER (WHERE channel IN ('bank', 'ewallet')), 0) AS noncash_payments,
           coalesce(sum(amount) FILTER (WHERE channel IN ('bank', 'ewallet')), 0) AS noncash_amount
    FROM nc_levels
    GROUP BY ALL
),
by_channel AS (
    SELECT program, level, province_code, commune_code, channel AS channel_group,
           count(*) AS beneficiaries, sum(payments) AS payments, sum(amount) AS amount
    FROM nc_levels
    GROUP BY ALL
),
shares AS (
    SELECT t.program, t.level, t.province_code, t.commune_code, 'all' AS channel_group,
           n.beneficiaries, t.payments, t.amount,
           n.noncash_beneficiaries / n.beneficiaries AS share_beneficiaries,
           t.noncash_payments / t.payments AS share_payments,
           CASE WHEN t.amount > 0 THEN t.noncash_amount / t.amount END AS share_amount
    FROM totals AS t
    JOIN nc_beneficiaries AS n USING (program, level, province_code, commune_code)
    UNION ALL
    SELECT c.program, c.level, c.province_code, c.commune_code, c.channel_group,
           c.beneficiaries, c.payments, c.amount,
           c.beneficiaries / n.beneficiaries,
           c.payments / t.payments,
           CASE WHEN t.amount > 0 THEN c.amount / t.amount END
    FROM by_channel AS c
    JOIN totals AS t USING (program, level, province_code, commune_code)
    JOIN nc_beneficiaries AS n USING (program, level, province_code, commune_code)
)
SELECT
    $period AS period,
    s.program,
    s.level,
    nullif(s.province_code, '') AS province_code,
    nullif(s.commune_code, '') AS commune_code,
    s.channel_group,
    s.beneficiaries,
    s.payments,
    CAST(s.amount AS BIGINT) AS amount,
    s.share_beneficiaries,
    s.share_payments,
    s.share_amount,
    CASE WHEN s.channel_group = 'all' THEN tg.target END AS target,
    -- a partial month (a source missing, run with --partial) is not judged against the target
    CASE WHEN s.channel_group = 'all' AND tg.target IS NOT NULL AND NOT $partial THEN s.share_payments >= tg.target
    END AS target_met
FROM shares AS s
LEFT JOIN targets AS tg ON tg.period = $period AND tg.program = s.program
ORDER BY s.program, s.level = 'program' DESC, s.level = 'province' DESC,
         s.province_code, s.commune_code, s.channel_group = 'all' DESC, s.channel_group;

DROP TABLE nc_fine;
DROP TABLE nc_levels;
DROP TABLE nc_beneficiaries;
DROP VIEW nc_base;
