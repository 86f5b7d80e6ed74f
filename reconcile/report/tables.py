"""The table sheets: findings, the non-cash share, rejected rows and inputs. Each is a query with
named columns and one order of its rows; DuckDB renders the rows (sheetxml), XlsxWriter the frame
(header, widths, frozen header, filter). A table longer than a sheet continues on the next."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb

from reconcile.masking import DOB_KEYS
from reconcile.report import sheetxml
from reconcile.report.cells import Book, Writer, new_sheet
from reconcile.report.labels import LABELS
from reconcile.warehouse import FLAGS_ORDER, quote_ident
from reconcile.warehouse.case_tables import CASE_AMOUNT, STATUSES

WORD_GROUPS = ("program", "level", "role", "method", "province")


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: the query's column name, how its cells are written, the width."""

    name: str
    kind: str = "text"  # text, number, int, amount, pct, date, datetime, severity, met, value:<group>, id, free
    width: float = 14
    choices: tuple[str, ...] = ()  # an auditor's column: a drop-down of these values (data validation)
    hidden: bool = False


@dataclass(frozen=True)
class Table:
    """A table sheet: the query giving its named columns, and the one order of its rows."""

    key: str  # sheet label key
    columns: tuple[Column, ...]
    sql: str
    order: str
    masked_sql: str = ""  # the query of a --mask-ids workbook, where it differs
    read_only: bool = False  # a sheet to read, not to type into: protected (no password), filter and sort left free


def _rejected_sql(raw: str, join: str = "") -> str:
    # the raw row as `header: value` pairs, in the file's column order, readable in one cell; through a
    # map, in one pass (a lookup of each key in the JSON would take time growing with the square of the
    # columns: minutes for a row of thousands)
    return f"""SELECT role, file_id, source_file, source_sheet, source_row, coalesce(set_aside, false) AS set_aside,
              reason, array_to_string(list_transform(map_entries(json_transform({raw}, '"MAP(VARCHAR, VARCHAR)"')),
                  lambda e: e.key || ': ' || coalesce(e.value, '')), '; ') AS raw
       FROM rejected_rows{join} WHERE period = $p"""


FINDINGS = Table(
    "sheet.findings",
    (
        Column("code", "text", 24),
        Column("severity", "severity", 12),
        Column("description", "text", 48),
        Column("vneid", "id", 15),
        Column("full_name", "free", 24),  # free: masked as text, a name cell may hold an ID
        Column("program", "value:program", 16),
        Column("province_code", "value:province", 9),
        Column("commune_code", "text", 9),
        Column("expected_amount", "amount", 14),
        Column("paid_amount", "amount", 14),
        Column("difference", "amount", 14),
        Column("payment_ref", "id", 18),
        Column("payee_name", "free", 24),
        Column("account_number", "id", 18),
        Column("value_date", "date", 12),
        Column("match_method", "value:method", 14),
        Column("detail", "free", 60),
        Column("source_file", "free", 22),
        Column("source_sheet", "free", 14),
        Column("source_row", "int", 9),
        Column("flag_id", "text", 18),
        # the case, and the auditor's decision on it: the columns `reconcile review import` reads back
        Column("case_id", "text", 18),
        Column("periods_flagged", "int", 9),
        Column("status", "text", 13, STATUSES),
        Column("assignee", "free", 16),
        Column("decision", "free", 30),
        Column("case_amount", "amount", 17),
        Column("comment", "free", 40),
        # the decision as the book was written (hidden): what `review import` tells an auditor's change by;
        # left out of a masked book (an unkeyed digest of text whose digits the book masks)
        Column("decision_check", "check", 14, hidden=True),
    ),
    """SELECT f.code, f.severity, f.severity_rank, r.description_en, r.description_vi, f.vneid, f.full_name,
              f.program, f.province_code, f.commune_code, f.expected_amount, f.paid_amount,
              f.paid_amount - f.expected_amount AS difference, f.payment_ref, f.payee_name, f.account_number,
              p.value_date, f.match_method, f.detail, f.source_file, f.source_sheet, f.source_row, f.flag_id,
              f.case_id, c.periods_flagged, coalesce(c.status, 'open') AS status, c.assignee, c.decision,
              c.case_amount, c.comment,
              rc_decision_check(coalesce(c.status, 'open'), c.assignee, c.decision, c.case_amount, c.comment)
                  AS decision_check
       FROM flags AS f
       LEFT JOIN rules AS r ON r.code = f.code
       LEFT JOIN payments AS p ON p.period = f.period AND p.payment_id = f.payment_id
       LEFT JOIN (  -- the decision as the row shows it: the amount of its status, none when 0
           SELECT case_id, periods_flagged, status, assignee, decision, comment,
                  """
    + CASE_AMOUNT
    + """ AS case_amount
           FROM cases) AS c ON c.case_id = f.case_id
       WHERE f.period = $p""",
    FLAGS_ORDER,
)

NONCASH = Table(
    "sheet.noncash",
    (
        Column("program", "value:program", 16),
        Column("level", "value:level", 10),
        Column("province_code", "value:province", 10),
        Column("commune_code", "value:province", 10),  # a code, or 'unknown' in the reader's words
        Column("beneficiaries", "int", 12),
        Column("payments", "int", 12),
        Column("amount", "amount", 16),
        Column("payments_bank", "int", 12),
        Column("payments_ewallet", "int", 12),
        Column("payments_cash", "int", 12),
        Column("share_beneficiaries", "pct", 14),
        Column("share_payments", "pct", 14),
        Column("share_amount", "pct", 14),
        Column("target", "pct", 10),
        Column("target_met", "met_or_doubt", 10),
    ),
    """WITH channels AS (
           SELECT program, level, province_code, commune_code,
                  coalesce(sum(payments) FILTER (WHERE channel_group = 'bank'), 0) AS payments_bank,
                  coalesce(sum(payments) FILTER (WHERE channel_group = 'ewallet'), 0) AS payments_ewallet,
                  coalesce(sum(payments) FILTER (WHERE channel_group = 'cash'), 0) AS payments_cash
           FROM noncash_share_by_area WHERE period = $p AND channel_group <> 'all'
           GROUP BY program, level, province_code, commune_code)
       SELECT a.program, a.level, nullif(a.province_code, '') AS province_code,
              nullif(a.commune_code, '') AS commune_code, a.beneficiaries, a.payments, a.amount,
              c.payments_bank, c.payments_ewallet, c.payments_cash,
              rc_shown_share(a.share_beneficiaries, a.target) AS share_beneficiaries,
              rc_shown_share(a.share_payments, a.target) AS share_payments,
              rc_shown_share(a.share_amount, a.target) AS share_amount, a.target, a.target_met,
              -- a share a warning of the run puts in doubt (runs.warnings): met, in doubt
              coalesce(list_contains((SELECT json_extract_string(warnings, '$[*].programs[*]') FROM runs
                                      WHERE period = $p), a.program), false) AS in_doubt
       FROM noncash_share_by_area AS a
       LEFT JOIN channels AS c
         ON c.program = a.program AND c.level = a.level
        AND c.province_code IS NOT DISTINCT FROM a.province_code AND c.commune_code IS NOT DISTINCT FROM a.commune_code
       WHERE a.period = $p AND a.channel_group = 'all'""",
    "program = 'unknown', program, "
    "CASE level WHEN 'program' THEN 1 WHEN 'province' THEN 2 WHEN 'province_2025' THEN 3 ELSE 4 END, "
    "province_code = 'unknown' NULLS FIRST, province_code NULLS FIRST, commune_code = 'unknown' NULLS FIRST, "
    "commune_code NULLS FIRST",
)

REJECTED = Table(
    "sheet.rejected",
    (
        Column("role", "value:role", 14),
        Column("source_file", "free", 24),
        Column("source_sheet", "free", 14),
        Column("source_row", "int", 9),
        Column("set_aside", "bool", 12),
        Column("reason", "free", 60),
        Column("raw", "free", 100),
    ),
    _rejected_sql("raw"),
    "file_id, source_row",
    # no birth date in a masked workbook: the values of the columns each file read as dates of birth, or
    # whose header speaks of a birth, hidden; the others masked as free text (sql/masking.sql, rc_mask_raw)
    _rejected_sql(
        "rc_mask_raw(raw::VARCHAR, dob_keys, id_keys, date_keys)", f" LEFT JOIN {DOB_KEYS} USING (period, file_id)"
    ),
)

INPUTS = Table(
    "sheet.inputs",
    (
        Column("file_id", "int", 7),
        Column("role", "value:role", 16),
        Column("file", "free", 26),
        Column("path", "free", 40),
        Column("format", "text", 9),
        Column("encoding", "text", 12),
        Column("profile", "text", 20),
        Column("sheet", "free", 12),
        Column("header_row", "int", 9),
        Column("sha256", "text", 66),
        Column("rows_read", "int", 11),
        Column("rows_loaded", "int", 11),
        Column("rows_rejected", "int", 11),
        Column("rows_set_aside", "int", 11),
        Column("ids_restored", "int", 12),
        Column("amount_read", "amount", 16),
        Column("amount_loaded", "amount", 16),
        Column("amount_rejected", "amount", 16),
        Column("amount_set_aside", "amount", 16),
        Column("amounts_unreadable", "int", 12),
        Column("accounts_restored", "int", 12),
        Column("control_source", "text", 22),
        Column("control_count", "int", 11),
        Column("control_amount", "amount", 16),
        Column("skipped", "free", 40),
        Column("columns_used", "free", 60),
    ),
    """SELECT file_id, role, file_name AS file, path, format, encoding, profile, sheet, header_row, sha256,
              rows_read, rows_loaded,
              rows_rejected, rows_set_aside, ids_restored, amount_read, amount_loaded, amount_rejected,
              amount_set_aside, amounts_unreadable,
              accounts_restored, control_source, control_count, control_amount, skipped,
              array_to_string(list_transform(json_keys(columns_used),
                  lambda k: k || ' → ' || (columns_used ->> k)), '; ') AS columns_used
       FROM inputs WHERE period = $p""",
    "file_id NULLS LAST, path, sheet",
)

CASES = Table(
    "sheet.cases",
    (
        Column("case_id", "text", 18),
        Column("code", "text", 24),
        Column("severity", "severity", 12),
        Column("program", "value:program", 16),
        Column("vneid", "id", 15),
        Column("account_number", "id", 18),
        Column("payment_ref", "id", 18),
        Column("province_code", "value:province", 9),
        Column("commune_code", "text", 9),
        Column("first_period", "text", 10),
        Column("last_period", "text", 10),
        Column("periods_flagged", "int", 9),
        Column("periods_open", "int", 9),
        Column("status", "text", 13),
        Column("assignee", "free", 16),
        Column("decision", "free", 30),
        Column("amount_at_stake", "amount", 14),
        Column("amount_recovered", "amount", 14),
        Column("amount_written_off", "amount", 14),
        Column("updated_at", "datetime", 17),
        # its decision columns as written (hidden): decisions are entered on the findings sheets, not here, and
        # `review import` refuses a book with one typed here (cases/book.py); none in a masked book
        Column("case_check", "check", 14, hidden=True),
    ),
    # the cases not closed that the period or an earlier one flagged, as they stand now: the oldest first
    """SELECT case_id, code, severity, program, vneid, account_number, payment_ref, province_code, commune_code,
              first_period, last_period, periods_flagged, periods_open, status, assignee, decision,
              amount_at_stake, amount_recovered, amount_written_off, updated_at,
              rc_case_check(status, assignee, decision, amount_recovered, amount_written_off) AS case_check,
              rc_severity_rank(severity) AS severity_rank
       FROM cases WHERE status <> 'closed' AND first_period <= $p""",
    "periods_open DESC NULLS LAST, severity_rank DESC, code, province_code NULLS LAST, case_id",
    read_only=True,
)

TABLES = (FINDINGS, CASES, NONCASH, REJECTED, INPUTS)


def findings_sql(lang: str) -> str:
    """The findings of a period as the sheet shows them, in their order (for benchmarks and tests)."""
    names = ", ".join(
        c.name if c.name != "description" else f"description_{lang} AS description" for c in FINDINGS.columns
    )
    return f"SELECT {names} FROM ({FINDINGS.sql}) AS t ORDER BY {FINDINGS.order}"


def _words(book: Book) -> dict[str, dict[Any, str]]:
    """Stored code values and the reader's word for each, per group (for SQL-rendered cells)."""
    words: dict[str, dict[Any, str]] = {g: {} for g in (*WORD_GROUPS, "severity")}
    for key in LABELS:
        group, _, value = key.partition(".")
        if group in words:
            words[group][value] = book.label(key)
    words["met"] = {True: book.label("met.yes"), False: book.label("met.no"), "doubt": book.label("met.in_doubt")}
    words["bool"] = {True: book.label("yes"), False: book.label("no")}
    return words


# a rejected row's reasons are English as stored; the workbook's language has them translated, each
# distinct reason once, when a period has no more distinct reasons than this (else they stay English)
MAX_REASONS = 500


# The columns of text the tool writes in English (a row's reasons, the source of a file's totals, why a
# sheet was skipped): in the workbook's language, each distinct value translated once
TRANSLATED = ("reason", "control_source", "skipped")


def _translated_cell(
    book: Book, con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], name: str, style: int
) -> str:
    """The cell of a column the tool writes in English, in the workbook's language (a row's reasons
    masked first in a masked workbook)."""
    from reconcile.messages import translate

    # a row's reasons and why a sheet was skipped (which names it) masked first in a masked workbook
    expr = f"rc_mask_text({name})" if book.mask and name in ("reason", "skipped") else quote_ident(name)
    found = con.execute(f"SELECT DISTINCT {expr} FROM ({sql}) AS s LIMIT {MAX_REASONS + 1}", params).fetchall()
    words = {r: translate(r, book.lang) for (r,) in found if r} if len(found) <= MAX_REASONS else {}
    return sheetxml.mapped(expr, words, style)


def table_sheets(book: Book, con: duckdb.DuckDBPyConnection, table: Table, params: dict[str, Any]) -> int:
    """A table over as many sheets as it needs: header frozen and filtered on each, no row cut."""
    sql = table.masked_sql if book.mask and table.masked_sql else table.sql
    total = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0]
    per_sheet = book.max_rows - 1
    styles = {name: fmt._get_xf_index() for name, fmt in book.fmt.items()}
    words = _words(book)
    # a finding's description is stored in both languages: the column of the workbook's language
    cells = [
        _translated_cell(book, con, sql, params, c.name, styles["text"])
        if c.name in TRANSLATED and book.lang != "en"
        else sheetxml.detail_vi(book.mask, styles["text"])
        if c.name == "detail" and book.lang == "vi"
        else sheetxml.cell_sql(
            f"description_{book.lang}" if c.name == "description" else c.name, c.kind, styles, words, book.mask
        )
        for c in table.columns
    ]
    headers = [book.label("col." + c.name) for c in table.columns]
    for part in range(max(1, math.ceil(total / per_sheet))):
        offset = part * per_sheet
        count = min(per_sheet, total - offset)
        ws = new_sheet(book, table.key, part + 1)
        for i, c in enumerate(table.columns):
            ws.set_column(i, i, c.width, None, {"hidden": True} if c.hidden else None)
        ws.freeze_panes(1, 0)
        ws.repeat_rows(0)
        w = Writer(book, ws)
        w.header(headers)
        ws.autofilter(0, 0, max(count, 1), len(table.columns) - 1)
        if table.read_only:  # every cell locked; filtering, sorting and widths still work
            ws.protect("", {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True})
        for i, c in enumerate(table.columns):
            if c.choices:
                ws.data_validation(
                    1,
                    i,
                    max(count, 1),
                    i,
                    {
                        "validate": "list",
                        "source": list(c.choices),
                        "error_type": "stop",
                        "input_title": book.label("col." + c.name)[:32],
                        "input_message": book.label("help." + c.name)[:255],
                    },
                )
        book.parts.append(
            sheetxml.Part(
                entry=f"xl/worksheets/sheet{len(book.sheets)}.xml",
                sql=sheetxml.rows_sql(sql, table.order, cells, count, offset),
                params=params,
                offset=offset,
                count=count,
                ncols=len(table.columns),
                label=table.key,
                total=total,
            )
        )
    return total
