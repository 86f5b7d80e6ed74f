"""Expected failures. Raised deep, caught once in the CLI, printed as one line.

Their text is English, as it is raised; reconcile/messages.py says it in the officer's language
where it is printed (tests/test_messages.py checks that every message has its Vietnamese)."""


class ReconcileError(Exception):
    """An expected failure with the process exit code it maps to.

    Messages name the file, row or column and what to do next. They never carry an ID,
    an account number or a name: those are personal data.
    """

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputFileError(ReconcileError):
    """A file that cannot be used: unreadable, unknown format, a required column missing."""

    def __init__(self, path: str, problem: str, fix: str):
        super().__init__(f"{path}: {problem}; {fix}")
        self.path, self.problem, self.fix = path, problem, fix


class NotThisRole(InputFileError):
    """A file, or a sheet of a workbook, that does not hold the columns of the role it was given as:
    empty, no header row, a required column missing, or the columns of the other role. A workbook's
    sheet that raises it is skipped (and recorded) when another sheet holds the role."""


class ConfigError(ReconcileError):
    """Bad configuration or command-line values."""


class DatabaseBusyError(ReconcileError):
    """Another process holds the database."""


def no_folder(folder, option: str) -> ReconcileError:
    """The error for an output whose folder (`folder`, the path's parent) is not a folder: a file of
    that name (`--db Danh sách.xlsx/r.duckdb`), or nothing there."""
    from pathlib import Path

    if Path(folder).exists():
        return ReconcileError(f"{folder}: is a file, not a folder; give {option} a path in a folder")
    return ReconcileError(f"{folder}: no such folder for {option}; create it first")


def shell_arg(value) -> str:
    """A path as it can be typed into a command a message suggests: in double quotes when it holds a
    space (a Windows user folder), which both cmd.exe and a POSIX shell read as one argument."""
    text = str(value)
    return f'"{text}"' if any(c.isspace() for c in text) else text
