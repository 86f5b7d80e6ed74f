"""A commune's registry workbook for the month holds the month's list and, on a sheet of its own, the
list of reductions (danh sách giảm): the people who leave the list, each with the reason (`Lý do
giảm`: Chết, Chuyển đi nơi khác) and no `Trạng thái` column. Its rows were read as active
beneficiaries: each was due, a MISSING_PAYMENT (high) in a month with nothing wrong, and the amount due
was theirs too. The reason is the status of a list without a status column; a sheet named as a list
of reductions whose rows say neither is refused, as they would read as active."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from conftest import write_csv
from reconcile.cli import cli

HEADER = ["STT", "Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Giới tính", "Chế độ", "Số tiền hưởng",
          "Hình thức chi trả", "Mã ngân hàng", "Số tài khoản", "Mã tỉnh"]  # fmt: skip
MONTH = [
    [1, "079196118125", "Nguyễn Thị Thanh Hương", "25/11/1996", "Nữ", "Trợ cấp xã hội", 1500000, "Chuyển khoản", "VCB", "0071000000001", "79", "Đang hưởng"],
    [2, "001038005555", "Trần Văn Bình", "02/02/1938", "Nam", "Trợ cấp xã hội", 750000, "Chuyển khoản", "VCB", "0071000000002", "01", "Đang hưởng"],
]  # fmt: skip
LEAVING = [
    [1, "001145007788", "Lê Thị Hồng Nhung", "03/03/1945", "Nữ", "Trợ cấp xã hội", 1000000, "Chuyển khoản", "VCB", "0071000000003", "01", "Chết", "09/2024"],
    [2, "001140012345", "Phạm Thị Đức", "04/04/1940", "Nữ", "Trợ cấp xã hội", 750000, "Chuyển khoản", "VCB", "0071000000004", "01", "Chuyển đi nơi khác", "09/2024"],
]  # fmt: skip
BANK = ["Số tham chiếu", "Số định danh", "Tên người thụ hưởng", "Ngân hàng thụ hưởng", "Số tài khoản", "Số tiền",
        "Ngày giao dịch", "Trạng thái"]  # fmt: skip
PAID = [
    ["FT240900001", "079196118125", "NGUYEN THI THANH HUONG", "VCB", "0071000000001", "1.500.000", "05/09/2024", "Thành công"],
    ["FT240900002", "001038005555", "TRAN VAN BINH", "VCB", "0071000000002", "750.000", "05/09/2024", "Thành công"],
]  # fmt: skip


def workbook(path, reason: bool = True) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS T09"
    for row in [[*HEADER, "Trạng thái"], *MONTH]:
        ws.append(row)
    reductions = wb.create_sheet("DS giảm T09")
    for row in [[*HEADER, "Lý do giảm", "Từ tháng"], *LEAVING]:
        reductions.append(row if reason else row[:-2] + row[-1:])
    wb.save(path)


def run(tmp_path, registry, paid):
    bank = write_csv(tmp_path / "bank.csv", BANK, paid)
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(registry), "--payments", str(bank)]
    return CliRunner().invoke(cli, args), db


@pytest.mark.parametrize(
    ("paid", "flags"),
    [
        (PAID, []),
        (
            [*PAID, ["FT240900003", "001145007788", "LE THI HONG NHUNG", "VCB", "0071000000003", "1.000.000", "05/09/2024", "Thành công"]],
            [("PAID_AFTER_DEATH", "001145007788")],
        ),
    ],
)  # fmt: skip
def test_the_people_on_a_list_of_reductions_are_not_due(tmp_path, paid, flags):
    workbook(tmp_path / "ds_T09.xlsx")
    result, db = run(tmp_path, tmp_path / "ds_T09.xlsx", paid)
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid FROM flags ORDER BY ALL").fetchall() == flags
        assert con.execute("SELECT vneid, status FROM registry ORDER BY source_sheet, source_row").fetchall() == [
            ("079196118125", "active"),
            ("001038005555", "active"),
            ("001145007788", "deceased"),
            ("001140012345", "terminated"),
        ]
        due = con.execute("SELECT sum(entitled_amount) FROM registry WHERE is_primary AND status = 'active'")
        assert due.fetchone() == (2250000,)


def test_a_list_of_reductions_that_gives_no_status_is_refused(tmp_path):
    workbook(tmp_path / "ds_T09.xlsx", reason=False)
    result, db = run(tmp_path, tmp_path / "ds_T09.xlsx", PAID)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {tmp_path / 'ds_T09.xlsx'}: the sheet 'DS giảm T09' is named as beneficiaries taken "
        "off the list, but 2 of its rows give no status (nor a date of death), which reads as active (due its amount "
        "and, unpaid, a MISSING_PAYMENT); write each row's status (Đã chết, Thôi hưởng or Tạm dừng), or delete the "
        "sheet if its people are no beneficiaries of the month"
    )
    assert not db.exists()


def test_the_reason_is_the_status_only_of_a_list_without_one(tmp_path):
    """A month's list with a `Lý do giảm` beside its `Trạng thái` reads the status (no column read
    twice); one without reads the reason, blank for the people who stay."""
    both = write_csv(
        tmp_path / "both.csv",
        [*HEADER, "Trạng thái", "Lý do giảm"],
        [[*MONTH[0], ""], [*MONTH[1][:-1], "Đã chết", "Từ trần"]],
    )
    reason = write_csv(
        tmp_path / "reason.csv", [*HEADER, "Lý do giảm"], [[*MONTH[0][:-1], ""], [*MONTH[1][:-1], "Từ trần"]]
    )
    for registry in (both, reason):
        result, db = run(tmp_path, registry, PAID[:1])
        assert result.exit_code == 0, result.output
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT vneid, status FROM registry ORDER BY source_row").fetchall() == [
                ("079196118125", "active"),
                ("001038005555", "deceased"),
            ]
            assert con.execute("SELECT code, vneid FROM flags").fetchall() == []
