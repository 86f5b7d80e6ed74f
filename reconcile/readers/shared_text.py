"""The text a sheet of an .xlsx expands to as it is read, through its shared strings, measured before it is read.

A cell of text usually names a string of the workbook's table of shared strings (`<c t="s"><v>7</v>`)
rather than holding it, and the reader (calamine) gives each such cell a copy of its string: a
workbook of 6 KB whose 2,000 cells name one string of 200 KB made the reader hold 400 MB of text,
and 1.8 GB in all. Neither the zip's size once unzipped (limits.check_zip) nor the number of cells
(extent.py) sees that, so the text is measured here, against the same limits as a zip's expansion
(`max_unzipped_mb`, and `max_zip_ratio` beyond 64 MB).

First a bound that costs one pass over the table: every cell of the sheet's used range naming its
longest string (a string the reader reads ends at the first `</si>` after its start, so it holds
at most the bytes since the previous `</si>`). A real list stays well within it (150,000 rows of 13
columns, 335,780 strings, the longest stretch 179 bytes with the table's head: 333 MB, 33 times the
file). Only a sheet over it is counted, as its XML
streams past: in a table written as Excel writes it, each cell at the length of the string it
names, from its `<si>` to its `</si>`. A table written otherwise (a comment, CDATA, an `<si>` in
an `<si>` or empty: the reader numbers its strings in ways not followed here) is bounded without
the numbering: the string named by most cells taken as the longest, the next as the next longest,
and so on, which no way the cells can name the strings exceeds. A cell whose index is not read
counts as naming the longest.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.etree.ElementTree import ParseError

import polars as pl
from defusedxml.ElementTree import fromstring

from reconcile.errors import InputFileError
from reconcile.readers.limits import CURRENT, ZIP_RATIO_FROM, inflated_pieces

_END = re.compile(rb"</(?:[\w.-]+:)?si")  # a string's end, `</si>` or, prefixed, `</x:si>`
_MARK = re.compile(rb"<(/?)(?:[\w.-]+:)?si(?=[\s/>])|<[!?]")  # a string's start or end; markup Excel never writes
_SHARED = r"""\st\s*=\s*["']s["']"""  # a cell that names a shared string (or more: counted at the longest)
_INDEX = r"""\st\s*=\s*["']s["'][^<>]*>\s*<(?:[\w.-]+:)?v\s*>\s*[0-9]{1,18}"""  # ... and its index
_RELS = "xl/_rels/workbook.xml.rels"


class SharedStrings:
    """A workbook's table of shared strings, measured as it streams (never held): its longest
    string, and its strings' lengths, longest first, when a sheet must be counted."""

    def __init__(self, book: zipfile.ZipFile, fh):
        self.fh = fh
        wanted = _table_parts(book)
        self.entries = [e for e in book.infolist() if _normal(e.filename) in wanted]
        self._longest: int | None = None
        self._lengths: pl.Series | None = None
        self._numbered: pl.Series | bool | None = None

    def longest(self) -> int:
        if self._longest is None:
            self._longest = max((_measure(self.fh, e, None) for e in self.entries), default=0)
        return self._longest

    def numbered(self) -> pl.Series | None:
        """Each string's length by its index, from its `<si>` to its `</si>`, when there is one table
        and it is written as Excel writes it (each `<si>` closed before the next; no comment, CDATA,
        entity or instruction but the declaration at its head), so that the reader numbers its
        strings as they are counted here; else None."""
        if self._numbered is None:
            self._numbered = _numbered(self.fh, self.entries[0]) if len(self.entries) == 1 else False
        return self._numbered if isinstance(self._numbered, pl.Series) else None

    def lengths(self) -> pl.Series:
        """Every table's strings' lengths, longest first."""
        if self._lengths is None:
            kept: list[int] = []
            for entry in self.entries:
                _measure(self.fh, entry, kept)
            self._lengths = pl.Series(kept, dtype=pl.Int64).sort(descending=True)
        return self._lengths


def check(path: Path, name: str, cells: int, strings: SharedStrings, pieces: Iterable[bytes]) -> None:
    """Refuses the sheet `name` (of `cells` cells in its used range, its XML given by `pieces`)
    whose cells can name more text than the limits allow."""
    longest = strings.longest()
    packed = max(1, path.stat().st_size)
    if longest == 0 or _within(cells * longest, packed):
        return
    numbered = strings.numbered()
    if numbered is not None:
        _count_named(path, name, strings, numbered, pieces, packed)
        return
    counts: list[pl.DataFrame] = []
    unread = 0  # cells naming a shared string whose index is not read: counted at the longest
    for n, piece in enumerate(pieces, start=1):
        index, shared = _named(piece)
        counts.append(index.value_counts(name="n"))
        unread += max(0, shared - index.len())
        if n % 64 == 0:  # the counts so far in one; the text they name may already be over the limit
            counts = [_merged(counts)]
            _refuse_over(path, name, _bound(counts[0], strings, unread), packed)
    _refuse_over(path, name, _bound(_merged(counts), strings, unread) if counts else 0, packed)


def _count_named(
    path: Path, name: str, strings: SharedStrings, numbered: pl.Series, pieces: Iterable[bytes], packed: int
) -> None:
    """The text the sheet's cells name, each the length of its string, summed as the sheet streams
    past (a cell whose index is not read, or names no string, counted at the longest)."""
    total = 0
    for piece in pieces:
        index, shared = _named(piece)
        known = index.filter(index < numbered.len())
        total += int(numbered.gather(known).sum() or 0) + (shared - known.len()) * strings.longest()
        _refuse_over(path, name, total, packed)


def _named(piece: bytes) -> tuple[pl.Series, int]:
    """The indices of the shared strings a piece of a sheet's XML names, and how many cells name one."""
    text = pl.Series([piece.decode("latin-1")])  # one character a byte: the patterns are ASCII
    found = text.str.extract_all(_INDEX).explode().str.extract("([0-9]+)$")
    index = found.cast(pl.Int64, strict=False).drop_nulls().alias("i")  # `012` names the string 12
    return index, max(index.len(), text.str.count_matches(_SHARED).item())


def _bound(counts: pl.DataFrame, strings: SharedStrings, unread: int) -> int:
    """The most text the cells can name: the string named by most cells taken as the longest, the
    next as the next longest, ...; and the cells whose index was not read as naming the longest."""
    named = counts["n"].sort(descending=True)
    lengths = strings.lengths()
    k = min(named.len(), lengths.len())
    return int((named.head(k) * lengths.head(k)).sum() or 0) + unread * strings.longest()


def _merged(counts: list[pl.DataFrame]) -> pl.DataFrame:
    """How many cells name each index (i, n), from the pieces' counts."""
    return pl.concat(counts).group_by("i").agg(pl.col("n").cast(pl.Int64).sum())


def _within(text: int, packed: int) -> bool:
    return text <= CURRENT.max_unzipped_mb * 1024 * 1024 and (
        text <= ZIP_RATIO_FROM or text / packed <= CURRENT.max_zip_ratio
    )


def _refuse_over(path: Path, name: str, text: int, packed: int) -> None:
    if _within(text, packed):
        return
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
    """The longest stretch of a table up to a `</si>` since the previous one (a string the reader
    reads ends at the first `</si>` after its start), streamed; with `kept`, each stretch's length
    appended to it."""
    longest = run = 0
    for piece in inflated_pieces(fh, entry):
        parts = _END.split(piece) if b":si" in piece else piece.split(b"</si")
        run += len(parts[0])
        if len(parts) == 1:
            continue
        whole = [run] + [len(p) for p in parts[1:-1]]
        longest = max(longest, *whole)
        if kept is not None:
            kept.extend(whole)
        run = len(parts[-1])
    return longest


def _numbered(fh, entry: zipfile.ZipInfo) -> pl.Series | bool:
    """SharedStrings.numbered for one table: its strings' lengths by index, or False."""
    lengths: list[int] = []
    offset, start, carry = 0, None, b""
    for piece in itertools.chain(inflated_pieces(fh, entry), [b""]):  # b"": the end, read whole
        data = carry + piece
        tail = data.rfind(b"<") if piece else -1  # a tag cut between two pieces is read whole with the next
        cut = tail if tail >= 0 and len(data) - tail < 256 else len(data)
        for m in _MARK.finditer(data, 0, cut):
            at = offset + m.start()
            if m.group(1) is None:  # <! or <?: a comment, CDATA, a DOCTYPE, or the declaration at the head
                if m.group(0) == b"<!" or at > 3:
                    return False
            elif m.group(1) == b"/":
                if start is None:
                    return False
                lengths.append(at - start)
                start = None
            elif start is not None:
                return False
            else:
                start = at
        offset, carry = offset + cut, data[cut:]
    return pl.Series(lengths, dtype=pl.Int64)


def _table_parts(book: zipfile.ZipFile) -> set[str]:
    """Where the table of shared strings is: the part the workbook's relationships name, and
    xl/sharedStrings.xml (normalised)."""
    parts = {"xl/sharedstrings.xml"}
    try:
        for rel in fromstring(book.read(_RELS)):  # defused: a hostile file's entities refused (ValueError)
            if rel.get("Type", "").endswith("/sharedStrings"):
                target = rel.get("Target", "")
                parts.add(_normal(target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    except (KeyError, ParseError, zipfile.BadZipFile, OSError, ValueError):
        pass  # no relationships to follow: the default part
    return parts


def _normal(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/").lstrip("/")).lower()
