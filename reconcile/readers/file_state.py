"""A file written to while it is read (a sync tool, a second export over the first): its rows would be
of one content and the SHA-256 that `inputs` records of another. Its size and modification time as
hashed are compared once it is read, and on an error reading it: refused, exit 2."""

from __future__ import annotations

import os
from pathlib import Path

from reconcile.errors import InputFileError


def file_state(path: Path) -> tuple[int, int] | None:
    """A file's size and modification time (None once it is gone): what tells, without hashing it
    again, that it was written to while it was read: taken before its hash (readers.read_tables), and
    compared once it is read, and once a plain Parquet file's rows are staged (load.py)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def check_unchanged(path: Path, before: tuple[int, int] | None) -> None:
    """Refuses a file whose size or modification time is not what it was `before` it was read: the
    rows read would be of one content, the SHA-256 `inputs` records of another."""
    if file_state(path) != before:
        raise changed_while_read(path)


def changed_while_read(path: Path) -> InputFileError:
    return InputFileError(str(path), "changed while it was read", "run again when it is no longer being written")
