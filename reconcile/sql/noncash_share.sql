-- The period's non-cash share, computed once by the run (after its payments, matches, registry and
-- targets are stored) and kept in the table noncash_share: by programme, province, commune and
-- province on the 2025 map, in total and by channel. A view computed it again, for every period
-- the database holds, at each query; a table answers the workbook, `reconcile cashless` and
-- analysts at once, whatever the history.
INSERT INTO noncash_share
WITH base AS (
    SELECT * FROM noncash_base WHERE period = $period
),
levels AS (
    SELECT period, program, 'program' AS level, '' AS province_code, '' AS commune_code,
           channel, beneficiary, amount
    FROM base
    UNION ALL
    SELECT period, program, 'province', coalesce(province_code, 'unknown'), '',
           channel, beneficiary, amount
    FROM base
    UNION ALL
    SELECT period, program, 'commune', coalesce(province_code, 'unknown'), coalesce(commune_code, 'unknown'),
           channel, beneficiary, amount
    FROM base
    UNION ALL
    SELECT period, program, 'province_2025', coalesce(province_code_2025, 'unknown'), '',
           channel, beneficiary, amount
    FROM base
),
per_beneficiary AS (
    SELECT period, program, level, province_code, commune_code, beneficiary,
           bool_and(channel IN ('bank', 'ewallet')) AS only_noncash
    FROM levels
    GROUP BY ALL
),
totals AS (
    SELECT period, program, level, province_code, commune_code,
           count(DISTINCT beneficiary) AS beneficiaries,
           count(*) AS payments,
           sum(amount) AS amount,
           count(*) FILTER (WHERE channel IN ('bank', 'ewallet')) AS noncash_payments,
           coalesce(sum(amount) FILTER (WHERE channel IN ('bank', 'ewallet')), 0) AS noncash_amount
    FROM levels
    GROUP BY ALL
),
noncash_beneficiaries AS (
    SELECT period, program, level, province_code, commune_code,
           count(*) FILTER (WHERE only_noncash) AS noncash_beneficiaries
    FROM per_beneficiary
    GROUP BY ALL
),
by_channel AS (
    SELECT period, program, level, province_code, commune_code, channel AS channel_group,
           count(DISTINCT beneficiary) AS beneficiaries, count(*) AS payments, sum(amount) AS amount
    FROM levels
    GROUP BY ALL
),
shares AS (
    SELECT t.period, t.program, t.level, t.province_code, t.commune_code, 'all' AS channel_group,
           t.beneficiaries, t.payments, t.amount,
           n.noncash_beneficiaries / t.beneficiaries AS share_beneficiaries,
           t.noncash_payments / t.payments AS share_payments,
           CASE WHEN t.amount > 0 THEN t.noncash_amount / t.amount END AS share_amount
    FROM totals AS t
    JOIN noncash_beneficiaries AS n USING (period, program, level, province_code, commune_code)
    UNION ALL
    SELECT c.period, c.program, c.level, c.province_code, c.commune_code, c.channel_group,
           c.beneficiaries, c.payments, c.amount,
           c.beneficiaries / t.beneficiaries,
           c.payments / t.payments,
           CASE WHEN t.amount > 0 THEN c.amount / t.amount END
    FROM by_channel AS c
    JOIN totals AS t USING (period, program, level, province_code, commune_code)
)
SELECT
    s.period,
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
    CASE WHEN s.channel_group = 'all' AND tg.target IS NOT NULL THEN s.share_payments >= tg.target END AS target_met
FROM shares AS s
LEFT JOIN targets AS tg ON tg.period = s.period AND tg.program = s.program
ORDER BY s.period, s.program, s.level = 'program' DESC, s.level = 'province' DESC,
         s.province_code, s.commune_code, s.channel_group = 'all' DESC, s.channel_group;
