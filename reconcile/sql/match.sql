-- Tie each payment to at most one beneficiary (a primary registry row), recording how:
--   vneid / narrative_vneid  the payment's ID (from its ID column / from its narrative) equals the beneficiary's
--                            (also when both carry the same invalid ID: INVALID_VNEID reports that);
--   account                  no usable ID: the account number is registered to exactly one beneficiary (as
--                            written, else leading zeros aside);
--   name_dob                 no usable ID, no account match: the same name key and date of birth, one candidate;
--   name_year                no usable ID, no account match, no candidate by name_dob: the same name key and
--                            year of birth where one side gives the year alone (a post office's list:
--                            `1953`, `00/00/1953`), one candidate;
--   name                     as name_dob without a date of birth, only with matching.name_without_dob,
--                            and only when the name key is unique in the registry.
-- A payment that states its programme is matched only within that programme; when a person is in
-- both, the programme whose amount due is closest to the payment wins.
CREATE OR REPLACE TEMP TABLE cur_matches AS
WITH reg AS NOT MATERIALIZED (
    -- only the columns the passes compare. Every pass reads it, and DuckDB would keep such a CTE
    -- whole: at 10M, 10M rows of eight columns, spilled to disk (2 GB) and read back. With each
    -- pass reading cur_registry itself, the statement took 6-10 s instead of 17-20 s (bench/README.md)
    SELECT registry_id, vneid, program, entitled_amount, account_number, bank_code, name_key, date_of_birth,
           birth_year
    FROM cur_registry WHERE is_primary
),
-- the IDs two primary rows hold: a person in both programmes (few). A payment with any other ID has
-- one candidate, taken as it is; only these are chosen among, by the closest amount due, then
-- programme and row (grouping every payment took a third of the matching)
in_both AS (
    SELECT vneid FROM reg WHERE vneid IS NOT NULL GROUP BY vneid HAVING count(*) > 1
),
id_pairs AS (  -- read twice: DuckDB keeps it
    SELECT p.payment_id, p.amount, r.registry_id, r.program, r.entitled_amount,
           r.vneid IN (SELECT vneid FROM in_both) AS in_both,
           CASE p.vneid_source WHEN 'narrative' THEN 'narrative_vneid' ELSE 'vneid' END AS method
    FROM cur_payments AS p
    JOIN reg AS r ON r.vneid = p.vneid AND (p.program IS NULL OR p.program = r.program)
    WHERE p.vneid IS NOT NULL
),
by_id AS (
    SELECT payment_id, registry_id, method FROM id_pairs WHERE NOT in_both
    UNION ALL
    SELECT payment_id, arg_min(registry_id, (abs(entitled_amount - amount), program, registry_id)), any_value(method)
    FROM id_pairs WHERE in_both
    GROUP BY payment_id
),
no_id AS (
    -- no usable ID: none, an invalid one, or a number found in the narrative that is nobody's ID
    -- (a 12-digit account number in the narrative must not block the account match)
    SELECT payment_id, amount, program, account_number, bank_code, payee_key, date_of_birth, birth_year
    FROM cur_payments
    WHERE payment_id NOT IN (SELECT payment_id FROM by_id)
      AND (NOT rc_vneid_valid(coalesce(vneid, '')) OR vneid_source = 'narrative')
),
account_pairs AS (
    SELECT p.payment_id, p.amount, r.registry_id, r.vneid, r.entitled_amount, r.program
    FROM no_id AS p
    JOIN reg AS r ON r.account_number = p.account_number
        AND (p.bank_code = r.bank_code OR NOT rc_bank_known(p.bank_code) OR NOT rc_bank_known(r.bank_code))
        AND (p.program IS NULL OR p.program = r.program)
),
-- compared without leading zeros, for the payments whose account no registered one equals as
-- written: a spreadsheet cell that held the number as a number lost them (on either side)
account_pairs_zeros AS (
    SELECT p.payment_id, p.amount, r.registry_id, r.vneid, r.entitled_amount, r.program
    FROM (SELECT * FROM no_id WHERE payment_id NOT IN (SELECT payment_id FROM account_pairs)) AS p
    JOIN reg AS r ON ltrim(r.account_number, '0') = ltrim(p.account_number, '0') AND ltrim(p.account_number, '0') <> ''
        AND (p.bank_code = r.bank_code OR NOT rc_bank_known(p.bank_code) OR NOT rc_bank_known(r.bank_code))
        AND (p.program IS NULL OR p.program = r.program)
),
by_account AS (
    -- one person may hold the account in both programmes: count people, and pick the programme
    -- as the ID match does (the one whose amount due equals the payment)
    SELECT payment_id, registry_id, 'account' AS method,
           count(DISTINCT vneid) OVER (PARTITION BY payment_id) AS candidates,
           row_number() OVER (PARTITION BY payment_id ORDER BY abs(entitled_amount - amount), program, registry_id) AS rk
    FROM (SELECT * FROM account_pairs UNION ALL SELECT * FROM account_pairs_zeros)
),
after_account AS (
    SELECT * FROM no_id
    WHERE payment_id NOT IN (SELECT payment_id FROM by_account WHERE candidates = 1 AND rk = 1)
),
by_name_dob AS (
    SELECT p.payment_id, r.registry_id, 'name_dob' AS method,
           count(DISTINCT r.vneid) OVER (PARTITION BY p.payment_id) AS candidates,
           row_number() OVER (PARTITION BY p.payment_id
                              ORDER BY abs(r.entitled_amount - p.amount), r.program, r.registry_id) AS rk
    FROM after_account AS p
    JOIN reg AS r ON r.name_key = p.payee_key AND r.date_of_birth = p.date_of_birth
        AND (p.program IS NULL OR p.program = r.program)
),
-- a payment no one of its name has its date of birth, where one side gives the year alone: the
-- year compared (two people of the name born that year: no one)
by_name_year AS (
    SELECT p.payment_id, r.registry_id, 'name_year' AS method,
           count(DISTINCT r.vneid) OVER (PARTITION BY p.payment_id) AS candidates,
           row_number() OVER (PARTITION BY p.payment_id
                              ORDER BY abs(r.entitled_amount - p.amount), r.program, r.registry_id) AS rk
    FROM (SELECT * FROM after_account WHERE payment_id NOT IN (SELECT payment_id FROM by_name_dob)) AS p
    JOIN reg AS r ON r.name_key = p.payee_key AND r.birth_year = p.birth_year
        AND (p.date_of_birth IS NULL OR r.date_of_birth IS NULL)
        AND (p.program IS NULL OR p.program = r.program)
),
-- the name alone, only where the payment gives no year of birth either
by_name AS (
    SELECT p.payment_id, r.registry_id, 'name' AS method,
           count(DISTINCT r.vneid) OVER (PARTITION BY p.payment_id) AS candidates,
           row_number() OVER (PARTITION BY p.payment_id
                              ORDER BY abs(r.entitled_amount - p.amount), r.program, r.registry_id) AS rk
    FROM after_account AS p
    JOIN reg AS r ON r.name_key = p.payee_key AND (p.program IS NULL OR p.program = r.program)
    WHERE $name_without_dob AND p.date_of_birth IS NULL AND p.birth_year IS NULL
),
chosen AS (
    SELECT payment_id, registry_id, method FROM by_id
    UNION ALL
    SELECT payment_id, registry_id, method FROM by_account WHERE candidates = 1 AND rk = 1
    UNION ALL
    SELECT payment_id, registry_id, method FROM by_name_dob WHERE candidates = 1 AND rk = 1
    UNION ALL
    SELECT payment_id, registry_id, method FROM by_name_year WHERE candidates = 1 AND rk = 1
    UNION ALL
    SELECT payment_id, registry_id, method FROM by_name WHERE candidates = 1 AND rk = 1
)
-- the ids and the method alone: pm joins the payment and the beneficiary to them, and the stored
-- matches are read from pm (store.STORED_SOURCES)
SELECT payment_id, registry_id, method FROM chosen;
