-- Macros for writing the workbook's table sheets: cell text made safe for XML, a share as shown, a
-- decision's check (the masking is sql/masking.sql). Created as TEMP macros, so that a read-only
-- connection can have them.

-- A share as the workbook shows it: as it is, unless rounding it to two decimals of a percent would
-- reach a target it does not (99.848% shown as 99.85%, not met): then cut. Mirrors labels.shown_share.
CREATE OR REPLACE TEMP MACRO rc_shown_share(share, target) AS
    CASE WHEN share < target AND round(share, 4) >= target THEN floor(share * 10000) / 10000 ELSE share END;

-- Text as an inline-string cell can hold it: cut to Excel's 32,767 characters with a note, control
-- characters (not tab or line breaks) and the code points XML cannot carry as U+FFFD, then escaped.
CREATE OR REPLACE TEMP MACRO rc_xml(x) AS
    replace(replace(replace(regexp_replace(
        CASE WHEN length(x) > 32767
             THEN left(x, 32767 - length(' … [' || format('{:,}', length(x)) || ' characters; the rest is in the database]'))
                  || ' … [' || format('{:,}', length(x)) || ' characters; the rest is in the database]'
             ELSE x END,
        '[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]', '�', 'g'),
        '&', '&amp;'), '<', '&lt;'), '>', '&gt;');

-- A case's decision as a findings row shows it (status, assignee, decision, amount, comment), as 16 hex
-- digits: the workbook keeps it in a hidden column, so that `reconcile review import` knows which rows
-- the auditor changed (reconcile/cases/review.py computes the same in Python)
CREATE OR REPLACE TEMP MACRO rc_decision_check(status, assignee, decision, amount, comment) AS
    left(md5(concat_ws('|', status, coalesce(assignee, ''), coalesce(decision, ''), coalesce(amount::VARCHAR, ''),
                       coalesce(comment, ''))), 16);

-- An Open cases row's decision columns as written (status, assignee, decision, recovered, written off), as 16
-- hex digits in a hidden column: decisions are not read from that sheet, and `reconcile review import` refuses a
-- book in which one was typed there (reconcile/cases/book.py computes the same in Python)
CREATE OR REPLACE TEMP MACRO rc_case_check(status, assignee, decision, recovered, written_off) AS
    left(md5(concat_ws('|', 'case', status, coalesce(assignee, ''), coalesce(decision, ''),
                       coalesce(recovered, 0)::VARCHAR, coalesce(written_off, 0)::VARCHAR)), 16);
