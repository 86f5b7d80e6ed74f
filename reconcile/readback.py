"""Read-back of a reconciled database: findings, non-cash shares, periods (one beneficiary: show.py).

What auditors and analysts ask after a run, answered from the stored tables across every period.
The database is opened read-only, so reading never changes it and a running write is reported,
not waited for. Each query is fixed SQL with its values bound, and a full ORDER BY so that the
same database always reads back the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from reconcile.config import check_period
from reconcile.contracts import SEVERITY_RANK
from reconcile.errors import ConfigError, DatabaseBusyError, ReconcileError
from reconcile.masking import AREA_CODES, BANK_CODE, mask_area, mask_id, mask_text
from reconcile.rules import catalogue
from reconcile.warehouse import FLAGS_ORDER, connect
from reconcile.warehouse.schema import outdated

FLAG_COLUMNS = (
    "period",
    "code",
    "severity",
    "vneid",
    "full_name",
    "program",
    "province_code",
    "commune_code",
    "expected_amount",
    "paid_amount",
    "payment_ref",
    "payee_name",
    "account_number",
    "match_method",
    "detail",
    "source_file",
    "source_row",
    "flag_id",
)
_FLAG_SELECT = ", ".join(f"f.{c}" for c in FLAG_COLUMNS)

# every filter is bound; a NULL value leaves that filter out
_FLAG_FILTER = """
    ($period IS NULL OR f.period = $period) AND ($code IS NULL OR f.code = $code)
    AND ($rank IS NULL OR f.severity_rank >= $rank) AND ($province IS NULL OR f.province_code = $province)
    AND ($program IS NULL OR f.program = $program)"""
_FLAG_ORDER = "period, " + FLAGS_ORDER  # unqualified: the flags query reads flags AS f alone

# the payments of one beneficiary: written with the ID, or tied to the beneficiary by matching
CASHLESS_BY = {  # --by: (level of noncash_share, totals rather than channel rows, columns that name the row)
    "program": ("program", True, ()),
    "province": ("province", True, ("province_code",)),
    "commune": ("commune", True, ("province_code", "commune_code")),
    "province_2025": ("province_2025", True, ("province_code",)),
    "channel": ("program", False, ("channel_group",)),
}

_ID_SEPARATORS = re.compile(r"[ .]")
_ID = re.compile(r"[0-9]{12}")
_ID_AS_NUMBER = re.compile(r"\s*([0-9]{11,12})\.0\s*")


@dataclass(frozen=True)
class Rows:
    """A result to render: column names, rows, and how many rows matched before any limit."""

    headers: tuple[str, ...]
    rows: list[tuple]
    total: int


def open_db(path: Path, notice: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """Open a database `reconcile run` wrote, read-only (pipeline.connect's checks); it never
    creates a file, and refuses a DuckDB file without reconcile's tables. A database an earlier
    version wrote is first brought up to this version's tables and views, as its next run would
    (the commands read columns it does not have yet), and `notice` told; refused with a clear
    error where it cannot be written."""
    db = Path(path)
    if not db.exists():
        raise ReconcileError(f"{db}: no database here; run 'reconcile run' first or pass --db")
    if db.is_file() and db.stat().st_size == 0:
        raise ReconcileError(f"{db}: is an empty file, no database yet; run 'reconcile run' first or pass --db")
    con = connect(db, read_only=True)
    missing = _missing_objects(con)
    if missing:
        con.close()
        raise ReconcileError(
            f"{db}: is a DuckDB database without reconcile's tables "
            f"(missing: {', '.join(missing)}); pass the --db that 'reconcile run' wrote"
        )
    if outdated(con):
        con.close()
        _bring_up_to_date(db)
        if notice:
            notice(f"reconcile: {db} brought up to this version's tables (cases, their events and views)")
        con = connect(db, read_only=True)
    return con


def _bring_up_to_date(db: Path) -> None:
    from reconcile.cases.refresh import upgrade

    try:
        upgrade(db)
    except (DatabaseBusyError, ConfigError):
        raise
    except (ReconcileError, OSError, duckdb.IOException, duckdb.PermissionException) as exc:
        raise ReconcileError(
            f"{db}: was written by an earlier version of reconcile, and cannot be brought up to this "
            f"version's tables here ({str(exc).splitlines()[0]}); copy it to a folder you may write to "
            "and pass the copy to --db"
        ) from None


def _missing_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    present = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    # what the read-back commands read; tables added later (run_changes) are created by the next run
    wanted = [
        "runs",
        "inputs",
        "registry",
        "payments",
        "rejected_rows",
        "matches",
        "flags",
        "targets",
        "rules",
        "noncash_share",
    ]
    return [name for name in wanted if name not in present]


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> Rows:
    """A query's rows with its column names."""
    cur = con.execute(sql, params)
    headers = tuple(d[0] for d in cur.description)
    rows = cur.fetchall()
    return Rows(headers, rows, len(rows))


def check_code(con: duckdb.DuckDBPyConnection, code: str) -> str:
    """A finding code in upper case, known to this version or to the database's rules table."""
    known = {r.code for r in catalogue()} | {c for (c,) in con.execute("SELECT code FROM rules").fetchall()}
    wanted = code.strip().upper()
    if wanted not in known:
        raise ConfigError(f"unknown finding code; use one of {', '.join(sorted(known))} (see 'reconcile rules')")
    return wanted


def check_vneid(value: str) -> str:
    """The ID as the database keeps it: 12 digits, with spaces and dots between them dropped.
    Messages say what is wrong without repeating the value, which is personal data."""
    as_number = _ID_AS_NUMBER.fullmatch(value or "")
    # an ID a spreadsheet or pandas wrote as a number (38145464795.0): its '.0' is no digit of it
    text = as_number.group(1) if as_number else _ID_SEPARATORS.sub("", value or "")
    if _ID.fullmatch(text):
        return text
    if not text:
        raise ConfigError("the personal ID is empty; pass the 12-digit số định danh cá nhân")
    if not text.isascii() or not text.isdigit():
        raise ConfigError(
            "the personal ID holds characters other than digits, spaces and dots; "
            "pass the 12-digit số định danh cá nhân"
        )
    hint = " (a leading zero lost in a spreadsheet?)" if len(text) == 11 else ""
    raise ConfigError(f"the personal ID has {len(text)} digits, not 12{hint}; pass the 12-digit số định danh cá nhân")


def flags(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    code: str | None = None,
    severity: str | None = None,
    province: str | None = None,
    program: str | None = None,
    limit: int | None = None,
) -> Rows:
    """Findings, most severe first within each period; `severity` keeps that severity and higher.
    `total` counts every match, so a caller that set `limit` can say how many were left out."""
    if severity is not None and severity not in SEVERITY_RANK:
        raise ConfigError(f"unknown severity; use one of {', '.join(SEVERITY_RANK)}")
    if limit is not None and limit < 0:
        raise ConfigError("--limit cannot be negative; pass 0 for every row")
    params = {
        "period": None if period is None else check_period(period),
        "code": None if code is None else check_code(con, code),
        "rank": None if severity is None else SEVERITY_RANK[severity],
        "province": province,
        "program": program,
    }
    total = con.execute(f"SELECT count(*) FROM flags AS f WHERE {_FLAG_FILTER}", params).fetchall()[0][0]
    result = query_rows(
        con,
        f"SELECT {_FLAG_SELECT} FROM flags AS f WHERE {_FLAG_FILTER} ORDER BY {_FLAG_ORDER} LIMIT $limit",
        {**params, "limit": limit},
    )
    return replace(result, total=total)


def cashless(con: duckdb.DuckDBPyConnection, period: str | None = None, by: str = "program") -> Rows:
    """Non-cash shares from the noncash_share_by_area view: programme, province or commune totals against
    the target, or each programme split by channel (bank, ewallet, cash); `partial` marks a month run
    with --partial, whose target is neither met nor missed; `in_doubt` a share a warning of the run
    puts in doubt (runs.warnings: a cash source that may have been left out), a target met maybe not."""
    if by not in CASHLESS_BY:
        raise ConfigError(f"cannot break the non-cash share down by that; use one of {', '.join(CASHLESS_BY)}")
    level, totals, names = CASHLESS_BY[by]
    key = ", ".join(("period", "program", *names))
    return query_rows(
        con,
        f"""
        SELECT {key}, beneficiaries, payments, amount, share_beneficiaries, share_payments, share_amount,
               target, target_met,
               -- a month run with --partial (a source missing): no target met or missed, and it says why
               coalesce((SELECT bool_or(r.partial) FROM runs AS r WHERE r.period = s.period), false) AS partial,
               coalesce((SELECT bool_or(list_contains(json_extract_string(r.warnings, '$[*].programs[*]'), s.program))
                         FROM runs AS r WHERE r.period = s.period), false) AS in_doubt
        FROM noncash_share_by_area AS s
        WHERE ($period IS NULL OR period = $period) AND level = $level AND (channel_group = 'all') = $totals
        ORDER BY {key}""",
        {"period": None if period is None else check_period(period), "level": level, "totals": totals},
    )


def periods(con: duckdb.DuckDBPyConnection) -> Rows:
    """One row per reconciled period: its run, whether it was partial (a source missing, run with
    --partial), and the totals `reconcile run` printed for it; `partial` is NULL for a run of a version
    before --partial (the column came with it, NULL in the older rows)."""
    return query_rows(
        con,
        """
        SELECT r.period, r.run_id, r.started_at, r.finished_at, epoch(r.finished_at - r.started_at) AS seconds,
               r.operator, r.tool_version, r.partial, r.registry_rows, r.payment_rows, r.rejected_rows,
               r.flags,
               CAST((SELECT coalesce(sum(g.entitled_amount), 0) FROM registry AS g
                     WHERE g.period = r.period AND g.is_primary AND g.status = 'active') AS BIGINT) AS amount_due,
               CAST((SELECT coalesce(sum(p.amount), 0) FROM payments AS p
                     WHERE p.period = r.period AND p.status = 'success' AND p.in_period AND p.repeat_of IS NULL) AS BIGINT) AS amount_paid
        FROM runs AS r
        ORDER BY r.period, r.run_id""",
        {},
    )


def has_period(con: duckdb.DuckDBPyConnection, period: str) -> bool:
    """Whether a run of the period is in the database."""
    return bool(con.execute("SELECT count(*) FROM runs WHERE period = ?", [period]).fetchall()[0][0])


def require_period(con: duckdb.DuckDBPyConnection, db: Path, period: str) -> None:
    """Refuse a period the database holds no run of: read back, it would look like a month without
    findings."""
    if not has_period(con, check_period(period)):
        raise ReconcileError(f"{db}: holds no run of {period}; see 'reconcile periods' for the periods it holds")


def partial_periods(con: duckdb.DuckDBPyConnection, period: str) -> list[str]:
    """The periods up to `period` reconciled without every source (run --partial), in order."""
    return [
        p
        for (p,) in con.execute(
            "SELECT period FROM runs WHERE partial AND period <= ? ORDER BY period", [period]
        ).fetchall()
    ]


def input_files(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every file the database's runs read, as (path as given to the run, SHA-256)."""
    return con.execute("SELECT DISTINCT path, sha256 FROM inputs WHERE sha256 IS NOT NULL ORDER BY ALL").fetchall()


def inputs_read_by(db: Path) -> list[tuple[str, str]]:
    """input_files of the database file `db`, opened as it is (not brought up to date); none for a file
    that is no database of reconcile's, or one a run holds."""
    return _as_it_is(db, input_files)


def files_read_by(db: Path) -> list[str]:
    """The paths (as given to their runs) of the files the runs of the database file `db` read; none for
    a file that is no database of reconcile's, which the command that opens it says so of."""
    return _as_it_is(
        db, lambda con: [p for (p,) in con.execute("SELECT DISTINCT path FROM inputs ORDER BY path").fetchall()]
    )


def _as_it_is(db: Path, read):
    """What `read` reads of the database file `db` opened read-only as it is; [] for a file that is no
    database of reconcile's, or one a run holds."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return read(con)
    except duckdb.Error:
        return []


def finding_keys(con: duckdb.DuckDBPyConnection, period: str) -> list[tuple[str, str | None, str | None]]:
    """The period's findings as (code, vneid, payment_ref), sorted: what a generated month's truth lists."""
    return sorted(con.execute("SELECT code, vneid, payment_ref FROM flags WHERE period = ?", [period]).fetchall())


_NO_ONE_S = frozenset({"flag_id", "case_id", "run_id", "deletion_id", "sha256", "period", "code", "severity"})


def _text(value):
    return mask_text(value) if isinstance(value, str) else value


def masked(result: Rows) -> Rows:
    """The rows with IDs, account numbers and payment references cut to their last four characters,
    long digit runs masked inside a finding's detail, and no birth date, for output that leaves the
    office (`--mask-ids`)."""
    how = {
        "vneid": mask_id,
        "account_number": mask_id,
        "payment_ref": mask_id,
        "detail": mask_text,
        "assignee": mask_text,  # what an auditor typed may hold an ID or an account
        "decision": mask_text,
        "comment": mask_text,
        "source_file": mask_text,  # a file or sheet may be named after an ID (`<ID>_T9.xlsx`)
        "source_sheet": mask_text,
        "source": mask_text,  # a case event's: the workbook's name (`<ID>_T9.xlsx`), sheet and row
        "date_of_birth": lambda value: None,
        # an area's or bank's code is no one's, but one typed into its column (a date of birth, an ID) is
        **dict.fromkeys((*AREA_CODES, "area_note", BANK_CODE), mask_area),
    }
    # any other text is masked as free text (a name, a category, a narrative may hold an ID or an
    # account: `Trần Văn Bảy (CCCD 092054968298)`), but the keyed ids and digests, which are no one's
    funcs = [how.get(h, None if h in _NO_ONE_S else _text) for h in result.headers]
    rows = [tuple(f(v) if f else v for f, v in zip(funcs, row)) for row in result.rows]
    return replace(result, rows=rows)
