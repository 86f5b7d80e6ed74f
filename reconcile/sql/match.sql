-- Tie each payment to at most one beneficiary (a primary registry row), recording how:
--   vneid / narrative_vneid  the payment's ID (from its ID column / from its narrative) equals the beneficiary's
--                            (also when both carry the same invalid ID: INVALID_VNEID reports that);
--   account                  no usable ID: the account number is registered to exactly one beneficiary (as
--                            written, else leading zeros aside), or to several of whom one has the payee's
--                            name, the month's payments into it giving two names or more (a couple's account);
--   name_dob                 no usable ID, no account match: the same name key and date of birth, one candidate;
--   name_year                no usable ID, no account match, no candidate by name_dob: the same name key and
--                            year of birth where one side gives the year alone (a post office's list:
--                            `1953`, `00/00/1953`), one candidate;
--   name                     as name_dob without a date of birth, only with matching.name_without_dob,
--                            and only when the name key is unique in the registry.
-- A payment that states its programme in its programme column is matched only within that
-- programme. A payment found for a person in both programmes (two primary rows) is for one of the
-- two rows, chosen in the second statement.
--
-- cur_match_found: the passes' answer, a payment's one row, or, for a person in both programmes,
-- each of the person's rows the payment may be for (in_both: one where its programme column or its
-- account says which). The choice among these is a statement of its own, over the few rows in
-- both: within this one, Spark planned every pass again for each of its reads of them and ran out
-- of memory planning it.
CREATE OR REPLACE TEMP TABLE cur_match_found AS
WITH reg AS NOT MATERIALIZED (
    -- only the columns the passes compare. Every pass reads it, and DuckDB would keep such a CTE
    -- whole: at 10M, 10M rows of eight columns, spilled to disk (2 GB) and read back. With each
    -- pass reading cur_registry itself, the statement took 6-10 s instead of 17-20 s (bench/HISTORY.md)
    SELECT registry_id, vneid, program, entitled_amount, account_number, bank_code, name_key, date_of_birth,
           birth_year
    FROM cur_registry WHERE is_primary
),
-- the IDs two primary rows hold: a person in both programmes (few). A payment with any other ID has
-- one candidate, taken as it is; only these are chosen among, in the next statement (grouping every
-- payment took a third of the matching)
in_both AS (
    SELECT vneid FROM reg WHERE vneid IS NOT NULL GROUP BY vneid HAVING count(*) > 1
),
by_id AS (  -- read twice: DuckDB keeps it
    SELECT p.payment_id, r.registry_id,
           r.vneid IN (SELECT vneid FROM in_both) AS in_both,
           CASE p.vneid_source WHEN 'narrative' THEN 'narrative_vneid' ELSE 'vneid' END AS method
    FROM cur_payments AS p
    JOIN reg AS r ON r.vneid = p.vneid AND (p.program IS NULL OR p.program = r.program)
    WHERE p.vneid IS NOT NULL
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
    SELECT p.payment_id, p.amount, r.registry_id, r.vneid, r.entitled_amount, r.program, p.payee_key = r.name_key AS named,
           p.payee_key, ltrim(p.account_number, '0') AS account_key
    FROM no_id AS p
    JOIN reg AS r ON r.account_number = p.account_number
        AND (p.bank_code = r.bank_code OR NOT rc_bank_known(p.bank_code) OR NOT rc_bank_known(r.bank_code))
        AND (p.program IS NULL OR p.program = r.program)
),
-- compared without leading zeros, for the payments whose account no registered one equals as
-- written: a spreadsheet cell that held the number as a number lost them (on either side)
account_pairs_zeros AS (
    SELECT p.payment_id, p.amount, r.registry_id, r.vneid, r.entitled_amount, r.program, p.payee_key = r.name_key AS named,
           p.payee_key, ltrim(p.account_number, '0') AS account_key
    FROM (SELECT * FROM no_id WHERE payment_id NOT IN (SELECT payment_id FROM account_pairs)) AS p
    JOIN reg AS r ON ltrim(r.account_number, '0') = ltrim(p.account_number, '0') AND ltrim(p.account_number, '0') <> ''
        AND (p.bank_code = r.bank_code OR NOT rc_bank_known(p.bank_code) OR NOT rc_bank_known(r.bank_code))
        AND (p.program IS NULL OR p.program = r.program)
),
-- an account two or more people hold (a couple's) that the month's payments into it, with an ID or
-- without, give under two names or more (a list's, each row its payee's): a payment is the holder's
-- its name is (`named`). A statement shows the account holder's name on every transfer into it (a
-- guardian's, a spouse's): one name on them all tells no one apart
paired AS (SELECT * FROM account_pairs UNION ALL SELECT * FROM account_pairs_zeros),
account_names AS (  -- the names the payments into those accounts give (few accounts: the pairs')
    SELECT ltrim(account_number, '0') AS account_key, count(DISTINCT payee_key) AS names
    FROM cur_payments
    WHERE ltrim(account_number, '0') IN (SELECT account_key FROM paired)
    GROUP BY ltrim(account_number, '0')
),
account_named AS (
    SELECT a.payment_id, a.amount, a.registry_id, a.vneid, a.entitled_amount, a.program,
           coalesce(a.named, false) AND coalesce(n.names, 0) > 1 AS named
    FROM paired AS a
    LEFT JOIN account_names AS n ON n.account_key = a.account_key
),
by_account AS (
    -- one person may hold the account in both programmes: count people (the programme is chosen
    -- as for the ID match). An account two or more people hold: the one whose name is the payee's,
    -- when one is (`fits`)
    SELECT payment_id, registry_id, 'account' AS method, vneid,
           CASE WHEN count(DISTINCT vneid) OVER (PARTITION BY payment_id) = 1 THEN 1
                ELSE count(DISTINCT CASE WHEN named THEN vneid END) OVER (PARTITION BY payment_id) END AS candidates,
           count(DISTINCT vneid) OVER (PARTITION BY payment_id) = 1 OR coalesce(named, false) AS fits,
           row_number() OVER (PARTITION BY payment_id
                              ORDER BY coalesce(named, false) DESC, abs(entitled_amount - amount), program, registry_id)
               AS rk
    FROM account_named
),
after_account AS (
    SELECT * FROM no_id
    WHERE payment_id NOT IN (SELECT payment_id FROM by_account WHERE candidates = 1 AND rk = 1)
),
by_name_dob AS (
    SELECT p.payment_id, r.registry_id, 'name_dob' AS method, r.vneid,
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
    SELECT p.payment_id, r.registry_id, 'name_year' AS method, r.vneid,
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
    SELECT p.payment_id, r.registry_id, 'name' AS method, r.vneid,
           count(DISTINCT r.vneid) OVER (PARTITION BY p.payment_id) AS candidates,
           row_number() OVER (PARTITION BY p.payment_id
                              ORDER BY abs(r.entitled_amount - p.amount), r.program, r.registry_id) AS rk
    FROM after_account AS p
    JOIN reg AS r ON r.name_key = p.payee_key AND (p.program IS NULL OR p.program = r.program)
    WHERE $name_without_dob AND p.date_of_birth IS NULL AND p.birth_year IS NULL
),
-- the other passes found one person: the row, or the rows of a person in both programmes
by_other AS (
    SELECT *, coalesce(vneid IN (SELECT vneid FROM in_both), false) AS in_both
    FROM (
        SELECT payment_id, registry_id, method, vneid, rk FROM by_account WHERE candidates = 1 AND fits
        UNION ALL
        SELECT payment_id, registry_id, method, vneid, rk FROM by_name_dob WHERE candidates = 1
        UNION ALL
        SELECT payment_id, registry_id, method, vneid, rk FROM by_name_year WHERE candidates = 1
        UNION ALL
        SELECT payment_id, registry_id, method, vneid, rk FROM by_name WHERE candidates = 1
    ) AS o
),
found AS (
    SELECT payment_id, registry_id, method, in_both FROM by_id
    UNION ALL
    SELECT payment_id, registry_id, method, in_both FROM by_other WHERE rk = 1 OR in_both
)
SELECT payment_id, registry_id, method, in_both FROM found;

-- A person in both programmes: each payment is for the row its narrative names (a word the
-- programme column is read with, ref_enum's, of one programme alone: `luong huu`, `tro cap xa hoi`,
-- `BHXH`), else the one whose amount due is closest to the payment. Where both fit as well (the
-- same amount due in both, nothing said), the person's such payments are shared out in order
-- (value date, reference), each to the row fewer payments are for so far, the pension first when
-- as many: a payment a month for each programme is one for each, and a third is a second payment
-- of one. The payments counted as paid (successful, in the period) are shared apart from the
-- others (failed, returned, dated outside the period); a payment listed again in another input
-- (load_current.sql's repeat_of) goes with its first listing.
CREATE OR REPLACE TEMP TABLE cur_match_both AS
WITH pairs AS (
    SELECT f.payment_id, f.registry_id, f.method, r.vneid, r.program, r.entitled_amount, p.amount,
           p.narrative, p.status = 'success' AND p.in_period AS counted, rp.repeat_of, p.value_date, p.payment_ref
    FROM cur_match_found AS f
    JOIN cur_registry AS r USING (registry_id)
    JOIN cur_payments AS p USING (payment_id)
    LEFT JOIN cur_repeats AS rp USING (payment_id)
    WHERE f.in_both
),
said AS (
    SELECT n.payment_id, min(e.value) AS said
    FROM (SELECT DISTINCT payment_id, narrative FROM pairs) AS n
    JOIN ref_enum AS e ON e.domain = 'program'
        AND contains(' ' || rc_fold_vi_t(n.narrative) || ' ', ' ' || e.alias || ' ')
    GROUP BY n.payment_id
    HAVING count(DISTINCT e.value) = 1
),
best AS (  -- the rows that fit a payment best, and how many they are
    SELECT *, count(*) OVER (PARTITION BY payment_id) AS ties
    FROM (
        SELECT b.*, rank() OVER (PARTITION BY b.payment_id
                                 ORDER BY coalesce(s.said <> b.program, false), abs(b.entitled_amount - b.amount)) AS fit
        FROM pairs AS b
        LEFT JOIN said AS s USING (payment_id)
    ) AS f
    WHERE fit = 1
),
taken AS (  -- the payments one row fits best, counted or not, but for a payment listed again
    SELECT registry_id, counted, count(*) AS n FROM best WHERE ties = 1 AND repeat_of IS NULL
    GROUP BY registry_id, counted
),
tied AS (  -- the payments both rows fit as well
    SELECT payment_id, any_value(vneid) AS vneid, any_value(method) AS method,
           arg_min(registry_id, program) AS first_row, arg_max(registry_id, program) AS second_row,
           any_value(counted) AS counted, any_value(repeat_of) AS repeat_of,
           any_value(value_date) AS value_date, any_value(payment_ref) AS payment_ref
    FROM best WHERE ties > 1
    GROUP BY payment_id
),
shared AS (  -- the k-th: to the row fewer are for (lead: how many more the first has), then in turn
    SELECT payment_id, method, repeat_of, first_row, second_row,
           CASE WHEN k <= abs(lead) THEN CASE WHEN lead > 0 THEN second_row ELSE first_row END
                WHEN (k - abs(lead)) % 2 = 1 THEN first_row ELSE second_row END AS registry_id
    FROM (
        SELECT o.*, coalesce(t1.n, 0) - coalesce(t2.n, 0) AS lead,
               row_number() OVER (PARTITION BY o.vneid, o.counted, o.repeat_of IS NULL
                                  ORDER BY o.value_date, o.payment_ref, o.payment_id) AS k
        FROM tied AS o
        LEFT JOIN taken AS t1 ON t1.registry_id = o.first_row AND t1.counted = o.counted
        LEFT JOIN taken AS t2 ON t2.registry_id = o.second_row AND t2.counted = o.counted
    ) AS s
),
first_listed AS (
    SELECT payment_id, registry_id, method FROM best WHERE ties = 1
    UNION ALL
    SELECT payment_id, registry_id, method FROM shared WHERE repeat_of IS NULL
)
SELECT payment_id, registry_id, method FROM first_listed
UNION ALL
SELECT r.payment_id, CASE WHEN f.registry_id IN (r.first_row, r.second_row) THEN f.registry_id ELSE r.registry_id END,
       r.method
FROM (SELECT * FROM shared WHERE repeat_of IS NOT NULL) AS r
LEFT JOIN first_listed AS f ON f.payment_id = r.repeat_of;

-- each matched payment's one row: the ids and the method alone: pm joins the payment and the
-- beneficiary to them, and the stored matches are read from pm (store.STORED_SOURCES). A view: a
-- copy of the month's matches would cost a write of every payment's row
CREATE OR REPLACE TEMP VIEW cur_matches AS
SELECT payment_id, registry_id, method FROM cur_match_found WHERE NOT in_both
UNION ALL
SELECT payment_id, registry_id, method FROM cur_match_both;
