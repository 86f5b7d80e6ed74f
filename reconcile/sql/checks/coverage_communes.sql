-- Source coverage of the post office by commune: for each programme and commune, its active
-- beneficiaries registered for cash with an amount due, and how many have any payment row dated in
-- the period (as coverage.sql counts, exactly). The post office pays cash commune by commune, and
-- its list of one commune left out was a few beneficiaries of the programme's cash group (7 of 56):
-- the month passed (exit 0), each of them a MISSING_PAYMENT. checks_coverage.missing_communes
-- applies min_source. Run by a DuckDB run.
WITH registered AS (
    SELECT registry_id, program, commune_code
    FROM cur_registry
    WHERE is_primary AND status = 'active' AND entitled_amount > 0 AND channel = 'cash' AND commune_code IS NOT NULL
      AND registry_id NOT IN (SELECT registry_id FROM cur_paid_earlier)  -- paid ahead (facts.sql)
),
paid AS (
    SELECT DISTINCT registry_id FROM pm WHERE registry_id IS NOT NULL AND in_period AND registered_channel = 'cash'
)
SELECT r.program, r.commune_code, count(*) AS beneficiaries, count(p.registry_id) AS with_payment
FROM registered AS r
LEFT JOIN paid AS p USING (registry_id)
GROUP BY r.program, r.commune_code
ORDER BY r.program, r.commune_code;
