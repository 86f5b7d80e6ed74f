"""Header text to canonical column: the recognised headers of a role (canonical names and their
aliases, contracts), compared folded, with or without a unit after them."""

from __future__ import annotations

import re

from reconcile.contracts import RecordKind, columns
from reconcile.header_words import bilingual
from reconcile.normalise.text import fold

# a unit after an amount's header: Số tiền (VNĐ), Số tiền (đồng), Amount VND
_UNIT = re.compile(r" (vnd|dong|d|vn d)$")

# the sub-headers of a date of birth written over two columns by sex, folded (`Nam`, `Nữ`, `NU`,
# `Male`, `Female`): which of the two each names (birth_split.py)
SEXES = {"nam": "nam", "nu": "nu", "male": "nam", "female": "nu"}


# the payee's side, or the transfer, said after a header (`STK nhận`, `Ngân hàng người thụ hưởng`,
# `Nội dung CK`): the header before it names the column; never the payer's side (`STK chuyển`)
_SIDE = re.compile(r" (nguoi nhan|nguoi thu huong|nguoi huong|thu huong|nhan|ck|chuyen khoan)$")


# A header that names a currency other than the đồng (folded): a statement's or a list's second
# currency column (`Ghi nợ (USD)` beside `Ghi nợ (VND)`), read as the amount only when no other holds
# the header's words: read first, its 60.00 USD were a payment of 60 VND, an AMOUNT_MISMATCH each
FOREIGN_CODES = "usd|eur|jpy|cny|rmb|gbp|aud|sgd|krw|thb|hkd|chf|cad|twd"  # ISO codes of other currencies, folded
_FOREIGN = re.compile(rf"\b({FOREIGN_CODES}|ngoai te|nguyen te|foreign)\b")


def another_currency(header: str) -> bool:
    return bool(_FOREIGN.search(fold(header)))


# The words of the personal ID's headers, folded, in any order (`Số CCCD/CMND`, `CCCD/Định danh`, `Số
# định danh/CCCD`): a header of these words alone, one of them the new ID's (CCCD, định danh, căn
# cước), is the ID's column. Not `Số CMND` alone: the old 9-digit card, which a registry may list
# beside the new ID
_ID_WORDS = frozenset(
    ["so", "ma", "the", "cccd", "cmnd", "cmt", "can", "cuoc", "cong", "dan", "dinh", "danh", "ca", "nhan"]
)
_NEW_ID = re.compile(r"\b(cccd|dinh danh|can cuoc)\b")


def canonical_of(lookup: dict[str, str], header: str) -> str | None:
    """The canonical column a header names, by its folded text, with or without a unit after it, and
    with or without the payee's side or the transfer said after it; or the ID's, by its words; or what
    one language of a bilingual header names."""
    key = fold(header)
    for text in (key, _UNIT.sub("", key)):
        found = lookup.get(text) or lookup.get(_SIDE.sub("", text))
        if found:
            return found
    if "vneid" in lookup.values() and set(key.split()) <= _ID_WORDS and _NEW_ID.search(key):
        return "vneid"
    # a bilingual header (`Số GD/ Seq. No`, `Loại tiền/ Currency`, `Ngày GD\nTNX Date`): the column one of
    # its two languages names, when the other names no other (`Họ tên/ Số CCCD`, two in one, names none);
    # not a cell of three (`Ngày1/ TNX Date/ Số CT`: a date and a document's number in one, a profile's),
    # nor two halves of which neither is a bank's English (`Ngày mất/ chuyển đi`: two dates in one column)
    halves = bilingual(header)
    if halves is not None:
        named = {canonical_of(lookup, p) for p in halves} - {None}
        if len(named) == 1:
            return named.pop()
    return None


def header_lookup(kind: RecordKind) -> dict[str, str]:
    """Folded header text -> canonical column name, canonical names first."""
    lookup: dict[str, str] = {}
    cols = columns(kind)
    for col in cols:
        lookup[fold(col.name)] = col.name
    for col in cols:
        for alias in col.aliases:
            lookup.setdefault(fold(alias), col.name)
    # the date of birth written over two columns by sex (`Năm sinh` over `Nam | Nữ`): birth_split.py
    for key in [k for k, v in lookup.items() if v == "date_of_birth"]:
        for sex in SEXES:
            lookup.setdefault(f"{key} {sex}", "date_of_birth")
    return lookup
