"""The warehouse's tables of history and reference, the full list of tables, and the views' COMMENTs:
what changed between runs, removed periods, superseded runs and findings (append-only), the rules."""

from __future__ import annotations

from reconcile.warehouse.case_tables import CASE_TABLES, CASE_VIEW_COMMENTS
from reconcile.warehouse.tables import PERIOD, PERIOD_CONTENT, RUN_ID, Col, Table

TABLES: tuple[Table, ...] = (
    *PERIOD_CONTENT,
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
    *CASE_TABLES,
    Table(
        "schema_version",
        "One row: the version of reconcile's tables, views, macros and case logic this database was last made or "
        "brought up to, written by reconcile. A command that finds another version (or none: a database an earlier "
        "version wrote) brings the database up to date before it reads it",
        (
            Col("version", "VARCHAR", "The version of the tables, views, macros and case logic (schema.version())"),
            Col(
                "derived_sha256",
                "VARCHAR",
                "SHA-256 of the database's views and macros as DuckDB held them when the version was written",
            ),
            Col("tool_version", "VARCHAR", "reconcile version that wrote it"),
            Col("written_at", "TIMESTAMP", "When the database was made or brought up to this version (UTC)"),
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
            "beneficiary": "Who was paid: 'id:' and the matched ID (else the payment's own ID), else 'payment:' and the payment_id",
            "amount": "Amount paid, VND",
        },
    ),
    "noncash_share": (
        "Share of successful in-period payments made through bank or ewallet, by period, programme (level program, "
        "province_code NULL) and province within it (level province), and channel; each period's rows are computed "
        "once by its run (table noncash_share_rows); the communes and the 2025 map's provinces are in "
        "noncash_share_by_area",
        {c.name: c.comment for c in table("noncash_share_rows").cols},
    ),
    "noncash_share_by_area": (
        "The non-cash share at every level: programme, province, commune (level commune) and province on the 2025 "
        "map (level province_2025); each level adds up to the programme's total on its own",
        {c.name: c.comment for c in table("noncash_share_rows").cols},
    ),
}
VIEW_COMMENTS.update(CASE_VIEW_COMMENTS)
