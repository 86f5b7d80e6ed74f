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

ROW_COLUMN = "__source_row"


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
    if fmt == "csv":
        frame, encoding = delimited.read(path)
    elif fmt in ("xlsx", "xls"):
        frame, encoding = excel.read(path), None
    else:
        frame, encoding = parquet.read(path), None
    frame = frame.with_row_index(ROW_COLUMN, offset=2).with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))
    table = RawTable(path=path, kind=kind, format=fmt, frame=frame, sha256=sha256_of(path), encoding=encoding)
    table.header_map = map_headers(table)
    return table


def map_headers(table: RawTable) -> dict[str, str]:
    """Map original headers onto canonical columns; refuse a file that lacks a required one."""
    lookup = header_lookup(table.kind)
    mapped: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for header in table.original_columns:
        canonical = lookup.get(fold(header))
        if canonical is None:
            continue
        if canonical in claimed:
            raise InputFileError(
                str(table.path),
                f"columns '{claimed[canonical]}' and '{header}' both read as '{canonical}'",
                "remove or rename one of them",
            )
        claimed[canonical] = header
        mapped[header] = canonical
    missing = [c.name for c in columns(table.kind) if c.required and c.name not in claimed]
    if missing:
        raise InputFileError(
            str(table.path),
            f"required column '{missing[0]}' is missing from the {table.kind} file"
            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""),
            f"add it or rename the column that holds it to '{missing[0]}'",
        )
    return mapped
