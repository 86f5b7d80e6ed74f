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
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1").fetchall()
    assert {t for t, _ in tables} == {t.name for t in warehouse.TABLES}
    assert [t for t, c in tables if not c] == []
    uncommented = con.execute("""
        SELECT c.table_name || '.' || c.column_name FROM duckdb_columns() AS c
        WHERE c.schema_name = 'main' AND coalesce(c.comment, '') = ''
          AND c.table_name IN (SELECT table_name FROM duckdb_tables() UNION SELECT 'noncash_share')
        ORDER BY 1""").fetchall()
    assert uncommented == []
    view_comment = con.execute(
        "SELECT comment FROM duckdb_views() WHERE view_name = 'noncash_share'").fetchone()[0]
    assert view_comment


def test_ensure_schema_is_idempotent():
    con = duckdb.connect(":memory:")
    warehouse.ensure_schema(con)
    warehouse.ensure_schema(con)
    assert con.execute("SELECT count(*) FROM flags").fetchone()[0] == 0
