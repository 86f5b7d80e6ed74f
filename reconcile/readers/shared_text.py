"""The text a sheet of an .xlsx expands to as it is read, through its shared strings, measured before it is read.

A cell of text usually names a string of the workbook's table of shared strings (`<c t="s"><v>7</v>`)
rather than holding it, and the reader (calamine) gives each such cell a copy of its string: a
workbook of 6 KB whose 2,000 cells name one string of 200 KB made the reader hold 400 MB of text,
and 851 MB in all. Neither the zip's size once unzipped (limits.check_zip) nor the number of cells
(extent.py) sees that, so the text is measured here, against the same limits as a zip's expansion
(`max_unzipped_mb`, and `max_zip_ratio` beyond 64 MB).

First a bound that costs one pass over the table of strings: every cell of the sheet's used range
naming the longest string. A real list stays well within it (a registry of 300,000 rows, 3.9 million
cells of strings of at most a hundred bytes, bounds at 0.4 GB, 20 times its size). Only a sheet over it
is counted exactly: the length of the string each cell names, summed as the sheet's XML streams past
(a cell whose index is not read is counted at the longest). A string's length is that of its XML (an
entity such as `&amp;` is one character read), never less than the text the reader holds.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers.limits import CURRENT, ZIP_RATIO_FROM, inflated_pieces

_SI = b"<si"  # each string of the table starts so: `<si><t>...</t></si>`
_SHARED = r"""\st\s*=\s*["']s["']"""  # a cell that names a shared string (or more: counted at the longest)
_INDEX = r"""\st\s*=\s*["']s["'][^<>]*>\s*<(?:[\w.-]+:)?v\s*>\s*[0-9]{1,18}"""  # ... and its index
_RELS = "xl/_rels/workbook.xml.rels"


class SharedStrings:
    """A workbook's table of shared strings, measured as it streams (never held): the longest
    string's length, and each string's when a sheet must be counted exactly."""

    def __init__(self, book: zipfile.ZipFile, fh):
        self.fh = fh
        wanted = _table_parts(book)
        self.entries = [e for e in book.infolist() if _normal(e.filename) in wanted]
        self._longest: int | None = None
        self._lengths: pl.Series | None = None

    def longest(self) -> int:
        if self._longest is None:
            self._longest = max((_measure(self.fh, e, None) for e in self.entries), default=0)
        return self._longest

    def lengths(self) -> pl.Series:
        """Each string's length, by its index (the first table's, as the reader reads one)."""
        if self._lengths is None:
            kept: list[int] = []
            if self.entries:
                _measure(self.fh, self.entries[0], kept)
            self._lengths = pl.Series(kept, dtype=pl.Int64)
        return self._lengths


def check(path: Path, name: str, cells: int, strings: SharedStrings, pieces: Iterable[bytes]) -> None:
    """Refuses the sheet `name` (of `cells` cells in its used range, its XML given by `pieces`)
    whose cells name more text than the limits allow."""
    longest = strings.longest()
    packed = max(1, path.stat().st_size)
    if longest == 0 or _within(cells * longest, packed):
        return
    lengths = strings.lengths()
    total = 0
    for piece in pieces:
        text = pl.Series([piece.decode("latin-1")])  # one character a byte: the pattern's are ASCII
        index = text.str.extract_all(_INDEX).explode().str.extract("([0-9]+)$").cast(pl.Int64).drop_nulls()
        total += int(lengths.gather(index.filter(index < lengths.len())).sum() or 0)
        total += max(0, text.str.count_matches(_SHARED).item() - index.len()) * longest
        if not _within(total, packed):
            _refuse(path, name, total, packed)


def _within(text: int, packed: int) -> bool:
    return text <= CURRENT.max_unzipped_mb * 1024 * 1024 and (
        text <= ZIP_RATIO_FROM or text / packed <= CURRENT.max_zip_ratio
    )


def _refuse(path: Path, name: str, text: int, packed: int) -> None:
    if text > CURRENT.max_unzipped_mb * 1024 * 1024:
        raise InputFileError(
            str(path),
            f"the sheet '{name}' would expand to over {text / 1024 / 1024:,.0f} MB of text when read (its cells "
            f"repeat the workbook's shared texts), over the limit of {CURRENT.max_unzipped_mb:,} MB "
            "([limits] max_unzipped_mb)",
            "check where it came from (a workbook that expands this much may be a zip bomb), or raise the limit "
            "in [limits] of the config if the file is genuine",
        )
    raise InputFileError(
        str(path),
        f"the sheet '{name}' would expand over {text / packed:,.0f} times when read (to over "
        f"{text / 1024 / 1024:,.0f} MB of text: its cells repeat the workbook's shared texts), more than any "
        f"spreadsheet does ([limits] max_zip_ratio {CURRENT.max_zip_ratio:,})",
        "check where it came from: it looks like a zip bomb",
    )


def _measure(fh, entry: zipfile.ZipInfo, kept: list[int] | None) -> int:
    """The longest string of a table (its `<si>` element, up to the next one), streamed; with `kept`,
    each string's length appended to it in the table's order."""
    longest = run = 0
    started = False  # past the table's first string
    for piece in inflated_pieces(fh, entry):
        parts = piece.split(_SI)
        run += len(parts[0])
        if len(parts) == 1:
            continue
        whole = ([run] if started else []) + [len(p) for p in parts[1:-1]]
        if whole:
            longest = max(longest, *whole)
            if kept is not None:
                kept.extend(whole)
        started, run = True, len(parts[-1])
    if started:
        longest = max(longest, run)
        if kept is not None:
            kept.append(run)
    return longest


def _table_parts(book: zipfile.ZipFile) -> set[str]:
    """Where the table of shared strings is: the part the workbook's relationships name, and
    xl/sharedStrings.xml (normalised)."""
    parts = {"xl/sharedstrings.xml"}
    try:
        for rel in ElementTree.fromstring(book.read(_RELS)):
            if rel.get("Type", "").endswith("/sharedStrings"):
                target = rel.get("Target", "")
                parts.add(_normal(target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        pass  # no relationships to follow: the default part
    return parts


def _normal(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/").lstrip("/")).lower()
