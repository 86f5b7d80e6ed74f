"""What `run`, `report` and `demo` share: the output options, the checks that no output replaces an
input or another output, and writing the workbook and exports once the period is committed."""

from __future__ import annotations

import os
from pathlib import Path

import click

from reconcile import messages
from reconcile.cli.group import SIGNAL_EXIT, Terminated, interrupted, say
from reconcile.contracts import SEVERITY_RANK
from reconcile.errors import ReconcileError, no_folder, shell_arg
from reconcile.report.progress import Progress


def fail_on_exit(result, fail_on: str | None) -> int:
    if fail_on and result.max_severity_rank() >= SEVERITY_RANK[fail_on]:
        return 1
    return 0


def run_with_progress(cfg, progress: Progress):
    """Run the pipeline with its steps, and DuckDB's progress through them, on the status line."""
    from reconcile.pipeline import run as run_pipeline

    cfg.on_step = progress.step
    cfg.on_progress = progress.percent if progress.enabled else None
    cfg.on_read = progress.reading

    def notice(text: str) -> None:
        progress.clear()
        say(f"reconcile: {text}", err=True)

    cfg.on_notice = notice
    try:
        return run_pipeline(cfg)
    finally:
        progress.clear()


def output_options(f):
    """--report, --export, --lang and --mask-ids, shared by `run` and `report`."""
    f = click.option(
        "--mask-ids",
        is_flag=True,
        help="Show only the last 4 digits of IDs and account numbers in the workbook and exports "
        "(for reports that leave the office); the database keeps them whole.",
    )(f)
    f = click.option(
        "--lang",
        type=click.Choice(["vi", "en"]),
        default=None,
        help="Language of the workbook and the terminal (default: the workbook lang in the config, else vi; the "
        "terminal reconcile --lang, RECONCILE_LANG, lang in the config, else vi).",
    )(f)
    f = click.option(
        "--export",
        "export_dir",
        type=click.Path(path_type=Path),
        help="Folder to write the findings and rejected rows to, as Parquet and CSV.",
    )(f)
    f = click.option(
        "--report",
        "report_path",
        type=click.Path(path_type=Path),
        help="Excel workbook to write for finance officers and auditors (.xlsx).",
    )(f)
    return f


def speak(lang: str | None, configured: str | None = None) -> str:
    """The terminal's language for a command that takes --lang and a config: its --lang, else
    reconcile's --lang, else RECONCILE_LANG, else the config's lang (`configured`: config.declared_lang,
    read before the rest of the file is checked, so that what is wrong with the rest is said in it), else vi."""
    root = click.get_current_context().find_root().obj or {}
    return messages.use_language(lang or root.get("lang"), configured)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same file on disk (a link, another spelling), or the same
    place once resolved."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def check_collisions(
    period: str,
    db: Path,
    inputs: list[Path],
    report_path: Path | None,
    export_dir: Path | None,
    db_is_output: bool = True,
) -> None:
    """Refuse an output that would replace an input or another output (`--db x.xlsx --report x.xlsx`
    destroys the database; `--report` named like an input file overwrites it), before anything runs."""
    from reconcile.keys import key_path

    outputs: list[tuple[str, Path]] = []
    if db_is_output:
        outputs += [("--db", db), ("--db's key file", key_path(db)), ("--db's log", db.with_name(db.name + ".wal"))]
    else:
        inputs = [*inputs, db, key_path(db)]
    outputs += written_paths(period, report_path, export_dir)
    check_not_inputs(outputs, inputs, "give it another name")
    for i, (option, path) in enumerate(outputs):
        for other_option, other in outputs[i + 1 :]:
            if other_option != option and same_file(path, other):
                raise ReconcileError(f"{path}: given as {option} and {other_option}; give each output its own name")


def written_paths(period: str, report_path: Path | None, export_dir: Path | None) -> list[tuple[str, Path]]:
    """The files --report and --export write, each with its option, and the folder --export makes (a
    workbook or a key file at its name would be written over, or stop the exports after the period is
    saved: `--report a.xlsx --export a.xlsx`)."""
    outputs = [("--report", report_path)] if report_path is not None else []
    if export_dir is not None:
        outputs += [("--export", export_dir)]
        outputs += [
            ("--export", export_dir / f"{table}_{period}{suffix}")
            for table in ("flags", "rejected_rows")
            for suffix in (".csv", ".parquet")
        ]
    return outputs


def check_not_inputs(outputs: list[tuple[str, Path]], inputs: list[Path], fix: str) -> None:
    """Refuse an output (option, path) that is one of the input files."""
    for option, path in outputs:
        for given in inputs:
            if same_file(path, Path(given)):
                raise ReconcileError(
                    f"{path}: {option} would write over an input file; {fix} (a run never replaces its inputs)"
                )


def check_not_recorded_inputs(recorded: list[tuple[str, str]], outputs: list[tuple[str, Path]]) -> None:
    """Refuse an output (option, path) that is a file some run of the database read: by its path as
    recorded (relative to where that run was started, so also compared by content), or by content
    (an existing file whose SHA-256 is a recorded input's). For commands that write from a database
    (`report`, `actions`), whose inputs are not on their command line. `recorded`: (path, SHA-256) of
    each (readback.input_files)."""
    from reconcile.readers import sha256_of

    hashes = {sha for _, sha in recorded}
    check_not_inputs(outputs, [Path(path) for path, _ in recorded], "give it another name")
    for option, path in outputs:
        if path.is_file() and sha256_of(path) in hashes:
            raise ReconcileError(
                f"{path}: {option} would write over an input file; give it another name (a run never replaces its inputs)"
            )


def check_output_paths(report_path: Path | None, export_dir: Path | None) -> None:
    """Refuse unusable output paths before the run, not after it."""
    if report_path is not None:
        if report_path.suffix.lower() != ".xlsx":
            raise ReconcileError(
                f"{report_path}: the workbook must be an .xlsx file; give --report a name ending .xlsx"
            )
        if report_path.is_dir():
            raise ReconcileError(f"{report_path}: is a folder; give --report a file name ending .xlsx")
        if not report_path.parent.is_dir():
            raise no_folder(report_path.parent, "--report")
        check_writable(report_path.parent, "--report")
        refuse_open_elsewhere([report_path])  # on Windows it cannot be replaced, after the period is saved

    if export_dir is not None:
        check_writable(folder_to_make(export_dir, "--export"), "--export")


def refuse_open_elsewhere(outputs) -> None:
    """Refuse to replace an output a spreadsheet program has open: on Windows it cannot be (after the
    period is saved, or after some of a set of files were), and from a shared folder Excel would save
    its old copy over the new one later."""
    from reconcile.lockfiles import open_elsewhere

    for path in outputs:
        lock = open_elsewhere(path)
        if lock is not None:
            raise ReconcileError(
                f"{path}: is open in Excel or LibreOffice ({lock.name} is beside it); close it there and "
                f"run again (if no program has it open, delete {lock.name})"
            )


def say_open_elsewhere(inputs) -> list[str]:
    """A notice for each input a spreadsheet program has open: what was typed there and not saved is
    not in the file reconcile reads. Returned, for a run to keep with its warnings (runs.warnings)."""
    from reconcile.lockfiles import open_elsewhere

    said = []
    for path in inputs:
        lock = open_elsewhere(path)
        if lock is not None:
            said.append(
                f"{path}: is open in Excel or LibreOffice ({lock.name} is beside it); what was changed there and not "
                "saved is not read: save it and run again if it was changed"
            )
            say(f"reconcile: {said[-1]}", err=True)
    return said


def folder_to_make(folder: Path, option: str) -> Path:
    """The folder an output folder is made in (with its parents): itself when it exists, else the
    nearest folder above it that does; refused, before anything is written, when that is a file
    (`--out registry.csv`, `--out registry.csv/2024-09`)."""
    here = next(p for p in (folder, *folder.parents) if p.exists())  # '.' or the root, at worst
    if not here.is_dir():
        raise ReconcileError(f"{here}: is a file; give {option} a folder")
    return here


def check_writable(folder: Path, option: str) -> None:
    """Refuse a folder no file can be written to (read-only, not the user's), before the run: after
    it, the period would be saved without its workbook (exit 4). A file is made there and removed, as
    the writers will (os.access does not tell on Windows, nor on a read-only mount seen through a link)."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".reconcile-"):
            pass
    except OSError as exc:
        raise ReconcileError(
            f"{folder}: cannot write there ({exc.strerror or type(exc).__name__}); give {option} a folder "
            "you can write to"
        ) from None


def check_replaces_only_its_own(report_path: Path | None, db: Path) -> None:
    """Refuse a --report that names a file reconcile did not write (after the checks that say more:
    an input's name, another output's), or one of its workbooks holding decisions typed into it that
    the database `db` does not hold yet (the workbook written again would lose them). A link at that
    name is replaced, never written through, so it is no file of the user's to keep."""
    if report_path is None or not report_path.is_file() or report_path.is_symlink():
        return
    if not written_by_reconcile(report_path):
        raise ReconcileError(
            f"{report_path}: is a file reconcile did not write; give --report another name, or move that file "
            "(reconcile replaces only a workbook of its own)"
        )
    from reconcile.cases.review import unrecorded_decisions

    n = unrecorded_decisions(db, report_path)
    if n is None:
        raise ReconcileError(
            f"{report_path}: its findings cannot be read back (a sheet renamed, or a column deleted), so whether "
            "decisions were typed into it cannot be told; give --report another name, or move that file"
        )
    from reconcile.cases.removed import removed_book

    removed = removed_book(db, report_path)
    if removed is not None:  # its decisions cannot be recorded: reconcile review import refuses the book
        n = unrecorded_decisions(db, report_path, removed=True) or 0  # a case the removal put back counted too
        if n:
            raise ReconcileError(
                f"{report_path}: holds {n:,} {'decision' if n == 1 else 'decisions'} typed into it, in a workbook of "
                f"period {removed.period} removed from the database on {removed.at} UTC (reconcile delete), which "
                "cannot be recorded and writing it again would lose; give --report another name, and enter them in "
                "the new workbook"
            )
    if n:
        raise ReconcileError(
            f"{report_path}: holds {n:,} {'decision' if n == 1 else 'decisions'} typed into it that the database "
            f"does not hold yet, which writing it again would lose; record them first with reconcile review "
            f"import {shell_arg(str(report_path))} --by NAME --db {shell_arg(str(db))}, or give --report another name"
        )


def written_by_reconcile(path: Path) -> bool:
    """Whether an .xlsx is a workbook reconcile wrote (its document properties say so, and Excel keeps
    them when it saves the workbook again): the only kind --report replaces, so that a registry or a
    bank file at that name, an input of this run or of another, is never written over."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            return b"<dc:description>reconcile workbook</dc:description>" in book.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


class Saved:
    """A period committed to the database: what a failure after it must say, and how to write the
    workbook and exports again."""

    def __init__(self, db: Path, period: str, report_path: Path | None = None, export_dir: Path | None = None):
        self.db, self.period = db, period
        self.report_path, self.export_dir = report_path, export_dir
        self.written = False  # the workbook and exports asked for are written (write_after_commit)

    @property
    def state(self) -> str:
        return f"the period {self.period} is saved in {self.db}"

    def stopped(self, how: str) -> str:
        """What Ctrl-C or SIGTERM (`how`: interrupted, terminated) after the commit says: the period is
        saved; and, of a run that was to write a workbook or exports not written yet, how to write them."""
        if self.written or (self.report_path is None and self.export_dir is None):
            return f"{how}; {self.state}"
        what = (
            "its workbook and exports were"
            if self.report_path and self.export_dir
            else "its workbook was"
            if self.report_path
            else "its exports were"
        )
        return (
            f"{how}; {self.state}, but {what} not written; write "
            f"{'it' if what == 'its workbook was' else 'them'} with: {self.again(self.report_path, self.export_dir)}"
        )

    def again(self, report_path: Path | None, export_dir: Path | None) -> str:
        outputs = (f" --report {shell_arg(report_path)}" if report_path else "") + (
            f" --export {shell_arg(export_dir)}" if export_dir else ""
        )
        return f"reconcile report --period {self.period} --db {shell_arg(self.db)}{outputs}"


def write_after_commit(
    saved: Saved, report_path: Path | None, export_dir: Path | None, lang: str, mask_ids: bool, progress: Progress
) -> None:
    """The workbook and exports of a period just saved. A failure here must not read as a failed
    run: the period is in the database, and the message says so and how to write them again (exit 4)."""
    again = saved.again(report_path, export_dir)
    from reconcile.report.disk import os_errno
    from reconcile.report.export import WRITER_ERRORS

    expected: tuple[type[BaseException], ...] = (ReconcileError, OSError, *WRITER_ERRORS)
    try:
        write_outputs(saved.db, saved.period, report_path, export_dir, lang, mask_ids, progress)
        saved.written = True
    except BaseException as exc:
        if not interrupted(exc) and not isinstance(exc, expected) and os_errno(exc) is None:
            raise  # a bug (internal error, the period saved), or SystemExit
        progress.clear()
        if interrupted(exc):
            code = 143 if isinstance(exc, Terminated) else SIGNAL_EXIT["code"]
            raise ReconcileError(
                f"{'terminated' if code == 143 else 'interrupted'}; {saved.state}, but its workbook "
                f"or exports may be incomplete; write them again with: {again}",
                exit_code=code,
            ) from None
        if isinstance(exc, OSError) and exc.strerror:
            reason = exc.strerror + (f": {exc.filename}" if exc.filename else "")
        else:
            reason = str(exc).splitlines()[0]
        raise ReconcileError(
            f"{saved.state}, but the workbook or exports could not be written ({reason}); close "
            f"the workbook if it is open in Excel, check the disk has room, and write them again "
            f"with: {again}",
            exit_code=4,
        ) from None


def write_outputs(
    db: Path,
    period: str,
    report_path: Path | None,
    export_dir: Path | None,
    lang: str,
    mask_ids: bool,
    progress: Progress,
) -> None:
    """The workbook and the exports, read back from the committed database."""
    if report_path is None and export_dir is None:
        return
    from reconcile.readback import open_db
    from reconcile.report.export import write_exports
    from reconcile.report.workbook import write_workbook

    con = open_db(db)
    try:
        if report_path is not None:
            progress.step("sheet.findings")
            book = write_workbook(
                con, period, report_path, lang=lang, mask_ids=mask_ids, database=str(db), progress=progress.rows
            )
            progress.clear()
            say(
                f"reconcile: workbook {book.path} ({book.findings:,} findings on "
                f"{len(book.sheets)} sheets{', IDs masked' if mask_ids else ''})",
                err=True,
            )
        if export_dir is not None:
            files = write_exports(con, period, export_dir, mask_ids=mask_ids)
            say(
                f"reconcile: exported {', '.join(f.name for f in files)} to {export_dir}"
                f"{' (IDs masked)' if mask_ids else ''}",
                err=True,
            )
    finally:
        con.close()
