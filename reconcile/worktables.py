"""Where a run keeps its wide work tables: in memory, or, for a month too large for its memory limit,
compressed in a scratch database of the run's own.

The staged rows (stg_registry, stg_payments; the run's registry and payments, cur_registry and
cur_payments, are views of them once numbered) and pm each hold a month's rows with every column. In
memory they are stored uncompressed: a 10M-row month's take several GB, and under the default cap of
1.5GB DuckDB spills them to disk and reads them back at each step. In a DuckDB database file they
are stored compressed, about a tenth of the room (34 MB against 360 MB for a million payments), and
each step reads them through the buffer pool. Writing a wide table to the file costs about a second
per million rows, compressed or not (bench/HISTORY.md, the fifth pass), which a month that fits in
memory need not pay: a month of more than ROWS_PER_GB rows (registry and payments together) per GB
of the memory limit works on disk. Measured on 2 cores (bench/HISTORY.md): the 10M month from Parquet
took 294 s in memory and 173 s on disk; the 1M month 12 s in memory and 16 s on disk (one run of
each). Either side of the threshold, at 1.48M and 2.2M beneficiaries, the two places cost within 5%
of each other, on disk in 0.3-0.5 GB less memory.

On disk, pm is also built in parts (parts(), placed()): it joins every payment to its match and
every match to its beneficiary, and the hash table of a 10M-row registry with the columns pm takes
from it (1.4 GB) does not fit in the default cap, so DuckDB spilled it (3.1 GB written to the temp
folder). Built from four parts of the beneficiaries (by registry_id), each part's join is held in
memory: pm took 26-32 s of a 10M run instead of 41-42 s, the same rows (bench/HISTORY.md).

The SQL files say `CREATE OR REPLACE TEMP TABLE name AS ...` for every work table and read them by
name. placed() turns that statement, for a wide table when the run works on disk, into a table of
the scratch database and a temp view of the same name over it, so that one SQL text serves both
places (and the Spark engine, which runs the same files, never sees the difference). A statement
that alters or updates a wide table, or makes a view of it, names the scratch table itself: a view
cannot be altered, and the staging tables' views carry their rowid, which a view of the rows must
not. The scratch database is a file in the run's own folder (a run's spill folder, scratch.py; the
work folder of `--stage-only`), removed with it when the run ends.
"""

from __future__ import annotations

import re
from pathlib import Path

WIDE = frozenset({"stg_registry", "stg_payments", "pm"})
SCHEMA = "rc_work"  # the scratch database's name in the run's connection
PARAM = "work_on_disk"  # the run's params: True when the wide tables are on disk
PARTS = "work_parts"  # the run's params: how many parts pm is built in, on disk
ROWS_PER_GB = 2_000_000
PART_ROWS_PER_GB = 2_000_000  # beneficiaries (registry rows) in one part of pm, per GB of the limit

_CREATE = re.compile(r"^((?:\s*--[^\n]*\n)*)\s*CREATE OR REPLACE TEMP TABLE (\w+) AS\b")
_DROP = re.compile(r"^\s*DROP TABLE (\w+)\s*;?\s*$")
_CHANGE = re.compile(r"^((?:\s*--[^\n]*\n)*)\s*(ALTER TABLE|UPDATE) (\w+)\b")
_VIEW = re.compile(r"^(?:\s*--[^\n]*\n)*\s*CREATE OR REPLACE TEMP VIEW \w+ AS\b")
_READ = re.compile(r"\b(FROM|JOIN) (\w+)\b")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.I)
_UNIT = {"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def on_disk(rows: int, memory_limit: str) -> bool:
    """Whether a month of `rows` rows (registry and payments) works on disk under `memory_limit`
    (a checked size, such as 1.5GB)."""
    return rows > ROWS_PER_GB * _gigabytes(memory_limit)


def parts(registry_rows: int, memory_limit: str) -> int:
    """How many parts pm is built in on disk, for a month of `registry_rows` registry rows: as many
    as keep each part's beneficiaries to PART_ROWS_PER_GB per GB of the memory limit."""
    per_part = max(1, int(PART_ROWS_PER_GB * _gigabytes(memory_limit)))
    return max(1, -(-registry_rows // per_part))


def _gigabytes(memory_limit: str) -> float:
    size = _SIZE.match(memory_limit)
    if not size:
        raise ValueError(f"not a size: {memory_limit!r}")
    return float(size.group(1)) * _UNIT[size.group(2).lower()] / 1e9


def place(con, folder: Path, tables, memory_limit: str) -> dict:
    """Where the month's work tables go under `memory_limit`, for the run's params (PARAM, PARTS):
    on disk when the month's rows (`tables`, the readers' (file_id, RawTable) pairs) exceed what the
    limit holds, with the scratch database, a new file in the run's own folder, attached as SCHEMA
    (the path as a parameter: no quoting of it)."""
    work = {
        PARAM: on_disk(sum(tb.rows_read for _, tb in tables), memory_limit),
        PARTS: parts(sum(tb.rows_read for _, tb in tables if tb.kind == "registry"), memory_limit),
    }
    if work[PARAM]:
        con.execute(f"ATTACH ? AS {SCHEMA}", [str(folder / "work.duckdb")])
    return work


def placed(statement: str, params: dict) -> list[str]:
    """The statement as the run executes it: unchanged, or, for a wide work table on disk, its
    creation as a scratch table and a temp view over it, and its removal as both removed; a change
    to it (ALTER TABLE, UPDATE) and a view of it read the scratch table. The view of a staging
    table carries its rowid, which load_current.sql reads. pm in more than one part
    (params[PARTS]): _in_parts."""
    if not params.get(PARAM):
        return [statement]
    create = _CREATE.match(statement)
    if create and create.group(2) == "pm" and params.get(PARTS, 1) > 1:
        return _in_parts(statement[create.end() :], params[PARTS])
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
    change = _CHANGE.match(statement)
    if change and change.group(3) in WIDE:
        return [f"{change.group(2)} {SCHEMA}.{change.group(3)}" + statement[change.end() :]]
    if _VIEW.match(statement):
        return [
            _READ.sub(lambda m: f"{m.group(1)} {SCHEMA}.{m.group(2)}" if m.group(2) in WIDE else m.group(0), statement)
        ]
    return [statement]


_PM_INPUTS = re.compile(r"\bcur_(payments|matches|registry)\b")


def _in_parts(query: str, n: int) -> list[str]:
    """facts.sql's pm, its query run once for the payments matched to nobody, then once for each
    of n parts of the beneficiaries (registry_id % n): each run reads its payments, matches and
    registry rows through temp views (_rc_part_*) of that part alone, so that its joins hold a
    part in memory, and the parts' rows together are pm's. The query must read those three by
    their names (tests/test_worktables.py)."""
    query = _PM_INPUTS.sub(r"_rc_part_\1", query)

    def part(payments: str, matched: str) -> list[str]:
        return [
            f"CREATE OR REPLACE TEMP VIEW _rc_part_payments AS SELECT * FROM cur_payments WHERE {payments}",
            f"CREATE OR REPLACE TEMP VIEW _rc_part_matches AS SELECT * FROM cur_matches WHERE {matched}",
            f"CREATE OR REPLACE TEMP VIEW _rc_part_registry AS SELECT * FROM cur_registry WHERE {matched}",
        ]

    out = part("payment_id NOT IN (SELECT payment_id FROM cur_matches)", "false")
    out.append(f"CREATE OR REPLACE TABLE {SCHEMA}.pm AS{query}")
    for k in range(n):
        matched = f"registry_id % {n} = {k}"
        out += part(f"payment_id IN (SELECT payment_id FROM cur_matches WHERE {matched})", matched)
        out.append(f"INSERT INTO {SCHEMA}.pm{query}")
    out += [f"DROP VIEW _rc_part_{t}" for t in ("payments", "matches", "registry")]
    out.append(f"CREATE OR REPLACE TEMP VIEW pm AS SELECT * FROM {SCHEMA}.pm")
    return out
