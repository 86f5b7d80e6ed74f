"""The `reconcile` command: the group and every command, gathered in one place."""

from __future__ import annotations

import io
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
    cli(prog_name="reconcile", obj={"process": True})  # group.py: the signals once its work is done


if __name__ == "__main__":
    main()
