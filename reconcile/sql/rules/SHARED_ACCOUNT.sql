-- code: SHARED_ACCOUNT
-- severity: medium
-- en: One account received payments for several distinct beneficiaries
-- vi: Một tài khoản nhận tiền cho nhiều đối tượng khác nhau
-- an account paid at least as many times as the threshold is the only kind that can be shared by
-- that many beneficiaries: the beneficiaries are told apart only on those (nearly every account is
-- paid once). An account is its number at its bank; a payment that names no bank (a bank's list of
-- its own transfers) is at the bank the account's other payments name, when they name one. A number
-- is its account leading zeros aside (`0456789012`, `456789012`: a spreadsheet's number), as matching
-- reads it: an account no one registered keeps each payment's spelling.
WITH candidates AS (
    SELECT ltrim(account_number, '0') AS account_key
    FROM pm
    WHERE status = 'success' AND account_number IS NOT NULL
    GROUP BY account_key
    HAVING count(*) >= $shared_account_min_beneficiaries
),
paid AS (
    SELECT pm.*, c.account_key, coalesce('id:' || pm.vneid, 'name:' || pm.payee_key) AS who
    FROM pm
    JOIN candidates AS c ON c.account_key = ltrim(pm.account_number, '0')
    WHERE pm.status = 'success'
),
banks AS (  -- the one bank an account's payments name, if they name one
    SELECT account_key, CASE WHEN count(DISTINCT bank_code) = 1 THEN max(bank_code) END AS bank
    FROM paid GROUP BY account_key
),
placed AS (
    SELECT p.*, coalesce(p.bank_code, b.bank) AS account_bank
    FROM paid AS p JOIN banks AS b ON b.account_key = p.account_key
),
shared AS (
    SELECT account_bank, account_key, count(DISTINCT who) AS beneficiaries
    FROM placed GROUP BY account_bank, account_key
    HAVING count(DISTINCT who) >= $shared_account_min_beneficiaries
)
SELECT
    p.vneid, p.payment_ref, p.program, p.entitled_amount AS expected_amount, p.amount AS paid_amount,
    'Account ending ' || right(p.account_number, 4) || ' received payments for ' || s.beneficiaries
        || ' distinct beneficiaries (threshold ' || $shared_account_min_beneficiaries || ')' AS detail,
    p.source_file, p.source_row, p.source_sheet, p.full_name, p.payee_name, p.account_number, p.province_code, p.commune_code,
    p.match_method, p.payment_id, p.registry_id
FROM placed AS p
JOIN shared AS s ON s.account_key = p.account_key AND s.account_bank IS NOT DISTINCT FROM p.account_bank
