"""The warehouse's tables of a period's content, with their columns' COMMENTs: what a run reads,
loads, matches, finds and measures. The table and column names are the analysts' published
interface (SPEC.md, Outputs)."""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.contracts import FINDING_COLUMNS, columns


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


PERIOD_CONTENT: tuple[Table, ...] = (
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
            Col("operator", "VARCHAR", "Who ran it: run --operator, else the OS user"),
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
            Col(
                "warnings",
                "JSON",
                "What the run warned of without stopping, as the terminal said it before the summary and the "
                "workbook's summary shows it (a few cash beneficiaries none of whom has a payment row: the post "
                "office's file may be missing; a hidden sheet read; a sheet skipped; returns the bank must explain; "
                "payments to IDs an earlier month's registry lists as dead and this one no longer lists; earlier "
                "months' payments after a death this month's registry reports late; a file another month's run read; a "
                "commune of last month's registry in none of this month's files; returns of earlier months' payments; "
                "registry accounts that lost their leading zeros since the month before): "
                "a list of {message, programs}, programs those whose non-cash share the warning puts in doubt (a "
                "target_met of theirs rests on a figure that may be too high); NULL when none",
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
            Col("format", "VARCHAR", "csv, xlsx, xls, parquet, camt (camt.053/054 XML) or mt940 (MT940/MT942)"),
            Col("encoding", "VARCHAR", "Text encoding detected (delimited files)"),
            Col(
                "profile",
                "VARCHAR",
                "Profile that read the file: given with --profile or recognised; NULL when none was needed",
            ),
            Col("sheet", "VARCHAR", "Excel sheet read"),
            Col(
                "header_row",
                "INTEGER",
                "Row of the header in the file or sheet, its first when it is written over two (rows above it are a "
                "title block)",
            ),
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
                "The row of this ID in this programme used for matching (chosen by content: a row saying "
                "deceased, terminated or suspended before an active one, then the smaller amount); the others "
                "are DUPLICATE_BENEFICIARY and not matched",
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
            Col(
                "birth_year",
                "INTEGER",
                "Payee's year of birth: from date_of_birth, or alone when the file gives only a year "
                "(a post office's list: 1953, 00/00/1953), compared by name_year matching",
            ),
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
            Col("method", "VARCHAR", "vneid, narrative_vneid, account, name_dob, name_year or name"),
            Col(
                "months_ahead",
                "INTEGER",
                "Months after its period the payment paid too, paid together with its own (January's pension "
                "paying February before Tết): 1 for February alone; NULL for none",
            ),
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
            Col(
                "target",
                "DOUBLE",
                "Target share for the programme (targets table), on the rows of channel_group all; NULL on the channel rows "
                "and for the programme unknown",
            ),
            Col(
                "target_met",
                "BOOLEAN",
                "share_payments >= target, on the rows of channel_group all; NULL on the others, and when the run was partial "
                "(runs.partial): a month with a source missing is not judged",
            ),
        ),
    ),
)
