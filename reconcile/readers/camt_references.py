"""The references of a camt transaction: the payment's own (end-to-end, else transaction or
instruction id), the bank's (servicer reference, UETR), and the 12-digit IDs that other fields hold
(end-to-end and instruction ids, structured remittance, additional information, the creditor's
private identification), to be added to the narrative with their field's name. See camt.py."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from importlib import resources

from reconcile.normalise.accounts import ACCOUNT_NAMED, NUMBER, worded
from reconcile.normalise.text import fold
from reconcile.readers.xmlpath import xml_child, xml_children, xml_text, xml_texts

ID_RUN = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


def _private_id(party: ET.Element | None) -> str | None:
    """A party's private identification (`Id/PrvtId/Othr/Id`, under `Pty` in camt .08 and later)."""
    holder = xml_child(party, "Pty") if xml_child(party, "Pty") is not None else party
    return xml_text(holder, "Id", "PrvtId", "Othr", "Id")


@cache
def birth_codes() -> frozenset[str]:
    """The place-of-birth codes an ID starts with (data/birth_provinces.csv): a 12-digit number that
    starts otherwise (an instruction number 000000000001) is no ID."""
    text = resources.files("reconcile.data").joinpath("birth_provinces.csv").read_text(encoding="utf-8")
    return frozenset(
        line.split(",", 1)[0]
        for line in text.splitlines()[1:]
        if line and not line.startswith("#") and line[:3].isdigit()
    )


# In a return's text, the account the money went back to (`HOAN TRA VE TK <the office's>`)
BACK_TO = re.compile(r"(?:^| )ve (?:so )?(?:tk|stk|tai khoan) ?(" + NUMBER + r")\b")


def account_mentions(text: str | None, paid_to: bool = True) -> list[str]:
    """Each account a text names after a word for one, its digits as written (groups joined), once.
    `paid_to`: only where the money went, not the account named as paid from (`CT TU TK ...`). Else,
    a bank's return's: the one it came back from (`CHUYEN TIEN TU TK`), not the one it went back to
    (`HOAN TRA VE TK ...`, the paying office's)."""
    folded = worded(fold(text or ""))  # `CT tu <account> ... toi <account>`: accounts without a word for one
    back_to = set() if paid_to else {number.replace(" ", "") for number in BACK_TO.findall(folded)}
    out: list[str] = []
    for source, number in ACCOUNT_NAMED.findall(folded):
        digits = number.replace(" ", "")
        if not (paid_to and source) and digits not in back_to and digits not in out:
            out.append(digits)
    return out


def person_ids(text: str | None) -> set[str]:
    """The 12-digit numbers of a text that start with a place-of-birth code: the IDs it names."""
    return {run for run in ID_RUN.findall(text or "") if run[:3] in birth_codes()}


def ids_elsewhere(tx: ET.Element | None, narrative: str | None) -> list[str]:
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
    return labelled_ids(fields, narrative)


def labelled_ids(fields: list[tuple[str, str | None]], narrative: str | None) -> list[str]:
    """Of (label, value) fields, those that hold an ID (person_ids) that neither the narrative nor a
    field before them holds, each as `label value`: added to the narrative, where the run looks for
    the ID (camt's references, MT940's)."""
    known = person_ids(narrative)
    found = []
    for label, value in fields:
        runs = person_ids(value) - known
        if runs:
            found.append(f"{label} {value}")
            known |= runs
    return found


def payment_reference(tx: ET.Element | None) -> str | None:
    end_to_end = xml_text(tx, "Refs", "EndToEndId")
    if end_to_end and end_to_end.upper() != "NOTPROVIDED":
        return end_to_end
    return xml_text(tx, "Refs", "TxId") or xml_text(tx, "Refs", "InstrId")


def bank_reference(tx: ET.Element | None) -> str | None:
    """The bank's own reference of a transaction: its servicer reference, else the UETR (SWIFT gpi),
    else the transaction id when the payment reference is not already it."""
    servicer = xml_text(tx, "Refs", "AcctSvcrRef") or xml_text(tx, "Refs", "UETR")
    if servicer:
        return servicer
    transaction = xml_text(tx, "Refs", "TxId")
    return transaction if transaction and transaction != payment_reference(tx) else None


def nth_reference(entry_ref: str | None, n: int, count: int) -> str | None:
    """The entry's reference for a transaction without its own: 'REF/2' for the second of a batch,
    so that the transfers of one batch are not taken for one payment reference used twice."""
    return f"{entry_ref}/{n}" if entry_ref and count > 1 else entry_ref
