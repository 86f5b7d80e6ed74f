"""`reconcile run --engine spark`: the reconciliation on Apache Spark, from staged Parquet (engine.py).

Needs the spark extra (pyspark, sqlglot); nothing here is imported by a DuckDB run."""
