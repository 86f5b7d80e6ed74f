"""Shared fixtures: an in-memory DuckDB with the normalisers installed, and file writers."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import duckdb
import pytest

from reconcile.normalise.reference import install

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"

# One key for the whole suite, so that findings of two databases made from the same files can be
# compared by flag_id; tests/test_keys.py unsets it to test the key file each database gets by default.
TEST_KEY = "9c1e5f0a7d3b48e2a6f1c0d9b8e7a5f43c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f"
os.environ["RECONCILE_KEY"] = TEST_KEY
# The terminal speaks Vietnamese by default; the suite asserts the English text unless a test asks for vi
os.environ["RECONCILE_LANG"] = "en"


@pytest.fixture()
def con():
    """In-memory DuckDB with reference tables and normaliser macros (normalise/macros.sql)."""
    connection = duckdb.connect(":memory:")
    install(connection)
    yield connection
    connection.close()


def write_csv(path: Path, header: list[str], rows: list[list], *, bom: bool = False) -> Path:
    """Write a CSV the way Excel's 'CSV UTF-8' does (optionally with BOM)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path
