"""A registry given commune by commune, one commune's list left out: the banks pay the province from
one file, so each payment to that commune's beneficiaries matched no one, too few for the month-wide
guard (max_unmatched_month, at least min_group). The registry of the month before, in the database,
says whose they were: the month is refused (exit 2, the database byte for byte as before), and a
commune whose beneficiaries are listed under another code is not."""

from __future__ import annotations

import duckdb
import polars as pl
from click.testing import CliRunner

from conftest import SAMPLE, copy_db, write_csv
from reconcile.cli import cli

WELFARE = "Trợ cấp xã hội"


def _october(tmp_path, registry: pl.DataFrame) -> list:
    """The sample's bank file a month later, against `registry` (its cash beneficiaries left out, the
    post office's list being September's), as run after the sample month (2024-09) in its database."""
    registry = registry.filter(pl.col("Hình thức chi trả") != "Tiền mặt")
    (tmp_path / "danh_sach_T10.csv").write_bytes(registry.write_csv().encode("utf-8-sig"))
    bank = pl.read_csv(SAMPLE / "bank_transfers.csv", infer_schema=False)
    later = pl.col("Ngày giao dịch").str.replace("/09/2024", "/10/2024").str.replace("/08/2024", "/09/2024")
    month = pl.col("Nội dung").str.replace(r"T0?9/2024", "T10/2024")
    bank.with_columns(later, month).write_csv(tmp_path / "vcb_T10.csv")
    return ["--lang", "en", "run", "--period", "2024-10", "--registry", tmp_path / "danh_sach_T10.csv",
            "--payments", tmp_path / "vcb_T10.csv"]  # fmt: skip


def test_a_commune_s_list_left_out_is_refused_by_the_registry_of_the_month_before(sample_month, tmp_path):
    """Commune 26740's welfare list (18 paid by bank or e-wallet) left out, its pension list given:
    16 successful payments dated in October to them became UNKNOWN_PAYEE, of 295, under both guards
    of unknown payees, and the month passed with exit 0."""
    db, before = copy_db(sample_month.db, tmp_path)
    registry = pl.read_csv(SAMPLE / "registry.csv", infer_schema=False)
    left_out = (pl.col("Mã xã") == "26740") & (pl.col("Chế độ") == WELFARE)
    res = CliRunner().invoke(cli, [str(a) for a in [*_october(tmp_path, registry.filter(~left_out)), "--db", db]])
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: 16 of the month's payments match no beneficiary of the registry "
        f"({tmp_path / 'danh_sach_T10.csv'}) but went to the IDs or accounts of beneficiaries of commune 26740 "
        "(16) in the registry of 2024-09, of whom this registry lists no one: its list was probably left "
        "out; give it with --registry and run again (if none of them is a beneficiary any more, set min_source = 0 "
        "in [checks] of the config file to reconcile the month)"
    )
    assert db.read_bytes() == before


def test_a_commune_listed_under_its_new_code_is_no_list_left_out(sample_month, tmp_path):
    """Communes merged (July 2025): commune 00008's beneficiaries listed under another code are
    matched, and nothing is refused."""
    db, _ = copy_db(sample_month.db, tmp_path)
    registry = pl.read_csv(SAMPLE / "registry.csv", infer_schema=False)
    merged = pl.when(pl.col("Mã xã") == "00008").then(pl.lit("00010")).otherwise(pl.col("Mã xã")).alias("Mã xã")
    res = CliRunner().invoke(cli, [str(a) for a in [*_october(tmp_path, registry.with_columns(merged)), "--db", db]])
    assert res.exit_code == 0, res.output


def test_people_taken_off_a_merged_commune_s_list_and_paid_anyway_are_unknown_payees_not_a_list_left_out(
    sample_month, tmp_path
):
    """Commune 15460 merged into another (its 22 welfare beneficiaries paid by bank listed under code
    15461), 5 of them taken off the list and paid anyway: 5 more UNKNOWN_PAYEE than the sample's own,
    not a refusal saying the commune's list was left out (a list left out leaves most of its people
    paid and unknown)."""
    db, _ = copy_db(sample_month.db, tmp_path)
    registry = pl.read_csv(SAMPLE / "registry.csv", infer_schema=False)
    commune = (pl.col("Mã xã") == "15460") & (pl.col("Chế độ") == WELFARE) & (pl.col("Hình thức chi trả") != "Tiền mặt")
    taken_off = registry.filter(commune).head(5)["Số định danh cá nhân"].to_list()
    merged = pl.when(pl.col("Mã xã") == "15460").then(pl.lit("15461")).otherwise(pl.col("Mã xã")).alias("Mã xã")
    registry = registry.filter(~pl.col("Số định danh cá nhân").is_in(taken_off)).with_columns(merged)
    res = CliRunner().invoke(cli, [str(a) for a in [*_october(tmp_path, registry), "--db", db]])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        unknown = {
            period: sorted(v or "" for (v,) in con.execute(
                "SELECT vneid FROM flags WHERE period = ? AND code = 'UNKNOWN_PAYEE'", [period]).fetchall())
            for period in ("2024-09", "2024-10")
        }  # fmt: skip
    assert unknown["2024-10"] == sorted(unknown["2024-09"] + taken_off)


def test_the_post_office_s_list_of_a_commune_left_out_of_the_registry_is_refused(tmp_path):
    """The first month in a database: the post office's list of commune 26799 (6 paid in cash) given,
    the commune's registry list not. Its 6 payments matched no one, fewer than min_group, and the month
    passed with exit 0: counted as no programme's, the welfare share read 100%, 'met'."""
    registry = pl.read_csv(SAMPLE / "registry.csv", infer_schema=False).filter(pl.col("Trạng thái") == "Đang hưởng")
    cash = pl.col("Hình thức chi trả") == "Tiền mặt"
    (tmp_path / "danh_sach.csv").write_bytes(registry.filter(~cash).write_csv().encode("utf-8-sig"))
    post = write_csv(
        tmp_path / "buu_dien_xa_26799.csv",
        ["Mã giao dịch", "Số CCCD", "Họ và tên", "Số tiền", "Ngày chi trả", "Hình thức chi trả", "Trạng thái"],
        [
            [f"BD{i}", row["Số định danh cá nhân"], row["Họ và tên"], row["Số tiền hưởng"], "05/09/2024", "Tiền mặt",
             "Thành công"]
            for i, row in enumerate(registry.filter(cash).head(6).iter_rows(named=True))
        ],
        bom=True,
    )  # fmt: skip
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(
        cli,
        [str(a) for a in ["--lang", "en", "run", "--period", "2024-09", "--db", db, "--registry",
                          tmp_path / "danh_sach.csv", "--payments", SAMPLE / "bank_transfers.csv", post]],
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {post}: 6 of its 6 payments (100%) match no beneficiary of the registry "
        f"({tmp_path / 'danh_sach.csv'}); give the registry of every programme and area these payments are for, "
        "whole, with --registry; to reconcile such a month anyway, raise max_unmatched in the config file"
    )
    assert not db.exists()
