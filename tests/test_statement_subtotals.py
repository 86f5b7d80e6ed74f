"""A Vietcombank statement export labels its `Tổng số/ Total` row in the STT column; a day's subtotal
(`Cộng phát sinh ngày 05/09/2024`) labelled there too is set aside as a total row, as one written in
the narrative is. It was rejected as a payment without reference, payee or date, and its amount,
counted with the rows read, made the file's own total disagree: a whole month refused."""

from __future__ import annotations

import datetime as dt

import duckdb
from openpyxl import Workbook

from conftest import reconciled

REGISTRY = """Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Mã tỉnh,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0071000000001,79,Đang hưởng
001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2.250.000,Chuyển khoản,VCB,0071000000002,01,Đang hưởng
001145007788,Lê Thị Hồng Nhung,03/03/1945,Nữ,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0071000000003,01,Đang hưởng
"""


def test_a_day_s_subtotal_in_the_stt_column_is_a_total_row(tmp_path):
    office = "CT tu 0071000123456 UBND XA AN PHU toi"
    wb = Workbook()
    ws = wb.active
    for row in [
        ["SAO KÊ TÀI KHOẢN/ STATEMENT OF ACCOUNT"],
        [],
        ["STT No.", "Ngày1/ TNX Date/ Số CT", "Ngày hiệu lực2/ Effective Date", "Số tiền ghi nợ/ Debit",
         "Số tiền ghi có/ Credit", "Số dư/ Balance", "Nội dung chi tiết/ Transactions in detail"],
        [1, "05/09/2024 / 5254 - 05357", dt.datetime(2024, 9, 5, 14, 23, 11), 1500000, None, 98500000,
         f"{office} 0071000000001 NGUYEN THI THANH HUONG tai VCB CCCD 079196118125"],
        [2, "05/09/2024 / 5254 - 05358", dt.datetime(2024, 9, 5, 14, 23, 40), 2250000, None, 96250000,
         f"{office} 0071000000002 TRAN VAN BINH tai VCB CCCD 001038005555"],
        ["Cộng phát sinh ngày 05/09/2024", None, None, 3750000, None, None, None],
        [3, "06/09/2024 / 5260 - 00001", dt.datetime(2024, 9, 6, 9, 0, 0), 1000000, None, 95250000,
         f"{office} 0071000000003 LE THI HONG NHUNG tai VCB CCCD 001145007788"],
        [4, "06/09/2024 / 5260 - 00002", dt.datetime(2024, 9, 6, 9, 0, 5), 11000, None, 95239000,
         "Thu phi dich vu chuyen tien"],
        ["Tổng số/ Total", None, None, 4761000, None, None, None],
    ]:  # fmt: skip
        ws.append(row)
    path = tmp_path / "sao_ke.xlsx"
    wb.save(path)
    (tmp_path / "run").mkdir()
    db = reconciled(tmp_path / "run", REGISTRY, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT source_row, reason, set_aside FROM rejected_rows ORDER BY source_row"
        ).fetchall() == [
            (6, "a total row (profile vcb-statement)", True),
            (8, "bank charges (profile vcb-statement)", True),
        ]
        assert con.execute("SELECT vneid, amount FROM payments ORDER BY source_row").fetchall() == [
            ("079196118125", 1500000),
            ("001038005555", 2250000),
            ("001145007788", 1000000),
        ]
        assert con.execute("SELECT control_source, control_amount FROM inputs WHERE role = 'payments'").fetchone() == (
            "totals row 9",
            4761000,
        )
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)


def test_a_transaction_date_cell_with_its_time_gives_the_document_number_alone(tmp_path):
    """Some exports write the time after the date in the `TNX Date/ Số CT` cell (`05/09/2024 14:23:11 /
    5254 - 05357`): the reference was `14:23:11 / 5254 - 05357`, time and all, so the same transfer in
    the bank's other export (the document number alone) was a reference of its own."""
    wb = Workbook()
    ws = wb.active
    for row in [
        ["STT No.", "Ngày1/ TNX Date/ Số CT", "Ngày hiệu lực2/ Effective Date", "Số tiền ghi nợ/ Debit",
         "Số tiền ghi có/ Credit", "Số dư/ Balance", "Nội dung chi tiết/ Transactions in detail"],
        [1, "05/09/2024 14:23:11 / 5254 - 05357", None, 1500000, None, 98500000,
         "CT tu 0071000123456 UBND XA AN PHU toi 0071000000001 NGUYEN THI THANH HUONG tai VCB CCCD 079196118125"],
        [2, "06/09/2024 09:00 5260 - 00001", None, 1000000, None, 97500000,
         "CT tu 0071000123456 UBND XA AN PHU toi 0071000000003 LE THI HONG NHUNG tai VCB CCCD 001145007788"],
    ]:  # fmt: skip
        ws.append(row)
    path = tmp_path / "sao_ke.xlsx"
    wb.save(path)
    db = reconciled(tmp_path, REGISTRY, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, value_date::VARCHAR FROM payments ORDER BY source_row").fetchall() == [
            ("5254 - 05357", "2024-09-05"),
            ("5260 - 00001", "2024-09-06"),
        ]
