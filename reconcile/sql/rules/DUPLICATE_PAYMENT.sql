-- code: DUPLICATE_PAYMENT
-- severity: high
-- en: More than one successful payment to the same beneficiary and programme in the period, or the same payment reference twice
-- vi: Chi trùng: nhiều khoản chi thành công cho cùng một đối tượng và chế độ trong kỳ, hoặc trùng số tham chiếu
-- The windows see only the rows that can be a second payment: those of beneficiaries paid more
-- than once, and of references used more than once in a file (few; a window sorts what it sees)
WITH paid_twice AS (  -- facts.sql: each beneficiary's successful payments in the period, counted
    SELECT registry_id FROM cur_beneficiary_paid WHERE paid > 1
),
per_beneficiary AS (
    SELECT payment_id,
           row_number() OVER w AS nth,
           count(*) OVER (PARTITION BY registry_id) AS n,
           first_value(payment_ref) OVER w AS first_ref,
           first_value(source_file) OVER w AS first_file
    FROM pm
    WHERE registry_id IN (SELECT registry_id FROM paid_twice) AND status = 'success' AND in_period
      AND repeat_of IS NULL  -- a payment listed again is reason 3, not a second payment
      -- facts.sql: a back payment of earlier months (truy lĩnh) that fits is no second payment of this
      -- one, nor a payment of the months after it alone (cur_paid_ahead, not this_month)
      AND payment_id NOT IN (SELECT payment_id FROM cur_back_pay)
      AND payment_id NOT IN (SELECT payment_id FROM cur_paid_ahead WHERE NOT this_month)
    -- the first is the earliest, then by reference: not by position, so that the same rows in
    -- another order give the same findings
    WINDOW w AS (PARTITION BY registry_id ORDER BY value_date, payment_ref, payment_id)
),
used_twice AS (  -- load_current.sql: the references used more than once in a file, few
    SELECT pm.file_id, pm.payment_ref, pm.bank_ref
    FROM pm
    JOIN cur_refs_twice AS t ON t.file_id = pm.file_id AND t.payment_ref IS NOT DISTINCT FROM pm.payment_ref
    WHERE pm.status = 'success'
    GROUP BY pm.file_id, pm.payment_ref, pm.bank_ref
    HAVING count(*) > 1
),
per_reference AS (
    SELECT pm.payment_id,
           row_number() OVER w AS nth
    FROM pm
    JOIN used_twice AS u
      ON u.file_id = pm.file_id AND u.payment_ref IS NOT DISTINCT FROM pm.payment_ref
     AND u.bank_ref IS NOT DISTINCT FROM pm.bank_ref
    WHERE pm.status = 'success'
    -- one reference on transfers the bank tells apart by its own references is no reuse (statements
    -- carry one end-to-end id over many transfers); the same beneficiary paid twice is reason 1
    WINDOW w AS (PARTITION BY pm.file_id, pm.payment_ref, pm.bank_ref ORDER BY pm.value_date, pm.payment_id)
),
paid_again AS (  -- facts.sql: this month paid ahead by an earlier month's payment, paid again (few)
    SELECT pm.payment_id, e.paid_in, e.paid_by
    FROM pm
    JOIN cur_paid_earlier AS e USING (registry_id)
    WHERE pm.status = 'success' AND pm.in_period AND pm.repeat_of IS NULL
      AND pm.payment_id NOT IN (SELECT payment_id FROM cur_back_pay)
      AND pm.payment_id NOT IN (SELECT payment_id FROM cur_paid_ahead WHERE NOT this_month)
),
-- A detail names the other payment by its reference and file, not by its row: rows move when a
-- file is sorted or re-exported, and the finding (and its flat export) must not move with them.
reasons AS (
    SELECT payment_id, 1 AS k,
           'Payment ' || nth || ' of ' || n || ' successful to this beneficiary in the period; the first is '
               || first_ref || ' in ' || regexp_extract(first_file, '[^/\\]+$') AS reason
    FROM per_beneficiary WHERE nth > 1
    UNION ALL
    SELECT payment_id, 2,
           'Payment reference also used by another successful payment in this file'
    FROM per_reference WHERE nth > 1
    UNION ALL
    -- the same reference in an earlier input (load_current.sql's repeat_of): counted once in the share
    SELECT b.payment_id, 3,
           'Payment reference also in ' || regexp_extract(a.source_file, '[^/\\]+$')
               || coalesce(' (sheet ' || a.source_sheet || ')', '')
    FROM (SELECT payment_id, repeat_of FROM pm WHERE repeat_of IS NOT NULL AND status = 'success') AS b
    JOIN pm AS a ON a.payment_id = b.repeat_of
    UNION ALL
    SELECT payment_id, 4, 'This month was paid already, with ' || paid_in || ', by ' || paid_by
    FROM paid_again
),
one_per_payment AS (
    SELECT payment_id, string_agg(reason, '; ' ORDER BY k) AS detail FROM reasons GROUP BY payment_id
)
-- a payment matched to no one (an UNKNOWN_PAYEE) under its own ID, as UNKNOWN_PAYEE names it
SELECT
    coalesce(pm.vneid, pm.payee_vneid) AS vneid, pm.payment_ref, pm.program, pm.entitled_amount AS expected_amount,
    pm.amount AS paid_amount,
    d.detail, pm.source_file, pm.source_row, pm.source_sheet, pm.full_name, pm.payee_name, pm.account_number,
    pm.province_code, pm.commune_code, pm.match_method, pm.payment_id, pm.registry_id
FROM one_per_payment AS d
JOIN pm USING (payment_id)
