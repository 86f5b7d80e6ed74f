"""The `reconcile` command group: catches every expected failure once, prints it as one line on stderr,
and exits with its code. The commands themselves live beside it, grouped by who uses them: run.py and
demo.py (officers), read.py (auditors and analysts), admin.py.

Exit codes: 0 done; 1 done, with findings at or above --fail-on (or rows rejected, for check);
2 bad input or configuration, or a full or read-only disk, nothing written; 3 internal error, nothing
written; 4 the period is saved but the workbook or export could not be written; 130 interrupted (SIGINT),
143 terminated (SIGTERM).
"""

from __future__ import annotations

import errno
import importlib.util
import os
import re
import signal
import stat
import sys
import threading
import traceback
import types

import click

from reconcile import messages
from reconcile.errors import ReconcileError
from reconcile.report.disk import os_errno

FORMATS = click.Choice(["table", "csv", "json"])


# Control characters a file's name or value may bring (an escape sequence retitles the window or clears
# the screen): shown as a space; line breaks and tabs stay
# and the marks that turn the direction of the text after them (a file named `pay<U+202E>vsc.exe.csv`)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text for the terminal with its control characters, but line breaks and tabs, as spaces, and
    under --mask-ids the names of files named after a person masked (masking.hide_names): masked
    first, so that a control character in a name (a sheet's `0010&#13;40951508`) does not hide it
    from the mask."""
    from reconcile.masking import names_hidden

    return _CONTROL.sub(" ", names_hidden(text))


def say_error(text: str) -> None:
    """An error's message on one line, as `say` prints it (masked first): a file named
    `bad\nreconcile: all OK.csv` split it in two, its second line beginning as a message of its own."""
    click.echo(" ".join(printable(messages.translate(text)).splitlines()), err=True)


def say(text: str, err: bool = False) -> None:
    """Print a message in the terminal's language (messages.translate: English where no template),
    without the control characters a file's name may hold."""
    click.echo(printable(messages.translate(text)), err=err)


def echo_output(text: str, fmt: str) -> None:
    """A command's output on stdout. CSV written into a new file (`reconcile flags --format csv >
    flags.csv`) starts with a byte order mark, as the exports do: Excel on Windows reads UTF-8 without
    one as the ANSI code page and mangles the Vietnamese. A pipe, a terminal or a file appended to
    gets none, so that analysts' tools read the header as it is."""
    if fmt == "csv" and _new_file_on_stdout():
        text = "\ufeff" + text
    click.echo(text)


def _new_file_on_stdout() -> bool:
    try:
        fd = sys.stdout.fileno()
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.fstat(fd).st_size == 0 and sys.stdout.tell() == 0
    except (OSError, ValueError, AttributeError):  # no file behind it (a test's capture, a closed stream)
        return False


def warn(text: str) -> None:
    """say on stderr: a notice that leaves stdout to the command's output (a CSV piped on)."""
    say(text, err=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service stopping, `kill`): handled as Ctrl-C is, the transaction rolled back, exit 143."""


SIGNAL_EXIT = {"code": 130}  # 130 for SIGINT, 143 once SIGTERM arrived


def _on_sigterm(signum, frame) -> None:
    SIGNAL_EXIT["code"] = 143
    raise Terminated()


def interrupted(exc: BaseException) -> bool:
    """Ctrl-C or SIGTERM: Python's KeyboardInterrupt, or what DuckDB makes of it when the signal came
    while a query ran (its InterruptException, or a RuntimeError 'Query interrupted' raised from the
    signal handler's exception)."""
    return (
        isinstance(exc, KeyboardInterrupt)
        or (type(exc).__name__ == "InterruptException" and "duckdb" in type(exc).__module__)
        or (isinstance(exc, RuntimeError) and str(exc).startswith("Query interrupted"))
        or isinstance(exc.__context__, KeyboardInterrupt)
    )


DISK_ERRORS = {
    28: "the disk is full",
    30: "the file system is read-only",
    13: "permission denied",
    errno.EPERM: "the operation is not permitted there",  # an immutable folder, a protected or synced one
    122: "the disk quota is used up",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EFBIG: "the file is larger than the file-size limit or the disk allows",
}


# what DuckDB's message says of a write that failed (a full disk, a file-size limit: `ulimit -f`, FAT32)
DUCKDB_MARKERS = (
    "No space left on device",
    "Read-only file system",
    "Permission denied",
    "Operation not permitted",
    "Disk quota",
    "File too large",
)


def _disk_problem(exc: BaseException, outputs: list[str]) -> str | None:
    """What a full disk or a folder that cannot be written looks like, as one line naming the path: the
    error's own, else the outputs the command was given (`outputs`: a write to an open file names none)."""
    number = os_errno(exc)  # polars' OSError holds its number in its text
    if isinstance(exc, OSError) and number in DISK_ERRORS:
        where = exc.filename or " or ".join(outputs) or "a file"
        return f"{where}: cannot be written ({DISK_ERRORS[number]})"
    if "duckdb" in type(exc).__module__:  # an IOException, or a commit that failed to write
        first = str(exc).splitlines()[0] if str(exc) else ""
        for marker in DUCKDB_MARKERS:
            if marker in first:
                return f"cannot write ({re.sub(r'^[A-Za-z ]*Error: ', '', first)})"
    return None


def _say_usage_error(ctx: click.Context, exc: click.UsageError, lang: str | None) -> None:
    """A usage error (an option missing or unknown, a value of the wrong kind) in the terminal's
    language (`lang`: a --lang given, else RECONCILE_LANG, else vi), as click shows it in English:
    the usage, the hint, the error. A group given no command shows its help, as click does."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError) or messages.use_language(lang) == "en":
        raise exc
    if exc.ctx is None:
        text = f"Error: {exc.format_message()}"
    else:
        names = exc.ctx.command.get_help_option_names(exc.ctx)
        hint = f"Try '{exc.ctx.command_path} {max(names, key=len)}' for help.\n" if names else ""
        text = f"{exc.ctx.get_usage()}\n{hint}\nError: {exc.format_message()}"
    say(text, err=True)
    ctx.exit(exc.exit_code)


def _outputs(words: list[str]) -> list[str]:
    """The outputs a command line gives (`--report r.xlsx`, `--export=out`, `--out`, `--db`), in order."""
    found = []
    for i, word in enumerate(words):
        name, eq, value = word.partition("=")
        if name in ("--report", "--export", "--out", "--db"):
            if eq:
                found.append(value)
            elif i + 1 < len(words):
                found.append(words[i + 1])
    return found


def _lang_in(words: list[str]) -> str | None:
    """The language a command line asks for (`--lang en`, `--lang=vi`), before it is parsed."""
    for i, word in enumerate(words):
        value = word.partition("=")[2] if word.startswith("--lang=") else None
        if word == "--lang" and i + 1 < len(words):
            value = words[i + 1]
        if value in messages.LANGS:
            return value
    return None


class ReconcileGroup(click.Group):
    """Catches expected failures once, prints one line on stderr, exits with their code."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:  # before the command: `reconcile --lnag en run`, `reconcile --debug`
            _say_usage_error(ctx, exc, _lang_in(args))
            raise  # not reached: ctx.exit raised

    def invoke(self, ctx: click.Context):
        words = [*getattr(ctx, "_protected_args", []), *ctx.args]  # the command line after `reconcile`
        try:
            return super().invoke(ctx)
        except ReconcileError as exc:
            say_error(f"reconcile: error: {exc}")  # a line break in a file's name too
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:
            _say_usage_error(ctx, exc, _lang_in(words) or ctx.params.get("lang"))  # the command's own --lang first
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BaseException as exc:
            if not isinstance(exc, Exception) and not isinstance(exc, KeyboardInterrupt):
                raise  # SystemExit and the like
            self._fail(ctx, exc, words)

    @staticmethod
    def _fail(ctx: click.Context, exc: BaseException, words: list[str]) -> None:
        saved = (ctx.obj or {}).get("saved")
        if interrupted(exc):
            code = 143 if isinstance(exc, Terminated) else SIGNAL_EXIT["code"]
            how = "terminated" if code == 143 else "interrupted"
            # after the commit, a run that was to write a workbook or exports says how to write them
            say(f"reconcile: {saved.stopped(how) if saved else how + '; the database is unchanged'}", err=True)
            ctx.exit(code)
        disk = _disk_problem(exc, _outputs(words))
        if disk:
            say(
                f"reconcile: error: {disk}; "
                + (f"{saved.state}; " if saved else "the database is unchanged; ")
                + (
                    "give it a shorter name, or a folder of a shorter path, and run again"
                    if os_errno(exc) == errno.ENAMETOOLONG
                    else "raise the file-size limit (ulimit -f), or choose a folder on a disk that takes larger "
                    "files, and run again"
                    if os_errno(exc) == errno.EFBIG or "File too large" in disk
                    else "free space or choose a folder that can be written, and run again"
                ),
                err=True,
            )
            ctx.exit(4 if saved else 2)
        # a bug: say so without leaking data, keep the trace behind --debug
        say(
            f"reconcile: internal error ({type(exc).__name__}); "
            + (f"{saved.state}. " if saved else "the database is unchanged. ")
            + "Run again with --debug for the traceback and report it.",
            err=True,
        )
        if ctx.obj and ctx.obj.get("debug"):
            traceback.print_exc()
        ctx.exit(4 if saved else 3)


@click.group(cls=ReconcileGroup)
@click.version_option(package_name="reconcile", prog_name="reconcile")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Language of the terminal: summaries, progress and messages (default: RECONCILE_LANG, else lang in "
    "the config, else vi).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, lang: str | None) -> None:
    """Reconcile monthly cashless welfare and pension disbursements against the beneficiary registry."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["lang"] = lang
    messages.use_language(lang)
    from reconcile.masking import NAMES_SHOWN

    NAMES_SHOWN.clear()  # a command's --mask-ids masks its own terminal, not the next command's
    # every file reconcile creates holds personal data: the database, its key, staged files, workbooks
    # and exports are readable by their owner only (mode 0600; on Windows, the folder's permissions)
    if os.name == "posix":
        os.umask(0o077)
    SIGNAL_EXIT["code"] = 130
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
        if hasattr(signal, "SIGBREAK"):  # Windows: Ctrl-Break in the console, as SIGTERM elsewhere
            signal.signal(signal.SIGBREAK, _on_sigterm)
        if ctx.obj.get("process"):  # the program itself (main.py), not a caller's process (a test's)
            ctx.call_on_close(_signals_ignored)


def _signals_ignored() -> None:
    """Once the command has done its work and said what it did (its context closing), Ctrl-C or SIGTERM
    is ignored: one in the last moments of the process, as it exits, killed it with 130 or 143 and no
    word, a month saved and its workbook written looking like one stopped."""
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def province_code(ctx, param, value: str | None) -> str | None:
    """--province as the database holds it: two digits, a leading zero put back ('1' is 01, as a
    spreadsheet that dropped it writes it); anything else is refused rather than matching nothing."""
    if value is None:
        return None
    code = value.strip()
    if not code.isdigit() or not 1 <= len(code) <= 2:
        raise click.BadParameter(f"{value!r} is no province code: give its two digits, e.g. 01 or 79")
    return code.zfill(2)


class ManyFilesCommand(click.Command):
    """A command whose file options take one file or several: `--registry A.xlsx B.xlsx` is
    `--registry A.xlsx --registry B.xlsx`, as the synopsis `--registry FILE...` reads. The words that
    follow an option's value, up to the next option, are more values of it (the command takes no
    other arguments, so they could be nothing else); a file whose name begins with `-` is given as
    `./-name`, or after the option repeated."""

    def __init__(self, *args, many: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.many = many

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spread_values(args, self.many))


def spread_values(args: list[str], options: tuple[str, ...]) -> list[str]:
    """`--opt A B C` as `--opt A --opt B --opt C` for each of options (also after `--opt=A`)."""
    out: list[str] = []
    current = None  # the option whose values are being read
    i = 0
    while i < len(args):
        word = args[i]
        text = str(word)  # a caller may pass a Path (click's CliRunner takes them)
        if text == "--":
            out.extend(args[i:])
            break
        name = text.split("=", 1)[0]
        if text.startswith("-"):
            current = name if name in options else None
            out.append(word)
            if current and "=" not in text and i + 1 < len(args):
                out.append(args[i + 1])  # the option's first value, whatever it looks like
                i += 1
        elif current:
            out += [current, word]
        else:
            out.append(word)
        i += 1
    return out


def lazy(name: str) -> types.ModuleType:
    """A module imported when one of its names is first used: `reconcile --help` and the light
    commands do not load DuckDB, polars or pydantic (importlib.util.LazyLoader)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
