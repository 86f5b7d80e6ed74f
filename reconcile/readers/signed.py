"""A statement export that gives each movement in one signed amount column (`Số tiền`, `Phát sinh`):
`-1.500.000`, `1.500.000-` or `(1.500.000)` for money paid out, `10.000.000` or `+10.000.000` for
money received. Read as a payments list, each debit was rejected as a negative amount and each credit
(the treasury's funding, a return) loaded as a payment, an UNKNOWN_PAYEE.

Decided from the amounts, not the file's name: a column with a negative amount is the bank's signed
movements when all its amounts are negative (the statement of a payout account), or some positive one
is written with its `+`, or the negative ones are more than the others, or the file has a running
balance column, or its columns are a statement's and a positive amount's narrative names no one (the
treasury's funding: _statement_columns), or a positive amount's narrative says it is money coming back
(`HOAN TIEN ... TK DA DONG`: a day of more returns than payments); so is one of positive amounts alone when some is written with its `+` (a day's
statement that holds the treasury's funding alone). Then a negative amount is a payment of its amount
without the sign, and a positive one is set aside as money in (or paired as a payment's return:
returns_across.py), as a side column's credit is (direction.py), and a subtotal in the narrative,
either sign, as a total row (as_statement). A payments list whose amounts are all positive, none
with a `+`, is read as it always was, and one with a stray negative among many positive amounts has
that row rejected as negative. A registry is never read so: a negative entitled
amount is rejected with its reason."""

from __future__ import annotations

import polars as pl

from reconcile.header_words import header_in
from reconcile.normalise.text import fold
from reconcile.profiles import Profile, SkipRule, builtin
from reconcile.readers.camt_references import birth_codes
from reconcile.readers.names import BALANCE_ROW, BALANCE_TEXT, DERIVED, ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.sections import TOTAL_ROW
from reconcile.readers.signs import NEGATIVE, POSITIVE, SIGNED_POSITIVE, bare, number
from reconcile.readers.statements import CREDIT
from reconcile.readers.tables import RawTable

# the built-in statement profile whose rules tell the bank's charges from payments, and their reason
STATEMENT_PROFILE = "vn-bank-statement"
CHARGES = "bank charges"
# the headers of a statement's one column of movements, folded, that no payments list has for its amounts
MOVEMENTS = {"phat sinh", "so tien phat sinh", "phat sinh trong ky", "so tien giao dich", "so tien gd"}
# the headers of a running balance, folded: a statement's, never a payments list's
BALANCES = {"so du", "so du tai khoan", "so du cuoi", "balance", "so du balance", "so du / balance"}
# a statement's counterparty (`Tên đối ứng`, `Tài khoản đối ứng`), folded: no payments list's header
COUNTERPARTY = " doi ung "
# a credit's narrative that says it brings money back (row_values.RETURN_TEXT's words, as written): a day
# of a payout account's export with more returns than payments is still its statement
RETURN_WORDS = (
    r"(?i)(^|[^\p{L}])(ho[aà]n ?(tr[aả]|l[aạ]i|ti[eề]n)|tr[aả] v[eề]|chuy[eể]n tr[aả]|tra so[aá]t|h[uủ]y (gd|giao d[iị]ch)"
    r"|kh[oô]ng th[aà]nh c[oô]ng|refund(ed)?|return(ed)?|revers(al|ed))"
    r"([^\p{L}]|$)"
)


def read_signed_amounts(table: RawTable, profile: Profile | None) -> None:
    """When a payments table's amount column holds signed movements (the module's docstring): the
    amount read without its sign, the positive rows set aside as money in, the opening and closing
    balance rows set aside, and the running balance, when the file has one, checked (balances.py).
    A list with a channel column of its own, or whose profile says its channel is not the bank (a
    post office's cash list, a recovery written negative in it), is no bank's statement."""
    own = [c for c, canonical in table.header_map.items() if canonical == "channel" and not c.startswith(DERIVED)]
    if table.kind != "payments" or own or (profile is not None and profile.values.get("channel", "bank") != "bank"):
        return
    column = next((c for c, canonical in table.header_map.items() if canonical == "amount"), None)
    if column is None:  # a statement's own name for its movements (`Phát sinh`), read when it is signed
        column = table.unread_column(MOVEMENTS)
    if column is None:
        return
    text = bare(column)
    narrative = next((c for c, canonical in table.header_map.items() if canonical == "narrative"), None)
    names_no_one = (  # a credit whose narrative holds no ID nor account: the treasury's funding, interest
        ~pl.col(narrative).cast(pl.String).str.replace_all(r"[\s.\-]", "").str.contains(r"[0-9]{9,}").fill_null(False)
        if narrative is not None
        else pl.lit(False)
    )
    says_return = (  # a credit whose narrative says it brings money back: `HOAN TIEN ...`, `Hoàn trả`
        pl.col(narrative).cast(pl.String).str.contains(RETURN_WORDS).fill_null(False)
        if narrative is not None
        else pl.lit(False)
    )
    counts = table.selected(
        text.str.contains(NEGATIVE).sum().alias("negative"),
        text.str.contains(POSITIVE).sum().alias("positive"),
        text.str.contains(SIGNED_POSITIVE).sum().alias("signed"),
        (text.str.contains(POSITIVE) & names_no_one).sum().alias("unnamed"),
        (text.str.contains(POSITIVE) & says_return).sum().alias("returned"),
    )
    if counts is None:  # a file that cannot be parsed: refused when it is staged
        return
    negative, positive, signed, unnamed, returned = (
        int(counts[c][0] or 0) for c in ("negative", "positive", "signed", "unnamed", "returned")
    )
    others = [c for c in table.original_columns if c != column]
    balance = next((c for c in others if header_in(c, BALANCES)), None)
    shaped = unnamed > 0 and _statement_columns(table, column)
    if not (negative or signed) or not (
        positive == 0 or signed or negative > positive or balance is not None or shaped or returned
    ):
        return
    amount = number(column)
    debit, credit = text.str.contains(NEGATIVE), text.str.contains(POSITIVE)
    names = {what: DERIVED + what + "_s" for what in ("amount", "debit", "credit")}
    stated = pl.any_horizontal(
        pl.col(c).cast(pl.String).str.normalize("NFC").str.contains(BALANCE_TEXT).fill_null(False) for c in others
    )
    zero = text.str.contains(r"^[-+]?0+(?:[.,]0+)*$").fill_null(False)  # `Số dư đầu kỳ` with a 0 movement
    aside = pl.when(stated & (_blank(column) | zero)).then(pl.lit(BALANCE_ROW)).when(credit).then(pl.lit(CREDIT))
    table.frame = table.frame.with_columns(
        pl.when(debit | credit).then(amount).otherwise(pl.col(column)).alias(names["amount"]),
        pl.when(debit).then(amount).alias(names["debit"]),
        pl.when(credit).then(amount).alias(names["credit"]),
        pl.coalesce(pl.col(SKIP_COLUMN), aside).alias(SKIP_COLUMN),
    )
    table.header_map.pop(column, None)
    table.header_map[names["amount"]] = "amount"
    table.consumed.add(column)
    table.converted[column] = "amount"
    table.side_column = column  # a credit may be a payment's return (returns_across.py)
    table.signed = (column, bool(positive))
    if balance is not None:  # checked row by row, from the debits and credits the signs give
        table.balance = (names["debit"], names["credit"], balance)
        table.consumed.add(balance)
    table.notes.append(
        f"'{column}' gives each movement signed: a negative amount is a payment, a positive one money in and set aside"
    )


def _statement_columns(table: RawTable, column: str) -> bool:
    """Whether a file's columns are a statement's, not a payments list's: its movements headed as a
    statement's (`Phát sinh`), a counterparty's column (`Tên đối ứng`), or a narrative that alone says
    who was paid (no column of the payee's name, ID or account, which every payments list has)."""
    read = set(table.header_map.values())
    return (
        fold(column) in MOVEMENTS
        or any(COUNTERPARTY in f" {fold(c)} " for c in table.original_columns)
        or ("narrative" in read and not read & {"payee_name", "vneid", "account_number"})
    )


def as_statement(table: RawTable) -> None:
    """A statement export (a side column or signed amounts, no debit and credit columns): without a channel
    column, its movements are the bank's, each row's channel `bank`; the bank's own charges in it
    (`Phí chuyển tiền`, `Thu phí SMS Banking`: money out to no payee) set aside as a statement
    profile's are, not read as payments to unknown payees; its subtotals in the narrative (`Cộng phát
    sinh ngày 05/09/2024`) set aside as total rows, as that profile's are; a side column's opening and
    closing balance rows (`Số dư đầu kỳ`, no amount) set aside as a signed one's are, not rejected as
    rows of no payment."""
    amount = next((c for c, canonical in table.header_map.items() if canonical == "amount"), None)
    if table.signed is None and amount is not None:  # a side column's `Số dư đầu kỳ`, its amount blank
        others = [c for c in table.original_columns if c not in (amount, table.side_column)]
        stated = pl.any_horizontal(
            pl.col(c).cast(pl.String).str.normalize("NFC").str.contains(BALANCE_TEXT).fill_null(False) for c in others
        )
        aside = pl.when(stated & _blank(amount)).then(pl.lit(BALANCE_ROW))
        table.frame = table.frame.with_columns(pl.coalesce(pl.col(SKIP_COLUMN), aside).alias(SKIP_COLUMN))
    if "channel" not in table.header_map.values():
        table.frame = table.frame.with_columns(pl.lit("bank").alias(DERIVED + "channel"))
        table.header_map[DERIVED + "channel"] = "channel"
        table.notes.append("channel = 'bank' for every row (the file has no such column)")
    statement = next(p for p in builtin() if p.name == STATEMENT_PROFILE)
    _counterparty(table, statement)
    narrative = next((c for c, canonical in table.header_map.items() if canonical == "narrative"), None)
    if narrative is None:
        return
    text = pl.col(narrative).cast(pl.String).str.normalize("NFC")
    charges = pl.lit(None, dtype=pl.String)
    for rule in reversed([r for r in statement.skip if r.reason == CHARGES and r.column == "narrative"]):
        charges = pl.when(_matches(text, rule)).then(pl.lit(CHARGES)).otherwise(charges)
    # a day's or the month's subtotal in the narrative (`Cộng phát sinh ngày 05/09/2024`), a debit or a
    # credit, moves no money: a total row, as the statement profile's (read as a payment, it was rejected
    # for want of a reference and payee, and the running balance counted it as a movement)
    totals = [_matches(text, r) for r in statement.skip if r.reason == TOTAL_ROW and r.column == "narrative"]
    total = pl.any_horizontal(totals) if totals else pl.lit(False)
    skip = pl.col(SKIP_COLUMN)
    table.frame = table.frame.with_columns(
        pl.when(total & (skip.is_null() | (skip == CREDIT)))
        .then(pl.lit(TOTAL_ROW))
        .otherwise(pl.coalesce(skip, charges))
        .alias(SKIP_COLUMN)
    )


def refs_by_row(table: RawTable) -> None:
    """A statement export with no column of references (a Techcombank or BIDV export without `Số bút
    toán`), or a post office's cash list numbered by its STT alone: each row's reference is its row
    number in the file, so that every movement or payout has one of its own, as the contract asks, and
    a finding names the row it came from. Refused for lack of the column, such a file could not be
    reconciled at all; with one reference for all, each payment would be the same reference used
    again (DUPLICATE_PAYMENT)."""
    table.frame = table.frame.with_columns(pl.col(ROW_COLUMN).cast(pl.String).alias(DERIVED + "payment_ref"))
    table.header_map[DERIVED + "payment_ref"] = "payment_ref"
    table.notes.append("payment_ref = the row's number in the file (the file has no column of references)")


def refs_by_row_where_none(table: RawTable) -> None:
    """A camt or MT940 entry with no reference of the customer's or the bank's (`NONREF` and no
    `//`, an end-to-end id `NOTPROVIDED` and no `AcctSvcrRef`): its row's number in the file is its
    reference, as in an export with no column of them. Each was rejected `payment_ref missing`, and
    its beneficiary a MISSING_PAYMENT: a bank's file the officer cannot mend."""
    ref = next((c for c, canonical in table.header_map.items() if canonical == "payment_ref"), None)
    if ref is None:
        refs_by_row(table)
        return
    text = pl.col(ref).cast(pl.String).str.strip_chars()
    missing = text.is_null() | (text == "")
    found = table.selected(missing.sum())
    if found is None or not found.item():
        return
    table.frame = table.frame.with_columns(
        pl.when(missing).then(pl.col(ROW_COLUMN).cast(pl.String)).otherwise(pl.col(ref)).alias(ref)
    )
    table.notes.append("payment_ref = the row's number in the file where an entry has no reference (NONREF)")


def ids_in_references(table: RawTable) -> None:
    """A statement export's reference that holds the payee's ID (`TC001097699417T09`,
    `CCCD079196118125`) where the narrative holds none: added to the narrative, labelled, where the
    run looks for the ID, as camt's end-to-end id is. Unread, the payment was rejected as naming no one
    (and its beneficiary a MISSING_PAYMENT) though the bank's reference said who was paid."""
    by = {canonical: column for column, canonical in table.header_map.items()}
    ref, narrative = by.get("payment_ref"), by.get("narrative")
    if ref is None or ref.startswith(DERIVED) or "vneid" in by:
        return
    codes = "|".join(sorted(birth_codes()))
    an_id = f"(?:^|[^0-9])(?:{codes})[0-9]{{9}}(?:[^0-9]|$)"  # 12 digits from a place-of-birth code
    holds = pl.col(ref).cast(pl.String).str.contains(an_id).fill_null(False)
    if narrative is not None:  # a narrative with an ID of its own keeps it alone
        holds = holds & ~pl.col(narrative).cast(pl.String).str.contains(an_id).fill_null(False)
    found = table.selected(holds.sum())
    if found is None or not found.item():  # none, or a file that cannot be parsed: refused when staged
        return
    labelled = pl.lit("reference ") + pl.col(ref).cast(pl.String)
    text = pl.col(narrative).cast(pl.String) if narrative is not None else pl.lit(None, dtype=pl.String)
    name = DERIVED + "narrative_ref"
    table.frame = table.frame.with_columns(
        pl.when(holds)
        .then(pl.concat_str([text, labelled], separator="; ", ignore_nulls=True))
        .otherwise(text)
        .alias(name)
    )
    if narrative is not None:
        table.header_map.pop(narrative)
        table.consumed.add(narrative)
        table.converted[narrative] = "narrative"
    table.header_map[name] = "narrative"
    table.notes.append(f"narrative: with the reference '{ref}' where it holds an ID and the narrative none")


def _counterparty(table: RawTable, statement: Profile) -> None:
    """A statement's counterparty columns (`Tên đối ứng`, `Tài khoản đối ứng`, `Ngân hàng đối ứng`), read
    as the statement profile reads them: unread, the statement was refused as lacking its `Ghi nợ`."""
    used = set(table.header_map) | table.consumed | set(table.converted)
    for canonical in ("payee_name", "account_number", "bank_code"):
        if canonical in table.header_map.values():
            continue
        wanted = {fold(h) for h in statement.headers_for(canonical)}
        column = next((c for c in table.original_columns if c not in used and header_in(c, wanted)), None)
        if column is not None:
            table.header_map[column] = canonical
            used.add(column)


def _matches(text: pl.Expr, rule: SkipRule) -> pl.Expr:
    """Where a profile's [[skip]] rule holds of a narrative's text (its `matches`, not its `unless`)."""
    found = text.str.contains("(?i)" + rule.matches).fill_null(False)
    return found & ~text.str.contains("(?i)" + rule.unless).fill_null(False) if rule.unless is not None else found


def _blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).cast(pl.String).str.strip_chars() == "")
