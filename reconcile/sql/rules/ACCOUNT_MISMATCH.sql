-- code: ACCOUNT_MISMATCH
-- severity: medium
-- en: Paid into an account other than the registered one
-- vi: Chi vào tài khoản khác tài khoản đã đăng ký
SELECT
    vneid, payment_ref, program, entitled_amount AS expected_amount, amount AS paid_amount,
    'Paid into account ending ' || right(account_number, 4) || coalesce(' at ' || bank_code, '')
        || CASE WHEN registered_account IS NULL
                THEN '; the registry holds no account for the beneficiary, registered for cash'
                ELSE '; the registered account ends ' || right(registered_account, 4)
                     || coalesce(' at ' || registered_bank_code, '') END
        -- the last four digits alike: say where the difference is, never more of the numbers
        || CASE WHEN account_number <> registered_account AND right(account_number, 4) = right(registered_account, 4)
                THEN '; the two numbers differ before their last four digits' ELSE '' END AS detail,
    source_file, source_row, source_sheet, full_name, payee_name, account_number, province_code, commune_code,
    match_method, payment_id, registry_id
FROM pm
WHERE registry_id IS NOT NULL AND status = 'success' AND channel IN ('bank', 'ewallet')
  AND account_number IS NOT NULL
  -- registered for cash with no account: any account is another than the registry's
  AND ((registered_account IS NULL AND registered_channel = 'cash')
       OR account_number <> registered_account
       OR (rc_bank_known(bank_code) AND rc_bank_known(registered_bank_code) AND bank_code <> registered_bank_code))
