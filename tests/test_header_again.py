"""An export printed page by page heads each page with the header row again. That row is no payment
and no fault: it is set aside with its reason, not rejected as a row whose amount cannot be read,
which turned the file's totals row check off (the amount of a file with an unreadable amount is not
compared) and let a file whose total disagrees pass as `agrees with its totals row`."""

from __future__ import annotations

import datetime as dt

import duckdb
from click.testing import CliRunner
from openpyxl import Workbook

from conftest import write_csv
from reconcile.cli import cli

REGISTRY = """Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Mã tỉnh,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0071000000001,79,Đang hưởng
001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2.250.000,Chuyển khoản,VCB,0071000000002,01,Đang hưởng
001145007788,Lê Thị Hồng Nhung,03/03/1945,Nữ,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0071000000003,01,Đang hưởng
001140012345,Phạm Thị Đức,04/04/1940,Nữ,Trợ cấp xã hội,750.000,Chuyển khoản,VCB,0071000000004,01,Đang hưởng
"""

HEADER = [
    "Mã giao dịch",
    "Số định danh",
    "Họ tên người nhận",
    "Số tài khoản",
    "Số tiền",
    "Ngày chi trả",
    "Kênh chi trả",
]
ROWS = [
    ["CT001", "079196118125", "Nguyễn Thị Thanh Hương", "0071000000001", "1.500.000", "05/09/2024", "bank"],
    ["CT002", "001038005555", "Trần Văn Bình", "0071000000002", "2.250.000", "05/09/2024", "bank"],
    HEADER,  # page 2
    ["CT003", "001145007788", "Lê Thị Hồng Nhung", "0071000000003", "1.000.000", "05/09/2024", "bank"],
    ["CT004", "001140012345", "Phạm Thị Đức", "0071000000004", "750.000", "05/09/2024", "bank"],
]


def run(tmp_path, payments):
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(tmp_path / "registry.csv")]
    return CliRunner().invoke(cli, [*args, "--payments", str(payments)]), db


def test_a_list_whose_total_disagrees_is_refused_though_a_page_repeats_its_header(tmp_path):
    """5,500,000 read, the totals row says 6,000,000: a row is missing. It passed, exit 0, `checked:
    chi_tra.csv agrees with its totals row 7`, the header row rejected."""
    path = write_csv(tmp_path / "chi_tra.csv", HEADER, [*ROWS, ["Tổng cộng", "", "", "", "6.000.000", "", ""]])
    result, db = run(tmp_path, path)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {path}: its totals row 7 says 6,000,000 VND but 4 rows of 5,500,000 VND were read; "
        "check that the file is complete (no rows cut off or left on another sheet) and that the totals row is "
        "the file's own"
    )
    assert not db.exists()


def test_a_statement_export_printed_page_by_page_is_read_whole(tmp_path):
    """A Vietcombank statement whose second page repeats the bilingual header: the header row set aside,
    the payments loaded, no row rejected, and the totals row checked against the debits."""
    header = ["STT No.", "Ngày1/ TNX Date/ Số CT", "Ngày hiệu lực2/ Effective Date", "Số tiền ghi nợ/ Debit",
              "Số tiền ghi có/ Credit", "Số dư/ Balance", "Nội dung chi tiết/ Transactions in detail"]  # fmt: skip
    office = "CT tu 0071000123456 UBND XA AN PHU toi"
    wb = Workbook()
    ws = wb.active
    for row in [
        ["SAO KÊ TÀI KHOẢN/ STATEMENT OF ACCOUNT"],
        [],
        header,
        [1, "05/09/2024 / 5254 - 05357", dt.datetime(2024, 9, 5, 14, 23, 11), 1500000, None, 98500000,
         f"{office} 0071000000001 NGUYEN THI THANH HUONG tai VCB CCCD 079196118125"],
        [2, "05/09/2024 / 5254 - 05358", dt.datetime(2024, 9, 5, 14, 23, 40), 2250000, None, 96250000,
         f"{office} 0071000000002 TRAN VAN BINH tai VCB CCCD 001038005555"],
        header,
        [3, "06/09/2024 / 5260 - 00001", dt.datetime(2024, 9, 6, 9, 0, 0), 1000000, None, 95250000,
         f"{office} 0071000000003 LE THI HONG NHUNG tai VCB CCCD 001145007788"],
        [4, "06/09/2024 / 5260 - 00002", dt.datetime(2024, 9, 6, 9, 0, 5), 750000, None, 94500000,
         f"{office} 0071000000004 PHAM THI DUC tai VCB CCCD 001140012345"],
        ["Tổng số/ Total", None, None, 5500000, None, None, None],
    ]:  # fmt: skip
        ws.append(row)
    path = tmp_path / "sao_ke.xlsx"
    wb.save(path)
    result, db = run(tmp_path, path)
    assert result.exit_code == 0, result.output
    assert f"checked: {path} [Sheet] agrees with its totals row 9" in result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall() == [
            (6, "the header row again (a new page of the export)")
        ]
        assert con.execute("SELECT vneid, amount FROM payments ORDER BY source_row").fetchall() == [
            ("079196118125", 1500000),
            ("001038005555", 2250000),
            ("001145007788", 1000000),
            ("001140012345", 750000),
        ]
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)
