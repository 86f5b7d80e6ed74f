"""A bank statement export with one signed amount column (`Số tiền`: `-1.500.000`, `1.500.000-` or
`(1.500.000)` paid out, `+10.000.000` or `10.000.000` received): every row was rejected, the debits
as negative amounts, and a credit loaded as a payment. Its debits are read as the payments, its
credits set aside as money in (a return paired with its payment), as a `Ghi nợ`/`Ghi có` export's are;
a payments list of positive amounts, and a registry, are read as they always were."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import xlsx_rows
from reconcile.cli import cli
from test_statements import REGISTRY, check_lines, run_month

HEADER = ["STT", "Ngày giao dịch", "Số giao dịch", "Nội dung", "Số tiền", "Số dư"]
HUONG = "CT tu 113000123456 UBND XA AN BINH toi 0071000000001 NGUYEN THI THANH HUONG CCCD 079196118125 TCXH T9"
BINH = "CT tu 113000123456 UBND XA AN BINH toi 0071000000002 TRAN VAN BINH CCCD 001038005555 TCXH T9"
NHUNG = "CT tu 113000123456 UBND XA AN BINH toi 0071000000003 LE THI HONG NHUNG CCCD 001145007788 TCXH T9"
DUC = "CT tu 113000123456 UBND XA AN BINH toi 0071000000004 PHAM THI DUC CCCD 001140012345 TCXH T9"


def vietinbank(tmp_path, nhung_balance: str = "12.250.000"):
    """VietinBank's statement of a commune's payout account: a title block, the opening and closing
    balance rows, the treasury's funding (+), four payments (-) and Bình's money back on the 12th."""
    return xlsx_rows(
        tmp_path / "vtb_sao_ke.xlsx",
        [
            ["NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM"],
            ["SAO KÊ TÀI KHOẢN"],
            ["Số tài khoản: 113000123456", None, "Tên tài khoản: UBND XA AN BINH"],
            ["Từ ngày 01/09/2024 đến ngày 30/09/2024"],
            [],
            HEADER,
            [None, None, None, "Số dư đầu kỳ", "0", "2.000.000"],  # a 0 movement: still no credit
            [1, "04/09/2024 09:10:00", "TX001", "KBNN cap kinh phi chi tra TCXH T9", "+15.000.000", "17.000.000"],
            [2, "05/09/2024 14:32:10", "TX002", HUONG, "-1.500.000", "15.500.000"],
            [3, "05/09/2024 14:33:10", "TX003", BINH, "-2.250.000", "13.250.000"],
            [4, "05/09/2024 14:34:10", "TX004", NHUNG, "-1.000.000", nhung_balance],
            [5, "10/09/2024 08:00:00", "TX005", DUC, "-750.000", "11.500.000"],
            [
                6,
                "12/09/2024 08:00:00",
                "TX006",
                "Hoan tra GD TX003 TRAN VAN BINH tai khoan da dong",
                "+2.250.000",
                "13.750.000",
            ],
            [None, None, None, "Số dư cuối kỳ", None, "13.750.000"],
        ],
    )


def test_a_signed_statement_reconciles_its_payments_and_brings_back_the_return(tmp_path):
    """Read as a payments list, the month was refused: every debit a negative amount, the funding an
    UNKNOWN_PAYEE. Now the four debits are the payments, matched by the narrative's ID; the funding and
    the balance rows are set aside, and Bình's money back on the 12th returns his payment. The day
    before's statement, the funding alone (`+1.000.000`), was refused: no row of it loaded."""
    day = tmp_path / "sao_ke_0309.csv"  # the day before: the treasury's funding alone, a credit written +
    day.write_text(
        "Ngày giao dịch,Số tham chiếu,Nội dung,Số tiền,Số dư\n03/09/2024 09:10:00,TX000,KBNN tam ung,+1.000.000,2.000.000\n",
        encoding="utf-8",
    )
    code, output, con = run_month(tmp_path, vietinbank(tmp_path), day)
    assert code == 0, output
    with con:
        assert con.execute(
            "SELECT payment_ref, vneid, amount, status, value_date::VARCHAR FROM payments ORDER BY source_row"
        ).fetchall() == [
            ("TX002", "079196118125", 1_500_000, "success", "2024-09-05"),
            ("TX003", "001038005555", 2_250_000, "returned", "2024-09-05"),
            ("TX004", "001145007788", 1_000_000, "success", "2024-09-05"),
            ("TX005", "001140012345", 750_000, "success", "2024-09-10"),
        ]
        assert con.execute(
            "SELECT source_row, reason FROM rejected_rows WHERE set_aside ORDER BY source_file LIKE '%.csv', source_row"
        ).fetchall() == [
            (7, "a balance row"),
            (8, "credit (money into the account), not a payment"),
            (
                13,
                "credit: the return of the payment in vtb_sao_ke.xlsx (sheet Sheet) row 10, which is marked returned "
                "(a return or reversal, not a payment)",
            ),
            (14, "a balance row"),
            (2, "credit (money into the account), not a payment"),
        ]
        assert con.execute("SELECT code, vneid FROM flags ORDER BY code").fetchall() == [
            ("MISSING_PAYMENT", "001038005555"),
            ("PAYMENT_FAILED", "001038005555"),
        ]


def test_a_signed_statement_s_running_balance_is_checked(tmp_path):
    """An amount edited (Nhung's balance says 12,000,000 after 13,250,000 less 1,000,000): refused."""
    code, lines = check_lines(vietinbank(tmp_path, nhung_balance="12.000.000"))
    assert code == 2
    assert lines[-1].endswith(
        "its balance column 'Số dư' does not follow at row 11: the balance before it is 13,250,000, the rows up "
        "to it move -1,000,000, and it says 12,000,000; ask the bank for the statement again; the file may be "
        "cut short or edited; if it has been checked by hand against the bank's, set running_balance = false in "
        "[checks] of the config file"
    )


def signed_csv(tmp_path, rows: list[str], total: str) -> str:
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "STT,Ngày giao dịch,Số bút toán,Nội dung,Phát sinh\n" + "".join(rows) + f"Tổng cộng: 3 giao dịch,,,,{total}\n",
        encoding="utf-8-sig",
    )
    return path


DEBITS = [
    f'1,05/09/2024,FT001,{HUONG},"1.500.000-"\n',
    f'2,05/09/2024,FT002,{BINH},"(2.250.000)"\n',
    f'3,05/09/2024,FT003,{NHUNG},"- 1.000.000 VND"\n',
]


def test_a_payout_account_s_debits_signed_at_the_end_or_in_brackets_are_its_payments(tmp_path):
    """All three amounts negative (`1.500.000-`, `(2.250.000)`, `- 1.000.000 VND`) under `Phát sinh`:
    the statement of a payout account, each a payment (the file was refused, no amount column known);
    its negative total checks them, and a row cut off is seen."""
    code, lines = check_lines(signed_csv(tmp_path, DEBITS, "-4.750.000"))
    assert code == 0, lines
    assert lines[-2:] == [
        "rows: 3 read, 3 loaded, 0 rejected",
        "totals: totals row 5 says 3 rows of 4,750,000 VND; read 3 rows of 4,750,000 VND",
    ]
    code, lines = check_lines(signed_csv(tmp_path, DEBITS[:2], "-4.750.000"))
    assert code == 1
    assert lines[-1] == (
        "totals: totals row 4 says 3 rows of 4,750,000 VND; read 2 rows of 3,750,000 VND; they DISAGREE: the file "
        "is incomplete or its totals row is wrong"
    )


def test_a_payments_list_with_a_stray_negative_and_a_registry_are_read_as_before(tmp_path):
    """A list of positive amounts with one typed negative is no statement: that row is rejected as
    negative, the others loaded (not set aside as credits); so is a list with a channel column of its
    own, whatever its signs. A registry's negative entitlement is
    rejected with its reason."""
    path = tmp_path / "chi_tra.csv"
    path.write_text(
        "STT,Số tài khoản,Tên người thụ hưởng,Số tiền,Nội dung,Ngày giao dịch,Số bút toán\n"
        "1,0071000000001,NGUYEN THI THANH HUONG,1.500.000,TCXH T9,05/09/2024,FT1\n"
        "2,0071000000002,TRAN VAN BINH,-2.250.000,TCXH T9,05/09/2024,FT2\n"
        "3,0071000000003,LE THI HONG NHUNG,1.000.000,TCXH T9,05/09/2024,FT3\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 1
    assert lines[-2:] == ["rows: 3 read, 2 loaded, 1 rejected", "row 3: rejected: amount is negative"]
    cash = tmp_path / "buu_dien.csv"  # a post office's cash list (its own channel), a recovery written negative
    cash.write_text(
        "STT,Mã giao dịch,Số CCCD,Họ và tên,Số tiền,Ngày chi trả,Hình thức chi trả\n"
        "1,BD1,079196118125,Nguyễn Thị Thanh Hương,1.500.000,05/09/2024,Tiền mặt\n"
        "2,BD2,001038005555,Trần Văn Bình,-2.250.000,05/09/2024,Tiền mặt\n",
        encoding="utf-8",
    )
    code, lines = check_lines(cash)
    assert (code, lines[-2:]) == (1, ["rows: 2 read, 1 loaded, 1 rejected", "row 3: rejected: amount is negative"])
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY.read_text(encoding="utf-8").replace(",1.500.000,", ",-1.500.000,"), encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(registry), "--as", "registry"])
    assert res.exit_code == 1
    assert "row 2: rejected: entitled_amount is negative" in res.output.splitlines()


def test_a_side_column_beside_debits_written_negative_reads_them_as_payments(tmp_path):
    """`-1.500.000` beside `D`, and no payee column (the narrative names each): every debit was
    rejected as negative, or the file refused for a payee column it needs not. The bank's charges
    (`Phi chuyen tien`, `Thu phi SMS Banking`) are set aside as a statement profile's are, not
    rejected for a payee they have not (nor, with a counterparty column, paid to an unknown payee)."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số tham chiếu,Nội dung,Số tiền,Nợ/Có\n"
        "04/09/2024,TX001,KBNN cap kinh phi,10.000.000,C\n"
        f"05/09/2024,TX002,{HUONG},-1.500.000,D\n"
        f"05/09/2024,TX003,{BINH},-2.250.000,D\n"
        "05/09/2024,TX004,Phi chuyen tien,-22.000,D\n"
        "30/09/2024,TX005,Thu phi SMS Banking T9/2024,-8.800,D\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[-3:] == [
        "rows: 5 read, 2 loaded, 0 rejected, 3 set aside as no payment",
        "set aside: 1 row: credit (money into the account), not a payment (row 2)",
        "set aside: 2 rows: bank charges (rows 5, 6)",
    ]


def test_a_type_column_that_names_no_side_leaves_the_sides_to_the_signs(tmp_path):
    """`Loại giao dịch` (`Nhận tiền`, `Chuyển tiền`) was taken for a side column whose values said no
    side: nothing was set aside, and the treasury's `+10.000.000` was a rejected row (exit 1)."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số tham chiếu,Nội dung,Loại giao dịch,Số tiền\n"
        "04/09/2024,TX001,KBNN cap kinh phi,Nhận tiền,+10.000.000\n"
        f"05/09/2024,TX002,{HUONG},Chuyển tiền,-1.500.000\n"
        f"05/09/2024,TX003,{BINH},Chuyển tiền,-2.250.000\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert (code, lines[-2:]) == (
        0,
        [
            "rows: 3 read, 2 loaded, 0 rejected, 1 set aside as no payment",
            "set aside: 1 row: credit (money into the account), not a payment (row 2)",
        ],
    )


def test_a_statement_s_count_of_its_transactions_leaves_out_its_balance_rows(tmp_path):
    """`Tổng cộng: 3 giao dịch` between the opening and closing balance rows: the three transactions were
    compared with five rows (the two balance rows counted), and the statement refused as incomplete;
    and in a `Ghi nợ`/`Ghi có` export whose narrative is headed `Nội dung`, the balance rows were set
    aside as rows without a debit, not as balance rows. The amount read is the payments', as in a `Ghi nợ`
    export: the signed statement's said `read 2 rows of 11,500,000 VND`, its funding counted."""
    rows = [
        ",,,Số dư đầu kỳ,{nil},5.000.000",
        "1,04/09/2024,TX001,KBNN cap kinh phi,{funding},15.000.000",
        f"2,05/09/2024,TX002,{HUONG},{{huong}},13.500.000",
        "Tổng cộng: 2 giao dịch,,,,{nil},",
        ",,,Số dư cuối kỳ,{nil},13.500.000",
    ]
    for header, nil, funding, huong, aside in (
        ("Số tiền", "", "+10.000.000", "-1.500.000", "a balance row"),
        ("Ghi nợ,Ghi có", ",", ",10.000.000", "1.500.000,", "a balance row (profile vn-bank-statement)"),
    ):
        path = tmp_path / "sao_ke.csv"
        text = "\n".join(r.format(nil=nil, funding=funding, huong=huong) for r in rows)
        path.write_text(f"STT,Ngày giao dịch,Số tham chiếu,Nội dung,{header},Số dư\n{text}\n", encoding="utf-8")
        code, lines = check_lines(path)
        assert code == 0, lines
        # the amount read as payments, the funding's 10,000,000 none of it (it was, under `Số tiền`)
        assert lines[-3] == "totals: totals row 5 says 2 rows; read 2 rows of 1,500,000 VND", lines
        assert lines[-2] == f"set aside: 2 rows: {aside} (rows 2, 6)"


def test_a_signed_statement_with_more_credits_than_debits_and_no_plus_sign_is_a_statement(tmp_path):
    """The treasury's funding in two tranches and the month's interest, unsigned, beside one payment
    `-1.500.000`: more credits than debits, no `+`, no balance column, so the file was read as a
    payments list and refused for its payee's column. Its columns say a statement (the narrative
    alone names the payee; a credit names no one), and it is read as one. A list whose every row
    names its payee (an ID in each narrative) with one stray negative is still no statement."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số tham chiếu,Diễn giải,Số tiền\n"
        "03/09/2024,TX001,KBNN cap kinh phi chi tra TCXH T9,10.000.000\n"
        "04/09/2024,TX002,KBNN cap bo sung kinh phi TCXH T9,5.000.000\n"
        f"05/09/2024,TX003,{HUONG},-1.500.000\n"
        "30/09/2024,TX004,Lai tien gui thang 9,12.345\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[-2:] == [
        "rows: 4 read, 1 loaded, 0 rejected, 3 set aside as no payment",
        "set aside: 3 rows: credit (money into the account), not a payment (rows 2, 3, 5)",
    ]
    path.write_text(
        "STT,Số tiền,Nội dung,Ngày giao dịch,Số bút toán\n"
        f"1,1.500.000,{HUONG},05/09/2024,FT1\n"
        f"2,-2.250.000,{BINH},05/09/2024,FT2\n"
        f"3,1.000.000,{NHUNG},05/09/2024,FT3\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 2
    assert lines[-1].startswith(f"reconcile: error: {path}: required column 'payee_name' is missing")


def test_a_signed_statement_with_counterparty_columns_reads_them(tmp_path):
    """`Tên đối ứng` and `Tài khoản đối ứng` beside signed movements, the funding unsigned: refused as a
    `Ghi nợ`/`Ghi có` statement lacking those headers, which it has no reason to have. The counterparty
    is read as the statement profile reads it, and Bình's money back returns his payment."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số tham chiếu,Diễn giải,Tên đối ứng,Tài khoản đối ứng,Số tiền\n"
        "03/09/2024,TX001,KBNN cap kinh phi chi tra TCXH T9,KHO BAC NHA NUOC,3511,10.000.000\n"
        "04/09/2024,TX002,KBNN cap bo sung kinh phi TCXH T9,KHO BAC NHA NUOC,3511,5.000.000\n"
        "05/09/2024,TX003,CHI TRA TCXH T9 CCCD 079196118125,NGUYỄN THỊ THANH HƯƠNG,0071000000001,-1.500.000\n"
        "05/09/2024,TX004,CHI TRA TCXH T9 CCCD 001038005555,TRẦN VĂN BÌNH,0071000000002,-2.250.000\n"
        "07/09/2024,TX005,Hoan tra GD TX004 tai khoan da dong,TRẦN VĂN BÌNH,0071000000002,2.250.000\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[2] == (
        "columns: Ngày giao dịch -> value_date, Số tham chiếu -> payment_ref, Diễn giải -> narrative, "
        "Tên đối ứng -> payee_name, Tài khoản đối ứng -> account_number, Số tiền -> amount"
    )
    assert lines[-3:] == [
        "rows: 5 read, 2 loaded, 0 rejected, 3 set aside as no payment",
        "set aside: 2 rows: credit (money into the account), not a payment (rows 2, 3)",
        "set aside: 1 row: credit: the return of the payment in sao_ke.csv row 5, which is marked returned (a "
        "return or reversal, not a payment) (row 6)",
    ]


def test_a_signed_statement_s_totals_row_with_no_count_is_set_aside_not_said_to_agree(tmp_path):
    """`Tổng cộng` over the net movement (funding less the payment) and no count: the net is no sum of
    the payments, so it was not compared, yet `check` said the row `says nothing` (`cho biết nothing`)
    and a run that the file agreed with it. It is a totals row set aside, saying why."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "STT,Ngày giao dịch,Số bút toán,Nội dung,Phát sinh\n"
        "1,04/09/2024,FT000,KBNN cap kinh phi,+10.000.000\n"
        f"2,05/09/2024,FT001,{HUONG},-1.500.000\n"
        "Tổng cộng,,,,8.500.000\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[-3:] == [
        "rows: 3 read, 1 loaded, 0 rejected, 2 set aside as no payment",
        "set aside: 1 row: credit (money into the account), not a payment (row 2)",
        "set aside: 1 row: a total row with no count, its amount the debits and credits together: nothing to "
        "check the payments against (row 4)",
    ]


def test_a_day_of_more_refunds_than_payments_is_a_statement_by_its_refunds_words(tmp_path):
    """A payout account's export of a day: two transfers the banks sent back (`HOAN TIEN ... TK DA DONG`,
    unsigned) beside one payment `-4.200.000`, a payee column in each row, no balance column. More
    credits than debits, so it was read as a payments list: the two refunds paid Hoa and Bình, and the
    payment was rejected as negative, its beneficiary a MISSING_PAYMENT, exit 0. The refunds' words say a
    statement: they are set aside as money in, and the payment read."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số tham chiếu,Số tài khoản,Tên người thụ hưởng,Số tiền,Nội dung\n"
        "11/09/2024 09:12:00,MB01,24681357,BUI THI HOA,1.500.000,HOAN TIEN CHI TRO CAP T9/2024 TK DA DONG\n"
        "11/09/2024 09:13:00,MB02,0011001234568,TRAN THI BINH,1.000.000,Hoàn trả chi trợ cấp T9/2024 sai tên\n"
        "11/09/2024 15:00:00,MB03,12010000123456,LE VAN CUONG,-4.200.000,CHI LUONG HUU T9/2024 LE VAN CUONG\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[-2:] == [
        "rows: 3 read, 1 loaded, 0 rejected, 2 set aside as no payment",
        "set aside: 2 rows: credit (money into the account), not a payment (rows 2, 3)",
    ]


def test_a_side_column_of_n_and_c_reads_n_as_the_debits(tmp_path):
    """`Nợ/Có` written `N` and `C`: `N` was no side it knew, so the file with a running balance was
    refused as cut short or edited (the balance counted the credits alone), and without one each `N`
    row was a payment only by luck of the amounts. `N` is Nợ, a debit."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số tham chiếu,Diễn giải,Số tiền,Nợ/Có,Số dư\n"
        '03/09/2024,ACB001,KBNN CAP KINH PHI T9/2024,"20,000,000",C,"30,000,000"\n'
        f'05/09/2024,ACB002,{HUONG},"1,500,000",N,"28,500,000"\n'
        f'05/09/2024,ACB003,{BINH},"2,250,000",N,"26,250,000"\n',
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[-2:] == [
        "rows: 3 read, 2 loaded, 0 rejected, 1 set aside as no payment",
        "set aside: 1 row: credit (money into the account), not a payment (row 2)",
    ]
