"""The findings sheets of a workbook reconcile wrote, read back for `review import`: each row's
finding, case, evidence and decision columns by name, whatever the book's language."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from reconcile.errors import ReconcileError
from reconcile.report.labels import LANGS, label

DECISION = ("status", "assignee", "decision", "case_amount", "comment", "decision_check")
EVIDENCE = ("code", "vneid", "payment_ref", "expected_amount", "paid_amount", "source_file", "source_row")
NEEDED = ("flag_id", "case_id", *DECISION, *EVIDENCE)


def _findings_sheet(title: str) -> bool:
    names = {label("sheet.findings", lang) for lang in LANGS}
    base = re.sub(r" \(\d+\)$", "", title)
    return base in names


def _header_names() -> dict[str, str]:
    return {label("col." + name, lang): name for name in NEEDED for lang in LANGS}


EXCEL_MAX_ROWS = 1_048_576  # rows of a sheet, its header included


def read_book(book: Path, masked: bool = False) -> list[tuple[str, int, dict]]:
    """(sheet, row, values by column name) of every non-empty row of the findings sheets. A book
    written with --mask-ids is refused at its first row, unless `masked` (the rows of any book)."""
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
    names = _header_names()
    out: list[tuple[str, int, dict]] = []
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
            header = [names.get(str(h).strip()) if h is not None else None for h in next(rows, ())]
            missing = [n for n in NEEDED if n not in header]
            if missing:
                raise ReconcileError(
                    f"{book}: sheet '{ws.title}' has no column {', '.join(missing)}; give a workbook written by "
                    "this version of reconcile (reconcile report --period P --report BOOK.xlsx)"
                )
            for n, values in enumerate(rows, start=2):
                if n > EXCEL_MAX_ROWS:  # no workbook reconcile wrote, nor one Excel saved, has more
                    _too_long(book, ws.title)
                if values is None or all(v is None or str(v).strip() == "" for v in values):
                    continue
                out.append((ws.title, n, {h: v for h, v in zip(header, values) if h}))
                if len(out) == 1 and not masked:
                    refuse_masked(book, out)  # known from its first row: no need to read the rest
    except (ParseError, zipfile.BadZipFile, EOFError, KeyError) as exc:  # a sheet's XML damaged
        raise ReconcileError(
            f"{book}: a sheet of it is damaged ({type(exc).__name__}); open it in Excel or LibreOffice, save it "
            "again as .xlsx, and import that"
        ) from None
    finally:
        wb.close()
    return out


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
    if value is None:
        return None
    text = str(value).strip()
    return text or None
