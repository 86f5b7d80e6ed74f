-- Views over the stored tables, so that they cover every period the database holds.

-- The base of the non-cash share: every successful payment dated within its period, once (a
-- payment whose reference an earlier input already holds, repeat_of, is not counted again).
-- Its programme is the payment's own, else the matched beneficiary's, else 'unknown';
-- its province and commune are the matched beneficiary's.
CREATE OR REPLACE VIEW noncash_base AS
SELECT
    p.period,
    coalesce(p.program, r.program, 'unknown') AS program,
    r.province_code,
    r.commune_code,
    r.province_code_2025,
    p.channel,
    coalesce('id:' || coalesce(m.vneid, p.vneid), 'payment:' || p.payment_id) AS beneficiary,
    p.amount
FROM payments AS p
LEFT JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
LEFT JOIN registry AS r ON r.period = m.period AND r.registry_id = m.registry_id
WHERE p.status = 'success' AND p.in_period AND p.repeat_of IS NULL;

-- The non-cash share as the SPEC gives it: each programme's total (province_code NULL) and its
-- provinces' (level 'program' and 'province'), so that a programme's provinces add up to its total
-- (summed over the communes and the 2025 map's provinces too, an analyst counted each payment three
-- times); the rows each run computed for its period (sql/noncash_share.sql).
CREATE OR REPLACE VIEW noncash_share AS
SELECT * FROM noncash_share_rows WHERE level IN ('program', 'province');

-- The same with every level: the communes, and the provinces of the 2025 map (July 2025 reform).
CREATE OR REPLACE VIEW noncash_share_by_area AS
SELECT * FROM noncash_share_rows;

-- The money a finding puts in question, VND: paid, for the findings of money that should not have gone
-- out (after a death, while inactive, to someone unknown, twice); the difference for AMOUNT_MISMATCH;
-- the amount due for the findings of money that did not arrive. cases.amount_at_stake adds it up per case.
CREATE OR REPLACE MACRO rc_at_stake(code, expected_amount, paid_amount) AS
    CASE WHEN code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE', 'UNKNOWN_PAYEE', 'DUPLICATE_PAYMENT')
             THEN coalesce(paid_amount, 0)
         WHEN code = 'AMOUNT_MISMATCH' THEN abs(coalesce(paid_amount, 0) - coalesce(expected_amount, 0))
         WHEN code IN ('MISSING_PAYMENT', 'PAYMENT_FAILED') THEN coalesce(expected_amount, 0)
         ELSE 0 END;

-- The same payment stored in two periods (a later month's bank statement that overlaps the one before
-- it, or runs into the next month): the notion of load_current.sql's repeat_of within a month, the same
-- reference (its own or the bank's, leading zeros aside), amount and outcome (paid, or not), for the
-- same bank or where either names none, to the same payee (ID, account or name), and, across periods,
-- the same value date. a and b are rows of payments.
CREATE OR REPLACE MACRO rc_same_payment(a, b) AS
    coalesce(ltrim(a.payment_ref, '0') IN (ltrim(b.payment_ref, '0'), ltrim(b.bank_ref, '0'))
             OR ltrim(a.bank_ref, '0') IN (ltrim(b.payment_ref, '0'), ltrim(b.bank_ref, '0')), false)
    AND a.amount = b.amount AND a.value_date = b.value_date
    AND (a.status = 'success') = (b.status = 'success')
    AND (a.bank_code = b.bank_code OR a.bank_code IS NULL OR b.bank_code IS NULL)
    AND coalesce(a.vneid = b.vneid OR ltrim(a.account_number, '0') = ltrim(b.account_number, '0')
                 OR a.payee_key = b.payee_key, false);

-- Which of two stored copies of one payment counts its money: the row of the period the payment is
-- dated in, else the earlier period's (a payment stored in an earlier period and repeated in a later
-- file counts in the earlier one). True when a counts rather than b.
CREATE OR REPLACE MACRO rc_counts_before(a, b) AS
    (a.in_period AND NOT b.in_period) OR (a.in_period = b.in_period AND a.period < b.period);

-- The months a back payment (truy lĩnh) paid, as 'YYYY-MM': those its narrative names
-- (normalise/macros.sql's rc_arrears_words, rc_month_mention and rc_months_named, the same text under
-- other names: a view stored in the database cannot call a run's macros; test_back_pay checks they
-- agree) when the payment is one facts.sql's cur_back_pay takes for them: each month before its
-- period, none twice, and the amount at most the amount due times the months (within the run's
-- amount_tolerance); empty otherwise. a is a row of payments, due the amount due of its beneficiary's
-- registry row, tolerance the run's.
CREATE OR REPLACE MACRO rc_paid_back_mention(l) AS nullif(regexp_extract(l, '(^|[^a-z0-9à-ỹ])((t|th|th[aá]ng|month)[^a-z0-9]?(0?[1-9]|1[0-2])([^a-z0-9]+n[aă]m)?([^a-z0-9]+(19|20)[0-9]{2})?([^a-z0-9]+((v[aà]|đến|den|and|to)[^a-z0-9]+)?((t|th|th[aá]ng|month)[^a-z0-9]?)?(0?[1-9]|1[0-2])([^a-z0-9]+n[aă]m)?([^a-z0-9]+(19|20)[0-9]{2})?)*|k[yỳ][^a-z0-9]+(0?[1-9]|1[0-2])[^a-z0-9]+(n[aă]m[^a-z0-9]+)?(19|20)[0-9]{2})([^a-z0-9]|$)', 0), '');
CREATE OR REPLACE MACRO rc_paid_back_near(k, p) AS p + (k - 1 - p % 12 + 18) % 12 - 6;
CREATE OR REPLACE MACRO rc_paid_back_listed(m, p) AS list_concat(
    flatten(list_transform(regexp_extract_all(m, '[^0-9]*([0-9]{1,2}[^0-9]+)+(19|20)[0-9]{2}', 0),
        lambda c: list_transform(list_filter(regexp_extract_all(c, '[0-9]+', 0), lambda d: length(d) <= 2),
                                 lambda d: CAST(right(c, 4) AS INTEGER) * 12 + CAST(d AS INTEGER) - 1))),
    list_transform(regexp_extract_all(regexp_replace(m, '^.*(19|20)[0-9]{2}', ''), '[0-9]+', 0),
                   lambda d: rc_paid_back_near(CAST(d AS INTEGER), p)));
CREATE OR REPLACE MACRO rc_paid_back_named(m, p) AS list_transform([rc_paid_back_listed(m, p)], lambda l: CASE
    WHEN array_length(l) = 2 AND regexp_matches(m, '[0-9][^0-9]*(-|–|đến|den|to)[^0-9]*[0-9]{1,2}([^0-9]|$)')
    THEN generate_series(list_min(l), list_max(l)) ELSE l END)[1];
-- (each list bound once, as a lambda's argument, not written out at every use)
CREATE OR REPLACE MACRO rc_paid_back_kept(months, p, amount, due, tolerance) AS list_transform([months], lambda ms:
    CASE WHEN array_length(ms) > 0 AND array_length(list_distinct(ms)) = array_length(ms) AND list_max(ms) < p
              AND due > 0 AND amount > 0 AND amount <= due * array_length(ms) + tolerance
         THEN list_transform(ms, lambda x: printf('%04d-%02d', x // 12, x % 12 + 1)) ELSE [] END)[1];
CREATE OR REPLACE MACRO rc_paid_back_index(period) AS
    CAST(left(period, 4) AS INTEGER) * 12 + CAST(right(period, 2) AS INTEGER) - 1;
-- whatever the payment's status (a failed back payment: actions_reissue.sql)
CREATE OR REPLACE MACRO rc_back_months_of(narrative, period, amount, due, tolerance) AS
    CASE WHEN strpos(lower(narrative), 'truy') > 0
              AND regexp_matches(lower(narrative), 'truy[^a-z0-9]+(l[iĩ]nh|tr[aả]|chi)')
         THEN coalesce(rc_paid_back_kept(
                  rc_paid_back_named(rc_paid_back_mention(lower(narrative)), rc_paid_back_index(period)),
                  rc_paid_back_index(period), amount, due, tolerance), [])
         ELSE [] END;
CREATE OR REPLACE MACRO rc_back_pay_months(a, due, tolerance) AS
    CASE WHEN a.status = 'success' AND a.in_period AND a.repeat_of IS NULL
         THEN rc_back_months_of(a.narrative, a.period, a.amount, due, tolerance) ELSE [] END;

-- The findings on a payment that another period's file holds too, flagged there with the same code
-- (the same case; or, for money paid after a death or while inactive, either of the two: a registry
-- that learnt of the death later flags it PAID_AFTER_DEATH where the month before said suspended). The
-- finding stays, the later file does repeat the payment (OUT_OF_PERIOD says it is not of its month);
-- its money is counted once, in the finding named here (rc_counts_before): cases.amount_at_stake,
-- recoveries, period_summary and the action files leave it out. And the earlier attempts of a payment
-- the bank tried again in its period and that failed again (PAYMENT_FAILED, one case: the same
-- beneficiary and programme): one entitlement at stake, counted in the last attempt, the one the
-- re-issue list sends again (actions_reissue.sql); an attempt another period's file repeats is named
-- with the last attempt of the period it counts in. A failed payment whose month a later failed back
-- payment (truy lĩnh) of the case names is counted in that back payment's finding, as it is sent again.
CREATE OR REPLACE VIEW flag_repeats AS
WITH joined AS (  -- the findings on a payment, with the payment
    SELECT f.period, f.flag_id, f.case_id, f.code, f.program, f.detail, p.narrative, p.payment_id, p.payment_ref, p.bank_ref,
           p.amount, p.value_date, p.status, p.bank_code, p.vneid, p.account_number, p.payee_key, p.in_period,
           CASE WHEN f.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') THEN 'overpaid' ELSE f.code END AS kind
    FROM flags AS f
    JOIN payments AS p ON p.period = f.period AND p.payment_id = f.payment_id
    WHERE f.payment_id IS NOT NULL AND p.repeat_of IS NULL
),
keyed AS (
    SELECT period, ltrim(payment_ref, '0') AS ref_key FROM joined
    UNION ALL
    SELECT period, ltrim(bank_ref, '0') FROM joined WHERE bank_ref IS NOT NULL
),
flagged AS (  -- those whose reference a finding of another period names too: few, paired among few
    SELECT * FROM joined
    WHERE ltrim(payment_ref, '0') IN (SELECT ref_key FROM keyed GROUP BY ref_key HAVING count(DISTINCT period) > 1)
       OR ltrim(bank_ref, '0') IN (SELECT ref_key FROM keyed GROUP BY ref_key HAVING count(DISTINCT period) > 1)
),
across AS (  -- a payment another period's file holds too: the finding whose money counts
    SELECT b.period, b.flag_id, b.case_id, b.code, b.payment_ref,
           arg_min(a.period, (NOT a.in_period, a.period, a.flag_id)) AS counted_period,
           arg_min(a.flag_id, (NOT a.in_period, a.period, a.flag_id)) AS counted_flag_id
    FROM flagged AS b
    JOIN flagged AS a
      ON a.kind = b.kind AND a.program IS NOT DISTINCT FROM b.program AND a.amount = b.amount
     AND a.period <> b.period AND rc_same_payment(a, b) AND rc_counts_before(a, b)
    GROUP BY ALL
),
tried_back AS (  -- failed payments of a month that a later failed back payment (truy lĩnh) of the case
                 -- names: tried again, their money counted there (the one actions_reissue.sql sends)
    SELECT a.period, a.flag_id, a.case_id, a.code, a.payment_ref,
           arg_min(b.period, (b.period, b.flag_id)) AS counted_period,
           arg_min(b.flag_id, (b.period, b.flag_id)) AS counted_flag_id
    FROM joined AS a
    JOIN (SELECT period, flag_id, case_id,
                 rc_paid_back_named(rc_paid_back_mention(lower(narrative)), rc_paid_back_index(period)) AS months
          FROM joined
          WHERE code = 'PAYMENT_FAILED' AND detail LIKE '%(truy lĩnh): they stay unpaid%') AS b
      ON b.case_id = a.case_id AND b.period > a.period
     AND list_contains(b.months, rc_paid_back_index(CASE WHEN a.in_period THEN a.period
                                                         ELSE strftime(a.value_date, '%Y-%m') END))
    WHERE a.code = 'PAYMENT_FAILED' AND a.case_id IS NOT NULL
    GROUP BY ALL
),
attempts AS (  -- each period's failed attempts of a case, not counted in another period: the last counts;
               -- a failed back payment (truy lĩnh: PAYMENT_FAILED.sql's detail says so) is no attempt of the
               -- month's own payment, its money that of earlier months
    SELECT period, flag_id, case_id, code, payment_ref,
           first_value(flag_id) OVER (PARTITION BY period, case_id, detail LIKE '%(truy lĩnh): they stay unpaid%'
                                      ORDER BY value_date DESC, payment_ref DESC, payment_id DESC) AS last_flag_id
    FROM joined AS j
    WHERE code = 'PAYMENT_FAILED' AND case_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM across AS x WHERE x.period = j.period AND x.flag_id = j.flag_id)
      AND NOT EXISTS (SELECT 1 FROM tried_back AS x WHERE x.period = j.period AND x.flag_id = j.flag_id)
)
SELECT x.period, x.flag_id, x.case_id, x.code, x.payment_ref, x.counted_period,
       coalesce(t.last_flag_id, x.counted_flag_id) AS counted_flag_id
FROM across AS x
LEFT JOIN attempts AS t ON t.period = x.counted_period AND t.flag_id = x.counted_flag_id
UNION ALL
SELECT period, flag_id, case_id, code, payment_ref, period, last_flag_id
FROM attempts
WHERE flag_id <> last_flag_id
UNION ALL
SELECT period, flag_id, case_id, code, payment_ref, counted_period, counted_flag_id
FROM tried_back
WHERE NOT EXISTS (SELECT 1 FROM across AS x WHERE x.period = tried_back.period AND x.flag_id = tried_back.flag_id);

-- A case's amount as its decision shows it (the workbook's column, review import: case_tables.CASE_AMOUNT,
-- keep them alike): what was recovered for recovery and recovered, and for open and in_review (a case sent
-- back to review, or reopened by a run, that recovered money before); what was written off for
-- written_off; none otherwise, nor when it is 0.
CREATE OR REPLACE MACRO rc_case_amount(status, amount_recovered, amount_written_off) AS
    nullif(CASE WHEN status IN ('recovery', 'recovered', 'open', 'in_review') THEN amount_recovered
                WHEN status = 'written_off' THEN amount_written_off END, 0);

-- The case events in force: every event but a run's reopening that a re-run or removal of its period
-- took back (the findings that reopened the case gone with the run, cases/reopen.py's undo_reopenings),
-- and the event that took it back (action 'reopening_undone', next in the case's events, which gives the
-- case back the status, decision and amount it had before). What a case's decisions say is read from
-- these; its history (`reconcile case`) and the hash chain hold every event.
CREATE OR REPLACE MACRO rc_case_events() AS TABLE
SELECT * EXCLUDE (next_action)
FROM (SELECT *, lead(action) OVER (PARTITION BY case_id ORDER BY seq) AS next_action FROM case_events)
WHERE action <> 'reopening_undone' AND NOT (action = 'reopened' AND coalesce(next_action = 'reopening_undone', false));

-- The money of a case's findings that the auditor explained, when a run reopened the case after it (closed
-- as explained, paid again), by the case events entered on the books of the periods up to `up_to`
-- (NULL: every event): one row per finding with some, `explained` VND of its money (rc_at_stake). What
-- was explained is what the case's findings put at stake, in every month the database held, when the
-- auditor last acted on the case before the reopening (closing it: the runs that held its months at that
-- moment, as cases/reopen.py's reopen_flagged reads them), whichever period's book the decisions were
-- entered on: a month behind, September's book closes October's payment as explained too. Payment by
-- payment (reference, leading zeros aside): a finding the database holds now has explained as much of its
-- money as the findings then on its payment had, no more (a re-run of such a month that adds a payment,
-- or raises one's amount, owes the money added; one that only repeats them owes none). Whatever a decision
-- after the reopening says, it stays explained; a reopening after a decision to recovery, recovered or
-- written_off explains none. cases_refresh.sql leaves it out of cases.amount_at_stake (every event),
-- actions_recovery.sql out of the overpayments as of its period.
CREATE OR REPLACE MACRO rc_explained_flags(up_to) AS TABLE
WITH events AS (  -- as of the latest period held, every event (actions_recovery.sql's)
    SELECT * FROM rc_case_events() WHERE up_to IS NULL OR period <= up_to OR up_to >= (SELECT max(period) FROM runs)
),
explained AS (  -- each reopening after a case's latest money decision was to explained: when it was closed
    SELECT DISTINCT case_id, decided_at
    FROM (SELECT r.case_id,
                 arg_max(d.to_status, d.seq)
                     FILTER (WHERE d.to_status IN ('explained', 'recovery', 'recovered', 'written_off')) AS decided,
                 arg_max(d."at", d.seq) AS decided_at
          FROM events AS r
          JOIN events AS d ON d.case_id = r.case_id AND d.seq < r.seq
          WHERE r.action = 'reopened'
          GROUP BY r.seq, r.case_id)
    WHERE decided = 'explained'
),
held AS (  -- each run of a period, from its commit to the run or removal that replaced it
    SELECT run_id, finished_at AS since, NULL::TIMESTAMP AS until FROM runs
    UNION ALL
    SELECT s.run_id, s.finished_at, coalesce(r.finished_at, d.deleted_at)
    FROM superseded_runs AS s
    LEFT JOIN (SELECT run_id, finished_at FROM runs UNION ALL SELECT run_id, finished_at FROM superseded_runs) AS r
        ON r.run_id = s.superseded_by
    LEFT JOIN period_deletions AS d ON d.deletion_id = s.superseded_by
),
seen AS (  -- per payment, the money explained: the most that any such decision saw at stake on it
    SELECT case_id, period, ref, max(money) AS money
    FROM (SELECT e.case_id, e.decided_at, f.period, ltrim(coalesce(f.payment_ref, ''), '0') AS ref,
                 sum(rc_at_stake(f.code, f.expected_amount, f.paid_amount)) AS money
          FROM explained AS e
          JOIN (SELECT period, run_id, case_id, code, payment_ref, expected_amount, paid_amount FROM flags
                UNION ALL
                SELECT period, run_id, case_id, code, payment_ref, expected_amount, paid_amount FROM superseded_flags)
              AS f ON f.case_id = e.case_id
          JOIN held AS h ON h.run_id = f.run_id
          WHERE (h.since IS NULL OR h.since <= e.decided_at) AND (h.until IS NULL OR e.decided_at < h.until)
          GROUP BY ALL)
    GROUP BY ALL
),
shared AS (  -- the findings now on each such payment, the explained money set against them in turn
    SELECT f.period, f.flag_id, rc_at_stake(f.code, f.expected_amount, f.paid_amount) AS at_stake, s.money,
           coalesce(sum(rc_at_stake(f.code, f.expected_amount, f.paid_amount))
                        OVER (PARTITION BY f.case_id, f.period, s.ref ORDER BY f.flag_id
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM flags AS f
    JOIN seen AS s ON s.case_id = f.case_id AND s.period = f.period AND s.ref = ltrim(coalesce(f.payment_ref, ''), '0')
)
SELECT period, flag_id, CAST(least(at_stake, money - before) AS BIGINT) AS explained
FROM shared
WHERE money > before;

-- Overpayments to recover: one row per case of money paid after a death or while inactive, over every
-- period it was flagged, with what decisions recorded as recovered and written off (a case whose
-- findings are all gone, its periods re-run without them, is none; nor is a case explained, nothing to
-- recover, or closed as explained: its latest decision to explained, recovery, recovered or written_off
-- was to explained).
CREATE OR REPLACE VIEW recoveries AS
SELECT case_id, code, vneid, program, province_code, commune_code, first_period, last_period, periods_flagged,
       status,
       amount_at_stake AS overpaid,
       amount_recovered AS recovered,
       amount_written_off AS written_off,
       -- never below 0: what a re-run took off the overpaid, once recovered, is no money owed back
       -- to the beneficiary, and netted against other cases it would hide what they still owe
       greatest(amount_at_stake - amount_recovered - amount_written_off, 0) AS outstanding,
       greatest(amount_recovered + amount_written_off - amount_at_stake, 0) AS excess
FROM cases
WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND flags > 0  -- a case whose findings are gone is no recovery
  AND NOT (status = 'explained' OR status = 'closed' AND case_id IN (
      SELECT case_id FROM rc_case_events() GROUP BY case_id
      HAVING arg_max(to_status, seq) FILTER (WHERE to_status IN ('explained', 'recovery', 'recovered', 'written_off'))
             = 'explained'));

CREATE OR REPLACE VIEW recoveries_by_province AS
SELECT province_code, program, count(*) AS cases, sum(overpaid) AS overpaid, sum(recovered) AS recovered,
       sum(written_off) AS written_off, sum(outstanding) AS outstanding,
       count(*) FILTER (WHERE outstanding > 0) AS cases_outstanding, sum(excess) AS excess
FROM recoveries
GROUP BY province_code, program;

-- The references of the returns stored (few: their own and the bank's, leading zeros aside), and the
-- period whose file gives each back: a successful payment of an earlier period under one of them came
-- back (back_pay's and arrears' months paid and given back)
CREATE OR REPLACE MACRO rc_came_back() AS TABLE
SELECT period, ltrim(payment_ref, '0') AS ref FROM payments WHERE status = 'returned' AND payment_ref <> ''
UNION
SELECT period, ltrim(bank_ref, '0') FROM payments WHERE status = 'returned' AND bank_ref <> '';

-- Back payments (truy lĩnh): one row per back payment and month it paid (rc_back_pay_months: the
-- payments facts.sql's cur_back_pay took for the months they name, not for their own), with what the
-- database holds of that month for the beneficiary and programme (`month_was`): 'unpaid' (a
-- MISSING_PAYMENT there, not paid by another month's file; or paid there, and every such payment
-- given back as returned by a later month's file), 'paid' (due there and paid, or named by an
-- earlier back payment already: the month may be paid twice), 'not due' (not listed active there),
-- 'not held' (no run of that month). The arrears count the months paid; the run names the back
-- payments of its period that name a month paid already. Few rows: the narratives that say `truy`.
CREATE OR REPLACE VIEW back_pay AS
-- (the few payments and registry rows first: joined to the stored months whole, the registries were
-- hashed on every run, 0.3-0.4 s a million rows a month, for none)
WITH truy AS MATERIALIZED (  -- the payments whose narrative says `truy`, with their beneficiary (few)
    SELECT p.period, p.payment_id, p.payment_ref, m.vneid, m.program, m.registry_id,
           p AS pay
    FROM payments AS p
    JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
    WHERE strpos(lower(p.narrative), 'truy') > 0 AND m.vneid IS NOT NULL
),
named AS MATERIALIZED (
    SELECT t.period, t.payment_id, t.payment_ref, t.vneid, t.program, r.province_code, r.commune_code,
           r.entitled_amount AS due, t.pay.amount AS paid_in_all,
           unnest(rc_back_pay_months(t.pay, r.entitled_amount,
                                     coalesce(CAST(u.settings->>'$.thresholds.amount_tolerance' AS BIGINT), 0))) AS month
    FROM truy AS t
    JOIN (SELECT period, registry_id, province_code, commune_code, entitled_amount FROM registry
          WHERE status = 'active' AND (period, registry_id) IN (SELECT (period, registry_id) FROM truy)) AS r
        ON r.period = t.period AND r.registry_id = t.registry_id
    LEFT JOIN runs AS u ON u.period = t.period
),
late AS (  -- the months paid by a payment another month's file holds, dated in them
    SELECT DISTINCT m.vneid, m.program, strftime(p.value_date, '%Y-%m') AS month
    FROM payments AS p
    JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
    WHERE NOT p.in_period AND p.status = 'success' AND m.vneid IS NOT NULL
      AND strftime(p.value_date, '%Y-%m') IN (SELECT month FROM named)
),
due_then AS (  -- the registry rows of the months named, for those beneficiaries (few)
    SELECT DISTINCT period, vneid, program FROM registry
    WHERE status = 'active' AND entitled_amount > 0
      AND (period, vneid, program) IN (SELECT (month, vneid, program) FROM named)
),
came_back AS MATERIALIZED (SELECT * FROM rc_came_back()),
named_paid AS MATERIALIZED (  -- the payments of the months named to those beneficiaries (few: joined to
    -- the few months named, not filtered from every month's payments joined whole)
    SELECT m.period, m.payment_id, m.vneid, m.program
    FROM (SELECT DISTINCT month, vneid, program FROM named) AS n
    JOIN matches AS m ON m.period = n.month AND m.vneid = n.vneid AND m.program = n.program
),
returned_then AS (  -- the months named whose own successful payments a later file gives back, every one
    SELECT m.vneid, m.program, m.period AS month
    FROM named_paid AS m
    JOIN payments AS q ON q.period = m.period AND q.payment_id = m.payment_id
    WHERE q.status = 'success' AND q.in_period AND q.repeat_of IS NULL
    GROUP BY ALL
    HAVING bool_and(EXISTS (SELECT 1 FROM came_back AS c
                            WHERE c.period > m.period
                              AND c.ref IN (ltrim(q.payment_ref, '0'), ltrim(q.bank_ref, '0'))))
)
SELECT n.period, n.payment_id, n.payment_ref, n.vneid, n.program, n.province_code, n.commune_code, n.month,
       n.due AS amount,
       -- the back payment's money for the month: its amount shared equally over the months it names
       CAST(round(n.paid_in_all / count(*) OVER (PARTITION BY n.period, n.payment_id)) AS BIGINT) AS paid,
       CASE WHEN n.month NOT IN (SELECT period FROM runs) THEN 'not held'
            WHEN row_number() OVER (PARTITION BY n.vneid, n.program, n.month
                                    ORDER BY n.period, n.payment_ref, n.payment_id) > 1 THEN 'paid'
            WHEN EXISTS (SELECT 1 FROM flags AS f
                         WHERE f.period = n.month AND f.code = 'MISSING_PAYMENT' AND f.vneid = n.vneid
                           AND f.program = n.program)
                 AND NOT EXISTS (SELECT 1 FROM late AS l
                                 WHERE l.vneid = n.vneid AND l.program = n.program AND l.month = n.month)
                 THEN 'unpaid'
            -- paid in its own file, and that payment (each of them) sent back by a later one: unpaid
            WHEN EXISTS (SELECT 1 FROM returned_then AS x
                         WHERE x.vneid = n.vneid AND x.program = n.program AND x.month = n.month)
                 THEN 'unpaid'
            WHEN EXISTS (SELECT 1 FROM due_then AS d
                         WHERE d.period = n.month AND d.vneid = n.vneid AND d.program = n.program)
                 THEN 'paid'
            ELSE 'not due' END AS month_was
FROM named AS n;

-- Months paid together (before Tết, January pays February too): one row per payment and month after
-- its period it paid ahead ('YYYY-MM'): the payments facts.sql's cur_paid_ahead took so, as their
-- run stored them (matches.months_ahead). A run of such a month reads it (paid_before.sql: no
-- MISSING_PAYMENT for them there, a DUPLICATE_PAYMENT if paid again), and the arrears count the
-- months paid. Few rows: a filter on matches alone, before any join.
CREATE OR REPLACE VIEW paid_ahead AS
SELECT m.period, m.payment_id, m.payment_ref, m.vneid, m.program, r.province_code, r.commune_code,
       strftime(CAST(m.period || '-01' AS DATE) + to_months(CAST(x AS INTEGER)), '%Y-%m') AS month,
       r.entitled_amount AS amount
FROM (SELECT *, unnest(generate_series(1, months_ahead)) AS x FROM matches WHERE months_ahead > 0) AS m
JOIN registry AS r ON r.period = m.period AND r.registry_id = m.registry_id;

-- Arrears as of the latest period: each beneficiary and programme unpaid in it (MISSING_PAYMENT; or
-- paid in its own file, and every such payment given back as returned by a later month's file), with
-- the consecutive periods unpaid that end with it and the amounts due over them. Periods are calendar
-- months: a month the database does not hold breaks the run. A later payment settles them: a
-- beneficiary paid in the latest period is not in it. They are counted per ID: the registry has no
-- column that links an ID to the one it replaced, so a corrected ID starts again at its first month.
-- `earlier_vneid` names the ID such a row may have had: one unpaid in the month before since_period
-- (MISSING_PAYMENT), in the same programme, whose registry row there gives the same name (name_key),
-- date of birth and account (leading zeros aside; one of the two given), and which that month's
-- registry lists while since_period's does not list it in the programme, nor the row's ID the month
-- before. A hint to check (reconcile show), never added to the months: NULL when none or several fit.
-- A month unpaid in its own file is paid when another month's file holds a successful payment to the
-- beneficiary dated in it (a statement running from the 26th: September's payment of the 28th is in
-- October's, OUT_OF_PERIOD there): not in the arrears; so is a month a later back payment (truy lĩnh)
-- paid, one that facts.sql took for the months it names (rc_back_pay_months), for what it paid the
-- month (back_pay.paid): a month paid less than its amount due, beyond the tolerance, stays for the rest.
CREATE OR REPLACE VIEW arrears AS
WITH back_paid AS (  -- each month back payments (truy lĩnh) named, the money they paid for it, and the
    -- amount tolerance of their runs: what they left of the month's amount due stays unpaid (a back
    -- payment at an old rate, or of part of the money)
    SELECT b.vneid, b.program, b.month, sum(b.paid) AS paid,
           max(coalesce(CAST(u.settings->>'$.thresholds.amount_tolerance' AS BIGINT), 0)) AS tolerance
    FROM back_pay AS b
    LEFT JOIN runs AS u ON u.period = b.period
    GROUP BY ALL
),
paid_elsewhere AS (  -- the months paid by a payment another month's file holds (few: not in_period)
    SELECT DISTINCT m.vneid, m.program, strftime(p.value_date, '%Y-%m') AS period
    FROM payments AS p
    JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
    WHERE NOT p.in_period AND p.status = 'success' AND m.vneid IS NOT NULL
    UNION
    -- and the months an earlier payment paid ahead (those back payments paid: back_paid)
    SELECT vneid, program, month FROM paid_ahead
),
came_back AS MATERIALIZED (SELECT * FROM rc_came_back()),
given_back AS MATERIALIZED (  -- the successful payments a later month's file gives back as returned (few)
    SELECT period, payment_id FROM payments AS q
    WHERE status = 'success' AND in_period AND repeat_of IS NULL
      AND (ltrim(payment_ref, '0') IN (SELECT ref FROM came_back) OR ltrim(bank_ref, '0') IN (SELECT ref FROM came_back))
      AND EXISTS (SELECT 1 FROM came_back AS c
                  WHERE c.period > q.period AND c.ref IN (ltrim(q.payment_ref, '0'), ltrim(q.bank_ref, '0')))
),
returned_months AS (  -- a month paid in its own file and every such payment given back: unpaid, as if
    -- missing, where it was due (active, an amount due: as MISSING_PAYMENT asks; money paid to the dead
    -- or the suspended that came back is no arrears)
    SELECT m.vneid, m.program, m.period, max(r.entitled_amount) AS expected_amount,
           any_value(r.province_code) AS province_code, any_value(r.commune_code) AS commune_code
    FROM matches AS m
    JOIN payments AS q ON q.period = m.period AND q.payment_id = m.payment_id
    JOIN registry AS r ON r.period = m.period AND r.registry_id = m.registry_id
                      AND r.status = 'active' AND r.entitled_amount > 0
    WHERE (m.period, m.vneid, m.program) IN (
              SELECT (g.period, x.vneid, x.program) FROM given_back AS g
              JOIN matches AS x ON x.period = g.period AND x.payment_id = g.payment_id)
      AND q.status = 'success' AND q.in_period AND q.repeat_of IS NULL
    GROUP BY m.vneid, m.program, m.period
    HAVING bool_and((q.period, q.payment_id) IN (SELECT (period, payment_id) FROM given_back))
),
unpaid AS (  -- of a month back payments paid in part, the rest
    SELECT f.vneid, f.program, f.period, max(f.expected_amount) - coalesce(max(b.paid), 0) AS due,
           arg_max(f.province_code, f.province_code IS NOT NULL) AS province_code,
           arg_max(f.commune_code, f.commune_code IS NOT NULL) AS commune_code,
           12 * CAST(left(f.period, 4) AS INTEGER) + CAST(right(f.period, 2) AS INTEGER) AS month
    FROM (SELECT vneid, program, period, expected_amount, province_code, commune_code
          FROM flags WHERE code = 'MISSING_PAYMENT' AND vneid IS NOT NULL
          UNION ALL
          SELECT vneid, program, period, expected_amount, province_code, commune_code FROM returned_months) AS f
    LEFT JOIN back_paid AS b ON b.vneid = f.vneid AND b.program = f.program AND b.month = f.period
    WHERE NOT EXISTS (SELECT 1 FROM paid_elsewhere AS e
                      WHERE e.vneid = f.vneid AND e.program = f.program AND e.period = f.period)
    GROUP BY f.vneid, f.program, f.period
    HAVING max(f.expected_amount) - coalesce(max(b.paid), 0) > coalesce(max(b.tolerance), 0)
),
streaks AS (
    SELECT *, month - row_number() OVER (PARTITION BY vneid, program ORDER BY month) AS streak FROM unpaid
),
owed AS (
    SELECT vneid, program, arg_max(province_code, period) AS province_code,
           arg_max(commune_code, period) AS commune_code,
           min(period) AS since_period, max(period) AS as_of_period,
           CAST(count(*) AS INTEGER) AS months_unpaid, CAST(sum(due) AS BIGINT) AS amount_owed,
           -- a month of them reconciled with --partial: a source was missing, its people unpaid as far as
           -- the run could see
           coalesce(bool_or(period IN (SELECT period FROM runs WHERE partial)), false) AS partial,
           strftime(CAST(min(period) || '-01' AS DATE) - INTERVAL 1 MONTH, '%Y-%m') AS month_before
    FROM streaks
    GROUP BY vneid, program, streak
    HAVING max(period) = (SELECT max(period) FROM runs)
),
unpaid_people AS (  -- who each unpaid beneficiary is beside their ID, as their registry row gives it
    SELECT f.period, f.vneid, f.program, r.name_key, r.date_of_birth, ltrim(r.account_number, '0') AS account
    FROM flags AS f
    JOIN registry AS r ON r.period = f.period AND r.registry_id = f.registry_id
    WHERE f.code = 'MISSING_PAYMENT' AND f.vneid IS NOT NULL
      AND f.period IN (SELECT since_period FROM owed UNION ALL SELECT month_before FROM owed)
),
candidates AS (  -- an unpaid ID of the month before, of the same person, not the row's
    SELECT o.vneid, o.program, o.since_period, o.month_before, b.vneid AS earlier_vneid
    FROM owed AS o
    JOIN unpaid_people AS a ON a.period = o.since_period AND a.vneid = o.vneid AND a.program = o.program
    JOIN unpaid_people AS b ON b.period = o.month_before AND b.program = o.program AND b.vneid <> o.vneid
     AND b.name_key = a.name_key AND b.date_of_birth IS NOT DISTINCT FROM a.date_of_birth
     AND b.account IS NOT DISTINCT FROM a.account AND coalesce(a.date_of_birth::VARCHAR, a.account) IS NOT NULL
),
earlier AS (  -- of them, the IDs replaced: the earlier gone from since_period's registry, the row's new there
    SELECT c.vneid, c.program, min(c.earlier_vneid) AS earlier_vneid, count(DISTINCT c.earlier_vneid) AS n
    FROM candidates AS c
    WHERE NOT EXISTS (SELECT 1 FROM registry AS l
                      WHERE l.period = c.since_period AND l.vneid = c.earlier_vneid AND l.program = c.program)
      AND NOT EXISTS (SELECT 1 FROM registry AS l
                      WHERE l.period = c.month_before AND l.vneid = c.vneid AND l.program = c.program)
    GROUP BY c.vneid, c.program
)
SELECT o.vneid, o.program, o.province_code, o.commune_code, o.since_period, o.as_of_period, o.months_unpaid,
       o.amount_owed, o.partial, CASE WHEN e.n = 1 THEN e.earlier_vneid END AS earlier_vneid
FROM owed AS o
LEFT JOIN earlier AS e ON e.vneid = o.vneid AND e.program = o.program;

-- The findings of each period by code, beside the period before it in the database: how many, the
-- money in question (rc_at_stake), and the change. Every code has a row in every period (0 when none).
CREATE OR REPLACE VIEW period_summary AS
WITH counts AS (  -- a payment another period's file holds too is a finding, its money counted there
    SELECT f.period, f.code, count(*) AS findings,
           sum(rc_at_stake(f.code, f.expected_amount, f.paid_amount)) FILTER (WHERE r.flag_id IS NULL) AS amount
    FROM flags AS f
    LEFT JOIN flag_repeats AS r ON r.period = f.period AND r.flag_id = f.flag_id
    GROUP BY f.period, f.code
),
grid AS (
    SELECT p.period, r.code, r.severity, coalesce(c.findings, 0) AS findings,
           CAST(coalesce(c.amount, 0) AS BIGINT) AS amount
    FROM (SELECT DISTINCT period FROM runs) AS p
    CROSS JOIN rules AS r
    LEFT JOIN counts AS c ON c.period = p.period AND c.code = r.code
)
SELECT period, code, severity, findings, amount,
       lag(period) OVER w AS previous_period,
       lag(findings) OVER w AS previous_findings,
       findings - lag(findings) OVER w AS change,
       lag(amount) OVER w AS previous_amount,
       amount - lag(amount) OVER w AS amount_change
FROM grid
WINDOW w AS (PARTITION BY code ORDER BY period);
