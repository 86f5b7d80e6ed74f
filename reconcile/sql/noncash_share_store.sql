-- Store the period's non-cash share, computed by noncash_share.sql into nc_rows, with its targets
-- (stored by the run just before); a partial month (a source missing, run with --partial) is not
-- judged against its target.
INSERT INTO noncash_share_rows
SELECT
    $period AS period,
    s.program,
    s.level,
    nullif(s.province_code, '') AS province_code,
    nullif(s.commune_code, '') AS commune_code,
    s.channel_group,
    s.beneficiaries,
    s.payments,
    CAST(s.amount AS BIGINT) AS amount,
    s.share_beneficiaries,
    s.share_payments,
    s.share_amount,
    CASE WHEN s.channel_group = 'all' THEN tg.target END AS target,
    CASE WHEN s.channel_group = 'all' AND tg.target IS NOT NULL AND NOT $partial THEN s.share_payments >= tg.target
    END AS target_met
FROM nc_rows AS s
LEFT JOIN targets AS tg ON tg.period = $period AND tg.program = s.program
ORDER BY s.program, s.level = 'program' DESC, s.level = 'province' DESC,
         s.province_code, s.commune_code, s.channel_group = 'all' DESC, s.channel_group;

DROP TABLE nc_rows;
