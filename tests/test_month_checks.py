"""The month's guards, from files as an officer hands them over: a month that is incomplete or
mis-supplied is refused (exit 2, the database byte for byte as before) or, with --partial, saved and
marked PARTIAL; a complete month in any format passes every guard.

Files come from `reconcile generate` (a month of 3,000 beneficiaries, every finding planted, its
truth file) and are spoilt the way the ordinary mistakes spoil them.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import duckdb
import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from conftest import copy_db, generated_month, saved_month, workbook
from reconcile.cli import cli
from reconcile.generate import GenerateConfig, generate
from reconcile.warehouse import PERIOD_TABLES

PERIOD = "2024-09"


# the refusal of a month whose VCB payments are missing
VCB_MISSING = (
    r"reconcile: error: the month looks incomplete: most active beneficiaries paid through VCB "
    r"\(\d+ of \d+\) have no payment row dated in the period; the payment file of VCB may be missing: add it "
    r"with --payments, or pass --partial to reconcile the month without it \(the report will say "
    r"PARTIAL\)"
)


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    return generated_month(tmp_path_factory, "parquet", "csv", "camt")


@pytest.fixture(scope="module")
def saved(month, tmp_path_factory):
    """A database holding the month, reconciled whole: what a refused run must leave as it was."""
    return saved_month(tmp_path_factory, month[0], "parquet")


def invoke(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def refused(res, db, before: bytes) -> str:
    """The one line a refused run printed, after checking it is a refusal that wrote nothing."""
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert db.read_bytes() == before
    return res.stderr.splitlines()[-1]


def cash_beneficiaries(out) -> Counter:
    """Active beneficiaries registered for cash with an amount due, by programme, from the registry file."""
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT program, count(DISTINCT vneid) FROM read_parquet('{out / 'registry.parquet'}') "
            "WHERE channel = 'cash' AND status = 'active' AND entitled_amount > 0 GROUP BY ALL"
        ).fetchall()
    return Counter(dict(rows))


# --- a file left out -----------------------------------------------------------------------------


def test_the_post_office_file_left_out_is_refused_naming_the_post_office(month, saved, tmp_path):
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    cash = cash_beneficiaries(out)
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.csv",
        "--payments",
        out / "payments_bank.csv",
    )
    total = sum(cash.values())
    assert refused(res, db, before) == (
        f"reconcile: error: the month looks incomplete: most active beneficiaries paid through the post office "
        f"({total} of {total}) have no payment row dated in the period; the payment file of the post office may be missing: add it "
        "with --payments, or pass --partial to reconcile the month without it (the report will say PARTIAL)"
    )


def test_with_partial_the_month_is_saved_as_partial_and_says_so_first(month, tmp_path):
    out, _ = month
    db = tmp_path / "p.duckdb"
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.csv",
        "--payments",
        out / "payments_bank.csv",
        "--partial",
        "--report",
        tmp_path / "p.xlsx",
        "--lang",
        "en",
    )
    assert res.exit_code == 0, res.output
    cash = cash_beneficiaries(out)
    first = res.stdout.splitlines()[0]
    assert first == (
        f"PARTIAL: {PERIOD} was reconciled without every source (--partial): pension cash (the post "
        f"office): {cash['pension']} of {cash['pension']} active beneficiaries unpaid; welfare cash (the "
        f"post office): {cash['welfare']} of {cash['welfare']} active beneficiaries unpaid. Its findings "
        "are incomplete and its targets are not judged."
    )
    with duckdb.connect(str(db), read_only=True) as con:
        partial, missing = con.execute("SELECT partial, missing_sources FROM runs").fetchone()
        met = con.execute("SELECT DISTINCT target_met FROM noncash_share WHERE channel_group = 'all'").fetchall()
    assert partial is True
    assert json.loads(missing) == [
        {"program": p, "channel": "cash", "bank_code": None, "beneficiaries": cash[p], "without_payment": cash[p]}
        for p in ("pension", "welfare")
    ]
    assert met == [(None,)]  # a partial month is not judged against its targets
    summary = openpyxl.load_workbook(tmp_path / "p.xlsx")["Summary"]
    assert summary["A1"].value.startswith(f"PARTIAL: {PERIOD} was reconciled without every source (--partial): ")
    assert summary["A2"].value == f"Reconciliation of cashless disbursements, period {PERIOD}"
    # read back beside other months, it is still marked
    trend = json.loads(invoke("trend", "--db", db, "--format", "json").stdout)
    assert [(t["period"], t["partial"]) for t in trend] == [(PERIOD, True)]
    shares = json.loads(invoke("cashless", "--db", db, "--format", "json").stdout)
    assert [(s["program"], s["target_met"], s["partial"]) for s in shares] == [
        ("pension", None, True),
        ("unknown", None, True),
        ("welfare", None, True),
    ]


def test_a_complete_month_run_with_partial_is_not_partial(month, tmp_path):
    out, _ = month
    db = tmp_path / "c.duckdb"
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--partial",
        "--payments",
        out / "payments_bank.parquet",
        "--payments",
        out / "payments_post.parquet",
    )
    assert res.exit_code == 0 and not res.stdout.startswith("PARTIAL")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT partial, missing_sources FROM runs").fetchone() == (False, None)


def test_a_bank_left_out_is_named(month, saved, tmp_path):
    """The bank file of one bank's beneficiaries left out: the transfers to VCB accounts removed."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    bank = pl.read_parquet(out / "payments_bank.parquet")
    kept = bank.filter(pl.col("bank_code") != "VCB")
    kept.write_parquet(tmp_path / "bank_without_vcb.parquet")
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        tmp_path / "bank_without_vcb.parquet",
        "--payments",
        out / "payments_post.parquet",
    )
    line = refused(res, db, before)
    assert re.fullmatch(VCB_MISSING, line), line


def test_a_bank_file_holding_last_month_s_rows_of_one_bank_is_not_that_bank_s_file(month, saved, tmp_path):
    """The bank file of the month with VCB's rows those of August (a file put together from two
    exports): most of the file is in the period, but VCB's beneficiaries have no payment of this
    month. Their September file is missing: the run stops, it does not flag each as missing."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    bank = pl.read_parquet(out / "payments_bank.parquet")
    august = pl.col("value_date").cast(pl.Date).dt.offset_by("-1mo")
    bank.with_columns(
        pl.when(pl.col("bank_code") == "VCB")
        .then(august)
        .otherwise(pl.col("value_date").cast(pl.Date))
        .alias("value_date")
    ).write_parquet(tmp_path / "bank_vcb_august.parquet")
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        tmp_path / "bank_vcb_august.parquet",
        out / "payments_post.parquet",
    )
    line = refused(res, db, before)
    assert re.fullmatch(VCB_MISSING, line), line


def test_payments_the_registry_does_not_know_stop_the_run(month, saved, tmp_path):
    """The welfare registry alone beside the bank file that pays welfare and pensions: the
    pensioners' payments, about half the file, match no one. The pension registry was left out:
    the run stops, naming the file and the registry, rather than flag each as an UNKNOWN_PAYEE."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    registry = pl.read_parquet(out / "registry.parquet")
    registry.filter(pl.col("program") == "welfare").write_parquet(tmp_path / "welfare.parquet")
    bank = pl.read_parquet(out / "payments_bank.parquet")
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        tmp_path / "welfare.parquet",
        "--payments",
        out / "payments_bank.parquet",
        out / "payments_post.parquet",
    )
    line = refused(res, db, before)
    found = re.fullmatch(
        rf"reconcile: error: {re.escape(str(out / 'payments_bank.parquet'))}: ([\d,]+) of its ([\d,]+) payments "
        rf"\((\d+)%\) match no beneficiary of the registry \({re.escape(str(tmp_path / 'welfare.parquet'))}\); "
        r"give the registry of every programme and area these payments are for, whole, with --registry; to "
        r"reconcile such a month anyway, raise max_unmatched in the config file",
        line,
    )
    assert found, line
    assert int(found[2].replace(",", "")) == bank.height
    assert 30 < int(found[3]) < 70


# --- a file in the wrong role, of the wrong month, twice, re-saved --------------------------------


def test_the_post_office_list_given_as_the_registry_is_refused(month, saved, tmp_path):
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "payments_post.csv",
        "--payments",
        out / "payments_bank.csv",
    )
    assert refused(res, db, before) == (
        f"reconcile: error: {out / 'payments_post.csv'}: looks like a payments file, not a beneficiary registry (it "
        "has a payment reference and a value date: 'Mã giao dịch', 'Ngày chi trả'); give it as --payments"
    )


def test_a_file_mostly_of_last_month_is_refused_naming_that_month(month, saved, tmp_path):
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    bank = pl.read_parquet(out / "payments_bank.parquet").with_row_index("n")
    moved = bank.with_columns(
        pl.when(pl.col("n") % 10 != 0)
        .then(pl.col("value_date") - pl.duration(days=30))
        .otherwise(pl.col("value_date"))
        .alias("value_date")
    ).drop("n")
    moved.write_parquet(tmp_path / "bank_august.parquet")
    success = moved.filter(pl.col("status") == "success")
    inside = success.filter(pl.col("value_date").dt.month() == 9).height
    august = success.filter(pl.col("value_date").dt.month() == 8).height
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        tmp_path / "bank_august.parquet",
        "--payments",
        out / "payments_post.parquet",
    )
    assert refused(res, db, before) == (
        f"reconcile: error: {tmp_path / 'bank_august.parquet'}: only {inside:,} of its {success.height:,} payments "
        f"({round(100 * inside / success.height)}%) are dated in {PERIOD}; {august:,} are dated in 2024-08; check "
        "--period, or that this is the payment file of that month"
    )


def test_a_sheet_of_last_month_beside_this_month_s_is_refused_saying_how_to_leave_it_out(month, saved, tmp_path):
    """A bank's workbook with a sheet of August beside the sheet of September: `--sheet` would pick the
    sheet in every workbook of the run, so the fix said is to take the sheet out of the workbook."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    post = pl.read_csv(out / "payments_post.csv", infer_schema=False)
    august = post.with_columns(pl.col("Ngày chi trả").str.replace("/09/", "/08/"))
    path = tmp_path / "buu_dien.xlsx"
    workbook({"T09": post, "T08": august}).save(path)
    args = ["--registry", out / "registry.parquet", "--payments", out / "payments_bank.parquet", "--payments", path]
    res = invoke("run", "--period", PERIOD, "--db", db, *args)
    assert refused(res, db, before).endswith(
        "; check --period; if the sheet is another month's, delete it from the workbook (or save this month's "
        "sheet as a file of its own) and run again"
    )
    assert res.stderr.splitlines()[-1].startswith(
        f"reconcile: error: {path} (sheet 'T08'): none of its {post.height:,} payments"
    )


def test_the_same_batch_as_csv_and_as_camt_is_refused(month, saved, tmp_path):
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        out / "payments_bank.xml",
        "--payments",
        out / "payments_bank.csv",
        "--payments",
        out / "payments_post.parquet",
    )
    line = refused(res, db, before)
    n = pl.read_parquet(out / "payments_bank.parquet").height
    assert line == (
        f"reconcile: error: {out / 'payments_bank.xml'}: {n:,} of its {n:,} payments (100%) are also in "
        f"{out / 'payments_bank.csv'}, with the same reference, amount and payee: the same payments given "
        "twice (the same batch as CSV and as camt, or a copy of the file); give each bank's payments once, "
        "in one file"
    )


def test_the_same_registry_twice_is_refused(month, saved, tmp_path):
    """The registry as CSV and as Parquet (two files, the same list), and a workbook holding last
    month's sheet beside this month's: refused, not a month of DUPLICATE_BENEFICIARY findings."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    payments = ["--payments", out / "payments_bank.parquet", "--payments", out / "payments_post.parquet"]
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", out / "registry.csv", "--registry",
        out / "registry.parquet", *payments,
    )  # fmt: skip
    registry = pl.read_csv(out / "registry.csv", infer_schema=False)
    n = registry["Số định danh cá nhân"].n_unique()
    assert refused(res, db, before) == (
        f"reconcile: error: {out / 'registry.parquet'}: {n:,} of its {n:,} beneficiaries' IDs (100%) are also "
        f"listed in {out / 'registry.csv'}: the same registry given twice (a copy of the list, or last month's "
        "list beside this month's); give the period's registry once; from a workbook with a sheet per month, "
        "save the period's sheet as a file of its own"
    )
    book = workbook({"T8": registry, "T9": registry})
    path = tmp_path / "danh_sach.xlsx"
    book.save(path)
    res = invoke("run", "--period", PERIOD, "--db", db, "--registry", path, *payments)
    assert refused(res, db, before).startswith(
        f"reconcile: error: {path} (sheet 'T9'): {n:,} of its {n:,} beneficiaries' IDs (100%) are also listed in "
        f"{path} (sheet 'T8'): the same registry given twice"
    )


def test_a_part_of_the_registry_given_before_the_whole_is_refused(month, saved, tmp_path):
    """The first rows of the list copied into a file of their own and given first: it was refused given after
    the whole, and given before it, each of its people was a false DUPLICATE_BENEFICIARY (high)."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    registry = pl.read_csv(out / "registry.csv", infer_schema=False)
    part = registry.head(89)
    part.write_csv(tmp_path / "bo_sung.csv")
    n = part["Số định danh cá nhân"].n_unique()
    payments = ["--payments", out / "payments_bank.parquet", "--payments", out / "payments_post.parquet"]
    for first, second in (
        (tmp_path / "bo_sung.csv", out / "registry.csv"),
        (out / "registry.csv", tmp_path / "bo_sung.csv"),
    ):
        res = invoke("run", "--period", PERIOD, "--db", db, "--registry", first, "--registry", second, *payments)
        assert refused(res, db, before) == (
            f"reconcile: error: {tmp_path / 'bo_sung.csv'}: {n:,} of its {n:,} beneficiaries' IDs (100%) are also "
            f"listed in {out / 'registry.csv'}: the same registry given twice (a copy of the list, or last month's "
            "list beside this month's); give the period's registry once; from a workbook with a sheet per month, "
            "save the period's sheet as a file of its own"
        )


def test_a_registry_split_by_programme_is_no_registry_given_twice(month, tmp_path):
    """A welfare list and a pension list whose people are all on the welfare list too (each in both
    programmes): the same IDs, not the same registry."""
    out, _ = month
    registry = pl.read_csv(out / "registry.csv", infer_schema=False)
    welfare = registry.filter(pl.col("Chế độ") == "Trợ cấp xã hội")
    pension = welfare.head(10).with_columns(pl.lit("Lương hưu").alias("Chế độ"))
    welfare.write_csv(tmp_path / "bao_tro_xa_hoi.csv")
    pension.write_csv(tmp_path / "luong_huu.csv")
    # the month's pensioners are not in these lists: their payments are let through unmatched
    (tmp_path / "c.toml").write_text("[checks]\nmax_unmatched = 1\nmax_unmatched_month = 1\n", encoding="utf-8")
    res = invoke(
        "run", "--period", PERIOD, "--db", tmp_path / "r.duckdb", "--registry", tmp_path / "bao_tro_xa_hoi.csv",
        "--registry", tmp_path / "luong_huu.csv", "--payments", out / "payments_bank.parquet", "--payments",
        out / "payments_post.parquet", "--config", tmp_path / "c.toml",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    # (none of the ten is paid a pension: the pension list is said, as another place's list would be)
    assert (
        f"none of the 10 active beneficiaries of the registry file {tmp_path / 'luong_huu.csv'} has a payment row"
        in (res.stderr)
    )
    assert res.stdout.splitlines()[1].startswith(f"Period {PERIOD}: {welfare.height + 10:,} registry rows")


def test_a_reference_repeated_in_another_file_is_a_duplicate_counted_once_in_the_share(month, tmp_path):
    """Below the threshold a repeated reference is no refusal: DUPLICATE_PAYMENT names the other
    file, and the non-cash share, the amounts paid to each beneficiary (AMOUNT_MISMATCH) and the paid
    total count the payment once."""
    out, _ = month
    bank = pl.read_parquet(out / "payments_bank.parquet")
    repeated = bank.filter(pl.col("status") == "success").head(3)
    # with four failed attempts of its own, three of its seven references are repeats: under half
    failed = (
        bank.filter(pl.col("status") == "success")
        .slice(10, 4)
        .with_columns(("RETRY-" + pl.col("payment_ref")).alias("payment_ref"), pl.lit("failed").alias("status"))
    )
    pl.concat([repeated, failed]).write_parquet(tmp_path / "z_resent.parquet")
    db, alone = tmp_path / "r.duckdb", tmp_path / "alone.duckdb"
    files = [
        "--registry",
        out / "registry.parquet",
        "--payments",
        out / "payments_bank.parquet",
        "--payments",
        out / "payments_post.parquet",
    ]
    assert invoke("run", "--period", PERIOD, "--db", alone, *files).exit_code == 0
    res = invoke("run", "--period", PERIOD, "--db", db, *files, "--payments", tmp_path / "z_resent.parquet")
    assert res.exit_code == 0, res.output
    share = "SELECT * FROM noncash_share ORDER BY ALL"
    with duckdb.connect(str(db), read_only=True) as con, duckdb.connect(str(alone), read_only=True) as base:
        details = con.execute(
            "SELECT payment_ref, detail FROM flags WHERE code = 'DUPLICATE_PAYMENT' AND source_file "
            "= ? ORDER BY payment_ref",
            [str(tmp_path / "z_resent.parquet")],
        ).fetchall()
        assert con.execute(share).fetchall() == base.execute(share).fetchall()
        assert con.execute("SELECT count(*) FROM payments WHERE repeat_of IS NOT NULL").fetchone()[0] == 3
        others = "SELECT code, vneid, payment_ref, detail FROM flags WHERE code <> 'DUPLICATE_PAYMENT' ORDER BY ALL"
        assert con.execute(others).fetchall() == base.execute(others).fetchall()
    assert [ref for ref, _ in details] == sorted(repeated["payment_ref"].to_list())
    assert [d for _, d in details] == ["Payment reference also in payments_bank.parquet"] * 3
    paid = [line for line in res.stdout.splitlines() if line.startswith("Due ")]
    assert paid == [line for line in invoke("run", "--period", PERIOD, "--db", alone, *files).stdout.splitlines()
                    if line.startswith("Due ")]  # fmt: skip
    # `reconcile periods` gives the totals the run printed: the repeated payments counted once
    periods = [json.loads(invoke("periods", "--db", d, "--format", "json").stdout) for d in (db, alone)]
    assert [p[0]["amount_paid"] for p in periods] == [periods[1][0]["amount_paid"]] * 2


def scaled_bank(path) -> str:
    """The refusal of a bank file whose amounts are the amounts due divided by 1,000, as a pattern."""
    return (
        rf"reconcile: error: {re.escape(str(path))}: [\d,]+ of its [\d,]+ matched "
        r"payments are the amount due divided by 1,000 \([\d,]+ of the [\d,]+ whose amount differs "
        r"from it\): it was re-saved in an Excel whose number settings are not the file's \('750\.000' or "
        r"'750,000' read as 750\); export it again from the bank's system, or open the original file in Excel "
        r"with the number settings it was written in \(Vietnamese for 1\.500\.000, English for 1,500,000\) "
        r"and save it as \.xlsx"
    )


def test_amounts_re_saved_in_a_us_locale_are_refused(month, saved, tmp_path):
    """The bank's CSV opened and saved by an Excel set to US English: 750.000 became 750, while
    1.500.000, no number to it, stayed as it was. Pensions (3 to 12 million) are untouched: only a
    minority of the file's payments changed."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    with open(out / "payments_bank.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    amount = rows[0].index("Số tiền")
    changed = 0
    for row in rows[1:]:
        if re.fullmatch(r"\d{1,3}\.\d{3}", row[amount]):
            row[amount] = str(int(row[amount].replace(".", "")) // 1000)
            changed += 1
    assert 0 < changed < (len(rows) - 1) / 2
    with open(tmp_path / "bank_us.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.csv",
        "--payments",
        tmp_path / "bank_us.csv",
        "--payments",
        out / "payments_post.csv",
    )
    line = refused(res, db, before)
    assert re.fullmatch(scaled_bank(tmp_path / "bank_us.csv"), line), line


def test_a_registry_re_saved_in_a_us_locale_is_named(month, saved, tmp_path):
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    registry = pl.read_parquet(out / "registry.parquet")
    # Excel set to US English reads '750.000' as 750 and leaves '1.500.000' as it is
    us = pl.when(pl.col("entitled_amount") < 1_000_000).then(pl.col("entitled_amount") // 1000)
    registry.with_columns(us.otherwise("entitled_amount").alias("entitled_amount")).write_parquet(
        tmp_path / "registry_us.parquet"
    )
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        tmp_path / "registry_us.parquet",
        "--payments",
        out / "payments_bank.parquet",
        "--payments",
        out / "payments_post.parquet",
    )
    line = refused(res, db, before)
    assert re.fullmatch(
        rf"reconcile: error: {re.escape(str(out / 'payments_bank.parquet'))}: [\d,]+ of its [\d,]+ "
        r"matched payments are the amount due multiplied by 1,000 \([\d,]+ of the [\d,]+ whose amount "
        r"differs from it\): the registry \("
        + re.escape(str(tmp_path / "registry_us.parquet"))
        + r"\) was probably re-saved in an Excel whose number settings are not the file's \('750\.000' or "
        r"'750,000' read as 750\); export "
        r"the registry again from its system, or check the amounts of both files",
        line,
    ), line


def test_a_registry_written_in_thousands_is_named_so(month, saved, tmp_path):
    """The registry kept in thousands of đồng (pensions of 5.464 for 5.463.700, welfare 750 for
    750.000) beside payment files in đồng: it was told that the registry was re-saved in another
    number format, which leaves a pension's '5.463.700' as it is."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    registry = pl.read_parquet(out / "registry.parquet")
    registry.with_columns(pl.col("entitled_amount") // 1000).write_parquet(tmp_path / "danh_sach_nghin_dong.parquet")
    res = invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", tmp_path / "danh_sach_nghin_dong.parquet",
        "--payments", out / "payments_bank.parquet", "--payments", out / "payments_post.parquet",
    )  # fmt: skip
    line = refused(res, db, before)
    assert re.fullmatch(
        rf"reconcile: error: {re.escape(str(out / 'payments_bank.parquet'))}: [\d,]+ of its [\d,]+ matched payments "
        r"are the amount due multiplied by 1,000 \([\d,]+ of the [\d,]+ whose amount differs from it\): the registry "
        rf"\({re.escape(str(tmp_path / 'danh_sach_nghin_dong.parquet'))}\) looks written in thousands of đồng "
        r"\(1\.500 for 1\.500\.000\), as no re-save in another number format changes '1\.500\.000'; export the "
        r"registry again with its amounts in đồng \(or multiply them by 1,000 in Excel and save it\), and run again",
        line,
    ), line


def test_a_part_of_a_batch_named_before_the_whole_is_refused_as_the_same_data_twice(month, saved, tmp_path):
    """The first 1,000 payments of the bank's batch, copied into a file whose name comes first: all
    of it is in the whole batch, which holds a third of its payments again. Refused whichever file
    comes first in name order, not passed as 1,000 DUPLICATE_PAYMENT findings."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    bank = pl.read_parquet(out / "payments_bank.parquet")
    for name in ("a_part.parquet", "z_part.parquet"):
        bank.head(1000).write_parquet(tmp_path / name)
        res = invoke(
            "run",
            "--period",
            PERIOD,
            "--db",
            db,
            "--registry",
            out / "registry.parquet",
            "--payments",
            out / "payments_bank.parquet",
            out / "payments_post.parquet",
            tmp_path / name,
        )
        line = refused(res, db, before)
        assert line == (
            f"reconcile: error: {tmp_path / name}: 1,000 of its 1,000 payments (100%) are also in "
            f"{out / 'payments_bank.parquet'}, with the same reference, amount and payee: the same payments given "
            "twice (the same batch as CSV and as camt, or a copy of the file); give each bank's payments once, "
            "in one file"
        ), name


def test_a_file_in_thousands_is_refused_when_the_amounts_due_are_not_whole_thousands(month, saved, tmp_path):
    """Pensions are often not whole thousands (5,463,700): a bank file written in thousands says
    5.464, read as 5,464 VND, which is the amount due divided by 1,000 and rounded. It was told that it
    was re-saved in another number format, and to open it in Excel with Vietnamese settings: no help
    for a file in thousands."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    registry = pl.read_parquet(out / "registry.parquet")
    registry.with_columns(pl.col("entitled_amount") + 300).write_parquet(tmp_path / "registry_odd.parquet")
    bank = pl.read_parquet(out / "payments_bank.parquet")
    in_thousands = ((pl.col("amount").cast(pl.Int64) + 300) / 1000).round().cast(pl.Int64)
    bank.with_columns(in_thousands.alias("amount")).write_parquet(tmp_path / "bank_k.parquet")
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        tmp_path / "registry_odd.parquet",
        "--payments",
        tmp_path / "bank_k.parquet",
        "--payments",
        out / "payments_post.parquet",
    )
    line = refused(res, db, before)
    # not told it was re-saved in another number format (which leaves a pension's '5.463.700' as it was)
    assert re.fullmatch(
        rf"reconcile: error: {re.escape(str(tmp_path / 'bank_k.parquet'))}: [\d,]+ of its [\d,]+ matched payments are "
        r"the amount due divided by 1,000 \([\d,]+ of the [\d,]+ whose amount differs from it\): its amounts look "
        r"written in thousands of đồng \(1\.500 for 1\.500\.000\), as no re-save in another number format changes "
        r"'1\.500\.000'; export it again with its amounts in đồng \(or multiply them by 1,000 in Excel and save it\), "
        r"and run again",
        line,
    ), line


# --- a complete month in every format passes ------------------------------------------------------


@pytest.mark.parametrize(
    "registry, payments",
    [
        ("registry.csv", ["payments_bank.csv", "payments_post.csv"]),
        ("registry.parquet", ["payments_bank.xml", "payments_post.csv"]),
        ("registry.csv", ["payments_bank.parquet", "payments_post.parquet"]),
    ],
)
def test_a_complete_month_passes_every_guard_and_finds_the_truth(month, tmp_path, registry, payments):
    out, truth = month
    db = tmp_path / "r.duckdb"
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / registry,
        *[a for p in payments for a in ("--payments", out / p)],
    )
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT partial, missing_sources FROM runs").fetchone() == (False, None)
        found = con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall()
        assert (
            con.execute("SELECT count(*) FROM payments WHERE repeat_of IS NOT NULL OR account_restored").fetchone()[0]
            == 0
        )
    assert Counter(found) == Counter(truth)


# --- re-runs and removal ----------------------------------------------------------------------------


def test_a_re_run_says_what_it_replaced(month, tmp_path):
    out, _ = month
    db = tmp_path / "r.duckdb"
    files = ["--registry", out / "registry.parquet", "--payments", out / "payments_post.parquet"]
    first = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--operator",
        "Lê Thu Hà",
        "--partial",
        *files,
        "--payments",
        out / "payments_bank.parquet",
    )
    assert first.exit_code == 0 and "Replaced" not in first.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        finished, _before = con.execute("SELECT finished_at, flags FROM runs").fetchone()
    bank = pl.read_parquet(out / "payments_bank.parquet")
    bank.tail(bank.height - 5).write_parquet(tmp_path / "payments_bank.parquet")  # five payments fewer
    again = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--operator",
        "Trần Minh",
        "--partial",
        *files,
        "--payments",
        tmp_path / "payments_bank.parquet",
    )
    assert again.exit_code == 0, again.output
    with duckdb.connect(str(db), read_only=True) as con:
        appeared, gone = con.execute(
            "SELECT count(*) FILTER (WHERE change = 'finding_appeared'), count(*) FILTER (WHERE change = "
            "'finding_disappeared') FROM run_changes"
        ).fetchone()
    assert appeared > 0
    line = [x for x in again.stdout.splitlines() if x.startswith("Replaced")]
    assert line == [
        f"Replaced the run of {PERIOD} made by Lê Thu Hà (finished {finished:%d/%m/%Y %H:%M} UTC): "
        f"{appeared:,} finding{'s' if appeared != 1 else ''} appeared, {gone:,} gone, 1 input file added, removed or "
        "changed (see "
        "run_changes)."
    ]


def test_delete_refuses_another_key_as_a_run_does(saved, tmp_path, monkeypatch):
    """Whoever holds a copy of the database without its key cannot remove a period from it."""
    db, before = copy_db(saved, tmp_path)
    monkeypatch.setenv("RECONCILE_KEY", "3c9a8e1f0b7d6254a1e9c3f08b72d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9")
    res = invoke("delete", "--db", db, "--period", PERIOD, "--by", "bob", "--reason", "test", "--yes")
    assert refused(res, db, before) == (
        "reconcile: error: RECONCILE_KEY: not the key this database's findings were made with; restore the key "
        "file r.duckdb.key from its backup (or set RECONCILE_KEY to that key)"
    )


def test_delete_removes_a_period_keeping_a_record(month, tmp_path):
    out, _ = month
    db = tmp_path / "r.duckdb"
    for period, files in (("2024-09", [out / "payments_bank.parquet", out / "payments_post.parquet"]),):
        assert (
            invoke(
                "run",
                "--period",
                period,
                "--db",
                db,
                "--registry",
                out / "registry.parquet",
                *[a for f in files for a in ("--payments", f)],
            ).exit_code
            == 0
        )
    august = tmp_path / "august"
    generate(GenerateConfig(beneficiaries=300, seed=3, out=august, period="2024-08"))
    assert (
        invoke(
            "run",
            "--period",
            "2024-08",
            "--db",
            db,
            "--registry",
            august / "registry.parquet",
            "--payments",
            august / "payments_bank.parquet",
            "--payments",
            august / "payments_post.parquet",
        ).exit_code
        == 0
    )
    with duckdb.connect(str(db), read_only=True) as con:
        run_id, flags = con.execute("SELECT run_id, flags FROM runs WHERE period = '2024-09'").fetchone()
        august_rows = {
            t: con.execute(f"SELECT count(*) FROM \"{t}\" WHERE period = '2024-08'").fetchone()[0]
            for t in PERIOD_TABLES
        }
    before = db.read_bytes()

    no = invoke(
        "delete", "--period", PERIOD, "--db", db, "--by", "Nguyễn Thu Hà", "--reason", "wrong registry", input="n\n"
    )
    # exit 2, nothing written: 1 would say findings at or above --fail-on
    assert no.exit_code == 2 and no.stderr.splitlines()[-1] == "reconcile: nothing removed"
    # no answer at all (no terminal): nothing removed, said as such, not click's `Aborted!`
    silent = invoke("delete", "--period", PERIOD, "--db", db, "--by", "Nguyễn Thu Hà", "--reason", "wrong registry")
    assert silent.exit_code == 2 and silent.stderr.splitlines()[-1] == "reconcile: nothing removed"
    assert db.read_bytes() == before

    # a Vietnamese officer answers `có`
    args = ["delete", "--period", PERIOD, "--db", db, "--by", "Nguyễn Thu Hà", "--reason", "wrong registry"]
    res = invoke("--lang", "vi", *args, input="có\n")
    assert res.exit_code == 0, res.output
    assert f"Xóa kỳ {PERIOD}? [c/K]: " in res.stderr
    assert res.stderr.splitlines()[0].startswith(f"Kỳ {PERIOD} trong {db}: ")
    with duckdb.connect(str(db), read_only=True) as con:
        for table in PERIOD_TABLES:
            assert con.execute(f'SELECT count(*) FROM "{table}" WHERE period = ?', [PERIOD]).fetchone()[0] == 0
            assert (
                con.execute(f"SELECT count(*) FROM \"{table}\" WHERE period = '2024-08'").fetchone()[0]
                == august_rows[table]
            )
        deletion = con.execute("SELECT deletion_id, run_id, deleted_by, reason, flags FROM period_deletions").fetchall()
        assert [d[1:] for d in deletion] == [(run_id, "Nguyễn Thu Hà", "wrong registry", flags)]
        kept = con.execute(
            "SELECT count(*) FROM superseded_flags WHERE run_id = ? AND superseded_by = ?", [run_id, deletion[0][0]]
        ).fetchone()[0]
        assert kept == flags
        assert con.execute("SELECT superseded_by FROM superseded_runs WHERE run_id = ?", [run_id]).fetchone() == (
            deletion[0][0],
        )
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: đã xóa kỳ {PERIOD} khỏi {db} (lần xóa {deletion[0][0][:12]}, do Nguyễn Thu Hà thực hiện); lần "
        "đối soát và các phát hiện của kỳ được giữ trong superseded_runs và superseded_flags, việc xóa được ghi trong "
        "period_deletions"
    )

    gone = invoke("delete", "--period", PERIOD, "--db", db, "--by", "x", "--reason", "y", "--yes")
    assert gone.exit_code == 2
    assert gone.stderr.splitlines()[-1] == (
        f"reconcile: error: {db}: holds no run of {PERIOD}; see 'reconcile periods' for the periods it holds"
    )


# --- outputs that cannot be written after the period is saved ------------------------------------


def test_an_export_that_cannot_be_written_says_the_period_is_saved(month, tmp_path):
    out, _ = month
    db = tmp_path / "r.duckdb"
    export = tmp_path / "export"
    (export / f"flags_{PERIOD}.parquet").mkdir(parents=True)  # something in the way of the file
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        out / "payments_bank.parquet",
        "--payments",
        out / "payments_post.parquet",
        "--export",
        export,
    )
    assert res.exit_code == 4, res.output
    line = res.stderr.splitlines()[-1]
    assert line.startswith(
        f"reconcile: error: the period {PERIOD} is saved in {db}, but the workbook or exports could not be written ("
    )
    assert line.endswith(
        f"); close the workbook if it is open in Excel, check the disk has room, and write them again "
        f"with: reconcile report --period {PERIOD} --db {db} --export {export}"
    )
    assert "unchanged" not in res.output
    assert res.stdout.startswith(f"Period {PERIOD}: ")  # the summary of the saved run is printed all the same
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs WHERE period = ?", [PERIOD]).fetchone()[0] == 1
    (export / f"flags_{PERIOD}.parquet").rmdir()
    again = invoke("report", "--period", PERIOD, "--db", db, "--export", export)
    assert again.exit_code == 0 and (export / f"flags_{PERIOD}.parquet").is_file()


def test_a_workbook_locked_by_excel_says_the_period_is_saved(month, tmp_path, monkeypatch):
    """Excel holds a workbook open with a lock: on Windows, replacing it fails with a permission error."""
    import reconcile.report.workbook as workbook

    out, _ = month
    db, report = tmp_path / "r.duckdb", tmp_path / "báo cáo tháng 9.xlsx"

    def locked(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(workbook.os, "replace", locked)
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        out / "payments_bank.parquet",
        "--payments",
        out / "payments_post.parquet",
        "--report",
        report,
    )
    assert res.exit_code == 4, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: the period {PERIOD} is saved in {db}, but the workbook or exports could not be written "
        f"(Permission denied: {report}); close the workbook if it is open in Excel, check the disk has room, and "
        f'write them again with: reconcile report --period {PERIOD} --db {db} --report "{report}"'
    )
    assert not list(tmp_path.glob(".báo cáo*"))  # no partial workbook left behind


# --- accounts that lost their leading zeros, sheets --------------------------------------------------


def test_accounts_that_lost_their_zeros_are_restored_on_either_side(tmp_path):
    """The registry kept in Excel lost one account's zeros, the bank's list another's: neither is an
    ACCOUNT_MISMATCH; each is stored whole and counted."""
    from conftest import write_csv
    from test_pipeline import PAY_HEADER, REG_HEADER

    registry = [
        [
            "001087012345",
            "Nguyễn Văn Hùng",
            "12/03/1987",
            "male",
            "welfare",
            "500.000",
            "bank",
            "VBA",
            "63118742432",
            "01",
            "active",
        ],
        [
            "079153000257",
            "Trần Thị Mai",
            "01/01/1953",
            "female",
            "welfare",
            "500.000",
            "bank",
            "VCB",
            "0071000123456",
            "79",
            "active",
        ],
    ]
    payments = [
        ["FT1", "001087012345", "NGUYEN VAN HUNG", "VBA", "0063118742432", "500,000", "05/09/2024", "bank", "success"],
        ["FT2", "079153000257", "TRAN THI MAI", "VCB", "71000123456", "500,000", "05/09/2024", "bank", "success"],
    ]
    reg, pay = write_csv(tmp_path / "r.csv", REG_HEADER, registry), write_csv(tmp_path / "p.csv", PAY_HEADER, payments)
    db = tmp_path / "r.duckdb"
    res = invoke("run", "--period", PERIOD, "--db", db, "--registry", reg, "--payments", pay)
    assert res.exit_code == 0, res.output
    assert (
        "warning: 2 account numbers had lost their leading zeros and were restored (inputs.accounts_restored)"
        in res.stdout.splitlines()
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags").fetchone()[0] == 0
        assert con.execute("SELECT account_number, account_restored FROM registry ORDER BY vneid").fetchall() == [
            ("0063118742432", True),
            ("0071000123456", False),
        ]
        assert con.execute("SELECT account_number, account_restored FROM payments ORDER BY payment_ref").fetchall() == [
            ("0063118742432", False),
            ("0071000123456", True),
        ]
        assert con.execute("SELECT file_name, accounts_restored FROM inputs ORDER BY file_id").fetchall() == [
            ("r.csv", 1),
            ("p.csv", 1),
        ]


def test_a_workbook_s_sheets_are_read_and_a_notes_sheet_is_named_and_recorded(month, tmp_path):
    """The post office's list split over two sheets, with a notes sheet: both lists read, the
    notes sheet skipped with why, on the terminal and in inputs; `reconcile check` shows the same."""
    out, truth = month
    post = pl.read_csv(out / "payments_post.csv", infer_schema=False)
    half = post.height // 2
    book = workbook({"Trang 1": post.head(half), "Trang 2": post.tail(post.height - half)})
    book.create_sheet("Ghi chú").append(["Người lập biểu: Nguyễn Thu Hà"])
    book.save(tmp_path / "buu_dien.xlsx")
    db = tmp_path / "r.duckdb"
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        out / "payments_bank.parquet",
        "--payments",
        tmp_path / "buu_dien.xlsx",
    )
    assert res.exit_code == 0, res.output
    assert (
        f"reconcile: {tmp_path / 'buu_dien.xlsx'}: sheet 'Ghi chú' skipped (has a header row but no data rows); "
        "read 'Trang 1', 'Trang 2'"
    ) in res.stderr.splitlines()
    with duckdb.connect(str(db), read_only=True) as con:
        sheets = con.execute(
            "SELECT sheet, rows_loaded, skipped IS NOT NULL FROM inputs WHERE file_name = "
            "'buu_dien.xlsx' ORDER BY sheet"
        ).fetchall()
        found = con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall()
        by_sheet = con.execute(
            "SELECT source_sheet, count(*) FROM payments WHERE source_file LIKE '%buu_dien.xlsx' "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    assert sheets == [("Ghi chú", 0, True), ("Trang 1", half, False), ("Trang 2", post.height - half, False)]
    assert by_sheet == [("Trang 1", half), ("Trang 2", post.height - half)]
    assert Counter(found) == Counter(truth)
    check = invoke("check", tmp_path / "buu_dien.xlsx", "--as", "payments", "--period", PERIOD)
    lines = check.stdout.splitlines()
    assert [line for line in lines if line.startswith("rows:")] == [
        f"rows: {half:,} read, {half:,} loaded, 0 rejected",
        f"rows: {post.height - half:,} read, {post.height - half:,} loaded, 0 rejected",
    ]
    assert lines[-1] == "sheet 'Ghi chú': skipped: has a header row but no data rows"


@pytest.mark.parametrize("off", [0, 1_000])
def test_a_grand_total_on_the_last_sheet_is_the_total_of_the_sheets(month, tmp_path, off):
    """The post office's list over two sheets, its `Tổng cộng` row at the end of the second sheet
    totalling the whole list: checked against both sheets, not refused as the second sheet's own
    total; a grand total that is wrong still refuses the file."""
    out, truth = month
    post = pl.read_csv(out / "payments_post.csv", infer_schema=False)
    half = post.height // 2
    total = sum(int(v.replace(".", "")) for v in post["Số tiền"]) + off
    book = workbook({"Trang 1": post.head(half), "Trang 2": post.tail(post.height - half)})
    book["Trang 2"].append(["Tổng cộng", None, None, None, None, f"{total:,}".replace(",", ".")])
    path = tmp_path / "buu_dien.xlsx"
    book.save(path)
    db = tmp_path / "r.duckdb"
    args = ["--registry", out / "registry.parquet", "--payments", out / "payments_bank.parquet", "--payments", path]
    res = invoke("run", "--period", PERIOD, "--db", db, *args)
    row = post.height - half + 2  # the header, the rows, then the totals row
    if off:  # the message gives the rows of the sheet and of the sheets together, in the officer's language
        assert res.exit_code == 2, res.output
        own = sum(int(v.replace(".", "")) for v in post.tail(post.height - half)["Số tiền"])
        assert res.stderr.splitlines()[-1] == (
            f"reconcile: error: {path} (sheet 'Trang 2'): its totals row {row} says {total:,} VND but "
            f"{post.height - half:,} rows of {own:,} VND were read on this sheet, and {post.height:,} rows of "
            f"{total - off:,} VND on the sheets 'Trang 1', 'Trang 2' together; check that the file is complete (no "
            "rows cut off or left on another sheet) and that the totals row is the file's own"
        )
        vi = invoke("--lang", "vi", "run", "--period", PERIOD, "--db", db, *args)
        assert vi.stderr.splitlines()[-1].startswith(f"reconcile: lỗi: {path} (trang tính 'Trang 2'): dòng tổng cộng")
        rows, amount = (f"{n:,}".replace(",", ".") for n in (post.height, total - off))  # as Vietnamese writes them
        assert f"và {rows} dòng, tổng {amount} đồng trên các trang tính" in vi.stderr
        return
    assert res.exit_code == 0, res.output
    assert (
        f"checked: {path} [Trang 2] agrees with its totals row {row}, of the sheets 'Trang 1', 'Trang 2' together"
        in res.stdout.splitlines()
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT sheet, rows_loaded, control_amount, control_source FROM inputs "
            "WHERE file_name = 'buu_dien.xlsx' ORDER BY sheet"
        ).fetchall() == [
            ("Trang 1", half, None, None),
            ("Trang 2", post.height - half, total, f"totals row {row}, of the sheets 'Trang 1', 'Trang 2' together"),
        ]
        assert Counter(con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall()) == Counter(truth)
    check = invoke("check", path, "--as", "payments", "--period", PERIOD)
    assert check.exit_code == 0, check.output
    assert [line for line in check.stdout.splitlines() if line.startswith("totals:")] == [
        f"totals: totals row {row} says {total:,} VND; read {post.height:,} rows of {total:,} VND on the sheets "
        "'Trang 1', 'Trang 2' together"
    ]


def test_a_grand_total_under_the_sheets_subtotals_is_checked_against_their_rows(month, tmp_path):
    """A registry over three sheets, each ending with its `Cộng` subtotal, the last with the `Tổng cộng`
    of them all: each subtotal is checked against its sheet, the grand total against the rows of the
    three (not counting the subtotal rows set aside above it)."""
    out, _ = month
    registry = pl.read_csv(out / "registry.csv", infer_schema=False)
    registry = registry.with_columns(pl.int_range(1, registry.height + 1).cast(pl.String).alias("STT")).select(
        "STT", *registry.columns
    )
    amount = registry.columns.index("Số tiền hưởng")

    def vnd(frame) -> int:
        return sum(int(v.replace(".", "")) for v in frame["Số tiền hưởng"])

    third = registry.height // 3
    parts = {"S1": registry.head(third), "S2": registry.slice(third, third), "S3": registry.slice(2 * third)}
    book = workbook(parts)
    for name, part in parts.items():
        book[name].append(["Cộng", *[None] * (amount - 1), f"{vnd(part):,}".replace(",", ".")])
    book["S3"].append(["Tổng cộng", *[None] * (amount - 1), f"{vnd(registry):,}".replace(",", ".")])
    path = tmp_path / "danh_sach.xlsx"
    book.save(path)
    res = invoke(
        "run", "--period", PERIOD, "--db", tmp_path / "r.duckdb", "--registry", path, "--payments",
        out / "payments_bank.parquet", "--payments", out / "payments_post.parquet",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    checked = [line for line in res.stdout.splitlines() if line.startswith(f"checked: {path}")]
    assert checked == [
        f"checked: {path} [S1] agrees with its totals row {third + 2}",
        f"checked: {path} [S2] agrees with its totals row {third + 2}",
        f"checked: {path} [S3] agrees with its totals row {registry.height - 2 * third + 3}, of the sheets "
        "'S1', 'S2', 'S3' together",
    ]


def test_daily_statements_without_payments_are_no_refusal(month, tmp_path):
    """A month of daily camt statements: a day without movements (balances, no entries) and a day
    with the treasury's funding only (money in) are statements holding no payment, not files of
    which nothing could be loaded."""
    out, truth = month
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        "<BkToCstmrStmt><GrpHdr><MsgId>D</MsgId></GrpHdr><Stmt><Id>{day}</Id><Acct><Id><Othr><Id>37610001054321"
        "</Id></Othr></Id></Acct>{entries}</Stmt></BkToCstmrStmt></Document>\n"
    )
    credit = (
        '<Ntry><Amt Ccy="VND">500000000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-09-02'
        "</Dt></BookgDt><ValDt><Dt>2024-09-02</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>KBNN-0902</EndToEndId>"
        "</Refs><RltdPties><Dbtr><Nm>KHO BAC NHA NUOC</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>"
    )
    (tmp_path / "sao_ke_0901.xml").write_text(head.format(day="D0901", entries=""), encoding="utf-8")
    (tmp_path / "sao_ke_0902.xml").write_text(head.format(day="D0902", entries=credit), encoding="utf-8")
    db = tmp_path / "r.duckdb"
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        out / "payments_bank.xml",
        "--payments",
        out / "payments_post.parquet",
        "--payments",
        tmp_path / "sao_ke_0901.xml",
        "--payments",
        tmp_path / "sao_ke_0902.xml",
    )
    assert res.exit_code == 0, res.output
    assert f"note: {tmp_path / 'sao_ke_0901.xml'} holds no payment (no entries: a day without movements)" in res.output
    assert f"note: {tmp_path / 'sao_ke_0902.xml'} holds no payment (only rows set aside)" in res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT file_name, rows_read, rows_loaded, rows_rejected, rows_set_aside, amount_set_aside "
            "FROM inputs WHERE file_name LIKE 'sao_ke%' ORDER BY file_name"
        ).fetchall() == [("sao_ke_0901.xml", 0, 0, 0, 0, 0), ("sao_ke_0902.xml", 1, 0, 0, 1, 500_000_000)]
        assert con.execute(
            "SELECT source_file, source_row, reason, set_aside FROM rejected_rows WHERE source_file LIKE '%sao_ke%'"
        ).fetchall() == [(str(tmp_path / "sao_ke_0902.xml"), 1, "credit (money into the account), not a payment", True)]
        # the bank's camt holds credits too (the treasury's funding, returns): set aside, none rejected
        assert con.execute("SELECT rejected_rows, set_aside_rows FROM runs").fetchone() == (0, 5)
        assert con.execute("SELECT sum(rows_set_aside) FROM inputs").fetchone() == (5,)
        found = con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall()
    assert Counter(found) == Counter(truth)


def test_a_file_most_of_whose_rows_are_refused_is_refused_for_that_not_for_a_missing_bank(month, saved, tmp_path):
    """Dates written another way in a third of a bank file (its banks' rows all refused): the run
    went on to blame a missing bank's file. It names the rows refused and why."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    bank = pl.read_parquet(out / "payments_bank.parquet")
    bad = pl.int_range(pl.len()) % 3 == 0
    bank.with_columns(
        pl.when(bad).then(pl.lit("05 Sept 2024")).otherwise(pl.col("value_date").cast(pl.String)).alias("value_date")
    ).write_parquet(tmp_path / "bank.parquet")
    n = bank.height
    refused_rows = len(range(0, n, 3))
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        tmp_path / "bank.parquet",
        out / "payments_post.parquet",
    )
    line = refused(res, db, before)
    bank_file = tmp_path / "bank.parquet"
    assert line == (
        f"reconcile: error: {bank_file}: {refused_rows:,} of its {n:,} rows ({100 * refused_rows / n:.0f}%) could not "
        "be loaded (most for: value_date is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)); see every row's "
        f"reason with 'reconcile check {bank_file} --as payments', fix the file and run again"
    )


def test_a_post_office_file_left_out_is_missed_even_when_its_groups_are_small(tmp_path):
    """The sample's few cash beneficiaries (fewer than min_group in each programme): without the post
    office's list the month passed as complete, its welfare target turned 'met'."""
    from conftest import SAMPLE

    db = tmp_path / "r.duckdb"
    args = ["run", "--period", PERIOD, "--db", db, "--registry", SAMPLE / "registry.csv"]
    res = invoke(*args, "--payments", SAMPLE / "bank_transfers.csv")
    assert res.exit_code == 2, res.output
    assert not db.exists()
    line = res.stderr.splitlines()[-1]
    found = re.fullmatch(
        r"reconcile: error: the month looks incomplete: most active beneficiaries paid through the post office "
        r"\((\d+) of \1\) have no payment row dated in the period; the payment file of the post office may be "
        r"missing: add it with --payments, or pass --partial to reconcile the month without it \(the report will "
        r"say PARTIAL\)",
        line,
    )
    assert found and 0 < int(found[1]) < 20, line
    # with it, the month is whole, and nothing is said of the post office
    res = invoke(*args, "--payments", SAMPLE / "bank_transfers.csv", SAMPLE / "post_office_cash.xlsx")
    assert res.exit_code == 0, res.output
    assert "registered for cash" not in res.stderr


def test_a_post_office_file_left_out_of_a_month_of_three_cash_beneficiaries_is_said(tmp_path):
    """A commune that pays three beneficiaries in cash (fewer than min_source, too few to refuse: one
    who did not come to collect is no file left out): without the post office's list the month passed
    in silence, each a MISSING_PAYMENT and the welfare target turned 'met' at 100%. It is said before
    the summary, naming the post office's file and what to do; and, since the officer signs the
    workbook and not the terminal, the warning is on the workbook's summary (in its language) and in
    runs.warnings, and the target it makes look met reads met in doubt, not plain 'met'."""
    from conftest import SAMPLE
    from reconcile.messages import translate
    from reconcile.report.labels import label

    registry = pl.read_csv(SAMPLE / "registry.csv", infer_schema=False).filter(pl.col("Trạng thái") == "Đang hưởng")
    cash = pl.col("Hình thức chi trả") == "Tiền mặt"
    registry = pl.concat([registry.filter(~cash).head(40), registry.filter(cash).head(3)])
    (tmp_path / "danh_sach.csv").write_bytes(registry.write_csv().encode("utf-8-sig"))
    bank = pl.read_csv(SAMPLE / "bank_transfers.csv", infer_schema=False)
    bank.filter(pl.col("Số định danh").is_in(registry["Số định danh cá nhân"].to_list())).write_csv(
        tmp_path / "vcb.csv"
    )
    args = ["run", "--period", PERIOD, "--registry", tmp_path / "danh_sach.csv", "--payments", tmp_path / "vcb.csv"]
    db = tmp_path / "r.duckdb"
    res = invoke(*args, "--db", db, "--report", tmp_path / "r.xlsx", "--lang", "en")
    assert res.exit_code == 0, res.output
    said = (
        "none of the 3 active beneficiaries registered for cash has a payment row dated in the period: "
        "the post office's payment file may be missing (each is a MISSING_PAYMENT, and the non-cash share counts no "
        "cash payment); give it with --payments and run again, or check that none of them was paid"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    assert re.search(r"^welfare .* 100\.00% .* 99\.85%  yes, in doubt \(see the warning above\)$", res.stdout, re.M)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT warnings FROM runs").fetchone()[0] is not None
        warnings = json.loads(con.execute("SELECT warnings FROM runs").fetchone()[0])
        met = con.execute(
            "SELECT target_met FROM noncash_share WHERE level = 'program' AND program = 'welfare' AND channel_group = 'all'"
        )
        assert met.fetchall() == [(True,)]  # the share as measured; the doubt is the warning's
    assert warnings == [{"message": said, "programs": ["welfare"]}]
    summary = openpyxl.load_workbook(tmp_path / "r.xlsx")["Summary"]
    assert summary["A1"].value == (
        f"The run of {PERIOD} went on past the warnings below (as the terminal said them): check each before signing."
    )
    assert summary["A2"].value == f"WARNING: {said}"
    assert summary["A4"].value == f"Reconciliation of cashless disbursements, period {PERIOD}"
    shares = [row for row in summary.iter_rows(values_only=True) if row[0] == "Social assistance" and row[8]]
    assert [row[8] for row in shares] == ["met, in doubt: see the warning atop the summary"]
    # and so on the sheet of the non-cash share, for the programme and each of its areas
    noncash = openpyxl.load_workbook(tmp_path / "r.xlsx")["Non-cash share"]
    met = {row[-1] for row in noncash.iter_rows(min_row=2, values_only=True) if row[0] == "Social assistance"}
    assert met == {"met, in doubt"}
    # read back, the share says it is in doubt
    shares = json.loads(invoke("cashless", "--db", db, "--format", "json").stdout)
    assert [(s["program"], s["target_met"], s["in_doubt"]) for s in shares] == [("welfare", True, True)]
    # the checker signing the period off is told it too
    res = invoke("signoff", "--period", PERIOD, "--db", db, "--by", "Lan")
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines()[0] == f"reconcile: the run of {PERIOD} warned: {said}"
    # a workbook in Vietnamese says it in Vietnamese, as the terminal does
    assert label("warning", "vi", text=translate(said, "vi")) == (
        "CẢNH BÁO: không ai trong 3 đối tượng đang hưởng đăng ký nhận tiền mặt có dòng chi trả nào trong kỳ: có thể "
        "đang thiếu tệp chi trả của bưu điện (mỗi người một phát hiện MISSING_PAYMENT, và tỷ lệ không dùng tiền mặt "
        "không tính khoản chi tiền mặt nào); hãy đưa tệp đó bằng --payments rồi chạy lại, hoặc kiểm tra rằng không "
        "ai trong số họ đã được chi trả"
    )


def test_the_post_office_list_left_out_of_a_commune_of_two_cash_beneficiaries_is_said(tmp_path):
    """The post office paid the three cash beneficiaries of one commune; the two of another (fewer than
    min_source, too few to refuse) have no payment row: its list of that commune may have been left
    out, which passed in silence (exit 0, each a MISSING_PAYMENT, the non-cash share counting no cash
    payment of theirs). It is said before the summary, naming the commune."""
    from conftest import SAMPLE, write_csv

    registry = pl.read_csv(SAMPLE / "registry.csv", infer_schema=False).filter(pl.col("Trạng thái") == "Đang hưởng")
    cash = pl.col("Hình thức chi trả") == "Tiền mặt"
    communes = pl.Series(["26734"] * 3 + ["26737"] * 2)
    registry = pl.concat(
        [registry.filter(~cash).head(40), registry.filter(cash).head(5).with_columns(pl.lit(communes).alias("Mã xã"))]
    )
    (tmp_path / "danh_sach.csv").write_bytes(registry.write_csv().encode("utf-8-sig"))
    bank = pl.read_csv(SAMPLE / "bank_transfers.csv", infer_schema=False)
    bank.filter(pl.col("Số định danh").is_in(registry["Số định danh cá nhân"].to_list())).write_csv(
        tmp_path / "vcb.csv"
    )
    post = write_csv(
        tmp_path / "buu_dien_xa_26734.csv",
        ["Mã giao dịch", "Số CCCD", "Họ và tên", "Số tiền", "Ngày chi trả", "Hình thức chi trả", "Trạng thái"],
        [
            [f"BD{i}", row["Số định danh cá nhân"], row["Họ và tên"], row["Số tiền hưởng"], "05/09/2024", "Tiền mặt",
             "Thành công"]
            for i, row in enumerate(registry.filter(cash & (pl.col("Mã xã") == "26734")).iter_rows(named=True))
        ],
    )  # fmt: skip
    res = invoke(
        "run", "--period", PERIOD, "--db", tmp_path / "r.duckdb", "--registry", tmp_path / "danh_sach.csv",
        "--payments", tmp_path / "vcb.csv", post,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (
        "reconcile: none of the 2 active beneficiaries registered for cash in commune 26737 has a payment row dated "
        "in the period, though the post office paid those of other communes: its list of that commune may be "
        "missing (each is a MISSING_PAYMENT, and the non-cash share counts no cash payment of theirs); give it with "
        "--payments and run again, or check that none of them was paid"
    ) in res.stderr.splitlines()


def test_one_statement_as_camt_and_as_mt940_is_the_same_data_twice_by_the_bank_s_reference(month, saved, tmp_path):
    """camt puts the end-to-end id first (FT202409000000006) and the bank's reference (FT00000006)
    beside it; the MT940 of the same day puts the bank's reference first. Compared by their own
    references alone they were different payments: the amount paid doubled, exit 0."""
    out, _ = month
    db, before = copy_db(saved, tmp_path)
    bank = pl.read_parquet(out / "payments_bank.parquet")
    short = pl.format("BR{}", pl.int_range(pl.len()))
    bank.with_columns(short.alias("bank_ref")).write_parquet(tmp_path / "as_camt.parquet")
    bank.with_columns(short.alias("payment_ref")).write_parquet(tmp_path / "as_mt940.parquet")
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        "--registry",
        out / "registry.parquet",
        "--payments",
        tmp_path / "as_camt.parquet",
        tmp_path / "as_mt940.parquet",
        out / "payments_post.parquet",
    )
    line = refused(res, db, before)
    assert line == (
        f"reconcile: error: {tmp_path / 'as_mt940.parquet'}: {bank.height:,} of its {bank.height:,} payments (100%) "
        f"are also in {tmp_path / 'as_camt.parquet'}, with the same reference, amount and payee: the same payments "
        "given twice (the same batch as CSV and as camt, or a copy of the file); give each bank's payments once, "
        "in one file"
    )


def test_a_sheet_going_on_under_a_title_line_and_no_header_is_read_as_the_list_going_on(month, tmp_path):
    """The post office's list over two sheets, the second starting with a title line (`DANH SÁCH ... (tiếp
    theo)`) and no header: it was skipped (`required column 'payment_ref' is missing`), its payees each a
    MISSING_PAYMENT, exit 0, and its grand total never checked. It is the list going on now, its rows
    numbered as Excel shows them, and the total checked against both sheets."""
    out, truth = month
    post = pl.read_csv(out / "payments_post.csv", infer_schema=False)
    half = post.height // 2
    total = sum(int(v.replace(".", "")) for v in post["Số tiền"])
    book = workbook({"Trang 1": post.head(half)})
    sheet = book.create_sheet("Trang 2")
    sheet.append(["DANH SÁCH CHI TRẢ THÁNG 9/2024 (tiếp theo)"])
    for row in post.tail(post.height - half).iter_rows():
        sheet.append(list(row))
    sheet.append(["Tổng cộng", None, None, None, None, f"{total:,}".replace(",", ".")])
    path = tmp_path / "buu_dien.xlsx"
    book.save(path)
    db = tmp_path / "r.duckdb"
    args = ["--registry", out / "registry.parquet", "--payments", out / "payments_bank.parquet", "--payments", path]
    res = invoke("run", "--period", PERIOD, "--db", db, *args)
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT sheet, rows_loaded FROM inputs WHERE file_name = 'buu_dien.xlsx' ORDER BY sheet"
        ).fetchall() == [("Trang 1", half), ("Trang 2", post.height - half)]
        assert con.execute(
            "SELECT min(source_row) FROM payments WHERE source_file LIKE '%buu_dien.xlsx' AND source_sheet = 'Trang 2'"
        ).fetchone() == (2,)
        assert Counter(con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall()) == Counter(truth)
    assert (
        f"checked: {path} [Trang 2] agrees with its totals row {post.height - half + 2}, of the sheets 'Trang 1', 'Trang 2' together"
        in res.stdout.splitlines()
    )
