"""A return paired with the payment it brings back, across the statements of a run.

A month's payments often come as several statements (the bank's MT940 of each day, a camt.053 a
week), and money sent on the 10th may come back in the statement of the 12th. The camt and MT940
readers pair the returns whose payment is in the same file (camt_returns.py); a return that finds
none stands for its payment, as a returned debit, so that a payment of an earlier month is reported
failed. When the payment is in another statement of the same run, that would count it twice: the
payment paid, its return failed, and the beneficiary paid although the money came back. And a bank
may book a return as a plain credit (`Hoan tra GD BT002` in a sao kê export's `Ghi có`, an MT940
`C` entry), set aside as money in with its payment still paid.

So, once every file of the run is read, the returns are paired with the successful debits of the
run's statements by the rules of a file's own (camt_returns.Originals: the same amount, a reference
it names, among several the payee it names), and only with payments dated no later than them:
- a statement's return that stands for its payment, in the other files (its own was searched);
- a credit whose text says it is a return (`hoàn trả`, `trả lại`, `return`, ...), in any file, by a
  reference its text names (never its own reference: a bank numbers each day's entries anew).

First the returns that name their payment apart, then the others: one that fits a single payment
left, and returns that fit the same payments as many as there are (every one of them came back).
Those that name a payment's reference go before those that name only its payee, whatever their
days: the payee's return may be of another payment of hers, which the other names.
The statements are taken in the order of their content, not of the command line, so the pairs are
the same whatever order the files are given in. Paired, the payment is marked returned and the
return set aside naming the payment's file and row. Fitting several and naming none apart, none is
marked and the return is set aside with the rows it could be, for an officer to ask the bank. A
return of a payment another return already brought back is set aside as such, never a payment.
Found in no file, a statement's return stays the returned debit it stood for, and a credit stays
money in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from reconcile.normalise.text import fold
from reconcile.readers.camt_returns import Originals, names, names_apart
from reconcile.readers.layout import money_in
from reconcile.readers.names import DERIVED, ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.row_values import amount_of, day_of, paid_as_read, says_return
from reconcile.readers.statements import CREDIT, REFS_COLUMN, RETURN_COLUMN, STATEMENTS
from reconcile.readers.tables import RawTable

FIELDS = ("payment_ref", "payee_name", "account_number", "value_date", "narrative", "status")


def paired(original: str, row: int) -> str:
    """Why a return is set aside once its payment, row `row` of file `original`, is marked returned."""
    return (
        f"credit: the return of the payment in {original} row {row}, which is marked returned "
        "(a return or reversal, not a payment)"
    )


def ambiguous_across(rows: list[str]) -> str:
    """Why a return that fits the payments of several rows (`FILE row N`) is set aside."""
    return (
        f"a return that fits {len(rows)} payments of the same amount ({', '.join(rows)}) and names none of them "
        "apart by account, ID, name or bank reference: not paired, none is marked returned; ask the bank which "
        "payment came back"
    )


def returned_twice(original: str, row: int) -> str:
    """Why a return of a payment that another return already brought back is set aside."""
    return (
        f"a second return of the payment in {original} row {row}, which another return already brought back: "
        "not paired again, not a payment; ask the bank whether the money came back twice"
    )


def unpaired_credit(reason: str, original: str, row: int) -> str:
    """Why a credit whose text says it is a return, and names the payee of the payment in `original`
    row `row` but no payment's reference, is set aside (money in, not paired)."""
    return (
        f"{reason}; its text says it brings back money of the payee of the payment in {original} row {row}, "
        "but names the reference of none of this run's payments: not paired (it may be an earlier month's money "
        "paid back), that "
        "payment stays paid; if it is its return, ask the bank for the payment's reference"
    )


@dataclass
class Statement:
    """A payments table whose returns are paired here, as rows the pairing reads, and what it changes."""

    table: RawTable
    name: str  # the file as a reason names it
    rows: list[dict]
    columns: dict[str, str]  # canonical -> the frame's column
    changed: set[str] = field(default_factory=set)  # the canonical columns changed, and "skip"

    def set(self, row: dict, what: str, value: str) -> None:
        row[what] = value
        self.changed.add(what)


@dataclass
class Pairing:
    """The run's statements, the payments a return may bring back, and the returns."""

    statements: list[Statement]
    originals: Originals = field(default_factory=Originals)
    where: dict[int, tuple[Statement, dict]] = field(default_factory=dict)  # payment number -> its place
    ambiguous: dict[str, int] = field(default_factory=dict)  # file -> returns set aside as ambiguous
    unpaired: dict[str, int] = field(default_factory=dict)  # file -> credits naming a payee and no reference
    found: dict[int, tuple[dict[int, dict], set[int]]] = field(default_factory=dict)  # id(return) -> below
    paired_returns: set[tuple] = field(default_factory=set)  # _return_key of each return paired
    by_payee: set[int] = field(default_factory=set)  # id(return) of those found by their payee alone

    def add_payments(self) -> None:
        """Every debit paid, and (taken already) every debit its own file marked returned."""
        for statement in self.statements:
            for row in statement.rows:
                if row["payment"] or row["returned"]:
                    number = len(self.where) + 1
                    self.where[number], row["number"] = (statement, row), number
                    self.originals.add(number, row, row["amount"])
                    if row["returned"]:
                        self.originals.taken.add(number)

    def fits(self, statement: Statement, row: dict, taken: bool = False) -> dict[int, dict]:
        """The payments the return may bring back, not taken yet (or, `taken`, taken already)."""
        if id(row) not in self.found:
            every = self._every(statement, row)
            named = {n for n, p in every.items() if names(_as_return(row), p)}
            apart = {n for n in named if names_apart(_as_return(row), every[n])}  # not a namesake's
            self.found[id(row)] = every, apart if len(apart) == 1 else named
        return {n: p for n, p in self.found[id(row)][0].items() if (n in self.originals.taken) == taken}

    def choose(self, row: dict, fits: dict[int, dict]) -> tuple[int | None, list[int]]:
        return Originals.choose(_as_return(row), fits, self.found[id(row)][1])

    def _every(self, statement: Statement, row: dict) -> dict[int, dict]:
        """The payments, taken or not, the return may bring back: compared once (a batch under one
        reference has thousands), what is taken is left out as pairs are made."""

        no_later = self._no_later(row)

        def allowed(number: int, payment: dict) -> bool:
            """A payment dated no later than the return; of another file for a statement's own return."""
            return (
                no_later(number, payment)
                and (self.where[number][0] is not statement or row["return"] == "credit")
                and not (row["return"] == "credit" and _another_payee(row, payment))
            )

        found = self.originals.fits(_as_return(row), row["amount"], allowed=allowed, taken_too=True)
        if found or row["return"] != "statement":
            return found
        self.by_payee.add(id(row))
        # a bank's return that names no payment of any statement by its references (NONREF,
        # NOTPROVIDED): the one of its amount whose payee it names, in any statement, its own
        # included, dated no later. A credit that only says `hoàn trả` may be anyone's money back
        # (the family paying back an earlier month): it must name the payment's reference.
        return self._of_payee(row, taken_too=True)

    def _of_payee(self, row: dict, taken_too: bool) -> dict[int, dict]:
        """The payments of the payee a bank's return names, dated no later (camt_returns.Originals.fits)."""
        return self.originals.fits(
            _as_return(row), row["amount"], allowed=self._no_later(row), taken_too=taken_too, payee=names
        )

    @staticmethod
    def _no_later(row: dict):
        def no_later(number: int, payment: dict) -> bool:
            """A payment dated no later than the return (either undated: no order is asked)."""
            paid, back = payment["day"], row["day"]
            return paid is None or back is None or paid <= back

        return no_later

    def _of_payee_untaken(self, row: dict) -> dict[int, dict]:
        """A bank's return naming no reference, whose payment of its amount was taken by another return:
        the payee's payments not taken, by the same rules (the one a little more than it, less the
        bank's fee: 989,000 and 989,000 back of 989,000 and 1,000,000 paid)."""
        return self._of_payee(row, taken_too=False) if row["return"] == "statement" else {}

    def pair(self, statement: Statement, row: dict, number: int) -> None:
        self.paired_returns.add(_return_key(row))
        self.originals.taken.add(number)
        owner, payment = self.where[number]
        owner.set(payment, "status", "returned")
        if owner.table.format in STATEMENTS:  # the reader's own text: say where it came back
            note = f"returned in {statement.name}"
            owner.set(payment, "narrative", "; ".join(p for p in (payment["narrative"], note) if p))
        statement.set(row, "skip", paired(owner.name, payment["source_row"]))

    def place(self, number: int) -> tuple[str, int]:
        owner, payment = self.where[number]
        return owner.name, payment["source_row"]

    def run(self) -> None:
        returns = [(s, row) for s in self.statements for row in s.rows if row["return"]]
        returns.sort(key=lambda r: r[1]["day"] or (9999, 0, 0))  # stable: statement, row
        for statement, row in returns:
            self.fits(statement, row)
        # a return naming its payment's reference before one naming only its payee, whichever came
        # first: the payee's may be another payment of hers, which the other names
        returns.sort(key=lambda r: id(r[1]) in self.by_payee)
        pending = []
        for statement, row in returns:  # first the returns that name their payment apart
            chosen, _ = self.choose(row, self.fits(statement, row))
            if chosen is not None:
                self.pair(statement, row, chosen)
            else:
                pending.append((statement, row))
        while pending:  # then those left a single payment by the others, sweep by sweep
            left = []
            for statement, row in pending:
                found = self.fits(statement, row)
                if len(found) == 1:
                    self.pair(statement, row, next(iter(found)))
                else:
                    left.append((statement, row))
            if len(left) < len(pending):
                pending = left
                continue
            # returns that fit the same payments, as many as there are: every one of them came back
            fits = [self.fits(statement, row) for statement, row in pending]
            groups: dict[frozenset, list[int]] = {}
            for i, f in enumerate(fits):
                if f:
                    groups.setdefault(frozenset(f), []).append(i)
            whole = next((g for numbers, g in groups.items() if len(g) == len(numbers)), None)
            if whole is None:
                break
            for i, number in zip(whole, sorted(fits[whole[0]]), strict=True):
                self.pair(*pending[i], number)
            pending = [p for i, p in enumerate(pending) if i not in whole]
        for statement, row in pending:
            fits_now = self.fits(statement, row)
            if fits_now:
                _, several = self.choose(row, fits_now)
                places = sorted(self.place(n) for n in several)
                statement.set(row, "skip", ambiguous_across([f"{name} row {n}" for name, n in places]))
                self.ambiguous[str(statement.table.path)] = self.ambiguous.get(str(statement.table.path), 0) + 1
            elif _return_key(row) not in self.paired_returns and len(untaken := self._of_payee_untaken(row)) == 1:
                self.pair(statement, row, next(iter(untaken)))
            elif before := self.fits(statement, row, taken=True):
                statement.set(row, "skip", returned_twice(*min(self.place(n) for n in before)))
            elif (
                row["return"] == "credit"
                and not self.originals.names_a_reference(_as_return(row))
                and (payee := self._of_payee(row, taken_too=True))
            ):  # money in (the family paying back an earlier month?): not paired, but said
                statement.set(row, "skip", unpaired_credit(row["skip"], *min(self.place(n) for n in payee)))
                self.unpaired[str(statement.table.path)] = self.unpaired.get(str(statement.table.path), 0) + 1


def pair_returns_across(tables: Iterable[RawTable]) -> tuple[dict[str, int], dict[str, int]]:
    """Pair each return with its payment in the run's statements (the module's docstring); the tables'
    frames are changed in place (a CSV file's rows, staged on disk, are read into its frame first).
    Returns how many returns of each file were set aside as fitting several payments, and how many
    credits of each file say they are returns and pair with none."""
    chosen = [
        t for t in tables if t.kind == "payments" and (t.format in STATEMENTS or t.credit_column or t.side_column)
    ]
    chosen.sort(key=lambda t: (t.sha256, t.sheet or ""))  # the content's order, not the command line's
    if not any(_holds_returns(t) for t in chosen):  # no file is read into memory for nothing
        return {}, {}
    names = [t.path.name for t in chosen]
    statements = [_statement(t, str(t.path) if names.count(t.path.name) > 1 else t.path.name) for t in chosen]
    pairing = Pairing(statements)
    pairing.add_payments()
    pairing.run()
    for statement in statements:
        _write_back(statement)
    return pairing.ambiguous, pairing.unpaired


def _credit_reason(table: RawTable) -> str:
    """Why its reader set a statement's credit aside: a camt or MT940 credit, or one its side column
    calls a credit (direction.py), or an export's credit column (profile)."""
    return CREDIT if table.format in STATEMENTS or table.side_column else money_in(table.profile or "")


def _holds_returns(table: RawTable) -> bool:
    """Whether a statement holds a return: one standing for its payment, or a credit whose text says
    it is one (a CSV export's credits are read from its staged rows, the rest is not)."""
    credit = _credit_reason(table)
    narrative = next((c for c, canonical in table.header_map.items() if canonical == "narrative"), None)
    if table.source is None:
        frame = table.frame
        if RETURN_COLUMN in frame.columns and frame[RETURN_COLUMN].is_not_null().any():
            return True
        if narrative is None or SKIP_COLUMN not in frame.columns:
            return False
        texts = frame.filter(pl.col(SKIP_COLUMN) == credit).get_column(narrative).to_list()
    else:
        if narrative is None:
            return False
        import duckdb

        from reconcile.warehouse import quote_ident

        with duckdb.connect() as con:
            found = con.execute(
                f"SELECT {quote_ident(narrative)} FROM ({table.source}) AS s WHERE {quote_ident(SKIP_COLUMN)} = ?",
                [credit],
            ).fetchall()
        texts = [text for (text,) in found]
    return any(says_return(text) for text in texts)


def _statement(table: RawTable, name: str) -> Statement:
    """A payments table whose rows take part: a camt or MT940 statement, or an export with a credit
    column, or with a side column beside its one amount column (a credit's money is its amount)."""
    frame = table.text_frame()
    if table.source is not None:  # a CSV file's rows, staged on disk: from now on held as its frame
        table.frame, table.source = frame, None
    if table.sheet is not None:
        name = f"{name} (sheet {table.sheet})"
    columns = {canonical: column for column, canonical in table.header_map.items() if canonical in (*FIELDS, "amount")}
    blank = [None] * frame.height
    values = {name: frame[column].to_list() for name, column in columns.items()}
    skip = frame[SKIP_COLUMN].to_list() if SKIP_COLUMN in frame.columns else blank
    source_rows = frame[ROW_COLUMN].to_list()
    if table.format in STATEMENTS:
        direction, bank_refs = frame["direction"].to_list(), frame["bank_ref"].to_list()
        returns, refs = frame[RETURN_COLUMN].to_list(), frame[REFS_COLUMN].to_list()
        credits = values.get("amount", blank)
    else:
        direction, bank_refs, returns, refs = blank, blank, blank, blank
        credits = (
            frame.get_column(table.credit_column).to_list() if table.credit_column else values.get("amount", blank)
        )
    credit = _credit_reason(table)
    rows = []
    for i in range(frame.height):
        row = {name: values.get(name, blank)[i] for name in FIELDS}
        row["skip"], row["source_row"], row["bank_ref"] = skip[i], source_rows[i], bank_refs[i]
        row["day"] = day_of(row["value_date"])
        row["_other_refs"] = tuple((refs[i] or "").split())
        debit = not skip[i] and (table.format not in STATEMENTS or direction[i] == "DBIT")
        said = says_return(row["narrative"])
        if debit and returns[i]:  # a statement's return standing for its payment
            row["return"] = "statement"
        elif skip[i] == credit and said:
            row["return"] = "credit"
        else:
            row["return"] = None
        row["payment"] = debit and not returns[i] and paid_as_read(row["status"])
        row["returned"] = debit and not returns[i] and (row["status"] or "").strip().lower() == "returned"
        row["amount"] = amount_of(credits[i] if row["return"] == "credit" else values.get("amount", blank)[i])
        rows.append(row)
    return Statement(table, name, rows, columns)


def _return_key(row: dict) -> tuple:
    """A return as the bank books it: its bank reference and amount, else its day, amount and text. The
    same key twice is one return given twice (the same line in two day statements), which must not
    bring back a second payment."""
    if row.get("bank_ref"):
        return ("ref", str(row["bank_ref"]).upper(), row["amount"])
    return ("text", row["day"], row["amount"], row.get("narrative"))


def _as_return(row: dict) -> dict:
    """A return as the pairing looks it up: a credit by the references its text names, not its own
    (an export's `Số bút toán`, which a bank numbers anew each day, is no payment's)."""
    return {**row, "payment_ref": None} if row["return"] == "credit" else row


def _another_payee(credit: dict, payment: dict) -> bool:
    """Whether a credit names another counterparty than the payment's: both have a name, neither is
    the start of the other (a bank cuts long names), and the credit's text does not name the payee."""
    theirs, ours = fold(credit.get("payee_name") or ""), fold(payment.get("payee_name") or "")
    if not theirs or not ours or theirs.startswith(ours) or ours.startswith(theirs):
        return False
    return f" {ours} " not in f" {fold(credit.get('narrative') or '')} "


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
