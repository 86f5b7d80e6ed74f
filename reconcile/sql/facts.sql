-- pm: every loaded payment of the run with its match and the matched beneficiary, the one
-- relation the payment-side findings read. vneid is the beneficiary's; payee_vneid the payment's own.
CREATE OR REPLACE TEMP TABLE pm AS
SELECT
    p.payment_id, p.payment_ref, p.vneid AS payee_vneid, p.vneid_source, p.vneid_note,
    p.payee_name, p.payee_key, p.date_of_birth AS payee_date_of_birth,
    p.bank_code, p.account_number, p.amount, p.value_date, p.channel, p.status,
    p.program AS payment_program, p.narrative, p.in_period, p.file_id, p.file_order, p.source_file, p.source_row,
    m.method AS match_method, m.registry_id,
    r.vneid, r.full_name, r.name_key, r.status AS beneficiary_status, r.date_of_death,
    r.channel AS registered_channel, r.bank_code AS registered_bank_code,
    r.account_number AS registered_account, r.entitled_amount, r.province_code, r.commune_code,
    r.province_code_2025,
    coalesce(p.program, r.program, 'unknown') AS program
FROM cur_payments AS p
LEFT JOIN cur_matches AS m USING (payment_id)
LEFT JOIN cur_registry AS r USING (registry_id);
