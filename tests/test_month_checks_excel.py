"""The month's guards against what Excel and the office's habits do to a file on its way to the officer,
from files as they are handed over: a list cut off at the last row a sheet holds, a month kept in one
workbook, a month written in thousands of đồng. Each refusal is exit 2, one line naming the file and
what to do, nothing written."""

from __future__ import annotations

import re
from datetime import datetime

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from conftest import big_workbook, workbook
from reconcile.cli import cli
from reconcile.generate import GenerateConfig, generate

PERIOD = "2024-09"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def big_month(tmp_path_factory):
    """A month of 70,000 beneficiaries: a registry longer than an Excel 97-2003 sheet."""
    out = tmp_path_factory.mktemp("big")
    generate(GenerateConfig(beneficiaries=70_000, seed=3, out=out, formats=("csv",)))
    return out


def cut_at(source, target, lines: int):
    with open(source, encoding="utf-8") as fh:
        head = [next(fh) for _ in range(lines)]
    target.write_text("".join(head), encoding="utf-8")
    return target


def test_a_registry_cut_off_at_the_last_row_of_an_xls_sheet_is_refused(big_month, tmp_path):
    """Opened in Excel 97-2003 and saved, a registry of 69,961 rows keeps 65,535 of them under its
    header: run on, the 4,429 payments to those cut off came back as UNKNOWN_PAYEE, exit 0."""
    registry = cut_at(big_month / "registry.csv", tmp_path / "danh_sach.csv", 65_536)
    db = tmp_path / "r.duckdb"
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", registry,
        "--payments", big_month / "payments_bank.csv", "--payments", big_month / "payments_post.csv",
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert not db.exists()
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {registry}: ends at row 65,536, the most rows an Excel 97-2003 sheet (.xls) can hold, "
        "with no totals row: the rows after it were probably cut off when the file was opened in Excel and saved; "
        "export the file again from its system (as several files if it is longer), and run again; if it is "
        "complete, write its totals row (Tổng cộng) under its last row"
    )


def test_a_list_of_that_length_that_ends_with_its_totals_row_is_complete(big_month, tmp_path):
    """The same 65,535 rows, with their totals row under them (which agrees): the file is whole."""
    registry = cut_at(big_month / "registry.csv", tmp_path / "danh_sach.csv", 65_536)
    rows = pl.read_csv(registry, infer_schema=False)
    total = sum(int(v.replace(".", "")) for v in rows["Số tiền hưởng"])
    cells = [""] * rows.width
    cells[1], cells[5] = "Tổng cộng", f"{total:,}".replace(",", ".")
    with open(registry, "a", encoding="utf-8") as fh:
        fh.write(",".join(cells) + "\n")
    db = tmp_path / "r.duckdb"
    # the month's payments of those after the cut (6% of them) are let through unmatched
    (tmp_path / "c.toml").write_text("[checks]\nmax_unmatched_month = 1\n", encoding="utf-8")
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", registry, "--config", tmp_path / "c.toml",
        "--payments", big_month / "payments_bank.csv", "--payments", big_month / "payments_post.csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Period 2024-09: 65,535 registry rows" in res.stdout


def test_a_sheet_cut_off_at_its_last_row_is_refused_and_a_full_sheet_the_list_goes_on_from_is_not(big_month, tmp_path):
    """A bank's list in a workbook: on one sheet that ends at row 65,536 it was cut; on a full sheet
    whose list goes on over the next sheet (under its own header) it is whole, and is read."""
    payments = pl.read_csv(big_month / "payments_bank.csv", infer_schema=False)

    def book(name: str, sheets: list[pl.DataFrame]):
        return big_workbook(tmp_path / name, {f"Trang {n}": part for n, part in enumerate(sheets, start=1)})

    cut = book("vcb_0924.xlsx", [payments.head(65_535)])
    db = tmp_path / "r.duckdb"
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", big_month / "registry.csv",
        "--payments", cut, "--payments", big_month / "payments_post.csv",
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert not db.exists()
    assert res.stderr.splitlines()[-1].startswith(
        f"reconcile: error: {cut}: ends at row 65,536, the most rows an Excel 97-2003 sheet (.xls) can hold"
    )
    whole = book("vcb_0924_whole.xlsx", [payments.head(65_535), payments.slice(65_535)])
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", big_month / "registry.csv",
        "--payments", whole, "--payments", big_month / "payments_post.csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    post = pl.read_csv(big_month / "payments_post.csv", infer_schema=False).height
    assert f"69,962 registry rows, {payments.height + post:,} payments loaded, 0 rows rejected" in res.stdout


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    out = tmp_path_factory.mktemp("month")
    generate(GenerateConfig(beneficiaries=3000, seed=5, out=out, formats=("csv",)))
    return out


def findings(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT code, count(*) FROM flags GROUP BY code ORDER BY code").fetchall()


def test_one_workbook_with_the_registry_and_the_payments_on_their_own_sheets_is_read_in_both_roles(month, tmp_path):
    """The commune keeps the month in one workbook: the registry on one sheet, the bank's and the post
    office's payments on two others, and a notes sheet. Given as --registry and as --payments, each
    role reads its own sheets, and the month is the one its CSV files make. It was refused as 'has the
    same content as' itself, with 'pass each file once', which cannot be done."""
    sheets = {
        "Danh sách": pl.read_csv(month / "registry.csv", infer_schema=False),
        "Chi trả NH": pl.read_csv(month / "payments_bank.csv", infer_schema=False),
        "Bưu điện": pl.read_csv(month / "payments_post.csv", infer_schema=False),
    }
    wb = workbook(sheets)
    wb.create_sheet("Ghi chú").append(["Danh sách tháng 9, đã đối chiếu với UBND xã"])
    book = tmp_path / "thang_09.xlsx"
    wb.save(book)
    db, csv_db = tmp_path / "r.duckdb", tmp_path / "csv.duckdb"
    res = invoke("run", "--period", PERIOD, "--db", db, "--registry", book, "--payments", book)
    assert res.exit_code == 0, res.output
    assert [line for line in res.stderr.splitlines() if "skipped" in line] == [
        f"reconcile: {book}: sheet 'Ghi chú' skipped (has a header row but no data rows); read 'Danh sách'",
        f"reconcile: {book}: sheet 'Ghi chú' skipped (has a header row but no data rows); read 'Chi trả NH', "
        "'Bưu điện'",
    ]
    res = invoke(
        "run", "--period", PERIOD, "--db", csv_db, "--registry", month / "registry.csv",
        "--payments", month / "payments_bank.csv", "--payments", month / "payments_post.csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert findings(db) == findings(csv_db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT role, sheet, rows_loaded FROM inputs WHERE skipped IS NULL ORDER BY file_id"
        ).fetchall() == [
            ("registry", "Danh sách", sheets["Danh sách"].height),
            ("payments", "Chi trả NH", sheets["Chi trả NH"].height),
            ("payments", "Bưu điện", sheets["Bưu điện"].height),
        ]


def test_one_workbook_given_twice_in_one_role_is_still_the_same_file_twice(month, tmp_path):
    registry = tmp_path / "danh_sach.xlsx"
    workbook({"Sheet": pl.read_csv(month / "payments_bank.csv", infer_schema=False)}).save(registry)
    db = tmp_path / "r.duckdb"
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", month / "registry.csv",
        "--payments", registry, "--payments", registry,
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {registry}: has the same content as {registry}; pass each file once"
    )


def in_thousands(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """The amounts of a column as a report headed 'ĐVT: nghìn đồng' writes them: 1.500.000 as 1.500."""
    return frame.with_columns(
        pl.col(column).map_elements(
            lambda v: f"{round(int(v.replace('.', '')) / 1000):,}".replace(",", "."), return_dtype=pl.String
        )
    )


def test_a_month_written_in_thousands_of_dong_is_refused_naming_the_registry_and_a_payments_file(month, tmp_path):
    """The registry and both payment lists in thousands of đồng: the amounts due and paid agree, so the
    scale guard sees nothing, and the run found what it finds on the month in đồng with every amount a
    thousandth of the truth ('Due 11,586,316 VND' for 11,586,316,000), exit 0."""
    registry = tmp_path / "danh_sach_nghin_dong.csv"
    bank, post = tmp_path / "ngan_hang.csv", tmp_path / "buu_dien.csv"
    in_thousands(pl.read_csv(month / "registry.csv", infer_schema=False), "Số tiền hưởng").write_csv(registry)
    in_thousands(pl.read_csv(month / "payments_bank.csv", infer_schema=False), "Số tiền").write_csv(bank)
    in_thousands(pl.read_csv(month / "payments_post.csv", infer_schema=False), "Số tiền").write_csv(post)
    db = tmp_path / "r.duckdb"
    res = invoke("run", "--period", PERIOD, "--db", db, "--registry", registry, "--payments", bank, "--payments", post)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert not db.exists()
    line = res.stderr.splitlines()[-1]
    found = re.fullmatch(
        rf"reconcile: error: {re.escape(str(registry))}: ([0-9,]+) of its ([0-9,]+) active beneficiaries' amounts "
        rf"due are under 10,000 VND, as are ([0-9,]+) of the ([0-9,]+) successful payments of {re.escape(str(bank))}: "
        r"the month's amounts look written in thousands of đồng \(1\.500 for 1\.500\.000\); export the files again "
        r"with their amounts in đồng \(or multiply them by 1,000 in Excel and save them\); if they are right, lower "
        r"min_amount in the config file",
        line,
    )
    assert found, line
    small, n, paid_small, paid = (int(g.replace(",", "")) for g in found.groups())
    assert n > 2_900 and small > n / 2 and paid > 2_800 and paid_small > paid / 2
    config = tmp_path / "reconcile.toml"
    config.write_text("[checks]\nmin_amount = 0\n", encoding="utf-8")
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--config", config, "--registry", registry,
        "--payments", bank, "--payments", post,
    )  # fmt: skip
    assert res.exit_code == 0, res.output


def test_dates_excel_read_month_first_are_refused_naming_the_column_and_a_row(month, tmp_path):
    """The post office's CSV opened in Excel set to US dates and saved as .xlsx: each dd/mm/yyyy whose
    day is up to 12 became a date cell, month first (11/09/2024 as 9 November), the others stayed text.
    Read so, those payments fell in November and December: 12 OUT_OF_PERIOD and 12 more
    MISSING_PAYMENT, the cash payments dated in the period fewer and the non-cash shares higher, exit 0."""
    post = pl.read_csv(month / "payments_post.csv", infer_schema=False)
    column = post.columns.index("Ngày chi trả")
    book = tmp_path / "buu_dien_0924.xlsx"
    swapped = []

    def us_dates(n: int, cells: list) -> list:
        day, month_, year = (int(part) for part in cells[column].split("/"))
        if day <= 12:  # Excel (US) reads dd/mm as mm/dd, and makes it a date
            cells[column] = datetime(year, day, month_)
            swapped.append((n, f"{day:02d}/{month_:02d}/{year}", f"{month_:02d}/{day:02d}/{year}"))
        return cells

    wb = workbook({"Sheet": post}, cells=us_dates)
    ws = wb["Sheet"]
    wb.save(book)
    assert len(swapped) >= 3 and post.height - len(swapped) >= 3
    db = tmp_path / "r.duckdb"
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", month / "registry.csv",
        "--payments", month / "payments_bank.csv", "--payments", book,
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert not db.exists()
    row, written, read = swapped[0]
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {book}: its value_date column holds {len(swapped)} dates Excel read month first (row "
        f"{row}: {written} read as {read}) beside {post.height - len(swapped)} it kept as text, every one after the "
        "12th of its month: the file was opened in Excel with US date settings before it was saved; open the "
        "original file in Excel with Vietnamese (day-first) date settings, or export it again from its system, "
        "and run again"
    )
    for cells in ws.iter_rows(min_row=2):  # every date a date cell, day first: the file is right
        if isinstance(cells[column].value, str):
            day, month_, year = (int(part) for part in cells[column].value.split("/"))
            cells[column].value = datetime(year, month_, day)
        elif cells[column].value is not None:
            value = cells[column].value
            cells[column].value = datetime(value.year, value.day, value.month)
    wb.save(book)
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", month / "registry.csv",
        "--payments", month / "payments_bank.csv", "--payments", book,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags WHERE code = 'OUT_OF_PERIOD'").fetchone() == (0,)


def test_a_list_whose_every_date_excel_read_month_first_is_refused_saying_so(month, tmp_path):
    """The bank's list, paid on the 2nd to the 5th, opened in Excel set to US dates and saved as .xlsx:
    every date became a date cell, month first (02/09/2024 as 9 February). It was refused as another
    month's file ('most are in 2024-02; check --period'), which sent the officer looking for a February
    file. A one-day batch of another month (09/08/2024, which may be either) is still that month's."""
    bank = pl.read_csv(month / "payments_bank.csv", infer_schema=False)
    column = bank.columns.index("Ngày giao dịch")
    days = sorted({int(d.split("/")[0]) for d in bank["Ngày giao dịch"]})
    assert days[-1] <= 12 and len(days) > 1
    book = tmp_path / "vcb_0924.xlsx"

    def us_dates(_: int, cells: list) -> list:
        day, month_, year = (int(part) for part in cells[column].split("/"))
        cells[column] = datetime(year, day, month_)
        return cells

    workbook({"CT": bank}, write_only=True, cells=us_dates).save(book)
    db = tmp_path / "r.duckdb"
    args = ("run", "--period", PERIOD, "--db", db, "--registry", month / "registry.csv")
    res = invoke(*args, "--payments", book, "--payments", month / "payments_post.csv")
    assert res.exit_code == 2, res.output
    assert not db.exists()
    first, last = f"{days[0]:02d}/09/2024", f"{days[-1]:02d}/09/2024"
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {book}: none of its {bank.height - 1:,} payments is dated in 2024-09 (they run from "
        f"09/{days[0]:02d}/2024 to 09/{days[-1]:02d}/2024; most are in 2024-{days[0]:02d}, but with day and month the "
        f"other way round from {first} to {last}, in 2024-09); it was probably opened in Excel with US "
        "(month-first) date settings: open the original file in Excel with Vietnamese (day-first) date settings, "
        "or export it again from its system, and run again"
    )
    one_day = tmp_path / "vcb_0824.csv"
    bank.with_columns(pl.lit("09/08/2024").alias("Ngày giao dịch")).write_csv(one_day)
    res = invoke(*args, "--payments", one_day, "--payments", month / "payments_post.csv")
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1].endswith(
        "(they run from 09/08/2024 to 09/08/2024; most are in 2024-08); check --period, or that this is the "
        "payment file of that month"
    )


def test_a_list_excel_read_month_first_with_a_date_it_could_not_read_is_refused_saying_so(month, tmp_path):
    """The same list with one payment of the month before, 30/08/2024, which US settings cannot read as a
    date and leave as text: the dates then ran from 9 February to 30 August, and the refusal said
    'check --period' again. Most of them fall in the period with day and month the other way round."""
    bank = pl.read_csv(month / "payments_bank.csv", infer_schema=False)
    bank = bank.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("30/08/2024")).otherwise(pl.col("Ngày giao dịch"))
        .alias("Ngày giao dịch")
    )  # fmt: skip
    column = bank.columns.index("Ngày giao dịch")
    days = sorted({int(d.split("/")[0]) for d in bank["Ngày giao dịch"][1:]})
    book = tmp_path / "vcb_0924.xlsx"

    def us_dates(_: int, cells: list) -> list:
        day, month_, year = (int(part) for part in cells[column].split("/"))
        if day <= 12:
            cells[column] = datetime(year, day, month_)
        return cells

    workbook({"CT": bank}, write_only=True, cells=us_dates).save(book)
    args = ("run", "--period", PERIOD, "--db", tmp_path / "r.duckdb", "--registry", month / "registry.csv")
    res = invoke(*args, "--payments", book, "--payments", month / "payments_post.csv")
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {book}: none of its {bank.height - 1:,} payments is dated in 2024-09 (they run from "
        f"09/{days[0]:02d}/2024 to 30/08/2024; most are in 2024-{days[0]:02d}, but with day and month the "
        f"other way round from {days[0]:02d}/09/2024 to {days[-1]:02d}/09/2024, in 2024-09); it was probably opened "
        "in Excel with US (month-first) date settings: open the original file in Excel with Vietnamese (day-first) "
        "date settings, or export it again from its system, and run again"
    )
