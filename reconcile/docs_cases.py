"""The auditors' workflow in the documentation (docs/auditors.md, "Cases"), made by running the real
commands on a copy of the documentation's sample database (docs_gen.py gives the sample and the way to
invoke a command): what they print, stdout and stderr as the terminal shows them. Times vary from run to
run, so each is shown as the same example time."""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

TIME = re.compile(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?|\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b")
EXAMPLE = {19: "2024-10-07 09:15:02", 26: "2024-10-07 09:15:02.184260", 16: "07/10/2024 09:15"}
RUN_SEPTEMBER = [
    "run", "--period", "2024-09", "--registry", "reconcile-demo/registry.csv",
    "--payments", "reconcile-demo/bank_transfers.csv", "--payments", "reconcile-demo/post_office_cash.xlsx",
]  # fmt: skip


# a chain's head names its newest row's hash, made with this machine's key and the sign-off's time:
# an example in the documentation, as the ids are
HEAD = re.compile(r"\b(case events|sign-offs) ([0-9]+) [0-9a-f]{8}\b")
HEAD_EXAMPLE = {"case events": "5c1e0a9b", "sign-offs": "d04f7e21"}


def _times(text: str) -> str:
    text = HEAD.sub(lambda m: f"{m.group(1)} {m.group(2)} {HEAD_EXAMPLE[m.group(1)]}", text)
    return TIME.sub(lambda m: EXAMPLE.get(len(m.group(0)), m.group(0)), text)


def demo_decision(sample: Callable[[], tuple[Path, str]], invoke, db: str) -> str:
    """What `reconcile demo` says of the decision it imports, and the same book imported again."""
    folder = _copy(sample()[0])
    book = "reconcile-demo/review-2024-09.xlsx"
    again = invoke(["review", "import", book, "--db", db, "--by", "Kiểm toán viên (demo)"], folder)
    return _block([(["review", "import", book, "--db", db, "--by", "Kiểm toán viên (demo)"], again.output)])


def session(sample: Callable[[], tuple[Path, str]], invoke, db: str) -> str:
    """The cases read back, the chain verified, and a period signed off, refused a re-run, reopened."""
    import duckdb

    folder = _copy(sample()[0])
    with duckdb.connect(str(folder / db), read_only=True) as con:
        case_id = con.execute(
            "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'welfare'"
        ).fetchall()[0][0]
    steps = [
        ["cases", "--db", db, "--code", "PAID_AFTER_DEATH"],
        ["case", case_id, "--db", db],
        ["verify", "--db", db],
        ["signoff", "--period", "2024-09", "--db", db, "--by", "Kế toán trưởng"],
        [*RUN_SEPTEMBER, "--db", db],
        ["reopen", "--period", "2024-09", "--db", db, "--by", "Kế toán trưởng", "--reason", "ngân hàng gửi lại sao kê"],
    ]
    return _block([(args, invoke(args, folder).output) for args in steps])


def _copy(folder: Path) -> Path:
    to = Path(tempfile.mkdtemp(prefix="reconcile-docs-cases-"))
    atexit.register(shutil.rmtree, to, True)
    shutil.copytree(folder, to, dirs_exist_ok=True)
    return to


def command_line(args: list[str]) -> str:
    """A command as the documentation shows it typed: an argument with a space in double quotes."""
    return "$ reconcile " + " ".join(f'"{a}"' if " " in a else a for a in args)


def _block(runs: list[tuple[list[str], str]]) -> str:
    parts = []
    for args, output in runs:
        parts.append(f"{command_line(args)}\n{_times(output).rstrip()}")
    return "```text\n" + "\n\n".join(parts) + "\n```"
