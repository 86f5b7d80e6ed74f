"""Shared fixtures: an in-memory DuckDB with the normalisers installed, the sample month reconciled once
for the whole session, a generated month and its database for the month's guards, and file writers."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest
from hypothesis import settings

from reconcile.normalise.reference import install

if TYPE_CHECKING:
    import openpyxl
    import polars as pl

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SAMPLE = FIXTURES / "sample"
# the sample month as the tests reconcile it: fixtures/sample, the registry and both payment files
SAMPLE_FILES = {
    "registry": [SAMPLE / "registry.csv"],
    "payments": [SAMPLE / "bank_transfers.csv", SAMPLE / "post_office_cash.xlsx"],
}

# One key for the whole suite, so that findings of two databases made from the same files can be
# compared by flag_id; tests/test_keys.py unsets it to test the key file each database gets by default.
TEST_KEY = "9c1e5f0a7d3b48e2a6f1c0d9b8e7a5f43c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f"
os.environ["RECONCILE_KEY"] = TEST_KEY
# The terminal speaks Vietnamese by default; the suite asserts the English text unless a test asks for vi
os.environ["RECONCILE_LANG"] = "en"

# Property tests draw the same examples on every run, so that a run of the suite (CI's included) is
# reproducible and a red run can be run again as it was; HYPOTHESIS_RANDOM=1 explores new examples
# (as `make fuzz` does for the hostile files).
settings.register_profile("reproducible", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("HYPOTHESIS_RANDOM") else "reproducible")


# what a test needs of a POSIX system (Linux, macOS), skipped on Windows with the reason
posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX (file modes, symbolic links, signals)")


@pytest.fixture(autouse=True)
def _the_library_s_language():
    """Each test starts, and leaves, in the library's language (English unless RECONCILE_LANG says
    otherwise): a command run through the CLI sets the terminal's language for the whole process
    (Vietnamese by default), which a test run after it in the same worker would inherit; so would the
    readers' guards a run's [checks] turn off (readers/guards.py), set back to their defaults, and so
    would the readers' limits a run's [limits] set (max_file_mb = 1 refused a later test's file of 1.4 MB)."""
    from dataclasses import fields

    from reconcile import messages
    from reconcile.readers import guards, limits

    messages.set_language(None)
    yield
    messages.set_language(None)
    guards.use(None)  # a run's [checks] (control_totals = false) hold for the process: the defaults again
    for f in fields(limits.Limits):  # and its [limits]
        setattr(limits.CURRENT, f.name, getattr(limits.Limits(), f.name))


@pytest.fixture()
def con():
    """In-memory DuckDB with reference tables and normaliser macros (normalise/macros.sql)."""
    connection = duckdb.connect(":memory:")
    install(connection)
    yield connection
    connection.close()


@dataclass(frozen=True)
class Month:
    """A reconciled month: its database and what the run returned."""

    db: Path
    result: object  # reconcile.results.RunResult


@pytest.fixture(scope="module")
def october(tmp_path_factory) -> dict[str, list[Path]]:
    """The sample's October (reconcile/sample/october.py): September's registry, October's payments."""
    from reconcile.sample import write_sample_october

    return write_sample_october(tmp_path_factory.mktemp("october"))


@pytest.fixture(scope="session")
def sample_month(tmp_path_factory):
    """The sample month 2024-09 (SAMPLE_FILES) reconciled once for the whole session. Shared: open its
    database read-only, or take a copy (copy_of) to write to; the session fails if a test changed it."""
    from reconcile.pipeline import RunConfig, run

    db = tmp_path_factory.mktemp("sample-month") / "r.duckdb"
    result = run(RunConfig(period="2024-09", db=db, **SAMPLE_FILES))
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    yield Month(db, result)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest, (
        f"a test wrote to the shared sample month {db}; give it copy_of(sample_month.db, ...) instead"
    )


def copy_of(db: Path, to: Path) -> Path:
    """A copy of a database (a shared fixture's) that a test may write to; `to` is the new file's path."""
    shutil.copyfile(db, to)
    return to


def reconciled(folder: Path, registry_csv: str, payments: Path | list[Path], period: str = "2024-09") -> Path:
    """`reconcile run` of a payments file (or several) against a registry given as CSV text, in a new
    database in `folder`; the run must succeed. Returns the database."""
    from click.testing import CliRunner

    from reconcile.cli import cli

    registry = folder / "registry.csv"
    registry.write_text(registry_csv, encoding="utf-8")
    db = folder / "r.duckdb"
    files = payments if isinstance(payments, list) else [payments]
    res = CliRunner().invoke(
        cli,
        ["run", "--period", period, "--db", str(db), "--registry", str(registry)]
        + [a for f in files for a in ("--payments", str(f))],
    )
    assert res.exit_code == 0, res.output
    return db


def typed_into(book: Path, out: Path, sheet: str, case_id: str, **cells) -> int:
    """A workbook reconcile wrote, with these cells (by header, or `_N` by column number) of the case's
    row of `sheet` typed over, as an officer types a decision, saved as `out`; returns the row."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("Case id") + 1).value == case_id)
    for column, value in cells.items():
        ws.cell(row, int(column[1:]) if column.startswith("_") else header.index(column) + 1).value = value
    wb.save(out)
    return row


def write_csv(path: Path, header: list[str], rows: list[list], *, bom: bool = False) -> Path:
    """Write a CSV the way Excel's 'CSV UTF-8' does (optionally with BOM)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def xlsx_rows(path: Path, rows: list[list]) -> Path:
    """A workbook of one sheet holding these rows as given (a bank's title block, its header, its rows)."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def generated_month(tmp_path_factory, *formats: str, beneficiaries: int = 3000, seed: int = 11) -> tuple[Path, list]:
    """A month `reconcile generate` wrote in these formats, every finding planted (for a module-scoped
    fixture): its folder, and its truth (the findings a run must make)."""
    from reconcile.generate import GenerateConfig, generate, read_truth

    out = tmp_path_factory.mktemp("month")
    result = generate(GenerateConfig(beneficiaries=beneficiaries, seed=seed, out=out, formats=formats))
    return out, read_truth(result.truth)


def saved_month(tmp_path_factory, out: Path, ext: str, period: str = "2024-09") -> Path:
    """A database holding the generated month in `out`, reconciled whole from its files of the extension
    `ext` (registry, the bank's and the post office's payments): what a refused run must leave as it was."""
    from click.testing import CliRunner

    from reconcile.cli import cli

    db = tmp_path_factory.mktemp("db") / "r.duckdb"
    files = [out / f"registry.{ext}", out / f"payments_bank.{ext}", out / f"payments_post.{ext}"]
    args = ["--registry", files[0], "--payments", files[1], "--payments", files[2]]
    res = CliRunner().invoke(cli, [str(a) for a in ("run", "--period", period, "--db", db, *args)])
    assert res.exit_code == 0, res.output
    return db


def copy_db(saved: Path, tmp_path: Path) -> tuple[Path, bytes]:
    """A copy of a saved month's database to run on, and its bytes (a refused run leaves them as they were)."""
    db = copy_of(saved, tmp_path / "r.duckdb")
    return db, db.read_bytes()


def workbook(
    sheets: dict[str, pl.DataFrame],
    write_only: bool = False,
    *,
    above: dict[str, list[list]] | None = None,
    cells: Callable[[int, list], list] | None = None,
) -> openpyxl.Workbook:
    """A workbook of one sheet per frame, as an officer keeps a list in Excel: each sheet the rows
    `above` gives it (a title block), then the frame's header row and its rows, each row's values as
    `cells` makes them of its sheet row number and values (Excel's date cells, say). write_only: for
    tens of thousands of rows, rows can be appended but not read back."""
    import openpyxl

    book = openpyxl.Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    for name, part in sheets.items():
        sheet = book.create_sheet(name)
        title = (above or {}).get(name, [])
        for line in [*title, part.columns]:
            sheet.append(line)
        for n, row in enumerate(part.iter_rows(), start=len(title) + 2):
            sheet.append(cells(n, list(row)) if cells else list(row))
    return book


def big_workbook(path: Path, sheets: dict[str, pl.DataFrame]) -> Path:
    """A workbook of one sheet per frame (its header row, then its rows), as xlsxwriter writes it in
    constant_memory mode, the way systems export long lists: every cell an inline string. The package
    is xlsxwriter's; the sheets' XML, what it writes for them, is made here a row at a time: ten times
    as fast as openpyxl or xlsxwriter writes tens of thousands of rows cell by cell."""
    from xml.sax.saxutils import escape
    from zipfile import ZIP_DEFLATED, ZipFile

    import xlsxwriter
    from openpyxl.utils import get_column_letter

    def cell(ref: str, value: object) -> str:
        text = escape(str(value))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'

    def sheet_xml(part: pl.DataFrame) -> str:
        letters = [get_column_letter(c) for c in range(1, part.width + 1)]
        rows = "".join(
            f'<row r="{r}">' + "".join(cell(f"{x}{r}", v) for x, v in zip(letters, values) if v is not None) + "</row>"
            for r, values in enumerate([part.columns, *part.iter_rows()], start=1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships"><dimension ref="A1:{letters[-1]}{part.height + 1}"/><sheetData>{rows}</sheetData>'
            "</worksheet>"
        )

    shell = path.with_name(path.name + ".shell")
    book = xlsxwriter.Workbook(str(shell), {"constant_memory": True})
    for name in sheets:
        book.add_worksheet(name)
    book.close()
    with ZipFile(shell) as source, ZipFile(path, "w", ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                target.writestr(item, source.read(item))
        for n, part in enumerate(sheets.values(), start=1):
            target.writestr(f"xl/worksheets/sheet{n}.xml", sheet_xml(part))
    shell.unlink()
    return path
