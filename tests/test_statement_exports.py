"""Statement, list and e-wallet exports headed as some banks head them, each of which was refused or
read wrong: a Techcombank-style statement with no column of references and its counterparty headed
`Đối tác`, an export headed in English without diacritics whose `No.` (the row's number) was read as
the debits, one headed `Withdrawals` and `Deposits`, an e-wallet's report dating each transfer with
its time (`Thời gian giao dịch`), and a bank's list headed in short (`Số TK`) whose status column
gives the reason a transfer failed (`TK không tồn tại`)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner
from openpyxl import Workbook

from conftest import reconciled
from reconcile.cli import cli

REGISTRY = """Số định danh cá nhân,Họ và tên,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0071000000001,Đang hưởng
001097699417,Trần Văn Bình,Trợ cấp xã hội,2.250.000,Chuyển khoản,VCB,0071000000002,Đang hưởng
001145007788,Lê Thị Hồng Nhung,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0071000000003,Đang hưởng
"""
OFFICE = "0071000123456 UBND XA AN PHU"


def loaded(db: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Each loaded payment's (reference, row, name, account, amount, date), the rows set aside or
    rejected with their reasons, and the findings, in file order."""
    with duckdb.connect(str(db), read_only=True) as con:
        payments = con.execute(
            "SELECT payment_ref, source_row, payee_name, account_number, amount, value_date::VARCHAR "
            "FROM payments ORDER BY source_row"
        ).fetchall()
        rejected = con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall()
        flags = con.execute("SELECT code, payment_ref FROM flags ORDER BY code, payment_ref").fetchall()
    return payments, rejected, flags


def test_a_statement_without_references_numbers_its_rows_and_reads_the_counterparty_as_the_payee(tmp_path):
    """Refused whole before: `required column 'payment_ref' is missing`, though a statement has no
    reference to add. Each row's number is its reference; `Đối tác` is the payee, and where it is
    blank the transfer's narrative (`CT tu ... toi <account> <NAME>`) names the payee and account."""
    wb = Workbook()
    ws = wb.active
    for row in [
        ["NGÂN HÀNG TMCP KỸ THƯƠNG VIỆT NAM"],
        ["SAO KÊ TÀI KHOẢN"],
        ["Số tài khoản: 19036512345018"],
        [],
        [
            "Ngày giao dịch/ Transaction Date",
            "Đối tác/ Remitter",
            "Diễn giải/ Details",
            "Nợ/ Debit",
            "Có/ Credit",
            "Số dư/ Balance",
        ],
        ["02/09/2024", "KHO BAC NHA NUOC", "KBNN chuyen kinh phi T9/2024", None, "120,000,000", "620,000,000"],
        [
            "05/09/2024",
            "NGUYEN THI THANH HUONG",
            f"CT tu {OFFICE} toi 0071000000001 NGUYEN THI THANH HUONG tai VCB",
            "1,500,000",
            None,
            "618,500,000",
        ],
        [
            "05/09/2024",
            None,
            f"CT tu {OFFICE} toi 0071000000002 TRAN VAN BINH tai VCB Chi TCXH T9",
            "2,250,000",
            None,
            "616,250,000",
        ],
        ["06/09/2024", None, "Thu phi dich vu chuyen tien", "11,000", None, "616,239,000"],
        ["10/09/2024", "LE THI HONG NHUNG", "Chi TCXH T9 CCCD 001145007788", "1,000,000", None, "615,239,000"],
    ]:
        ws.append(row)
    path = tmp_path / "tcb.xlsx"
    wb.save(path)
    payments, rejected, flags = loaded(reconciled(tmp_path, REGISTRY, path))
    assert payments == [
        ("7", 7, "NGUYEN THI THANH HUONG", "0071000000001", 1_500_000, "2024-09-05"),
        ("8", 8, "TRAN VAN BINH", "0071000000002", 2_250_000, "2024-09-05"),
        ("10", 10, "LE THI HONG NHUNG", None, 1_000_000, "2024-09-10"),
    ]
    assert rejected == [
        (6, "money in (a credit), not a payment (profile vn-bank-statement)"),
        (9, "bank charges (profile vn-bank-statement)"),
    ]
    assert flags == []


def test_an_export_headed_in_english_reads_its_debits_not_its_row_numbers(tmp_path):
    """`No.` folds to `Nợ` (debit) in a file without diacritics: the debits were every row's number,
    `paid 14 VND`, and the credit row rejected. `Debit` is the debits; its running `Balance` checked."""
    rows = [
        "No.,Date,Reference,Description,Debit,Credit,Balance",
        "1,02/09/2024,NK01,KBNN chuyen kinh phi T9/2024,,120000000,620000000",
        f"2,05/09/2024,FT01,CT tu {OFFICE} toi 0071000000001 NGUYEN THI THANH HUONG tai VCB,1500000,,618500000",
        f"3,05/09/2024,FT02,CT tu {OFFICE} toi 0071000000002 TRAN VAN BINH tai VCB,2250000,,616250000",
        f"4,10/09/2024,FT03,CT tu {OFFICE} toi 0071000000003 LE THI HONG NHUNG tai VCB,1000000,,615250000",
    ]
    path = tmp_path / "statement.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    payments, rejected, flags = loaded(reconciled(tmp_path, REGISTRY, path))
    assert payments == [
        ("FT01", 3, "NGUYEN THI THANH HUONG", "0071000000001", 1_500_000, "2024-09-05"),
        ("FT02", 4, "TRAN VAN BINH", "0071000000002", 2_250_000, "2024-09-05"),
        ("FT03", 5, "LE THI HONG NHUNG", "0071000000003", 1_000_000, "2024-09-10"),
    ]
    assert rejected == [(2, "money in (a credit), not a payment (profile vn-bank-statement)")]
    assert flags == []
    # a balance that does not follow is refused, as a Vietnamese `Số dư` is
    path.write_text("\n".join([*rows[:-1], rows[-1].replace("615250000", "615239000")]) + "\n", encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        [
            "--lang",
            "en",
            "run",
            "--period",
            "2024-09",
            "--db",
            str(tmp_path / "again.duckdb"),
            "--registry",
            str(tmp_path / "registry.csv"),
            "--payments",
            str(path),
        ],
    )
    assert res.exit_code == 2
    assert "its balance column 'Balance' does not follow at row 5" in res.output


def test_an_e_wallet_report_dates_each_transfer_with_its_time(tmp_path):
    """`Thời gian giao dịch` (05/09/2024 14:23:11), as Viettel Money and MoMo head it, is the value
    date; without it the report was refused for a missing `value_date`."""
    path = tmp_path / "vi_dien_tu.csv"
    path.write_text(
        "STT,Mã giao dịch,Thời gian giao dịch,Số định danh,Tên người nhận,Ngân hàng,Số tài khoản,Số tiền,"
        "Kênh chi trả,Trạng thái\n"
        "1,VTM0001,05/09/2024 14:23:11,079196118125,Nguyễn Thị Thanh Hương,VCB,0071000000001,1.500.000,"
        "Chuyển khoản,Thành công\n"
        "2,VTM0002,06/09/2024 08:01:59,001097699417,Trần Văn Bình,VCB,0071000000002,2.250.000,"
        "Chuyển khoản,Thành công\n"
        "3,VTM0003,30/09/2024 23:59:59,001145007788,Lê Thị Hồng Nhung,VCB,0071000000003,1.000.000,"
        "Chuyển khoản,Thành công\n",
        encoding="utf-8",
    )
    payments, rejected, flags = loaded(reconciled(tmp_path, REGISTRY, path))
    assert [(ref, day) for ref, _, _, _, _, day in payments] == [
        ("VTM0001", "2024-09-05"),
        ("VTM0002", "2024-09-06"),
        ("VTM0003", "2024-09-30"),
    ]
    assert (rejected, flags) == ([], [])


def test_an_english_export_with_plural_headers_is_read_as_a_statement(tmp_path):
    """`Value Date`, `Transaction ID`... `Withdrawals`, `Deposits`, `Running Balance`: refused before
    for a missing payee, amount and channel, though every column a statement needs is there."""
    path = tmp_path / "statement.csv"
    path.write_text(
        "Value Date,Reference Number,Details,Withdrawals,Deposits,Running Balance\n"
        "02/09/2024,NK01,KBNN chuyen kinh phi T9/2024,,120000000,620000000\n"
        f"05/09/2024,FT01,CT tu {OFFICE} toi 0071000000001 NGUYEN THI THANH HUONG tai VCB,1500000,,618500000\n"
        f"05/09/2024,FT02,CT tu {OFFICE} toi 0071000000002 TRAN VAN BINH tai VCB,2250000,,616250000\n"
        "06/09/2024,FT09,Phi dich vu chuyen tien,11000,,616239000\n"
        f"10/09/2024,FT03,CT tu {OFFICE} toi 0071000000003 LE THI HONG NHUNG tai VCB,1000000,,615239000\n",
        encoding="utf-8",
    )
    payments, rejected, flags = loaded(reconciled(tmp_path, REGISTRY, path))
    assert [(ref, row, amount) for ref, row, _, _, amount, _ in payments] == [
        ("FT01", 3, 1_500_000),
        ("FT02", 4, 2_250_000),
        ("FT03", 6, 1_000_000),
    ]
    assert rejected == [
        (2, "money in (a credit), not a payment (profile vn-bank-statement)"),
        (5, "bank charges (profile vn-bank-statement)"),
    ]
    assert flags == []


def test_a_bank_s_list_headed_in_short_with_its_reasons_for_status_is_a_bank_s_list(tmp_path):
    """`Số TK`, `Họ tên người hưởng`, `Số tiền (VNĐ)` and no channel column: refused before for the
    channel, and `--profile vn-bank-disbursement` did not find its header. Read as a bank's list,
    a transfer whose status is the bank's reason it failed (`TK không tồn tại`, `Tài khoản đã
    đóng`) is failed, not a row rejected for an unknown status."""
    path = tmp_path / "ds_chi_tra.csv"
    path.write_text(
        "STT,Số TK,Họ tên người hưởng,Số tiền (VNĐ),Ngày chuyển,Số CCCD,Mã GD,Kết quả\n"
        "1,0071000000001,Nguyễn Thị Thanh Hương,1.500.000,05/09/2024,079196118125,GD001,Thành công\n"
        "2,0071000000002,Trần Văn Bình,2.250.000,05/09/2024,001097699417,GD002,TK không tồn tại\n"
        "3,0071000000003,Lê Thị Hồng Nhung,1.000.000,05/09/2024,001145007788,GD003,Tài khoản đã đóng\n",
        encoding="utf-8",
    )
    db = reconciled(tmp_path, REGISTRY, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, channel, status FROM payments ORDER BY source_row").fetchall() == [
            ("GD001", "bank", "success"),
            ("GD002", "bank", "failed"),
            ("GD003", "bank", "failed"),
        ]
        assert con.execute("SELECT profile FROM inputs WHERE role = 'payments'").fetchall() == [
            ("vn-bank-disbursement",)
        ]
        assert con.execute("SELECT code, count(*) FROM flags GROUP BY code ORDER BY code").fetchall() == [
            ("MISSING_PAYMENT", 2),
            ("PAYMENT_FAILED", 2),
        ]


def test_a_statement_s_reference_that_holds_the_payee_s_id_says_who_was_paid(tmp_path):
    """No payee column, a narrative naming no one, and the ID in the bank's reference (as camt's
    end-to-end id carries it): each row was rejected as naming no one, each beneficiary MISSING_PAYMENT.
    A narrative with an ID of its own keeps it (the reference's is not added beside it)."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số tham chiếu,Diễn giải,Ghi nợ,Ghi có,Số dư\n"
        "05/09/2024,079196118125,Chi tro cap T9/2024,1.500.000,,498.500.000\n"
        "05/09/2024,TC001097699417T09,Chi tro cap T9/2024,2.250.000,,496.250.000\n"
        "05/09/2024,CCCD079196118125,Chi tro cap T9/2024 CCCD 001145007788,1.000.000,,495.250.000\n",
        encoding="utf-8",
    )
    db = reconciled(tmp_path, REGISTRY, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, vneid, narrative FROM payments ORDER BY source_row").fetchall() == [
            ("079196118125", "079196118125", "Chi tro cap T9/2024; reference 079196118125"),
            ("TC001097699417T09", "001097699417", "Chi tro cap T9/2024; reference TC001097699417T09"),
            ("CCCD079196118125", "001145007788", "Chi tro cap T9/2024 CCCD 001145007788"),
        ]
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)


def test_the_title_blocks_currency_in_the_next_filled_cell_is_read(tmp_path):
    """Vietcombank lays its title block out label in one cell, value two cells on (as it does the
    account number and the opening balance): `Loại tiền/ Currency:`, empty, `USD` was not read, and the
    dollar account's export passed as a clean month in đồng, exit 0."""
    usd = tmp_path / "sao_ke_usd.csv"
    usd.write_text(
        "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM,,\nSố tài khoản/ Account number:,,0011370999999\n"
        "Loại tiền/ Currency:,,USD\n"
        "Ngày giao dịch,Số bút toán,Diễn giải,Ghi nợ,Ghi có,Số dư\n"
        '05/09/2024,BT001,CHI TRO CAP CCCD 079196118125,"61.00",,"49,939.00"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--lang", "en", "check", str(usd), "--as", "payments", "--period", "2024-09"])
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        f"reconcile: error: {usd}: is the export of an account in USD, not VND (its title block says so); ask the "
        "bank for the statement of the VND account that pays the benefits",
    )


def test_an_export_of_an_account_in_dollars_is_refused_by_its_title_and_a_row_in_dollars_is_rejected(tmp_path):
    """Vietcombank's export of its USD account (`Loại tiền/ Currency: USD` above the header, 61.00 paid):
    read as đồng, it paid 61 VND, each an AMOUNT_MISMATCH, exit 0. And a list whose `Loại tiền` column
    says one row's 170 are dollars: that row was a payment of 170 VND. camt and MT940 said so already."""
    usd = tmp_path / "sao_ke_usd.csv"
    usd.write_text(
        "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM\nSAO KÊ TÀI KHOẢN\nSố tài khoản: 0011370999999\n"
        "Loại tiền/ Currency: USD\n"
        "Ngày giao dịch,Số bút toán,Diễn giải,Ghi nợ,Ghi có,Số dư\n"
        '05/09/2024,BT001,CHI TRO CAP CCCD 079196118125,"61.00",,"49,939.00"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--lang", "en", "check", str(usd), "--as", "payments", "--period", "2024-09"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"reconcile: error: {usd}: is the export of an account in USD, not VND (its title block says so); ask the "
        "bank for the statement of the VND account that pays the benefits"
    )
    mixed = tmp_path / "sao_ke.csv"
    mixed.write_text(
        "Ngày giao dịch,Số bút toán,Diễn giải,Loại tiền,Ghi nợ,Ghi có\n"
        '05/09/2024,BT001,CHI TRO CAP CCCD 079196118125,VND,"1,500,000",\n'
        '05/09/2024,BT002,CHI TRO CAP CCCD 001097699417,VND,"2,250,000",\n'
        "05/09/2024,BT003,CHUYEN TIEN CCCD 001145007788,USD,170,\n",
        encoding="utf-8",
    )
    db = reconciled(tmp_path, REGISTRY, mixed)
    payments, rejected, flags = loaded(db)
    assert [p[0] for p in payments] == ["BT001", "BT002"]
    assert rejected == [(4, "amount is in USD, not VND")]
    assert flags == [("MISSING_PAYMENT", None)]
    only = tmp_path / "sao_ke_usd_rows.csv"
    only.write_text(
        "Ngày giao dịch,Số bút toán,Diễn giải,Loại tiền,Ghi nợ,Ghi có\n05/09/2024,BT001,CHI TRO CAP,USD,61,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--lang", "en", "check", str(only), "--as", "payments"])
    assert result.stderr.splitlines()[-1] == (
        f"reconcile: error: {only}: is a statement of an account in USD, not VND: its one entry is in USD; ask the "
        "bank for the statement of the VND account that pays the benefits"
    )


def test_a_file_of_one_row_that_cannot_be_loaded_says_so_in_the_singular(tmp_path):
    """`none of its 1 rows could be loaded`: a file of one row says its one row."""
    one = tmp_path / "mot_dong.csv"
    one.write_text(
        "Số tham chiếu,Số định danh,Tên người thụ hưởng,Số tài khoản,Số tiền,Ngày giao dịch,Kênh chi trả\n"
        "FT1,079196118125,NGUYEN THI THANH HUONG,0071000000001,một triệu,05/09/2024,Chuyển khoản\n",
        encoding="utf-8",
    )
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(tmp_path / "r.duckdb")]
    result = CliRunner().invoke(cli, [*args, "--registry", str(tmp_path / "registry.csv"), "--payments", str(one)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith(
        f"reconcile: error: {one}: its one row could not be loaded (most for: amount "
    )


def test_an_acb_statement_headed_tien_rut_ra_and_tien_gui_vao_is_a_statement(tmp_path):
    """ACB heads its movements `Tiền rút ra` / `Tiền gửi vào`: refused for a payee column, even with
    `--profile vn-bank-statement`, whose `Rút ra` / `Gửi vào` pair they did not match whole."""
    path = tmp_path / "acb.csv"
    path.write_text(
        "NGÂN HÀNG TMCP Á CHÂU\nSAO KÊ TÀI KHOẢN\nSố tài khoản: 24681000\n"
        "Ngày hiệu lực,Số GD,Nội dung giao dịch,Tiền rút ra,Tiền gửi vào,Số dư\n"
        '01/09/2024,,SỐ DƯ ĐẦU KỲ,,,"5,000,000"\n'
        '05/09/2024,4512,CHI TRO CAP XA HOI T9/2024 CCCD 079196118125,"1,500,000",,"3,500,000"\n'
        '06/09/2024,4513,NOP TIEN MAT,,"2,000,000","5,500,000"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "profile: vn-bank-statement (recognised from its header row)" in lines
    assert lines[-3:] == [
        "rows: 3 read, 1 loaded, 0 rejected, 2 set aside as no payment",
        "set aside: 1 row: a balance row (profile vn-bank-statement) (row 5)",
        "set aside: 1 row: money in (a credit), not a payment (profile vn-bank-statement) (row 7)",
    ]


def test_fees_written_as_banks_write_them_are_bank_charges(tmp_path):
    """`Thuế GTGT phí…`, `Tien phi…`, `CHUYEN TIEN PHI…` were rejected (`payee_name missing`), and `Phi NH chi tra
    tro cap FT242490000003` too: the twelve digits of its reference read as an ID. A payee surnamed Phí with an
    ID is still paid."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số bút toán,Diễn giải,Ghi nợ,Ghi có,Số dư\n"
        ',,Số dư đầu kỳ,,,"10.000.000"\n'
        '05/09/2024,FT24249000001,IBFT Chi tro cap T09 CCCD 079196118125 NGUYEN THI THANH HUONG,"1.000.000",,"9.000.000"\n'
        '05/09/2024,FT24249000002,Thuế GTGT phí chuyển tiền,"1.100",,"8.998.900"\n'
        '05/09/2024,FT24249000003,Tien phi chuyen khoan,"11.000",,"8.987.900"\n'
        '05/09/2024,FT24249000004,CHUYEN TIEN PHI DICH VU,"11.000",,"8.976.900"\n'
        '05/09/2024,FT24249000005,Phi NH chi tra tro cap FT242490000003,"11.000",,"8.965.900"\n'
        '05/09/2024,FT24249000006,PHI VAN PHUC NHAN TRO CAP T09/2024 CCCD 001040951508,"500.000",,"8.465.900"\n'
        ',,Số dư cuối kỳ,,,"8.465.900"\n',
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments"])
    assert res.exit_code == 0, res.output
    assert "rows: 8 read, 2 loaded, 0 rejected, 6 set aside as no payment" in res.output
    assert "set aside: 4 rows: bank charges (profile vn-bank-statement) (rows 4, 5, 6, 7)" in res.output
