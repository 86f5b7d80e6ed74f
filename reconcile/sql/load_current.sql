-- The run's loaded rows, with row ids that depend only on each file's name and the rows' content
-- (not on the order the files were given in, how their paths were spelled, or the order of the rows
-- in a file: the row number only separates rows that are alike in every column). When an ID is
-- listed more than once in a programme, the row used for matching (is_primary) is likewise chosen
-- by content, whatever file it is in: a row that says the person died, then one that says the
-- programme ended, then suspended, before an active one (a list of reductions given beside the
-- month's list is the newer word: the person is not due, and a payment to him is flagged), then
-- the smaller amount, then name, account, date of birth and every other column the row holds
-- (two rows of one person differing only in their commune chose by their order in the file, and
-- the share counted the person in one province or another). The rejected rows are rejected.sql's.
-- The ids are computed over the sort keys and each row's place in the staging table alone, then
-- written into the staged rows: a window carries every column of its input through its sort, and
-- the staging tables are wide. At 10M rows this halves the windows' work (bench/HISTORY.md).
-- A registry row's id is its rank in the order (file, ID, programme, amount, name, account, status,
-- date of birth, every other column, row). Nearly every ID is listed once, so the rank by (file, ID)
-- alone is the row's id; the rows of an ID listed more than once share that rank, and are told apart by the
-- rest of the order among themselves alone (`within`): the same ids as one sort of every row by
-- every key, at a third of the cost. An ID listed once is its programme's primary row.
CREATE OR REPLACE TEMP TABLE cur_registry_ids AS
WITH listed_twice AS (
    SELECT vneid FROM stg_registry WHERE reject_reason IS NULL GROUP BY vneid HAVING count(*) > 1
),
ties AS (
    SELECT
        s.rowid AS stg_row,
        row_number() OVER (PARTITION BY f.file_order, s.vneid
                           ORDER BY s.program, s.entitled_amount, s.full_name, s.account_number,
                                    s.status, s.date_of_birth,
                                    s.birth_year, s.gender, s.category, s.channel, s.bank_code,
                                    s.province_code, s.district_code, s.commune_code, s.date_of_death,
                                    s.province_code_2025, s.area_note, s.vneid_restored,
                                    s.source_row) - 1 AS within,
        row_number() OVER (PARTITION BY s.vneid, s.program
                           ORDER BY CASE s.status WHEN 'deceased' THEN 0 WHEN 'terminated' THEN 1
                                                  WHEN 'suspended' THEN 2 ELSE 3 END,
                                    s.entitled_amount, s.full_name, s.account_number, s.status, s.date_of_birth,
                                    s.birth_year, s.gender, s.category, s.channel, s.bank_code,
                                    s.province_code, s.district_code, s.commune_code, s.date_of_death,
                                    s.province_code_2025, s.area_note, s.vneid_restored,
                                    f.file_order, s.source_row) = 1 AS is_primary
    FROM stg_registry AS s
    JOIN cur_files AS f USING (file_id)
    JOIN listed_twice AS l ON l.vneid IS NOT DISTINCT FROM s.vneid
    WHERE s.reject_reason IS NULL
)
SELECT
    s.rowid AS stg_row,
    rank() OVER (ORDER BY f.file_order, s.vneid) + coalesce(t.within, 0) AS registry_id,
    f.file_order,
    coalesce(t.is_primary, true) AS is_primary
FROM stg_registry AS s
JOIN cur_files AS f USING (file_id)
LEFT JOIN ties AS t ON t.stg_row = s.rowid
WHERE s.reject_reason IS NULL;

-- The ids are written into the staged rows, and the run's registry is a view of those loaded: a
-- copy of every row with its id cost a wide table's write (0.5 s of the 1M month in memory, 13 s
-- of the 10M month on disk), where filling three columns costs a fifth of it (bench/HISTORY.md).
ALTER TABLE stg_registry ADD COLUMN registry_id BIGINT;
ALTER TABLE stg_registry ADD COLUMN file_order INTEGER;
ALTER TABLE stg_registry ADD COLUMN is_primary BOOLEAN;
UPDATE stg_registry AS s
SET registry_id = i.registry_id, file_order = i.file_order, is_primary = i.is_primary
FROM cur_registry_ids AS i
WHERE s.rowid = i.stg_row;

CREATE OR REPLACE TEMP VIEW cur_registry AS
SELECT registry_id, * EXCLUDE (registry_id, reject_reason, file_order, is_primary), file_order, is_primary
FROM stg_registry
WHERE reject_reason IS NULL;

DROP TABLE cur_registry_ids;

-- The references used more than once in a file, among the loaded payments (few): the payments of
-- one such reference are told apart by their content below, and DUPLICATE_PAYMENT looks for a
-- reference paid twice among them alone, instead of grouping every payment by its reference
-- (that grouping took two thirds of the finding: 0.17 of 0.25 CPU s at 1M, bench/HISTORY.md).
CREATE OR REPLACE TEMP TABLE cur_refs_twice AS
SELECT file_id, payment_ref FROM stg_payments WHERE reject_reason IS NULL
GROUP BY file_id, payment_ref HAVING count(*) > 1;

-- A payment's id is its rank in the order (file, reference, ID, amount, value date, account, name,
-- status, channel, every other column, row): by (file, reference) alone, and the rest of the order
-- only among the rows of a reference used more than once in its file, as for the registry.
CREATE OR REPLACE TEMP TABLE cur_payment_ids AS
WITH ties AS (
    SELECT
        s.rowid AS stg_row,
        row_number() OVER (PARTITION BY s.file_id, s.payment_ref
                           ORDER BY s.vneid, s.amount, s.value_date, s.account_number,
                                    s.payee_name, s.status, s.channel, s.bank_code, s.program, s.narrative,
                                    s.bank_ref, s.date_of_birth, s.birth_year, s.vneid_source, s.vneid_note,
                                    s.source_row) - 1 AS within
    FROM stg_payments AS s
    JOIN cur_refs_twice AS u ON u.file_id = s.file_id AND u.payment_ref IS NOT DISTINCT FROM s.payment_ref
    WHERE s.reject_reason IS NULL
)
SELECT
    s.rowid AS stg_row,
    rank() OVER (ORDER BY f.file_order, s.payment_ref) + coalesce(t.within, 0) AS payment_id,
    f.file_order
FROM stg_payments AS s
JOIN cur_files AS f USING (file_id)
LEFT JOIN ties AS t ON t.stg_row = s.rowid
WHERE s.reject_reason IS NULL;

ALTER TABLE stg_payments ADD COLUMN payment_id BIGINT;
ALTER TABLE stg_payments ADD COLUMN file_order INTEGER;
UPDATE stg_payments AS s
SET payment_id = i.payment_id, file_order = i.file_order
FROM cur_payment_ids AS i
WHERE s.rowid = i.stg_row;

CREATE OR REPLACE TEMP VIEW cur_payments AS
SELECT payment_id, * EXCLUDE (payment_id, reject_reason, file_order), file_order
FROM stg_payments
WHERE reject_reason IS NULL;

DROP TABLE cur_payment_ids;

-- A payment an earlier input (in name order) already holds: the same reference, amount and payee
-- (the same ID, account, leading zeros aside, or name) and outcome (paid, or not: failed and returned
-- alike), for the same bank or where either file names none. It is the same payment listed twice (the same batch as CSV and as camt, a re-saved
-- copy, a row copied onto a second sheet). repeat_of is the first such payment; the payment counts
-- once in the non-cash share, and DUPLICATE_PAYMENT names both files. Two sources that number their
-- rows alike (a bank's reference 1 and the post office's 1) pay different people: no repeat. A
-- table of its own (few rows), joined where it is read, rather than a copy of every payment.
CREATE OR REPLACE TEMP TABLE cur_repeats AS
WITH keyed AS (  -- a payment's references: its own, and the bank's (a statement's camt AcctSvcrRef, an
    -- MT940 reference after //), so that one statement as camt and as MT940, which put different
    -- ones first, is the same batch; without leading zeros (a copy whose numeric references Excel
    -- re-saved as numbers, 00000123 as 123, is the same batch)
    SELECT payment_id, file_order, ltrim(payment_ref, '0') AS ref_key FROM cur_payments
    UNION ALL
    SELECT payment_id, file_order, ltrim(bank_ref, '0') FROM cur_payments WHERE bank_ref IS NOT NULL
    UNION ALL  -- a list numbered by its rows, having no references (readers/signed.py's refs_by_row): the
    -- same payee, amount and day in two inputs is the same payout listed twice (the post office's list as
    -- .xlsx and as .csv, its rows numbered 3 apart); keyed so that no reference of a bank's is matched
    SELECT payment_id, file_order,
           'row ' || coalesce(vneid, payee_key, account_number) || ' ' || CAST(amount AS VARCHAR) || ' '
               || coalesce(CAST(value_date AS VARCHAR), '')
    FROM cur_payments WHERE payment_ref = CAST(source_row AS VARCHAR)
),
shared AS (  -- the references found in more than one input: few, so the pairs are found among few
    SELECT k.ref_key, p.* FROM keyed AS k JOIN cur_payments AS p ON p.payment_id = k.payment_id
    WHERE k.ref_key IN (SELECT ref_key FROM keyed GROUP BY ref_key HAVING min(file_order) < max(file_order))
)
SELECT b.payment_id, min(a.payment_id) AS repeat_of
FROM shared AS b
JOIN shared AS a
  ON a.ref_key = b.ref_key AND a.amount = b.amount AND a.file_order < b.file_order
 AND (a.status = 'success') = (b.status = 'success')  -- a failed listing and a successful one: two events
 AND (a.bank_code = b.bank_code OR a.bank_code IS NULL OR b.bank_code IS NULL)
 AND (a.vneid = b.vneid OR ltrim(a.account_number, '0') = ltrim(b.account_number, '0')
      OR a.payee_key = b.payee_key)
GROUP BY b.payment_id;
