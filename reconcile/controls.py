"""A file's own totals (a totals row, a workbook's grand total over its sheets) against what was read
of it: the guard of a run (checks.check_files) and what `reconcile check` says (filecheck.py). camt's
summaries are checked by its reader (readers/camt_totals.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from reconcile.errors import InputFileError
from reconcile.readers.balances import BALANCE_ROW
from reconcile.readers.layout import HEADER_AGAIN, NUMBERING
from reconcile.readers.sections import SECTION_HEADING, TOTAL_ROW
from reconcile.readers.tables import Control
from reconcile.readers.totals import UNDER_TOTALS

# a rejected row whose amount is written but is not a whole number of VND (stage_*.sql's reasons)
AMOUNT_UNREADABLE = "regexp_matches(reject_reason, '(^|; )(entitled_)?amount (is|has) ')"


@dataclass(frozen=True)
class Read:
    """What was read of a file or sheet, as its totals row is checked against: rows, their amount, the
    successful payments' (or active beneficiaries') amount and count (a list may total those alone),
    the rows whose amount cannot be read (the stated amount cannot be compared then, only the count), and the rows
    and amount set aside (a section's subtotal row above a grand total is no data the total counts), and
    of them the totals rows (a statement's daily subtotals, above a grand total that counts its bank
    charges, set aside too, as data)."""

    rows: int
    amount: int
    ok_amount: int | None
    ok_rows: int | None
    unreadable: int
    aside_rows: int = 0
    aside_amount: int = 0
    total_rows: int = 0
    total_amount: int = 0
    balance_rows: int = 0
    credit_amount: int = 0  # a statement's credits, money in set aside, whose amounts a signed column gives

    def __add__(self, other: Read) -> Read:
        def both(a, b):
            return None if a is None or b is None else a + b

        return Read(
            self.rows + other.rows,
            self.amount + other.amount,
            both(self.ok_amount, other.ok_amount),
            both(self.ok_rows, other.ok_rows),
            self.unreadable + other.unreadable,
            self.aside_rows + other.aside_rows,
            self.aside_amount + other.aside_amount,
            self.total_rows + other.total_rows,
            self.total_amount + other.total_amount,
            self.balance_rows + other.balance_rows,
            self.credit_amount + other.credit_amount,
        )

    def _totals(self) -> list[tuple[int | None, int | None]]:
        """What a totals row may count, as (rows, amount): all rows read, those not set aside (a
        subtotal row above it), those not set aside as totals rows (a statement's total counts its
        bank charges), or the successful payments or active beneficiaries (a list may total those alone)."""
        return [
            (self.rows, self.amount),
            (self.rows - self.aside_rows, self.amount - self.aside_amount),
            (self.rows - self.total_rows, self.amount - self.total_amount),
            (self.ok_rows, self.ok_amount),
            # a statement's count of its transactions, its opening and closing balance rows none of them
            (self.rows - self.balance_rows, self.amount),
        ]

    def _payments(self) -> list[tuple[int | None, int | None]]:
        """_totals with a statement's credits left out of the amounts: what was read as payments (a
        signed `Số tiền`'s `+10.000.000` is money in, as a `Ghi có` is, no amount of them)."""
        credits = self.credit_amount
        return [
            (self.rows, self.amount - credits),
            (self.rows - self.aside_rows, self.amount - self.aside_amount),
            (self.rows - self.total_rows, self.amount - self.total_amount - credits),
            (self.ok_rows, self.ok_amount),
            (self.rows - self.balance_rows, self.amount - credits),
        ]

    def shown(self, count: int | None, amount: int | None) -> tuple[int, int]:
        """The rows and amount a message gives: of _totals, the one the total states (of those without
        a statement's credits, `_payments`, when it states no amount); else those read as payments but
        a section's subtotal rows, which no total counts again (`6 rows of 10,500,000 VND` said of 4
        payments of 5,250,000 and the subtotals of their two communes)."""
        for rows, vnd in self._totals() if amount is not None else self._payments():
            if rows is not None and vnd is not None and (amount is None or amount == vnd) and count in (None, rows):
                return rows, vnd
        return self.rows - self.total_rows, self.amount - self.total_amount - self.credit_amount

    def agrees(self, count: int | None, amount: int | None) -> bool:
        totals = self._totals()
        return (amount is None or bool(self.unreadable) or amount in [vnd for _, vnd in totals]) and (
            count is None or count in [rows for rows, _ in totals]
        )


def check_controls(con, tables, names: dict[int, str]) -> None:
    """A file's totals row against what was read: the amounts it states against the amounts read
    (amount_read, or a payments list's successful payments alone, or a registry's active rows alone,
    which some lists total) and, when it states a count, the rows against the rows read (or those).
    A workbook's list that goes on over several sheets may end with the grand total of them all: a sheet's totals row
    that disagrees with its own rows is checked against the workbook's sheets of its role up to it.
    camt's summaries are checked by its reader (readers/camt_totals.py)."""
    sheets: dict[tuple, tuple[Read, list[str]]] = {}  # a workbook's sheets of one role so far, together
    for file_id, table in tables:
        if table.control is None and table.sheet is None:
            continue  # no totals of its own, nor a sheet a later grand total may count
        read = read_staged(con, table.kind, file_id)
        workbook = (str(table.path), table.sha256, table.kind)
        before, names_before = sheets.get(workbook, (None, []))
        so_far, sheet_names = (read if before is None else before + read), [*names_before, f"'{table.sheet}'"]
        sheets[workbook] = (so_far, sheet_names)
        control = table.control
        if control is None or control.checked:
            continue
        stated = stated_amount(con, control)
        if read.agrees(control.count, stated):
            table.control = _as_agreed(control, read, stated)
            continue
        if before is not None and so_far.agrees(control.count, stated):  # the grand total of the sheets
            table.control = replace(
                control, what=f"totals row {control.row}, of the sheets {', '.join(sheet_names)} together"
            )
            continue
        rows, vnd = read.shown(control.count, stated)
        problem = f"its {control.what} says {says(control, stated)} but {rows:,} rows of {vnd:,} VND were read"
        if before is not None:  # nor is it the grand total of the sheets so far: say what they hold too
            rows, vnd = so_far.shown(control.count, stated)
            problem += (
                f" on this sheet, and {rows:,} rows of {vnd:,} VND on the sheets {', '.join(sheet_names)} together"
            )
        scaled = _thousandths(con, table.kind, file_id, read, stated)
        if scaled:
            raise InputFileError(
                names[file_id],
                f"{problem}, and {scaled:,} of its amounts are under 1,000 VND: read 1,000 times as large, they make "
                "its total; it was re-saved in an Excel whose number settings are not the file's ('750.000' or "
                "'750,000' read as 750)",
                "export it again from its system, or open the original file in Excel with the number settings it was "
                "written in (Vietnamese for 1.500.000, English for 1,500,000) and save it as .xlsx, and run again",
            )
        raise InputFileError(
            names[file_id],
            problem,
            "check that the file is complete (no rows cut off or left on another sheet) and that the totals row "
            "is the file's own",
        )


def _thousandths(con, kind: str, file_id: int, read: Read, stated: int | None) -> int:
    """How many of a file's amounts are under 1,000 VND when, each read 1,000 times as large, the
    amounts read (all, or the successful payments' or active beneficiaries' alone) make the total its
    totals row states: an Excel set to English read '750.000' as 750 and left '1.500.000', no number to
    it, as it was, and its totals row with it. 0 when they do not."""
    if stated is None or read.unreadable:
        return 0
    amount = "amount" if kind == "payments" else "entitled_amount"
    ok = "status = 'success'" if kind == "payments" else "status = 'active'"
    small = f"reject_reason IS NULL AND {amount} BETWEEN 1 AND 999"
    n, vnd, ok_n, ok_vnd = con.execute(
        f"SELECT count(*) FILTER (WHERE {small}), coalesce(sum({amount}) FILTER (WHERE {small}), 0), "
        f"count(*) FILTER (WHERE {small} AND {ok}), coalesce(sum({amount}) FILTER (WHERE {small} AND {ok}), 0) "
        f"FROM stg_{kind} WHERE file_id = ?",
        [file_id],
    ).fetchone()
    if n and stated == read.amount + 999 * int(vnd):
        return n
    if ok_n and read.ok_amount is not None and stated == read.ok_amount + 999 * int(ok_vnd):
        return ok_n
    return 0


def _as_agreed(control: Control, read: Read, stated: int | None) -> Control | None:
    """What of a totals row agreed: all it says; or, when its amount is not one read because rows
    hold an amount that cannot be read (their rejected rows say so), its count alone (`totals row 8,
    the count alone (...)`); or nothing (None: the run says no totals row agreed)."""
    if stated is None or not read.unreadable or stated in [vnd for _, vnd in read._totals()]:
        return control
    if control.count is None:
        return None
    rows = "row has" if read.unreadable == 1 else "rows have"
    return replace(
        control, what=f"{control.what}, the count alone ({read.unreadable:,} {rows} an amount that cannot be read)"
    )


def stated_amount(con, control) -> int | None:
    """The amount a file's totals row states, read as the amounts are."""
    return con.execute("SELECT rc_amount(?)", [control.amount]).fetchone()[0] if control.amount else None


def says(control, stated: int | None, unit: str = "rows") -> str:
    """What a totals row says, for messages: '5 rows of 7,500,000 VND'."""
    return " of ".join(
        p
        for p in (
            f"{control.count:,} {unit}" if control.count is not None else "",
            f"{stated:,} VND" if stated is not None else "",
        )
        if p
    )


def read_staged(con, kind: str, file_id: int | None = None) -> Read:
    """What was read of a file, from its staged rows (stg_<kind>), as a totals row is judged against
    it: by a run (one file_id of several) and by `reconcile check` (the only file staged). Rows whose
    amount is written but cannot be read are rejected rows, each with its reason: the stated total
    cannot be compared with the amounts read then, only the count. Blank rows, the signatures
    under the totals row, the header repeated on a new page, the columns' numbering row and a section's
    heading are no rows a total counts."""
    amount = "amount" if kind == "payments" else "entitled_amount"
    ok_status = "success" if kind == "payments" else "active"  # a registry may total its active rows alone
    ok = (
        f"coalesce(sum({amount}) FILTER (WHERE reject_reason IS NULL AND status = '{ok_status}'), 0), "
        f"count(*) FILTER (WHERE reject_reason IS NULL AND status = '{ok_status}')"
    )
    total = f"set_aside AND starts_with(reject_reason, '{TOTAL_ROW}')"
    no_row = f"reject_reason IN ('blank row', '{UNDER_TOTALS}', '{HEADER_AGAIN}', '{NUMBERING}', '{SECTION_HEADING}')"
    rows, blank, vnd, ok_amount, ok_rows, unreadable_rows, aside_rows, aside_amount, total_rows, total_vnd, *more = (
        con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {no_row}), "
            f"coalesce(sum({amount}), 0), {ok}, "
            f"count(*) FILTER (WHERE reject_reason IS NOT NULL AND {AMOUNT_UNREADABLE}), "
            # the rows set aside of those counted (no_row's are left out of them already)
            f"count(*) FILTER (WHERE set_aside AND NOT {no_row}), "
            f"coalesce(sum({amount}) FILTER (WHERE set_aside), 0), count(*) FILTER (WHERE {total}), "
            f"coalesce(sum({amount}) FILTER (WHERE {total}), 0), "
            f"count(*) FILTER (WHERE set_aside AND starts_with(reject_reason, '{BALANCE_ROW}')), "
            f"coalesce(sum({amount}) FILTER (WHERE set_aside AND starts_with(reject_reason, 'credit')), 0) FROM stg_{kind}"
            + (" WHERE file_id = ?" if file_id is not None else ""),
            [file_id] if file_id is not None else [],
        ).fetchone()
    )
    return Read(
        rows - blank,
        int(vnd),
        ok_amount,
        ok_rows,
        unreadable_rows,
        aside_rows,
        int(aside_amount),
        total_rows,
        int(total_vnd),
        more[0],
        int(more[1]),
    )
