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
