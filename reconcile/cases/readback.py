"""What `reconcile cases`, `reconcile case` and `reconcile verify` read back from the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reconcile import keys
from reconcile.cases import chain
from reconcile.cases.refresh import has_table
from reconcile.errors import ReconcileError
from reconcile.readback import Rows, check_code
from reconcile.warehouse.case_tables import STATUSES

CASE_COLUMNS = (
    "case_id",
    "code",
    "severity",
    "program",
    "vneid",
    "account_number",
    "payment_ref",
    "province_code",
    "first_period",
    "last_period",
    "periods_flagged",
    "periods_open",
    "status",
    "assignee",
    "decision",
    "amount_at_stake",
    "amount_recovered",
    "amount_written_off",
)
SEVERITY_ORDER = "rc_severity_rank(severity) DESC"
EVENT_COLUMNS = (
    "seq",
    "at",
    "by",
    "action",
    "from_status",
    "to_status",
    "assignee",
    "decision",
    "amount",
    "comment",
    "period",
    "source",
)
FLAG_COLUMNS = (
    "period",
    "code",
    "severity",
    "vneid",
    "payment_ref",
    "program",
    "expected_amount",
    "paid_amount",
    "detail",
    "source_file",
    "source_row",
    "flag_id",
)


def require_cases(con, db: Path) -> None:
    """Refuse a database an earlier version wrote, which has no cases and none of their views yet."""
    if not has_table(con, "cases"):
        raise ReconcileError(f"{db}: holds no cases yet; run a period with this version of reconcile first")


def cases(
    con,
    db: Path,
    *,
    status: str | None = None,
    code: str | None = None,
    province: str | None = None,
    older_than: int | None = None,
) -> Rows:
    """The cases, the oldest open first, then the most severe: filtered by status, code, province and
    age (periods open more than `older_than`)."""
    require_cases(con, db)
    if status is not None and status not in STATUSES:
        raise ReconcileError(f"--status '{status}' is not one of {', '.join(STATUSES)}")
    if code is not None:  # a code mistyped is refused, as flags refuses it, not an empty table
        code = check_code(con, code)
    where: list[str] = []
    params: list[object] = []
    for column, value in (("status", status), ("code", code), ("province_code", province)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if older_than is not None:
        where.append("periods_open > ?")
        params.append(older_than)
    sql = (
        f"SELECT {', '.join(CASE_COLUMNS)} FROM cases {'WHERE ' + ' AND '.join(where) if where else ''} "
        f"ORDER BY periods_open DESC NULLS LAST, {SEVERITY_ORDER}, code, province_code NULLS LAST, case_id"
    )
    rows = con.execute(sql, params).fetchall()
    return Rows(CASE_COLUMNS, rows, len(rows))


@dataclass(frozen=True)
class Case:
    case: Rows
    flags: Rows
    events: Rows


def case(con, db: Path, case_id: str) -> Case:
    """One case: its row, its findings in every period (superseded runs left out) and its events."""
    require_cases(con, db)
    case_id = case_id.strip().lower()
    row = con.execute(f"SELECT {', '.join(CASE_COLUMNS)} FROM cases WHERE case_id = ?", [case_id]).fetchall()
    if not row:
        raise ReconcileError(
            f"{db}: holds no case {case_id}; see 'reconcile cases' for the cases it holds (ids as 3f9a-0c41-77d2-e5b0)"
        )
    flags = con.execute(
        f"SELECT {', '.join(FLAG_COLUMNS)} FROM flags WHERE case_id = ? ORDER BY period, source_file, source_row",
        [case_id],
    ).fetchall()
    quoted = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
    events = con.execute(f"SELECT {quoted} FROM case_events WHERE case_id = ? ORDER BY seq", [case_id]).fetchall()
    return Case(
        Rows(CASE_COLUMNS, row, 1), Rows(FLAG_COLUMNS, flags, len(flags)), Rows(EVENT_COLUMNS, events, len(events))
    )


def verify(con, db: Path) -> tuple[dict[str, int], list[chain.Break]]:
    """Check the hash chains of case_events and signoffs under the database's key."""
    require_cases(con, db)
    keys.refuse_analyst_copy(con, Path(db))
    key, _ = keys.resolve(Path(db))
    keys.check_database(con, Path(db), key)
    return chain.verify(con, key)
