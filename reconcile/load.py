"""Load: the staged rows that can be used are numbered and become the run's registry and payments
(sql/load_current.sql), the others rejected rows with their reasons (sql/rejected.sql); each file's
counts are checked against its reader and the month's guards against the files (reconcile/checks.py)."""

from __future__ import annotations

from reconcile import checks
from reconcile.checks import check_files, file_names, rows
from reconcile.normalise.stage import attach_raw
from reconcile.sqlfiles import execute_file


def load(con, tables, params: dict, period: str, settings) -> dict[int, dict]:
    """Load the staged rows; return each file's checked counts."""
    execute_file(con, "rejected.sql", params)
    counts = file_counts(con, tables)
    check_files(con, tables, counts, period, settings)
    execute_file(con, "load_current.sql", params)
    names = file_names(tables)
    if sum(tb.kind == "registry" for _, tb in tables) > 1:  # the same registry twice takes two
        checks.check_registry_repeats(rows(con, "checks/registry_repeats.sql"), names, settings.checks)
    checks.check_repeats(rows(con, "checks/repeats.sql"), names, settings.checks)
    attach_raw(con, tables)
    con.execute("DROP VIEW raw_registry")
    con.execute("DROP VIEW raw_payments")
    return counts  # the staged rows stay: cur_registry and cur_payments are views of them


def file_counts(con, tables) -> dict[int, dict]:
    """Each file's counts (sql/file_counts.sql), checked against its reader: every row read was
    staged, and the amounts read are the amounts loaded plus those rejected. A plain Parquet file is
    read twice, its footer's count with its reader and its rows as it is staged: a count that differs
    there is a file rewritten in between, refused."""
    from reconcile.readers.file_state import changed_while_read, check_unchanged

    execute_file(con, "file_counts.sql", {})
    names = [
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "rows_set_aside",
        "ids_restored",
        "amount_read",
        "amount_loaded",
        "amount_rejected",
        "amount_set_aside",
        "amounts_unreadable",
        "blank_rows",
    ]
    out = {}
    for file_id, tb in tables:
        row = con.execute(f"SELECT {', '.join(names)} FROM cur_file_counts WHERE file_id = ?", [file_id]).fetchone()
        counts = dict(zip(names, row or (0,) * len(names)))
        if tb.format == "parquet" and tb.source is not None:  # its rows read now, by the statements above
            if counts["rows_read"] != tb.rows_read:
                raise changed_while_read(tb.path)
            if tb.state is not None:  # as many rows, of another content than the one hashed
                check_unchanged(tb.path, tb.state)
        if counts["rows_read"] != tb.rows_read:
            raise RuntimeError(f"{tb.path}: {tb.rows_read} rows read but {counts['rows_read']} staged")
        if counts["amount_read"] != counts["amount_loaded"] + counts["amount_rejected"] + counts["amount_set_aside"]:
            raise RuntimeError(f"{tb.path}: amounts read and amounts loaded + rejected + set aside differ")
        out[file_id] = counts
    return out
