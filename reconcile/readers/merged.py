"""Cells merged down a column of an .xlsx sheet, read as the value they show on every row they cover.

An office list often merges one cell over a block of rows: `Đã chết` over three beneficiaries,
`Lương hưu` over a programme's rows, a payment date over a bank's. Excel shows the value on each of
those rows; the file holds it in the top cell alone, and the reader (calamine) gives the others
empty. Read as they are, the rows under the top one would have no status (read as active: a payment
after death not flagged), no programme or no date. A merge over one column and several rows is
therefore filled down; a merge across columns (a title, a group header, `Tổng cộng` over the first
columns of a totals row) is left as it is.

The merges are listed at the end of the sheet's XML, after its rows: the sheet is read as a stream
of bytes for them (no XML parser over the rows; the workbook's size was checked by limits.check_zip),
and only when there is one, for the first column the sheet uses, where calamine's columns start.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import polars as pl
from defusedxml import ElementTree

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})[0-9]')
_CHUNK = 1 << 22
_OVERLAP = 256
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _column(letters: bytes) -> int:
    """0 for A, 25 for Z, 26 for AA."""
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n - 1


def sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the path of its XML in the package."""

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    targets = {}
    for rel in ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels")):
        if local(rel.tag) == "Relationship":
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[rel.get("Id")] = path
    parts = {}
    for element in ElementTree.fromstring(book.read("xl/workbook.xml")).iter():
        if local(element.tag) == "sheet" and element.get(_REL) in targets:
            parts[element.get("name")] = targets[element.get(_REL)]
    return parts


def _scan(book: zipfile.ZipFile, part: str) -> tuple[list[tuple[int, int, int]], int]:
    """The sheet's merges over one column and several rows, as (column, first row, last row), rows
    from 1; and the first column any cell of the sheet is in (0 when there is no merge to fill)."""
    merges: list[tuple[int, int, int]] = []
    first = 0
    found: set[bytes] = set()
    with book.open(part) as fh:
        tail = b""
        while chunk := fh.read(_CHUNK):
            data = tail + chunk
            for m in _MERGE.finditer(data) if b"mergeCell" in data else ():
                if m.group(1) == m.group(3) and m.group(0) not in found and int(m.group(4)) > int(m.group(2)):
                    found.add(m.group(0))
                    merges.append((_column(m.group(1)), int(m.group(2)), int(m.group(4))))
            tail = data[-_OVERLAP:]
    if not merges:
        return merges, 0
    with book.open(part) as fh:  # the first column used: calamine's column 0 (columns A, B... tried in turn)
        first = _first_column(fh)
    return merges, first


def _first_column(fh) -> int:
    """The first column a cell of the sheet is in, from the cells' references (0 when they have none).
    A sheet that uses column A says so in its first cell; one that does not is read to its end."""
    best: int | None = None
    tail = b""
    while best != 0 and (chunk := fh.read(_CHUNK)):
        data = tail + chunk
        for m in _CELL.finditer(data):
            col = _column(m.group(1))
            if best is None or col < best:
                best = col
                if best == 0:
                    break
        tail = data[-_OVERLAP:]
    return best or 0


def fill_down(path: Path, sheets: list[tuple[str, pl.DataFrame]]) -> list[tuple[str, pl.DataFrame]]:
    """The sheets with each cell merged down a column filled with the value it shows."""
    try:
        with zipfile.ZipFile(path) as book:
            parts = sheet_parts(book)
            out = []
            for name, frame in sheets:
                merges, first = _scan(book, parts[name]) if name in parts else ([], 0)
                out.append((name, _filled(frame, merges, first)))
            return out
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ElementTree.ParseError,
        ValueError,
        NotImplementedError,
        EOFError,
        UnicodeDecodeError,
        struct.error,
        zlib.error,
    ):
        # not an OOXML package (an .xls, an .ods), parts missing, or a zip calamine reads and zipfile does
        # not (an unknown version in its directory): the sheets as calamine read them, no merges filled
        return sheets


def _filled(frame: pl.DataFrame, merges: list[tuple[int, int, int]], first: int) -> pl.DataFrame:
    """Each merge's top cell's value on the empty cells under it, within the merge."""
    sources: dict[str, list[int]] = {}
    for col, top, bottom in merges:
        index = col - first
        if not (0 <= index < frame.width and top <= frame.height):
            continue
        source = sources.setdefault(frame.columns[index], list(range(frame.height)))
        for row in range(top, min(bottom, frame.height)):  # 0-based rows under the top cell (top - 1)
            source[row] = top - 1
    if not sources:
        return frame
    return frame.with_columns(
        pl.coalesce(pl.col(name), pl.col(name).gather(pl.Series(source, dtype=pl.UInt32))).alias(name)
        for name, source in sources.items()
    )
