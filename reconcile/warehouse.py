"""The DuckDB warehouse: tables, their COMMENTs, views, and the period-replacing write.

The table and column names here are the analysts' published interface (SPEC.md, Outputs).
`schemas/warehouse.sql` is generated from `ddl()`; a test keeps it equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import duckdb

from reconcile.contracts import FINDING_COLUMNS, columns


def quote_ident(name: str) -> str:
    """The one way an identifier reaches SQL: double-quoted, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Only for DDL comments, which DuckDB does not take as parameters."""
    return "'" + text.replace("'", "''") + "'"


def quote_path(path) -> str:
    """A file's path as the literal argument of DuckDB's read_parquet, read exactly as named: DuckDB
    expands * ? [ ] in a path, so that `bank[1].parquet` would read `bank1.parquet`; each is written
    as a one-character class ([[], [*], [?]), which only the character itself matches."""
    text = str(path)
    escaped = "".join(f"[{c}]" if c in "[*?" else c for c in text)
    return quote_literal(escaped)


@dataclass(frozen=True)
class Col:
    name: str
    type: str
    comment: str


@dataclass(frozen=True)
class Table:
    name: str
    comment: str
    cols: tuple[Col, ...]


def _record_cols(kind) -> tuple[Col, ...]:
    return tuple(Col(c.name, c.sql_type, c.comment) for c in columns(kind))


PERIOD = Col("period", "VARCHAR", "Reconciliation period YYYY-MM")
RUN_ID = Col("run_id", "VARCHAR", "Run that wrote this row (runs.run_id)")
SOURCE = (
    Col("file_id", "INTEGER", "Input file within the run (inputs.file_id)"),
    Col("source_file", "VARCHAR", "File the row was read from"),
    Col("source_row", "BIGINT", "Row in that file; the header is row 1, the first data row is row 2"),
)

SOURCE_SHEET = Col(
    "source_sheet", "VARCHAR", "Sheet of the workbook the row was read from (NULL for files without sheets)"
)

TABLES: tuple[Table, ...] = (
    Table(
        "runs",
        "The run that holds each period: a re-run of the period takes its place (the earlier run moves to "
        "superseded_runs)",
        (
            RUN_ID,
            PERIOD,
            Col("started_at", "TIMESTAMP", "When the run started (UTC)"),
            Col("finished_at", "TIMESTAMP", "When the run committed (UTC)"),
            Col("tool_version", "VARCHAR", "reconcile version that made the run"),
            Col("operator", "VARCHAR", "Who ran it (OS user)"),
            Col("settings", "JSON", "Targets, thresholds and matching options in force"),
            Col("registry_rows", "BIGINT", "Registry rows loaded"),
            Col("payment_rows", "BIGINT", "Payment rows loaded"),
            Col("rejected_rows", "BIGINT", "Rows rejected (in rejected_rows, set_aside false)"),
            Col(
                "set_aside_rows",
                "BIGINT",
                "Rows set aside as no payment or beneficiary (in rejected_rows, set_aside true)",
            ),
            Col(
                "key_check",
                "VARCHAR",
                "A check value of the key the run's flag_id were made with (an HMAC of a fixed "
                "text: it tells nothing of the key); a run with another key is refused",
            ),
            Col("flags", "BIGINT", "Findings written to flags"),
            Col(
                "partial",
                "BOOLEAN",
                "The run went on with --partial although sources looked missing (missing_sources); "
                "the period's targets are not judged (noncash_share.target_met is NULL)",
            ),
            Col(
                "missing_sources",
                "JSON",
                "Groups (programme, channel, bank code) most of whose active beneficiaries had "
                "no payment row: beneficiaries and without_payment for each; NULL when none",
            ),
        ),
    ),
    Table(
        "inputs",
        "Every file a run read, with its hash and row accounting: rows_read = rows_loaded + rows_rejected "
        "+ rows_set_aside",
        (
            RUN_ID,
            PERIOD,
            Col(
                "file_id",
                "INTEGER",
                "Position of the file in the run (each sheet of a workbook read has its own); NULL for a sheet skipped",
            ),
            Col("role", "VARCHAR", "registry or payments"),
            Col("path", "VARCHAR", "Path as given on the command line"),
            Col("file_name", "VARCHAR", "File name without directory"),
            Col("sha256", "VARCHAR", "SHA-256 of the file's bytes"),
            Col("format", "VARCHAR", "csv, xlsx, xls or parquet"),
            Col("encoding", "VARCHAR", "Text encoding detected (delimited files)"),
            Col(
                "profile",
                "VARCHAR",
                "Profile that read the file: given with --profile or recognised; NULL when none was needed",
            ),
            Col("sheet", "VARCHAR", "Excel sheet read"),
            Col("header_row", "INTEGER", "Row of the header in the file or sheet (rows above it are a title block)"),
            Col("columns_used", "JSON", "Original header -> canonical column"),
            Col("rows_read", "BIGINT", "Data rows read from the file"),
            Col("rows_loaded", "BIGINT", "Rows loaded into registry or payments"),
            Col(
                "rows_rejected",
                "BIGINT",
                "Rows rejected: a value that cannot be read (in rejected_rows, set_aside false)",
            ),
            Col(
                "rows_set_aside",
                "BIGINT",
                "Rows that are no payment or beneficiary (credits, bank charges, information "
                "entries, balance and totals rows of a statement), in rejected_rows with set_aside true",
            ),
            Col(
                "ids_restored",
                "BIGINT",
                "IDs whose leading zero, lost to a numeric spreadsheet cell, was restored (warnings)",
            ),
            Col(
                "amount_read",
                "HUGEINT",
                "Sum of the amounts (entitled_amount or amount, VND) that could be read as a number, over "
                "every row read: amount_read = amount_loaded + amount_rejected + amount_set_aside",
            ),
            Col("amount_loaded", "HUGEINT", "Sum of the amounts of the rows loaded"),
            Col(
                "amount_rejected", "HUGEINT", "Sum of the amounts of the rows rejected, where the amount could be read"
            ),
            Col(
                "amount_set_aside",
                "HUGEINT",
                "Sum of the amounts of the rows set aside (credits, charges ...), where the amount could be read",
            ),
            Col(
                "amounts_unreadable",
                "BIGINT",
                "Rejected rows whose amount is missing or not a whole number of VND, so not in any sum",
            ),
            Col(
                "control_count",
                "BIGINT",
                "Rows (camt: entries) the file says it holds, in its totals row or camt TxsSummry, "
                "checked against what was read; NULL when it says nothing",
            ),
            Col(
                "control_amount",
                "HUGEINT",
                "Total the file states (totals row or camt TxsSummry), VND, checked against "
                "amount_read (camt: against its entries); NULL when it states none",
            ),
            Col(
                "control_source", "VARCHAR", "Where the file states its totals: 'totals row N' or 'camt TxsSummry ...'"
            ),
            Col(
                "accounts_restored",
                "BIGINT",
                "Account numbers that had lost their leading zeros (equal to the matched "
                "side's once zeros are stripped) and were restored (warnings)",
            ),
            Col(
                "skipped",
                "VARCHAR",
                "For a sheet of a workbook that was not read: why (empty, not the file's columns); "
                "NULL for what was read",
            ),
        ),
    ),
    Table(
        "registry",
        "Beneficiary registry rows loaded for the period, normalised",
        (
            PERIOD,
            RUN_ID,
            Col(
                "registry_id",
                "BIGINT",
                "Row id within the period, numbered by file and then by content (not by row number)",
            ),
            *_record_cols("registry"),
            Col(
                "birth_year",
                "INTEGER",
                "Year of birth: from date_of_birth, or alone when the registry gives only a year",
            ),
            Col(
                "province_code_2025",
                "VARCHAR",
                "Province on the 2025 map (34 provinces): province_code itself from July 2025, "
                "the province an old code merged into before",
            ),
            Col(
                "area_note",
                "VARCHAR",
                "Why province_code or commune_code is not on the official list of the period, if so",
            ),
            Col("name_key", "VARCHAR", "Name comparison key: no diacritics, Đ to D, upper case, single spaces"),
            Col("vneid_restored", "BOOLEAN", "The ID's leading zero was restored"),
            Col(
                "is_primary",
                "BOOLEAN",
                "The row of this ID in this programme used for matching (chosen by content: an "
                "active row first, then the smaller amount); the others are DUPLICATE_BENEFICIARY and not matched",
            ),
            *SOURCE,
            SOURCE_SHEET,
            Col(
                "account_restored",
                "BOOLEAN",
                "account_number had lost its leading zeros (a paid account is that number with them) and was restored",
            ),
        ),
    ),
    Table(
        "payments",
        "Payment rows loaded for the period, normalised",
        (
            PERIOD,
            RUN_ID,
            Col(
                "payment_id",
                "BIGINT",
                "Row id within the period, numbered by file and then by content (not by row number)",
            ),
            *_record_cols("payments"),
            Col("vneid_source", "VARCHAR", "Where the ID came from: column, narrative, or NULL when there is none"),
            Col("vneid_note", "VARCHAR", "Why an ID written on the payment could not be used"),
            Col("payee_key", "VARCHAR", "Payee name comparison key: no diacritics, Đ to D, upper case, single spaces"),
            Col("vneid_restored", "BOOLEAN", "The ID's leading zero was restored"),
            Col("in_period", "BOOLEAN", "value_date falls within the period"),
            *SOURCE,
            SOURCE_SHEET,
            Col(
                "repeat_of",
                "BIGINT",
                "payment_id of the same reference (and bank) in an earlier input: the same payment "
                "listed twice, counted once in the non-cash share and flagged DUPLICATE_PAYMENT",
            ),
            Col(
                "account_restored",
                "BOOLEAN",
                "account_number had lost its leading zeros (the registered account is that "
                "number with them) and was restored",
            ),
        ),
    ),
    Table(
        "rejected_rows",
        "Input rows not loaded, with the reason: rejected (a value that cannot be read) or set aside "
        "(no payment: a credit, a bank charge, a balance row); nothing is dropped silently",
        (
            PERIOD,
            RUN_ID,
            Col("role", "VARCHAR", "registry or payments"),
            *SOURCE,
            Col("reason", "VARCHAR", "Every problem found in the row, column by column"),
            Col("raw", "JSON", "The row's values exactly as read, under the file's own headers"),
            SOURCE_SHEET,
            Col(
                "set_aside",
                "BOOLEAN",
                "The row is no payment or beneficiary (a credit, a bank charge, an information "
                "entry, a balance or totals row) rather than a row with a problem: counted in inputs.rows_set_aside",
            ),
        ),
    ),
    Table(
        "matches",
        "How each matched payment was tied to a beneficiary",
        (
            PERIOD,
            RUN_ID,
            Col("payment_id", "BIGINT", "payments.payment_id"),
            Col("payment_ref", "VARCHAR", "payments.payment_ref"),
            Col("registry_id", "BIGINT", "registry.registry_id of the beneficiary"),
            Col("vneid", "VARCHAR", "Beneficiary's ID"),
            Col("program", "VARCHAR", "Beneficiary's programme"),
            Col("method", "VARCHAR", "vneid, narrative_vneid, account, name_dob or name"),
        ),
    ),
    Table(
        "flags",
        "Findings: one row per mismatch, with its evidence and source file and row",
        tuple(Col(c.name, c.sql_type, c.comment) for c in FINDING_COLUMNS),
    ),
    Table(
        "targets",
        "Non-cash share targets in force for each period's run",
        (
            PERIOD,
            Col("program", "VARCHAR", "welfare or pension"),
            Col("target", "DOUBLE", "Target share of payments made without cash (0.9985 = 99.85%)"),
        ),
    ),
    Table(
        "noncash_share_rows",
        "The rows of the view noncash_share, computed once by the run of each period and "
        "replaced with it (query the view)",
        (
            PERIOD,
            Col(
                "program",
                "VARCHAR",
                "welfare, pension or unknown (payment's own programme, else the matched beneficiary's)",
            ),
            Col(
                "level",
                "VARCHAR",
                "program (province_code NULL), province, commune, or province_2025 (province_code is the "
                "province on the 2025 map, to compare months before and after the July 2025 reform)",
            ),
            Col(
                "province_code",
                "VARCHAR",
                "Matched beneficiary's province ('unknown' when none); NULL on the programme total",
            ),
            Col("commune_code", "VARCHAR", "Matched beneficiary's commune on commune rows, else NULL"),
            Col("channel_group", "VARCHAR", "all for the totals row, else bank, ewallet or cash"),
            Col(
                "beneficiaries", "BIGINT", "Distinct beneficiaries paid (an unmatched payment counts as its own payee)"
            ),
            Col("payments", "BIGINT", "Successful payments dated within the period"),
            Col("amount", "BIGINT", "Their value, VND"),
            Col(
                "share_beneficiaries",
                "DOUBLE",
                "all: beneficiaries paid only without cash / all; channel rows: "
                "beneficiaries paid through this channel / all",
            ),
            Col(
                "share_payments",
                "DOUBLE",
                "all: non-cash payments / all payments; channel rows: this channel's payments / all",
            ),
            Col("share_amount", "DOUBLE", "all: non-cash value / all value; channel rows: this channel's value / all"),
            Col("target", "DOUBLE", "Target share for the programme (targets table), on all rows"),
            Col(
                "target_met",
                "BOOLEAN",
                "share_payments >= target, on all rows; NULL when the run was partial "
                "(runs.partial): a month with a source missing is not judged",
            ),
        ),
    ),
    Table(
        "run_changes",
        "What a run of a period changed against the run it replaced: inputs added, removed or "
        "changed (by SHA-256, per file and sheet) and findings that appeared or disappeared (by flag_id). A re-run "
        "with the same files adds no rows. Kept for every run, not replaced",
        (
            RUN_ID,
            PERIOD,
            Col("previous_run_id", "VARCHAR", "The run of the same period this run replaced"),
            Col(
                "change",
                "VARCHAR",
                "input_added, input_removed, input_changed, finding_appeared or finding_disappeared",
            ),
            Col("role", "VARCHAR", "Input changes: registry or payments"),
            Col("file_name", "VARCHAR", "Input changes: the file name (files are compared by role, name and sheet)"),
            Col("sha256_before", "VARCHAR", "Input changes: SHA-256 in the previous run (NULL when added)"),
            Col("sha256_after", "VARCHAR", "Input changes: SHA-256 in this run (NULL when removed)"),
            Col("flag_id", "VARCHAR", "Finding changes: the finding's id (flags.flag_id)"),
            Col("code", "VARCHAR", "Finding changes: the finding's code"),
            Col("sheet", "VARCHAR", "Input changes: the sheet, for a workbook"),
        ),
    ),
    Table(
        "period_deletions",
        "Periods removed with `reconcile delete`: who removed what and why. The removed run "
        "and its findings stay in superseded_runs and superseded_flags (superseded_by is the deletion_id)",
        (
            Col("deletion_id", "VARCHAR", "Id of the removal"),
            PERIOD,
            Col("run_id", "VARCHAR", "The run that held the period (runs.run_id), now in superseded_runs"),
            Col("deleted_at", "TIMESTAMP", "When the period was removed (UTC)"),
            Col("deleted_by", "VARCHAR", "Who removed it (--by)"),
            Col("reason", "VARCHAR", "Why (--reason)"),
            Col("run_operator", "VARCHAR", "Who made the removed run"),
            Col("run_finished_at", "TIMESTAMP", "When the removed run committed (UTC)"),
            Col("registry_rows", "BIGINT", "Registry rows removed"),
            Col("payment_rows", "BIGINT", "Payment rows removed"),
            Col("flags", "BIGINT", "Findings removed (kept in superseded_flags)"),
            Col("inputs", "JSON", "The removed run's files: role, file name, SHA-256"),
        ),
    ),
    Table(
        "rules",
        "Catalogue of findings: code, severity and description",
        (
            Col("code", "VARCHAR", "Finding code"),
            Col("severity", "VARCHAR", "low, medium, high or critical"),
            Col("description_en", "VARCHAR", "What the finding means, in English"),
            Col("description_vi", "VARCHAR", "What the finding means, in Vietnamese"),
        ),
    ),
)

SUPERSEDED_BY = Col(
    "superseded_by",
    "VARCHAR",
    "The later run of the same period that replaced this one (runs.run_id), "
    "or the period_deletions.deletion_id that removed the period",
)


def table(name: str) -> Table:
    """The table of that name (KeyError if none)."""
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(name)


def _superseded(name: str, comment: str) -> Table:
    """A table's rows, unchanged, as they were before a later run of their period replaced them."""
    return Table(f"superseded_{name}", comment, (*table(name).cols, SUPERSEDED_BY))


# Append-only history: a run's row and its findings are never changed after the run; a re-run of
# the period moves them here, as they were, and they are never deleted.
TABLES = (
    *TABLES,
    _superseded(
        "runs",
        "Runs replaced by a later run of the same period, as they were, with the run that replaced them; never deleted",
    ),
    _superseded(
        "flags",
        "Findings of runs replaced by a later run of the same period, as they were, with the run "
        "that replaced them; never deleted",
    ),
)

# The one order of a period's findings wherever they are shown or exported: most severe first, then
# by code, then by place (province, commune) and person: by content only, so that the same files
# give the same order whatever the order of their rows (columns of the flags table, unqualified).
FLAGS_ORDER = (
    "severity_rank DESC, code, province_code NULLS LAST, commune_code NULLS LAST, vneid NULLS LAST, "
    "payment_ref NULLS LAST, flag_id"
)

PERIOD_TABLES = (
    "runs",
    "inputs",
    "registry",
    "payments",
    "rejected_rows",
    "matches",
    "flags",
    "targets",
    "noncash_share_rows",
)

VIEW_COMMENTS = {
    "noncash_base": (
        "Every successful payment dated within its period, once (a repeat of a reference in an earlier input is "
        "left out), with the programme (its own, else the matched beneficiary's, else unknown) and the matched "
        "beneficiary's province and commune: the base of noncash_share",
        {
            "period": "Period YYYY-MM",
            "program": "The payment's programme, else the matched beneficiary's, else unknown",
            "province_code": "Matched beneficiary's province (NULL when unmatched)",
            "commune_code": "Matched beneficiary's commune (NULL when unmatched)",
            "province_code_2025": "Matched beneficiary's province on the 2025 map",
            "channel": "bank, ewallet or cash",
            "beneficiary": "Who was paid: 'id:' and the matched ID, else 'payment:' and the payment_id",
            "amount": "Amount paid, VND",
        },
    ),
    "noncash_share": (
        "Share of successful in-period payments made through bank or ewallet, by period, programme, province (and "
        "commune) and channel; each period's rows are computed once by its run (table noncash_share_rows)",
        {c.name: c.comment for c in table("noncash_share_rows").cols},
    ),
}


def ddl() -> str:
    """CREATE statements and COMMENTs for every table and view, in a fixed order."""
    parts = []
    for table in TABLES:
        cols = ",\n".join(f"    {quote_ident(c.name)} {c.type}" for c in table.cols)
        parts.append(f"CREATE TABLE IF NOT EXISTS {quote_ident(table.name)} (\n{cols}\n);")
    parts.append(resources.files("reconcile.sql").joinpath("views.sql").read_text(encoding="utf-8").strip())
    for table in TABLES:
        parts.append(f"COMMENT ON TABLE {quote_ident(table.name)} IS {quote_literal(table.comment)};")
        for c in table.cols:
            parts.append(
                f"COMMENT ON COLUMN {quote_ident(table.name)}.{quote_ident(c.name)} IS {quote_literal(c.comment)};"
            )
    for view, (comment, cols) in VIEW_COMMENTS.items():
        parts.append(f"COMMENT ON VIEW {quote_ident(view)} IS {quote_literal(comment)};")
        for name, text in cols.items():
            parts.append(f"COMMENT ON COLUMN {quote_ident(view)}.{quote_ident(name)} IS {quote_literal(text)};")
    return "\n".join(parts) + "\n"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing; a table written by an earlier version gains the columns added since
    (NULL in its old rows), so an existing database keeps working."""
    existing = {
        (t, c)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall()
    }
    tables = {t for t, _ in existing}
    # earlier versions had the share as a view over the stored tables, computed again at every query;
    # it is now a view over noncash_share_rows, filled by each run
    was_view = (
        "noncash_share_rows" not in tables
        and con.execute(
            "SELECT count(*) FROM duckdb_views() WHERE view_name = 'noncash_share' "
            "AND database_name = current_database()"
        ).fetchone()[0]
        > 0
    )
    if was_view:
        con.execute("DROP VIEW noncash_share")
    for table in TABLES:
        if table.name in tables:
            for c in table.cols:
                if (table.name, c.name) not in existing:
                    con.execute(f"ALTER TABLE {quote_ident(table.name)} ADD COLUMN {quote_ident(c.name)} {c.type}")
    con.execute(ddl())
    if was_view:
        for period, partial in con.execute(
            "SELECT period, coalesce(bool_or(partial), false) FROM runs GROUP BY period ORDER BY period"
        ).fetchall():
            store_noncash_share(con, period, partial=partial)


# The base of the share for a run, from its own payments joined to their matches and beneficiaries
# (facts.sql's pm): the same rows as the view noncash_base gives once they are stored.
RUN_NONCASH_BASE = """
    SELECT program, province_code, commune_code, province_code_2025, channel,
           coalesce('id:' || vneid, 'payment:' || payment_id) AS beneficiary, amount
    FROM pm
    WHERE status = 'success' AND in_period AND repeat_of IS NULL"""


def store_noncash_share(
    con: duckdb.DuckDBPyConnection, period: str, base: str | None = None, partial: bool = False
) -> None:
    """Compute the period's non-cash share into noncash_share_rows, with its stored targets. `base`
    is a query with the columns of the view noncash_base for the period; by default the view. A
    partial period (a source missing) is not judged against its targets."""
    from reconcile.sqlfiles import execute_file

    if base is None:
        base = f"SELECT * EXCLUDE (period) FROM noncash_base WHERE period = {quote_literal(period)}"
    con.execute(f"CREATE OR REPLACE TEMP VIEW nc_base AS {base}")
    execute_file(con, "noncash_share.sql", {"period": period, "partial": partial})


def replace_period(con: duckdb.DuckDBPyConnection, period: str, run_id: str) -> None:
    """Move the period's run and findings, unchanged, to the superseded tables, and delete the
    period's rows from every period table; the caller holds the transaction."""
    for name in ("runs", "flags"):
        cols = ", ".join(quote_ident(c) for c in column_names(name))
        con.execute(
            f"INSERT INTO {quote_ident('superseded_' + name)} ({cols}, superseded_by) "
            f"SELECT {cols}, ? FROM {quote_ident(name)} WHERE period = ?",
            [run_id, period],
        )
    for name in PERIOD_TABLES:
        con.execute(f"DELETE FROM {quote_ident(name)} WHERE period = ?", [period])


def column_names(name: str) -> list[str]:
    return [c.name for c in table(name).cols]
