"""A statement export names the payee's account in its counterparty column, headed as each bank
writes it: `Tài khoản đối ứng`, and at MB and others `Số TK đối ứng` or `TK đối ứng`. The last two
were ignored (`check` alone said so): Phạm Thị Đức paid into a stranger's account passed with no
ACCOUNT_MISMATCH."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from reconcile.cli import cli

REGISTRY = """Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Mã tỉnh,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1500000,Chuyển khoản,VCB,0071000000001,01,Đang hưởng
001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2250000,Chuyển khoản,VCB,0071000000002,01,Đang hưởng
001140012345,Phạm Thị Đức,04/04/1940,Nữ,Trợ cấp xã hội,750000,Chuyển khoản,VCB,0071000000004,01,Đang hưởng
"""
PAID = (
    ("079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 1_500_000),
    ("001038005555", "TRAN VAN BINH", "0071000000002", 2_250_000),
    ("001140012345", "PHAM THI DUC", "0071000009999", 750_000),  # a stranger's account
)


@pytest.mark.parametrize("header", ["Tài khoản đối ứng", "Số TK đối ứng", "TK đối ứng"])
def test_the_counterparty_s_account_is_the_payee_s_however_headed(tmp_path, header):
    (tmp_path / "reg.csv").write_text(REGISTRY, encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    for row in (
        ["NGÂN HÀNG TMCP QUÂN ĐỘI - MB"],
        ["SAO KÊ CHI TIẾT TÀI KHOẢN"],
        ["Số tài khoản: 0801234567890"],
        [],
        [
            "Ngày GD",
            "Mã GD",
            "Số tiền ghi nợ",
            "Số tiền ghi có",
            "Số dư",
            "Nội dung chi tiết",
            "Tên TK đối ứng",
            header,
        ],
    ):
        ws.append(row)
    balance = 100_000_000
    ws.append([dt.datetime(2024, 9, 1), None, None, None, balance, "Số dư đầu kỳ", None, None])
    for i, (vneid, name, account, amount) in enumerate(PAID):
        balance -= amount
        ws.append(
            [
                dt.datetime(2024, 9, 5),
                f"FT{i:05d}",
                amount,
                None,
                balance,
                f"CHI TRO CAP T9/2024 CCCD {vneid}",
                name,
                account,
            ]
        )
    wb.save(tmp_path / "mb.xlsx")
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(
        cli,
        ["--lang", "en", "run", "--period", "2024-09", "--registry", str(tmp_path / "reg.csv"),
         "--payments", str(tmp_path / "mb.xlsx"), "--db", str(db)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid FROM flags ORDER BY ALL").fetchall() == [
            ("ACCOUNT_MISMATCH", "001140012345")
        ]
        assert con.execute("SELECT account_number FROM payments ORDER BY payment_ref").fetchall() == [
            ("0071000000001",), ("0071000000002",), ("0071000009999",)
        ]  # fmt: skip
