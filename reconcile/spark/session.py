"""The Spark session the engine runs on: the cluster's when started by spark-submit, else a local one.

`--spark-master URL` picks the cluster (spark://host:7077, yarn, k8s://..., local[4]); without it
the run uses the session spark-submit made, or one on this machine with all its cores. A local
session is kept small and quiet: no web UI, no console progress bars, and as many shuffle
partitions as cores (Spark's 200 suit a cluster, not a laptop).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from reconcile.errors import ReconcileError


def pyspark_missing() -> ReconcileError:
    return ReconcileError(
        "--engine spark needs pyspark, which is not installed; install it with: pip install 'reconcile[spark]'"
    )


def get_session(master: str | None, conf: dict[str, str] | None = None, app: str = "reconcile"):
    """(session, owned): the session to run on, and whether this run started it (and stops it).
    `conf` (--spark-conf) applies to a session started here, under spark-submit too (where the
    script makes the session: spark-submit only starts the JVM)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise pyspark_missing() from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    builder = SparkSession.builder.appName(app).config("spark.sql.session.timeZone", "UTC")
    if os.environ.get("PYSPARK_GATEWAY_PORT") and master is None:  # started by spark-submit: its master holds
        master = "spark-submit's master"
    else:
        master = master or "local[*]"
        builder = builder.master(master)
    if master.startswith("local"):
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise ReconcileError(
                "--engine spark needs Java 17 or later, and none is on this machine "
                "(no java on PATH, no JAVA_HOME); install a JDK, such as openjdk-17-jre"
            )
        cores = _local_cores(master)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers run this Python, with its packages
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", str(cores))
            .config("spark.default.parallelism", str(cores))
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_quiet_logging()}")
        )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: no Java, a wrong one, or a master that does not answer
        raise ReconcileError(
            f"Spark could not start on {master} ({java_reason(exc)}); check that Java 17 or "
            "later is installed and that --spark-master is right"
        ) from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark, True


def _local_cores(master: str) -> int:
    """local = 1 core, local[N] and local[N,F] = N, local[*] = all of them."""
    found = re.match(r"local\[(\d+|\*)", master)
    if found is None:
        return 1
    return (os.cpu_count() or 1) if found.group(1) == "*" else max(int(found.group(1)), 1)


def _quiet_logging() -> Path:
    """A log4j2 configuration that shows errors only: Spark's start-up warnings are not the officer's."""
    from importlib import resources

    return Path(str(resources.files("reconcile.spark").joinpath("log4j2.properties")))


def java_reason(exc: Exception) -> str:
    """The first line of the Java exception's message (of the exception itself when it is not Java's)."""
    java = getattr(exc, "java_exception", None)
    text = str(java.getMessage() if java is not None else exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
