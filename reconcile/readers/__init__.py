"""Readers: one module per format. Each returns a RawTable of text columns, nothing parsed yet.

Every value arrives as text so that IDs and account numbers keep their leading zeros; the
normalise step (SQL) turns text into typed columns and sets aside what it cannot read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from reconcile.contracts import RecordKind, columns, fold, header_lookup
from reconcile.errors import InputFileError

ROW_COLUMN = "__reconcile_source_row__"


@dataclass
class RawTable:
    """One input file as read: text columns under their original headers, plus the row number."""

    path: Path
    kind: RecordKind
    format: str
    frame: pl.DataFrame
    sha256: str
    encoding: str | None = None
    header_map: dict[str, str] = field(default_factory=dict)  # original header -> canonical

    @property
    def rows_read(self) -> int:
        return self.frame.height

    @property
    def original_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW_COLUMN]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detect_format(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise InputFileError(str(path), "file not found", "check the path") from None
    except OSError as exc:
        raise InputFileError(str(path), f"cannot be opened ({exc.strerror})", "check the path and its permissions") from None
    suffix = path.suffix.lower()
    if not head:
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        raise InputFileError(str(path), "is a ZIP archive but not an .xlsx workbook", "extract it, or save it as .xlsx")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix == ".parquet":
        raise InputFileError(str(path), "has a .parquet name but is not a Parquet file", "re-export it as Parquet or CSV")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise InputFileError(str(path), f"has an {suffix} name but is not an Excel workbook (it may be HTML or text)",
                             "open it in Excel and save it as .xlsx")
    raise InputFileError(str(path), f"unknown file format '{suffix or 'no extension'}'",
                         "use CSV, XLSX, XLS or Parquet")


def read_file(path: Path | str, kind: RecordKind) -> RawTable:
    """Read one registry or payments file, recognise its headers, and check required columns."""
    from reconcile.readers import delimited, excel, parquet

    path = Path(path)
    fmt = detect_format(path)
    encoding = None
    if fmt == "csv":
        headers, frame, first_row, encoding = delimited.read(path)
    elif fmt in ("xlsx", "xls"):
        headers, frame, first_row = excel.read(path)
    else:
        headers, frame, first_row = parquet.read(path)
    if frame.height == 0:
        raise InputFileError(str(path), "has a header row but no data rows",
                             "check that the export finished and send the complete file")
    cleaned = clean_headers(headers)
    names = unique_names(cleaned)
    frame = frame.rename(dict(zip(frame.columns, names)))
    frame = frame.with_row_index(ROW_COLUMN, offset=first_row).with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))
    table = RawTable(path=path, kind=kind, format=fmt, frame=frame, sha256=sha256_of(path), encoding=encoding)
    table.header_map = map_headers(path, kind, list(zip(cleaned, names)))
    return table


def clean_headers(headers: list) -> list[str]:
    """Header texts trimmed, with an empty header named after its position ('column 3')."""
    out = []
    for i, h in enumerate(headers, start=1):
        text = " ".join(str(h).split()) if h is not None else ""
        out.append(text or f"column {i}")
    return out


def unique_names(names: list[str]) -> list[str]:
    """Make names unique regardless of case (DuckDB struct keys ignore case): 'Note', 'NOTE (2)'."""
    seen: set[str] = {ROW_COLUMN.lower()}
    out = []
    for name in names:
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def map_headers(path: Path, kind: RecordKind, headers: list[tuple[str, str]]) -> dict[str, str]:
    """Map headers onto canonical columns; refuse a file that lacks a required one or has one twice.

    headers: (header as written, unique column name in the frame). Returns unique name -> canonical.
    """
    lookup = header_lookup(kind)
    mapped: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for header, name in headers:
        canonical = lookup.get(fold(header))
        if canonical is None:
            continue
        if canonical in claimed:
            first = claimed[canonical]
            problem = (f"the column '{header}' appears twice" if first == header
                       else f"columns '{first}' and '{header}' both read as '{canonical}'")
            raise InputFileError(str(path), problem, "remove or rename one of them")
        claimed[canonical] = header
        mapped[name] = canonical
    missing = [c.name for c in columns(kind) if c.required and c.name not in claimed]
    if missing:
        raise InputFileError(
            str(path),
            f"required column '{missing[0]}' is missing from the {kind} file"
            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""),
            f"add it or rename the column that holds it to '{missing[0]}'",
        )
    return mapped
