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
statement does not itemise (`Btch/NbOfTxs` > 1, no `TxDtls`), or whose several `TxDtls` state no
amount (one row of the entry's amount): the reader gives the reason in `aside`, and the caller sets
the row aside with it. An entry whose transaction details add up to less
than its amount (a batch that itemises some of its transfers) gives one more row, after them: the
rest of its amount, set aside with the entry's amount and what its details add up to, so that every
dong of the entry is read, loaded, rejected or set aside; a booked debit whose details, all debits,
add up to more than it is refused: transfers it lists did not leave the account (camt_amounts.py).
A transfer's amount is its own, else the amount instructed; the instructed one when its own is it
and its charges together (the amount booked, the bank's fee included). A
return or reversal (`RtrInf`, or `RvslInd` true) is `returned`, with the reason code and its meaning
in the narrative: `return reason MD07 (end customer deceased)`. A bank transaction code of
sub-family `RRTN` (a returned transfer) also marks a return, for banks that send no `RtrInf`.

The payee is the creditor of a debit (the debtor of a credit); a debit without a creditor has none.
The ID is looked for in the free-text remittance (the narrative: its `Ustrd` pieces joined, without
a space after a piece of 35 or 140 characters, which the bank cut where it was full) and in the other references: a
12-digit number that starts with a place-of-birth code in the end-to-end or instruction id, the
structured creditor reference or remittance, the additional information, or the creditor's private
identification (`Id/PrvtId/Othr/Id`) is added to the narrative with its field's name. The value date is the entry's value date, else its booking date,
else the transaction's interbank settlement (or transaction) date, else the statement's own date
(the end of the period it covers, else its creation). `bank_ref` is the bank's own reference of the
transaction (`AcctSvcrRef`, else `UETR`, else a `TxId` that is not already the payment reference).

A bank books a returned transfer twice: the debit of the payment, then a credit when the money
comes back. Each payment should appear once with its final status, so when the original debit is
in the same file (same amount, and same reference or a bank reference the return names; among
several, the one whose account, ID or name the return names: camt_returns.py), that debit row
becomes `returned` (with the reason) and the return stays a credit (`CRDT`, set aside). A return
that fits several debits and names none of them apart marks none: it is set aside, naming their
rows, for an officer to ask the bank. When the original is not in the file (it was in an
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
exactly, and checks what is stated when the statement ends (its opening and closing balances too,
as an MT940's; the group header at the end of the file;
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
from pathlib import Path
from xml.parsers import expat

import polars as pl
from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from reconcile.errors import InputFileError
from reconcile.readers import limits
from reconcile.readers.camt_amounts import ItemisedMore
from reconcile.readers.camt_entries import NOT_BOOKED, account_number, date_of, entry_rows, entry_status
from reconcile.readers.camt_returns import pair_returns
from reconcile.readers.camt_totals import Totals
from reconcile.readers.chain import Span
from reconcile.readers.statements import HEADERS, refuse_foreign, statement_frame
from reconcile.readers.tables import Control
from reconcile.readers.xmlpath import local_name, namespace_of, xml_clean, xml_text

MESSAGES = {"BkToCstmrStmt": "Stmt", "BkToCstmrDbtCdtNtfctn": "Ntfctn"}  # camt.053, camt.054
SUPPORTED = "a camt.053 statement or camt.054 debit/credit notification"
MESSAGE_TYPE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.[0-9]{3})\.[0-9]{3}\.[0-9]{2}")
SAFETY_FIX = "ask the bank for the plain camt export, without a DOCTYPE"
ITEMISED_MORE_FIX = (
    "ask the bank for the statement again and which of the entry's transfers it paid; the file may be edited"
)


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
    headers, frame, first_row, _ = read_with_control(path, vnd_only=False)
    return headers, frame.select(headers), first_row


def read_with_control(
    path: Path, vnd_only: bool = True, spans: list[Span] | None = None
) -> tuple[list[str], pl.DataFrame, int, Control | None]:
    """As `read`, and the file's own totals once checked against the entries read (None when it
    states none). A file whose totals disagree with its entries is refused, and so is one whose entries
    are all in another currency than VND (unless `vnd_only` is false). Each statement's account and
    balances are added to `spans`, for the chain of the statements given together (chain.py)."""
    totals = Totals(path)
    rows: list[dict] = []
    for entry, statement in _entries(path, totals):
        try:
            rows.extend(entry_rows(entry, statement, len(rows) + 1))
        except ItemisedMore as exc:
            raise InputFileError(str(path), str(exc), ITEMISED_MORE_FIX) from None
        entry.clear()  # streamed: a statement of 100,000 transfers is never held whole
    # a statement without entries (a day without movements) is a statement: zero rows, not an error
    pair_returns(rows)
    if vnd_only:
        refuse_foreign(path, [row["_currency"] for row in rows])
    frame = statement_frame(rows, [row["_return"] and row["direction"] == "DBIT" for row in rows])
    if spans is not None:
        spans.extend(totals.spans)
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
    source = limits.XmlTextCheck(fh, path, lambda: stack[-1] if stack else "")
    events = iterparse(source, events=("start", "end"), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    try:
        for event, element in events:
            source.seen = source.total
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
                if element.attrib:
                    source.attributes(element, name)
                found = found or name in MESSAGES
                if len(stack) >= 2 and MESSAGES.get(stack[-2]) == name:
                    statement = {"account": None, "date": None}  # a new statement or notification
                    totals.start(name)
                continue
            name = stack.pop()
            if (text := element.text) and len(text) > source.short:
                source.text(text, name)
            if len(stack) >= 2 and MESSAGES.get(stack[-2]) == stack[-1]:  # a child of Stmt or Ntfctn
                if name == "Acct":
                    statement["account"] = account_number(element)
                    statement["servicer"] = xml_text(element, "Svcr", "FinInstnId", "BICFI") or xml_text(
                        element, "Svcr", "FinInstnId", "BIC"
                    )
                elif name == "FrToDt":
                    statement["date"] = date_of(xml_text(element, "ToDtTm") or xml_text(element, "ToDt"))
                elif name == "CreDtTm" and statement["date"] is None:
                    statement["date"] = date_of(xml_text(element))
                elif name == "Id":
                    totals.statement_id(xml_clean(element.text))
                elif name == "Bal":
                    totals.balance(element)
                elif name == "TxsSummry":
                    totals.summary(element)
                    element.clear()
                elif name == "Ntry":
                    totals.entry(element, (entry_status(element) or "").upper() not in NOT_BOOKED)
                    yield element, statement
            elif stack and MESSAGES.get(stack[-1]) == name:  # the end of a Stmt or Ntfctn
                totals.end(statement["account"], statement.get("servicer"))
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
