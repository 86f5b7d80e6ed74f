-- One payee ID on more payment rows than $max_payments_per_id ([limits]), found in the rows as read
-- (raw_payments), before they are staged (normalise/bounds.py). Run only when one text of the ID
-- column is on more rows than the limit (bounds.SPELLINGS, the aggregate of that column alone): each
-- text is normalised as staging does it (stage_payments.sql: a text with no ID in it is no ID;
-- `79196118125` and `079 196 118 125` are `079196118125`), once per distinct text, and each ID's
-- rows counted per file, blank and set-aside rows aside. The ID with the most rows, when over the
-- limit, and the file with most of them. Rows a value of another column will reject count here
-- (checks/rows_per_id.sql counts the loaded rows after staging, and an ID taken from a narrative).
WITH spelled AS (
    SELECT file_id, vneid AS spelling, count(*) AS n
    FROM raw_payments
    WHERE vneid IS NOT NULL AND skip_reason IS NULL
    GROUP BY file_id, vneid
),
ids AS (
    SELECT spelling, rc_vneid_dr(d, rc_restorable_d(d)) AS vneid
    FROM (SELECT spelling, rc_digits_word_t(rc_text_word(spelling)) AS d
          FROM (SELECT DISTINCT spelling FROM spelled))
    WHERE d IS NOT NULL
),
counted AS (
    SELECT s.file_id, i.vneid, sum(s.n) AS n
    FROM spelled AS s
    JOIN ids AS i USING (spelling)
    GROUP BY s.file_id, i.vneid
),
over AS (
    SELECT vneid, sum(n) AS total
    FROM counted
    GROUP BY vneid
    HAVING sum(n) > $max_payments_per_id
    ORDER BY total DESC, vneid
    LIMIT 1
)
SELECT c.file_id, c.n, o.total
FROM counted AS c
JOIN over AS o USING (vneid)
ORDER BY c.n DESC, c.file_id
LIMIT 1
