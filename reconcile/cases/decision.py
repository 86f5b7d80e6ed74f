"""A findings row's decision columns, read as `review import` records them (review.py): status,
assignee, decision, amount and comment, and their check as the workbook wrote them
(rc_decision_check, sql/report_macros.sql).

The amount of a row whose status records one (recovery, recovered, written_off) is the case's total so
far of that status: an empty cell or 0 means none, and is recorded as 0 (it clears an amount recorded
before). The workbook shows 0 as an empty cell, so a decision is compared with the book and with the
database with 0 as none (`shown`).
"""

from __future__ import annotations

import hashlib
import re

from reconcile.cases.book import cell_text as _text
from reconcile.cases.lifecycle import MONEY

_AMOUNT = re.compile(r"^-?\d{1,3}([.,\s]?\d{3})*$")
OPEN = ("open", None, None, None, None)  # a case without a decision, as a workbook shows it


def decision_check(values: tuple) -> str:
    """rc_decision_check (sql/report_macros.sql) of a decision: (status, assignee, decision, amount, comment)."""
    status, assignee, decision, amount, comment = values
    text = "|".join((status, assignee or "", decision or "", "" if amount is None else str(amount), comment or ""))
    return hashlib.md5(text.encode("utf-8")).hexdigest()[:16]


def shown(values: tuple) -> tuple:
    """A decision as the workbook shows it (rc_case_amount): an amount of 0 as none."""
    status, assignee, decision, amount, comment = values
    return status, assignee, decision, amount or None, comment


_NOT_WHOLE = "the amount is not a whole number of VND (such as 1500000 or 1.500.000)"


def _amount(cell) -> tuple[int | None, str | None]:
    """The amount cell as a whole number of VND (None when empty), or why it is not one."""
    if isinstance(cell, bool):
        return None, _NOT_WHOLE
    if isinstance(cell, float) and cell.is_integer():
        return int(cell), None
    if isinstance(cell, str):
        text = cell.strip()
        if not text:
            return None, None
        if _AMOUNT.match(text):
            return int(re.sub(r"[.,\s]", "", text)), None
        return None, _NOT_WHOLE
    if cell is not None and not isinstance(cell, int):
        return None, _NOT_WHOLE
    return cell, None


def as_typed(row: dict) -> tuple[tuple, str | None]:
    """The row's decision cells as they are, as the workbook shows a decision (an empty status as open,
    an amount of 0 as none): what tells a row the auditor did not touch (its decision_check), whatever
    the database holds now. Or why its amount cannot be read."""
    amount, why = _amount(row["case_amount"])
    status = (_text(row["status"]) or "open").lower()
    return shown((status, _text(row["assignee"]), _text(row["decision"]), amount, _text(row["comment"]))), why


def read_decision(row: dict, left: tuple[int | None, ...] = (None, None)) -> tuple[tuple, str | None]:
    """The row's (status, assignee, decision, amount, comment), or why it cannot be recorded. A status that
    records an amount gets one, 0 when the cell is empty; another status gets none: the amount the
    workbook showed for the case's decision (`left`, _left: recovered, say), left in its cell when the
    status is changed to one that records none (closed), is no amount typed, and is dropped; so it is
    when that book is imported again, once the case is closed and shows none. An open or in_review
    case shows what it recovered (`left[0]`; rc_case_amount), so that a decision to recovery keeps it."""
    status = (_text(row["status"]) or "open").lower()
    amount, why = _amount(row["case_amount"])
    if why:
        return (), why
    if amount is not None and amount < 0:
        return (), "the amount is below 0; enter what was recovered or written off so far, 0 or more"
    if amount and status not in MONEY and amount not in left:
        return (), f"an amount is recorded only with status {', '.join(MONEY)}; clear it or change the status"
    if status in MONEY:
        amount = amount or 0  # none so far: an empty cell, or 0, clears an amount recorded before
    else:
        amount = left[0] if status in ("open", "in_review") else None  # as rc_case_amount shows it
    return (status, _text(row["assignee"]), _text(row["decision"]), amount, _text(row["comment"])), None
