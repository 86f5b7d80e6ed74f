-- Normalise raw_registry (text as read) into stg_registry: typed canonical columns, and
-- reject_reason listing every problem of a row that cannot be loaded (NULL when it can).
-- Layered (text -> intermediate -> typed) so that each normaliser runs once per value.
CREATE OR REPLACE TEMP TABLE stg_registry AS
WITH t AS (
    SELECT
        file_id, source_file, source_row, skip_reason,
        rc_text(vneid) AS vneid_t, rc_text(full_name) AS full_name_t, rc_text(date_of_birth) AS dob_t,
        rc_text(gender) AS gender_t, rc_text(program) AS program_t, rc_text(category) AS category_t,
        rc_text(entitled_amount) AS amount_t, rc_text(channel) AS channel_t, rc_text(bank_code) AS bank_code_t,
        rc_text(account_number) AS account_t, rc_text(province_code) AS province_t,
        rc_text(district_code) AS district_t, rc_text(commune_code) AS commune_t, rc_text(status) AS status_t,
        rc_text(date_of_death) AS dod_t
    FROM raw_registry
),
bank_map AS (
    SELECT bank_code_t, rc_bank_t(bank_code_t) AS code
    FROM (SELECT DISTINCT bank_code_t FROM t WHERE bank_code_t IS NOT NULL)
),
l2 AS (
    SELECT *,
        rc_digits_i(rc_ident_t(vneid_t)) AS vneid_d,
        rc_amount_core_t(amount_t) AS amount_c,
        rc_date_a(rc_date_any_t(dob_t)) AS dob,
        coalesce(regexp_full_match(dob_t, '(19|20)[0-9]{2}'), false) AS dob_year_only,
        rc_date_a(rc_date_any_t(dod_t)) AS dod,
        rc_fold_t(gender_t) AS gender_f, rc_fold_t(program_t) AS program_f,
        rc_fold_t(channel_t) AS channel_f, rc_fold_t(status_t) AS status_f
    FROM t
),
typed AS (
    SELECT *,
        rc_vneid_d(vneid_d) AS n_vneid,
        rc_restorable_d(vneid_d) AS n_vneid_restored,
        rc_vneid_problem_t(vneid_t, vneid_d) AS p_vneid,
        rc_amount_digits(amount_c) AS amount_d,
        (SELECT value FROM ref_enum WHERE domain = 'gender' AND alias = gender_f) AS n_gender,
        (SELECT value FROM ref_enum WHERE domain = 'program' AND alias = program_f) AS n_program,
        (SELECT value FROM ref_enum WHERE domain = 'channel' AND alias = channel_f) AS n_channel,
        coalesce((SELECT value FROM ref_enum WHERE domain = 'beneficiary_status' AND alias = status_f),
                 CASE WHEN status_t IS NULL THEN 'active' END) AS n_status,
        rc_ident_t(account_t) AS n_account_number
    FROM l2
)
SELECT
    file_id, source_file, source_row,
    n_vneid AS vneid,
    full_name_t AS full_name,
    dob AS date_of_birth,
    coalesce(year(dob), CASE WHEN dob_year_only THEN CAST(dob_t AS INTEGER) END) AS birth_year,
    n_gender AS gender,
    n_program AS program,
    category_t AS category,
    rc_amount_d(amount_d) AS entitled_amount,
    n_channel AS channel,
    bm.code AS bank_code,
    n_account_number AS account_number,
    rc_area_code_t(province_t, 2) AS province_code,
    rc_ident_t(district_t) AS district_code,
    rc_area_code_t(commune_t, 5) AS commune_code,
    n_status AS status,
    dod AS date_of_death,
    rc_name_key_t(full_name_t) AS name_key,
    n_vneid_restored AS vneid_restored,
    coalesce(skip_reason, nullif(concat_ws('; ',
        'vneid ' || p_vneid,
        CASE WHEN full_name_t IS NULL THEN 'full_name missing' END,
        CASE WHEN dob_t IS NOT NULL AND dob IS NULL AND NOT dob_year_only THEN 'date_of_birth is not a real date' END,
        CASE WHEN dob > $period_end THEN 'date_of_birth is after the period' END,
        CASE WHEN gender_t IS NOT NULL AND n_gender IS NULL THEN 'gender is not male or female' END,
        CASE WHEN program_t IS NULL THEN 'program missing'
             WHEN n_program IS NULL THEN 'program is not welfare or pension' END,
        'entitled_amount ' || rc_amount_problem_t(amount_t, amount_c, amount_d),
        CASE WHEN channel_t IS NULL THEN 'channel missing'
             WHEN n_channel IS NULL THEN 'channel is not bank, ewallet or cash' END,
        CASE WHEN n_channel IN ('bank', 'ewallet') AND n_account_number IS NULL
             THEN 'account_number missing for channel ' || n_channel END,
        CASE WHEN n_status IS NULL THEN 'status is not active, suspended, terminated or deceased' END,
        CASE WHEN dod_t IS NOT NULL AND dod IS NULL THEN 'date_of_death is not a real date' END
    ), '')) AS reject_reason
FROM typed
LEFT JOIN bank_map AS bm USING (bank_code_t);
