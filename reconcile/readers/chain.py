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
(the number after a bank's BIC or code and a slash, `BFTVVNVX/0071000123456`, is the account; the same
number at two banks, by a camt statement's servicer BIC, is two accounts) and their currency; one without an account, a date or either balance is in no chain. Statements
are named by their position in their file ("statement 2"), never by their account."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from reconcile.errors import InputFileError
from reconcile.readers.guards import CURRENT as GUARDS

# an account written after its bank and a slash (MT940's :25:): a BIC, or a bank's code in digits
BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
BANK_CODE = re.compile(r"[0-9]{3,11}")
ACCOUNT = re.compile(r"[A-Z0-9][A-Z0-9 .-]*")

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
    number: int | None = None  # an MT940 statement's number and page (:28C: 249/2), its balances intermediate
    page: int | None = None  # (:60M:, :62M:): one page of a statement the bank cut into pages (check_pages)
    opens_mid: bool = False
    closes_mid: bool = False
    bank: str | None = None  # a camt statement's servicer (Acct/Svcr): its BIC, the bank its account is at

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
    account_key = _account_keys(spans)
    for span in spans:
        if not span.chained or not span.entries:
            continue
        key = (*account_key(span), span.opening, span.closing, span.closed, span.entries)
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
    account_key = _account_keys(spans)
    for span in spans:
        if span.chained:
            groups.setdefault(account_key(span), {}).setdefault(span.closed, []).append(span)
    for days in groups.values():
        for before, day in pairwise(sorted(days)):
            for span in days[day]:
                follows = {s.closing for s in days[before]} | {s.closing for s in days[day] if s is not span}
                if span.opening not in follows:
                    raise _gap(days[before][-1], span)


PAGE_FIX = (
    "give the missing page (ask the bank for it) with --payments, and run again; if the bank confirms that none is "
    "missing, set statement_chain = false in [checks] of the config file"
)


def check_pages(spans: list[Span]) -> None:
    """Refuse the pages of an MT940 statement the bank cut into pages (:28C: 249/1, 249/2, 249/3, with
    intermediate balances :62M:/:60M:) given with one left out, in the run's files in whatever order:
    a page number missing between two given of the same statement and account; a page that closes at
    an intermediate balance (:62M:) at which no other page given opens (:60M:): the last page; and one
    that opens at an intermediate balance at which none closes: the first. A middle page whose
    movements net to nothing chains with the pages around it, and its payments would be reported as
    missing. A statement of one page (:28C: 249, 00001/001) has nothing to follow."""
    if not GUARDS.statement_chain:
        return
    statements: dict[tuple, dict[int, Span]] = {}
    account_key = _account_keys(spans)
    for span in spans:
        if span.number is not None and span.page is not None:
            statements.setdefault((*account_key(span), span.number), {}).setdefault(span.page, span)
    for pages in statements.values():
        for page, after in pairwise(sorted(pages)):
            if after > page + 1:
                raise _page_gap(pages[page], pages[after])
    for span in spans:
        if span.closes_mid and not any(o.opens_mid and o.opening == span.closing for o in _others(span, spans)):
            raise _end_page(span, last=True)
        if span.opens_mid and not any(o.closes_mid and o.closing == span.opening for o in _others(span, spans)):
            raise _end_page(span, last=False)


def _others(span: Span, spans: list[Span]) -> list[Span]:
    account_key = _account_keys(spans)
    return [other for other in spans if other is not span and account_key(other) == account_key(span)]


def _page_gap(before: Span, span: Span) -> InputFileError:
    first, last, number, page = (before.page or 0) + 1, (span.page or 0) - 1, span.number, span.page
    where = (
        f"its statement {before.position}"
        if before.path == span.path
        else f"statement {before.position} of {before.path}"
    )
    problem = (
        f"its statement {span.position} is page {page} of the bank's statement {number} (:28C:), but its page "
        f"{before.page} before it is {where}: page {first} of statement {number} is missing"
        if first == last
        else f"its statement {span.position} is page {page} of the bank's statement {number} (:28C:), but its page "
        f"{before.page} before it is {where}: pages {first} to {last} of statement {number} are missing"
    )
    return InputFileError(str(span.path), problem, PAGE_FIX)


def _end_page(span: Span, last: bool) -> InputFileError:
    """A page whose intermediate closing (`last`) or opening balance no other page given follows."""
    page, number, position = (span.page or 0) + (1 if last else -1), span.number, span.position
    closing, day, opening = _figure(span.closing), span.closed, _figure(span.opening)
    if span.page is None or number is None or page < 1:
        problem = (
            f"its statement {position} closes at an intermediate balance (:62M:) of {closing} on {day}, and no page "
            "given opens at it (:60M:): the page after it is missing"
            if last
            else f"its statement {position} opens at an intermediate balance (:60M:) of {opening}, and no page given "
            "closes at it (:62M:): the page before it is missing"
        )
    else:
        problem = (
            f"its statement {position} is page {span.page} of the bank's statement {number} (:28C:) and closes at an "
            f"intermediate balance (:62M:) of {closing} on {day}, but no page given opens at it (:60M:): page {page} "
            f"of statement {number} is missing"
            if last
            else f"its statement {position} is page {span.page} of the bank's statement {number} (:28C:) and opens at "
            f"an intermediate balance (:60M:) of {opening}, but no page given closes at it (:62M:): page {page} of "
            f"statement {number} is missing"
        )
    return InputFileError(str(span.path), problem, PAGE_FIX)


def refuse_overlaps(exports: list[Span]) -> None:
    """Refuse two exports of one account that hold the same rows (export_span.py: the 1st to the 12th,
    then the 12th to the 30th): the same day, amounts, balance, reference and narrative. Each payment
    in both would be read twice, paid twice (DUPLICATE_PAYMENT, AMOUNT_MISMATCH for money paid once)."""
    account_key = _account_keys(exports)
    for i, later in enumerate(exports):
        for earlier in exports[:i]:
            if account_key(earlier) != account_key(later):
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


def _account_keys(spans: list[Span]) -> Callable[[Span], tuple]:
    """The account and currency each statement is of, as compared (`key(span)`): the letters and digits
    of its account, or of the part after its bank's BIC or code and a slash when that is another
    statement's account (an MT940's `:25:BFTVVNVX/0071000123456` is the camt statement's
    `0071000123456`; `0071/000123456` stays `0071000123456`'s when that is given, its slash a
    separator). A camt statement's bank is its servicer's BIC (`Acct/Svcr`), when it names one.
    Statements that name two banks for one number are two accounts: each bank's own, and those
    naming none apart from both; a bank is its BIC's first 8 characters (BFTVVNVX and BFTVVNVXXXX are
    one bank). An export chains with the account's other exports, not with its camt or MT940
    statements."""
    written = {_form(span) for span in spans}
    plain = {whole for _, after, whole in written if after == whole}  # an account written without a slash
    seen: dict[str, set[tuple]] = {}
    for form in written:
        for value in {form[1], form[2]}:
            seen.setdefault(value, set()).add(form)

    def account(form: tuple[str | None, str, str]) -> str:
        bank, after, whole = form
        if bank is None or after == whole or seen[after] - {form}:
            return after
        return whole if whole in plain else after

    def bank_of(form: tuple[str | None, str, str]) -> str | None:
        return form[0] if account(form) == form[1] else None  # none when its slash is a separator

    banks: dict[str, set[str]] = {}
    for form in written:
        banks.setdefault(account(form), set()).update([bank] if (bank := bank_of(form)) else [])

    def key(span: Span) -> tuple:
        form = _form(span)
        number = account(form)
        return number, bank_of(form) if len(banks[number]) > 1 else None, (span.currency or "").upper(), span.export

    return key


def _form(span: Span) -> tuple[str | None, str, str]:
    """The bank, the account after it and the account whole of a statement (`_bank_and_account`); a camt
    statement's bank is its servicer's."""
    bank, after, whole = _bank_and_account(span.account)
    servicer = (span.bank or "").strip().upper()
    if bank is None and BIC.fullmatch(servicer):
        return servicer[:8], after, whole
    return bank, after, whole


def _bank_and_account(written: str | None) -> tuple[str | None, str, str]:
    """The bank (a BIC's first 8 characters, or a bank's code in digits, before a slash, else None), the
    account after it and the account whole (letters and digits) of an account as a statement writes
    it: `BFTVVNVX/0071000123456`, `50010517/0123456789` (a German bank code), `0071000123456`."""
    text = str(written).strip().upper()
    whole = "".join(ch for ch in text if ch.isalnum())
    bank, slash, rest = text.partition("/")
    bank = bank.strip()
    if slash and (BIC.fullmatch(bank) or BANK_CODE.fullmatch(bank)) and ACCOUNT.fullmatch(rest.strip()):
        return bank[:8] if BIC.fullmatch(bank) else bank, "".join(ch for ch in rest if ch.isalnum()), whole
    return None, whole, whole


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
