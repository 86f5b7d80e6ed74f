-- pm: every loaded payment of the run with its match and the matched beneficiary, the one
-- relation the payment-side findings (and the scale and coverage guards) read. vneid is the
-- beneficiary's; payee_vneid the payment's own. Only the columns something reads: pm is as long
-- as the payments, and every column is written (the narrative, the payee's date of birth and the
-- file's place are read from cur_payments where they are needed).
--
-- Account numbers that lost their leading zeros: a matched payment's account and the registered
-- one that are equal once leading zeros are stripped are one account, which a spreadsheet cell
-- holding it as a number shortened. The shorter is restored to the longer (account_restored says
-- which side; counted as a warning in inputs.accounts_restored) and never makes an ACCOUNT_MISMATCH.
-- A person listed more than once (in two programmes, or twice in one, in one file or in two: a list
-- of reductions given beside the month's list): a death any of the rows records is the person's,
-- the earliest date of death counting, and a programme that any of its rows says ended or is
-- suspended is so for that programme's payments. The payments are matched to the primary row
-- (load_current.sql), which may be another of the rows; DUPLICATE_BENEFICIARY reports the rows.
CREATE OR REPLACE TEMP TABLE cur_listed_twice AS
WITH listed AS (
    SELECT registry_id, vneid, program,
           min(date_of_death) OVER (PARTITION BY vneid) AS date_of_death,
           max(CASE WHEN status = 'deceased' THEN 1 ELSE 0 END) OVER (PARTITION BY vneid) AS deceased,
           max(CASE status WHEN 'terminated' THEN 2 WHEN 'suspended' THEN 1 ELSE 0 END)
               OVER (PARTITION BY vneid, program) AS ended
    FROM cur_registry
    WHERE vneid IN (SELECT vneid FROM cur_registry WHERE vneid IS NOT NULL GROUP BY vneid HAVING count(*) > 1)
)
-- by the registry row a payment is matched to (an integer key: pm joins it on every payment)
SELECT registry_id, date_of_death, deceased, ended FROM listed;

CREATE OR REPLACE TEMP TABLE pm AS
WITH joined AS (
    SELECT p.*, m.method AS match_method, m.registry_id,
           r.vneid AS r_vneid, r.full_name, r.name_key,
           CASE WHEN a.deceased = 1 THEN 'deceased'
                WHEN a.ended = 2 AND r.status <> 'deceased' THEN 'terminated'
                WHEN a.ended = 1 AND r.status = 'active' THEN 'suspended'
                ELSE r.status END AS beneficiary_status,
           coalesce(a.date_of_death, r.date_of_death) AS date_of_death,
           r.channel AS registered_channel, r.bank_code AS registered_bank_code,
           r.account_number AS r_account, r.entitled_amount, r.province_code, r.commune_code,
           r.province_code_2025, r.program AS r_program, r.file_id AS registry_file_id,
           CASE WHEN p.account_number <> r.account_number
                THEN ltrim(p.account_number, '0') = ltrim(r.account_number, '0') END AS zeros_lost,
           -- an e-wallet's number is a mobile number, written 0912345678 or in its international
           -- form, 84912345678 or +84 912 345 678: the same wallet
           CASE WHEN r.channel = 'ewallet' AND p.account_number <> r.account_number
                     AND (left(p.account_number, 1) IN ('8', '+') OR left(r.account_number, 1) IN ('8', '+'))
                THEN regexp_replace(p.account_number, '^[+]?84', '0') = regexp_replace(r.account_number, '^[+]?84', '0')
           END AS same_wallet
    FROM cur_payments AS p
    LEFT JOIN cur_matches AS m USING (payment_id)
    LEFT JOIN cur_registry AS r USING (registry_id)
    LEFT JOIN cur_listed_twice AS a ON a.registry_id = m.registry_id
)
SELECT
    j.payment_id, j.payment_ref, j.vneid AS payee_vneid, j.vneid_source, j.vneid_note,
    j.payee_name, j.payee_key, j.bank_code,
    CASE WHEN j.zeros_lost AND length(j.account_number) < length(j.r_account) THEN j.r_account
         WHEN j.same_wallet THEN j.r_account
         ELSE j.account_number END AS account_number,
    j.amount, j.value_date, j.channel, j.status,
    j.program AS payment_program, j.bank_ref, j.in_period, j.file_id, j.source_file, j.source_row,
    j.source_sheet, rp.repeat_of,
    j.match_method, j.registry_id,
    j.r_vneid AS vneid, j.full_name, j.name_key, j.beneficiary_status, j.date_of_death,
    j.registered_channel, j.registered_bank_code,
    CASE WHEN j.zeros_lost AND length(j.r_account) < length(j.account_number) THEN j.account_number
         ELSE j.r_account END AS registered_account,
    j.entitled_amount, j.province_code, j.commune_code, j.province_code_2025,
    coalesce(j.program, j.r_program, 'unknown') AS program, j.r_program AS registered_program,
    CASE WHEN j.zeros_lost THEN CASE WHEN length(j.account_number) < length(j.r_account) THEN 'payment'
                                     ELSE 'registry' END END AS account_restored,
    j.registry_file_id
FROM joined AS j
LEFT JOIN cur_repeats AS rp USING (payment_id);

-- The accounts restored, few: for the stored registry and payments (pipeline.STORED_SOURCES) and
-- the count of each file (inputs.accounts_restored)
CREATE OR REPLACE TEMP TABLE cur_account_fixes AS
SELECT payment_id, registry_id, file_id, registry_file_id, account_restored, account_number, registered_account
FROM pm
WHERE account_restored IS NOT NULL;

-- Back payments (truy lĩnh): a successful payment of the period to an active beneficiary whose
-- narrative says arrears and names months (normalise/macros.sql: rc_arrears_words, rc_months_named),
-- every one before the period and none twice, for at most the amount due times the months named
-- (within $amount_tolerance; less when those months were due at a lower rate, before a rise, or when
-- it pays the difference a rise owed them, `truy lĩnh chênh lệch`): the money of those months, paid
-- late, not this month's. The database's registries of those months tell whether it paid what they
-- were due (cases/refresh.py: back_paid_twice). It neither pays this
-- month (MISSING_PAYMENT still asks for its own payment) nor makes a second payment of it
-- (DUPLICATE_PAYMENT, AMOUNT_MISMATCH); the arrears and the re-issue list count those months paid
-- (views.sql: rc_back_pay_months). One that does not fit (more, a month not before the period, no
-- month named) is a payment of the month, found as any other. A failed or returned one
-- (status) leaves those months unpaid, whether the month's own payment went through or not:
-- PAYMENT_FAILED. Read from the month alone, the same on both engines. Few: the narratives that say
-- `truy` only.
CREATE OR REPLACE TEMP TABLE cur_back_pay AS
WITH arrears AS (
    SELECT pm.payment_id, pm.status, pm.amount, pm.entitled_amount, rc_month_mention(lower(p.narrative)) AS mention
    FROM cur_payments AS p
    JOIN pm USING (payment_id)
    WHERE p.narrative ILIKE '%truy%' AND rc_arrears_words(lower(p.narrative))  -- ILIKE: the cheaper first sieve
      AND (pm.status = 'success' AND pm.in_period OR pm.status IN ('failed', 'returned'))
      AND pm.repeat_of IS NULL AND pm.registry_id IS NOT NULL
      AND pm.beneficiary_status = 'active' AND pm.entitled_amount > 0
),
named AS (
    SELECT payment_id, status, amount, entitled_amount,
           rc_months_named(mention, year($period_start) * 12 + month($period_start) - 1) AS months
    FROM arrears
    WHERE mention IS NOT NULL
)
SELECT payment_id, status, CAST(array_length(months) AS INTEGER) AS months
FROM named
WHERE array_length(months) > 0 AND array_length(list_distinct(months)) = array_length(months)
  AND list_max(months) < year($period_start) * 12 + month($period_start) - 1
  AND amount > 0 AND amount <= entitled_amount * array_length(months) + $amount_tolerance;

-- Months paid together (before Tết, January pays February too): a successful payment of the period
-- to an active beneficiary, whose narrative does not say arrears (truy lĩnh), that pays this month
-- and the ones after it, for the amount due times the months (within $amount_tolerance): its
-- narrative names this month and the next ones, none twice (`tháng 01+02/2025`, `T1-T2/2025`, `thang 1 va 2`); or, in a January, in a
-- programme of matching.february_with_january ($february_with_january, ',pension,'), twice the
-- amount due with a narrative that names no month but January and February. It pays this month
-- (`months` of it counted as one payment of the amount due, no AMOUNT_MISMATCH) and the months after
-- it: their runs count them paid (cur_paid_earlier; views.sql: paid_ahead). Few: a payment at least
-- twice the amount due. Read from the month alone, the same on both engines.
CREATE OR REPLACE TEMP TABLE cur_paid_ahead AS
WITH twice AS (
    SELECT pm.payment_id, pm.amount, pm.entitled_amount, pm.program,
           coalesce(rc_months_named(rc_month_mention(lower(p.narrative)),
                                    year($period_start) * 12 + month($period_start) - 1), []) AS months
    FROM pm
    JOIN cur_payments AS p USING (payment_id)
    WHERE pm.amount >= 2 * pm.entitled_amount - $amount_tolerance AND pm.entitled_amount > 0
      AND pm.status = 'success' AND pm.in_period AND pm.repeat_of IS NULL AND pm.registry_id IS NOT NULL
      AND pm.beneficiary_status = 'active'
      AND NOT coalesce(p.narrative ILIKE '%truy%' AND rc_arrears_words(lower(p.narrative)), false)  -- arrears
),
counted AS (
    SELECT payment_id, amount, entitled_amount,
           CASE WHEN array_length(months) > 1 AND array_length(list_distinct(months)) = array_length(months)
                     AND list_min(months) = year($period_start) * 12 + month($period_start) - 1
                     AND list_max(months) - list_min(months) + 1 = array_length(months)
                THEN array_length(months)
                WHEN month($period_start) = 1 AND strpos($february_with_january, ',' || program || ',') > 0
                     AND array_length(list_filter(months, lambda m: m % 12 > 1
                                                   OR m - m % 12 <> year($period_start) * 12)) = 0
                THEN 2 END AS paid_months
    FROM twice
),
-- Or a payment of the months after this one alone, paid early (February's pensions in a batch of
-- their own in January, before Tết: `BHXH chi luong huu thang 02/2025 (chi truoc Tet)`): its
-- narrative names the next month and maybe the ones after it, none twice, not this one; the amount
-- due times those months, beside the month's own payment. It pays none of this month (no second
-- payment of it, no AMOUNT_MISMATCH) and the months it names, as paid_ahead tells their runs.
several AS MATERIALIZED (  -- beside another payment of the month: the beneficiaries paid more than once (few)
    SELECT registry_id FROM pm
    WHERE status = 'success' AND in_period AND repeat_of IS NULL AND registry_id IS NOT NULL
    GROUP BY registry_id HAVING count(*) > 1
),
beside AS MATERIALIZED (  -- their payments, before any narrative is read
    SELECT payment_id, amount, entitled_amount
    FROM pm
    WHERE registry_id IN (SELECT registry_id FROM several)
      AND entitled_amount > 0 AND amount >= entitled_amount - $amount_tolerance
      AND status = 'success' AND in_period AND repeat_of IS NULL AND beneficiary_status = 'active'
),
ahead_alone AS (
    SELECT b.payment_id, b.amount, b.entitled_amount,
           coalesce(rc_months_named(rc_month_mention(lower(p.narrative)),
                                    year($period_start) * 12 + month($period_start) - 1), []) AS months
    FROM beside AS b
    JOIN cur_payments AS p USING (payment_id)
    WHERE p.narrative IS NOT NULL
      AND NOT coalesce(p.narrative ILIKE '%truy%' AND rc_arrears_words(lower(p.narrative)), false)
)
SELECT payment_id, CAST(paid_months AS INTEGER) AS months, true AS this_month
FROM counted
WHERE paid_months IS NOT NULL AND abs(amount - entitled_amount * paid_months) <= $amount_tolerance
UNION ALL  -- months: as of a payment that pays this month too, one more than those after it it pays
SELECT payment_id, CAST(array_length(months) + 1 AS INTEGER), false
FROM ahead_alone
WHERE array_length(months) > 0 AND array_length(list_distinct(months)) = array_length(months)
  AND list_min(months) = year($period_start) * 12 + month($period_start)
  AND list_max(months) - list_min(months) + 1 = array_length(months)
  AND abs(amount - entitled_amount * array_length(months)) <= $amount_tolerance;

-- The beneficiaries an earlier month's payment paid this month ahead (cur_paid_ahead there; the
-- database's paid_ahead view, read into cur_paid_before by a DuckDB run whose database holds
-- earlier months, empty otherwise): no MISSING_PAYMENT, nor a source left out for them; paid again
-- in this month, a DUPLICATE_PAYMENT. By the registry row, active with an amount due.
CREATE OR REPLACE TEMP TABLE cur_paid_earlier AS
SELECT r.registry_id, min(b.period) AS paid_in, min(b.payment_ref) AS paid_by
FROM cur_registry AS r
JOIN cur_paid_before AS b ON b.vneid = r.vneid AND b.program = r.program
WHERE r.is_primary AND r.status = 'active' AND r.entitled_amount > 0
GROUP BY r.registry_id;

-- Each matched beneficiary's payments counted once, for the findings that ask how a beneficiary was
-- paid (MISSING_PAYMENT, AMOUNT_MISMATCH, DUPLICATE_PAYMENT, PAYMENT_FAILED): one narrow pass over
-- pm rather than one grouping of it per finding. paid and total: successful and dated in the period,
-- back payments of earlier months aside (cur_back_pay; `back` counts them).
-- A payment listed again in another input (repeat_of) is the same payment: counted once, as the
-- non-cash share counts it (its listing again is a DUPLICATE_PAYMENT of its own).
CREATE OR REPLACE TEMP TABLE cur_beneficiary_paid AS
SELECT pm.registry_id,
       count(*) FILTER (WHERE pm.status <> 'success') AS failed,
       count(*) FILTER (WHERE pm.status = 'success' AND NOT pm.in_period) AS outside,
       count(*) FILTER (WHERE pm.status = 'success' AND pm.in_period AND b.payment_id IS NULL
                               AND coalesce(a.this_month, true)) AS paid,
       -- a payment of months paid together counts the amount due of this one (cur_paid_ahead); one of
       -- the months after this one alone, none of it
       CAST(sum(pm.amount - coalesce(pm.entitled_amount * (a.months - 1), 0))
                FILTER (WHERE pm.status = 'success' AND pm.in_period AND b.payment_id IS NULL
                              AND coalesce(a.this_month, true)) AS BIGINT) AS total,
       count(b.payment_id) FILTER (WHERE pm.status = 'success') AS back
FROM pm
LEFT JOIN cur_back_pay AS b USING (payment_id)
LEFT JOIN cur_paid_ahead AS a USING (payment_id)
WHERE pm.registry_id IS NOT NULL AND pm.repeat_of IS NULL
GROUP BY pm.registry_id;
