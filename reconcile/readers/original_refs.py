"""A return or refund row that names the payment it brings back in a column of its own.

An e-wallet's report gives a refund a transaction ID of its own and names the original beside it
(`Mã giao dịch gốc`: MM2409090000017 refunds MM2409060000002). Paired by its own reference, the
refund paired with nothing: the original stayed a payment, the money that came back counted as paid,
and no PAYMENT_FAILED. Where that column names a transfer, the row's reference is the one it names
(the return of that payment, paired with it: normalise/returns_listed.sql) and its own is kept as
the bank's reference (`bank_ref`), unless the file gives one.
"""

from __future__ import annotations

import polars as pl

from reconcile.readers.names import DERIVED
from reconcile.readers.tables import RawTable

# the headers of the column naming the original transfer, folded
ORIGINAL_HEADERS = {
    "ma giao dich goc",
    "ma gd goc",
    "so giao dich goc",
    "so gd goc",
    "so tham chieu goc",
    "ma tham chieu goc",
    "giao dich goc",
    "original transaction",
    "original transaction id",
    "original reference",
    "original ref",
}


def read_original_refs(table: RawTable) -> None:
    """A payments table with a column naming the original transfer: each row that names one takes its
    reference, keeping its own as the bank's reference."""
    if table.kind != "payments":
        return
    by_canon = {canonical: column for column, canonical in table.header_map.items()}
    ref = by_canon.get("payment_ref")
    original = table.unread_column(ORIGINAL_HEADERS)
    if ref is None or original is None:
        return
    named = pl.col(original).cast(pl.String).str.strip_chars()
    names = named.is_not_null() & (named != "")
    own = pl.col(ref).cast(pl.String)
    bank_ref = by_canon.get("bank_ref")
    derived = DERIVED + "payment_ref"
    columns = [pl.when(names).then(named).otherwise(own).alias(derived)]
    if bank_ref is None:
        columns.append(pl.when(names).then(own).alias(DERIVED + "bank_ref"))
        table.header_map[DERIVED + "bank_ref"] = "bank_ref"
    table.frame = table.frame.with_columns(columns)
    del table.header_map[ref]
    table.header_map[derived] = "payment_ref"
    table.consumed |= {original, ref}
    table.notes.append(
        f"payment_ref = '{original}' where it names a transfer (the return of that payment), else '{ref}'"
    )
