"""Readers: one module per format. Each returns a RawTable of text columns, nothing parsed yet.

Every value arrives as text so that IDs and account numbers keep their leading zeros; the
normalise step (SQL) turns text into typed columns and sets aside what it cannot read.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from reconcile.contracts import RecordKind, columns, fold, header_lookup
from reconcile.errors import InputFileError, NotThisRole, ReconcileError
from reconcile.profiles import Profile, finds_header, recognise
from reconcile.readers.totals import Control

ROW_COLUMN = "__reconcile_source_row__"
SKIP_COLUMN = "__reconcile_skip__"  # why a row is set aside before normalising (blank, total, credit...)
DATE_ORDERS = {"dmy": "day, month, year", "ymd": "year, month, day", "mdy": "month, day, year"}
DERIVED = "__reconcile_"  # prefix of columns a profile adds; not part of a row's values as read


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
    profile: str | None = None  # the profile that read it
    profile_how: str = "none"  # given (--profile), recognised, camt, or none (headers recognised alone)
    header_row: int = 1  # row of the header in the file or sheet
    sheet: str | None = None  # Excel sheet read (a workbook gives one table per sheet that holds its role)
    control: Control | None = None  # what the file says it holds: camt's TxsSummry, a totals row
    notes: list[str] = field(default_factory=list)  # what the profile did, for `reconcile check`
    consumed: set[str] = field(default_factory=set)  # columns a profile read other than through header_map
    converted: dict[str, str] = field(default_factory=dict)  # column read through a converted copy -> canonical
    # Streamed files (plain Parquet, and CSV once staged): the rows stay on disk; `frame` has the
    # columns but no rows, `source` is the DuckDB query that reads them as text, and `row_count` how
    # many there are. While a CSV file is being read, `frame` is a LazyFrame scanning it.
    source: str | None = None
    row_count: int = 0

    @property
    def columns_read(self) -> dict[str, str]:
        """The file's own columns that became canonical columns: header -> canonical."""
        read = {k: v for k, v in self.header_map.items() if not k.startswith(DERIVED)}
        return {k: read.get(k) or self.converted[k] for k in self.original_columns if k in read or k in self.converted}

    @property
    def rows_read(self) -> int:
        return self.row_count if self.source is not None else self.frame.height

    def text_frame(self) -> pl.DataFrame:
        """The rows as text columns (read from the file when it is streamed)."""
        if self.source is None:
            return self.frame
        import duckdb

        from reconcile.readers.parquet import unreadable

        try:
            with duckdb.connect() as con:
                return con.sql(self.source).pl()
        except duckdb.Error as exc:
            raise unreadable(self.path, exc) from None

    @property
    def original_columns(self) -> list[str]:
        """The file's own columns (not the row number or what a profile derived)."""
        return [c for c in self.frame.collect_schema().names() if not c.startswith(DERIVED)]


@dataclass
class SkippedSheet:
    """A sheet of a workbook that does not hold the file's role (empty, a summary, notes), with why."""

    path: Path
    kind: RecordKind
    sheet: str
    reason: str
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
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
        raise InputFileError(str(path), f"cannot be opened ({exc.strerror})", "check the path and its permissions") from None
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
            raise InputFileError(str(path), "is a password-protected workbook",
                                 "open it in Excel, remove the password (File > Info > Protect Workbook) and save it "
                                 "again as .xlsx")
        return "xls"
    from reconcile.readers.camt import looks_like_camt

    if suffix == ".xml" or looks_like_camt(head):
        return "camt"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix == ".parquet":
        raise InputFileError(str(path), "has a .parquet name but is not a Parquet file", "re-export it as Parquet or CSV")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise InputFileError(str(path), f"has an {suffix} name but is not an Excel workbook (it may be HTML or text)",
                             "open it in Excel and save it as .xlsx")
    raise InputFileError(str(path), f"unknown file format '{suffix or 'no extension'}'",
                         "use CSV, XLSX, XLS, Parquet or ISO 20022 camt.053/054 XML")


class _HeaderChooser:
    """Finds the header row among a file's first rows, and the profile that describes the file.

    With a profile, its [header] says where the row is. Without one, the first built-in profile
    whose header row is found is used (recognised); failing that, the header is the first row with
    at least two recognised headers, or else the first row with any value.
    """

    def __init__(self, path: Path, kind: RecordKind, profile: Profile | None):
        self.path, self.kind, self.given = path, kind, profile
        self.profile: Profile | None = profile
        self.how = "given" if profile else "none"

    def __call__(self, rows: list[list]) -> int:
        non_empty = [i for i, row in enumerate(rows) if any(v is not None and str(v).strip() for v in row)]
        if not non_empty:
            raise InputFileError(str(self.path), "has no header row in its first rows",
                                 "check the file; the header row must be near the top")
        profile = self.given
        if profile is not None:
            if profile.header.row is not None:
                if profile.header.row > len(rows):
                    raise InputFileError(str(self.path), f"has no row {profile.header.row} for the header "
                                         f"(profile {profile.name})", "check the profile's [header] row")
                return profile.header.row - 1
            if profile.header.find:
                for i, row in enumerate(rows[:profile.header.max_scan]):
                    if finds_header(profile, row):
                        return i
                raise InputFileError(
                    str(self.path), f"has no row with the headers {', '.join(profile.header.find)} in its first "
                    f"{profile.header.max_scan} rows (profile {profile.name})",
                    "check that this is the right file for the profile, or the profile's [header] find")
            return self._auto(rows, non_empty)
        hit = recognise(self.kind, rows)
        if hit is not None:
            self.profile, self.how = hit[0], "recognised"
            return hit[1]
        return self._auto(rows, non_empty)

    def _auto(self, rows: list[list], non_empty: list[int]) -> int:
        lookup = header_lookup(self.kind)
        for i in non_empty[:30]:
            known = sum(1 for v in rows[i] if v is not None and fold(str(v)) in lookup)
            if known >= 2:
                return i
        return non_empty[0]


def read_file(path: Path | str, kind: RecordKind, profile: Profile | None = None,
              sheet: int | str | None = None, staging: Path | None = None) -> RawTable:
    """Read one registry or payments file as one table: a workbook's chosen sheet, or its first
    sheet that holds the role (read_tables reads them all)."""
    return read_tables(path, kind, profile, sheet, staging)[0][0]


def read_tables(path: Path | str, kind: RecordKind, profile: Profile | None = None,
                sheet: int | str | None = None,
                staging: Path | None = None) -> tuple[list[RawTable], list[SkippedSheet]]:
    """Read one registry or payments file: find its header row, apply its profile (given or
    recognised), recognise the remaining headers, check that it holds the role it was given as and
    its required columns, and take its totals row out.

    A workbook without a chosen sheet (`sheet`, or the profile's) gives one table per sheet that
    holds the role, in the workbook's order; the other sheets come back as skipped, with why. A
    workbook none of whose sheets holds the role is refused with its first sheet's problem.

    A CSV file is staged: its rows, as text, with the profile applied, are written a piece at a
    time to a Parquet file in `staging` (the system's temporary folder if None), removed when the
    table is, which the run reads as it reads plain Parquet. So no CSV is ever held whole in memory."""
    from reconcile.readers import delimited, excel, parquet

    path = Path(path)
    fmt = detect_format(path)
    if profile is not None and profile.kind != kind:
        raise InputFileError(str(path), f"is a {kind} file but the profile {profile.name} is for {profile.kind} files",
                             f"pass a {kind} profile, or give the file as --{profile.kind}")
    if fmt == "camt" and kind == "registry":
        raise NotThisRole(str(path), "is a bank statement (ISO 20022 camt XML): it holds payments, not beneficiaries",
                          "give it as --payments")
    digest = sha256_of(path)
    if fmt in ("xlsx", "xls"):
        chosen = sheet if sheet is not None else (profile.sheet if profile else None)
        sheets = excel.load_sheets(path, chosen)
        if not sheets:
            raise InputFileError(str(path), "is a workbook without sheets", "open it in Excel and save it again as .xlsx")
        tables: list[RawTable] = []
        skipped: list[SkippedSheet] = []
        first_problem: NotThisRole | None = None
        for name, whole in sheets:
            chooser = _HeaderChooser(path, kind, profile)
            try:
                headers, frame, first_row = excel.split(path, name, whole, chooser)
                tables.append(_build(path, kind, fmt, chooser, headers, frame, first_row, digest, sheet=name,
                                     several=len(sheets) > 1))
            except NotThisRole as exc:
                if len(sheets) == 1:
                    raise
                skipped.append(SkippedSheet(path, kind, name, exc.problem, digest))
                first_problem = first_problem or exc
        if not tables and first_problem is not None:
            raise NotThisRole(str(path), f"none of its {len(sheets)} sheets holds a {kind} file (sheet "
                              f"'{skipped[0].sheet}': {first_problem.problem})", first_problem.fix)
        return tables, skipped
    chooser = _HeaderChooser(path, kind, profile)
    encoding = None
    if fmt == "csv":
        headers, frame, first_row, encoding = delimited.read(path, chooser)
    elif fmt == "camt":
        from reconcile.readers import camt

        headers, frame, first_row, control = camt.read_with_control(path)
        chooser.how = "camt"
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


def _build(path: Path, kind: RecordKind, fmt: str, chooser: "_HeaderChooser", headers: list, frame,
           first_row: int, digest: str, *, encoding: str | None = None, sheet: str | None = None,
           several: bool = False) -> RawTable:
    """The table of one file or sheet from its headers and rows: columns named and mapped, the role
    and the required columns checked, the profile applied, an eager frame's totals row taken out
    (a CSV scan's is taken out when it is staged)."""
    if isinstance(frame, pl.DataFrame) and frame.height == 0:
        raise _no_data_rows(path, sheet)
    cleaned = clean_headers(headers)
    names = unique_names(cleaned)
    frame = frame.rename(dict(zip(frame.collect_schema().names(), names)))
    scanned = isinstance(frame, pl.LazyFrame)  # a CSV scan, still holding its header row
    frame = frame.with_row_index(ROW_COLUMN, offset=first_row - 1 if scanned else first_row).with_columns(
        pl.col(ROW_COLUMN).cast(pl.Int64))
    table = RawTable(path=path, kind=kind, format=fmt, frame=frame, sha256=digest, encoding=encoding,
                     profile=chooser.profile.name if chooser.profile else None, profile_how=chooser.how,
                     header_row=first_row - 1, sheet=sheet)
    preset = _profile_columns(chooser.profile, list(zip(cleaned, names))) if chooser.profile else {}
    table.header_map = map_headers(path, kind, list(zip(cleaned, names)), preset, require=False)
    check_role(path, kind, cleaned, table.header_map, sheet if several else None)
    if chooser.profile is not None:
        apply_profile(table, chooser.profile)
    else:
        table.frame = table.frame.with_columns(_blank_rows(table.original_columns).alias(SKIP_COLUMN))
    if fmt == "camt":
        from reconcile.readers import camt

        table.frame = camt.set_aside_credits(table.frame)
        table.consumed.add("direction")
    check_required(path, kind, table.header_map)
    if not scanned and fmt != "camt":
        _take_totals_row(table, _tail_rows(table.frame, table))
    return table


def _stage(table: RawTable, staging: Path | None, first_row: int) -> None:
    """Write a scanned CSV file's rows to a Parquet file, a piece at a time, and read its data rows
    (from `first_row` on; the header row is written too) from there."""
    import tempfile
    import weakref

    import pyarrow.parquet as pq

    from reconcile.warehouse import quote_ident, quote_literal

    fd, name = tempfile.mkstemp(prefix="reconcile-", suffix=".parquet", dir=staging)
    os.close(fd)
    remove = weakref.finalize(table, _remove, name)
    try:
        table.frame.sink_parquet(name, compression="lz4")
        staged = pq.ParquetFile(name)
        rows = staged.metadata.num_rows - 1
        schema = table.frame.collect_schema()
        table.frame = pl.DataFrame(schema=schema)
        totals = _take_totals_row(table, _parquet_tail(staged, first_row, table)) if rows else None
        rows -= totals is not None
        if rows == 0:
            raise _no_data_rows(table.path)
    except BaseException as exc:
        remove()  # now, not when the table goes: the error's traceback holds on to the table
        if isinstance(exc, (pl.exceptions.PolarsError, OSError)):
            raise _staging_error(table.path, Path(name).parent, exc) from None
        raise
    row = quote_ident(ROW_COLUMN)
    table.source = (f"SELECT * FROM read_parquet({quote_literal(name)}) WHERE {row} >= {first_row}"
                    + (f" AND {row} <> {totals}" if totals is not None else ""))
    table.row_count = rows


def _parquet_tail(staged, first_row: int, table: RawTable) -> pl.DataFrame:
    """The last non-blank data rows of a staged CSV file, read from its last row groups only."""
    from reconcile.readers.totals import TAIL

    parts: list[pl.DataFrame] = []
    found = 0
    for group in range(staged.num_row_groups - 1, -1, -1):
        part = pl.from_arrow(staged.read_row_group(group))
        part = part.filter((pl.col(ROW_COLUMN) >= first_row) & ~_blank_row(table.original_columns))
        parts.insert(0, part)
        found += part.height
        if found >= TAIL:
            break
    return pl.concat(parts).tail(TAIL) if parts else pl.DataFrame()


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
    return ReconcileError(f"{path}: cannot be staged in {folder} ({os.strerror(errno)}); check that the disk "
                          "there has room, or give --db a folder on another disk")


def _no_data_rows(path: Path, sheet: str | None = None) -> NotThisRole:
    return NotThisRole(str(path), "has a header row but no data rows" if sheet is None else
                       f"the sheet '{sheet}' has a header row but no data rows",
                       "check that the export finished and send the complete file")


def _tail_rows(frame: pl.DataFrame, table: RawTable) -> pl.DataFrame:
    """The last non-blank rows of an eager frame, where a totals row would be."""
    from reconcile.readers.totals import TAIL

    return frame.filter(~_blank_row(table.original_columns)).tail(TAIL)


def _take_totals_row(table: RawTable, tail: pl.DataFrame) -> int | None:
    """Find the table's totals row among its last rows (readers/totals.py); when there is one, keep
    what it says as the table's control and take it out of the rows. Returns its row number."""
    from reconcile.readers.totals import find_totals_row

    if tail.height == 0:
        return None
    by_canon = {canonical: name for name, canonical in table.header_map.items()}
    key = by_canon.get("payment_ref" if table.kind == "payments" else "vneid")
    amount = by_canon.get("amount" if table.kind == "payments" else "entitled_amount")
    original = table.original_columns
    found = find_totals_row([list(r) for r in tail.select(original).iter_rows()],
                            [original.index(key)] if key in original else [])
    if found is None:
        return None
    row = int(tail[ROW_COLUMN][found.index])
    text = tail[amount][found.index] if amount in tail.columns else None
    table.control = Control(found.count, text, f"totals row {row}", row=row)
    if isinstance(table.frame, pl.DataFrame) and table.frame.height:
        table.frame = table.frame.filter(pl.col(ROW_COLUMN) != row)
        if table.frame.height == 0:
            raise _no_data_rows(table.path, table.sheet)
    return row


def _streamed(path: Path, kind: RecordKind, chooser: _HeaderChooser, columns: list[tuple[str, str, bool]],
              rows: int, digest: str) -> RawTable:
    """A plain Parquet file the run reads straight into DuckDB (readers/parquet.py)."""
    from reconcile.readers import parquet

    if rows == 0:
        raise _no_data_rows(path)
    names = [name for name, _, _ in columns]
    frame = pl.DataFrame(schema={**{n: pl.String for n in names}, ROW_COLUMN: pl.Int64, SKIP_COLUMN: pl.String})
    table = RawTable(path=path, kind=kind, format="parquet", frame=frame, sha256=digest,
                     profile_how=chooser.how, source=parquet.stream_query(path, columns, ROW_COLUMN, SKIP_COLUMN),
                     row_count=rows)
    table.header_map = map_headers(path, kind, [(n, n) for n in names], require=False)
    check_role(path, kind, names, table.header_map)
    check_required(path, kind, table.header_map)
    return table


def _profile_columns(profile: Profile, headers: list[tuple[str, str]]) -> dict[str, str]:
    """Unique column name -> canonical, for the headers the profile names (first alternative present)."""
    by_fold: dict[str, str] = {}
    for header, name in headers:
        by_fold.setdefault(fold(header), name)
    preset: dict[str, str] = {}
    for canonical in profile.columns:
        for header in profile.headers_for(canonical):
            name = by_fold.get(fold(header))
            if name is not None and name not in preset:
                preset[name] = canonical
                break
    return preset


def _column_of(table: RawTable, header: str) -> str | None:
    """The frame column holding `header` (as written) or the canonical column `header`."""
    for name in table.original_columns:
        if fold(name) == fold(header):
            return name
    for name, canonical in table.header_map.items():
        if canonical == header:
            return name
    return None


def _blank(name: str) -> pl.Expr:
    """A cell with no value: null, or only spaces."""
    return pl.col(name).is_null() | (pl.col(name).str.strip_chars() == "")


def _blank_row(names: list[str]) -> pl.Expr:
    return pl.all_horizontal(_blank(n) for n in names) if names else pl.lit(False)


def _blank_rows(names: list[str]) -> pl.Expr:
    return pl.when(_blank_row(names)).then(pl.lit("blank row")).otherwise(pl.lit(None, dtype=pl.String))


def apply_profile(table: RawTable, profile: Profile) -> None:
    """Derived columns (amount from debit/credit, fixed values, amount and date conventions) and the
    reason each set-aside row is set aside. Derived columns are named `__reconcile_...` and are not
    part of the row's values as read."""
    frame, path = table.frame, table.path
    derived: list[pl.Expr] = []
    reasons: list[tuple[pl.Expr, str]] = []
    if profile.skip_blank:
        reasons.append((_blank_row(table.original_columns), "blank row"))
    for rule in profile.skip:
        column = _column_of(table, rule.column)
        if column is not None:
            reasons.append((pl.col(column).str.contains("(?i)" + rule.matches).fill_null(False),
                            f"{rule.reason} (profile {profile.name})"))
            table.consumed.add(column)
    if profile.debit or profile.credit:
        debit = _column_of(table, profile.debit) if profile.debit else None
        credit = _column_of(table, profile.credit) if profile.credit else None
        if debit is None:
            raise InputFileError(str(path), f"has no debit column '{profile.debit}' (profile {profile.name})",
                                 "check the profile's debit header against the file")

        table.consumed |= {debit, credit} - {None}
        if credit is not None:
            reasons.append((_blank(debit) & ~_blank(credit), f"money in (a credit), not a payment (profile {profile.name})"))
        reasons.append((_blank(debit), f"no debit amount (profile {profile.name})"))
        derived.append(pl.col(debit).alias(DERIVED + "amount"))
        table.header_map[DERIVED + "amount"] = "amount"
        table.notes.append(f"amount from '{debit}' (debits); rows without a debit are set aside")
    for canonical, value in profile.values.items():
        if canonical not in table.header_map.values():
            derived.append(pl.lit(value).alias(DERIVED + canonical))
            table.header_map[DERIVED + canonical] = canonical
            table.notes.append(f"{canonical} = '{value}' for every row (the file has no such column)")
    if derived:
        frame = frame.with_columns(derived)
    by_canon = {c: n for n, c in table.header_map.items()}
    conventions = []

    def convert(canonical: str, expr: pl.Expr, note: str) -> None:
        """Read `canonical` from a converted copy of its column."""
        source = by_canon[canonical]
        conventions.append(expr.alias(DERIVED + canonical + "_n"))
        table.header_map[DERIVED + canonical + "_n"] = table.header_map.pop(source)
        table.consumed.add(source)
        table.converted[source] = canonical
        table.notes.append(f"{canonical}: {note}")

    if profile.thousands != "auto":
        for canonical in ("amount", "entitled_amount"):
            if canonical in by_canon:
                convert(canonical, _ungroup(pl.col(by_canon[canonical]), profile.thousands),
                        f"'{profile.thousands}' read as the thousands separator")
    if profile.date_order != "dmy":
        pattern = (r"^\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})" if profile.date_order == "ymd"
                   else r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
        order = "${1}-${2}-${3}" if profile.date_order == "ymd" else "${3}-${1}-${2}"
        for canonical in profile.date_columns():
            if canonical in by_canon:
                convert(canonical, pl.col(by_canon[canonical]).str.replace(pattern, order),
                        f"read as {DATE_ORDERS[profile.date_order]}")
    if conventions:
        frame = frame.with_columns(conventions)
    skip = pl.lit(None, dtype=pl.String)
    for condition, reason in reversed(reasons):
        skip = pl.when(condition).then(pl.lit(reason)).otherwise(skip)
    table.frame = frame.with_columns(skip.alias(SKIP_COLUMN))


def _ungroup(column: pl.Expr, separator: str) -> pl.Expr:
    """An amount with the profile's thousands separator taken out, only where it groups the digits in
    threes ('1.500.000', '₫ 1.500.000,00'); any other use of it ('1000000.5', '1.5000') is left as
    written, for the amount normaliser to refuse as a fraction or bad grouping."""
    sep = re.escape(separator)
    grouped = rf"^[^0-9{sep}]*[0-9]{{1,3}}({sep}[0-9]{{3}})+([^0-9{sep}][^{sep}]*)?$"
    return pl.when(column.str.contains(grouped)).then(column.str.replace_all(separator, "", literal=True)) \
        .otherwise(column)


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


def map_headers(path: Path, kind: RecordKind, headers: list[tuple[str, str]],
                preset: dict[str, str] | None = None, require: bool = True) -> dict[str, str]:
    """Map headers onto canonical columns; refuse a file that has one twice (or lacks a required one).

    headers: (header as written, unique column name in the frame). `preset` holds the columns a
    profile named (unique name -> canonical); the rest are recognised by their folded header.
    Returns unique name -> canonical.
    """
    lookup = header_lookup(kind)
    mapped: dict[str, str] = dict(preset or {})
    claimed: dict[str, str] = {}
    names = dict((name, header) for header, name in headers)
    first_of: dict[str, str] = {}  # a header text that appears twice is ambiguous, profile or not
    for header, name in headers:
        key = fold(header)
        if key in first_of and (key in lookup or name in mapped or first_of[key] in mapped):
            raise InputFileError(str(path), f"the column '{header}' appears twice", "remove or rename one of them")
        first_of.setdefault(key, name)
    for name, canonical in mapped.items():
        claimed[canonical] = names.get(name, name)
    for header, name in headers:
        if name in mapped:
            continue
        canonical = lookup.get(fold(header))
        if canonical is None:
            continue
        if canonical in claimed:
            if preset and canonical in preset.values():
                continue  # the profile chose another column for it
            first = claimed[canonical]
            problem = (f"the column '{header}' appears twice" if first == header
                       else f"columns '{first}' and '{header}' both read as '{canonical}'")
            raise InputFileError(str(path), problem, "remove or rename one of them")
        claimed[canonical] = header
        mapped[name] = canonical
    if require:
        check_required(path, kind, mapped)
    return mapped


def check_required(path: Path, kind: RecordKind, mapped: dict[str, str]) -> None:
    """Refuse a file that lacks a required canonical column (after a profile added its own)."""
    present = set(mapped.values())
    missing = [c.name for c in columns(kind) if c.required and c.name not in present]
    if missing:
        raise NotThisRole(
            str(path),
            f"required column '{missing[0]}' is missing from the {kind} file"
            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""),
            f"add it or rename the column that holds it to '{missing[0]}', or pass a --profile that maps it",
        )


# Columns only a payments file has: a registry lists who is entitled, never a transfer's reference
# and date
PAYMENT_ONLY = ("payment_ref", "value_date")
# Columns only a registry has: what is due, who the beneficiary is and where they live
REGISTRY_ONLY = ("entitled_amount", "category", "gender", "province_code", "district_code", "commune_code",
                 "date_of_death")


def check_role(path: Path, kind: RecordKind, headers: list[str], mapped: dict[str, str],
               sheet: str | None = None) -> None:
    """Refuse a file (or sheet) given in the wrong role: a payments list given as --registry (it has a
    payment reference and a value date, which no registry has), or a registry given as --payments
    (it lacks a payments file's own columns and has every column a registry needs)."""
    other: RecordKind = "payments" if kind == "registry" else "registry"
    lookup = header_lookup(other)
    as_other: dict[str, str] = {}
    for header in headers:
        canonical = lookup.get(fold(header))
        if canonical is not None:
            as_other.setdefault(canonical, header)
    where = "" if sheet is None else f"the sheet '{sheet}' "
    if kind == "registry":
        if all(c in as_other for c in PAYMENT_ONLY):
            found = ", ".join(f"'{as_other[c]}'" for c in PAYMENT_ONLY)
            raise NotThisRole(str(path), f"{where}looks like a payments file, not a beneficiary registry (it has a "
                              f"payment reference and a value date: {found})", "give it as --payments")
        return
    mine = set(mapped.values())
    own = header_lookup(kind)
    registry_only = sorted((h for h in headers if lookup.get(fold(h)) in REGISTRY_ONLY and own.get(fold(h)) is None),
                           key=lambda h: REGISTRY_ONLY.index(lookup[fold(h)]))
    if (registry_only and any(c not in mine for c in PAYMENT_ONLY)
            and all(c.name in as_other for c in columns("registry") if c.required)):
        found = ", ".join(f"'{h}'" for h in registry_only[:3])
        raise NotThisRole(str(path), f"{where}looks like a beneficiary registry, not a payments file (it has {found} "
                          "and no payment reference or value date)", "give it as --registry")
