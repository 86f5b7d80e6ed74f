"""A bank's batch detail (bảng kê chi tiết lệnh chi) gives both accounts of each transfer: the one
debited (`Số tài khoản ghi nợ`, the paying office's, the same on every row) and the one credited
(`Số tài khoản ghi có`, the beneficiary's), and both banks. The bank disbursement profile, finding no
header that is its `Số tài khoản` whole, took the first that holds those words: the office's account
was every payee's, and so the paying bank for `Ngân hàng`. A list without IDs matched no one by that
account (each payment an UNKNOWN_PAYEE, each beneficiary a MISSING_PAYMENT); with IDs, each payment
was an ACCOUNT_MISMATCH into one shared account. The payer's side is no payee column."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner
from openpyxl import Workbook

from conftest import write_csv
from reconcile.cli import cli
from reconcile.header_words import payer_side as _payer_side

REGISTRY = [
    ["079196118125", "Nguyễn Thị Thanh Hương", "25/11/1996", "Nữ", "Trợ cấp xã hội", "1.500.000", "Chuyển khoản", "BIDV", "0205380810795", "79", "Đang hưởng"],
    ["001038005555", "Trần Văn Bình", "02/02/1938", "Nam", "Trợ cấp xã hội", "750.000", "Chuyển khoản", "ICB", "0194650323160", "01", "Đang hưởng"],
]  # fmt: skip
REGISTRY_HEADER = ["Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Giới tính", "Chế độ", "Số tiền hưởng",
                   "Hình thức chi trả", "Mã ngân hàng", "Số tài khoản", "Mã tỉnh", "Trạng thái"]  # fmt: skip


def batch_detail(path) -> None:
    wb = Workbook()
    ws = wb.active
    for row in [
        ["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM - CHI NHÁNH BÌNH DƯƠNG"],
        ["BẢNG KÊ CHI TIẾT LỆNH CHI"],
        [],
        ["STT", "Số tham chiếu", "Số tài khoản ghi nợ", "Tên tài khoản chuyển", "Số tài khoản ghi có",
         "Tên người thụ hưởng", "Ngân hàng chuyển", "Ngân hàng nhận", "Số tiền", "Ngày giao dịch", "Nội dung"],
        [1, "FT24249001", "0071000123456", "PHONG LDTBXH THI XA TAN UYEN", "0205380810795", "NGUYEN THI THANH HUONG",
         "VCB", "BIDV", 1500000, "05/09/2024", "CHI TRO CAP XA HOI T09/2024"],
        [2, "FT24249002", "0071000123456", "PHONG LDTBXH THI XA TAN UYEN", "0194650323160", "TRAN VAN BINH",
         "VCB", "VietinBank", 750000, "05/09/2024", "CHI TRO CAP XA HOI T09/2024"],
    ]:  # fmt: skip
        ws.append(row)
    wb.save(path)


def test_the_account_debited_is_not_the_payee_s(tmp_path):
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY)
    batch_detail(tmp_path / "bang_ke.xlsx")
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(registry)]
    result = CliRunner().invoke(cli, [*args, "--payments", str(tmp_path / "bang_ke.xlsx")])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid FROM flags").fetchall() == []
        assert con.execute("SELECT payment_ref, account_number, bank_code FROM payments ORDER BY 1").fetchall() == [
            ("FT24249001", "0205380810795", "BIDV"),
            ("FT24249002", "0194650323160", "ICB"),
        ]
    check = CliRunner().invoke(cli, ["check", str(tmp_path / "bang_ke.xlsx"), "--as", "payments"])
    assert "Số tài khoản ghi có -> account_number" in check.output
    assert "Ngân hàng nhận -> bank_code" in check.output
    assert "ignored: Số tài khoản ghi nợ, Tên tài khoản chuyển, Ngân hàng chuyển" in check.output


def test_a_header_that_names_the_payee_s_side_too_is_the_payee_s():
    """`chuyển` makes a header the payer's (`Tên tài khoản chuyển`), unless it names the payee's side
    as well: `Số tài khoản nhận chuyển khoản` is where the transfer went."""
    assert _payer_side("account_number", "Số tài khoản ghi nợ", "so tai khoan")
    assert _payer_side("account_number", "Số TK chuyển", "so tk")
    assert _payer_side("payee_name", "Tên tài khoản chuyển", "ten tai khoan")
    assert not _payer_side("account_number", "Số tài khoản nhận chuyển khoản", "so tai khoan")
    assert not _payer_side("account_number", "Số tài khoản ghi có", "so tai khoan")
    assert not _payer_side("payee_name", "Tên người thụ hưởng chuyển khoản", "ten")
    assert not _payer_side("amount", "Số tiền ghi nợ", "so tien")
