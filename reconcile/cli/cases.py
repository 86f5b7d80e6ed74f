"""The auditors' commands on cases: cases, case, review import, verify, signoff and reopen
(reconcile/cases/)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from reconcile.cli.group import lazy, province_code, say, warn
from reconcile.cli.listing import emit, listing_format, out_option, reading
from reconcile.cli.read import _render, db_option, echo_sections, format_option, mask_option, write_db_option
from reconcile.errors import ReconcileError

readback = lazy("reconcile.readback")
terminal = lazy("reconcile.report.terminal")
cases_read = lazy("reconcile.cases.readback")

# case_tables.STATUSES, spelt out so that `reconcile --help` loads no database code (tests/test_layout.py)
STATUSES = ("open", "in_review", "explained", "recovery", "recovered", "written_off", "closed")


@click.command()
@db_option
@click.option("--status", type=click.Choice(STATUSES), help="Only cases of this status.")
@click.option("--code", help="Only this finding (see 'reconcile rules').")
@click.option("--province", callback=province_code, help="Only beneficiaries of this province code, e.g. 79.")
@click.option("--older-than", type=click.IntRange(min=0), help="Only cases open for more than this many periods.")
@mask_option
@format_option
@out_option
def cases(db, status, code, province, older_than, mask_ids, fmt, out) -> None:
    """The cases: one problem of one beneficiary (or account, or reference) across periods, the oldest
    open first, with their status, who has them, and the money at stake and recovered.

    periods_open is the age: periods from the one that opened the case to the latest in the database,
    while the case is open, in review or in recovery.
    """
    fmt = listing_format(fmt, out)
    with reading(db, out) as con:
        result = cases_read.cases(con, db, status=status, code=code, province=province, older_than=older_than)
    if mask_ids:
        result = readback.masked(result)
    emit(_render(result, fmt), fmt, out)


@click.command()
@click.argument("case_id")
@db_option
@mask_option
@format_option
@out_option
def case(case_id, db, mask_ids, fmt, out) -> None:
    """One case: where it stands, its findings in every period, and every decision on it.

    CASE_ID is as the workbook and 'reconcile cases' show it (3f9a-0c41-77d2-e5b0).
    """
    fmt = listing_format(fmt, out)
    with reading(db, out) as con:
        found = cases_read.case(con, db, case_id)
    sections = {"case": found.case, "flags": found.flags, "events": found.events}
    titles = {"case": "header.case", "flags": "header.findings", "events": "header.case_events"}
    echo_sections(sections, titles, mask_ids, fmt, out)


@click.group()
def review() -> None:
    """Decisions on findings, typed into the workbook's findings sheets."""


@review.command("import")
@click.argument("book", type=click.Path(path_type=Path))
@write_db_option
@click.option("--by", required=True, help="Who records the decisions (recorded with each).")
def review_import(book, db, by) -> None:
    """Record the decisions of a workbook: each case whose status, assignee, decision, amount or comment
    was changed gets one event in case_events.

    The whole book is refused, and nothing recorded, when a row's evidence columns were edited or it
    asks for a change of status the lifecycle does not allow, or something was typed into the sheet
    Open cases (decisions are read from the findings sheets only); each such row is named by sheet and
    row. The book of a period removed since (reconcile delete) is refused. Importing the same book
    again records nothing.
    """
    from reconcile.cases.removed import older_book
    from reconcile.cases.review import ReviewRefused, import_review
    from reconcile.lockfiles import open_elsewhere

    lock = open_elsewhere(book)
    if lock is not None:  # the decisions typed and not saved are not in the file: they would be left out
        raise ReconcileError(
            f"{book}: is open in Excel or LibreOffice ({lock.name} is beside it), and decisions typed there and not "
            f"saved would not be recorded; save it, close it and import it again (if no program has it open, "
            f"delete {lock.name})"
        )
    try:
        result = import_review(db, book, by)
    except ReviewRefused as refused:
        for problem in refused.problems:
            say(f"reconcile: {problem}", err=True)
        raise
    say_recorded(result.recorded)
    for line in older_book(Path(book), result.again, False):
        say(f"reconcile: {line}", err=True)
    n = len(result.recorded)
    say(
        f"reconcile: recorded {n:,} {'decision' if n == 1 else 'decisions'} from {Path(book).name} "
        f"({result.rows:,} findings rows read, {result.changed:,} changed in the book); the other cases are as "
        "the database holds them",
        err=True,
    )


def say_recorded(recorded) -> None:
    """A line for each decision an import recorded (review import, demo)."""
    for r in recorded:
        say(f"reconcile: case {r.case_id}: {r.from_status} -> {r.to_status} ({r.source})", err=True)


@click.command()
@db_option
def verify(db) -> None:
    """Check that no case event or sign-off was altered, removed or put in between: each is chained to
    the one before by a keyed hash. Exits 1 and names the first that does not hold. Prints the head of
    each chain, its newest row: the newest rows' removal shows against a head written down before
    (reconcile signoff prints it)."""
    from reconcile.cases.chain import heads

    with readback.open_db(db, notice=warn) as con:
        checked, breaks = cases_read.verify(con, db)
        head = heads(con)
    for b in breaks:
        say(f"reconcile: {b.table}: row {b.seq}: {b.why}")
    if breaks:
        sys.exit(1)
    events, signoffs = checked["case_events"], checked["signoffs"]
    say(
        f"reconcile: the chains hold: {events:,} case {'event' if events == 1 else 'events'} and "
        f"{signoffs:,} {'sign-off' if signoffs == 1 else 'sign-offs'}"
    )
    say(_heads_line(head))


def _heads_line(head: dict[str, tuple[int, str]]) -> str:
    """The chains' heads as a person writes them down: `case events 12 3f9a0c41, sign-offs 2 77d2e5b0`."""
    (events, e_hash), (signoffs, s_hash) = head["case_events"], head["signoffs"]
    return (
        f"reconcile: heads: case events {events} {e_hash or '-'}, sign-offs {signoffs} {s_hash or '-'} "
        "(write them down with a sign-off: the newest rows' removal shows against them)"
    )


@click.command()
@click.option("--period", required=True, help="Period to sign off, YYYY-MM.")
@write_db_option
@click.option("--by", required=True, help="The checker: not the operator who ran the period.")
def signoff(period, db, by) -> None:
    """Sign a period off as its checker (not the operator who ran it): it then refuses a re-run and a
    removal until 'reconcile reopen'."""
    from reconcile.cases.signoff import signoff as sign

    sign(db, period, by)
    from reconcile.cases.chain import heads
    from reconcile.cases.signoff import partial_note, warnings_said

    with readback.open_db(db, notice=warn) as con:
        partial = partial_note(con, period)
        if partial:  # a month run with --partial is signed off as it is, and says so first
            say("reconcile: " + partial, err=True)
        for line in warnings_said(con, period):  # and what its run warned of, as the workbook shows it
            say("reconcile: " + line, err=True)
        say(
            f"reconcile: period {period} signed off; it refuses a re-run and a removal until reconcile reopen", err=True
        )
        say(_heads_line(heads(con)), err=True)


@click.command()
@click.option("--period", required=True, help="Period to reopen, YYYY-MM.")
@write_db_option
@click.option("--by", required=True, help="Who reopens it (recorded).")
@click.option("--reason", required=True, help="Why (recorded).")
def reopen(period, db, by, reason) -> None:
    """Reopen a signed-off period, so that it can be re-run or removed (recorded in signoffs)."""
    from reconcile.cases.signoff import reopen as do_reopen

    do_reopen(db, period, by, reason)
    say(f"reconcile: period {period} reopened; it can be re-run", err=True)


@click.command()
@db_option
@click.option(
    "--by",
    type=click.Choice(["period", "code"]),
    default="period",
    show_default=True,
    help="One row per period (with the non-cash share per programme), or per period and finding code.",
)
@click.option("--code", help="Only this finding, period by period (see 'reconcile rules').")
@format_option
@out_option
def trend(db, by, code, fmt, out) -> None:
    """Month over month: the findings and the money in question in each period, the change against the
    period before it in the database, and the non-cash share of payments per programme beside them."""
    from reconcile.cases.trend import trend as read_trend

    fmt = listing_format(fmt, out)
    with reading(db, out) as con:
        cases_read.require_cases(con, db)
        result = read_trend(con, by, code)
    if fmt == "table":
        shares = [i for i, h in enumerate(result.headers) if h.endswith("_noncash")]
        result = replace(
            result,
            rows=[
                tuple(terminal.pct(v) if i in shares and v is not None else v for i, v in enumerate(r))
                for r in result.rows
            ],
        )
    emit(_render(result, fmt), fmt, out)


COMMANDS = (cases, case, review, verify, signoff, reopen, trend)
