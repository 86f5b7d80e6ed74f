-- code: CASH_DESPITE_ACCOUNT
-- severity: low
-- en: Paid in cash although the beneficiary has a registered account
-- vi: Chi tiền mặt dù đối tượng đã đăng ký tài khoản
SELECT
    vneid, payment_ref, program, entitled_amount AS expected_amount, amount AS paid_amount,
    -- registered for cash, with an account on the row all the same: paid as registered, the account unused
    CASE WHEN registered_channel IN ('bank', 'ewallet')
         THEN 'Paid in cash; the beneficiary has a registered ' || registered_channel || ' account ending '
              || right(registered_account, 4)
         ELSE 'Paid in cash as registered; the registry also holds an account ending ' || right(registered_account, 4)
              || ' for the beneficiary: ask whether they can be paid into it' END AS detail,
    source_file, source_row, source_sheet, full_name, payee_name, registered_account AS account_number, province_code, commune_code,
    match_method, payment_id, registry_id
FROM pm
WHERE registry_id IS NOT NULL AND status = 'success' AND channel = 'cash' AND registered_account IS NOT NULL
