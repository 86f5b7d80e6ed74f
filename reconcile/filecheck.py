"""`reconcile check FILE --as registry|payments`: read and validate one file without reconciling.

The file is read as a run reads it (readers.read_tables: every sheet that holds the role) and
normalised in a scratch in-memory database; the report lists, per table, the columns recognised,
the rows that would load, every row that would be rejected with its reason, IDs that are not valid,
area codes not on the official lists, and whether the file's own totals agree with what was read.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from reconcile import areas, scratch
from reconcile.config import Checks, Settings, check_period
from reconcile.contracts import RecordKind
from reconcile.controls import Read, read_staged, says, stated_amount
from reconcile.normalise.reference import install
from reconcile.normalise.stage import load_raw, pair_listed_returns, stage
from reconcile.pipeline import period_bounds
from reconcile.profiles import resolve
from reconcile.readers import STATEMENTS, RawTable, SkippedSheet, read_tables
from reconcile.readers.returns_across import pair_returns_across
from reconcile.warehouse import quote_ident


@dataclass
class CheckResult:
    """What `reconcile check` reports about one file (or one sheet of a workbook), without running a
    reconciliation."""

    path: Path
    kind: str
    format: str
    encoding: str | None
    profile: str | None
    profile_how: str
    header_row: int
    header_rows: int  # 2: a header written over two rows, header_row the first
    sheet: str | None
    columns_used: dict[str, str]
    notes: list[str]  # what the profile did: fixed values, amounts from debits, conventions
    columns_ignored: list[str]
    rows_read: int
    rows_loaded: int
    ids_restored: int
    rejected: list[tuple[int, str]]  # (row, reason)
    id_problems: list[tuple[int, str]]  # (row, problem) for loaded rows whose ID INVALID_VNEID would flag
    area_notes: list[tuple[int, str]]  # (row, note) for registry rows whose area codes are not on the official lists
    control: str | None = None  # what the file's own totals say, and whether they agree with what was read
    control_agrees: bool = True
    set_aside: list[tuple[int, str]] = field(default_factory=list)  # (row, reason): no payment (credit, charge...)
    currency: str | None = None  # a bank statement's: the currencies of its entries, VND or others
    # without a period, the map a registry's area codes were checked against, the one they fit (2025,
    # pre2025), and how many rows the 2025 map gives a note
    area_map: tuple[str, int] | None = None
    # the guard on the file's values that a run refuses it by (Excel's lost digits; with --period, another
    # month's payments): the run's error line, its problem and what to do
    refused: str | None = None
    read: Read = field(default=Read(0, 0, None, None, 0), repr=False)  # what its totals are judged on
    judged: tuple | None = field(default=None, repr=False)  # (what, count, amount, says) of its totals row

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)


def check_file(
    path: Path, kind: RecordKind, period: str | None, profile: str | None = None, sheet: str | None = None
) -> CheckResult:
    """check_tables, for a file of one table (or a workbook's first sheet that holds the role)."""
    return check_tables(path, kind, period, profile, sheet)[0][0]


def check_tables(
    path: Path,
    kind: RecordKind,
    period: str | None,
    profile: str | None = None,
    sheet: str | None = None,
    settings: Settings | None = None,
) -> tuple[list[CheckResult], list[SkippedSheet]]:
    """Read and normalise one file in a scratch in-memory database; report every problem of each
    of its tables (a workbook's sheets that hold the role), and the sheets skipped. Without a period
    (None), this month's, but a registry's area codes are checked against the map they fit (area_map).
    `settings`: the config's guards and limits (`check --config`), else the built-in ones."""
    from reconcile.readers import limits

    # the readers' guards (a running balance, a statement chain) as the config sets them; none given, all
    limits.use((settings or Settings()).limits, settings.checks if settings else None)
    settings = settings or Settings()
    if period is not None:
        check_period(period)
    # a CSV file's staged copy (and a UTF-8 copy of one in another encoding): in a scratch folder of this
    # check's own in the system's temporary folder, removed on every exit, and by a later check when
    # this one was killed (kill -9) before it could
    beside = Path(tempfile.gettempdir()) / "reconcile-check"
    scratch.clean_leftovers(beside)
    staging = scratch.new_dir(beside, "staging")
    try:
        tables, skipped = read_tables(path, kind, resolve(profile) if profile else None, sheet, staging)
        pair_returns_across(tables)  # a statement export's returns, as a run pairs them
        results = [_check_table(table, kind, period, settings.checks) for table in tables]
        _grand_totals(results)
        return results, skipped
    finally:
        scratch.remove(staging)


# A registry checked alone: the columns of the payments' staged table that the guards below read, no row
# (a payments file is staged against an empty registry: stage._without_registry)
_NO_PAYMENTS = (
    "SELECT NULL::INTEGER AS file_id, NULL::BIGINT AS source_row, NULL::VARCHAR AS source_sheet, "
    "NULL::VARCHAR AS account_number, NULL::VARCHAR AS payment_ref, NULL::VARCHAR AS vneid_note WHERE false"
)


def _refused(con, kind: RecordKind, table: RawTable, period: str | None, checks: Checks) -> str | None:
    """The run's guards on one file's own values (checks.check_files): numbers Excel wrote in scientific
    notation or kept to 15 digits, amounts of three zero decimals beside amounts written otherwise
    (checks_thousands.check_zero_fractions) and, given --period, a payments file of another month. A file `check`
    passed was refused by the run. The first refusal's line, or None."""
    from reconcile.checks import check_periods, rows
    from reconcile.checks_excel import SCIENTIFIC_IDS_AT_LEAST, check_digits_lost, check_scientific
    from reconcile.checks_month import check_named_month
    from reconcile.checks_thousands import check_zero_fractions
    from reconcile.errors import InputFileError
    from reconcile.readers.tables import file_names

    if kind == "registry":
        con.execute(f"CREATE TEMP VIEW stg_payments AS {_NO_PAYMENTS}")
    load_raw(con, "payments" if kind == "registry" else "registry", [])  # the other kind's rows: none
    names = file_names([(1, table)])
    try:
        check_scientific(rows(con, "checks/scientific.sql", {"min_ids": SCIENTIFIC_IDS_AT_LEAST}), names)
        check_digits_lost(rows(con, "checks/digits_lost.sql"), names)
        check_zero_fractions(rows(con, "checks/zero_fractions.sql"), names)
        if kind == "payments" and period is not None:
            check_periods(rows(con, "checks/period.sql"), names, period, checks)
            check_named_month(rows(con, "checks/named_month.sql"), names, period, checks)
    except InputFileError as exc:
        return str(exc)
    return None


def _check_table(table: RawTable, kind: RecordKind, period: str | None, checks: Checks) -> CheckResult:
    start, end = period_bounds(period or date.today().strftime("%Y-%m"))
    con = duckdb.connect(":memory:")
    area_map = None
    try:
        install(con)
        load_raw(con, kind, [(1, table)])
        params = {"period": period or f"{start:%Y-%m}", "period_start": start, "period_end": end}
        if kind == "registry" and period is None:
            area_map = _stage_on_the_map_it_fits(con, params)
        else:
            stage(con, kind, params)
        if kind == "payments":
            pair_listed_returns(con, {})
        stg = quote_ident("stg_" + kind)
        rejected = con.execute(
            f"SELECT source_row, reject_reason FROM {stg} WHERE reject_reason IS NOT NULL AND NOT set_aside "
            "ORDER BY source_row"
        ).fetchall()
        set_aside = con.execute(
            f"SELECT source_row, reject_reason FROM {stg} WHERE set_aside ORDER BY source_row"
        ).fetchall()
        loaded, restored = con.execute(
            f"SELECT count(*) FILTER (WHERE reject_reason IS NULL), "
            f"count(*) FILTER (WHERE reject_reason IS NULL AND vneid_restored) FROM {stg}"
        ).fetchall()[0]
        area_notes = (
            con.execute(
                f"SELECT source_row, area_note FROM {stg} WHERE reject_reason IS NULL AND area_note IS NOT NULL "
                "ORDER BY source_row"
            ).fetchall()
            if kind == "registry"
            else []
        )
        # as INVALID_VNEID finds them: a registry's IDs against their rows' year of birth and gender too
        problem = (
            "nullif(rc_registry_id_problems(vneid, birth_year, gender, $end), '')"
            if kind == "registry"
            else "rc_vneid_shape_problem(vneid)"
        )
        sql = (
            f"SELECT source_row, problem FROM (SELECT source_row, {problem} AS problem FROM {stg} "
            "WHERE reject_reason IS NULL AND vneid IS NOT NULL) WHERE problem IS NOT NULL ORDER BY source_row"
        )
        id_problems = con.execute(sql, {"end": end} if kind == "registry" else {}).fetchall()
        refused = _refused(con, kind, table, period, checks)
        read = read_staged(con, kind)
        control, agrees, judged = None, True, None
        if table.control is not None:
            c = table.control
            stated = stated_amount(con, c)
            said = says(c, stated, "entries" if table.format in STATEMENTS else "rows")
            if not c.checked:  # as controls.check_controls judges it
                agrees = read.agrees(c.count, stated)
                judged = (c.what, c.count, stated, said or "nothing")
            rows, vnd = read.shown(c.count, stated)
            control = (
                f"{c.what} says {said or 'nothing'}"
                + ("; the entries read agree" if c.checked else f"; read {rows:,} rows of {vnd:,} VND")
                + (
                    f" (the amount not checked: {read.unreadable:,} rows have an amount that cannot be read)"
                    if read.unreadable and stated is not None and not c.checked
                    else ""
                )
            )
    finally:
        con.close()
    return CheckResult(
        path=Path(table.path),
        kind=kind,
        format=table.format,
        encoding=table.encoding,
        profile=table.profile,
        profile_how=table.profile_how,
        header_row=table.header_row,
        header_rows=table.header_rows,
        sheet=table.sheet,
        columns_used=table.columns_read,
        # a statement's running balance is read: checked row by row (balances.py), not ignored
        notes=[*table.notes, *(f"running balance '{b}' checked row by row" for b in (table.balance or ())[2:])],
        columns_ignored=[
            c
            for c in table.original_columns
            if c not in table.header_map and c not in table.consumed and c not in (table.balance or ())[2:]
        ],
        rows_read=table.rows_read,
        rows_loaded=loaded,
        ids_restored=restored,
        rejected=[(int(r), str(m)) for r, m in rejected],
        id_problems=[(int(r), str(m)) for r, m in id_problems],
        area_notes=[(int(r), str(m)) for r, m in area_notes],
        control=control,
        control_agrees=agrees,
        set_aside=[(int(r), str(m)) for r, m in set_aside],
        currency=_currencies(table),
        area_map=area_map,
        read=read,
        judged=judged,
        refused=refused,
    )


def _stage_on_the_map_it_fits(con, params: dict) -> tuple[str, int] | None:
    """A registry staged without a period (`check` without --period): its area codes checked against
    the map they fit. This month's map alone gave every row of a month before the reform a note that
    its codes are not on the list. The 2025 map, when nearly all its rows with codes get no note on
    it (a few wrong codes are still noted); else the pre-2025 map, whose communes are checked for
    shape only (so it is no default: a file of the 2025 map would fit it, wrong codes and all).
    Returns the map and how many rows the 2025 map gives a note, None for a registry without codes.
    The 2025 map when one row in ten with codes or fewer (or a single row) gets a note on it: the 2025
    communes kept the codes of many old ones, so a registry of 2024 fits it for three rows in four (the
    sample month's 77 notes of 299 rows read as the 2025 map's wrong codes)."""
    stage(con, "registry", {**params, "layout": areas.LAYOUT_2025})
    noted, codes = con.execute(
        "SELECT count(*) FILTER (WHERE area_note IS NOT NULL), "
        "count(*) FILTER (WHERE province_code IS NOT NULL OR commune_code IS NOT NULL) FROM stg_registry"
    ).fetchall()[0]
    if not codes:
        return None
    if 10 * noted <= codes or noted <= 1:
        return areas.LAYOUT_2025, noted
    stage(con, "registry", {**params, "layout": areas.LAYOUT_PRE2025})
    return areas.LAYOUT_PRE2025, noted


def _grand_totals(results: list[CheckResult]) -> None:
    """A workbook's list over several sheets may end with the grand total of them all: a sheet's totals
    row that disagrees with its own rows agrees when it is the total of the sheets up to it (as
    controls.check_controls judges it in a run)."""
    so_far: Read | None = None
    sheets: list[str] = []
    for r in results:
        so_far, sheets = (r.read if so_far is None else so_far + r.read), [*sheets, f"'{r.sheet}'"]
        if r.judged is None or r.control_agrees or len(sheets) < 2:
            continue
        what, count, stated, says = r.judged
        if so_far.agrees(count, stated):
            r.control_agrees = True
            rows, amount = so_far.shown(count, stated)
            r.control = (
                f"{what} says {says}; read {rows:,} rows of {amount:,} VND on the sheets {', '.join(sheets)} together"
            )


def _currencies(table: RawTable) -> str | None:
    """What a bank statement's entries are in ('VND, all 9 entries'; 'VND; 1 entry in USD'), or None for
    a file that is no camt or MT940 statement (a spreadsheet states its currency, if at all, in its
    title block)."""
    if table.format not in STATEMENTS or "amount" not in table.frame.columns:
        return None
    amounts = [a for a in table.frame["amount"].to_list() if a]
    foreign: dict[str, int] = {}
    for a in amounts:
        code = a.rsplit(" ", 1)[-1] if " " in a else "VND"
        if code != "VND":
            foreign[code] = foreign.get(code, 0) + 1
    vnd = len(amounts) - sum(foreign.values())
    if not foreign:
        if vnd:
            return f"VND, all {vnd:,} {'entry' if vnd == 1 else 'entries'}"
        return "none stated (no entries)" if not table.frame.height else "none read (no amount on any row)"
    others = ", ".join(
        f"{n:,} {'entry' if n == 1 else 'entries'} in {code} (rejected)" for code, n in sorted(foreign.items())
    )
    return f"VND; {others}"
