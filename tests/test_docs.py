"""Drift: the README and the site's pages (docs/) match the code, and the site builds strictly.

Every generated block (CLI help, columns, findings, tables, the bad-input outcomes, the sample month's
output and queries) is rewritten by `python -m reconcile.docs_gen` (`make docs`); these tests fail when
a page is out of date, a link is broken, or a reader's page leaves out a command or a finding.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

from reconcile.cli import cli
from reconcile.docs_gen import BLOCK_RE, BLOCKS, DOCS, README, REPO, names_in, pages, render
from reconcile.rules import catalogue

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def prose(path: Path) -> str:
    """A page without its generated blocks: what its author wrote."""
    return BLOCK_RE.sub("", text_of(path))


def test_every_page_is_up_to_date():
    stale = [str(p.relative_to(REPO)) for p in pages() if render(text_of(p)) != text_of(p)]
    assert not stale, f"stale generated blocks in {', '.join(stale)}; run `make docs`"


def test_every_generated_block_is_on_a_page():
    shown = {name for p in pages() for name in names_in(text_of(p))}
    assert set(BLOCKS) <= shown, f"blocks on no page: {sorted(set(BLOCKS) - shown)}"
    assert shown <= set(BLOCKS), f"blocks no generator knows: {sorted(shown - set(BLOCKS))}"


def test_readme_is_the_front_door():
    text = text_of(README)
    assert len(text.splitlines()) <= 200, "the README is at most 200 lines: move the rest into docs/"
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in quick and "make test" in quick
    assert "demo" in names_in(text), "the README keeps the worked example's real output"


def _slug(heading: str) -> str:
    """A heading's anchor, as GitHub and the site (pymdownx's slugify) make it."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    fenced = re.sub(r"^```.*?^```", "", text_of(path), flags=re.S | re.M)
    return {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", fenced, re.M)}


def test_readme_links_into_the_site_resolve():
    targets = [t for t in LINK.findall(text_of(README)) if not re.match(r"[a-z]+:", t)]
    assert any(t.startswith("docs/") for t in targets), "the README links into the site"
    for target in targets:
        file, _, anchor = target.partition("#")
        path = (REPO / file).resolve() if file else README
        assert path.exists(), f"README links to {target}, which does not exist"
        if anchor:
            assert anchor in _anchors(path), f"README links to {target}: no such heading"


def test_every_command_is_in_a_readers_page():
    guides = "\n".join(prose(p) for p in pages())
    reference = text_of(DOCS / "commands.md")
    for name in cli.commands:
        assert f"reconcile {name}" in guides, f"command '{name}' is in no page but the generated help"
        assert f"$ reconcile {name} --help" in reference, f"command '{name}' is not in docs/commands.md"


def test_officers_guides_say_what_to_do_with_every_finding():
    for page in (DOCS / "officers" / "vi.md", DOCS / "officers" / "en.md"):
        text = prose(page)
        missing = [r.code for r in catalogue() if f"| `{r.code}` |" not in text]
        assert not missing, f"{page.relative_to(REPO)} says nothing about {missing}"


def test_the_vietnamese_guide_is_vietnamese_in_nfc():
    text = text_of(DOCS / "officers" / "vi.md")
    assert text == unicodedata.normalize("NFC", text), "write Vietnamese in NFC, as the workbook's labels are"
    for word in ("Hướng dẫn", "đối soát", "Phát hiện", "mã thoát", "Dòng bị loại"):
        assert word in text


def test_no_personal_id_but_the_sample_months():
    sample = [*(REPO / "fixtures" / "sample").glob("*.csv"), *(REPO / "fixtures" / "profiles").glob("*.csv")]
    known = {i for f in sample for i in re.findall(r"(?<!\d)\d{12}(?!\d)", text_of(f))}
    for page in pages():
        digits = re.findall(r"(?<![\d.,])\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{3}(?![\d.,])", text_of(page))
        found = {re.sub(r"\D", "", d) for d in digits}
        unknown = sorted(found - known)
        assert not unknown, f"{page.relative_to(REPO)}: 12-digit IDs not from the sample month: {unknown}"


def test_the_site_builds_strictly(tmp_path):
    """`mkdocs build --strict`: every page in the navigation, every link and anchor resolves."""
    config = REPO / "mkdocs.yml"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "--config-file",
            str(config),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "site" / "officers" / "vi" / "index.html").exists()
