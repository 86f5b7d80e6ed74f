"""`reconcile review import BOOK.xlsx --by NAME`: the decisions an auditor typed into the workbook's
findings sheets, recorded as case events.

Each findings row carries its finding (flag_id), its case (case_id) and the case's decision columns:
status (a drop-down), assignee, decision, amount and comment, and, hidden, a check of the decision as
the book was written (rc_decision_check). A row whose decision is as the book was written was not
touched, and is passed over, whatever the database holds now (a decision recorded from another copy
of the book stays). A row the auditor changed gets one event for its case, from its status to the new
one, with the new values, unless the database already holds them: importing the same book twice
records nothing. The whole book is refused, and nothing recorded, when any row:

- has no finding id, or one the database does not hold (a total or a note added, an id cleared or
  typed over: review_rows.py), or a case other than its finding's; a book none of whose findings the
  database holds is refused in one line (another database's);
- has a cell reconcile wrote a column for holding a formula whose value the file does not hold
  (review_cells.py: saved by a tool that does not calculate);
- has an evidence column (any the run wrote but the decision columns) other than the database's,
  compared normalised as a save by Excel or LibreOffice leaves it (evidence.py), naming the column;
- asks for a change of status the lifecycle does not allow (lifecycle.py), an amount with a status
  that records none, an amount that is not a whole number of VND or is below 0, or an amount that
  would make the case's recovered and written off more than its amount at stake, or marks recovered
  or closes a case of which the recoveries view would still show money outstanding (lifecycle.py);
- has its status cell emptied (and is changed);
- gives the same case another decision than an earlier row of the book;
- changes a case that was decided in the database since the book was written (write it again);
- is a row of the Open cases sheet that something was typed into or that was added (book.py), or
  whose other columns are not the database's case (evidence.py): decisions are read from
  the findings sheets only, and the refusal says on which findings row (or which month's book) it goes.

A book of a period removed with `reconcile delete` (admin.py), or written from a run a removal took
away before the period was run again, is refused whole in one line (removed.py): its findings
are not the database's, and the month's new workbook is the one to enter decisions in.

Each refusal names the sheet and the row, never the values (they are personal data). A book written
with --mask-ids (its decisions masked, and no check of them) is refused whole.

The amount of a row whose status records one (recovery, recovered, written_off) is the case's total so
far of that status: an empty cell or 0 means none, and is recorded as 0 (it clears an amount recorded
before). The workbook shows 0 as an empty cell, so a decision is compared with the book and with the
database with 0 as none (`_shown`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from reconcile.cases import chain, evidence
from reconcile.cases.book import ReadBook, read_book, refuse_masked
from reconcile.cases.book import cell_text as _text
from reconcile.cases.decision import OPEN, decision_check
from reconcile.cases.decision import as_typed as _typed
from reconcile.cases.decision import read_decision as _decision
from reconcile.cases.decision import shown as _shown
from reconcile.cases.lifecycle import MONEY, amount_problem, outstanding_problem, slip_problem, transition_problem
from reconcile.cases.refresh import refresh
from reconcile.cases.removed import older_book, refuse_removed, run_again
from reconcile.cases.review_rows import DECISION_CELLS, no_finding, not_this_database, typed_into, unstored
from reconcile.cases.review_rows import as_headed as _as_headed
from reconcile.cases.review_rows import as_written as _untouched
from reconcile.cases.review_rows import empty_status as _empty_status
from reconcile.cases.review_rows import typed_in_cases as _typed_in_cases
from reconcile.cases.signoff import writing
from reconcile.config import Checks
from reconcile.errors import ReconcileError
from reconcile.warehouse.case_tables import CASE_AMOUNT

_FLAG_COLUMNS = (
    "flag_id, period, case_id, code, severity, vneid, full_name, program, province_code, commune_code, "
    "expected_amount, paid_amount, payment_ref, payee_name, account_number, payment_id, match_method, detail, "
    "source_file, source_sheet, source_row"
)


@dataclass
class Recorded:
    case_id: str
    from_status: str
    to_status: str
    source: str


@dataclass
class ImportResult:
    rows: int  # findings rows read
    changed: int  # cases whose decision the book changed
    recorded: list[Recorded] = field(default_factory=list)
    again: tuple[str, str] | None = None  # the book's period, run again since its run: when (removed.run_again)


class ReviewRefused(ReconcileError):
    """The book's rows that cannot be recorded, each naming its sheet and row; nothing was recorded."""

    def __init__(self, book: Path, problems: list[str], first: list[str] | None = None):
        # `first`: what is said of the whole book before its rows (removed.older_book), no row of it
        super().__init__(f"{book}: {len(problems)} row(s) cannot be recorded; nothing was recorded")
        self.problems = [*(first or []), *problems]


def import_review(db: Path, book: Path, by: str) -> ImportResult:
    """Record the book's decisions in `db` (one transaction), or refuse it whole (ReviewRefused)."""
    by = (by or "").strip()
    if not by:
        raise ReconcileError("say who records the decisions with --by NAME")
    read = read_book(Path(book))
    rows = read.rows
    refuse_masked(book, rows)
    with writing(Path(db)) as (con, key):
        con.execute(  # the findings as runs wrote them: the period's run now, and those a re-run replaced
            f"CREATE OR REPLACE TEMP TABLE review_flags AS SELECT {_FLAG_COLUMNS}, false AS superseded FROM flags "
            f"UNION ALL SELECT {_FLAG_COLUMNS}, true FROM superseded_flags"
        )
        refuse_removed(con, Path(book), read)
        again = run_again(con, read)
        exact = evidence.settled(con, read.run_id)
        problems, decisions = _decisions(con, Path(book), read, exact, Path(db))
        read.typed += evidence.cases_sheet_edits(con, read, exact)
        problems += _typed_in_cases(Path(book), read)
        if problems:
            raise ReviewRefused(Path(book), problems, older_book(Path(book), again, True))
        recorded = _record(con, key, Path(book), by, decisions, again)
        if recorded:
            refresh(con)
    return ImportResult(len(rows), len(decisions), recorded, again)


def unrecorded_decisions(db: Path, book: Path, removed: bool = False) -> int | None:
    """How many rows of a workbook reconcile wrote hold a decision typed into it (status, assignee,
    decision, amount or comment changed since it was written) that the database `db` does not hold,
    and could take: writing the workbook again over it would lose them. Not a row whose case was
    decided in the database since the book was written (`review import` refuses it, saying to write
    the workbook again), unless the book is of a `removed` period (removed.removed_book): no import can
    take it, and the change may be the removal's (a reopening taken back); a decision the database
    holds (imported before the removal) is never counted, nor a row of a masked book (its decisions are
    never read back). None when its findings cannot be read back (the sheet renamed, a column
    deleted): what was typed into it cannot be told."""
    from reconcile.readback import open_db

    try:
        read = read_book(book, masked=True)
    except ReconcileError:
        return None
    current: dict[str, tuple] = {}
    money: dict[str, tuple[int, int, int, int]] = {}
    if Path(db).is_file():
        try:
            with open_db(Path(db)) as con:
                current, money = _held(con)
        except (ReconcileError, duckdb.Error):
            current, money = {}, {}
    unrecorded = 0
    for sheet, n, row in read.rows:
        if not typed_into(read, sheet, n, row):
            continue  # as the book was written, or a masked book's row
        if set(read.formulas.get((sheet, n), ())) & DECISION_CELLS:
            unrecorded += 1  # a formula typed as a decision, its value not stored: read as empty, yet typed
            continue
        written = _text(row.get("decision_check"))
        case_id = _text(row.get("case_id")) or ""
        held = current.get(case_id, OPEN)
        values, why = _decision(row, _left(held, money.get(case_id)))
        shown = None if why else _shown(values)
        if decision_check(held) != written and not removed:
            continue  # decided in the database since: the book is to be written again
        unrecorded += shown != held
    return unrecorded


def _held(con) -> tuple[dict[str, tuple], dict[str, tuple[int, int, int, int]]]:
    """Each case's decision as the database holds it and a workbook shows it (status, assignee,
    decision, amount, comment: rc_case_amount, none for 0), and its money (at stake, recovered,
    written off, and what of that write-off a decision to recovery would keep: all of it when a run
    reopened the case since, paid again; else none, the case put back into recovery)."""
    current, money = {}, {}
    for case_id, status, assignee, decision, amount, comment, at_stake, recovered, written_off, kept in con.execute(
        f"SELECT case_id, status, assignee, decision, {CASE_AMOUNT}, "
        "comment, amount_at_stake, amount_recovered, amount_written_off, "
        "CASE WHEN case_id IN (SELECT case_id FROM rc_case_events() GROUP BY case_id HAVING max(seq) FILTER "
        "(WHERE action = 'reopened') > max(seq) FILTER (WHERE to_status = 'written_off')) "
        "THEN amount_written_off ELSE 0 END FROM cases"
    ).fetchall():
        current[case_id] = (status, assignee, decision, amount, comment)
        money[case_id] = (at_stake, recovered, written_off, kept)
    return current, money


def _stake(status: str, money: tuple[int, int, int, int]) -> tuple[int, int]:
    """What a decision to `status` may record at most, and what the case recovered, for
    amount_problem and slip_problem: a decision to recovery or recovered that keeps a write-off
    (a case reopened since, paid again) may recover the rest."""
    at_stake, recovered, _, kept = money
    return (at_stake - kept if status in ("recovery", "recovered") else at_stake), recovered


def _left(held: tuple, money: tuple[int, int, int, int] | None) -> tuple[int | None, ...]:
    """The amounts a book's amount cell may hold as the workbook wrote it, left there beside a status
    that records none: the one the case's decision shows now, or what it recorded as recovered or
    written off (shown in the book written before the case was closed by an import of it). The
    first is what the case recovered (or None)."""
    if money is None:
        return (None, held[3])
    return (money[1] or None, held[3], money[2] or None)


def _min_amounts(con) -> dict[str, int]:
    """Each period's [checks] min_amount, as its run had it (runs.settings)."""
    return {
        period: Checks().min_amount if value is None else int(value)
        for period, value in con.execute(
            "SELECT period, json_extract(settings, '$.checks.min_amount') FROM runs"
        ).fetchall()
    }


def _decisions(con, book: Path, read: ReadBook, exact: bool, db: Path) -> tuple[list[str], dict[str, tuple]]:
    current, money = _held(con)
    min_amounts = _min_amounts(con)
    problems: list[str] = []
    decisions: dict[str, tuple] = {}  # case_id -> (values, period, source, where, as written)
    first: dict[str, str] = {}  # case_id -> the row its decision was first read from: sheet '...' row n
    ids = sorted({text for _, _, row in read.rows if (text := _text(row["flag_id"]))})
    # the book's findings as the database holds them (a finding of a run since replaced too, whose rows
    # may have moved), read in one query
    stored = evidence.stored_findings(con, ids)
    if ids and not stored:
        raise ReconcileError(not_this_database(book, db))
    for sheet, n, row in read.rows:
        where = f"{book.name}: sheet '{sheet}' row {n}"
        formulas = read.formulas.get((sheet, n), [])
        versions = stored.get(_text(row["flag_id"]) or "")
        if not versions and "flag_id" not in formulas:  # a row added (a total, a note), or its id cleared
            problems.append(f"{where}: {no_finding(row, sheet)}")
            continue
        if formulas or not versions:  # a value read as empty that the auditor sees: never a decision lost
            problems.append(f"{where}: {unstored(formulas, sheet)}")
            continue
        edits = [evidence.edited(row, v, exact) for v in versions]
        best = min(range(len(versions)), key=lambda i: len(edits[i]))  # the version it agrees with most
        flag, edited = versions[best], edits[best]
        case_id = flag["case_id"]
        if _text(row["case_id"]) != case_id:
            problems.append(f"{where}: its case id is not its finding's; put back the value as written")
            continue
        if edited:
            problems.append(
                f"{where}: the evidence column {', '.join(_as_headed(name, sheet) for name in edited)} was edited; "
                "put back the value as written (only status, assignee, decision, amount and comment are read)"
            )
            continue
        _, why = _typed(row)
        if why:
            problems.append(f"{where}: {why}")
            continue
        if _untouched(row, read.raw.get((sheet, n))):
            continue  # as the book was written: the auditor did not touch it, whatever the database holds now
        if not _text(row["status"]):
            held = current.get(case_id, OPEN)[0]
            problems.append(f"{where}: {_empty_status(held)}")
            continue
        values, why = _decision(row, _left(current.get(case_id, OPEN), money.get(case_id)))
        if why:
            problems.append(f"{where}: {why}")
            continue
        if values[0] in MONEY and case_id in money:  # 500.000 read as 500: refused, naming the case and cell
            minimum = min_amounts.get(flag["period"], Checks().min_amount)
            column = _as_headed("case_amount", sheet)
            why = slip_problem(values[0], values[3], *_stake(values[0], money[case_id]), minimum, case_id, column)
            if why:
                problems.append(f"{where}: {why}")
                continue
        earlier = decisions.get(case_id)
        if earlier is not None and _shown(earlier[0]) != _shown(values):
            problems.append(f"{where}: gives its case another decision than {first[case_id]}; make the rows agree")
            continue
        first.setdefault(case_id, f"sheet '{sheet}' row {n}")
        # the event's source: the book's file name with the sheet and row, which copy of the book it came from
        decisions.setdefault(case_id, (values, flag["period"], where, where, _text(row["decision_check"])))
    return problems, decisions


def _no_stake(amount: int | None) -> str | None:
    """Why an amount is refused on a case that has no row (its findings re-run or removed before it had
    any decision): nothing is at stake to recover; None without an amount."""
    if not amount:
        return None
    return (
        "its findings are no longer in the database (their period was run again or removed), so nothing is "
        "at stake; enter the decision without an amount"
    )


def _recorded_from(con, case_id: str, values: tuple, source: str) -> bool:
    """Whether `values` (status, assignee, decision, amount, comment) were recorded on the case from this
    row of a book of this name (`source`): the same book imported again after a later book decided the
    case records nothing, as any book imported twice, and is not refused as written before that decision."""
    status, assignee, decision, amount, comment = values
    return bool(
        con.execute(
            "SELECT count(*) FROM case_events WHERE case_id = ? AND action = 'decision' AND source = ? "
            "AND to_status = ? AND assignee IS NOT DISTINCT FROM ? AND decision IS NOT DISTINCT FROM ? "
            "AND amount IS NOT DISTINCT FROM ? AND comment IS NOT DISTINCT FROM ?",
            [case_id, source, status, assignee, decision, amount if status in MONEY else None, comment],
        ).fetchone()[0]
    )


def _record(con, key: bytes, book: Path, by: str, decisions: dict[str, tuple], again=None) -> list[Recorded]:
    now = datetime.now(UTC).replace(tzinfo=None)
    current, money = _held(con)
    owed = {case_id for (case_id,) in con.execute("SELECT case_id FROM recoveries").fetchall()}
    events, recorded, problems = [], [], []
    for case_id, (values, period, source, where, as_written) in sorted(decisions.items()):
        before = current.get(case_id, OPEN)
        if _shown(values) == before or decision_check(_shown(values)) == as_written:
            continue  # as the database holds it (recorded already), or as the book was written (not touched)
        if decision_check(before) != as_written:
            if _recorded_from(con, case_id, values, source):
                continue  # this row's decision, recorded from this book before a later one decided the case
            problems.append(
                f"{where}: its case was decided in the database since this workbook was written; write the "
                "workbook again (reconcile report) and enter the decision there"
            )
            continue
        why = transition_problem(before[0], values[0]) or (
            amount_problem(values[0], values[3], *_stake(values[0], money[case_id]), case_id)
            if case_id in money
            else _no_stake(values[3])
        )
        if not why and case_id in owed:  # the recoveries view would show money outstanding: not recovered, nor closed
            why = outstanding_problem(before[0], values[0], values[3], money[case_id])
        if why:
            problems.append(f"{where}: {why}")
            continue
        status, assignee, decision, amount, comment = values
        events.append(
            {
                "case_id": case_id,
                "at": now,
                "by": by,
                "action": "decision",
                "from_status": before[0],
                "to_status": status,
                "assignee": assignee,
                "decision": decision,
                "comment": comment,
                "amount": amount if status in MONEY else None,
                "period": period,
                "source": source,
            }
        )
        recorded.append(Recorded(case_id, before[0], status, source))
    if problems:  # first, that the month was run again since the book's run, if it was
        raise ReviewRefused(book, problems, older_book(book, again, True))
    chain.append(con, key, "case_events", events)
    return recorded
