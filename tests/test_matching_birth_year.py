"""A payee without an ID or an account, found by the name and the year of birth where one side gives
the year alone (a post office's list: `1953`, `00/00/1953`), on small hand-made months."""

from __future__ import annotations

import unicodedata
from datetime import date

import duckdb
import pytest

from test_matching import HUNG, MAI, pay_row, reconcile, reg_row

LAN = "001160004561"


def cash(ref, name, amount, dob):
    return pay_row(ref, "", name, amount, bank="", account="", channel="cash", dob=dob)


def test_a_post_office_list_with_the_year_of_birth_alone_is_matched_by_name_and_year(tmp_path):
    registry = [
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000", channel="cash"),
        reg_row(LAN, "Lê Thị Lan", "14/02/1960", "female", "welfare", "750.000", channel="cash"),
    ]
    payments = [cash("BD1", "TRAN THI MAI", "1.000.000", "1953"), cash("BD2", "Lê Thị Lan", "750.000", "00/00/1960")]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == [("BD1", MAI, "welfare", "name_year"), ("BD2", LAN, "welfare", "name_year")]
    assert flags == []
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT payment_ref, date_of_birth, birth_year FROM payments ORDER BY 1").fetchall() == [
            ("BD1", None, 1953),
            ("BD2", None, 1960),
        ]


def test_a_registry_with_the_year_alone_matches_a_payment_s_whole_date_of_birth(tmp_path):
    registry = [reg_row(MAI, "Trần Thị Mai", "1953", "female", "welfare", "1.000.000", channel="cash")]
    flags, matches = reconcile(tmp_path, registry, [cash("BD1", "Trần Thị Mai", "1.000.000", "01/01/1953")])
    assert matches == [("BD1", MAI, "welfare", "name_year")]
    assert flags == []


def test_another_year_or_two_people_of_that_name_and_year_match_no_one(tmp_path):
    registry = [
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000", channel="cash"),
        reg_row("079153000265", "Trần Thị Mai", "20/11/1953", "female", "welfare", "1.000.000", channel="cash"),
        reg_row(LAN, "Lê Thị Lan", "14/02/1960", "female", "welfare", "750.000", channel="cash"),
    ]
    payments = [cash("BD1", "TRAN THI MAI", "1.000.000", "1953"), cash("BD2", "Lê Thị Lan", "750.000", "1961")]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == []
    assert [f for f in flags if f[0] == "UNKNOWN_PAYEE"] == [
        ("UNKNOWN_PAYEE", None, "BD1"),
        ("UNKNOWN_PAYEE", None, "BD2"),
    ]


def test_a_whole_date_of_birth_on_both_sides_is_still_compared_whole(tmp_path):
    # the same name and year, another day: no match by the year (name_dob failed on the date)
    registry = [reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000", channel="cash")]
    flags, matches = reconcile(tmp_path, registry, [cash("BD1", "Trần Thị Mai", "1.000.000", "02/01/1953")])
    assert matches == []
    assert ("UNKNOWN_PAYEE", None, "BD1") in flags


def test_a_post_office_workbook_headed_nam_sinh_gives_the_year_of_birth(tmp_path):
    from openpyxl import Workbook

    from conftest import reconciled

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách chi T9"
    sheet.append(
        ["STT", "Mã giao dịch", "Họ và tên", "Năm sinh", "Số tiền", "Ngày chi trả", "Hình thức chi trả", "Trạng thái"]
    )
    sheet.append([1, "BD-0901", "Trần Thị Mai", 1953, 1000000, "05/09/2024", "Tiền mặt", "Đã chi"])
    sheet.append([2, "BD-0902", "LÊ THỊ LAN", "1960", 750000, "06/09/2024", "Tiền mặt", "Đã chi"])
    book.save(tmp_path / "buu_dien_T9.xlsx")
    registry = (
        "Số định danh,Họ và tên,Năm sinh,Giới tính,Chế độ,Số tiền,Hình thức chi trả,Mã tỉnh,Mã xã,Trạng thái\n"
        f"{MAI},Trần Thị Mai,1953,Nữ,Trợ cấp xã hội,1.000.000,Tiền mặt,79,26734,Đang hưởng\n"
        f"{LAN},Lê Thị Lan,1960,Nữ,Trợ cấp xã hội,750.000,Tiền mặt,01,00004,Đang hưởng\n"
    )
    db = reconciled(tmp_path, registry, tmp_path / "buu_dien_T9.xlsx")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, vneid, method FROM matches ORDER BY 1").fetchall() == [
            ("BD-0901", MAI, "name_year"),
            ("BD-0902", LAN, "name_year"),
        ]
        assert con.execute("SELECT code FROM flags").fetchall() == []


@pytest.mark.parametrize("order", ["year first", "date first"])
def test_a_year_of_birth_column_beside_the_date_of_birth_is_left_unread(tmp_path, order):
    from conftest import reconciled

    headers, values = ["Năm sinh", "Ngày sinh"], ["1953", "01/01/1953"]
    if order == "date first":
        headers, values = headers[::-1], values[::-1]
    registry = (
        f"Số định danh,Họ và tên,{','.join(headers)},Giới tính,Chế độ,Số tiền,Hình thức chi trả,Trạng thái\n"
        f"{MAI},Trần Thị Mai,{','.join(values)},Nữ,Trợ cấp xã hội,1.000.000,Tiền mặt,Đang hưởng\n"
    )
    payments = tmp_path / "buu_dien.csv"
    payments.write_text(
        "Mã giao dịch,Họ và tên,Năm sinh,Số tiền,Ngày chi trả,Hình thức chi trả,Trạng thái\n"
        "BD1,Trần Thị Mai,1953,1000000,05/09/2024,Tiền mặt,Đã chi\n",
        encoding="utf-8",
    )
    db = reconciled(tmp_path, registry, payments)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT date_of_birth, birth_year FROM registry").fetchall() == [(date(1953, 1, 1), 1953)]
        assert con.execute("SELECT payment_ref, vneid, method FROM matches").fetchall() == [("BD1", MAI, "name_year")]


# the sub-headers of the year of birth by sex as lists write them: without diacritics, in capitals,
# decomposed (NFD, as a Mac or a web form may save them), in English
SEXES = {
    "Nam | Nữ": ("Nam", "Nữ"),
    "Nam | Nu": ("Nam", "Nu"),
    "NAM | NỮ": ("NAM", "NỮ"),
    "NFD": (unicodedata.normalize("NFD", "Nam"), unicodedata.normalize("NFD", "Nữ")),
    "Male | Female": ("Male", "Female"),
}


@pytest.mark.parametrize("sexes", SEXES)
def test_the_year_of_birth_under_nam_and_nu_is_one_date_of_birth_and_the_gender(tmp_path, sexes):
    """A commune's or post office's list: `Năm sinh` over `Nam | Nữ` (merged cells, in a workbook),
    or the two columns headed `Năm sinh Nam` and `Năm sinh Nữ` (a CSV); the year is in the column of
    the person's sex. Both cells filled is no date of birth: the row is rejected and says why. Under
    `Male | Female` the women's years were lost and the sub-header row rejected as a payment: both
    payees UNKNOWN_PAYEE, both beneficiaries MISSING_PAYMENT."""
    from openpyxl import Workbook

    from conftest import reconciled

    male, female = SEXES[sexes]
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Mã giao dịch", "Họ và tên", "Năm sinh", None, "Số tiền", "Ngày chi trả", "Hình thức chi trả"])
    sheet.append([None, None, None, male, female, None, None, None])
    sheet.merge_cells("D1:E1")
    for column in "ABCFGH":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append([1, "BD1", "Trần Thị Mai", None, 1953, 1000000, "05/09/2024", "Tiền mặt"])
    sheet.append([2, "BD2", "Nguyễn Văn Hùng", 1987, None, 500000, "05/09/2024", "Tiền mặt"])
    book.save(tmp_path / "danh_sach_chi.xlsx")
    registry = (
        f"Số định danh,Họ và tên,Năm sinh {male},Năm sinh {female},Chế độ,Số tiền,Hình thức chi trả,Trạng thái\n"
        f"{MAI},Trần Thị Mai,,1953,Trợ cấp xã hội,1.000.000,Tiền mặt,Đang hưởng\n"
        f"{HUNG},Nguyễn Văn Hùng,1987,,Trợ cấp xã hội,500.000,Tiền mặt,Đang hưởng\n"
        f"{LAN},Lê Thị Lan,1960,1960,Trợ cấp xã hội,750.000,Tiền mặt,Đang hưởng\n"
    )
    db = reconciled(tmp_path, registry, tmp_path / "danh_sach_chi.xlsx")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT vneid, birth_year, gender FROM registry ORDER BY 1").fetchall() == [
            (HUNG, 1987, "male"),
            (MAI, 1953, "female"),
        ]
        assert con.execute("SELECT source_row, reason FROM rejected_rows").fetchall() == [
            (4, "date_of_birth is not a real date")
        ]
        assert con.execute("SELECT payment_ref, birth_year FROM payments ORDER BY 1").fetchall() == [
            ("BD1", 1953),
            ("BD2", 1987),
        ]
        assert con.execute("SELECT payment_ref, vneid, method FROM matches ORDER BY 1").fetchall() == [
            ("BD1", MAI, "name_year"),
            ("BD2", HUNG, "name_year"),
        ]
        assert con.execute("SELECT rows_read FROM inputs ORDER BY file_id").fetchall() == [(3,), (2,)]
        used = con.execute("SELECT columns_used FROM inputs WHERE role = 'payments'").fetchone()[0]
        assert f'"Năm sinh {male}": "date_of_birth", "Năm sinh {female}": "date_of_birth"' in used
        assert con.execute("SELECT code FROM flags").fetchall() == []
