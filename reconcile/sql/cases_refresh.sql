-- Remake `cases` from every period's flags and from case_events (reconcile/cases/refresh.py); the
-- caller holds the transaction. A case is known by its flags; one whose flags are all gone (its
-- period re-run without it, or removed) keeps its row while it has events, with what its flags said
-- last of where and when (its superseded flags, for a case given its first event after they went:
-- case_flags), and no money at stake. Its months (first_period, last_period) are those a run still
-- holds: a removed period's are not, and a case left with none has none (NULL, and no age). Its status,
-- assignee, decision and comment are those of its latest event (open without one; a reopening undone,
-- the event undoing it, which gives them back as they were before it: views.sql's rc_case_events).
-- Its money at stake is its flags', less what was explained before a run reopened it (case_explained_flags).
-- Its money is that of its latest event to a status that records an amount (recovery, recovered,
-- written_off), each such event holding the case's total so far (none, or an amount emptied, is 0):
-- recovered, the amount of the latest event to recovery or recovered; written off, the amount of the
-- latest event to written_off, unless a later decision to recovery or recovered put the case back
-- (case_written_back): a case put back into recovery is no longer written off, so that what is
-- outstanding (at stake less recovered and written off) is owed again. A run's reopening of a written
-- off case paid again comes between: a decision to recover the new money after it keeps the write-off.
-- A case explained, then reopened by a run that flags it again (closed as explained, paid again): the
-- money the auditor explained is not owed; what is at stake is the money added since, whatever a
-- decision after the reopening says (views.sql's rc_explained_flags, over every event; actions_recovery.sql
-- calls it over the events up to its period). A reopening after a decision to recovery, recovered or
-- written_off keeps every finding's money.
CREATE OR REPLACE TEMP TABLE case_explained_flags AS SELECT * FROM rc_explained_flags(NULL);

CREATE OR REPLACE TEMP TABLE case_flags AS
WITH known_flags AS (  -- every period's flags; and the superseded flags of a case given its first event
    -- from a workbook after its period's re-run (or removal) had taken them away: no row of its own left
    -- repeated: a payment another period's file holds too, its money counted there (flag_repeats)
    SELECT f.*, false AS gone, r.flag_id IS NOT NULL AS repeated, true AS held, coalesce(x.explained, 0) AS explained
    FROM flags AS f
    LEFT JOIN flag_repeats AS r ON r.period = f.period AND r.flag_id = f.flag_id
    LEFT JOIN case_explained_flags AS x ON x.period = f.period AND x.flag_id = f.flag_id
    WHERE f.case_id IS NOT NULL
    UNION ALL BY NAME
    SELECT *, true AS gone, false AS repeated, period IN (SELECT period FROM runs) AS held, 0 AS explained
    FROM superseded_flags
    WHERE case_id IN (SELECT case_id FROM case_events)
      AND case_id NOT IN (SELECT case_id FROM flags WHERE case_id IS NOT NULL)
      AND case_id NOT IN (SELECT case_id FROM cases)
)
SELECT case_id,
       any_value(code) AS code,
       any_value(severity) AS severity,
       any_value(program) AS program,
       CASE WHEN any_value(vneid) IS NOT NULL THEN 'vneid'
            WHEN any_value(account_number) IS NOT NULL THEN 'account' ELSE 'payment_ref' END AS subject,
       any_value(vneid) AS vneid,
       CASE WHEN any_value(vneid) IS NULL THEN any_value(account_number) END AS account_number,
       CASE WHEN any_value(vneid) IS NULL AND any_value(account_number) IS NULL THEN any_value(payment_ref) END
           AS payment_ref,
       arg_max(province_code, (period, province_code IS NOT NULL)) AS province_code,
       arg_max(commune_code, (period, commune_code IS NOT NULL)) AS commune_code,
       -- its months that a run holds: a removed period's are not (none left: NULL)
       min(period) FILTER (WHERE held) AS first_period,
       max(period) FILTER (WHERE held) AS last_period,
       -- a case whose flags are gone: none flagged now, nothing at stake
       CASE WHEN gone THEN 0 ELSE count(DISTINCT period) END::INTEGER AS periods_flagged,
       CASE WHEN gone THEN 0 ELSE count(*) END AS flags,
       CASE WHEN gone THEN 0
            ELSE coalesce(sum(rc_at_stake(code, expected_amount, paid_amount) - explained) FILTER (WHERE NOT repeated), 0)
       END::BIGINT AS amount_at_stake  -- views.sql; each payment once across periods; not what was explained
FROM known_flags
GROUP BY case_id, gone;

CREATE OR REPLACE TEMP TABLE case_written_back AS  -- actions_recovery.sql has the same rule (keep them alike)
WITH written AS (SELECT case_id, max(seq) AS seq FROM rc_case_events() WHERE to_status = 'written_off' GROUP BY case_id)
SELECT e.case_id
FROM rc_case_events() AS e
JOIN written AS w ON w.case_id = e.case_id AND e.seq > w.seq
GROUP BY e.case_id
HAVING min(e.seq) FILTER (WHERE e.to_status IN ('recovery', 'recovered'))
       < coalesce(min(e.seq) FILTER (WHERE e.action = 'reopened'), 9223372036854775807);

CREATE OR REPLACE TEMP TABLE case_state AS
SELECT case_id,
       arg_max(to_status, seq) AS status,
       arg_max(assignee, seq) AS assignee,
       arg_max(decision, seq) AS decision,
       arg_max(comment, seq) AS comment,
       coalesce(arg_max(coalesce(amount, 0), seq) FILTER (WHERE to_status IN ('recovery', 'recovered')), 0)
           AS amount_recovered,
       CASE WHEN case_id IN (SELECT case_id FROM case_written_back) THEN 0
            ELSE coalesce(arg_max(coalesce(amount, 0), seq) FILTER (WHERE to_status = 'written_off'), 0) END
           AS amount_written_off,
       -- a reopening in force (views.sql's rc_case_events): not one a re-run or removal of its month took back
       arg_max(period, seq) FILTER (WHERE action = 'reopened' AND seq IN (SELECT seq FROM rc_case_events()))
           AS reopened_period,
       count(*) AS events,
       max("at") AS last_event_at
FROM case_events
GROUP BY case_id;

CREATE OR REPLACE TEMP TABLE case_rows AS
WITH kept AS (  -- of a case whose flags are gone, the months they said last that a run still holds
    SELECT c.case_id, min(f.period) AS first_period, max(f.period) AS last_period
    FROM cases AS c
    JOIN superseded_flags AS f ON f.case_id = c.case_id AND f.period BETWEEN c.first_period AND c.last_period
    WHERE c.case_id NOT IN (SELECT case_id FROM case_flags) AND f.period IN (SELECT period FROM runs)
    GROUP BY c.case_id
),
known AS (  -- flags first; a case whose flags are gone, as it was, while it has events
    SELECT * FROM case_flags
    UNION ALL BY NAME
    SELECT c.case_id, c.code, c.severity, c.program, c.subject, c.vneid, c.account_number, c.payment_ref,
           c.province_code, c.commune_code, m.first_period, m.last_period, 0 AS periods_flagged, 0 AS flags,
           0 AS amount_at_stake  -- no finding left: nothing at stake
    FROM cases AS c
    LEFT JOIN kept AS m USING (case_id)
    WHERE c.case_id NOT IN (SELECT case_id FROM case_flags) AND c.case_id IN (SELECT case_id FROM case_state)
),
latest AS (SELECT max(period) AS period FROM runs),
-- the month a case is open from: its first, or the month a run reopened it in; a month removed since
-- (reconcile delete) is not the database's, and the case is open from the next month a run holds, or
-- from the latest (reopened by December's run, and December removed: open since November, 1 month)
opened AS (
    SELECT k.case_id,
           CASE WHEN k.first_period IS NULL THEN NULL  -- no month of it is left: no age either
                WHEN s.reopened_period IS NULL OR s.reopened_period IN (SELECT period FROM runs)
                THEN coalesce(s.reopened_period, k.first_period)
                ELSE coalesce((SELECT min(r.period) FROM runs AS r WHERE r.period > s.reopened_period),
                              (SELECT period FROM latest))
           END AS opened_period
    FROM known AS k
    LEFT JOIN case_state AS s USING (case_id)
),
flagged_at AS (
    SELECT f.case_id, max(r.started_at) AS at FROM flags AS f JOIN runs AS r USING (period, run_id) GROUP BY f.case_id
)
SELECT k.case_id, k.code, k.severity, k.program, k.subject, k.vneid, k.account_number, k.payment_ref,
       k.province_code, k.commune_code, k.first_period, k.last_period, k.periods_flagged, k.flags,
       o.opened_period,
       -- a case no finding is left of (a re-run of its months took them) is no open problem of any month:
       -- no age, as after its months' removal
       CASE WHEN coalesce(s.status, 'open') IN ('open', 'in_review', 'recovery') AND k.flags > 0 THEN
           (12 * (left(l.period, 4)::INTEGER - left(o.opened_period, 4)::INTEGER)
            + right(l.period, 2)::INTEGER - right(o.opened_period, 2)::INTEGER + 1)
           ::INTEGER END AS periods_open,
       coalesce(s.status, 'open') AS status,
       s.assignee, s.decision, s.comment,
       k.amount_at_stake,
       coalesce(s.amount_recovered, 0) AS amount_recovered,
       coalesce(s.amount_written_off, 0) AS amount_written_off,
       coalesce(s.events, 0) AS events,
       coalesce(s.last_event_at, fa.at) AS updated_at
FROM known AS k
CROSS JOIN latest AS l
LEFT JOIN case_state AS s USING (case_id)
LEFT JOIN opened AS o USING (case_id)
LEFT JOIN flagged_at AS fa USING (case_id);

DELETE FROM cases;

INSERT INTO cases BY NAME SELECT * FROM case_rows ORDER BY case_id;

DROP TABLE case_explained_flags;
DROP TABLE case_flags;
DROP TABLE case_state;
DROP TABLE case_written_back;
DROP TABLE case_rows;
