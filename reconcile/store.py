"""Write: the run's rows into the period's tables, replacing the period's earlier run (moved to the
superseded tables), with its inputs, targets, non-cash share, rules and the run's own row."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime

from reconcile import __version__
from reconcile.checks_coverage import warnings_json
from reconcile.readers import SkippedSheet
from reconcile.rules import catalogue
from reconcile.sqlfiles import execute_file
from reconcile.warehouse import column_names, quote_ident, replace_period, store_noncash_share


def write(
    con,
    cfg,
    tables,
    skipped: list[SkippedSheet],
    counts: dict[int, dict],
    params: dict,
    started: datetime,
    missing: list,
    warnings: list,
) -> tuple | None:
    """Store the run; return the run it replaced (run_id, finished_at, operator), if any. What
    changed against it goes to run_changes (sql/run_changes.sql)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE prev_inputs AS SELECT run_id, role, file_name, sheet, sha256, skipped "
        "FROM inputs WHERE period = ?",
        [cfg.period],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE prev_flags AS SELECT run_id, flag_id, code FROM flags WHERE period = ?",
        [cfg.period],
    )
    previous = con.execute("SELECT run_id, finished_at, operator FROM runs WHERE period = ?", [cfg.period]).fetchone()
    replace_period(con, cfg.period, params["run_id"])
    _store(con, cfg, tables, skipped, counts, params, started, missing, warnings)
    execute_file(con, "run_changes.sql", params)
    return previous


# The stored registry and payments: the run's rows, with the payment's own reference repeat and an
# account number that had lost its leading zeros restored (facts.sql's pm); the matches from pm,
# which holds each matched payment's reference and its beneficiary's ID and programme
STORED_SOURCES = {
    "registry": """(SELECT r.* REPLACE (coalesce(fx.account, r.account_number) AS account_number),
                            fx.account IS NOT NULL AS account_restored
                     FROM cur_registry AS r
                     LEFT JOIN (SELECT registry_id, max(registered_account) AS account FROM cur_account_fixes
                                WHERE account_restored = 'registry' GROUP BY registry_id) AS fx USING (registry_id))""",
    "payments": """(SELECT p.* REPLACE (coalesce(fx.account_number, p.account_number) AS account_number),
                            fx.payment_id IS NOT NULL AS account_restored, rp.repeat_of
                     FROM cur_payments AS p
                     LEFT JOIN (SELECT payment_id, account_number FROM cur_account_fixes
                                WHERE account_restored = 'payment') AS fx USING (payment_id)
                     LEFT JOIN cur_repeats AS rp USING (payment_id))""",
    "matches": """(SELECT payment_id, payment_ref, registry_id, vneid, registered_program AS program,
                           match_method AS method, a.months - 1 AS months_ahead
                    FROM pm LEFT JOIN cur_paid_ahead AS a USING (payment_id) WHERE registry_id IS NOT NULL)""",
}


def _store(
    con,
    cfg,
    tables,
    skipped: list[SkippedSheet],
    counts: dict[int, dict],
    params: dict,
    started: datetime,
    missing: list,
    warnings: list,
) -> None:
    p = {"period": cfg.period, "run_id": params["run_id"]}
    for table, source in STORED_SOURCES.items():
        cols = [c for c in column_names(table) if c not in ("period", "run_id")]
        col_list = ", ".join(quote_ident(c) for c in cols)
        con.execute(
            f"INSERT INTO {quote_ident(table)} (period, run_id, {col_list}) "
            f"SELECT $period, $run_id, {col_list} FROM {source}",
            p,
        )
    execute_file(con, "store_flags.sql", params)

    restored = dict(
        con.execute("""
        SELECT file_id, count(*) FROM cur_account_fixes WHERE account_restored = 'payment' GROUP BY ALL
        UNION ALL
        SELECT registry_file_id, count(DISTINCT registry_id) FROM cur_account_fixes
        WHERE account_restored = 'registry' GROUP BY ALL
        """).fetchall()
    )
    stated = _stated_amounts(con, [tb.control.amount for _, tb in tables if tb.control and tb.control.amount])
    for file_id, tb in tables:
        control = tb.control
        values = {
            **p,
            "file_id": file_id,
            "role": tb.kind,
            "path": str(tb.path),
            "file_name": tb.path.name,
            "sha256": tb.sha256,
            "format": tb.format,
            "encoding": tb.encoding,
            "profile": tb.profile,
            "sheet": tb.sheet,
            "header_row": tb.header_row,
            "columns_used": json.dumps(tb.columns_read, ensure_ascii=False),
            **{k: v for k, v in counts[file_id].items() if k != "blank_rows"},
            "control_count": control.count if control else None,
            "control_amount": stated[control.amount] if control and control.amount else None,
            "control_source": control.what if control else None,
            "accounts_restored": restored.get(file_id, 0),
        }
        con.execute("INSERT INTO inputs BY NAME SELECT " + ", ".join(f"${k} AS {k}" for k in values), values)
    for sheet in skipped:
        values = {
            **p,
            "role": sheet.kind,
            "path": str(sheet.path),
            "file_name": sheet.path.name,
            "sha256": sheet.sha256,
            "format": sheet.path.suffix.lower().lstrip("."),
            "sheet": sheet.sheet,
            "rows_read": 0,
            "rows_loaded": 0,
            "rows_rejected": 0,
            "skipped": sheet.reason,
        }
        con.execute("INSERT INTO inputs BY NAME SELECT " + ", ".join(f"${k} AS {k}" for k in values), values)

    for program, target in (("welfare", cfg.settings.targets.welfare), ("pension", cfg.settings.targets.pension)):
        con.execute("INSERT INTO targets VALUES (?, ?, ?)", [cfg.period, program, target])
    store_noncash_share(con, cfg.period, partial=bool(missing), computed=True)  # computed by the pipeline

    con.execute("DELETE FROM rules")
    for rule in catalogue():
        con.execute(
            "INSERT INTO rules VALUES (?, ?, ?, ?)",
            [rule.code, rule.severity.value, rule.description_en, rule.description_vi],
        )

    counts = con.execute("""
        SELECT (SELECT count(*) FROM cur_registry), (SELECT count(*) FROM cur_payments),
               (SELECT count(*) FILTER (WHERE NOT set_aside) FROM cur_rejected),
               (SELECT count(*) FROM cur_flags),
               (SELECT count(*) FILTER (WHERE set_aside) FROM cur_rejected)""").fetchone()
    values = {
        **p,
        "started_at": started,
        "finished_at": datetime.now(UTC).replace(tzinfo=None),
        # the clock, not DuckDB's now(), which is the time the transaction began
        "tool_version": __version__,
        "operator": cfg.operator or os_user(),
        "settings": cfg.settings.model_dump_json(),
        "registry_rows": counts[0],
        "payment_rows": counts[1],
        "rejected_rows": counts[2],
        "flags": counts[3],
        "set_aside_rows": counts[4],
        "key_check": params["key_check"],
        "partial": bool(missing),
        "missing_sources": json.dumps([m.as_dict() for m in missing]) if missing else None,
        "warnings": warnings_json(warnings),
    }
    con.execute("INSERT INTO runs BY NAME SELECT " + ", ".join(f"${k} AS {k}" for k in values), values)


def _stated_amounts(con, texts: list[str]) -> dict[str, int | None]:
    """The amounts the files' totals state, read as the amounts are (rc_amount): in one query, the
    macro planned once (35 ms), not once for each of a month's thirty daily statements."""
    if not texts:
        return {}
    return dict(con.execute("SELECT a, rc_amount(a) FROM (SELECT unnest(?::VARCHAR[]) AS a)", [texts]).fetchall())


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
