"""Payout lists as they arrive: a post office's cash list with no status column (the officer notes in
`Ghi chú` why a beneficiary was not paid: readers/notes.py) and the amount due beside the amount
received; a bank's list of results with each failure's reason after its status."""

from __future__ import annotations

from datetime import date

import duckdb
from click.testing import CliRunner

from conftest import reconciled, write_csv, xlsx_rows
from reconcile.cli import cli
from reconcile.readers import SKIP_COLUMN, read_file


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
            # the allowance for lost working capacity, no death: paid
            [5, "BN005", "Võ Văn Bảy", "001150001234", "1.000.000", "05/09/2024", None, "Mất sức lao động"],
            ["Tổng cộng", None, None, None, "6.500.000", None, None, None],
        ],
    )
    table = read_file(path, "payments")
    status = next(c for c, canonical in table.header_map.items() if canonical == "status")
    assert table.text_frame().select(status).to_series().to_list() == [None, "failed", "failed", None, None]
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


def test_a_cash_list_s_row_not_received_and_left_undated_is_a_failed_payment_to_send_again(tmp_path):
    """The post office leaves `Ngày chi trả` blank where the money was not received (`Chưa nhận`): the
    row was rejected `value_date missing`, its beneficiary a MISSING_PAYMENT alone, and no re-issue list
    named her. It is a failed payment of the month now (PAYMENT_FAILED, in the post office's re-issue
    file); a paid row without a date is still rejected."""
    registry = (
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Trạng thái\n"
        "079196118125,Nguyễn Thị Thanh Hương,12/03/1996,Trợ cấp xã hội,1.500.000,Tiền mặt,Đang hưởng\n"
        "001038005555,Trần Văn Bình,05/07/1938,Trợ cấp xã hội,2.250.000,Tiền mặt,Đang hưởng\n"
        "001140012345,Phạm Thị Đức,01/01/1940,Trợ cấp xã hội,750.000,Tiền mặt,Đang hưởng\n"
    )
    path = xlsx_rows(
        tmp_path / "buu_dien.xlsx",
        [
            ["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 09/2024"],
            ["STT", "Họ và tên", "Số CCCD", "Số tiền", "Ngày chi trả", "Ký nhận", "Ghi chú"],
            [1, "Nguyễn Thị Thanh Hương", "079196118125", "1.500.000", "05/09/2024", "Hương", None],
            [2, "Trần Văn Bình", "001038005555", "2.250.000", None, None, "Chưa nhận"],
            [3, "Phạm Thị Đức", "001140012345", "750.000", None, "Đức", None],
        ],
    )
    result = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert result.output.splitlines()[-2:] == [
        "rows: 3 read, 2 loaded, 1 rejected",
        "row 5: rejected: value_date missing",
    ]

    db = reconciled(tmp_path, registry, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT payment_ref, value_date, status, in_period FROM payments ORDER BY payment_ref"
        ).fetchall() == [("3", date(2024, 9, 5), "success", True), ("4", None, "failed", True)]
        assert con.execute("SELECT code, vneid, detail FROM flags ORDER BY code, vneid").fetchall() == [
            ("MISSING_PAYMENT", "001038005555", "No successful payment dated in the period; 1 failed or returned"),
            (
                "MISSING_PAYMENT",
                "001140012345",
                "No successful payment dated in the period; a payment row with this ID was rejected "
                "(buu_dien.xlsx (sheet Sheet) reference 5)",
            ),
            (
                "PAYMENT_FAILED",
                "001038005555",
                "Payment (no date given) failed; no successful payment to this beneficiary in the period",
            ),
        ]
    out = tmp_path / "actions"
    result = CliRunner().invoke(
        cli, ["--lang", "en", "actions", "--period", "2024-09", "--db", str(db), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = (out / "reissue_VNPOST.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [r.split(",")[1:3] + r.split(",")[5:7] for r in rows[1:]] == [
        ["Trần Văn Bình", "001038005555", "2250000", "4"]
    ]


def test_the_proxy_who_received_the_money_is_not_the_payee(tmp_path):
    """`Người nhận thay` (received on the beneficiary's behalf) beside `Họ tên đối tượng`: the proxy's
    column was read as the payee's name (`Người nhận` within it), so the rows no proxy received had no
    name to check and each proxy's name was a NAME_MISMATCH. The beneficiary's own columns are read."""
    path = xlsx_rows(
        tmp_path / "buu_dien.xlsx",
        [
            ["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 09/2024"],
            [
                "STT",
                "Họ tên đối tượng",
                "Số CCCD đối tượng",
                "Người nhận thay",
                "Số CCCD người nhận thay",
                "Số tiền",
                "Ngày chi trả",
            ],
            [1, "Nguyễn Thị Thanh Hương", "079196118125", None, None, "1.500.000", "05/09/2024"],
            [2, "Trần Văn Bình", "001038005555", "Trần Thị Mai", "001180004444", "2.250.000", "05/09/2024"],
        ],
    )
    table = read_file(path, "payments")
    assert {c: canonical for c, canonical in table.header_map.items() if canonical in ("payee_name", "vneid")} == {
        "Họ tên đối tượng": "payee_name",
        "Số CCCD đối tượng": "vneid",
    }
    assert table.text_frame().select("Họ tên đối tượng").to_series().to_list() == [
        "Nguyễn Thị Thanh Hương",
        "Trần Văn Bình",
    ]


def test_a_cash_list_without_references_given_as_xlsx_and_as_csv_is_the_same_list_twice(tmp_path):
    """The post office's list numbered by STT alone, given as the .xlsx under its title and as a .csv
    saved from it without the title: its rows numbered 2 apart, no reference was the same in both, and
    each payout was counted twice, exit 0 (DUPLICATE_PAYMENT, AMOUNT_MISMATCH, paid twice the money)."""
    rows = [
        [1, "Nguyễn Thị Thanh Hương", "079196118125", "1.500.000", "05/09/2024"],
        [2, "Trần Văn Bình", "001038005555", "2.250.000", "05/09/2024"],
        [3, "Phạm Thị Đức", "001140012345", "750.000", "06/09/2024"],
    ]
    header = ["STT", "Họ và tên", "Số CCCD", "Số tiền", "Ngày chi trả"]
    xlsx = xlsx_rows(tmp_path / "buu_dien.xlsx", [["DANH SÁCH CHI TRẢ THÁNG 09/2024"], [], header, *rows])
    csv = write_csv(tmp_path / "buu_dien.csv", header, rows)
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Trạng thái\n"
        "079196118125,Nguyễn Thị Thanh Hương,12/03/1996,Trợ cấp xã hội,1.500.000,Tiền mặt,Đang hưởng\n"
        "001038005555,Trần Văn Bình,05/07/1938,Trợ cấp xã hội,2.250.000,Tiền mặt,Đang hưởng\n"
        "001140012345,Phạm Thị Đức,01/01/1940,Trợ cấp xã hội,750.000,Tiền mặt,Đang hưởng\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db), "--registry", str(registry)]
    result = CliRunner().invoke(cli, [*args, "--payments", str(xlsx), "--payments", str(csv)])
    assert result.exit_code == 2, result.output
    assert not db.exists()
    assert result.stderr.splitlines()[-1] == (
        f"reconcile: error: {xlsx}: 3 of its 3 payments (100%) are also in {csv}, with the same payee, amount and day "
        "(it has no references: its rows are numbered): the same payments given twice (the same list as .xlsx and "
        "as .csv, or a copy of it); give each bank's payments once, in one file"
    )
    # either alone is the month: paid, no finding
    result = CliRunner().invoke(cli, [*args, "--payments", str(csv)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)


def test_a_note_that_says_not_collected_after_another_word_or_waiting_or_held_makes_the_row_failed(tmp_path):
    """`Ốm - chưa lĩnh` (ill, not collected), `Chờ lĩnh` (waiting to collect), `Tạm giữ` (held) and `Trả
    lại` (sent back) with the day printed beside them were read as paid: only a note beginning with
    `Chưa lĩnh` was a failed payment."""
    path = write_csv(
        tmp_path / "buu_dien.csv",
        ["STT", "Họ và tên", "Số CCCD", "Số tiền", "Ngày chi trả", "Ký nhận", "Ghi chú"],
        [
            ["1", "Nguyễn Thị Tâm", "001135126049", "1.000.000", "05/09/2024", "", "Chưa lĩnh"],
            ["2", "Lê Thị Hoa", "001136127420", "1.000.000", "05/09/2024", "", "Ốm - chưa lĩnh"],
            ["3", "Trần Văn Sáu", "001038128791", "750.000", "05/09/2024", "", "Chờ lĩnh"],
            ["4", "Phạm Văn Út", "001040130162", "750.000", "05/09/2024", "", "Trả lại"],
            ["5", "Võ Thị Năm", "001134131533", "1.000.000", "05/09/2024", "", "Tạm giữ"],
            ["6", "Đỗ Thị Lành", "001134131534", "1.000.000", "05/09/2024", "", "Nhận thay: con gái"],
        ],
    )
    table = read_file(path, "payments")
    status = next(c for c, canonical in table.header_map.items() if canonical == "status")
    assert table.text_frame().select(status).to_series().to_list() == ["failed"] * 5 + [None]


def test_the_amount_received_beside_the_amount_to_collect_is_the_amount(tmp_path):
    """`Số tiền được lĩnh` (to collect) left of `Số tiền đã lĩnh` (collected), and `Số tiền` (due) beside
    `Thực nhận` (received): the amount due was read as paid, and Hoa, paid 500,000 of 1,000,000, was
    paid in full (no AMOUNT_MISMATCH)."""
    header = ["Mã giao dịch", "Họ và tên", "Số CCCD", "Số tiền được lĩnh", "Số tiền đã lĩnh", "Ngày chi trả", "Ký nhận"]
    row = ["BD1", "Lê Thị Hoa", "001136127420", "1.000.000", "500.000", "05/09/2024", ""]
    table = read_file(write_csv(tmp_path / "linh.csv", header, [row]), "payments")
    assert [c for c, canonical in table.header_map.items() if canonical == "amount"] == ["Số tiền đã lĩnh"]
    header = ["Mã giao dịch", "Số CCCD", "Họ và tên", "Số tiền", "Thực nhận", "Ngày chi trả", "Hình thức chi trả"]
    row = ["BD1", "001136127420", "Lê Thị Hoa", "1.000.000", "500.000", "05/09/2024", "Tiền mặt"]
    table = read_file(write_csv(tmp_path / "thuc.csv", header, [row]), "payments")
    assert [c for c, canonical in table.header_map.items() if canonical == "amount"] == ["Thực nhận"]


def test_the_beneficiary_s_id_is_the_payee_s_not_the_receiver_s_beside_it(tmp_path):
    """A post office's list of who was due beside who collected (`Số CCCD đối tượng`, `Số CCCD người
    nhận`): the receiver's ID was read as the payee's, each proxy's an UNKNOWN_PAYEE and the
    beneficiary a MISSING_PAYMENT, on the re-issue list."""
    for beneficiary, receiver in (
        ("Số CCCD đối tượng", "Số CCCD người nhận"),
        ("Số định danh đối tượng", "Số CCCD người nhận tiền"),
    ):
        header = ["STT", "Họ tên đối tượng", beneficiary, "Số tiền", "Ngày chi trả", "Họ tên người nhận", receiver]
        row = ["1", "Đinh Thị Mận", "001135126049", "1.000.000", "05/09/2024", "Lê Văn Rể", "001080000123"]
        table = read_file(write_csv(tmp_path / "nguoi_nhan.csv", header, [row]), "payments")
        assert [c for c, canonical in table.header_map.items() if canonical == "vneid"] == [beneficiary]


def test_an_e_wallet_refund_under_its_own_id_naming_the_original_brings_that_payment_back(tmp_path):
    """MoMo's report refunds MM2409060000002 as MM2409090000017, `Mã giao dịch gốc` naming the
    original: paired by its own ID, it paired with nothing, Đức's 750,000 stayed paid and nothing was
    found. The original is returned now (PAYMENT_FAILED, MISSING_PAYMENT) and the refund set aside."""
    registry = write_csv(
        tmp_path / "registry.csv",
        ["vneid", "full_name", "date_of_birth", "program", "entitled_amount", "channel", "bank_code", "account_number", "status"],
        [
            ["001040000301", "Hồ Thị Thủy", "1940-01-02", "welfare", "750000", "ewallet", "MOMO", "0903111222", "active"],
            ["001040000302", "Phan Văn Đức", "1940-02-03", "welfare", "750000", "ewallet", "MOMO", "0938444555", "active"],
        ],
    )  # fmt: skip
    momo = write_csv(
        tmp_path / "momo.csv",
        ["STT", "Mã giao dịch", "Mã giao dịch gốc", "Thời gian giao dịch", "Số ví", "Tên người nhận", "Số tiền",
         "Nội dung", "Trạng thái", "Kênh chi trả"],
        [
            ["1", "MM2409060000001", "", "06/09/2024 09:01:11", "0903111222", "HO THI THUY", "750000",
             "Chi tro cap BTXH T9/2024", "Thành công", "MoMo"],
            ["2", "MM2409060000002", "", "06/09/2024 09:01:12", "0938444555", "PHAN VAN DUC", "750000",
             "Chi tro cap BTXH T9/2024", "Thành công", "MoMo"],
            ["3", "MM2409090000017", "MM2409060000002", "09/09/2024 14:20:00", "0938444555", "PHAN VAN DUC", "750000",
             "Hoàn tiền GD MM2409060000002 do ví bị khóa", "Hoàn tiền", "MoMo"],
        ],
    )  # fmt: skip
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(cli, ["run", "--period", "2024-09", "--registry", str(registry), "--payments", str(momo),
                                   "--db", str(db)])  # fmt: skip
    assert res.exit_code in (0, 1), res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, status FROM payments ORDER BY 1").fetchall() == [
            ("MM2409060000001", "success"),
            ("MM2409060000002", "returned"),
        ]
        assert con.execute("SELECT code, vneid FROM flags ORDER BY ALL").fetchall() == [
            ("MISSING_PAYMENT", "001040000302"),
            ("PAYMENT_FAILED", "001040000302"),
        ]
        assert con.execute("SELECT source_row, set_aside FROM rejected_rows").fetchall() == [(4, True)]


def test_a_totals_row_under_the_header_above_every_row_leaves_the_rows_read(tmp_path):
    """A commune's form puts `Tổng cộng` right under its header, above the beneficiaries: its list,
    whose references are its rows' numbers, had no column to tell a data row by, and every row was set
    aside as `under the totals row (signatures, amount in words)`, the file refused as holding none.
    An ID tells a data row too: the rows are read, the total set aside."""
    path = write_csv(
        tmp_path / "xa.csv",
        ["STT", "Họ và tên", "Số CCCD", "Số tiền", "Ngày chi trả", "Ký nhận", "Ghi chú"],
        [
            ["", "Tổng cộng", "", "1.750.000", "", "", ""],
            ["1", "Huỳnh Văn Chín", "001041132904", "750.000", "07/09/2024", "", ""],
            ["2", "Đinh Thị Mận", "001137134275", "1.000.000", "07/09/2024", "", ""],
        ],
    )
    table = read_file(path, "payments")
    vneid = next(c for c, canonical in table.header_map.items() if canonical == "vneid")
    assert table.text_frame().select(vneid).to_series().to_list() == [None, "001041132904", "001137134275"]
    skip = table.text_frame()[SKIP_COLUMN].to_list()
    assert skip[0] is not None and skip[1:] == [None, None]
