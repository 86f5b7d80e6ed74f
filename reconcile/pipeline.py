"""run(RunConfig) -> RunResult: read → normalise → load → match → find → measure, in one transaction.

Files are read and their headers checked before the database is opened. Everything after happens
inside one DuckDB transaction: a failure rolls it back (and removes a database file the run
created), so the database is either as it was or holds the whole new period.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from reconcile import __version__, checks, keys, normalize, scratch
from reconcile.checks import check_files, file_names, rows
from reconcile.config import Settings, check_period
from reconcile.errors import DatabaseBusyError, InputFileError, ReconcileError
from reconcile.profiles import resolve
from reconcile.readers import RawTable, SkippedSheet, read_tables
from reconcile.rules import catalogue, create_flag_table, run_rule
from reconcile.sqlfiles import execute_file
from reconcile.timings import set_step, timed
from reconcile.warehouse import (
    RUN_NONCASH_BASE,
    column_names,
    ensure_schema,
    quote_ident,
    quote_literal,
    replace_period,
    store_noncash_share,
)


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
    on_read: Callable[[str, int, int], None] | None = (
        None  # told each file's name as it is read, bytes before it, in all
    )
    memory_limit: str | None = None  # --memory-limit: DuckDB's limit (e.g. 1GB); beyond it, it spills to disk
    profile: str | None = None  # --profile: a built-in name or a .toml file, for the files of its kind
    sheet: str | None = None  # --sheet: the Excel sheet to read, by name or position (1 = first)
    on_notice: Callable[[str], None] | None = None  # told of something the operator should know (a retry)
    partial: bool = False  # --partial: go on when a source looks missing, and record the period as partial


@dataclass
class InputSummary:
    file_id: int
    role: str
    path: str
    format: str
    encoding: str | None
    profile: str | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    ids_restored: int
    sheet: str | None = None
    accounts_restored: int = 0
    control_source: str | None = None  # the file's own totals agreed with what was read: where they are
    rows_set_aside: int = 0  # no payment or beneficiary: credits, bank charges, balance and totals rows


@dataclass
class Replaced:
    """The run a re-run of the period replaced, and what changed."""

    run_id: str
    finished_at: datetime
    operator: str
    findings_appeared: int
    findings_gone: int
    inputs_changed: int


@dataclass
class RunResult:
    run_id: str
    period: str
    db: Path
    inputs: list[InputSummary]
    flag_counts: dict[str, int]
    severity_counts: dict[str, int]
    noncash: list[dict]
    registry_rows: int
    payment_rows: int
    rejected_rows: int
    amount_due: int
    amount_paid: int
    seconds: float
    step_seconds: dict[str, float]
    engine: str = "duckdb"
    out: str | None = None  # --engine spark: the folder or URL the flags and share went to
    missing_sources: list = field(default_factory=list)  # checks.MissingSource, when run with --partial
    skipped_sheets: list = field(default_factory=list)  # readers.SkippedSheet
    replaced: Replaced | None = None  # the earlier run of the period this one replaced
    set_aside_rows: int = 0  # rows that are no payment or beneficiary (credits, charges, balance rows)

    @property
    def partial(self) -> bool:
        return bool(self.missing_sources)

    @property
    def flags(self) -> int:
        return sum(self.flag_counts.values())

    def max_severity_rank(self) -> int:
        from reconcile.contracts import SEVERITY_RANK

        return max((SEVERITY_RANK[s] for s, n in self.severity_counts.items() if n), default=0)


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

    limits.use(cfg.settings.limits)
    if not cfg.registry:
        raise ReconcileError("no registry file given; pass --registry FILE")
    if not cfg.payments:
        raise ReconcileError("no payments file given; pass --payments FILE")
    tables: list[tuple[int, RawTable]] = []
    skipped: list[SkippedSheet] = []
    seen: dict[str, Path] = {}
    profile = resolve(cfg.profile) if cfg.profile else None
    files = [("registry", p) for p in cfg.registry] + [("payments", p) for p in cfg.payments]
    sizes = [_file_size(p) for _, p in files]
    for n, (kind, path) in enumerate(files):
        if cfg.on_read:
            cfg.on_read(Path(path).name, sum(sizes[:n]), sum(sizes))
        read, passed_over = read_tables(
            path, kind, profile if profile and profile.kind == kind else None, cfg.sheet, staging
        )
        if read[0].sha256 in seen:
            raise InputFileError(str(path), f"has the same content as {seen[read[0].sha256]}", "pass each file once")
        seen[read[0].sha256] = Path(path)
        tables.extend((len(tables) + 1, table) for table in read)
        skipped.extend(passed_over)
        if passed_over and cfg.on_notice:
            cfg.on_notice(
                f"{path}: "
                + "; ".join(f"sheet '{s.sheet}' skipped ({s.reason})" for s in passed_over)
                + f"; read {', '.join(repr(t.sheet) for t in read)}"
            )
    return tables, skipped


def _file_size(path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:  # read_file says what is wrong with it
        return 0


def connect(db: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (or, for writing, create) the database file. Refuses a file that is not a DuckDB
    database, and never lets DuckDB fetch or load extensions by itself (it would open a CSV or
    SQLite file that way). A database another process holds for writing is refused at once."""
    if db.is_dir():
        raise ReconcileError(f"{db}: is a folder, not a database file; pass a file path to --db")
    if db.exists() and db.stat().st_size > 0:
        with open(db, "rb") as fh:
            if fh.read(12)[8:12] != b"DUCK":
                raise ReconcileError(f"{db}: is not a DuckDB database; choose another --db path")
    try:
        return duckdb.connect(
            str(db),
            read_only=read_only,
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
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


MEMORY_LIMIT = re.compile(r"^\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.I)


def check_memory_limit(limit: str | None) -> None:
    if limit is not None and not MEMORY_LIMIT.match(limit):
        raise ReconcileError(f"--memory-limit '{limit}' is not a size; give one such as 800MB or 2GB")


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
    _notify(cfg, "read")
    tables, skipped = read_inputs(cfg, staging)
    steps["read"] = time.perf_counter() - t0
    if not Path(cfg.db).parent.is_dir():
        raise ReconcileError(f"{Path(cfg.db).parent}: no such folder for --db; create it first")
    key = keys.for_run(Path(cfg.db))

    # Parts of DuckDB's work cannot spill to disk; each thread needs room for its share of them. If
    # the memory runs out anyway, the run is rolled back and made again on one thread (slower, about
    # half the memory), so that memory is not what makes a month fail.
    for threads in (None, 1):
        try:
            result = _transaction(cfg, tables, skipped, started, steps, t0, threads, key)
        except duckdb.OutOfMemoryException:
            limit = f" within --memory-limit {cfg.memory_limit}" if cfg.memory_limit else ""
            if threads == 1:
                fix = (
                    "give a larger --memory-limit"
                    if cfg.memory_limit
                    else "pass a --memory-limit below the memory free on this machine (such as 2GB)"
                )
                raise ReconcileError(
                    f"the run ran out of memory{limit} even on one thread; {fix}, and check that "
                    "the disk beside --db has room for DuckDB to spill to"
                ) from None
            if cfg.on_notice:
                cfg.on_notice(f"the run ran out of memory{limit}; running it again on one thread (slower)")
            steps.clear()
            steps["read"] = time.perf_counter() - t0
            continue
        result.seconds = time.perf_counter() - t0
        return result
    raise AssertionError("unreachable")


def _transaction(
    cfg: RunConfig, tables, skipped, started, steps, t0, threads: int | None, key: tuple[bytes, bool]
) -> RunResult:
    """Everything after reading, in one transaction: committed whole, or rolled back (and a database
    file this run created removed, with the key file it made for it)."""
    db = Path(cfg.db)
    existed = db.exists()
    con = timed(connect(db))
    # DuckDB spills into its own folder of this run (never `<db>.tmp`, which another may have made)
    spill = scratch.new_dir(db, "spill")
    watcher = _ProgressWatcher(con, cfg.on_progress) if cfg.on_progress else None
    try:
        con.execute(f"SET temp_directory = {quote_literal(str(spill))}")
        limit_memory(con, cfg.memory_limit, spill)
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute("BEGIN TRANSACTION")
        result = _reconcile(con, cfg, tables, skipped, started, steps, t0, key[0])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        con.close()
        if not existed:
            for leftover in (db, db.with_name(db.name + ".wal")):
                leftover.unlink(missing_ok=True)
        if key[1]:  # a key file made by this run that failed (a new database, or one of another key)
            keys.key_path(db).unlink(missing_ok=True)
        raise
    finally:
        if watcher:
            watcher.stop()
        scratch.remove(spill)
    con.close()
    return result


class _ProgressWatcher:
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


def _notify(cfg: RunConfig, step: str, con=None) -> None:
    if con is not None:
        set_step(con, step)
    if cfg.on_step:
        cfg.on_step(step)


def _step(steps: dict[str, float], name: str, t: float) -> float:
    now = time.perf_counter()
    steps[name] = steps.get(name, 0.0) + now - t
    return now


def _reconcile(con, cfg: RunConfig, tables, skipped, started, steps, t0, key: bytes) -> RunResult:
    t = time.perf_counter()
    params = run_params(cfg.period, cfg.settings)
    run_id = params["run_id"]
    names = file_names(tables)
    guards = cfg.settings.checks

    _notify(cfg, "normalise", con)
    ensure_schema(con)
    keys.check_database(con, Path(cfg.db), key)
    params.update(keys.pads(key))
    params["key_check"] = keys.check_value(key)
    normalise(con, tables, params)
    t = _step(steps, "normalise", t)

    _notify(cfg, "load", con)
    execute_file(con, "rejected.sql", params)
    counts = file_counts(con, tables)
    check_files(con, tables, counts, cfg.period, cfg.settings)
    execute_file(con, "load_current.sql", params)
    checks.check_repeats(rows(con, "checks/repeats.sql"), names, guards)
    normalize.attach_raw(con, tables)
    for name in ("raw_registry", "raw_payments", "stg_registry", "stg_payments"):
        con.execute(f"DROP TABLE {quote_ident(name)}")  # free their memory before matching
    t = _step(steps, "load", t)

    _notify(cfg, "match", con)
    execute_file(con, "match.sql", params)
    execute_file(con, "facts.sql", params)
    checks.check_scale(
        rows(con, "checks/scale.sql"), names, [str(tb.path) for _, tb in tables if tb.kind == "registry"], guards
    )
    missing = checks.missing_sources(
        rows(con, "checks/coverage.sql"),
        guards,
        lambda group: rows(con, "checks/coverage_exact.sql", checks.exact_coverage_params(group))[0]["with_payment"],
    )
    if missing and not cfg.partial:
        raise checks.refuse_missing(missing)
    params["partial"] = bool(missing)
    t = _step(steps, "match", t)

    _notify(cfg, "find", con)
    create_flag_table(con)
    for rule in catalogue():
        run_rule(con, rule, params)
    t = _step(steps, "find", t)

    _notify(cfg, "write", con)
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
    _store(con, cfg, tables, skipped, counts, params, started, missing)
    execute_file(con, "run_changes.sql", params)
    t = _step(steps, "write", t)

    _notify(cfg, "measure", con)
    result = _summarise(con, cfg, run_id, tables, steps, t0)
    result.missing_sources, result.skipped_sheets = missing, skipped
    result.replaced = _replaced(con, run_id, previous)
    _step(steps, "measure", t)
    return result


def _replaced(con, run_id: str, previous) -> Replaced | None:
    if previous is None:
        return None
    appeared, gone, changed = con.execute(
        "SELECT count(*) FILTER (WHERE change = 'finding_appeared'), count(*) FILTER (WHERE change = "
        "'finding_disappeared'), count(*) FILTER (WHERE change LIKE 'input_%') FROM run_changes WHERE run_id = ?",
        [run_id],
    ).fetchone()
    return Replaced(previous[0], previous[1], previous[2], appeared, gone, changed)


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
        "partial": False,
    }


def normalise(con, tables, params: dict) -> None:
    """The files' rows into the staging tables stg_registry and stg_payments (each row loadable or
    with its reject reason), and cur_files, each file with its place in name order."""
    normalize.install(con)
    # file_order: by file name and content (and a workbook's sheets in their order), so that row ids
    # and evidence order do not depend on the order the files were given in or on how their paths
    # were spelled
    by_name = sorted(tables, key=lambda it: (it[1].path.name, it[1].sha256, it[0]))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cur_files (file_id INTEGER, path VARCHAR, sha256 VARCHAR, file_order INTEGER)"
    )
    con.executemany(
        "INSERT INTO cur_files VALUES (?, ?, ?, ?)",
        [[i, str(tb.path), tb.sha256, order] for order, (i, tb) in enumerate(by_name, start=1)],
    )
    for kind in ("registry", "payments"):
        normalize.load_raw(con, kind, [(i, tb) for i, tb in tables if tb.kind == kind])
        normalize.stage(con, kind, params)


def file_counts(con, tables) -> dict[int, dict]:
    """Each file's counts (sql/file_counts.sql), checked against its reader: every row read was
    staged, and the amounts read are the amounts loaded plus those rejected."""
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
        if counts["rows_read"] != tb.rows_read:
            raise RuntimeError(f"{tb.path}: {tb.rows_read} rows read but {counts['rows_read']} staged")
        if counts["amount_read"] != counts["amount_loaded"] + counts["amount_rejected"] + counts["amount_set_aside"]:
            raise RuntimeError(f"{tb.path}: amounts read and amounts loaded + rejected + set aside differ")
        out[file_id] = counts
    return out


# The stored registry and payments: the run's rows, with the payment's own reference repeat and an
# account number that had lost its leading zeros restored (facts.sql's pm)
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
    "matches": "cur_matches",
}


def _store(
    con,
    cfg: RunConfig,
    tables,
    skipped: list[SkippedSheet],
    counts: dict[int, dict],
    params: dict,
    started: datetime,
    missing: list,
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
            "control_amount": con.execute("SELECT rc_amount(?)", [control.amount]).fetchone()[0]
            if control and control.amount
            else None,
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
    store_noncash_share(con, cfg.period, RUN_NONCASH_BASE, partial=bool(missing))

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
    }
    con.execute("INSERT INTO runs BY NAME SELECT " + ", ".join(f"${k} AS {k}" for k in values), values)


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def _summarise(con, cfg: RunConfig, run_id: str, tables, steps, t0) -> RunResult:
    inputs = [
        InputSummary(*row)
        for row in con.execute(
            "SELECT file_id, role, path, format, encoding, profile, rows_read, rows_loaded, rows_rejected, ids_restored, "
            "sheet, accounts_restored, control_source, coalesce(rows_set_aside, 0) "
            "FROM inputs WHERE period = ? AND skipped IS NULL ORDER BY file_id",
            [cfg.period],
        ).fetchall()
    ]
    flag_counts = dict(
        con.execute(
            "SELECT code, count(*) FROM flags WHERE period = ? GROUP BY code ORDER BY code", [cfg.period]
        ).fetchall()
    )
    severity_counts = dict(
        con.execute("SELECT severity, count(*) FROM flags WHERE period = ? GROUP BY severity", [cfg.period]).fetchall()
    )
    cur = con.execute(
        "SELECT program, beneficiaries, payments, amount, share_beneficiaries, share_payments, share_amount, "
        "target, target_met FROM noncash_share WHERE period = ? AND level = 'program' AND channel_group = 'all' "
        "ORDER BY program",
        [cfg.period],
    )
    names = [d[0] for d in cur.description]
    noncash = [dict(zip(names, row)) for row in cur.fetchall()]
    reg_rows, pay_rows, rejected, set_aside, due, paid = con.execute(
        """
        SELECT (SELECT count(*) FROM registry WHERE period = $period),
               (SELECT count(*) FROM payments WHERE period = $period),
               (SELECT count(*) FROM rejected_rows WHERE period = $period AND NOT set_aside),
               (SELECT count(*) FROM rejected_rows WHERE period = $period AND set_aside),
               (SELECT coalesce(sum(entitled_amount), 0) FROM registry
                 WHERE period = $period AND is_primary AND status = 'active'),
               (SELECT coalesce(sum(amount), 0) FROM payments
                 WHERE period = $period AND status = 'success' AND in_period)""",
        {"period": cfg.period},
    ).fetchone()
    return RunResult(
        run_id=run_id,
        period=cfg.period,
        db=Path(cfg.db),
        inputs=inputs,
        flag_counts=flag_counts,
        severity_counts=severity_counts,
        noncash=noncash,
        registry_rows=reg_rows,
        payment_rows=pay_rows,
        rejected_rows=rejected,
        amount_due=int(due),
        amount_paid=int(paid),
        seconds=time.perf_counter() - t0,
        step_seconds=steps,
        set_aside_rows=set_aside,
    )
