"""An MT940/MT942 statement as read, and the check of what it states against its entries.

Each statement's opening balance plus its credits minus its debits must equal its closing balance,
exactly, and a `:90D:`/`:90C:` (MT942) must agree with the entries read; a statement with one
balance and not the other is cut short. What agreed, the number and sum of the debit entries, is
the file's control. See mt940.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal
from pathlib import Path

from reconcile.errors import InputFileError
from reconcile.readers.guards import CURRENT as GUARDS
from reconcile.readers.tables import Control

CONTROL_FIX = "ask the bank for the statement again; the file may be cut short or edited"

EXACT = Context(prec=60)  # no rounding in any sum of statement amounts


@dataclass
class Statement:
    position: int
    rows: list[dict] = field(default_factory=list)
    movements: list[tuple[str, Decimal]] = field(default_factory=list)  # (DBIT/CRDT, amount) per :61:
    opening: Decimal | None = None
    closing: Decimal | None = None
    stated: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # 'D'/'C' from :90D:/:90C:
    currency: str | None = None
    checked_by: str | None = None  # 'balances', '90D' or None
    account: str | None = None  # :25:, for the chain of statements given together (chain.py), never printed
    closed: date | None = None  # the closing balance's date
    number: int | None = None  # the bank's statement number (:28C: 249/2: 249), for its pages (chain.py)
    page: int | None = None  # its page (:28C: 249/2: 2), None when :28C: gives none
    opens_mid: bool = False  # an intermediate opening balance (:60M:): a page after the first
    closes_mid: bool = False  # an intermediate closing balance (:62M:): a page before the last


def sequence_of(value: str) -> tuple[int | None, int | None]:
    """The statement number and page of a `:28C:` (or `:28:`) value: `249/2` is (249, 2), `249` (249,
    None), `00001/001` (1, 1); (None, None) for one that is not numbers."""
    number, _, page = value.strip().partition("/")
    if not number.isdigit() or (page and not page.isdigit()):
        return None, None
    return int(number), int(page) if page else None


def _sum(amounts) -> Decimal:
    total = Decimal(0)
    for amount in amounts:
        total = EXACT.add(total, amount)
    return total.to_integral_value() if total == total.to_integral_value() else total


def _figure(amount: Decimal) -> str:
    """An amount with thousands commas and its fraction as written: 1,234.50."""
    return format(amount, ",f")


def check_statement(path: Path, statement: Statement) -> None:
    if not GUARDS.control_totals:  # [checks] control_totals = false: not checked, and not said to be
        return
    name = f"statement {statement.position}"
    debits = [a for d, a in statement.movements if d == "DBIT"]
    credits = [a for d, a in statement.movements if d == "CRDT"]
    if (statement.opening is None) != (statement.closing is None):
        has, lacks = ("an opening", "closing") if statement.closing is None else ("a closing", "opening")
        raise InputFileError(str(path), f"its {name} has {has} balance but no {lacks} balance", CONTROL_FIX)
    if statement.opening is not None and statement.closing is not None:
        moves = EXACT.subtract(_sum(credits), _sum(debits))
        if EXACT.add(statement.opening, moves) != statement.closing:
            sign = "+" if moves > 0 else ""
            raise InputFileError(
                str(path),
                f"its {name} opens at {_figure(statement.opening)}, moves "
                f"{sign}{_figure(moves)} and says it closes at {_figure(statement.closing)}",
                CONTROL_FIX,
            )
        statement.checked_by = "balances"
    for mark, kind, read in (("D", "debit", debits), ("C", "credit", credits)):
        if mark not in statement.stated:
            continue
        count, amount = statement.stated[mark]
        if count != len(read) or amount != _sum(read):
            raise InputFileError(
                str(path),
                f"its {name} says it holds {_entries(count, amount, kind)} but "
                f"{_entries(len(read), _sum(read), kind)} {'was' if len(read) == 1 else 'were'} "
                "read",
                CONTROL_FIX,
            )
        if mark == "D" and statement.checked_by is None:
            statement.checked_by = "90D"


def _entries(count: int, amount: Decimal, kind: str) -> str:
    return f"{count:,} {kind} {'entry' if count == 1 else 'entries'} of {_figure(amount)}"


def control_of(statements: list[Statement]) -> Control | None:
    """The number and sum of the debit entries of the statements whose balances (or :90D:) were
    checked, of those in VND alone when there are any; None when none states anything to check."""
    checked = [s for s in statements if s.checked_by is not None]
    if not checked:
        return None
    vnd = [s for s in checked if (s.currency or "").strip().upper() in ("", "VND")]
    checked = vnd or checked  # a statement of a USD account beside VND ones: never added to VND
    debits = [a for s in checked for d, a in s.movements if d == "DBIT"]
    sources = {s.checked_by for s in checked if s.checked_by is not None}
    what = {frozenset({"balances"}): "MT940 balances", frozenset({"90D"}): "MT942 :90D:"}.get(
        frozenset(sources), "MT940 balances and :90D:"
    )
    if len(checked) < len(statements):
        what += f" of {len(checked)} of {len(statements)} statements"
    currencies = {(s.currency or "").strip().upper() or None for s in checked}
    amount = format(_sum(debits), "f")
    if currencies - {None, "VND"}:
        foreign = sorted(c for c in currencies if c not in (None, "VND"))
        amount = f"{amount} {foreign[0]}"
    return Control(count=len(debits), amount=amount, what=f"{what} (debits)", checked=True)
