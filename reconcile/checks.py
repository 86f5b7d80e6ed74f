"""The month's guards: a month that is incomplete or mis-supplied is never reported as done.

An officer's ordinary mistakes (a file left out, last month's file, the same batch twice, a file
re-saved by Excel in another locale, a file whose rows were all refused) would otherwise pass as a
clean month. Each guard is a query in `sql/checks/`, run by the DuckDB run and, translated, by the
Spark engine; this module turns its rows into the one-line refusal (exit 2, nothing written) or,
for source coverage with --partial, into the list of missing sources the run records. Thresholds
are `[checks]` in the configuration (config.Checks).

The rows come as dicts, whichever engine ran the query; `names` maps a file_id to the name the
officer knows the file by (its path, and its sheet when a workbook gave several).
"""

from __future__ import annotations

from reconcile.checks_coverage import MissingSource as MissingSource
from reconcile.checks_coverage import exact_coverage_params as exact_coverage_params
from reconcile.checks_coverage import missing_sources as missing_sources
from reconcile.checks_coverage import refuse_missing as refuse_missing
from reconcile.checks_excel import SCIENTIFIC_IDS_AT_LEAST, check_digits_lost, check_row_limit, check_scientific
from reconcile.checks_month import check_named_month
from reconcile.checks_thousands import check_thousands, check_zero_fractions
from reconcile.config import Checks, Settings
from reconcile.controls import check_controls
from reconcile.errors import InputFileError, ReconcileError, shell_arg
from reconcile.normalise.bounds import refuse_rows_per_id
from reconcile.normalise.stage import LISTED_RETURN
from reconcile.readers import limits
from reconcile.readers.layout import NO_DEBIT
from reconcile.readers.names import SKIP_COLUMN
from reconcile.readers.tables import file_names, is_sheet
from reconcile.sqlfiles import bind, sql_text


def rows(con, name: str, params: dict | None = None) -> list[dict]:
    """The rows of a query file (sql/<name>) as dicts."""
    sql = sql_text(name)
    cur = con.execute(sql, bind(sql, params or {}))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def check_files(con, tables, counts: dict[int, dict], period: str, settings: Settings) -> None:
    """The guards on each file alone, once its rows are normalised and counted: something loaded,
    its own totals, its payments dated in the period (checks.py). Run by a run and by --stage-only."""
    names = file_names(tables)
    loaded = rows(con, "checks/loaded.sql")
    reasons = {r["file_id"]: r["reason"] for r in loaded}
    # a bank statement may hold no payment at all (a day without movements, money in only): that is
    # its content, not a fault, unless a row of it was refused for a problem
    statements = {file_id for file_id, tb in tables if tb.format in ("camt", "mt940") or _money_in_only(tb)}
    excused = (statements | _returns_only(con)) - {r["file_id"] for r in loaded if r["refused"]}
    several = {file_id for file_id, name in names.items() if is_sheet(name)}
    commands = {
        file_id: f"reconcile check {shell_arg(tb.path)} --as {tb.kind}"
        + (f" --sheet {shell_arg(tb.sheet)}" if file_id in several else "")
        for file_id, tb in tables
    }
    check_loaded({i: c for i, c in counts.items() if i not in excused}, names, commands, reasons)
    check_some_payment(tables, counts, names)
    refused = {r["file_id"]: r["refused"] for r in loaded}
    check_refused(counts, refused, names, commands, reasons, settings.checks)
    check_row_limit(tables, names)
    check_rows_per_id(con, names)
    check_scientific(rows(con, "checks/scientific.sql", {"min_ids": SCIENTIFIC_IDS_AT_LEAST}), names)
    check_digits_lost(rows(con, "checks/digits_lost.sql"), names)
    check_zero_fractions(rows(con, "checks/zero_fractions.sql"), names)
    if settings.checks.control_totals:
        check_controls(con, tables, names)
    hidden = frozenset(file_id for file_id, tb in tables if tb.hidden)
    check_periods(rows(con, "checks/period.sql"), names, period, settings.checks, hidden)
    check_named_month(rows(con, "checks/named_month.sql"), names, period, settings.checks)
    check_thousands(
        rows(con, "checks/thousands.sql", {"min_amount": settings.checks.min_amount}), names, settings.checks
    )


def _returns_only(con) -> set[int]:
    """The payments files all of whose rows are returns of payments in the run (the bank's list of
    the month's returns: normalise/returns_listed.sql), blank rows aside: no payment, and no fault."""
    found = con.execute(
        "SELECT file_id FROM stg_payments GROUP BY file_id "
        "HAVING bool_and(coalesce(starts_with(reject_reason, ?) OR reject_reason = 'blank row', false)) "
        "AND bool_or(coalesce(starts_with(reject_reason, ?), false))",
        [LISTED_RETURN, LISTED_RETURN],
    ).fetchall()
    return {file_id for (file_id,) in found}


def _money_in_only(table) -> bool:
    """Whether a statement export (a debit and a credit column, or signed amounts) holds no debit at
    all: its rows all money in, returns, balances or charges, none set aside for lack of a debit amount
    (a debit column read wrong would set its payments aside so)."""
    if table.signed is not None:  # a statement export's signed movements: none refused, none a payment
        return True
    if table.credit_column is None:
        return False
    reasons = table.text_frame().get_column(SKIP_COLUMN).to_list()
    return not any(r and r.startswith(NO_DEBIT) for r in reasons)


def _n(value: int) -> str:
    return f"{value:,}"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def check_loaded(
    counts: dict[int, dict], names: dict[int, str], commands: dict[int, str], reasons: dict[int, str]
) -> None:
    """A registry or payments file with no row loaded (empty of data, or every row refused) must not
    replace the period: refuse it, with the commonest reason its rows were refused and the command
    that lists every row's reason."""
    for file_id, count in sorted(counts.items()):
        if count["rows_loaded"] == 0:
            why = f" (most for: {reasons[file_id]})" if reasons.get(file_id) else ""
            read = count["rows_read"]
            raise InputFileError(
                names[file_id],
                f"its one row could not be loaded{why}"
                if read == 1
                else f"none of its {_n(read)} rows could be loaded{why}",
                f"see every row's reason with '{commands[file_id]}', fix the file and run again",
            )


def check_some_payment(tables, counts: dict[int, dict], names: dict[int, str]) -> None:
    """A month whose payments files hold no payment at all (a statement of money in only, given alone):
    each is excused alone, as a day with the treasury's funding and no payment is what the bank sent;
    together they are no month's payments, and every beneficiary would be a MISSING_PAYMENT, exit 0."""
    payments = [file_id for file_id, tb in tables if tb.kind == "payments"]
    if not payments or any(counts[file_id]["rows_loaded"] for file_id in payments):
        return
    read, others = counts[payments[0]]["rows_read"], len(payments) - 1
    raise InputFileError(
        names[payments[0]],
        f"holds no payment, nor do the {others:,} other payments files ({read:,} {'row' if read == 1 else 'rows'} "
        "read: money in, returns or rows set aside), so every beneficiary would be unpaid"
        if others
        else f"holds no payment ({read:,} {'row' if read == 1 else 'rows'} read: money in, returns or rows set aside), "
        "so every beneficiary would be unpaid",
        "give the month's payments (the paying account's statement, or the banks' and post office's lists of "
        "what they paid) with --payments, and run again",
    )


def check_refused(
    counts: dict[int, dict],
    refused: dict[int, int],
    names: dict[int, str],
    commands: dict[int, str],
    reasons: dict[int, str],
    checks: Checks,
) -> None:
    """A file of at least min_group rows more than max_rejected of which were refused for a problem
    (not set aside as no payment) has a column or a format read wrong: dates written in words, a
    column cut off. Run on, its refused rows would come back as a missing bank or unknown payees, a
    refusal that blames the wrong thing. Refuse it with the commonest reason."""
    for file_id, count in sorted(counts.items()):
        n, bad = count["rows_read"], refused.get(file_id) or 0
        if n >= max(checks.min_group, 1) and bad > checks.max_rejected * n and count["rows_loaded"]:
            raise InputFileError(
                names[file_id],
                f"{_n(bad)} of its {_n(n)} rows ({_share(bad, n)}) could not be loaded (most for: {reasons[file_id]})",
                f"see every row's reason with '{commands[file_id]}', fix the file and run again",
            )


def check_rows_per_id(con, names: dict[int, str]) -> None:
    """One payee ID of more payment rows than [limits] max_payments_per_id (rows_per_id.sql) is refused:
    spelled many ways, or taken from the narrative (bounds.py refused one ID column text before staging)."""
    for row in rows(con, "checks/rows_per_id.sql", {"max_payments_per_id": limits.CURRENT.max_payments_per_id}):
        refuse_rows_per_id(names[row["file_id"]], row["total"], row["n"])


def check_periods(
    rows: list[dict], names: dict[int, str], period: str, checks: Checks, hidden: frozenset[int] = frozenset()
) -> None:
    """A payments file with fewer than min_in_period of its successful payments dated in the
    period is another month's file (or the period is wrong): refuse it, naming the month most of its
    payments fall in. Below that, payments outside the period stay OUT_OF_PERIOD findings."""
    ym = int(period[:4]) * 100 + int(period[5:7])
    for row in rows:
        n, inside = row["n"], row["inside"]
        # as many in another month as in the period (half and half, at the default line), in a file of
        # at least min_group (of a few, chance): no more this month's file than that month's
        tie = (
            checks.min_in_period >= 0.5
            and n >= max(checks.min_group, 1)
            and row["top_month"] != ym
            and row["top_count"] >= inside
        )
        if not n or (inside >= checks.min_in_period * n and not tie):
            continue
        month = f"{row['top_month'] // 100:04d}-{row['top_month'] % 100:02d}"
        what = "payments" if row["successful"] else "payments (none successful)"
        if inside == 0:
            problem = (
                f"none of its {_n(n)} {what} is dated in {period} (they run from {row['first']:%d/%m/%Y} "
                f"to {row['last']:%d/%m/%Y}; most are in {month})"
            )
        else:
            problem = (
                f"only {_n(inside)} of its {_n(n)} {what} ({_share(inside, n)}) "
                f"{'is' if inside == 1 else 'are'} dated in {period}; {_n(row['top_count'])} "
                f"{'is' if row['top_count'] == 1 else 'are'} dated in {month}"
            )
        name = names[row["file_id"]]
        fix = (
            "check --period; if the sheet is another month's, delete it from the workbook (or save this month's "
            "sheet as a file of its own) and run again"
            if is_sheet(name)  # its workbook's other sheets are read too
            else "check --period, or that this is the payment file of that month"
        )
        if row["file_id"] in hidden:  # not seen in Excel: the officer would not find it
            fix = (
                "check --period; the sheet is hidden in the workbook (in Excel, right-click a sheet's tab and choose "
                "Unhide): if it is another month's, delete it (or save this month's sheet as a file of its own) and "
                "run again"
            )
        # dates Excel read month first (02/09/2024 as 9 February): most of them fall in the period with day and
        # month the other way round (those after the 12th, 15/09/2024, stayed text or were read as they are),
        # and so read are of several months (a one-day batch of another month, 09/08/2024, may be either)
        swapped = row["swapped_first"], row["swapped_last"]
        if row["swapped_month"] == ym and row["swapped_count"] * 2 > n and swapped[0].month != swapped[1].month:
            if inside == 0:
                problem = problem[:-1] + ", but with day and month the other way round from {} to {}, in {})".format(
                    *(f"{d.month:02d}/{d.day:02d}/{d.year}" for d in swapped),
                    period,
                )
            fix = (
                "it was probably opened in Excel with US (month-first) date settings: open the original file in Excel "
                "with Vietnamese (day-first) date settings, or export it again from its system, and run again"
            )
        raise InputFileError(name, problem, fix)


def check_stand_in(rows: list[dict], names: dict[int, str], period: str, checks: Checks) -> None:
    """A payments file of at least min_group successful payments dated outside the period to active
    beneficiaries with no payment row dated in it, more than max_stand_in of its successful payments
    (checks/stand_in.sql): another month's payments in place of this month's (a file exported across
    two months), each an OUT_OF_PERIOD and a MISSING_PAYMENT though the file holds their payment."""
    for row in rows:
        n, stand_in = row["n"], row["stand_in"]
        if stand_in < max(checks.min_group, 1) or stand_in <= checks.max_stand_in * n:
            continue
        month = f"{row['top_month'] // 100:04d}-{row['top_month'] % 100:02d}"
        raise InputFileError(
            names[row["file_id"]],
            f"{_n(stand_in)} of its {_n(n)} payments ({_share(stand_in, n)}) are dated outside {period} (most in {month}), "
            f"to beneficiaries who have no payment dated in {period}: it holds another month's payments in place of "
            f"this month's (its payments run from {row['first']:%d/%m/%Y} to {row['last']:%d/%m/%Y})",
            f"export the payments dated in {period} alone, and run again; if they are {period}'s payments made "
            f"{'early' if month < period else 'late'}, set max_stand_in = 1 in [checks] of the config file (--config) "
            "to reconcile them as out of the period",
        )


# a list given twice is a list: a few people (or payments) listed again (a short supplementary list)
# are each a DUPLICATE_BENEFICIARY (or DUPLICATE_PAYMENT), whatever their share of their file
SAME_LIST_AT_LEAST = 10


def check_repeats(rows: list[dict], names: dict[int, str], checks: Checks) -> None:
    """A payments file more than max_repeated_refs of whose payments another input also holds (the
    same reference, amount and payee: load_current.sql) is the same data given twice (the same batch
    as CSV and as camt, a re-saved copy, a part of a batch beside the whole): refuse it, the later of
    two copies first (repeats.sql's order); a file named before the other, of which the other
    repeats at least SAME_LIST_AT_LEAST payments (a payment or two listed again in a later file are
    that file's DUPLICATE_PAYMENT findings). Below that, each repeated payment is a
    DUPLICATE_PAYMENT, counted once in the non-cash share."""
    for row in rows:
        refs, repeated = row["refs"], row["repeated"]
        enough = row["later"] or repeated >= SAME_LIST_AT_LEAST
        if enough and refs and repeated > checks.max_repeated_refs * refs:
            problem = (
                f"{_n(repeated)} of its {_n(refs)} payments ({_share(repeated, refs)}) are also in "
                f"{names[row['other_file_id']]}, with the same payee, amount and day (it has no references: its rows "
                "are numbered): the same payments given twice (the same list as .xlsx and as .csv, or a copy of it)"
                if row.get("by_row")
                else f"{_n(repeated)} of its {_n(refs)} payments ({_share(repeated, refs)}) are also in "
                f"{names[row['other_file_id']]}, with the same reference, amount and payee: the same payments given "
                "twice (the same batch as CSV and as camt, or a copy of the file)"
            )
            raise InputFileError(names[row["file_id"]], problem, "give each bank's payments once, in one file")


def check_registry_repeats(rows: list[dict], names: dict[int, str], checks: Checks) -> None:
    """A registry file more than max_repeated_ids of whose beneficiaries (ID and programme), and at
    least SAME_LIST_AT_LEAST, another registry file lists is the same list given twice (a copy, last
    month's sheet of a workbook beside this month's, or a part of the list beside the whole, in either
    order: given first, the part's people were each a false DUPLICATE_BENEFICIARY): refuse it, the
    later of two copies first. Below that, an ID in both is a DUPLICATE_BENEFICIARY."""
    for row in sorted(rows, key=lambda r: r["file_id"], reverse=True):
        ids, repeated = row["ids"], row["repeated"]
        if ids and repeated >= SAME_LIST_AT_LEAST and repeated > checks.max_repeated_ids * ids:
            raise InputFileError(
                names[row["file_id"]],
                f"{_n(repeated)} of its {_n(ids)} beneficiaries' IDs ({_share(repeated, ids)}) are also listed in "
                f"{names[row['other_file_id']]}: the same registry given twice (a copy of the list, or last "
                "month's list beside this month's)",
                "give the period's registry once; from a workbook with a sheet per month, save the period's "
                "sheet as a file of its own",
            )


SCALED_AT_LEAST = 3  # payments at exactly a thousandth (or 1,000 times) of the amount due: never chance


def check_scale(rows: list[dict], names: dict[int, str], registry_names: list[str], checks: Checks) -> None:
    """A payments file more than max_scaled of whose matched payments (or of those whose amount
    differs from the amount due, when at least SCALED_AT_LEAST are) equal the amount due divided
    by 1,000 was re-saved with another number format: Excel set to US English reads '750.000' as 750
    and leaves '1.500.000' as it is, so that only the smaller amounts change; or it was written in
    thousands (to within 1,000 VND: a pension of 5,463,700 as 5.464). Multiplied by 1,000, the
    registry was. Refuse it."""
    for row in rows:
        matched, differ = row["matched"], row["differ"]
        for how in ("divided", "multiplied"):
            scaled = row[how]
            if not (
                scaled > checks.max_scaled * matched
                or (scaled >= SCALED_AT_LEAST and scaled > checks.max_scaled * differ)
            ):
                continue
            found = (
                f"{_n(scaled)} of its {_n(matched)} matched payments are the amount due "
                f"{'divided by' if how == 'divided' else 'multiplied by'} 1,000 ({_n(scaled)} of the {_n(differ)} "
                "whose amount differs from it)"
            )
            if how == "divided" and row["divided_millions"]:
                raise InputFileError(
                    names[row["file_id"]],
                    f"{found}: its amounts look written in thousands of đồng (1.500 for 1.500.000), as no re-save "
                    "in another number format changes '1.500.000'",
                    "export it again with its amounts in đồng (or multiply them by 1,000 in Excel and save it), "
                    "and run again",
                )
            if how == "divided":
                raise InputFileError(
                    names[row["file_id"]],
                    f"{found}: it was re-saved in an Excel whose number settings are not the file's ('750.000' or "
                    "'750,000' read as 750)",
                    "export it again from the bank's system, or open the original file in Excel with the number "
                    "settings it was written in (Vietnamese for 1.500.000, English for 1,500,000) and save it as .xlsx",
                )
            if row["multiplied_millions"]:
                raise InputFileError(
                    names[row["file_id"]],
                    f"{found}: the registry ({', '.join(registry_names)}) looks written in thousands of đồng "
                    "(1.500 for 1.500.000), as no re-save in another number format changes '1.500.000'",
                    "export the registry again with its amounts in đồng (or multiply them by 1,000 in Excel and save "
                    "it), and run again",
                )
            raise InputFileError(
                names[row["file_id"]],
                f"{found}: the registry ({', '.join(registry_names)}) was probably re-saved "
                "in an Excel whose number settings are not the file's ('750.000' or '750,000' read as 750)",
                "export the registry again from its system, or check the amounts of both files",
            )


def check_unmatched(rows: list[dict], names: dict[int, str], registry_names: list[str], checks: Checks) -> None:
    """A payments file of at least min_group payments more than max_unmatched of which match no
    beneficiary: the registry of the programme or area it pays was left out, or cut short (a pension
    bank file beside the welfare registry alone, one commune's list against the province's file).
    Refuse it, before its payees are each an UNKNOWN_PAYEE; and the month, when at least min_group of
    all its payments, and more than max_unmatched_month of them, match no beneficiary. A smaller file
    of at least min_source payments none of which matches anyone (the post office's list of a commune
    whose registry list was left out, its share of the month counted as no programme's) is refused too."""
    for row in rows:
        n, unmatched = row["payments"], row["unmatched"]
        small = bool(checks.min_source) and checks.min_source <= n == unmatched and checks.max_unmatched < 1
        if not small and (n < max(checks.min_group, 1) or unmatched <= checks.max_unmatched * n):
            continue
        raise InputFileError(
            names[row["file_id"]],
            f"{_n(unmatched)} of its {_n(n)} payments ({_share(unmatched, n)}) match no beneficiary of the "
            f"registry ({', '.join(registry_names)})",
            "give the registry of every programme and area these payments are for, whole, with --registry; to "
            "reconcile such a month anyway, raise max_unmatched in the config file",
        )
    # A registry cut by area, one list left out (a commune of five): each file's share of unknown
    # payees is that area's, under max_unmatched, but the month's is far above what a whole registry
    # leaves unknown (a few new beneficiaries, a payment to the wrong person).
    n = sum(row["payments"] for row in rows)
    unmatched = sum(row["unmatched"] for row in rows)
    if unmatched < max(checks.min_group, 1) or unmatched <= checks.max_unmatched_month * n:
        return
    files = ", ".join(f"{names[row['file_id']]} ({_n(row['unmatched'])})" for row in rows if row["unmatched"])
    raise ReconcileError(
        f"{_n(unmatched)} of the month's {_n(n)} payments ({_share(unmatched, n)}) match no beneficiary of the "
        f"registry ({', '.join(registry_names)}): {files}; give the registry of every programme and area (every "
        "commune's list) these payments are for, whole, with --registry; to reconcile such a month anyway, raise "
        "max_unmatched_month in the config file"
    )
