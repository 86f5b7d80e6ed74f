"""How far a sheet of an .xlsx reaches, known before it is read, and a sheet that reaches too far refused.

The reader (calamine) holds every cell of a sheet's used range, from its first cell to its last row
and column, empty or not: one cell at IP1048576 in a 5 KB file makes it hold 262 million cells
(9 GB). The sheet's `<dimension>` may say anything, so it is not read; the sheet's XML is, streamed
(inflated a piece at a time, never held whole, however its zip directory declares its size), by two
regular expressions per piece over the cells' `r` attributes (every `r`, the rows' too, in a piece
not written as Excel writes it): the columns' letters, a few distinct ones, and the rows' numbers. That is a bound from A1, never below what the
reader holds. A sheet of 1,000,000 rows and 13 columns (730 MB of XML) takes 4 to 6 s, its read 13 s.

A cell without a reference is where the previous cell of its row ends, and a row without one after the
previous row: a sheet with such a cell (a few writers omit them) is read a second time, its cells
counted row by row, for a bound that holds them: the last referenced column and the most cells of a
row, the last referenced row and the number of rows.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from reconcile.errors import InputFileError
from reconcile.readers import shared_text
from reconcile.readers.limits import CURRENT, XML_SLACK, inflated_pieces
from reconcile.readers.merged import sheet_parts
from reconcile.readers.shared_text import SharedStrings

_LETTERS = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]+)")
_NUMBERS = re.compile(rb"\sr\s*=\s*[\"'][A-Za-z]*([0-9]+)")
_LETTERS_PLAIN = re.compile(rb'<c r *= *"([A-Za-z]+)')
_NUMBERS_PLAIN = re.compile(rb'<c r *= *"[A-Za-z]*([0-9]+)')
_NOT_PLAIN = (b"\t", b"\n", b"\r", b"'")  # whitespace but spaces, or single quotes, somewhere in the piece
# a cell's start tag without an `r` (not <col>, <cols>, <cfRule>): its place is its row's and order's
_NO_REF = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])(?![^>]*\sr\s*=)")
_CELL = r"<(?:[\w.-]+:)?c[\s/>]"
_ROW_END = r"</(?:[\w.-]+:)?row\s*>|<(?:[\w.-]+:)?row\b[^>]*/>"


def check_sheets(path: Path, sheet: int | str | None, on_names: Callable[[list[str]], None] | None = None) -> None:
    """Refuses a sheet that would be read (`sheet`, by name or position from 1, else every sheet)
    whose used range is more than `max_sheet_cells` cells, or whose cells name more shared text than
    a workbook may expand to (shared_text.py); `on_names` is told every sheet's name first. A package it cannot follow (damaged, parts missing) is left to the reader, which says what
    is wrong."""
    try:
        with zipfile.ZipFile(path) as book, open(path, "rb") as fh:
            sheets = list(_sheet_parts(book).items())
            if on_names is not None:
                on_names([name for name, _ in sheets])
            if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
                sheets = sheets[int(sheet) - 1 : int(sheet)] if int(sheet) >= 1 else []
            elif sheet is not None:
                sheets = [(name, part) for name, part in sheets if name == sheet]
            entries = book.infolist()
            strings = SharedStrings(book, fh)
            for name, part in sheets:
                rows, columns = 0, 0
                parts = [entry for entry in entries if _normal(entry.filename) == part]
                for entry in parts:
                    r, c = _extent(fh, entry, path, name)
                    rows, columns = max(rows, r), max(columns, c)
                _refuse(path, name, rows, columns)
                # a generator: the sheet is read again only if its shared text is counted
                shared_text.check(path, name, rows * columns, strings, _all_pieces(fh, parts, path, name))
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        NotImplementedError,
        EOFError,
        struct.error,
        zlib.error,
        SyntaxError,
    ):
        return  # SyntaxError: the XML parser's ParseError; a damaged part: the reader says what is wrong


def _refuse(path: Path, name: str, rows: int, columns: int) -> None:
    if rows * columns <= CURRENT.max_sheet_cells:
        return
    raise InputFileError(
        str(path),
        f"the sheet '{name}' reaches row {rows:,} and column {_letters(columns)} ({columns:,}): "
        f"{rows * columns:,} cells to read, over the limit of {CURRENT.max_sheet_cells:,} ([limits] max_sheet_cells)",
        "delete the rows and columns past the list (Ctrl+End in Excel goes to the last cell) and save it again, "
        "or raise the limit in [limits] of the config if the file is genuine",
    )


def _extent(fh, entry: zipfile.ZipInfo, path: Path, name: str) -> tuple[int, int]:
    """(last row, last column), from 1, that the sheet's cells can reach."""
    rows = columns = 0
    implicit = False
    for piece in _pieces(fh, entry, path, name):
        # every cell's tag opens <c r="... (as Excel and openpyxl write it), in a piece without tabs, line
        # ends, single quotes or prefixes: the cells' references alone, three times as fast; else every r
        plain = not any(byte in piece for byte in _NOT_PLAIN) and b":c" not in piece
        found = _LETTERS_PLAIN.findall(piece) if plain else []
        plain = plain and piece.count(b"<c") == len(found)
        if not plain:
            found = _LETTERS.findall(piece)
            implicit = implicit or _NO_REF.search(piece) is not None
        if found:
            columns = max(columns, max(_column(x) for x in set(found)))
        numbers = set((_NUMBERS_PLAIN if plain else _NUMBERS).findall(piece))
        if numbers:
            rows = max(rows, max(map(int, numbers)))
    if implicit:
        row_ends, widest, numbered = _rows_and_widest(fh, entry, path, name)
        rows, columns = max(rows, numbered) + row_ends, columns + widest
    return rows, columns


def _rows_and_widest(fh, entry: zipfile.ZipInfo, path: Path, name: str) -> tuple[int, int, int]:
    """How many rows the sheet has, the most cells (with a reference or not) of one of its rows, and
    the last row any `r` names (a row's as well as a cell's)."""
    import polars as pl

    ends = widest = open_row = numbered = 0
    for piece in _pieces(fh, entry, path, name):
        numbered = max([numbered, *map(int, set(_NUMBERS.findall(piece)))])
        # each row's end made one character that the piece no longer holds, then the rows' cells counted
        text = pl.Series([piece.decode("utf-8", "replace").replace("\x00", "")])
        ends += text.str.count_matches(_ROW_END).item()
        counts = text.str.replace_all(_ROW_END, "\x00").str.split("\x00").explode().str.count_matches(_CELL).to_list()
        counts[0] += open_row
        widest = max(widest, *counts)
        open_row = counts[-1]
    return ends, widest, numbered


def _all_pieces(fh, entries: list[zipfile.ZipInfo], path: Path, name: str) -> Iterator[bytes]:
    for entry in entries:
        yield from _pieces(fh, entry, path, name)


def _pieces(fh, entry: zipfile.ZipInfo, path: Path, name: str) -> Iterator[bytes]:
    """The entry's bytes, inflated, in pieces cut between tags (after a `<` or `>`), so that no
    reference is cut in two. A run without either that goes on for more than the field limit past a
    piece is refused: no sheet that Excel writes has one, and a reference after it would be out of
    sight."""
    carry = b""
    for data in inflated_pieces(fh, entry):
        data = carry + data
        cut = max(data.rfind(b"<"), data.rfind(b">") + 1)
        if cut > 0:
            yield data[:cut]
        carry = data[max(cut, 0) :]
        if len(carry) > CURRENT.max_field_kb * 1024 + XML_SLACK:
            raise InputFileError(
                str(path),
                f"the sheet '{name}' has a text or tag longer than {CURRENT.max_field_kb:,} KB ([limits] max_field_kb), "
                "which no sheet Excel writes has",
                "open it in Excel and save it again as .xlsx; it may be damaged or hostile",
            )
    if carry:
        yield carry


def _column(letters: bytes) -> int:
    """1 for A, 26 for Z, 27 for AA (any case, as the reader takes them)."""
    n = 0
    for c in letters.upper():
        n = n * 26 + (c - 64)
    return n


def _letters(column: int) -> str:
    """The column's letters: 250 is IP."""
    out = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _normal(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/").lstrip("/")).lower()


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the (normalised) path of its part, in the workbook's order (merged.sheet_parts)."""
    return {name: _normal(part) for name, part in sheet_parts(book).items()}
