"""The one way identifiers, comment text and file paths reach DuckDB's SQL."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """The one way an identifier reaches SQL: double-quoted, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Only for DDL comments, which DuckDB does not take as parameters."""
    return "'" + text.replace("'", "''") + "'"


def quote_path(path) -> str:
    """A file's path as the literal argument of DuckDB's read_parquet, read exactly as named: DuckDB
    expands * ? [ ] in a path, so that `bank[1].parquet` would read `bank1.parquet`; each is written
    as a one-character class ([[], [*], [?]), which only the character itself matches."""
    text = str(path)
    escaped = "".join(f"[{c}]" if c in "[*?" else c for c in text)
    return quote_literal(escaped)
