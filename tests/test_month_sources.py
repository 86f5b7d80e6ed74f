"""Source coverage, from files as banks hand them over: each bank sends a file per payer (the
pension file of Social Security, the welfare file of the welfare office), and a registry may name
no bank at all. A file left out is refused (exit 2, the database byte for byte as before), never a
clean-looking month of MISSING_PAYMENT findings.
"""

from __future__ import annotations

import re

import polars as pl
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.generate import GenerateConfig, generate

PERIOD = "2024-09"
WELFARE = "Trợ cấp xã hội"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    out = tmp_path_factory.mktemp("month")
    generate(GenerateConfig(beneficiaries=1500, seed=7, out=out, formats=("csv",)))
    return out


def read(path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def bank_files(bank: pl.DataFrame, folder, per_program: bool) -> dict[str, object]:
    """The bank file cut as the banks send it: one file per bank (and per payer), in UTF-8 with a BOM."""
    welfare = pl.col("Nội dung").str.contains("tro cap")
    files = {}
    for (code,), part in bank.group_by("Ngân hàng thụ hưởng", maintain_order=True):
        parts = {"trocap": part.filter(welfare), "luonghuu": part.filter(~welfare)} if per_program else {"": part}
        for name, rows in parts.items():
            if rows.height:
                path = folder / f"{code}{'_' + name if name else ''}.csv"
                path.write_bytes(rows.write_csv().encode("utf-8-sig"))
                files[path.stem] = path
    return files


def test_one_programme_s_file_of_a_bank_left_out_is_refused_though_its_group_is_small(month, tmp_path):
    """VCB sends the pension file and the welfare file apart (two payers); its welfare beneficiaries
    are 12, under min_group. The welfare file left out, the month passed (exit 0) with 12 more
    MISSING_PAYMENT: the group was too small to be checked, and VCB had payments (the pensions)."""
    registry, bank = read(month / "registry.csv"), read(month / "payments_bank.csv")
    vcb_welfare = registry.filter((pl.col("Chế độ") == WELFARE) & (pl.col("Mã ngân hàng") == "VCB"))
    gone = vcb_welfare["Số định danh cá nhân"][12:].implode()
    registry = registry.filter(~(pl.col("Số định danh cá nhân").is_in(gone) & (pl.col("Chế độ") == WELFARE)))
    registry.write_csv(tmp_path / "registry.csv")
    bank = bank.filter(~pl.col("Số định danh").is_in(gone).fill_null(False))
    files = bank_files(bank, tmp_path, per_program=True)
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", PERIOD, "--db", db, "--registry", tmp_path / "registry.csv", "--payments"]
    given = [path for stem, path in files.items() if stem != "VCB_trocap"]
    res = invoke(*args, *given, month / "payments_post.csv")
    assert res.exit_code == 2, res.output
    assert not db.exists()
    assert res.stderr.splitlines()[-1] == (
        "reconcile: error: the month looks incomplete: most active beneficiaries paid through VCB for welfare "
        "(12 of 12) have no payment row dated in the period; the payment file of VCB for welfare may be missing: "
        "add it with --payments, or pass --partial to reconcile the month without it (the report will say PARTIAL)"
    )
    # with it, the month is whole
    res = invoke(*args, *files.values(), month / "payments_post.csv")
    assert res.exit_code == 0, res.output


# --- a registry that names no bank -----------------------------------------------------------------


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    """August and September of the same people; the registry exported without its bank column, each
    bank's transfers in a file of their own (the beneficiary's bank named on each row)."""
    out = tmp_path_factory.mktemp("months")
    generate(GenerateConfig(beneficiaries=1500, seed=5, out=out, formats=("csv",), period="2024-08", months=2))
    for month in ("2024-08", "2024-09"):
        folder = out / month
        read(folder / "registry.csv").drop("Mã ngân hàng").write_csv(folder / "registry_no_bank.csv")
        (folder / "banks").mkdir()
        bank_files(read(folder / "payments_bank.csv"), folder / "banks", per_program=False)
    return out


def september(months, db, *, leave_out: str | None = None):
    folder = months / "2024-09"
    banks = sorted(p for p in (folder / "banks").iterdir() if p.stem != leave_out)
    return invoke(
        "run", "--period", PERIOD, "--db", db, "--registry", folder / "registry_no_bank.csv",
        "--payments", *banks, folder / "payments_post.csv",
    )  # fmt: skip


def active(registry: pl.DataFrame) -> pl.DataFrame:
    """A registry's active beneficiaries with an amount due, once each per programme."""
    due = (pl.col("Trạng thái") == "Đang hưởng") & (pl.col("Số tiền hưởng") != "0")
    return registry.filter(due).unique(["Số định danh cá nhân", "Chế độ"])


def at_bank(months, bank: str, paid_in: str | None = None) -> int:
    """September's active beneficiaries whose account is at `bank` (the registry as exported with its
    bank column); with paid_in, those whose account was paid at that bank in that month."""
    registry = active(read(months / "2024-09" / "registry.csv")).filter(pl.col("Mã ngân hàng") == bank)
    if paid_in:
        paid = read(months / paid_in / "payments_bank.csv").filter(pl.col("Ngân hàng thụ hưởng") == bank)
        registry = registry.join(paid.select("Số tài khoản").unique(), on="Số tài khoản")
    return registry.height


def test_a_bank_left_out_of_a_month_whose_registry_names_no_bank_is_found_by_earlier_months(months, tmp_path):
    """Without a bank column every account is in one group, '(no bank code)'; VCB's file left out is a
    tenth of it: the month passed (exit 0), each of VCB's beneficiaries a MISSING_PAYMENT. The database
    holds August, whose payments name the bank of each account: the run stops, naming VCB."""
    db = tmp_path / "r.duckdb"
    august = months / "2024-08"
    res = invoke(
        "run", "--period", "2024-08", "--db", db, "--registry", august / "registry_no_bank.csv",
        "--payments", august / "payments_bank.csv", august / "payments_post.csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    before = db.read_bytes()
    res = september(months, db, leave_out="VCB")
    assert res.exit_code == 2, res.output
    assert db.read_bytes() == before
    vcb = at_bank(months, "VCB", paid_in="2024-08")  # the bank of their accounts known from August
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: the month looks incomplete: most active beneficiaries paid through VCB ({vcb} of {vcb}, "
        "by the bank of their accounts in earlier months) have no payment row dated in the period; the payment file "
        "of VCB may be missing: add it with --payments, or pass --partial to reconcile the month without it (the "
        "report will say PARTIAL)"
    )
    # with it, the month is whole
    assert september(months, db).exit_code == 0


def test_the_first_month_of_a_registry_that_names_no_bank_says_a_bank_left_out_cannot_be_told(months, tmp_path):
    """No earlier month tells the banks: the run goes on, but says, before its summary, that a bank's
    file left out cannot be told from unpaid beneficiaries, and how many have no payment row."""
    res = september(months, tmp_path / "r.duckdb", leave_out="VCB")
    assert res.exit_code == 0, res.output
    accounts = active(read(months / "2024-09" / "registry_no_bank.csv")).filter(
        pl.col("Hình thức chi trả") != "Tiền mặt"
    )
    notes = [line for line in res.stderr.splitlines() if "names no bank" in line]
    assert len(notes) == 1
    found = notes[0].removeprefix("reconcile: ")
    unpaid = int(found.split(": ")[1].split(" of them")[0].replace(",", ""))
    assert found == (
        f"the registry names no bank for {accounts.height:,} active beneficiaries paid by bank or e-wallet, so a "
        f"bank's payment file left out cannot be told apart for them: {unpaid:,} of them have no payment row dated in "
        "the period (each a MISSING_PAYMENT); check that the file of every bank was given, or give the registry "
        "with its bank column (Mã ngân hàng)"
    )
    assert unpaid >= at_bank(months, "VCB")


# --- a file of two months -------------------------------------------------------------------------


def across_two_months(months, path) -> pl.DataFrame:
    """The bank's export for a span across two months (16/08 to 15/09): of each bank's beneficiaries
    of each payer, those paid late in the month (9 in 20) by their August payment, the others by
    their September payment: more than half of the file, and of each group, is September's."""
    august = read(months / "2024-08" / "payments_bank.csv")
    september = read(months / "2024-09" / "payments_bank.csv")
    payer = pl.col("Nội dung").str.contains("tro cap")  # the welfare office's, or Social Security's
    late = (
        september.select("Ngân hàng thụ hưởng", payer.alias("welfare"), "Số tài khoản")
        .unique()
        .sort("Số tài khoản")
        .with_columns((pl.int_range(pl.len()).over("Ngân hàng thụ hưởng", "welfare") % 20).alias("i"))
        .filter((pl.col("i") % 2 == 1) & (pl.col("i") < 18))["Số tài khoản"]  # 9 in 20
        .implode()
    )
    both = pl.concat(
        [september.filter(~pl.col("Số tài khoản").is_in(late)), august.filter(pl.col("Số tài khoản").is_in(late))]
    )
    path.write_bytes(both.write_csv().encode("utf-8-sig"))
    return both


def test_a_file_exported_across_two_months_is_refused_though_most_of_it_is_in_the_period(months, tmp_path):
    """Over half of the file dated in September, over half of its narratives naming T09/2024, each
    bank's beneficiaries over half paid: it passed the period, month-named and coverage guards (exit
    0), and each beneficiary paid by the August part was an OUT_OF_PERIOD and a MISSING_PAYMENT."""
    both = across_two_months(months, tmp_path / "sao_ke_16-08_15-09.csv")
    folder = months / "2024-09"
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", PERIOD, "--db", db, "--registry", folder / "registry.csv"]
    res = invoke(*args, "--payments", tmp_path / "sao_ke_16-08_15-09.csv", folder / "payments_post.csv")
    assert res.exit_code == 2, res.output
    assert not db.exists()
    dates = both.filter(pl.col("Trạng thái") == "Thành công")["Ngày giao dịch"].str.to_date("%d/%m/%Y")
    line = res.stderr.splitlines()[-1]
    found = re.fullmatch(
        rf"reconcile: error: {re.escape(str(tmp_path / 'sao_ke_16-08_15-09.csv'))}: ([\d,]+) of its ([\d,]+) payments "
        r"\((\d+)%\) are dated outside 2024-09 \(most in 2024-08\), to beneficiaries who have no payment dated in "
        r"2024-09: it holds another month's payments in place of this month's \(its payments run from "
        rf"{dates.min():%d/%m/%Y} to {dates.max():%d/%m/%Y}\); export the payments dated in 2024-09 alone, and run "
        r"again; if they are 2024-09's payments made early, set max_stand_in = 1 in \[checks\] of the config file "
        r"\(--config\) to reconcile them as out of the period",
        line,
    )
    assert found, line
    assert int(found[2].replace(",", "")) == dates.len()
    assert 40 <= int(found[3]) <= 50
    # set to 1, the run goes on: the August part out of the period, its payees unpaid
    config = tmp_path / "c.toml"
    config.write_text("[checks]\nmax_stand_in = 1\n")
    res = invoke(
        *args, "--config", config, "--payments", tmp_path / "sao_ke_16-08_15-09.csv", folder / "payments_post.csv"
    )
    assert res.exit_code == 0, res.output


def test_a_september_file_with_august_re_payments_of_people_paid_in_september_is_no_stand_in(months, tmp_path):
    """The September file with the August payments of a third of its payees beside their September
    ones (late re-payments of last month): each is an OUT_OF_PERIOD, no refusal."""
    folder = months / "2024-09"
    september = read(folder / "payments_bank.csv")
    august = read(months / "2024-08" / "payments_bank.csv")
    third = september["Số tài khoản"].unique().sort()[::3].implode()
    late = august.filter(pl.col("Số tài khoản").is_in(third) & (pl.col("Trạng thái") == "Thành công"))
    path = tmp_path / "bank.csv"
    path.write_bytes(pl.concat([september, late]).write_csv().encode("utf-8-sig"))
    res = invoke(
        "run", "--period", PERIOD, "--db", tmp_path / "r.duckdb", "--registry", folder / "registry.csv",
        "--payments", path, folder / "payments_post.csv", "--config", config_off_named(tmp_path),
    )  # fmt: skip
    assert res.exit_code == 0, res.output


def config_off_named(tmp_path):
    """Their narratives name T08/2024: the month-named guard is not what this is about."""
    path = tmp_path / "named.toml"
    path.write_text("[checks]\nmax_other_month = 1\n")
    return path


def test_a_bank_whose_files_of_both_programmes_look_missing_is_named_alone():
    """A programme is named beside the bank only when the bank's file of the other programme is there:
    with both of BIDV's groups mostly unpaid (a file holding half of each), 'BIDV for pension, BIDV for
    welfare' named two files the officer does not have."""
    from reconcile.checks_coverage import missing_sources, refuse_missing
    from reconcile.config import Checks

    def group(program, bank, n, paid):
        return {"program": program, "channel": "bank", "bank_code": bank, "beneficiaries": n, "with_payment": paid}

    rows = [group("pension", "BIDV", 100, 45), group("welfare", "BIDV", 110, 50), group("welfare", "VCB", 90, 40)]
    rows.append(group("pension", "VCB", 80, 80))
    missing = missing_sources(rows, Checks(), lambda row: row["with_payment"])
    assert str(refuse_missing(missing)) == (
        "the month looks incomplete: most active beneficiaries paid through BIDV (115 of 210), VCB for welfare "
        "(50 of 90) have no payment row dated in the period; the payment files of BIDV and VCB for welfare may be "
        "missing: add them with --payments, or pass --partial to reconcile the month without them (the report will "
        "say PARTIAL)"
    )


def test_a_file_of_two_months_half_and_half_is_refused(months, tmp_path):
    """August's batch and September's in one file, as many of its payments dated in August as in
    September, half its narratives naming T08/2024: at exactly half in the period it passed the
    period guard and the month-named guard (exit 0), every August payment an OUT_OF_PERIOD."""
    folder = months / "2024-09"
    ok = pl.col("Trạng thái") == "Thành công"
    month = pl.col("Ngày giao dịch").str.slice(3)  # dd/mm/yyyy: mm/yyyy
    september = read(folder / "payments_bank.csv")
    dated = september.filter(ok).group_by(month.alias("m")).len()
    count = dict(zip(dated["m"], dated["len"], strict=True))
    august = read(months / "2024-08" / "payments_bank.csv").filter(ok & (month == "08/2024"))
    both = pl.concat([september, august.head(count["09/2024"] - count.get("08/2024", 0))])
    path = tmp_path / "chi_tra_T8_T9.xlsx"
    both.write_excel(path)
    res = invoke(
        "run", "--period", PERIOD, "--db", tmp_path / "r.duckdb", "--registry", folder / "registry.csv",
        "--payments", path, folder / "payments_post.csv",
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    n = both.filter(ok).height
    half = count["09/2024"]
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {path}: only {half:,} of its {n:,} payments ({100 * half / n:.0f}%) are dated in 2024-09; "
        f"{half:,} are dated in 2024-08; check --period, or that this is the payment file of that month"
    )


# --- the post office's list of one commune ---------------------------------------------------------


def test_the_post_office_list_of_one_commune_left_out_is_refused(month, tmp_path):
    """The post office pays cash commune by commune, a list each; the province's cash beneficiaries
    live in six communes. One commune's list left out was a sixth of the cash group: the month
    passed (exit 0), each of its beneficiaries a MISSING_PAYMENT. With --partial it is recorded with its commune."""
    registry = read(month / "registry.csv")
    cash = pl.col("Hình thức chi trả") == "Tiền mặt"
    communes = pl.Series(["26734", "26737", "26740", "26743", "26746", "26749"])
    registry = registry.with_columns(
        pl.when(cash)
        .then(pl.lit(communes).gather(cash.cast(pl.Int64).cum_sum() % 6))
        .otherwise(pl.col("Mã xã"))
        .alias("Mã xã")
    )
    registry.write_csv(tmp_path / "registry.csv")
    post = read(month / "payments_post.csv")
    first = active(registry.filter(cash & (pl.col("Mã xã") == "26734")))
    for commune, part in post.join(
        registry.select(pl.col("Số định danh cá nhân").alias("Số CCCD"), "Mã xã"), on="Số CCCD", how="left"
    ).group_by("Mã xã"):
        part.drop("Mã xã").write_csv(tmp_path / f"buu_dien_xa_{commune[0]}.csv")
    lists = sorted(tmp_path.glob("buu_dien_xa_*.csv"))
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", PERIOD, "--db", db, "--registry", tmp_path / "registry.csv"]
    given = [path for path in lists if "26734" not in path.name]
    res = invoke(*args, "--payments", month / "payments_bank.csv", *given)
    assert res.exit_code == 2, res.output
    assert not db.exists()
    n = first.height
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: the month looks incomplete: most active beneficiaries paid through the post office in "
        f"commune 26734 ({n} of {n}) have no payment row dated in the period; the payment file of the post office in "
        "commune 26734 may be missing: add it with --payments, or pass --partial to reconcile the month without it "
        "(the report will say PARTIAL)"
    )
    res = invoke(*args, "--payments", month / "payments_bank.csv", *given, "--partial")
    assert res.exit_code == 0, res.output
    by_program = first.group_by("Chế độ").len()
    assert res.stdout.splitlines()[0].startswith(f"PARTIAL: {PERIOD} was reconciled without every source (--partial): ")
    for program, count in by_program.iter_rows():
        name = "welfare" if program == WELFARE else "pension"
        assert (
            f"{name} cash (the post office in commune 26734): {count} of {count} active beneficiaries unpaid"
            in res.stdout
        )
    # with it, the month is whole
    assert (
        invoke(*args, "--payments", month / "payments_bank.csv", *lists, "--db", tmp_path / "w.duckdb").exit_code == 0
    )


# --- the registry of one commune ---------------------------------------------------------------------


def test_the_registry_of_one_commune_of_five_left_out_is_refused(month, tmp_path):
    """The province's registry comes as a list per commune, five of them; the banks' and the post
    office's files pay the whole province. One commune's list left out was a fifth of each file's
    payees, under the quarter a file is refused for (max_unmatched): the month passed (exit 0), its
    beneficiaries' payments each an UNKNOWN_PAYEE of programme 'unknown', 100% non-cash. Together,
    the month's payments are a fifth unknown: refused, naming each file and how many."""
    registry = read(month / "registry.csv").head(300)  # a district of the province: 300 beneficiaries
    communes = ["26734", "26737", "26740", "26743", "26746"]
    registry = registry.with_columns(pl.lit(pl.Series(communes * 60)).alias("Mã xã"))
    lists = []
    for commune in communes:
        lists.append(tmp_path / f"danh_sach_xa_{commune}.csv")
        registry.filter(pl.col("Mã xã") == commune).write_csv(lists[-1])
    ids = registry["Số định danh cá nhân"]
    payments = [tmp_path / "chi_tra_ngan_hang.csv", tmp_path / "chi_tra_buu_dien.csv"]
    for path, given, column in zip(payments, ("payments_bank.csv", "payments_post.csv"), ("Số định danh", "Số CCCD")):
        read(month / given).filter(pl.col(column).is_in(ids.to_list())).write_csv(path)
    db = tmp_path / "r.duckdb"
    res = invoke("run", "--period", PERIOD, "--db", db, "--registry", *lists[:4], "--payments", *payments)
    assert res.exit_code == 2, res.output
    assert not db.exists()
    left_out = set(registry.filter(pl.col("Mã xã") == "26746")["Số định danh cá nhân"])
    # each file's unknown payees are the payments to the commune left out
    by_id = [
        read(path)["Số định danh" if "ngan_hang" in path.name else "Số CCCD"].is_in(left_out).sum() for path in payments
    ]
    n = sum(read(path).height for path in payments)
    found = re.fullmatch(
        rf"reconcile: error: ([\d,]+) of the month's {n:,} payments \((\d+)%\) match no beneficiary of the registry "
        rf"\({re.escape(', '.join(map(str, lists[:4])))}\): {re.escape(str(payments[0]))} \(([\d,]+)\), "
        rf"{re.escape(str(payments[1]))} \(([\d,]+)\); give the registry of every programme and area \(every "
        r"commune's list\) these payments are for, whole, with --registry; to reconcile such a month anyway, raise "
        r"max_unmatched_month in the config file",
        res.stderr.splitlines()[-1],
    )
    assert found, res.stderr
    unknown, share, bank, post = (int(found[i].replace(",", "")) for i in (1, 2, 3, 4))
    assert (unknown, bank, post) == (sum(by_id), *by_id)
    assert share == round(100 * unknown / n) and 15 <= share < 25
    assert bank < 0.25 * read(payments[0]).height and post < 0.25 * read(payments[1]).height  # max_unmatched


def test_a_batch_of_the_period_value_dated_in_the_next_month_s_first_days_is_told_as_paid_late():
    """A September batch a third of which the bank value-dated 01/10: the message told the officer
    that, if they were September's payments "made early", max_stand_in = 1 lets them through, of
    payments dated after the period. It says late when most of them fall after it, early before."""
    from datetime import date

    from reconcile import checks
    from reconcile.config import Checks
    from reconcile.errors import InputFileError

    row = {"file_id": 1, "n": 85, "stand_in": 28, "first": date(2024, 9, 30), "last": date(2024, 10, 1)}
    for top_month, when in ((202410, "late"), (202408, "early")):
        with pytest.raises(InputFileError) as refused:
            checks.check_stand_in([{**row, "top_month": top_month}], {1: "VBA_T09.csv"}, PERIOD, Checks())
        assert refused.value.fix == (
            f"export the payments dated in 2024-09 alone, and run again; if they are 2024-09's payments made {when}, "
            "set max_stand_in = 1 in [checks] of the config file (--config) to reconcile them as out of the period"
        )
