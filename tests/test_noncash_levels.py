"""The non-cash share's levels (sql/noncash_share.sql) against their definition, on payments where a
beneficiary may be paid in several places, on several channels, or with no place known.

noncash_share.sql counts beneficiaries in one place by adding up places and the others by name
(issue 20); the definition below counts every beneficiary by name at every level. The generated
and sample months have no beneficiary paid in two places, so the property draws such months."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.warehouse import compute_noncash_share

LEVELS = {  # level: (province column, commune column)
    "program": ("''", "''"),
    "province": ("coalesce(province_code, 'unknown')", "''"),
    "commune": ("coalesce(province_code, 'unknown')", "coalesce(commune_code, 'unknown')"),
    "province_2025": ("coalesce(province_code_2025, 'unknown')", "''"),
}


def definition(con) -> set[tuple]:
    """Each level's rows, every beneficiary counted by name: a beneficiary is paid without cash at a
    level when every payment of theirs there on a known channel was by bank or e-wallet."""
    rows: set[tuple] = set()
    for level, (prov, comm) in LEVELS.items():
        keys = f"program, '{level}' AS level, {prov} AS province_code, {comm} AS commune_code"
        people = {
            r[:4]: r[4:]
            for r in con.execute(f"""
            SELECT program, level, province_code, commune_code, count(*),
                   count(*) FILTER (WHERE only_noncash)
            FROM (SELECT {keys}, beneficiary, bool_and(channel IN ('bank', 'ewallet')) AS only_noncash
                  FROM base GROUP BY ALL)
            GROUP BY ALL""").fetchall()
        }
        totals = {
            r[:4]: r[4:]
            for r in con.execute(f"""
            SELECT {keys}, count(*), sum(amount),
                   count(*) FILTER (WHERE channel IN ('bank', 'ewallet')),
                   coalesce(sum(amount) FILTER (WHERE channel IN ('bank', 'ewallet')), 0)
            FROM base GROUP BY ALL""").fetchall()
        }
        for key, (payments, amount, nc_payments, nc_amount) in totals.items():
            ben, nc_ben = people[key]
            rows.add(
                (
                    *key,
                    "all",
                    ben,
                    payments,
                    amount,
                    nc_ben / ben,
                    nc_payments / payments,
                    nc_amount / amount if amount > 0 else None,
                )
            )
        for *key, channel, ben, payments, amount in con.execute(f"""
                SELECT {keys}, channel, count(DISTINCT beneficiary), count(*), sum(amount)
                FROM base GROUP BY ALL""").fetchall():
            total = totals[tuple(key)]
            rows.add(
                (
                    *key,
                    channel,
                    ben,
                    payments,
                    amount,
                    ben / people[tuple(key)][0],
                    payments / total[0],
                    amount / total[1] if total[1] > 0 else None,
                )
            )
    return rows


payment = st.tuples(
    st.sampled_from(["welfare", "pension"]),
    st.sampled_from(["01", "79", None]),
    st.sampled_from(["00004", "26734", None]),
    st.sampled_from(["01", "79", None]),
    st.sampled_from(["id:001", "id:002", "id:003", "payment:7"]),
    st.sampled_from(["bank", "ewallet", "cash", None]),
    st.integers(0, 3_000_000),
)


@settings(max_examples=75, deadline=None)
@given(st.lists(payment, min_size=1, max_size=25))
def test_each_level_counts_every_beneficiary_once_wherever_they_were_paid(payments):
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE base (program VARCHAR, province_code VARCHAR, commune_code VARCHAR, "
        "province_code_2025 VARCHAR, beneficiary VARCHAR, channel VARCHAR, amount BIGINT)"
    )
    con.executemany("INSERT INTO base VALUES (?, ?, ?, ?, ?, ?, ?)", payments)
    compute_noncash_share(con, "2024-09", "SELECT * FROM base")
    got = con.execute(
        "SELECT program, level, province_code, commune_code, channel_group, beneficiaries, "
        "CAST(payments AS BIGINT), CAST(amount AS BIGINT), share_beneficiaries, share_payments, "
        "share_amount FROM nc_rows"
    ).fetchall()
    assert len(got) == len(set(got))
    assert set(got) == definition(con)


def test_a_beneficiary_paid_in_two_communes_counts_once_in_the_province_and_in_each_commune():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE base AS SELECT * FROM (VALUES "
        "('welfare', '01', '00004', '01', 'id:001', 'bank', 500000), "
        "('welfare', '01', '00007', '01', 'id:001', 'cash', 500000), "
        "('welfare', '01', '00004', '01', 'id:002', 'bank', 700000)) "
        "AS t(program, province_code, commune_code, province_code_2025, beneficiary, channel, amount)"
    )
    compute_noncash_share(con, "2024-09", "SELECT * FROM base")
    rows = con.execute(
        "SELECT level, commune_code, beneficiaries, share_beneficiaries FROM nc_rows "
        "WHERE channel_group = 'all' ORDER BY level, commune_code"
    ).fetchall()
    assert rows == [
        ("commune", "00004", 2, 1.0),  # id:001 was paid by bank there
        ("commune", "00007", 1, 0.0),  # and in cash here
        ("program", "", 2, 0.5),  # once in the programme: not only without cash
        ("province", "", 2, 0.5),
        ("province_2025", "", 2, 0.5),
    ]
