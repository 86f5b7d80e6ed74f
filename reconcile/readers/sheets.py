"""A workbook's sheets: each that holds the file's role is one table; the others are skipped, with why.

A list longer than a sheet, or split by hand, goes on over a second sheet. Every sheet whose
header row holds the role's columns is read (each row keeps its sheet, `source_sheet`). A sheet
without a header row of its own and starting with a row that reads as data under the previous sheet's
header (a reference or an ID, and an amount) is that list going on: it is read under that header,
whatever its width (a column left empty at its right end, such as a signature column, is not part of
a sheet as Excel saves it; a note written beside the list, past the header's last column, is not
read, and the table's notes say so). Any other sheet (empty, notes, a summary, the other
role's columns) is skipped and returned with the reason, for `inputs.skipped` and the terminal. A
workbook none of whose sheets holds the role is refused with its first sheet's problem. `--sheet`
(or a profile's `sheet`) reads that one sheet alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from reconcile.contracts import RecordKind
from reconcile.errors import InputFileError, NotThisRole
from reconcile.normalise.text import fold
from reconcile.profiles import Profile
from reconcile.readers.assembly import build_table
from reconcile.readers.headers import HeaderChooser, clean_headers
from reconcile.readers.names import DERIVED, ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.tables import RawTable, SkippedSheet

# an amount as written in a cell: digits with grouping, a zero fraction, a currency sign
AMOUNT = re.compile(r"^\s*(₫|đ|vnđ|vnd)?\s*[0-9][0-9., ]*\s*(₫|đ|vnđ|vnd)?\s*$", re.IGNORECASE)


@dataclass
class _Read:
    """The last sheet read: how wide it was, its header and the chooser that found it."""

    width: int
    headers: list
    chooser: HeaderChooser


def read_workbook(
    path: Path,
    kind: RecordKind,
    fmt: str,
    profile: Profile | None,
    sheet: int | str | None,
    digest: str,
    on_sheets: Callable[[list[str]], None] | None = None,
):
    """(tables, skipped sheets) of one workbook; see the module's doc. `on_sheets` is told the names
    of its sheets before any problem naming one is raised (excel.load_sheets)."""
    from reconcile.readers import excel

    chosen = sheet if sheet is not None else (profile.sheet if profile else None)
    sheets, hidden = excel.load_sheets(path, chosen, on_sheets)
    if not sheets:
        raise InputFileError(str(path), "is a workbook without sheets", "open it in Excel and save it again as .xlsx")
    several = len(sheets) > 1
    tables: list[RawTable] = []
    skipped: list[SkippedSheet] = []
    first_problem: NotThisRole | None = None
    last: _Read | None = None
    for name, whole in sheets:
        chooser = HeaderChooser(path, kind, profile)
        try:
            headers, frame, first_row = excel.split(path, name, whole, chooser)
            tables.append(
                build_table(path, kind, fmt, chooser, headers, frame, first_row, digest, sheet=name, several=several)
            )
            _refuse_unpaid_without_status(tables[-1])
            _refuse_month_first_dates(tables[-1], several, chooser.profile)
            if name in hidden:
                tables[-1].hidden = True
                tables[-1].notes.append(f"sheet '{name}' is hidden in the workbook; read as the others are")
            last = _Read(whole.width, headers, chooser)
        except NotThisRole as exc:
            if not several:
                raise
            title = _title_rows(whole)  # `DANH SÁCH ... (tiếp theo)` over the list going on
            if last is not None and _goes_on(whole.slice(title), last, tables[-1]):
                beyond = max(0, whole.width - last.width)  # cells past the header's last column: no column's
                whole = (
                    whole.slice(title)
                    .select(whole.columns[: last.width])
                    .with_columns(
                        # the empty columns at its right end, as the header has them
                        pl.lit(None, dtype=pl.String).alias(f"__reconcile_empty_{i}")
                        for i in range(whole.width, last.width)
                    )
                )
                table = build_table(
                    path,
                    kind,
                    fmt,
                    _same_as(last.chooser, path, kind),
                    last.headers,
                    whole,
                    title + 1,
                    digest,
                    sheet=name,
                    several=several,
                )
                table.header_row = 0
                table.notes.append(
                    f"sheet '{name}' has no header row: read as the list of sheet '{tables[-1].sheet}' going on"
                    + (f"; its {beyond} column(s) past that header's last are not read" if beyond else "")
                )
                tables.append(table)
                _refuse_month_first_dates(table, several, last.chooser.profile)
                continue
            skipped.append(SkippedSheet(path, kind, name, exc.problem.removeprefix(f"the sheet '{name}' "), digest))
            first_problem = first_problem or exc
            last = None
    if not tables and first_problem is not None:
        raise NotThisRole(
            str(path),
            f"none of its {len(sheets)} sheets holds a {kind} file (sheet "
            f"'{skipped[0].sheet}': {first_problem.problem})",
            first_problem.fix,
        )
    return tables, skipped


# a sheet's name that says its rows were not paid (folded: no case, diacritics or punctuation), at its
# start: `Chưa chi`, `DS chưa nhận`, `Bị trả về`, `Failed`; not `Chi trả lại` (paid again) nor `Chi bù
# tháng chưa chi` (arrears paid now)
UNPAID = re.compile(
    r"^(danh sach |ds |cac khoan |khoan |list of )?"
    r"(chua (chi|nhan|linh|tra|thanh toan|thanh cong)|(khong|ko|k) (chi|nhan|linh|thanh cong)( duoc)?|"
    r"that bai|hoan tra|bi tra (lai|ve)|tra ve|bi tu choi|tu choi|cho chi|giu lai|(tk|tai khoan) bi khoa|"
    r"unpaid|not paid|failed|failures?|unsuccessful|returned|returns?|rejected|rejects?|bounced|pending|on hold)\b"
)


# ... unless it says they were paid since: `Chưa chi T8 - chi bù`, `Trả về T8 chi lại`, arrears paid now
PAID_SINCE = re.compile(
    r"\b(chi bu|chi lai|da chi|da tra|tra bu|truy linh|chi tiep|chi bo sung|nhan bo sung|bo sung|chuyen lai|"
    r"tra cung|tra lai sau|repaid|paid since|paid later)\b"
)


# a registry sheet's name that says its people were taken off the list (folded, at its start): `DS giảm
# T9`, `Giảm`, `Cắt giảm`, `Thôi hưởng`, `Đã chết`, `Chuyển đi`, `Removed`; not `DS tăng`, `Tăng giảm`,
# `Giám sát` nor a commune's name (`Cát Bà`)
REMOVED = re.compile(
    r"^(danh sach |ds |doi tuong |dt |list of )?"
    r"(giam(?! (sat|doc|dinh))|cat giam|cat huong|thoi huong|dung huong|dung chi tra|tam dung|tam ngung|"
    r"cham dut|het huong|chet|da chet|tu tran|qua doi|da mat|chuyen di|removed|removals?|terminated|stopped|"
    r"suspended|deceased)\b"
)


def _refuse_unpaid_without_status(table: RawTable) -> None:
    """A payments sheet named as payments not made (`Chưa chi`, `Chưa nhận`, `Thất bại`) whose rows
    give no status: a row without one reads as paid, and the people on it would count as paid. The
    same of a registry sheet named as beneficiaries taken off the list (`DS giảm`, `Thôi hưởng`,
    `Đã chết`): a row without a status reads as active, due its amount and, unpaid, a MISSING_PAYMENT."""
    name = fold(table.sheet or "")
    if table.sheet is None:
        return
    registry = table.kind == "registry"
    if not (
        (table.kind == "payments" and UNPAID.search(name) and not PAID_SINCE.search(name))
        or (registry and REMOVED.search(name))
    ):
        return
    frame = table.frame
    rows = frame.filter(pl.col(SKIP_COLUMN).is_null()) if SKIP_COLUMN in frame.columns else frame
    said = ("status", "date_of_death") if registry else ("status",)  # a date of death says deceased
    for column, canonical in table.header_map.items():
        if canonical in said and not column.startswith(DERIVED):
            rows = rows.filter(pl.col(column).cast(pl.String).str.strip_chars().fill_null("") == "")
    if not rows.height:
        return
    if registry:
        raise InputFileError(
            str(table.path),
            f"the sheet '{table.sheet}' is named as beneficiaries taken off the list, but {rows.height:,} of its rows "
            "give no status (nor a date of death), which reads as active (due its amount and, unpaid, a "
            "MISSING_PAYMENT)",
            "write each row's status (Đã chết, Thôi hưởng or Tạm dừng), or delete the sheet if its people are no "
            "beneficiaries of the month",
        )
    raise InputFileError(
        str(table.path),
        f"the sheet '{table.sheet}' is named as payments not made, but {rows.height:,} of its rows give no status, "
        "which reads as paid",
        "write each row's status (Thành công if it was paid since, Chưa nhận or Thất bại if not), or delete the "
        "sheet if its rows are no payments of the month",
    )


# a date cell as the reader gives it (2024-11-09 00:00:00), and a date typed as text (13/09/2024)
DATE_CELL = r"^\d{4}-\d{2}-\d{2}( 00:00:00)?$"
DATE_TEXT = r"^\s*(\d{1,2})[/.-]\d{1,2}[/.-]\d{4}\s*$"
MONTH_FIRST_AT_LEAST = 3  # date cells, and dates left as text: fewer is no pattern


def _refuse_month_first_dates(table: RawTable, several: bool, profile: Profile | None) -> None:
    """A date column opened in Excel set to US (month-first) dates: Excel read each dd/mm/yyyy whose
    day is up to 12 as mm/dd (05/09/2024 as 9 May) and made it a date cell, and kept the others, a
    month it cannot have, as text (13/09/2024). Saved so, the column holds date cells every one of
    whose days is up to 12 beside text dates every one of whose days is after the 12th: read as they
    are, the payments of the first days of the month fall in other months, each an OUT_OF_PERIOD and
    a MISSING_PAYMENT, and the month's shares move. Refuse the sheet (not one a profile reads month first)."""
    if profile is not None and profile.date_order != "dmy":
        return
    for column, canonical in table.header_map.items():
        dates = ("value_date", "date_of_birth", "date_of_death")
        if canonical not in dates or table.frame.schema.get(column) != pl.String:
            continue
        values = table.frame.select(ROW_COLUMN, column).filter(pl.col(column).is_not_null())
        cells = values.filter(pl.col(column).str.contains(DATE_CELL))
        texts = values.filter(pl.col(column).str.contains(DATE_TEXT))
        if (
            cells.height < MONTH_FIRST_AT_LEAST
            or texts.height < MONTH_FIRST_AT_LEAST
            or cells[column].str.slice(8, 2).cast(pl.Int32).max() > 12  # type: ignore[operator]
            or texts[column].str.extract(DATE_TEXT).cast(pl.Int32).min() <= 12  # type: ignore[operator]
        ):
            continue
        row, first = cells.row(0)
        year, month, day = first[:4], first[5:7], first[8:10]
        raise InputFileError(
            str(table.path),
            (f"the sheet '{table.sheet}': " if several else "") + f"its {canonical} column holds "
            f"{cells.height:,} dates Excel read month first (row {row}: {month}/{day}/{year} read as {day}/{month}/{year}) "
            f"beside {texts.height:,} it kept as text, every one after the 12th of its month: the file was opened in "
            "Excel with US date settings before it was saved",
            "open the original file in Excel with Vietnamese (day-first) date settings, or export it again from its "
            "system, and run again",
        )


def _same_as(chooser: HeaderChooser, path: Path, kind: RecordKind) -> HeaderChooser:
    same = HeaderChooser(path, kind, chooser.profile)
    same.how = chooser.how
    return same


def _title_rows(whole: pl.DataFrame, most: int = 5) -> int:
    """How many rows at the top of a sheet are blank or a title alone (one cell written, not a number:
    `DANH SÁCH CHI TRẢ THÁNG 9/2024 (tiếp theo)`), at most `most`: what a list going on from the sheet
    before may be written under."""
    for n, row in enumerate(whole.head(most).iter_rows()):
        cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
        if len(cells) > 1 or (cells and AMOUNT.match(cells[0])):
            return n
    return 0


def _goes_on(whole: pl.DataFrame, last: _Read, previous) -> bool:
    """Whether a sheet without a header of its own goes on with the previous sheet's list: its first
    non-empty row reads as data under that header (a reference or an ID where the previous sheet has
    it, an amount where it has the amount). Its width does not decide: narrower when its last columns
    are empty, wider when a note was written beside the list."""
    if whole.height == 0:
        return False
    names = clean_headers(last.headers)
    key = "payment_ref" if previous.kind == "payments" else "vneid"
    amount = "amount" if previous.kind == "payments" else "entitled_amount"
    by_canon = {canonical: column for column, canonical in previous.columns_read.items()}
    if key not in by_canon or amount not in by_canon:
        return False
    for row in whole.iter_rows():
        if any(v is not None and str(v).strip() for v in row):
            cells = dict(zip(names, row))
            key_value, amount_value = cells.get(by_canon[key]), cells.get(by_canon[amount])
            return (
                key_value is not None
                and str(key_value).strip() != ""
                and amount_value is not None
                and bool(AMOUNT.match(str(amount_value)))
            )
    return False
