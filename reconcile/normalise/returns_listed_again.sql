-- A return of a payment another input already gives as returned, once returns_listed.sql has paired
-- what it could: the bank's list of returns beside a statement whose debit its reversal marked
-- returned, or beside a disbursement list that lists the return too. The same transfer (reference,
-- leading zeros aside, amount, payee by rc_same_payee, bank where both name one), returned
-- in another file and dated before it: the returned row is that payment's return, set aside naming it,
-- not a second failed payment (which would name the return's date and file as the payment's). Within
-- one list, two returned rows of one reference are two attempts that came back: both stay.
CREATE OR REPLACE TEMP TABLE cur_listed_again AS
WITH returned AS (
    SELECT rowid AS stg_row, file_id, source_file, source_sheet, source_row, ltrim(payment_ref, '0') AS ref_key,
           amount, vneid, ltrim(account_number, '0') AS account, payee_key, value_date, bank_code
    FROM stg_payments
    WHERE reject_reason IS NULL AND status = 'returned' AND payment_ref IS NOT NULL
),
-- the pairs of one reference and amount that may be one payee's, joined on the payee too (as in
-- returns_listed.sql: never every pair of a reference a file may give every row)
candidates AS (
    SELECT r.stg_row AS r_row, q.stg_row AS q_row
    FROM returned AS r JOIN returned AS q ON q.ref_key = r.ref_key AND q.amount = r.amount AND q.vneid = r.vneid
    UNION
    SELECT r.stg_row, q.stg_row
    FROM returned AS r JOIN returned AS q ON q.ref_key = r.ref_key AND q.amount = r.amount AND q.account = r.account
    WHERE q.vneid IS NULL OR r.vneid IS NULL
    UNION
    SELECT r.stg_row, q.stg_row
    FROM returned AS r JOIN returned AS q ON q.ref_key = r.ref_key AND q.amount = r.amount AND q.payee_key = r.payee_key
    WHERE q.vneid IS NULL OR r.vneid IS NULL
),
earlier AS (  -- each returned row and the returned payments of other files it may be the return of
    SELECT r.stg_row AS returned_row, q.source_file, q.source_sheet, q.source_row,
           row_number() OVER (PARTITION BY r.stg_row
                              ORDER BY q.value_date, regexp_extract(q.source_file, '[^/\\]+$'), q.source_file,
                                       q.source_sheet, q.source_row) AS k
    FROM candidates AS c
    JOIN returned AS r ON r.stg_row = c.r_row
    JOIN returned AS q ON q.stg_row = c.q_row AND q.file_id <> r.file_id
    WHERE q.value_date < r.value_date
      AND (q.bank_code = r.bank_code OR q.bank_code IS NULL OR r.bank_code IS NULL)
      AND rc_same_payee(q.vneid, r.vneid, q.account, r.account, q.payee_key, r.payee_key)
)
SELECT returned_row,
       'returned: the return of the payment in ' || regexp_extract(source_file, '[^/\\]+$')
           || coalesce(' (sheet ' || source_sheet || ')', '') || ' row ' || source_row
           || ', which is marked returned there (not a second payment)' AS reason
FROM earlier
WHERE k = 1;

UPDATE stg_payments AS s SET reject_reason = l.reason, set_aside = true
FROM cur_listed_again AS l WHERE s.rowid = l.returned_row;

DROP TABLE cur_listed_again;
