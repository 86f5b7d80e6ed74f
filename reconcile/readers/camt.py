"""ISO 20022 camt XML: bank statements (camt.053) and debit/credit notifications (camt.054).

Any version (camt.053.001.02 ... .08 and later): elements are found by their local names, whatever
the namespace. Each transaction (`Ntry/NtryDtls/TxDtls`, or the entry itself when it has no
details) becomes one row of text under the canonical payment columns, plus `direction`:

- `DBIT`: a payment out of the account (what the reconciliation is about);
- `CRDT`: money in, not a payment: the caller sets these rows aside with a reason.

XML has no rows, so `source_row` is the n-th transaction in the file (1 for the first) and `read`
returns 1 as the first row number.

Status: a booked entry (`Sts` BOOK, or no status) is `success`. An entry not booked yet (`PDNG`
pending, `FUTR` future, `INFO` information only) is not a completed payment, and neither are the
bank's own charges, commission, fees, tax and interest (`BkTxCd` sub-family CHRG, COMM, FEES, TAXE,
INTR, or a proprietary code NCHG, NCOM, NINT, NTAX) nor a batch booked as one entry that the
statement does not itemise (`Btch/NbOfTxs` > 1, no `TxDtls`): the reader gives the reason in
`aside`, and the caller sets the row aside with it. A
return or reversal (`RtrInf`, or `RvslInd` true) is `returned`, with the reason code and its meaning
in the narrative: `return reason MD07 (end customer deceased)`. A bank transaction code of
sub-family `RRTN` (a returned transfer) also marks a return, for banks that send no `RtrInf`.

The payee is the creditor of a debit (the debtor of a credit); a debit without a creditor has none.
The ID is looked for in the free-text remittance (the narrative) and in the other references: a
12-digit number that starts with a place-of-birth code in the end-to-end or instruction id, the
structured creditor reference or remittance, the additional information, or the creditor's private
identification (`Id/PrvtId/Othr/Id`) is added to the narrative with its field's name. The value date is the entry's value date, else its booking date,
else the transaction's interbank settlement (or transaction) date, else the statement's own date
(the end of the period it covers, else its creation). `bank_ref` is the bank's own reference of the
transaction (`AcctSvcrRef`, else `UETR`, else a `TxId` that is not already the payment reference).

A bank books a returned transfer twice: the debit of the payment, then a credit when the money
comes back. Each payment should appear once with its final status, so when the original debit is
in the same file (same reference), that debit row becomes `returned` (with the reason) and the
return stays a credit (`CRDT`, set aside). When the original is not in the file (it was in an
earlier statement, or the file notifies the return alone), the return row stands for the payment:
its direction is that of the original payment (`DBIT` for a returned transfer) and its status
`returned`.

Amounts are kept as written (`1500000`, `1500000.00`: the amount normaliser accepts a zero
fraction and refuses any other). An amount in another currency than VND is written with its
currency (`100.50 USD`) so that the normaliser refuses it rather than read it as dong; a file all
of whose entries are in other currencies is refused whole (`read_with_control`).

The XML is parsed with defusedxml: a DTD with entity declarations (billion laughs) or an external
entity is refused before anything is expanded or fetched.

Control totals: a statement or notification may say what it holds (`TxsSummry`: how many entries, debit
entries and credit entries, and their sums), and some banks state `NbOfTxs`/`CtrlSum` for the whole
file in `GrpHdr`. The reader counts the entries of each statement as they stream past (`Ntry`, by the
entry's own `CdtDbtInd`: a batch entry is one entry, with its entry amount), sums their amounts
exactly, and checks what is stated when the statement ends (the group header at the end of the file;
its `NbOfTxs` may count the entries or their transactions). A file whose figures disagree is refused:
entries are missing or were edited. The totals usually cover the booked entries only (a pending entry
is not in the balance) and some banks count every entry, so either agreeing is agreement; `TtlNetNtry`
is not checked. `read_with_control` returns what agreed, to be recorded with the run: the stated debit
totals (the payments), else the totals of all entries, else the group header's. A message names a
statement by its `Id`, or by its position ("statement 2") when it has none or its `Id` holds a long
number (banks build it from the account number).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from xml.parsers import expat

import polars as pl
from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from reconcile.errors import InputFileError
from reconcile.readers import limits
from reconcile.readers.camt_totals import Totals
from reconcile.readers.statements import HEADERS, SWIFT_OWN, refuse_foreign
from reconcile.readers.tables import Control
from reconcile.readers.xmlpath import local_name, namespace_of, xml_child, xml_children, xml_clean, xml_text, xml_texts

MESSAGES = {"BkToCstmrStmt": "Stmt", "BkToCstmrDbtCdtNtfctn": "Ntfctn"}  # camt.053, camt.054
SUPPORTED = "a camt.053 statement or camt.054 debit/credit notification"
MESSAGE_TYPE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.[0-9]{3})\.[0-9]{3}\.[0-9]{2}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SAFETY_FIX = "ask the bank for the plain camt export, without a DOCTYPE"

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
NOT_BOOKED = {"PDNG": "pending", "FUTR": "future", "INFO": "information only"}
# Bank transaction sub-families (ISO 20022 BkTxCd) of entries that are the bank's own, not a transfer
BANK_OWN = {
    "CHRG": "bank charges",
    "COMM": "bank commission",
    "FEES": "bank fees",
    "TAXE": "tax",
    "INTR": "interest",
    "ADJT": "an adjustment by the bank",
}
ID_RUN = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
OPPOSITE = {"DBIT": "CRDT", "CRDT": "DBIT"}


def looks_like_camt(head: bytes) -> bool:
    """Whether the first bytes of a file look like XML to hand to this reader.

    Any XML counts (the reader says which message types it supports), except an Excel 2003 XML
    spreadsheet, which is not a bank message.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not (head.startswith(b"<?xml") or re.match(rb"<([A-Za-z_][\w.-]*:)?Document[\s>]", head)):
        return False
    return b"urn:schemas-microsoft-com:office:spreadsheet" not in head and b"mso-application" not in head


def read(path: Path) -> tuple[list[str], pl.DataFrame, int]:
    """Headers, one text column per header, and 1: the first transaction is row 1. Whatever the
    currency: a run refuses a statement that is not in VND (read_with_control)."""
    return read_with_control(path, vnd_only=False)[:3]


def read_with_control(path: Path, vnd_only: bool = True) -> tuple[list[str], pl.DataFrame, int, Control | None]:
    """As `read`, and the file's own totals once checked against the entries read (None when it
    states none). A file whose totals disagree with its entries is refused, and so is one whose entries
    are all in another currency than VND (unless `vnd_only` is false)."""
    totals = Totals(path)
    rows = []
    for entry, statement in _entries(path, totals):
        rows.extend(_entry_rows(entry, statement))
        entry.clear()  # streamed: a statement of 100,000 transfers is never held whole
    # a statement without entries (a day without movements) is a statement: zero rows, not an error
    _pair_returns(rows)
    if vnd_only:
        refuse_foreign(path, [row["_currency"] for row in rows])
    frame = pl.DataFrame({h: [row.get(h) for row in rows] for h in HEADERS}, schema=dict.fromkeys(HEADERS, pl.String))
    return list(HEADERS), frame, 1, totals.control()


# --------------------------------------------------------------------------------------------
# Parsing and refusing
# --------------------------------------------------------------------------------------------


def _entries(path: Path, totals: Totals) -> Iterator[tuple[ET.Element, dict]]:
    """Each complete `Ntry` of the statements or notifications, with what its statement says about
    all of them: the reported account's number (`account`) and the statement's date (`date`: the end of
    the period it covers, else when it was made), for entries that give no date of their own.

    Tags are reduced to their local names as the parser creates them, so any version reads the same.
    """
    try:
        with open(path, "rb") as fh:
            if not fh.read(1 << 16).strip() and not fh.read(1):
                raise InputFileError(
                    str(path), "file is empty", "check that the export finished and send the file again"
                )
            fh.seek(0)
            yield from _stream(path, fh, totals)
    except OSError as exc:
        raise InputFileError(
            str(path), f"cannot be opened ({exc.strerror})", "check the path and its permissions"
        ) from None


def _stream(path: Path, fh, totals: Totals) -> Iterator[tuple[ET.Element, dict]]:
    stack: list[str] = []  # local names of the open elements
    message_type = None  # from the first ISO 20022 namespace seen, to name what a refused file is
    found = False
    statement: dict = {"account": None, "date": None}
    events = iterparse(fh, events=("start", "end"), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    try:
        for event, element in events:
            if event == "start":
                if message_type is None and (match := MESSAGE_TYPE.match(namespace_of(element.tag))):
                    message_type = match.group(1)
                element.tag = name = local_name(element.tag)
                stack.append(name)
                if len(stack) > limits.CURRENT.max_xml_depth:
                    raise InputFileError(
                        str(path),
                        f"is XML nested deeper than {limits.CURRENT.max_xml_depth} levels "
                        "([limits] max_xml_depth), which no bank statement is",
                        "ask the bank to export the file again; it may be damaged or hostile",
                    )
                found = found or name in MESSAGES
                if len(stack) >= 2 and MESSAGES.get(stack[-2]) == name:
                    statement = {"account": None, "date": None}  # a new statement or notification
                    totals.start(name)
                continue
            name = stack.pop()
            if len(stack) >= 2 and MESSAGES.get(stack[-2]) == stack[-1]:  # a child of Stmt or Ntfctn
                if name == "Acct":
                    statement["account"] = _account(element)
                elif name == "FrToDt":
                    statement["date"] = _date_of(xml_text(element, "ToDtTm") or xml_text(element, "ToDt"))
                elif name == "CreDtTm" and statement["date"] is None:
                    statement["date"] = _date_of(xml_text(element))
                elif name == "Id":
                    totals.statement_id(xml_clean(element.text))
                elif name == "TxsSummry":
                    totals.summary(element)
                    element.clear()
                elif name == "Ntry":
                    totals.entry(element, (_status_code(element) or "").upper() not in NOT_BOOKED)
                    yield element, statement
            elif stack and MESSAGES.get(stack[-1]) == name:  # the end of a Stmt or Ntfctn
                totals.end(statement["account"])
            elif stack and stack[-1] in MESSAGES and name == "GrpHdr":
                totals.group_header(element)
    except EntitiesForbidden as exc:
        if exc.sysid or exc.pubid:
            raise InputFileError(
                str(path),
                "is XML that declares an external entity (a file or address to read), which is refused for safety",
                SAFETY_FIX,
            ) from None
        raise InputFileError(
            str(path), "is XML with entity declarations, which are refused for safety", SAFETY_FIX
        ) from None
    except ExternalReferenceForbidden:
        raise InputFileError(
            str(path), "is XML that refers to an external file or address, which is refused for safety", SAFETY_FIX
        ) from None
    except DefusedXmlException:
        raise InputFileError(
            str(path), "is XML with a document type declaration, which is refused for safety", SAFETY_FIX
        ) from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        raise InputFileError(
            str(path),
            f"is not well-formed XML (line {line}: {expat.ErrorString(exc.code)})",
            "ask the bank to export the file again; it may be cut short or edited by hand",
        ) from None
    except (LookupError, ValueError, UnicodeError):  # an encoding Python does not know
        raise InputFileError(
            str(path),
            "is XML in a character encoding that cannot be read",
            "ask the bank to export the file again as UTF-8 XML",
        ) from None
    if not found:
        _refuse_other_message(path, message_type)
    totals.check_group_header()


def _refuse_other_message(path: Path, message_type: str | None) -> None:
    if message_type in ("camt.053", "camt.054"):
        raise InputFileError(
            str(path),
            f"is ISO 20022 {message_type} XML without its statement or notification "
            "(BkToCstmrStmt or BkToCstmrDbtCdtNtfctn)",
            "ask the bank to export the file again; it may be cut short or edited by hand",
        )
    what = f"ISO 20022 {message_type} XML" if message_type else "XML but not an ISO 20022 bank statement"
    raise InputFileError(
        str(path),
        f"is {what}; only {SUPPORTED} can be read",
        "ask the bank for the account statement as camt.053 or camt.054 XML, or as Excel/CSV",
    )


# --------------------------------------------------------------------------------------------
# Entries and transactions
# --------------------------------------------------------------------------------------------


def _entry_rows(entry: ET.Element, statement: dict) -> list[dict]:
    details = [tx for nd in xml_children(entry, "NtryDtls") for tx in xml_children(nd, "TxDtls")]
    booking = xml_text(entry, "CdtDbtInd")
    status_code = (_status_code(entry) or "").upper()
    reversal = (xml_text(entry, "RvslInd") or "").lower() in ("true", "1")
    entry_date = _date(xml_child(entry, "ValDt")) or _date(xml_child(entry, "BookgDt"))
    entry_ref = xml_text(entry, "NtryRef") or xml_text(entry, "AcctSvcrRef")
    entry_info = xml_text(entry, "AddtlNtryInf")
    batch = _batch_size(entry)
    rows = []
    for n, tx in enumerate(details or [None], start=1):
        amount = (
            _amount(xml_child(tx, "Amt"))
            or _amount(xml_child(tx, "AmtDtls", "TxAmt", "Amt"))
            or (_amount(xml_child(entry, "Amt")) if len(details) <= 1 else None)
        )
        currency = next(
            (
                xml_clean(e.get("Ccy"))
                for e in (xml_child(tx, "Amt"), xml_child(tx, "AmtDtls", "TxAmt", "Amt"), xml_child(entry, "Amt"))
                if e is not None
            ),
            None,
        )
        direction = xml_text(tx, "CdtDbtInd") or booking
        code_holder = tx if xml_child(tx, "BkTxCd") is not None else entry
        returned = reversal or xml_child(tx, "RtrInf") is not None or _return_code(code_holder)
        original = OPPOSITE.get(direction, direction) if returned else direction
        name, account, bank = _counterparty(tx, original, statement["account"], returned)
        narrative = " ".join(xml_texts(tx, "RmtInf", "Ustrd")) or xml_text(tx, "AddtlTxInf") or entry_info
        reason = _return_reason(tx, reversal) if returned else None
        rows.append(
            {
                "payment_ref": _reference(tx) or _nth(entry_ref, n, len(details)),
                "payee_name": name,
                "bank_code": bank,
                "account_number": account,
                "amount": amount,
                # the entry's own dates, else the transaction's settlement date, else the statement's
                "value_date": entry_date
                or _date_of(xml_text(tx, "RltdDts", "IntrBkSttlmDt"))
                or _date_of(xml_text(tx, "RltdDts", "TxDtTm"))
                or statement["date"],
                "channel": "bank",
                "status": "returned" if returned else "success",
                "narrative": "; ".join(p for p in (narrative, *_ids_elsewhere(tx, narrative), reason) if p) or None,
                "direction": original,
                "aside": _aside(code_holder, status_code, original, batch if not details else None),
                "bank_ref": _bank_reference(tx) or (xml_text(entry, "AcctSvcrRef") if len(details) <= 1 else None),
                "_booked": direction,
                "_return": returned,
                "_reason": reason,
                "_currency": currency,
            }
        )
    return rows


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


def _private_id(party: ET.Element | None) -> str | None:
    """A party's private identification (`Id/PrvtId/Othr/Id`, under `Pty` in camt .08 and later)."""
    holder = xml_child(party, "Pty") if xml_child(party, "Pty") is not None else party
    return xml_text(holder, "Id", "PrvtId", "Othr", "Id")


@cache
def _birth_codes() -> frozenset[str]:
    """The place-of-birth codes an ID starts with (data/birth_provinces.csv): a 12-digit number that
    starts otherwise (an instruction number 000000000001) is no ID."""
    text = resources.files("reconcile.data").joinpath("birth_provinces.csv").read_text(encoding="utf-8")
    return frozenset(
        line.split(",", 1)[0]
        for line in text.splitlines()[1:]
        if line and not line.startswith("#") and line[:3].isdigit()
    )


def _batch_size(entry: ET.Element) -> int | None:
    """The number of transfers a batch entry says it holds (`NtryDtls/Btch/NbOfTxs`), or None."""
    text = xml_text(entry, "NtryDtls", "Btch", "NbOfTxs")
    return int(text) if text and text.isdigit() else None


def _ids_elsewhere(tx: ET.Element | None, narrative: str | None) -> list[str]:
    """The references other than the free-text remittance that hold a 12-digit number the narrative does
    not: the end-to-end and instruction ids, the structured creditor reference and remittance, the
    additional information. Written into the narrative, labelled, where the run looks for the ID."""
    fields = [
        ("EndToEndId", xml_text(tx, "Refs", "EndToEndId")),
        ("InstrId", xml_text(tx, "Refs", "InstrId")),
        (
            "creditor reference",
            " ".join(
                t
                for strd in xml_children(xml_child(tx, "RmtInf"), "Strd")
                for t in (xml_text(strd, "CdtrRefInf", "Ref"),)
                if t
            ),
        ),
        (
            "remittance",
            " ".join(
                t for strd in xml_children(xml_child(tx, "RmtInf"), "Strd") for t in xml_texts(strd, "AddtlRmtInf") if t
            ),
        ),
        ("additional information", xml_text(tx, "AddtlTxInf")),
        # the payee's own identification: where a G2P payment may carry the personal ID
        (
            "creditor id",
            " ".join(
                t for t in (_private_id(xml_child(tx, "RltdPties", party)) for party in ("Cdtr", "UltmtCdtr")) if t
            ),
        ),
    ]
    known = set(ID_RUN.findall(narrative or ""))
    found = []
    for label, value in fields:
        runs = {run for run in ID_RUN.findall(value or "") if run[:3] in _birth_codes()} - known
        if runs:
            found.append(f"{label} {value}")
            known |= runs
    return found


def _pair_returns(rows: list[dict]) -> None:
    """Mark the original debit of a return found in the same file as returned; see the module doc."""
    originals: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        if not row["_return"] and row["status"] == "success" and not row["aside"] and row["payment_ref"]:
            originals.setdefault((row["payment_ref"], row["direction"]), []).append(row)
    for row in rows:
        if row["_return"] and row["status"] == "returned" and row["payment_ref"]:
            candidates = originals.get((row["payment_ref"], row["direction"]))
            if candidates:
                original = candidates.pop(0)
                original["status"] = "returned"
                if row["_reason"]:
                    original["narrative"] = "; ".join(p for p in (original["narrative"], row["_reason"]) if p)
                row["direction"] = row["_booked"]  # the money coming back: a credit, set aside


def _status_code(entry: ET.Element) -> str | None:
    return xml_text(entry, "Sts", "Cd") or xml_text(entry, "Sts", "Prtry") or xml_text(entry, "Sts")


def _reference(tx: ET.Element | None) -> str | None:
    end_to_end = xml_text(tx, "Refs", "EndToEndId")
    if end_to_end and end_to_end.upper() != "NOTPROVIDED":
        return end_to_end
    return xml_text(tx, "Refs", "TxId") or xml_text(tx, "Refs", "InstrId")


def _bank_reference(tx: ET.Element | None) -> str | None:
    """The bank's own reference of a transaction: its servicer reference, else the UETR (SWIFT gpi),
    else the transaction id when the payment reference is not already it."""
    servicer = xml_text(tx, "Refs", "AcctSvcrRef") or xml_text(tx, "Refs", "UETR")
    if servicer:
        return servicer
    transaction = xml_text(tx, "Refs", "TxId")
    return transaction if transaction and transaction != _reference(tx) else None


def _nth(entry_ref: str | None, n: int, count: int) -> str | None:
    """The entry's reference for a transaction without its own: 'REF/2' for the second of a batch,
    so that the transfers of one batch are not taken for one payment reference used twice."""
    return f"{entry_ref}/{n}" if entry_ref and count > 1 else entry_ref


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
        number = _account(xml_child(parties, account))
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
    value = xml_clean(element.text) if element is not None else None
    if value is None:
        return None
    currency = xml_clean(element.get("Ccy"))
    return value if currency in (None, "VND") else f"{value} {currency}"


def _date(element: ET.Element | None) -> str | None:
    """The date of a `Dt` or the date part of a `DtTm` (as the bank wrote it, in its own time)."""
    return _date_of(xml_text(element, "Dt") or xml_text(element, "DtTm"))


def _date_of(value: str | None) -> str | None:
    """A date, or the date part of a date and time, as the bank wrote it (in its own time)."""
    if value and ISO_DATE.match(value):
        return value[:10]
    return value


def _account(element: ET.Element | None) -> str | None:
    return xml_text(element, "Id", "Othr", "Id") or xml_text(element, "Id", "IBAN")
