"""A Spark run's result, as a DuckDB run reports it: each file's rows read, loaded and rejected,
the findings by code and severity, the share by programme, and the month's totals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reconcile.checks import MissingSource
from reconcile.results import InputSummary, RunResult

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def run_result(
    spark: SparkSession,
    files: dict[int, tuple[str, str]],
    flags: DataFrame,
    share: DataFrame,
    *,
    run_id: str,
    period: str,
    out: str,
    steps: dict[str, float],
    missing: list[MissingSource],
) -> RunResult:
    """The result of the run whose tables are in `spark` (cur_file_counts made: file_counts.sql)."""
    counts = {r.file_id: r for r in spark.table("cur_file_counts").collect()}
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
            files.items(),  # as a run lists them: registry first
            key=lambda item: (item[1][0] != "registry", item[0]),
        )
    ]
    found = flags.groupBy("code", "severity").count().collect()
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
    totals = spark.sql("""
        SELECT (SELECT count(*) FROM cur_registry) AS registry_rows,
               (SELECT count(*) FROM cur_payments) AS payment_rows,
               (SELECT coalesce(sum(entitled_amount), 0) FROM cur_registry
                 WHERE is_primary AND status = 'active') AS due,
               (SELECT coalesce(sum(amount), 0) FROM cur_payments WHERE status = 'success' AND in_period) AS paid
        """).first()
    assert totals is not None  # a query of no table: one row, always
    severity: dict[str, int] = {}
    for row in found:
        severity[row.severity] = severity.get(row.severity, 0) + row["count"]
    return RunResult(
        run_id=run_id,
        period=period,
        db=Path(out),
        inputs=inputs,
        flag_counts={row.code: row["count"] for row in sorted(found, key=lambda r: r.code)},
        severity_counts=severity,
        noncash=noncash,
        registry_rows=totals.registry_rows,
        payment_rows=totals.payment_rows,
        rejected_rows=sum(i.rows_rejected for i in inputs),
        set_aside_rows=sum(i.rows_set_aside for i in inputs),
        amount_due=int(totals.due),
        amount_paid=int(totals.paid),
        seconds=0.0,
        step_seconds=steps,
        engine="spark",
        out=out,
        missing_sources=missing,
    )
