-- What the database's history tells of the back payments (truy lĩnh) of $period (cases/refresh.py:
-- back_paid_twice): the back_pay view's months of the period's back payments, each with the payment's
-- amount, whether it says it pays a difference, and the amount due in that month's registry (NULL when
-- not held or not due)
WITH tolerance AS (
    SELECT coalesce(max(CAST(settings->>'$.thresholds.amount_tolerance' AS BIGINT)), 0) AS t
    FROM runs WHERE period = $period
),
months AS MATERIALIZED (
    SELECT b.payment_id, b.vneid, b.program, b.month, b.amount AS due_now, b.month_was, p.amount AS paid,
           strip_accents(lower(coalesce(p.narrative, ''))) LIKE '%chenh lech%' AS difference,
           (SELECT max(d.entitled_amount) FROM registry AS d
            WHERE d.period = b.month AND d.vneid = b.vneid AND d.program = b.program
              AND d.status = 'active' AND d.entitled_amount > 0) AS month_due
    FROM back_pay AS b
    JOIN payments AS p ON p.period = b.period AND p.payment_id = b.payment_id
    WHERE b.period = $period
),
paid_then AS (  -- what each month named was paid in its own file, to the beneficiary in the programme
    SELECT m.period, m.vneid, m.program, sum(q.amount) AS paid
    FROM matches AS m
    JOIN payments AS q ON q.period = m.period AND q.payment_id = m.payment_id
    WHERE (m.period, m.vneid, m.program) IN (SELECT (month, vneid, program) FROM months)
      AND q.status = 'success' AND q.in_period AND q.repeat_of IS NULL
    GROUP BY ALL
),
judged AS (  -- the payments whose every month the database holds with an amount due
    -- a difference (chênh lệch) owes what each month was paid short of the higher of its amount due
    -- and this month's: the rise added to a month paid at the old rate (its registry at the old rate,
    -- or already at the new one and paid at the old)
    SELECT o.payment_id, any_value(o.paid) AS paid,
           sum(CASE WHEN o.difference THEN greatest(greatest(o.due_now, o.month_due) - coalesce(t.paid, 0), 0)
                    ELSE o.month_due END) AS owed
    FROM months AS o
    LEFT JOIN paid_then AS t ON t.period = o.month AND t.vneid = o.vneid AND t.program = o.program
    GROUP BY o.payment_id
    HAVING count(o.month_due) = count(*)
)
SELECT count(DISTINCT payment_id) FILTER (WHERE month_was = 'paid' AND NOT difference),
       coalesce(sum(due_now) FILTER (WHERE month_was = 'paid' AND NOT difference), 0),
       count(DISTINCT payment_id) FILTER (WHERE month_was = 'not due'),
       coalesce(sum(due_now) FILTER (WHERE month_was = 'not due'), 0),
       (SELECT count(*) FROM judged WHERE paid > owed + (SELECT t FROM tolerance)),
       (SELECT coalesce(sum(paid - owed), 0) FROM judged WHERE paid > owed + (SELECT t FROM tolerance)),
       (SELECT count(*) FROM judged WHERE paid < owed - (SELECT t FROM tolerance)),
       (SELECT coalesce(sum(owed - paid), 0) FROM judged WHERE paid < owed - (SELECT t FROM tolerance))
FROM months
