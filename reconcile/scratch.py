"""A run's scratch files and folders: its own, named so that no one can guess them, readable by their
owner only, removed on every exit, and, when a run was killed (kill -9, a power cut) before it could
remove them, removed by a later run once the process that made them is gone.

Every scratch entry sits beside the output it is for, named `.<output name>.<pid>.<kind>-<random>`:
`.r.duckdb.4242.staging-k3j9x` (CSV files staged as Parquet), `.r.duckdb.4242.spill-...` (what DuckDB
spills under a memory limit), `.report.xlsx.4242.book-....tmp` (a workbook being written). Nothing
else is ever removed: not a `<db>.tmp` folder someone made, not the scratch of a run still working.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

KINDS = ("staging", "spill", "frame", "book", "export", "copy", "excel")
# A scratch entry's name is its output's and up to 45 bytes more (`.`, the pid, the kind, a random
# part, `.tmp` or DuckDB's `.wal`): an output's name near the file system's limit of 255 bytes (a long
# Vietnamese name, 3 bytes a letter) is cut to this many in it, else no scratch entry could be made
# beside an output that can itself be written
NAME_ROOM = 255 - 48


def _stem(beside: Path) -> str:
    """The output's name as its scratch entries begin with it: cut to NAME_ROOM bytes of UTF-8 (and as
    many UTF-16 units on Windows, fewer still), at a letter."""
    name = beside.name
    while len(name.encode("utf-8")) > NAME_ROOM:
        name = name[:-1]
    return name


def new_dir(beside: Path, kind: str) -> Path:
    """A new folder of this run's own beside `beside` (mode 0700)."""
    return Path(tempfile.mkdtemp(prefix=f".{_stem(beside)}.{os.getpid()}.{kind}-", dir=beside.parent))


def new_file(beside: Path, kind: str) -> Path:
    """A new empty file of this run's own beside `beside` (mode 0600, created exclusively: never a
    file or link someone put there), to be written and then renamed onto `beside`."""
    fd, name = tempfile.mkstemp(prefix=f".{_stem(beside)}.{os.getpid()}.{kind}-", suffix=".tmp", dir=beside.parent)
    os.close(fd)
    return Path(name)


def write_file(final: Path, write: Callable[[Path], object], kind: str = "export") -> None:
    """The file `final` as `write(path)` writes it: to a new file of this run's own beside it (new_file)
    renamed into place, so that `final` is whole or as it was, a link at its name is replaced and never
    written through, and the file is its owner's only (mode 0600)."""
    clean_leftovers(final)
    tmp = new_file(final, kind)
    try:
        write(tmp)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def new_name(beside: Path, kind: str) -> Path:
    """A name no one can guess for a file a library must create itself (a DuckDB database)."""
    return beside.with_name(f".{_stem(beside)}.{os.getpid()}.{kind}-{secrets.token_hex(8)}")


def remove(path: Path) -> None:
    """Remove a scratch file or folder; a link is removed, never followed."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


def clean_leftovers(beside: Path) -> list[Path]:
    """Remove the scratch entries of `beside` left by runs that are no longer alive; returns them."""
    pattern = re.compile(rf"^\.{re.escape(_stem(beside))}\.([0-9]+)\.(?:{'|'.join(KINDS)})-")
    removed: list[Path] = []
    try:
        entries = list(beside.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if match and not _alive(int(match.group(1))):
            remove(entry)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _alive_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _alive_on_windows(pid: int) -> bool:
    """Whether a process of that id still runs. OpenProcess fails with ERROR_INVALID_PARAMETER (87)
    for an id no process has; any other failure (access denied: another user's) counts as alive."""
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() != 87  # type: ignore[attr-defined]
    try:
        code = ctypes.c_ulong()
        return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
