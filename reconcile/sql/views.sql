-- Views over the stored tables, so that they cover every period the database holds.

-- The base of the non-cash share: every successful payment dated within its period, once (a
-- payment whose reference an earlier input already holds, repeat_of, is not counted again).
-- Its programme is the payment's own, else the matched beneficiary's, else 'unknown';
-- its province and commune are the matched beneficiary's.
CREATE OR REPLACE VIEW noncash_base AS
SELECT
    p.period,
    coalesce(p.program, r.program, 'unknown') AS program,
    r.province_code,
    r.commune_code,
    r.province_code_2025,
    p.channel,
    coalesce('id:' || m.vneid, 'payment:' || p.payment_id) AS beneficiary,
    p.amount
FROM payments AS p
LEFT JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
LEFT JOIN registry AS r ON r.period = m.period AND r.registry_id = m.registry_id
WHERE p.status = 'success' AND p.in_period AND p.repeat_of IS NULL;

-- The non-cash share: the rows each run computed for its period (sql/noncash_share.sql).
CREATE OR REPLACE VIEW noncash_share AS
SELECT * FROM noncash_share_rows;
