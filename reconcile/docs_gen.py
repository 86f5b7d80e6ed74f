"""Regenerate the generated blocks of the README and of the site's pages (docs/).

A page marks a block with `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`;
`python -m reconcile.docs_gen` rewrites every block of every page, and tests/test_docs.py fails when
one is out of date. A block is computed from the code (CLI help, columns, tables), from the rule files
(the findings catalogue), from the bad-input corpus (tests/bad_inputs.py), or from the sample month:
`reconcile demo` is run once, in a temporary folder, and the examples run the real commands and
queries against its database. The sample month is reconciled under a key derived from a fixed text,
so that its flag ids are the same on every regeneration; it is used for nothing else.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from reconcile import docs_cases

if TYPE_CHECKING:
    from reconcile.contracts import RecordKind

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = REPO / "docs"
DEMO_DB = "reconcile-demo/demo.duckdb"
_SAMPLE_KEY = hashlib.sha256(b"reconcile: the sample month of the documentation").hexdigest()

# a marker stands alone on its line (a marker quoted inside a sentence is not one)
BLOCK_RE = re.compile(r"^(<!-- BEGIN generated:([\w-]+) -->\n).*?^(<!-- END generated:\2 -->)$", re.S | re.M)
BEGIN_RE = re.compile(r"^<!-- BEGIN generated:([\w-]+) -->$", re.M)


def pages() -> list[Path]:
    """Every page that may hold generated blocks: the README and the site's Markdown pages."""
    return [README, *sorted(DOCS.rglob("*.md"))]


# --- from the code -------------------------------------------------------------------------------


def _invoke(args: list[str], cwd: Path):
    from click.testing import CliRunner

    from reconcile.cli import cli

    here = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(
            cli, args, prog_name="reconcile", env={"RECONCILE_KEY": _SAMPLE_KEY, "RECONCILE_LANG": "en"}
        )
    finally:
        os.chdir(here)


def _cli_help() -> str:
    import click
    from click.testing import CliRunner

    from reconcile.cli import cli

    runner = CliRunner()
    parts = []
    commands: list[list[str]] = []
    for name, command in cli.commands.items():  # a group's (`review`), then each of its own (`review import`)
        commands.append([name])
        if isinstance(command, click.Group):
            commands += [[name, sub] for sub in command.commands]
    for args in ([], *commands):
        res = runner.invoke(cli, [*args, "--help"], prog_name="reconcile", terminal_width=100)
        parts.append(f"$ reconcile {' '.join(args) + ' ' if args else ''}--help\n{res.output.rstrip()}")
    return "```text\n" + "\n\n".join(parts) + "\n```"


def _columns(kind: RecordKind) -> str:
    from reconcile.contracts import columns

    rows = ["| column | type | required | headers also recognised | meaning |", "|---|---|---|---|---|"]
    for c in columns(kind):
        req = "yes" if c.required else (f"no (default {c.default})" if c.default else "no")
        aliases = ", ".join(f"`{a}`" for a in c.aliases)
        rows.append(f"| `{c.name}` | {c.sql_type} | {req} | {aliases} | {c.comment} |")
    return "\n".join(rows)


def _rules() -> str:
    from reconcile.rules import catalogue

    rows = ["| code | severity | finding | tiếng Việt | rule file |", "|---|---|---|---|---|"]
    for r in catalogue():
        rows.append(
            f"| `{r.code}` | {r.severity.value} | {r.description_en} | {r.description_vi} | `reconcile/sql/{r.file}` |"
        )
    return "\n".join(rows)


def _tables() -> str:
    from reconcile.warehouse import TABLES, VIEW_COMMENTS

    out = []
    for t in TABLES:
        out.append(f"**`{t.name}`**: {t.comment}.\n")
        out.append("| column | type | meaning |\n|---|---|---|")
        out.extend(f"| `{c.name}` | {c.type} | {c.comment} |" for c in t.cols)
        out.append("")
    for name, (comment, cols) in VIEW_COMMENTS.items():
        out.append(f"**`{name}`** (view): {comment}.\n")
        out.append("| column | meaning |\n|---|---|")
        out.extend(f"| `{c}` | {text} |" for c, text in cols.items())
        out.append("")
    return "\n".join(out).rstrip()


def _staged_columns() -> str:
    from reconcile.staged import staged_columns

    rows = []
    for role in ("registry", "payments"):
        rows.append(f"**`{role}.parquet`**:\n\n| column | type | meaning |\n|---|---|---|")
        rows.extend(f"| `{c.name}` | {c.type} | {c.comment} |" for c in staged_columns(role))
        rows.append("")
    return "\n".join(rows).rstrip()


def _profile_example() -> str:
    """The worked profile of "Bringing a new bank's file", and what `reconcile check` says with it."""
    folder = REPO / "fixtures" / "profiles"
    toml = (folder / "example-bank.toml").read_text(encoding="utf-8").rstrip()
    data = (folder / "example_bank.csv").read_text(encoding="utf-8").rstrip()
    args = [
        "check",
        "fixtures/profiles/example_bank.csv",
        "--as",
        "payments",
        "--period",
        "2024-09",
        "--profile",
        "fixtures/profiles/example-bank.toml",
    ]
    res = _invoke(args, REPO)
    return (
        "The bank's file, `fixtures/profiles/example_bank.csv`:\n\n```text\n" + data + "\n```\n\n"
        "The profile, `fixtures/profiles/example-bank.toml`:\n\n```toml\n" + toml + "\n```\n\n"
        "```text\n$ reconcile " + " ".join(args) + "\n" + res.stdout.rstrip() + "\n```"
    )


def _bad_inputs() -> str:
    """The table of outcomes of the bad-input corpus (tests/bad_inputs.py), which tests run case by case."""
    module = sys.modules.get("bad_inputs")  # already imported by the tests
    if module is None:
        tests = str(REPO / "tests")  # the corpus imports its neighbours (layouts.py) as a script does
        spec = importlib.util.spec_from_file_location("bad_inputs", REPO / "tests" / "bad_inputs.py")
        assert spec is not None and spec.loader is not None  # a .py file always has both
        module = importlib.util.module_from_spec(spec)
        sys.modules["bad_inputs"] = module
        sys.path.insert(0, tests)
        try:
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(tests)
    return module.readme_table().rstrip()


def _bench_table(heading: str, nth: int = 0) -> Callable[[], str]:
    """The nth table of a section of bench/README.md, where the benchmarks keep their latest figures."""

    def make() -> str:
        text = (REPO / "bench" / "README.md").read_text(encoding="utf-8")
        section = text.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]
        tables = re.findall(r"(?:^\|.*\|$\n?)+", section, re.M)
        return tables[nth].rstrip()

    return make


# --- from the sample month -----------------------------------------------------------------------


def _sample(lang: str = "en") -> tuple[Path, str]:
    """A folder holding the reconciled sample month (`reconcile demo --lang LANG`), and what it printed:
    made once for each language, `_sample()` and `_sample("en")` the same one."""
    return _sample_in(lang)


@cache
def _sample_in(lang: str) -> tuple[Path, str]:
    folder = Path(tempfile.mkdtemp(prefix="reconcile-docs-"))
    atexit.register(shutil.rmtree, folder, True)
    res = _invoke(["demo", "--lang", lang], folder)
    if res.exit_code != 0:
        raise RuntimeError(f"reconcile demo failed: {res.output}")
    return folder, res.stdout


def _demo(lang: str) -> Callable[[], str]:
    """The worked example: what `reconcile demo` prints in `lang`, up to the line that names the database
    (with the run's duration, which varies)."""

    def make() -> str:
        lines = _sample(lang)[1].splitlines()
        end = next(i for i, line in enumerate(lines) if DEMO_DB in line)
        return "```text\n" + "\n".join(lines[:end]).rstrip() + "\n```"

    return make


def _command(*args: str) -> Callable[[], str]:
    """A read-back command run against the sample month's database, and what it printed."""

    def make() -> str:
        folder = _sample()[0]
        full = [args[0], "--db", DEMO_DB, *args[1:]]
        res = _invoke(full, folder)
        if res.exit_code != 0:
            raise RuntimeError(f"reconcile {' '.join(full)} failed: {res.output}")
        return f"```text\n{docs_cases.command_line(full)}\n{res.stdout.rstrip()}\n```"

    return make


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _query(sql: str) -> Callable[[], str]:
    """A query run on the sample month's database, and its result as the DuckDB CLI lays it out."""

    def make() -> str:
        import duckdb

        with duckdb.connect(str(_sample()[0] / DEMO_DB), read_only=True) as con:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        numeric = [all(isinstance(r[i], int | float) or r[i] is None for r in rows) for i in range(len(names))]
        cells = [[_cell(v) for v in row] for row in rows]
        widths = [max(len(n), *(len(r[i]) for r in cells)) for i, n in enumerate(names)]

        def line(values: list[str]) -> str:
            return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

        table = [line(names), "  ".join("-" * w for w in widths), *(line(r) for r in cells)]
        return "```sql\n" + sql.strip() + "\n```\n\n```text\n" + "\n".join(table) + "\n```"

    return make


def _findings_in_sample() -> str:
    """Each finding of the sample month: how many, and the evidence sentence of the first."""
    import duckdb

    from reconcile.rules import catalogue

    with duckdb.connect(str(_sample()[0] / DEMO_DB), read_only=True) as con:
        query = "SELECT code, count(*), arg_min(detail, (source_file, source_row, flag_id)) FROM flags GROUP BY code"
        rows = {code: (n, detail) for code, n, detail in con.execute(query).fetchall()}
    out = ["| code | in the sample month | the evidence of one (`detail`) |", "|---|---:|---|"]
    for r in catalogue():
        n, detail = rows.get(r.code, (0, ""))
        detail = detail.replace("|", "\\|")
        out.append(f"| `{r.code}` | {n} | {detail} |")
    return "\n".join(out)


BLOCKS: dict[str, Callable[[], str]] = {
    # README and the officers' guide in English; the Vietnamese guide
    "demo": _demo("en"),
    "demo-vi": _demo("vi"),
    # commands.md
    "cli": _cli_help,
    # formats.md
    "registry-columns": lambda: _columns("registry"),
    "payment-columns": lambda: _columns("payments"),
    "bad-inputs": _bad_inputs,
    "profile-example": _profile_example,
    # findings.md
    "rules": _rules,
    "findings-in-sample": _findings_in_sample,
    # operations.md
    "bench-scale": _bench_table("Scale"),
    "bench-speed": _bench_table("Speed"),
    "bench-speed-steps": _bench_table("Speed", 1),
    "bench-workbook": _bench_table("The workbook"),
    # analysts.md
    "tables": _tables,
    "staged-columns": _staged_columns,
    "query-noncash": _query("""
select program, channel_group, beneficiaries, payments, amount, share_payments, target, target_met
from noncash_share where period = '2024-09' and level = 'program' order by all;
"""),
    "query-one-beneficiary": _query("""
select period, code, severity, payment_ref, detail
from flags where vneid = '038145464795' order by period, code;
"""),
    "query-duplicates": _query("""
select vneid, payment_ref, source_file, source_row, detail
from flags where code = 'DUPLICATE_PAYMENT' order by all;
"""),
    "query-inputs": _query("""
select file_name, left(sha256, 12) as sha256_start, rows_read, rows_loaded, rows_rejected, ids_restored
from inputs where period = '2024-09' order by file_name;
"""),
    "query-methods": _query("""
select method, count(*) as payments from matches where period = '2024-09' group by all order by all;
"""),
    # auditors.md
    "query-evidence": _query("""
select code, payment_ref, expected_amount, paid_amount, detail, source_row
from flags where code in ('AMOUNT_MISMATCH', 'PAID_AFTER_DEATH') order by all;
"""),
    "query-rejected": _query("""
select source_file, source_row, reason, set_aside from rejected_rows where period = '2024-09' order by all;
"""),
    "flags-critical": _command("flags", "--severity", "critical"),
    "show-beneficiary": _command("show", "038149030489"),
    "cashless-channel": _command("cashless", "--by", "channel"),
    "query-period-summary": _query("""
select period, code, findings, previous_findings, change, amount, amount_change
from period_summary where period = '2024-10' and (findings > 0 or previous_findings > 0) order by code;
"""),
    "trend": _command("trend"),
    "query-recoveries": _query("""
select code, vneid, program, province_code, periods_flagged, status, overpaid, recovered, written_off, outstanding
from recoveries order by outstanding desc, vneid;
"""),
    "query-recoveries-by-province": _query("""
select * from recoveries_by_province order by province_code, program;
"""),
    "query-arrears": _query("""
select vneid, program, province_code, since_period, as_of_period, months_unpaid, amount_owed
from arrears order by all;
"""),
    "cases-import": lambda: docs_cases.demo_decision(_sample, _invoke, DEMO_DB),
    "cases-session": lambda: docs_cases.session(_sample, _invoke, DEMO_DB),
}


@cache
def block(name: str) -> str:
    if name not in BLOCKS:
        raise ValueError(f"no generator for the generated block '{name}'")
    return BLOCKS[name]().rstrip()


def names_in(text: str) -> list[str]:
    """The generated blocks a page holds, in order."""
    return BEGIN_RE.findall(text)


def render(text: str) -> str:
    """`text` with every generated block rewritten from the code."""
    found = [m.group(2) for m in BLOCK_RE.finditer(text)]
    if found != names_in(text):
        missing = sorted(set(names_in(text)) - set(found))
        raise ValueError(f"generated block(s) without their END marker: {', '.join(missing) or 'one repeated'}")
    return BLOCK_RE.sub(lambda m: m.group(1) + block(m.group(2)) + "\n" + m.group(3), text)


def main() -> None:
    for page in pages():
        text = page.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            print(f"rewrote {page.relative_to(REPO)}")


if __name__ == "__main__":
    main()
