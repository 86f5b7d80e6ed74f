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
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reconcile import __version__, checks, keys, warehouse
from reconcile.config import Settings, check_period
from reconcile.contracts import ENUM_ALIASES
from reconcile.errors import InputFileError, ReconcileError
from reconcile.measure import RUN_NONCASH_BASE
from reconcile.pipeline import InputSummary, RunResult, os_user, run_params
from reconcile.rules import FLAG_COLUMNS, catalogue
from reconcile.spark.session import get_session, java_reason
from reconcile.spark.translate import Step, Untranslatable, statement_step, steps
from reconcile.staged import staged_columns

# the enumerated columns of staged rows, and their domains (contracts.ENUM_ALIASES)
STAGED_VALUES = {
    "registry": {"program": "program", "channel": "channel", "status": "beneficiary_status", "gender": "gender"},
    "payments": {"program": "program", "channel": "channel", "status": "payment_status"},
}
SPARK_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "DOUBLE": "double",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "JSON": "string",
}


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
    partial: bool = False  # --partial: go on when a source looks missing, and record the period as partial


@dataclass
class Plan:
    """Every statement the run executes, translated before the session starts."""

    load: list[Step]
    match: list[Step]
    facts: list[Step]
    rules: list[tuple[object, Step]]  # (Rule, its query)
    flags: Step
    noncash_base: Step
    noncash: dict[bool, list[Step]]  # by whether the month is partial (its targets are then not judged)
    checks: dict[str, Step]  # the month's guards (sql/checks/), as a DuckDB run makes them
    file_counts: list[Step]


def plan(params: dict) -> Plan:
    """Translate every file the engine runs; Untranslatable names the file and statement."""
    rules = []
    for rule in catalogue():
        rules.append((rule, statement_step(rule.sql.strip().rstrip(";"), params, rule.file)))
    flags = [s for s in steps("store_flags.sql", params) if s.action == "insert" and s.name == "flags"]
    return Plan(
        load=steps("load_current.sql", params),
        match=steps("match.sql", params),
        facts=steps("facts.sql", params),
        rules=rules,
        flags=flags[0],
        noncash_base=statement_step(RUN_NONCASH_BASE, params, "measure.RUN_NONCASH_BASE"),
        noncash={partial: steps("noncash_share.sql", {**params, "partial": partial}) for partial in (False, True)},
        checks={name: steps(f"checks/{name}.sql", params)[0] for name in ("period", "repeats", "scale", "coverage")},
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
        work = plan(params)
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
    def __init__(self, spark, cfg: SparkRunConfig, params: dict, work: Plan, t0: float, started: datetime):
        self.spark, self.cfg, self.params, self.plan, self.t0, self.started = spark, cfg, params, work, t0, started
        self.kept: dict[str, object] = {}  # tables made by the files, checkpointed
        self.missing: list[checks.MissingSource] = []  # sources that look missing (with --partial)
        self.steps: dict[str, float] = {}

    def _step(self, name: str, t: float) -> float:
        now = time.perf_counter()
        self.steps[name] = self.steps.get(name, 0.0) + now - t
        return now

    def execute(self) -> RunResult:
        from reconcile.spark import udfs

        t = time.perf_counter()
        self.steps["start"] = t - self.t0
        udfs.register(self.spark)
        self._check_out()
        _notify(self.cfg, "spark.read")
        self._read_inputs()
        self._reference_tables()
        t = self._step("read", t)

        _notify(self.cfg, "load")
        self._run_steps(self.plan.load)
        names = {file_id: name for file_id, (_, name) in self.files.items()}
        guards = self.cfg.settings.checks
        checks.check_repeats(self._rows("repeats"), names, guards)
        t = self._step("load", t)

        _notify(self.cfg, "match")
        self._run_steps(self.plan.match)
        self._run_steps(self.plan.facts)
        checks.check_scale(
            self._rows("scale"), names, [name for role, name in self.files.values() if role == "registry"], guards
        )
        self.missing = checks.missing_sources(self._rows("coverage"), guards, self._exact_coverage)
        if self.missing and not self.cfg.partial:
            raise checks.refuse_missing(self.missing)
        t = self._step("match", t)

        _notify(self.cfg, "find")
        flags = self._find()
        t = self._step("find", t)

        _notify(self.cfg, "measure")
        share = self._noncash_share()
        t = self._step("measure", t)

        _notify(self.cfg, "spark.write")
        result = self._summarise(flags, share)
        self._write(flags, share, result)
        self._step("write", t)
        result.seconds = time.perf_counter() - self.t0
        return result

    # -- input -------------------------------------------------------------------------------------
    def _read_inputs(self) -> None:
        """stg_registry and stg_payments from the staged Parquet, typed as DuckDB types them;
        in_period from the run's own period; cur_files from file_id."""
        from pyspark.sql import functions as F

        for role, paths in (("registry", self.cfg.registry), ("payments", self.cfg.payments)):
            if not paths:
                raise ReconcileError(f"no {role} file given; pass --{role} with staged Parquet")
            frame = self._read_parquet(role, paths)
            columns = staged_columns(role)
            missing = [c.name for c in columns if c.name not in frame.columns]
            if missing:
                raise InputFileError(
                    ", ".join(paths),
                    f"is not staged {role} Parquet: it lacks the column(s) {', '.join(missing)}",
                    "stage the files first with reconcile run --stage-only --out DIR",
                )
            frame = frame.select(*[F.col(c.name).cast(SPARK_TYPES[c.type]).alias(c.name) for c in columns])
            if role == "payments":
                start, end = self.params["period_start"], self.params["period_end"]
                frame = frame.withColumn("in_period", F.col("value_date").between(F.lit(start), F.lit(end)))
            # load_current.sql joins the row ids back on DuckDB's rowid, the row's place in the table:
            # any number unique to the row does, and the table is kept, so it does not change
            self._keep(f"stg_{role}", frame.withColumn("rowid", F.monotonically_increasing_id()))
        files = self.spark.sql("""
            SELECT file_id, min(role) AS role, count(DISTINCT source_file) AS names,
                   min(source_file) AS source_file, max(source_file) AS other
            FROM (SELECT 'registry' AS role, file_id, source_file FROM stg_registry
                  UNION ALL SELECT 'payments', file_id, source_file FROM stg_payments)
            GROUP BY file_id ORDER BY file_id""").collect()
        for row in files:
            if row.file_id is None or row.names > 1:
                where = (
                    "has rows without a file_id"
                    if row.file_id is None
                    else f"gives file_id {row.file_id} to two files ({row.source_file}, {row.other})"
                )
                raise InputFileError(
                    ", ".join(self.cfg.registry + self.cfg.payments),
                    where,
                    "stage the files of one month together, with one --stage-only run",
                )
        self.files = {row.file_id: (row.role, row.source_file) for row in files}  # role, name
        self._check_values()
        self.spark.createDataFrame([(i, i) for i in self.files], "file_id int, file_order int").createOrReplaceTempView(
            "cur_files"
        )
        checks.check_periods(
            self._rows("period"),
            {i: name for i, (_, name) in self.files.items()},
            self.cfg.period,
            self.cfg.settings.checks,
        )

    def _rows(self, check: str) -> list[dict]:
        """The rows of one of the month's guards (sql/checks/), as dicts."""
        return [row.asDict() for row in self.spark.sql(self.plan.checks[check].sql).collect()]

    def _exact_coverage(self, group: dict) -> int:
        """coverage_exact.sql for one group, translated with its values (checks.missing_sources)."""
        step = steps("checks/coverage_exact.sql", {**self.params, **checks.exact_coverage_params(group)})[0]
        return self.spark.sql(step.sql).first()["with_payment"]

    def _check_values(self) -> None:
        """Loaded rows must hold what staging writes: an enumerated column one of its canonical values
        (a status of 'SUCCESS' or 'Thành công' would silently count no payment as made), an ID
        digits only. Parquet written by other means is refused here, not reconciled wrong."""
        for role, paths in (("registry", self.cfg.registry), ("payments", self.cfg.payments)):
            checks = {"vneid": "vneid RLIKE '^[0-9]+$'"}
            for column, domain in STAGED_VALUES[role].items():
                allowed = ", ".join(f"'{v}'" for v in ENUM_ALIASES[domain])
                checks[column] = f"{column} IN ({allowed})"
            row = self.spark.sql(
                "SELECT "
                + ", ".join(
                    f"count_if({column} IS NOT NULL AND NOT ({test})) AS {column}" for column, test in checks.items()
                )
                + f" FROM stg_{role} WHERE reject_reason IS NULL"
            ).first()
            for column in checks:
                if row[column]:
                    what = (
                        "digits only"
                        if column == "vneid"
                        else "one of " + ", ".join(ENUM_ALIASES[STAGED_VALUES[role][column]])
                    )
                    raise InputFileError(
                        ", ".join(paths),
                        f"has {row[column]:,} loaded rows whose {column} is not {what}, as staging writes it",
                        "stage the files first with reconcile run --stage-only --out DIR",
                    )

    def _read_parquet(self, role: str, paths: list[str]):
        try:
            return self.spark.read.parquet(*paths)
        except Exception as exc:  # AnalysisException: no such path, not Parquet
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if "PATH_NOT_FOUND" in text or "does not exist" in text:
                raise InputFileError(", ".join(paths), "no such file or folder", f"check the --{role} path") from None
            raise InputFileError(
                ", ".join(paths),
                f"cannot be read as Parquet ({text[:200]})",
                "stage the files first with reconcile run --stage-only --out DIR",
            ) from None

    def _reference_tables(self) -> None:
        from reconcile.normalize import reference_frames

        frames = reference_frames()
        for name in ("ref_bank", "ref_birth_province"):  # what the macros of the matching and rules read
            self.spark.createDataFrame(frames[name].to_arrow()).createOrReplaceTempView(name)
        targets = self.cfg.settings.targets
        self.spark.sql(
            f"SELECT * FROM VALUES ('{self.cfg.period}', 'welfare', CAST({targets.welfare!r} AS DOUBLE)), "
            f"('{self.cfg.period}', 'pension', CAST({targets.pension!r} AS DOUBLE)) "
            "AS targets(period, program, target)"
        ).createOrReplaceTempView("targets")

    # -- the files' statements ---------------------------------------------------------------------
    def _run_steps(self, todo: list[Step]) -> dict[str, object]:
        """Run the statements in order; return the queries of their INSERTs, by table."""
        inserts = {}
        for step in todo:
            if step.action == "drop":
                self._drop(step.name)
            elif step.action == "view":
                self.spark.sql(step.sql).createOrReplaceTempView(step.name)
            elif step.action == "table":
                self._keep(step.name, self.spark.sql(step.sql))
            elif step.action == "insert":
                inserts[step.name] = self.spark.sql(step.sql)
            else:
                raise ReconcileError(f"{step.source}: a bare query where a table was expected")
        return inserts

    def _keep(self, name: str, frame):
        """Compute a table once and keep it for the statements that read it, as a checkpoint: the
        statements after it see its rows, not the plan that made them (fourteen rules over the
        plans of matching would take Spark's planner minutes and gigabytes). With a checkpoint
        folder (spark.checkpoint.dir) the rows go there and outlive a lost executor; without one,
        they stay on the executors."""
        self._drop(name)
        if self.spark.sparkContext.getCheckpointDir():
            frame = frame.checkpoint(eager=True)
        else:
            frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        self.kept[name] = frame
        return frame

    def _drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        frame = self.kept.pop(name, None)
        if frame is not None:
            frame.unpersist()

    # -- findings and share ------------------------------------------------------------------------
    def _find(self):
        """Every rule's rows, with code and severity, as cur_flags; then the flags as store_flags.sql
        writes them (ids and order)."""
        from functools import reduce

        from pyspark.sql import functions as F

        types = dict(_flag_columns())
        found = []
        for rule, step in self.plan.rules:
            frame = self.spark.sql(step.sql)
            found.append(
                frame.select(
                    F.lit(rule.code).alias("code"),
                    F.lit(rule.severity.value).alias("severity"),
                    F.lit(rule.severity.rank).cast("int").alias("severity_rank"),
                    *[(F.col(c) if c in frame.columns else F.lit(None)).cast(types[c]).alias(c) for c in FLAG_COLUMNS],
                )
            )
        self._keep("cur_flags", reduce(lambda a, b: a.unionByName(b), found))
        query = self._run_steps([self.plan.flags])["flags"]
        return self._keep("out_flags", _as_table(query, "flags"))

    def _noncash_share(self):
        self.spark.sql(self.plan.noncash_base.sql).createOrReplaceTempView("nc_base")
        query = self._run_steps(self.plan.noncash[bool(self.missing)])["noncash_share_rows"]
        return self._keep("out_noncash", _as_table(query, "noncash_share_rows"))

    # -- output ------------------------------------------------------------------------------------
    def _write(self, flags, share, result: RunResult) -> None:
        """The flags and the share by province; then the files' accounting and, last, the run's
        record, as in the database's inputs and runs tables: a runs folder whose run_id is the
        flags' says the period was written whole."""
        from pyspark.sql import functions as F

        # store_flags.sql's order, NULLs last as in DuckDB
        order = [F.desc("severity_rank")] + [
            F.asc_nulls_last(c) for c in ("code", "source_file", "source_row", "payment_ref", "vneid")
        ]
        flags = flags.withColumn("province", F.coalesce("province_code", F.lit("unknown")))
        share = share.withColumn("province", F.coalesce("province_code", F.lit("all")))
        self._replace(flags.drop("period").repartition("province").sortWithinPartitions(*order), "flags")
        self._replace(
            share.drop("period")
            .repartition("province")
            .sortWithinPartitions(
                *[F.asc_nulls_last(c) for c in ("program", "level", "province_code", "commune_code", "channel_group")]
            ),
            "noncash_share",
        )
        run_id = self.params["run_id"]
        inputs = self.spark.createDataFrame(
            [
                (
                    run_id,
                    i.file_id,
                    i.role,
                    i.path,
                    i.rows_read,
                    i.rows_loaded,
                    i.rows_rejected,
                    i.ids_restored,
                    i.rows_set_aside,
                )
                for i in result.inputs
            ],
            "run_id string, file_id int, role string, source_file string, rows_read bigint, rows_loaded bigint, "
            "rows_rejected bigint, ids_restored bigint, rows_set_aside bigint",
        )
        self._replace(inputs.coalesce(1), "inputs", partition=None)
        finished = datetime.now(UTC).replace(tzinfo=None)
        run = {
            "run_id": run_id,
            "started_at": self.started,
            "finished_at": finished,
            "tool_version": __version__,
            "operator": self.cfg.operator or os_user(),
            "settings": self.cfg.settings.model_dump_json(),
            "registry_rows": result.registry_rows,
            "payment_rows": result.payment_rows,
            "rejected_rows": result.rejected_rows,
            "set_aside_rows": result.set_aside_rows,
            "flags": result.flags,
            "key_check": self.params["key_check"],
            "partial": bool(self.missing),
            "missing_sources": json.dumps([m.as_dict() for m in self.missing]) if self.missing else None,
        }
        cols = [c for c in warehouse.table("runs").cols if c.name != "period"]  # the runs table's, period in the path
        self._replace(
            self.spark.createDataFrame(
                [tuple(run[c.name] for c in cols)], ", ".join(f"{c.name} {SPARK_TYPES[c.type]}" for c in cols)
            ).coalesce(1),
            "runs",
            partition=None,
        )

    def _hadoop(self, path: str):
        """(file system, Path) of a path or URL, through Spark's Hadoop layer (local, HDFS, S3, ...)."""
        jvm = self.spark.sparkContext._jvm
        target = jvm.org.apache.hadoop.fs.Path(path)
        return target.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration()), target

    def _check_out(self) -> None:
        """Make the --out folder now: a path Spark cannot write to should stop the run before its work."""
        try:
            fs, path = self._hadoop(self.cfg.out)
            fs.mkdirs(path)
        except Exception as exc:
            raise ReconcileError(
                f"{self.cfg.out}: cannot write there ({java_reason(exc)}); check that --out is a "
                "folder or URL this Spark can write to"
            ) from None

    def _replace(self, frame, name: str, partition: str | None = "province") -> None:
        """Write the period's folder beside the old one, then put it in its place: readers see the
        old rows or the new, and a failed write leaves the old."""
        base = self.cfg.out.rstrip("/") + "/" + name
        target = f"{base}/period={self.cfg.period}"
        incoming = f"{base}/_incoming-{self.params['run_id']}"
        fs, incoming_path = self._hadoop(incoming)
        target_path = self._hadoop(target)[1]
        try:
            writer = frame.write.mode("overwrite")
            (writer.partitionBy(partition) if partition else writer).parquet(incoming)
            fs.delete(target_path, True)
            if not fs.rename(incoming_path, target_path):
                raise ReconcileError(f"{target}: the period's {name} could not be put in place; they are in {incoming}")
        except ReconcileError:
            raise
        except Exception as exc:  # Py4JJavaError: a folder that cannot be made, a full disk, no permission
            fs.delete(incoming_path, True)
            raise ReconcileError(
                f"{base}: cannot write the period's {name} ({java_reason(exc)}); check that "
                "--out is a folder or URL this Spark can write to"
            ) from None

    def _summarise(self, flags, share) -> RunResult:
        self._run_steps(self.plan.file_counts)  # cur_file_counts, as a DuckDB run counts its files
        counts = {r.file_id: r for r in self.spark.table("cur_file_counts").collect()}
        inputs = [
            InputSummary(
                file_id=file_id,
                role=role,
                path=path,
                format="parquet",
                encoding=None,
                profile=None,
                rows_read=counts[file_id].rows_read,
                rows_loaded=counts[file_id].rows_loaded,
                rows_rejected=counts[file_id].rows_rejected,
                ids_restored=counts[file_id].ids_restored,
                rows_set_aside=counts[file_id].rows_set_aside,
            )
            for file_id, (role, path) in sorted(
                self.files.items(),  # as a run lists them: registry first
                key=lambda item: (item[1][0] != "registry", item[0]),
            )
        ]
        counts = flags.groupBy("code", "severity").count().collect()
        noncash = [
            row.asDict()
            for row in share.where("level = 'program' AND channel_group = 'all'")
            .select(
                "program",
                "beneficiaries",
                "payments",
                "amount",
                "share_beneficiaries",
                "share_payments",
                "share_amount",
                "target",
                "target_met",
            )
            .orderBy("program")
            .collect()
        ]
        totals = self.spark.sql("""
            SELECT (SELECT count(*) FROM cur_registry) AS registry_rows,
                   (SELECT count(*) FROM cur_payments) AS payment_rows,
                   (SELECT coalesce(sum(entitled_amount), 0) FROM cur_registry
                     WHERE is_primary AND status = 'active') AS due,
                   (SELECT coalesce(sum(amount), 0) FROM cur_payments WHERE status = 'success' AND in_period) AS paid
            """).first()
        severity: dict[str, int] = {}
        for row in counts:
            severity[row.severity] = severity.get(row.severity, 0) + row["count"]
        return RunResult(
            run_id=self.params["run_id"],
            period=self.cfg.period,
            db=Path(self.cfg.out),
            inputs=inputs,
            flag_counts={row.code: row["count"] for row in sorted(counts, key=lambda r: r.code)},
            severity_counts=severity,
            noncash=noncash,
            registry_rows=totals.registry_rows,
            payment_rows=totals.payment_rows,
            rejected_rows=sum(i.rows_rejected for i in inputs),
            set_aside_rows=sum(i.rows_set_aside for i in inputs),
            amount_due=int(totals.due),
            amount_paid=int(totals.paid),
            seconds=0.0,
            step_seconds=self.steps,
            engine="spark",
            out=self.cfg.out,
            missing_sources=self.missing,
        )


def _flag_columns() -> list[tuple[str, str]]:
    return [(c.name, SPARK_TYPES[c.type]) for c in warehouse.table("flags").cols if c.name in FLAG_COLUMNS]


def _as_table(query, table: str):
    """An INSERT's query as the rows of the table: its columns by position, with the table's names
    and types (INSERT INTO t SELECT ... means that in both engines)."""
    from pyspark.sql import functions as F

    cols = warehouse.table(table).cols
    if len(query.columns) != len(cols):
        raise ReconcileError(f"the query for {table} gives {len(query.columns)} columns, the table has {len(cols)}")
    renamed = query.toDF(*[c.name for c in cols])
    return renamed.select(*[F.col(c.name).cast(SPARK_TYPES[c.type]).alias(c.name) for c in cols])
