"""The `reconcile` command: the group and every command, gathered in one place."""

from __future__ import annotations

from reconcile.cli import admin, demo, read, run
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
    demo.generate,
    read.profiles,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="reconcile")


if __name__ == "__main__":
    main()
