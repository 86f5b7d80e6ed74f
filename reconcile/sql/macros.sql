-- Normalisers as DuckDB macros: pure functions over whole columns, used by stage_*.sql.
-- Each takes raw text as read from a file and returns a typed value, or NULL when the text
-- cannot be read; the *_problem macros say why, for rejected_rows.
-- Needs the table ref_birth_province(cccd_code) (loaded from reconcile/data/birth_provinces.csv).

-- Whitespace of any kind (incl. no-break and zero-width spaces) collapsed; empty becomes NULL.
CREATE OR REPLACE TEMP MACRO rc_text(s) AS
    nullif(trim(regexp_replace(nfc_normalize(s), '[[:space:]\x{00A0}\x{2007}\x{202F}\x{200B}\x{FEFF}]+', ' ', 'g')), '');

-- Lower case, no diacritics, đ/Đ to d, anything but letters and digits to single spaces.
-- Same result as contracts.fold() in Python; used to compare enum values.
CREATE OR REPLACE TEMP MACRO rc_fold(s) AS
    nullif(trim(regexp_replace(lower(strip_accents(replace(replace(rc_text(s), 'đ', 'd'), 'Đ', 'D'))), '[^a-z0-9]+', ' ', 'g')), '');

-- Person name as stored: NFC, single spaces, trimmed.
CREATE OR REPLACE TEMP MACRO rc_name(s) AS rc_text(s);

-- Name comparison key: diacritics removed (so hòa/hoà agree), Đ to D, upper case, single spaces.
CREATE OR REPLACE TEMP MACRO rc_name_key(s) AS upper(rc_fold(s));

-- Identifier text (account numbers, references, bank codes): spaces, dots and dashes removed,
-- a trailing '.0' left by a numeric spreadsheet cell dropped. Leading zeros kept.
CREATE OR REPLACE TEMP MACRO rc_ident(s) AS
    nullif(regexp_replace(regexp_replace(upper(rc_text(s)), '\.0+$', ''), '[ .\-]', '', 'g'), '');

-- Digits of an ID as written, before any repair; NULL when it holds anything but digits and separators.
CREATE OR REPLACE TEMP MACRO rc_id_digits(s) AS
    CASE WHEN rc_ident(s) SIMILAR TO '[0-9]+' THEN rc_ident(s) END;

-- A 10- or 11-digit ID whose 12-digit left-padded form starts with a real place-of-birth code is
-- taken to have lost its leading zero(s) in a spreadsheet; it is restored (and counted).
CREATE OR REPLACE TEMP MACRO rc_vneid_restorable(s) AS
    coalesce(length(rc_id_digits(s)) IN (10, 11)
             AND substr(lpad(rc_id_digits(s), 12, '0'), 1, 3) IN (SELECT cccd_code FROM ref_birth_province), false);

CREATE OR REPLACE TEMP MACRO rc_vneid(s) AS
    CASE WHEN rc_vneid_restorable(s) THEN lpad(rc_id_digits(s), 12, '0') ELSE rc_id_digits(s) END;

CREATE OR REPLACE TEMP MACRO rc_vneid_problem(s) AS
    CASE
        WHEN rc_text(s) IS NULL THEN 'missing'
        WHEN regexp_full_match(upper(rc_text(s)), '[0-9]+(\.[0-9]+)?E\+?[0-9]+') THEN
            'written in scientific notation, digits lost; format the column as text and export again'
        WHEN rc_id_digits(s) IS NULL THEN 'holds characters other than digits'
    END;

-- Is a normalised 12-digit ID structurally valid? (place-of-birth code known)
CREATE OR REPLACE TEMP MACRO rc_vneid_valid(v) AS
    coalesce(length(v) = 12 AND substr(v, 1, 3) IN (SELECT cccd_code FROM ref_birth_province), false);

-- Birth year and gender encoded in positions 4-6: century/sex digit G and year YY.
CREATE OR REPLACE TEMP MACRO rc_vneid_birth_year(v) AS
    CASE WHEN length(v) = 12 THEN 1900 + 100 * (CAST(substr(v, 4, 1) AS INTEGER) // 2) + CAST(substr(v, 5, 2) AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO rc_vneid_gender(v) AS
    CASE WHEN length(v) = 12 THEN CASE WHEN CAST(substr(v, 4, 1) AS INTEGER) % 2 = 0 THEN 'male' ELSE 'female' END END;

-- Amounts in integer VND. Accepts 1500000, 1.500.000, 1,500,000, 1 500 000, with a currency
-- sign (đ, ₫, VND, VNĐ) before or after, and a zero fraction (1.500.000,00 / 1500000.0, as a
-- numeric spreadsheet cell gives). A non-zero fraction, a negative or a non-number is refused.
CREATE OR REPLACE TEMP MACRO rc_amount_core(s) AS
    regexp_replace(
        regexp_replace(upper(rc_text(s)), '^(VNĐ|VND|Đ|₫)\s*|\s*(VNĐ|VND|Đ|₫|DONG|ĐỒNG)$', '', 'g'),
        '^\s+|\s+$', '', 'g');

CREATE OR REPLACE TEMP MACRO rc_amount_digits(c) AS
    CASE
        WHEN regexp_full_match(c, '[0-9]+') THEN c
        WHEN regexp_full_match(c, '[0-9]{1,3}(\.[0-9]{3})+(,0+)?') THEN replace(regexp_replace(c, ',0+$', ''), '.', '')
        WHEN regexp_full_match(c, '[0-9]{1,3}(,[0-9]{3})+(\.0+)?') THEN replace(regexp_replace(c, '\.0+$', ''), ',', '')
        WHEN regexp_full_match(c, '[0-9]{1,3}( [0-9]{3})+') THEN replace(c, ' ', '')
        WHEN regexp_full_match(c, '[0-9]+[.,]0+') THEN regexp_replace(c, '[.,]0+$', '')
    END;

CREATE OR REPLACE TEMP MACRO rc_amount(s) AS
    CASE WHEN length(rc_amount_digits(rc_amount_core(s))) <= 15
         THEN CAST(rc_amount_digits(rc_amount_core(s)) AS BIGINT) END;

CREATE OR REPLACE TEMP MACRO rc_amount_problem(s) AS
    CASE
        WHEN rc_text(s) IS NULL THEN 'missing'
        WHEN regexp_full_match(rc_amount_core(s), '(-|\().*') THEN 'is negative'
        WHEN regexp_full_match(rc_amount_core(s), '[0-9]+([.,][0-9]+)?E[+-]?[0-9]+') THEN 'is in scientific notation'
        WHEN rc_amount_digits(rc_amount_core(s)) IS NOT NULL AND length(rc_amount_digits(rc_amount_core(s))) > 15 THEN 'is too large'
        WHEN rc_amount_digits(rc_amount_core(s)) IS NULL AND regexp_full_match(rc_amount_core(s), '[0-9][0-9., ]*') THEN
            'has a fraction or bad digit grouping (VND has no minor unit)'
        WHEN rc_amount_digits(rc_amount_core(s)) IS NULL THEN 'is not a number'
    END;

-- Dates: dd/mm/yyyy (also with - or .), ISO yyyy-mm-dd, either with a time, and Excel serial
-- numbers (days since 1899-12-30). Years outside 1900-2100 are refused.
CREATE OR REPLACE TEMP MACRO rc_date_any(s) AS
    CASE
        WHEN regexp_full_match(rc_text(s), '[0-9]{1,5}(\.0+)?') THEN
            CAST(DATE '1899-12-30' + CAST(CAST(rc_text(s) AS DOUBLE) AS INTEGER) AS DATE)
        ELSE CAST(try_strptime(rc_text(s), [
            '%d/%m/%Y', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d-%m-%Y', '%d.%m.%Y',
            '%Y-%m-%d', '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S.%f', '%Y/%m/%d'
        ]) AS DATE)
    END;

CREATE OR REPLACE TEMP MACRO rc_date(s) AS
    CASE WHEN year(rc_date_any(s)) BETWEEN 1900 AND 2100 THEN rc_date_any(s) END;

CREATE OR REPLACE TEMP MACRO rc_date_problem(s) AS
    CASE
        WHEN rc_text(s) IS NULL THEN 'missing'
        WHEN rc_date(s) IS NULL THEN 'is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)'
    END;

-- Names: does a payee name (key) stand for the registry name (key)? Accepted: the same key
-- (so case, diacritics, đ, tone placement and spacing never matter); a payee key of at least
-- trunc_min characters with which the registry key starts (the bank cut the name short); or
-- the same given name (last word) with a Jaro-Winkler similarity of at least threshold (a typo).
CREATE OR REPLACE TEMP MACRO rc_name_match(reg_key, pay_key, threshold, trunc_min) AS
    reg_key = pay_key
    OR (length(pay_key) >= trunc_min AND starts_with(reg_key, pay_key))
    OR (split_part(reg_key, ' ', -1) = split_part(pay_key, ' ', -1)
        AND jaro_winkler_similarity(reg_key, pay_key) >= threshold);
