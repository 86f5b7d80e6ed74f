"""A workbook reconcile wrote, read back for `review import`: each findings row's finding, case,
evidence and decision columns by name, whatever the book's language; the rows of the Open cases sheet
in which something was typed (decisions are not read from it: it is protected, and an import that
finds one typed there is refused); and the run and period its Parameters sheet names. Headers, invisible
characters and formulas with no value stored are read as review_cells.py says."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from reconcile.cases.review_cells import CLEANED, column_words, header_names, unstored_formulas, visible
from reconcile.errors import ReconcileError
from reconcile.report.labels import LANGS, label

DECISION = ("status", "assignee", "decision", "case_amount", "comment", "decision_check")
# every column the run wrote that the auditor does not type in (report/tables.py FINDINGS), but the finding
# and its case (flag_id, case_id): compared with the database's (evidence.py)
EVIDENCE = (
    "code", "severity", "description", "vneid", "full_name", "program", "province_code", "commune_code",
    "expected_amount", "paid_amount", "difference", "payment_ref", "payee_name", "account_number", "value_date",
    "match_method", "detail", "source_file", "source_sheet", "source_row", "periods_flagged",
)  # fmt: skip
NEEDED = ("flag_id", "case_id", *DECISION, *EVIDENCE)
# the Open cases sheet's columns that a decision would be typed into, and its check of them as written
CASE_DECISION = ("status", "assignee", "decision", "amount_recovered", "amount_written_off")
CASE_COLUMNS = ("case_id", "last_period", *CASE_DECISION, "case_check")
# its other columns, compared with the database's case (evidence.py)
CASE_EVIDENCE = (
    "code", "severity", "program", "vneid", "account_number", "payment_ref", "province_code", "commune_code",
    "first_period", "last_period", "periods_flagged", "periods_open", "amount_at_stake",
)  # fmt: skip


@dataclass
class Typed:
    """A row of the Open cases sheet with something typed into it: its case and latest period as written."""

    sheet: str
    row: int
    case_id: str | None
    last_period: str | None


@dataclass
class ReadBook:
    rows: list[tuple[str, int, dict]]  # (sheet, row, values by column name) of the findings sheets
    typed: list[Typed] = field(default_factory=list)  # Open cases rows something was typed into
    case_rows: list[tuple[str, int, dict]] = field(default_factory=list)  # the Open cases rows, by column name
    run_id: str | None = None  # the run and period the Parameters sheet names (None without it)
    period: str | None = None
    # (sheet, row) -> the columns of a findings row holding a formula with no value stored (review_cells)
    formulas: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    # (sheet, row) -> a findings row as typed, where invisible characters were removed from its decision
    raw: dict[tuple[str, int], dict] = field(default_factory=dict)


def _sheet_of(key: str, title: str) -> bool:
    names = {label(key, lang) for lang in LANGS}
    base = re.sub(r" \(\d+\)$", "", title)
    return base in names


def _findings_sheet(title: str) -> bool:
    return _sheet_of("sheet.findings", title)


def _header_names(needed: tuple[str, ...] = NEEDED) -> dict[str, str]:
    return {label("col." + name, lang): name for name in needed for lang in LANGS}


EXCEL_MAX_ROWS = 1_048_576  # rows of a sheet, its header included


def read_book(book: Path, masked: bool = False) -> ReadBook:
    """The findings rows (every non-empty row of the findings sheets), the Open cases rows typed
    into and the Parameters' run of a workbook. A book written with --mask-ids is refused at its
    first findings row, unless `masked` (the rows of any book)."""
    from xml.etree.ElementTree import ParseError

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from reconcile.readers import limits

    if Path(book).is_file():
        limits.check_zip(Path(book))  # a workbook that would expand beyond any real one (a zip bomb)
    try:
        wb = openpyxl.load_workbook(book, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ReconcileError(f"{book}: no such file; give the workbook that 'reconcile run --report' wrote") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:  # not a workbook
        raise ReconcileError(
            f"{book}: cannot be read as an Excel workbook ({type(exc).__name__}); give the .xlsx that "
            "'reconcile run --report' wrote, saved by Excel or LibreOffice as .xlsx"
        ) from None
    out: list[tuple[str, int, dict]] = []
    formulas: dict[tuple[str, int], list[str]] = {}
    raw: dict[tuple[str, int], dict] = {}
    try:
        sheets = [ws for ws in wb.worksheets if _findings_sheet(ws.title)]
        if not sheets:
            raise ReconcileError(
                f"{book}: has no findings sheet; give the workbook that 'reconcile run --report' wrote"
            )
        for ws in sheets:
            if (ws.max_row or 0) > EXCEL_MAX_ROWS:  # as the sheet states its size, before reading a row of it
                _too_long(book, ws.title)
            rows = ws.iter_rows(values_only=True)
            header = _findings_header(book, ws.title, next(rows, ()))
            unstored = unstored_formulas(Path(book), ws.title)
            for n, values in enumerate(rows, start=2):
                if n > EXCEL_MAX_ROWS:  # no workbook reconcile wrote, nor one Excel saved, has more
                    _too_long(book, ws.title)
                # the columns reconcile wrote of this row that hold a formula with no value stored
                at = sorted(
                    {h for c in unstored.get(n, ()) if c <= len(header) and (h := header[c - 1])}, key=NEEDED.index
                )
                if not at and (values is None or all(v is None or str(v).strip() == "" for v in values)):
                    continue
                row = {h: v for h, v in zip(header, values or ()) if h}
                row.update((h, None) for h in header if h and h not in row)  # a row shorter than the header
                typed = {h: visible(row[h]) for h in CLEANED}
                if any(typed[h] != row[h] for h in CLEANED):
                    raw[(ws.title, n)] = dict(row)
                    row.update(typed)
                if at:
                    formulas[(ws.title, n)] = at
                out.append((ws.title, n, row))
                if len(out) == 1 and not masked:
                    refuse_masked(book, out)  # known from its first row: no need to read the rest
        read = ReadBook(out, formulas=formulas, raw=raw)
        masked_book = any(cell_text(row["flag_id"]) and not cell_text(row["decision_check"]) for _, _, row in out)
        for ws in wb.worksheets:
            if _sheet_of("sheet.cases", ws.title):
                _typed(book, ws, read, masked_book)
            elif _sheet_of("sheet.parameters", ws.title):
                read.run_id, read.period = _run(ws)
    except (ParseError, zipfile.BadZipFile, EOFError, KeyError) as exc:  # a sheet's XML damaged
        raise ReconcileError(
            f"{book}: a sheet of it is damaged ({type(exc).__name__}); open it in Excel or LibreOffice, save it "
            "again as .xlsx, and import that"
        ) from None
    finally:
        wb.close()
    return read


def _findings_header(book: Path, sheet: str, cells) -> list[str | None]:
    """A findings sheet's columns by name (review_cells.header_names), or its refusal naming the
    columns no header names, or that two do, as the officer sees them."""
    names, twice = header_names([None if h is None else str(h) for h in cells], NEEDED)
    if twice:
        raise ReconcileError(
            f"{book}: sheet '{sheet}' has the column {column_words(twice, sheet)} twice; delete the one that "
            "was added (its decisions are not read), and import again"
        )
    missing = [n for n in NEEDED if n not in names]
    if missing:
        raise ReconcileError(
            f"{book}: sheet '{sheet}' has no column {column_words(missing, sheet)}: it was deleted or its header "
            "changed; put it back as the workbook was written (undo the change, or copy the column from the "
            "workbook as reconcile wrote it), and import again"
        )
    return names


def _typed(book: Path, ws, read: ReadBook, masked_book: bool) -> None:
    """The rows of an Open cases sheet whose decision columns are not as written (their hidden
    check), a row added (no check, in a book not masked), or with a value in a column reconcile wrote
    none in, added to `read.typed`; and every row, by column name, to `read.case_rows` (its other
    columns are compared with the database: evidence.py). None of a sheet without the check (a book
    of an earlier version: what was typed cannot be told)."""
    if (ws.max_row or 0) > EXCEL_MAX_ROWS:
        _too_long(book, ws.title)
    names = _header_names((*CASE_COLUMNS, *CASE_EVIDENCE, "updated_at"))
    rows = ws.iter_rows(values_only=True)
    raw = [cell_text(h) for h in next(rows, ())]
    header = [names.get(h) if h else None for h in raw]
    if any(n not in header for n in CASE_COLUMNS):
        return
    whole = all(n in header for n in (*CASE_EVIDENCE, "updated_at"))
    typed = read.typed
    for n, values in enumerate(rows, start=2):
        if n > EXCEL_MAX_ROWS:
            _too_long(book, ws.title)
        if values is None or all(cell_text(v) is None for v in values):
            continue
        row = {h: v for h, v in zip(header, values) if h}
        case_id, check = cell_text(row["case_id"]), cell_text(row["case_check"])
        beside = any(cell_text(v) is not None for h, v in zip(raw + [None] * len(values), values) if h is None)
        if masked_book and check is None and not beside:
            continue  # a masked book: no check written (and its decisions are never read)
        if beside or check != case_check(row):
            typed.append(Typed(ws.title, n, case_id, cell_text(row["last_period"])))
        elif whole:
            read.case_rows.append((ws.title, n, row))


def case_check(row: dict) -> str:
    """rc_case_check (sql/report_macros.sql) of an Open cases row's decision columns, an amount left
    empty as 0."""

    def amount(v) -> str:
        if v is None or (isinstance(v, str) and not v.strip()):
            return "0"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    status, assignee, decision, recovered, written_off = (row[name] for name in CASE_DECISION)
    text = "|".join(
        ("case", str(status or ""), str(assignee or ""), str(decision or ""), amount(recovered), amount(written_off))
    )
    return hashlib.md5(text.encode("utf-8")).hexdigest()[:16]


def _run(ws) -> tuple[str | None, str | None]:
    """The run id and period of a Parameters sheet, by their labels in either language."""
    wanted = {label(key, lang): key for key in ("param.run_id", "param.period") for lang in LANGS}
    found: dict[str, str | None] = {}
    for values in ws.iter_rows(max_row=40, max_col=2, values_only=True):
        key = wanted.get(str(values[0]).strip()) if values and values[0] is not None else None
        if key:
            found[key] = cell_text(values[1]) if len(values) > 1 else None
    return found.get("param.run_id"), found.get("param.period")


def _too_long(book: Path, sheet: str) -> None:
    raise ReconcileError(
        f"{book}: sheet '{sheet}' has more than {EXCEL_MAX_ROWS:,} rows, more than Excel allows; "
        "give the workbook that 'reconcile run --report' wrote"
    )


def refuse_masked(book: Path, rows: list[tuple[str, int, dict]]) -> None:
    """A book written with --mask-ids has no check of its decisions: refused, whatever its rows say."""
    if any(cell_text(row["flag_id"]) and not cell_text(row["decision_check"]) for _, _, row in rows):
        raise ReconcileError(
            f"{book}: was written with --mask-ids, for outside the office: its decisions (masked too) are not read "
            "back; enter them in a workbook written without --mask-ids"
        )


def cell_text(value) -> str | None:
    """A cell as text, stripped; None when empty. A date Excel made of what was typed into a General
    cell (a decision or comment of `15/10/2024`) is the date as typed, day first, with the time only
    when one was typed: never '2024-10-15 00:00:00'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M" if value.time() != time() else "%d/%m/%Y")
    text = str(value).strip()
    return text or None
