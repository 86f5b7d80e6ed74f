"""The statements of one account given together (daily camt.053 or MT940 statements of a month, in
one file or several) checked as a chain: each one's opening balance must be the closing balance of
the one before it, by their closing dates.

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

FIX = "give the missing statement (ask the bank for it) with --payments, and run again"


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

    @property
    def chained(self) -> bool:
        return None not in (self.account, self.opening, self.closing, self.closed)


def check_chain(spans: list[Span]) -> None:
    """Refuse the statements when one's opening balance is not the closing balance of the one before
    it of the same account and currency, in order of their closing dates (then as given)."""
    groups: dict[tuple, list[tuple[int, Span]]] = {}
    for order, span in enumerate(spans):
        if span.chained:
            key = ("".join(ch for ch in str(span.account) if ch.isalnum()).upper(), (span.currency or "").upper())
            groups.setdefault(key, []).append((order, span))
    for group in groups.values():
        ordered = [span for _, span in sorted(group, key=lambda item: (item[1].closed, item[0]))]
        for before, span in pairwise(ordered):
            # statements closing on the same day (pages of one, intraday ones) follow one another in either order
            tied = [s.closing for s in ordered if s.closed == before.closed and s is not span]
            if span.opening != before.closing and span.opening not in tied:
                raise _gap(before, span)


def _gap(before: Span, span: Span) -> InputFileError:
    opening, closing, day = _figure(span.opening), _figure(before.closing), before.closed
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
