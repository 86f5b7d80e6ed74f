"""The command line: parse, call the library, print, map errors to exit codes. No SQL here.

Exit codes: 0 done; 1 done, with findings at or above --fail-on (or rows rejected, for check);
2 bad input or configuration, or a full or read-only disk, nothing written; 3 internal error, nothing
written; 4 the period is saved but the workbook or export could not be written; 130 interrupted (SIGINT),
143 terminated (SIGTERM).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import traceback
from pathlib import Path

import click

from reconcile import __version__
from reconcile.config import Settings, check_period
from reconcile.contracts import SEVERITY_RANK
from reconcile.errors import ReconcileError, shell_arg
from reconcile.report import terminal
from reconcile.report.progress import Progress

FORMATS = click.Choice(["table", "csv", "json"])


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service stopping, `kill`): handled as Ctrl-C is, the transaction rolled back, exit 143."""


_SIGNAL_EXIT = {"code": 130}  # 130 for SIGINT, 143 once SIGTERM arrived


def _on_sigterm(signum, frame) -> None:
    _SIGNAL_EXIT["code"] = 143
    raise Terminated()


def _interrupted(exc: BaseException) -> bool:
    """Ctrl-C or SIGTERM: Python's KeyboardInterrupt, or DuckDB's own exception when the signal came
    while it worked."""
    return isinstance(exc, KeyboardInterrupt) or (
        type(exc).__name__ == "InterruptException" and "duckdb" in type(exc).__module__
    )


DISK_ERRORS = {
    28: "the disk is full",
    30: "the file system is read-only",
    13: "permission denied",
    122: "the disk quota is used up",
}


def _disk_problem(exc: BaseException) -> str | None:
    """What a full disk or a folder that cannot be written looks like, as one line naming the path."""
    if isinstance(exc, OSError) and exc.errno in DISK_ERRORS:
        return f"{exc.filename or 'a file'}: cannot be written ({DISK_ERRORS[exc.errno]})"
    if "duckdb" in type(exc).__module__:  # an IOException, or a commit that failed to write
        first = str(exc).splitlines()[0] if str(exc) else ""
        for marker in ("No space left on device", "Read-only file system", "Permission denied", "Disk quota"):
            if marker in first:
                return f"cannot write ({re.sub(r'^[A-Za-z ]*Error: ', '', first)})"
    return None


class ReconcileGroup(click.Group):
    """Catches expected failures once, prints one line on stderr, exits with their code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReconcileError as exc:
            click.echo(f"reconcile: error: {exc}", err=True)
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BaseException as exc:
            if not isinstance(exc, Exception) and not isinstance(exc, KeyboardInterrupt):
                raise  # SystemExit and the like
            self._fail(ctx, exc)

    @staticmethod
    def _fail(ctx: click.Context, exc: BaseException) -> None:
        saved = (ctx.obj or {}).get("saved")
        if _interrupted(exc):
            code = 143 if isinstance(exc, Terminated) else _SIGNAL_EXIT["code"]
            click.echo(
                f"reconcile: {'terminated' if code == 143 else 'interrupted'}; "
                + (saved.state if saved else "the database is unchanged"),
                err=True,
            )
            ctx.exit(code)
        disk = _disk_problem(exc)
        if disk:
            click.echo(
                f"reconcile: error: {disk}; "
                + (f"{saved.state}; " if saved else "the database is unchanged; ")
                + "free space or choose a folder that can be written, and run again",
                err=True,
            )
            ctx.exit(4 if saved else 2)
        # a bug: say so without leaking data, keep the trace behind --debug
        click.echo(
            f"reconcile: internal error ({type(exc).__name__}); "
            + (f"{saved.state}. " if saved else "the database is unchanged. ")
            + "Run again with --debug for the traceback and report it.",
            err=True,
        )
        if ctx.obj and ctx.obj.get("debug"):
            traceback.print_exc()
        ctx.exit(4 if saved else 3)


@click.group(cls=ReconcileGroup)
@click.version_option(__version__, prog_name="reconcile")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Reconcile monthly cashless welfare and pension disbursements against the beneficiary registry."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    # every file reconcile creates holds personal data: the database, its key, staged files, workbooks
    # and exports are readable by their owner only (mode 0600; on Windows, the folder's permissions)
    if os.name == "posix":
        os.umask(0o077)
    _SIGNAL_EXIT["code"] = 130
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


def _fail_on_exit(result, fail_on: str | None) -> int:
    if fail_on and result.max_severity_rank() >= SEVERITY_RANK[fail_on]:
        return 1
    return 0


def _run(cfg, progress: Progress):
    """Run the pipeline with its steps, and DuckDB's progress through them, on the status line."""
    from reconcile.pipeline import run as run_pipeline

    cfg.on_step = progress.step
    cfg.on_progress = progress.percent if progress.enabled else None
    cfg.on_read = progress.reading
    cfg.on_notice = lambda text: (progress.clear(), click.echo(f"reconcile: {text}", err=True))
    try:
        return run_pipeline(cfg)
    finally:
        progress.clear()


def _output_options(f):
    """--report, --export, --lang and --mask-ids, shared by `run` and `report`."""
    f = click.option(
        "--mask-ids",
        is_flag=True,
        help="Show only the last 4 digits of IDs and account numbers in the workbook and exports "
        "(for reports that leave the office); the database keeps them whole.",
    )(f)
    f = click.option(
        "--lang",
        type=click.Choice(["vi", "en"]),
        default=None,
        help="Language of the workbook (default: lang in the config, else vi).",
    )(f)
    f = click.option(
        "--export",
        "export_dir",
        type=click.Path(path_type=Path),
        help="Folder to write the findings and rejected rows to, as Parquet and CSV.",
    )(f)
    f = click.option(
        "--report",
        "report_path",
        type=click.Path(path_type=Path),
        help="Excel workbook to write for finance officers and auditors (.xlsx).",
    )(f)
    return f


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same file on disk (a link, another spelling), or the same
    place once resolved."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _check_collisions(
    period: str,
    db: Path,
    inputs: list[Path],
    report_path: Path | None,
    export_dir: Path | None,
    db_is_output: bool = True,
) -> None:
    """Refuse an output that would replace an input or another output (`--db x.xlsx --report x.xlsx`
    destroys the database; `--report` named like an input file overwrites it), before anything runs."""
    from reconcile.keys import key_path

    outputs: list[tuple[str, Path]] = []
    if db_is_output:
        outputs += [("--db", db), ("--db's key file", key_path(db)), ("--db's log", db.with_name(db.name + ".wal"))]
    else:
        inputs = [*inputs, db, key_path(db)]
    if report_path is not None:
        outputs.append(("--report", report_path))
    if export_dir is not None:
        outputs += [
            ("--export", export_dir / f"{table}_{period}{suffix}")
            for table in ("flags", "rejected_rows")
            for suffix in (".csv", ".parquet")
        ]
    for i, (option, path) in enumerate(outputs):
        for given in inputs:
            if _same_file(path, Path(given)):
                raise ReconcileError(
                    f"{path}: {option} would write over an input file; give it another name (a run "
                    "never replaces its inputs)"
                )
        for other_option, other in outputs[i + 1 :]:
            if other_option != option and _same_file(path, other):
                raise ReconcileError(f"{path}: given as {option} and {other_option}; give each output its own name")


def _check_output_paths(report_path: Path | None, export_dir: Path | None) -> None:
    """Refuse unusable output paths before the run, not after it."""
    if report_path is not None:
        if report_path.suffix.lower() != ".xlsx":
            raise ReconcileError(
                f"{report_path}: the workbook must be an .xlsx file; give --report a name ending .xlsx"
            )
        if report_path.is_dir():
            raise ReconcileError(f"{report_path}: is a folder; give --report a file name ending .xlsx")
        if not report_path.parent.is_dir():
            raise ReconcileError(f"{report_path.parent}: no such folder for --report; create it first")
    if export_dir is not None and export_dir.exists() and not export_dir.is_dir():
        raise ReconcileError(f"{export_dir}: is a file; give --export a folder")


class Saved:
    """A period committed to the database: what a failure after it must say, and how to write the
    workbook and exports again."""

    def __init__(self, db: Path, period: str):
        self.db, self.period = db, period

    @property
    def state(self) -> str:
        return f"the period {self.period} is saved in {self.db}"

    def again(self, report_path: Path | None, export_dir: Path | None) -> str:
        outputs = (f" --report {shell_arg(report_path)}" if report_path else "") + (
            f" --export {shell_arg(export_dir)}" if export_dir else ""
        )
        return f"reconcile report --period {self.period} --db {shell_arg(self.db)}{outputs}"


def _write_after_commit(
    saved: Saved, report_path: Path | None, export_dir: Path | None, lang: str, mask_ids: bool, progress: Progress
) -> None:
    """The workbook and exports of a period just saved. A failure here must not read as a failed
    run: the period is in the database, and the message says so and how to write them again (exit 4)."""
    again = saved.again(report_path, export_dir)
    try:
        _write_outputs(saved.db, saved.period, report_path, export_dir, lang, mask_ids, progress)
    except (KeyboardInterrupt, ReconcileError, OSError, *writer_errors()) as exc:
        progress.clear()
        if _interrupted(exc):
            code = 143 if isinstance(exc, Terminated) else _SIGNAL_EXIT["code"]
            raise ReconcileError(
                f"{'terminated' if code == 143 else 'interrupted'}; {saved.state}, but its workbook "
                f"or exports may be incomplete; write them again with: {again}",
                exit_code=code,
            ) from None
        if isinstance(exc, OSError) and exc.strerror:
            reason = exc.strerror + (f": {exc.filename}" if exc.filename else "")
        else:
            reason = str(exc).splitlines()[0]
        raise ReconcileError(
            f"{saved.state}, but the workbook or exports could not be written ({reason}); close "
            f"the workbook if it is open in Excel, check the disk has room, and write them again "
            f"with: {again}",
            exit_code=4,
        ) from None


def writer_errors() -> tuple[type, ...]:
    """The errors of the libraries the workbook and exports are written with (a full disk while
    polars writes an export comes as its own error)."""
    import duckdb
    import polars as pl

    return duckdb.Error, pl.exceptions.PolarsError


def _write_outputs(
    db: Path,
    period: str,
    report_path: Path | None,
    export_dir: Path | None,
    lang: str,
    mask_ids: bool,
    progress: Progress,
) -> None:
    """The workbook and the exports, read back from the committed database."""
    if report_path is None and export_dir is None:
        return
    from reconcile.readback import open_db
    from reconcile.report.export import write_exports
    from reconcile.report.workbook import write_workbook

    con = open_db(db)
    try:
        if report_path is not None:
            progress.step("sheet.findings")
            book = write_workbook(
                con, period, report_path, lang=lang, mask_ids=mask_ids, database=str(db), progress=progress.rows
            )
            progress.clear()
            click.echo(
                f"reconcile: workbook {book.path} ({book.findings:,} findings on "
                f"{len(book.sheets)} sheets{', IDs masked' if mask_ids else ''})",
                err=True,
            )
        if export_dir is not None:
            files = write_exports(con, period, export_dir, mask_ids=mask_ids)
            click.echo(
                f"reconcile: exported {', '.join(f.name for f in files)} to {export_dir}"
                f"{' (IDs masked)' if mask_ids else ''}",
                err=True,
            )
    finally:
        con.close()


@cli.command()
@click.option("--period", required=True, help="Period to reconcile, YYYY-MM.")
@click.option(
    "--registry",
    "registry",
    multiple=True,
    required=True,
    help="Beneficiary registry file (repeatable). With --engine spark: staged Parquet, a path or URL.",
)
@click.option(
    "--payments",
    "payments",
    multiple=True,
    required=True,
    help="Payment file of a bank or the post office (repeatable). With --engine spark: staged Parquet.",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path("reconcile.duckdb"),
    show_default=True,
    help="DuckDB database to write; it grows by period.",
)
@click.option(
    "--profile",
    help="Profile of the files' layout, for the files of its kind: a built-in name "
    "(see 'reconcile profiles') or a .toml file. Without it each file's layout is recognised.",
)
@click.option("--sheet", help="Excel sheet to read in every workbook: its name, or its position (1 = first).")
@_output_options
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML file of targets and thresholds.")
@click.option(
    "--fail-on",
    type=click.Choice(list(SEVERITY_RANK)),
    help="Exit 1 when a finding of this severity or higher is found.",
)
@click.option("--operator", help="Who runs the reconciliation (default: the OS user).")
@click.option(
    "--memory-limit",
    help="Cap DuckDB's memory (e.g. 1GB); beyond it work spills to a folder beside the "
    "database. Default: DuckDB's own, 80% of the machine's memory.",
)
@click.option(
    "--stage-only",
    is_flag=True,
    help="Only read and normalise the files, into staged Parquet in --out (for --engine spark).",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="spark: match, find and measure on Apache Spark, from staged Parquet, into Parquet in --out.",
)
@click.option(
    "--out",
    help="--stage-only: the folder for the staged Parquet. --engine spark: the folder or URL "
    "for the flags and the non-cash share.",
)
@click.option(
    "--spark-master",
    help="--engine spark: the cluster (spark://HOST:7077, yarn, k8s://..., local[4]). "
    "Default: spark-submit's, else this machine's cores.",
)
@click.option(
    "--spark-conf",
    "spark_conf",
    multiple=True,
    metavar="KEY=VALUE",
    help="--engine spark: a Spark setting, such as spark.driver.memory=4g (repeatable).",
)
@click.option(
    "--partial",
    is_flag=True,
    help="Go on when a bank's or the post office's file looks missing (most of the beneficiaries it pays "
    "have no payment at all); the period is recorded as partial and its targets are not judged.",
)
@click.pass_context
def run(
    ctx,
    period,
    registry,
    payments,
    db,
    profile,
    sheet,
    report_path,
    export_dir,
    lang,
    mask_ids,
    config_path,
    fail_on,
    operator,
    memory_limit,
    stage_only,
    engine,
    out,
    spark_master,
    spark_conf,
    partial,
) -> None:
    """Reconcile one period: read the files, flag every mismatch, measure the non-cash share.

    The period is stored in the database (a re-run replaces it); --report writes the workbook and
    --export the flat files, both read back from the database once the run has committed.

    \b
    For data beyond one machine, in two steps:
        reconcile run --stage-only --period 2024-09 --registry ... --payments ... --out staged/
        reconcile run --engine spark --period 2024-09 --registry staged/registry.parquet \\
            --payments staged/payments.parquet --out results/
    """
    from reconcile.pipeline import RunConfig

    check_period(period)
    settings = Settings.load(config_path)
    mode = "stage" if stage_only else engine
    _check_mode(ctx, mode)
    if mode == "spark":
        _run_spark(
            period, list(registry), list(payments), out, settings, spark_master, spark_conf, fail_on, operator, partial
        )
        return
    if mode == "duckdb":
        _check_output_paths(report_path, export_dir)
        _check_collisions(period, db, [Path(p) for p in (*registry, *payments)], report_path, export_dir)
    cfg = RunConfig(
        period=period,
        registry=[Path(p) for p in registry],
        payments=[Path(p) for p in payments],
        db=db,
        settings=settings,
        operator=operator,
        profile=profile,
        sheet=sheet,
        memory_limit=memory_limit,
        partial=partial,
    )
    click.echo(f"reconcile: reading {len(registry) + len(payments)} files for {period}", err=True)
    progress = Progress()
    if mode == "stage":
        from reconcile.staged import FILES
        from reconcile.staged import stage_only as stage

        if out:  # the staged files replace any of the same name in --out: never an input
            for given in (*registry, *payments):
                for name in FILES.values():
                    if _same_file(Path(out) / name, Path(given)):
                        raise ReconcileError(
                            f"{Path(out) / name}: --out would write over an input file; stage "
                            "into another folder (a run never replaces its inputs)"
                        )
        cfg.on_step = progress.step
        cfg.on_read = progress.reading
        try:
            staged = stage(cfg, Path(out))
        finally:
            progress.clear()
        click.echo(terminal.stage_summary(staged))
        return
    result = _run(cfg, progress)
    ctx.obj["saved"] = saved = Saved(db, period)
    if result.rejected_rows:
        click.echo(
            f"reconcile: {result.rejected_rows:,} {'row' if result.rejected_rows == 1 else 'rows'} rejected, "
            "with their reasons in rejected_rows",
            err=True,
        )
    try:
        _write_after_commit(saved, report_path, export_dir, lang or settings.lang, mask_ids, progress)
    finally:
        click.echo(terminal.run_summary(result))
    sys.exit(_fail_on_exit(result, fail_on))


# the options each way of running takes; any other given on the command line is refused
_MODE_OPTIONS = {
    "duckdb": {
        "db",
        "profile",
        "sheet",
        "report_path",
        "export_dir",
        "lang",
        "mask_ids",
        "fail_on",
        "operator",
        "memory_limit",
        "partial",
    },
    "stage": {"profile", "sheet", "memory_limit", "out"},
    "spark": {"out", "spark_master", "spark_conf", "fail_on", "operator", "partial"},
}
_MODE_NAMES = {"duckdb": "a run on DuckDB", "stage": "--stage-only", "spark": "--engine spark"}
_WHY_NOT = {
    "stage": "it only writes staged Parquet",
    "spark": "it reads staged Parquet and writes Parquet, not a database",
    "duckdb": "it is for --stage-only and --engine spark",
}


def _check_mode(ctx: click.Context, mode: str) -> None:
    from click.core import ParameterSource

    if mode == "stage" and ctx.params["engine"] == "spark":
        raise ReconcileError("--stage-only runs on DuckDB; stage first, then run --engine spark on the staged files")
    common = {"period", "registry", "payments", "config_path", "stage_only", "engine"}
    for param in ctx.command.params:
        name = param.name
        if name in common or name in _MODE_OPTIONS[mode]:
            continue
        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            flag = param.opts[0]
            raise ReconcileError(f"{flag} does not apply to {_MODE_NAMES[mode]}: {_WHY_NOT[mode]}; drop {flag}")
    if mode in ("stage", "spark") and not ctx.params["out"]:
        where = "the staged Parquet" if mode == "stage" else "the flags and the non-cash share"
        raise ReconcileError(f"{_MODE_NAMES[mode]} needs --out, the folder for {where}")


def _run_spark(period, registry, payments, out, settings, master, conf, fail_on, operator, partial) -> None:
    try:
        from reconcile.spark.engine import SparkRunConfig
        from reconcile.spark.engine import run as run_spark
    except ImportError:  # sqlglot, and pyspark with it, come with the spark extra
        from reconcile.spark.session import pyspark_missing

        raise pyspark_missing() from None

    click.echo(f"reconcile: reconciling {period} on Spark" + (f" ({master})" if master else ""), err=True)
    progress = Progress()
    cfg = SparkRunConfig(
        period=period,
        registry=registry,
        payments=payments,
        out=out,
        settings=settings,
        master=master,
        conf=_spark_conf(conf),
        operator=operator,
        on_step=progress.step,
        partial=partial,
    )
    try:
        result = run_spark(cfg)
    finally:
        progress.clear()
    click.echo(terminal.run_summary(result))
    sys.exit(_fail_on_exit(result, fail_on))


def _spark_conf(pairs: tuple[str, ...]) -> dict[str, str]:
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().startswith("spark."):
            raise ReconcileError(
                f"--spark-conf '{pair}' is not KEY=VALUE with a Spark key; give one such as spark.driver.memory=4g"
            )
        conf[key.strip()] = value.strip()
    return conf


@cli.command()
@click.option("--period", required=True, help="Period already in the database, YYYY-MM.")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path("reconcile.duckdb"),
    show_default=True,
    help="DuckDB database that 'reconcile run' wrote.",
)
@_output_options
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML file (for its default lang).")
def report(period, db, report_path, export_dir, lang, mask_ids, config_path) -> None:
    """Write the workbook and exports of a period already reconciled, without running again.

    For example, a masked copy for a report that leaves the office:

    \b
        reconcile report --period 2024-09 --report out.xlsx --mask-ids
    """
    check_period(period)
    if report_path is None and export_dir is None:
        raise ReconcileError("nothing to write; pass --report PATH.xlsx and/or --export DIR")
    _check_output_paths(report_path, export_dir)
    _check_collisions(period, db, [], report_path, export_dir, db_is_output=False)
    settings = Settings.load(config_path)
    from reconcile.readback import open_db

    con = open_db(db)
    try:
        known = con.execute("SELECT count(*) FROM runs WHERE period = ?", [period]).fetchall()[0][0]
    finally:
        con.close()
    if not known:
        raise ReconcileError(f"{db}: holds no run of {period}; see 'reconcile periods' for the periods it holds")
    progress = Progress()
    _write_outputs(db, period, report_path, export_dir, lang or settings.lang, mask_ids, progress)


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("reconcile-demo"),
    show_default=True,
    help="Folder for the sample files and the demo database.",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=None,
    help="Database to write (default: demo.duckdb in the --out folder).",
)
@click.option(
    "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True, help="Language of the demo workbook."
)
@click.option(
    "--size",
    type=click.IntRange(min=1),
    default=None,
    help="Instead of the sample month, a generated month of this many beneficiaries (Parquet).",
)
def demo(out, db, lang, size) -> None:
    """Reconcile the realistic sample month shipped with reconcile, end to end.

    Writes the sample files, the database, the workbook (report.xlsx) and the exports (export/)
    into the --out folder.
    """
    from reconcile.pipeline import RunConfig
    from reconcile.sample import PERIOD, write_sample_month

    if size is not None:
        _demo_generated(out, db or out / "demo.duckdb", lang, size)
        return
    files = write_sample_month(out)
    db = db or out / "demo.duckdb"
    click.echo(f"reconcile: sample month {PERIOD} written to {out}/", err=True)
    progress = Progress()
    result = _run(RunConfig(period=PERIOD, registry=files["registry"], payments=files["payments"], db=db), progress)
    try:
        _write_after_commit(Saved(db, PERIOD), out / "report.xlsx", out / "export", lang, False, progress)
    finally:
        click.echo(terminal.run_summary(result))
    click.echo(
        f"\nThe workbook is {out / 'report.xlsx'}; the findings are also in {out / 'export'}/.\n"
        f"The database is {db}: read it back with\n"
        f"  reconcile flags --db {db} --severity high\n"
        f"  reconcile cashless --db {db} --by province\n"
        "or open it with DuckDB and try\n"
        "  select code, severity, count(*) from flags group by all order by all;\n"
        "  select * from noncash_share where level = 'program';"
    )


def _demo_generated(out: Path, db: Path, lang: str, size: int) -> None:
    """Generate a month of `size` beneficiaries, reconcile it, and compare the findings with its truth."""
    import duckdb

    from reconcile.generate import GenerateConfig, read_truth
    from reconcile.generate import generate as run_generate
    from reconcile.pipeline import RunConfig

    month = run_generate(GenerateConfig(beneficiaries=size, out=out))
    click.echo(
        f"reconcile: generated {month.registry_rows:,} registry rows and {month.payment_rows:,} payments "
        f"in {month.seconds:.1f} s",
        err=True,
    )
    progress = Progress()
    result = _run(
        RunConfig(
            period="2024-09",
            registry=[out / "registry.parquet"],
            payments=[out / "payments_bank.parquet", out / "payments_post.parquet"],
            db=db,
        ),
        progress,
    )
    report = out / "report.xlsx" if result.flags <= 1_000_000 else None
    _write_after_commit(Saved(db, "2024-09"), report, None, lang, False, progress)
    click.echo(terminal.run_summary(result))
    with duckdb.connect(str(db), read_only=True) as con:
        found = sorted(con.execute("SELECT code, vneid, payment_ref FROM flags WHERE period = '2024-09'").fetchall())
    truth = read_truth(month.truth)
    click.echo(
        f"\nPlanted findings found: {len(truth) - len(_missing(truth, found)):,} of {len(truth):,}; "
        f"findings not planted: {len(_missing(found, truth)):,}."
    )


def _missing(want: list, have: list) -> list:
    from collections import Counter

    return list((Counter(want) - Counter(have)).elements())


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as", "kind", type=click.Choice(["registry", "payments"]), required=True, help="What the file holds.")
@click.option("--period", default=None, help="Period the file belongs to, YYYY-MM (default: this month).")
@click.option(
    "--profile", help="Profile of the file's layout: a built-in name (see 'reconcile profiles') or a .toml file."
)
@click.option("--sheet", help="Excel sheet to read: its name, or its position (1 = first).")
def check(file, kind, period, profile, sheet) -> None:
    """Read and validate one file, reporting every problem, without running a reconciliation."""
    from datetime import date

    from reconcile.filecheck import check_tables

    results, skipped = check_tables(file, kind, period or date.today().strftime("%Y-%m"), profile, sheet)
    click.echo("\n\n".join(terminal.check_report(result) for result in results))
    for sheet_skipped in skipped:
        click.echo(f"sheet '{sheet_skipped.sheet}': skipped: {sheet_skipped.reason}")
    problems = any(r.rejected or r.id_problems or not r.control_agrees for r in results)
    sys.exit(1 if problems else 0)


@cli.command("export-db")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path("reconcile.duckdb"),
    show_default=True,
    help="Database written by 'reconcile run'; opened read-only.",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="New DuckDB file for the analysts.")
@click.option("--period", "periods", multiple=True, help="A period to export, YYYY-MM (repeatable; default: all).")
def export_db(db, out, periods) -> None:
    """A copy of the database for analysts outside the office: IDs and account numbers replaced by
    keyed hashes (HMAC-SHA256 under the database's key: RECONCILE_KEY, else the <db>.key file, which
    stays in the office), so joins still work; names, dates of birth, narratives and raw values left
    out."""
    from reconcile.analyst_export import export

    result = export(db, out, list(periods))
    click.echo(
        f"reconcile: wrote {result.path} ({', '.join(result.periods)}; {result.rows['registry']:,} registry "
        f"rows, {result.rows['payments']:,} payments, {result.rows['flags']:,} findings); IDs and account "
        "numbers are keyed hashes, names and dates of birth left out",
        err=True,
    )


@cli.command()
@click.option("--period", required=True, help="Period to remove, YYYY-MM.")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path("reconcile.duckdb"),
    show_default=True,
    help="Database that 'reconcile run' wrote.",
)
@click.option("--by", required=True, help="Who removes it (recorded).")
@click.option("--reason", required=True, help="Why it is removed (recorded).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(period, db, by, reason, yes) -> None:
    """Remove a period from the database, keeping a record of who removed what and why.

    The period's run and findings move to superseded_runs and superseded_flags; period_deletions
    records the removal. Other periods stay as they are.
    """
    from reconcile.admin import delete_period, period_run

    run = period_run(db, period)
    click.echo(
        f"Period {period} in {db}: run by {run.operator}, finished {run.finished_at:%d/%m/%Y %H:%M} UTC; "
        f"{run.registry_rows:,} registry rows, {run.payment_rows:,} payments, {run.flags:,} findings, from "
        f"{', '.join(f['file_name'] for f in run.files)}.",
        err=True,
    )
    if not yes and not click.confirm(f"Remove period {period}?", default=False, err=True):
        click.echo("reconcile: nothing removed", err=True)
        sys.exit(1)
    deletion = delete_period(db, period, by, reason)
    click.echo(
        f"reconcile: removed period {period} from {db} (removal {deletion.deletion_id[:12]}, by {by.strip()}); "
        "its run and findings are kept in superseded_runs and superseded_flags, the removal in "
        "period_deletions",
        err=True,
    )


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--lang", type=click.Choice(["en", "vi", "both"]), default="both", show_default=True)
def rules(fmt, lang) -> None:
    """The catalogue of findings: code, severity and description."""
    from reconcile.rules import catalogue

    headers = ["code", "severity"]
    if lang in ("en", "both"):
        headers.append("description_en")
    if lang in ("vi", "both"):
        headers.append("description_vi")
    rows = []
    for rule in catalogue():
        row = [rule.code, rule.severity.value]
        if lang in ("en", "both"):
            row.append(rule.description_en)
        if lang in ("vi", "both"):
            row.append(rule.description_vi)
        rows.append(row)
    click.echo(terminal.render(headers, rows, fmt))


from reconcile.cli_read import register  # noqa: E402

register(cli)


def _rates(pairs: tuple[str, ...]):
    from dataclasses import fields

    from reconcile.generate import Rates

    rates = Rates()
    names = [f.name for f in fields(Rates)]
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in names:
            raise ReconcileError(f"--rate takes NAME=SHARE with NAME one of {', '.join(names)}")
        try:
            share = float(value)
        except ValueError:
            raise ReconcileError(f"--rate {key}: '{value}' is not a number; give a share such as 0.001") from None
        if not 0 <= share <= 1:
            raise ReconcileError(f"--rate {key}: give a share between 0 and 1")
        setattr(rates, key, share)
    return rates


@cli.command()
@click.option("--beneficiaries", type=click.IntRange(min=1), required=True, help="How many beneficiaries.")
@click.option("--period", default="2024-09", show_default=True, help="Period, YYYY-MM.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same month.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write the files into.")
@click.option(
    "--formats",
    default="parquet",
    show_default=True,
    help="Comma-separated: parquet, csv (Vietnamese headers), xlsx, camt (the bank file as camt.053).",
)
@click.option(
    "--noncash-share",
    type=float,
    default=0.97,
    show_default=True,
    help="Share of beneficiaries registered for bank or e-wallet payment.",
)
@click.option(
    "--rate",
    "rates",
    multiple=True,
    metavar="NAME=SHARE",
    help="Share of beneficiaries on which to plant a case (repeatable); see the README for the names.",
)
@click.option(
    "--memory-limit",
    default="2GB",
    show_default=True,
    help="Cap DuckDB's memory while generating; beyond it work spills to disk.",
)
def generate(beneficiaries, period, seed, out, formats, noncash_share, rates, memory_limit) -> None:
    """Write a synthetic month of any size, with every finding planted, and its truth file.

    Writes registry, payments_bank and payments_post in each format asked for, and truth.csv:
    every finding the planted cases must produce (code, vneid, payment_ref).
    """
    from reconcile.generate import GenerateConfig
    from reconcile.generate import generate as run_generate

    result = run_generate(
        GenerateConfig(
            beneficiaries=beneficiaries,
            period=period,
            seed=seed,
            out=out,
            formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
            noncash_share=noncash_share,
            rates=_rates(rates),
            memory_limit=memory_limit,
        )
    )
    rows = [[fmt, ", ".join(p.name for p in paths)] for fmt, paths in result.files.items()]
    click.echo(terminal.table(["format", "files"], rows))
    click.echo(
        f"{result.registry_rows:,} registry rows, {result.payment_rows:,} payments, "
        f"{result.planted:,} planted findings in {result.truth} ({result.seconds:.1f} s)"
    )


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.argument("name", required=False)
def profiles(fmt, name) -> None:
    """The built-in profiles of file layouts; with NAME, that profile's TOML, to copy and adapt."""
    from importlib import resources

    from reconcile.profiles import builtin

    known = builtin()
    if name:
        if name not in {p.name for p in known}:
            raise ReconcileError(f"no built-in profile named '{name}'; use one of {', '.join(p.name for p in known)}")
        click.echo(
            resources.files("reconcile.data").joinpath("profiles", f"{name}.toml").read_text(encoding="utf-8"), nl=False
        )
        return
    rows = [[p.name, p.kind, ", ".join(p.header.find), p.description] for p in known]
    click.echo(terminal.render(["name", "kind", "recognised by the headers", "description"], rows, fmt))


def main() -> None:
    cli(prog_name="reconcile")


if __name__ == "__main__":
    main()
