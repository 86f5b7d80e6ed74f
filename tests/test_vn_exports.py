"""Values as Vietnamese banks, the post office and an office's Excel write them, each of which a real
month's file holds and the readers rejected row by row: amounts grouped by spaces with a zero fraction
after a comma (`1 500 000,00`, the space a no-break or narrow no-break one as a French or Vietnamese
locale writes it)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl

from conftest import reconciled

REGISTRY = """Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Mã tỉnh,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,"1 500 000,00",Chuyển khoản,VCB,0071000000001,79,Đang hưởng
001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,"2\u00a0250\u00a0000,00",Chuyển khoản,VCB,0071000000002,01,Đang hưởng
001145007788,Lê Thị Hồng Nhung,03/03/1945,Nữ,Trợ cấp xã hội,"1\u202f000\u202f000,00",Chuyển khoản,VCB,0071000000003,01,Đang hưởng
"""
BANK = "Số tham chiếu,Số định danh,Tên người thụ hưởng,Ngân hàng thụ hưởng,Số tài khoản,Số tiền,Ngày giao dịch,Kênh chi trả,Trạng thái\n"


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_amounts_grouped_by_spaces_with_a_zero_fraction_after_a_comma(tmp_path):
    """`1 500 000,00`, its spaces plain, no-break (U+00A0) or narrow no-break (U+202F), in the
    registry's CSV and in a bank's xlsx of text cells: every row was rejected as an amount with a
    fraction or bad grouping. `1 500,000` (a group, or three decimals?) is still refused."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(BANK.strip().split(","))
    for ref, vneid, name, account, amount in [
        ("FT1", "079196118125", "NGUYEN THI THANH HUONG", "0071000000001", "1 500 000,00"),
        ("FT2", "001038005555", "TRAN VAN BINH", "0071000000002", "2\u00a0250\u00a0000,00 đ"),
        ("FT3", "001145007788", "LE THI HONG NHUNG", "0071000000003", "1\u202f000,000"),
    ]:
        sheet.append([ref, vneid, name, "VCB", account, amount, "05/09/2024", "Chuyển khoản", "Thành công"])
    bank = tmp_path / "sao_ke.xlsx"
    book.save(bank)
    db = reconciled(tmp_path, REGISTRY, bank)
    assert rows(db, "SELECT vneid, entitled_amount FROM registry ORDER BY vneid") == [
        ("001038005555", 2_250_000),
        ("001145007788", 1_000_000),
        ("079196118125", 1_500_000),
    ]
    assert rows(db, "SELECT payment_ref, amount FROM payments ORDER BY payment_ref") == [
        ("FT1", 1_500_000),
        ("FT2", 2_250_000),
    ]
    assert rows(db, "SELECT source_row, reason FROM rejected_rows") == [
        (4, "amount has a fraction or bad digit grouping (VND has no minor unit)")
    ]
