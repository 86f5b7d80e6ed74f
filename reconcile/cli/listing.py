"""`--out FILE` of the commands that print a listing (flags, show, cashless, periods, rules, profiles,
cases, case, trend): the listing written by reconcile itself rather than through the shell's `>`,
which in Windows PowerShell 5.1 re-encodes it as UTF-16 and mangles the Vietnamese and the byte order
mark. CSV is UTF-8 with a byte order mark (Excel reads its Vietnamese right), a table and JSON UTF-8.

The file is written as every output is (SPEC "Paths"): to a new file of its own in the same folder,
mode 0600, renamed into place, never through a link; refused when it is the database, its key or its
log, or a file some run of the database read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from reconcile.cli.group import echo_output, lazy, say, warn
from reconcile.errors import ReconcileError

readback = lazy("reconcile.readback")

out_option = click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write the listing to this file instead of the terminal (CSV as UTF-8 with a byte order mark, "
    "for Excel); without --format, a .csv file gets CSV and a .json one JSON. Use it rather than '>' "
    "in Windows PowerShell, which re-encodes what it writes.",
)


WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")  # a listing is text: named so, Excel would call it damaged


def listing_format(fmt: str | None, out: Path | None) -> str:
    """--format as given, else what --out's name asks for (flags.csv: csv), else a table. An --out
    named as a workbook is refused when it is written (write_listing), after the refusals of a file it
    must not write over."""
    if fmt is not None:
        return fmt
    suffix = out.suffix.lower() if out is not None else ""
    return {".csv": "csv", ".json": "json"}.get(suffix, "table")


def check_out(out: Path | None, db: Path | None = None) -> None:
    """Refuse, before anything is read, an --out that cannot be written or that names the database,
    its key or its log (db: the --db the command reads)."""
    if out is None:
        return
    from reconcile.cli.outputs import check_writable, same_file
    from reconcile.errors import no_folder

    if out.is_dir():
        raise ReconcileError(f"{out}: is a folder; give --out a file name")
    if not out.parent.is_dir():
        raise no_folder(out.parent, "--out")
    if db is None:  # rules, profiles: a listing over any database, its key or log, or over the default
        from reconcile.warehouse.database import is_duckdb  # database here, or a file its runs read

        _check_not_a_database(out)
        if is_duckdb(default := Path("reconcile.duckdb")):
            db = default
            _check_not_read_by(out, db)
    if db is not None:
        from reconcile.keys import key_path

        for what, path in (
            ("the database", db),
            ("the database's key", key_path(db)),
            ("the database's log", db.with_name(db.name + ".wal")),
        ):
            if same_file(out, path):
                raise ReconcileError(f"{out}: --out would write over {what} ({path}); give it another name")
    check_writable(out.parent, "--out")


def _check_not_a_database(out: Path) -> None:
    """Refuse an --out that is a DuckDB database, or the key or log beside one (`r.duckdb.key`)."""
    from reconcile.warehouse.database import is_duckdb

    if is_duckdb(out):
        raise ReconcileError(f"{out}: --out would write over the database ({out}); give it another name")
    for suffix, what in ((".key", "the database's key"), (".wal", "the database's log")):
        if out.name.endswith(suffix) and is_duckdb(base := out.with_name(out.name[: -len(suffix)])):
            raise ReconcileError(f"{out}: --out would write over {what} ({base}{suffix}); give it another name")


def _check_not_read_by(out: Path, db: Path) -> None:
    """Refuse an --out that is a file the database's runs read (a registry, a bank file), when the
    database can be read as it is (one a run holds, or no database of reconcile's, is not)."""
    from reconcile.cli.outputs import check_not_recorded_inputs

    check_not_recorded_inputs(readback.inputs_read_by(db), [("--out", out)])


@contextmanager
def reading(db: Path, out: Path | None) -> Iterator:
    """readback.open_db(db), with --out checked first against the database and then against every
    file its runs read (an officer's registry or bank file is never written over)."""
    check_out(out, db)
    with readback.open_db(db, notice=warn) as con:
        if out is not None:
            from reconcile.cli.outputs import check_not_recorded_inputs

            check_not_recorded_inputs(readback.input_files(con), [("--out", out)])
        yield con


def write_listing(out: Path, text: str, fmt: str) -> None:
    """The listing into `out`: CSV with a byte order mark; replaced whole, or left as it was. Not under a
    workbook's name: the listing is text, and the period's workbook is `reconcile report`'s."""
    from reconcile.report.disk import writing
    from reconcile.scratch import write_file

    if out.suffix.lower() in WORKBOOKS:
        raise ReconcileError(
            f"{out}: --out writes the listing as text (CSV, JSON or a table), not a workbook; name it .csv to "
            "open it in Excel, or write the period's workbook with reconcile report --report"
        )
    data = (("\ufeff" if fmt == "csv" else "") + text + ("" if text.endswith("\n") else "\n")).encode("utf-8")
    try:
        with writing(out):  # a full disk names --out, not its scratch file nor the database read
            write_file(out, lambda tmp: tmp.write_bytes(data))
    except PermissionError as exc:  # Windows: the file is open in Excel, which locks it
        raise ReconcileError(
            f"{out}: cannot be written ({exc.strerror or 'permission denied'}); close it if it is open in Excel, "
            "or give --out another name"
        ) from None
    say(f"reconcile: listing written to {out}", err=True)


def emit(text: str, fmt: str, out: Path | None) -> None:
    """A listing on stdout (cli.group.echo_output), or into --out."""
    if out is None:
        echo_output(text, fmt)
    else:
        write_listing(out, text, fmt)
