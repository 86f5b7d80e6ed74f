"""The finance officers' money follow-up: `reconcile actions`, the files of payments to send again and
of overpayments to reclaim (reconcile/actions.py). What it prints names files and counts, never an ID."""

from __future__ import annotations

from pathlib import Path

import click

from reconcile.cli.group import say, warn
from reconcile.cli.outputs import check_not_recorded_inputs, folder_to_make, refuse_open_elsewhere, speak
from reconcile.cli.read import db_option
from reconcile.errors import ReconcileError


@click.command()
@click.option("--period", required=True, help="Period already in the database, YYYY-MM: the lists as of it.")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the files to (made if missing); files of the same names are replaced.",
)
@db_option
@click.option(
    "--mask-ids",
    is_flag=True,
    help="Show IDs, account numbers and payment references by their last 4 characters (names stay).",
)
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Language of the files' headers and of the terminal (default vi).",
)
@click.option(
    "--partial",
    is_flag=True,
    help="Write the files although a period up to --period was reconciled without every source (run --partial); "
    "their names end in _PARTIAL.",
)
def actions(period, out, db, mask_ids, lang, partial) -> None:
    """Write the action files of a period: per paying bank (the post office counts as one,
    VNPOST), reissue_<bank>.csv and .xlsx, the failed or returned payments not paid since, one row per
    payment to send again; per bank and commune, recovery_<bank>_<commune>.csv and .xlsx, the
    overpayments (paid after a death or while inactive) still to reclaim, one row per case.

    Both as of the period: payments of it and earlier periods whose beneficiary had no successful
    payment in their period or a later one up to it (a failed back payment, truy lĩnh, in a later one:
    its period's payment is that month's own); the overpayments flagged up to it, less what
    decisions recorded as recovered or written off so far. The files are written whole, then moved
    into the folder together: a full disk or Ctrl-C leaves the folder as it was, never part of a set.
    For example:

    \b
        reconcile actions --period 2024-11 --out actions/2024-11
    """
    speak(lang)
    from reconcile import config, readback
    from reconcile.actions import ACTION_FILE, write_actions

    config.check_period(period)
    folder_to_make(Path(out), "--out")
    from reconcile.cases.readback import require_cases

    if ACTION_FILE.match(Path(db).name) and Path(db).resolve().parent == Path(out).resolve():
        raise ReconcileError(
            f"{db}: given as --db, and --out {out} writes a file of that name; give the database another name, "
            "or --out another folder"
        )

    with readback.open_db(db, notice=warn) as con:
        require_cases(con, db)
        readback.require_period(con, db, period)
        incomplete = readback.partial_periods(con, period)
        if incomplete and not partial:
            raise ReconcileError(
                f"{', '.join(incomplete)}: reconciled without every source (PARTIAL), so the lists may ask again for "
                "payments made through a missing source; run the month again with every file, or pass --partial to "
                "write them anyway"
            )
        if Path(out).is_dir():  # an action file's name given to an input: it is not written over
            earlier = [p for p in sorted(Path(out).iterdir()) if ACTION_FILE.match(p.name)]
            check_not_recorded_inputs(readback.input_files(con), [("--out", p) for p in earlier])
            refuse_open_elsewhere(earlier)
        note = _partial_note(incomplete, lang or "vi") if incomplete else None
        result = write_actions(con, period, out, lang=lang or "vi", mask_ids=mask_ids, partial=note)
        from reconcile.cases.refresh import returned_overpayments

        returned = [r for r in returned_overpayments(con) if r[2] <= period]
    if incomplete:
        say(
            f"reconcile: PARTIAL: {', '.join(incomplete)} reconciled without every source; the lists may ask again "
            "for payments made through a missing source",
            err=True,
        )
    for f in result.files:
        names = ", ".join(p.name for p in f.paths)
        if f.kind == "reissue":
            say(
                f"reconcile: {names}: {f.rows:,} {'payment' if f.rows == 1 else 'payments'} to send again, "
                f"{f.amount:,} VND",
                err=True,
            )
        else:
            say(
                f"reconcile: {names}: {f.rows:,} {'overpayment' if f.rows == 1 else 'overpayments'} to reclaim, "
                f"{f.amount:,} VND outstanding",
                err=True,
            )
    say_returned(returned)  # the demands ask for money the bank sent back
    if result.held:
        h = result.held
        say(
            f"reconcile: {', '.join(p.name for p in h.paths)}: {h.rows:,} {'payment' if h.rows == 1 else 'payments'} "
            f"held back, not to send again ({h.amount:,} VND): the beneficiary died before the payment's date or is "
            "not active in the latest registry; the last column says why",
            err=True,
        )
    if result.unlisted:
        n = result.unlisted
        say(
            f"reconcile: {n:,} {'payment' if n == 1 else 'payments'} to send again {'is' if n == 1 else 'are'} to "
            f"an ID the registry of {period} no longer lists in its programme (an ID corrected since, or a "
            "beneficiary taken off): the lists are per ID, and a payment made since to another ID settles none of "
            "them; check each with reconcile show before sending",
            err=True,
        )
    if result.others:
        n = len(result.others)
        say(
            f"reconcile: {out} also holds {n:,} action {'file' if n == 1 else 'files'} this listing did not write "
            f"(of another period or an earlier listing): {', '.join(result.others)}; remove them or use a new folder, so that they are "
            "not sent by mistake",
            err=True,
        )
    sent, sent_vnd = result.total("reissue")
    owed, owed_vnd = result.total("recovery")
    say(
        f"reconcile: action files as of {period} in {out}: {sent:,} {'payment' if sent == 1 else 'payments'} "
        f"to send again ({sent_vnd:,} VND), {owed:,} {'overpayment' if owed == 1 else 'overpayments'} to reclaim "
        f"({owed_vnd:,} VND){', IDs masked' if mask_ids else ''}",
        err=True,
    )


def _partial_note(periods: list[str], lang: str) -> str:
    """The words heading each printed page of a partial listing's workbooks. Excel keeps a page
    header to 255 characters: past six periods, the number of the others."""
    from reconcile.report.labels import label

    shown = ", ".join(periods[:6]) + (f" (+{len(periods) - 6})" if len(periods) > 6 else "")
    return label("actions.partial", lang, periods=shown)


def say_case_notes(result) -> None:
    """What a run says of the cases after it: those it reopened, the overpayments a later month's file
    gives as returned, and the money decisions no longer match (more than overpaid, or on no finding)."""
    if result.reopened:
        say(
            f"reconcile: {result.reopened:,} closed {'case' if result.reopened == 1 else 'cases'} flagged again "
            "and reopened; see reconcile cases --status open",
            err=True,
        )
    if result.reopened_settled:
        n = result.reopened_settled
        say(
            f"reconcile: {n:,} recovered or written-off {'case' if n == 1 else 'cases'} flagged again and reopened; "
            "see reconcile cases --status open",
            err=True,
        )
    say_undone(result.reopen_undone, removal=False)
    say_returned(result.returned_overpaid)
    for case_id, taken, recorded in result.settled_taken:
        say(
            f"reconcile: case {case_id}: this re-run took {taken:,} VND away from its findings, while "
            f"{recorded:,} VND recorded as recovered or written off stays and now counts against its other "
            "payments, which may be another month's money nobody decided on; look into its decisions "
            "(reconcile case)",
            err=True,
        )
    if result.over_settled:
        n = result.over_settled
        say(
            f"reconcile: {n:,} {'case has' if n == 1 else 'cases have'} more recovered and written off than was "
            "overpaid, since a re-run lowered what was overpaid; see the excess column of the recoveries view, and "
            "look into their decisions",
            err=True,
        )
    if result.arrears_other_id:
        n = result.arrears_other_id
        say(
            f"reconcile: {n:,} {'beneficiary' if n == 1 else 'beneficiaries'} in arrears may have had another ID "
            "the month before their arrears began (unpaid then under an ID of the same name, date of birth and "
            "account, which the registry no longer lists): arrears are counted per ID, so those months are not in "
            "them; see the arrears view's column earlier_vneid, and check each with reconcile show",
            err=True,
        )
    if result.back_paid_twice[2]:
        n, amount = result.back_paid_twice[2:4]
        say(
            f"reconcile: back payments (truy lĩnh) of this period naming months the beneficiary was not due in (not "
            f"listed active in the database's registry of that month: suspended, or not yet listed): {n:,} ({amount:,} "
            "VND for those months), which may be paid though nothing was due; see the back_pay view (month_was 'not "
            "due'), and check each with reconcile show",
            err=True,
        )
    if result.back_paid_twice[0]:
        n, amount = result.back_paid_twice[:2]
        say(
            f"reconcile: back payments (truy lĩnh) of this period naming months the database holds as paid already: "
            f"{n:,} ({amount:,} VND due for those months), which may be paid twice; see the back_pay view (month_was "
            "'paid'), and check each with reconcile show",
            err=True,
        )
    if result.back_paid_twice[4]:
        n, amount = result.back_paid_twice[4:6]
        say(
            f"reconcile: back payments (truy lĩnh) of this period paying more than the database's registries of the "
            f"months they name gave those months (or, for a difference, `chênh lệch`, than those months were paid short of the new rate): "
            f"{n:,} ({amount:,} VND over), which may be paid at a rate those months did not have; see the back_pay "
            "view, and check each with reconcile show",
            err=True,
        )
    if result.back_paid_twice[6]:
        n, amount = result.back_paid_twice[6:8]
        say(
            f"reconcile: back payments (truy lĩnh) of this period paying less than the database's registries of the "
            f"months they name gave those months (or, for a difference, `chênh lệch`, than those months were paid short of the new rate): "
            f"{n:,} ({amount:,} VND short), which may leave those months partly unpaid; see the back_pay view, and "
            "check each with reconcile show",
            err=True,
        )
    if result.paid_ahead[0]:
        n, amount = result.paid_ahead
        say(
            f"reconcile: {n:,} of the month's payments paid later months too (months paid together, as January "
            f"pays February before Tết): {amount:,} VND of them is those months' money, not this month's; the runs "
            "of those months count them paid (the paid_ahead view)",
            err=True,
        )
    if result.paid_before[0]:
        n, amount, months = result.paid_before
        say(
            f"reconcile: {n:,} active {'beneficiary was' if n == 1 else 'beneficiaries were'} paid this month ahead, "
            f"with {months} (months paid together: {amount:,} VND): no payment of this month is due to them, nor "
            "missing; see the paid_ahead view",
            err=True,
        )
    say_unflagged(result.unflagged_money)


def say_removal_notes(deletion) -> None:
    """What `reconcile delete` says of the money decisions recorded, as a run says it of a re-run
    (say_case_notes): a removal takes findings away as a re-run does."""
    say_undone(deletion.reopen_undone, removal=True)
    for case_id, taken, recorded in deletion.settled_taken:
        say(
            f"reconcile: case {case_id}: this removal took {taken:,} VND away from its findings, while "
            f"{recorded:,} VND recorded as recovered or written off stays and now counts against its other "
            "payments, which may be another month's money nobody decided on; look into its decisions "
            "(reconcile case)",
            err=True,
        )
    if deletion.over_settled:
        n = deletion.over_settled
        say(
            f"reconcile: {n:,} {'case has' if n == 1 else 'cases have'} more recovered and written off than was "
            "overpaid, since a re-run or a removal took away what was overpaid; see the excess column of the "
            "recoveries view, and look into their decisions",
            err=True,
        )
    say_unflagged(deletion.unflagged_money)


def say_undone(n: int, removal: bool) -> None:
    """The cases that the run a re-run or removal replaced had reopened, given back the status they had
    before (cases/reopen.py's undo_reopenings)."""
    if n:
        say(
            f"reconcile: {n:,} {'case' if n == 1 else 'cases'} that the run this {'removal' if removal else 're-run'} replaced had reopened went "
            f"back to the status before the reopening, the findings that reopened {'it' if n == 1 else 'them'} "
            "gone; see reconcile case CASE_ID",
            err=True,
        )


def say_unflagged(n: int) -> None:
    """The cases holding money recorded as recovered or written off on no finding left (money_notes)."""
    if n:
        say(
            f"reconcile: {n:,} {'case has' if n == 1 else 'cases have'} money recorded as recovered or written off "
            "but no finding left in any period the database holds (a re-run or a removal took them away, or the ID "
            "was corrected since): that money counts in no recovery; reconcile cases shows them with 0 periods "
            "flagged: enter it on the case that flags the overpayment now",
            err=True,
        )


def say_returned(returned: list[tuple[str, int, str]]) -> None:
    """The overpayments to recover that a later month's file gives as returned (cases.refresh)."""
    for case_id, amount, came_back in returned:
        say(
            f"reconcile: case {case_id}: {amount:,} VND paid after a death or while inactive came back as returned "
            f"in {came_back}; the recovery lists ask for it until a decision records it as recovered "
            "(reconcile review import)",
            err=True,
        )
