"""Where a run keeps its wide work tables: in memory, or, for a month too large for its memory limit,
compressed in a scratch database of the run's own.

The staged rows (stg_registry, stg_payments), the run's registry and payments (cur_registry,
cur_payments) and pm each hold a month's rows with every column. In memory they are stored
uncompressed: a 10M-row month's take several GB, and under the default cap of 1.5GB DuckDB spills
them to disk and reads them back at each step. In a DuckDB database file they are stored compressed,
about a tenth of the room (34 MB against 360 MB for a million payments), and each step reads them
through the buffer pool. Compressing costs about half a second per million rows of each table,
which a month that fits in memory need not pay: a month of more than ROWS_PER_GB rows (registry
and payments together) per GB of the memory limit works on disk. Measured on 2 cores
(bench/README.md): the 10M month from Parquet took 294 s in memory and 173 s on disk; the 1M month
12 s in memory and 16 s on disk (one run of each).

The SQL files say `CREATE OR REPLACE TEMP TABLE name AS ...` for every work table and read them by
name. placed() turns that statement, for a wide table when the run works on disk, into a table of
the scratch database and a temp view of the same name over it, so that one SQL text serves both
places (and the Spark engine, which runs the same files, never sees the difference). The scratch
database is a file in the run's own folder (a run's spill folder, scratch.py; the work folder of
`--stage-only`), removed with it when the run ends.
"""

from __future__ import annotations

import re
from pathlib import Path

WIDE = frozenset({"stg_registry", "stg_payments", "cur_registry", "cur_payments", "pm"})
SCHEMA = "rc_work"  # the scratch database's name in the run's connection
PARAM = "work_on_disk"  # the run's params: True when the wide tables are on disk
ROWS_PER_GB = 2_000_000

_CREATE = re.compile(r"^((?:\s*--[^\n]*\n)*)\s*CREATE OR REPLACE TEMP TABLE (\w+) AS\b")
_DROP = re.compile(r"^\s*DROP TABLE (\w+)\s*;?\s*$")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.I)
_UNIT = {"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def on_disk(rows: int, memory_limit: str) -> bool:
    """Whether a month of `rows` rows (registry and payments) works on disk under `memory_limit`
    (a checked size, such as 1.5GB)."""
    size = _SIZE.match(memory_limit)
    if not size:
        raise ValueError(f"not a size: {memory_limit!r}")
    gigabytes = float(size.group(1)) * _UNIT[size.group(2).lower()] / 1e9
    return rows > ROWS_PER_GB * gigabytes


def attach(con, folder: Path) -> None:
    """The scratch database, a new file in the run's own folder, attached as SCHEMA (the path as a
    parameter: no quoting of it)."""
    con.execute(f"ATTACH ? AS {SCHEMA}", [str(folder / "work.duckdb")])


def placed(statement: str, params: dict) -> list[str]:
    """The statement as the run executes it: unchanged, or, for a wide work table on disk, its
    creation as a scratch table and a temp view over it, and its removal as both removed. The view
    of a staging table carries its rowid, which load_current.sql reads."""
    if not params.get(PARAM):
        return [statement]
    create = _CREATE.match(statement)
    if create and create.group(2) in WIDE:
        name = create.group(2)
        rowid = ", rowid AS rowid" if name.startswith("stg_") else ""
        return [
            f"CREATE OR REPLACE TABLE {SCHEMA}.{name} AS" + statement[create.end() :],
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT *{rowid} FROM {SCHEMA}.{name}",
        ]
    drop = _DROP.match(statement)
    if drop and drop.group(1) in WIDE:
        return [f"DROP VIEW {drop.group(1)}", f"DROP TABLE {SCHEMA}.{drop.group(1)}"]
    return [statement]
