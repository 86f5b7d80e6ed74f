-- code: PAYMENT_FAILED
-- severity: medium
-- en: A failed or returned payment with no successful payment to that beneficiary in the period
-- vi: Khoản chi thất bại hoặc bị trả lại mà đối tượng chưa được chi thành công trong kỳ
SELECT
    -- what was due: nothing to a beneficiary not active (deceased, suspended, terminated), as
    -- MISSING_PAYMENT asks nothing for them: a payment to them that failed, or the bank's return of
    -- an earlier month's payment after a death, is no money owed, and puts none at stake
    -- a back payment of earlier months (truy lĩnh, facts.sql's cur_back_pay): what it was to pay them
    f.vneid, f.payment_ref, f.program,
    CASE WHEN b.payment_id IS NOT NULL THEN f.amount
         WHEN f.beneficiary_status = 'active' THEN f.entitled_amount ELSE 0 END AS expected_amount,
    f.amount AS paid_amount,
    -- the payment's own date: a return's is later, and not every file gives it (a post office's
    -- `Chưa nhận` row may have none)
    coalesce('Payment of ' || strftime(f.value_date, '%d/%m/%Y'), 'Payment (no date given)') || ' ' || f.status
        || CASE WHEN b.payment_id IS NOT NULL
                THEN '; a back payment of ' || b.months || ' earlier month(s) (truy lĩnh): they stay unpaid'
                ELSE '; no successful payment to this beneficiary in the period' END
        || CASE WHEN f.beneficiary_status <> 'active'
                THEN '; nothing is due: the beneficiary is ' || f.beneficiary_status ELSE '' END AS detail,
    f.source_file, f.source_row, f.source_sheet, f.full_name, f.payee_name, f.account_number, f.province_code, f.commune_code,
    f.match_method, f.payment_id, f.registry_id
FROM pm AS f
LEFT JOIN cur_back_pay AS b ON b.payment_id = f.payment_id AND b.status <> 'success'
WHERE f.registry_id IS NOT NULL AND f.status IN ('failed', 'returned')
  AND f.repeat_of IS NULL  -- the same failed payment listed again in another input: one finding, one sum at stake
  -- facts.sql: each beneficiary's successful payments in the period, counted; a back payment's months
  -- are unpaid whatever the month's own payment did
  AND (f.registry_id IN (SELECT registry_id FROM cur_beneficiary_paid WHERE paid = 0) OR b.payment_id IS NOT NULL)
