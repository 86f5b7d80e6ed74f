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

- `payment_ref`: the `:61:` reference for the account owner (before `//`); when it is `NONREF` or a
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
  whole again; shorter lines are joined with a space.
- `bank_ref`: the bank's reference (after `//`). `aside`: why a debit is the bank's own, no payment
  (transaction type NCHG charges, NCOM commission, NINT interest, NTAX tax); the caller sets it aside.
- `channel` `bank`; `status` `success`, or `returned` for a reversal (`RC`/`RD`), whose narrative
  ends with `reversal`. As camt's returns: a reversal of a debit (`RD`, the money of a payment
  coming back) whose original debit is in the same file (same reference and amount) marks that
  debit `returned` and stays a credit, set aside; one whose original is not in the file stands for
  the payment, a `returned` debit, so that the failed payment is reported. A reversal of a credit
  (`RC`) is no payment: a credit, set aside.

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
from dataclasses import dataclass, field
from decimal import Context, Decimal
from pathlib import Path

import mt940
import polars as pl

from reconcile.errors import InputFileError
from reconcile.readers.statements import HEADERS, SWIFT_OWN, refuse_foreign
from reconcile.readers.tables import Control

# The parser logs the text of a field it cannot read (and, at debug level, of every field): statements
# hold names and account numbers, which are never printed. Its messages are dropped.
_PARSER_LOG = logging.getLogger("mt940")
_PARSER_LOG.addHandler(logging.NullHandler())
_PARSER_LOG.propagate = False

CONTROL_FIX = "ask the bank for the statement again; the file may be cut short or edited"
UNREADABLE_FIX = "ask the bank to export the statement again; it may be cut short or edited by hand"
EXACT = Context(prec=60)  # no rounding in any sum of statement amounts

# The parser's options: a reversal of a credit (RC) is negative like the debit it is, lowercase marks
# count, a blank :34F: mark (MT942) gives the currency.
OPTIONS = mt940.Options(reversal_sign=True, case_insensitive_marks=True, floor_limit_blank_mark=True)

SEPARATORS = (",", ";", "\t", '"', "|")
TAG_LINE = re.compile(r":(?P<tag>[0-9]{2}[A-Z]?|NS):")
KNOWN_TAGS = {str(tag_id) for tag_id in mt940.tags.TAG_BY_ID}  # '20', '60F', 'NS', ...
PARSED = {"20", "25", "34F", "60", "60F", "60M", "61", "62", "62F", "62M", "90D", "90C"}  # what is fed to the parser
AFTER_LINES = {"62", "62F", "62M", "64", "65", "90D", "90C"}  # after these, :86: is about the statement
LINE_LENGTH = 65  # SWIFT's maximum: a line this long was cut where the bank's line ended
SUBFIELD_LENGTH = 27  # the maximum of a German :86: subfield (?20, ?32, ...)

# A :61: customer reference that only says "none" or "see :86:"
NO_REFERENCE = {"NONREF", "NOTPROVIDED", "NOREF", "NONE"}
POINTERS = {
    "EREF": "EREF",
    "EREF+": "EREF",
    "PREF": "PREF",
    "KREF": "KREF",
    "KREF+": "KREF",
    "MARF": "MARF",
    "MREF": "MARF",
    "MREF+": "MARF",
}

# German structured :86: (DFÜ/ZKA): a 3-digit transaction code, then ?NN subfields
GERMAN = re.compile(r"^[0-9]{3}\?")
GERMAN_FIELD = re.compile(r"\?([0-9]{2})")
GERMAN_REMITTANCE = [f"{n:02d}" for n in (*range(20, 30), *range(60, 64))]
SEPA_KEYWORD = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|PURP|BREF|RREF|IBAN|BIC|ANAM)\+")

# Dutch/SEPA structured :86: (/KEY/value/KEY/value...)
SEPA_KEYS = (
    "TRTP",
    "EREF",
    "PREF",
    "MARF",
    "CNTP",
    "REMI",
    "BENM",
    "ORDP",
    "NAME",
    "IBAN",
    "BIC",
    "ADDR",
    "CSID",
    "RTRN",
    "TRCD",
    "ISDT",
    "PURP",
    "ULTC",
    "ULTD",
    "ULTB",
    "ID",
    "CDTRREF",
    "CDTRREFTP",
    "CD",
    "ISSR",
    "OCMT",
    "CHGS",
    "EXCH",
    "RTYP",
    "ACCW",
    "BUSP",
    "MREF",
    "KREF",
    "CREF",
    "SEQTP",
    "INSTR",
    "FX",
)
SEPA_KEY = re.compile(r"/(" + "|".join(sorted(SEPA_KEYS, key=len, reverse=True)) + r")/")
SEPA_START = re.compile(r"^/(" + "|".join(SEPA_KEYS) + r")/")


# --------------------------------------------------------------------------------------------
# Recognising
# --------------------------------------------------------------------------------------------


def looks_like_mt940(head: bytes) -> bool:
    """Whether the first bytes of a file look like an MT940/MT942 statement: a `:20:` line among its
    first lines (after a SWIFT envelope or a bank's short header lines), then a `:25:` line, then a
    `:60F:`/`:60M:`/`:60:`/`:34F:` or `:61:` line. A CSV, whose lines hold separators, never does."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    lines = [line for line in _unwrap(text.splitlines()) if line.strip()]
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
    return read_with_control(path, vnd_only=False)[:3]


def read_with_control(path: Path, vnd_only: bool = True) -> tuple[list[str], pl.DataFrame, int, Control | None]:
    """As `read`, and the debit totals once the statements' balances (or an MT942's `:90D:`) are
    checked against the transactions read (None when the file states nothing to check). A file
    whose balances disagree with its transactions is refused, and so is one whose transactions are
    all in another currency than VND (unless `vnd_only` is false)."""
    text = _text(path)
    statements = _statements(path, text)
    rows: list[dict] = []
    for statement in statements:
        rows.extend(statement.rows)
    _pair_reversals(rows)
    if vnd_only:
        refuse_foreign(path, [(s.currency or "").strip() or None for s in statements for _ in s.rows])
    frame = pl.DataFrame({h: [row.get(h) for row in rows] for h in HEADERS}, schema=dict.fromkeys(HEADERS, pl.String))
    return list(HEADERS), frame, 1, _control(statements)


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            str(path), f"cannot be opened ({exc.strerror})", "check the path and its permissions"
        ) from None
    if not data.strip():
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    data = data.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character: never fails


def _unwrap(lines: list[str]) -> list[str]:
    """The lines of the statements without a SWIFT envelope: the `{1:...}{2:...}{3:...}{4:` header
    (kept is what follows `{4:` on its line), the `-}{5:...}` trailer and the `-` separators;
    control characters (SOH, ETX) are dropped."""
    out = []
    for line in lines:
        line = line.replace("\x01", "").replace("\x03", "").rstrip("\r")
        stripped = line.strip()
        if stripped.startswith("{"):
            if "{4:" not in stripped:
                continue
            line = stripped.split("{4:", 1)[1]
            if not line.strip():
                continue
        elif stripped == "-" or stripped.startswith("-}"):
            continue
        out.append(line)
    return out


@dataclass
class _Chunk:
    tag: str  # '61', '60F', ...
    line: int  # line number of the tag in the file, 1 for the first
    lines: list[str]  # the raw lines, the first without its tag


@dataclass
class _Statement:
    position: int
    rows: list[dict] = field(default_factory=list)
    movements: list[tuple[str, Decimal]] = field(default_factory=list)  # (DBIT/CRDT, amount) per :61:
    opening: Decimal | None = None
    closing: Decimal | None = None
    stated: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # 'D'/'C' from :90D:/:90C:
    currency: str | None = None
    checked_by: str | None = None  # 'balances', '90D' or None


def _chunks(text: str) -> list[_Chunk]:
    """The file's fields in order, each with the line it starts on. A line that does not start with
    a known tag continues the field before it; lines before the first field (a bank's header) are
    dropped."""
    chunks: list[_Chunk] = []
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(raw, start=1):
        kept = _unwrap([line])
        if not kept:
            continue
        line = kept[0]
        match = TAG_LINE.match(line)
        if match and (match.group("tag") in KNOWN_TAGS or match.group("tag")[:2] in KNOWN_TAGS):
            chunks.append(_Chunk(match.group("tag"), number, [line[match.end() :]]))
        elif chunks:
            chunks[-1].lines.append(line)
    return chunks


def _statements(path: Path, text: str) -> list[_Statement]:
    chunks = _chunks(text)
    if not any(c.tag in ("20", "61") or c.tag.startswith(("60", "62")) for c in chunks):
        raise InputFileError(
            str(path),
            "is not an MT940 or MT942 statement (no :20:, :60F: or :61: field found)",
            "ask the bank for the account statement as MT940, camt.053 XML or Excel/CSV",
        )
    statements: list[_Statement] = []
    parser = None
    row = None  # the row of the last :61:, while a :86: may still follow it
    for chunk in chunks:
        if chunk.tag == "20" or not statements:
            statements.append(_Statement(len(statements) + 1))
            parser = mt940.models.Transactions(options=OPTIONS)
            row = None
        statement = statements[-1]
        if chunk.tag == "86":
            if row is not None:
                row["_details"].append(chunk.lines)
            continue
        if chunk.tag in AFTER_LINES:
            row = None
        if chunk.tag not in PARSED:
            continue
        value = chunk.lines[:2] if chunk.tag == "61" else chunk.lines  # a third :61: line is not in the format
        if chunk.tag == "61":
            parser.transactions.append(mt940.models.Transaction(parser))  # each :61: its own transaction
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
                statement.opening = amount.amount
            else:
                statement.closing = amount.amount
        statement.currency = parser.currency
    for statement in statements:
        _finish(statement)
        _check(path, statement)
    return statements


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
        "bank_ref": _clean(data.get("bank_reference")),
        "_amount": amount,
        "_reversal": reversal,
        "_customer": _clean(data.get("customer_reference")),
        "_bank": _clean(data.get("bank_reference")),
        "_details": [],
    }


def _bank_own(code: str | None, direction: str) -> str | None:
    """Why a debit is the bank's own (its `:61:` transaction type: NCHG charges, NCOM commission, NINT
    interest, NTAX tax) and no payment to a beneficiary, or None."""
    what = SWIFT_OWN.get((code or "").upper()[1:])
    if what is None or direction != "DBIT":
        return None
    return f"{what} (transaction type {code.upper()}), not a payment to a beneficiary"


def _finish(statement: _Statement) -> None:
    """Fill what depends on the whole statement (its currency) and on the :86: fields read."""
    currency = (statement.currency or "").strip().upper() or None
    for row in statement.rows:
        text = format(row["_amount"], "f")
        row["amount"] = text if currency in (None, "VND") else f"{text} {currency}"
        details = _details(row.pop("_details"))
        name, account, bank, remittance, keys = details
        row["payee_name"], row["account_number"], row["bank_code"] = name, account, bank
        row["payment_ref"] = _reference(row["_customer"], row["_bank"], keys)
        if row["_reversal"]:
            remittance = "; ".join(p for p in (remittance, "reversal") if p)
        row["narrative"] = remittance


def _reference(customer: str | None, bank: str | None, keys: dict[str, str]) -> str | None:
    """The :61: customer reference, else what it points to in :86:, else the bank's, else the
    end-to-end reference of :86:; 'NONREF' and the like are no reference."""
    if customer and customer.upper() not in NO_REFERENCE and customer.upper() not in POINTERS:
        return customer
    pointed = keys.get(POINTERS.get((customer or "").upper(), ""))
    if pointed:
        return pointed
    if bank and bank.upper() not in NO_REFERENCE:
        return bank
    return keys.get("EREF")


def _clean(value) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


# --------------------------------------------------------------------------------------------
# :86:
# --------------------------------------------------------------------------------------------


def _details(fields: list[list[str]]) -> tuple[str | None, str | None, str | None, str | None, dict[str, str]]:
    """Counterparty name, account and bank, the narrative, and the references found (EREF, PREF,
    KREF, MARF) of a transaction's :86: fields (usually one)."""
    if not fields:
        return None, None, None, None, {}
    glued = "".join("".join(line.strip("\r\n") for line in lines) for lines in fields).strip()
    if GERMAN.match(glued):
        return _german(glued)
    if SEPA_START.match(glued):
        return _sepa(glued)
    text = " ".join(_joined(lines, LINE_LENGTH) for lines in fields)
    return None, None, None, _clean(text), {}


def _joined(pieces: list[str], width: int) -> str:
    """Pieces of text (the lines of :86:, the subfields of a German :86:) joined: without a space
    after a piece as long as the format allows (`width`), which the bank cut where it was full, maybe
    in the middle of a word or an ID; with a space after a shorter one, which ended where the bank
    chose."""
    out = ""
    for n, piece in enumerate(pieces):
        if n:
            previous = pieces[n - 1]
            cut = len(previous) >= width and not previous[-1:].isspace() and not piece[:1].isspace()
            out += "" if cut else " "
        out += piece
    return out


def _german(text: str) -> tuple[str | None, str | None, str | None, str | None, dict[str, str]]:
    """?20-?29 and ?60-?63 remittance, ?30 bank code, ?31 account, ?32+?33 name; subfields joined as
    lines are (see `_joined`), with at most 27 characters each."""
    parts = GERMAN_FIELD.split(text)  # [code, '00', value, '10', value, ...]
    subfields: dict[str, list[str]] = {}
    for key, value in zip(parts[1::2], parts[2::2]):
        subfields.setdefault(key, []).append(value)
    remittance = _joined([v for k in GERMAN_REMITTANCE for v in subfields.get(k, [])], SUBFIELD_LENGTH)
    keys = {}
    matches = list(SEPA_KEYWORD.finditer(remittance))
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(remittance)
        value = _clean(remittance[match.end() : end])
        key = {"MREF": "MARF"}.get(match.group(1), match.group(1))
        if value and value.upper() not in NO_REFERENCE:
            keys.setdefault(key, value)
    name = _clean(_joined(subfields.get("32", []) + subfields.get("33", []), SUBFIELD_LENGTH))
    account = _clean("".join(subfields.get("31", [])))
    bank = _clean("".join(subfields.get("30", [])))
    return name, account, bank, _clean(remittance), keys


def _sepa(text: str) -> tuple[str | None, str | None, str | None, str | None, dict[str, str]]:
    """/KEY/value fields (Rabobank, ING, ABN AMRO): NAME, IBAN, BIC or CNTP (account/BIC/name/city),
    REMI (unstructured: after USTD//), EREF, PREF, MARF, KREF."""
    matches = list(SEPA_KEY.finditer(text))
    values: dict[str, str] = {}
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        values.setdefault(match.group(1), text[match.end() : end])
    counterparty = values.get("CNTP", "").split("/")
    account = _clean(values.get("IBAN", "").strip("/")) or _clean(counterparty[0])
    bank = _clean(values.get("BIC", "").strip("/")) or (_clean(counterparty[1]) if len(counterparty) > 1 else None)
    name = _clean(values.get("NAME", "").strip("/")) or (_clean(counterparty[2]) if len(counterparty) > 2 else None)
    remittance = values.get("REMI", "")
    remittance = re.sub(r"^(USTD|STRD)/+", "", remittance).strip("/")
    keys = {}
    for key in ("EREF", "PREF", "MARF", "KREF"):
        value = _clean(values.get(key, "").strip("/"))
        if value and value.upper() not in NO_REFERENCE:
            keys[key] = value
    return name, account, bank, _clean(remittance), keys


# --------------------------------------------------------------------------------------------
# Reversals, balances and the control
# --------------------------------------------------------------------------------------------


def _pair_reversals(rows: list[dict]) -> None:
    """As camt does with returns: a reversal of a debit (RD, a payment's money coming back) whose
    original debit is in the file (same reference and amount, earlier) marks that debit returned and
    stays a credit, set aside; one whose original is not in the file (it was in an earlier
    statement) stands for the payment: a returned debit, so that the failed payment is reported. A
    reversal of a credit (RC) is money in taken back, no payment: set aside as a credit. The
    balances are checked on the entries as booked (_Statement.movements), not on these directions."""
    originals: dict[tuple[str, Decimal], list[dict]] = {}
    for row in rows:
        if row["_reversal"] and row["direction"] == "CRDT":  # RD
            candidates = originals.get((row["payment_ref"], row["_amount"])) if row["payment_ref"] else None
            if candidates:
                original = candidates.pop(0)
                original["status"] = "returned"
                original["narrative"] = "; ".join(p for p in (original["narrative"], "reversal") if p)
            else:
                row["direction"] = "DBIT"
        elif row["_reversal"]:  # RC
            row["direction"] = "CRDT"
        elif row["direction"] == "DBIT" and row["payment_ref"]:
            originals.setdefault((row["payment_ref"], row["_amount"]), []).append(row)


def _sum(amounts) -> Decimal:
    total = Decimal(0)
    for amount in amounts:
        total = EXACT.add(total, amount)
    return total.to_integral_value() if total == total.to_integral_value() else total


def _figure(amount: Decimal) -> str:
    """An amount with thousands commas and its fraction as written: 1,234.50."""
    return format(amount, ",f")


def _check(path: Path, statement: _Statement) -> None:
    name = f"statement {statement.position}"
    debits = [a for d, a in statement.movements if d == "DBIT"]
    credits = [a for d, a in statement.movements if d == "CRDT"]
    if (statement.opening is None) != (statement.closing is None):
        has, lacks = ("an opening", "closing") if statement.closing is None else ("a closing", "opening")
        raise InputFileError(str(path), f"its {name} has {has} balance but no {lacks} balance", CONTROL_FIX)
    if statement.opening is not None and statement.closing is not None:
        moves = EXACT.subtract(_sum(credits), _sum(debits))
        if EXACT.add(statement.opening, moves) != statement.closing:
            sign = "+" if moves > 0 else ""
            raise InputFileError(
                str(path),
                f"its {name} opens at {_figure(statement.opening)}, moves "
                f"{sign}{_figure(moves)} and says it closes at {_figure(statement.closing)}",
                CONTROL_FIX,
            )
        statement.checked_by = "balances"
    for mark, kind, read in (("D", "debit", debits), ("C", "credit", credits)):
        if mark not in statement.stated:
            continue
        count, amount = statement.stated[mark]
        if count != len(read) or amount != _sum(read):
            raise InputFileError(
                str(path),
                f"its {name} says it holds {_entries(count, amount, kind)} but "
                f"{_entries(len(read), _sum(read), kind)} {'was' if len(read) == 1 else 'were'} "
                "read",
                CONTROL_FIX,
            )
        if mark == "D" and statement.checked_by is None:
            statement.checked_by = "90D"


def _entries(count: int, amount: Decimal, kind: str) -> str:
    return f"{count:,} {kind} {'entry' if count == 1 else 'entries'} of {_figure(amount)}"


def _control(statements: list[_Statement]) -> Control | None:
    """The number and sum of the debit entries of the statements whose balances (or :90D:) were
    checked; None when none states anything to check."""
    checked = [s for s in statements if s.checked_by is not None]
    if not checked:
        return None
    debits = [a for s in checked for d, a in s.movements if d == "DBIT"]
    sources = {s.checked_by for s in checked}
    what = {frozenset({"balances"}): "MT940 balances", frozenset({"90D"}): "MT942 :90D:"}.get(
        frozenset(sources), "MT940 balances and :90D:"
    )
    if len(checked) < len(statements):
        what += f" of {len(checked)} of {len(statements)} statements"
    currencies = {(s.currency or "").strip().upper() or None for s in checked}
    amount = format(_sum(debits), "f")
    if currencies - {None, "VND"}:
        foreign = sorted(c for c in currencies if c not in (None, "VND"))
        amount = f"{amount} {foreign[0]}"
    return Control(count=len(debits), amount=amount, what=f"{what} (debits)", checked=True)
