"""Drift: the README's generated blocks (CLI help, columns, findings, tables) match the code."""

from __future__ import annotations

from reconcile.docs_gen import README, render


def test_readme_generated_blocks_are_up_to_date():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "README is stale; run `make docs`"


def test_readme_quick_start_is_the_two_commands():
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in quick and "make test" in quick
