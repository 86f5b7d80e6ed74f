-- Another month's payments in place of this month's: for each payments file, its successful
-- payments, and those of them dated outside the period to an active beneficiary with an amount due
-- who has no payment row dated in the period in any file (successful, failed or returned: as
-- coverage.sql counts), with the month most of those fall in and the file's first and last dates.
-- A file exported for a span across two months (16/08 to 15/09) holds August's payment of those paid
-- late in the month in place of their September one: half of it in the period, it passed the period
-- guard, each of those an OUT_OF_PERIOD and a MISSING_PAYMENT though the file holds their payment.
-- checks_period.check_stand_in refuses a file of at least min_group such payments more than
-- max_stand_in of its successful payments. Late re-payments of last month are no stand-in: their
-- payees are paid this month too. Reads pm (facts.sql).
WITH covered AS (
    SELECT DISTINCT registry_id FROM pm WHERE registry_id IS NOT NULL AND in_period
),
successful AS (
    SELECT p.file_id, p.value_date,
           NOT p.in_period AND p.registry_id IS NOT NULL AND p.beneficiary_status = 'active'
               AND p.entitled_amount > 0 AND c.registry_id IS NULL AS stand_in
    FROM pm AS p
    LEFT JOIN covered AS c USING (registry_id)
    WHERE p.status = 'success' AND p.repeat_of IS NULL
),
months AS (
    SELECT file_id, year(value_date) * 100 + month(value_date) AS ym, count(*) AS n,
           row_number() OVER (PARTITION BY file_id ORDER BY count(*) DESC, year(value_date) * 100 + month(value_date)) AS rk
    FROM successful WHERE stand_in
    GROUP BY file_id, year(value_date) * 100 + month(value_date)
)
SELECT s.file_id, count(*) AS n, count(*) FILTER (WHERE s.stand_in) AS stand_in,
       min(s.value_date) AS first, max(s.value_date) AS last, any_value(m.ym) AS top_month
FROM successful AS s
JOIN months AS m ON m.file_id = s.file_id AND m.rk = 1
GROUP BY s.file_id
ORDER BY s.file_id;
