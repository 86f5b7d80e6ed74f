"""A return paired with the payment it brings back, across the statements of a run.

A month's payments often come as several statements (the bank's MT940 of each day, a camt.053 a
week), and money sent on the 10th may come back in the statement of the 12th. The camt and MT940
readers pair the returns whose payment is in the same file (camt_returns.py); a return that finds
none stands for its payment, as a returned debit, so that a payment of an earlier month is reported
failed. When the payment is in another statement of the same run, that would count it twice: the
payment paid, its return failed, and the beneficiary paid although the money came back. A statement
export read through a profile with a debit and a credit column (`Ghi nợ` / `Ghi có`) has its
returns as credits (`Hoan tra GD BT002`), set aside as money in, with its payment still paid.

So, once every file of the run is read, each such return (a statement's return standing for its
payment, or an export's credit) is looked for among the successful debits of the run's statements by
the rules of a file's own (camt_returns.Originals: the same amount, a reference it names, among
several the payee it names); a statement's return only in the other files (its own was searched),
and only among payments dated no later than it. Found, the payment is marked returned and the return
is set aside naming the payment's file and row. Fitting several and naming none apart, none is marked
and the return is set aside with the rows it could be, for an officer to ask the bank. Found in no
file, a statement's return stays the returned debit it stood for, and an export's credit stays set
aside as money in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from reconcile.readers.camt_returns import Originals
from reconcile.readers.layout import money_in
from reconcile.readers.names import DERIVED, ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.statements import REFS_COLUMN, RETURN_COLUMN, STATEMENTS
from reconcile.readers.tables import RawTable

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DMY_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")  # 05/09/2024: a Vietnamese export's day first
FIELDS = ("payment_ref", "payee_name", "account_number", "value_date", "narrative", "status")


def _file(table: RawTable) -> str:
    """A file as a return's reason names it: its name, and its sheet when a workbook's."""
    return table.path.name if table.sheet is None else f"{table.path.name} (sheet {table.sheet})"


def paired(original: RawTable, row: int) -> str:
    """Why a return is set aside once its payment, row `row` of `original`, is marked returned."""
    return (
        f"credit: the return of the payment in {_file(original)} row {row}, which is marked returned "
        "(a return or reversal, not a payment)"
    )


def ambiguous_across(rows: list[tuple[RawTable, int]]) -> str:
    """Why a return that fits the payments of several rows is set aside."""
    listed = ", ".join(f"{_file(table)} row {row}" for table, row in rows)
    return (
        f"a return that fits {len(rows)} payments of the same amount ({listed}) and names none of them apart "
        "by account, ID, name or bank reference: not paired, none is marked returned; ask the bank which "
        "payment came back"
    )


def amount_of(value: str | None) -> int | str | None:
    """An amount as compared across files: `1.500.000`, `1,500,000.00`, `1500000` and `1500000.00` alike;
    text that is no whole number of VND as it is."""
    if value is None:
        return None
    text = re.sub(r"[.,]0{1,2}$", "", re.sub(r"\s", "", str(value)))
    digits = text.replace(".", "").replace(",", "")
    return int(digits) if digits.isdigit() else str(value)


@dataclass
class Statement:
    """A payments table whose returns are paired here, as rows the pairing reads, and what it changes."""

    table: RawTable
    rows: list[dict]
    columns: dict[str, str]  # canonical -> the frame's column
    changed: set[str] = field(default_factory=set)  # the canonical columns changed, and "skip"

    def set(self, row: dict, what: str, value: str) -> None:
        row[what] = value
        self.changed.add(what)


def pair_returns_across(tables: Iterable[RawTable]) -> None:
    """Pair each return with its payment in the run's statements (the module's docstring); the tables'
    frames are changed in place (a CSV file's rows, staged on disk, are read into its frame first)."""
    statements = [s for s in (_statement(t) for t in tables) if s is not None]
    if not any(row["return"] for s in statements for row in s.rows):
        return
    originals = Originals()
    where: dict[int, tuple[int, dict]] = {}  # a payment's number -> (its statement, its row)
    for s, statement in enumerate(statements):
        for row in statement.rows:
            if row["payment"]:
                where[len(where) + 1] = (s, row)
                row["number"] = len(where)
                originals.add(row["number"], row, row["amount"])
    for s, statement in enumerate(statements):
        for row in statement.rows:
            if not row["return"]:
                continue

            def allowed(number: int, payment: dict, s: int = s, row: dict = row) -> bool:
                """A payment dated no later than the return; of another file for a statement's own return."""
                paid, back = _day(payment.get("value_date")), _day(row.get("value_date"))
                later = paid is not None and back is not None and paid > back
                return not later and (where[number][0] != s or row["return"] == "credit")

            original, several = originals.take(row, row["amount"], allowed=allowed)
            if original is not None:
                o = statements[where[original["number"]][0]]
                o.set(original, "status", "returned")
                if o.table.format in STATEMENTS:  # the reader's own text: say where it came back
                    o.set(
                        original,
                        "narrative",
                        "; ".join(p for p in (original["narrative"], f"returned in {statement.table.path.name}") if p),
                    )
                statement.set(row, "skip", paired(o.table, original["source_row"]))
            elif several:
                listed = [(statements[where[n][0]].table, where[n][1]["source_row"]) for n in several]
                statement.set(row, "skip", ambiguous_across(listed))
    for statement in statements:
        _write_back(statement)


def _statement(table: RawTable) -> Statement | None:
    """A payments table whose rows take part: a camt or MT940 statement, or an export with a credit column."""
    if table.kind != "payments" or not (table.format in STATEMENTS or table.credit_column):
        return None
    frame = table.text_frame()
    if table.source is not None:  # a CSV file's rows, staged on disk: from now on held as its frame
        table.frame, table.source = frame, None
    columns = {canonical: column for column, canonical in table.header_map.items() if canonical in (*FIELDS, "amount")}
    values = {name: frame[column].to_list() for name, column in columns.items()}
    skip = frame[SKIP_COLUMN].to_list() if SKIP_COLUMN in frame.columns else [None] * frame.height
    source_rows = frame[ROW_COLUMN].to_list()
    if table.format in STATEMENTS:
        direction, bank_refs = frame["direction"].to_list(), frame["bank_ref"].to_list()
        returns, refs = frame[RETURN_COLUMN].to_list(), frame[REFS_COLUMN].to_list()
    else:
        credits, credit = frame.get_column(str(table.credit_column)).to_list(), money_in(table.profile or "")
    rows = []
    for i in range(frame.height):
        row = {name: values.get(name, [None] * frame.height)[i] for name in FIELDS}
        row["skip"], row["source_row"], amount = skip[i], source_rows[i], values.get("amount", [None] * frame.height)[i]
        if table.format in STATEMENTS:  # a return stands for its payment: a debit, not set aside
            row["bank_ref"], row["_other_refs"] = bank_refs[i], tuple((refs[i] or "").split())
            debit = direction[i] == "DBIT" and not skip[i]
            row["return"] = "statement" if debit and returns[i] else None
            row["payment"] = debit and not returns[i] and _success(row["status"])
        else:  # a credit is set aside as money in
            row["return"] = "credit" if skip[i] == credit else None
            row["payment"] = not skip[i] and _success(row["status"])
            amount = credits[i] if row["return"] else amount
        row["amount"] = amount_of(amount)
        rows.append(row)
    return Statement(table, rows, columns)


def _day(value: str | None) -> tuple[int, int, int] | None:
    """A date as (year, month, day) to compare, from `2024-09-05` or `05/09/2024` and the time that may
    follow; None for any other text (then no order is asked of a payment and its return)."""
    text = (value or "").strip()
    iso, dmy = ISO_DATE.match(text), DMY_DATE.match(text)
    if iso:
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    if dmy:
        return int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1))
    return None


def _success(status: str | None) -> bool:
    """A payment paid, as its file says: `success`, or no status (what a run takes it for)."""
    return status is None or status.strip().lower() == "success"


def _write_back(statement: Statement) -> None:
    """The changed columns into the table's frame; a status where the file has none, as a column of
    its own (derived, not one of the row's values as read)."""
    table = statement.table
    changes = []
    for what in sorted(statement.changed):
        column = SKIP_COLUMN if what == "skip" else statement.columns.get(what)
        if column is None:
            column = DERIVED + what
            table.header_map[column] = what
        changes.append(pl.Series(column, [row[what] for row in statement.rows], dtype=pl.String))
    if changes:
        table.frame = table.frame.with_columns(changes)
