"""The `reconcile` command: the group and every command, gathered in one place."""

from __future__ import annotations

import io
import os
import sys

from reconcile.cli import admin, cases, demo, money, read, run
from reconcile.cli.group import cli

for command in (  # the order of `reconcile COMMAND --help` in the docs
    run.run,
    run.report,
    demo.demo,
    run.check,
    admin.export_db,
    admin.delete,
    read.rules,
    read.flags,
    read.show,
    read.cashless,
    read.periods,
    *cases.COMMANDS,
    money.actions,
    demo.generate,
    read.profiles,
):
    cli.add_command(command)


def main() -> None:
    # A console or a file on Windows may default to a code page that cannot hold Vietnamese: what
    # reconcile prints is UTF-8 wherever it goes (a character that still cannot be shown becomes "?")
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")
    _arguments_as_utf8()
    cli(prog_name="reconcile", obj={"process": True})  # group.py: the signals once its work is done


def _arguments_as_utf8() -> None:
    """A terminal in an ASCII locale (LC_ALL=C, UTF-8 mode off) hands Python `Nguyễn Văn A` and
    `Danh sách.csv` as surrogate escapes, which DuckDB, openpyxl and the workbook's name refused as
    internal errors. Such a command line is run again in Python's UTF-8 mode (`-X utf8`, the same
    process: os.execv), where its arguments are the UTF-8 text typed and the paths among them still
    open: decoded here, in ASCII mode, they would not (Python encodes a file's name as ASCII). An
    argument that is not UTF-8 either (typed in another encoding) is refused, exit 2."""
    escaped = [n for n, word in enumerate(sys.argv[1:], start=1) if _escaped(word)]
    for n in escaped:
        try:
            os.fsencode(sys.argv[n]).decode("utf-8")
        except UnicodeDecodeError:
            _refuse(n, sys.argv[n])
    if not escaped:
        return
    if os.name == "posix" and not sys.flags.utf8_mode and sys.executable:
        sys.stdout.flush()
        sys.stderr.flush()
        command = [os.fsencode(sys.executable), b"-X", b"utf8", *map(os.fsencode, sys.orig_argv[1:])]
        os.execv(sys.executable, command)
    # no interpreter to run again: the arguments as text (a name is right; a path may not open)
    sys.argv[1:] = [os.fsencode(word).decode("utf-8") for word in sys.argv[1:]]


def _escaped(word: str) -> bool:
    """Whether an argument holds bytes Python could not decode (its surrogate escapes, U+DC80 to U+DCFF)."""
    return any("\udc80" <= c <= "\udcff" for c in word)


def _refuse(n: int, word: str) -> None:
    """The one line for an argument that is not UTF-8, its bytes that are not as \\x escapes; exit 2."""
    from reconcile import messages
    from reconcile.cli.group import _lang_in, say_error

    messages.use_language(_lang_in([w for w in sys.argv[1:] if not _escaped(w)]))
    shown = os.fsencode(word).decode("utf-8", errors="backslashreplace")
    say_error(
        f"reconcile: error: {shown}: is not UTF-8 text (argument {n} of the command line); "
        "type it again in a terminal set to UTF-8 (LANG=C.UTF-8), or give the file a name in UTF-8"
    )
    sys.exit(2)


if __name__ == "__main__":
    main()
