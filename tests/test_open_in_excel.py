"""A workbook open in Excel (its lock file `~$name.xlsx` beside it) or LibreOffice (`.~lock.name#`):
what was typed there and not saved is not in the file reconcile reads, and on Windows an output open
there cannot be replaced."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from conftest import SAMPLE
from reconcile.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, ["--lang", "en", *map(str, args)])


def test_a_workbook_open_in_excel_is_not_written_over_by_report(sample_month, tmp_path):
    """The period is saved, then the workbook cannot replace the one Excel holds (exit 4 on Windows;
    from a shared folder, Excel saves its old copy over the new one later): refused before anything."""
    folder = tmp_path / "Báo cáo tháng 9"
    folder.mkdir()
    book = folder / "Báo cáo 09-2024.xlsx"
    lock = folder / "~$Báo cáo 09-2024.xlsx"
    lock.write_bytes(b"\x0bNguyen Van A")
    done = invoke("report", "--period", "2024-09", "--db", sample_month.db, "--report", book)
    assert done.exit_code == 2
    assert done.stderr == (
        f"reconcile: error: {book}: is open in Excel or LibreOffice (~$Báo cáo 09-2024.xlsx is beside it); close "
        "it there and run again (if no program has it open, delete ~$Báo cáo 09-2024.xlsx)\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == [lock.name]


def test_a_review_book_open_in_libreoffice_is_not_imported_without_its_unsaved_decisions(sample_month, tmp_path):
    """`review import` read the book as last saved and said `recorded 0 decisions`: the ones typed
    and not saved yet were silently left out."""
    book = tmp_path / "Sổ duyệt 09-2024.xlsx"
    shutil.copyfile(SAMPLE / "post_office_cash.xlsx", book)
    (tmp_path / ".~lock.Sổ duyệt 09-2024.xlsx#").write_text("Lê Kiểm,lekiem,PC,06.12.2026 09:14,", encoding="utf-8")
    done = invoke("review", "import", book, "--by", "Lê Kiểm", "--db", sample_month.db)
    assert done.exit_code == 2
    assert done.stderr == (
        f"reconcile: error: {book}: is open in Excel or LibreOffice (.~lock.Sổ duyệt 09-2024.xlsx# is beside it), "
        "and decisions typed there and not saved would not be recorded; save it, close it and import it again "
        "(if no program has it open, delete .~lock.Sổ duyệt 09-2024.xlsx#)\n"
    )


def test_an_input_open_in_excel_is_read_with_a_notice(tmp_path):
    payments = tmp_path / "Bưu điện 09-2024.xlsx"
    shutil.copyfile(SAMPLE / "post_office_cash.xlsx", payments)
    (tmp_path / "~$Bưu điện 09-2024.xlsx").write_bytes(b"\x0bNguyen Van A")
    done = invoke("check", payments, "--as", "payments", "--period", "2024-09")
    assert done.exit_code == 0, done.output
    assert "rows: 6 read, 6 loaded, 0 rejected" in done.stdout
    assert done.stderr == (
        f"reconcile: {payments}: is open in Excel or LibreOffice (~$Bưu điện 09-2024.xlsx is beside it); what was "
        "changed there and not saved is not read: save it and run again if it was changed\n"
    )


def test_an_input_open_in_excel_during_a_run_is_kept_with_the_run_s_warnings(tmp_path):
    """The run read the post office's list as last saved and said so on the terminal only: the
    workbook the officer signs, and the database, had no word of it."""
    import json

    import duckdb

    payments = tmp_path / "Bưu điện 09-2024.xlsx"
    shutil.copyfile(SAMPLE / "post_office_cash.xlsx", payments)
    (tmp_path / "~$Bưu điện 09-2024.xlsx").write_bytes(b"\x0bNguyen Van A")
    db = tmp_path / "r.duckdb"
    done = invoke(
        "run", "--period", "2024-09", "--db", db, "--registry", SAMPLE / "registry.csv",
        "--payments", SAMPLE / "bank_transfers.csv", payments,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    said = (
        f"{payments}: is open in Excel or LibreOffice (~$Bưu điện 09-2024.xlsx is beside it); what was changed there "
        "and not saved is not read: save it and run again if it was changed"
    )
    assert f"reconcile: {said}" in done.stderr.splitlines()
    with duckdb.connect(str(db), read_only=True) as con:
        assert json.loads(con.execute("SELECT warnings FROM runs").fetchone()[0]) == [{"message": said, "programs": []}]


def test_action_files_are_not_written_while_one_of_them_is_open_in_excel(sample_month, tmp_path):
    """On Windows the file open in Excel could not be replaced after the others were: the folder held
    this listing's files beside last listing's, to be sent by mistake. Refused before any is written."""
    folder = tmp_path / "Thu hồi tháng 9"
    folder.mkdir()
    (folder / "recovery_VCB_26740.xlsx").write_bytes(b"last month's")
    (folder / "~$recovery_VCB_26740.xlsx").write_bytes(b"\x0bNguyen Van A")
    done = invoke("actions", "--period", "2024-09", "--db", sample_month.db, "--out", folder)
    assert done.exit_code == 2
    assert done.stderr == (
        f"reconcile: error: {folder / 'recovery_VCB_26740.xlsx'}: is open in Excel or LibreOffice "
        "(~$recovery_VCB_26740.xlsx is beside it); close it there and run again (if no program has it open, "
        "delete ~$recovery_VCB_26740.xlsx)\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["recovery_VCB_26740.xlsx", "~$recovery_VCB_26740.xlsx"]


def test_the_lock_file_given_for_the_workbook_is_named_as_such(tmp_path):
    """A wildcard or a file dialog picks up Excel's hidden `~$` file: it was `not an Excel workbook ...;
    open it in Excel and save it as .xlsx`, which cannot be done with it."""
    lock = tmp_path / "~$Bưu điện 09-2024.xlsx"
    lock.write_bytes(b"\x0bNguyen Van A" + b" " * 40 + b"\x00" * 110)
    done = invoke("check", lock, "--as", "payments", "--period", "2024-09")
    assert done.exit_code == 2
    assert done.stderr == (
        f"reconcile: error: {lock}: is the lock file Excel keeps beside Bưu điện 09-2024.xlsx while that workbook "
        "is open, not a workbook; give Bưu điện 09-2024.xlsx itself\n"
    )


def test_a_path_with_no_name_is_said_to_be_a_folder_not_an_internal_error(tmp_path):
    """`--registry ""` (a script's variable left empty), `.` or `/`: looking for a lock file beside a path
    with no name raised ValueError, an internal error."""
    for given in ("", "."):
        done = invoke(
            "run", "--period", "2024-09", "--registry", given, "--payments", SAMPLE / "bank_transfers.csv",
            "--db", tmp_path / "r.duckdb",
        )  # fmt: skip
        assert done.exit_code == 2, done.output
        assert done.stderr.splitlines()[-1] == (
            "reconcile: error: .: cannot be opened (Is a directory); check the path and its permissions"
        )
