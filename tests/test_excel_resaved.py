"""Files an officer opened in Excel and saved, or workbooks holding more than the month's list, each of
which passed as a clean month with exit 0: IDs and account numbers grouped in threes by Excel's
number format, payee IDs written in scientific notation, a registry workbook with the sheet of the
people taken off the list. Files come from `reconcile generate` (its truth file says what a run
must find) and are spoilt as Excel spoils them."""

from __future__ import annotations

import re
from collections import Counter

import duckdb
import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from conftest import workbook
from reconcile.cli import cli
from reconcile.generate import GenerateConfig, generate, read_truth

PERIOD = "2024-09"
BANK_ID, BANK_ACCOUNT, REGISTRY_ID = "Số định danh", "Số tài khoản", "Số định danh cá nhân"


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    out = tmp_path_factory.mktemp("month")
    result = generate(GenerateConfig(beneficiaries=1500, seed=5, out=out, formats=("csv",)))
    return out, read_truth(result.truth)


def invoke(*args):
    return CliRunner().invoke(cli, ["--lang", "en", *[str(a) for a in args]])


def run(db, registry, *payments):
    return invoke("run", "--period", PERIOD, "--db", db, "--registry", registry, "--payments", *payments)


def read_csv(path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema_length=0)


def as_number(column: str, fmt) -> pl.Expr:
    """A column of digits as Excel writes it once it has read it as a number: its leading zeros lost,
    then formatted by `fmt`."""
    return pl.col(column).map_elements(lambda v: fmt(int(v)) if v else v, return_dtype=pl.String)


def flags(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall()


# --- thousands separators Excel added to IDs and account numbers -----------------------------------


def test_ids_and_accounts_grouped_in_threes_by_excel_are_read_as_their_digits(month, tmp_path):
    """The bank's list opened in an Excel set to English, its ID and account columns given the Comma
    Style (79,196,118,125 and 1,028.00), and the registry's IDs in Vietnamese with a fraction
    (1.035.000.000,00): the dotted forms were read, the others were not. Every payment's ID was an
    INVALID_VNEID (1,2xx findings), matched by account; by account, the accounts did not match: each
    an ACCOUNT_MISMATCH, UNKNOWN_PAYEE or MISSING_PAYMENT, exit 0."""
    out, truth = month
    bank = read_csv(out / "payments_bank.csv").with_columns(
        as_number(BANK_ID, lambda n: f"{n:,}"), as_number(BANK_ACCOUNT, lambda n: f"{n:,}.00")
    )
    assert bank.filter(pl.col(BANK_ID).str.contains(",")).height > 1000
    bank.write_csv(tmp_path / "bank.csv")
    registry = read_csv(out / "registry.csv").with_columns(
        as_number(REGISTRY_ID, lambda n: f"{n:,}".replace(",", ".") + ",00")
    )
    registry.write_csv(tmp_path / "registry.csv")
    db = tmp_path / "r.duckdb"
    res = run(db, tmp_path / "registry.csv", tmp_path / "bank.csv", out / "payments_post.csv")
    assert res.exit_code == 0, res.output
    assert Counter(flags(db)) == Counter(truth)


def test_an_identifier_grouped_in_threes_loses_its_grouping_alone(con):
    cases = {
        "79,196,118,125": "79196118125",
        "79,196,118,125.00": "79196118125",
        "1.035.000.000,00": "1035000000",
        "1,5": "1,5",  # no grouping in threes: left as it is
        '="001035000000"': "001035000000",  # Excel's text formula, as some systems write a CSV's IDs
        '="0071 000 123"': "0071000123",
        '=""': None,  # an empty text formula is no identifier
    }
    got = {text: con.execute("SELECT rc_ident(?)", [text]).fetchone()[0] for text in cases}
    assert got == cases


def test_ids_and_accounts_written_as_excel_text_formulas_are_read_as_their_digits(month, tmp_path):
    """A system's CSV export writes ="001035000000" so that Excel keeps the zeros. Read as it was, the
    registry's every row was refused for its ID and the bank's payments matched no one: refusals that
    blamed the registry (90% of the payments unknown), not the way the IDs were written."""
    out, truth = month

    def formula(column: str) -> pl.Expr:
        return (
            pl.when(pl.col(column).is_not_null())
            .then('="' + pl.col(column) + '"')
            .otherwise(pl.col(column))
            .alias(column)
        )

    bank = read_csv(out / "payments_bank.csv").with_columns(formula(BANK_ID), formula(BANK_ACCOUNT))
    registry = read_csv(out / "registry.csv").with_columns(formula(REGISTRY_ID), formula("Số tài khoản"))
    for name, frame in (("bank.csv", bank), ("registry.csv", registry)):  # unquoted, as such systems write it
        lines = [",".join(frame.columns)] + [",".join(v or "" for v in row) for row in frame.iter_rows()]
        assert not any('"' in v for v in frame.columns)
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (tmp_path / "bank.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[1].startswith('="0')
    db = tmp_path / "r.duckdb"
    res = run(db, tmp_path / "registry.csv", tmp_path / "bank.csv", out / "payments_post.csv")
    assert res.exit_code == 0, res.output
    assert Counter(flags(db)) == Counter(truth)


# --- payee IDs in scientific notation --------------------------------------------------------------


def test_payee_ids_excel_wrote_in_scientific_notation_refuse_the_file(month, tmp_path):
    """The bank's CSV saved from a General-format column of IDs: 7.91961E+10. Each was an INVALID_VNEID,
    its payment matched by account alone: 1,2xx findings, and each payment whose account differs an
    UNKNOWN_PAYEE beside a MISSING_PAYMENT, exit 0. A file of a few such IDs is still a run, each an
    INVALID_VNEID."""
    out, _ = month
    bank = read_csv(out / "payments_bank.csv")
    scientific = bank.with_columns(as_number(BANK_ID, lambda n: f"{n:.5E}"))
    scientific.write_csv(tmp_path / "bank.csv")
    n = scientific.filter(pl.col(BANK_ID).str.contains("E+", literal=True)).height
    db = tmp_path / "r.duckdb"
    res = run(db, out / "registry.csv", tmp_path / "bank.csv", out / "payments_post.csv")
    assert res.exit_code == 2, res.output
    assert not db.exists()
    first = 2 + next(i for i, v in enumerate(scientific[BANK_ID]) if v and "E+" in v)
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {tmp_path / 'bank.csv'}: {n:,} of its vneid values are numbers Excel wrote in "
        f"scientific notation (the first in row {first}): their digits are lost; format the column as text in "
        "Excel, or export the file again from its system, and run again"
    )

    rows = [i for i, v in enumerate(bank[BANK_ID]) if v][:2]
    two = bank.with_columns(
        pl.when(pl.int_range(pl.len()).is_in(rows))
        .then(as_number(BANK_ID, lambda n: f"{n:.5E}"))
        .otherwise(pl.col(BANK_ID))
        .alias(BANK_ID)
    )
    two.write_csv(tmp_path / "bank_two.csv")
    res = run(db, out / "registry.csv", tmp_path / "bank_two.csv", out / "payments_post.csv")
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM flags WHERE code = 'INVALID_VNEID' AND detail LIKE '%scientific notation%'"
        ).fetchone() == (2,)


# --- a registry workbook with the sheet of the people taken off the list ---------------------------


def registry_book(path, main: pl.DataFrame, removed: pl.DataFrame, removed_sheet: str) -> openpyxl.Workbook:
    above = {"DS chi trả T9": [["DANH SÁCH ĐỐI TƯỢNG HƯỞNG THÁNG 9/2024"], []]}
    above[removed_sheet] = [["DANH SÁCH ĐỐI TƯỢNG GIẢM THÁNG 9/2024"], []]
    book = workbook({"DS chi trả T9": main, removed_sheet: removed}, above=above)
    book.save(path)
    return book


def test_a_registry_sheet_of_people_taken_off_the_list_without_their_status_is_refused(month, tmp_path):
    """The commune's registry workbook: this month's list, and beside it `DS giảm T9`, the 40 people
    taken off it (died, moved away) with no status. Every sheet is read: without their reason either
    (`Lý do giảm`), they were read as active, due 40 amounts, each unpaid a MISSING_PAYMENT, exit 0
    (those with a date of death before the period read as deceased)."""
    out, _ = month
    registry = read_csv(out / "registry.csv")
    taken_off = registry.slice(200, 40)
    main = pl.concat([registry.slice(0, 200), registry.slice(240)])
    ids = taken_off[REGISTRY_ID].to_list()
    bank = read_csv(out / "payments_bank.csv").filter(~pl.col(BANK_ID).fill_null("").is_in(ids))
    bank.write_csv(tmp_path / "bank.csv")
    post = read_csv(out / "payments_post.csv")
    post.filter(~pl.col("Số CCCD").fill_null("").is_in(ids)).write_csv(tmp_path / "post.csv")
    # ten died last month, with their date of death; the others' rows say only why they were taken off
    died = pl.int_range(pl.len()) < 10
    removed = taken_off.drop("Trạng thái").with_columns(
        pl.when(died).then(pl.lit("15/08/2024")).otherwise(None).alias("Ngày mất"),
        pl.when(died).then(pl.lit("Chết")).otherwise(pl.lit("Chuyển đi")).alias("Lý do giảm"),
    )
    book = tmp_path / "registry.xlsx"
    registry_book(book, main, removed.drop("Lý do giảm"), "DS giảm T9")  # nor their reason
    db = tmp_path / "r.duckdb"
    res = run(db, book, tmp_path / "bank.csv", tmp_path / "post.csv")
    assert res.exit_code == 2, res.output
    assert not db.exists()
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {book}: the sheet 'DS giảm T9' is named as beneficiaries taken off the list, but 30 of "
        "its rows give no status (nor a date of death), which reads as active (due its amount and, unpaid, a MISSING_PAYMENT); write each "
        "row's status (Đã chết, Thôi hưởng or Tạm dừng), or delete the sheet if its people are no beneficiaries of "
        "the month"
    )

    # with their reason (its column read as their status) or their status written, they are read as
    # they are: no finding the list without them lacks
    main.write_csv(tmp_path / "main.csv")
    alone = tmp_path / "alone.duckdb"
    assert run(alone, tmp_path / "main.csv", tmp_path / "bank.csv", tmp_path / "post.csv").exit_code == 0
    for said in (removed, removed.drop("Lý do giảm").with_columns(pl.lit("Đã chết").alias("Trạng thái"))):
        registry_book(book, main, said, "DS giảm T9")
        db.unlink(missing_ok=True)
        res = run(db, book, tmp_path / "bank.csv", tmp_path / "post.csv")
        assert res.exit_code == 0, res.output
        assert Counter(f for f in flags(db) if f[0] == "MISSING_PAYMENT") == Counter(
            f for f in flags(alone) if f[0] == "MISSING_PAYMENT"
        )


def test_which_registry_sheet_names_say_their_people_were_taken_off_the_list():
    from reconcile.normalise.text import fold
    from reconcile.readers.sheets import REMOVED

    removed = ["DS giảm T9", "Giảm", "Danh sách giảm tháng 9", "Cắt giảm", "Thôi hưởng", "Đã chết", "Chết"]
    removed += ["Chuyển đi", "Tạm dừng", "ĐT giảm", "Removed", "Deceased", "Dừng hưởng T9"]
    kept = ["DS chi trả T9", "DS tăng T9", "Tăng giảm", "Tổng hợp", "Giám sát", "Cát Bà", "Sheet1", "T09"]
    kept += ["Xã Tân Lập", "Đang hưởng", "Danh sách"]
    assert [n for n in removed if not REMOVED.search(fold(n))] == []
    assert [n for n in kept if REMOVED.search(fold(n))] == []


# --- a totals row beside amounts Excel read as thousandths ------------------------------------------


def test_a_list_whose_totals_row_disagrees_because_excel_read_its_amounts_as_thousandths_says_so(month, tmp_path):
    """The post office's list with its `Tổng cộng` row, opened and saved by an Excel set to English:
    750.000 became 750, while 1.500.000 and the total, no numbers to it, stayed as they were. The
    totals guard refused it saying rows were cut off or the totals row was another file's: the officer
    looked for missing rows."""
    out, _ = month
    post = read_csv(out / "payments_post.csv")
    amounts = [int(a.replace(".", "")) for a in post["Số tiền"]]
    total = dict.fromkeys(post.columns, "") | {
        post.columns[0]: "Tổng cộng",
        "Số tiền": f"{sum(amounts):,}".replace(",", "."),
    }
    us = post.with_columns(
        pl.col("Số tiền").map_elements(
            lambda a: str(int(a.replace(".", "")) // 1000) if re.fullmatch(r"\d{1,3}\.000", a) else a,
            return_dtype=pl.String,
        )
    )
    small = [a // 1000 for a in amounts if a < 1_000_000]
    assert 0 < len(small) < len(amounts)
    pl.concat([us, pl.DataFrame([total])]).write_csv(tmp_path / "post.csv")
    db = tmp_path / "r.duckdb"
    res = run(db, out / "registry.csv", out / "payments_bank.csv", tmp_path / "post.csv")
    assert res.exit_code == 2, res.output
    assert not db.exists()
    read = sum(amounts) - 999 * sum(small)
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {tmp_path / 'post.csv'}: its totals row {len(amounts) + 2} says {sum(amounts):,} VND but "
        f"{len(amounts)} rows of {read:,} VND were read, and {len(small)} of its amounts are under 1,000 VND: read "
        "1,000 times as large, they make its total; it was re-saved in an Excel whose number settings are not the "
        "file's ('750.000' or '750,000' read as 750); export it again from its system, or open the original file in "
        "Excel with the number settings it was written in (Vietnamese for 1.500.000, English for 1,500,000) and save "
        "it as .xlsx, and run again"
    )


def us_saved(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """A list opened and saved by an Excel set to English: 750.000 became 750, and 1.500.000, no number
    to it, stayed as it was."""
    return frame.with_columns(
        pl.col(column).map_elements(
            lambda a: str(int(a.replace(".", "")) // 1000) if re.fullmatch(r"\d{1,3}\.000", a) else a,
            return_dtype=pl.String,
        )
    )


def test_a_month_whose_every_file_excel_re_saved_in_english_is_refused_naming_the_registry(month, tmp_path):
    """The registry and both payments lists re-saved alike: every amount under a million a thousandth of
    itself on both sides, so they agreed. The month passed clean, exit 0, its due and paid a few percent
    short; no file had more than half its amounts small, which a month in thousands of đồng has."""
    out, _ = month
    registry = read_csv(out / "registry.csv")
    due = [int(a.replace(".", "")) for a in registry["Số tiền hưởng"]]
    us_saved(registry, "Số tiền hưởng").write_csv(tmp_path / "registry.csv")
    for name in ("payments_bank.csv", "payments_post.csv"):
        us_saved(read_csv(out / name), "Số tiền").write_csv(tmp_path / name)
    active = registry.filter(pl.col("Trạng thái") == "Đang hưởng")["Số tiền hưởng"].to_list()
    small = [int(a.replace(".", "")) // 1000 for a in active if re.fullmatch(r"\d{1,3}\.000", a)]
    tiny = len(small)
    whole = sum(1 for a in active if int(a.replace(".", "")) >= 1_000_000)
    assert 0 < tiny < len(due) / 2 and whole > 0
    db = tmp_path / "r.duckdb"
    res = run(db, tmp_path / "registry.csv", tmp_path / "payments_bank.csv", tmp_path / "payments_post.csv")
    assert res.exit_code == 2, res.output
    assert not db.exists()
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {tmp_path / 'registry.csv'}: {tiny:,} of its {len(active):,} active beneficiaries' "
        f"amounts due are under 1,000 VND (such as {min(small):,}) beside {whole:,} of a million or more: it was re-saved by "
        "an Excel whose number settings are not the file's, which read 750.000 (or 750,000) as 750 and kept 1.500.000 "
        "as it was; export it again from its system (or open the original in Excel with the number settings it was "
        "written in, and save it as .xlsx), and run again"
    )
