-- Account numbers that lost their leading zeros: a matched payment's account and the registered
-- one that are equal once leading zeros are stripped are one account, which a spreadsheet cell
-- holding it as a number shortened. The shorter is restored to the longer (counted as a warning in
-- inputs.accounts_restored) and never makes an ACCOUNT_MISMATCH.
CREATE OR REPLACE TEMP TABLE cur_account_fixes AS
SELECT m.payment_id, m.registry_id, p.file_id AS payment_file_id, r.file_id AS registry_file_id,
       CASE WHEN length(p.account_number) < length(r.account_number) THEN r.account_number END AS payment_account,
       CASE WHEN length(r.account_number) < length(p.account_number) THEN p.account_number END AS registry_account
FROM cur_matches AS m
JOIN cur_payments AS p USING (payment_id)
JOIN cur_registry AS r USING (registry_id)
WHERE p.account_number <> r.account_number AND ltrim(p.account_number, '0') = ltrim(r.account_number, '0');

-- pm: every loaded payment of the run with its match and the matched beneficiary, the one
-- relation the payment-side findings read. vneid is the beneficiary's; payee_vneid the payment's own.
CREATE OR REPLACE TEMP TABLE pm AS
SELECT
    p.payment_id, p.payment_ref, p.vneid AS payee_vneid, p.vneid_source, p.vneid_note,
    p.payee_name, p.payee_key, p.date_of_birth AS payee_date_of_birth,
    p.bank_code, coalesce(fx.payment_account, p.account_number) AS account_number, p.amount, p.value_date,
    p.channel, p.status,
    p.program AS payment_program, p.narrative, p.in_period, p.file_id, p.file_order, p.source_file, p.source_row,
    p.source_sheet, p.repeat_of,
    m.method AS match_method, m.registry_id,
    r.vneid, r.full_name, r.name_key, r.status AS beneficiary_status, r.date_of_death,
    r.channel AS registered_channel, r.bank_code AS registered_bank_code,
    coalesce(fx.registry_account, r.account_number) AS registered_account, r.entitled_amount, r.province_code,
    r.commune_code, r.province_code_2025,
    coalesce(p.program, r.program, 'unknown') AS program
FROM cur_payments AS p
LEFT JOIN cur_matches AS m USING (payment_id)
LEFT JOIN cur_registry AS r USING (registry_id)
LEFT JOIN cur_account_fixes AS fx USING (payment_id);
