"""The lock file Excel (`~$Báo cáo.xlsx`) or LibreOffice (`.~lock.Báo cáo.xlsx#`) keeps beside a file
it has open. A file open there may hold what the officer typed and has not saved, which reconcile
does not see (a registry, a review workbook's decisions); and an output open there cannot be replaced
on Windows, or is saved over by Excel later from a shared folder."""

from __future__ import annotations

from pathlib import Path


def open_elsewhere(path: Path | str) -> Path | None:
    """The lock file beside `path` that says a spreadsheet program has it open, if there is one."""
    path = Path(path)
    if not path.name:  # `.`, `/` or an empty argument: no file to have open (the caller says what it is)
        return None
    for name in (f"~${path.name}", f".~lock.{path.name}#"):
        lock = path.with_name(name)
        if lock.is_file():
            return lock
    return None
