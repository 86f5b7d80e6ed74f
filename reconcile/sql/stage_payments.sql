-- Normalise raw_payments (text as read) into stg_payments: typed canonical columns, the ID taken
-- from the narrative when the ID column is empty, and reject_reason for rows that cannot be loaded.
CREATE OR REPLACE TEMP TABLE stg_payments AS
WITH candidates AS (
    -- 12-digit runs in the narrative that are real IDs (known place-of-birth code)
    SELECT file_id, source_row, list(DISTINCT candidate ORDER BY candidate) AS ids
    FROM (
        SELECT file_id, source_row,
               unnest(regexp_extract_all(regexp_replace(' ' || narrative || ' ', '[^0-9]+', '  ', 'g'),
                                         ' ([0-9]{12}) ', 1)) AS candidate
        FROM raw_payments
        WHERE narrative IS NOT NULL
    )
    WHERE rc_vneid_valid(candidate)
    GROUP BY file_id, source_row
),
typed AS (
    SELECT
        file_id, source_file, source_row, raw,
        rc_text(payment_ref) AS n_payment_ref,
        rc_vneid(vneid) AS n_vneid,
        rc_vneid_restorable(vneid) AS n_vneid_restored,
        rc_vneid_problem(vneid) AS p_vneid,
        rc_name(payee_name) AS n_payee_name,
        rc_date(date_of_birth) AS n_date_of_birth,
        rc_text(date_of_birth) AS t_date_of_birth,
        rc_ident(bank_code) AS n_bank_code,
        rc_ident(account_number) AS n_account_number,
        rc_amount(amount) AS n_amount,
        rc_amount_problem(amount) AS p_amount,
        rc_date(value_date) AS n_value_date,
        rc_date_problem(value_date) AS p_value_date,
        (SELECT value FROM ref_enum WHERE domain = 'channel' AND alias = rc_fold(channel)) AS n_channel,
        rc_text(channel) AS t_channel,
        coalesce((SELECT value FROM ref_enum WHERE domain = 'payment_status' AND alias = rc_fold(status)),
                 CASE WHEN rc_text(status) IS NULL THEN 'success' END) AS n_status,
        (SELECT value FROM ref_enum WHERE domain = 'program' AND alias = rc_fold(program)) AS n_program,
        rc_text(program) AS t_program,
        rc_text(narrative) AS n_narrative,
        coalesce(c.ids, []) AS narrative_ids
    FROM raw_payments
    LEFT JOIN candidates AS c USING (file_id, source_row)
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
    file_id, source_file, source_row, raw,
    n_payment_ref AS payment_ref,
    final_vneid AS vneid,
    n_payee_name AS payee_name,
    n_date_of_birth AS date_of_birth,
    n_bank_code AS bank_code,
    n_account_number AS account_number,
    n_amount AS amount,
    n_value_date AS value_date,
    n_channel AS channel,
    n_status AS status,
    n_program AS program,
    n_narrative AS narrative,
    final_vneid_source AS vneid_source,
    final_vneid_note AS vneid_note,
    rc_name_key(n_payee_name) AS payee_key,
    final_vneid_source = 'column' AND n_vneid_restored AS vneid_restored,
    n_value_date BETWEEN $period_start AND $period_end AS in_period,
    nullif(concat_ws('; ',
        CASE WHEN n_payment_ref IS NULL THEN 'payment_ref missing' END,
        CASE WHEN n_payee_name IS NULL THEN 'payee_name missing' END,
        'amount ' || p_amount,
        'value_date ' || p_value_date,
        CASE WHEN t_channel IS NULL THEN 'channel missing'
             WHEN n_channel IS NULL THEN 'channel is not bank, ewallet or cash' END,
        CASE WHEN n_status IS NULL THEN 'status is not success, failed or returned' END,
        CASE WHEN t_program IS NOT NULL AND n_program IS NULL THEN 'program is not welfare or pension' END,
        CASE WHEN t_date_of_birth IS NOT NULL AND n_date_of_birth IS NULL THEN 'date_of_birth is not a real date' END
    ), '') AS reject_reason
FROM with_id;
