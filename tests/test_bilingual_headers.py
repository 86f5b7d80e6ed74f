"""Statement exports whose headers are bilingual (`Số GD/ Seq. No`, `Loại tiền/ Currency`, `Nợ/Có (D/C)`,
`Số tiền/ Amount`), as ACB, Sacombank and VPBank write them. A header was known only whole, in one
language: the reference column was left unread (each row numbered instead, so a credit returning a
payment by its reference brought nothing back: 0 findings), a row in USD was paid as VND, and a side
or signed amount column was refused as another bank's layout. One language of a two-language header
is now enough."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from reconcile.cli import cli

REGISTRY = (
    "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,"
    "Số tài khoản,Mã tỉnh,Trạng thái\n"
    "079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.000.000,Chuyển khoản,VBA,0063118742432,79,"
    "Đang hưởng\n"
    "001040951508,Phan Đức Tuấn,22/01/1940,Nam,Trợ cấp xã hội,500.000,Chuyển khoản,ICB,0710824715132,01,Đang hưởng\n"
    "079082906796,Huỳnh Đức Tuấn,05/01/1982,Nam,Trợ cấp xã hội,1.250.000,Chuyển khoản,BIDV,0238044653060,79,"
    "Đang hưởng\n"
)


def run(tmp_path: Path, payments: Path) -> tuple[int, list[tuple]]:
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db)]
    res = CliRunner().invoke(cli, [*args, "--registry", str(tmp_path / "registry.csv"), "--payments", str(payments)])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, vneid, payment_ref, paid_amount FROM flags ORDER BY ALL").fetchall()
        (paid,) = con.execute(
            "SELECT sum(amount) FROM payments WHERE status = 'success' AND in_period AND repeat_of IS NULL"
        ).fetchone()
    return paid, flags


def _acb(path: Path, credit: str) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in [
        ["NGÂN HÀNG TMCP Á CHÂU - ACB"],
        ["SAO KÊ TÀI KHOẢN/ ACCOUNT STATEMENT"],
        ["Số tài khoản/ Account No:", "19020352517013"],
        [],
        ["Ngày hiệu lực/ Effective date", "Số GD/ Seq. No", "Diễn giải/ Description", "Tiền rút ra/ Withdrawals",
         "Tiền gửi vào/ Deposits", "Số dư/ Balance"],
        [None, None, "Số dư đầu kỳ", None, None, "10,000,000"],
        ["05/09/2024", "FT24249000001", "IBFT Chi tro cap T09/2024 CCCD 079196118125 NGUYEN THI THANH HUONG",
         "1,000,000", None, "9,000,000"],
        ["05/09/2024", "FT24249000002", "IBFT Chi tro cap T09/2024 CCCD 001040951508 PHAN DUC TUAN", "500,000",
         None, "8,500,000"],
        ["05/09/2024", "FT24249000003", "IBFT Chi tro cap T09/2024 CCCD 079082906796 HUYNH DUC TUAN", "1,250,000",
         None, "7,250,000"],
        ["11/09/2024", "FT24255009999", credit, None, "1,250,000", "8,500,000"],
        [None, None, "Số dư cuối kỳ", None, None, "8,500,000"],
    ]:  # fmt: skip
        ws.append(row)
    wb.save(path)
    return path


RETURNED = [
    ("MISSING_PAYMENT", "079082906796", None, 0),
    ("PAYMENT_FAILED", "079082906796", "FT24249000003", 1_250_000),
]


def test_a_reference_under_a_bilingual_header_pairs_a_return_with_its_payment(tmp_path):
    paid, flags = run(tmp_path, _acb(tmp_path / "acb.xlsx", "Hoan tra GD FT24249000003 TK KHONG TON TAI"))
    assert (paid, flags) == (1_500_000, RETURNED)


@pytest.mark.parametrize(
    "credit",
    [
        "Tra soat GD FT24249000003 sai so tai khoan",
        "HUY GD FT24249000003",
        "CHUYEN TRA TIEN GD FT24249000003",
        "GD FT24249000003 KHONG THANH CONG - CHUYEN TRA",
    ],
)
def test_a_credit_sending_a_transfer_back_in_other_words_is_its_return(tmp_path, credit):
    """An inquiry's outcome, a cancelled or unsuccessful transfer sent back: the payment stayed paid, 0 findings."""
    assert run(tmp_path, _acb(tmp_path / "acb.xlsx", credit)) == (1_500_000, RETURNED)


def test_a_row_in_another_currency_under_a_bilingual_header_is_no_payment_in_dong(tmp_path):
    statement = tmp_path / "sao_ke.csv"
    statement.write_text(
        "Ngày giao dịch/ Transaction Date,Số bút toán/ Transaction No,Tên đối ứng/ Beneficiary,"
        "Tài khoản đối ứng/ Beneficiary account,Diễn giải/ Details,Loại tiền/ Currency,Ghi nợ/ Debit,Ghi có/ Credit\n"
        '05/09/2024,FT24249000001,NGUYEN THI THANH HUONG,0063118742432,Chi tro cap T09/2024,VND,"1,000,000",\n'
        '05/09/2024,FT24249000002,PHAN DUC TUAN,0710824715132,Chi tro cap T09/2024,VND,"500,000",\n'
        '05/09/2024,FT24249000003,HUYNH DUC TUAN,0238044653060,Chi tro cap T09/2024,VND,"1,250,000",\n'
        '06/09/2024,FT24250000004,PHAN DUC TUAN,0710824715132,Chuyen tien ho tro,USD,"200",\n',
        encoding="utf-8",
    )
    paid, flags = run(tmp_path, statement)
    assert (paid, flags) == (2_750_000, [])
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT reason FROM rejected_rows").fetchall() == [("amount is in USD, not VND",)]


def test_a_side_or_signed_amount_under_bilingual_headers_is_a_statement(tmp_path):
    rows = [
        ("03/09/2024", "FT24247000001", "CT DEN:424700123456 KBNN cap kinh phi T9/2024", "10.000.000", "C", "+"),
        ("05/09/2024", "FT24249000001", "IBFT Chi tro cap T09 CCCD 079196118125 NGUYEN THI THANH HUONG", "1.000.000",
         "D", "-"),
        ("05/09/2024", "FT24249000002", "IBFT Chi tro cap T09 CCCD 001040951508 PHAN DUC TUAN", "500.000", "D", "-"),
        ("05/09/2024", "FT24249000003", "IBFT Chi tro cap T09 CCCD 079082906796 HUYNH DUC TUAN", "1.250.000", "D",
         "-"),
    ]  # fmt: skip
    side_file, signed_file = tmp_path / "sacombank.csv", tmp_path / "vpbank.csv"
    side_file.write_text(
        "Ngày GD/ TNX Date,Số CT/ Doc No,Nội dung/ Description,Số tiền/ Amount,Nợ/Có (D/C),Số dư/ Balance\n"
        + "".join(
            f'{day},{ref},{text},"{amount}",{dc},"{b:,}"\n'
            for (day, ref, text, amount, dc, _), b in zip(rows, _balances(rows))
        ),
        encoding="utf-8",
    )
    signed_file.write_text(
        "Ngày giao dịch/ Transaction date,Số tham chiếu/ Reference,Mô tả/ Description,Số tiền/ Amount,Số dư/ Balance\n"
        + "".join(
            f'{day},{ref},{text},"{sign}{amount}","{b:,}"\n'
            for (day, ref, text, amount, _, sign), b in zip(rows, _balances(rows))
        ),
        encoding="utf-8",
    )
    for statement in (side_file, signed_file):
        folder = tmp_path / statement.stem
        folder.mkdir()
        assert run(folder, statement) == (2_750_000, [])


def _balances(rows: list[tuple]) -> list[int]:
    balance, out = 0, []
    for _, _, _, amount, dc, _ in rows:
        balance += int(amount.replace(".", "")) * (1 if dc == "C" else -1)
        out.append(balance)
    return out


def _daily(path: Path, day: str, opening: str, rows: list[str], totals: str, closing: str) -> Path:
    path.write_text(
        "TECHCOMBANK\nSAO KÊ TÀI KHOẢN/ ACCOUNT STATEMENT\nSố tài khoản/ Account No:,19020352517013\n"
        f'Từ ngày/ From: {day},,Đến ngày/ To: {day}\nSố dư đầu kỳ/ Opening balance:,"{opening}"\n\n'
        "Ngày giao dịch/ Transaction Date,Đối tác/ Remitter,Diễn giải/ Details,Số bút toán/ Transaction No,"
        "Nợ/ Debit,Có/ Credit,Số dư/ Balance\n" + "".join(r + "\n" for r in rows) + f"Tổng/ Total,,,,{totals},\n"
        f'Số dư cuối kỳ/ Closing balance,,,,,,"{closing}"\n',
        encoding="utf-8",
    )
    return path


def test_daily_exports_of_money_in_alone_or_a_return_alone_are_that_days_statements(tmp_path):
    """Each day's export ends with its closing balance under the totals row, in the date's column: the row was
    set aside for lack of a debit, and a day of the treasury's funding alone, or of a return alone, was refused
    ('none of its 2 rows could be loaded'). It is a balance row; the month is the three days."""
    funding = _daily(
        tmp_path / "sk_0309.csv", "03/09/2024", "0",
        ['03/09/2024,KHO BAC NHA NUOC,CT DEN:424700123456 KBNN cap kinh phi T9/2024,FT24247000001,,"2,750,000",'
         '"2,750,000"'],
        '0,"2,750,000"', "2,750,000",
    )  # fmt: skip
    paid = _daily(
        tmp_path / "sk_0509.csv", "05/09/2024", "2,750,000",
        ['05/09/2024,NGUYEN THI THANH HUONG,IBFT Chi tro cap T09 CCCD 079196118125,FT24249000001,"1,000,000",,'
         '"1,750,000"',
         '05/09/2024,PHAN DUC TUAN,IBFT Chi tro cap T09 CCCD 001040951508,FT24249000002,"500,000",,"1,250,000"',
         '05/09/2024,HUYNH DUC TUAN,IBFT Chi tro cap T09 CCCD 079082906796,FT24249000003,"1,250,000",,"0"'],
        '"2,750,000",0', "0",
    )  # fmt: skip
    back = _daily(
        tmp_path / "sk_1109.csv", "11/09/2024", "0",
        ['11/09/2024,HUYNH DUC TUAN,Hoan tra GD FT24249000003 TK KHONG TON TAI,FT24255009999,,"1,250,000",'
         '"1,250,000"'],
        '0,"1,250,000"', "1,250,000",
    )  # fmt: skip
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db), "--registry", str(tmp_path / "registry.csv")]
    res = CliRunner().invoke(cli, args + [a for f in (funding, paid, back) for a in ("--payments", str(f))])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY ALL").fetchall() == [
            ("MISSING_PAYMENT", "079082906796", None),
            ("PAYMENT_FAILED", "079082906796", "FT24249000003"),
        ]
        assert con.execute(
            "SELECT reason, count(*) FROM rejected_rows WHERE reason LIKE 'a balance row%' GROUP BY 1"
        ).fetchall() == [("a balance row (profile vn-bank-statement)", 3)]
