-- A return given as a row of its own: a disbursement list, or the bank's list of the month's
-- returns, that gives a transfer as paid and the same transfer as returned on the same day or later
-- (its reference, leading zeros aside, and amount; the same payee, rc_same_payee in macros.sql: two
-- IDs that differ are two people; the same bank, where both name one). The paid row came back: it is
-- marked returned, and the returned row is set aside naming it, so that the money is not counted as
-- paid and the return is no second payment (a statement's returns are paired as it is read:
-- readers/returns_across.py). A returned row listed above a paid one of the same day in the same
-- list is a first attempt that came back, paid again after: no return of it. Several transfers of
-- one reference and amount are paired in date order, the k-th return with the payment of which it is
-- the k-th fit; stage.pair_listed_returns runs this again when it paired any, so that a return whose
-- first fit another took is paired with the next. A returned row without such a paid one stays as it
-- is (a PAYMENT_FAILED when nothing was paid). Run on the staged rows, before they are counted.
CREATE OR REPLACE TEMP TABLE cur_listed_returns AS
WITH returned AS (
    SELECT rowid AS stg_row, file_id, source_sheet, source_row, ltrim(payment_ref, '0') AS ref_key, amount, vneid,
           ltrim(account_number, '0') AS account, payee_key, value_date, bank_code,
           row_number() OVER (ORDER BY value_date, regexp_extract(source_file, '[^/\\]+$'), source_file,
                                       source_sheet, source_row) AS n
    FROM stg_payments
    WHERE status = 'returned' AND payment_ref IS NOT NULL
      -- a returned row that names no payee (`HOAN TRA GD FT02 TK DA DONG`) is the return of the
      -- payment its reference names: paired, it is set aside; else it stays rejected
      AND (reject_reason IS NULL OR reject_reason = 'payee_name missing (and no ID or account to tell who was paid)')
),
paid AS (
    SELECT rowid AS stg_row, file_id, source_file, source_sheet, source_row, ltrim(payment_ref, '0') AS ref_key,
           amount, vneid, ltrim(account_number, '0') AS account, payee_key, value_date, bank_code,
           row_number() OVER (ORDER BY value_date, regexp_extract(source_file, '[^/\\]+$'), source_file,
                                       source_sheet, source_row) AS n
    FROM stg_payments
    WHERE reject_reason IS NULL AND status = 'success'
      AND ltrim(payment_ref, '0') IN (SELECT ref_key FROM returned)
),
-- the pairs of one reference and amount that may be one payee's (rc_same_payee: the same ID; or, one
-- of them without, the same account or name key), each joined on the payee too, and a return that
-- names nobody on its reference and amount alone. Never every pair of a reference and amount: a
-- file may give one reference to every row (a batch's number), and 200,000 paid rows and 2,000
-- returns of one reference were 400 million pairs (25 s; minutes at a million rows)
candidates AS (
    SELECT r.stg_row AS r_row, p.stg_row AS p_row
    FROM returned AS r JOIN paid AS p ON p.ref_key = r.ref_key AND p.amount = r.amount AND p.vneid = r.vneid
    UNION
    SELECT r.stg_row, p.stg_row
    FROM returned AS r JOIN paid AS p ON p.ref_key = r.ref_key AND p.amount = r.amount AND p.account = r.account
    WHERE p.vneid IS NULL OR r.vneid IS NULL
    UNION
    SELECT r.stg_row, p.stg_row
    FROM returned AS r JOIN paid AS p ON p.ref_key = r.ref_key AND p.amount = r.amount AND p.payee_key = r.payee_key
    WHERE p.vneid IS NULL OR r.vneid IS NULL
    UNION
    SELECT r.stg_row, p.stg_row
    FROM returned AS r JOIN paid AS p ON p.ref_key = r.ref_key AND p.amount = r.amount
    WHERE r.vneid IS NULL AND r.account IS NULL AND r.payee_key IS NULL
),
fits AS (  -- each returned row and each paid row it may be the return of
    SELECT r.stg_row AS returned_row, r.n AS rn, p.stg_row AS paid_row, p.n AS pn,
           p.source_file, p.source_sheet, p.source_row,
           r.vneid IS NULL AND r.account IS NULL AND r.payee_key IS NULL AS names_nobody
    FROM candidates AS c
    JOIN returned AS r ON r.stg_row = c.r_row
    JOIN paid AS p ON p.stg_row = c.p_row
    WHERE (p.value_date < r.value_date
           OR (p.value_date = r.value_date
               AND NOT (p.file_id = r.file_id AND p.source_sheet IS NOT DISTINCT FROM r.source_sheet
                        AND r.source_row < p.source_row)))
      AND (p.bank_code = r.bank_code OR p.bank_code IS NULL OR r.bank_code IS NULL)
      AND (rc_same_payee(p.vneid, r.vneid, p.account, r.account, p.payee_key, r.payee_key)
           OR (r.vneid IS NULL AND r.account IS NULL AND r.payee_key IS NULL))
),
ranked AS (  -- the k-th fit of a returned row is the paid row to which it is the k-th fit: in date order
    SELECT *, row_number() OVER (PARTITION BY returned_row ORDER BY pn) AS k_of_returned,
              row_number() OVER (PARTITION BY paid_row ORDER BY rn) AS k_of_paid
    FROM fits
    -- a returned row that names nobody returns a payment only where one alone fits it: of two paid
    -- rows of its reference and amount (to two people), it names neither, and stays rejected
    QUALIFY NOT (names_nobody AND count(*) OVER (PARTITION BY returned_row) > 1)
),
pairs AS (
    SELECT * FROM ranked WHERE k_of_returned = k_of_paid
    QUALIFY row_number() OVER (PARTITION BY returned_row ORDER BY pn) = 1
)
SELECT returned_row, paid_row,
       'returned: the same transfer as the payment in ' || regexp_extract(source_file, '[^/\\]+$')
           || coalesce(' (sheet ' || source_sheet || ')', '') || ' row ' || source_row
           || ', which is marked returned (not a second payment)' AS reason
FROM pairs
QUALIFY row_number() OVER (PARTITION BY paid_row ORDER BY rn) = 1;

UPDATE stg_payments AS s SET status = 'returned'
FROM cur_listed_returns AS l WHERE s.rowid = l.paid_row;

UPDATE stg_payments AS s SET reject_reason = l.reason, set_aside = true
FROM cur_listed_returns AS l WHERE s.rowid = l.returned_row;
