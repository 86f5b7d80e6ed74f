"""A writer's failure to write (a full disk, a file-size limit, a read-only folder) as the one error the
command line knows how to say: an OSError with its number, naming the file the officer gave, not the
scratch file a library was writing when it failed (reconcile/scratch.py).

The libraries say it each their own way: XlsxWriter wraps the OSError in its FileCreateError, polars
raises an OSError without a number whose text ends `(os error 28)`, DuckDB an IOException or a failed
commit whose text names the OS error. XlsxWriter also leaves the zip file it was writing open, to be
closed when it is collected, which fails again and prints a traceback after the error line: it is
closed here, quietly, with the temporary files it was packing.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType

# what DuckDB's messages say of the OS error (not `Permission denied`: DuckDB says it of a file it reads too)
MARKERS = {
    "No space left on device": errno.ENOSPC,
    "File too large": errno.EFBIG,
    "Read-only file system": errno.EROFS,
    "Disk quota exceeded": errno.EDQUOT,
}
_OS_ERROR = re.compile(r"\(os error (\d+)\)")


def os_errno(exc: BaseException | None) -> int | None:
    """The OS error number behind a failed write, through the errors that wrap it; None when none is."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen and not isinstance(exc, KeyboardInterrupt):
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno:
            return exc.errno
        text = str(exc)
        found = _OS_ERROR.search(text)
        if found:
            return int(found.group(1))
        if "duckdb" in type(exc).__module__:
            first = text.splitlines()[0] if text else ""
            number = next((n for marker, n in MARKERS.items() if marker in first), None)
            if number is not None:
                return number
        inner = next((a for a in exc.args if isinstance(a, BaseException)), None)  # XlsxWriter's FileCreateError
        exc = inner or exc.__cause__ or exc.__context__
    return None


@contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """Within it, a failure to write raises OSError(number, its text, `path`). A signal, and any other
    error, goes through as it is."""
    try:
        yield
    except Exception as exc:
        number = os_errno(exc)
        if number is None:
            raise
        release(exc)
        raise OSError(number, os.strerror(number), str(path)) from None


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back until the block ends, then delivered (as pipeline._signals_held does
    for the commit): a set of files moved into place is moved whole. Outside the main thread, as it is."""
    held = [signal.SIGINT, *([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])]
    pending: list[int] = []
    try:
        before = {s: signal.signal(s, lambda signum, _frame: pending.append(signum)) for s in held}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        if pending:
            signal.raise_signal(pending[0])


def release(exc: BaseException) -> None:
    """Close, without a word, the zip files the frames of a failed write left open (XlsxWriter's
    workbook, its buffer unwritten), and remove the parts XlsxWriter had not packed yet."""
    for first in _tracebacks(exc):
        tb: TracebackType | None = first
        while tb is not None:
            frame_locals = tb.tb_frame.f_locals
            for value in list(frame_locals.values()):
                if isinstance(value, zipfile.ZipFile) and value.fp is not None:
                    with suppress(OSError, ValueError):
                        value.fp.close()  # the buffer cannot be written; the file is closed all the same
                    value.fp = None
            parts = frame_locals.get("xml_files") if tb.tb_frame.f_code.co_name == "_store_workbook" else None
            for part in parts or ():
                if isinstance(part, tuple) and part and isinstance(part[0], str):
                    with suppress(OSError):
                        os.remove(part[0])
            tb = tb.tb_next


def _tracebacks(exc: BaseException | None) -> Iterator[TracebackType]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if exc.__traceback__ is not None:
            yield exc.__traceback__
        inner = next((a for a in exc.args if isinstance(a, BaseException)), None)
        exc = inner or exc.__cause__ or exc.__context__
