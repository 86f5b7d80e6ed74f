-- Macros for writing the workbook's table sheets: cell text made safe for XML, and the masking of
-- reconcile.masking, in SQL so that a million rows are rendered by DuckDB, not row by row in Python.
-- Created as TEMP macros, so that a read-only connection can have them.

-- A digit run of nine or more digits, ASCII or full-width (up to two spaces, dots, dashes, commas or
-- underscores between them: 001,097,699,417, 0710_8247_15132), and the ASCII letter directly before
-- it, if any. Mirrors masking._DIGIT_RUN.
CREATE OR REPLACE TEMP MACRO rc_mask_pattern() AS '([A-Za-z]?)([0-9０-９](?:[ .\-,_]{0,2}[0-9０-９]){8,})';

-- `079085001234` -> `********1234`; four characters or fewer are masked whole. Mirrors masking.mask_id.
CREATE OR REPLACE TEMP MACRO rc_mask_id(x) AS
    CASE WHEN length(x) <= 4 THEN repeat('*', length(x)) ELSE repeat('*', length(x) - 4) || right(x, 4) END;

-- One digit run masked, glued to a letter or not (a payment reference FT20240900011 too). Mirrors
-- masking._mask_run.
CREATE OR REPLACE TEMP MACRO rc_mask_run(letter, run) AS
    repeat('*', length(regexp_replace(run, '[^0-9０-９]', '', 'g')) - 4) || right(regexp_replace(run, '[^0-9０-９]', '', 'g'), 4);

-- A date written after a word for birth (ns, sinh, ngày sinh, sinh ngày, DOB, born on) inside free text.
CREATE OR REPLACE TEMP MACRO rc_dob_in_text() AS
    '(?i)(\b(?:ns|n\.s\.|sinh|dob|d\.o\.b\.|born|birth)(?:[\s:.]*(?:ngày|Ngày|NGÀY|ngay|on|date))?[\s:.]*)[0-9]{1,4}[/.\-][0-9]{1,2}[/.\-][0-9]{2,4}';

-- Every long digit run in free text masked. Mirrors masking._DIGIT_RUN.sub. List functions alone, no
-- subquery: a subquery in a macro is planned again at every use, and a masked workbook's sheets use it
-- in many columns (13 s of planning for the demo month's workbook with --mask-ids).
CREATE OR REPLACE TEMP MACRO rc_mask_runs(x) AS
    CASE WHEN x IS NULL OR NOT regexp_matches(x, rc_mask_pattern()) THEN x ELSE
        regexp_split_to_array(x, rc_mask_pattern())[1] || array_to_string(list_transform(
            list_zip(regexp_extract_all(x, rc_mask_pattern(), 1), regexp_extract_all(x, rc_mask_pattern(), 2),
                     regexp_split_to_array(x, rc_mask_pattern())[2:]),
            lambda t: t[1] || rc_mask_run(t[1], t[2]) || t[3]), '')
    END;

-- Every long digit run in free text masked, and a date written after a word for birth (a narrative's
-- `Hoan tra ns 05/12/1937`, an auditor's comment). Mirrors masking.mask_text.
CREATE OR REPLACE TEMP MACRO rc_mask_text(x) AS rc_mask_runs(regexp_replace(x, rc_dob_in_text(), '\1**/**/****', 'g'));

-- As rc_mask_text, with every long digit run hidden whole, its last four digits too: the analyst copy's
-- free text. The copy keeps province, gender and birth year, which are six of an ID's twelve digits;
-- the last four would make ten.
-- An officer's words write an ID as they please (`079/084/947/699`, `079084 - 947699`, over a line
-- break): here any run of 9 digits or more with up to three other characters between them, not
-- letters, is hidden (a date range or two amounts with it: the copy keeps no dates, and the amounts
-- are in their columns).
CREATE OR REPLACE TEMP MACRO rc_hide_text(x) AS
    regexp_replace(regexp_replace(x, rc_dob_in_text(), '\1**/**/****', 'g'),
                   '([A-Za-z]?)([0-9０-９](?:[^A-Za-z0-9０-９]{0,3}[0-9０-９]){8,})', '\1*********', 'g');

-- A share as the workbook shows it: as it is, unless rounding it to two decimals of a percent would
-- reach a target it does not (99.848% shown as 99.85%, not met): then cut. Mirrors labels.shown_share.
CREATE OR REPLACE TEMP MACRO rc_shown_share(share, target) AS
    CASE WHEN share < target AND round(share, 4) >= target THEN floor(share * 10000) / 10000 ELSE share END;

-- A rejected row's raw values (JSON under the file's headers) with its birth dates masked:
-- `--mask-ids` outputs show no birth date. Masked: the values of the columns its file read as dates
-- of birth (dob_keys: those headers, masking.DOB_KEYS; NULL for a file that has none), and of any
-- column whose header speaks of a birth (Ngày sinh, Năm sinh, NS, Date of birth, DOB, D.O.B), read
-- or not.
-- Through a map, in one pass over the row.
CREATE OR REPLACE TEMP MACRO rc_mask_dob(raw, dob_keys) AS
    CASE WHEN raw IS NULL THEN raw ELSE
        CAST(to_json(map_from_entries(list_transform(map_entries(json_transform(raw, '"MAP(VARCHAR, VARCHAR)"')),
            lambda e: {'key': e.key, 'value': CASE WHEN e.value IS NOT NULL
                                                        AND (list_contains(coalesce(dob_keys, []), e.key)
                                                             OR regexp_matches(lower(e.key), '(sinh|birth|(^|[^a-z])d\.?o\.?b($|[^a-z])|^\s*n\.?\s?s\.?\s*$)'))
                                                   THEN '**/**/****'
                                                   -- a birth date inside other text: `CCCD ... ns 25/11/1996`
                                                   ELSE regexp_replace(e.value, rc_dob_in_text(), '\1**/**/****', 'g')
                                              END}))) AS VARCHAR)
    END;

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
