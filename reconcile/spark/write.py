"""What a Spark run writes to --out: the flags and the share by province, the files' accounting
and, last, the run's record. Each period's folder is written beside the old one and then put in
its place, through Spark's Hadoop layer (a local folder, HDFS, S3...)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from reconcile import __version__, warehouse
from reconcile.checks import MissingSource
from reconcile.checks_coverage import warnings_json
from reconcile.errors import ReconcileError
from reconcile.results import RunResult
from reconcile.spark.session import java_reason
from reconcile.spark.tables import SPARK_TYPES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


class Output:
    """The --out folder or URL of a run's period."""

    def __init__(self, spark: SparkSession, out: str, period: str, run_id: str) -> None:
        self.spark, self.out, self.period, self.run_id = spark, out, period, run_id

    def hadoop(self, path: str) -> tuple[Any, Any]:
        """(file system, Path) of a path or URL, through Spark's Hadoop layer (local, HDFS, S3, ...)."""
        jvm: Any = self.spark.sparkContext._jvm  # py4j's view of the JVM: untyped
        target = jvm.org.apache.hadoop.fs.Path(path)
        return target.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration()), target

    def check(self) -> None:
        """Make the --out folder now: a path Spark cannot write to should stop the run before its work."""
        try:
            fs, path = self.hadoop(self.out)
            fs.mkdirs(path)
        except Exception as exc:
            raise ReconcileError(
                f"{self.out}: cannot write there ({java_reason(exc)}); check that --out is a "
                "folder or URL this Spark can write to"
            ) from None

    def replace(self, frame: DataFrame, name: str, partition: str | None = "province") -> None:
        """Write the period's folder beside the old one, then put it in its place: readers see the
        old rows or the new, and a failed write leaves the old."""
        base = self.out.rstrip("/") + "/" + name
        target = f"{base}/period={self.period}"
        incoming = f"{base}/_incoming-{self.run_id}"
        fs, incoming_path = self.hadoop(incoming)
        target_path = self.hadoop(target)[1]
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


def write_period(
    output: Output,
    flags: DataFrame,
    share: DataFrame,
    result: RunResult,
    *,
    started: datetime,
    operator: str,
    settings: str,
    key_check: str,
    missing: list[MissingSource],
) -> None:
    """The flags and the share by province; then the files' accounting and, last, the run's
    record, as in the database's inputs and runs tables: a runs folder whose run_id is the
    flags' says the period was written whole."""
    from pyspark.sql import functions as F

    spark = output.spark
    # store_flags.sql's order, NULLs last as in DuckDB
    order = [F.desc("severity_rank")] + [
        F.asc_nulls_last(c) for c in ("code", "source_file", "source_row", "payment_ref", "vneid")
    ]
    flags = flags.withColumn("province", F.coalesce("province_code", F.lit("unknown")))
    share = share.withColumn("province", F.coalesce("province_code", F.lit("all")))
    output.replace(flags.drop("period").repartition("province").sortWithinPartitions(*order), "flags")
    output.replace(
        share.drop("period")
        .repartition("province")
        .sortWithinPartitions(
            *[F.asc_nulls_last(c) for c in ("program", "level", "province_code", "commune_code", "channel_group")]
        ),
        "noncash_share",
    )
    run_id = output.run_id
    inputs = spark.createDataFrame(
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
    output.replace(inputs.coalesce(1), "inputs", partition=None)
    finished = datetime.now(UTC).replace(tzinfo=None)
    run = {
        "run_id": run_id,
        "started_at": started,
        "finished_at": finished,
        "tool_version": __version__,
        "operator": operator,
        "settings": settings,
        "registry_rows": result.registry_rows,
        "payment_rows": result.payment_rows,
        "rejected_rows": result.rejected_rows,
        "set_aside_rows": result.set_aside_rows,
        "flags": result.flags,
        "key_check": key_check,
        "partial": bool(missing),
        "missing_sources": json.dumps([m.as_dict() for m in missing]) if missing else None,
        "warnings": warnings_json(result.warnings),
    }
    cols = [c for c in warehouse.table("runs").cols if c.name != "period"]  # the runs table's, period in the path
    output.replace(
        spark.createDataFrame(
            [tuple(run[c.name] for c in cols)], ", ".join(f"{c.name} {SPARK_TYPES[c.type]}" for c in cols)
        ).coalesce(1),
        "runs",
        partition=None,
    )
