"""The house in order (issue 19): no module over 400 lines, no two modules that import each other
(directly or round a loop), and a command line with no SQL and no openpyxl."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reconcile"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {module_name(p): p for p in MODULES}


def imports_of(path: Path) -> set[str]:
    """The reconcile modules a module imports, at any depth of its code (an import inside a function
    still ties the two), each package on the way counted too (importing a.b runs a/__init__.py)."""
    found: set[str] = set()
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for target in targets:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                name = ".".join(parts[:i])
                if name in NAMES and name != here and not here.startswith(name + "."):
                    found.add(name)
    return found


def test_no_module_is_over_400_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in MODULES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long


def test_no_modules_import_each_other():
    graph = {name: imports_of(path) for name, path in NAMES.items()}
    state: dict[str, int] = {}  # 1 on the path being walked, 2 done
    loops: list[list[str]] = []

    def walk(name: str, path: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                loops.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert not loops, " ; ".join(" -> ".join(loop) for loop in loops)


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda p: p.name)
def test_the_command_line_holds_no_sql_and_no_openpyxl(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in imported if m.split(".")[0] in ("duckdb", "openpyxl", "xlsxwriter")}
    calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert not calls & {"execute", "executemany", "sql", "query"}


HEAVY = ("duckdb", "polars", "pydantic", "pandas", "pyspark", "openpyxl")


def _modules_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running `code`."""
    probe = (
        code + f"\nimport sys\nprint('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RECONCILE_LANG": "en"},
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("loaded:"))
    return [m for m in line.removeprefix("loaded:").split(",") if m]


def test_the_command_lines_help_loads_no_heavy_library():
    """`reconcile --help` answers at once (issue 20): the commands import DuckDB, polars and pydantic
    when they run, not when they are listed."""
    code = (
        "import sys\nfrom reconcile.cli import main\nsys.argv = ['reconcile', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert _modules_after(code) == []


def test_a_duckdb_run_loads_neither_pandas_nor_pyspark(tmp_path):
    code = (
        "import sys\nfrom reconcile.cli import main\n"
        f"sys.argv = ['reconcile', 'demo', '--out', {str(tmp_path / 'demo')!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code"
    )
    assert _modules_after(code) == ["duckdb", "polars", "pydantic", "openpyxl"]  # openpyxl: the workbook


def test_the_cashless_breakdowns_offered_are_the_ones_readback_knows():
    from reconcile import readback
    from reconcile.cli import cli

    by = next(p for p in cli.commands["cashless"].params if p.name == "by")
    assert list(by.type.choices) == list(readback.CASHLESS_BY)


def test_the_case_statuses_offered_are_the_lifecycle_s():
    # cli/cases.py spells them out, so that `reconcile --help` loads no database code
    from reconcile.cli import cli
    from reconcile.warehouse.case_tables import STATUSES

    status = next(p for p in cli.commands["cases"].params if p.name == "status")
    assert list(status.type.choices) == list(STATUSES)


def test_no_sql_macro_is_defined_twice():
    """Every macro is created with CREATE OR REPLACE: a second one of the same name, in any SQL file,
    silently replaces the first for every statement after it (a narrative's digits once replaced the
    ID's, and every ID read as text with spaces)."""
    import re
    from collections import Counter

    defined = Counter(
        name
        for path in PACKAGE.rglob("*.sql")
        for name in re.findall(r"CREATE OR REPLACE (?:TEMP )?MACRO (\w+)", path.read_text(encoding="utf-8"))
    )
    assert [name for name, n in defined.items() if n > 1] == []
