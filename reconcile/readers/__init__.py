"""Readers: one module per format. Each returns a RawTable of text columns, nothing parsed yet.

Every value arrives as text so that IDs and account numbers keep their leading zeros; the
normalise step (SQL) turns text into typed columns and sets aside what it cannot read.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import polars as pl

from reconcile.contracts import RecordKind
from reconcile.errors import InputFileError, NotThisRole, ReconcileError
from reconcile.profiles import Profile
from reconcile.readers.headers import (
    HeaderChooser,
    check_required,
    check_role,
    clean_headers,
    map_headers,
    no_data_rows,
    unique_names,
)
from reconcile.readers.layout import apply_profile, blank_rows, profile_columns
from reconcile.readers.names import ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.statements import STATEMENTS, set_aside_credits
from reconcile.readers.tables import RawTable, SkippedSheet
from reconcile.readers.totals import parquet_tail, tail_rows, take_totals_row


def sha256_of(path: Path, lines: bool = False) -> str:
    """The file's SHA-256; with `lines`, a delimited file's lines are measured on the way (limits.py)."""
    from reconcile.readers.limits import LineCheck

    digest = hashlib.sha256()
    check = LineCheck(path) if lines else None
    size = check.chunk_size if check else 1 << 20
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(size), b""):
            digest.update(chunk)
            if check:
                check.feed(chunk)
    return digest.hexdigest()


# An .xlsx saved with a password is an OLE2 container holding a stream of this name (MS-OFFCRYPTO)
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _is_workbook_zip(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except Exception:  # damaged (BadZipFile, an unsupported version, ...): let the Excel reader say so
        return True
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def detect_format(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError:
        raise InputFileError(str(path), "file not found", "check the path") from None
    except OSError as exc:
        raise InputFileError(
            str(path), f"cannot be opened ({exc.strerror})", "check the path and its permissions"
        ) from None
    suffix = path.suffix.lower()
    if not head:
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".xlsx", ".xlsm") and _is_workbook_zip(path):
            return "xlsx"
        raise InputFileError(str(path), "is a ZIP archive but not an .xlsx workbook", "extract it, or save it as .xlsx")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if ENCRYPTED_PACKAGE in path.read_bytes():
            raise InputFileError(
                str(path),
                "is a password-protected workbook",
                "open it in Excel, remove the password (File > Info > Protect Workbook) and save it again as .xlsx",
            )
        return "xls"
    from reconcile.readers.camt import looks_like_camt
    from reconcile.readers.mt940 import looks_like_mt940

    if suffix == ".xml" or looks_like_camt(head):
        return "camt"
    if suffix in (".sta", ".mt940", ".940", ".942") or looks_like_mt940(head):
        return "mt940"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix == ".parquet":
        raise InputFileError(
            str(path), "has a .parquet name but is not a Parquet file", "re-export it as Parquet or CSV"
        )
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise InputFileError(
            str(path),
            f"has an {suffix} name but is not an Excel workbook (it may be HTML or text)",
            "open it in Excel and save it as .xlsx",
        )
    raise InputFileError(
        str(path),
        f"unknown file format '{suffix or 'no extension'}'",
        "use CSV, XLSX, XLS, Parquet, ISO 20022 camt.053/054 XML or an MT940 statement",
    )


def read_file(
    path: Path | str,
    kind: RecordKind,
    profile: Profile | None = None,
    sheet: int | str | None = None,
    staging: Path | None = None,
) -> RawTable:
    """Read one registry or payments file as one table: a workbook's chosen sheet, or its first
    sheet that holds the role (read_tables reads them all)."""
    return read_tables(path, kind, profile, sheet, staging)[0][0]


def read_tables(
    path: Path | str,
    kind: RecordKind,
    profile: Profile | None = None,
    sheet: int | str | None = None,
    staging: Path | None = None,
) -> tuple[list[RawTable], list[SkippedSheet]]:
    """Read one registry or payments file: find its header row, apply its profile (given or
    recognised), recognise the remaining headers, check that it holds the role it was given as and
    its required columns, and take its totals row out.

    A workbook without a chosen sheet (`sheet`, or the profile's) gives one table per sheet that
    holds the role, in the workbook's order; the other sheets come back as skipped, with why. A
    workbook none of whose sheets holds the role is refused with its first sheet's problem.

    A CSV file is staged: its rows, as text, with the profile applied, are written a piece at a
    time to a Parquet file in `staging` (the system's temporary folder if None), removed when the
    table is, which the run reads as it reads plain Parquet. So no CSV is ever held whole in memory."""
    from reconcile.readers import delimited, limits, parquet

    path = Path(path)
    fmt = detect_format(path)
    limits.check_size(path)
    if fmt == "xlsx":
        limits.check_zip(path)
    if profile is not None and profile.kind != kind:
        raise InputFileError(
            str(path),
            f"is a {kind} file but the profile {profile.name} is for {profile.kind} files",
            f"pass a {kind} profile, or give the file as --{profile.kind}",
        )
    if fmt in STATEMENTS and kind == "registry":
        raise NotThisRole(
            str(path),
            f"is a bank statement ({STATEMENTS[fmt]}): it holds payments, not beneficiaries",
            "give it as --payments",
        )
    digest = sha256_of(path, lines=fmt == "csv")
    if fmt in ("xlsx", "xls"):
        from reconcile.readers.sheets import read_workbook

        return read_workbook(path, kind, fmt, profile, sheet, digest)
    chooser = HeaderChooser(path, kind, profile)
    encoding = None
    if fmt == "csv":
        headers, frame, first_row, encoding = delimited.read(path, chooser)
    elif fmt in STATEMENTS:
        from reconcile.readers import camt, mt940

        headers, frame, first_row, control = (camt if fmt == "camt" else mt940).read_with_control(path)
        chooser.how = fmt
        table = _build(path, kind, fmt, chooser, headers, frame, first_row, digest)
        table.control = control
        return [table], []
    else:
        types, rows = parquet.schema(path)
        chooser([list(types)])
        streamed = parquet.stream_columns(types) if chooser.profile is None else None
        if streamed is not None:
            return [_streamed(path, kind, chooser, streamed, rows, digest)], []
        headers, frame, first_row = parquet.read(path)
    table = _build(path, kind, fmt, chooser, headers, frame, first_row, digest, encoding=encoding)
    if isinstance(table.frame, pl.LazyFrame):  # a CSV scan, still holding its header row
        _stage(table, staging, first_row)
    return [table], []


def _build(
    path: Path,
    kind: RecordKind,
    fmt: str,
    chooser: HeaderChooser,
    headers: list,
    frame,
    first_row: int,
    digest: str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    several: bool = False,
) -> RawTable:
    """The table of one file or sheet from its headers and rows: columns named and mapped, the role
    and the required columns checked, the profile applied, an eager frame's totals row taken out
    (a CSV scan's is taken out when it is staged)."""
    from reconcile.readers.limits import check_columns

    check_columns(path, len(headers), sheet)
    if isinstance(frame, pl.DataFrame) and frame.height == 0 and fmt not in STATEMENTS:
        raise no_data_rows(path, sheet)  # a bank statement may have no entries: a day without movements
    cleaned = clean_headers(headers)
    names = unique_names(cleaned)
    frame = frame.rename(dict(zip(frame.collect_schema().names(), names)))
    scanned = isinstance(frame, pl.LazyFrame)  # a CSV scan, still holding its header row
    frame = frame.with_row_index(ROW_COLUMN, offset=first_row - 1 if scanned else first_row).with_columns(
        pl.col(ROW_COLUMN).cast(pl.Int64)
    )
    table = RawTable(
        path=path,
        kind=kind,
        format=fmt,
        frame=frame,
        sha256=digest,
        encoding=encoding,
        profile=chooser.profile.name if chooser.profile else None,
        profile_how=chooser.how,
        header_row=first_row - 1,
        sheet=sheet,
    )
    preset = profile_columns(chooser.profile, list(zip(cleaned, names))) if chooser.profile else {}
    table.header_map = map_headers(path, kind, list(zip(cleaned, names)), preset, require=False)
    check_role(path, kind, cleaned, table.header_map, sheet if several else None)
    if chooser.profile is not None:
        apply_profile(table, chooser.profile)
    else:
        table.frame = table.frame.with_columns(blank_rows(table.original_columns).alias(SKIP_COLUMN))
    if fmt in STATEMENTS:
        table.frame = set_aside_credits(table.frame)
        table.consumed |= {"direction", "aside"}
    check_required(path, kind, table.header_map)
    if not scanned and fmt not in STATEMENTS:
        take_totals_row(table, tail_rows(table.frame, table))
    return table


def _stage(table: RawTable, staging: Path | None, first_row: int) -> None:
    """Write a scanned CSV file's rows to a Parquet file, a piece at a time, and read its data rows
    (from `first_row` on; the header row is written too) from there."""
    import tempfile
    import weakref

    import pyarrow.parquet as pq

    from reconcile.warehouse import quote_ident, quote_path

    fd, name = tempfile.mkstemp(prefix="reconcile-", suffix=".parquet", dir=staging)
    os.close(fd)
    remove = weakref.finalize(table, _remove, name)
    try:
        table.frame.sink_parquet(name, compression="lz4")
        staged = pq.ParquetFile(name)
        rows = staged.metadata.num_rows - 1
        schema = table.frame.collect_schema()
        table.frame = pl.DataFrame(schema=schema)
        totals = take_totals_row(table, parquet_tail(staged, first_row, table)) if rows else None
        rows -= totals is not None
        if rows == 0:
            raise no_data_rows(table.path)
    except BaseException as exc:
        remove()  # now, not when the table goes: the error's traceback holds on to the table
        if isinstance(exc, (pl.exceptions.PolarsError, OSError)):
            raise _staging_error(table.path, Path(name).parent, exc) from None
        raise
    row = quote_ident(ROW_COLUMN)
    table.source = f"SELECT * FROM read_parquet({quote_path(name)}) WHERE {row} >= {first_row}" + (
        f" AND {row} <> {totals}" if totals is not None else ""
    )
    table.row_count = rows


def _remove(name: str) -> None:
    Path(name).unlink(missing_ok=True)


def _staging_error(path: Path, folder: Path, exc: Exception) -> ReconcileError:
    """A file that cannot be parsed, or a copy that cannot be written: polars reports a failed
    write (a full disk) as a ComputeError naming the OS error."""
    from reconcile.readers import delimited

    found = re.search(r"\(os error (\d+)\)", str(exc))
    errno = exc.errno if isinstance(exc, OSError) else int(found.group(1)) if found else None
    if errno is None:
        return delimited.unreadable(path, exc)
    return ReconcileError(
        f"{path}: cannot be staged in {folder} ({os.strerror(errno)}); check that the disk "
        "there has room, or give --db a folder on another disk"
    )


def _streamed(
    path: Path, kind: RecordKind, chooser: HeaderChooser, columns: list[tuple[str, str, bool]], rows: int, digest: str
) -> RawTable:
    """A plain Parquet file the run reads straight into DuckDB (readers/parquet.py)."""
    from reconcile.readers import parquet

    if rows == 0:
        raise no_data_rows(path)
    names = [name for name, _, _ in columns]
    frame = pl.DataFrame(schema={**dict.fromkeys(names, pl.String), ROW_COLUMN: pl.Int64, SKIP_COLUMN: pl.String})
    table = RawTable(
        path=path,
        kind=kind,
        format="parquet",
        frame=frame,
        sha256=digest,
        profile_how=chooser.how,
        source=parquet.stream_query(path, columns, ROW_COLUMN, SKIP_COLUMN),
        row_count=rows,
    )
    table.header_map = map_headers(path, kind, [(n, n) for n in names], require=False)
    check_role(path, kind, names, table.header_map)
    check_required(path, kind, table.header_map)
    return table
