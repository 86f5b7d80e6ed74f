"""Source coverage, from files as banks hand them over: each bank sends a file per payer (the
pension file of Social Security, the welfare file of the welfare office), and a registry may name
no bank at all. A file left out is refused (exit 2, the database byte for byte as before), never a
clean-looking month of MISSING_PAYMENT findings.
"""

from __future__ import annotations

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
