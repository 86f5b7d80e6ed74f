-- code: AMOUNT_MISMATCH
-- severity: medium
-- en: Total paid to a beneficiary in the period differs from the amount due
-- vi: Tổng số tiền đã chi trong kỳ khác số tiền được hưởng
-- (a back payment of earlier months, truy lĩnh, that fits, is not this month's: facts.sql's cur_back_pay)
WITH totals AS (  -- facts.sql: each beneficiary's successful payments in the period, counted and summed
    SELECT registry_id, total, paid AS n FROM cur_beneficiary_paid WHERE paid > 0
),
mismatched AS (
    SELECT r.*, t.total, t.n
    FROM cur_registry AS r
    JOIN totals AS t USING (registry_id)
    WHERE r.is_primary AND r.status = 'active' AND abs(t.total - r.entitled_amount) > $amount_tolerance
),
-- the evidence is the earliest payment (by value date, then reference: not by position)
first_payment AS (
    SELECT *, row_number() OVER (PARTITION BY registry_id ORDER BY value_date, payment_ref, payment_id) AS nth
    FROM pm
    WHERE registry_id IN (SELECT registry_id FROM mismatched) AND status = 'success' AND in_period
      AND repeat_of IS NULL AND payment_id NOT IN (SELECT payment_id FROM cur_back_pay)
      AND payment_id NOT IN (SELECT payment_id FROM cur_paid_ahead WHERE NOT this_month)
)
SELECT
    m.vneid, f.payment_ref, m.program, m.entitled_amount AS expected_amount, m.total AS paid_amount,
    'Paid ' || format('{:,}', m.total) || ' in ' || m.n || ' payment(s); due ' || format('{:,}', m.entitled_amount)
        || ' (difference ' || CASE WHEN m.total > m.entitled_amount THEN '+' ELSE '' END
        || format('{:,}', m.total - m.entitled_amount) || ')' AS detail,
    f.source_file, f.source_row, f.source_sheet, m.full_name, f.payee_name, f.account_number, m.province_code, m.commune_code,
    f.match_method, m.registry_id, f.payment_id
FROM mismatched AS m
JOIN first_payment AS f ON f.registry_id = m.registry_id AND f.nth = 1
