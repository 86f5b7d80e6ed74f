-- code: SHARED_ACCOUNT
-- severity: medium
-- en: One account received payments for several distinct beneficiaries
-- vi: Một tài khoản nhận tiền cho nhiều đối tượng khác nhau
-- an account paid at least as many times as the threshold is the only kind that can be shared by
-- that many beneficiaries: the beneficiaries are told apart only on those (nearly every account is
-- paid once)
WITH candidates AS (
    SELECT bank_code, account_number
    FROM pm
    WHERE status = 'success' AND account_number IS NOT NULL
    GROUP BY bank_code, account_number
    HAVING count(*) >= $shared_account_min_beneficiaries
),
paid AS (
    SELECT pm.*, coalesce('id:' || pm.vneid, 'name:' || pm.payee_key) AS who
    FROM pm
    JOIN candidates AS c ON c.account_number = pm.account_number AND c.bank_code IS NOT DISTINCT FROM pm.bank_code
    WHERE pm.status = 'success'
),
shared AS (
    SELECT bank_code, account_number, count(DISTINCT who) AS beneficiaries
    FROM paid GROUP BY bank_code, account_number
    HAVING count(DISTINCT who) >= $shared_account_min_beneficiaries
)
SELECT
    p.vneid, p.payment_ref, p.program, p.entitled_amount AS expected_amount, p.amount AS paid_amount,
    'Account ending ' || right(p.account_number, 4) || ' received payments for ' || s.beneficiaries
        || ' distinct beneficiaries (threshold ' || $shared_account_min_beneficiaries || ')' AS detail,
    p.source_file, p.source_row, p.source_sheet, p.full_name, p.payee_name, p.account_number, p.province_code, p.commune_code,
    p.match_method, p.payment_id, p.registry_id
FROM paid AS p
JOIN shared AS s ON s.account_number = p.account_number AND s.bank_code IS NOT DISTINCT FROM p.bank_code
