"""A statement export's running balance (Số dư), checked row by row, as an MT940's or a camt
statement's balances are checked against its entries (mt940_balances.py, camt_totals.py).

A profile that names the balance column of its layout (`balance = "Số dư"`) besides its debit and
credit columns has it checked: each balance a row states must be the balance stated before it, less
the debits and plus the credits of the rows since (the row itself included), exactly. A row deleted
from the export, or an amount edited, breaks the chain at the row after it, and the file is refused
naming that row. Every row that moves money counts, whether it is a payment or is set aside (money
in, the bank's charges); a balance row (`Số dư đầu kỳ`) only states a balance; blank rows, the
header again, subtotals and totals and what is under the file's totals row move nothing. A row with
no balance (a bank that prints it once per day) passes its movements on to the next balance. The
chain starts at the opening balance the title block above the header states by its label
(`Số dư đầu kỳ/ Opening balance: 500,000,000`, the amount after the label in its cell or in the next
filled cell of its row), so that the first row deleted is seen; else at the first balance stated (the
opening balance row, when the export has one). It ends at the closing balance: a balance row under
the totals row (`Số dư cuối kỳ/ Closing balance`, its amount in the balance column), else one the
title block states, so that the last row deleted is seen. It starts again after a row whose debit,
credit or balance cannot be read as a whole number of VND (that row is rejected, or set aside, with
its own reason). An export listed newest first is checked from its last row up, between the same
opening and closing balances. Two or more balance rows over or under the list may stand either way
(both under it, both over it, the closing one over): the list is read with each where its balance
follows, some balance before its first row and some after its last (_orders). A balance row labelled
closing (`Số dư cuối kỳ`) never stands before a row that moves money, nor one labelled opening after
one: taken for the opening balance, a closing one equal to it let the newest row of an export listed
newest first be deleted unseen."""

from __future__ import annotations

import re

import polars as pl

from reconcile.errors import InputFileError
from reconcile.normalise.text import fold
from reconcile.readers.export_span import ENTRY, export_span
from reconcile.readers.guards import CURRENT as GUARDS
from reconcile.readers.layout import HEADER_AGAIN, NUMBERING
from reconcile.readers.names import BALANCE_ROW, ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.row_values import amount_of
from reconcile.readers.sections import SECTION_HEADING
from reconcile.readers.tables import RawTable
from reconcile.readers.totals import UNDER_TOTALS

# rows that move no money: their reasons as the profile and the readers give them
NO_MOVEMENT = ("blank row", HEADER_AGAIN, NUMBERING, UNDER_TOTALS, "a total row", SECTION_HEADING)

# an opening or a closing balance's label in a title block, folded: Số dư đầu kỳ/ Opening balance
TITLE_LABELS = {
    "opening": re.compile(r"^(?:so du dau ky|opening balance)\b"),
    "closing": re.compile(r"^(?:so du cuoi ky|closing balance)\b"),
}
# a balance row's label, folded, anywhere in its cells: Số dư cuối kỳ/ Closing balance
ROW_LABELS = {
    "opening": re.compile(r"\b(?:so du dau ky|opening balance)\b"),
    "closing": re.compile(r"\b(?:so du cuoi ky|closing balance)\b"),
}
CURRENCY = re.compile(r"\s*(?:VND|VNĐ|đồng|đ)\.?\s*$", re.IGNORECASE)
FIX = (
    "ask the bank for the statement again; the file may be cut short or edited; if it has been checked by hand "
    "against the bank's, set running_balance = false in [checks] of the config file"
)
EDGE_ROWS = 4  # balance rows over and under the list at most moved over or under it (_orders)
NONE = re.compile(r"^\s*(?:[-–—]|0+(?:[.,]0+)*)?\s*$")  # an empty debit or credit cell: as layout._NO_MONEY


def title_balances(above: list[list]) -> dict[str, tuple[int, int]]:
    """The opening and closing balances a title block (the rows above the header) states by their
    label: {"opening": (its row, the amount)}. The amount is what follows the label's colon in its
    cell, or else the next filled cell of its row; a label with no whole number of VND there (a
    summary table's labels, its amounts on the row under them) states none."""
    found: dict[str, tuple[int, int]] = {}
    for index, row in enumerate(above):
        for column, value in enumerate(row):
            text = "" if value is None else str(value)
            which = next((k for k, label in TITLE_LABELS.items() if label.match(fold(text))), None)
            if which is None or which in found:
                continue
            amount = text.split(":", 1)[1] if ":" in text else ""
            if not amount.strip():
                amount = next((str(v) for v in row[column + 1 :] if v is not None and str(v).strip()), "")
            number = _number(CURRENCY.sub("", amount), blank=None)
            if isinstance(number, int):
                found[which] = (index + 1, number)
    return found


def entry_columns(table: RawTable, columns) -> list[str]:
    """The file's own columns of an export's entries' day, reference and narrative among `columns`
    (its frame's, or its staged copy's): what tells one export's rows apart from another's
    (export_span.py), read with the balance columns."""
    return [c for c, canonical in table.header_map.items() if canonical in ENTRY and c in columns]


def check_running_balance(table: RawTable, frame: pl.DataFrame) -> None:
    """Refuse the table when its running balance does not follow from its rows (module doc). `frame`:
    the table's data rows in file order, with the row number, the reason set aside and the debit,
    credit and balance columns (the totals row and the rows under it may be among them), and the
    entry_columns. An export whose balances follow, and whose title names its account, is kept as a
    statement of that account (table.spans: export_span.py), so that the exports of one account given
    together are checked as a chain, as daily camt and MT940 statements are (chain.py)."""
    if table.balance is None or not GUARDS.running_balance:
        return
    debit, credit, balance = table.balance
    end = table.control.row if table.control is not None and table.control.row is not None else None
    rows, closing, entries = [], [], {}
    extra = entry_columns(table, frame.columns)
    for r in frame.select(ROW_COLUMN, SKIP_COLUMN, debit, credit, balance, *extra).iter_rows():
        if end is None or r[0] < end:
            if not (r[1] or "").startswith(NO_MOVEMENT):
                rows.append(r[:5])
                entries[r[0]] = r[5:]
        elif (r[1] or "").startswith(BALANCE_ROW) and isinstance(_number(r[4], blank=None), int):
            closing = [r[:5]]  # under the totals row: Số dư cuối kỳ
    titled = title_balances(table.above) if table.above else {}
    opening = [(titled["opening"][0], BALANCE_ROW, None, None, titled["opening"][1])] if "opening" in titled else []
    if not closing and "closing" in titled:
        closing = [(titled["closing"][0], BALANCE_ROW, None, None, titled["closing"][1])]
    orders = _orders(rows, bool(opening), bool(closing), row_labels(table, frame))
    ordered = next((order for order in orders if _broken(opening + order + closing) is None), None)
    if ordered is not None:  # oldest first
        ends = _ends(opening + ordered + closing)
        if ends is not None:
            kinds = [table.header_map[c] for c in extra]
            moved = [(r[0], tuple(_number(v, blank=0) for v in r[2:5]) + entries[r[0]]) for r in ordered]
            span = export_span(table, *ends, moved, kinds)
            table.spans += [span] if span is not None else []
        return
    # the row that breaks the order in which most balances follow: as listed, else from the last up (listed
    # newest first), the opening and closing balance rows over or under the list where they follow best
    best = max(orders, key=lambda order: _followed(opening + order + closing))
    broken = _broken(opening + best + closing)
    assert broken is not None  # no order follows throughout
    row, before, moves, stated, since = broken
    name = " ".join(str(balance).split())
    sign = "+" if moves > 0 else ""
    where = f"{table.path} (sheet '{table.sheet}')" if table.sheet else str(table.path)
    if opening and since == opening[0][0]:
        said = (
            f"its balance column '{name}' does not follow from the opening balance on row {since:,} at row "
            f"{row:,}: the opening balance is {before:,}, the rows up to it move {sign}{moves:,}, and it says {stated:,}"
        )
    elif "closing" in titled and closing and row == closing[0][0] and closing[0][2:4] == (None, None):
        said = (
            f"its balance column '{name}' does not end at the closing balance on row {row:,}: the last balance "
            f"is {before:,}, the rows after it move {sign}{moves:,}, and the closing balance is {stated:,}"
        )
    else:
        said = (
            f"its balance column '{name}' does not follow at row {row:,}: the balance before it is "
            f"{before:,}, the rows up to it move {sign}{moves:,}, and it says {stated:,}"
        )
    raise InputFileError(where, said, FIX)


def row_labels(table: RawTable, frame: pl.DataFrame) -> dict[int, str]:
    """The balance rows of `frame` labelled opening or closing (`Số dư đầu kỳ`, `Số dư cuối kỳ/ Closing
    balance`, in whichever of its columns the frame holds: all the file's, or, staged, the entry_columns):
    {row: "opening"}. A row whose cells say both, or neither, has no label."""
    shown = [c for c in frame.columns if c in table.original_columns or c in table.header_map]
    shown = [c for c in shown if c not in (ROW_COLUMN, SKIP_COLUMN)]
    balance_rows = frame.filter(pl.col(SKIP_COLUMN).cast(pl.String).str.starts_with(BALANCE_ROW).fill_null(False))
    labels: dict[int, str] = {}
    for r in balance_rows.select(ROW_COLUMN, *shown).iter_rows():  # a few rows: over and under the list
        said = {k for v in r[1:] if v is not None for k, label in ROW_LABELS.items() if label.search(fold(str(v)))}
        if len(said) == 1:
            labels[int(r[0])] = said.pop()
    return labels


def _orders(rows: list[tuple], opened: bool, closed: bool, labels: dict[int, str] | None = None) -> list[list[tuple]]:
    """The orders in which `rows` may run oldest first: as listed, and from the last row up (listed
    newest first). One balance row (`Số dư đầu kỳ`, `Số dư cuối kỳ`) over or under the list stays
    where it is, the rows between it and the list's other end either way (a closing balance row under
    a list listed newest first). Two or more there, each may stand over the list or under it (both
    under, both over, the closing one over and the opening one under), with the rows between them
    either way, but some balance must start the order and some end it (`opened`, `closed`: the
    title block's or the totals row's): the first row and the last are checked against one, so that
    the first row deleted is seen though the opening and closing balances are one amount. A row its
    label calls closing (`labels`: row_labels) never stands before a row that moves money, nor one
    called opening after one; each may stand where its label says (a closing row over the list)."""
    labels = labels or {}
    inner = [i for i, r in enumerate(rows) if not (r[1] or "").startswith(BALANCE_ROW)]
    if not inner:
        return [rows, rows[::-1]]
    first, last = inner[0], inner[-1] + 1
    edges, body = rows[:first] + rows[last:], rows[first:last]
    orders = [rows, rows[::-1], rows[:first] + body[::-1] + rows[last:]]
    if any(r[0] in labels for r in edges):  # each labelled balance row where its label says
        opens = [r for r in edges if labels.get(r[0]) == "opening"]
        closes = [r for r in edges if labels.get(r[0]) == "closing"]
        above = opens + [r for r in rows[:first] if r[0] not in labels]
        below = [r for r in rows[last:] if r[0] not in labels] + closes
        orders += [above + body + below, above + body[::-1] + below]
    if len(edges) >= 2 and len(edges) <= EDGE_ROWS:
        for listed in (body, body[::-1]):
            for over in range(1 << len(edges)):
                above = [r for i, r in enumerate(edges) if over >> i & 1]
                orders.append(above + listed + [r for i, r in enumerate(edges) if not over >> i & 1])
        balance = {r[0] for r in edges}
        orders = [o for o in orders if (opened or o[0][0] in balance) and (closed or o[-1][0] in balance)]
    kept = [o for o in orders if _labels_kept(o, labels)]
    orders = kept or orders  # a closing row amid the list (two exports one under the other): as before
    return [order for i, order in enumerate(orders) if order not in orders[:i]]


def _labels_kept(order: list[tuple], labels: dict[int, str]) -> bool:
    """Whether no row labelled closing comes before a row that moves money in `order`, and no row
    labelled opening after one: taken for the opening balance, a closing balance equal to it (a month
    that closes at what it opened at) had every balance follow with the newest row deleted."""
    moving = [i for i, r in enumerate(order) if not (r[1] or "").startswith(BALANCE_ROW)]
    if not moving:
        return True
    return not any(
        (labels.get(r[0]) == "closing" and i < moving[-1]) or (labels.get(r[0]) == "opening" and i > moving[0])
        for i, r in enumerate(order)
    )


def _broken(rows: list[tuple]) -> tuple[int, int, int, int, int] | None:
    """The first row whose balance does not follow, in the order given: (row, the balance before it,
    the movements since, the balance it states, the row that stated the balance before it); None when
    every balance follows."""
    before: int | None = None  # the last balance stated
    since = 0  # its row
    moves = 0  # the movements since it
    for row, skip, debit, credit, balance in rows:
        stated, moved = _number(balance, blank=None), _movement(skip, debit, credit)
        if moved is None or (stated is not None and not isinstance(stated, int)):
            before = stated if isinstance(stated, int) and moved is not None else None  # the chain starts again
            moves, since = 0, row
            continue
        moves += moved
        if stated is None:
            continue
        if before is not None and before + moves != stated:
            return int(row), before, moves, stated, int(since)
        before, moves, since = stated, 0, row
    return None


def _followed(rows: list[tuple]) -> int:
    """How many balances follow from the one stated before them, in the order given: nearly all in the
    order the export is listed in (oldest first), few the other way up."""
    count, before, moves = 0, None, 0
    for _, skip, debit, credit, balance in rows:
        stated, moved = _number(balance, blank=None), _movement(skip, debit, credit)
        if moved is None or isinstance(stated, str):
            before, moves = None, 0
            continue
        moves += moved
        if stated is not None:
            count += before is not None and before + moves == stated
            before, moves = stated, 0
    return count


def _ends(rows: list[tuple]) -> tuple[int, int] | None:
    """The balance before the first of `rows` (oldest first, their balances following) and after the
    last: the first balance stated less the movements up to it, the last plus those after it; None
    when a row's movement or balance cannot be read (the chain started again there)."""
    opening: int | None = None
    last, moves = 0, 0
    for _, skip, debit, credit, balance in rows:
        stated, moved = _number(balance, blank=None), _movement(skip, debit, credit)
        if moved is None or isinstance(stated, str):
            return None
        moves += moved
        if stated is not None:
            opening = stated - moves if opening is None else opening
            last, moves = stated, 0
    return None if opening is None else (opening, last + moves)


def _movement(skip: str | None, debit, credit) -> int | None:
    """What a row moves: its credit less its debit; 0 for a balance row (it only states a balance);
    None when either cannot be read as a whole number of VND."""
    if (skip or "").startswith(BALANCE_ROW):
        return 0
    out, into = _number(debit, blank=0), _number(credit, blank=0)
    # a debit written negative (-1.500.000) still takes money out: its row is rejected for its sign
    return abs(into) - abs(out) if isinstance(out, int) and isinstance(into, int) else None


def _number(value, blank: int | None) -> int | str | None:
    """A cell as a whole number of VND (`1.500.000`, `-2,000,000`, `1500000.0`), `blank` when empty,
    or the text when it is no such number."""
    text = "" if value is None else str(value).strip()
    if text in ("", "-", "–", "—"):
        return blank
    if NONE.match(text):
        return 0
    negative = text.startswith("-")
    read = amount_of(text.lstrip("-").strip())
    if not isinstance(read, int):
        return text
    return -read if negative else read
