"""Values as Vietnamese banks, the post office and an office's Excel write them, each of which a real
month's file holds and the readers rejected row by row: amounts grouped by spaces with a zero fraction
after a comma (`1 500 000,00`, the space a no-break or narrow no-break one as a French or Vietnamese
locale writes it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
from click.testing import CliRunner

from conftest import FIXTURES, reconciled
from reconcile.cli import cli

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


def test_dates_as_core_banking_and_excel_write_them(tmp_path):
    """A value date written `20240905` (text or a number), `05/09/24`, `5/9/24 14:30`, `11-SEP-24`,
    with a time of day in the 12-hour clock or without seconds, or an Excel serial with its time of
    day (`45540.5`, as a date-and-time column saved to CSV as numbers gives it): every row was
    rejected as no real date. A date of birth of two digits' year (`05/09/45`, of
    1945 or of 2045?) is refused, saying so."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(BANK.strip().split(","))
    for ref, vneid, name, account, amount, day in [
        ("FT1", "079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 1500000, "20240905"),
        ("FT2", "001038005555", "TRAN VAN BINH", "0071000000002", 2250000, 20240906),
        ("FT3", "001145007788", "LE THI HONG NHUNG", "0071000000003", 1000000, "07/09/24"),
        ("FT4", "079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 5000, "8/9/24 14:30"),
        ("FT5", "001038005555", "TRAN VAN BINH", "0071000000002", 5000, "45544.5"),
        ("FT6", "001145007788", "LE THI HONG NHUNG", "0071000000003", 5000, "20240910143005"),
        ("FT7", "079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 5000, "11-SEP-24"),
        ("FT8", "001038005555", "TRAN VAN BINH", "0071000000002", 5000, "12/09/2024 2:30:00 PM"),
        ("FT9", "001145007788", "LE THI HONG NHUNG", "0071000000003", 5000, "2024-09-13 08:15"),
    ]:
        sheet.append([ref, vneid, name, "VCB", account, amount, day, "Chuyển khoản", "Thất bại"])
    bank = tmp_path / "sao_ke.xlsx"
    book.save(bank)
    registry = REGISTRY.replace("03/03/1945", "03/03/45")
    db = reconciled(tmp_path, registry, bank)
    assert rows(db, "SELECT payment_ref, value_date FROM payments ORDER BY payment_ref") == [
        ("FT1", dt.date(2024, 9, 5)),
        ("FT2", dt.date(2024, 9, 6)),
        ("FT3", dt.date(2024, 9, 7)),
        ("FT4", dt.date(2024, 9, 8)),
        ("FT5", dt.date(2024, 9, 9)),
        ("FT6", dt.date(2024, 9, 10)),
        ("FT7", dt.date(2024, 9, 11)),
        ("FT8", dt.date(2024, 9, 12)),
        ("FT9", dt.date(2024, 9, 13)),
    ]
    assert rows(db, "SELECT source_file LIKE '%registry.csv', source_row, reason FROM rejected_rows") == [
        (True, 4, "date_of_birth gives its year in two digits, of either century: write the year in four")
    ]


def test_a_month_first_profile_reads_a_two_digit_year_month_first(tmp_path):
    """A profile of month-first dates (`date_order = "mdy"`) turned only dates of four digits' year
    day first; `09/05/24` went through as written, to be read day first as 9 May: now 5 September."""
    bank = tmp_path / "example_bank.csv"
    text = (FIXTURES / "profiles" / "example_bank.csv").read_text(encoding="utf-8")
    bank.write_text(text.replace("09/05/2024", "09/05/24").replace("09/12/2024", "9/12/24"), encoding="utf-8")
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    profile = FIXTURES / "profiles" / "example-bank.toml"
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--db",
            str(db),
            "--registry",
            str(registry),
            "--payments",
            str(bank),
            "--profile",
            str(profile),
        ],
    )
    assert res.exit_code == 0, res.output
    assert rows(db, "SELECT payment_ref, value_date FROM payments ORDER BY payment_ref") == [
        ("EX-0001", dt.date(2024, 9, 5)),
        ("EX-0002", dt.date(2024, 9, 12)),
        ("EX-0003", dt.date(2024, 9, 30)),
    ]


def test_a_bank_s_words_for_a_transfer_done_and_the_channels_abbreviated(tmp_path):
    """`Hoàn thành`, `Hoàn tất`, `Đã chuyển` (a transfer done) and the channels `CK` (chuyển khoản)
    and `TM` (tiền mặt), as a bank's and an office's lists write them: every row was rejected as no
    status or no channel. `Hoàn trả` is still a return."""
    bank = tmp_path / "ngan_hang.csv"
    bank.write_text(
        BANK + "FT1,079196118125,NGUYEN THI THANH HUONG,VCB,0071000000001,1.500.000,05/09/2024,CK,Hoàn thành\n"
        "FT2,001038005555,TRAN VAN BINH,VCB,0071000000002,2.250.000,05/09/2024,ck,Đã chuyển\n"
        "FT3,001145007788,LE THI HONG NHUNG,VCB,0071000000003,1.000.000,05/09/2024,CK,Hoàn tất\n"
        "FT4,001145007788,LE THI HONG NHUNG,VCB,0071000000003,1.000.000,06/09/2024,CK,Hoàn trả\n"
        "BD1,001145007788,Lê Thị Hồng Nhung,,,1.000.000,20/09/2024,TM,Hoàn thành\n",
        encoding="utf-8-sig",
    )
    registry = REGISTRY.replace("Chuyển khoản,VCB,0071000000003", "TM,,").replace(
        "Chuyển khoản,VCB,0071000000002", "CK,VCB,0071000000002"
    )
    db = reconciled(tmp_path, registry, bank)
    assert rows(db, "SELECT vneid, channel FROM registry ORDER BY vneid") == [
        ("001038005555", "bank"),
        ("001145007788", "cash"),
        ("079196118125", "bank"),
    ]
    assert rows(db, "SELECT payment_ref, channel, status FROM payments ORDER BY payment_ref") == [
        ("BD1", "cash", "success"),
        ("FT1", "bank", "success"),
        ("FT2", "bank", "success"),
        ("FT3", "bank", "success"),
        ("FT4", "bank", "returned"),
    ]
    assert rows(db, "SELECT count(*) FROM rejected_rows") == [(0,)]
