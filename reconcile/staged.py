"""Staged Parquet: the files' rows read and normalised by DuckDB, for another engine to reconcile.

`reconcile run --stage-only --out DIR` reads the month's files however messy they are, normalises
them as a run does, and writes to DIR:

    registry.parquet       every registry row: the columns of the database's registry table less
                           those a run computes (ids, is_primary), and reject_reason
    payments.parquet       every payment row, likewise (less payment_id and in_period)
    rejected_rows.parquet  the rows set aside, with their reasons and their values as read
    inputs.parquet         one row per file: path, SHA-256, format, rows read, loaded and rejected

file_id numbers the files in name order (the order a run takes them in when it numbers rows), so
that an engine given these files numbers the rows as `reconcile run` does. A row with a
reject_reason is counted, never matched. `reconcile run --engine spark` reads registry.parquet and
payments.parquet, or any Parquet with these columns.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from reconcile import worktables
from reconcile.config import check_period
from reconcile.errors import ReconcileError
from reconcile.normalise.stage import attach_raw, stage_files
from reconcile.sqlfiles import execute_file
from reconcile.warehouse import Col, quote_ident, quote_literal, table

REJECT_REASON = Col(
    "reject_reason", "VARCHAR", "Why the row is not loaded (NULL: loaded); rejected rows are counted, never matched"
)
SET_ASIDE = Col(
    "set_aside",
    "BOOLEAN",
    "The row is not loaded because it is no payment or beneficiary (a credit, a "
    "bank charge, a balance row), not for a problem: counted apart from the rejected rows",
)
COMPUTED = {"period", "run_id", "registry_id", "is_primary", "payment_id", "in_period", "repeat_of", "account_restored"}
FILES = {
    "registry": "registry.parquet",
    "payments": "payments.parquet",
    "rejected": "rejected_rows.parquet",
    "inputs": "inputs.parquet",
}


FILE_ID = Col(
    "file_id",
    "INTEGER",
    "The file's place in name order (inputs.parquet); rows are numbered file by file "
    "in this order, and one file_id is one source_file",
)


def staged_columns(role: str) -> list[Col]:
    """The columns of a staged registry or payments file, in order, with their DuckDB types."""
    return [FILE_ID if c.name == "file_id" else c for c in table(role).cols if c.name not in COMPUTED] + [
        REJECT_REASON,
        SET_ASIDE,
    ]


@dataclass
class StageResult:
    period: str
    out: Path
    inputs: list  # results.InputSummary, file_id in name order
    registry_rows: int  # loaded
    payment_rows: int
    rejected_rows: int
    seconds: float
    set_aside_rows: int = 0

    def path(self, name: str) -> Path:
        return self.out / FILES[name]


def stage_only(cfg, out: Path) -> StageResult:
    """Read and normalise cfg's files (a pipeline.RunConfig) into staged Parquet in `out`. Nothing is
    reconciled and no database is written; files already in `out` under these names are replaced."""
    from reconcile.pipeline import read_inputs
    from reconcile.warehouse import check_memory_limit

    check_period(cfg.period)
    check_memory_limit(cfg.memory_limit)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ReconcileError(f"{out}: is a file; give --out a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".reconcile-stage-", dir=out))
    except OSError as exc:
        raise ReconcileError(
            f"{out}: cannot write there ({exc.strerror}); give --out a folder you can write to"
        ) from None
    t0 = time.perf_counter()
    try:
        if cfg.on_step:
            cfg.on_step("read")
        tables, _ = read_inputs(cfg, work)
        return _stage(cfg, tables, out, work, t0)
    except duckdb.OutOfMemoryException:
        raise ReconcileError(
            f"staging ran out of memory within --memory-limit {cfg.memory_limit}; give a larger --memory-limit, "
            f"and check that the disk of {out} has room for DuckDB to spill to"
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stage(cfg, tables, out: Path, work: Path, t0: float) -> StageResult:
    from reconcile.checks import check_files
    from reconcile.load import file_counts
    from reconcile.pipeline import run_params
    from reconcile.results import InputSummary
    from reconcile.warehouse import limit_memory

    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        limit_memory(con, cfg.memory_limit, work / "spill")
        if cfg.on_step:
            cfg.on_step("normalise")
        params = run_params(cfg.period, cfg.settings)
        # under a --memory-limit too small for the month, the staged rows are kept compressed on
        # disk, in the work folder, as a run keeps them (worktables.py); uncapped, in memory
        if cfg.memory_limit:
            params.update(worktables.place(con, work, tables, cfg.memory_limit))
        stage_files(con, tables, params)
        execute_file(con, "rejected.sql", params)
        counts = file_counts(con, tables)
        check_files(con, tables, counts, cfg.period, cfg.settings)
        attach_raw(con, tables)
        if cfg.on_step:
            cfg.on_step("stage.write")
        for role in ("registry", "payments"):
            cols = ", ".join(
                f"CAST({'f.file_order' if c.name == 'file_id' else 's.' + quote_ident(c.name)} AS {c.type}) "
                f"AS {quote_ident(c.name)}"
                for c in staged_columns(role)
            )
            _copy(
                con,
                f"SELECT {cols} FROM {quote_ident('stg_' + role)} AS s JOIN cur_files AS f USING (file_id) "
                "ORDER BY f.file_order, s.source_row",
                out / FILES[role],
                work,
            )
        _copy(
            con,
            f"SELECT {quote_literal(cfg.period)} AS period, r.role, f.file_order AS file_id, r.source_file, "
            "r.source_row, r.reason, r.raw, r.source_sheet, r.set_aside FROM cur_rejected AS r JOIN cur_files AS f USING (file_id) "
            "ORDER BY f.file_order, r.source_row",
            out / FILES["rejected"],
            work,
        )
        inputs = _inputs(con, tables, counts)
        con.register("_inputs", _inputs_frame(cfg.period, inputs, tables))
        _copy(con, "SELECT * FROM _inputs ORDER BY file_id", out / FILES["inputs"], work)
        for name in FILES.values():  # all four written: now they replace the old ones, together
            os.replace(work / (name + ".part"), out / name)
        loaded = con.execute("""
            SELECT (SELECT count(*) FROM stg_registry WHERE reject_reason IS NULL),
                   (SELECT count(*) FROM stg_payments WHERE reject_reason IS NULL),
                   (SELECT count(*) FILTER (WHERE NOT set_aside) FROM cur_rejected),
                   (SELECT count(*) FILTER (WHERE set_aside) FROM cur_rejected)""").fetchall()[0]
    finally:
        con.close()
    return StageResult(
        period=cfg.period,
        out=out,
        inputs=[InputSummary(**i) for i in inputs],
        registry_rows=loaded[0],
        payment_rows=loaded[1],
        rejected_rows=loaded[2],
        set_aside_rows=loaded[3],
        seconds=time.perf_counter() - t0,
    )


def _inputs(con, tables, counts: dict[int, dict]) -> list[dict]:
    """One row per file, numbered in name order, with its checked counts (pipeline.file_counts)."""
    order = dict(con.execute("SELECT file_id, file_order FROM cur_files").fetchall())
    return sorted(
        (
            {
                "file_id": order[file_id],
                "role": tb.kind,
                "path": str(tb.path),
                "format": tb.format,
                "encoding": tb.encoding,
                "profile": tb.profile,
                **{
                    k: counts[file_id][k]
                    for k in ("rows_read", "rows_loaded", "rows_rejected", "ids_restored", "rows_set_aside")
                },
            }
            for file_id, tb in tables
        ),
        key=lambda i: i["file_id"],
    )


def _inputs_frame(period: str, inputs: list[dict], tables):
    import polars as pl

    by_path = {str(tb.path): tb for _, tb in tables}
    return pl.DataFrame(
        [
            {**i, "period": period, "file_name": Path(i["path"]).name, "sha256": by_path[i["path"]].sha256}
            for i in inputs
        ],
        schema={
            "period": pl.String,
            "file_id": pl.Int32,
            "role": pl.String,
            "path": pl.String,
            "file_name": pl.String,
            "sha256": pl.String,
            "format": pl.String,
            "encoding": pl.String,
            "profile": pl.String,
            "rows_read": pl.Int64,
            "rows_loaded": pl.Int64,
            "rows_rejected": pl.Int64,
            "ids_restored": pl.Int64,
            "rows_set_aside": pl.Int64,
        },
    )


def _copy(con, query: str, target: Path, work: Path) -> None:
    """Write a query's rows for `target` into the work folder; _stage moves the files in place once
    all are written, so that a failure leaves the folder's old files as they were."""
    part = work / (target.name + ".part")
    try:
        con.execute(f"COPY ({query}) TO {quote_literal(str(part))} (FORMAT parquet, COMPRESSION zstd)")
    except duckdb.IOException as exc:  # a full disk, a folder removed under the run
        raise ReconcileError(
            f"{target.parent}: cannot write {target.name} ({str(exc).splitlines()[0]}); check "
            "that the disk there has room"
        ) from None
