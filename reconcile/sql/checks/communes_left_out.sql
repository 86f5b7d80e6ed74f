-- A commune's list left out of a registry given commune by commune: the banks pay the whole province
-- from one file, so the payments to that commune's beneficiaries each matched no one (UNKNOWN_PAYEE),
-- a few in a month of twenty communes, under the month's max_unmatched_month: the month passed
-- (exit 0). The payment files name no commune; the registry of the month before in the database
-- does. For each programme and commune of that registry that this one lists no one of (in a
-- programme whose registry here has communes at all), the month's successful payments that match
-- no beneficiary and went to the ID or account of one of its beneficiaries there. A beneficiary who
-- moved, or a new commune, is listed and its payees matched. With them, how many beneficiaries that
-- registry listed there (`listed`) and how many of them were paid so (`paid`): a list left out leaves
-- most of its people paid and unknown, while a commune merged into another (its people listed under
-- the other's code, as in July 2025) leaves only those taken off the list and paid anyway.
-- checks_communes applies min_source and min_coverage.
-- Run by a DuckDB run whose database holds registry.
WITH listed AS (
    SELECT DISTINCT program, commune_code FROM cur_registry WHERE commune_code IS NOT NULL
),
before AS (
    SELECT max(period) AS period FROM main.registry WHERE period < $period
),
earlier AS (
    SELECT r.program, r.commune_code, r.vneid, nullif(ltrim(r.account_number, '0'), '') AS account
    FROM main.registry AS r
    WHERE r.period = (SELECT period FROM before) AND r.commune_code IS NOT NULL
      AND r.program IN (SELECT program FROM listed)
      AND NOT EXISTS (SELECT 1 FROM listed AS l WHERE l.program = r.program AND l.commune_code = r.commune_code)
),
unknown AS (
    SELECT payment_id, payee_vneid, nullif(ltrim(account_number, '0'), '') AS account
    FROM pm
    WHERE registry_id IS NULL AND status = 'success' AND in_period
),
theirs AS (
    SELECT u.payment_id, e.program, e.commune_code, e.vneid FROM unknown AS u JOIN earlier AS e ON e.vneid = u.payee_vneid
    UNION
    SELECT u.payment_id, e.program, e.commune_code, e.vneid FROM unknown AS u JOIN earlier AS e ON e.account = u.account
),
listed_before AS (
    SELECT program, commune_code, count(DISTINCT vneid) AS listed FROM earlier GROUP BY program, commune_code
)
SELECT program, commune_code, count(DISTINCT payment_id) AS payments, count(DISTINCT vneid) AS paid,
       any_value(b.listed) AS listed, (SELECT period FROM before) AS listed_in
FROM theirs
JOIN listed_before AS b USING (program, commune_code)
GROUP BY program, commune_code
ORDER BY payments DESC, commune_code, program;
