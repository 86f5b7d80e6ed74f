"""What the month's files tell together, once every one is read: the daily statements of an account
checked as a chain (chain.py: a day's statement left out refuses them), and the returns in one
statement of payments in another paired (returns_across.py), with what the operator should know."""

from __future__ import annotations

from collections.abc import Callable

from reconcile.readers.chain import check_chain, check_pages
from reconcile.readers.returns_across import pair_returns_across
from reconcile.readers.tables import RawTable


def across_files(tables: list[tuple[int, RawTable]], notice: Callable[[str], None]) -> None:
    spans = [span for _, table in tables for span in table.spans]
    check_chain(spans)  # a day's statement left out
    check_pages(spans)  # a page of a statement left out
    # a return in one statement of the month, its payment in another (or booked as a plain credit)
    ambiguous, unpaired = pair_returns_across(t for _, t in tables)
    for where, n in ambiguous.items():
        notice(
            f"{where}: returns that fit several payments and name none of them apart: {n}, set aside with "
            "no payment marked returned; ask the bank which payments came back (the rows set aside, in rejected_rows)"
        )
    for where, n in unpaired.items():
        notice(
            f"{where}: credits whose text says they bring back a payee's money but name the reference of none of "
            f"this run's payments: {n}, left as money in, the payments paid; ask the bank whether they are returns of "
            "this month's payments (the rows, in rejected_rows)"
        )
