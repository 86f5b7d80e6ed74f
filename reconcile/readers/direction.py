"""A statement export that gives each movement's amount in one column and its side in another
(`Nợ/Có` with D or C, `Debit/Credit` with DR or CR, `Loại giao dịch` with Ghi nợ or Ghi có): read
as a disbursement list, its credits (the treasury's funding, a return) were payments, each an
UNKNOWN_PAYEE, and the month's paid amount held them. A row its side column calls a credit is set
aside as money in, or, when its text says it is a return and it fits a payment of the run, as that
payment's return (the payment marked returned: returns_across.py); the others are read as they are. A profile that names the debit and credit
columns reads them itself (layout.apply_profile)."""

from __future__ import annotations

import polars as pl

from reconcile.readers.names import DERIVED, SKIP_COLUMN
from reconcile.readers.signed import BALANCES
from reconcile.readers.signs import unsigned
from reconcile.readers.statements import CREDIT
from reconcile.readers.tables import RawTable

# the headers of a movement's side, folded (`Nợ/Có`, `D/C`, `Nợ/Có / Debit/Credit`, `Loại GD`)
SIDE_HEADERS = {
    "no co",
    "co no",
    "d c",
    "c d",
    "dr cr",
    "cr dr",
    "debit credit",
    "credit debit",
    "no co debit credit",
    "debit credit no co",
    "ghi no ghi co",
    "ghi no co",
    "loai no co",
    "tinh chat no co",
    "debit credit indicator",
    "dc indicator",
    "loai giao dich",
    "loai gd",
}
# a credit as the side column writes it (lower case, NFC): nothing else is set aside
CREDITS = ["c", "cr", "có", "co", "ghi có", "ghi co", "credit", "c/credit", "có/credit", "+"]
# a debit as the side column writes it (`N`, as `N/C` abbreviates Nợ beside Có): a column that writes neither is
# no side column
DEBITS = ["d", "dr", "n", "nợ", "no", "ghi nợ", "ghi no", "debit", "d/debit", "nợ/debit", "-"]


def set_aside_credits_by_side(table: RawTable) -> None:
    """Set aside the rows of a payments table that its side column (SIDE_HEADERS, not a column read
    as another) calls a credit (CREDITS), with the reason a statement's credit has."""
    side = table.unread_column(SIDE_HEADERS)
    if side is None:
        return
    value = pl.col(side).cast(pl.String).str.strip_chars().str.normalize("NFC").str.to_lowercase()
    if not _says_sides(table, value):  # `Chuyển tiền`, `Nhận tiền`: no side it knows; the signs may say
        return
    credit = pl.when(value.is_in(CREDITS)).then(pl.lit(CREDIT))
    table.frame = table.frame.with_columns(pl.coalesce(pl.col(SKIP_COLUMN), credit).alias(SKIP_COLUMN))
    table.consumed.add(side)
    amount = next((c for c, canonical in table.header_map.items() if canonical == "amount"), None)
    if amount is not None:  # a debit written -1.500.000 beside its D is a payment of 1,500,000
        table.frame = table.frame.with_columns(unsigned(amount).alias(DERIVED + "amount_u"))
        table.header_map[DERIVED + "amount_u"] = table.header_map.pop(amount)
        table.consumed.add(amount)
        table.converted[amount] = "amount"
    table.side_column = side  # a credit may be a payment's return (returns_across.py)
    balance = table.unread_column(BALANCES)  # the side and the amount read already are no balance
    if amount is not None and balance is not None:  # its running balance checked row by row (balances.py)
        moves = {what: DERIVED + what + "_d" for what in ("debit", "credit")}
        money = pl.col(DERIVED + "amount_u")
        table.frame = table.frame.with_columns(
            pl.when(value.is_in(DEBITS)).then(money).alias(moves["debit"]),
            pl.when(value.is_in(CREDITS)).then(money).alias(moves["credit"]),
        )
        table.balance = (moves["debit"], moves["credit"], balance)
        table.consumed.add(balance)
    table.notes.append(f"'{side}' gives each row's side: a credit (C, Có, CR) is money in and set aside")


def _says_sides(table: RawTable, value: pl.Expr) -> bool:
    """Whether a side column writes some row's side as a debit or a credit (DEBITS, CREDITS). One that
    writes none (`Loại giao dịch`: `Chuyển tiền`, `Nhận tiền`) is left to the amounts' signs (signed.py):
    taken for the side, it set nothing aside and the funding, `+10.000.000`, was a rejected row."""
    found = table.selected(value.is_in(CREDITS + DEBITS).any())
    return found is None or bool(found.item())  # a file that cannot be parsed: refused when it is staged
