"""Drift: schemas/ is what the code generates, and every warehouse table and column carries a COMMENT."""

from __future__ import annotations

import duckdb

from reconcile import warehouse
from reconcile.schemas_gen import SCHEMAS, generated


def test_schemas_folder_is_up_to_date():
    for name, text in generated().items():
        path = SCHEMAS / name
        assert path.exists(), f"schemas/{name} missing; run `make schemas`"
        assert path.read_text(encoding="utf-8") == text, f"schemas/{name} is stale; run `make schemas`"
    assert sorted(p.name for p in SCHEMAS.iterdir()) == sorted(generated())


def test_every_table_view_and_column_has_a_comment():
    con = duckdb.connect(":memory:")
    warehouse.ensure_schema(con)
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
    ).fetchall()
    assert {t for t, _ in tables} == {t.name for t in warehouse.TABLES}
    assert [t for t, c in tables if not c] == []
    uncommented = con.execute("""
        SELECT c.table_name || '.' || c.column_name FROM duckdb_columns() AS c
        WHERE c.schema_name = 'main' AND coalesce(c.comment, '') = ''
          AND c.table_name IN (SELECT table_name FROM duckdb_tables()
                               UNION SELECT view_name FROM duckdb_views() WHERE NOT internal)
        ORDER BY 1""").fetchall()
    assert uncommented == []
    views = con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
    assert [v for v, _ in views] == [
        "arrears",
        "back_pay",
        "flag_repeats",
        "noncash_base",
        "noncash_share",
        "noncash_share_by_area",
        "paid_ahead",
        "period_summary",
        "recoveries",
        "recoveries_by_province",
    ] and all(c for _, c in views)


def test_ensure_schema_is_idempotent():
    con = duckdb.connect(":memory:")
    warehouse.ensure_schema(con)
    warehouse.ensure_schema(con)
    assert con.execute("SELECT count(*) FROM flags").fetchone()[0] == 0


def test_a_database_with_the_share_as_a_view_of_everything_gets_its_rows_filled_for_every_period(tmp_path):
    from conftest import FIXTURES
    from reconcile.pipeline import RunConfig, run

    db = tmp_path / "r.duckdb"
    sample = FIXTURES / "sample"
    run(
        RunConfig(
            period="2024-09",
            registry=[sample / "registry.csv"],
            payments=[sample / "bank_transfers.csv", sample / "post_office_cash.xlsx"],
            db=db,
        )
    )
    con = duckdb.connect(str(db))
    share = "SELECT * FROM noncash_share_by_area ORDER BY ALL"
    before = con.execute(share).fetchall()
    assert len(before) > 10
    # as earlier versions left it: the share a view over the stored tables
    con.execute("CREATE TABLE kept AS SELECT * FROM noncash_share")
    con.execute("DROP VIEW noncash_share")
    con.execute("DROP TABLE noncash_share_rows")
    con.execute("CREATE VIEW noncash_share AS SELECT * FROM kept")
    warehouse.ensure_schema(con)
    assert con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_name LIKE 'noncash_share%' ORDER BY 1"
    ).fetchall() == [
        ("noncash_share", "VIEW"),
        ("noncash_share_by_area", "VIEW"),
        ("noncash_share_rows", "BASE TABLE"),
    ]
    assert con.execute(share).fetchall() == before


def _comments(con) -> list[tuple]:
    return con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'main' "
        "UNION ALL SELECT table_name, NULL, comment FROM duckdb_tables() WHERE schema_name = 'main' "
        "UNION ALL SELECT view_name, NULL, comment FROM duckdb_views() WHERE NOT internal ORDER BY ALL"
    ).fetchall()


def test_ensure_schema_gives_back_comments_that_differ_and_issues_no_others(tmp_path):
    """ensure_schema issues only the COMMENTs a database lacks (each one rewrote its table in the
    catalog); a comment an earlier version wrote otherwise, or that a column added since lacks, is
    the contract's again afterwards, and the views' comments survive the views being made again."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.ensure_schema(con)
    expected = _comments(con)
    con.execute("COMMENT ON COLUMN flags.code IS 'an older wording'")
    con.execute("COMMENT ON TABLE runs IS 'an older wording'")
    con.execute("ALTER TABLE flags DROP COLUMN source_sheet")  # a database from before the column
    assert warehouse.schema.ddl(warehouse.schema.comments_in_effect(con)).count("COMMENT ON TABLE") == 1
    warehouse.ensure_schema(con)
    assert _comments(con) == expected
    issued = warehouse.schema.ddl(warehouse.schema.comments_in_effect(con))
    assert issued.count("COMMENT ON TABLE") == 0
    assert issued.count("COMMENT ON COLUMN") == sum(len(cols) for _, cols in warehouse.history.VIEW_COMMENTS.values())
