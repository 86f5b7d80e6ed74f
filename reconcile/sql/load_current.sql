-- The run's loaded rows, with row ids that depend only on each file's name and the rows' content
-- (not on the order the files were given in, how their paths were spelled, or the order of the rows
-- in a file: the row number only separates rows that are alike in every column). When an ID is
-- listed more than once in a programme, the row used for matching (is_primary) is likewise chosen
-- by content: an active row before one that is not, then the smaller amount, then name, account,
-- status, date of birth. The rejected rows are rejected.sql's.
-- The ids are computed over the sort keys and each row's place in the staging table alone, then
-- joined back: a window carries every column of its input through its sort, and the staging tables
-- are wide. At 10M rows this halves the windows' work (bench/README.md).
CREATE OR REPLACE TEMP TABLE cur_registry_ids AS
SELECT
    s.rowid AS stg_row,
    row_number() OVER (ORDER BY f.file_order, s.vneid, s.program, s.entitled_amount, s.full_name, s.account_number,
                                s.status, s.date_of_birth, s.source_row) AS registry_id,
    row_number() OVER (PARTITION BY s.vneid, s.program
                       ORDER BY f.file_order, s.status <> 'active', s.entitled_amount, s.full_name, s.account_number,
                                s.status, s.date_of_birth, s.source_row) = 1 AS is_primary
FROM stg_registry AS s
JOIN cur_files AS f USING (file_id)
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE cur_registry AS
SELECT i.registry_id, s.* EXCLUDE (reject_reason), f.file_order, i.is_primary
FROM stg_registry AS s
JOIN cur_registry_ids AS i ON s.rowid = i.stg_row
JOIN cur_files AS f USING (file_id);

DROP TABLE cur_registry_ids;

CREATE OR REPLACE TEMP TABLE cur_payment_ids AS
SELECT
    s.rowid AS stg_row,
    row_number() OVER (ORDER BY f.file_order, s.payment_ref, s.vneid, s.amount, s.value_date, s.account_number,
                                s.payee_name, s.status, s.channel, s.source_row) AS payment_id
FROM stg_payments AS s
JOIN cur_files AS f USING (file_id)
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE cur_payments AS
SELECT i.payment_id, s.* EXCLUDE (reject_reason), f.file_order
FROM stg_payments AS s
JOIN cur_payment_ids AS i ON s.rowid = i.stg_row
JOIN cur_files AS f USING (file_id);

DROP TABLE cur_payment_ids;

-- A payment an earlier input (in name order) already holds: the same reference, amount and payee
-- (the same ID, account, leading zeros aside, or name), for the same bank or where either file
-- names none. It is the same payment listed twice (the same batch as CSV and as camt, a re-saved
-- copy, a row copied onto a second sheet). repeat_of is the first such payment; the payment counts
-- once in the non-cash share, and DUPLICATE_PAYMENT names both files. Two sources that number their
-- rows alike (a bank's reference 1 and the post office's 1) pay different people: no repeat. A
-- table of its own (few rows), joined where it is read, rather than a copy of every payment.
CREATE OR REPLACE TEMP TABLE cur_repeats AS
WITH shared AS (  -- the references found in more than one input: few, so the pairs are found among few
    SELECT * FROM cur_payments
    WHERE payment_ref IN (SELECT payment_ref FROM cur_payments GROUP BY payment_ref
                          HAVING min(file_order) < max(file_order))
)
SELECT b.payment_id, min(a.payment_id) AS repeat_of
FROM shared AS b
JOIN shared AS a
  ON a.payment_ref = b.payment_ref AND a.amount = b.amount AND a.file_order < b.file_order
 AND (a.bank_code = b.bank_code OR a.bank_code IS NULL OR b.bank_code IS NULL)
 AND (a.vneid = b.vneid OR ltrim(a.account_number, '0') = ltrim(b.account_number, '0')
      OR a.payee_key = b.payee_key)
GROUP BY b.payment_id;
