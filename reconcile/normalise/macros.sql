-- Normalisers as DuckDB macros: pure functions over whole columns, used by stage_*.sql.
-- Each takes raw text as read from a file and returns a typed value, or NULL when the text
-- cannot be read; the *_problem macros say why, for rejected_rows.
-- Needs the tables ref_birth_province(cccd_code) and ref_bank(alias, code), loaded by normalize.install.

-- Invisible characters removed (soft hyphen, zero-width space and joiners, direction marks, word
-- joiner, BOM: pasted from web pages and Word, they would split a name or an ID that looks whole),
-- then whitespace of any kind (any Unicode space separator, no-break space) collapsed; empty
-- becomes NULL. contracts.INVISIBLE is the same set, for headers and enum values in Python.
-- A value that is already its own text is returned as it is, found by one pattern instead of three
-- rewrites (names with diacritics, narratives: at 1M distinct values 0.5 s instead of 4.2 s): words
-- of printable ASCII and of the Latin letters Vietnamese and its neighbours write (Latin-1 but its
-- no-break space and soft hyphen, Latin Extended-A and -B, Latin Extended Additional: every one of
-- them is its own NFC, and none a space, a control or a combining mark; test_normalise checks it),
-- one space between words. Else, a value of ASCII characters only (as many bytes as characters) is
-- in NFC and holds no invisible character: only its spaces are looked at. A run of whitespace of any
-- kind becomes one space: the pattern takes runs of two or more, and single characters other than
-- the space (the Unicode space separators, \p{Zs}, enumerated), so that a single space, as most are,
-- is not rewritten (a third of the time of the rewrite).
CREATE OR REPLACE TEMP MACRO rc_text(s) AS
    CASE WHEN regexp_full_match(s, '[!-~\xA1-\xAC\xAE-\x{024F}\x{1E00}-\x{1EFF}]+( [!-~\xA1-\xAC\xAE-\x{024F}\x{1E00}-\x{1EFF}]+)*')
         THEN s
         ELSE nullif(trim(regexp_replace(
             CASE WHEN strlen(s) = length(s) THEN s
                  ELSE regexp_replace(nfc_normalize(s), '[\x{00AD}\x{180E}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]', '', 'g') END,
             '[[:space:]\p{Z}\x{0085}]{2,}|[\t\n\v\f\r\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]',
             ' ', 'g')), '') END;

-- rc_text for a value that is nearly always one word of printable ASCII (an ID, account number or
-- reference): such a value is its own text, found by one pattern instead of three rewrites (a
-- third of the time at 1M rows); anything else goes through rc_text.
CREATE OR REPLACE TEMP MACRO rc_text_word(s) AS
    CASE WHEN regexp_full_match(s, '[!-~]+') THEN s ELSE rc_text(s) END;

-- The macros come in layers. A macro whose parameter ends in _t takes text already passed through
-- rc_text; stage_*.sql computes each layer once as a column and feeds it to the next, because a
-- macro nested in a macro is expanded (and evaluated) once per use. The plain forms (rc_amount(s),
-- rc_vneid(s), ...) compose the layers for single values and tests; a test checks that staging
-- gives the same results.

-- Lower case, no diacritics, đ/Đ to d, anything but letters and digits to single spaces.
-- Same result as normalise.text.fold() in Python; used to compare enum values and, upper case, as
-- the name key. In two layers: the diacritics removed (rc_strip_t; a value of ASCII characters has
-- none), then the rest (rc_fold_s), where words of ASCII letters and digits one space apart, as most
-- names are once stripped, only need lower case (at 1M distinct names, a third of the time).
CREATE OR REPLACE TEMP MACRO rc_strip_t(t) AS
    CASE WHEN strlen(t) = length(t) THEN t ELSE strip_accents(replace(replace(t, 'đ', 'd'), 'Đ', 'D')) END;
CREATE OR REPLACE TEMP MACRO rc_fold_s(s) AS
    CASE WHEN regexp_full_match(s, '[A-Za-z0-9]+( [A-Za-z0-9]+)*') THEN lower(s)
         ELSE nullif(trim(regexp_replace(lower(s), '[^a-z0-9]+', ' ', 'g')), '') END;
CREATE OR REPLACE TEMP MACRO rc_fold_t(t) AS rc_fold_s(rc_strip_t(t));
CREATE OR REPLACE TEMP MACRO rc_fold(s) AS rc_fold_t(rc_text(s));
-- The same folding of a text already in NFC (a staged value) by a table of Vietnamese letters rather than
-- strip_accents, which Spark lacks: for the SQL the Spark engine runs too (match.sql reads a
-- narrative's words for a programme with it). Letters outside Vietnamese lose their place to a space.
CREATE OR REPLACE TEMP MACRO rc_fold_vi_t(t) AS
    nullif(trim(regexp_replace(
        translate(lower(t), 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ',
                            'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd'),
        '[^a-z0-9]+', ' ', 'g')), '');

-- An enum value (programme, channel, status, gender) in English or Vietnamese to its canonical value
-- (table ref_enum); NULL when it is not one of the domain's values.
CREATE OR REPLACE TEMP MACRO rc_enum_t(domain_name, t) AS
    (SELECT value FROM ref_enum WHERE domain = domain_name AND alias = rc_fold_t(t));

-- A payment's status; a bank's result with its reason after it (`Không thành công - TK không tồn tại`,
-- `Lỗi: sai tên`, `Thất bại (tài khoản bị khóa)`) the status its first words say: rejected as no
-- status, the beneficiary was a MISSING_PAYMENT, not the PAYMENT_FAILED the bank reported. But a
-- success the words after it take back (`Thành công - Đã hoàn tiền`, `Thành công (đã hoàn trả)`,
-- `Success - Refunded`) is a return: read as its first words, the money that came back was paid.
CREATE OR REPLACE TEMP MACRO rc_payment_status_t(t) AS
    coalesce(rc_enum_t('payment_status', t),
             CASE WHEN regexp_matches(rc_fold_t(t), '\b(hoan tien|hoan tra|tra lai|refund|refunded|returned|reversed)\b')
                  THEN 'returned' END,
             rc_enum_t('payment_status', regexp_extract(t, '^([^-–:(;,/]+?)\s*[-–:(;,/]', 1)));

-- A channel written as a phrase (`Qua bưu điện`, `Thẻ ATM`, `Ví Viettel Money`, `Chuyển khoản qua
-- ngân hàng`) the channel its words name, when no spelling of a value is the whole of it: rejected as
-- no channel, a registry's beneficiaries paid by the post office were left out of the month. An
-- e-wallet's words first (`Tài khoản ví`), then cash (`Tiền mặt qua bưu điện`), then a bank's.
CREATE OR REPLACE TEMP MACRO rc_channel_words_f(f) AS
    -- `ví` (wallet) first or after `tài khoản`, `số`, `qua`, `bằng`: not the `Vị` of a place (Bưu điện xã Vị Thắng)
    CASE WHEN regexp_matches(f, '(^|tai khoan |so |qua |bang )vi( |$)|\b(vi dien tu|e wallet|ewallet|wallet|momo|zalopay|viettel ?money|viettelpay|vnpt ?money|mobile money)\b')
              THEN 'ewallet'
         WHEN regexp_matches(f, '\b(buu dien|buu cuc|vnpost|tien mat|truc tiep|cash|tai xa|tai nha|tai diem|diem chi tra)\b') THEN 'cash'
         WHEN regexp_matches(f, '\b(ngan hang|chuyen khoan|ck|tai khoan|tk|atm|the|bank|account|transfer)\b') THEN 'bank'
    END;
CREATE OR REPLACE TEMP MACRO rc_channel_t(t) AS coalesce(rc_enum_t('channel', t), rc_channel_words_f(rc_fold_t(t)));

-- A programme written as a phrase (`Trợ cấp xã hội hàng tháng`, `Lương hưu hàng tháng`, `Trợ cấp BHXH`,
-- `Trợ cấp mất sức lao động`) the programme its words name, when no spelling is the whole of it:
-- rejected as no programme, a registry's every row was refused. Social Security's words first (its
-- monthly allowances beside the pensions: `bảo hiểm xã hội` holds `xã hội`), then social assistance's.
CREATE OR REPLACE TEMP MACRO rc_program_words_f(f) AS
    -- the social pension (hưu trí xã hội) is the commune's, as social assistance is (contracts/values.py)
    CASE WHEN regexp_matches(f, '\bhuu tri xa hoi\b') THEN 'welfare'
         WHEN regexp_matches(f, '\b(luong huu|huu tri|bhxh|bao hiem xa hoi|mat suc lao dong|tai nan lao dong|benh nghe nghiep|tro cap tuat|tuat hang thang)\b')
              THEN 'pension'
         WHEN regexp_matches(f, '\b(tro cap xa hoi|bao tro xa hoi|tro giup xa hoi|tcxh|btxh|tro cap nguoi cao tuoi|tro cap nguoi khuyet tat|nghi dinh 20|nd 20)\b')
              THEN 'welfare'
    END;
CREATE OR REPLACE TEMP MACRO rc_program_t(t) AS coalesce(rc_enum_t('program', t), rc_program_words_f(rc_fold_t(t)));

-- Person name as stored: NFC, single spaces, trimmed.
CREATE OR REPLACE TEMP MACRO rc_name(s) AS rc_text(s);

-- Name comparison key: diacritics removed (so hòa/hoà agree), Đ to D, upper case, single spaces.
CREATE OR REPLACE TEMP MACRO rc_name_key_t(t) AS upper(rc_fold_t(t));
-- The same of a value rc_strip_t gave, computed once as a column (staging's names).
CREATE OR REPLACE TEMP MACRO rc_name_key_s(s) AS upper(rc_fold_s(s));
CREATE OR REPLACE TEMP MACRO rc_name_key(s) AS rc_name_key_t(rc_text(s));

-- Identifier text (account numbers, references, bank codes): spaces, dots and dashes removed,
-- a trailing '.0' left by a numeric spreadsheet cell dropped, and the apostrophe in front that
-- keeps Excel from reading the digits as a number ('001035000000, as core-banking exports write
-- them). Leading zeros kept. Digits grouped in threes by a number format of Excel set to English
-- (79,196,118,125 or 79,196,118,125.00, its Comma Style: a comma before three digits) or to
-- Vietnamese with a fraction (79.196.118.125,00) lose their grouping and zero fraction too: an ID or
-- account so written was an INVALID_VNEID or an ACCOUNT_MISMATCH in every row. The formula
-- ="001035000000", which some systems write into a CSV file so that Excel keeps the zeros, is its
-- text inside the quotes: read as it was, every ID was no ID and every account no account. One
-- rewrite after another, t used once: a macro's parameter used n times is expanded n times, and the
-- plain forms (rc_vneid(s)) nest this one several deep (four of them: at 20,000 IDs, as fast as three).
CREATE OR REPLACE TEMP MACRO rc_ident_t(t) AS
    nullif(regexp_replace(regexp_replace(regexp_replace(
        regexp_replace(upper(t), '^(?:="(.*)"|[''‘’`]+(.*))$', '\1\2'),
        ',([0-9]{3})', '\1', 'g'),
        '^([0-9]+)\.0+$|^([0-9]{1,3}(?:\.[0-9]{3})+),0+$', '\1\2'),
        '[ .\-]', '', 'g'), '');
CREATE OR REPLACE TEMP MACRO rc_ident(s) AS rc_ident_t(rc_text(s));
-- An e-wallet's number (a mobile number) in its international form, as e-wallets' reports write it
-- (`84977888999`, `+84888777666`, `(+84) 987654321`, `84-868-123-456`, rc_ident_t's), as the country
-- writes it, `0977888999`: matched by account, the same wallet (the registry's form), not an
-- UNKNOWN_PAYEE and its beneficiary a MISSING_PAYMENT
CREATE OR REPLACE TEMP MACRO rc_wallet_t(a) AS
    CASE WHEN regexp_full_match(a, '\(?\+?84\)?[0-9]{9}') THEN '0' || right(a, 9) ELSE a END;
-- The same for a column computed once (t is read twice): letters and digits only are already an identifier.
CREATE OR REPLACE TEMP MACRO rc_ident_word_t(t) AS
    CASE WHEN regexp_full_match(t, '[0-9A-Z]+') THEN t ELSE rc_ident_t(t) END;

-- An area code (province: width 2, commune: width 5) with the leading zeros a numeric spreadsheet
-- cell dropped put back: '1' -> '01', '4' -> '00004'.
CREATE OR REPLACE TEMP MACRO rc_area_code_t(t, width) AS
    CASE WHEN regexp_full_match(rc_ident_t(t), '[0-9]+') AND length(rc_ident_t(t)) < width
         THEN lpad(rc_ident_t(t), width, '0') ELSE rc_ident_t(t) END;

-- Bank: a short code, NAPAS BIN, SBV code, SWIFT BIC or name mapped to the canonical short code
-- (table ref_bank, from reconcile/data/banks.csv), compared without case, diacritics or spaces;
-- failing an exact match, the longest known name or code the text starts with ('Agribank chi
-- nhánh Hà Tây', 'BFTVVNVXXXX'). An unknown bank keeps its identifier text. Staging applies it
-- to the distinct values of a column only.
CREATE OR REPLACE TEMP MACRO rc_bank_key_t(t) AS upper(replace(rc_fold_t(t), ' ', ''));
CREATE OR REPLACE TEMP MACRO rc_bank_t(t) AS
    coalesce(
        (SELECT code FROM ref_bank WHERE alias = rc_bank_key_t(t)),
        (SELECT arg_max(code, length(alias)) FROM ref_bank
         WHERE length(alias) >= 3 AND starts_with(rc_bank_key_t(t), alias)),
        rc_ident_t(t));
CREATE OR REPLACE TEMP MACRO rc_bank(s) AS rc_bank_t(rc_text(s));
-- Is this payee's institution an e-wallet (`MOMO`, `Ví MoMo`, `ZaloPay`, `Viettel Money`, `VNPT Money`,
-- `ShopeePay`)? A statement (camt, MT940, a bank's export) has no channel column: its transfers are read
-- as bank, and one to an e-wallet is the e-wallet channel, as the same payment in a list that says so.
CREATE OR REPLACE TEMP MACRO rc_ewallet_bank_t(b) AS coalesce(list_has_any(
    ['momo', 'mservice', 'zalopay', 'viettelmoney', 'viettelpay', 'vnptmoney', 'vnptpay', 'shopeepay', 'airpay',
     'moca', 'payoo'],
    [regexp_replace(rc_fold_t(b), '[^a-z]', '', 'g'), regexp_replace(rc_fold_t(b), '^vi|[^a-z]', '', 'g')]), false);
-- Is this a bank code we know (so that two of them can be compared)?
CREATE OR REPLACE TEMP MACRO rc_bank_known(b) AS coalesce(b IN (SELECT code FROM ref_bank), false);

-- IDs: text -> identifier -> digits (NULL when it holds anything but digits and separators).
CREATE OR REPLACE TEMP MACRO rc_digits_i(i) AS CASE WHEN regexp_full_match(i, '[0-9]+') THEN i END;
-- An ID cell that names what it holds before it (`CCCD: 079055414002`, `Số CCCD 0790...`, `ĐDCN:`), as
-- the narrative's ID is read after such a word: the word left out.
CREATE OR REPLACE TEMP MACRO rc_id_unlabelled_t(t) AS
    regexp_replace(t, '^(số|so)?\s*(cccd|cmnd|cmt|căn cước( công dân)?|can cuoc( cong dan)?|(mã |ma |số |so )?định danh( cá nhân)?|(ma |so )?dinh danh( ca nhan)?|đdcn|ddcn|vneid|id)\s*[:#.]?\s*', '', 'i');
CREATE OR REPLACE TEMP MACRO rc_id_digits(s) AS rc_digits_i(rc_ident_t(rc_id_unlabelled_t(rc_text(s))));
-- The same from a column of text computed once: digits only are already the ID's digits.
CREATE OR REPLACE TEMP MACRO rc_digits_word_t(t) AS
    CASE WHEN regexp_full_match(t, '[0-9]+') THEN t ELSE rc_digits_i(rc_ident_t(rc_id_unlabelled_t(t))) END;

-- A 10- or 11-digit ID whose 12-digit left-padded form starts with a real place-of-birth code is
-- taken to have lost its leading zero(s) in a spreadsheet; it is restored (and counted).
CREATE OR REPLACE TEMP MACRO rc_restorable_d(d) AS
    coalesce(length(d) IN (10, 11)
             AND substr(lpad(d, 12, '0'), 1, 3) IN (SELECT cccd_code FROM ref_birth_province), false);
-- The same with rc_restorable_d(d) computed once as a column (r): staging needs both, and each
-- use of rc_restorable_d is a join with the list of codes.
CREATE OR REPLACE TEMP MACRO rc_vneid_dr(d, r) AS
    CASE WHEN r THEN lpad(d, 12, '0') ELSE d END;
CREATE OR REPLACE TEMP MACRO rc_vneid_d(d) AS rc_vneid_dr(d, rc_restorable_d(d));
CREATE OR REPLACE TEMP MACRO rc_vneid_problem_t(t, d) AS
    CASE
        WHEN t IS NULL THEN 'missing'
        WHEN d IS NOT NULL THEN NULL
        WHEN regexp_full_match(upper(t), '[0-9]+([.,][0-9]+)?E\+?[0-9]+') THEN
            'written in scientific notation, digits lost; format the column as text and export again'
        ELSE 'holds characters other than digits'
    END;

CREATE OR REPLACE TEMP MACRO rc_vneid_restorable(s) AS rc_restorable_d(rc_id_digits(s));
CREATE OR REPLACE TEMP MACRO rc_vneid(s) AS rc_vneid_d(rc_id_digits(s));
CREATE OR REPLACE TEMP MACRO rc_vneid_problem(s) AS rc_vneid_problem_t(rc_text(s), rc_id_digits(s));

-- Two payment rows to the same payee (returns_listed.sql, returns_listed_again.sql): the same ID; or,
-- where either has none, the same account (leading zeros aside, as the caller passes it) or name key.
-- Two IDs that differ are two people, whatever account (a guardian's) or name they share.
CREATE OR REPLACE TEMP MACRO rc_same_payee(id_a, id_b, account_a, account_b, key_a, key_b) AS
    id_a = id_b OR ((id_a IS NULL OR id_b IS NULL) AND (account_a = account_b OR key_a = key_b));

-- Is a normalised 12-digit ID structurally valid? (place-of-birth code known)
CREATE OR REPLACE TEMP MACRO rc_vneid_valid(v) AS
    coalesce(length(v) = 12 AND substr(v, 1, 3) IN (SELECT cccd_code FROM ref_birth_province), false);

-- The 12-digit number a text writes in groups after a word for an ID (`CCCD 036.035.000.111`,
-- `CCCD: 037 135 000 222`, `so dinh danh 0790-5200-4567`): after the word, groups of three or four
-- digits joined by single dots, spaces or dashes, the first of them that hold 12 digits together.
-- Without such a word, digits in groups are an account (`STK 0600 1234 5678`), an amount or a date,
-- never taken for an ID; nor the groups that follow the ID's (`001 140 012 345 500 000 VND`).
-- Candidates, not IDs: the caller keeps those with a real place-of-birth code (rc_vneid_valid).
CREATE OR REPLACE TEMP MACRO rc_id_prefix(g) AS
    list_filter(list_transform(range(1, len(g) + 1), lambda j: array_to_string(g[1:j], '')),
                lambda w: length(w) = 12)[1];
-- rc_account_label(), a word for an account and the number after it (`STK 060123456789`, `TK: 0601
-- 2345 6789`, `So TK nhan: ...`), and rc_account_from(), the words that make it the account paid
-- from (`CT TU TK ...`): installed from normalise/accounts.py, which the readers use too

-- Whether a narrative may name an account (a word for one, as written, its letters composed or not):
-- the only ones folded and searched for accounts, most narratives naming none
CREATE OR REPLACE TEMP MACRO rc_may_name_account(t) AS
    regexp_matches(t, '(?i)(^|[^a-z])(s?tk|tktt|tknh|t[àa]\pM*i kho[ảa]\pM*n|a/c|acc|acct|account)([^a-z]|$)'
                      || '|(?i)(^|[^a-z])(t[uưừứửữự]\pM*|t[oơớờởỡợ]\pM*i) [0-9]');
-- Whether a narrative may hold an ID or name an account: rc_may_name_account's pattern, a run of exactly
-- 12 digits, or digits in groups (`036.035.000.000`), in one pattern, one scan of each row's text
-- (stage_payments.sql, where every row's narrative differs). The same as those three tests or'ed (a
-- test checks it): the case-insensitive flag touches only the words.
CREATE OR REPLACE TEMP MACRO rc_may_hold_id_or_account(t) AS
    regexp_matches(t, '(?i)(^|[^a-z])(s?tk|tktt|tknh|t[àa]\pM*i kho[ảa]\pM*n|a/c|acc|acct|account)([^a-z]|$)'
                      || '|(?i)(^|[^a-z])(t[uưừứửữự]\pM*|t[oơớờởỡợ]\pM*i) [0-9]'
                      || '|(^|[^0-9])[0-9]{12}([^0-9]|$)|[0-9]{3}[ .-][0-9]{3,4}[ .-][0-9]{3}');

-- A narrative's digits, each run of them between two spaces, less the numbers it labels as accounts:
-- a 12-digit account number there is no personal ID, and beside a labelled ID it would make the ID
-- one of two (the _f forms take the text rc_fold gave, computed once as a column: rc_fold names its text
-- sixteen times over, and each of those expansions is planned again)
CREATE OR REPLACE TEMP MACRO rc_narrative_digits_f(f) AS regexp_replace(' ' || regexp_replace(' ' || f,
    ' ' || rc_account_label(), '  ', 'g') || ' ', '[^0-9]+', '  ', 'g');
CREATE OR REPLACE TEMP MACRO rc_narrative_digits(t) AS rc_narrative_digits_f(rc_fold(t));

-- The accounts a narrative names after a word for one (rc_account_label), digits alone, each with
-- its place (`mention`): a run of digits as it is, groups joined, each prefix of them of 6 digits or
-- more a candidate (the registry tells which is an account: the longest it lists). `source`: the
-- words that make it the account paid from (rc_account_from), '' for none
CREATE OR REPLACE TEMP MACRO rc_account_prefixes(number) AS list_filter(
    list_transform(range(1, len(string_split(number, ' ')) + 1),
                   lambda j: array_to_string(string_split(number, ' ')[1:j], '')),
    lambda c: length(c) >= 6);
CREATE OR REPLACE TEMP MACRO rc_named_accounts_from_f(f) AS list_transform(
    list_zip(regexp_extract_all(f, rc_account_from() || rc_account_label(), 1),
             regexp_extract_all(f, rc_account_from() || rc_account_label(), 0)),
    lambda m, i: {'mention': i, 'source': coalesce(m[1], ''),
                  'candidates': rc_account_prefixes(regexp_extract(m[2], '[0-9][0-9 ]*$'))});
CREATE OR REPLACE TEMP MACRO rc_named_accounts_from(t) AS rc_named_accounts_from_f(rc_fold(t));
-- the accounts named as where the money went (no `from`), each candidate
CREATE OR REPLACE TEMP MACRO rc_named_accounts(t) AS list_distinct(flatten(list_transform(
    list_filter(rc_named_accounts_from(t), lambda a: a.source = ''), lambda a: a.candidates)));

-- The payee's name a transfer's narrative writes after the account it went to (`CT tu <the office's
-- account> ... toi 0011001234567 NGUYEN VAN AN tai VCB CHI TRO CAP`, as VietinBank and Vietcombank
-- write an interbank transfer): the words after `toi`/`tới` and the number, cut at the first word
-- that is no name's (`tai`, `qua`, `chi tra`, `tro cap`, `CCCD`, ...); at least two words, else NULL
CREATE OR REPLACE TEMP MACRO rc_narrative_payee_t(t) AS list_filter([regexp_replace(
    regexp_extract(t, '(?i)(?:^|\s)t[oơớờởỡợ]\pM*i\s+(?:s?tk\s*:?\s*)?[0-9]{6,20}\s+(\pL+(?:\s+\pL+)*)', 1),
    '(?i)(?:^|\s+)(?:t[aạ]\pM*i|qua|ct|ck|nd|n[oộ]\pM*i dung|ng[aâ]\pM*n h[aà]\pM*ng|nh|ref|chi tr\pL*'
    || '|tr[oợ]\pM* c[aấ]\pM*p|thanh to[aá]\pM*n|tt|cccd|cmnd|stk|tk)(?:\s.*)?$', '')], lambda n: contains(n, ' '))[1];

-- Whether an account a narrative names may be the row's (stage_payments.sql): not for cash, not the
-- number taken for the row's ID, and not at a known bank other than one the registry gives it (a
-- bank the registry leaves out, or one not known, is no other: `banks` holds NULL for them)
CREATE OR REPLACE TEMP MACRO rc_account_fits(account, banks, channel, vneid, bank) AS
    account IS NOT NULL AND channel IS DISTINCT FROM 'cash' AND account IS DISTINCT FROM vneid
    AND (bank IS NULL OR NOT rc_bank_known(bank)
         OR len(list_filter(banks, lambda b: b IS NULL OR b = bank)) > 0);

CREATE OR REPLACE TEMP MACRO rc_grouped_ids_f(f) AS list_distinct(list_filter(list_transform(
    regexp_extract_all(f,
        '\b(?:cccd|cmnd|cmt|can cuoc|dinh danh|ddcn|id)(?: (?:so|la|ca nhan))* ([0-9]{3,4}(?: [0-9]{3,4})+)', 1),
    lambda r: rc_id_prefix(string_split(r, ' '))), lambda c: c IS NOT NULL));
CREATE OR REPLACE TEMP MACRO rc_grouped_ids(t) AS rc_grouped_ids_f(rc_fold(t));

-- Why a normalised ID is not structurally valid (NULL when it is), naming the digits, never
-- repeating them. Used by INVALID_VNEID and by `reconcile check`.
CREATE OR REPLACE TEMP MACRO rc_vneid_shape_problem(v) AS
    CASE
        WHEN length(v) <> 12 THEN 'ID has ' || length(v) || ' digits, not 12'
        WHEN NOT rc_vneid_valid(v) THEN 'ID''s place-of-birth code (digits 1-3) does not exist'
    END;

-- Birth year and gender encoded in positions 4-6: century/sex digit G and year YY.
CREATE OR REPLACE TEMP MACRO rc_vneid_birth_year(v) AS
    CASE WHEN length(v) = 12 THEN 1900 + 100 * (CAST(substr(v, 4, 1) AS INTEGER) // 2) + CAST(substr(v, 5, 2) AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO rc_vneid_gender(v) AS
    CASE WHEN length(v) = 12 THEN CASE WHEN CAST(substr(v, 4, 1) AS INTEGER) % 2 = 0 THEN 'male' ELSE 'female' END END;

-- What is wrong with a registry row's ID, '' when nothing: its shape, and its century, year and sex
-- digits against the period's end (no birth in the future) and the row's own year of birth and gender.
-- INVALID_VNEID's registry half and `reconcile check` of a registry both say this.
CREATE OR REPLACE TEMP MACRO rc_registry_id_problems(v, birth_year, gender, period_end) AS
    concat_ws('; ',
        rc_vneid_shape_problem(v) || CASE WHEN length(v) = 9 THEN ' (an old 9-digit CMND number?)' ELSE '' END,
        CASE WHEN length(v) = 12 AND rc_vneid_birth_year(v) > year(period_end)
             THEN 'ID''s century and year digits (4-6) give a birth year in the future' END,
        CASE WHEN length(v) = 12 AND birth_year IS NOT NULL AND rc_vneid_birth_year(v) <> birth_year
             THEN 'ID''s century and year digits (4-6) contradict the registry''s year of birth' END,
        CASE WHEN length(v) = 12 AND gender IS NOT NULL AND rc_vneid_gender(v) <> gender
             THEN 'ID''s sex digit (4) contradicts the registry''s gender' END);

-- Amounts in integer VND. Accepts 1500000, 1.500.000, 1,500,000, 1 500 000, with a currency
-- sign (đ, ₫, VND, VNĐ) before or after, and a zero fraction (1.500.000,00 / 1 500 000,00 / 1500000.0, as a
-- numeric spreadsheet cell gives). A non-zero fraction, a negative or a non-number is refused.
-- Float noise is not a fraction: a spreadsheet's computed cell (=0.1*5000000, a sum of shares) holds
-- the nearest binary float, which the reader writes out as 500000.000000001 or 4599999.999999999.
-- A number with a decimal point whose first six decimals are all 0 or all 9 (within a millionth
-- of a đồng of a whole number) is that whole number; 500000.5 and 500000.00001 are still refused.
-- An absolute tolerance: float64 noise of a few units in the last place stays under it up to about
-- 10^9 VND. The point only, as readers write floats; a decimal comma is a person's, not float noise.
-- Layers: text -> core (currency sign removed) -> digits (grouping removed, NULL if not a whole number).
CREATE OR REPLACE TEMP MACRO rc_amount_core_t(t) AS
    trim(regexp_replace(upper(t), '^(VNĐ|VND|Đ|₫)\s*|\s*(VNĐ|VND|Đ|₫|DONG|ĐỒNG)$', '', 'g'));

CREATE OR REPLACE TEMP MACRO rc_amount_digits(c) AS
    CASE
        WHEN regexp_full_match(c, '[0-9]+') THEN c
        WHEN regexp_full_match(c, '[0-9]{1,3}(\.[0-9]{3})+(,0+)?') THEN replace(regexp_replace(c, ',0+$', ''), '.', '')
        WHEN regexp_full_match(c, '[0-9]{1,3}(,[0-9]{3})+(\.0+)?') THEN replace(regexp_replace(c, '\.0+$', ''), ',', '')
        -- grouped by spaces (no-break and narrow no-break spaces are spaces by now, rc_text), as French
        -- and a Vietnamese locale of Excel or LibreOffice write it, with a zero fraction after a comma or
        -- a point (1 500 000,00): one or two zeros, as a fraction is written; ',000' could be a group
        WHEN regexp_full_match(c, '[0-9]{1,3}( [0-9]{3})+([.,]0{1,2})?') THEN replace(regexp_replace(c, '[.,]0+$', ''), ' ', '')
        WHEN regexp_full_match(c, '[0-9]+[.,]0+') THEN regexp_replace(c, '[.,]0+$', '')
        WHEN regexp_full_match(c, '[0-9]+\.0{6}[0-9]*') THEN split_part(c, '.', 1)
        WHEN regexp_full_match(c, '[0-9]{1,18}\.9{6}[0-9]*') THEN CAST(CAST(split_part(c, '.', 1) AS BIGINT) + 1 AS VARCHAR)
    END;

-- At most 10^12 VND (a trillion dong) per row: more is no benefit payment, and keeps every sum of a
-- month's rows far from any integer limit.
CREATE OR REPLACE TEMP MACRO rc_amount_d(d) AS
    CASE WHEN length(d) <= 13 AND CAST(d AS BIGINT) <= 1000000000000 THEN CAST(d AS BIGINT) END;

CREATE OR REPLACE TEMP MACRO rc_amount_problem_t(t, c, d) AS
    CASE
        WHEN t IS NULL THEN 'missing'
        WHEN d IS NOT NULL AND length(d) <= 13 AND CAST(d AS BIGINT) <= 1000000000000 THEN NULL
        WHEN regexp_full_match(c, '(-|\().*') THEN 'is negative'
        WHEN regexp_full_match(c, '[0-9]+([.,][0-9]+)?E[+-]?[0-9]+') THEN 'is in scientific notation'
        WHEN d IS NOT NULL THEN 'is too large (over 1,000,000,000,000 VND)'
        WHEN regexp_full_match(c, '[0-9][0-9., ]*') THEN 'has a fraction or bad digit grouping (VND has no minor unit)'
        -- a statement's entry in another currency ('100.50 EUR', 'USD 100')
        WHEN regexp_full_match(c, '[0-9][0-9., ]*\s*[A-Z]{3}') THEN 'is in ' || right(c, 3) || ', not VND'
        WHEN regexp_full_match(c, '[A-Z]{3}\s*[0-9][0-9., ]*') THEN 'is in ' || left(c, 3) || ', not VND'
        ELSE 'is not a number'
    END;

CREATE OR REPLACE TEMP MACRO rc_amount(s) AS rc_amount_d(rc_amount_digits(rc_amount_core_t(rc_text(s))));
CREATE OR REPLACE TEMP MACRO rc_amount_problem(s) AS
    rc_amount_problem_t(rc_text(s), rc_amount_core_t(rc_text(s)), rc_amount_digits(rc_amount_core_t(rc_text(s))));

-- Dates: dd/mm/yyyy (also with - or .), ISO yyyy-mm-dd, either with a time, and Excel serial
-- numbers (days since 1899-12-30; a bare year such as 1950 is not taken as one; a serial of our
-- times with its time of day as a fraction, 45540.5, as a date-and-time cell saved as a number gives
-- it, is its day). Years outside 1900-2100 are refused.
-- Also yyyymmdd (20240905, and with the time after it, 20240905143000), as core-banking exports write
-- a date: eight digits that no other form writes (a serial has five at most, and ddmmyyyy would have
-- its year's 19 or 20 where yyyymmdd has the month). And dd/mm/yy (05/09/24), the year 2000-2068 for
-- 00-68, 1969-1999 for 69-99: right for a payment's or a death's date; a date of birth so written is
-- refused by staging (rc_short_year_t: 05/09/24 is a child's birth, or a centenarian's).
-- Layers: text -> any date read -> date in range.
-- A date's text without the local time of day after it (`05/09/2024 14:30`, `2024-09-05 14:30:15.123`,
-- `05/09/2024 2:30:00 PM`, `05/09/2024 14h30`): the day is the date's. A time with its zone
-- (`...T20:00:00Z`, `+07:00`) is kept, and not read: its day in Vietnam may be the next.
CREATE OR REPLACE TEMP MACRO rc_date_part_t(t) AS
    regexp_replace(t, '^([0-9]{1,4}[/.\-]([0-9]{1,2}|[A-Za-z]{3})[/.\-][0-9]{1,4})(T| +)[0-9]{1,2}[:hH][0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?( ?([AaPp][Mm]|SA|CH|sa|ch))?$', '\1');
-- A date whose year has two digits (05/09/24, 05-SEP-24), with or without a time
CREATE OR REPLACE TEMP MACRO rc_short_year_t(t) AS
    coalesce(regexp_full_match(rc_date_part_t(t), '[0-9]{1,2}[/.\-]([0-9]{1,2}|[A-Za-z]{3})[/.\-][0-9]{2}'), false);
CREATE OR REPLACE TEMP MACRO rc_date_any_t(t) AS
    CASE
        WHEN regexp_full_match(t, '[0-9]{1,5}(\.0+)?|[0-9]{5}\.[0-9]+')
             AND NOT regexp_full_match(t, '(19|20)[0-9]{2}(\.0+)?') THEN  -- a bare year is not a serial
            CAST(DATE '1899-12-30' + CAST(floor(CAST(t AS DOUBLE)) AS INTEGER) AS DATE)
        WHEN regexp_full_match(t, '(19|20)[0-9]{6}([0-9]{6})?(\.0+)?') THEN
            CAST(try_strptime(split_part(t, '.', 1), ['%Y%m%d', '%Y%m%d%H%M%S']) AS DATE)
        WHEN rc_short_year_t(t) THEN
            CAST(try_strptime(rc_date_part_t(t), ['%d/%m/%y', '%d-%m-%y', '%d.%m.%y', '%d-%b-%y', '%d/%b/%y']) AS DATE)
        -- a date and time with its zone (an e-wallet's `2024-09-06T10:00:00+07:00`, `...Z`): the day it
        -- is in Vietnam (UTC+7), as camt's (readers/camt_entries.py)
        WHEN regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)? ?(Z|[+-][0-9]{2}:?[0-9]{2})') THEN
            CAST(try_strptime(left(replace(t, ' ', 'T'), 19), '%Y-%m-%dT%H:%M:%S') + to_minutes(420 - CASE
                WHEN right(t, 1) = 'Z' THEN 0
                ELSE CASE WHEN regexp_extract(t, '([+-])[0-9]{2}:?[0-9]{2}$', 1) = '-' THEN -1 ELSE 1 END
                     * (CAST(regexp_extract(t, '([0-9]{2}):?[0-9]{2}$', 1) AS INTEGER) * 60
                        + CAST(regexp_extract(t, '([0-9]{2})$', 1) AS INTEGER)) END) AS DATE)
        -- written in words, as a letter dates itself: `ngày 05 tháng 09 năm 2024`
        WHEN regexp_full_match(lower(t), '(ngày\s*)?[0-9]{1,2}\s*tháng\s*[0-9]{1,2}\s*năm\s*[0-9]{4}') THEN
            CAST(try_strptime(array_to_string(regexp_extract_all(t, '[0-9]+'), '/'), '%d/%m/%Y') AS DATE)
        ELSE CAST(try_strptime(rc_date_part_t(t), [
            '%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y-%m-%d', '%Y/%m/%d', '%d-%b-%Y', '%d/%b/%Y',
            '%Y-%m-%dT%H:%M:%S'
        ]) AS DATE)
    END;

CREATE OR REPLACE TEMP MACRO rc_date_a(a) AS
    CASE WHEN year(a) BETWEEN 1900 AND 2100 THEN a END;
-- A date of birth: as a date, but for one whose year has two digits (rc_short_year_t), none, and
-- why (rc_birth_date_problem_t, NULL for any other text)
CREATE OR REPLACE TEMP MACRO rc_birth_date_t(t) AS
    CASE WHEN NOT rc_short_year_t(t) THEN rc_date_a(rc_date_any_t(t)) END;
CREATE OR REPLACE TEMP MACRO rc_birth_date_problem_t(t) AS
    CASE WHEN rc_short_year_t(t)
         THEN 'date_of_birth gives its year in two digits, of either century: write the year in four' END;

CREATE OR REPLACE TEMP MACRO rc_date_problem_t(t, d) AS
    CASE
        WHEN t IS NULL THEN 'missing'
        -- a time with its zone, day first (`05/09/2024 14:30 +07:00`): its day in Vietnam is read from the
        -- ISO form alone (rc_date_any_t)
        WHEN d IS NULL AND regexp_matches(t, '[0-9]:[0-9]{2}.*(Z|[+-][0-9]{2}:?[0-9]{2})$')
            THEN 'has a time with a zone; write it as 2024-09-05T14:30:00+07:00, or the day alone as dd/mm/yyyy'
        WHEN d IS NULL THEN 'is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)'
    END;

-- A date of birth that gives the year alone: `1940`, or the day and month written as zeros
-- (`00/00/1940`, `0/0/1940`, `00/00/40` is no year), as Vietnamese lists write an unknown day and
-- month for the elderly. rc_birth_year_t is that year.
CREATE OR REPLACE TEMP MACRO rc_year_only_t(t) AS
    coalesce(regexp_full_match(t, '(0{1,2}[/.\-]){0,2}(19|20)[0-9]{2}'), false);
-- A date that gives its month and year, or its year, alone: `08/2024`, `8-2024`, `tháng 8/2024`,
-- `T8/2024`, `2024-08`, `2024`, `năm 2024`
CREATE OR REPLACE TEMP MACRO rc_no_day_t(t) AS coalesce(regexp_full_match(lower(t),
    '(tháng |thang |t)?(0?[1-9]|1[0-2]) ?[/.\-] ?(19|20)[0-9]{2}|(19|20)[0-9]{2}([/.\-](0?[1-9]|1[0-2]))?|(năm |nam )(19|20)[0-9]{2}'),
    false);
-- The first day such a date can be: 2024-08-01 of `08/2024`, 2024-01-01 of `2024`
CREATE OR REPLACE TEMP MACRO rc_no_day_from_t(t) AS CASE WHEN rc_no_day_t(t) THEN make_date(
    CAST(regexp_extract(lower(t), '((19|20)[0-9]{2})', 1) AS INTEGER),
    coalesce(CAST(nullif(regexp_extract(lower(t), '(^|[^0-9])(0?[1-9]|1[0-2])([^0-9]|$)', 2), '') AS INTEGER), 1),
    1) END;
CREATE OR REPLACE TEMP MACRO rc_birth_year_t(t) AS
    CASE WHEN rc_year_only_t(t) THEN CAST(right(t, 4) AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO rc_date(s) AS rc_date_a(rc_date_any_t(rc_text(s)));
CREATE OR REPLACE TEMP MACRO rc_date_problem(s) AS rc_date_problem_t(rc_text(s), rc_date(s));

-- Names: does a payee name (key) stand for the registry name (key)? Accepted: the same key, or the
-- same letters spaced otherwise (so case, diacritics, đ, tone placement and spacing never matter,
-- nor a zero-width space that joined two words); a payee key of at least
-- trunc_min characters with which the registry key starts, cut inside a word (the bank's field
-- ran out: NGUYEN THI THANH HUO); or the same family name (first word) and given name (last
-- word) with a Jaro-Winkler similarity of at least threshold (a typo in a middle name). A key
-- that is empty (no Latin letters at all) never matches.
CREATE OR REPLACE TEMP MACRO rc_name_match_keys(reg_key, pay_key, threshold, trunc_min) AS
    coalesce(
        reg_key = pay_key
        OR replace(reg_key, ' ', '') = replace(pay_key, ' ', '')
        OR (length(pay_key) >= trunc_min AND length(reg_key) > length(pay_key)
            AND starts_with(reg_key, pay_key) AND substr(reg_key, length(pay_key) + 1, 1) <> ' ')
        OR (split_part(reg_key, ' ', 1) = split_part(pay_key, ' ', 1)
            AND split_part(reg_key, ' ', -1) = split_part(pay_key, ' ', -1)
            AND jaro_winkler_similarity(reg_key, pay_key) >= threshold),
        false);
-- A payee key without what a bank or an office wrote around the name: a courtesy title before it
-- (ÔNG, BÀ, CỤ, ANH, CHỊ, MR, MRS, MS: `ONG TA VAN SON`) and the words holding a digit (a reference
-- put after it: `TRAN VAN AN - LH09`); the key as it is when that would leave less than two words.
CREATE OR REPLACE TEMP MACRO rc_two_words(x, k) AS CASE WHEN x LIKE '% %' THEN x ELSE k END;
CREATE OR REPLACE TEMP MACRO rc_name_plain(k) AS
    CASE WHEN regexp_matches(k, '^(ONG|BA|CU|ANH|CHI|MR|MRS|MS) |[0-9]') THEN rc_two_words(
        regexp_replace(trim(regexp_replace(regexp_replace(k, '[^ ]*[0-9][^ ]*', '', 'g'), ' +', ' ', 'g')),
                       '^(ONG|BA|CU|ANH|CHI|MR|MRS|MS) ([^ ]+ [^ ].*)$', '\2'),
        k) END;
-- The match of names above, and of the registry's name with the payee's plain of a title or a
-- reference (rc_name_plain), with no typo on top of it (a similarity of 2 is never reached):
-- `ONG TA VAN SON` stands for Tạ Văn Sơn; `ONG VAN TUNG` does not for Văn Thị Tùng.
CREATE OR REPLACE TEMP MACRO rc_name_match(reg_key, pay_key, threshold, trunc_min) AS
    rc_name_match_keys(reg_key, pay_key, threshold, trunc_min)
    OR coalesce(rc_name_plain(pay_key) <> pay_key
                AND rc_name_match_keys(reg_key, rc_name_plain(pay_key), 2, trunc_min), false);

-- Back payments (truy lĩnh): a narrative in lower case `l` that says arrears (`truy lĩnh`, `truy
-- trả`, `truy chi`, as checks/named_month.sql reads them) and the months its first mention of a month
-- names (rc_month_mention: `t9 va t10/2024`, `tháng 9,10/2024`, `t09-t10/2024`, `thang 7 den thang
-- 10/2024`), each as year * 12 + month - 1. A month written with no year is the nearest such month
-- to the period's `p` (checks_month.months_of: five months after it or six before); two months joined
-- by `-`, `đến` or `to` are a range, every month between them named too. sql/facts.sql reads them;
-- views.sql's rc_back_pay_months is the same for the follow-up views (test_back_pay checks both agree).
CREATE OR REPLACE TEMP MACRO rc_arrears_words(l) AS
    strpos(l, 'truy') > 0 AND regexp_matches(l, 'truy[^a-z0-9]+(l[iĩ]nh|tr[aả]|chi)');
CREATE OR REPLACE TEMP MACRO rc_month_mention(l) AS nullif(regexp_extract(l, '(^|[^a-z0-9à-ỹ])((t|th|th[aá]ng|month)[^a-z0-9]?(0?[1-9]|1[0-2])([^a-z0-9]+n[aă]m)?([^a-z0-9]+(19|20)[0-9]{2})?([^a-z0-9]+((v[aà]|đến|den|and|to)[^a-z0-9]+)?((t|th|th[aá]ng|month)[^a-z0-9]?)?(0?[1-9]|1[0-2])([^a-z0-9]+n[aă]m)?([^a-z0-9]+(19|20)[0-9]{2})?)*|k[yỳ][^a-z0-9]+(0?[1-9]|1[0-2])[^a-z0-9]+(n[aă]m[^a-z0-9]+)?(19|20)[0-9]{2})([^a-z0-9]|$)', 0), '');
CREATE OR REPLACE TEMP MACRO rc_month_near(k, p) AS p + (k - 1 - p % 12 + 18) % 12 - 6;
CREATE OR REPLACE TEMP MACRO rc_months_listed(m, p) AS list_concat(
    flatten(list_transform(regexp_extract_all(m, '[^0-9]*([0-9]{1,2}[^0-9]+)+(19|20)[0-9]{2}', 0),
        lambda c: list_transform(list_filter(regexp_extract_all(c, '[0-9]+', 0), lambda d: length(d) <= 2),
                                 lambda d: CAST(right(c, 4) AS INTEGER) * 12 + CAST(d AS INTEGER) - 1))),
    list_transform(regexp_extract_all(regexp_replace(m, '^.*(19|20)[0-9]{2}', ''), '[0-9]+', 0),
                   lambda d: rc_month_near(CAST(d AS INTEGER), p)));
-- (the list bound once, as a lambda's argument, not written out at each use)
CREATE OR REPLACE TEMP MACRO rc_months_named(m, p) AS list_transform([rc_months_listed(m, p)], lambda l: CASE
    WHEN array_length(l) = 2 AND regexp_matches(m, '[0-9][^0-9]*(-|–|đến|den|to)[^0-9]*[0-9]{1,2}([^0-9]|$)')
    THEN generate_series(list_min(l), list_max(l)) ELSE l END)[1];
