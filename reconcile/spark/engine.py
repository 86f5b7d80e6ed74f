"""`reconcile run --engine spark`: matching, findings and the non-cash share on Apache Spark.

The input is staged Parquet (reconcile.staged: `reconcile run --stage-only`, or any Parquet with
those columns), read from wherever Spark can read. The SQL is the project's own files, translated
(reconcile.spark.translate) before the session starts, so that a statement Spark cannot run stops
the run before any work. Each table a file creates is computed once and checkpointed for the
statements after it, as DuckDB computes a temp table once.

Written to --out, a folder or a URL Spark can write to:

    flags/period=2024-09/province=01/part-....parquet          the findings (the flags table's columns)
    noncash_share/period=2024-09/province=01/part-....parquet  the share (noncash_share_rows' columns)
    inputs/period=2024-09/part-....parquet                     each file's rows read, loaded, rejected
    runs/period=2024-09/part-....parquet                       the run: when, who, version, settings, counts

`province` is the beneficiary's province code, `unknown` for a finding or payment with none, and
`all` for the programme totals of the share. A run replaces its period's folders whole, and leaves
other periods alone.

The work is in modules of its own: load.py (the staged input read and checked), tables.py (the
tables kept between statements), find.py (findings and share), result.py (what the run reports)
and write.py (the period's folders).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconcile import checks, keys
from reconcile.checks_coverage import (
    RunWarning,
    cash_unpaid,
    missing_communes,
    part_missing,
    registry_unpaid,
    unchecked,
)
from reconcile.checks_excel import SCIENTIFIC_IDS_AT_LEAST
from reconcile.checks_month import check_named_month
from reconcile.checks_thousands import check_re_saved
from reconcile.config import Checks, Settings, check_period
from reconcile.errors import ReconcileError
from reconcile.measure import RUN_NONCASH_BASE
from reconcile.pipeline import run_params
from reconcile.results import RunResult
from reconcile.rules import Rule, catalogue
from reconcile.spark.find import find, noncash_share
from reconcile.spark.load import read_staged, reference_tables
from reconcile.spark.result import run_result
from reconcile.spark.session import get_session
from reconcile.spark.tables import Tables
from reconcile.spark.translate import Step, Untranslatable, statement_step, steps
from reconcile.spark.write import Output, write_period
from reconcile.store import os_user

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass
class SparkRunConfig:
    period: str
    registry: list[str]  # staged Parquet: files, folders or URLs
    payments: list[str]
    out: str  # folder or URL for flags/ and noncash_share/
    settings: Settings = field(default_factory=Settings)
    master: str | None = None  # --spark-master; None: spark-submit's, else local[*]
    conf: dict[str, str] = field(default_factory=dict)  # --spark-conf, for a session this run starts
    operator: str | None = None  # --operator, else the OS user
    on_step: Callable[[str], None] | None = None
    on_notice: Callable[[str], None] | None = None  # what the officer is told before the summary
    partial: bool = False  # --partial: go on when a source looks missing, and record the period as partial


@dataclass
class Plan:
    """Every statement the run executes, translated before the session starts."""

    load: list[Step]
    match: list[Step]
    facts: list[Step]
    rules: list[tuple[Rule, Step]]  # each rule and its query
    flags: Step
    noncash_base: Step
    noncash: dict[bool, list[Step]]  # by whether the month is partial (its targets are then not judged)
    checks: dict[str, Step]  # the month's guards (sql/checks/), as a DuckDB run makes them
    file_counts: list[Step]


# the month's guards a DuckDB run applies (checks.check_files, load.py, match.py) that read the staged rows
# and the matches, in its order; those that read the files as written (roles, Excel's last row, control
# totals, a statement's balances) ran when the files were staged, and the banks of earlier months'
# accounts (coverage_known.sql) are in no Spark run's input (docs/operations.md)
GUARDS = (
    "scientific",
    "digits_lost",
    "period",
    "named_month",
    "thousands",
    "registry_repeats",
    "repeats",
    "scale",
    "unmatched",
    "stand_in",
    "coverage",
    "coverage_communes",
    "registry_files",
)


def plan(params: dict, guards: Checks | None = None) -> Plan:
    """Translate every file the engine runs; Untranslatable names the file and statement. `guards`:
    the thresholds the month's guards' queries take ([checks] of the config)."""
    rules = []
    for rule in catalogue():
        rules.append((rule, statement_step(rule.sql.strip().rstrip(";"), params, rule.file)))
    flags = [s for s in steps("store_flags.sql", params) if s.action == "insert" and s.name == "flags"]
    limits = {"min_ids": SCIENTIFIC_IDS_AT_LEAST, "min_amount": (guards or Checks()).min_amount}
    return Plan(
        load=steps("load_current.sql", params),
        match=steps("match.sql", params),
        facts=steps("paid_before_none.sql", params) + steps("facts.sql", params),  # no earlier month held
        rules=rules,
        flags=flags[0],
        noncash_base=statement_step(RUN_NONCASH_BASE, params, "measure.RUN_NONCASH_BASE"),
        noncash={
            partial: steps("noncash_share.sql", params)
            + steps("noncash_share_store.sql", {**params, "partial": partial})
            for partial in (False, True)
        },
        checks={name: steps(f"checks/{name}.sql", {**params, **limits})[0] for name in GUARDS},
        file_counts=steps("file_counts.sql", params),
    )


def run(cfg: SparkRunConfig) -> RunResult:
    check_period(cfg.period)
    started = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    params = run_params(cfg.period, cfg.settings)
    key = run_key(cfg.out)
    params.update(keys.pads(key))
    params["key_check"] = keys.check_value(key)
    try:
        work = plan(params, cfg.settings.checks)
    except Untranslatable as exc:
        raise ReconcileError(f"a rule cannot run on Spark: {exc}; run it with --engine duckdb") from None

    _notify(cfg, "spark.start")
    with warnings.catch_warnings():  # pyspark warns when it finds pandas 3 installed: not the officer's to act on
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\.")
        spark, owned = get_session(cfg.master, cfg.conf)
        try:
            return _Run(spark, cfg, params, work, t0, started).execute()
        finally:
            if owned:
                spark.stop()


def run_key(out: str) -> bytes:
    """The key of a Spark run's findings: RECONCILE_KEY, else the key file beside a local --out folder
    (`<out>.key`, made on the first run). A folder on a cluster file system (hdfs://, s3a://) has no key
    file beside it on this machine: RECONCILE_KEY must be set."""
    local = "://" not in out or out.startswith("file://")
    return keys.resolve(Path(out.removeprefix("file://").rstrip("/")) if local else None, create=local)[0]


def _notify(cfg: SparkRunConfig, step: str) -> None:
    if cfg.on_step:
        cfg.on_step(step)


class _Run:
    def __init__(
        self, spark: SparkSession, cfg: SparkRunConfig, params: dict[str, Any], work: Plan, t0: float, started: datetime
    ) -> None:
        self.spark, self.cfg, self.params, self.plan, self.t0, self.started = spark, cfg, params, work, t0, started
        self.tables = Tables(spark)
        self.files: dict[int, tuple[str, str]] = {}  # role and name, by file_id
        self.missing: list[checks.MissingSource] = []  # sources that look missing (with --partial)
        self.warnings: list[RunWarning] = []  # said before the summary, and recorded in runs.warnings
        self.steps: dict[str, float] = {}
        self.counted: dict[tuple, int] = {}  # coverage_exact.sql's count, by group

    def _step(self, name: str, t: float) -> float:
        now = time.perf_counter()
        self.steps[name] = self.steps.get(name, 0.0) + now - t
        return now

    def execute(self) -> RunResult:
        from reconcile.spark import udfs

        cfg, tables, work = self.cfg, self.tables, self.plan
        t = time.perf_counter()
        self.steps["start"] = t - self.t0
        udfs.register(self.spark)
        output = Output(self.spark, cfg.out, cfg.period, self.params["run_id"])
        output.check()
        _notify(cfg, "spark.read")
        self.files = read_staged(
            tables, cfg.registry, cfg.payments, self.params["period_start"], self.params["period_end"]
        )
        names = {file_id: name for file_id, (_, name) in self.files.items()}
        guards = cfg.settings.checks
        checks.check_scientific(self._rows("scientific"), names)
        checks.check_digits_lost(self._rows("digits_lost"), names)
        checks.check_periods(self._rows("period"), names, cfg.period, guards)
        check_named_month(self._rows("named_month"), names, cfg.period, guards)
        checks.check_thousands(self._rows("thousands"), names, guards)
        reference_tables(self.spark, cfg.period, cfg.settings.targets)
        t = self._step("read", t)

        _notify(cfg, "load")
        tables.run(work.load)
        if sum(role == "registry" for role, _ in self.files.values()) > 1:  # the same registry twice takes two
            checks.check_registry_repeats(self._rows("registry_repeats"), names, guards)
        checks.check_repeats(self._rows("repeats"), names, guards)
        t = self._step("load", t)

        _notify(cfg, "match")
        tables.run(work.match)
        tables.run(work.facts)
        registries = [name for role, name in self.files.values() if role == "registry"]
        checks.check_scale(self._rows("scale"), names, registries, guards)
        check_re_saved(self._rows("thousands"), names, guards)
        checks.check_unmatched(self._rows("unmatched"), names, registries, guards)
        checks.check_stand_in(self._rows("stand_in"), names, cfg.period, guards)
        coverage = self._rows("coverage")
        self.missing = checks.missing_sources(coverage, guards, self._exact_coverage)
        communes = self._rows("coverage_communes") if any(g["channel"] == "cash" for g in coverage) else []
        self.missing += missing_communes(communes, self.missing, guards)
        if not self.missing:  # no earlier months here to tell the banks of the registry's accounts
            no_bank, cash = (
                unchecked(coverage, [], guards, self._exact_coverage),
                cash_unpaid(coverage, communes, guards),
            )
            self.warnings = [RunWarning(no_bank)] if no_bank else []
            self.warnings += [cash] if cash else []
            self.warnings += part_missing(coverage, guards, self._exact_coverage)
            if len(registries) > 1:
                self.warnings += registry_unpaid(self._rows("registry_files"), names, guards)
            for warning in self.warnings:
                if cfg.on_notice:
                    cfg.on_notice(warning.text)
        if self.missing and not cfg.partial:
            raise checks.refuse_missing(self.missing, self.params["period"])
        t = self._step("match", t)

        _notify(cfg, "find")
        flags = find(tables, work.rules, work.flags)
        t = self._step("find", t)

        _notify(cfg, "measure")
        share = noncash_share(tables, work.noncash_base, work.noncash[bool(self.missing)])
        t = self._step("measure", t)

        _notify(cfg, "spark.write")
        tables.run(work.file_counts)  # cur_file_counts, as a DuckDB run counts its files
        result = run_result(
            self.spark,
            self.files,
            flags,
            share,
            run_id=self.params["run_id"],
            period=cfg.period,
            out=cfg.out,
            steps=self.steps,
            missing=self.missing,
        )
        result.warnings = self.warnings
        write_period(
            output,
            flags,
            share,
            result,
            started=self.started,
            operator=cfg.operator or os_user(),
            settings=cfg.settings.model_dump_json(),
            key_check=self.params["key_check"],
            missing=self.missing,
        )
        self._step("write", t)
        result.seconds = time.perf_counter() - self.t0
        return result

    def _rows(self, check: str) -> list[dict[str, Any]]:
        """The rows of one of the month's guards (sql/checks/), as dicts."""
        return [row.asDict() for row in self.spark.sql(self.plan.checks[check].sql).collect()]

    def _exact_coverage(self, group: dict[str, Any]) -> int:
        """coverage_exact.sql for one group, translated with its values (checks.missing_sources), counted
        once (the note of a registry that names no bank asks for the groups the guard counted)."""
        params = checks.exact_coverage_params(group)
        key = tuple(params.values())
        if key not in self.counted:
            row = self.spark.sql(steps("checks/coverage_exact.sql", {**self.params, **params})[0].sql).first()
            assert row is not None  # an aggregate: one row, always
            self.counted[key] = row["with_payment"]
        return self.counted[key]
