"""An e-wallet (or a bank) paying fewer beneficiaries than a source the month refuses to go without
(min_source, 5), whose file was left out: its three people were three MISSING_PAYMENT findings, and
nothing said that a file was missing. The run now says so (a warning kept with the run), as it does of
the post office's few cash beneficiaries; a bank's one unpaid beneficiary is one payment, no file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from click.testing import CliRunner

from reconcile.cli import cli

HEAD = (
    "Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,"
    "Mã tỉnh\n"
)
WALLET = [(f"079150000{i:03d}", f"Nguyễn Văn Ví {i}", f"0912345{i:03d}") for i in range(1, 4)]
BANK = [(f"001150001{i:03d}", f"Trần Thị Ngân {i}", f"0011001{i:06d}") for i in range(1, 26)]


def _month(tmp_path: Path, wallet_paid: bool, bank_unpaid: int = 0) -> tuple[Path, list[Path]]:
    rows = [f"{v},{n},01/01/1950,Trợ cấp xã hội,500.000,Ví điện tử,MOMO,{a},79\n" for v, n, a in WALLET]
    rows += [f"{v},{n},01/01/1950,Trợ cấp xã hội,500.000,Chuyển khoản,VCB,{a},01\n" for v, n, a in BANK]
    (tmp_path / "registry.csv").write_text(HEAD + "".join(rows), encoding="utf-8")
    pay = "Mã giao dịch,Số CCCD,Họ và tên,Ngân hàng,Số tài khoản,Số tiền,Ngày giao dịch,Kênh chi trả\n"
    bank = tmp_path / "vcb.csv"
    bank.write_text(
        pay
        + "".join(
            f"FT2409{i:05d},{v},{n},VCB,{a},500.000,05/09/2024,Chuyển khoản\n"
            for i, (v, n, a) in enumerate(BANK[bank_unpaid:])
        ),
        encoding="utf-8",
    )
    files = [bank]
    if wallet_paid:
        wallet = tmp_path / "momo.csv"
        wallet.write_text(
            pay
            + "".join(
                f"MM2409{i:05d},{v},{n},MOMO,{a},500.000,05/09/2024,Ví điện tử\n" for i, (v, n, a) in enumerate(WALLET)
            ),
            encoding="utf-8",
        )
        files.append(wallet)
    return tmp_path / "registry.csv", files


def _run(tmp_path: Path, registry: Path, payments: list[Path]) -> tuple[list[str], list[str]]:
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db), "--registry", str(registry)]
    res = CliRunner().invoke(cli, args + [a for p in payments for a in ("--payments", str(p))])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        (stored,) = con.execute("SELECT warnings FROM runs").fetchone()
    return [w["message"] for w in json.loads(stored or "[]")], res.stdout.splitlines()


def test_an_e_wallet_of_three_left_out_is_said(tmp_path):
    warnings, summary = _run(tmp_path, *_month(tmp_path, wallet_paid=False))
    assert warnings == [
        "none of the 3 active beneficiaries paid through MOMO (an e-wallet) has a payment row dated in the period: "
        "the payment file of MOMO may be missing (each is a MISSING_PAYMENT); give it with --payments and run again, "
        "or check that none of them was paid"
    ]
    assert summary[0].startswith("WARNING: the 1 warning above may mean a file is missing")


def test_the_e_wallet_given_or_one_unpaid_says_nothing(tmp_path):
    assert _run(tmp_path, *_month(tmp_path, wallet_paid=True, bank_unpaid=1))[0] == []


def test_a_small_bank_whose_payments_are_in_the_file_given_but_out_of_the_month_says_nothing(tmp_path):
    """Its three people paid on 31/08 in the one file given, beside the bank's payments of the month:
    OUT_OF_PERIOD and MISSING_PAYMENT findings, and no file missing."""
    registry, files = _month(tmp_path, wallet_paid=True)
    bank, wallet = files
    early = wallet.read_text(encoding="utf-8").replace("05/09/2024", "31/08/2024").splitlines()[1:]
    bank.write_text(bank.read_text(encoding="utf-8") + "".join(line + "\n" for line in early), encoding="utf-8")
    assert _run(tmp_path, registry, [bank])[0] == []
