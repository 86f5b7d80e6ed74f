"""What `review import` (review.py) says of a row of a review book it cannot record, beyond the
decision itself: a row with no finding id, or one that is none of the database's (a total or a note
added below the findings, a finding id cleared or typed over); a cell whose formula's value the file
does not hold; a decision typed into the Open cases sheet; a Status cell emptied. And whether a row's
decision is as the book was written (`as_written`), read with or without the invisible characters
pasted into it (review_cells.visible)."""

from __future__ import annotations

from pathlib import Path

from reconcile.cases.book import ReadBook
from reconcile.cases.book import cell_text as _text
from reconcile.cases.decision import as_typed, decision_check
from reconcile.cases.review_cells import sheet_lang
from reconcile.report.labels import label
from reconcile.warehouse.case_tables import STATUSES


def as_headed(name: str, sheet: str) -> str:
    """A column as the officer sees it, its header in the book's language (that of the sheet's name),
    and its name in the database: 'Số tiền đã chi (đồng)' (paid_amount)."""
    return f"'{label('col.' + name, sheet_lang(sheet))}' ({name})"


def as_written(row: dict, raw: dict | None) -> bool:
    """Whether a findings row's decision is as the book was written (its hidden check): the auditor did
    not touch it. Read without invisible characters, or as typed (`raw`), for a decision recorded with
    one before they were removed."""
    written = _text(row.get("decision_check"))
    for cells in (row, raw) if raw is not None else (row,):
        typed, why = as_typed(cells)
        if not why and decision_check(typed) == written:
            return True
    return False


DECISION_CELLS = {"status", "assignee", "decision", "case_amount", "comment"}


def typed_into(read: ReadBook, sheet: str, n: int, row: dict) -> bool:
    """Whether the auditor typed a decision into a findings row since the book was written: a decision cell
    holding a formula whose value the file does not hold (read as empty, yet typed), or a decision that is
    not as written (`as_written`). A masked book's rows are never (what is typed into it is not read back)."""
    if _text(row.get("decision_check")) is None:
        return False
    if set(read.formulas.get((sheet, n), ())) & DECISION_CELLS:
        return True
    return not as_written(row, read.raw.get((sheet, n)))


def no_finding(row: dict, sheet: str) -> str:
    """Why a findings row whose finding id is empty, or is none of the database's, is refused, and what
    to do: the row was added (a total, a note), or its finding id cleared or typed over."""
    column = as_headed("flag_id", sheet)
    if not _text(row.get("flag_id")):
        return (
            f"has no finding id (column {column}), so no decision can be read from it; delete the row if it was "
            "added (a total, a note), or put back its finding id as the workbook was written, and import again"
        )
    return (
        f"its finding id (column {column}) is none of the database's findings; delete the row if it was added, "
        "or put back its finding id as the workbook was written, and import again"
    )


def not_this_database(book: Path, db: Path) -> str:
    """A book none of whose findings the database holds: another database's (a wrong --db)."""
    return (
        f"{book}: none of its findings is in the database {db}; give the database the workbook was written from (--db)"
    )


def unstored(names: list[str], sheet: str) -> str:
    """Why a row with a formula whose value the file does not hold is refused (review_cells)."""
    return (
        f"column {', '.join(as_headed(name, sheet) for name in names)} holds a formula whose value is not stored "
        "in the file (it was saved by a program that does not calculate); open the workbook in Excel or "
        "LibreOffice, save it, and import again"
    )


def empty_status(held: str) -> str:
    """Why a row whose Status cell was emptied is refused: an empty status is no decision."""
    return (
        f"its status cell is empty (the case is {held} in the database); choose a status from the cell's list "
        f"({', '.join(STATUSES)}), or put back the value as written"
    )


def typed_in_cases(book: Path, read: ReadBook) -> list[str]:
    """Each row of the Open cases sheet something was typed into: decisions are entered on the findings
    sheets only, and the import says where this one goes (its case's findings row, or the workbook of
    the case's latest period when this book has none)."""
    rows: dict[str | None, tuple[str, int]] = {}
    for sheet, n, row in read.rows:
        rows.setdefault(_text(row["case_id"]), (sheet, n))
    problems = []
    for t in read.typed:
        where = f"{book.name}: sheet '{t.sheet}' row {t.row}"
        found = rows.get(t.case_id) if t.case_id else None
        if found:
            fix = f"enter the decision on sheet '{found[0]}' row {found[1]}, the case's findings row"
        elif t.case_id and t.last_period:
            fix = (
                "enter the decision in the workbook of the case's latest period "
                f"(reconcile report --period {t.last_period}), on the case's findings row"
            )
        else:
            fix = "enter decisions on the findings sheets"
        problems.append(
            f"{where}: decisions are not read from this sheet, which shows the cases as they stood when the "
            f"workbook was written; clear what was typed here and {fix}"
        )
    return problems
