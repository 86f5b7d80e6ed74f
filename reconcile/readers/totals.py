"""A file's own totals: the counts and sums a file states about itself, to check what was read.

A bank statement in camt XML states how many entries it holds and their sum (`TxsSummry`); a CSV or
Excel list often ends with a totals row (`Tổng cộng`, `Cộng`, `Total`) under the amount column.
What a file states is its control: the run checks it against what it read and refuses the file on
a mismatch (rows cut off, a sheet left behind), and records it in `inputs` when it agrees.

A totals row is not data: it is taken out of the rows before they are counted, so it is never a
rejected row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from reconcile.normalise.text import fold
from reconcile.readers.layout import blank_row
from reconcile.readers.names import ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.roles import no_data_rows
from reconcile.readers.sections import TOTAL_ROW
from reconcile.readers.tables import Control, RawTable

# A totals label: the whole cell, folded (no case, diacritics or punctuation), possibly in both
# languages ("Tổng số/ Total"), optionally followed by a count with its unit ("Tổng cộng: 295 giao
# dịch", "Total (12 payments)"), its thousands separated ("Tổng cộng: 2.885 giao dịch": folded, 2 885)
LABELS = (
    "tong cong",
    "cong",
    "tong",
    "tong so",
    "total",
    "grand total",
    "totals",
    "cong tien",
    "tong tien",
    "tong so tien",
    "tong phat sinh",
    "cong phat sinh",
    "tong cong phat sinh",
    "cong so phat sinh",
    # Vietcombank's `Cộng doanh số/Total Volume` (the turnover: the debits and the credits), `Doanh số/ Turnover`
    "cong doanh so",
    "tong doanh so",
    "doanh so",
    "total volume",
    "turnover",
)
UNITS = (
    "giao dich",
    "mon",
    "khoan",
    "but toan",
    "dong",
    "ban ghi",
    "nguoi",
    "doi tuong",
    "ho",
    "transactions",
    "transaction",
    "payments",
    "payment",
    "rows",
    "row",
    "records",
    "record",
    "entries",
    "items",
)
_WORDS = "|".join(sorted(LABELS, key=len, reverse=True))
_LABEL = re.compile(
    r"^(?P<label>" + _WORDS + r")(?: (?:" + _WORDS + r"))?"
    r"(?: (?P<count>[0-9]+(?: [0-9]{3})*)(?: (?:" + "|".join(UNITS) + r"))?)?$"
)
# A grand total that names the area or unit it totals ("Tổng cộng huyện Bình Chánh", "Tổng cộng toàn
# xã", "Tổng số Bưu điện tỉnh Bình Dương: 295 người"): a `Tổng`/`Total` label, then a district's or a
# larger area's word (or a post office's), or `toàn`/`cả` and any place's word (as sections.py knows
# them, folded), and its name. Not `Tổng cộng xã An Bình` alone, nor a `Cộng xã ...`: a list of
# several communes without a grand total ends with its last commune's subtotal, which would be refused
# as a total that disagrees with the list
_PLACES = (
    "xa|phuong|thi tran|thi xa|thanh pho|tinh|huyen|quan|thon|ap|ban|buon|lang|xom|to dan pho|to|khu pho|khu|"
    "khom|diem chi tra|diem chi|dia ban|buu dien|buu cuc|don vi"
)
_AREAS = "thi xa|thanh pho|tinh|huyen|quan|buu dien"
_PLACED = re.compile(
    r"^(?:tong cong|tong so|tong|grand total|total) (?:(?:toan|ca) (?:" + _PLACES + r")|(?:cua )?(?:" + _AREAS + r"))"
    r"(?: [a-z0-9]+)*?(?: (?P<count>[0-9]+) (?:" + "|".join(UNITS) + r"))?$"
)
# the area a subtotal or total names (`Tổng cộng huyện An Phú`, `Cộng quận 3`), folded: its level
_NAMED = re.compile(r"^(?:tong cong|tong so|tong|cong|total) (?:cua )?(" + _PLACES + r")\b")
_LEVELS = {"huyen": "district", "quan": "district", "thi xa": "district"}  # a province's districts, one level
# a count's thousands separator, taken out before folding: the place's name may end in a number
# (`Quận 3: 295 người` counts 295, `Quận 3 (1.250 người)` 1,250)
_GROUPED = re.compile(r"(?<=[0-9])[., ](?=[0-9]{3}\b)")
TAIL = 10  # how many non-blank rows at the end of a file are searched for the totals row
# the reason a row under the file's totals row is set aside: no data (find_totals_row), counted by
# no total, as a blank row is not
UNDER_TOTALS = "under the totals row (signatures, amount in words)"
# the reason a totals row that states nothing (`Tổng cộng` alone) is set aside: no control to check
BARE_TOTAL = "a total row with no count and no amount in the amount column: nothing to check the file against"
# and a signed statement's with no count: its amount is what is left of the credits, no sum of the payments
NET_TOTAL = (
    "a total row with no count, its amount the debits and credits together: nothing to check the payments against"
)


@dataclass(frozen=True)
class TotalsRow:
    index: int  # position of the row among the rows given
    count: int | None
    label_column: int


def totals_label(value) -> tuple[bool, int | None]:
    """Whether a cell is a totals label, and the count it carries ('Tổng cộng (295)' -> 295)."""
    if value is None:
        return False, None
    match = _LABEL.match(fold(str(value))) or _PLACED.match(fold(_GROUPED.sub("", str(value))))
    if not match:
        return False, None
    return True, int(match.group("count").replace(" ", "")) if match.group("count") else None


def find_totals_row(rows: list[list], key_columns: list[int]) -> TotalsRow | None:
    """The totals row among the last rows of a file: the last row, among its last TAIL non-blank
    rows, with a cell that is a totals label and no value in the key columns (the payment reference
    or the ID: a data row has one, a totals row does not) other than the label itself, and no data
    row after it (a `Cộng` above more rows totals a section, not the file). A row after it whose
    key holds no digit is no data row: the signatures under a list (`Người lập biểu`, `Kế toán
    trưởng`), the amount in words (`Bằng chữ: Một tỷ...`), a place and date, written in the key
    column or anywhere else (a payment reference or an ID has digits).

    rows: the rows as lists of cell values (text or None), in file order."""
    seen = 0
    for index in range(len(rows) - 1, -1, -1):
        row = rows[index]
        if not any(v is not None and str(v).strip() for v in row):
            continue
        seen += 1
        if seen > TAIL:
            return None
        labels = [column for column, value in enumerate(row) if totals_label(value)[0]]
        if not labels and any(k < len(row) and _has_digit(row[k]) for k in key_columns):
            return None  # a data row after it: a section's subtotal, not the file's own totals
        for column, value in enumerate(row):
            is_label, count = totals_label(value)
            if not is_label:
                continue
            keys = [row[k] for k in key_columns if k < len(row) and k != column]
            if all(k is None or not str(k).strip() for k in keys):
                return TotalsRow(index, count, column)
    return None


def find_bare_sum(rows: list[list], amount_column: int | None) -> TotalsRow | None:
    """A last row that holds nothing but a number under the amount column (an Excel `=SUM` typed under
    the list, no label beside it), with nothing after it but rows without a digit (the signatures): the
    totals row. Read as a row, it was rejected (no reference, no payee, no date) and its sum counted
    among the amounts read, twice the file's; the rows cut off above it went unseen."""
    if amount_column is None:
        return None
    for index in range(len(rows) - 1, -1, -1):
        cells = [(c, v) for c, v in enumerate(rows[index]) if v is not None and str(v).strip()]
        if not cells or not any(_has_digit(v) for _, v in cells):
            continue  # blank, or signatures under the list
        if len(cells) == 1 and cells[0][0] == amount_column:
            return TotalsRow(index, None, amount_column)
        return None
    return None


def _has_digit(value) -> bool:
    return value is not None and any(c.isdigit() for c in str(value))


def parquet_tail(staged, first_row: int, table: RawTable) -> pl.DataFrame:
    """The last non-blank data rows of a staged CSV file, read from its last row groups only."""
    parts: list[pl.DataFrame] = []
    found = 0
    for group in range(staged.num_row_groups - 1, -1, -1):
        part = pl.DataFrame(staged.read_row_group(group))
        part = part.filter((pl.col(ROW_COLUMN) >= first_row) & ~blank_row(table.original_columns))
        parts.insert(0, part)
        found += part.height
        if found >= TAIL:
            break
    return pl.concat(parts).tail(TAIL) if parts else pl.DataFrame()


def tail_rows(frame: pl.DataFrame, table: RawTable) -> pl.DataFrame:
    """The last non-blank rows of an eager frame, where a totals row would be."""
    return frame.filter(~blank_row(table.original_columns)).tail(TAIL)


def area_level(value) -> str | None:
    """The level of the area a subtotal's or total's label names: `Tổng cộng huyện An Phú` and
    `Cộng quận 3` a district's, `Cộng xã An Bình` a commune's; None for any other label (`Tổng cộng`,
    `Tổng cộng toàn huyện`)."""
    found = _NAMED.match(fold(str(value))) if value is not None else None
    return _LEVELS.get(found.group(1), found.group(1)) if found else None


def _a_subtotal_again(table: RawTable, rows, row: int, label) -> bool:
    """Whether the totals row found (`row`, its label `label`) is the last of the subtotals of its
    level: a row above it, set aside as a total row, names another area of the same level (`Tổng cộng
    huyện An Phú` above `Tổng cộng huyện Châu Phú`; the same district's again is a page's, not
    another's). A province's list of districts with no grand total ends so; taken for the list's
    total, its sums disagreed with the whole list, which was refused."""
    level = area_level(label)
    if level is None or rows is None:
        return False
    original = table.original_columns
    above = rows.filter((pl.col(ROW_COLUMN) < row) & pl.col(SKIP_COLUMN).str.starts_with(TOTAL_ROW)).select(original)
    if isinstance(above, pl.LazyFrame):
        above = above.collect()
    named = _GROUPED.sub("", fold(str(label)))
    return any(
        area_level(v) == level and _GROUPED.sub("", fold(str(v))) != named  # another area's, not a page's again
        for r in above.iter_rows()
        for v in r
        if v is not None
    )


def take_totals_row(table: RawTable, tail: pl.DataFrame, rows=None) -> int | None:
    """Find the table's totals row among its last rows (readers/totals.py); when there is one, keep
    what it says as the table's control and take it out of the rows. Returns its row number. A last
    subtotal of a level whose subtotals are above it (`rows`: the table's rows, a frame or a scan) is
    no totals row: it stays set aside as a subtotal, None returned; the signatures under it are set
    aside as a totals row's are."""
    if tail.height == 0:
        return None
    by_canon = {canonical: name for name, canonical in table.header_map.items()}
    # a payment's reference, and its ID: a list whose references are its rows' numbers (a post office's)
    # has no column of them, and a totals row under its header, above every row, took them all for the
    # signatures under it
    keys = [by_canon.get(c) for c in (("payment_ref", "vneid") if table.kind == "payments" else ("vneid",))]
    amount = by_canon.get("amount" if table.kind == "payments" else "entitled_amount")
    original = table.original_columns
    cells = [list(r) for r in tail.select(original).iter_rows()]
    found = find_totals_row(cells, [original.index(k) for k in keys if k in original])
    if found is None and table.signed is None:  # a signed statement's last row may be a lone credit
        found = find_bare_sum(cells, original.index(amount) if amount in original else None)
    if found is None:
        return None
    row = int(tail[ROW_COLUMN][found.index])
    label = tail[original[found.label_column]][found.index]
    subtotal = _a_subtotal_again(table, table.frame if rows is None else rows, row, label)
    text = tail[amount][found.index] if amount in tail.columns else None
    net = table.signed is not None and table.signed[1]  # a signed statement's credits: its total is what is
    # left of them, no sum of its payments (signed.py); the count alone is checked
    # a totals row with no count, and no amount (`Tổng cộng` alone) or a net one: no control (it was said
    # to agree, having said nothing); the row is set aside as a totals row, counted among the rows read
    silent = None
    if not subtotal and found.count is None:
        silent = BARE_TOTAL if text is None or not str(text).strip() else NET_TOTAL if net else None
    bare = silent is not None
    if not subtotal and not bare:
        table.control = Control(found.count, None if net else text, f"totals row {row}", row=row)
    table.bare_total = (row, silent) if silent is not None else None
    table.under_totals = [int(r) for r in tail[ROW_COLUMN][found.index + 1 :]]
    table.under_from = row
    if isinstance(table.frame, pl.DataFrame) and table.frame.height:
        if bare and SKIP_COLUMN in table.frame.columns:
            table.frame = table.frame.with_columns(
                pl.when(pl.col(ROW_COLUMN) == row)
                .then(pl.lit(silent))
                .otherwise(pl.col(SKIP_COLUMN))
                .alias(SKIP_COLUMN)
            )
        elif not subtotal:
            table.frame = table.frame.filter(pl.col(ROW_COLUMN) != row)
            if table.frame.height == 0:
                raise no_data_rows(table.path, table.kind, table.sheet)
        if table.under_totals and SKIP_COLUMN in table.frame.columns:
            table.frame = table.frame.with_columns(
                # the signatures, and a blank row between them and the totals row: no data of the list
                pl.when(
                    (pl.col(ROW_COLUMN).is_in(table.under_totals) & pl.col(SKIP_COLUMN).is_null())
                    | ((pl.col(ROW_COLUMN) > row) & (pl.col(SKIP_COLUMN) == "blank row"))
                )
                .then(pl.lit(UNDER_TOTALS))
                .otherwise(pl.col(SKIP_COLUMN))
                .alias(SKIP_COLUMN)
            )
    return None if subtotal or bare else row
