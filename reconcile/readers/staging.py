"""A CSV file staged: its rows, as text, with the profile applied, written a piece at a time to a
Parquet file (removed when its table is), which the run reads as it reads plain Parquet. So no CSV
file is ever held whole in memory. A file cut short as it is staged is refused as such (file_state.py)."""

from __future__ import annotations

import os
import re
from errno import EFBIG
from pathlib import Path

import polars as pl

from reconcile.errors import ReconcileError
from reconcile.readers.balances import check_running_balance, entry_columns
from reconcile.readers.file_state import changed_while_read, file_state
from reconcile.readers.names import ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.roles import no_data_rows
from reconcile.readers.tables import RawTable
from reconcile.readers.totals import UNDER_TOTALS, parquet_tail, take_totals_row


def stage_csv(table: RawTable, staging: Path | None, first_row: int) -> None:
    """Write a scanned CSV file's rows to a Parquet file, a piece at a time, and read its data rows
    (from `first_row` on; the header row is written too) from there. A file scanned from disk as
    UTF-8 (its head is) that holds other bytes further on raises NotUtf8."""
    import tempfile
    import weakref

    import pyarrow.parquet as pq

    from reconcile.warehouse import quote_ident, quote_path

    before = file_state(table.path)  # a file rewritten while polars reads it: its parser's error is not the news
    fd, name = tempfile.mkstemp(prefix="reconcile-", suffix=".parquet", dir=staging)
    os.close(fd)
    remove = weakref.finalize(table, _remove, name)
    try:
        scan = table.frame.lazy()  # the CSV scan (a LazyFrame's lazy() is itself)
        scan.sink_parquet(name, compression="lz4")
        staged = pq.ParquetFile(name)
        rows = staged.metadata.num_rows - 1
        schema = scan.collect_schema()
        table.frame = pl.DataFrame(schema=schema)
        tail = parquet_tail(staged, first_row, table) if rows else None
        totals = take_totals_row(table, tail, pl.scan_parquet(name)) if tail is not None else None
        rows -= totals is not None
        if totals is None and staged.num_row_groups:
            last = staged.read_row_group(staged.num_row_groups - 1, columns=[ROW_COLUMN])
            table.last_row = pl.DataFrame(last).select(pl.col(ROW_COLUMN).max()).item()
        if rows == 0:
            raise no_data_rows(table.path, table.kind)
        if table.balance is not None:  # a statement export's running balance: its four columns
            entries = entry_columns(table, schema.names())  # and what tells its rows apart: export_span.py
            kept = pl.read_parquet(name, columns=[ROW_COLUMN, SKIP_COLUMN, *table.balance, *entries])
            check_running_balance(table, kept.filter(pl.col(ROW_COLUMN) >= first_row))
    except BaseException as exc:
        cut = _cut_at_limit(name)
        remove()  # now, not when the table goes: the error's traceback holds on to the table
        if isinstance(exc, Exception) and file_state(table.path) != before:  # cut short as it was read, say:
            raise changed_while_read(table.path) from None  # not what its parser or its guards made of that
        utf8 = table.encoding in ("utf-8", "utf-8-sig")
        if utf8 and isinstance(exc, pl.exceptions.ComputeError) and "invalid utf-8" in str(exc):
            from reconcile.readers.delimited import NotUtf8

            raise NotUtf8(table.path) from None
        if isinstance(exc, Exception) and (cut or isinstance(exc, (pl.exceptions.PolarsError, OSError))):
            raise _staging_error(table.path, Path(name).parent, exc, cut) from None
        raise
    row = quote_ident(ROW_COLUMN)
    under = ""
    if (table.under_totals or table.bare_total is not None) and SKIP_COLUMN in schema:
        skip = quote_ident(SKIP_COLUMN)  # the signatures under it, and a totals row that says nothing: set aside
        listed = ", ".join(str(r) for r in table.under_totals) or "NULL"
        bare = f"WHEN {row} = {table.bare_total[0]} THEN '{table.bare_total[1]}' " if table.bare_total else ""
        under = (
            f" REPLACE (CASE {bare}WHEN ({row} IN ({listed}) AND {skip} IS NULL) OR ({row} > {table.under_from} AND {skip} = 'blank row') "
            f"THEN '{UNDER_TOTALS}' ELSE {skip} END AS {skip})"
        )
    table.source = f"SELECT *{under} FROM read_parquet({quote_path(name)}) WHERE {row} >= {first_row}" + (
        f" AND {row} <> {totals}" if totals is not None else ""
    )
    table.row_count = rows


def _remove(name: str) -> None:
    Path(name).unlink(missing_ok=True)


def _cut_at_limit(name: str) -> bool:
    """Whether the staged copy reached the file-size limit (`ulimit -f`): polars stops writing it there
    without a word, and reading it back then fails as if the input were not CSV."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return False
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    try:
        return limit != resource.RLIM_INFINITY and os.path.getsize(name) >= limit
    except OSError:
        return False


def _staging_error(path: Path, folder: Path, exc: Exception, cut: bool = False) -> ReconcileError:
    """A file that cannot be parsed, or a copy that cannot be written: polars reports a failed
    write (a full disk) as a ComputeError naming the OS error; a copy `cut` at the file-size limit, not
    at all."""
    from reconcile.readers import delimited

    found = re.search(r"\(os error (\d+)\)", str(exc))
    errno = exc.errno if isinstance(exc, OSError) else int(found.group(1)) if found else None
    errno = EFBIG if cut else errno
    if errno is None:
        return delimited.unreadable(path, exc)
    if errno == EFBIG:
        return ReconcileError(
            f"{path}: cannot be staged in {folder} ({os.strerror(errno)}); raise the file-size limit (ulimit -f), "
            "or give --db a folder on a disk that takes larger files"
        )
    return ReconcileError(
        f"{path}: cannot be staged in {folder} ({os.strerror(errno)}); check that the disk "
        "there has room, or give --db a folder on another disk"
    )
