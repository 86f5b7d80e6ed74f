"""Readers: one module per format. Each returns a RawTable of text columns, nothing parsed yet.

Every value arrives as text so that IDs and account numbers keep their leading zeros; the
normalise step (SQL) turns text into typed columns and sets aside what it cannot read.

Here is the dispatch: a file's format is recognised (formats.py), its format's reader gives its
headers and rows (delimited, sheets and excel, parquet, camt, mt940), and the table is assembled
from them (assembly.py; tables.py holds what a reader gives). A CSV file is then staged to Parquet
(staging.py); a plain Parquet file is read straight into DuckDB (`_streamed`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import polars as pl

from reconcile.contracts import RecordKind
from reconcile.errors import InputFileError, NotThisRole
from reconcile.profiles import Profile
from reconcile.readers.assembly import build_table
from reconcile.readers.chain import Span, check_chain
from reconcile.readers.file_state import check_unchanged, file_state
from reconcile.readers.formats import detect_format
from reconcile.readers.headers import HeaderChooser, map_headers
from reconcile.readers.names import ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.roles import check_required, check_role, no_data_rows
from reconcile.readers.staging import stage_csv
from reconcile.readers.statements import STATEMENTS
from reconcile.readers.tables import RawTable, SkippedSheet


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
    on_sheets: Callable[[list[str]], None] | None = None,
) -> tuple[list[RawTable], list[SkippedSheet]]:
    """Read one registry or payments file: find its header row, apply its profile (given or
    recognised), recognise the remaining headers, check that it holds the role it was given as and
    its required columns, and take its totals row out.

    A workbook without a chosen sheet (`sheet`, or the profile's) gives one table per sheet that
    holds the role, in the workbook's order; the other sheets come back as skipped, with why. A
    workbook none of whose sheets holds the role is refused with its first sheet's problem.

    A CSV file is staged: its rows, as text, with the profile applied, are written a piece at a
    time to a Parquet file in `staging` (the system's temporary folder if None), removed when the
    table is, which the run reads as it reads plain Parquet. So no CSV is ever held whole in memory.

    `on_sheets` is told a workbook's sheet names as soon as they are known, before any problem that
    names a sheet (a refused sheet's name is masked under --mask-ids as a read one's is)."""
    from reconcile.readers import limits

    path = Path(path)
    limits.check_size(path)  # before its first bytes are read: a pipe would wait for them without end
    fmt = detect_format(path)
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
    before = file_state(path)  # the file as hashed, read again below (streamed: by the run, load.py)
    digest = sha256_of(path, lines=fmt == "csv")
    tables, skipped = _read_hashed(path, kind, fmt, profile, sheet, staging, on_sheets, digest)
    check_unchanged(path, before)  # written to since it was hashed: its rows are another content's
    for table in tables:
        table.state = before
    return tables, skipped


def _read_hashed(
    path: Path,
    kind: RecordKind,
    fmt: str,
    profile: Profile | None,
    sheet: int | str | None,
    staging: Path | None,
    on_sheets: Callable[[list[str]], None] | None,
    digest: str,
) -> tuple[list[RawTable], list[SkippedSheet]]:
    """The file's tables by its format's reader, `digest` its SHA-256."""
    from reconcile.readers import delimited, parquet

    if fmt in ("xlsx", "xls"):
        from reconcile.readers.sheets import read_workbook

        return read_workbook(path, kind, fmt, profile, sheet, digest, on_sheets)
    if fmt == "csv":
        try:
            return [_csv_table(path, kind, profile, digest, staging, decoded=False)], []
        except delimited.NotUtf8:  # UTF-8 in its head, not further on: read again, from a UTF-8 copy
            return [_csv_table(path, kind, profile, digest, staging, decoded=True)], []
    chooser = HeaderChooser(path, kind, profile)
    if fmt in STATEMENTS:
        from reconcile.readers import camt, mt940

        spans: list[Span] = []
        headers, frame, first_row, control = (camt if fmt == "camt" else mt940).read_with_control(path, spans=spans)
        check_chain(spans)  # a day's statement missing between two of the file's (the run's: pipeline.py)
        chooser.how = fmt
        table = build_table(path, kind, fmt, chooser, headers, frame, first_row, digest)
        table.control, table.spans = control, spans
        return [table], []
    types, rows = parquet.schema(path)
    chooser([list(types)])
    streamed = parquet.stream_columns(types) if chooser.profile is None else None
    if streamed is not None:
        return [_streamed(path, kind, chooser, streamed, rows, digest)], []
    headers, frame, first_row = parquet.read(path)
    return [build_table(path, kind, fmt, chooser, headers, frame, first_row, digest)], []


def _csv_table(
    path: Path, kind: RecordKind, profile: Profile | None, digest: str, staging: Path | None, decoded: bool
) -> RawTable:
    """A CSV file's table, staged: scanned from disk when its head is UTF-8, or from a UTF-8 copy
    (`decoded`, or another encoding; delimited.read). Polars checks the rest as it stages it (NotUtf8)."""
    from reconcile.readers import delimited

    chooser = HeaderChooser(path, kind, profile)
    headers, scan, first_row, encoding, copy = delimited.read(path, chooser, decoded, staging)
    try:
        table = build_table(path, kind, "csv", chooser, headers, scan, first_row, digest, encoding=encoding)
        stage_csv(table, staging, first_row)
    finally:
        if copy is not None:  # the UTF-8 copy of a file in another encoding, staged now
            copy.unlink(missing_ok=True)
    return table


def _streamed(
    path: Path, kind: RecordKind, chooser: HeaderChooser, columns: list[tuple[str, str, bool]], rows: int, digest: str
) -> RawTable:
    """A plain Parquet file the run reads straight into DuckDB (readers/parquet.py)."""
    from reconcile.readers import parquet

    if rows == 0:
        raise no_data_rows(path, kind)
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
