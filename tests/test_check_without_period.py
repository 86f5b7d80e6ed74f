"""`reconcile check` of a registry without --period checked its area codes against this month's map,
the 2025 one: a registry of a month before the reform (Bình Dương's province 74, its communes' old
codes) got a note on every row that its codes are not on the list, as if wrong. Without a period, the
codes are checked against the map they fit, and the report says which; a registry of the 2025 map
with one wrong code still has that row noted."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from reconcile.cli import cli

HEADER = ["STT", "Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Giới tính", "Chế độ", "Số tiền hưởng"]
HEADER += ["Hình thức chi trả", "Mã tỉnh", "Mã xã", "Trạng thái"]
PEOPLE = [
    ("074196118125", "Nguyễn Thị Thanh Hương", "25/11/1996", "Nữ"),
    ("074038005555", "Trần Văn Bình", "02/02/1938", "Nam"),
    ("077145007788", "Lê Thị Hồng Nhung", "03/03/1945", "Nữ"),
    ("077040951508", "Phan Đức Tuấn", "22/01/1940", "Nam"),
]


def registry(path: Path, areas: list[tuple[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG"])
    sheet.append([])
    sheet.append(HEADER)
    for n, ((vneid, name, born, sex), (province, commune)) in enumerate(zip(PEOPLE, areas), start=1):
        sheet.append([n, vneid, name, born, sex, "Trợ cấp xã hội", 500000, "Tiền mặt", province, commune, "Đang hưởng"])
    book.save(path)
    return path


def check(path: Path, *args: str):
    return CliRunner().invoke(cli, ["check", str(path), "--as", "registry", *args], env={"RECONCILE_LANG": "en"})


def test_a_registry_of_before_the_reform_is_checked_against_the_map_it_fits(tmp_path):
    book = registry(tmp_path / "ds_2024.xlsx", [("74", "25744"), ("74", "25753"), ("77", "26509"), ("77", "26512")])
    res = check(book)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert [line for line in lines if "area" in line] == [
        "area codes: checked against the pre-2025 map, communes by their shape only (no --period: the map they "
        "fit; on the 2025 map, in force from 2025-07, 4 rows would have a note); give --period YYYY-MM to check "
        "them against the map of that month"
    ]
    # with a period, the map in force then, as a run checks them
    res = check(book, "--period", "2025-09")
    assert [line for line in res.output.splitlines() if line.startswith("row 4:")] == [
        "row 4: area: province_code 74 is not on the 2025 list of the period; read as the pre-2025 code of "
        "province 79 of the 2025 map; commune_code 25744 is not on the 2025 commune list"
    ]


def test_a_registry_of_the_2025_map_with_a_wrong_code_is_checked_against_the_2025_map(tmp_path):
    book = registry(tmp_path / "ds_2025.xlsx", [("79", "25747"), ("79", "25750"), ("01", "00004"), ("01", "26509")])
    res = check(book)
    assert res.exit_code == 0, res.output
    assert [line for line in res.output.splitlines() if "area" in line] == [
        "area codes: checked against the 2025 map (no --period: the map they fit; give --period YYYY-MM to check "
        "them against the map of that month)",
        "row 7: area: commune_code 26509 is not on the 2025 commune list",
    ]


def test_the_sample_registry_of_2024_is_checked_against_the_pre_2025_map():
    """The sample month's registry (September 2024): three rows in four have codes the 2025 communes kept,
    and `check` without --period took it for the 2025 map, printing 77 notes that its communes are not on
    the 2025 list, as wrong codes an officer would try to mend."""
    from conftest import SAMPLE

    res = check(SAMPLE / "registry.csv")
    lines = res.output.splitlines()
    assert [line for line in lines if "area" in line] == [
        "area codes: checked against the pre-2025 map, communes by their shape only (no --period: the map they "
        "fit; on the 2025 map, in force from 2025-07, 78 rows would have a note); give --period YYYY-MM to check "
        "them against the map of that month"
    ]
