"""Seconds per SQL statement of a run, for finding where the time goes (RECONCILE_TIMINGS=FILE).

`reconcile run` with RECONCILE_TIMINGS set to a file path appends one tab-separated line per
statement the run executes: the step, the seconds, and the statement's first line of SQL (a
statement's text, never its parameters, so no value from the input files); and, at the end, one
line per step with its seconds in all, whose third field is `#step`. `bench/speed.py` and
`bench/scale.py` set it. Off, the connection is used as it is.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

ENV = "RECONCILE_TIMINGS"


def _label(sql: str) -> str:
    """The first line of SQL that is not a comment, spaces collapsed, at most 100 characters."""
    for line in sql.splitlines():
        text = line.strip()
        if text and not text.startswith("--"):
            return re.sub(r"\s+", " ", text)[:100]
    return ""


class TimedConnection:
    """A DuckDB connection that writes the seconds each execute() took, under the current step."""

    def __init__(self, con, path: Path):
        self._con, self._path, self.step = con, path, ""

    def execute(self, sql: str, *args, **kwargs):
        t = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            with open(self._path, "a", encoding="utf-8") as fh:
                fh.write(f"{self.step}\t{time.perf_counter() - t:.3f}\t{_label(sql)}\n")

    def __getattr__(self, name):
        return getattr(self._con, name)


def timed(con):
    """The connection, timed when RECONCILE_TIMINGS names a file."""
    path = os.environ.get(ENV)
    return TimedConnection(con, Path(path)) if path else con


def set_step(con, step: str) -> None:
    if isinstance(con, TimedConnection):
        con.step = step


def record_steps(steps: dict[str, float]) -> None:
    """Each step's seconds in all (read, normalise, ... measure), when RECONCILE_TIMINGS names a file."""
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.writelines(f"{step}\t{seconds:.3f}\t#step\n" for step, seconds in steps.items())
