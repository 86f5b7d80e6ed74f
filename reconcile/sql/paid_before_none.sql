-- No month held before this one paid any of it ahead (paid_before.sql): a run without a database that
-- holds earlier months (a first month, a Spark run), for facts.sql's cur_paid_earlier.
CREATE OR REPLACE TEMP TABLE cur_paid_before AS
SELECT CAST(NULL AS VARCHAR) AS vneid, CAST(NULL AS VARCHAR) AS program, CAST(NULL AS VARCHAR) AS period,
       CAST(NULL AS VARCHAR) AS payment_ref
WHERE false;
