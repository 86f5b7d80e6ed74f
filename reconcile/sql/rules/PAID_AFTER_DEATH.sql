-- code: PAID_AFTER_DEATH
-- severity: critical
-- en: Payment dated after the beneficiary's date of death, or to a beneficiary whose status is deceased
-- vi: Chi trả sau ngày đối tượng chết, hoặc cho đối tượng có trạng thái đã chết
-- what was due for this payment: nothing, to the dead after the death (whatever the status says: a death
-- within the period leaves the month due, not a payment after it), so that the whole payment shows as
-- paid over it (the workbook's Difference), the money to recover (rc_at_stake)
SELECT
    vneid, payment_ref, program, 0 AS expected_amount, amount AS paid_amount,
    CASE
        WHEN date_of_death IS NOT NULL THEN
            'Paid on ' || strftime(value_date, '%d/%m/%Y') || ', ' || date_diff('day', date_of_death, value_date)
            || ' day(s) after the date of death ' || strftime(date_of_death, '%d/%m/%Y')
        ELSE 'Paid on ' || strftime(value_date, '%d/%m/%Y') || ' to a beneficiary whose status is deceased (no date of death recorded)'
    END AS detail,
    source_file, source_row, source_sheet, full_name, payee_name, account_number, province_code, commune_code,
    match_method, payment_id, registry_id
FROM pm
WHERE registry_id IS NOT NULL AND status = 'success'
  AND repeat_of IS NULL  -- a payment listed again in another input is one payment: one finding, one recovery
  AND ((date_of_death IS NOT NULL AND value_date > date_of_death)
       OR (date_of_death IS NULL AND beneficiary_status = 'deceased'))
