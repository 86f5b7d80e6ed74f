-- The same registry twice: for each registry file, its loaded beneficiaries (ID and programme) and
-- how many of them another registry file (given before it or after) lists in the same programme, with
-- the file most of those are in (a part of the list given before the whole is the same list twice, as
-- the whole given before the part is) (a person in both programmes, listed in the
-- welfare file and the pension file, is no repeat). checks.check_registry_repeats refuses a file with more than
-- max_repeated_ids of its IDs listed in another (a copy of the list, last month's sheet beside this
-- month's); below that, an ID in two files is a DUPLICATE_BENEFICIARY.
WITH ids AS (
    SELECT DISTINCT file_id, vneid, program FROM cur_registry WHERE vneid IS NOT NULL
),
earlier AS (
    SELECT i.file_id, i.vneid, i.program, min(e.file_id) AS other_file_id
    FROM ids AS i
    JOIN ids AS e ON e.vneid = i.vneid AND e.program IS NOT DISTINCT FROM i.program AND e.file_id <> i.file_id
    GROUP BY i.file_id, i.vneid, i.program
),
per_other AS (
    SELECT file_id, other_file_id, count(*) AS n FROM earlier GROUP BY file_id, other_file_id
),
top AS (
    SELECT file_id, sum(n) OVER (PARTITION BY file_id) AS repeated, other_file_id,
           row_number() OVER (PARTITION BY file_id ORDER BY n DESC, other_file_id) AS rk
    FROM per_other
)
SELECT f.file_id, f.n AS ids, t.repeated, t.other_file_id
FROM (SELECT file_id, count(*) AS n FROM ids GROUP BY file_id) AS f
JOIN top AS t ON t.file_id = f.file_id AND t.rk = 1
ORDER BY f.file_id;
