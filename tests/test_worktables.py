"""worktables: which months keep their wide work tables on disk, and how a statement is placed there."""

from __future__ import annotations

import pytest

from reconcile import worktables
from reconcile.worktables import on_disk, parts, placed


@pytest.mark.parametrize(
    ("rows", "limit", "expected"),
    [
        (2_000_000, "1.5GB", False),  # a month of 1M beneficiaries and 1M payments: in memory
        (20_000_000, "1.5GB", True),  # 10M: on disk
        (3_000_001, "1.5GB", True),
        (2_000_001, "1GB", True),
        (2_000_000, "1GB", False),
        (5_000_000, "4GiB", False),
        (100, "800MB", False),
    ],
)
def test_a_month_works_on_disk_when_its_rows_exceed_what_the_memory_limit_holds(rows, limit, expected):
    assert on_disk(rows, limit) is expected


def test_in_memory_every_statement_is_run_as_written():
    sql = "-- pm\nCREATE OR REPLACE TEMP TABLE pm AS\nSELECT 1"
    assert placed(sql, {}) == [sql]
    assert placed(sql, {worktables.PARAM: False}) == [sql]


def test_on_disk_a_wide_table_goes_to_the_scratch_database_behind_a_view_of_its_name():
    on = {worktables.PARAM: True}
    assert placed("-- the rows\n-- of pm\nCREATE OR REPLACE TEMP TABLE pm AS\nSELECT 1 AS x;", on) == [
        "CREATE OR REPLACE TABLE rc_work.pm AS\nSELECT 1 AS x;",
        "CREATE OR REPLACE TEMP VIEW pm AS SELECT * FROM rc_work.pm",
    ]
    # a staging table's view carries the rowid that load_current.sql joins the row ids on
    assert placed("CREATE OR REPLACE TEMP TABLE stg_payments AS SELECT 1", on)[1] == (
        "CREATE OR REPLACE TEMP VIEW stg_payments AS SELECT *, rowid AS rowid FROM rc_work.stg_payments"
    )
    assert placed("DROP TABLE stg_registry;", on) == ["DROP VIEW stg_registry", "DROP TABLE rc_work.stg_registry"]
    # a view cannot be altered or updated, and a view of the rows must not carry the rowid: the
    # scratch table itself
    assert placed("-- ids\nALTER TABLE stg_registry ADD COLUMN registry_id BIGINT;", on) == [
        "ALTER TABLE rc_work.stg_registry ADD COLUMN registry_id BIGINT;"
    ]
    assert placed(
        "UPDATE stg_payments AS s SET payment_id = i.payment_id FROM ids AS i WHERE s.rowid = i.stg_row", on
    ) == ["UPDATE rc_work.stg_payments AS s SET payment_id = i.payment_id FROM ids AS i WHERE s.rowid = i.stg_row"]
    assert placed(
        "CREATE OR REPLACE TEMP VIEW cur_payments AS SELECT * FROM stg_payments JOIN cur_files USING (file_id)", on
    ) == [
        "CREATE OR REPLACE TEMP VIEW cur_payments AS SELECT * FROM rc_work.stg_payments JOIN cur_files USING (file_id)"
    ]
    assert placed("UPDATE cur_rejected SET raw = 1", on) == ["UPDATE cur_rejected SET raw = 1"]
    # a narrow table stays in memory
    narrow = "CREATE OR REPLACE TEMP TABLE cur_matches AS SELECT 1"
    assert placed(narrow, on) == [narrow]
    assert placed("DROP TABLE cur_files", on) == ["DROP TABLE cur_files"]


def test_every_wide_table_is_made_by_a_statement_placed_finds():
    """A renamed statement would leave a wide table in memory without a word: each is created in
    the SQL files by the form placed() rewrites."""
    from reconcile.sqlfiles import NORMALISE_SQL, sql_text, statements

    texts = statements(sql_text("load_current.sql")) + statements(sql_text("facts.sql"))
    texts += [sql_text(f"stage_{kind}.sql", NORMALISE_SQL).strip() for kind in ("registry", "payments")]
    made = {
        placed(t, {worktables.PARAM: True})[0].split(" AS")[0].rsplit(".", 1)[-1]
        for t in texts
        if placed(t, {worktables.PARAM: True})[0].startswith("CREATE OR REPLACE TABLE rc_work.")
    }
    assert made == set(worktables.WIDE)


@pytest.mark.parametrize(
    ("registry_rows", "limit", "expected"),
    [
        (10_000_000, "1.5GB", 4),  # 3M beneficiaries a part
        (10_000_000, "1GB", 5),
        (3_000_000, "1.5GB", 1),
        (3_000_001, "1.5GB", 2),
        (0, "1.5GB", 1),
    ],
)
def test_pm_is_built_in_as_many_parts_as_keep_a_parts_beneficiaries_within_the_memory_limit(
    registry_rows, limit, expected
):
    assert parts(registry_rows, limit) == expected


def test_on_disk_in_parts_pm_is_built_from_the_unmatched_payments_then_one_part_of_the_beneficiaries_at_a_time():
    query = "\nSELECT * FROM cur_payments LEFT JOIN cur_matches USING (payment_id) LEFT JOIN cur_registry USING (r)"
    got = placed(
        "-- pm\nCREATE OR REPLACE TEMP TABLE pm AS" + query + ";", {worktables.PARAM: True, worktables.PARTS: 2}
    )
    part_query = query.replace("cur_", "_rc_part_") + ";"
    views = "CREATE OR REPLACE TEMP VIEW _rc_part_{} AS SELECT * FROM {} WHERE {}"
    assert got == [
        views.format("payments", "cur_payments", "payment_id NOT IN (SELECT payment_id FROM cur_matches)"),
        views.format("matches", "cur_matches", "false"),
        views.format("registry", "cur_registry", "false"),
        "CREATE OR REPLACE TABLE rc_work.pm AS" + part_query,
        views.format(
            "payments", "cur_payments", "payment_id IN (SELECT payment_id FROM cur_matches WHERE registry_id % 2 = 0)"
        ),
        views.format("matches", "cur_matches", "registry_id % 2 = 0"),
        views.format("registry", "cur_registry", "registry_id % 2 = 0"),
        "INSERT INTO rc_work.pm" + part_query,
        views.format(
            "payments", "cur_payments", "payment_id IN (SELECT payment_id FROM cur_matches WHERE registry_id % 2 = 1)"
        ),
        views.format("matches", "cur_matches", "registry_id % 2 = 1"),
        views.format("registry", "cur_registry", "registry_id % 2 = 1"),
        "INSERT INTO rc_work.pm" + part_query,
        "DROP VIEW _rc_part_payments",
        "DROP VIEW _rc_part_matches",
        "DROP VIEW _rc_part_registry",
        "CREATE OR REPLACE TEMP VIEW pm AS SELECT * FROM rc_work.pm",
    ]
    # in one part, or in memory, as before
    assert placed("CREATE OR REPLACE TEMP TABLE pm AS" + query, {worktables.PARAM: True, worktables.PARTS: 1})[0] == (
        "CREATE OR REPLACE TABLE rc_work.pm AS" + query
    )
    assert placed("CREATE OR REPLACE TEMP TABLE pm AS" + query, {worktables.PARTS: 3}) == [
        "CREATE OR REPLACE TEMP TABLE pm AS" + query
    ]


def test_facts_pm_reads_the_payments_matches_and_registry_by_the_names_its_parts_replace():
    """pm in parts reads each part through views that stand for cur_payments, cur_matches and
    cur_registry: facts.sql's pm must read those three, and no other month-long table (cur_repeats and
    cur_listed_twice are few rows: the payments repeated, the IDs listed more than once)."""
    import re

    from reconcile.sqlfiles import sql_text, statements

    (pm,) = [t for t in statements(sql_text("facts.sql")) if "TEMP TABLE pm AS" in t]
    body = "\n".join(line for line in pm.splitlines() if not line.strip().startswith("--"))
    assert set(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", body)) == {
        "cur_payments",
        "cur_matches",
        "cur_registry",
        "cur_repeats",
        "cur_listed_twice",
        "joined",
    }
