"""Banks head their columns in short: `STK nhận` (số tài khoản nhận: the account credited), `NH nhận`
(the bank), `Nội dung CK` (the transfer's narrative), `Số TK`. Those headers were not recognised and
the columns were left unread, said only as `ignored` by `reconcile check`: a month paid into the
wrong accounts ran to exit 0 with no ACCOUNT_MISMATCH nor SHARED_ACCOUNT, and the payments whose ID
is only in the narrative were UNKNOWN_PAYEE, their beneficiaries MISSING_PAYMENT. A header naming
the payee's side (`nhận`, `thụ hưởng`) or the transfer (`CK`) after a known one is that one."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from conftest import write_csv
from reconcile.cli import cli
from reconcile.readers.lookup import canonical_of, header_lookup

REGISTRY_HEADER = ["Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Giới tính", "Chế độ", "Số tiền hưởng",
                   "Hình thức chi trả", "Mã ngân hàng", "Số tài khoản", "Mã tỉnh", "Trạng thái"]  # fmt: skip
REGISTRY = [
    ["079196118125", "Nguyễn Thị Thanh Hương", "25/11/1996", "Nữ", "Trợ cấp xã hội", "1.500.000", "Chuyển khoản", "BIDV", "0205380810795", "79", "Đang hưởng"],
    ["001038005555", "Trần Văn Bình", "02/02/1938", "Nam", "Trợ cấp xã hội", "750.000", "Chuyển khoản", "ICB", "0194650323160", "01", "Đang hưởng"],
    ["001145007788", "Lê Thị Hồng Nhung", "03/03/1945", "Nữ", "Trợ cấp xã hội", "1.000.000", "Chuyển khoản", "ICB", "0194650323161", "01", "Đang hưởng"],
]  # fmt: skip
BANK_HEADER = [
    "Số tham chiếu",
    "Tên TK nhận",
    "STK nhận",
    "NH nhận",
    "Số tiền (VNĐ)",
    "Ngày GD",
    "Nội dung CK",
    "Kênh chi trả",
]
BANK = [
    ["FT24249001", "NGUYEN THI THANH HUONG", "0205380810795", "BIDV", "1.500.000", "05/09/2024", "CHI TRO CAP T09/2024 CCCD 079196118125", "Chuyển khoản"],
    # paid into another account than Bình's registered one
    ["FT24249002", "TRAN VAN BINH", "0194650329999", "VietinBank", "750.000", "05/09/2024", "CHI TRO CAP T09/2024 CCCD 001038005555", "Chuyển khoản"],
    ["FT24249003", "LE THI HONG NHUNG", "0194650323161", "VietinBank", "1.000.000", "05/09/2024", "CHI TRO CAP T09/2024 CCCD 001145007788", "Chuyển khoản"],
]  # fmt: skip


def test_a_bank_list_headed_in_short_is_read_whole(tmp_path):
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY)
    bank = write_csv(tmp_path / "bank.csv", BANK_HEADER, BANK)
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(registry), "--payments", str(bank)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall() == [
            ("ACCOUNT_MISMATCH", "001038005555", "FT24249002")
        ]
        assert con.execute("SELECT vneid, account_number, bank_code FROM payments ORDER BY source_row").fetchall() == [
            ("079196118125", "0205380810795", "BIDV"),
            ("001038005555", "0194650329999", "ICB"),
            ("001145007788", "0194650323161", "ICB"),
        ]
        assert con.execute("SELECT account_number, bank_code FROM registry ORDER BY source_row").fetchall() == [
            ("0205380810795", "BIDV"),
            ("0194650323160", "ICB"),
            ("0194650323161", "ICB"),
        ]


@pytest.mark.parametrize(
    ("kind", "header", "canonical"),
    [
        ("payments", "STK nhận", "account_number"),
        ("payments", "Số TK người nhận", "account_number"),
        ("payments", "Tài khoản thụ hưởng", "account_number"),
        ("payments", "NH nhận", "bank_code"),
        ("payments", "Ngân hàng người thụ hưởng", "bank_code"),
        ("payments", "Nội dung CK", "narrative"),
        ("payments", "Nội dung chuyển tiền", "narrative"),
        ("payments", "Số TK người hưởng", "account_number"),
        ("payments", "Tài khoản chuyển tiền", None),
        ("payments", "Số tiền CK (VNĐ)", "amount"),
        ("payments", "Số tiền nhận", "amount"),
        ("registry", "Số TK", "account_number"),
        ("registry", "Tên ngân hàng", "bank_code"),
        ("payments", "STK chuyển", None),  # the account paid from
        ("payments", "Ngân hàng chuyển", None),
        ("payments", "Số tiền thực nhận", None),  # read by the post office's profile, not by its words
    ],
)
def test_headers_in_short(kind, header, canonical):
    assert canonical_of(header_lookup(kind), header) == canonical
