"""The state's forms number their columns in a row under the header (`1 2 3 ...`, `(1) (2) ...`,
`A B C 1 2 3`), and a list printed page by page numbers them again under each page's header. That
row is no payment and no beneficiary: it is set aside with its reason. Read as data, a post office's
`1 2 3 4 5 6 7 8` was a payment of 6 đồng on 05/01/1900 to the ID `4`: UNKNOWN_PAYEE, INVALID_VNEID
and OUT_OF_PERIOD on a month with nothing wrong; a registry's `(1) (2) ...` was a rejected row whose
reasons said its amount `(6)` was negative."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from conftest import write_csv
from reconcile.cli import cli
from reconcile.readers.layout import numbering_row

REGISTRY_HEADER = ["Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Giới tính", "Chế độ", "Số tiền hưởng",
                   "Hình thức chi trả", "Mã ngân hàng", "Số tài khoản", "Mã tỉnh", "Trạng thái"]  # fmt: skip
REGISTRY_ROWS = [
    ["079196118125", "Nguyễn Thị Thanh Hương", "25/11/1996", "Nữ", "Trợ cấp xã hội", "1.500.000", "Tiền mặt", "", "", "79", "Đang hưởng"],
    ["001038005555", "Trần Văn Bình", "02/02/1938", "Nam", "Trợ cấp xã hội", "750.000", "Tiền mặt", "", "", "01", "Đang hưởng"],
]  # fmt: skip


def post_office_list(path, numbering: list, totals: bool) -> None:
    """The post office's cash payout list: a title block, the header, the row numbering its columns,
    the two payouts, and its totals row or none."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chi trả"
    for row in [
        ["BƯU ĐIỆN TỈNH BÌNH DƯƠNG"],
        ["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 9/2024"],
        [],
        ["STT", "Số biên nhận", "Họ và tên", "Số CCCD", "Ngày sinh", "Số tiền", "Ngày chi trả", "Ký nhận"],
        numbering,
        [1, "BN0915001", "Nguyễn Thị Thanh Hương", "079196118125", dt.datetime(1996, 11, 25), 1500000,
         dt.datetime(2024, 9, 12), None],
        [2, "BN0915002", "Trần Văn Bình", 1038005555, dt.datetime(1938, 2, 2), 750000, dt.datetime(2024, 9, 12), None],
    ]:  # fmt: skip
        ws.append(row)
    if totals:
        ws.append([None, "Tổng cộng", None, None, None, 2250000, None, None])
    wb.save(path)


def run(tmp_path, registry, payments):
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(registry), "--payments", str(payments)]
    return CliRunner().invoke(cli, args), db


@pytest.mark.parametrize(
    ("numbering", "totals"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], False),
        ([1, 2, 3, 4, 5, 6, 7, 8], True),  # refused: `3 rows of 2,250,006 VND were read`
        (["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"], True),
        (["A", "B", "C", "D", "E", 1, 2, 3], False),
    ],
)
def test_a_payout_list_that_numbers_its_columns_pays_no_one_in_1900(tmp_path, numbering, totals):
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY_ROWS)
    post_office_list(tmp_path / "chi_tra.xlsx", numbering, totals)
    result, db = run(tmp_path, registry, tmp_path / "chi_tra.xlsx")
    assert result.exit_code == 0, result.output
    assert ("agrees with its totals row 8" in result.output) == totals
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall() == []
        assert con.execute("SELECT payment_ref, vneid, amount FROM payments ORDER BY source_row").fetchall() == [
            ("BN0915001", "079196118125", 1500000),
            ("BN0915002", "001038005555", 750000),
        ]
        assert con.execute("SELECT source_row, reason, set_aside FROM rejected_rows").fetchall() == [
            (5, "the row under the header that numbers the columns", True)
        ]
        assert con.execute("SELECT rows_read, rows_loaded, rows_rejected, rows_set_aside FROM inputs "
                           "WHERE role = 'payments'").fetchall() == [(3, 2, 0, 1)]  # fmt: skip


def test_a_registry_csv_that_numbers_its_columns_on_every_page_has_no_rejected_row(tmp_path):
    """A registry saved as CSV, its columns numbered `(1)` to `(11)` under the header, and again under
    the header of its second page: no row rejected (it was, as an amount `(6)` that is negative)."""
    numbers = [f"({i})" for i in range(1, 12)]
    rows = [numbers, REGISTRY_ROWS[0], REGISTRY_HEADER, numbers, REGISTRY_ROWS[1]]
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, rows, bom=True)
    payments = write_csv(
        tmp_path / "chi_tra.csv",
        ["Số biên nhận", "Số CCCD", "Họ và tên", "Số tiền", "Ngày chi trả", "Hình thức chi trả"],
        [["BN1", "079196118125", "NGUYEN THI THANH HUONG", "1.500.000", "12/09/2024", "Tiền mặt"],
         ["BN2", "001038005555", "TRAN VAN BINH", "750.000", "12/09/2024", "Tiền mặt"]],
    )  # fmt: skip
    result, db = run(tmp_path, registry, payments)
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)
        assert con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall() == [
            (2, "the row under the header that numbers the columns"),
            (4, "the header row again (a new page of the export)"),
            (5, "the row under the header that numbers the columns"),
        ]
        assert con.execute("SELECT vneid FROM registry ORDER BY source_row").fetchall() == [
            ("079196118125",),
            ("001038005555",),
        ]
        assert con.execute("SELECT rows_rejected, rows_set_aside FROM inputs WHERE role = 'registry'").fetchone() == (
            0,
            3,
        )


@pytest.mark.parametrize(
    "cells",
    [
        ["1", "2", "3", "4", "5"],
        ["(1)", "(2)", None, "(4)", "(5)", "(6)=(4)x(5)"],
        ["A", "B", "C", "1", "2", "3"],
        ["1.0", "2.0", "3.0"],
        ["[1]", "[2]", "[3]", " "],
    ],
)
def test_a_row_that_numbers_the_columns(cells):
    assert numbering_row(cells)


@pytest.mark.parametrize(
    "cells",
    [
        ["1", "BN0915001", "Nguyễn Văn An", "079196118125", "1500000", "12/09/2024"],  # a payout
        ["1", "2", None, None],  # two cells
        ["3", "2", "1"],  # not in order
        ["1", "2", "2"],
        ["B", "A", "1"],
        ["1", "Cộng", "3"],
        None,
        [],
    ],
)
def test_a_row_that_does_not_number_the_columns(cells):
    assert not numbering_row(cells)


def test_the_amounts_unit_under_the_header_is_part_of_the_header(tmp_path):
    """`(đồng)` under `Số tiền`, the rest of its row blank: read as a payment, it was a rejected row
    whose reasons said its amount was negative, a clean list's check exit 1."""
    path = tmp_path / "buu_dien.xlsx"
    post_office_list(path, [None, None, None, None, None, "(đồng)", None, None], totals=True)
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert [line for line in lines if line.startswith((str(path), "rows", "totals"))] == [
        f"{path}: payments file, xlsx, header on rows 4-5 of sheet 'Chi trả'",
        "rows: 2 read, 2 loaded, 0 rejected",
        "totals: totals row 8 says 2,250,000 VND; read 2 rows of 2,250,000 VND",
    ]
