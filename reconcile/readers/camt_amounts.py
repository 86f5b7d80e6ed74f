"""The amounts of a camt entry's transfers, and how they add up to the entry's.

A transfer's amount is its own (`TxDtls/Amt`, `AmtDtls/TxAmt`), else the amount its debtor
instructed in the entry's currency (`AmtDtls/InstdAmt`); when its own amount is the instructed amount
and its charges (`Chrgs`) together, the bank stated the amount it booked, fee included, and the
beneficiary was paid the instructed amount (`transfer_sources`). The details of an entry that add
up to less than its amount leave a rest, set aside (`unitemised`: the transfers' charges, or the part
of a batch in its own list); details of a booked debit that add up to more than it are transfers
that did not leave the account, and the file is refused (`ItemisedMore`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from reconcile.readers.xmlpath import xml_child, xml_children, xml_clean, xml_text

NOT_BOOKED = {"PDNG": "pending", "FUTR": "future", "INFO": "information only"}


class ItemisedMore(ValueError):
    """A booked debit entry whose transaction details add up to more than it: what the file says of it
    (the reader adds the path and what to do)."""


def transfer_sources(tx: ET.Element | None, entry: ET.Element) -> tuple[ET.Element | None, ...]:
    """The amounts a transfer states, the one to read first: its own (`Amt`, `AmtDtls/TxAmt`), then the
    instructed one in the entry's currency; the instructed one alone when its own is it plus the
    transfer's charges (the bank's booked amount, its fee included: 1,511,000 of 1,500,000 and 11,000)."""
    instructed = xml_child(tx, "AmtDtls", "InstdAmt", "Amt")
    if instructed is not None and currency_of(instructed) != currency_of(xml_child(entry, "Amt")):
        instructed = None
    own = xml_child(tx, "Amt")
    own = own if own is not None else xml_child(tx, "AmtDtls", "TxAmt", "Amt")
    if own is not None and instructed is not None and currency_of(own) in (None, "VND"):
        booked, paid, charges = _value(own), _value(instructed), charges_of(tx)
        if booked is not None and paid is not None and charges and paid + charges == booked:
            return (instructed,)
    return (xml_child(tx, "Amt"), xml_child(tx, "AmtDtls", "TxAmt", "Amt"), instructed)


def unitemised(entry: ET.Element, rows: list[dict], first_row: int) -> tuple[str, str] | None:
    """The amount of an entry in VND that its transaction details (rows first_row...) do not add up
    to, and why it is set aside; None when they add up, or when a detail has no amount or the entry or
    a detail is in another currency (those rows are rejected for it, each transfer on its own).
    ItemisedMore for a booked debit whose details, debits all, add up to more than it."""
    amount = xml_child(entry, "Amt")
    if amount is None or xml_clean(amount.get("Ccy")) not in (None, "VND"):
        return None
    total = number(xml_clean(amount.text))
    if total is None:
        return None
    if any((row["_currency"] or "VND").upper() != "VND" for row in rows):
        return None
    parts = [number(row["amount"]) for row in rows]
    known = [p for p in parts if p is not None]
    if len(known) < len(parts):
        return None
    itemised = sum(known, Decimal(0))
    last = first_row + len(rows) - 1
    which, where = ("row", f"{first_row}") if last == first_row else ("rows", f"{first_row}-{last}")
    if itemised > total and _debits_alike(entry, rows):
        ref, more = xml_text(entry, "AcctSvcrRef") or xml_text(entry, "NtryRef"), vnd(itemised - total)
        raise ItemisedMore(
            f"its entry {ref + ' ' if ref else ''}of {vnd(total)} VND is itemised as transfers ({which} {where}) that "
            f"add up to {vnd(itemised)} VND, more than the entry booked: {more} VND of them did not leave the account"
        )
    if itemised >= total:
        return None
    charges = _charges(entry)
    if charges is not None and itemised + charges == total:
        return format(charges, "f"), (
            f"{vnd(charges)} VND of an entry of {vnd(total)} VND: the bank's charges on its transfers "
            "(Chrgs), not a payment to a beneficiary"
        )
    return format(total - itemised, "f"), (
        f"{vnd(total - itemised)} VND of an entry of {vnd(total)} VND not itemised in the statement: its "
        f"transaction details ({which} {where}) add up to {vnd(itemised)} VND; the rest is in the batch's "
        "own list (camt.054 or payment file), to be given too"
    )


def _debits_alike(entry: ET.Element, rows: list[dict]) -> bool:
    """Whether an entry is a booked debit whose details are all debits, none a return: what they add
    up to is what left the account (a credit may be booked net of charges its details do not state)."""
    status = (entry_status(entry) or "").upper()
    return (
        xml_text(entry, "CdtDbtInd") == "DBIT"
        and status not in NOT_BOOKED
        and all(row["_booked"] == "DBIT" and not row["_return"] for row in rows)
    )


def entry_status(entry: ET.Element) -> str | None:
    return xml_text(entry, "Sts", "Cd") or xml_text(entry, "Sts", "Prtry") or xml_text(entry, "Sts")


def _charges(entry: ET.Element) -> Decimal | None:
    """The charges an entry's transfers state they bear, in VND; None when none is stated, or one
    cannot be read."""
    amounts = [
        a for nd in xml_children(entry, "NtryDtls") for tx in xml_children(nd, "TxDtls") for a in _charges_in(tx)
    ]
    if not amounts or any(a is None for a in amounts):
        return None
    return sum((a for a in amounts if a is not None), Decimal(0))


def charges_of(tx: ET.Element | None) -> Decimal | None:
    """The charges one transfer states it bears, in VND; None when it states none, or one cannot be read."""
    amounts = _charges_in(tx)
    if not amounts or any(a is None for a in amounts):
        return None
    return sum((a for a in amounts if a is not None), Decimal(0))


def _charges_in(tx: ET.Element | None) -> list[Decimal | None]:
    """The amounts of a transfer's charges (`Chrgs`: the total, else each record's amount, else, in
    version 02, each charge's), None for one unreadable or not in VND; [] when it states none."""
    charges = xml_child(tx, "Chrgs")
    if charges is None:
        return []
    amounts = [xml_child(charges, "TtlChrgsAndTaxAmt")]
    if amounts[0] is None:
        amounts = [xml_child(r, "Amt") for r in xml_children(charges, "Rcrd")] or [xml_child(charges, "Amt")]
    return [_value(a) if currency_of(a) in (None, "VND") else None for a in amounts]


def _value(amount: ET.Element | None) -> Decimal | None:
    return number(xml_clean(amount.text)) if amount is not None else None


def currency_of(amount: ET.Element | None) -> str | None:
    code = xml_clean(amount.get("Ccy")) if amount is not None else None
    return code.upper() if code else None


def number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def vnd(amount: Decimal) -> str:
    return f"{amount.normalize():,f}"
