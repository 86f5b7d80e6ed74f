"""Opening the database file, and DuckDB's memory, spill folder and progress for a run."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from reconcile.errors import DatabaseBusyError, ReconcileError
from reconcile.warehouse.quoting import quote_literal


def is_duckdb(path: Path) -> bool:
    """Whether a file is a DuckDB database (its header's magic bytes, `DUCK` at byte 8)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def connect(db: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (or, for writing, create) the database file. Refuses a file that is not a DuckDB
    database, and never lets DuckDB fetch or load extensions by itself (it would open a CSV or
    SQLite file that way). A database another process holds for writing is refused at once."""
    if db.is_dir():
        raise ReconcileError(f"{db}: is a folder, not a database file; pass a file path to --db")
    if db.exists() and db.stat().st_size > 0 and not is_duckdb(db):
        raise ReconcileError(f"{db}: is not a DuckDB database; choose another --db path")
    try:
        return duckdb.connect(
            str(db),
            read_only=read_only,
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
    except duckdb.IOException as exc:
        # "Could not set lock on file" (POSIX); Windows says the file "is being used by another process"
        if any(sign in str(exc).lower() for sign in ("lock", "used by another process")):
            raise DatabaseBusyError(
                f"{db}: the database is in use by another process (a running reconciliation?); "
                "wait for it to finish and try again"
            ) from None
        raise ReconcileError(
            f"{db}: cannot open the database ({str(exc).splitlines()[0]}); check the --db path"
        ) from None
    except duckdb.Error as exc:
        raise ReconcileError(
            f"{db}: not a DuckDB database ({str(exc).splitlines()[0]}); choose another --db path"
        ) from None


@contextlib.contextmanager
def write_transaction(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The database opened for writing, in one transaction: committed when the block ends, rolled
    back (nothing written) when it raises, and closed either way."""
    con = connect(db)
    try:
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # no transaction to roll back (it failed to begin)
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()


# DuckDB's cap when --memory-limit is not given. DuckDB's own default, 80% of the machine's memory,
# let a 10M-row month take 15 GB; within 1.5 GB it peaks at about 2.1 GB of RSS (the rest is Python,
# the readers and DuckDB's own bookkeeping) and a 1M month loses nothing (bench/HISTORY.md).
DEFAULT_MEMORY_LIMIT = "1.5GB"
MEMORY_LIMIT = re.compile(r"^\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.I)


def give_back_space(db: Path, size_before: int) -> None:
    """After a run that was rolled back, the database file cut back to what it holds. DuckDB writes a
    large transaction's rows into the file before it commits, and a rollback frees those blocks but
    leaves the file grown: a run that failed on a full disk left it filling the disk, and the next,
    smaller run failed too. A checkpoint of a change truncates the free blocks at the file's end, so
    a table made and dropped in one transaction (nothing of it stays) is committed and checkpointed.
    Best effort: a database busy or still without room stays as it is, and the run's own error is
    what is said."""
    try:
        if not db.is_file() or db.stat().st_size <= size_before:
            return
        con = connect(db)
    except (OSError, ReconcileError, duckdb.Error):  # busy, or no longer a database file: as it is
        return
    try:
        con.execute("BEGIN")
        con.execute("CREATE TABLE reconcile_give_back (n INTEGER)")
        con.execute("DROP TABLE reconcile_give_back")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except duckdb.Error:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
    finally:
        con.close()


def check_memory_limit(limit: str | None) -> None:
    if limit is not None and not MEMORY_LIMIT.match(limit):
        raise ReconcileError(f"--memory-limit '{limit}' is not a size; give one such as 800MB or 2GB")


class ProgressWatcher:
    """Polls DuckDB's progress through the running query from a thread and reports it, so that a
    long step can show how far it is and the time left. DuckDB computes progress but prints nothing."""

    def __init__(self, con: duckdb.DuckDBPyConnection, report: Callable[[float], None], every: float = 0.5):
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        self._con, self._report, self._every = con, report, every
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._done.wait(self._every):
            try:
                percent = self._con.query_progress()
            except duckdb.Error:
                continue
            if percent is not None and percent >= 0:
                self._report(float(percent))

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def limit_memory(con: duckdb.DuckDBPyConnection, limit: str | None, spill: Path) -> None:
    """Cap DuckDB's memory; what does not fit spills to a folder beside the database (removed after).
    Without a limit DuckDB may use up to 80% of the machine's memory."""
    if limit is None:
        return
    con.execute(f"SET memory_limit = '{limit.strip()}'")
    con.execute(f"SET temp_directory = {quote_literal(str(spill))}")
    con.execute("SET preserve_insertion_order = false")  # lets large sorts and inserts stream within the limit
