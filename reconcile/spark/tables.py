"""The tables a Spark run keeps: each table a SQL file creates is computed once and checkpointed
for the statements after it, as DuckDB computes a temp table once; and the warehouse's tables in
Spark's types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconcile import warehouse
from reconcile.errors import ReconcileError
from reconcile.rules import FLAG_COLUMNS
from reconcile.spark.translate import Step

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

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


class Tables:
    """The session's tables made by the files' statements, kept until dropped."""

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self.kept: dict[str, DataFrame] = {}  # tables made by the files, checkpointed

    def run(self, todo: list[Step]) -> dict[str, DataFrame]:
        """Run the statements in order; return the queries of their INSERTs, by table."""
        inserts = {}
        for step in todo:
            if step.action == "drop":
                self.drop(step.name)
            elif step.action == "view":
                self.spark.sql(step.sql).createOrReplaceTempView(step.name)
            elif step.action == "table":
                for first in step.before:  # the CTEs it reads more than once (hoist.py)
                    self.keep(first.name, self.spark.sql(first.sql))
                self.keep(step.name, self.spark.sql(step.sql))
                for first in step.before:
                    self.drop(first.name)
            elif step.action == "insert":
                inserts[step.name] = self.spark.sql(step.sql)
            else:
                raise ReconcileError(f"{step.source}: a bare query where a table was expected")
        return inserts

    def keep(self, name: str, frame: DataFrame) -> DataFrame:
        """Compute a table once and keep it for the statements that read it, as a checkpoint: the
        statements after it see its rows, not the plan that made them (fourteen rules over the
        plans of matching would take Spark's planner minutes and gigabytes). With a checkpoint
        folder (spark.checkpoint.dir) the rows go there and outlive a lost executor; without one,
        they stay on the executors. A table made again from itself (an ALTER or UPDATE, translate.py)
        is computed before its old rows are let go."""
        if self.spark.sparkContext.getCheckpointDir():
            frame = frame.checkpoint(eager=True)
        else:
            frame = frame.localCheckpoint(eager=True)
        self.drop(name)
        frame.createOrReplaceTempView(name)
        self.kept[name] = frame
        return frame

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        frame = self.kept.pop(name, None)
        if frame is not None:
            frame.unpersist()


def flag_columns() -> list[tuple[str, str]]:
    """The columns a rule's rows give to the flags table, with their Spark types."""
    return [(c.name, SPARK_TYPES[c.type]) for c in warehouse.table("flags").cols if c.name in FLAG_COLUMNS]


def as_table(query: DataFrame, table: str) -> DataFrame:
    """An INSERT's query as the rows of the table: its columns by position, with the table's names
    and types (INSERT INTO t SELECT ... means that in both engines)."""
    from pyspark.sql import functions as F

    cols = warehouse.table(table).cols
    if len(query.columns) != len(cols):
        raise ReconcileError(f"the query for {table} gives {len(query.columns)} columns, the table has {len(cols)}")
    renamed = query.toDF(*[c.name for c in cols])
    return renamed.select(*[F.col(c.name).cast(SPARK_TYPES[c.type]).alias(c.name) for c in cols])
