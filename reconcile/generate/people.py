"""The generated month's beneficiaries, computed by DuckDB from a row number and a seed: a
realistic Vietnamese name, a valid 12-digit ID (a real place-of-birth code, century/sex and year
digits that agree with the date of birth and gender), the province of that birth code and one of
its communes on the map of the period, a programme by age, an amount from the real benefit
levels, a channel drawn to the non-cash share asked for, and each one's scenario: paid as
registered, or one of the planted cases at its rate (table registry_src); and the registry as
written, from those or from a later month's (table registry_out)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import date

import duckdb

from reconcile import areas
from reconcile.generate.config import GenerateConfig, Rates
from reconcile.pipeline import period_bounds
from reconcile.sample.names import FAMILY, GIVEN, MIDDLE
from reconcile.warehouse import quote_ident, quote_literal

BANKS = ["VBA", "ICB", "BIDV", "VCB", "LPB", "MB", "TCB", "ACB"]
EWALLETS = ["VIETTELMONEY", "VNPTMONEY"]
COEFFICIENTS = [1.0, 1.5, 2.0, 2.5, 3.0]


def _list(values: Iterable[object]) -> str:
    return "[" + ", ".join(quote_literal(str(v)) if not isinstance(v, (int, float)) else str(v) for v in values) + "]"


def standard_level(period: str) -> int:
    """The social assistance standard level of a period: 360,000 before July 2024, 500,000 since."""
    start, _ = period_bounds(period)
    return 500_000 if start >= date(2024, 7, 1) else 360_000


def create_people(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, outsiders: int = 0) -> None:
    """The beneficiaries and their scenarios (base, people), as registered (registry_src). The
    `outsiders` rows drawn after the beneficiaries are kept only where their scenario is `unknown`:
    payees not in the registry, for the later months of a history (each row is its own person)."""
    start, _ = period_bounds(cfg.period)
    layout = areas.layout_for(cfg.period)
    standard = standard_level(cfg.period)
    births = con.execute(
        "SELECT cccd_code, gso_code_pre2025, province_code_2025 FROM ref_birth_province ORDER BY cccd_code"
    ).fetchall()
    con.execute(
        "CREATE TEMP TABLE births AS SELECT * FROM (VALUES "
        + ", ".join(f"({i}, '{c}', '{g}', '{p}')" for i, (c, g, p) in enumerate(births))
        + ") t(k, cccd, gso, p2025)"
    )
    con.execute("""CREATE TEMP TABLE communes AS
        SELECT province_code, commune_code,
               row_number() OVER (PARTITION BY province_code ORDER BY commune_code) - 1 AS k,
               count(*) OVER (PARTITION BY province_code) AS n
        FROM ref_commune""")
    # cumulative thresholds of the scenarios, in a fixed order
    edges, acc = [], 0.0
    for f in fields(Rates):
        acc += getattr(cfg.rates, f.name)
        edges.append((f.name, acc))
    scenario = "CASE " + " ".join(f"WHEN u_s < {edge!r} THEN '{name}'" for name, edge in edges) + " ELSE 'paid' END"
    nb = len(births)
    con.execute(
        f"""
        CREATE TEMP TABLE base AS
        WITH r AS (
            SELECT i,
                   (hash(i, $seed, 's') % 1000000) / 1000000.0 AS u_s,
                   (hash(i, $seed, 'c') % 1000000) / 1000000.0 AS u_c,
                   hash(i, $seed, 'h') AS h,
                   i % {nb} AS bk, (i // {nb}) % 2 AS female, 1935 + (i // {2 * nb}) % 85 AS born,
                   i // {2 * nb * 85} AS serial
            FROM range($n + $outsiders) t(i)
        ),
        drawn AS (
            SELECT r.*, {scenario} AS scenario, b.cccd, b.gso, b.p2025
            FROM r JOIN births AS b ON b.k = r.bk
        )
        SELECT * FROM drawn WHERE i < $n OR scenario = 'unknown'""",
        {"n": cfg.beneficiaries, "outsiders": outsiders, "seed": cfg.seed},
    )
    # cases that need a transfer beneficiary born before 2000 fall back to 'paid' otherwise; the
    # shared-account case needs whole groups of three
    con.execute("""
        CREATE TEMP TABLE people AS
        WITH s AS (
            SELECT *, CASE WHEN scenario = 'invalid_id' AND born >= 2000 THEN 'paid' ELSE scenario END AS sc
            FROM base
        ),
        shared AS (
            SELECT i, row_number() OVER (ORDER BY i) - 1 AS rk, count(*) OVER () AS n FROM s WHERE sc = 'shared'
        )
        SELECT s.* EXCLUDE (scenario, sc),
               CASE WHEN s.sc = 'shared' AND sh.rk >= sh.n - sh.n % 3 THEN 'paid' ELSE s.sc END AS scenario,
               CASE WHEN s.sc = 'shared' AND sh.rk < sh.n - sh.n % 3 THEN sh.rk // 3 END AS shared_group
        FROM s LEFT JOIN shared AS sh USING (i)""")
    con.execute(
        f"""
        CREATE TEMP TABLE registry_src AS
        WITH p AS (
            SELECT *,
                   CASE WHEN born <= 1966 AND h % 100 < 45 THEN 'pension' ELSE 'welfare' END AS program,
                   scenario IN ('account', 'name', 'shared', 'cash', 'returned') AS needs_bank
            FROM people
        ),
        c AS (
            SELECT p.*,
                   CASE WHEN needs_bank THEN 'bank'
                        WHEN u_c >= $noncash THEN 'cash'
                        WHEN (h // 7) % 10 = 0 AND program = 'welfare' THEN 'ewallet'
                        ELSE 'bank' END AS channel,
                   {_list(FAMILY)}[(1 + (h // 11) % {len(FAMILY)})::INTEGER] AS fam,
                   CASE WHEN female = 1 THEN {_list(MIDDLE["female"])}[(1 + (h // 13) % {len(MIDDLE["female"])})::INTEGER]
                        ELSE {_list(MIDDLE["male"])}[(1 + (h // 13) % {len(MIDDLE["male"])})::INTEGER] END AS mid,
                   CASE WHEN female = 1 THEN {_list(GIVEN["female"])}[(1 + (h // 17) % {len(GIVEN["female"])})::INTEGER]
                        ELSE {_list(GIVEN["male"])}[(1 + (h // 17) % {len(GIVEN["male"])})::INTEGER] END AS given
            FROM p
        )
        SELECT
            i, scenario, shared_group, program, channel,
            cccd || ((CASE WHEN born >= 2000 THEN 2 ELSE 0 END) + female
                     + CASE WHEN scenario = 'invalid_id' THEN 2 ELSE 0 END)::VARCHAR
                 || lpad((born % 100)::VARCHAR, 2, '0') || lpad((serial % 1000000)::VARCHAR, 6, '0') AS vneid,
            fam || ' ' || mid || ' ' || given AS full_name,
            make_date(born, 1 + ((h // 19) % 12)::INTEGER, 1 + ((h // 23) % 28)::INTEGER) AS date_of_birth,
            CASE WHEN female = 1 THEN 'female' ELSE 'male' END AS gender,
            CASE WHEN program = 'pension' THEN 3000000 + ((h // 29) % 9000) * 1000
                 ELSE CAST({standard} * {_list(COEFFICIENTS)}[(1 + (h // 29) % {len(COEFFICIENTS)})::INTEGER] AS BIGINT)
            END AS entitled_amount,
            CASE WHEN channel = 'bank' THEN {_list(BANKS)}[(1 + (h // 31) % {len(BANKS)})::INTEGER]
                 WHEN channel = 'ewallet' THEN {_list(EWALLETS)}[(1 + (h // 31) % {len(EWALLETS)})::INTEGER] END AS bank_code,
            CASE WHEN channel <> 'cash' THEN '0' || lpad(i::VARCHAR, 12, '0') END AS account_number,
            CASE WHEN $layout = '2025' THEN p2025 ELSE gso END AS province_code,
            p2025,
            h,
            CASE WHEN scenario = 'deceased' THEN 'deceased' WHEN scenario = 'suspended' THEN 'suspended'
                 ELSE 'active' END AS status,
            CASE WHEN scenario = 'deceased' THEN DATE '{start}' - INTERVAL 15 DAY END::DATE AS date_of_death
        FROM c""",
        {"noncash": cfg.noncash_share, "layout": layout},
    )


def create_registry(con: duckdb.DuckDBPyConnection, source: str = "registry_src") -> None:
    """The registry as written (registry_out), from the people as registered in `source` (the
    columns of registry_src; a later month's have its scenarios): one registered account for each
    group of three sharing one, a commune of the birth province, and the beneficiaries listed twice
    twice. Payees not in the registry (`unknown`, and `outside` in months they are not paid) are
    left out."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE registry_out AS
        WITH shared AS (
            SELECT shared_group, min(account_number) AS acct FROM {quote_ident(source)} WHERE shared_group IS NOT NULL
            GROUP BY shared_group
        ),
        sizes AS (SELECT DISTINCT province_code, n FROM communes),
        placed AS (  -- which of its province's communes: an equality join, not a scan of them all
            SELECT r.*, r.h % z.n AS ck FROM {quote_ident(source)} AS r LEFT JOIN sizes AS z ON z.province_code = r.p2025
        )
        SELECT r.i, r.scenario, r.vneid, r.full_name, r.date_of_birth, r.gender, r.program, r.entitled_amount,
               r.channel, CASE WHEN r.shared_group IS NOT NULL THEN 'VBA' ELSE r.bank_code END AS bank_code,
               coalesce(s.acct, r.account_number) AS account_number, r.province_code,
               cm.commune_code, r.status, r.date_of_death, r.h
        FROM placed AS r
        LEFT JOIN shared AS s USING (shared_group)
        LEFT JOIN communes AS cm ON cm.province_code = r.p2025 AND cm.k = r.ck
        WHERE r.scenario NOT IN ('unknown', 'outside')
        UNION ALL
        SELECT i + 1000000000000, 'listed again', vneid, full_name, date_of_birth, gender, program, entitled_amount,
               channel, bank_code, account_number, province_code, NULL, status, date_of_death, h
        FROM {quote_ident(source)} WHERE scenario = 'twice_listed'""")
