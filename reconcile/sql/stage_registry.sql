-- Normalise raw_registry (text as read) into stg_registry: typed canonical columns, and
-- reject_reason listing every problem of a row that cannot be loaded (NULL when it can).
CREATE OR REPLACE TEMP TABLE stg_registry AS
WITH typed AS (
    SELECT
        file_id, source_file, source_row, raw,
        rc_vneid(vneid) AS n_vneid,
        rc_vneid_restorable(vneid) AS n_vneid_restored,
        rc_vneid_problem(vneid) AS p_vneid,
        rc_name(full_name) AS n_full_name,
        rc_date(date_of_birth) AS n_date_of_birth,
        rc_text(date_of_birth) AS t_date_of_birth,
        (SELECT value FROM ref_enum WHERE domain = 'gender' AND alias = rc_fold(gender)) AS n_gender,
        rc_text(gender) AS t_gender,
        (SELECT value FROM ref_enum WHERE domain = 'program' AND alias = rc_fold(program)) AS n_program,
        rc_text(program) AS t_program,
        rc_text(category) AS n_category,
        rc_amount(entitled_amount) AS n_entitled_amount,
        rc_amount_problem(entitled_amount) AS p_entitled_amount,
        (SELECT value FROM ref_enum WHERE domain = 'channel' AND alias = rc_fold(channel)) AS n_channel,
        rc_text(channel) AS t_channel,
        rc_ident(bank_code) AS n_bank_code,
        rc_ident(account_number) AS n_account_number,
        rc_ident(province_code) AS n_province_code,
        rc_ident(district_code) AS n_district_code,
        rc_ident(commune_code) AS n_commune_code,
        coalesce((SELECT value FROM ref_enum WHERE domain = 'beneficiary_status' AND alias = rc_fold(status)),
                 CASE WHEN rc_text(status) IS NULL THEN 'active' END) AS n_status,
        rc_text(status) AS t_status,
        rc_date(date_of_death) AS n_date_of_death,
        rc_text(date_of_death) AS t_date_of_death
    FROM raw_registry
)
SELECT
    file_id, source_file, source_row, raw,
    n_vneid AS vneid,
    n_full_name AS full_name,
    n_date_of_birth AS date_of_birth,
    n_gender AS gender,
    n_program AS program,
    n_category AS category,
    n_entitled_amount AS entitled_amount,
    n_channel AS channel,
    n_bank_code AS bank_code,
    n_account_number AS account_number,
    n_province_code AS province_code,
    n_district_code AS district_code,
    n_commune_code AS commune_code,
    n_status AS status,
    n_date_of_death AS date_of_death,
    rc_name_key(n_full_name) AS name_key,
    n_vneid_restored AS vneid_restored,
    nullif(concat_ws('; ',
        'vneid ' || p_vneid,
        CASE WHEN n_full_name IS NULL THEN 'full_name missing' END,
        CASE WHEN t_date_of_birth IS NOT NULL AND n_date_of_birth IS NULL THEN 'date_of_birth is not a real date' END,
        CASE WHEN n_date_of_birth > $period_end THEN 'date_of_birth is after the period' END,
        CASE WHEN t_gender IS NOT NULL AND n_gender IS NULL THEN 'gender is not male or female' END,
        CASE WHEN t_program IS NULL THEN 'program missing'
             WHEN n_program IS NULL THEN 'program is not welfare or pension' END,
        'entitled_amount ' || p_entitled_amount,
        CASE WHEN t_channel IS NULL THEN 'channel missing'
             WHEN n_channel IS NULL THEN 'channel is not bank, ewallet or cash' END,
        CASE WHEN n_channel IN ('bank', 'ewallet') AND n_account_number IS NULL
             THEN 'account_number missing for channel ' || n_channel END,
        CASE WHEN n_status IS NULL THEN 'status is not active, suspended, terminated or deceased' END,
        CASE WHEN t_date_of_death IS NOT NULL AND n_date_of_death IS NULL THEN 'date_of_death is not a real date' END
    ), '') AS reject_reason
FROM typed;
