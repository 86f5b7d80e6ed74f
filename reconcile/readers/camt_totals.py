"""Control totals of camt statements and notifications: what each says it holds, checked against
the entries read.

A statement (`Stmt`) or notification (`Ntfctn`) may state its entries' count and sum in `TxsSummry`
(`TtlNtries`, `TtlDbtNtries`, `TtlCdtNtries`), and some banks add `NbOfTxs` and `CtrlSum` to the
group header. Each statement is checked when it ends, counting entries (a batch entry is one entry
with its entry amount), by direction; a bank that leaves entries not yet booked out of its totals
is allowed for by comparing booked entries too. A disagreement refuses the file; agreement is the
file's control (inputs.control_count, control_amount).

A statement's opening balance (`Bal` of type OPBD, else PRCD) plus its booked credits less its
booked debits must equal its closing balance (CLBD), as an MT940's must: a statement that states
both and disagrees is refused (an entry missing or edited, though it states no `TxsSummry`); one
that agrees is the file's control when it states no summary. A statement cut into pages states one
of them on a page only, and is not checked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal
from pathlib import Path
from typing import TypeVar

from reconcile.errors import InputFileError
from reconcile.readers.camt_entries import date_of
from reconcile.readers.chain import Span
from reconcile.readers.guards import CURRENT as GUARDS
from reconcile.readers.tables import Control
from reconcile.readers.xmlpath import xml_child, xml_children, xml_text

T = TypeVar("T")

CONTROL_FIX = "ask the bank for the statement again; the file may be cut short or edited"


NUMBER = re.compile(r"[0-9]+")


DECIMAL = re.compile(r"[0-9]{1,18}(\.[0-9]{1,5})?")  # ISO 20022 amounts: at most 18 digits, 5 decimals


EXACT = Context(prec=60)  # no rounding in any sum of such amounts


LONG_NUMBER = re.compile(r"[0-9]{9,}")  # an account or ID number, not a date or a sequence number


SUMMARY = {"DBIT": "TtlDbtNtries", "CRDT": "TtlCdtNtries", "ALL": "TtlNtries"}


KINDS = {"DBIT": "debit ", "CRDT": "credit ", "ALL": ""}


NOUNS = {"Stmt": "statement", "Ntfctn": "notification"}


@dataclass
class _Tally:
    """Entries read and their amounts: total None once an amount cannot be read (the normaliser
    refuses that row; the sum is then not checked)."""

    count: int = 0
    total: Decimal | None = Decimal(0)

    def add(self, amount: Decimal | None) -> None:
        self.count += 1
        if self.total is None or amount is None:
            self.total = None
            return
        total = EXACT.add(self.total, amount)
        self.total = total.to_integral_value() if total == total.to_integral_value() else total


@dataclass
class _Statement:
    noun: str  # statement or notification
    position: int  # 1 for the first in the file
    id: str | None = None
    stated: dict[str, tuple[int | None, Decimal | None]] = field(default_factory=dict)  # DBIT, CRDT, ALL
    booked: dict[str, _Tally] = field(default_factory=lambda: {k: _Tally() for k in SUMMARY})
    every: dict[str, _Tally] = field(default_factory=lambda: {k: _Tally() for k in SUMMARY})
    opening: tuple[Decimal, str | None] | None = None  # OPBD (else PRCD), signed, and its currency
    opening_code: str | None = None
    closing: tuple[Decimal, str | None] | None = None  # CLBD
    closed: date | None = None  # the CLBD's date
    currencies: set[str | None] = field(default_factory=set)  # of the booked entries
    entries: list[tuple] = field(default_factory=list)  # each entry's references, date and amount: a copy's are its own

    @property
    def currency(self) -> str | None:
        """The currency of its balances and booked entries; None when it names none, '' for several."""
        named = {self.opening[1] if self.opening else None, self.closing[1] if self.closing else None, *self.currencies}
        named.discard(None)
        return named.pop() if len(named) == 1 else ("" if named else None)


class Totals:
    """Counts and sums the entries of each statement as they stream past and checks them against its
    `TxsSummry` when the statement ends, and the whole file against `GrpHdr` at the end."""

    def __init__(self, path: Path):
        self.path = path
        self.current: _Statement | None = None
        self.statements = 0
        self.nouns: set[str] = set()
        self.summaries: list[tuple[dict[str, tuple[int | None, Decimal | None]], str | None]] = []  # and currency
        self.booked = _Tally()
        self.every = _Tally()
        self.transactions = 0
        self.group: tuple[int | None, Decimal | None] | None = None
        self.balanced: list[tuple[_Tally, str | None]] = []  # booked debits (and currency) of those that agree
        self.spans: list[Span] = []  # each statement's account and balances: chain.py

    def start(self, name: str) -> None:
        self.statements += 1
        self.nouns.add(NOUNS[name])
        self.current = _Statement(NOUNS[name], self.statements)

    def statement_id(self, value: str | None) -> None:
        if self.current is not None:
            self.current.id = value

    def summary(self, element: ET.Element) -> None:
        if self.current is not None:
            for key, tag in SUMMARY.items():
                stated = _stated(xml_child(element, tag), "NbOfNtries", "Sum")
                if stated is not None:
                    self.current.stated[key] = stated

    def balance(self, element: ET.Element) -> None:
        """A statement's `Bal`: its opening (OPBD, else the previous closing PRCD) and closing (CLBD)
        booked balance, signed (DBIT: overdrawn); the first opening and the last closing."""
        statement = self.current
        code = (xml_text(element, "Tp", "CdOrPrtry", "Cd") or "").upper()
        amount = _decimal(xml_text(element, "Amt"))
        if statement is None or amount is None or code not in ("OPBD", "PRCD", "CLBD"):
            return
        if xml_text(element, "CdtDbtInd") == "DBIT":
            amount = -amount
        value = (amount, _currency(xml_child(element, "Amt")))
        if code == "CLBD":
            statement.closing, statement.closed = (
                value,
                _date(xml_text(element, "Dt", "Dt") or xml_text(element, "Dt", "DtTm")),
            )
        elif statement.opening is None or (code == "OPBD" and statement.opening_code == "PRCD"):
            statement.opening, statement.opening_code = value, code

    def entry(self, entry: ET.Element, booked: bool) -> None:
        if self.current is None:
            return
        amount = _decimal(xml_text(entry, "Amt"))
        keys = ("ALL", direction) if (direction := xml_text(entry, "CdtDbtInd")) in SUMMARY else ("ALL",)
        for key in keys:
            self.current.every[key].add(amount)
            if booked:
                self.current.booked[key].add(amount)
        if booked:
            self.current.currencies.add(_currency(xml_child(entry, "Amt")))
        self.current.entries.append(
            (
                xml_text(entry, "AcctSvcrRef"),
                xml_text(entry, "NtryRef"),
                xml_text(entry, "BookgDt", "Dt") or xml_text(entry, "BookgDt", "DtTm"),
                xml_text(entry, "CdtDbtInd"),
                amount,
            )
        )
        self.every.add(amount)
        if booked:
            self.booked.add(amount)
        self.transactions += max(1, sum(len(xml_children(nd, "TxDtls")) for nd in xml_children(entry, "NtryDtls")))

    def end(self, own_account: str | None, servicer: str | None = None) -> None:
        """The statement ended: checked, and its span kept, with its servicer's BIC (`Acct/Svcr`)."""
        statement, self.current = self.current, None
        if statement is None:
            return
        if GUARDS.control_totals:  # [checks] control_totals = false: not checked, and not said to be
            self._check_balances(statement, own_account)
        opening, closing = statement.opening or (None, None), statement.closing or (None, None)
        currency = closing[1] if opening[1] in (None, closing[1]) else None  # two currencies: in no chain
        self.spans.append(
            Span(
                self.path,
                statement.position,
                own_account,
                currency,
                opening[0],
                closing[0],
                statement.closed,
                tuple(statement.entries),
                bank=servicer,
            )
        )
        if not statement.stated or not GUARDS.control_totals:
            return
        # A statement's totals usually cover its booked entries only (a pending entry is not in the
        # balance); some banks count every entry. Either agreeing is agreement.
        problem = _disagreement(statement.stated, statement.booked, statement.every)
        if problem is not None and _disagreement(statement.stated, statement.every, statement.every) is not None:
            raise InputFileError(
                str(self.path), f"its {_statement_name(statement, own_account)} {problem}", CONTROL_FIX
            )
        self.summaries.append((statement.stated, statement.currency))

    def _check_balances(self, statement: _Statement, own_account: str | None) -> None:
        """Opening plus booked credits less booked debits against the closing balance, when the
        statement states both, in one currency with its entries, and every booked amount is read."""
        debits, credits = statement.booked["DBIT"], statement.booked["CRDT"]
        if statement.opening is None or statement.closing is None or debits.total is None or credits.total is None:
            return
        if len({statement.opening[1], statement.closing[1], *statement.currencies} - {None}) > 1:
            return  # an entry in another currency than the balances': not added up here
        moves = EXACT.subtract(credits.total, debits.total)
        if EXACT.add(statement.opening[0], moves) != statement.closing[0]:
            raise InputFileError(
                str(self.path),
                f"its {_statement_name(statement, own_account)} opens at {_figure(statement.opening[0])}, moves "
                f"{'+' if moves > 0 else ''}{_figure(moves)} and says it closes at {_figure(statement.closing[0])}",
                CONTROL_FIX,
            )
        self.balanced.append((debits, statement.currency))

    def group_header(self, element: ET.Element) -> None:
        self.group = _stated(element, "NbOfTxs", "CtrlSum")
        element.clear()

    def check_group_header(self) -> None:
        """NbOfTxs may count the entries or their transactions (a batch entry's details)."""
        if self.group is None or not GUARDS.control_totals:
            return
        count, amount = self.group
        counts = {self.booked.count, self.every.count, self.transactions}
        totals = {self.booked.total, self.every.total}
        if (count is None or count in counts) and (amount is None or None in totals or amount in totals):
            return
        problem = _says(self.group, self.booked, "ALL", self.every if self.booked.count != self.every.count else None)
        raise InputFileError(str(self.path), f"its group header {problem}", CONTROL_FIX)

    def control(self) -> Control | None:
        """The debit totals the statements state (the payments), else all their entries', else the
        group header's. Of the statements in VND alone when the file holds some (a statement of a USD
        account beside them, whose rows are rejected, is one of those left out: its amounts are never
        added to VND)."""
        summaries, balanced = _in_vnd(self.summaries), _in_vnd(self.balanced)
        for key, kind in (("DBIT", "debit entries"), ("ALL", "all entries")):
            stating = [s[key] for s in summaries if key in s]
            if not stating:
                continue
            counts = [count for count, _ in stating if count is not None]
            amounts = [amount for _, amount in stating if amount is not None]
            noun = next(iter(self.nouns)) if len(self.nouns) == 1 else "statement"
            of = f" of {len(stating)} of {self.statements} {noun}s" if len(stating) < self.statements else ""
            return Control(
                count=sum(counts) if len(counts) == len(stating) else None,  # None when one states none
                amount=format(_sum(amounts), "f") if len(amounts) == len(stating) else None,
                what=f"camt TxsSummry{of} ({kind})",
                checked=True,
            )
        if self.group is not None:
            count, amount = self.group
            return Control(
                count=count, amount=None if amount is None else format(amount, "f"), what="camt GrpHdr", checked=True
            )
        if balanced:
            of = f" of {len(balanced)} of {self.statements} statements" if len(balanced) < self.statements else ""
            total = sum((t.total for t in balanced if t.total is not None), Decimal(0))
            return Control(
                count=sum(t.count for t in balanced),
                amount=format(total, "f"),
                what=f"camt balances{of} (debits)",
                checked=True,
            )
        return None


def _in_vnd(items: list[tuple[T, str | None]]) -> list[T]:
    """The items of statements in VND (or naming no currency), when there are any; else all (a file of a
    foreign account alone, refused in a run, is checked in its own currency)."""
    vnd = [item for item, currency in items if currency in (None, "VND")]
    return vnd if vnd or not items else [item for item, _ in items]


def _date(text: str | None) -> date | None:
    """An ISO date (`2024-09-16`, or the day of a `2024-09-16T23:59:59`, in Vietnam's time where it
    gives a zone: camt_entries.date_of), None for anything else."""
    try:
        return date.fromisoformat((date_of(text) or "")[:10])
    except ValueError:
        return None


def _stated(element: ET.Element | None, count_tag: str, sum_tag: str) -> tuple[int | None, Decimal | None] | None:
    """A stated count and sum; None when neither is there (or readable)."""
    text = xml_text(element, count_tag)
    count = int(text) if text and NUMBER.fullmatch(text) else None
    amount = _decimal(xml_text(element, sum_tag))
    return None if count is None and amount is None else (count, amount)


def _disagreement(
    stated: dict[str, tuple[int | None, Decimal | None]], read: dict[str, _Tally], every: dict[str, _Tally]
) -> str | None:
    """What the first stated total that disagrees with the entries read says, or None: debits first."""
    for key in SUMMARY:
        if key not in stated:
            continue
        count, amount = stated[key]
        tally = read[key]
        if (count is not None and count != tally.count) or (
            amount is not None and tally.total is not None and amount != tally.total
        ):
            return _says(stated[key], tally, key, every[key] if every[key].count != tally.count else None)
    return None


def _says(stated: tuple[int | None, Decimal | None], read: _Tally, key: str, every: _Tally | None) -> str:
    """'says it holds 120 debit entries of 45,000,000 but 118 debit entries of 44,100,000 were read';
    with the booked entries first when some are not booked."""
    count, amount = stated
    kind = KINDS[key]
    booked = "booked " if every is not None else ""
    also = ""
    if every is not None:
        all_read = _entries_of(every.count, every.total if amount is not None else None, kind)
        also = f" ({all_read} counting those not booked)"
    if count is None:
        read_total = _figure(read.total) if read.total is not None else "unknown"
        assert amount is not None  # a stated total has a count, a sum or both (_stated)
        return (
            f"says its {kind}entries total {_figure(amount)} but the {booked}{kind}entries read total "
            f"{read_total}{also}"
        )
    return (
        f"says it holds {_entries_of(count, amount, kind)} but "
        f"{_entries_of(read.count, read.total if amount is not None else None, booked + kind)} "
        f"{'was' if read.count == 1 else 'were'} read{also}"
    )


def _entries_of(count: int, amount: Decimal | None, kind: str) -> str:
    """'118 debit entries of 44,100,000', '1 entry'."""
    text = f"{count:,} {kind}{'entry' if count == 1 else 'entries'}"
    return f"{text} of {_figure(amount)}" if amount is not None else text


def _figure(amount: Decimal) -> str:
    """An amount with thousands commas and its fraction as written: 1,234.50. A sum of the entries
    read drops a zero fraction (see `_Tally.add`)."""
    return format(amount, ",f")


def _sum(amounts: list[Decimal]) -> Decimal:
    total = amounts[0]
    for amount in amounts[1:]:
        total = EXACT.add(total, amount)
    return total


def _currency(amount: ET.Element | None) -> str | None:
    code = amount.get("Ccy") if amount is not None else None
    return code.strip().upper() or None if code else None


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text and DECIMAL.fullmatch(text) else None


def _statement_name(statement: _Statement, own_account: str | None) -> str:
    """'statement STMT-0924' by its Id, or 'statement 2' by its position when it has none or its Id
    holds an account or ID number (banks often build it from the account number)."""
    value = statement.id
    if (
        value is None
        or LONG_NUMBER.search(value)
        or (own_account and own_account in value)
        or (own_account and own_account.lstrip("0") and own_account.lstrip("0") in value)
    ):
        return f"{statement.noun} {statement.position}"
    return f"{statement.noun} {value}"
