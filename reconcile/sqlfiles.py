"""Access to the SQL files shipped in reconcile/sql (and the normalisers' in reconcile/normalise)."""

from __future__ import annotations

from importlib import resources

STEPS_SQL = "reconcile.sql"
NORMALISE_SQL = "reconcile.normalise"


def sql_text(name: str, package: str = STEPS_SQL) -> str:
    """Text of a SQL file of the package, e.g. 'match.sql' or 'rules/MISSING_PAYMENT.sql' of reconcile/sql."""
    node = resources.files(package)
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


def statements(sql: str) -> list[str]:
    """Split a SQL file on semicolons that end a line (our files keep one statement per block)."""
    out, buf = [], []
    for line in sql.splitlines():
        buf.append(line)
        if line.rstrip().endswith(";"):
            text = "\n".join(buf).strip()
            if text and not all(ln.strip().startswith("--") or not ln.strip() for ln in buf):
                out.append(text)
            buf = []
    rest = "\n".join(buf).strip()
    if rest and not all(ln.strip().startswith("--") or not ln.strip() for ln in buf):
        out.append(rest)
    return out


def execute_file(con, name: str, params: dict) -> None:
    """Run reconcile/sql/<name> statement by statement, each with the parameters it uses; a wide
    work table where the run keeps them (worktables.placed)."""
    from reconcile.worktables import placed

    for statement in statements(sql_text(name)):
        for text in placed(statement, params):
            con.execute(text, bind(text, params))
