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
-- The figures are computed here, into the temp table nc_rows, before the run's transaction opens
-- (pipeline.py); noncash_share_store.sql stores them with the period's targets inside it.
-- A beneficiary is counted once at a level however many payments, channels and places they have
-- there (count(DISTINCT)), over one row per beneficiary, place and channel: the levels' rows are
-- never written out (four copies of every payment took 2.8 s of a 20 s run at 1M).

-- one row per beneficiary and channel, with where the beneficiary is
CREATE OR REPLACE TEMP TABLE nc_fine AS
SELECT program, coalesce(province_code, 'unknown') AS pk, coalesce(commune_code, 'unknown') AS ck,
       coalesce(province_code_2025, 'unknown') AS p25, beneficiary, channel,
       count(*) AS payments, sum(amount) AS amount
FROM nc_base
GROUP BY ALL;

-- each level's figures, in total ('all') and by channel: programme, province, commune, province on
-- the 2025 map. A beneficiary counts as paid without cash at a level when they had a payment there
-- and none of their payments there was in cash.
CREATE OR REPLACE TEMP TABLE nc_rows AS
WITH by_channel AS (
    SELECT program, 'program' AS level, '' AS province_code, '' AS commune_code, channel AS channel_group,
           count(DISTINCT beneficiary) AS beneficiaries, sum(payments) AS payments, sum(amount) AS amount
    FROM nc_fine GROUP BY ALL
    UNION ALL
    SELECT program, 'province', pk, '', channel, count(DISTINCT beneficiary), sum(payments), sum(amount)
    FROM nc_fine GROUP BY ALL
    UNION ALL
    SELECT program, 'commune', pk, ck, channel, count(DISTINCT beneficiary), sum(payments), sum(amount)
    FROM nc_fine GROUP BY ALL
    UNION ALL
    SELECT program, 'province_2025', p25, '', channel, count(DISTINCT beneficiary), sum(payments), sum(amount)
    FROM nc_fine GROUP BY ALL
),
people AS (
    SELECT program, 'program' AS level, '' AS province_code, '' AS commune_code,
           count(DISTINCT beneficiary) AS beneficiaries,
           count(DISTINCT CASE WHEN channel IS NOT NULL THEN beneficiary END)
           - count(DISTINCT CASE WHEN channel NOT IN ('bank', 'ewallet') THEN beneficiary END) AS noncash_beneficiaries
    FROM nc_fine GROUP BY ALL
    UNION ALL
    SELECT program, 'province', pk, '', count(DISTINCT beneficiary),
           count(DISTINCT CASE WHEN channel IS NOT NULL THEN beneficiary END)
           - count(DISTINCT CASE WHEN channel NOT IN ('bank', 'ewallet') THEN beneficiary END)
    FROM nc_fine GROUP BY ALL
    UNION ALL
    SELECT program, 'commune', pk, ck, count(DISTINCT beneficiary),
           count(DISTINCT CASE WHEN channel IS NOT NULL THEN beneficiary END)
           - count(DISTINCT CASE WHEN channel NOT IN ('bank', 'ewallet') THEN beneficiary END)
    FROM nc_fine GROUP BY ALL
    UNION ALL
    SELECT program, 'province_2025', p25, '', count(DISTINCT beneficiary),
           count(DISTINCT CASE WHEN channel IS NOT NULL THEN beneficiary END)
           - count(DISTINCT CASE WHEN channel NOT IN ('bank', 'ewallet') THEN beneficiary END)
    FROM nc_fine GROUP BY ALL
),
totals AS (
    SELECT program, level, province_code, commune_code,
           sum(payments) AS payments,
           sum(amount) AS amount,
           coalesce(sum(payments) FILTER (WHERE channel_group IN ('bank', 'ewallet')), 0) AS noncash_payments,
           coalesce(sum(amount) FILTER (WHERE channel_group IN ('bank', 'ewallet')), 0) AS noncash_amount
    FROM by_channel
    GROUP BY ALL
)
SELECT t.program, t.level, t.province_code, t.commune_code, 'all' AS channel_group,
       n.beneficiaries, t.payments, t.amount,
       n.noncash_beneficiaries / n.beneficiaries AS share_beneficiaries,
       t.noncash_payments / t.payments AS share_payments,
       CASE WHEN t.amount > 0 THEN t.noncash_amount / t.amount END AS share_amount
FROM totals AS t
JOIN people AS n USING (program, level, province_code, commune_code)
UNION ALL
SELECT c.program, c.level, c.province_code, c.commune_code, c.channel_group,
       c.beneficiaries, c.payments, c.amount,
       c.beneficiaries / n.beneficiaries,
       c.payments / t.payments,
       CASE WHEN t.amount > 0 THEN c.amount / t.amount END
FROM by_channel AS c
JOIN totals AS t USING (program, level, province_code, commune_code)
JOIN people AS n USING (program, level, province_code, commune_code);

DROP TABLE nc_fine;
DROP VIEW nc_base;
