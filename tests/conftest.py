"""Shared fixtures: an in-memory DuckDB with the normalisers installed, and file writers."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from reconcile import normalize

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture()
def con():
    """In-memory DuckDB with reference tables and normaliser macros (sql/macros.sql)."""
    connection = duckdb.connect(":memory:")
    normalize.install(connection)
    yield connection
    connection.close()


def write_csv(path: Path, header: list[str], rows: list[list], *, bom: bool = False) -> Path:
    """Write a CSV the way Excel's 'CSV UTF-8' does (optionally with BOM)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path
