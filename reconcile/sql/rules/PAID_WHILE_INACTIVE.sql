-- code: PAID_WHILE_INACTIVE
-- severity: high
-- en: Payment to a suspended or terminated beneficiary
-- vi: Chi trả cho đối tượng đang tạm dừng hoặc đã thôi hưởng
-- what was due for this payment: nothing, to one suspended or terminated, so that the whole payment
-- shows as paid over it (the workbook's Difference), the money to recover (rc_at_stake)
SELECT
    vneid, payment_ref, program, 0 AS expected_amount, amount AS paid_amount,
    'Paid on ' || strftime(value_date, '%d/%m/%Y') || ' while the beneficiary''s status is ' || beneficiary_status AS detail,
    source_file, source_row, source_sheet, full_name, payee_name, account_number, province_code, commune_code,
    match_method, payment_id, registry_id
FROM pm
WHERE registry_id IS NOT NULL AND status = 'success' AND beneficiary_status IN ('suspended', 'terminated')
  AND repeat_of IS NULL  -- a payment listed again in another input is one payment: one finding, one recovery
  -- a payment after a recorded date of death is PAID_AFTER_DEATH alone: one finding, one recovery
  AND NOT coalesce(date_of_death IS NOT NULL AND value_date > date_of_death, false)
