"""Under --mask-ids the terminal names a file, folder or sheet named after a person as the masked
workbook does, with the ID's last four digits: the run's table of files, its notes, progress and errors
(issue 18). The amounts on the terminal stay whole."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, SAMPLE_FILES
from reconcile.cli import cli

NAMED, SHEET, FOLDER = "079196118125", "001040951508", "001168070156"  # the sample's own IDs


def month(tmp_path):
    folder = tmp_path / f"ho_so_{FOLDER}"
    folder.mkdir(parents=True)
    pay = folder / f"{NAMED}_T9.csv"
    pay.write_bytes((FIXTURES / "sample" / "bank_transfers.csv").read_bytes())
    post = openpyxl.load_workbook(SAMPLE_FILES["payments"][1])
    post.worksheets[0].title = SHEET
    post.create_sheet("ghi chu")  # a second sheet, so that the table names the first by its name
    post.save(folder / "post.xlsx")
    return ["--registry", str(FIXTURES / "sample" / "registry.csv"), "--payments", str(pay), str(folder / "post.xlsx")]


def run(tmp_path, *extra):
    files = month(tmp_path)
    db, book = tmp_path / f"{NAMED}.duckdb", tmp_path / f"bao_cao_{NAMED}.xlsx"
    args = ["run", "--period", "2024-09", *files, "--db", str(db), "--report", str(book), *extra]
    return CliRunner().invoke(cli, args)


def test_the_terminal_of_a_masked_run_names_no_file_after_an_id(tmp_path):
    res = run(tmp_path, "--mask-ids")
    assert res.exit_code == 0, res.output
    shown = res.stdout + res.stderr
    assert [i for i in (NAMED, SHEET, FOLDER) if i in shown] == []
    table = [w[0] for w in map(str.split, res.stdout.splitlines()) if w[1:2] == ["payments"] and "." in w[0]]
    assert table == [
        f"{tmp_path}/ho_so_********0156/********8125_T9.csv",
        f"{tmp_path}/ho_so_********0156/post.xlsx",
    ]
    assert (
        f"{tmp_path}/ho_so_********0156/post.xlsx: sheet 'ghi chu' skipped (is empty); read '********1508'"
        in res.stderr
    )
    assert f"workbook {tmp_path}/bao_cao_********8125.xlsx (" in res.stderr
    assert f"Database: {tmp_path}/********8125.duckdb" in res.stdout
    assert "Due 1,075,411,000 VND to active beneficiaries" in res.stdout  # amounts whole


def test_an_error_of_a_masked_run_names_the_file_masked(tmp_path):
    missing = tmp_path / f"{NAMED}_T10.csv"
    registry = str(FIXTURES / "sample" / "registry.csv")
    args = ["run", "--period", "2024-09", "--registry", registry, "--payments", str(missing)]
    res = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "r.duckdb"), "--mask-ids"])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {tmp_path}/********8125_T10.csv: file not found; check the path"
    )


def test_without_mask_ids_the_terminal_names_files_whole_even_after_a_masked_run(tmp_path):
    assert run(tmp_path / "masked", "--mask-ids").exit_code == 0
    res = run(tmp_path)
    assert res.exit_code == 0, res.output
    assert f"{tmp_path}/ho_so_{FOLDER}/{NAMED}_T9.csv" in res.stdout


def _far(book, sheet):  # a cell at Z5000: 130,000 cells, over the config's limit
    sheet["Z5000"] = "x"


def _unpaid(book, sheet):  # named as payments not made, its rows without a status
    sheet.title = f"Chưa chi {SHEET}"
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 10).value = None


def _header_only(book, sheet):
    sheet.delete_rows(2, sheet.max_row)


def _none_holds(book, sheet):
    _header_only(book, sheet)
    book.create_sheet("ghi chu")["A1"] = "ghi chu"


REFUSED = {
    "sheet over max_sheet_cells": (
        _far,
        [],
        "the sheet '********1508' reaches row 5,000 and column Z (26): 130,000 cells to read, over the limit of "
        "100,000 ([limits] max_sheet_cells); delete the rows and columns past the list (Ctrl+End in Excel goes to "
        "the last cell) and save it again, or raise the limit in [limits] of the config if the file is genuine",
    ),
    "sheet named as unpaid": (
        _unpaid,
        [],
        "the sheet 'Chưa chi ********1508' is named as payments not made, but 6 of its rows give no status, which "
        "reads as paid; write each row's status (Thành công if it was paid since, Chưa nhận or Thất bại if not), or "
        "delete the sheet if its rows are no payments of the month",
    ),
    "one sheet, header only": (
        _header_only,
        [],
        "the sheet '********1508' has a header row but no data rows; check that the export finished and send the "
        "complete file; if no one was paid through it this month, leave it out",
    ),
    "no sheet holds the role": (
        _none_holds,
        [],
        "none of its 2 sheets holds a payments file (sheet '********1508': the sheet '********1508' has a header "
        "row but no data rows); check that the export finished and send the complete file; if no one was paid "
        "through it this month, leave it out",
    ),
    "--sheet names no sheet": (
        None,
        ["--sheet", f"{SHEET}x"],
        "has no sheet named '********1508x' (its sheets: ********1508); pass --sheet with one of those names",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_workbook_refused_as_it_is_read_names_its_sheet_masked(tmp_path, case):
    """A sheet named after an ID is masked on the terminal when the workbook is refused while it is
    read (a limit, a sheet refused, no sheet of the role, --sheet wrong), not only once it was read."""
    spoil, extra, line = REFUSED[case]
    book = openpyxl.load_workbook(SAMPLE_FILES["payments"][1])
    book.worksheets[0].title = SHEET
    if spoil:
        spoil(book, book.worksheets[0])
    book.save(tmp_path / "post.xlsx")
    (tmp_path / "limits.toml").write_text("[limits]\nmax_sheet_cells = 100000\n")
    registry = str(FIXTURES / "sample" / "registry.csv")
    args = ["run", "--period", "2024-09", "--registry", registry, "--payments", str(tmp_path / "post.xlsx")]
    args += ["--db", str(tmp_path / "r.duckdb"), "--config", str(tmp_path / "limits.toml"), *extra, "--mask-ids"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == f"reconcile: error: {tmp_path}/post.xlsx: {line}"
    assert SHEET not in res.stdout + res.stderr


def _with_a_carriage_return_in_the_sheets_name(book, tmp_path) -> None:
    """post.xlsx: the workbook with its sheet SHEET named `001040&#13;951508` in its XML (which
    openpyxl cannot write)."""
    book.save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as src, zipfile.ZipFile(tmp_path / "post.xlsx", "w") as dst:
        for entry in src.infolist():
            data = src.read(entry.filename)
            dst.writestr(entry, data.replace(f'name="{SHEET}"'.encode(), b'name="001040&#13;951508"'))


def test_a_control_character_in_a_sheet_name_does_not_hide_it_from_the_mask(tmp_path):
    """A sheet named `001040&#13;951508` in the workbook's XML: masked, then the carriage return shown
    as a space (not the other way round, which left the ID whole)."""
    book = openpyxl.Workbook()
    book.active.title = SHEET
    book.active.append(["Mã giao dịch", "Số CCCD", "Số tiền"])
    _with_a_carriage_return_in_the_sheets_name(book, tmp_path)
    registry = str(FIXTURES / "sample" / "registry.csv")
    args = ["run", "--period", "2024-09", "--registry", registry, "--payments", str(tmp_path / "post.xlsx")]
    res = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "r.duckdb"), "--mask-ids"])
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {tmp_path}/post.xlsx: the sheet '********1508' has a header row but no data rows; "
        "check that the export finished and send the complete file; if no one was paid through it this month, "
        "leave it out"
    )


def test_a_hidden_sheet_named_with_a_control_character_is_masked_in_the_notices(tmp_path):
    """The notices named the sheets read by repr, which wrote a carriage return as `\\r`: the masked
    name was no longer found, and `'001040\\r951508'` printed the ID whole."""
    book = openpyxl.load_workbook(SAMPLE_FILES["payments"][1])
    book.worksheets[0].title = SHEET
    book.worksheets[0].sheet_state = "hidden"
    book.create_sheet("ghi chu")
    book.active = 1
    _with_a_carriage_return_in_the_sheets_name(book, tmp_path)
    registry = str(FIXTURES / "sample" / "registry.csv")
    bank = str(SAMPLE_FILES["payments"][0])
    args = ["run", "--period", "2024-09", "--registry", registry, "--payments", bank, str(tmp_path / "post.xlsx")]
    res = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "r.duckdb"), "--mask-ids"])
    assert res.exit_code == 0, res.output
    assert [line for line in res.stderr.splitlines() if "post.xlsx: " in line] == [
        f"reconcile: {tmp_path}/post.xlsx: 1 hidden sheet read as the others are ('********1508'); check that the "
        "rows there belong to this month's list",
        f"reconcile: {tmp_path}/post.xlsx: sheet 'ghi chu' skipped (is empty); read '********1508'",
    ]
    assert "951508" not in res.stdout + res.stderr


def test_a_line_break_or_a_direction_mark_in_a_file_s_name_stays_on_its_line(tmp_path):
    """A file named `bad<newline>reconcile: all OK.csv` split the error in two, its second line reading as
    a message of its own; a right-to-left override (U+202E) in a name turned what followed it round on
    the terminal."""
    header = "Ho ten,So tien\nNguyen Van An,500.000\n"
    broken = tmp_path / "bad\nreconcile: all OK.csv"
    broken.write_text(header, encoding="utf-8")
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(broken), "--as", "payments"])
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [
        f"reconcile: error: {tmp_path}/bad reconcile: all OK.csv: required column 'payment_ref' is missing from the "
        "payments file (also missing: value_date, channel); add it or rename the column that holds "
        "it to 'payment_ref', or pass a --profile that maps it"
    ]
    turned = tmp_path / "pay\u202evsc.exe.csv"
    turned.write_text(header, encoding="utf-8")
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(turned), "--as", "payments"])
    assert "\u202e" not in res.output and f"{tmp_path}/pay vsc.exe.csv" in res.stderr
