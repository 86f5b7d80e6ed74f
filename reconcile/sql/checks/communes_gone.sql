-- A commune's lists left out of a month given commune by commune, the registry's and the payments'
-- both: no payment matches no one (communes_left_out.sql sees nothing), its people are simply not in
-- the month, and it passed clean. The registry of the month before in the database lists them. For
-- the communes of that registry, in a programme whose registry here has communes at all, that this
-- one lists no one of: how many of their active beneficiaries this registry does not list at all
-- (people listed here under another commune's code moved, or their commune merged, and are no loss).
-- checks_earlier.communes_gone applies min_group and the areas' layout. Run by a DuckDB run whose
-- database holds registry.
WITH listed AS (
    SELECT DISTINCT program, commune_code FROM cur_registry WHERE commune_code IS NOT NULL
),
before AS (
    SELECT max(period) AS period FROM main.registry WHERE period < $period
)
SELECT (SELECT period FROM before) AS before, r.commune_code, count(DISTINCT r.vneid) AS gone
FROM main.registry AS r
WHERE r.period = (SELECT period FROM before) AND r.status = 'active' AND r.commune_code IS NOT NULL
  AND r.program IN (SELECT program FROM listed)
  AND NOT EXISTS (SELECT 1 FROM listed AS l WHERE l.program = r.program AND l.commune_code = r.commune_code)
  AND r.vneid NOT IN (SELECT vneid FROM cur_registry WHERE vneid IS NOT NULL)
GROUP BY r.commune_code
ORDER BY r.commune_code;
