"""The findings and the non-cash share on Spark: every rule's rows, stored as store_flags.sql
stores them (ids and order), and the share as noncash_share.sql measures it."""

from __future__ import annotations

from functools import reduce
from typing import TYPE_CHECKING

from reconcile.rules import FLAG_COLUMNS, Rule
from reconcile.spark.tables import Tables, as_table, flag_columns
from reconcile.spark.translate import Step

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def find(tables: Tables, rules: list[tuple[Rule, Step]], store: Step) -> DataFrame:
    """Every rule's rows, with code and severity, as cur_flags; then the flags as store_flags.sql
    writes them (ids and order). Each rule's rows are kept (computed) on their own, and cur_flags is
    their union: computed as one, the fourteen rules' plans took Spark 5.7 s on a month of 300
    beneficiaries, against 4.4 s in all apart (and a checkpoint of the union of the kept rows fails
    in Spark 4.3 itself: `key not found` in an attribute map)."""
    from pyspark.sql import functions as F

    types = dict(flag_columns())
    kept = {rule.code: f"cur_flags__{rule.code.lower()}" for rule, _ in rules}
    found = []
    for rule, step in rules:
        frame = tables.spark.sql(step.sql)
        found.append(
            tables.keep(
                kept[rule.code],
                frame.select(
                    F.lit(rule.code).alias("code"),
                    F.lit(rule.severity.value).alias("severity"),
                    F.lit(rule.severity.rank).cast("int").alias("severity_rank"),
                    *[(F.col(c) if c in frame.columns else F.lit(None)).cast(types[c]).alias(c) for c in FLAG_COLUMNS],
                ),
            )
        )
    reduce(lambda a, b: a.unionByName(b), found).createOrReplaceTempView("cur_flags")
    query = tables.run([store])["flags"]
    flags = tables.keep("out_flags", as_table(query, "flags"))
    for name in ["cur_flags", *kept.values()]:  # the union, then the rows it read
        tables.drop(name)
    return flags


def noncash_share(tables: Tables, base: Step, share: list[Step]) -> DataFrame:
    """The share of payments without cash, from the run's payments (nc_base) by the steps of
    noncash_share.sql (those of a partial month, whose targets are not judged, or of a whole one)."""
    tables.spark.sql(base.sql).createOrReplaceTempView("nc_base")
    query = tables.run(share)["noncash_share_rows"]
    return tables.keep("out_noncash", as_table(query, "noncash_share_rows"))
