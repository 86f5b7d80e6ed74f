"""SWIFT MT940 bank statements (and MT942 interim transaction reports) read as payments files.

A file is recognised by its content, whatever its name (`.sta`, `.mt940`, `.940`, `.txt`, none):
a `:20:` line, then `:25:`, then a balance (`:60F:`/`:60M:`), a floor limit (`:34F:`, MT942) or a
statement line (`:61:`), possibly inside a SWIFT envelope (`{1:F01...}{2:O940...}{4:` ... `-}`).
The fields are parsed with the `mt-940` package; the envelope, a bank's header lines and the
statement separators (`-`) are taken off first. Several statements in one file are read one after
the other, each from its `:20:`.

Each statement line (`:61:`) becomes one row of text under the same columns as camt
(`reconcile.readers.statements.HEADERS`), in file order, the first being row 1, with `direction`:

- `DBIT`: money out (mark `D`), the payments;
- `CRDT`: money in (mark `C`) and the reversals that are no payment: the caller sets these aside.

Columns:

- `payment_ref`: the `:61:` reference for the account owner (before `//`; whole when a bank writes
  more than SWIFT's 16 characters, but not the details an old layout pads it to 16 to write after
  it on the same line: `_customer_reference`); when it is `NONREF` or a
  bank's pointer to the `:86:` field (`EREF`, `PREF`, `KREF+`, ...), the value it points to, else
  the bank's reference (after `//`), else the end-to-end reference of a structured `:86:`
  (`EREF+` in the German `?20`-`?29` subfields, `/EREF/` in the Dutch/SEPA style).
- `amount`: as written, without sign, the decimal comma made a point (`1500000,` -> `1500000`,
  `2250000,00` -> `2250000.00`: the amount normaliser accepts a zero fraction and refuses any
  other). A statement in another currency than VND has the currency after the amount (`123.45 EUR`),
  so that the normaliser refuses it rather than read it as dong.
- `value_date`: the `:61:` value date, ISO (`2024-09-05`).
- `payee_name`, `account_number`, `bank_code`: the counterparty of a structured `:86:` (German
  `?32`+`?33`, `?31`, `?30`; SEPA style `/NAME/`, `/IBAN/`, `/BIC/`, or ING's `/CNTP/account/BIC/
  name/`); None for free text, which is what Vietnamese banks send.
- `narrative`: the `:86:` text, its lines joined and its whitespace collapsed; of a structured
  `:86:`, its remittance information (`?20`-`?29` and `?60`-`?63`, or `/REMI/`). The run searches
  it for the 12-digit ID. A line of 65 characters (the SWIFT maximum) was cut by the bank in the
  middle of a word or number and is joined to the next without a space, so an ID cut in two is
  whole again; shorter lines are joined with a space. A bank that counts the `:86:` tag in its 65
  (no first line of the file longer than 61 characters, and one of 61 followed by another) cut its
  first lines at 61: such a line is joined to the next without a space too.
- `bank_ref`: the bank's reference (after `//`). `aside`: why a debit is the bank's own, no payment
  (transaction type NCHG charges, NCOM commission, NINT interest, NTAX tax); the caller sets it aside.
- `channel` `bank`; `status` `success`, or `returned` for a reversal (`RC`/`RD`), whose narrative
  ends with `reversal`. As camt's returns: a reversal of a debit (`RD`, the money of a payment
  coming back) whose original debit is in the same file (same amount, and the same reference or a
  bank reference the reversal names in its `:86:`; among several, the one whose account, ID or name
  it names: see camt_returns.py) marks that debit `returned` and stays a credit, set aside; one that
  fits several debits and names none of them apart is set aside with their rows, no debit marked; one whose original is not in the file stands for
  the payment, a `returned` debit, so that the failed payment is reported. A reversal of a credit
  (`RC`: money in taken back) is no payment: set aside saying so, as camt's `RvslInd` on a debit.

A `:86:` that follows the closing balance (`:62F:`, `:64:`, ...) is information about the statement,
not a transaction, and is not read into the last row.

Control: each statement's opening balance (`:60F:`/`:60M:`) plus its credits minus its debits must
equal its closing balance (`:62F:`/`:62M:`), exactly; a `:90D:`/`:90C:` (number and sum of debit and
credit entries, MT942) must agree with the entries read. A file that disagrees is refused (entries
missing or edited), as is a statement with an opening balance and no closing one (cut short), or
the reverse; when everything agrees, `read_with_control` returns the number and sum of the
debit entries (`Control(..., what="MT940 balances (debits)", checked=True)`). An MT942 without
`:90D:` states nothing to check: its control is None. Statements are named by their position
("statement 2"), never by their account or reference.

A statement without any `:61:` (a day without movements) gives no rows, not an error.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import mt940
import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers.camt_references import labelled_ids
from reconcile.readers.camt_returns import Originals, ambiguous
from reconcile.readers.chain import Span
from reconcile.readers.mt940_balances import Statement, check_statement, control_of, sequence_of
from reconcile.readers.mt940_details import clean, cut_width, details_of, payment_reference, tag_counted_in
from reconcile.readers.mt940_fields import fields_of, text_of, unwrap
from reconcile.readers.statements import CREDIT_TAKEN_BACK_RC, HEADERS, SWIFT_OWN, refuse_foreign, statement_frame
from reconcile.readers.tables import Control

# The parser logs the text of a field it cannot read (and, at debug level, of every field): statements
# hold names and account numbers, which are never printed. Its messages are dropped.
_PARSER_LOG = logging.getLogger("mt940")
_PARSER_LOG.addHandler(logging.NullHandler())
_PARSER_LOG.propagate = False

UNREADABLE_FIX = "ask the bank to export the statement again; it may be cut short or edited by hand"

# The parser's options: a reversal of a credit (RC) is negative like the debit it is, lowercase marks
# count, a blank :34F: mark (MT942) gives the currency.
OPTIONS = mt940.Options(reversal_sign=True, case_insensitive_marks=True, floor_limit_blank_mark=True)
# A :61: reference is read up to `//` or the end of its line, not cut at SWIFT's 16 characters: banks
# write longer ones, and two cut to the same 16 would be one payment twice (DUPLICATE_PAYMENT);
# _customer_reference then takes the reference out of it.
LONG_REFERENCES = mt940.tags.StatementGLS()
TAGS: dict[int | str, mt940.tags.Tag] = {LONG_REFERENCES.id: LONG_REFERENCES}

SEPARATORS = (",", ";", "\t", '"', "|")
PARSED = {"20", "25", "34F", "60", "60F", "60M", "61", "62", "62F", "62M", "90D", "90C"}  # what is fed to the parser
AFTER_LINES = {"62", "62F", "62M", "64", "65", "90D", "90C"}  # after these, :86: is about the statement


# --------------------------------------------------------------------------------------------
# Recognising
# --------------------------------------------------------------------------------------------


def looks_like_mt940(head: bytes) -> bool:
    """Whether the first bytes of a file look like an MT940/MT942 statement: a `:20:` line among its
    first lines (after a SWIFT envelope or a bank's short header lines), then a `:25:` line, then a
    `:60F:`/`:60M:`/`:60:`/`:34F:` or `:61:` line. A CSV, whose lines hold separators, never does."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    lines = [line for line in unwrap(text.splitlines()) if line.strip()]
    step = 0  # 0: looking for :20:, 1: for :25:, 2: for a balance, floor limit or statement line
    for n, line in enumerate(lines):
        if step < 2 and any(c in line for c in SEPARATORS):
            return False  # a CSV line; a bank's header lines, :20: and :25: have no separators
        if step == 0:
            if line.startswith(":20:"):
                step = 1
            elif n >= 5 or len(line) > 40:
                return False  # a bank's header is a few short lines
        elif step == 1 and re.match(r":25[A-Z]?:", line):
            step = 2
        elif step == 2 and re.match(r":(60[FM]?|34F|61):", line):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read(path: Path) -> tuple[list[str], pl.DataFrame, int]:
    """Headers, one text column per header, and 1: the first transaction is row 1. Whatever the
    currency: a run refuses a statement that is not in VND (read_with_control)."""
    headers, frame, first_row, _ = read_with_control(path, vnd_only=False)
    return headers, frame.select(headers), first_row


def read_with_control(
    path: Path, vnd_only: bool = True, spans: list[Span] | None = None
) -> tuple[list[str], pl.DataFrame, int, Control | None]:
    """As `read`, and the debit totals once the statements' balances (or an MT942's `:90D:`) are
    checked against the transactions read (None when the file states nothing to check). A file
    whose balances disagree with its transactions is refused, and so is one whose transactions are
    all in another currency than VND (unless `vnd_only` is false). Each statement's account and
    balances are added to `spans`, for the chain of the statements given together (chain.py)."""
    text = text_of(path)
    statements = _statements(path, text)
    if spans is not None:
        spans.extend(
            Span(
                path,
                s.position,
                s.account,
                s.currency,
                s.opening,
                s.closing,
                s.closed,
                tuple((r.get("value_date"), r.get("payment_ref"), r.get("bank_ref"), r.get("amount")) for r in s.rows),
                number=s.number,
                page=s.page,
                opens_mid=s.opens_mid,
                closes_mid=s.closes_mid,
            )
            for s in statements
        )
    rows: list[dict] = []
    for statement in statements:
        rows.extend(statement.rows)
    _pair_reversals(rows)
    if vnd_only:
        refuse_foreign(path, [(s.currency or "").strip() or None for s in statements for _ in s.rows])
    frame = statement_frame(rows, [row["_reversal"] and row["direction"] == "DBIT" for row in rows])
    return list(HEADERS), frame, 1, control_of(statements)


def _statements(path: Path, text: str) -> list[Statement]:
    chunks = fields_of(text, path)
    if not any(c.tag in ("20", "61") or c.tag.startswith(("60", "62")) for c in chunks):
        raise InputFileError(
            str(path),
            "is not an MT940 or MT942 statement (no :20:, :60F: or :61: field found)",
            "ask the bank for the account statement as MT940, camt.053 XML or Excel/CSV",
        )
    statements: list[Statement] = []
    parser = mt940.models.Transactions(options=OPTIONS, tags=TAGS)  # the current statement's: a new one at each :20:
    row = None  # the row of the last :61:, while a :86: may still follow it
    for chunk in chunks:
        if chunk.tag == "20" or not statements:
            statements.append(Statement(len(statements) + 1))
            parser = mt940.models.Transactions(options=OPTIONS, tags=TAGS)
            row = None
        statement = statements[-1]
        if chunk.tag == "86":
            if row is not None:
                row["_details"].append(chunk.lines)
            continue
        if chunk.tag in AFTER_LINES:
            row = None
        if chunk.tag.startswith("25"):
            statement.account = " ".join(chunk.lines).strip() or None
        if chunk.tag in ("28C", "28"):
            statement.number, statement.page = sequence_of(" ".join(chunk.lines))
        if chunk.tag not in PARSED:
            continue
        value = chunk.lines[:2] if chunk.tag == "61" else chunk.lines  # a third :61: line is not in the format
        impossible = None  # a :61: value date no calendar has (240231): the row is rejected for it
        if chunk.tag == "61":
            parser.transactions.append(mt940.models.Transaction(parser))  # each :61: its own transaction
            impossible = _impossible_date(value[0])
            if impossible is not None:  # the parser would move it to the month's last day, or fail the file
                value = [value[0][:2] + "0101" + value[0][6:], *value[1:]]
        try:
            parser.parse(f":{chunk.tag}:" + "\n".join(value))
        except (RuntimeError, ValueError, ArithmeticError, LookupError, TypeError, AttributeError):
            raise InputFileError(
                str(path),
                f"is not a readable MT940 statement (line {chunk.line}: its :{chunk.tag}: field cannot be read)",
                UNREADABLE_FIX,
            ) from None
        if chunk.tag == "61":
            row = _row(parser.transactions[-1].data)
            if impossible is not None:
                row["value_date"] = impossible
            statement.rows.append(row)
            statement.movements.append((row["direction"], row["_amount"]))
        elif chunk.tag.startswith("90"):
            sums = parser.data.get("sum_debit_entries" if chunk.tag == "90D" else "sum_credit_entries")
            number = str(getattr(sums, "number", "") or "")
            if sums is not None and number.isdigit():
                statement.stated[chunk.tag[-1]] = (int(number), abs(sums.amount))
        elif chunk.tag.startswith(("60", "62")):
            balance = parser.data.get(_balance_key(chunk.tag))
            amount = getattr(balance, "amount", None)
            if not isinstance(amount, mt940.models.Amount):
                raise InputFileError(
                    str(path),
                    f"is not a readable MT940 statement (line {chunk.line}: its :{chunk.tag}: balance has no amount)",
                    UNREADABLE_FIX,
                )
            if chunk.tag.startswith("60"):
                statement.opening, statement.opens_mid = amount.amount, chunk.tag == "60M"
            else:
                statement.closing, statement.closed = amount.amount, getattr(balance, "date", None)
                statement.closes_mid = chunk.tag == "62M"
        statement.currency = parser.currency
    details = [chunk.lines for chunk in chunks if chunk.tag == "86"]
    tag_counted, width = tag_counted_in(details), cut_width(details)
    for statement in statements:
        _finish(statement, tag_counted, width)
        check_statement(path, statement)
    return statements


def _impossible_date(line: str) -> str | None:
    """A :61: line's value date (YYMMDD) as written, day first, when no calendar has it (240231); None
    when it is a date, or not six digits (which the parser refuses with the line)."""
    digits = line[:6]
    if not digits.isdigit():
        return None
    year, month, day = 2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    try:
        date(year, month, day)
    except ValueError:
        return f"{digits[4:6]}/{digits[2:4]}/{year}"
    return None


def _balance_key(tag: str) -> str:
    kind = {"F": "final_", "M": "intermediate_"}.get(tag[2:], "")
    return f"{kind}{'opening' if tag.startswith('60') else 'closing'}_balance"


def _row(data: dict) -> dict:
    mark = (data.get("status") or "").upper()
    reversal = mark.startswith("R")
    direction = "DBIT" if mark in ("D", "RC") else "CRDT"
    amount = abs(data["amount"].amount)
    date = data.get("date")
    return {
        "payment_ref": None,
        "payee_name": None,
        "bank_code": None,
        "account_number": None,
        "amount": None,  # with the statement's currency once it is known (_finish)
        "value_date": date.isoformat() if date is not None else None,
        "channel": "bank",
        "status": "returned" if reversal else "success",
        "narrative": None,
        "direction": direction,
        "aside": _bank_own(data.get("id"), direction),
        "bank_ref": clean(data.get("bank_reference")),
        "_type": (data.get("id") or "").upper(),
        "_amount": amount,
        "_reversal": reversal,
        "_customer": clean(_customer_reference(data.get("customer_reference"))),
        "_bank": clean(data.get("bank_reference")),
        "_details": [],
    }


def _customer_reference(value: str | None) -> str | None:
    """The :61: reference for the account owner, from all the line holds before `//`: whole when it runs
    past SWIFT's 16 characters without a space (a bank's longer reference), up to the first space after
    that; but SWIFT's 16 characters when a space comes within them (a reference padded to 16, then
    supplementary details on the same line: `NONREF          TRO CAP T09`)."""
    if value is None or len(value) <= 16:
        return value
    if any(c.isspace() for c in value[:17]):
        return value[:16]
    return value.split()[0]


def _bank_own(code: str | None, direction: str) -> str | None:
    """Why a debit is the bank's own (its `:61:` transaction type: NCHG charges, NCOM commission, NINT
    interest, NTAX tax) and no payment to a beneficiary, or None."""
    what = SWIFT_OWN.get((code or "").upper()[1:])
    if what is None or code is None or direction != "DBIT":
        return None
    return f"{what} (transaction type {code.upper()}), not a payment to a beneficiary"


def _finish(statement: Statement, tag_counted: bool, width: int | None = None) -> None:
    """Fill what depends on the whole statement (its currency) and on the :86: fields read (their
    lines cut at 65 characters with the tag counted or not: mt940_details.tag_counted_in; or at a
    shorter `width`: cut_width)."""
    currency = (statement.currency or "").strip().upper() or None
    for row in statement.rows:
        text = format(row["_amount"], "f")
        row["amount"] = text if currency in (None, "VND") else f"{text} {currency}"
        details = details_of(row.pop("_details"), tag_counted, width)
        name, account, bank, remittance, keys = details
        row["payee_name"], row["account_number"], row["bank_code"] = name, account, bank
        row["payment_ref"] = payment_reference(row["_customer"], row["_bank"], keys)
        row["_other_refs"] = tuple(keys.values())  # a reversal may name the payment by one of them
        if row["_reversal"]:
            remittance = "; ".join(p for p in (remittance, "reversal") if p)
        # the references (`:61:`'s, the bank's, :86:'s EREF, KREF...) that hold an ID the narrative does
        # not, as camt's are: an ID in the :61: reference alone, the payment was rejected as naming no one
        refs = [("reference", row["_customer"]), ("bank reference", row["_bank"]), *keys.items()]
        row["narrative"] = "; ".join(p for p in (remittance, *labelled_ids(refs, remittance)) if p) or None


# --------------------------------------------------------------------------------------------
# Reversals
# --------------------------------------------------------------------------------------------


def _pair_reversals(rows: list[dict]) -> None:
    """As camt does with returns (camt_returns.py): a reversal of a debit (RD, a payment's money
    coming back) whose original debit is earlier in the file (same amount, and the same reference or
    a bank or end-to-end reference the reversal names in its :86:; among several, the one whose account, ID or
    name it names) marks that debit returned and stays a credit, set aside; one that fits several
    debits and names none of them apart is set aside with their rows, no debit marked; one whose
    original is not in the file (it was in an earlier statement) stands for the payment: a returned
    debit, so that the failed payment is reported. A reversal of a credit (RC) is money in taken
    back, no payment: set aside as a credit. The balances are checked on the entries as booked
    (Statement.movements), not on these directions."""
    originals = Originals()
    for n, row in enumerate(rows, start=1):
        own = SWIFT_OWN.get(row["_type"][1:])  # as a debit of the type is the bank's own (_bank_own): NCHG, FCHG
        if row["_reversal"] and row["direction"] == "CRDT" and own:  # RD of the bank's own: its charge refunded
            row["aside"] = f"{own} refunded by the bank (transaction type {row['_type']}), no payment's return"
        elif row["_reversal"] and row["direction"] == "CRDT":  # RD
            original, several = originals.take(row, row["_amount"])
            if original is not None:
                original["status"] = "returned"
                original["narrative"] = "; ".join(p for p in (original["narrative"], "reversal") if p)
            elif several:
                row["aside"] = ambiguous(several)
            else:
                row["direction"] = "DBIT"
        elif row["_reversal"]:  # RC: money in taken back (the treasury's funding credited twice)
            row["direction"] = "CRDT"
            row["aside"] = row["aside"] or CREDIT_TAKEN_BACK_RC
        elif row["direction"] == "DBIT":
            originals.add(n, row, row["_amount"])
