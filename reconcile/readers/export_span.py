"""A statement export (CSV or Excel, `Sao kê tài khoản` with its running balance) kept as a statement of
the account its title names (chain.Span), so that the exports of one account given together are
checked as the daily camt and MT940 statements of one account are (chain.py).

An officer who exports an account's statement in parts (the 1st to the 10th, then the 16th to the
30th) and leaves out the days between has each part add up on its own: the payments of the missing
days would be reported as missing payments. An export whose running balance follows (balances.py)
states the balance before its first row and after its last; the next part of the account must open
at the balance the one before it closed at, or the run is refused naming both (chain.check_chain).
Parts that overlap (the 1st to the 12th, then the 12th to the 30th, each with the 12th's rows) hold
the same rows twice: each payment in both would be paid twice. They are refused naming the rows
(chain.refuse_overlaps). The account is the one the title block states by its label (`Số tài khoản:
0451000999888`, `Account number`, the number after the label's colon or in the next filled cell of
its row); an export whose title names none, whose rows state no day, or whose balances do not
follow is in no chain. The export's day is the last day its rows are dated in."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from reconcile.normalise.text import fold
from reconcile.readers.chain import Span
from reconcile.readers.row_values import day_of
from reconcile.readers.tables import RawTable

# the columns that tell one export's rows apart from another's, beside the amounts and the balance
ENTRY = ("value_date", "payment_ref", "bank_ref", "narrative")
# an account's label in a title block, folded; `Tên tài khoản` (the account's name) is none, and
# `Account name`, `Account type` and the like are none
ACCOUNT_LABEL = re.compile(
    r"^(?:so tai khoan|so tk|stk|tai khoan|account number|account no"
    r"|account(?! (?:name|holder|type|title|currency|owner|branch|status|balance)\b))\b"
)
ACCOUNT_NUMBER = re.compile(r"[0-9]+(?:[ .-][0-9]+)*")


def title_account(above: list[list]) -> str | None:
    """The account number a title block states by its label, digits alone; None when it states none
    (of at least six digits)."""
    for row in above:
        for column, value in enumerate(row):
            text = "" if value is None else str(value)
            if not ACCOUNT_LABEL.match(fold(text).strip()):
                continue
            after = text.split(":", 1)[1] if ":" in text else ""
            if not after.strip():
                after = next((str(v) for v in row[column + 1 :] if v is not None and str(v).strip()), "")
            found = ACCOUNT_NUMBER.search(after)
            digits = re.sub(r"[^0-9]", "", found.group()) if found else ""
            if len(digits) >= 6:
                return digits
    return None


def export_span(
    table: RawTable, opening: int, closing: int, moved: list[tuple[int, tuple]], kinds: list[str]
) -> Span | None:
    """The export as a statement of its account: `opening` and `closing` its balances before its
    first row and after its last, `moved` its rows that move money, oldest first, each (row, (debit,
    credit, balance, the values of the columns `kinds` names)). None when it is in no chain."""
    account = title_account(table.above) if table.above else None
    if account is None or "value_date" not in kinds:
        return None
    at = 3 + kinds.index("value_date")
    entries, rows = [], []
    for row, values in moved:
        day = day_of(None if values[at] is None else str(values[at]))
        # each value as text, its date as the day it reads (`2024-09-05` in one part, `05/09/2024` in the
        # other: the same row, which made two parts that overlap a gap between them)
        texts = tuple(
            (date(*day).isoformat() if k == at and day is not None else " ".join(str(v).split()))
            if v is not None
            else ""
            for k, v in enumerate(values[3:], start=3)
        )
        entries.append((None if day is None else date(*day), *values[:3], *texts))
        rows.append(row)
    days = [e[0] for e in entries if e[0] is not None]
    if not days:
        return None
    return Span(
        table.path,
        1,
        account,
        "VND",
        Decimal(opening),
        Decimal(closing),
        max(days),
        tuple(entries),
        export=True,
        sheet=table.sheet,
        rows=tuple(rows),
    )
