"""The `:86:` field of an MT940 transaction: its counterparty, narrative and references.

A German structured `:86:` (`?20`-`?29` remittance, `?30`-`?33` counterparty, `EREF+` and the like)
and a Dutch/SEPA one (`/NAME/`, `/IBAN/`, `/REMI/`, `/EREF/`, ...) are read field by field; free
text (what Vietnamese banks send) is the narrative, its cut lines joined. See mt940.py."""

from __future__ import annotations

import re

LINE_LENGTH = 65  # SWIFT's maximum: a line this long was cut where the bank's line ended
TAG = ":86:"  # a bank that cuts its lines at 65 characters with the tag counted cuts the first after 61

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

# German structured :86: (DFÜ/ZKA): a 3-digit transaction code, then ?NN subfields; some banks leave
# the code out and start with the subfields (`?20CHI LUONG HUU T9/2024?21CCCD ...?32LE VAN CUONG`)
GERMAN = re.compile(r"^(?:[0-9]{3}\?|\?[0-9]{2}.*\?[0-9]{2})")

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


def payment_reference(customer: str | None, bank: str | None, keys: dict[str, str]) -> str | None:
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


def clean(value) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def details_of(
    fields: list[list[str]], tag_counted: bool = False, width: int | None = None
) -> tuple[str | None, str | None, str | None, str | None, dict[str, str]]:
    """Counterparty name, account and bank, the narrative, and the references found (EREF, PREF,
    KREF, MARF) of a transaction's :86: fields (usually one). `tag_counted`: the file's bank cuts its
    lines at 65 characters with the `:86:` tag counted (tag_counted_in), so that a first line of 61
    characters was cut where it was full; `width`: the shorter width it cuts them at (cut_width)."""
    if not fields:
        return None, None, None, None, {}
    glued = "".join("".join(line.strip("\r\n") for line in lines) for lines in fields).strip()
    if GERMAN.match(glued):
        return _german(glued)
    if SEPA_START.match(glued):
        return _sepa(glued)
    if tag_counted:
        text = " ".join(joined([TAG + lines[0], *lines[1:]], LINE_LENGTH)[len(TAG) :] for lines in fields)
    else:
        text = " ".join(joined(lines, LINE_LENGTH, (width,) if width else ()) for lines in fields)
    return None, None, None, clean(text), {}


def cut_width(fields: list[list[str]]) -> int | None:
    """The width under 65 at which a file's bank cuts its :86: lines, full or not (35, as camt's
    lines): every line followed by another, three or more, is that long, and none is longer (a bank
    that ends its lines with its words would have to end three at one length by chance). Such a
    cut falls in the middle of a word or an ID (`CCCD 0791` | `96118125`), which joined with a space
    was no ID: the payment a rejected row, its beneficiary a MISSING_PAYMENT. None when the lines
    end where the text did (of many lengths), or are cut at 65."""
    lengths = [len(line.rstrip("\r\n")) for lines in fields for line in lines[:-1]]
    longest = max((len(line.rstrip("\r\n")) for lines in fields for line in lines), default=0)
    if len(lengths) < 3 or len(set(lengths)) != 1 or longest > lengths[0] or lengths[0] >= LINE_LENGTH - len(TAG):
        return None
    return lengths[0]


def tag_counted_in(fields: list[list[str]]) -> bool:
    """Whether a file's bank cuts its :86: lines at 65 characters counting the tag (`:86:` and 61
    characters, then 65 on each line after it) rather than at 65 after it, as SWIFT counts: some
    first line followed by another is 61 characters long, and none of the file's first lines is
    longer. A bank that counts as SWIFT does writes first lines of 62 to 65 characters where its
    text is long; one that cuts at word ends leaves no mark to tell, and is taken to count as SWIFT
    does."""
    firsts = [len(lines[0]) for lines in fields if lines]
    cut = any(len(lines) > 1 and len(lines[0]) == LINE_LENGTH - len(TAG) for lines in fields)
    return cut and max(firsts) <= LINE_LENGTH - len(TAG)


def joined(pieces: list[str], width: int, cut_at: tuple[int, ...] = ()) -> str:
    """Pieces of text (the lines of :86:, the subfields of a German :86:, camt's `Ustrd`) joined:
    without a space after a piece as long as the format allows (`width`), or as long as a line the
    bank cuts its text into (`cut_at`: camt's 35 characters, a SWIFT line's), which the bank cut where
    it was full, maybe in the middle of a word or an ID; with a space after a shorter one, which ended
    where the bank chose."""
    out = ""
    for n, piece in enumerate(pieces):
        if n:
            previous = pieces[n - 1]
            full = len(previous) >= width or len(previous) in cut_at
            cut = full and not previous[-1:].isspace() and not piece[:1].isspace()
            out += "" if cut else " "
        out += piece
    return out


def _german(text: str) -> tuple[str | None, str | None, str | None, str | None, dict[str, str]]:
    """?20-?29 and ?60-?63 remittance, ?30 bank code, ?31 account, ?32+?33 name; subfields joined as
    lines are (see `joined`), with at most 27 characters each."""
    parts = GERMAN_FIELD.split(text)  # [code, '00', value, '10', value, ...]
    subfields: dict[str, list[str]] = {}
    for key, value in zip(parts[1::2], parts[2::2]):
        subfields.setdefault(key, []).append(value)
    remittance = joined([v for k in GERMAN_REMITTANCE for v in subfields.get(k, [])], SUBFIELD_LENGTH)
    keys: dict[str, str] = {}
    matches = list(SEPA_KEYWORD.finditer(remittance))
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(remittance)
        value = clean(remittance[match.end() : end])
        key = {"MREF": "MARF"}.get(match.group(1), match.group(1))
        if value and value.upper() not in NO_REFERENCE:
            keys.setdefault(key, value)
    name = clean(joined(subfields.get("32", []) + subfields.get("33", []), SUBFIELD_LENGTH))
    account = clean("".join(subfields.get("31", [])))
    bank = clean("".join(subfields.get("30", [])))
    return name, account, bank, clean(remittance), keys


def _sepa(text: str) -> tuple[str | None, str | None, str | None, str | None, dict[str, str]]:
    """/KEY/value fields (Rabobank, ING, ABN AMRO): NAME, IBAN, BIC or CNTP (account/BIC/name/city),
    REMI (unstructured: after USTD//), EREF, PREF, MARF, KREF."""
    matches = list(SEPA_KEY.finditer(text))
    values: dict[str, str] = {}
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        values.setdefault(match.group(1), text[match.end() : end])
    counterparty = values.get("CNTP", "").split("/")
    account = clean(values.get("IBAN", "").strip("/")) or clean(counterparty[0])
    bank = clean(values.get("BIC", "").strip("/")) or (clean(counterparty[1]) if len(counterparty) > 1 else None)
    name = clean(values.get("NAME", "").strip("/")) or (clean(counterparty[2]) if len(counterparty) > 2 else None)
    remittance = values.get("REMI", "")
    remittance = re.sub(r"^(USTD|STRD)/+", "", remittance).strip("/")
    keys = {}
    for key in ("EREF", "PREF", "MARF", "KREF"):
        value = clean(values.get(key, "").strip("/"))
        if value and value.upper() not in NO_REFERENCE:
            keys[key] = value
    return name, account, bank, clean(remittance), keys
