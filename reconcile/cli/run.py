"""The officers' commands: run (a period on DuckDB, --stage-only, or --engine spark), report (the
workbook and exports of a period already run) and check (one file, without running)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconcile.cli.group import ManyFilesCommand, lazy, printable, say, warn
from reconcile.cli.money import say_case_notes
from reconcile.cli.outputs import (
    Saved,
    check_collisions,
    check_not_inputs,
    check_not_recorded_inputs,
    check_output_paths,
    check_replaces_only_its_own,
    fail_on_exit,
    output_options,
    run_with_progress,
    say_open_elsewhere,
    speak,
    write_after_commit,
    write_outputs,
    written_paths,
)
from reconcile.contracts import SEVERITY_RANK
from reconcile.errors import ReconcileError, no_folder
from reconcile.report.progress import Progress

config = lazy("reconcile.config")
terminal = lazy("reconcile.report.terminal")


@click.command(cls=ManyFilesCommand, many=("--registry", "--payments"))
@click.option("--period", required=True, help="Period to reconcile, YYYY-MM.")
@click.option(
    "--registry",
    "registry",
    multiple=True,
    required=True,
    help="Beneficiary registry file; several after one --registry, or the option repeated. With --engine spark: staged Parquet, a path or URL.",
)
@click.option(
    "--payments",
    "payments",
    multiple=True,
    required=True,
    help="Payment file of a bank or the post office; several after one --payments, or the option repeated. With --engine spark: staged Parquet.",
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
@output_options
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML file of targets and thresholds.")
@click.option(
    "--fail-on",
    type=click.Choice(list(SEVERITY_RANK), case_sensitive=False),
    help="Exit 1 when a finding of this severity or higher is found.",
)
@click.option("--operator", help="Who runs the reconciliation (default: the OS user).")
@click.option(
    "--memory-limit",
    help="Cap DuckDB's memory (e.g. 1GB); beyond it work spills to a folder beside the database. Default: 1.5GB.",
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

    speak(lang, config.declared_lang(config_path))
    settings = config.Settings.load(config_path)
    config.check_period(period)
    mode = "stage" if stage_only else engine
    _check_mode(ctx, mode)
    if mode == "spark":
        _run_spark(
            period, list(registry), list(payments), out, settings, spark_master, spark_conf, fail_on, operator, partial
        )
        return
    from reconcile.masking import hide_names

    if mask_ids:  # the terminal names a file named after a person as the masked workbook does
        hide_names([*registry, *payments, db, report_path, export_dir, sheet])
    if mode == "duckdb":
        if not db.parent.is_dir():  # before the files are read, which may take minutes
            raise no_folder(db.parent, "--db")
        check_output_paths(report_path, export_dir)
        check_collisions(period, db, [Path(p) for p in (*registry, *payments)], report_path, export_dir)
        check_replaces_only_its_own(report_path, db)
    # once committed: what an error or a signal says, with how to write the workbook and exports asked for
    saved = Saved(db, period, report_path, export_dir)
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
        on_commit=lambda: ctx.obj.__setitem__("saved", saved),
        on_sheets=hide_names if mask_ids else None,  # a sheet named after a person
    )
    say(f"reconcile: reading {len(registry) + len(payments)} files for {period}", err=True)
    cfg.said = say_open_elsewhere([*registry, *payments])  # kept with the run's warnings
    progress = Progress()
    if mode == "stage":
        from reconcile.staged import FILES
        from reconcile.staged import stage_only as stage

        if out:  # the staged files replace any of the same name in --out: never an input
            staged_files = [("--out", Path(out) / name) for name in FILES.values()]
            check_not_inputs(staged_files, [Path(p) for p in (*registry, *payments)], "stage into another folder")
        cfg.on_step = progress.step
        cfg.on_read = progress.reading
        try:
            staged = stage(cfg, Path(out))
        finally:
            progress.clear()
        click.echo(terminal.stage_summary(staged))
        return
    result = run_with_progress(cfg, progress)
    ctx.obj["saved"] = saved
    if result.rejected_rows:
        say(
            f"reconcile: {result.rejected_rows:,} {'row' if result.rejected_rows == 1 else 'rows'} rejected, "
            "with their reasons in rejected_rows",
            err=True,
        )
    say_case_notes(result)
    try:
        write_after_commit(saved, report_path, export_dir, lang or settings.lang, mask_ids, progress)
    finally:
        click.echo(printable(terminal.run_summary(result)))
    sys.exit(fail_on_exit(result, fail_on))


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
    "stage": {"profile", "sheet", "memory_limit", "out", "lang"},  # --lang: the terminal's
    "spark": {"out", "spark_master", "spark_conf", "fail_on", "operator", "partial", "lang"},
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
    spark_conf = _spark_conf(conf)  # a mistyped option is said before anything else, pyspark or not
    try:
        from reconcile.spark.engine import SparkRunConfig
        from reconcile.spark.engine import run as run_spark
    except ImportError:  # sqlglot, and pyspark with it, come with the spark extra
        from reconcile.spark.session import pyspark_missing

        raise pyspark_missing() from None

    say(f"reconcile: reconciling {period} on Spark" + (f" ({master})" if master else ""), err=True)
    progress = Progress()

    def notice(text: str) -> None:
        progress.clear()
        say(f"reconcile: {text}", err=True)

    cfg = SparkRunConfig(
        period=period,
        registry=registry,
        payments=payments,
        out=out,
        settings=settings,
        master=master,
        conf=spark_conf,
        operator=operator,
        on_step=progress.step,
        on_notice=notice,
        partial=partial,
    )
    try:
        result = run_spark(cfg)
    finally:
        progress.clear()
    click.echo(terminal.run_summary(result))
    sys.exit(fail_on_exit(result, fail_on))


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


@click.command()
@click.option("--period", required=True, help="Period already in the database, YYYY-MM.")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path("reconcile.duckdb"),
    show_default=True,
    help="DuckDB database that 'reconcile run' wrote.",
)
@output_options
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML file (for its default lang).")
def report(period, db, report_path, export_dir, lang, mask_ids, config_path) -> None:
    """Write the workbook and exports of a period already reconciled, without running again.

    For example, a masked copy for a report that leaves the office:

    \b
        reconcile report --period 2024-09 --report out.xlsx --mask-ids
    """
    speak(lang, config.declared_lang(config_path))
    settings = config.Settings.load(config_path)
    config.check_period(period)
    if report_path is None and export_dir is None:
        raise ReconcileError("nothing to write; pass --report PATH.xlsx and/or --export DIR")
    from reconcile.masking import hide_names

    if mask_ids:
        hide_names([db, report_path, export_dir])
    check_output_paths(report_path, export_dir)
    check_collisions(period, db, [], report_path, export_dir, db_is_output=False)
    from reconcile import readback

    with readback.open_db(db, notice=warn) as con:
        readback.require_period(con, db, period)
        recorded = readback.input_files(con)
        if mask_ids:
            hide_names(path for path, _ in recorded)
        check_not_recorded_inputs(recorded, written_paths(period, report_path, export_dir))
    check_replaces_only_its_own(report_path, db)
    progress = Progress()
    write_outputs(db, period, report_path, export_dir, lang or settings.lang, mask_ids, progress)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as", "kind", type=click.Choice(["registry", "payments"]), required=True, help="What the file holds.")
@click.option(
    "--period",
    default=None,
    help="Period the file belongs to, YYYY-MM (default: this month, and a registry's area codes checked "
    "against the map they fit, 2025 or pre-2025).",
)
@click.option(
    "--profile", help="Profile of the file's layout: a built-in name (see 'reconcile profiles') or a .toml file."
)
@click.option("--sheet", help="Excel sheet to read: its name, or its position (1 = first).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="TOML file whose [checks] and [limits] the file is judged by, as a run given it judges it (default: "
    "the built-in ones).",
)
def check(file, kind, period, profile, sheet, config_path) -> None:
    """Read and validate one file, reporting every problem, without running a reconciliation."""
    from reconcile.filecheck import check_tables

    speak(None, config.declared_lang(config_path))  # the config's lang, as a run given it speaks
    settings = config.Settings.load(config_path)
    say_open_elsewhere([file])
    results, skipped = check_tables(file, kind, period, profile, sheet, settings)
    click.echo("\n\n".join(terminal.check_report(result) for result in results))
    for sheet_skipped in skipped:
        say(f"sheet '{sheet_skipped.sheet}': skipped: {sheet_skipped.reason}")
    problems = any(r.rejected or r.id_problems or not r.control_agrees or r.refused for r in results)
    sys.exit(1 if problems else 0)
