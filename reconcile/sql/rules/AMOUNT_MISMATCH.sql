-- code: AMOUNT_MISMATCH
-- severity: medium
-- en: Total paid to a beneficiary in the period differs from the amount due
-- vi: Tổng số tiền đã chi trong kỳ khác số tiền được hưởng
WITH paid AS (
    SELECT registry_id, CAST(sum(amount) AS BIGINT) AS total, count(*) AS n,
           arg_min(payment_ref, (value_date, source_file, source_row)) AS first_ref,
           arg_min(source_file, (value_date, source_file, source_row)) AS first_file,
           arg_min(source_row, (value_date, source_file, source_row)) AS first_row,
           arg_min(payment_id, (value_date, source_file, source_row)) AS first_payment_id,
           arg_min(payee_name, (value_date, source_file, source_row)) AS first_payee,
           arg_min(account_number, (value_date, source_file, source_row)) AS first_account
    FROM pm
    WHERE registry_id IS NOT NULL AND status = 'success' AND in_period
    GROUP BY registry_id
)
SELECT
    r.vneid, p.first_ref AS payment_ref, r.program, r.entitled_amount AS expected_amount, p.total AS paid_amount,
    'Paid ' || format('{:,}', p.total) || ' in ' || p.n || ' payment(s); due ' || format('{:,}', r.entitled_amount)
        || ' (difference ' || CASE WHEN p.total > r.entitled_amount THEN '+' ELSE '' END
        || format('{:,}', p.total - r.entitled_amount) || ')' AS detail,
    p.first_file AS source_file, p.first_row AS source_row, r.full_name, p.first_payee AS payee_name,
    p.first_account AS account_number, r.province_code, r.commune_code, r.registry_id, p.first_payment_id AS payment_id
FROM cur_registry AS r
JOIN paid AS p USING (registry_id)
WHERE r.is_primary AND r.status = 'active' AND abs(p.total - r.entitled_amount) > $amount_tolerance
