-- Amounts with a zero fraction of three or more digits: '1500.000', '1500,000', '150,0000', '1.500,000'
-- is a group of thousands typed with one separator or the wrong one (1.500.000) or three decimals
-- (1500.000 VND), a thousand apart. rc_amount_digits reads it as decimals (1,500), as a system writes
-- every amount of its export (a Parquet DECIMAL(18,3) column as text: 1500000.000); a valid grouping
-- (1.500.000, 1,500,000, 500.000) is a group. For each registry or payments file, its amounts as
-- written (the rows as read, raw_registry and raw_payments, rows set aside left out, amounts of 0
-- either way left out): how many are so written and how many otherwise (1.500.000, 1500000), the row
-- of the first so written and its shape, its digits as # (####.000: no amount of anyone's).
-- checks_thousands.check_zero_fractions refuses a file with both: beside the file's other amounts,
-- such a one was typed for 1.500.000 and read as 1,500 (a false AMOUNT_MISMATCH, a recovery of money
-- never owed). Run by a run, by --stage-only and by `check`.
WITH written AS (
    SELECT file_id, 'entitled_amount' AS column_name, entitled_amount AS raw, count(*) AS n,
           min(source_row) AS first_row
    FROM raw_registry
    WHERE skip_reason IS NULL AND entitled_amount IS NOT NULL
    GROUP BY file_id, entitled_amount
    UNION ALL
    SELECT file_id, 'amount', amount, count(*), min(source_row)
    FROM raw_payments
    WHERE skip_reason IS NULL AND amount IS NOT NULL
    GROUP BY file_id, amount
),
core AS (
    SELECT *, ltrim(rc_amount_core_t(rc_text(raw)), '+-') AS c FROM written
),
shaped AS (
    SELECT *, regexp_full_match(c, '[0-9][0-9.,]*[.,]0{3,}')
                  AND NOT regexp_full_match(c, '[0-9]{1,3}(\.[0-9]{3})+|[0-9]{1,3}(,[0-9]{3})+') AS ambiguous
    FROM core
    WHERE rc_amount_d(rc_amount_digits(c)) > 0
)
SELECT file_id, column_name, sum(n) FILTER (WHERE ambiguous) AS n, sum(n) FILTER (WHERE NOT ambiguous) AS other,
       min(first_row) FILTER (WHERE ambiguous) AS first_row,
       arg_min(regexp_replace(regexp_extract(c, '^(.*)[.,]0+$', 1), '[0-9]', '#', 'g')
               || regexp_extract(c, '[.,]0+$'), first_row) FILTER (WHERE ambiguous) AS shape
FROM shaped
GROUP BY file_id, column_name
HAVING bool_or(ambiguous) AND NOT bool_and(ambiguous)
ORDER BY file_id, column_name;
