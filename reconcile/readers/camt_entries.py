"""The rows of a camt entry: one per transaction (`Ntry/NtryDtls/TxDtls`, or the entry itself when
it has none), with its counterparty, amount, date, status (booked, returned) and why it is no
payment (`aside`: not booked, the bank's own charges, a batch not itemised, the part of an entry its
details do not itemise, said to be their charges when their `Chrgs` add up to it). See camt.py for the rules; camt_amounts.py
reads the transfers' amounts and what they add up to; camt_returns.py pairs a return with its original."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from reconcile.readers.camt_amounts import NOT_BOOKED, entry_status, transfer_sources, unitemised, vnd
from reconcile.readers.camt_amounts import number as decimal_of
from reconcile.readers.camt_references import bank_reference, ids_elsewhere, nth_reference, payment_reference
from reconcile.readers.mt940_details import joined
from reconcile.readers.statements import SWIFT_OWN
from reconcile.readers.xmlpath import xml_child, xml_children, xml_clean, xml_text

# Ustrd is up to 140 characters; banks that carry a SWIFT text over cut it into pieces of 35
USTRD_LENGTH, USTRD_LINE = 140, 35

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ZONE = re.compile(r"[+-][0-9]{2}:?[0-9]{2}$")  # after the date: a time's zone
VIETNAM = timezone(timedelta(hours=7))

# ISO 20022 external return reason codes (ExternalReturnReason1Code), short English meanings.
RETURN_REASONS = {
    "AC01": "incorrect account number",
    "AC03": "invalid creditor account number",
    "AC04": "closed account",
    "AC06": "blocked account",
    "AG01": "transaction forbidden on this account",
    "AM04": "insufficient funds",
    "AM05": "duplicate payment",
    "BE01": "payee does not match the account",
    "BE04": "missing creditor address",
    "MD07": "end customer deceased",
    "MS02": "reason not specified, by the customer",
    "MS03": "reason not specified, by the bank",
    "RC01": "incorrect bank identifier",
    "RR01": "missing debtor account or identification",
    "RR02": "missing debtor name or address",
    "RR03": "missing creditor name or address",
    "RR04": "regulatory reason",
}

# Bank transaction sub-families (ISO 20022 BkTxCd) of entries that are the bank's own, not a transfer
BANK_OWN = {
    "CHRG": "bank charges",
    "COMM": "bank commission",
    "FEES": "bank fees",
    "TAXE": "tax",
    "INTR": "interest",
    "ADJT": "an adjustment by the bank",
}

OPPOSITE = {"DBIT": "CRDT", "CRDT": "DBIT"}
CREDIT_TAKEN_BACK = "a reversal of money into the account (RvslInd on a debit): money in taken back, not a payment"


def entry_rows(entry: ET.Element, statement: dict, first_row: int = 1) -> list[dict]:
    """The entry's rows (the first of them row `first_row` of the file), and one for the part of its
    amount that its transaction details do not itemise, if any (`unitemised`)."""
    details = [tx for nd in xml_children(entry, "NtryDtls") for tx in xml_children(nd, "TxDtls")]
    booking = xml_text(entry, "CdtDbtInd")
    status_code = (entry_status(entry) or "").upper()
    reversal = (xml_text(entry, "RvslInd") or "").lower() in ("true", "1")
    entry_date = _date(xml_child(entry, "ValDt")) or _date(xml_child(entry, "BookgDt"))
    entry_ref = xml_text(entry, "NtryRef") or xml_text(entry, "AcctSvcrRef")
    entry_info = xml_text(entry, "AddtlNtryInf")
    batch = _batch_size(entry)
    rows = []
    for n, tx in enumerate(details or [None], start=1):
        # the transfer's own amount, else the amount its debtor instructed (in the entry's currency:
        # the entry may add the bank's charges to it, `Chrgs`; so may its own amount, the one booked:
        # camt_amounts.transfer_sources), else the entry's when it is one transfer
        sources = transfer_sources(tx, entry)
        amount = next((a for a in map(_amount, sources) if a), None) or (
            _amount(xml_child(entry, "Amt")) if len(details) <= 1 else None
        )
        currency = next(
            (xml_clean(e.get("Ccy")) for e in (*sources, xml_child(entry, "Amt")) if e is not None),
            None,
        )
        direction = xml_text(tx, "CdtDbtInd") or booking
        code_holder = tx if xml_child(tx, "BkTxCd") is not None else entry
        # a reversal booked as a debit takes back money that came in (the treasury's funding credited
        # twice, say): no payment, and no payment's return; a reversal credit brings a payment's money back
        taken_back = reversal and direction == "DBIT"
        returned = (reversal or xml_child(tx, "RtrInf") is not None or _return_code(code_holder)) and not taken_back
        original = OPPOSITE.get(direction, direction) if returned and direction is not None else direction
        name, account, bank = _counterparty(tx, original, statement["account"], returned)
        narrative = remittance(tx) or xml_text(tx, "AddtlTxInf") or entry_info
        reason = _return_reason(tx, reversal) if returned else None
        rows.append(
            {
                "payment_ref": payment_reference(tx) or nth_reference(entry_ref, n, len(details)),
                "payee_name": name,
                "bank_code": bank,
                "account_number": account,
                "amount": amount,
                # the entry's own dates, else the transaction's settlement date, else the statement's
                "value_date": entry_date
                or date_of(xml_text(tx, "RltdDts", "IntrBkSttlmDt"))
                or date_of(xml_text(tx, "RltdDts", "TxDtTm"))
                or statement["date"],
                "channel": "bank",
                "status": "returned" if returned else "success",
                "narrative": "; ".join(p for p in (narrative, *ids_elsewhere(tx, narrative), reason) if p) or None,
                "direction": original,
                "aside": CREDIT_TAKEN_BACK
                if taken_back
                else _aside(code_holder, status_code, original, batch if not details else None),
                "bank_ref": bank_reference(tx) or (xml_text(entry, "AcctSvcrRef") if len(details) <= 1 else None),
                "_booked": direction,
                "_return": returned,
                "_reason": reason,
                "_currency": currency,
            }
        )
    total = _amount(xml_child(entry, "Amt"))
    if len(details) > 1 and decimal_of(total) is not None and all(row["amount"] is None for row in rows):
        # no transfer's amount given (an entry in VND): one row for the entry, its amount, set aside saying why
        batch_aside = _aside(entry, status_code, booking, None) or _unamounted(Decimal(str(total)), len(details))
        return [{**rows[0], **_entry_row(entry, statement, booking, str(total)), "aside": batch_aside}]
    rest = unitemised(entry, rows, first_row) if details else None
    if rest is not None:
        rows.append(
            {
                **dict.fromkeys(("payee_name", "bank_code", "account_number", "_reason")),
                "payment_ref": entry_ref,
                "amount": rest[0],
                "value_date": entry_date or statement["date"],
                "channel": "bank",
                "status": "success",
                "narrative": entry_info,
                "direction": booking,
                "aside": rest[1] if booking == "DBIT" else None,  # money in: set aside as a credit
                "bank_ref": xml_text(entry, "AcctSvcrRef"),
                "_booked": booking,
                "_return": False,
                "_currency": rows[0]["_currency"],
            }
        )
    return rows


def _entry_row(entry: ET.Element, statement: dict, booking: str | None, amount: str) -> dict:
    """The values of a row that stands for a whole entry, not one of its transfers."""
    return {
        **dict.fromkeys(("payee_name", "bank_code", "account_number", "_reason")),
        "payment_ref": xml_text(entry, "NtryRef") or xml_text(entry, "AcctSvcrRef"),
        "amount": amount,
        "value_date": _date(xml_child(entry, "ValDt")) or _date(xml_child(entry, "BookgDt")) or statement["date"],
        "status": "success",
        "narrative": xml_text(entry, "AddtlNtryInf"),
        "direction": booking,
        "bank_ref": xml_text(entry, "AcctSvcrRef"),
        "_booked": booking,
        "_return": False,
    }


def _unamounted(total: Decimal, details: int) -> str:
    """Why an entry whose transaction details state no amount is set aside (as a batch not itemised)."""
    return (
        f"a batch entry of {vnd(total)} VND whose {details:,} transaction details state no amount: its transfers "
        "are read from the batch's own list (camt.054 or payment file), to be given too"
    )


def remittance(tx: ET.Element | None) -> str | None:
    """The free-text remittance: its `Ustrd` pieces joined, without a space after a piece the bank
    cut where it was full (35 or 140 characters), maybe in the middle of an ID (as MT940's lines)."""
    pieces = [c.text or "" for c in xml_children(xml_child(tx, "RmtInf"), "Ustrd")]
    return xml_clean(joined(pieces, USTRD_LENGTH, (USTRD_LINE,)))


def _aside(code_holder: ET.Element | None, status_code: str, direction: str | None, batch: int | None) -> str | None:
    """Why an entry is no payment to reconcile, or None: not booked yet, the bank's own charges, or a
    batch of transfers the statement does not itemise (its total is no one's payment)."""
    if status_code in NOT_BOOKED:
        return f"entry not booked ({NOT_BOOKED[status_code]}, status {status_code}): no completed payment"
    sub_family = (xml_text(code_holder, "BkTxCd", "Domn", "Fmly", "SubFmlyCd") or "").upper()
    if sub_family in BANK_OWN and direction == "DBIT":
        return f"{BANK_OWN[sub_family]} (bank transaction code {sub_family}), not a payment to a beneficiary"
    # a bank's own code in the SWIFT style ('NCHG', 'NCHG+808'), for banks that give no ISO domain
    proprietary = (xml_text(code_holder, "BkTxCd", "Prtry", "Cd") or "").upper()
    what = SWIFT_OWN.get(proprietary[1:4]) if proprietary[:1] == "N" else None
    if what and direction == "DBIT":
        return f"{what} (bank transaction code {proprietary}), not a payment to a beneficiary"
    if batch is not None and batch > 1 and direction == "DBIT":
        return (
            f"a batch of {batch:,} transfers booked as one entry, not itemised in the statement: its "
            "transfers are read from the batch's own list (camt.054 or payment file), to be given too"
        )
    return None


def _batch_size(entry: ET.Element) -> int | None:
    """The number of transfers a batch entry says it holds (`NtryDtls/Btch/NbOfTxs`), or None."""
    text = xml_text(entry, "NtryDtls", "Btch", "NbOfTxs")
    return int(text) if text and text.isdigit() else None


def _counterparty(
    tx: ET.Element | None, direction: str | None, own_account: str | None, returned: bool = False
) -> tuple[str | None, str | None, str | None]:
    """Name, account and bank of the other party: the creditor of a debit, the debtor of a credit.

    A debit without a creditor has no payee (the debtor is the payer, the office itself). A return may
    list the parties of the return rather than of the original payment, so either side is looked at;
    a party whose account is the statement's own account is never the counterparty.
    """
    sides = [("Cdtr", "CdtrAcct", "CdtrAgt"), ("Dbtr", "DbtrAcct", "DbtrAgt")]
    if direction == "CRDT":
        sides.reverse()
    if not returned:
        sides = sides[:1]
    parties = xml_child(tx, "RltdPties")
    found = []
    for party, account, agent in sides:
        name = (
            xml_text(parties, party, "Nm") or xml_text(parties, party, "Pty", "Nm") or xml_text(parties, account, "Nm")
        )
        number = account_number(xml_child(parties, account))
        if name is None and number is None:
            continue
        if own_account is not None and number == own_account:
            continue
        institution = xml_child(tx, "RltdAgts", agent, "FinInstnId")
        bank = (
            xml_text(institution, "BICFI")
            or xml_text(institution, "BIC")
            or xml_text(institution, "ClrSysMmbId", "MmbId")
            or xml_text(institution, "Nm")
        )
        found.append((name, number, bank))
    return found[0] if found else (None, None, None)


def _return_code(element: ET.Element | None) -> bool:
    """Whether the bank transaction code says 'returned' (family ICDT/RCDT, sub-family RRTN)."""
    return xml_text(element, "BkTxCd", "Domn", "Fmly", "SubFmlyCd") == "RRTN"


def _return_reason(tx: ET.Element | None, reversal: bool) -> str:
    code = xml_text(tx, "RtrInf", "Rsn", "Cd")
    if code:
        code = code.upper()
        meaning = RETURN_REASONS.get(code)
        return f"return reason {code} ({meaning})" if meaning else f"return reason {code}"
    proprietary = xml_text(tx, "RtrInf", "Rsn", "Prtry")
    if proprietary:
        return f"return reason {proprietary}"
    return "reversal" if reversal and xml_child(tx, "RtrInf") is None else "returned"


def _amount(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    value = xml_clean(element.text)
    if value is None:
        return None
    currency = xml_clean(element.get("Ccy"))
    return value if currency in (None, "VND") else f"{value} {currency}"


def _date(element: ET.Element | None) -> str | None:
    """The date of a `Dt` or the date part of a `DtTm` (as the bank wrote it, in its own time)."""
    return date_of(xml_text(element, "Dt") or xml_text(element, "DtTm"))


def date_of(value: str | None) -> str | None:
    """A date, or the date part of a date and time, as the bank wrote it (in its own time); a time
    with a zone (`2024-08-31T18:30:00Z`, `...+00:00`) in Vietnam's (UTC+7), whose day it is in the
    province: the transfer of 01:30 on 1 September is September's, not 31 August's."""
    if value and ISO_DATE.match(value):
        if len(value) > 10 and (value.endswith("Z") or ZONE.search(value, 10)):
            try:
                return datetime.fromisoformat(value).astimezone(VIETNAM).date().isoformat()
            except ValueError:
                return value  # not a date: refused as such where it is read
        return value[:10]
    return value


def account_number(element: ET.Element | None) -> str | None:
    return xml_text(element, "Id", "Othr", "Id") or xml_text(element, "Id", "IBAN")
