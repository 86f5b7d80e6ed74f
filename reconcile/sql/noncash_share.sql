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
-- there. Nearly every beneficiary is paid in one place (programme, province, commune, province on
-- the 2025 map) on one channel: they are counted once per place, from one row per beneficiary, and
-- the places added up to each level. The few paid in several places or on several channels of a
-- programme (a person listed twice, a payment by bank and one in cash) are counted by name at each
-- level instead. Four copies of every payment, grouped at each level, took 2.8 s of a 20 s run at
-- 1M; counting distinct beneficiaries at each level, 1.5 s. Each beneficiary's places and channels
-- are compared as one number (nc_place_channels): comparing three codes as text for 10M
-- beneficiaries took 7 s of a 10M run, and a row per beneficiary, place and channel before it 3.5 s
-- more (bench/HISTORY.md).

-- every payment, counted and added up by place and channel (few rows)
CREATE OR REPLACE TEMP TABLE nc_paid AS
SELECT program, coalesce(province_code, 'unknown') AS pk, coalesce(commune_code, 'unknown') AS ck,
       coalesce(province_code_2025, 'unknown') AS p25, channel, count(*) AS payments, sum(amount) AS amount
FROM nc_base
GROUP BY ALL;

-- the places, numbered
CREATE OR REPLACE TEMP TABLE nc_places AS
SELECT row_number() OVER (ORDER BY program, pk, ck, p25) AS place, program, pk, ck, p25
FROM (SELECT DISTINCT program, pk, ck, p25 FROM nc_paid);

-- each place's channels (a payment without one counts as its own), numbered
CREATE OR REPLACE TEMP TABLE nc_place_channels AS
SELECT row_number() OVER (ORDER BY pl.place, c.channel NULLS FIRST) AS pc, pl.place,
       pl.program, pl.pk, pl.ck, pl.p25, c.channel
FROM (SELECT DISTINCT program, pk, ck, p25, channel FROM nc_paid) AS c
JOIN nc_places AS pl USING (program, pk, ck, p25);

-- one row per beneficiary of a programme, with the first of the places and channels they were paid
-- in. by_place: paid in one place on one channel (or on none), so counted by place, from that
-- first_pc. Two numbers compared, not the places and the channels one by one: grouping the 1M month
-- by beneficiary took 0.6-0.7 CPU s instead of 0.9-1.2 (bench/HISTORY.md).
CREATE OR REPLACE TEMP TABLE nc_people AS
SELECT program, beneficiary, first_pc, first_pc = last_pc AS by_place
FROM (
    SELECT b.program, b.beneficiary, min(x.pc) AS first_pc, max(x.pc) AS last_pc
    FROM nc_base AS b
    JOIN nc_place_channels AS x
      ON x.program = b.program AND x.pk = coalesce(b.province_code, 'unknown')
     AND x.ck = coalesce(b.commune_code, 'unknown') AND x.p25 = coalesce(b.province_code_2025, 'unknown')
     AND x.channel IS NOT DISTINCT FROM b.channel
    GROUP BY b.program, b.beneficiary
);

-- the places and channels of the beneficiaries paid in more than one place or on more than one
-- channel (usually few)
CREATE OR REPLACE TEMP TABLE nc_several AS
SELECT DISTINCT b.program, coalesce(b.province_code, 'unknown') AS pk, coalesce(b.commune_code, 'unknown') AS ck,
       coalesce(b.province_code_2025, 'unknown') AS p25, b.beneficiary, b.channel
FROM nc_base AS b
JOIN (SELECT program, beneficiary FROM nc_people WHERE NOT by_place) AS p USING (program, beneficiary);

-- each level's figures, in total ('all') and by channel: programme, province, commune, province on
-- the 2025 map. A beneficiary counts as paid without cash at a level when they had a payment there
-- on a channel and none of their payments there was in cash.
CREATE OR REPLACE TEMP TABLE nc_rows AS
WITH levels AS (
    SELECT * FROM (VALUES ('program'), ('province'), ('commune'), ('province_2025')) AS v(level)
),
counted AS (  -- the beneficiaries counted by place, by place and channel (few rows)
    SELECT x.place, x.channel, o.beneficiaries
    FROM (SELECT first_pc, count(*) AS beneficiaries FROM nc_people WHERE by_place GROUP BY first_pc) AS o
    JOIN nc_place_channels AS x ON x.pc = o.first_pc
),
place_channel AS (  -- every payment, by place and channel; beneficiaries: those counted by place
    SELECT c.program, c.pk, c.ck, c.p25, c.channel, coalesce(o.beneficiaries, 0) AS beneficiaries,
           c.payments, c.amount
    FROM nc_paid AS c
    JOIN nc_places AS pl USING (program, pk, ck, p25)
    LEFT JOIN counted AS o ON o.place = pl.place AND o.channel IS NOT DISTINCT FROM c.channel
),
place_people AS (  -- the beneficiaries counted by place, by place
    SELECT pl.program, pl.pk, pl.ck, pl.p25, o.beneficiaries, o.noncash_beneficiaries
    FROM (SELECT place, CAST(sum(beneficiaries) AS BIGINT) AS beneficiaries,
                 -- paid on one channel: without cash when it is the bank or an e-wallet
                 CAST(coalesce(sum(beneficiaries) FILTER (WHERE channel IN ('bank', 'ewallet')), 0) AS BIGINT)
                     AS noncash_beneficiaries
          FROM counted
          GROUP BY place) AS o
    JOIN nc_places AS pl USING (place)
),
-- each place's group at each level: the level's province (or province on the 2025 map) and commune
place_at AS (
    SELECT p.program, p.pk, p.ck, p.p25, l.level,
           CASE l.level WHEN 'program' THEN '' WHEN 'province_2025' THEN p.p25 ELSE p.pk END AS province_code,
           CASE l.level WHEN 'commune' THEN p.ck ELSE '' END AS commune_code
    FROM nc_places AS p CROSS JOIN levels AS l
),
channel_at AS (
    SELECT a.program, a.level, a.province_code, a.commune_code, c.channel, c.beneficiaries, c.payments, c.amount
    FROM place_channel AS c JOIN place_at AS a USING (program, pk, ck, p25)
),
people_at AS (
    SELECT a.program, a.level, a.province_code, a.commune_code, p.beneficiaries, p.noncash_beneficiaries
    FROM place_people AS p JOIN place_at AS a USING (program, pk, ck, p25)
),
several_at AS (
    SELECT a.program, a.level, a.province_code, a.commune_code, s.beneficiary, s.channel
    FROM nc_several AS s JOIN place_at AS a USING (program, pk, ck, p25)
),
by_channel AS (
    SELECT program, level, province_code, commune_code, channel AS channel_group,
           sum(beneficiaries) AS beneficiaries, sum(payments) AS payments, sum(amount) AS amount
    FROM (
        SELECT program, level, province_code, commune_code, channel, beneficiaries, payments, amount
        FROM channel_at
        UNION ALL
        SELECT program, level, province_code, commune_code, channel, count(DISTINCT beneficiary), 0, 0
        FROM several_at GROUP BY ALL
    )
    GROUP BY ALL
),
people AS (
    SELECT program, level, province_code, commune_code,
           sum(beneficiaries) AS beneficiaries, sum(noncash_beneficiaries) AS noncash_beneficiaries
    FROM (
        SELECT program, level, province_code, commune_code, beneficiaries, noncash_beneficiaries
        FROM people_at
        UNION ALL
        SELECT program, level, province_code, commune_code, count(*),
               count(*) FILTER (WHERE with_channel AND NOT with_cash)
        FROM (SELECT program, level, province_code, commune_code, beneficiary,
                     bool_or(channel IS NOT NULL) AS with_channel,
                     coalesce(bool_or(channel NOT IN ('bank', 'ewallet')), false) AS with_cash
              FROM several_at
              GROUP BY program, level, province_code, commune_code, beneficiary)
        GROUP BY ALL
    )
    GROUP BY ALL
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

DROP TABLE nc_paid;
DROP TABLE nc_places;
DROP TABLE nc_place_channels;
DROP TABLE nc_people;
DROP TABLE nc_several;
DROP VIEW nc_base;
