"""The cells of a review book as the auditor left them, read for `review import` (book.py): its
findings sheets' headers, matched to the columns reconcile wrote even when one was retyped without its
diacritics; the invisible characters a value pasted from a chat or a web page brings; and the formulas
whose value the file does not hold.

A header is the column's when it is its header in either language, or, when no header is, one that
differs from it only in diacritics, case, spacing or punctuation (`Ghi chu` for `Ghi chú`) and from no
other column's: a header retyped, not another column. A column that two headers name is refused (which
of the two holds the decisions cannot be told), as is one no header names.

A decision cell (status, assignee, decision, amount) is read without the invisible format characters
(Unicode's category Cf: zero-width space and joiners, soft hyphen, BOM, direction marks), as every value
is compared (SPEC: leading zeros and invisible characters); a non-breaking space is a space already.

A formula typed into a cell is read as the value it shows, which Excel and LibreOffice store in the
file when they save it. A tool that does not calculate (openpyxl, a script) writes the formula alone:
read as empty, the cell would be a decision silently lost (an amount of 0 recovered), so such a cell
is named (`unstored_formulas`) and its row refused.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

from reconcile.normalise.text import fold
from reconcile.readers.merged import sheet_parts
from reconcile.report.labels import LANGS, label

CLEANED = ("status", "assignee", "decision", "case_amount")  # read without invisible characters
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CHUNK = 1 << 22
_OVERLAP = 64
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


def visible(value: object) -> object:
    """A cell's text without its invisible format characters (category Cf); other values as they are."""
    if not isinstance(value, str) or value.isascii():
        return value
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


def header_names(raw: list[str | None], needed: tuple[str, ...]) -> tuple[list[str | None], list[str]]:
    """Each header's column name (None for a column reconcile did not write, or one it cannot tell),
    and the names two headers give."""
    exact = {label("col." + name, lang): name for name in needed for lang in LANGS}
    known = {text for key in _col_keys() for lang in LANGS if (text := label(key, lang))}
    names = [exact.get(h.strip()) if h is not None else None for h in raw]
    counts = Counter(n for n in names if n is not None)
    twice = sorted((n for n, k in counts.items() if k > 1), key=needed.index)
    folded: dict[str, set[str]] = {}
    for name in needed:
        for lang in LANGS:
            folded.setdefault(fold(label("col." + name, lang)), set()).add(name)
    loose: dict[str, list[int]] = {}  # a column no header names -> the headers that are it retyped
    for i, h in enumerate(raw):
        if h is None or names[i] is not None or h.strip() in known:
            continue
        matches = folded.get(fold(h), set())
        if len(matches) == 1 and (name := next(iter(matches))) not in names:
            loose.setdefault(name, []).append(i)
    for name, at in loose.items():
        if len(at) == 1:  # two retyped headers of one column: neither is taken
            names[at[0]] = name
    return names, twice


def _col_keys() -> list[str]:
    from reconcile.report.labels import LABELS

    return [key for key in LABELS if key.startswith("col.")]


def column_words(names: list[str], sheet: str) -> str:
    """Columns as the officer sees them, their headers in the book's language (that of the sheet's
    name): 'Ghi chú', 'Trạng thái'."""
    lang = sheet_lang(sheet)
    return ", ".join(f"'{label('col.' + name, lang)}'" for name in names)


def sheet_lang(sheet: str) -> str:
    """The language of a findings sheet, by its name (`Phát hiện`, `Findings (2)`)."""
    return next((lang for lang in LANGS if sheet.startswith(label("sheet.findings", lang))), "en")


def unstored_formulas(book: Path, sheet: str) -> dict[int, list[int]]:
    """The cells of `sheet` that hold a formula with no value stored for it, by row (from 1): their
    columns (from 1). A formula whose value is text is stored with its type, `str`, even when the
    text is empty. The sheet is read as bytes first, and parsed only when it holds a formula."""
    from defusedxml.ElementTree import iterparse

    found: dict[int, list[int]] = {}
    with zipfile.ZipFile(book) as z:
        part = sheet_parts(z).get(sheet)
        if part is None or not _holds_formula(z, part):
            return found
        with z.open(part) as fh:
            row, column = 0, 0
            for event, el in iterparse(fh, events=("start", "end")):
                tag = el.tag.rsplit("}", 1)[-1]
                if event == "start":
                    if tag == "row":
                        row, column = int(el.get("r") or row + 1), 0
                    continue
                if tag == "c":
                    row, column = _position(el.get("r"), row, column)
                    children = {child.tag.rsplit("}", 1)[-1]: child for child in el}
                    value = children.get("v")
                    if "f" in children and el.get("t") != "str" and (value is None or not value.text):
                        found.setdefault(row, []).append(column)
                    el.clear()
                elif tag == "row":
                    el.clear()
    return found


def _holds_formula(z: zipfile.ZipFile, part: str) -> bool:
    with z.open(part) as fh:
        tail = b""
        while chunk := fh.read(_CHUNK):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-_OVERLAP:]
    return False


def _position(ref: str | None, row: int, column: int) -> tuple[int, int]:
    """A cell's row and column (from 1), from its reference (`AA7`), else the one after the last."""
    m = _REF.match(ref or "")
    if m is None:
        return row, column + 1
    n = 0
    for c in m.group(1):
        n = n * 26 + ord(c) - 64
    return int(m.group(2)), n
