-- Normalise raw_payments (text as read) into stg_payments: typed canonical columns, the ID taken
-- from the narrative when the ID column is empty, and reject_reason for rows that cannot be loaded.
-- Layered (text -> intermediate -> typed) so that each normaliser runs once per value.
CREATE OR REPLACE TEMP TABLE stg_payments AS
WITH candidates AS (
    -- 12-digit runs in the narrative that are real IDs (known place-of-birth code)
    SELECT file_id, source_row, list(DISTINCT candidate ORDER BY candidate) AS ids
    FROM (
        SELECT file_id, source_row,
               unnest(regexp_extract_all(regexp_replace(' ' || narrative || ' ', '[^0-9]+', '  ', 'g'),
                                         ' ([0-9]{12}) ', 1)) AS candidate
        FROM raw_payments
        WHERE regexp_matches(narrative, '[0-9]{12}')
    )
    WHERE rc_vneid_valid(candidate)
    GROUP BY file_id, source_row
),
t AS (
    SELECT
        r.file_id, r.source_file, r.source_row, r.skip_reason,
        rc_text(payment_ref) AS ref_t, rc_text(vneid) AS vneid_t, rc_text(payee_name) AS name_t,
        rc_text(date_of_birth) AS dob_t, rc_text(bank_code) AS bank_code_t, rc_text(account_number) AS account_t,
        rc_text(amount) AS amount_t, rc_text(value_date) AS value_date_t, rc_text(channel) AS channel_t,
        rc_text(status) AS status_t, rc_text(program) AS program_t, rc_text(narrative) AS narrative_t,
        coalesce(c.ids, []) AS narrative_ids
    FROM raw_payments AS r
    LEFT JOIN candidates AS c USING (file_id, source_row)
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
        rc_date_a(rc_date_any_t(value_date_t)) AS value_date,
        rc_fold_t(channel_t) AS channel_f, rc_fold_t(status_t) AS status_f, rc_fold_t(program_t) AS program_f
    FROM t
),
typed AS (
    SELECT *,
        rc_vneid_d(vneid_d) AS n_vneid,
        rc_restorable_d(vneid_d) AS n_vneid_restored,
        rc_vneid_problem_t(vneid_t, vneid_d) AS p_vneid,
        rc_amount_digits(amount_c) AS amount_d,
        (SELECT value FROM ref_enum WHERE domain = 'channel' AND alias = channel_f) AS n_channel,
        coalesce((SELECT value FROM ref_enum WHERE domain = 'payment_status' AND alias = status_f),
                 CASE WHEN status_t IS NULL THEN 'success' END) AS n_status,
        (SELECT value FROM ref_enum WHERE domain = 'program' AND alias = program_f) AS n_program
    FROM l2
),
with_id AS (
    SELECT *,
        CASE
            WHEN p_vneid = 'missing' AND len(narrative_ids) = 1 THEN narrative_ids[1]
            WHEN p_vneid IS NULL THEN n_vneid
        END AS final_vneid,
        CASE
            WHEN p_vneid = 'missing' AND len(narrative_ids) = 1 THEN 'narrative'
            WHEN p_vneid IS NULL THEN 'column'
        END AS final_vneid_source,
        CASE
            WHEN p_vneid = 'missing' AND len(narrative_ids) > 1 THEN
                'narrative holds ' || len(narrative_ids) || ' different IDs; none was used'
            WHEN p_vneid IS NOT NULL AND p_vneid <> 'missing' THEN 'ID ' || p_vneid
        END AS final_vneid_note
    FROM typed
)
SELECT
    file_id, source_file, source_row,
    ref_t AS payment_ref,
    final_vneid AS vneid,
    name_t AS payee_name,
    dob AS date_of_birth,
    bm.code AS bank_code,
    rc_ident_t(account_t) AS account_number,
    rc_amount_d(amount_d) AS amount,
    value_date,
    n_channel AS channel,
    n_status AS status,
    n_program AS program,
    narrative_t AS narrative,
    final_vneid_source AS vneid_source,
    final_vneid_note AS vneid_note,
    rc_name_key_t(name_t) AS payee_key,
    coalesce(final_vneid_source = 'column' AND n_vneid_restored, false) AS vneid_restored,
    value_date BETWEEN $period_start AND $period_end AS in_period,
    coalesce(skip_reason, nullif(concat_ws('; ',
        CASE WHEN ref_t IS NULL THEN 'payment_ref missing' END,
        CASE WHEN name_t IS NULL THEN 'payee_name missing' END,
        'amount ' || rc_amount_problem_t(amount_t, amount_c, amount_d),
        'value_date ' || rc_date_problem_t(value_date_t, value_date),
        CASE WHEN channel_t IS NULL THEN 'channel missing'
             WHEN n_channel IS NULL THEN 'channel is not bank, ewallet or cash' END,
        CASE WHEN n_status IS NULL THEN 'status is not success, failed or returned' END,
        CASE WHEN program_t IS NOT NULL AND n_program IS NULL THEN 'program is not welfare or pension' END,
        CASE WHEN dob_t IS NOT NULL AND dob IS NULL AND NOT coalesce(regexp_full_match(dob_t, '(19|20)[0-9]{2}'), false)
             THEN 'date_of_birth is not a real date' END
    ), '')) AS reject_reason
FROM with_id
LEFT JOIN bank_map AS bm USING (bank_code_t);
