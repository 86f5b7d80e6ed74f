-- Normalise raw_payments (text as read) into stg_payments: typed canonical columns, the ID taken
-- from the narrative when the ID column is empty, and reject_reason for rows that cannot be loaded.
-- A column with few distinct values is normalised once per distinct value, the rest row by row in
-- layers (see stage_registry.sql). The names and narratives may go either way: where nearly every
-- row's differs ($names_by_value, $narratives_by_value false: stage.py samples the rows), a map of
-- them costs a DISTINCT and a join back of a million texts for nothing, and at 10M spills; their
-- map is then left empty (names), or holds only the narratives that may hold an ID or name an
-- account, and the rest is normalised row by row (coalesce evaluates its second argument only for
-- the rows the map left NULL: the same macros, the same values).
CREATE OR REPLACE TEMP TABLE stg_payments AS
WITH narratives AS MATERIALIZED (
    -- each distinct narrative once (where nearly every row's differs, only those that may hold an ID
    -- or name an account: rc_may_hold_id_or_account), with what the steps below ask of it, each
    -- asked once: may it label an account, does it hold 12 digits together (a run of exactly 12 where
    -- it labels none: a reference of 15 digits, as most transfers' narratives carry, holds no ID to
    -- look for), or in groups; and, where it may name an account or holds groups, its text folded
    -- (rc_fold, in its layers), which the steps below search
    SELECT raw, may_name, has_12, has_groups, rc_account_worded_f(rc_fold_s(s)) AS folded
    FROM (
        SELECT raw, may_name, has_12, has_groups, rc_strip_t(t) AS s
        FROM (
            SELECT raw, may_name,
                   CASE WHEN may_name THEN regexp_matches(raw, '[0-9]{12}')
                        ELSE regexp_matches(raw, '(^|[^0-9])[0-9]{12}([^0-9]|$)') END AS has_12,
                   has_groups, CASE WHEN may_name OR has_groups THEN rc_text(raw) END AS t
            FROM (SELECT raw, rc_may_name_account(raw) AS may_name,
                         regexp_matches(raw, '[0-9]{3}[ .-][0-9]{3,4}[ .-][0-9]{3}') AS has_groups
                  FROM (SELECT DISTINCT narrative AS raw FROM raw_payments
                        WHERE $narratives_by_value OR rc_may_hold_id_or_account(narrative)))))
),
named AS (
    -- each candidate number of each account a narrative names (`mention`: its place); `paid_to`:
    -- named as where the money went, not as the account it was paid from
    SELECT narrative, a.mention AS mention, a.source = '' AS paid_to, unnest(a.candidates) AS account
    FROM (SELECT raw AS narrative, unnest(rc_named_accounts_from_f(folded)) AS a
          FROM narratives WHERE may_name)
),
named_accounts AS (
    -- the accounts a narrative names after a word for one that the registry lists as a
    -- beneficiary's (of the candidates of one place, the longest it lists: `STK 0011 0012 2123 6`
    -- is 0011001221236 where 00110012 is another's): where the money went, when the statement has
    -- no column for it (Sacombank: `TA VAN SON STK 060123456789`), or, in a return, where it came
    -- back from (`CHUYEN TIEN TU TK ... HOAN TRA`). An account the registry does not list is never
    -- taken: it may be the paying office's own (`PHONG LDTBXH HUONG KHE TK 3700201001234`), which
    -- made every payment a false ACCOUNT_MISMATCH (joined from the few accounts named, not the
    -- registry's rows searched for each)
    SELECT narrative, arg_max(account, length(account)) AS account, any_value(paid_to) AS paid_to,
           arg_max(banks, length(account)) AS banks, arg_max(holders, length(account)) AS holders,
           arg_max(is_id, length(account)) AS is_id
    FROM (
        SELECT n.narrative, n.mention, n.account, n.paid_to, list(DISTINCT r.name_key) AS holders,
               list(DISTINCT CASE WHEN rc_bank_known(r.bank_code) THEN r.bank_code END) AS banks,
               n.account IN (SELECT r.vneid FROM named AS n2 JOIN stg_registry AS r ON r.vneid = n2.account) AS is_id
        FROM named AS n
        JOIN stg_registry AS r ON r.account_number = n.account AND r.reject_reason IS NULL
        GROUP BY ALL
    )
    GROUP BY narrative, mention
),
m_narrative AS (
    -- the narrative's text, and the 12-digit numbers in it that are real IDs (known place-of-birth
    -- code), written whole or in groups (`036.035.000.000`, rc_grouped_ids), once per distinct
    -- narrative: most repeat a few templates (the numbers are looked for in the distinct
    -- narratives, not in every row's); a number labelled as an account (rc_narrative_digits) only
    -- when there is no other, and not when it is a registered beneficiary's account and no
    -- registered ID: `TK 001156012345 NGUYEN VAN HUNG` may give the ID after a label, where
    -- `STK 060123456789` gives the account. The account it names, when the registry lists it
    -- (named_accounts) and it names one only
    SELECT raw, rc_text(raw) AS narrative_t, coalesce(c.ids, []) AS narrative_ids,
           a.account AS narrative_account, a.banks AS narrative_account_banks,
           a.holders AS narrative_account_holders, any_a.account AS narrative_return_account,
           any_a.banks AS narrative_return_banks,
           -- the account a transfer went to (`toi <account>`), and the payee's name written after it
           coalesce(a.account = regexp_extract(n.folded, '(?:^| )toi tk ([0-9]{6,20})(?: |$)', 1), false)
               AS narrative_account_to,
           CASE WHEN contains(n.folded, 'toi tk ') THEN rc_narrative_payee_t(rc_text(n.raw)) END AS narrative_payee
    FROM narratives AS n
    LEFT JOIN (
        SELECT narrative, coalesce(list(DISTINCT candidate ORDER BY candidate) FILTER (WHERE NOT labelled),
                                   list(DISTINCT candidate ORDER BY candidate) FILTER (WHERE labelled)) AS ids
        FROM (
            SELECT raw AS narrative,
                   -- folded for its labels only where it may hold one: most narratives hold none
                   -- (else each run of exactly 12 digits: the runs of 12 or more, as few as there are)
                   unnest(CASE WHEN may_name
                               THEN regexp_extract_all(rc_narrative_digits_f(folded), ' ([0-9]{12}) ', 1)
                               ELSE list_filter(regexp_extract_all(raw, '[0-9]{12,}'), lambda d: length(d) = 12) END)
                       AS candidate,
                   false AS labelled
            FROM narratives WHERE has_12
            UNION ALL  -- the 12-digit numbers labelled as an account
            SELECT raw, unnest(regexp_extract_all(regexp_replace(' ' || raw || ' ', '[^0-9]+', '  ', 'g'),
                                                  ' ([0-9]{12}) ', 1)), true
            FROM narratives WHERE has_12 AND may_name
            UNION ALL
            SELECT raw, unnest(rc_grouped_ids_f(folded)), false
            FROM narratives WHERE has_groups
        ) AS found
        WHERE rc_vneid_valid(candidate)
          AND NOT (labelled AND EXISTS (SELECT 1 FROM named_accounts AS na
                                        WHERE na.narrative = found.narrative AND na.account = found.candidate
                                              AND NOT na.is_id))
          -- the account paid from (`CT tu <the office's account>`) is never the payee's ID
          AND NOT (labelled AND EXISTS (SELECT 1 FROM named AS n
                                        WHERE n.narrative = found.narrative AND n.account = found.candidate
                                              AND NOT n.paid_to))
        GROUP BY narrative
    ) AS c ON c.narrative = n.raw
    LEFT JOIN (SELECT narrative, min(account) AS account, any_value(banks) AS banks, any_value(holders) AS holders
               FROM named_accounts WHERE paid_to
               GROUP BY narrative HAVING count(DISTINCT account) = 1) AS a ON a.narrative = n.raw
    LEFT JOIN (SELECT narrative, min(account) AS account, any_value(banks) AS banks FROM named_accounts
               GROUP BY narrative HAVING count(DISTINCT account) = 1) AS any_a ON any_a.narrative = n.raw
),
m_name AS (
    SELECT raw, t AS name_t, rc_name_key_s(s) AS payee_key
    FROM (SELECT raw, t, rc_strip_t(t) AS s
          FROM (SELECT raw, rc_text(raw) AS t
                FROM (SELECT DISTINCT payee_name AS raw FROM raw_payments WHERE $names_by_value)))
),
m_dob AS (
    -- the year alone (`1953`, `00/00/1953`: a post office's list) is no date, but is the birth year
    -- matching compares by name (match.sql)
    SELECT raw, dob_t, dob, coalesce(year(dob), rc_birth_year_t(dob_t)) AS birth_year
    FROM (SELECT raw, t AS dob_t, rc_birth_date_t(t) AS dob
          FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT date_of_birth AS raw FROM raw_payments)))
),
m_value_date AS (
    SELECT raw, t AS value_date_t, rc_date_a(rc_date_any_t(t)) AS value_date
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT value_date AS raw FROM raw_payments))
),
m_amount AS (
    -- in layers, as rc_amount and rc_amount_problem compose them: the plain forms expand the text
    -- dozens of times over, and planning them cost a tenth of a second of every run
    SELECT raw, rc_amount_d(d) AS n_amount, rc_amount_problem_t(t, c, d) AS p_amount
    FROM (SELECT raw, t, c, rc_amount_digits(c) AS d
          FROM (SELECT raw, t, rc_amount_core_t(t) AS c
                FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT amount AS raw FROM raw_payments))))
),
m_channel AS (
    SELECT raw, t AS channel_t, rc_channel_t(t) AS n_channel
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT channel AS raw FROM raw_payments))
),
m_status AS (
    SELECT raw, coalesce(rc_payment_status_t(t), CASE WHEN t IS NULL THEN 'success' END) AS n_status
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT status AS raw FROM raw_payments))
),
m_program AS (
    SELECT raw, t AS program_t, rc_program_t(t) AS n_program
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT program AS raw FROM raw_payments))
),
m_bank AS (
    SELECT raw, rc_bank_t(t) AS bank_code, rc_ewallet_bank_t(t) AS bank_ewallet
    FROM (SELECT raw, rc_text(raw) AS t FROM (SELECT DISTINCT bank_code AS raw FROM raw_payments))
),
t AS (
    SELECT
        r.file_id, r.source_file, r.source_row, r.source_sheet, r.skip_reason,
        rc_text_word(r.payment_ref) AS ref_t, rc_text_word(r.vneid) AS vneid_t,
        rc_text_word(r.account_number) AS account_t, rc_text_word(r.bank_ref) AS bank_ref_t,
        coalesce(m_narrative.narrative_t, rc_text(r.narrative)) AS narrative_t,
        coalesce(m_narrative.narrative_ids, []) AS narrative_ids,
        m_narrative.* EXCLUDE (raw, narrative_t, narrative_ids),
        -- a statement without a payee column: the name its narrative writes after the account paid
        coalesce(m_name.name_t, rc_text(r.payee_name), m_narrative.narrative_payee) AS name_t,
        m_name.payee_key AS payee_key_m,
        m_dob.* EXCLUDE (raw), m_value_date.* EXCLUDE (raw), m_amount.* EXCLUDE (raw),
        m_channel.channel_t, m_status.* EXCLUDE (raw), m_program.* EXCLUDE (raw), m_bank.bank_code,
        -- a transfer to an e-wallet is the e-wallet channel (a statement gives every row as bank)
        CASE WHEN m_channel.n_channel = 'bank' AND m_bank.bank_ewallet THEN 'ewallet' ELSE m_channel.n_channel END
            AS n_channel
    FROM raw_payments AS r
    LEFT JOIN m_narrative ON m_narrative.raw IS NOT DISTINCT FROM r.narrative
    LEFT JOIN m_name ON m_name.raw IS NOT DISTINCT FROM r.payee_name
    LEFT JOIN m_dob ON m_dob.raw IS NOT DISTINCT FROM r.date_of_birth
    LEFT JOIN m_value_date ON m_value_date.raw IS NOT DISTINCT FROM r.value_date
    LEFT JOIN m_amount ON m_amount.raw IS NOT DISTINCT FROM r.amount
    LEFT JOIN m_channel ON m_channel.raw IS NOT DISTINCT FROM r.channel
    LEFT JOIN m_status ON m_status.raw IS NOT DISTINCT FROM r.status
    LEFT JOIN m_program ON m_program.raw IS NOT DISTINCT FROM r.program
    LEFT JOIN m_bank ON m_bank.raw IS NOT DISTINCT FROM r.bank_code
),
t_name AS (
    SELECT *, CASE WHEN payee_key_m IS NULL THEN rc_strip_t(name_t) END AS name_s FROM t
),
typed AS (
    SELECT * EXCLUDE (payee_key_m, name_s), coalesce(payee_key_m, rc_name_key_s(name_s)) AS payee_key,
        rc_digits_word_t(vneid_t) AS vneid_d
    FROM t_name
),
typed1 AS (
    SELECT *, rc_restorable_d(vneid_d) AS n_vneid_restored FROM typed
),
typed2 AS (
    SELECT *,
        rc_vneid_dr(vneid_d, n_vneid_restored) AS n_vneid,
        rc_vneid_problem_t(vneid_t, vneid_d) AS p_vneid
    FROM typed1
),
with_id AS (
    SELECT *,
        CASE
            WHEN p_vneid = 'missing' AND len(narrative_ids) = 1 THEN narrative_ids[1]
            WHEN p_vneid IS NULL THEN n_vneid
        END AS final_vneid,
        CASE
            WHEN p_vneid = 'missing' AND len(narrative_ids) = 1 THEN 'narrative'
            WHEN p_vneid IS NULL THEN 'column'
        END AS final_vneid_source,
        CASE
            WHEN p_vneid = 'missing' AND len(narrative_ids) > 1 THEN
                'narrative holds ' || len(narrative_ids) || ' different IDs; none was used'
            WHEN p_vneid IS NOT NULL AND p_vneid <> 'missing' THEN 'ID ' || p_vneid
        END AS final_vneid_note
    FROM typed2
),
with_account AS (
    -- the row's own account, else the one its narrative names (m_narrative): not for cash, not the
    -- number taken for the row's ID, not at another known bank than the registry's for it, and for
    -- a payment only to the account's holder: the row's payee, or where the row names none, a name
    -- its narrative writes (`TRAN VAN HUNG QUA TT BTXH STK <Mai's account>` would have paid Mai
    -- three times). A bank's return names the account the money came back from, the payee's, and no
    -- name (`HOAN TRA CK STK ...`, `CHUYEN TIEN TU TK ... HOAN TRA`)
    SELECT *,
        coalesce(rc_ident_word_t(account_t),
                 CASE WHEN n_status = 'returned' THEN
                          CASE WHEN rc_account_fits(narrative_return_account, narrative_return_banks, n_channel,
                                                    final_vneid, bank_code)
                               THEN narrative_return_account END
                      WHEN rc_account_fits(narrative_account, narrative_account_banks, n_channel, final_vneid, bank_code)
                           -- the account a transfer went to (`toi <account>`) is the payee's, whatever name
                           -- is written beside it (another is a NAME_MISMATCH)
                           AND (narrative_account_to OR CASE WHEN payee_key IS NOT NULL
                                    THEN len(list_filter(narrative_account_holders, lambda k: rc_name_match(
                                             k, payee_key, $name_similarity, $name_truncation_min_length))) > 0
                                    ELSE len(list_filter(narrative_account_holders, lambda k:
                                             contains(' ' || upper(rc_fold_t(narrative_t)) || ' ', ' ' || k || ' '))) > 0
                               END)
                      THEN narrative_account END) AS n_account
    FROM with_id
)
SELECT
    file_id, source_file, source_row, source_sheet, coalesce(skip_reason <> 'blank row', false) AS set_aside,
    ref_t AS payment_ref,
    final_vneid AS vneid,
    name_t AS payee_name,
    dob AS date_of_birth,
    birth_year,
    bank_code,
    CASE WHEN n_channel = 'ewallet' THEN rc_wallet_t(n_account) ELSE n_account END AS account_number,
    n_amount AS amount,
    value_date,
    n_channel AS channel,
    n_status AS status,
    n_program AS program,
    narrative_t AS narrative,
    bank_ref_t AS bank_ref,
    final_vneid_source AS vneid_source,
    final_vneid_note AS vneid_note,
    payee_key,
    coalesce(final_vneid_source = 'column' AND n_vneid_restored, false) AS vneid_restored,
    -- a payment that did not go through may carry no date (a post office's `Chưa nhận` row, left
    -- blank): it is of the month whose file lists it
    coalesce(value_date BETWEEN $period_start AND $period_end, value_date_t IS NULL) AS in_period,
    coalesce(skip_reason, nullif(concat_ws('; ',
        CASE WHEN ref_t IS NULL THEN 'payment_ref missing' END,
        -- a statement may name the payee only in its narrative: an ID or an account identifies them
        CASE WHEN name_t IS NULL AND final_vneid IS NULL AND account_t IS NULL AND n_account IS NULL
             THEN 'payee_name missing (and no ID or account to tell who was paid)' END,
        'amount ' || p_amount,
        -- 0 VND paid is no payment, whatever the status says: the beneficiary was not paid
        CASE WHEN n_amount = 0 AND n_status = 'success'
             THEN 'amount is 0 in a successful payment: no money was paid (a payment that did not go through says so in its status)' END,
        CASE WHEN value_date_t IS NOT NULL OR n_status IS DISTINCT FROM 'failed' AND n_status IS DISTINCT FROM 'returned'
             THEN 'value_date ' || rc_date_problem_t(value_date_t, value_date) END,
        CASE WHEN channel_t IS NULL THEN 'channel missing'
             WHEN n_channel IS NULL THEN 'channel is not bank, ewallet or cash' END,
        CASE WHEN n_status IS NULL THEN 'status is not success, failed or returned' END,
        CASE WHEN program_t IS NOT NULL AND n_program IS NULL THEN 'program is not welfare or pension' END,
        CASE WHEN dob_t IS NOT NULL AND birth_year IS NULL
             THEN coalesce(rc_birth_date_problem_t(dob_t), 'date_of_birth is not a real date') END
    ), '')) AS reject_reason
FROM with_account;
