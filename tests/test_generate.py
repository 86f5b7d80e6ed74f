"""`reconcile generate`: a synthetic month whose truth file is exactly what `reconcile run` finds."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import fields

import duckdb
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.generate import GenerateConfig, Rates, generate, read_truth
from reconcile.pipeline import RunConfig, run

# rates five times the defaults, so that a small month holds every case many times
RATES = Rates(**{f.name: getattr(Rates(), f.name) * 5 for f in fields(Rates)})
SETS = {  # format -> (registry, payment files) a run reads
    "parquet": ("registry.parquet", ["payments_bank.parquet", "payments_post.parquet"]),
    "csv": ("registry.csv", ["payments_bank.csv", "payments_post.csv"]),
    "xlsx": ("registry.xlsx", ["payments_bank.xlsx", "payments_post.xlsx"]),
    "camt": ("registry.parquet", ["payments_bank.xml", "payments_post.parquet"]),
}


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    result = generate(GenerateConfig(beneficiaries=6000, seed=7, out=out, formats=tuple(SETS), rates=RATES))
    return out, result


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(SETS))
def test_what_a_run_finds_is_exactly_the_truth_file(month, tmp_path, fmt):
    out, result = month
    registry, payments = SETS[fmt]
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[out / registry], payments=[out / p for p in payments], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY ALL").fetchall()
        rejected = con.execute("SELECT reason FROM rejected_rows").fetchall()
    truth = read_truth(result.truth)
    assert Counter(found) == Counter(truth)
    # every code is planted, several times
    assert {code for code, _, _ in truth} == {
        "MISSING_PAYMENT",
        "AMOUNT_MISMATCH",
        "DUPLICATE_PAYMENT",
        "PAID_AFTER_DEATH",
        "PAID_WHILE_INACTIVE",
        "ACCOUNT_MISMATCH",
        "NAME_MISMATCH",
        "SHARED_ACCOUNT",
        "INVALID_VNEID",
        "CASH_DESPITE_ACCOUNT",
        "PAYMENT_FAILED",
        "DUPLICATE_BENEFICIARY",
        "OUT_OF_PERIOD",
        "UNKNOWN_PAYEE",
    }
    assert min(Counter(code for code, _, _ in truth).values()) >= 5
    # only the camt statement has rows to set aside: the credits returning the returned transfers
    assert {r for (r,) in rejected} <= {
        "credit: a return or reversal, not a payment (a returned payment is its debit row)"
    }
    assert len(rejected) == (sum(1 for c, _, _ in truth if c == "PAYMENT_FAILED") if fmt == "camt" else 0)


@pytest.mark.slow
def test_the_share_a_run_computes_from_its_own_rows_is_the_share_of_the_stored_rows(month, tmp_path):
    """The run computes the non-cash share from its payments joined to their matches (pm), not from
    the stored tables; the view noncash_base over the stored tables must give the same rows. The
    generated month has every case: unmatched, failed, returned and out-of-period payments, both
    programmes, several provinces and communes, all three channels."""
    from reconcile.warehouse import store_noncash_share

    out, _ = month
    registry, payments = SETS["parquet"]
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[out / registry], payments=[out / p for p in payments], db=db))
    with duckdb.connect(str(db)) as con:
        share = "SELECT * FROM noncash_share_rows ORDER BY ALL"
        by_run = con.execute(share).fetchall()
        con.execute("DELETE FROM noncash_share_rows")
        store_noncash_share(con, "2024-09")  # from the view noncash_base
        assert con.execute(share).fetchall() == by_run
        assert len(by_run) > 500
        assert {r[5] for r in by_run} == {"all", "bank", "ewallet", "cash"}


def test_the_same_seed_writes_the_same_month_and_another_seed_another(tmp_path):
    a = generate(GenerateConfig(beneficiaries=2000, seed=3, out=tmp_path / "a", formats=("csv",)))
    b = generate(GenerateConfig(beneficiaries=2000, seed=3, out=tmp_path / "b", formats=("csv",)))
    c = generate(GenerateConfig(beneficiaries=2000, seed=4, out=tmp_path / "c", formats=("csv",)))
    for name in ("registry.csv", "payments_bank.csv", "payments_post.csv", "truth.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "truth.csv").read_bytes() != (tmp_path / "c" / "truth.csv").read_bytes()
    assert a.registry_rows == b.registry_rows and a.planted == b.planted and c.registry_rows > 1900


def test_ids_are_valid_and_names_and_amounts_realistic(month):
    out, _ = month
    con = duckdb.connect()
    from reconcile.normalise.reference import install

    install(con)
    rows = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE rc_vneid_valid(vneid) AND rc_vneid_birth_year(vneid) = year(date_of_birth)
                                             AND rc_vneid_gender(vneid) = gender), count(DISTINCT vneid),
               count(*) FILTER (WHERE full_name LIKE '%Thị%' OR full_name LIKE '%Văn%'),
               min(entitled_amount) FILTER (WHERE program = 'welfare'), max(entitled_amount) FILTER (WHERE program = 'welfare'),
               count(DISTINCT entitled_amount) FILTER (WHERE program = 'welfare')
        FROM read_parquet('{out / "registry.parquet"}')""").fetchone()
    n, valid, distinct, typical, low, high, levels = rows
    planted_invalid = sum(1 for c, _, _ in read_truth(out / "truth.csv") if c == "INVALID_VNEID")
    twice = sum(1 for c, _, _ in read_truth(out / "truth.csv") if c == "DUPLICATE_BENEFICIARY")
    assert valid == n - planted_invalid  # right place of birth, century, sex and year digits
    assert distinct == n - twice
    assert typical > n // 4
    assert (low, high, levels) == (500_000, 1_500_000, 5)  # 500,000 x 1, 1.5, 2, 2.5, 3 since July 2024
    with open(out / "payments_bank.csv", encoding="utf-8") as fh:
        first = next(csv.DictReader(fh))
    assert first["Số tiền"].count(".") >= 1 and first["Ngày giao dịch"].endswith("/09/2024")


def test_generate_command_and_its_refusals(tmp_path):
    res = CliRunner().invoke(
        cli,
        [
            "generate",
            "--beneficiaries",
            "500",
            "--out",
            str(tmp_path / "m"),
            "--formats",
            "parquet,csv",
            "--rate",
            "missing=0.05",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "planted findings in" in res.stdout
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        ".reconcile-generated",  # what generate wrote there, which a later generate may write over
        "payments_bank.csv",
        "payments_bank.parquet",
        "payments_post.csv",
        "payments_post.parquet",
        "registry.csv",
        "registry.parquet",
        "truth.csv",
    ]
    for args, message in (
        (
            ["--formats", "ods"],
            "reconcile: error: unknown format 'ods'; use any of parquet, csv, xlsx, camt, camt054, mt940, csv1258",
        ),
        (
            ["--rate", "bogus=0.1"],
            "reconcile: error: --rate takes NAME=SHARE with NAME one of missing, amount, "
            "duplicate, deceased, suspended, account, name, shared, invalid_id, cash, "
            "returned, twice_listed, out_of_period, unknown",
        ),
        (
            ["--rate", "missing=0.6"],
            "reconcile: error: the planted rates add up to more than half the beneficiaries; lower them",
        ),
        (
            ["--beneficiaries", "2000000", "--formats", "xlsx"],
            "reconcile: error: an Excel sheet holds 1,048,575 rows, fewer than this month needs; leave xlsx out "
            "of --formats, or generate fewer beneficiaries",
        ),
    ):
        base = ["generate", "--beneficiaries", "500", "--out", str(tmp_path / "x")]
        if args[0] == "--beneficiaries":
            base = ["generate", "--out", str(tmp_path / "x")]
        res = CliRunner().invoke(cli, base + args)
        assert res.exit_code == 2 and res.stderr.strip() == message


def test_generate_never_writes_over_an_officers_own_file_but_over_its_own(tmp_path):
    """`reconcile generate --out` into the folder of an officer's month replaced their registry.csv with
    a synthetic one, exit 0. A file at a path generate writes that no earlier generate wrote there is
    refused, untouched; generate's own files (another size, another format beside them) are written
    again."""
    folder = tmp_path / "Tháng 9"
    folder.mkdir()
    own = folder / "registry.csv"
    own.write_text("STT,Số định danh cá nhân,Họ và tên\n1,079196118125,Nguyễn Thị Thanh Hương\n", encoding="utf-8")
    args = ["--lang", "en", "generate", "--beneficiaries", "10", "--formats", "csv", "--out", str(folder)]
    res = CliRunner().invoke(cli, args)
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {own}: is not a file generate wrote, and generate would write over it; give --out a new "
        "folder\n",
    )
    assert sorted(p.name for p in folder.iterdir()) == ["registry.csv"]
    own.unlink()
    assert CliRunner().invoke(cli, args).exit_code == 0
    again = CliRunner().invoke(cli, [*args[:-4], "--formats", "csv,parquet", "--out", str(folder)])
    assert again.exit_code == 0, again.output
    assert (folder / "registry.parquet").is_file()


@pytest.mark.slow
def test_demo_of_a_generated_month_reports_the_planted_findings_found(tmp_path):
    res = CliRunner().invoke(cli, ["demo", "--size", "3000", "--out", str(tmp_path / "d")])
    assert res.exit_code == 0, res.output
    last = res.stdout.strip().splitlines()[-1]
    assert last.startswith("Planted findings found: ") and last.endswith("findings not planted: 0.")
    found, of = last.removeprefix("Planted findings found: ").split(";")[0].split(" of ")
    assert found == of
