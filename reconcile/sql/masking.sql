-- The masking of reconcile.masking in SQL, so that a million rows are masked by DuckDB, not row by row
-- in Python. Created after the macros masking.macros_sql makes of its patterns (rc_fold,
-- rc_mask_pattern, rc_date_pattern, rc_date_mark, rc_hidden_run, rc_dob_in_text, rc_o_gate, rc_o_gate_raw,
-- rc_o_labelled, rc_o_bare, rc_area_date, rc_raw_date): one copy of each rule. TEMP macros,
-- so that a read-only connection can have them.

-- `079085001234` -> `********1234`; four characters or fewer are masked whole. Mirrors masking.mask_id.
CREATE OR REPLACE TEMP MACRO rc_mask_id(x) AS
    CASE WHEN length(x) <= 4 THEN repeat('*', length(x)) ELSE repeat('*', length(x) - 4) || right(x, 4) END;

-- One digit run masked to its last four digits. Mirrors masking._mask_run.
CREATE OR REPLACE TEMP MACRO rc_mask_run(run) AS
    repeat('*', length(regexp_replace(run, '[^0-9]', '', 'g')) - 4) || right(regexp_replace(run, '[^0-9]', '', 'g'), 4);

-- Every long digit run in folded text masked, every date kept: marked first with rc_date_mark(), which
-- no run crosses, the marks removed after. List functions alone, no subquery: a subquery in a macro is
-- planned again at every use, and a masked workbook's sheets use it in many columns (13 s of planning
-- for the demo month's workbook with --mask-ids).
CREATE OR REPLACE TEMP MACRO rc_mask_runs(x) AS
    CASE WHEN x IS NULL OR NOT regexp_matches(x, rc_mask_pattern()) THEN x ELSE
        list_transform([regexp_replace(x, rc_date_pattern(), rc_date_mark() || '\0' || rc_date_mark(), 'g')],
            -- a run no more once its dates are marked (`Paid on 02/09/2024, 16 day(s)`): as it was
            lambda m: CASE WHEN NOT regexp_matches(m, rc_mask_pattern()) THEN x ELSE
                list_transform([regexp_split_to_array(m, rc_mask_pattern())], lambda parts: replace(parts[1] || array_to_string(
                    list_transform(list_zip(regexp_extract_all(m, rc_mask_pattern()), parts[2:]),
                                   lambda t: rc_mask_run(t[1]) || t[2]), ''), rc_date_mark(), ''))[1]
            END)[1]
    END;

-- The O's of the runs pattern p finds (group 2) read as zeros, the text before each run (group 1) and
-- between them as it is. Mirrors a pass of masking.o_as_zero.
CREATE OR REPLACE TEMP MACRO rc_o_zero_pass(x, p) AS
    CASE WHEN NOT regexp_matches(x, p) THEN x ELSE
        list_transform([regexp_split_to_array(x, p)], lambda o_parts: o_parts[1] || array_to_string(
            list_transform(list_zip(regexp_extract_all(x, p, 1), regexp_extract_all(x, p, 2), o_parts[2:]),
                           lambda o: o[1] || translate(o[2], 'Oo', '00') || o[3]), ''))[1]
    END;

-- An ID typed with the letter O for its zeros (`CCCD O79O85OO1234`) read with zeros, where it is ID-like
-- (masking.O_LABELLED, O_BARE), in text where an O touches a digit. Mirrors masking.o_as_zero. Each
-- value through a lambda's parameter, so that it is computed once.
CREATE OR REPLACE TEMP MACRO rc_o_as_zero(x) AS
    list_transform([x], lambda o_in: CASE WHEN o_in IS NULL OR NOT regexp_matches(o_in, rc_o_gate()) THEN o_in ELSE
        list_transform([rc_o_zero_pass(o_in, rc_o_labelled())], lambda o_mid: rc_o_zero_pass(o_mid, rc_o_bare()))[1]
    END)[1];
-- The same of t, the text `raw` is after folding, tested first on `raw` itself (rc_o_gate_raw, made by
-- masking.macros_sql): most texts have no O beside a digit, and skip the folded text's second look.
CREATE OR REPLACE TEMP MACRO rc_o_as_zero_of(raw, t) AS
    CASE WHEN regexp_matches(raw, rc_o_gate_raw()) THEN rc_o_as_zero(t) ELSE t END;

-- Free text masked: folded (Unicode digits as ASCII, any space as a space, no invisible character), a
-- date written after a word for birth hidden (a narrative's `Hoan tra ns 05/12/1937`, an auditor's
-- comment), an ID typed with O for zero read with zeros (rc_o_as_zero), every long digit run masked. The
-- text so far goes in through a lambda's parameter, written out once however often the macros below use
-- it. Mirrors masking.mask_text.
-- The reference a DUPLICATE_PAYMENT's detail names (`the first is CT-A0005-XYZ in bank.csv`) masked as
-- its column (rc_mask_id), however few digits it holds. Mirrors masking._first_ref.
CREATE OR REPLACE TEMP MACRO rc_mask_first_ref(x) AS
    CASE WHEN x IS NULL OR NOT regexp_matches(x, rc_first_ref()) THEN x ELSE
        list_transform([regexp_extract(x, rc_first_ref(), 1)], lambda r: list_transform(
            [strpos(x, 'the first is ' || r || ' in ')],
            lambda k: left(x, k - 1) || 'the first is ' || rc_mask_id(r) || ' in ' || x[k + length(r) + 17:])[1])[1]
    END;

CREATE OR REPLACE TEMP MACRO rc_mask_text(x) AS
    list_transform([rc_o_as_zero_of(x, regexp_replace(rc_mask_first_ref(rc_fold(x)), rc_dob_in_text(), '\1**/**/****', 'g'))],
                   lambda y: rc_mask_runs(y))[1];

-- As rc_mask_text, with every long digit run hidden whole, its last four digits too: the analyst copy's
-- free text. The copy keeps province, gender and birth year, which are six of an ID's twelve digits;
-- the last four would make ten.
-- An officer's words write an ID as they please (`079/084/947/699`, `079084 - 947699`, over a line
-- break): here any run of 9 digits or more with up to six other characters between them, not
-- letters, is hidden (a date range or two amounts with it: the copy keeps no dates, and the amounts
-- are in their columns).
CREATE OR REPLACE TEMP MACRO rc_hide_text(x) AS
    regexp_replace(rc_o_as_zero_of(x, regexp_replace(rc_fold(x), rc_dob_in_text(), '\1**/**/****', 'g')),
                   rc_hidden_run(), '*********', 'g');

-- An area's code (and a bank's) masked: every date in it hidden (a birth date typed into the wrong column),
-- then masked as free text. Mirrors masking.mask_area. The text without its dates through a lambda's
-- parameter, written out once however often rc_mask_text uses it.
CREATE OR REPLACE TEMP MACRO rc_mask_area(x) AS
    list_transform([regexp_replace(rc_fold(x), rc_area_date(), '\1**/**/****', 'g')], lambda a: rc_mask_text(a))[1];

-- The same for the analyst copy: every date hidden, then as its free text (rc_hide_text).
CREATE OR REPLACE TEMP MACRO rc_hide_area(x) AS
    list_transform([regexp_replace(rc_fold(x), rc_area_date(), '\1**/**/****', 'g')], lambda a: rc_hide_text(a))[1];

-- A rejected row's raw values (JSON under the file's headers) masked: `--mask-ids` outputs show no
-- birth date. Hidden whole: the values of the columns its file read as dates of birth (dob_keys: those
-- headers, masking.DOB_KEYS; NULL for a file that has none), and of any column whose header speaks of a
-- birth (Ngày sinh, Năm sinh, NS, NTNS, Ngày SN, Date of birth, DOB, D.O.B), read or not. Masked whole
-- to the last four characters: the values of the columns it read as an ID or an account number
-- (id_keys), however their digits are parted. Hidden whole too: a value that is a date (rc_raw_date: a
-- birth date slid into the gender column by a cell left out), in any column but the one the file read
-- as its value date (date_keys: a payment's date, no one's; NULL: none kept). Every other value masked as free text (rc_mask_text)
-- before it is written back as JSON, whose escapes (`\t`) would otherwise part an ID's digits from the
-- mask. Through a map, in one pass over the row.
CREATE OR REPLACE TEMP MACRO rc_mask_raw(raw, dob_keys, id_keys, date_keys := NULL) AS
    CASE WHEN raw IS NULL THEN raw ELSE
        CAST(to_json(map_from_entries(list_transform(map_entries(json_transform(raw, '"MAP(VARCHAR, VARCHAR)"')),
            lambda e: {'key': e.key, 'value': CASE WHEN e.value IS NOT NULL
                                                        AND (list_contains(coalesce(dob_keys, []), e.key)
                                                             OR regexp_matches(lower(rc_fold(e.key)), '(sinh|birth|(^|[^a-z])(d\.?o\.?b|nt\.?ns|ng(ày|ay)?[\s_.]*sn)($|[^a-z])|^\s*n\.?\s?s\.?\s*$)'))
                                                   THEN '**/**/****'
                                                   WHEN e.value IS NOT NULL AND NOT list_contains(coalesce(date_keys, []), e.key)
                                                        AND regexp_matches(rc_fold(e.value), rc_raw_date())
                                                   THEN '**/**/****'
                                                   WHEN e.value IS NOT NULL AND list_contains(coalesce(id_keys, []), e.key)
                                                   THEN rc_mask_id(rc_fold(e.value))
                                                   ELSE rc_mask_text(e.value)
                                              END}))) AS VARCHAR)
    END;
