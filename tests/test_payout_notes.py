"""Payout lists as they arrive: a post office's cash list with no status column (the officer notes in
`Ghi chú` why a beneficiary was not paid: readers/notes.py) and the amount due beside the amount
received; a bank's list of results with each failure's reason after its status."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import xlsx_rows
from reconcile.cli import cli
from reconcile.readers import read_file


def test_a_cash_list_s_note_that_the_money_was_not_received_makes_that_row_failed(tmp_path):
    """`Chưa nhận` and `Đã chết - không chi` in `Ghi chú`: a run said `paid 5,500,000 VND` and found
    nothing (Nhung, dead, a PAID_WHILE_INACTIVE had the registry said so), though Bình and Nhung were not
    paid. Their rows are failed payments now (PAYMENT_FAILED, MISSING_PAYMENT; paid 2,250,000 VND);
    `Nhận thay: con gái` (received on her behalf) is still a payment."""
    path = xlsx_rows(
        tmp_path / "buu_dien.xlsx",
        [
            ["BƯU ĐIỆN HUYỆN AN PHÚ"],
            ["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 09/2024"],
            [],
            ["STT", "Số biên nhận", "Họ và tên", "Số CCCD", "Số tiền", "Ngày chi trả", "Ký nhận", "Ghi chú"],
            [1, "BN001", "Nguyễn Thị Thanh Hương", "079196118125", "1.500.000", "05/09/2024", None, None],
            [2, "BN002", "Trần Văn Bình", "001038005555", "2.250.000", "05/09/2024", None, "Chưa nhận"],
            [3, "BN003", "Lê Thị Hồng Nhung", "001145007788", "1.000.000", "05/09/2024", None, "Đã chết - không chi"],
            [4, "BN004", "Phạm Thị Đức", "001140012345", "750.000", "05/09/2024", None, "Nhận thay: con gái"],
            ["Tổng cộng", None, None, None, "5.500.000", None, None, None],
        ],
    )
    table = read_file(path, "payments")
    status = next(c for c, canonical in table.header_map.items() if canonical == "status")
    assert table.text_frame().select(status).to_series().to_list() == [None, "failed", "failed", None]  # None: success
    assert "status failed where 'Ghi chú' says the money was not received (Chưa nhận, Vắng, Đã chết...)" in table.notes


def test_a_cash_list_s_amount_received_is_its_amount_not_the_amount_due_beside_it(tmp_path):
    """`Số tiền được hưởng` (due) left of `Số tiền đã nhận` (received): the profile's `Số tiền`, found
    within the first, read the amount due as paid; Bình, paid 1,250,000 of 2,250,000, was paid in
    full (no AMOUNT_MISMATCH) and the totals row checked against the amounts due."""
    path = xlsx_rows(
        tmp_path / "buu_dien.xlsx",
        [
            ["BƯU ĐIỆN HUYỆN AN PHÚ"],
            ["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 09/2024"],
            [],
            ["STT", "Số biên nhận", "Họ và tên", "Số CCCD", "Số tiền được hưởng", "Số tiền đã nhận", "Ngày chi trả"],
            [1, "BN001", "Nguyễn Thị Thanh Hương", "079196118125", "1.500.000", "1.500.000", "05/09/2024"],
            [2, "BN002", "Trần Văn Bình", "001038005555", "2.250.000", "1.250.000", "05/09/2024"],
            ["Tổng cộng", None, None, None, "3.750.000", "2.750.000", None],
        ],
    )
    table = read_file(path, "payments")
    assert [c for c, canonical in table.header_map.items() if canonical == "amount"] == ["Số tiền đã nhận"]
    assert table.control is not None and table.control.amount == "2.750.000"


def test_a_bank_s_result_list_with_reasons_after_its_statuses_is_read(tmp_path):
    """The bank's list of results, `Không thành công - TK không tồn tại` and the like: each such row
    was rejected as no status (exit 1), its beneficiary a MISSING_PAYMENT; now a failed payment. A
    payment still being processed (`Đang xử lý`) is rejected as before."""
    path = tmp_path / "ket_qua.csv"
    path.write_text(
        "STT,Số tài khoản,Tên người thụ hưởng,Số CCCD,Số tiền,Ngày giao dịch,Số bút toán,Kết quả\n"
        "1,0071000000001,NGUYEN THI THANH HUONG,079196118125,1.500.000,05/09/2024,FT1,Thành công\n"
        "2,0071000000002,TRAN VAN BINH,001038005555,2.250.000,05/09/2024,FT2,Không thành công - TK không tồn tại\n"
        "3,0071000000003,LE THI HONG NHUNG,001145007788,1.000.000,05/09/2024,FT3,Lỗi: Sai tên người hưởng\n"
        "4,0071000000004,PHAM THI DUC,001140012345,750.000,05/09/2024,FT4,Đang xử lý\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-2:] == [
        "rows: 4 read, 3 loaded, 1 rejected",
        "row 5: rejected: status is not success, failed or returned",
    ]


def test_a_cash_list_s_amount_split_under_so_tien_into_due_and_received_is_the_amount_received(tmp_path):
    """`Số tiền` merged over `Được hưởng | Đã nhận`: the header was read as its first row, `Số tiền` the
    amount due, and the row under it a rejected row; Bình, paid 1,250,000 of 2,250,000, was paid in full."""
    path = xlsx_rows(
        tmp_path / "buu_dien.xlsx",
        [
            ["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 09/2024"],
            ["STT", "Số biên nhận", "Họ và tên", "Số CCCD", "Số tiền", None, "Ngày chi trả"],
            [None, None, None, None, "Được hưởng", "Đã nhận", None],
            [1, "BN001", "Nguyễn Thị Thanh Hương", "079196118125", "1.500.000", "1.500.000", "05/09/2024"],
            [2, "BN002", "Trần Văn Bình", "001038005555", "2.250.000", "1.250.000", "05/09/2024"],
        ],
    )
    table = read_file(path, "payments")
    assert (table.header_row, table.header_rows) == (2, 2)
    assert [c for c, canonical in table.header_map.items() if canonical == "amount"] == ["Số tiền Đã nhận"]
    assert table.text_frame().select("Số tiền Đã nhận").to_series().to_list() == ["1.500.000", "1.250.000"]
