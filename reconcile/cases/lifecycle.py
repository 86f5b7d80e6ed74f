"""A case's lifecycle: open → in_review → explained | recovery → recovered | written_off → closed.

An auditor may decide at once, without marking the case in review first (open → explained or
recovery); a closed case may be looked at again (closed → in_review); a run reopens a closed case that
it flags with a finding new since the closing (closed → open, by the run only), and a recovered or
written-off one flagged with a finding new since that decision (money paid again). Any other change of status is refused.
An amount (recovery, recovered, written_off) is 0 or more, and what a case recovered and wrote off
together is never more than its amount at stake; nor is it a thousandth of what was meant (`slip_problem`).
"""

from __future__ import annotations

from reconcile.masking import mask_text
from reconcile.warehouse.case_tables import STATUSES

ALLOWED: dict[str, tuple[str, ...]] = {
    "open": ("in_review", "explained", "recovery"),
    "in_review": ("open", "explained", "recovery"),
    "explained": ("in_review", "closed"),
    "recovery": ("in_review", "recovered", "written_off"),
    "recovered": ("recovery", "closed"),
    "written_off": ("recovery", "closed"),
    "closed": ("in_review",),
}
MONEY = ("recovery", "recovered", "written_off")  # the statuses whose decision may carry an amount

SCALE = 1000  # an amount typed in thousands of đồng, or 500.000 that Excel set to English (US) reads as 500

assert set(ALLOWED) == set(STATUSES)


def transition_problem(before: str, after: str) -> str | None:
    """Why a change of status is refused, or None when it is allowed (or no change)."""
    if after not in STATUSES:  # as typed, but for an ID or an account typed there (masking.mask_text)
        return f"status '{mask_text(after)}' is not one of {', '.join(STATUSES)}"
    if after == before or after in ALLOWED[before]:
        return None
    allowed = ", ".join(ALLOWED[before])
    return f"a case cannot go from {before} to {after} (from {before}: {allowed})"


def amount_problem(status: str, amount: int | None, at_stake: int, recovered: int, case_id: str) -> str | None:
    """Why a decision's amount is refused, or None. What the case would have recovered and written off
    after it must not be more than its amount at stake: a decision to recovery or recovered sets the
    amount recovered and ends a write-off; one to written_off sets the amount written off beside what
    was recovered (`recovered`, the case's now), as sql/cases_refresh.sql keeps them."""
    if status not in MONEY:
        return None
    total = recovered + (amount or 0) if status == "written_off" else amount or 0
    if total <= at_stake:
        return None
    return (
        "the amount would make what was recovered and written off more than the case's amount at stake; "
        f"enter the case's total so far, at most its amount at stake (reconcile case {case_id} shows it)"
    )


def slip_problem(
    status: str, amount: int | None, at_stake: int, recovered: int, min_amount: int, case_id: str, column: str
) -> str | None:
    """Why a decision's amount looks a thousandth of what was meant, or None. Excel set to English (US)
    reads `500.000` typed into the amount cell as the number 500, and an officer used to reports in
    thousands of đồng types 2500 for 2,500,000. The most the amount can be is the case's amount at
    stake, less what was recovered for a write-off (amount_problem). Such an amount is refused when it
    is more than 0, at most a thousandth of that most (so that the amount meant fits in it), and either
    exactly that thousandth or under `min_amount` VND ([checks], as the run of the book's period had
    it; 0 turns that part off). An amount whose thousandfold would pass the most cannot be such a slip,
    and is taken as typed: 5,000 written off of the 5,000 left to recover."""
    most = at_stake - recovered if status == "written_off" else at_stake
    if not amount or amount * SCALE > most:
        return None
    said = (
        "it looks typed in thousands of đồng, or read by an Excel set to English (US), which takes 500.000 for "
        f"500; type the whole amount in đồng, digits only (such as {amount * SCALE}), and import again"
    )
    if amount * SCALE == most:
        return (
            f"case {case_id}: column {column} holds {amount:,} VND, exactly a thousandth of the most it can record "
            f"({most:,} VND): {said}"
        )
    if amount < min_amount:
        return (
            f"case {case_id}: column {column} holds {amount:,} VND, under {min_amount:,} VND (min_amount) and a "
            f"thousandth or less of the most it can record ({most:,} VND): {said}"
        )
    return None


def outstanding_problem(before: str, status: str, amount: int | None, money: tuple[int, int, int, int]) -> str | None:
    """Why a decision is refused that would mark recovered, or close, a case of which the recoveries
    view (sql/views.sql) would still show money outstanding: what was overpaid less what was recovered
    and written off, after the decision. `money` is the case's (at stake, recovered, written off, and
    what of that write-off a decision to recovered keeps: review._held). A case is marked recovered when
    all of it is recovered (or the rest was written off before, kept), and closed when nothing is left;
    a case only partly recovered stays in recovery, or has the rest written off (written_off)."""
    at_stake, recovered, written_off, kept = money
    if status == "recovered":
        recovered, written_off = amount or 0, kept
        left = at_stake - recovered - written_off
        if left > 0:
            return (
                f"the case would still have {left:,} VND outstanding ({at_stake:,} VND overpaid, {recovered:,} "
                f"recovered, {written_off:,} written off): it is marked recovered only when all of it is recovered; "
                "enter the whole amount recovered, or keep it in recovery with the amount recovered so far and write "
                "the rest off (status written_off) if it cannot be recovered"
            )
    if status == "closed" and before in ("recovered", "written_off"):
        left = at_stake - recovered - written_off
        if left > 0:
            return (
                f"the case still has {left:,} VND outstanding ({at_stake:,} VND overpaid, {recovered:,} recovered, "
                f"{written_off:,} written off): it is closed only when nothing is outstanding; record the rest first, as "
                "recovered (status recovery, then recovered, with the total recovered) or as written off (status "
                "written_off, with the total written off)"
            )
    return None
