-- code: OUT_OF_PERIOD
-- severity: low
-- en: Payment dated outside the period
-- vi: Khoản chi có ngày ngoài kỳ đối soát
-- a payment matched to no one (an UNKNOWN_PAYEE) under its own ID, as UNKNOWN_PAYEE names it: a finding
-- of the payment is found by the ID it was paid under
SELECT
    coalesce(vneid, payee_vneid) AS vneid, payment_ref, program, entitled_amount AS expected_amount, amount AS paid_amount,
    'Value date ' || strftime(value_date, '%d/%m/%Y') || ' is outside the period ' || $period AS detail,
    source_file, source_row, source_sheet, full_name, payee_name, account_number, province_code, commune_code,
    match_method, payment_id, registry_id
FROM pm
WHERE NOT in_period
