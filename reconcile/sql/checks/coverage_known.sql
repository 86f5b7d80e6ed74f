-- Source coverage of the beneficiaries whose registry row names no bank (a registry without a bank
-- column, or with it empty), by the bank known for their account from earlier runs in the
-- database: the bank code of the same person's same account (leading zeros aside) in a registry of
-- another period, else in a payment matched to them, the latest period first. Without a bank they
-- make one group, "(no bank code)", of every bank's beneficiaries (coverage.sql): a bank's file left
-- out, a tenth of them, passed (exit 0), each of its beneficiaries a MISSING_PAYMENT. Counted
-- exactly (these are the few a registry without banks holds); checks_coverage.missing_sources applies
-- the same lines. Run by a DuckDB run whose database holds registry, payments and matches.
WITH uncoded AS (
    SELECT registry_id, vneid, program, channel, ltrim(account_number, '0') AS account
    FROM cur_registry
    WHERE is_primary AND status = 'active' AND entitled_amount > 0 AND channel <> 'cash' AND bank_code IS NULL
      AND vneid IS NOT NULL AND account_number IS NOT NULL
),
known AS (
    SELECT vneid, program, ltrim(account_number, '0') AS account, bank_code, period
    FROM main.registry
    WHERE bank_code IS NOT NULL AND channel <> 'cash' AND account_number IS NOT NULL AND vneid IS NOT NULL
    UNION ALL
    SELECT m.vneid, m.program, ltrim(p.account_number, '0'), p.bank_code, p.period
    FROM main.payments AS p
    JOIN main.matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
    WHERE p.bank_code IS NOT NULL AND p.account_number IS NOT NULL AND p.channel <> 'cash' AND m.vneid IS NOT NULL
),
banks AS (
    SELECT u.registry_id, u.program, u.channel, arg_max(k.bank_code, k.period) AS bank_code
    FROM uncoded AS u
    JOIN known AS k ON k.vneid = u.vneid AND k.program = u.program AND k.account = u.account
    GROUP BY u.registry_id, u.program, u.channel
),
paid AS (
    SELECT DISTINCT registry_id FROM pm
    WHERE registry_id IS NOT NULL AND in_period AND registered_channel <> 'cash' AND registered_bank_code IS NULL
)
SELECT b.program, b.channel, b.bank_code, count(*) AS beneficiaries, count(p.registry_id) AS with_payment
FROM banks AS b
LEFT JOIN paid AS p USING (registry_id)
GROUP BY b.program, b.channel, b.bank_code
ORDER BY b.program, b.channel, b.bank_code;
