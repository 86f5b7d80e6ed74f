"""run(RunConfig) -> RunResult: read → normalise → load → match → find → write → measure, the one
orchestrator of the steps; each step lives in its own module (normalise/, load, match, rules, store, measure).

Files are read and their headers checked before the database is opened. The work of the steps
(normalise to find, and the non-cash share) is done in temp tables, statement by statement, so
that the memory of each table dropped is given back at once; only the period's rows are written
inside one DuckDB transaction, at the end. A failure at any point leaves the database as it was
(and removes a database file the run created): it holds the whole new period or none of it.
"""

from __future__ import annotations

import contextlib
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from reconcile import keys, scratch, worktables
from reconcile.cases import refresh as cases_refresh
from reconcile.cases.refresh import back_paid_twice, money_notes, paid_ahead, settled_money_taken
from reconcile.cases.reopen import reopen_flagged
from reconcile.cases.signoff import refuse_if_signed_off
from reconcile.checks_coverage import RunWarning, kept
from reconcile.checks_earlier import history_warnings
from reconcile.config import Settings, check_period
from reconcile.contracts import RecordKind
from reconcile.errors import InputFileError, ReconcileError, no_folder
from reconcile.load import load
from reconcile.match import match
from reconcile.measure import RUN_NONCASH_BASE, replaced, summarise
from reconcile.normalise.stage import stage_files
from reconcile.profiles import resolve
from reconcile.readers import RawTable, SkippedSheet, read_tables
from reconcile.readers.across import across_files
from reconcile.results import RunResult
from reconcile.rules import find
from reconcile.store import write
from reconcile.timings import record_steps, set_step, timed
from reconcile.warehouse import (
    DEFAULT_MEMORY_LIMIT,
    ProgressWatcher,
    check_memory_limit,
    compute_noncash_share,
    connect,
    ensure_schema,
    give_back_space,
    limit_memory,
    quote_literal,
    refuse_foreign,
)
from reconcile.warehouse.schema import record_version


@dataclass
class RunConfig:
    period: str
    registry: list[Path]
    payments: list[Path]
    db: Path = Path("reconcile.duckdb")
    settings: Settings = field(default_factory=Settings)
    operator: str | None = None
    on_step: Callable[[str], None] | None = None  # told the name of each step as it starts (progress)
    on_progress: Callable[[float], None] | None = None  # told how far DuckDB is through the current query (0-100)
    on_read: Callable[[str, int, int], None] | None = None  # told each file's name as read, bytes before it, in all
    memory_limit: str | None = None  # --memory-limit: DuckDB's limit (default 1.5GB); beyond it, it spills to disk
    profile: str | None = None  # --profile: a built-in name or a .toml file, for the files of its kind
    sheet: str | None = None  # --sheet: the Excel sheet to read, by name or position (1 = first)
    on_notice: Callable[[str], None] | None = None  # told of something the operator should know (a retry)
    partial: bool = False  # --partial: go on when a source looks missing, and record the period as partial
    on_commit: Callable[[], None] | None = None  # told as soon as the period is committed (before closing)
    on_sheets: Callable[[list[str]], None] | None = None  # told a workbook's sheet names before any message names one
    said: list[str] = field(default_factory=list)  # what the command told of the files before the run (runs.warnings)


QUOTED = "'{}'"  # a sheet's name as the notices quote it


def period_bounds(period: str) -> tuple[date, date]:
    year, month = (int(x) for x in period.split("-"))
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def read_inputs(cfg: RunConfig, staging: Path | None = None) -> tuple[list[tuple[int, RawTable]], list[SkippedSheet]]:
    """Read every file; a file that cannot be used stops the run here, before the database is touched.
    A workbook gives one table per sheet that holds its role, each with its own file_id; the sheets
    that do not are returned apart (and told to on_notice). CSV files are staged as Parquet in
    `staging` (readers.read_tables)."""
    from reconcile.readers import limits

    limits.use(cfg.settings.limits, cfg.settings.checks)
    if not cfg.registry:
        raise ReconcileError("no registry file given; pass --registry FILE")
    if not cfg.payments:
        raise ReconcileError("no payments file given; pass --payments FILE")
    notice = cfg.on_notice or (lambda _text: None)
    tables: list[tuple[int, RawTable]] = []
    skipped: list[SkippedSheet] = []
    seen: dict[str, tuple[Path, RecordKind]] = {}
    held: list[tuple[Path, list[SkippedSheet], list[RawTable]]] = []
    profile = resolve(cfg.profile) if cfg.profile else None
    files: list[tuple[RecordKind, Path]] = [("registry", p) for p in cfg.registry]
    files += [("payments", p) for p in cfg.payments]
    sizes = [_file_size(p) for _, p in files]
    for n, (kind, path) in enumerate(files):
        if cfg.on_read:
            cfg.on_read(Path(path).name, sum(sizes[:n]), sum(sizes))
        read, passed_over = read_tables(
            path, kind, profile if profile and profile.kind == kind else None, cfg.sheet, staging, cfg.on_sheets
        )
        other = seen.get(read[0].sha256)
        # one workbook given as --registry and as --payments, its registry on one sheet, its payments on
        # another: each role reads its own sheets (those of the other role are refused as that role)
        if other is not None and not (other[1] != kind and read[0].sheet is not None):
            raise InputFileError(str(path), f"has the same content as {other[0]}", "pass each file once")
        seen[read[0].sha256] = (Path(path), kind)
        tables.extend((len(tables) + 1, table) for table in read)
        held.append((path, passed_over, read))
        hidden = [t.sheet for t in read if t.hidden]
        if hidden:
            notice(
                f"{path}: {len(hidden)} hidden {'sheet' if len(hidden) == 1 else 'sheets'} read as the others are "
                # a sheet's name as it is, in quotes: repr's escapes (`\r`) would hide it from --mask-ids
                f"({', '.join(map(QUOTED.format, hidden))}); check that the rows there belong to this month's list"
            )
    for book, passed_over, read in held:  # a sheet the workbook's other role reads is not skipped
        passed_over = [s for s in passed_over if not any((t.path, t.sheet) == (s.path, s.sheet) for _, t in tables)]
        skipped.extend(passed_over)
        if passed_over:
            notice(
                f"{book}: "
                + "; ".join(f"sheet '{s.sheet}' skipped ({s.reason})" for s in passed_over)
                + f"; read {', '.join(QUOTED.format(t.sheet) for t in read)}"
            )
    across_files(tables, notice)  # a day's statement left out; returns paired across statements
    return tables, skipped


def _file_size(path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:  # read_file says what is wrong with it
        return 0


def run(cfg: RunConfig) -> RunResult:
    check_period(cfg.period)
    check_memory_limit(cfg.memory_limit)
    started = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    steps: dict[str, float] = {}

    # CSV files are staged beside the database (the disk it needs room on anyway), not in /tmp,
    # which may be memory, in a folder of this run's own that goes when the run ends; what a killed
    # run left there goes first (reconcile/scratch.py)
    db = Path(cfg.db)
    scratch.clean_leftovers(db)
    try:
        staging = scratch.new_dir(db, "staging")
    except OSError:  # no such folder, or not writable: the database step will say so
        staging = None
    try:
        return _run(cfg, started, t0, steps, staging)
    finally:
        if staging is not None:
            scratch.remove(staging)


def _run(cfg: RunConfig, started, t0: float, steps: dict[str, float], staging: Path | None) -> RunResult:
    _refuse_signed_off_first(Path(cfg.db), cfg.period)
    _notify(cfg, "read")
    said = [RunWarning(text) for text in cfg.said]  # and what reading tells: kept for runs.warnings, the workbook
    tables, skipped = read_inputs(replace(cfg, on_notice=kept(said, cfg.on_notice)), staging)
    steps["read"] = time.perf_counter() - t0
    if not Path(cfg.db).parent.is_dir():
        raise no_folder(Path(cfg.db).parent, "--db")
    key = keys.for_run(Path(cfg.db), cfg.on_notice)

    # Parts of DuckDB's work cannot spill to disk; each thread needs room for its share of them. If
    # the memory runs out anyway, the run is rolled back and made again on one thread (slower, about
    # half the memory), so that memory is not what makes a month fail.
    for threads in (None, 1):
        try:
            result = _transaction(cfg, tables, skipped, started, steps, t0, threads, key, said)
        except duckdb.OutOfMemoryException:
            limit = f" within --memory-limit {cfg.memory_limit or DEFAULT_MEMORY_LIMIT}"
            if threads == 1:
                raise ReconcileError(
                    f"the run ran out of memory{limit} even on one thread; give a larger --memory-limit, and "
                    "check that the disk beside --db has room for DuckDB to spill to"
                ) from None
            if cfg.on_notice:
                cfg.on_notice(f"the run ran out of memory{limit}; running it again on one thread (slower)")
            steps.clear()
            steps["read"] = time.perf_counter() - t0
            continue
        result.seconds = time.perf_counter() - t0
        record_steps(steps)
        return result
    raise AssertionError("unreachable")


def _transaction(
    cfg: RunConfig, tables, skipped, started, steps, t0, threads: int | None, key: tuple[bytes, bool], said: list
) -> RunResult:
    """Everything after reading; its writes in one transaction, committed whole, or rolled back (and
    a database file this run created removed, with the key file it made for it)."""
    db = Path(cfg.db)
    existed = db.exists()
    size = db.stat().st_size if existed else 0
    con = timed(connect(db))
    # DuckDB spills into its own folder of this run (never `<db>.tmp`, which another may have made)
    spill = scratch.new_dir(db, "spill")
    watcher = ProgressWatcher(con, cfg.on_progress) if cfg.on_progress else None
    committed = False
    try:
        con.execute(f"SET temp_directory = {quote_literal(str(spill))}")
        limit_memory(con, cfg.memory_limit or DEFAULT_MEMORY_LIMIT, spill)
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        # a month too large for the memory limit keeps its wide work tables compressed on disk
        work = worktables.place(con, spill, tables, cfg.memory_limit or DEFAULT_MEMORY_LIMIT)
        result = _reconcile(con, cfg, tables, skipped, started, steps, t0, key[0], work, said)
        with _signals_held():  # a signal as the commit returns comes after it is recorded as done
            con.execute("COMMIT")
            committed = True
            if cfg.on_commit:  # a signal while the connection closes must not say the database is unchanged
                cfg.on_commit()
    except BaseException:
        if committed:  # a signal just after the commit: the period is saved, and stays
            _close(con, watcher)
            raise
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        _close(con, watcher)
        if not existed:
            for leftover in (db, db.with_name(db.name + ".wal")):
                leftover.unlink(missing_ok=True)
        else:
            give_back_space(db, size)
        if key[1]:  # a key file made by this run that failed (a new database, or one of another key)
            keys.key_path(db).unlink(missing_ok=True)
        raise
    else:
        _close(con, watcher)
    finally:
        scratch.remove(spill)
    return result


@contextlib.contextmanager
def _signals_held():
    """SIGINT and SIGTERM held back until the block ends, then delivered: the commit and the record
    that it is done go together. Otherwise Ctrl-C as COMMIT returned was taken for one before it, and
    the run said 'the database is unchanged' of a period it had replaced. The handlers in place are
    set aside for ones that note the signal (Python runs handlers in the main thread whichever thread
    the signal reached), and the first signal noted is raised again once they are back."""
    held = [signal.SIGINT, *([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])]
    pending: list[int] = []
    try:
        before = {s: signal.signal(s, lambda signum, _frame: pending.append(signum)) for s in held}
    except ValueError:  # not the main thread: no handler of ours to set aside
        yield
        return
    try:
        yield
    finally:
        for s, handler in before.items():  # None: a handler set outside Python, which cannot be put back
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        if pending:
            signal.raise_signal(pending[0])


def _close(con, watcher: ProgressWatcher | None) -> None:
    """The run's connection closed, its progress no longer watched, before the spill folder goes:
    closing checkpoints the database and may read back what DuckDB spilled there, and the scratch
    database of the wide work tables is a file in it. With the folder removed first, a 10M run under
    --memory-limit 1GB that had committed crashed as it closed (a fault inside DuckDB; one run of
    the three made that day, bench/HISTORY.md)."""
    if watcher:
        watcher.stop()
    con.close()


def _notify(cfg: RunConfig, step: str, con=None) -> None:
    if con is not None:
        set_step(con, step)
    if cfg.on_step:
        cfg.on_step(step)


def _step(steps: dict[str, float], name: str, t: float) -> float:
    now = time.perf_counter()
    steps[name] = steps.get(name, 0.0) + now - t
    return now


def _reconcile(con, cfg: RunConfig, tables, skipped, started, steps, t0, key: bytes, work: dict, said) -> RunResult:
    """The steps after reading, in order, each timed: normalise, load, match, find, write, measure.
    `work`: where the work tables go (worktables.place); `said`: the warnings of reading."""
    t = time.perf_counter()
    params = {**run_params(cfg.period, cfg.settings), **work}

    _notify(cfg, "normalise", con)
    _check_key(con, Path(cfg.db), key)
    params.update(keys.pads(key))
    params["key_check"] = keys.check_value(key)
    stage_files(con, tables, params)
    t = _step(steps, "normalise", t)

    _notify(cfg, "load", con)
    counts = load(con, tables, params, cfg.period, cfg.settings)
    t = _step(steps, "load", t)

    _notify(cfg, "match", con)
    missing, found = match(con, tables, params, cfg.settings.checks, cfg.partial, cfg.on_notice)
    warnings = [*said, *found]
    params["partial"] = bool(missing)
    t = _step(steps, "match", t)

    _notify(cfg, "find", con)
    find(con, params)
    t = _step(steps, "find", t)

    _notify(cfg, "write", con)
    compute_noncash_share(con, cfg.period, RUN_NONCASH_BASE)
    # the period's rows, and nothing else, are written in one transaction
    con.execute("BEGIN TRANSACTION")
    ensure_schema(con)
    keys.check_database(con, Path(cfg.db), key)
    refuse_if_signed_off(con, cfg.period, "re-run")
    warnings += history_warnings(con, tables, cfg.period, cfg.settings.checks.min_group, cfg.on_notice)
    previous = write(con, cfg, tables, skipped, counts, params, started, missing, warnings)
    # the period's cases: a closed one flagged again reopens; `cases` is remade (earlier versions' findings keyed first)
    cases_refresh.backfill(con, key)
    reopened = reopen_flagged(con, key, cfg.period, params["run_id"])  # (closed, settled, taken back)
    cases_refresh.refresh(con)
    record_version(con)
    t = _step(steps, "write", t)

    _notify(cfg, "measure", con)
    result = summarise(con, cfg.period, Path(cfg.db), params["run_id"], steps, t0)
    result.missing_sources, result.skipped_sheets, result.warnings = missing, skipped, warnings
    result.replaced = replaced(con, params["run_id"], previous)
    result.reopened, result.reopened_settled, result.reopen_undone = reopened
    result.over_settled, result.unflagged_money, result.returned_overpaid, result.arrears_other_id = money_notes(con)
    result.back_paid_twice = back_paid_twice(con, cfg.period)
    result.paid_ahead, result.paid_before = paid_ahead(con, cfg.period)
    result.settled_taken = settled_money_taken(con, cfg.period, result.replaced.run_id) if result.replaced else []
    _step(steps, "measure", t)
    return result


def _refuse_signed_off_first(db: Path, period: str) -> None:
    """A signed-off period is refused before its files are read (and again in the transaction, where
    it counts: a sign-off made while the run worked)."""
    if not (db.is_file() and db.stat().st_size > 0):
        return
    con = connect(db, read_only=True)
    try:
        refuse_foreign(con, db)
        refuse_if_signed_off(con, period, "re-run")
    finally:
        con.close()


def _check_key(con, db: Path, key: bytes) -> None:
    """A key other than the database's is refused before the work, not after it (keys.check_database,
    again inside the transaction); a database without runs yet has nothing to check."""
    has_runs = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name = 'runs' AND column_name = 'key_check'"
    ).fetchone()[0]
    if has_runs:
        keys.check_database(con, db, key)


def run_params(period: str, settings: Settings) -> dict:
    """The values the SQL files take as $name, for a new run of the period."""
    period_start, period_end = period_bounds(period)
    return {
        "period": period,
        "period_start": period_start,
        "period_end": period_end,
        "run_id": uuid.uuid4().hex,
        "amount_tolerance": settings.thresholds.amount_tolerance,
        "name_similarity": settings.thresholds.name_similarity,
        "name_truncation_min_length": settings.thresholds.name_truncation_min_length,
        "shared_account_min_beneficiaries": settings.thresholds.shared_account_min_beneficiaries,
        "name_without_dob": settings.matching.name_without_dob,
        "february_with_january": ",".join(["", *settings.matching.february_with_january, ""]),
        "partial": False,
    }
