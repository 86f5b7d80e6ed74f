"""A payments list or statement export in another currency than the đồng, as CSV or Excel.

camt and MT940 state each entry's currency, and a statement of a foreign account is refused
(statements.refuse_foreign). A bank's export says it once, in its title block (`Loại tiền/ Currency:
USD`), or row by row in a column of its own (`Loại tiền`: VND, USD): read as đồng, its 61.00 USD were
a payment of 61 VND, each an AMOUNT_MISMATCH, exit 0. A title block that names another currency
refuses the file as camt's would be; a currency column gives each row's amount its currency, so that
a row in another is rejected (`amount is in USD, not VND`), and a file of such rows alone is refused.
"""

from __future__ import annotations

import re

import polars as pl

from reconcile.errors import InputFileError
from reconcile.header_words import header_in
from reconcile.normalise.text import fold
from reconcile.readers.lookup import FOREIGN_CODES
from reconcile.readers.statements import refuse_foreign
from reconcile.readers.tables import RawTable

# a currency's ISO code, folded
_CODES = "vnd|" + FOREIGN_CODES
# a title block's label of the account's currency, and the code after it in the same cell
_TITLE = re.compile(
    rf"\b(?:loai tien(?: te)?|tien te|currency|ccy|don vi tien te)\b[^a-z0-9]*(?:currency\b[^a-z0-9]*)?({_CODES})\b"
)
# a title block's label alone in its cell, its code in the next filled cell of the row (Vietcombank's)
_LABEL = re.compile(r"\b(?:loai tien(?: te)?|tien te|currency|ccy|don vi tien te)\b[^a-z0-9]*(?:currency\b[^a-z0-9]*)?")
_CODE = re.compile(rf"\s*({_CODES})\s*")
# the header of a column of each row's currency
HEADERS = {"loai tien", "loai tien te", "tien te", "currency", "ccy", "ma tien te", "don vi tien te", "ma loai tien"}
_VND = ["VND", "VNĐ", "VN D", "VN Đ", "Đ", "D", "ĐỒNG", "DONG", "ĐỒNG VIỆT NAM", "VIETNAM DONG"]


def title_currency(above: list[list]) -> str | None:
    """The currency a title block names for the account (`Loại tiền/ Currency: USD`), in capitals:
    after the label in its cell, or in the next filled cell of its row when the label is alone."""
    for row in above:
        cells = [fold(str(c)).strip() if c is not None else "" for c in row]
        for at, cell in enumerate(cells):
            found = _TITLE.search(cell)
            if found:
                return found.group(1).upper()
            label = _LABEL.search(cell)
            if label and not cell[label.end() :].strip():
                following = next((c for c in cells[at + 1 :] if c), "")
                code = _CODE.fullmatch(following)
                if code:
                    return code.group(1).upper()
    return None


def foreign_amounts(table: RawTable, above: list[list]) -> None:
    """Refuse a payments file whose title block names another currency than VND; give each row's
    amount the currency its currency column names, where it is another (`170 USD`), for the row to be
    rejected as such, and refuse a file all of whose rows are in others."""
    named = title_currency(above)
    if named and named != "VND":
        raise InputFileError(
            str(table.path),
            f"is the export of an account in {named}, not VND (its title block says so)",
            "ask the bank for the statement of the VND account that pays the benefits",
        )
    mapped = set(table.header_map) | table.consumed
    column = next((c for c in table.original_columns if c not in mapped and header_in(c, HEADERS)), None)
    amount = next((c for c, canonical in table.header_map.items() if canonical == "amount"), None)
    if column is None or amount is None:
        return
    cell = pl.col(column).cast(pl.String).str.strip_chars().str.to_uppercase()
    dong = cell.is_in(_VND)
    body = table.body()
    rows = table.selected(pl.when(dong).then(pl.lit("VND")).otherwise(cell).filter(body).alias("c"))
    if rows is not None:  # a file of rows in other currencies alone: another account's
        refuse_foreign(table.path, [c or None for c in rows["c"].to_list()])
    foreign = body & cell.is_not_null() & (cell != "") & ~dong
    table.frame = table.frame.with_columns(
        pl.when(foreign)
        .then(pl.concat_str([pl.col(amount), pl.lit(" "), cell]))
        .otherwise(pl.col(amount))
        .alias(amount)
    )
    table.consumed.add(column)
    table.notes.append(f"amount: a row whose '{column}' is another currency than VND is rejected")
