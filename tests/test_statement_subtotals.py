"""A Vietcombank statement export labels its `Tổng số/ Total` row in the STT column; a day's subtotal
(`Cộng phát sinh ngày 05/09/2024`) labelled there too is set aside as a total row, as one written in
the narrative is. It was rejected as a payment without reference, payee or date, and its amount,
counted with the rows read, made the file's own total disagree: a whole month refused."""

from __future__ import annotations

import datetime as dt

import duckdb
from click.testing import CliRunner
from openpyxl import Workbook

from conftest import reconciled, write_csv
from reconcile.cli import cli

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


# A statement export with one signed amount column (signed.py) and its running balance
SIGNED = [
    ["Ngày giao dịch", "Số bút toán", "Số tiền", "Số dư", "Diễn giải"],
    ["03/09/2024", "B01", "30.000.000", "80.000.000", "KBNN chuyen kinh phi T9"],
    ["03/09/2024", "", "30.000.000", "", "Cộng phát sinh có ngày 03/09/2024"],
    ["05/09/2024", "B02", "-1.500.000", "78.500.000", "Chi TCXH T9 CCCD 079196118125 NGUYEN THI THANH HUONG"],
    ["05/09/2024", "B03", "-2.250.000", "76.250.000", "Chi TCXH T9 CCCD 001038005555 TRAN VAN BINH"],
    ["05/09/2024", "", "-3.750.000", "", "Cộng phát sinh ngày 05/09/2024"],
    ["06/09/2024", "B04", "-1.000.000", "75.250.000", "Chi TCXH T9 CCCD 001145007788 LE THI HONG NHUNG"],
    ["06/09/2024", "", "-1.000.000", "", "Cộng phát sinh ngày 06/09/2024"],
]


def statement(path, rows):
    """The export as a bank writes it: a title line over its header and rows."""
    return write_csv(path, ["SAO KE TAI KHOAN"], rows)


def check(path, *args) -> tuple[int, list[str]]:
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09", *args])
    return res.exit_code, res.output.splitlines()


def test_a_signed_export_s_subtotals_in_the_narrative_are_total_rows(tmp_path):
    """`Cộng phát sinh ngày 05/09/2024` in a signed export, between days: its balance check counted the
    subtotal as a movement and refused the statement at the next day's first row; the credits' subtotal
    was set aside as money in, and counted too; as the last row, the subtotal was rejected (no reference,
    no payee), its amount among the rejected. They are total rows, as in a `Phát sinh nợ/có` export."""
    code, lines = check(statement(tmp_path / "sao_ke.csv", SIGNED))
    assert code == 0, lines
    assert [line for line in lines if line.startswith(("rows:", "set aside:", "row "))] == [
        "rows: 7 read, 3 loaded, 0 rejected, 4 set aside as no payment",
        "set aside: 1 row: credit (money into the account), not a payment (row 3)",
        "set aside: 3 rows: a total row (rows 4, 7, 9)",
    ]


def test_a_side_column_export_s_subtotal_in_the_narrative_is_a_total_row(tmp_path):
    """The same with a side column (`Nợ/Có`) beside one amount column: the subtotal, no side of its own,
    was read as a payment and rejected."""
    rows = [
        ["Ngày giao dịch", "Số bút toán", "Nợ/Có", "Số tiền", "Diễn giải"],
        ["03/09/2024", "B01", "C", "30.000.000", "KBNN chuyen kinh phi T9"],
        ["05/09/2024", "B02", "D", "1.500.000", "Chi TCXH T9 CCCD 079196118125 NGUYEN THI THANH HUONG"],
        ["05/09/2024", "B03", "D", "2.250.000", "Chi TCXH T9 CCCD 001038005555 TRAN VAN BINH"],
        ["05/09/2024", "", "", "3.750.000", "Cộng phát sinh ngày 05/09/2024"],
    ]
    code, lines = check(statement(tmp_path / "sao_ke.csv", rows))
    assert code == 0, lines
    assert [line for line in lines if line.startswith(("rows:", "set aside:", "row "))] == [
        "rows: 4 read, 2 loaded, 0 rejected, 2 set aside as no payment",
        "set aside: 1 row: credit (money into the account), not a payment (row 3)",
        "set aside: 1 row: a total row (row 6)",
    ]


# A statement export listed newest first, its closing balance row under the list: the month closes at
# the balance it opened at (10,000,000), the treasury's funding between the payments
HEADER = [
    "STT",
    "Ngày giao dịch",
    "Số bút toán",
    "Diễn giải",
    "Tên đối ứng",
    "Tài khoản đối ứng",
    "Ghi nợ",
    "Ghi có",
    "Số dư",
]
NEWEST = [
    ["4", "06/09/2024", "BT004", "CHI TRA TCXH T09 CCCD 001145007788", "LE THI HONG NHUNG", "0071000000003", "1.000.000", "", "10.000.000"],
    ["3", "06/09/2024", "BT003", "KBNN cap kinh phi", "KHO BAC NHA NUOC", "3511", "", "3.000.000", "11.000.000"],
    ["2", "05/09/2024", "BT002", "CHI TRA TCXH T09 CCCD 001038005555", "TRAN VAN BINH", "0071000000002", "1.000.000", "", "8.000.000"],
    ["1", "05/09/2024", "BT001", "CHI TRA TCXH T09 CCCD 079196118125", "NGUYEN THI THANH HUONG", "0071000000001", "1.000.000", "", "9.000.000"],
]  # fmt: skip
CLOSING = ["", "", "", "Số dư cuối kỳ", "", "", "", "", "10.000.000"]
FIX = (
    "ask the bank for the statement again; the file may be cut short or edited; if it has been checked by hand "
    "against the bank's, set running_balance = false in [checks] of the config file"
)


def test_a_closing_balance_row_never_opens_the_chain(tmp_path):
    """The newest payment (BT004) deleted passed `check` and `run`, a false MISSING_PAYMENT: read from
    the bottom up, the closing balance row (10,000,000) was taken for the opening balance, and every
    balance followed. A row labelled closing never stands before a movement (nor one labelled opening
    after one): the deletion is refused at the closing row; the complete export passes."""
    code, lines = check(statement(tmp_path / "full.csv", [HEADER, *NEWEST, CLOSING]), "--profile", "vn-bank-statement")
    assert code == 0, lines
    path = statement(tmp_path / "deleted.csv", [HEADER, *NEWEST[1:], CLOSING])
    code, lines = check(path, "--profile", "vn-bank-statement")
    assert (code, lines[-1]) == (
        2,
        f"reconcile: error: {path}: its balance column 'Số dư' does not follow at row 6: the balance before it "
        f"is 11,000,000, the rows up to it move 0, and it says 10,000,000; {FIX}",
    )


def test_a_closing_balance_row_over_a_list_oldest_first_ends_the_chain(tmp_path):
    """A closing balance row over a list listed oldest first stands under it, where its label says: the
    complete export passes (it was refused, the closing balance taken for the opening one), its last
    row deleted is refused at the closing row."""
    oldest = [[*r[:8], b] for r, b in zip(NEWEST[::-1], ("9.000.000", "8.000.000", "11.000.000", "10.500.000"))]
    oldest[-1][6] = "500.000"  # BT004: the month does not close at the balance it opened at
    closing = [*CLOSING[:8], "10.500.000"]
    code, lines = check(statement(tmp_path / "full.csv", [HEADER, closing, *oldest]), "--profile", "vn-bank-statement")
    assert code == 0, lines
    path = statement(tmp_path / "deleted.csv", [HEADER, closing, *oldest[:-1]])
    code, lines = check(path, "--profile", "vn-bank-statement")
    assert (code, lines[-1]) == (
        2,
        f"reconcile: error: {path}: its balance column 'Số dư' does not follow at row 3: the balance before it "
        f"is 11,000,000, the rows up to it move 0, and it says 10,500,000; {FIX}",
    )
