"""The statements of one account given together (daily camt.053 or MT940 statements of a month, in
one file or several; the parts of a statement export, export_span.py) checked as a chain: each one's
opening balance must be the closing balance of the one before it, by their closing dates (of one
closing on the day before, or on its own day: the pages of one statement and intraday statements
follow one another in whatever order they are given).

A day left out (the 17th of statements for the 1st to the 30th) would pass unnoticed: each
statement adds up on its own, and the day's payments would be reported as missing payments. Such a
file is refused naming the statement whose opening balance does not follow and the one before it; a
day without movements may be left out (its balances change nothing), and so may the days before
the first statement given or after the last. Statements are told apart by the account they are of
and their currency; one without an account, a date or either balance is in no chain. Statements
are named by their position in their file ("statement 2"), never by their account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from reconcile.errors import InputFileError
from reconcile.readers.guards import CURRENT as GUARDS

FIX = (
    "give the missing statement (ask the bank for it) with --payments, and run again; if the bank confirms that "
    "none is missing, set statement_chain = false in [checks] of the config file"
)


@dataclass(frozen=True)
class Span:
    """A statement's account, currency and balances as its file states them, and where it is."""

    path: Path
    position: int  # 1 for the first statement of the file
    account: str | None
    currency: str | None
    opening: Decimal | None
    closing: Decimal | None
    closed: date | None  # the closing balance's date
    entries: tuple = ()  # its entries' references, dates and amounts: a copy's are its own
    export: bool = False  # a CSV or Excel export of the account's statement (export_span.py), not camt or MT940
    sheet: str | None = None  # an export's sheet of its workbook
    rows: tuple = ()  # an export's row of each of its entries

    @property
    def where(self) -> str:
        return f"{self.path} (sheet '{self.sheet}')" if self.sheet else str(self.path)

    @property
    def chained(self) -> bool:
        return None not in (self.account, self.opening, self.closing, self.closed)


def refuse_copies(spans: list[Span]) -> None:
    """Refuse a statement given twice, in one file or two (a camt message holding a statement and its
    copy marked DUPL, an MT940 file that repeats one): of the same account and currency, with the same
    balances on the same day and the same entries. Each added up on its own and the chain took the
    two for pages of one day, so every payment of it was read twice, paid twice (DUPLICATE_PAYMENT,
    AMOUNT_MISMATCH for money never overpaid)."""
    seen: dict[tuple, Span] = {}
    for span in spans:
        if not span.chained or not span.entries:
            continue
        key = (*_account_key(span), span.opening, span.closing, span.closed, span.entries)
        first = seen.setdefault(key, span)
        if first is span:
            continue
        day = span.closed
        problem = (
            f"its statement {span.position} is its statement {first.position} again (the same account, balances on "
            f"{day} and entries): the statement given twice, each of its payments would be counted twice"
            if first.path == span.path
            else f"its statement {span.position} is statement {first.position} of {first.path} again (the same "
            f"account, balances on {day} and entries): the statement given twice, each of its payments would be "
            "counted twice"
        )
        raise InputFileError(
            str(span.path),
            problem,
            "give each statement once: ask the bank for the file again, or leave the copy out",
        )


def check_chain(spans: list[Span]) -> None:
    """Refuse the statements when one's opening balance is the closing balance of none of the same
    account and currency that close on the day before it (the last day before its own that one
    closes on) or on its own day (the pages of one statement, intraday statements, the same day
    given twice, in whatever order)."""
    refuse_overlaps([span for span in spans if span.export and span.chained])
    refuse_copies(spans)
    if not GUARDS.statement_chain:
        return
    groups: dict[tuple, dict] = {}
    for span in spans:
        if span.chained:
            groups.setdefault(_account_key(span), {}).setdefault(span.closed, []).append(span)
    for days in groups.values():
        for before, day in pairwise(sorted(days)):
            for span in days[day]:
                follows = {s.closing for s in days[before]} | {s.closing for s in days[day] if s is not span}
                if span.opening not in follows:
                    raise _gap(days[before][-1], span)


def refuse_overlaps(exports: list[Span]) -> None:
    """Refuse two exports of one account that hold the same rows (export_span.py: the 1st to the 12th,
    then the 12th to the 30th): the same day, amounts, balance, reference and narrative. Each payment
    in both would be read twice, paid twice (DUPLICATE_PAYMENT, AMOUNT_MISMATCH for money paid once)."""
    for i, later in enumerate(exports):
        for earlier in exports[:i]:
            if _account_key(earlier) != _account_key(later):
                continue
            seen = set(earlier.entries)
            shared = [(row, entry[0]) for row, entry in zip(later.rows, later.entries) if entry in seen]
            if not shared:
                continue
            days = sorted({day for _, day in shared if day is not None}) or [earlier.closed]
            count, row, file = len(shared), shared[0][0], earlier.where
            rows = (
                f"{count:,} of its rows, from row {row:,} (of {days[0]}), are rows of {file} too"
                if len(days) == 1
                else f"{count:,} of its rows, from row {row:,} (of {days[0]} to {days[-1]}), are rows of {file} too"
            )
            raise InputFileError(
                later.where,
                f"{rows}, an export of the same account: the two exports overlap, and each payment in both would be "
                "counted twice",
                "take the rows that are in both out of one of them, or export the account's statement of the whole "
                "month as one file, and run again",
            )


def _account_key(span: Span) -> tuple[str, str, bool]:
    """The account and currency a statement is of, as compared: letters and digits of the account alone;
    an export chains with the account's other exports, not with its camt or MT940 statements."""
    account = "".join(ch for ch in str(span.account) if ch.isalnum()).upper()
    return account, (span.currency or "").upper(), span.export


def _gap(before: Span, span: Span) -> InputFileError:
    opening, closing, day = _figure(span.opening), _figure(before.closing), before.closed
    if span.export:
        return InputFileError(
            span.where,
            f"it opens at {opening}, but {before.where}, an export of the same account before it, closes at "
            f"{closing} on {day}: the rows of the days between them are missing",
            "give the export of the days between them with --payments, or export the account's statement of the "
            "whole month as one file, and run again; if the bank confirms that nothing is missing, set "
            "statement_chain = false in [checks] of the config file",
        )
    if before.path == span.path:
        problem = (
            f"its statement {span.position} opens at {opening}, but its statement {before.position} before it, of "
            f"the same account, closes at {closing} on {day}: the statements of the days between them are missing"
        )
    else:
        problem = (
            f"its statement {span.position} opens at {opening}, but statement {before.position} of {before.path} "
            f"before it, of the same account, closes at {closing} on {day}: the statements of the days between them "
            "are missing"
        )
    return InputFileError(str(span.path), problem, FIX)


def _figure(amount: Decimal | None) -> str:
    return format(amount, ",f")
