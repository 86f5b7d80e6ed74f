"""How a file's header cells are compared with the headers a profile names: the words of a header
within a cell, or a statement's debit and credit headers as a pair of cells."""

from __future__ import annotations

import re
import unicodedata

from reconcile.normalise.text import fold


def header_contains(header: str, wanted: str) -> bool:
    """Whether a header holds the words of `wanted`, in order, as whole words: compared without case,
    diacritics or punctuation, so that the bilingual `Số tiền ghi nợ/ Debit` holds `Số tiền ghi nợ`
    and `Ngày1/ TNX Date/ Số CT` holds `TNX Date`."""
    key = fold(wanted)
    return bool(key) and f" {key} " in f" {fold(header)} "


def holds_pair(cells: list[str], debits: list[str], credits: list[str]) -> bool:
    """Whether two cells of a header row are the debit and credit headers of one pair of these parallel
    lists (`Nợ` and `Có`, `Debit` and `Credit`), each the whole cell or one language of a bilingual one
    (`Có / Credit`). Headers as short as `Có` (yes) or `Debit` (`Debit account`) say a statement only
    so, as a pair of cells of their own: one cell `Nợ/Có` is a side column (readers/direction.py)."""
    if len(debits) != len(credits):
        return False
    parts = [{fold(p) for p in re.split(r"[/\n]", c)} for c in cells]  # a row of thousands of cells: linear
    for debit, credit in zip(debits, credits):
        d, c = fold(debit), fold(credit)
        with_debit = [i for i, a in enumerate(parts) if d in a]
        if with_debit and any(c in b and [i] != with_debit for i, b in enumerate(parts)):
            return True
    return False


# words that make a header holding a debit or credit header the account's, its holder's or its bank's
# (`Tài khoản ghi nợ`, `Tên TK ghi có`, `Ngân hàng ghi có` of a bank's payment order): no amount
_PARTY = re.compile(r"\b(tai khoan|tk|stk|account|acct|ten|name|ngan hang|bank)\b")


def names_movement(header: str, wanted: str) -> bool:
    """Whether a header is a debit or credit column `wanted` names (`Số tiền ghi nợ/ Debit` is `Ghi nợ`),
    not the account, holder or bank debited or credited: a payment order's `Tài khoản ghi nợ` (the
    paying account) read as the debits, every payment's amount was that account's number. A header of
    one word written with its diacritics (`Nợ`, `Có`) is found within another only so written: the
    English `No` of `Số bút toán/ Transaction No` or `STT/ No.` (a number) was read as the debits."""
    if not header_contains(header, wanted) or not written_as(header, wanted):
        return False
    return not _PARTY.search(f" {fold(header)} ".replace(f" {fold(wanted)} ", " "))


def movement_columns(headers: list[str], wanted: str, as_written: bool = False) -> list[str]:
    """The headers that are the debit or credit column `wanted` names: the whole header (as written, in a
    file that writes its diacritics: there `No.` is a number, no `Nợ`), or within it (names_movement).
    as_written: the whole header as written in a file without diacritics too (a first look, before
    `No` is taken for `Nợ` where no header says the debits otherwise)."""
    accented = as_written or any(not str(h).isascii() for h in headers)
    key = fold(wanted)
    return [
        h for h in headers if (fold(h) == key and (not accented or written_as(h, wanted))) or names_movement(h, wanted)
    ]


def written_as(header: str, wanted: str) -> bool:
    """Whether a header holds `wanted` as written, diacritics and all, when `wanted` is one word that
    has them (`Nợ`, `Có`): folded, `No` (a number) and `Co` read as they do."""
    mine = _words(wanted)
    return " " in mine or mine == fold(wanted) or f" {mine} " in f" {_words(header)} "


def _words(text: str) -> str:
    """A text's words in lower case, diacritics kept (`Nợ/ Debit`: `nợ debit`)."""
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFC", text).lower()).split())


# words that make a header the paying side's, folded: the account debited (`Số tài khoản ghi nợ`,
# `Tài khoản trích nợ`, `Số TK chuyển`, `TK nguồn`), its holder's name and its bank; not `chuyển đến`
_PAYER = re.compile(r"\b(ghi no|trich no|nguon|chuyen(?! den)|nguoi tra|don vi tra|debit|debtor|from|payer|remitter)\b")
# ... unless it names the payee's side as well: `Số tài khoản nhận chuyển khoản`, `TK thụ hưởng (chuyển đến)`,
# or the counterparty, a debit's payee (Techcombank's bilingual `Đối tác/ Remitter`)
_PAYEE = re.compile(r"\b(ghi co|nhan|thu huong|nguoi huong|credit|creditor|beneficiary|payee|to|doi tac|doi ung)\b")


def payer_side(canonical: str, header: str, wanted: str) -> bool:
    """Whether a header that holds the words of a payee column (`Số tài khoản`) names the payer's
    instead (`Số tài khoản ghi nợ`, the paying office's account beside `Số tài khoản ghi có`): read as
    the payee's account, every payment was an ACCOUNT_MISMATCH into one shared account. The amount
    debited (`Số tiền ghi nợ`) is the payment's. Nor is the one who received the money on the
    beneficiary's behalf the payee (`Người nhận thay`, `Số CCCD người nhận thay`, `Người được ủy
    quyền`): read as the payee's name, each list's name went unchecked where no proxy received it, and
    each proxy's name was a NAME_MISMATCH."""
    folded = fold(header)
    if (
        canonical in ("payee_name", "vneid", "date_of_birth")
        and _PROXY.search(folded)
        and not _PROXY.search(fold(wanted))
    ):
        return True
    if canonical not in ("account_number", "payee_name", "bank_code"):
        return False
    return bool(_PAYER.search(folded)) and not _PAYEE.search(folded) and not _PAYER.search(fold(wanted))


# words that make a header the proxy's, who received the money for the beneficiary, folded
_PROXY = re.compile(r"\b(nhan thay|nhan ho|linh thay|linh ho|uy quyen|giam ho|nguoi dai dien)\b")


# words that make a header the amount due, not the amount paid, folded: `Số tiền được hưởng`, `Mức hưởng`,
# `Số tiền phải trả`, `Số tiền được lĩnh` beside `Số tiền đã nhận` or `Số tiền đã lĩnh` (a post office's
# list of what was due and what was received)
_DUE = re.compile(
    r"\b(duoc huong|tien huong|muc huong|muc tro cap|phai tra|phai chi|dinh muc|ke hoach|duoc linh|phai linh)\b"
)


def names_due(canonical: str, header: str, wanted: str) -> bool:
    """Whether a header that holds the words of a payments list's amount (`Số tiền`) names the amount
    due instead (`Số tiền được hưởng`): read as the amount paid, a beneficiary paid 1,250,000 of
    2,250,000 (`Số tiền đã nhận`) was paid in full, no AMOUNT_MISMATCH. Taken when no other is there."""
    return canonical == "amount" and bool(_DUE.search(fold(header))) and not _DUE.search(fold(wanted))


# words that name the beneficiary's column, and the receiver's, folded: a post office's list of who was
# due beside who received the money (`Số CCCD đối tượng`, `Số CCCD người nhận`, a proxy's when not
# the beneficiary)
_BENEFICIARY = re.compile(r"\b(doi tuong|nguoi huong|nguoi thu huong|thu huong)\b")
_RECEIVER = re.compile(r"\bnguoi nhan\b")


def beneficiary_first(headers, taken, name: str, wanted: list[str]) -> str:
    """The column `name` chosen for a payee column (its ID, name or birth date), unless its header names
    the receiver (`Số CCCD người nhận`) and another header holding the profile's words names the
    beneficiary (`Số CCCD đối tượng`, `Số định danh đối tượng`): then that one. Read as the payee's, a
    proxy's ID was an UNKNOWN_PAYEE and the beneficiary a MISSING_PAYMENT, and on the re-issue list.
    `headers`: (header, column) pairs in the file's order; `taken`: the columns chosen already."""
    header = next((h for h, n in headers if n == name), "")
    if not _RECEIVER.search(fold(header)):
        return name
    beneficiary = (
        n
        for h, n in headers
        if n not in taken and n != name and _BENEFICIARY.search(fold(h)) and any(header_contains(h, w) for w in wanted)
    )
    return next(beneficiary, name)


_PAREN = re.compile(r"\([^)]*\)")
# the words a bank writes its headers' English half in, folded: `Số GD/ Seq. No`, `Loại tiền/ Currency`,
# `Ngày hiệu lực/ Effective date`. A half in other words is no translation (`Ngày mất/ chuyển đi`: the
# date of death or of moving away, two columns in one)
ENGLISH = frozenset((
    "a", "account", "acct", "amount", "and", "balance", "bank", "beneficiary", "branch", "c", "ccy", "channel",
    "charge", "charges", "code", "content", "counterparty", "cr", "credit", "currency", "customer", "d", "date",
    "debit", "deposit", "deposits", "desc", "description", "detail", "details", "doc", "dr", "effective", "fee",
    "fees", "id", "in", "info", "information", "memo", "name", "narrative", "no", "note", "notes", "num", "number",
    "of", "order", "out", "paid", "payee", "payer", "payment", "posting", "receiver", "ref", "reference", "remark",
    "remarks", "remitter", "result", "seq", "sequence", "status", "the", "tnx", "trans", "transaction",
    "transactions", "txn", "type", "value", "vnd", "withdrawal", "withdrawals",
))  # fmt: skip


def bilingual(header: str) -> list[str] | None:
    """The two halves of a bilingual header, Vietnamese first (`Số GD/ Seq. No`: `Số GD`, `Seq. No`), or
    None for any other: one half must be a bank's English."""
    parts = [p for p in re.split(r"[/\n]", header) if p.strip()]
    if len(parts) != 2:
        return None
    english = [bool(fold(p)) and set(fold(p).split()) <= ENGLISH for p in parts]
    if english == [False, True]:
        return parts
    if english == [True, False]:
        return parts[::-1]
    return None


def header_in(header: str, headers: set[str] | frozenset[str]) -> bool:
    """Whether a header, folded, is one of `headers`: whole, without what it says in brackets (`Nợ/Có
    (D/C)`), or one language of a bilingual header (`Loại tiền/ Currency`, `Ghi chú/ Remarks`)."""
    text = str(header)
    bare = _PAREN.sub(" ", text)
    if fold(text) in headers or fold(bare) in headers:
        return True
    halves = bilingual(bare)
    return halves is not None and any(fold(p) in headers for p in halves)


def two_in_one(header: str) -> bool:
    """Whether a header names two things in one column, two halves and neither a bank's English (`Ngày
    mất/ chuyển đi`: the date of death, or of moving away)."""
    parts = [p for p in re.split(r"[/\n]", header) if p.strip()]
    return len(parts) == 2 and all(fold(p) for p in parts) and bilingual(header) is None
