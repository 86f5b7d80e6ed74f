-- Area codes of the registry checked against the official lists in force for the period ($layout:
-- 'pre2025' before July 2025, '2025' from then on; see reconcile/areas.py), and each beneficiary's
-- province on the 2025 map, so that a month before the reform and one after it can be compared by
-- province. A problem is a note on the row (area_note), not a rejection: the row still reconciles.
-- A commune code is checked only against the list of its period (codes were reused by the reform);
-- the pre-2025 commune list is not shipped, so before July 2025 a commune code is checked for shape.
CREATE OR REPLACE TEMP TABLE stg_registry AS
WITH p AS (
    SELECT s.*, in_layout.code_2025 AS p_in_layout, other.code_2025 AS p_other
    FROM stg_registry AS s
    LEFT JOIN ref_province AS in_layout ON in_layout.code = s.province_code AND in_layout.layout = $layout
    LEFT JOIN ref_province AS other ON other.code = s.province_code AND other.layout <> $layout
)
SELECT
    p.* EXCLUDE (p_in_layout, p_other),
    coalesce(p_in_layout, p_other) AS province_code_2025,
    nullif(concat_ws('; ',
        CASE WHEN p.province_code IS NULL THEN NULL
             WHEN p_in_layout IS NULL AND p_other IS NULL
             THEN 'province_code ' || p.province_code || ' is not an official province code'
             WHEN p_in_layout IS NULL
             THEN 'province_code ' || p.province_code || ' is not on the '
                  || CASE WHEN $layout = '2025' THEN '2025' ELSE 'pre-2025' END || ' list of the period; read as '
                  || CASE WHEN $layout = '2025' THEN 'the pre-2025 code of province ' ELSE 'province ' END
                  || p_other || ' of the 2025 map' END,
        CASE WHEN p.commune_code IS NULL THEN NULL
             WHEN $layout = 'pre2025' AND NOT regexp_full_match(p.commune_code, '[0-9]{5}')
             THEN 'commune_code ' || p.commune_code || ' is not 5 digits'
             WHEN $layout = '2025' AND c.commune_code IS NULL
             THEN 'commune_code ' || p.commune_code || ' is not on the 2025 commune list'
             WHEN $layout = '2025' AND c.province_code IS DISTINCT FROM coalesce(p_in_layout, p_other)
                  AND p.province_code IS NOT NULL
             THEN 'commune_code ' || p.commune_code || ' is a commune of province ' || c.province_code
                  || ', not of province ' || coalesce(p_in_layout, p_other, p.province_code) END
    ), '') AS area_note
FROM p
LEFT JOIN ref_commune AS c ON c.commune_code = p.commune_code;
