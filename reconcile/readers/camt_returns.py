"""A return or reversal paired with the payment it brings back, in camt and MT940 alike.

A bank books a returned transfer twice: the debit of the payment, then the credit of the money coming
back. The credit's original is a debit of the same file, dated no later than it (a return of
August's money on the 3rd is no return of the payment of the 12th that bears the same end-to-end
reference), with the same amount and either the same
payment reference or a reference that the return names in its text: the bank's (`HOAN TRA GD
FT240910003`) or the payment's own, its end-to-end reference (`HOAN TRA GD CTXH0910002`).
Banks put one reference on many transfers, so several debits may fit: the one is taken whose
counterparty the return names (the same account, a 12-digit ID of the payment's narrative, the same
name or the name in its text) or whose bank reference it names. A debit whose account or ID the
return contradicts (another account, other IDs, and nothing of it named) is not its original.

What a return cannot be told apart from is not guessed at: when two or more debits fit and the return
names none of them apart (unless they are the same payee's, paid alike: then the first of them), no
debit is marked returned and the return is set aside with the rows it
could be (`ambiguous`), for an officer to ask the bank. When none fits, the return stands for a
payment of an earlier statement (the caller makes it a returned debit), and returns_across.py looks
for it in the run's other statements: by its references, then, naming none, by its payee. A return
up to FEE_MAX less than the payment whose reference it names, or, naming none, whose payee it names,
is its return, the bank's fee kept.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from reconcile.normalise.text import fold
from reconcile.readers.camt_references import account_mentions, person_ids
from reconcile.readers.row_values import day_of

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]*[A-Za-z0-9]")


def amount_key(value) -> Decimal | str | None:
    """An amount to compare: '1000000' and '1000000.00' alike; text that is no number as it is."""
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


# VND a bank may keep of a transfer that comes back (its fee for the return): a return naming the
# payment's reference with up to this much less than it is still that payment's return
FEE_MAX = 50_000


class Originals:
    """The payments a return may bring back, found by (kind, reference) and by (kind, bank
    reference), and by (kind, amount) for a return that names no reference; each taken at most once.
    `kind` is the payment's direction."""

    def __init__(self) -> None:
        self.by_ref: dict[tuple, list[tuple[int, dict]]] = {}
        self.by_bank: dict[tuple, list[tuple[int, dict]]] = {}
        self.by_named_ref: dict[tuple, list[tuple[int, dict]]] = {}  # by the reference upper case, as text names it
        self.by_amount: dict[tuple, list[tuple[int, dict]]] = {}
        self.amounts: dict[int, Decimal | str | None] = {}  # the row numbers' amounts
        self.taken: set[int] = set()  # the row numbers of the originals paired

    def add(self, number: int, row: dict, amount, kind: str | None = None) -> None:
        """A payment (row `number` of the file) that a later return may bring back; a return's text may
        name it by its payment reference or by one of `row["_other_refs"]` (MT940: the end-to-end and
        other references of its :86:)."""
        key = self.amounts[number] = amount_key(amount)
        if row.get("payment_ref"):
            self.by_ref.setdefault((kind, row["payment_ref"]), []).append((number, row))
        for ref in {r.upper() for r in (row.get("payment_ref"), *row.get("_other_refs", ())) if r}:
            self.by_named_ref.setdefault((kind, ref), []).append((number, row))
        if row.get("bank_ref"):
            self.by_bank.setdefault((kind, row["bank_ref"].upper()), []).append((number, row))
        self.by_amount.setdefault((kind, key), []).append((number, row))

    def fits(
        self,
        ret: dict,
        amount,
        kind: str | None = None,
        allowed: Callable[[int, dict], bool] | None = None,
        taken_too: bool = False,
        payee: Callable[[dict, dict], bool] | None = None,
    ) -> dict[int, dict]:
        """The payments (by number) return `ret` may bring back, not contradicted by it, `allowed`
        (number, row) when given; those not taken yet, or (`taken_too`) those already taken as well:
        - of its reference, or one its text names, and of its amount;
        - else of such a reference, and up to FEE_MAX more than it (the bank kept its fee);
        - else, when it names no payment's reference and `payee` is given, of its amount and whose
          payee it names (`payee(ret, payment)`): a bank's return that quotes no reference
          (`NONREF`, `NOTPROVIDED`) but the ID, account or name of the one it brings back;
        - else, naming no reference, of its payee and a little more than it (_payee_less_fee).
        A payment taken already, dated later or contradicted by the return does not stop the next of
        these from being tried."""
        key = amount_key(amount)
        by_reference = dict(self.by_ref.get((kind, ret.get("payment_ref")), []))
        named_refs = _words(ret) | {r.upper() for r in ret.get("_other_refs", ())}
        for word in named_refs:  # a reference it names: the bank's, or the payment's own (end-to-end)
            by_reference.update(self.by_bank.get((kind, word), []))
            by_reference.update(self.by_named_ref.get((kind, word), []))
        fits = {n: row for n, row in by_reference.items() if self.amounts[n] == key}
        if not fits:
            fits = {n: row for n, row in by_reference.items() if _less_fee(key, self.amounts[n])}

        def open_to(n: int, row: dict) -> bool:
            return (
                (taken_too or n not in self.taken)
                and not _contradicts(ret, row)
                and (allowed is None or allowed(n, row))
            )

        if not fits and payee is not None:
            fits = {
                n: row
                for n, row in self.by_amount.get((kind, key), [])
                if payee(ret, row) and not names_another_month(ret, row) and open_to(n, row)
            }
        if not fits and payee is not None and not by_reference:
            fits = self._payee_less_fee(ret, key, kind, payee, open_to)
        return {n: row for n, row in fits.items() if open_to(n, row)}

    def names_a_reference(self, ret: dict, kind: str | None = None) -> bool:
        """Whether the return quotes or names the reference of any payment, whatever its amount or date."""
        words = _words(ret) | {r.upper() for r in ret.get("_other_refs", ())}
        return bool(
            self.by_ref.get((kind, ret.get("payment_ref")))
            or any(self.by_bank.get((kind, w)) or self.by_named_ref.get((kind, w)) for w in words)
        )

    def _payee_less_fee(self, ret: dict, key, kind, payee, open_to) -> dict[int, dict]:
        """The payments of the payee a return names without a reference that it brings back less the
        bank's fee: up to FEE_MAX and a tenth of the payment more than it (a bank's fee is small;
        11,000 back of a 30,000 top-up is no return of it), the nearest alone (989,000 back is the
        1,000,000, not the 1,030,000 paid beside it)."""
        fits = {
            n: (row, paid - key)
            for (k, paid), rows in self.by_amount.items()
            if k == kind and isinstance(key, Decimal) and _less_fee(key, paid) and paid - key <= paid / 10
            for n, row in rows
            if payee(ret, row) and not names_another_month(ret, row) and open_to(n, row)
        }
        nearest = min((fee for _, fee in fits.values()), default=None)
        return {n: row for n, (row, fee) in fits.items() if fee == nearest}

    @staticmethod
    def choose(ret: dict, fits: dict[int, dict], known: set[int] | None = None) -> tuple[int | None, list[int]]:
        """Of the payments that fit, the one the return brings back; else None and, when it names
        none of several apart, their numbers (the return is ambiguous). `known`: the payments the
        return names, when known already."""
        named = [n for n, row in fits.items() if (n in known if known is not None else names(ret, row))]
        if len(fits) == 1:
            return next(iter(fits)), []
        if len(named) > 1 and known is None:  # namesakes: the one whose account, ID or bank reference it names
            apart = [n for n in named if names_apart(ret, fits[n])]
            named = apart if len(apart) == 1 else named
        if len(named) == 1 or _one_payee([fits[n] for n in named]):
            return min(named), []  # one payee paid twice alike: whichever came back, the month is the same
        return None, sorted(named or fits)

    def take(
        self, ret: dict, amount, kind: str | None = None, allowed: Callable[[int, dict], bool] | None = None
    ) -> tuple[dict | None, list[int]]:
        """The original of a bank's return `ret` (a camt return, an MT940 reversal) in its own file, by
        a reference, marked as taken; else None and, when several payments fit and the return names
        none of them apart, their row numbers (the return is ambiguous). One that names no payment
        of its file by a reference is looked for across the run's statements (returns_across.py):
        first by the references it names, then by its payee."""
        fits = self.fits(ret, amount, kind, allowed=allowed)
        chosen, several = self.choose(ret, fits)
        if chosen is None:
            return None, several
        self.taken.add(chosen)
        return fits[chosen], []


def ambiguous(rows: list[int]) -> str:
    """Why a return that fits several payments is set aside, naming their rows."""
    listed = ", ".join(str(n) for n in rows)
    return (
        f"a return that fits {len(rows)} payments of the same amount (rows {listed}) and names "
        "none of them apart by account, ID, name or bank reference: not paired, none is marked returned; "
        "ask the bank which payment came back"
    )


def _words(ret: dict) -> frozenset[str]:
    """The words of a return's text, upper case, where it names a payment's reference: each whole
    (`5254-05357`, `FT24249/001`) and each of its parts between `-`, `/`, `.` or `_`
    (`CTXH0910002-TK` names `CTXH0910002`)."""
    return _words_of(ret.get("narrative") or "")


# A return is compared with every payment of its reference and amount (thousands, for a batch under
# one reference): what is read from a text is read once per text
@functools.lru_cache(maxsize=65536)
def _words_of(text: str) -> frozenset[str]:
    words = {w.upper() for w in WORD.findall(text)}
    return frozenset(words | {part for w in words for part in re.split(r"[-/._]", w) if part})


@functools.lru_cache(maxsize=65536)
def _ids(text: str | None) -> frozenset[str]:
    return frozenset(person_ids(text))


@functools.lru_cache(maxsize=65536)
def _mentions(text: str | None, paid_to: bool) -> tuple[str, ...]:
    return tuple(account_mentions(text, paid_to))


def _same_account_named(ret: dict, original: dict) -> bool:
    """Whether a payment without an account column names one account in its text (a statement
    without a column for it), and the return names that one alone, its leading zeros lost or not, in
    its text (as where the money came back from too, not where it went back to) or its column. A
    text that names two (the paying office's own beside the payee's) names none apart; `HOAN TRA VE
    TK <office> CK CCCD <another>` names the office's account as where the money went back to, and
    is the other's."""
    if original.get("account_number"):
        return False
    paid = _mentions(original.get("narrative"), True)
    if len(paid) != 1:
        return False
    if ret.get("account_number"):
        return _same_account(ret["account_number"], paid[0])
    back = _mentions(ret.get("narrative"), False)
    return len(back) == 1 and _same_account(back[0], paid[0])


def _name(value: str | None) -> str | None:
    """A name as compared: without case, diacritics or punctuation (Hoàng Thị Em is HOANG THI EM)."""
    return fold(value) or None if value else None


def names(ret: dict, original: dict) -> bool:
    """Whether the return names the original's counterparty (account, ID, name) or bank reference."""
    return names_apart(ret, original) or _names_name(ret, original)


def _names_name(ret: dict, original: dict) -> bool:
    """Whether the return names the original's payee by name (its own, or in its text)."""
    name = _name(original.get("payee_name"))
    return bool(
        name and (name == _name(ret.get("payee_name")) or f" {name} " in f" {fold(ret.get('narrative') or '')} ")
    )


def names_apart(ret: dict, original: dict) -> bool:
    """Whether the return names what tells the original's payment from a namesake's: its account (its
    leading zeros lost or not), an ID of its narrative, or its bank reference (a name alone may be two
    people's)."""
    words = _words(ret)
    account = original.get("account_number")
    bank_ref = (original.get("bank_ref") or "").upper()
    return bool(
        (account and (_same_account(account, ret.get("account_number")) or account in words))
        or _ids(original.get("narrative")) & _ids(ret.get("narrative"))
        or _same_account_named(ret, original)
        or (bank_ref and (bank_ref == (ret.get("bank_ref") or "").upper() or bank_ref in words))
    )


def _names_reference(ret: dict, original: dict) -> bool:
    """Whether the return quotes the original's reference, or names it in its text."""
    refs = {r.upper() for r in (original.get("payment_ref"), *original.get("_other_refs", ())) if r}
    return bool(refs) and ((ret.get("payment_ref") or "").upper() in refs or bool(refs & _words(ret)))


def _same_account(one: str | None, other: str | None) -> bool:
    """One account number, as written or with its leading zeros lost (a spreadsheet's number)."""
    return bool(one and other and (one == other or (one.lstrip("0") == other.lstrip("0") != "")))


# a month a text names, folded: `T08`, `thang 8`, `08 2024` (08/2024)
MONTH_NAMED = re.compile(r"\b(?:t|th|thang)\s?0?(1[0-2]|[1-9])\b|\b0?(1[0-2]|[1-9]) (?:19|20)[0-9]{2}\b")
ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})-\d{1,2}|\d{1,2}[/.-](\d{1,2})[/.-](\d{4})")


def names_another_month(ret: dict, original: dict) -> bool:
    """Whether a return's text names a month, and not the month the payment was made in: the family of
    a man who died paying back August's money (`HOAN TRA TIEN TRO CAP THANG 8/2024 CHI THUA`) is no
    return of September's payment, though its amount and his ID are the same."""
    named = {int(a or b) for a, b in MONTH_NAMED.findall(fold(ret.get("narrative") or ""))}
    paid = ISO_MONTH.match((original.get("value_date") or "").strip())
    if not named or paid is None:
        return False
    return int(paid.group(2) or paid.group(3)) not in named


def _less_fee(returned, paid) -> bool:
    """Whether an amount that came back is a payment's less a bank's fee: below it by at most FEE_MAX."""
    numbers = (Decimal, int)
    return isinstance(returned, numbers) and isinstance(paid, numbers) and 0 < paid - returned <= FEE_MAX


def _one_payee(rows: list[dict]) -> bool:
    """Whether payments are to one payee: one account and one name, and no two IDs in their texts (a
    text that names none is no other payee's). Without a name, their texts must be the same: two
    narratives naming one account may name two people who share it (`... NGUYEN THI HUONG STK <acct>`,
    `... PHAM VAN LOC STK <acct>`)."""
    return (
        len(rows) > 1
        and len({(row.get("account_number"), _name(row.get("payee_name"))) for row in rows}) == 1
        and len(set().union(*(_ids(row.get("narrative")) for row in rows))) <= 1
        and (bool(_name(rows[0].get("payee_name"))) or len({fold(row.get("narrative") or "") for row in rows}) == 1)
    )


def _contradicts(ret: dict, original: dict) -> bool:
    """Whether the return names another counterparty than the original's: another account, or IDs
    none of which is the original's, and nothing that tells the original's payee apart named (the
    same name is a namesake's too: a return from A's account naming NGUYEN VAN AN is no return of
    the payment to another NGUYEN VAN AN's account), nor its name with its reference."""
    account, other = original.get("account_number"), ret.get("account_number")
    ids, other_ids = _ids(original.get("narrative")), _ids(ret.get("narrative"))
    differs = bool(account and other and not _same_account(account, other)) or bool(
        ids and other_ids and not ids & other_ids
    )
    return differs and not (
        names_apart(ret, original) or (_names_name(ret, original) and _names_reference(ret, original))
    )


def pair_returns(rows: list[dict]) -> None:
    """camt: mark the original debit of each return found in the same file, dated no later than it, as
    returned, with the return's reason, and make the return the credit it is (set aside); a return that fits several
    payments is set aside as ambiguous. The rows are the file's, in order (row 1 first)."""
    originals = Originals()
    for n, row in enumerate(rows, start=1):
        if not row["_return"] and row["status"] == "success" and not row["aside"]:
            originals.add(n, row, row["amount"], row["direction"])
    for row in rows:
        if not (row["_return"] and row["status"] == "returned"):
            continue
        back = day_of(row["value_date"])

        def no_later(_: int, payment: dict, back=back) -> bool:
            """A payment dated no later than its return (either undated: no order is asked)."""
            paid = day_of(payment["value_date"])
            return paid is None or back is None or paid <= back

        original, several = originals.take(row, row["amount"], row["direction"], allowed=no_later)
        if original is not None:
            original["status"] = "returned"
            if row["_reason"]:
                original["narrative"] = "; ".join(p for p in (original["narrative"], row["_reason"]) if p)
        if original is not None or several:
            row["direction"] = row["_booked"]  # the money coming back: a credit, set aside
            row["aside"] = row["aside"] or (ambiguous(several) if several else None)
