"""`reconcile export-db`: a copy of the database for analysts outside the office, without personal data.

IDs and account numbers become keyed hashes, HMAC-SHA256 under the database's key (reconcile/keys.py:
RECONCILE_KEY, else the key file beside the database), computed in DuckDB. The same ID gives the
same hash in every table and in every export of the database, so joins (registry to payments to
flags, one month to the next) still work; without the key, the hashes cannot be turned back into
IDs, nor an ID be tried against them, and the key never leaves the office with the copy. Names, dates of birth, narratives, the raw values of rejected rows and the
auditors' decisions and comments as written are left out; free text (a finding's detail, a
rejection reason) has its long digit runs hidden whole. `registry_id` is numbered again, in the order
of a keyed hash: the run numbers the registry in the order of its IDs, which would tell where each
hashed ID stands among the others. What the masked workbook and the flat exports also show (a
finding's `flag_id` and `case_id`, the payment references) is keyed again under the copy's own key,
and `payment_id` numbered again, so that the copy shares no join key with them (analyst_keys.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from reconcile import __version__, scratch
from reconcile.analyst_keys import (
    ORDER,
    RENUMBERED,
    comment_copy,
    copy_key,
    event_source,
    rekeyed,
    renumber,
    unreferenced,
)
from reconcile.errors import ReconcileError, no_folder
from reconcile.masking import AREA_CODES, AREA_NOTE, BANK_CODE
from reconcile.masking import install_macros as install_masking
from reconcile.report import disk
from reconcile.sqlfiles import bind
from reconcile.warehouse import TABLES, ddl, quote_ident

HASHED = ("vneid", "account_number")  # joinable keyed hashes
# NULL: names and birth dates; special categories of personal data (disability category, death); who
# ran it and where the files were (a user folder names its user)
REMOVED = (
    "full_name",
    "payee_name",
    "name_key",
    "payee_key",
    "narrative",
    "date_of_birth",
    "raw",
    "category",
    "date_of_death",
    "operator",
    "path",
    "assignee",  # case_events and cases: the staff who decided, as the run's operator
    "by",
    "deleted_by",  # period_deletions: who removed a period, and who had run it
    "run_operator",
    # an auditor's own words (cases and case_events): they name people as they please (Ông Ngô Công Hải,
    # his daughter), which no list of the registry's names could find all of; the status and the
    # amounts say what was decided
    "decision",
    "comment",
    # a row's place in its file: a file sorted by ID would give the order of the hashed IDs
    "source_row",
)
# free text: long digit runs hidden, their last 4 digits too; and every date and day count. A finding's
# detail dates what it found (a payment "2 day(s) after the date of death 01/09/2024" dates a death, a
# special category); a rejection reason may quote a date of birth as it was written, and a reopening's
# reason is an officer's words
DATED = ("detail", "reason", "vneid_note")


def undated(col: str) -> str:
    """The SQL of a text column with its long digit runs hidden (rc_hide_text), every date as a
    person writes it (05/12/1937, 05-12-1937, 05.12.1937, 1937-12-05), every day count and the last
    four digits of an account a detail names (`account ending 7542`) gone."""
    dates = r"[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{2,4}|[0-9]{4}[/.\-][0-9]{1,2}[/.\-][0-9]{1,2}"
    return (
        f"regexp_replace(regexp_replace(regexp_replace(rc_hide_text({col}), '{dates}', '**/**/****', 'g'), "
        r"'[0-9]+ day\(s\)', 'N day(s)', 'g'), '(ending|ends) [0-9]{4}', '\1 ****', 'g')"
    )


FILE_NAME_ONLY = ("source_file",)  # the folder a file was in names the office's user: its name alone
# a file or sheet may be named after an ID (`<ID>_T9.xlsx`): its long digit runs hidden, as in free text
FILE_NAMES = ("source_file", "file_name", "source_sheet", "sheet")


@dataclass
class ExportResult:
    path: Path
    periods: list[str]
    rows: dict[str, int]


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256 (RFC 2104), for the SQL to hash with."""
    raw = key
    if len(raw) > 64:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in raw), bytes(b ^ 0x5C for b in raw)


def export(db: Path, out: Path, periods: list[str] | None = None) -> ExportResult:
    """Write `out`: every table of `db` (the given periods, or all), IDs hashed under the database's
    key, personal data removed."""
    from reconcile import keys
    from reconcile.readback import open_db

    if out.exists():
        raise ReconcileError(f"{out}: already exists; give --out a new file name")
    if out.resolve() == keys.key_path(db).resolve():  # where the database's key file belongs, made or not yet
        raise ReconcileError(f"{out}: is where the database's key file belongs; give --out another file name")
    if not out.parent.is_dir():
        raise no_folder(out.parent, "--out")
    check = open_db(db)  # a database reconcile wrote, or a clear error
    try:
        present = {p for (p,) in check.execute("SELECT DISTINCT period FROM runs").fetchall()}
        key = keys.of_database(check, db)  # a database from before keyed ids gets its key file
    finally:
        check.close()
    chosen = sorted(present) if not periods else sorted(set(periods))
    unknown = [p for p in chosen if p not in present]
    if unknown:
        raise ReconcileError(f"{db}: holds no period {unknown[0]}; see 'reconcile periods'")
    if not chosen:
        raise ReconcileError(f"{db}: holds no period (each was removed, see period_deletions); nothing to copy")
    inner, outer = hmac_pads(key)
    scratch.clean_leftovers(out)
    partial = scratch.new_name(out, "copy")
    try:
        with disk.writing(out):  # a full disk names the copy, not its scratch file
            rows = _write_copy(partial, db, chosen if periods else None, present, key, inner, outer)
            partial.rename(out)
    except BaseException:  # the scratch file goes on every exit: a full disk, a signal
        partial.unlink(missing_ok=True)
        partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
        raise
    return ExportResult(out, chosen, rows)


def _write_copy(
    partial: Path, db: Path, chosen: list[str] | None, present: set[str], key: bytes, inner: bytes, outer: bytes
) -> dict[str, int]:
    """The analyst copy written into `partial` (a new DuckDB file): the rows of each table, of the
    periods `chosen`, or all of them (None): a removed period's record too (period_deletions,
    superseded_runs and superseded_flags), as the database keeps it."""
    con = duckdb.connect(
        str(partial), config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        con.execute("ATTACH ? AS source (READ_ONLY)", [str(db)])
        install_masking(con)  # rc_hide_text
        con.execute(ddl())  # the same tables, views and comments
        for column in RENUMBERED:
            renumber(con, column, inner, outer)
        pads = {"inner": inner, "outer": outer}
        pads["cinner"], pads["couter"] = hmac_pads(copy_key(key))
        rows = {table.name: _copy(con, table, chosen, pads) for table in TABLES}
        if chosen is not None and chosen != sorted(present):
            rows["cases"] = _cases_of(con)
        con.execute(
            """CREATE TABLE export_info AS SELECT * FROM (VALUES
            ('exported_at', $at), ('tool_version', $version), ('periods', $periods),
            ('hashed', 'vneid and account_number: HMAC-SHA256 with the office''s key, hex; payment_ref, bank_ref, flag_id, case_id and the chains'' hash and prev_hash: HMAC-SHA256 with the copy''s own key (derived from the office''s), so that none is what the workbook and the flat exports show'),
            ('removed', 'names, name keys, dates of birth (birth_year kept), narratives, raw values of rejected rows, disability category, date of death, operator, who removed a period, the auditors'' decisions and comments as written (their status and amounts kept), file paths (file_name kept), each row''s place in its file (source_row)'),
            ('masked', 'in detail, reason and vneid_note: digit runs of 9 or more hidden whole, dates (however written), day counts, and the last 4 digits of an account (ending ****); the references and rows a detail names; registry_id and payment_id numbered again in a keyed order (the run numbers them in the order of the IDs and references), and every table''s rows in a keyed order; source_file to the file name; in file and sheet names (those of a removed period''s files too), the workbook a case event came from, digit runs of 9 or more hidden whole; in the area codes, a registry row''s note on them and the bank codes, digit runs of 9 or more and dates hidden whole; the findings a reopening names, by the copy''s own ids; in the runs'' warnings, a file''s path to its name, and digit runs and dates as in detail'))
            AS t(key, value)""",
            {
                "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                "version": __version__,
                "periods": ", ".join(chosen or sorted(present)),
            },
        )
        con.execute(
            "COMMENT ON TABLE export_info IS 'How this analyst copy was made: what is hashed, removed and masked'"
        )
        con.execute(
            "COMMENT ON COLUMN export_info.key IS 'What is said: exported_at, tool_version, periods, hashed, removed, masked'"
        )
        con.execute("COMMENT ON COLUMN export_info.value IS 'What was done, in words'")
        comment_copy(con)
        con.execute("DETACH source")
    finally:
        con.close()
    return rows


def _warnings(col: str) -> str:
    """runs.warnings in the copy: each message's file path (which names the office's user) cut to the
    file's name, and its long digit runs and dates hidden as a detail's; the programmes kept."""
    message = r"regexp_replace(json_extract_string(x, '$.message'), '^[^;]*[\\/]', '')"
    return (
        f"CAST(list_transform(json_extract({col}, '$[*]'), lambda x: json_object('message', {undated(message)}, "
        f"'programs', json_extract(x, '$.programs'))) AS JSON)"
    )


def _deleted_inputs(col: str) -> str:
    """period_deletions.inputs in the copy: each removed file's role and SHA-256, its name hidden as
    inputs.file_name is (a file named after an ID or an account), still a JSON list."""
    return (
        f"CAST(list_transform(json_extract({col}, '$[*]'), lambda x: json_object("
        "'role', json_extract_string(x, '$.role'), "
        "'file_name', rc_hide_text(json_extract_string(x, '$.file_name')), "
        "'sha256', json_extract_string(x, '$.sha256'))) AS JSON)"
    )


def _cases_of(con: duckdb.DuckDBPyConnection) -> int:
    """`cases` of a copy of some periods: remade from the periods' findings and case events, as a run
    remakes it (sql/cases_refresh.sql), not copied whole: a case first flagged in a later period is
    no case of these periods, and one flagged in them counts their findings and money alone."""
    from reconcile.sqlfiles import execute_file

    con.execute("DELETE FROM main.cases")
    execute_file(con, "cases_refresh.sql", {})
    return con.execute("SELECT count(*) FROM main.cases").fetchall()[0][0]


def _copy(con: duckdb.DuckDBPyConnection, table, periods: list[str] | None, pads: dict[str, bytes]) -> int:
    """One table into the analyst copy, its rows (of `periods`, or all) in the order of a keyed value
    (analyst_keys.ORDER); a table or column an older database lacks stays empty or NULL."""
    have = {
        c
        for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'source' AND schema_name = 'main' "
            "AND table_name = ?",
            [table.name],
        ).fetchall()
    }
    if not have:
        return 0
    names = [c.name for c in table.cols]
    exprs = []
    for name in names:
        col = quote_ident(name)
        if name not in have:
            exprs.append("NULL")
        elif name in RENUMBERED and "period" in have:
            exprs.append(f"(SELECT m.new FROM {name}s AS m WHERE m.period = src.period AND m.old = src.{col})")
        elif (again := rekeyed(name, col)) is not None:
            exprs.append(again)
        elif name in HASHED:
            exprs.append(
                f"CASE WHEN {col} IS NOT NULL THEN sha256($outer || unhex(sha256($inner || encode({col})))) END"
            )
        elif name in REMOVED:
            exprs.append("NULL")
        elif name == "detail":
            exprs.append(unreferenced(undated(col)))
        elif name in DATED:
            exprs.append(undated(col))
        elif table.name == "case_events" and name == "source":  # a workbook's name, or a run's findings
            exprs.append(event_source(col))
        elif name == "warnings":
            exprs.append(_warnings(col))
        elif table.name == "period_deletions" and name == "inputs":
            exprs.append(_deleted_inputs(col))
        elif name in AREA_CODES or name in (AREA_NOTE, BANK_CODE):  # a shifted column puts an ID there
            exprs.append(f"rc_hide_area({col})")  # or an account, or a birth date
        elif name in FILE_NAME_ONLY:
            exprs.append(f"rc_hide_text(regexp_extract({col}, '[^/\\\\]+$'))")
        elif name in FILE_NAMES:
            exprs.append(f"rc_hide_text({col})")
        else:
            exprs.append(col)
    where = "WHERE period IN (SELECT unnest($periods))" if "period" in names and periods is not None else ""
    first = next((o for o in ORDER if o in have and o in names), "")
    by = [names.index(n) + 1 for n in ("period", first) if n in have and n in names]
    order = f"ORDER BY {', '.join(map(str, by))}" if by else ""
    sql = (
        f"INSERT INTO main.{quote_ident(table.name)} ({', '.join(quote_ident(n) for n in names)}) "
        f"SELECT {', '.join(exprs)} FROM source.main.{quote_ident(table.name)} AS src {where} {order}"
    )
    con.execute(sql, bind(sql, {"periods": periods, **pads}))
    return con.execute(f"SELECT count(*) FROM main.{quote_ident(table.name)}").fetchall()[0][0]
