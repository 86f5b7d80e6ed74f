"""Regenerate the README's generated blocks (CLI help, input columns, findings, tables).

`python -m reconcile.docs_gen` rewrites the blocks between `<!-- BEGIN generated:NAME -->` and
`<!-- END generated:NAME -->`; tests/test_docs.py fails when the README is out of date.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"


def _cli_help() -> str:
    from click.testing import CliRunner

    from reconcile.cli import cli

    runner = CliRunner()
    parts = []
    for args in ([], *([name] for name in cli.commands)):
        res = runner.invoke(cli, [*args, "--help"], prog_name="reconcile", terminal_width=100)
        parts.append(f"$ reconcile {' '.join(args) + ' ' if args else ''}--help\n{res.output.rstrip()}")
    return "```text\n" + "\n\n".join(parts) + "\n```"


def _columns(kind: str) -> str:
    from reconcile.contracts import columns

    rows = ["| column | type | required | headers also recognised | meaning |", "|---|---|---|---|---|"]
    for c in columns(kind):
        req = "yes" if c.required else (f"no (default {c.default})" if c.default else "no")
        aliases = ", ".join(f"`{a}`" for a in c.aliases)
        rows.append(f"| `{c.name}` | {c.sql_type} | {req} | {aliases} | {c.comment} |")
    return "\n".join(rows)


def _rules() -> str:
    from reconcile.rules import catalogue

    rows = ["| code | severity | finding | tiếng Việt |", "|---|---|---|---|"]
    for r in catalogue():
        rows.append(f"| `{r.code}` | {r.severity.value} | {r.description_en} | {r.description_vi} |")
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


def _demo() -> str:
    """The worked example: what `reconcile demo` prints, up to the timing line."""
    import os
    import tempfile

    from click.testing import CliRunner

    from reconcile.cli import cli

    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            res = CliRunner().invoke(cli, ["demo"], prog_name="reconcile")
        finally:
            os.chdir(cwd)
    if res.exit_code != 0:
        raise RuntimeError(f"reconcile demo failed: {res.output}")
    text = res.stdout.split("\nDatabase: ")[0].rstrip()
    return "```text\n" + text + "\n```"


def _profile_example() -> str:
    """The worked profile of "Bringing a new bank's file", and what `reconcile check` says with it."""
    from click.testing import CliRunner

    from reconcile.cli import cli

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
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        res = CliRunner().invoke(cli, args, prog_name="reconcile")
    finally:
        os.chdir(cwd)
    return (
        "The bank's file, `fixtures/profiles/example_bank.csv`:\n\n```text\n" + data + "\n```\n\n"
        "The profile, `fixtures/profiles/example-bank.toml`:\n\n```toml\n" + toml + "\n```\n\n"
        "```text\n$ reconcile " + " ".join(args) + "\n" + res.stdout.rstrip() + "\n```"
    )


BLOCKS = {
    "profile-example": _profile_example,
    "demo": _demo,
    "cli": _cli_help,
    "registry-columns": lambda: _columns("registry"),
    "payment-columns": lambda: _columns("payments"),
    "rules": _rules,
    "tables": _tables,
    "staged-columns": _staged_columns,
}


def render(text: str) -> str:
    for name, make in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN generated:{re.escape(name)} -->\n).*?(<!-- END generated:{re.escape(name)} -->)", re.S
        )
        if not pattern.search(text):
            raise ValueError(f"README has no generated block '{name}'")
        body = make()
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> None:
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
