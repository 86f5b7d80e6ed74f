-- Write the run's rejected rows and findings into the period's tables (the caller has deleted
-- the period's old rows in the same transaction). A finding's id is a keyed hash (HMAC-SHA256 under
-- the database's key, reconcile/keys.py; the parameters key_inner and key_outer are its padded keys) of
-- what it is about: period, code, payment reference, ID, programme and amounts, and its rank among
-- findings alike in all of these (two identical payment lines). Keyed, so that nobody without the
-- key can find the ID behind an id by hashing candidate IDs. Not the file's hash or the row number: a re-run with
-- one file changed keeps the ids of the findings it did not touch, so run_changes lists only
-- what really appeared or disappeared. Written as four groups of four hex digits (3f9a-0c41-...):
-- plain hex can hold a run of 12 decimal digits, which would read as a personal ID to a person or
-- to a scanner looking for IDs in reports.
-- A finding's case_id is the same keyed hash of its case: its code, programme and subject (the ID,
-- else the account, else the payment reference), prefixed 'case' so that no case_id is a flag_id;
-- the same in every period and re-run, so that decisions on a case (case_events) carry over
-- (reconcile/cases/). keys.case_id computes the same in Python.
INSERT INTO rejected_rows
SELECT $period, $run_id, role, file_id, source_file, source_row, reason, raw, source_sheet, set_aside
FROM cur_rejected
ORDER BY file_id, source_row;

INSERT INTO flags
SELECT
    regexp_replace(
        substr(sha256(unhex($key_outer) || unhex(sha256(unhex($key_inner) || encode(
            concat_ws('|', $period, f.code, coalesce(f.payment_ref, ''), coalesce(f.vneid, ''),
                      coalesce(f.program, ''), coalesce(f.expected_amount, -1), coalesce(f.paid_amount, -1),
                      row_number() OVER (
                          PARTITION BY f.code, f.payment_ref, f.vneid, f.program, f.expected_amount, f.paid_amount
                          ORDER BY f.source_file, f.source_sheet, f.source_row)))))), 1, 16),
        '(.{4})(.{4})(.{4})(.{4})', '\1-\2-\3-\4') AS flag_id,
    $period AS period, $run_id AS run_id,
    f.*,  -- cur_flags holds flags' columns from code to source_sheet in its order (contracts.RULE_COLUMNS)
    regexp_replace(
        substr(sha256(unhex($key_outer) || unhex(sha256(unhex($key_inner) || encode(
            concat_ws('|', 'case', f.code, coalesce(f.program, ''),
                      CASE WHEN f.vneid IS NOT NULL THEN 'vneid:' || f.vneid
                           WHEN f.account_number IS NOT NULL THEN 'account:' || f.account_number
                           ELSE 'payment_ref:' || coalesce(f.payment_ref, '') END))))), 1, 16),
        '(.{4})(.{4})(.{4})(.{4})', '\1-\2-\3-\4') AS case_id
FROM cur_flags AS f
ORDER BY f.severity_rank DESC, f.code, f.source_file, f.source_sheet, f.source_row, f.payment_ref, f.vneid;
