"""Progress on stderr: one status line rewritten in place, only when stderr is a terminal.

Piped or redirected output (cron, CI, `2> log`) stays free of carriage-return noise, so the
line is shown only on a TTY. Nothing here shows an ID, account number or name. The words come
from the message catalogue (reconcile/messages.py), in the current language.
"""

from __future__ import annotations

import os
import re
import sys
import time
from typing import TextIO

from reconcile.messages import catalogue, number, text

STEPS = {  # in English; the status line says them in the current language (progress.step.<name>)
    "read": "reading the files",
    "normalise": "normalising IDs, amounts, dates and names",
    "load": "loading rows",
    "match": "matching payments to beneficiaries",
    "find": "looking for findings",
    "write": "storing the period in the database",
    "measure": "measuring the non-cash share",
    "stage.write": "writing the staged Parquet",
    "spark.start": "starting Spark",
    "spark.read": "reading the staged Parquet",
    "spark.write": "writing the flags and the non-cash share as Parquet",
    "sheet.findings": "writing findings to the workbook",
    "sheet.cases": "writing the open cases to the workbook",
    "sheet.noncash": "writing the non-cash share to the workbook",
    "sheet.rejected": "writing rejected rows to the workbook",
    "sheet.inputs": "writing the inputs to the workbook",
}


def step_text(name: str) -> str:
    """What a step of the run is doing, in the current language; an unknown step by its name."""
    key = "progress.step." + name.replace(".", "_")
    return text(key) if key in catalogue() else STEPS.get(name, name)


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _columns(stream: TextIO) -> int | None:
    """The width of the console the stream writes to; None when it is no console."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, OSError, ValueError):
        return None


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self._step, self._step_started = "", self.started
        self._width = 0

    def _show(self, message: str) -> None:
        if not self.enabled:
            return
        from reconcile.masking import names_hidden

        line = text("progress.line", text=message, seconds=f"{time.perf_counter() - self.started:.1f}")
        line = names_hidden(_CONTROL.sub(" ", line))  # a file's name may hold an escape sequence, or an ID
        # within one row of the console: a longer line wraps, and "\r" goes back only to its last row, so
        # that every update would leave the rows above it on the screen (a Vietnamese line, a long path)
        room = max((_columns(self.stream) or len(line) + 1) - 1, 20)
        if len(line) > room:
            line = line[: room - 1] + "…"
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def step(self, name: str) -> None:
        """A step of the run has started."""
        self._step, self._step_started = name, time.perf_counter()
        self._show(step_text(name) + "…")

    def percent(self, percent: float) -> None:
        """How far DuckDB is through the current step's query, with the time the step has left."""
        elapsed = time.perf_counter() - self._step_started
        if percent <= 0 or elapsed < 1:
            return
        left = elapsed / percent * (100 - percent)
        self._show(text("progress.percent", step=step_text(self._step), percent=f"{percent:.0f}", left=f"{left:.0f}"))

    def reading(self, name: str, done: int, total: int) -> None:
        """A file is being read: its name, and the share of all the files' bytes read before it, with
        an estimate of the time left once there is one."""
        elapsed = time.perf_counter() - self._step_started
        left = text("progress.time_left", left=f"{elapsed / done * (total - done):.0f}") if done and total else ""
        share = (
            text("progress.read_share", share=f"{done / total:.0%}", total=number(_size(total)), left=left)
            if total
            else ""
        )
        self._show(text("progress.reading", step=step_text("read"), name=name, share=share))

    def rows(self, name: str, done: int, total: int) -> None:
        """Rows done of a long step, with the share done and an estimate of the time left."""
        if not total:
            return
        if name != self._step:
            self._step, self._step_started = name, time.perf_counter()
        elapsed = time.perf_counter() - self._step_started
        left = elapsed / done * (total - done) if done else 0
        self._show(
            text(
                "progress.rows",
                step=step_text(name),
                done=f"{done:,}",
                total=f"{total:,}",
                share=f"{done / total:.0%}",
                left=f"{left:.0f}",
            )
        )

    def clear(self) -> None:
        """Erase the status line before the summary is printed."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
