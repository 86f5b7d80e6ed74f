"""The run's input on Spark: staged Parquet read and checked (reconcile.staged's columns, one name
per file_id, canonical values only), and the reference tables the SQL reads."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from reconcile.config import Targets
from reconcile.contracts import ENUM_ALIASES
from reconcile.errors import InputFileError, ReconcileError
from reconcile.spark.tables import SPARK_TYPES, Tables
from reconcile.staged import staged_columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# the enumerated columns of staged rows, and their domains (contracts.ENUM_ALIASES)
STAGED_VALUES = {
    "registry": {"program": "program", "channel": "channel", "status": "beneficiary_status", "gender": "gender"},
    "payments": {"program": "program", "channel": "channel", "status": "payment_status"},
}


def read_staged(
    tables: Tables, registry: list[str], payments: list[str], start: date, end: date
) -> dict[int, tuple[str, str]]:
    """stg_registry and stg_payments from the staged Parquet, typed as DuckDB types them;
    in_period from the run's own period (start to end); cur_files from file_id. Returns each
    file's role and name, by file_id."""
    from pyspark.sql import functions as F

    spark = tables.spark
    for role, paths in (("registry", registry), ("payments", payments)):
        if not paths:
            raise ReconcileError(f"no {role} file given; pass --{role} with staged Parquet")
        frame = _read_parquet(spark, role, paths)
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
            # a payment that did not go through may carry no date: of the month whose file lists it
            in_period = F.coalesce(F.col("value_date").between(F.lit(start), F.lit(end)), F.col("value_date").isNull())
            frame = frame.withColumn("in_period", in_period)
        # load_current.sql joins the row ids back on DuckDB's rowid, the row's place in the table:
        # any number unique to the row does, and the table is kept, so it does not change
        tables.keep(f"stg_{role}", frame.withColumn("rowid", F.monotonically_increasing_id()))
    rows = spark.sql("""
        SELECT file_id, min(role) AS role, count(DISTINCT source_file) AS names,
               min(source_file) AS source_file, max(source_file) AS other
        FROM (SELECT 'registry' AS role, file_id, source_file FROM stg_registry
              UNION ALL SELECT 'payments', file_id, source_file FROM stg_payments)
        GROUP BY file_id ORDER BY file_id""").collect()
    for row in rows:
        if row.file_id is None or row.names > 1:
            where = (
                "has rows without a file_id"
                if row.file_id is None
                else f"gives file_id {row.file_id} to two files ({row.source_file}, {row.other})"
            )
            raise InputFileError(
                ", ".join(registry + payments),
                where,
                "stage the files of one month together, with one --stage-only run",
            )
    files = {row.file_id: (row.role, row.source_file) for row in rows}  # role, name
    _check_values(spark, registry, payments)
    spark.createDataFrame([(i, i) for i in files], "file_id int, file_order int").createOrReplaceTempView("cur_files")
    return files


def _check_values(spark: SparkSession, registry: list[str], payments: list[str]) -> None:
    """Loaded rows must hold what staging writes: an enumerated column one of its canonical values
    (a status of 'SUCCESS' or 'Thành công' would silently count no payment as made), an ID
    digits only. Parquet written by other means is refused here, not reconciled wrong."""
    for role, paths in (("registry", registry), ("payments", payments)):
        checks = {"vneid": "vneid RLIKE '^[0-9]+$'"}
        for column, domain in STAGED_VALUES[role].items():
            allowed = ", ".join(f"'{v}'" for v in ENUM_ALIASES[domain])
            checks[column] = f"{column} IN ({allowed})"
        row = spark.sql(
            "SELECT "
            + ", ".join(
                f"count_if({column} IS NOT NULL AND NOT ({test})) AS {column}" for column, test in checks.items()
            )
            + f" FROM stg_{role} WHERE reject_reason IS NULL"
        ).first()
        assert row is not None  # an aggregate: one row, always
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


def _read_parquet(spark: SparkSession, role: str, paths: list[str]) -> DataFrame:
    try:
        return spark.read.parquet(*paths)
    except Exception as exc:  # AnalysisException: no such path, not Parquet
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "PATH_NOT_FOUND" in text or "does not exist" in text:
            raise InputFileError(", ".join(paths), "no such file or folder", f"check the --{role} path") from None
        raise InputFileError(
            ", ".join(paths),
            f"cannot be read as Parquet ({text[:200]})",
            "stage the files first with reconcile run --stage-only --out DIR",
        ) from None


def reference_tables(spark: SparkSession, period: str, targets: Targets) -> None:
    """The banks, the places of birth, the spellings of each value and the period's targets, as the
    matching and rules read them."""
    from reconcile.normalise.reference import reference_frames

    frames = reference_frames()
    # what the macros of the matching and rules read, and the words for a programme (match.sql)
    for name in ("ref_bank", "ref_birth_province", "ref_enum"):
        spark.createDataFrame(frames[name].to_arrow()).createOrReplaceTempView(name)
    spark.sql(
        f"SELECT * FROM VALUES ('{period}', 'welfare', CAST({targets.welfare!r} AS DOUBLE)), "
        f"('{period}', 'pension', CAST({targets.pension!r} AS DOUBLE)) "
        "AS targets(period, program, target)"
    ).createOrReplaceTempView("targets")
