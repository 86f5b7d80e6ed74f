"""Bank statements, camt XML and SWIFT MT940: what their two readers share.

Both give the same text columns (`HEADERS`: the payment columns, plus `direction`, `aside` and
`bank_ref`), refuse a statement of an account in another currency than VND, and have the rows that
are no payment (a credit, or an entry the reader marked `aside`) set aside with the reason.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers.names import DERIVED, SKIP_COLUMN

# Bank statements: read by their own readers into the payment columns and `direction`
STATEMENTS = {"camt": "ISO 20022 camt XML", "mt940": "SWIFT MT940"}

HEADERS = [
    "payment_ref",
    "payee_name",
    "bank_code",
    "account_number",
    "amount",
    "value_date",
    "channel",
    "status",
    "narrative",
    "direction",
    "aside",
    "bank_ref",
]

# Beside them, not part of a row's values as read: "1" on a return that found no original in its own
# file and stands for the payment it brings back (a returned debit), and the other references of a
# payment's text (MT940 :86:) by which a return in another file may name it (returns_across.py)
RETURN_COLUMN = DERIVED + "return"
REFS_COLUMN = DERIVED + "refs"

# SWIFT transaction types of the bank's own entries (MT940 `:61:`, and camt's proprietary codes)
SWIFT_OWN = {"CHG": "bank charges", "COM": "bank commission", "INT": "interest", "TAX": "tax"}

# Why a credit is set aside
CREDIT = "credit (money into the account), not a payment"
RETURN_CREDIT = "credit: a return or reversal, not a payment (a returned payment is its debit row)"
# why an MT940 reversal of a credit (`RC`) is set aside: as camt's RvslInd on a debit (camt_entries.py)
CREDIT_TAKEN_BACK_RC = (
    "a reversal of money into the account (RC, the reversal of a credit): money in taken back, not a payment"
)


def refuse_foreign(path: Path, currencies_of_rows: list[str | None]) -> None:
    """Refuse a statement all of whose entries are in one or more currencies other than VND (the
    currency of each row's amount, None where none is stated): it is the statement of another
    account, and its rows would each be refused for the same reason. A statement with some foreign
    entries among VND ones keeps them, each rejected as 'amount is in EUR, not VND'."""
    found = [c.upper() for c in currencies_of_rows if c]
    if found and "VND" not in found:
        currencies = sorted(set(found))
        n = len(found)
        raise InputFileError(
            str(path),
            f"is a statement of an account in {' and '.join(currencies)}, not VND: "
            f"{'its one entry is' if n == 1 else f'all its {n:,} entries are'} in "
            f"{' or '.join(currencies)}",
            "ask the bank for the statement of the VND account that pays the benefits",
        )


def statement_frame(rows: list[dict], returns: list[bool]) -> pl.DataFrame:
    """The rows of a statement as text columns (`HEADERS`), with `RETURN_COLUMN` set on each row that
    is a return standing for its payment (`returns`) and `REFS_COLUMN` from each row's `_other_refs`."""
    frame = pl.DataFrame({h: [row.get(h) for row in rows] for h in HEADERS}, schema=dict.fromkeys(HEADERS, pl.String))
    return frame.with_columns(
        pl.Series(RETURN_COLUMN, ["1" if r else None for r in returns], dtype=pl.String),
        pl.Series(REFS_COLUMN, [" ".join(row.get("_other_refs", ())) or None for row in rows], dtype=pl.String),
    )


def set_aside_credits(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with the reason each row that is no payment is set aside in the skip column: a credit
    (money in), or an entry the reader marked (`aside`: bank charges, not booked).

    A reason already there (a blank row, say) is kept.
    """
    credit = pl.col("direction") == "CRDT"
    reason = (
        pl.when(credit & (pl.col("status") == "returned"))
        .then(pl.lit(RETURN_CREDIT))
        .when(credit)
        .then(pl.lit(CREDIT))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    if "aside" in frame.columns:
        reason = pl.coalesce(pl.col("aside"), reason)
    if SKIP_COLUMN in frame.columns:
        reason = pl.coalesce(pl.col(SKIP_COLUMN), reason)
    return frame.with_columns(reason.alias(SKIP_COLUMN))
