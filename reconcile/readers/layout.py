"""A profile applied to a table: derived columns (amount from debits, fixed values), the amount and
date conventions, and the reason each set-aside row is set aside."""

from __future__ import annotations

import itertools
import re

import polars as pl

from reconcile.errors import InputFileError
from reconcile.header_words import beneficiary_first, movement_columns, names_due, payer_side, two_in_one
from reconcile.normalise.text import fold
from reconcile.profiles import Profile, SkipRule, _alternatives, header_contains
from reconcile.readers.lookup import another_currency, header_lookup
from reconcile.readers.names import BALANCE_ROW, BALANCE_TEXT, DATE_ORDERS, DERIVED, SKIP_COLUMN
from reconcile.readers.signs import POSITIVE, bare, unsigned
from reconcile.readers.tables import RawTable


def profile_columns(profile: Profile, headers: list[tuple[str, str]]) -> dict[str, str]:
    """Unique column name -> canonical, for the headers the profile names: the first alternative
    present, as the whole header, else as words within a header (a bilingual `Số tiền ghi nợ/ Debit`)."""
    by_fold: dict[str, str] = {}
    for header, column in headers:
        by_fold.setdefault(fold(header), column)
    preset: dict[str, str] = {}
    known = header_lookup(profile.kind)
    for canonical in profile.columns:
        wanted = profile.headers_for(canonical)
        # any alternative as the whole header first; only then as words within one (`Số tiền` must not
        # take `Số tiền phí` when `Số tiền chuyển`, a later alternative, is there as it is)
        name = next((by_fold[fold(h)] for h in wanted if by_fold.get(fold(h)) not in (None, *preset)), None)
        if name is None:  # a header that is this column's own name (`Số tiền chi trả`) before one
            # that only holds the profile's words (`Số tiền (kỳ trước)`, a column before it)
            name = next((n for header, n in headers if n not in preset and known.get(fold(header)) == canonical), None)
        if name is None:
            name = next(
                (
                    n
                    # `Số tiền (VND)` before `Số tiền (USD)` left of it, `Số tiền đã nhận` before `Số tiền được hưởng`
                    for loose in range(3)
                    for h in wanted
                    for header, n in headers
                    if n not in preset
                    and header_contains(header, h)
                    and not payer_side(canonical, header, h)
                    # `Ngày mất/ chuyển đi`: a date of death for some rows, of moving away for others
                    and not (canonical == "date_of_death" and two_in_one(header))
                    and (loose > 1 or not another_currency(header))
                    and (loose > 0 or not names_due(canonical, header, h))
                ),
                None,
            )
        if name is not None:
            preset[beneficiary_first(headers, preset, name, wanted)] = canonical
    return preset


def _column_of(table: RawTable, header: str) -> str | None:
    """The frame column holding `header` (as written, else as words within the header, one that
    names no other currency first) or the canonical column `header`."""
    for name in table.original_columns:
        if fold(name) == fold(header):
            return name
    for name, canonical in table.header_map.items():
        if canonical == header:
            return name
    within = [name for name in table.original_columns if header_contains(name, header)]
    return next((name for name in within if not another_currency(name)), within[0] if within else None)


def _headers_of(table: RawTable, most: int = 20) -> str:
    """The file's headers as a message lists them: quoted, a header's line breaks as spaces (a message
    is one line), the first `most` of them."""
    names = [f"'{' '.join(str(n).split())}'" for n in table.original_columns]
    return ", ".join(names[:most]) + (", …" if len(names) > most else "")


def _first_column_of(table: RawTable, headers: list[str]) -> str | None:
    """The frame column of the first of these alternative headers that the file has."""
    return next((c for c in (_column_of(table, h) for h in headers) if c is not None), None)


def _movement_column(table: RawTable, headers: list[str]) -> str | None:  # `Tài khoản ghi nợ` is no debits' column
    """The first of these debit (or credit) headers the file has, whole or within a header (header_words.py):
    first as written, then folded, so that a file without diacritics headed `No.` (its rows' number) and
    `Debit` reads the debits from `Debit`, not every row's number as its amount."""
    for as_written in (True, False):
        for h in headers:
            if found := movement_columns(table.original_columns, h, as_written):
                return min(found, key=lambda n: (fold(n) != fold(h), another_currency(n)))
    return None


def _blank(name: str) -> pl.Expr:  # a cell with no value: null, or only spaces
    return pl.col(name).is_null() | (pl.col(name).str.strip_chars() == "")


# A debit or credit cell that moves no money: empty, a dash, or a zero (many exports fill the unused
# one of the two columns with 0 or -, as text or as a number)
_NO_MONEY = r"^\s*(?:[-–—]|0+(?:[.,]0+)*)?\s*$"


def _no_money(name: str) -> pl.Expr:
    return pl.col(name).is_null() | pl.col(name).str.contains(_NO_MONEY)


def blank_row(names: list[str]) -> pl.Expr:
    return pl.all_horizontal(_blank(n) for n in names) if names else pl.lit(False)


def blank_rows(names: list[str]) -> pl.Expr:
    return pl.when(blank_row(names)).then(pl.lit("blank row")).otherwise(pl.lit(None, dtype=pl.String))


# Why a row that repeats the header row is set aside: an export printed page by page heads each page
HEADER_AGAIN = "the header row again (a new page of the export)"


def header_again(names: list[str], headers: list) -> pl.Expr:
    """A row that repeats the header row under it: at least two of its cells are their column's
    header (as written, or with its spaces and line breaks made single), and every other is blank.
    Equality only, no text function on every cell: a list of millions of rows pays next to nothing."""
    same, fits = [], []
    for name, header in zip(names, headers):
        written = "" if header is None else str(header)
        equal = pl.col(name).cast(pl.String).is_in(sorted({written, written.strip(), " ".join(written.split())} - {""}))
        same.append(equal.fill_null(False).cast(pl.Int32))
        fits.append(equal.fill_null(False) | _blank(name))
    if len(names) < 2:
        return pl.lit(False)
    return pl.when(pl.sum_horizontal(same) >= 2).then(pl.all_horizontal(fits)).otherwise(pl.lit(False))


# Why the row under the header that numbers the columns is set aside: the state's forms number them
# there (`(1) (2) (3)`, `A B C 1 2 3`), and a list printed page by page numbers them again on each page
NUMBERING = "the row under the header that numbers the columns"
# a column's letter or number, in brackets or not, with the formula of a computed column after it
_COLUMN_NUMBER = re.compile(r"^[(\[]?\s*(?:([A-Za-z])|([0-9]{1,3})(?:\.0+)?)\s*[)\]]?(?:\s*=.*)?$")


def numbering_row(cells: list | None) -> bool:
    """Whether a row numbers the columns, as a form's row under its header does: three cells or more
    filled, each a column's letter or number (`A`, `(1)`, `3`, `(7)=(5)x(6)`), the letters in
    alphabetical and the numbers in increasing order. No beneficiary or payment is written so (a name
    has letters, an ID or a reference digits); read as data, its numbers became a payment of a few đồng
    in 1900 to an ID `4`."""
    filled = [str(v).strip() for v in cells or [] if v is not None and str(v).strip()]
    letters, numbers = [], []
    for cell in filled:
        found = _COLUMN_NUMBER.match(cell)
        if found is None:
            return False
        if found.group(1):
            letters.append(found.group(1).upper())
        else:
            numbers.append(int(found.group(2)))
    ordered = all(a < b for a, b in itertools.pairwise(letters)) and all(a < b for a, b in itertools.pairwise(numbers))
    return len(filled) >= 3 and ordered


def numbering_rows(names: list[str], cells: list) -> pl.Expr:
    """The numbering row (numbering_row) under the header, and a row that repeats it on a later page:
    each cell as the numbering row's, blank where that is. Equality only, as header_again."""
    written = (list(cells) + [None] * len(names))[: len(names)]
    return pl.all_horizontal(
        _blank(name) if value is None or not str(value).strip() else pl.col(name).cast(pl.String) == str(value)
        for name, value in zip(names, written)
    ).fill_null(False)


# A row a list totals itself with: its first cells say so (Tổng cộng, Cộng, Cộng I...), its key is empty
TOTAL_LABEL = r"(?i)^\s*(tổng|cộng|tong|cong)\b"


def blank_or_total_rows(names: list[str], key: str | None) -> pl.Expr:
    """Without a profile: a blank row, or a section's totals row above the list's last (the last is the
    file's own totals, taken out and checked: totals.py), which is no beneficiary or payment."""
    if key is None:
        return blank_rows(names)
    label = pl.any_horizontal(pl.col(n).str.contains(TOTAL_LABEL).fill_null(False) for n in names[:2])
    total = label & _blank(key)
    return (
        pl.when(blank_row(names))
        .then(pl.lit("blank row"))
        .when(total)
        .then(pl.lit("a total row"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


# Why a statement export's row with nothing in its debit column is set aside (checks.py: an export all
# of whose rows are so may have its debit column read wrong)
NO_DEBIT = "no debit amount"


def money_in(profile: str) -> str:  # why a credit of a statement export is set aside
    return f"money in (a credit), not a payment (profile {profile})"


def apply_profile(table: RawTable, profile: Profile) -> None:
    """Derived columns (amount from debit/credit, fixed values, amount and date conventions) and the
    reason each set-aside row is set aside. Derived columns are named `__reconcile_...` and are not
    part of the row's values as read."""
    frame, path = table.frame, table.path
    derived: list[pl.Expr] = []
    reasons: list[tuple[pl.Expr, str]] = []
    if profile.skip_blank:
        reasons.append((blank_row(table.original_columns), "blank row"))
    extracted = {g for rule in profile.extract if _column_of(table, rule.column) for g in rule.groups()}
    later: list[tuple[int, SkipRule]] = []  # rules on a column an [[extract]] rule gives, read after it
    for rule in profile.skip:
        column = _column_of(table, rule.column)
        if column is None and rule.column == "amount" and profile.debits():  # the amount is the debit
            column = _movement_column(table, profile.debits())
        if column is None and rule.column in extracted:
            later.append((len(reasons), rule))
            continue
        if column is None and rule.optional:
            continue  # a column some files of the layout have (STT, a narrative)
        if column is None:  # a misspelt column would let the rows it names through as data, unsaid
            raise InputFileError(
                f"{path} (sheet '{table.sheet}')" if table.sheet else str(path),
                f"has no column '{rule.column}' for a [[skip]] rule of the profile {profile.name}",
                f"correct the rule's column to one of the file's headers ({_headers_of(table)}), or give the "
                "rule optional = true if some files lack that column",
            )
        reasons.append(_skip_reason(rule, column, profile))
        table.consumed.add(column)
    if profile.debit or profile.credit:
        debit, credit = _movement_column(table, profile.debits()), _movement_column(table, profile.credits())
        if debit is None:
            raise InputFileError(
                str(path),
                f"has no debit column '{' / '.join(profile.debits())}' (profile {profile.name})",
                "check the profile's debit header against the file",
            )
        table.consumed |= {c for c in (debit, credit) if c is not None}
        # a row that states the opening or closing balance in whichever column (`Số dư cuối kỳ/ Closing
        # balance` under the date's header, below the totals row), no movement: no payment left unread
        # (set aside for lack of a debit, it made a day of money in alone a file to refuse)
        states = pl.any_horizontal(
            pl.col(c).cast(pl.String).str.normalize("NFC").str.contains(BALANCE_TEXT).fill_null(False)
            for c in table.original_columns
        )
        still = _no_money(debit) & (_no_money(credit) if credit is not None else pl.lit(True))
        reasons.append((states & still, f"{BALANCE_ROW} (profile {profile.name})"))
        if credit is not None:
            reasons.append((_no_money(debit) & ~_no_money(credit), money_in(profile.name)))
            table.credit_column = credit  # a credit may be a payment's return (returns_across.py)
            balance = _first_column_of(table, _alternatives(profile.balance))
            if balance is not None and balance not in (debit, credit):  # checked row by row: balances.py
                table.balance = (debit, credit, balance)
        reasons.append((_no_money(debit), f"{NO_DEBIT} (profile {profile.name})"))
        # debits all written negative (-1.500.000: VietinBank, BIDV) are payments; a stray one is rejected
        written = (bare(debit).str.contains(POSITIVE) & ~_no_money(debit)).any()
        derived.append(pl.when(written).then(pl.col(debit)).otherwise(unsigned(debit)).alias(DERIVED + "amount"))
        table.header_map[DERIVED + "amount"] = "amount"
        table.notes.append(f"amount from '{debit}' (debits); rows without a debit are set aside")
    for canonical, value in profile.values.items():
        if canonical not in table.header_map.values():
            derived.append(pl.lit(value).alias(DERIVED + canonical))
            table.header_map[DERIVED + canonical] = canonical
            table.notes.append(f"{canonical} = '{value}' for every row (the file has no such column)")
    if derived:
        frame = frame.with_columns(derived)
    frame = _extract(table, profile, frame)
    for at, rule in reversed(later):  # the column the extraction gave, in the rule's place among the reasons
        column = _column_of(table, rule.column)
        assert column is not None  # an [[extract]] rule gave it
        reasons.insert(at, _skip_reason(rule, column, profile))
    by_canon = {c: n for n, c in table.header_map.items()}
    filled = []
    for canonical in profile.fill_down:
        if canonical in by_canon:  # a statement that prints the date once per day: the rows below take it
            source = by_canon[canonical]
            filled.append(
                pl.when(_blank(source))
                .then(None)
                .otherwise(pl.col(source))
                .forward_fill()
                .alias(DERIVED + canonical + "_f")
            )
            table.header_map[DERIVED + canonical + "_f"] = table.header_map.pop(source)
            table.consumed.add(source)
            table.converted[source] = canonical
            table.notes.append(f"{canonical}: a blank cell takes the value of the row above")
    if filled:
        frame = frame.with_columns(filled)
        by_canon = {c: n for n, c in table.header_map.items()}
    conventions = []

    def convert(canonical: str, expr: pl.Expr, note: str) -> None:
        """Read `canonical` from a converted copy of its column."""
        source = by_canon[canonical]
        conventions.append(expr.alias(DERIVED + canonical + "_n"))
        table.header_map[DERIVED + canonical + "_n"] = table.header_map.pop(source)
        table.consumed.add(source)
        table.converted[source] = canonical
        table.notes.append(f"{canonical}: {note}")

    if profile.thousands != "auto":
        for canonical in ("amount", "entitled_amount"):
            if canonical in by_canon:
                convert(
                    canonical,
                    _ungroup(pl.col(by_canon[canonical]), profile.thousands),
                    f"'{profile.thousands}' read as the thousands separator",
                )
    if profile.date_order != "dmy":
        pattern = (
            r"^\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})"
            if profile.date_order == "ymd"
            else r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"
        )
        order = "${1}-${2}-${3}" if profile.date_order == "ymd" else "${3}-${1}-${2}"
        # a year of two digits (24/09/05, 09/05/24) made day first, as the normaliser reads it
        short = (
            r"^\s*(\d{2})[/.\-](\d{1,2})[/.\-](\d{1,2})\b"
            if profile.date_order == "ymd"
            else r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})\b"
        )
        short_order = "${3}/${2}/${1}" if profile.date_order == "ymd" else "${2}/${1}/${3}"
        for canonical in profile.date_columns():
            if canonical in by_canon:
                convert(
                    canonical,
                    pl.col(by_canon[canonical]).str.replace(pattern, order).str.replace(short, short_order),
                    f"read as {DATE_ORDERS[profile.date_order]}",
                )
    if conventions:
        frame = frame.with_columns(conventions)
    skip = pl.lit(None, dtype=pl.String)
    for condition, reason in reversed(reasons):
        skip = pl.when(condition).then(pl.lit(reason)).otherwise(skip)
    table.frame = frame.with_columns(skip.alias(SKIP_COLUMN))


def _skip_reason(rule: SkipRule, column: str, profile: Profile) -> tuple[pl.Expr, str]:
    """A [[skip]] rule's condition on its column, and the reason it gives."""
    condition = pl.col(column).str.contains("(?i)" + rule.matches).fill_null(False)
    if rule.unless is not None:
        condition = condition & ~pl.col(column).str.contains("(?i)" + rule.unless).fill_null(False)
    return condition, f"{rule.reason} (profile {profile.name})"


def _extract(table: RawTable, profile: Profile, frame):
    """The profile's [[extract]] rules: each named group of a rule's pattern becomes its canonical
    column, or fills the blank cells of the column the file has for it."""
    for n, rule in enumerate(profile.extract, start=1):
        source = _column_of(table, rule.column)
        if source is None:
            continue
        found = pl.col(source).str.extract_groups(rule.pattern)
        by_canon = {c: name for name, c in table.header_map.items()}
        added, said = [], []
        for canonical in rule.groups():
            value = found.struct.field(canonical).str.strip_chars()
            value = pl.when(value == "").then(None).otherwise(value)
            target = f"{DERIVED}{canonical}_x{n}"
            if canonical in by_canon and by_canon[canonical] == source:  # the part of its own cell that reads
                value = pl.coalesce(value, pl.when(_blank(source)).then(None).otherwise(pl.col(source)))
                table.header_map.pop(source)
                table.converted[source] = canonical
                said.append(f"{canonical} from '{source}', the part that reads as the pattern")
            elif canonical in by_canon:  # the file's own column first, the extraction where it is blank
                own = by_canon[canonical]
                value = pl.coalesce(pl.when(_blank(own)).then(None).otherwise(pl.col(own)), value)
                table.header_map.pop(own)
                if own.startswith(DERIVED):  # an earlier pattern gave it
                    said.append(f"{canonical} where the patterns before give none, from '{source}'")
                else:
                    table.consumed.add(own)
                    table.converted[own] = canonical
                    said.append(f"{canonical} from '{own}', where blank from '{source}'")
            else:
                said.append(f"{canonical} from '{source}'")
            added.append(value.alias(target))
            table.header_map[target] = canonical
        if source not in table.header_map:
            table.consumed.add(source)
        frame = frame.with_columns(added)
        table.notes.append("; ".join(said) + f" (where it reads as the profile's pattern {n})")
    return frame


def _ungroup(column: pl.Expr, separator: str) -> pl.Expr:
    """An amount with the profile's thousands separator taken out, only where it groups the digits in
    threes ('1.500.000', '₫ 1.500.000,00'); any other use of it ('1000000.5', '1.5000') is left as
    written, for the amount normaliser to refuse as a fraction or bad grouping."""
    sep = re.escape(separator)
    grouped = rf"^[^0-9{sep}]*[0-9]{{1,3}}({sep}[0-9]{{3}})+([^0-9{sep}][^{sep}]*)?$"
    return (
        pl.when(column.str.contains(grouped))
        .then(column.str.replace_all(separator, "", literal=True))
        .otherwise(column)
    )
