"""Access to the SQL files shipped in reconcile/sql."""

from __future__ import annotations

from importlib import resources


def sql_text(name: str) -> str:
    """Text of reconcile/sql/<name>, e.g. 'match.sql' or 'rules/MISSING_PAYMENT.sql'."""
    node = resources.files("reconcile.sql")
    for part in name.split("/"):
        node = node.joinpath(part)
    return node.read_text(encoding="utf-8")


def rule_files() -> list[str]:
    """Names of the finding files, sorted."""
    folder = resources.files("reconcile.sql").joinpath("rules")
    return sorted(f"rules/{p.name}" for p in folder.iterdir() if p.name.endswith(".sql"))


def bind(sql: str, params: dict) -> dict:
    """The named parameters ($name) a statement uses, taken from params. DuckDB refuses unused ones."""
    import re

    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL parameter(s) not supplied: {', '.join(sorted(missing))}")
    return {k: params[k] for k in used}
