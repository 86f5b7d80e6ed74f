-- Normalise raw_registry (text as read) into stg_registry: typed canonical columns, the area codes
-- checked (area_note), and reject_reason listing every problem of a row that cannot be loaded (NULL
-- when it can).
-- A column with few distinct values (names, dates, amounts, codes, enum values) is normalised once
-- per distinct value, in a map joined back by the raw text (NULL included), with the composed
-- macros; only the ID and the account, nearly unique, are normalised row by row, in layers (text ->
-- digits -> typed) so that each normaliser runs once per row, with a fast path for the plain
-- value nearly all of them are (rc_text_word). bench/profile_stage.py shows why. The names go either
-- way: where nearly every row's differs, as in a real registry ($names_by_value false: stage.py
-- samples the rows), their map is left empty and each is normalised row by row (coalesce evaluates
-- its second argument only for the rows the map left NULL: the same macros, the same values).
CREATE OR REPLACE TEMP TABLE stg_registry AS
WITH
m_dob AS (
    SELECT raw, t AS dob_t, rc_birth_date_t(t) AS dob,
           rc_year_only_t(t) AS dob_year_only
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT date_of_birth AS raw FROM raw_registry))
),
m_dod AS (
    -- a month or a year alone (`08/2024`, `tháng 8/2024`, `2024`): no date, which the status
    -- deceased does without (PAID_AFTER_DEATH by the status)
    SELECT raw, t AS dod_t, rc_date_a(rc_date_any_t(t)) AS dod, rc_no_day_t(t) AS dod_no_day,
           rc_no_day_from_t(t) AS dod_from
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT date_of_death AS raw FROM raw_registry))
),
m_amount AS (
    -- in layers, as rc_amount and rc_amount_problem compose them: the plain forms expand the text
    -- dozens of times over, and planning them cost a tenth of a second of every run
    SELECT raw, rc_amount_d(d) AS entitled_amount, rc_amount_problem_t(t, c, d) AS p_amount
    FROM (SELECT raw, t, c, rc_amount_digits(c) AS d
          FROM (SELECT raw, t, rc_amount_core_t(t) AS c
                FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT entitled_amount AS raw FROM raw_registry))))
),
m_gender AS (
    SELECT raw, t AS gender_t, rc_enum_t('gender', t) AS n_gender
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT gender AS raw FROM raw_registry))
),
m_program AS (
    SELECT raw, t AS program_t, rc_program_t(t) AS n_program
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT program AS raw FROM raw_registry))
),
m_channel AS (
    SELECT raw, t AS channel_t, rc_channel_t(t) AS n_channel
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT channel AS raw FROM raw_registry))
),
m_status AS (
    SELECT raw, coalesce(rc_enum_t('beneficiary_status', t),
                         CASE WHEN t IS NULL THEN 'active' END) AS n_status
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT status AS raw FROM raw_registry))
),
m_name AS (
    SELECT raw, t AS full_name_t, rc_name_key_s(s) AS name_key
    FROM (SELECT raw, t, rc_strip_t(t) AS s
          FROM (SELECT raw, rc_text(raw) AS t
                FROM (SELECT DISTINCT full_name AS raw FROM raw_registry WHERE $names_by_value)))
),
m_category AS (
    SELECT raw, rc_text(raw) AS category FROM (SELECT DISTINCT category AS raw FROM raw_registry)
),
m_bank AS (
    SELECT raw, rc_bank_t(t) AS bank_code
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT bank_code AS raw FROM raw_registry))
),
m_district AS (
    SELECT raw, rc_ident_t(rc_text(raw)) AS district_code FROM (SELECT DISTINCT district_code AS raw FROM raw_registry)
),
m_area AS (
    -- the area codes, checked against the official lists in force for the period ($layout: 'pre2025'
    -- before July 2025, '2025' from then on; see reconcile/areas.py), and the beneficiary's province on
    -- the 2025 map, so that a month before the reform and one after it can be compared by province.
    -- A problem is a note on the row (area_note), not a rejection: the row still reconciles. A
    -- commune code is checked only against the list of its period (codes were reused by the reform);
    -- the pre-2025 commune list is not shipped, so before July 2025 a commune code is checked for
    -- shape. Once per distinct pair of codes as written.
    SELECT a.raw_province, a.raw_commune, a.province_code, a.commune_code,
           coalesce(in_layout.code_2025, other.code_2025) AS province_code_2025,
           nullif(concat_ws('; ',
               CASE WHEN a.province_code IS NULL THEN NULL
                    WHEN in_layout.code_2025 IS NULL AND other.code_2025 IS NULL
                    THEN 'province_code ' || a.province_code || ' is not an official province code'
                    WHEN in_layout.code_2025 IS NULL
                    THEN 'province_code ' || a.province_code || ' is not on the '
                         || CASE WHEN $layout = '2025' THEN '2025' ELSE 'pre-2025' END || ' list of the period; read as '
                         || CASE WHEN $layout = '2025' THEN 'the pre-2025 code of province ' ELSE 'province ' END
                         || other.code_2025 || ' of the 2025 map' END,
               CASE WHEN a.commune_code IS NULL THEN NULL
                    WHEN $layout = 'pre2025' AND NOT regexp_full_match(a.commune_code, '[0-9]{5}')
                    THEN 'commune_code ' || a.commune_code || ' is not 5 digits'
                    WHEN $layout = '2025' AND c.commune_code IS NULL
                    THEN 'commune_code ' || a.commune_code || ' is not on the 2025 commune list'
                    WHEN $layout = '2025' AND c.province_code IS DISTINCT FROM coalesce(in_layout.code_2025, other.code_2025)
                         AND a.province_code IS NOT NULL
                    THEN 'commune_code ' || a.commune_code || ' is a commune of province ' || c.province_code
                         || ', not of province ' || coalesce(in_layout.code_2025, other.code_2025, a.province_code) END
           ), '') AS area_note
    FROM (
        SELECT raw_province, raw_commune,
               rc_area_code_t(rc_text(raw_province), 2) AS province_code,
               rc_area_code_t(rc_text(raw_commune), 5) AS commune_code
        FROM (SELECT DISTINCT province_code AS raw_province, commune_code AS raw_commune FROM raw_registry)
    ) AS a
    LEFT JOIN ref_province AS in_layout ON in_layout.code = a.province_code AND in_layout.layout = $layout
    LEFT JOIN ref_province AS other ON other.code = a.province_code AND other.layout <> $layout
    LEFT JOIN ref_commune AS c ON c.commune_code = a.commune_code
),
t AS (
    SELECT
        r.file_id, r.source_file, r.source_row, r.source_sheet, r.skip_reason,
        rc_text_word(r.vneid) AS vneid_t, rc_text_word(r.account_number) AS account_t,
        coalesce(m_name.full_name_t, rc_text(r.full_name)) AS full_name_t, m_name.name_key AS name_key_m,
        m_dob.* EXCLUDE (raw), m_dod.* EXCLUDE (raw), m_amount.* EXCLUDE (raw), m_gender.* EXCLUDE (raw),
        m_program.* EXCLUDE (raw), m_channel.* EXCLUDE (raw), m_status.* EXCLUDE (raw),
        m_category.category, m_bank.bank_code, m_district.district_code,
        m_area.* EXCLUDE (raw_province, raw_commune)
    FROM raw_registry AS r
    LEFT JOIN m_name ON m_name.raw IS NOT DISTINCT FROM r.full_name
    LEFT JOIN m_dob ON m_dob.raw IS NOT DISTINCT FROM r.date_of_birth
    LEFT JOIN m_dod ON m_dod.raw IS NOT DISTINCT FROM r.date_of_death
    LEFT JOIN m_amount ON m_amount.raw IS NOT DISTINCT FROM r.entitled_amount
    LEFT JOIN m_gender ON m_gender.raw IS NOT DISTINCT FROM r.gender
    LEFT JOIN m_program ON m_program.raw IS NOT DISTINCT FROM r.program
    LEFT JOIN m_channel ON m_channel.raw IS NOT DISTINCT FROM r.channel
    LEFT JOIN m_status ON m_status.raw IS NOT DISTINCT FROM r.status
    LEFT JOIN m_category ON m_category.raw IS NOT DISTINCT FROM r.category
    LEFT JOIN m_bank ON m_bank.raw IS NOT DISTINCT FROM r.bank_code
    LEFT JOIN m_district ON m_district.raw IS NOT DISTINCT FROM r.district_code
    LEFT JOIN m_area ON m_area.raw_province IS NOT DISTINCT FROM r.province_code
                    AND m_area.raw_commune IS NOT DISTINCT FROM r.commune_code
),
t_name AS (
    SELECT *, CASE WHEN name_key_m IS NULL THEN rc_strip_t(full_name_t) END AS name_s FROM t
),
typed AS (
    SELECT * EXCLUDE (name_key_m, name_s), coalesce(name_key_m, rc_name_key_s(name_s)) AS name_key,
        rc_digits_word_t(vneid_t) AS vneid_d,
        rc_ident_word_t(account_t) AS n_account_number
    FROM t_name
),
typed2 AS (
    SELECT *, rc_restorable_d(vneid_d) AS vneid_restorable FROM typed
)
SELECT
    file_id, source_file, source_row, source_sheet, coalesce(skip_reason <> 'blank row', false) AS set_aside,
    rc_vneid_dr(vneid_d, vneid_restorable) AS vneid,
    full_name_t AS full_name,
    dob AS date_of_birth,
    coalesce(year(dob), CASE WHEN dob_year_only THEN rc_birth_year_t(dob_t) END) AS birth_year,
    n_gender AS gender,
    n_program AS program,
    category,
    entitled_amount,
    n_channel AS channel,
    bank_code,
    CASE WHEN n_channel = 'ewallet' THEN rc_wallet_t(n_account_number) ELSE n_account_number END AS account_number,
    province_code,
    district_code,
    commune_code,
    -- a row still active whose date of death is before the period: the death was written down and
    -- the status not changed. The person is not due; a payment to them is PAID_AFTER_DEATH
    CASE WHEN n_status = 'active' AND dod < $period_start THEN 'deceased' ELSE n_status END AS status,
    dod AS date_of_death,
    name_key,
    vneid_restorable AS vneid_restored,
    coalesce(skip_reason, nullif(concat_ws('; ',
        'vneid ' || rc_vneid_problem_t(vneid_t, vneid_d),
        CASE WHEN full_name_t IS NULL THEN 'full_name missing' END,
        CASE WHEN dob_t IS NOT NULL AND dob IS NULL AND NOT dob_year_only
             THEN coalesce(rc_birth_date_problem_t(dob_t), 'date_of_birth is not a real date') END,
        CASE WHEN dob > $period_end THEN 'date_of_birth is after the period' END,
        CASE WHEN gender_t IS NOT NULL AND n_gender IS NULL THEN 'gender is not male or female' END,
        CASE WHEN program_t IS NULL THEN 'program missing'
             WHEN n_program IS NULL THEN 'program is not welfare or pension' END,
        'entitled_amount ' || p_amount,
        CASE WHEN channel_t IS NULL THEN 'channel missing'
             WHEN n_channel IS NULL THEN 'channel is not bank, ewallet or cash' END,
        CASE WHEN n_channel IN ('bank', 'ewallet') AND n_account_number IS NULL
             THEN 'account_number missing for channel ' || n_channel END,
        CASE WHEN n_status IS NULL THEN 'status is not active, suspended, terminated or deceased' END,
        CASE WHEN dod_t IS NOT NULL AND dod IS NULL THEN
            CASE WHEN NOT dod_no_day THEN 'date_of_death is not a real date'
                 WHEN n_status IS DISTINCT FROM 'deceased'
                 THEN 'date_of_death gives no day: write the whole date, or the status deceased'
                 WHEN dod_from > $period_end
                 THEN 'date_of_death gives no day, and its month or year is after the period: write the whole date'
            END
        END
    ), '')) AS reject_reason,
    province_code_2025,
    area_note
FROM typed2;
