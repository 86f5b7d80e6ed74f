"""Vietnamese bank statement exports (fixtures/statements/): recognised by their bilingual headers,
the date and document number split out of one cell, the payee and account taken from the narrative,
credits, charges and balance rows set aside, the Tổng số/ Total row checked as the file's control."""

from __future__ import annotations

import csv

import duckdb
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, xlsx_rows
from reconcile.cli import cli
from reconcile.errors import ConfigError
from reconcile.profiles import builtin, load_file
from reconcile.readers.layout import profile_columns

STATEMENTS = FIXTURES / "statements"
REGISTRY = STATEMENTS / "registry.csv"


def check_lines(path, *args) -> tuple[int, list[str]]:
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09", *args])
    return res.exit_code, res.output.splitlines()


def run_month(tmp_path, *payments):
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--db",
            str(db),
            "--registry",
            str(REGISTRY),
            *[a for p in payments for a in ("--payments", str(p))],
        ],
    )
    return res.exit_code, res.output, (duckdb.connect(str(db), read_only=True) if db.exists() else None)


def test_vcb_statement_check():
    path = STATEMENTS / "vcb_sao_ke.xlsx"
    code, lines = check_lines(path)
    assert code == 0
    assert lines == [
        f"{path}: payments file, xlsx, header on row 10 of sheet 'Sao ke'",
        "profile: vcb-statement (recognised from its header row)",
        "columns: Ngày hiệu lực2/ Effective Date -> value_date, Nội dung chi tiết/ Transactions in detail -> narrative",
        "profile: amount from 'Số tiền ghi nợ/ Debit' (debits); rows without a debit are set aside",
        "profile: channel = 'bank' for every row (the file has no such column)",
        "profile: status = 'success' for every row (the file has no such column)",
        "profile: value_date from 'Ngày hiệu lực2/ Effective Date', where blank from 'Ngày1/ TNX Date/ Số CT'; "
        "payment_ref from 'Ngày1/ TNX Date/ Số CT' (where it reads as the profile's pattern 1)",
        "profile: account_number from 'Nội dung chi tiết/ Transactions in detail'; payee_name from 'Nội dung chi "
        "tiết/ Transactions in detail' (where it reads as the profile's pattern 2)",
        "profile: running balance 'Số dư/ Balance' checked row by row",
        "rows: 7 read, 4 loaded, 0 rejected, 3 set aside as no payment",
        "totals: totals row 17 says 5,511,000 VND; read 7 rows of 5,511,000 VND",
        "set aside: 1 row: money in (a credit), not a payment (profile vcb-statement) (row 11)",
        "set aside: 1 row: bank charges (profile vcb-statement) (row 15)",
        "set aside: 1 row: a balance row (profile vcb-statement) (row 18)",
    ]


def test_vcb_statement_reconciles_by_the_narrative(tmp_path):
    code, output, con = run_month(tmp_path, STATEMENTS / "vcb_sao_ke.xlsx")
    assert code == 0, output
    with con:
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)
        assert con.execute(
            "SELECT payment_ref, vneid, payee_name, account_number, amount, value_date::VARCHAR "
            "FROM payments ORDER BY source_row"
        ).fetchall() == [
            ("5254 - 05357", "079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 1_500_000, "2024-09-05"),
            ("5254 - 05358", None, "TRAN VAN BINH", "0071000000002", 2_250_000, "2024-09-05"),
            ("5254 - 05359", "001145007788", "LE THI HONG NHUNG", "0071000000003", 1_000_000, "2024-09-05"),
            ("5301 - 00077", "001140012345", "PHAM THI DUC", "0071000000004", 750_000, "2024-09-10"),
        ]
        # the ID where the narrative gives it, else the account the narrative names
        assert con.execute(
            "SELECT p.payment_ref, m.method FROM matches AS m JOIN payments AS p USING (payment_id) "
            "ORDER BY p.source_row"
        ).fetchall() == [
            ("5254 - 05357", "narrative_vneid"),
            ("5254 - 05358", "account"),
            ("5254 - 05359", "narrative_vneid"),
            ("5301 - 00077", "narrative_vneid"),
        ]
        assert con.execute(
            "SELECT rows_read, rows_loaded, rows_rejected, rows_set_aside, control_source, "
            "control_amount FROM inputs WHERE role = 'payments'"
        ).fetchone() == (7, 4, 0, 3, "totals row 17", 5_511_000)


def test_a_statement_whose_total_disagrees_is_refused(tmp_path):
    """A row lost from the export (the last transfer) shows against the Tổng số/ Total row (the
    closing balance under it left out as well: it would refuse the file first, at its running balance)."""
    from openpyxl import load_workbook

    wb = load_workbook(STATEMENTS / "vcb_sao_ke.xlsx")
    wb.active.delete_rows(16)  # the transfer of 750,000 to PHAM THI DUC
    wb.active.delete_rows(17)  # Số dư cuối kỳ/ Closing balance
    path = tmp_path / "vcb_cut.xlsx"
    wb.save(path)
    code, output, con = run_month(tmp_path, path)
    assert (code, con) == (2, None)
    assert output.splitlines()[-1] == (
        f"reconcile: error: {path}: its totals row 16 says 5,511,000 VND but 5 rows of 4,761,000 VND were read; check "
        "that the file is complete (no rows cut off or left on another sheet) and that the totals row is the file's own"
    )


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("(?P<value_date>[0-9]+", "not a regular expression polars can run"),
        ("[0-9]+", "has no named group such as (?P<payment_ref>...)"),
        ("(?P<colour>[a-z]+)", "'extract.1.pattern': 'colour' is not a column reconcile knows (one of"),
    ],
)
def test_an_extract_rule_that_cannot_work_is_refused_naming_the_key(tmp_path, pattern, message):
    path = tmp_path / "bank.toml"
    path.write_text(
        f'name = "bank"\nkind = "payments"\n[[extract]]\ncolumn = "Ngày"\npattern = \'{pattern}\'\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_file(path)
    assert str(info.value).startswith(f"{path}: profile setting '")
    assert message in str(info.value) and str(info.value).endswith("; fix the profile")


# (file, profile, rows read / loaded / rejected / set aside, what was set aside by row, loaded payments:
#  (payment_ref, ID, payee, account, amount, value date), how each was matched)
BANKS = {
    "vietinbank_lich_su_giao_dich.xlsx": (
        "vietinbank-statement",
        (8, 4, 0, 4),
        [
            (7, "a balance row (profile vietinbank-statement)"),
            (11, "bank charges (profile vietinbank-statement)"),
            (13, "money in (a credit), not a payment (profile vietinbank-statement)"),
            (14, "a balance row (profile vietinbank-statement)"),
        ],
        [
            ("FT24249110001", "079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 1_500_000, "2024-09-05"),
            # the accounting date printed once for the day: the row above's
            ("FT24249110002", None, "TRAN VAN BINH", "0071000000002", 2_250_000, "2024-09-05"),
            ("FT24250110003", "001145007788", "LE THI HONG NHUNG", "0071000000003", 1_000_000, "2024-09-06"),
            # no counterparty columns: the account and name from "CT tu ... toi <account> <NAME> tai VCB"
            ("FT24256110005", "001140012345", "PHAM THI DUC", "0071000000004", 750_000, "2024-09-12"),
        ],
        ["narrative_vneid", "account", "narrative_vneid", "narrative_vneid"],
    ),
    "bidv_sao_ke.xlsx": (
        "bidv-statement",
        (7, 4, 0, 3),
        [
            (7, "a balance row (profile bidv-statement)"),
            (12, "bank charges (profile bidv-statement)"),
            (13, "a balance row (profile bidv-statement)"),
        ],
        [
            ("CT0905001", "079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 1_500_000, "2024-09-05"),
            ("CT0905002", None, "TRAN VAN BINH", "0071000000002", 2_250_000, "2024-09-05"),
            ("CT0905003", "001145007788", "LE THI HONG NHUNG", "0071000000003", 1_000_000, "2024-09-05"),
            ("CT0906001", "001140012345", "PHAM THI DUC", "0071000000004", 750_000, "2024-09-06"),
        ],
        ["narrative_vneid", "account", "narrative_vneid", "narrative_vneid"],
    ),
    "agribank_sao_ke.xlsx": (
        "agribank-statement",
        (6, 4, 0, 2),
        [
            (6, "a balance row (profile agribank-statement)"),
            (11, "money in (a credit), not a payment (profile agribank-statement)"),
        ],
        [
            ("2882370", "079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 1_500_000, "2024-09-05"),
            ("2882371", None, "TRAN VAN BINH", "0071000000002", 2_250_000, "2024-09-05"),
            ("2882372", "001145007788", "LE THI HONG NHUNG", "0071000000003", 1_000_000, "2024-09-05"),
            ("2882373", "001140012345", "PHAM THI DUC", "0071000000004", 750_000, "2024-09-05"),
        ],
        ["narrative_vneid", "account", "narrative_vneid", "narrative_vneid"],
    ),
}


@pytest.mark.parametrize("name", list(BANKS))
def test_bank_statement_layouts_reconcile(tmp_path, name):
    profile, counts, set_aside, payments, methods = BANKS[name]
    code, lines = check_lines(STATEMENTS / name)
    assert code == 0
    assert lines[1] == f"profile: {profile} (recognised from its header row)"
    code, output, con = run_month(tmp_path, STATEMENTS / name)
    assert code == 0, output
    with con:
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)
        assert (
            con.execute(
                "SELECT rows_read, rows_loaded, rows_rejected, rows_set_aside FROM inputs WHERE role = 'payments'"
            ).fetchone()
            == counts
        )
        assert (
            con.execute("SELECT source_row, reason FROM rejected_rows WHERE set_aside ORDER BY source_row").fetchall()
            == set_aside
        )
        assert (
            con.execute(
                "SELECT payment_ref, vneid, payee_name, account_number, amount, value_date::VARCHAR "
                "FROM payments ORDER BY source_row"
            ).fetchall()
            == payments
        )
        assert [
            m
            for (m,) in con.execute(
                "SELECT m.method FROM matches AS m JOIN payments AS p USING (payment_id) ORDER BY p.source_row"
            ).fetchall()
        ] == methods


def test_all_statement_layouts_of_one_month_together(tmp_path):
    """The same month paid through four banks is each beneficiary paid four times: every payment after
    the first is a DUPLICATE_PAYMENT, each beneficiary paid four times their due an AMOUNT_MISMATCH, and
    none is unknown or missing: each layout's payees are found."""
    code, output, con = run_month(tmp_path, *(STATEMENTS / n for n in ("vcb_sao_ke.xlsx", *BANKS)))
    assert code == 0, output
    with con:
        assert con.execute("SELECT code, count(*) FROM flags GROUP BY code ORDER BY code").fetchall() == [
            ("AMOUNT_MISMATCH", 4),
            ("DUPLICATE_PAYMENT", 12),
        ]
        assert con.execute("SELECT profile FROM inputs WHERE role = 'payments' ORDER BY file_id").fetchall() == [
            ("vcb-statement",),
            ("vietinbank-statement",),
            ("bidv-statement",),
            ("agribank-statement",),
        ]


def test_a_profile_takes_an_alternative_as_the_whole_header_before_words_within_another():
    """`Số tiền` (first alternative) is not taken from within `Số tiền phí` when `Số tiền chuyển` (a later
    alternative) is a header as it is; a bilingual header is found by its words when nothing matches whole."""
    from reconcile.profiles import resolve
    from reconcile.readers.layout import profile_columns

    profile = resolve("vn-bank-disbursement")
    headers = [
        (h, h)
        for h in ("Số tài khoản", "Tên người thụ hưởng", "Số tiền phí", "Số tiền chuyển", "Nội dung/ Description")
    ]
    assert profile_columns(profile, headers) == {
        "Số tài khoản": "account_number",
        "Tên người thụ hưởng": "payee_name",
        "Số tiền chuyển": "amount",
        "Nội dung/ Description": "narrative",
    }


SAO_KE = """SAO KÊ TÀI KHOẢN,,,,,,,,
Số tài khoản: 0071000999999,,,,,,,,
STT,Ngày giao dịch,Số bút toán,Diễn giải,Tên đối ứng,Tài khoản đối ứng,Ghi nợ,Ghi có,Số dư
,,,Số dư đầu kỳ,,,,,"5.000.000"
1,03/09/2024,BT001,KBNN cap kinh phi chi tra T09,KHO BAC NHA NUOC,3511,{nil},"20.000.000","25.000.000"
2,05/09/2024,BT002,CHI TRA TCXH T09 CCCD 079196118125,NGUYỄN THỊ THANH HƯƠNG,0071000000001,"1.500.000",{nil},"23.500.000"
3,05/09/2024,BT003,Phí chuyển tiền,,,"11.000",{nil},"23.489.000"
4,07/09/2024,BT004,Hoan tra GD BT002,NGUYỄN THỊ THANH HƯƠNG,0071000000001,{nil},"1.500.000","24.989.000"
Tổng cộng,,,,,,"1.511.000","21.500.000",
,,,Số dư cuối kỳ,,,,,"24.989.000"
"""


# row 8, `Hoan tra GD BT002`, is the return of row 6's payment, which is then marked returned
SAO_KE_SET_ASIDE = [
    "rows: 6 read, 1 loaded, 0 rejected, 5 set aside as no payment",
    "totals: totals row 9 says 1,511,000 VND; read 6 rows of 1,511,000 VND",
    "set aside: 2 rows: a balance row (profile vn-bank-statement) (rows 4, 10)",
    "set aside: 1 row: money in (a credit), not a payment (profile vn-bank-statement) (row 5)",
    "set aside: 1 row: bank charges (profile vn-bank-statement) (row 7)",
    "set aside: 1 row: credit: the return of the payment in {file} row 6, which is marked returned (a "
    "return or reversal, not a payment) (row 8)",
]


@pytest.mark.parametrize("nil", ["", "0", "-", '"0,00"'])
def test_the_unused_one_of_debit_and_credit_may_hold_zero_or_a_dash(tmp_path, nil):
    """Many exports fill the column a row does not use with 0 or -: a credit is still money in, set
    aside, never a payment of 0 VND; and the bank's charges are set aside on the generic layout too."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(SAO_KE.format(nil=nil), encoding="utf-8")
    code, lines = check_lines(path, "--profile", "vn-bank-statement")
    assert code == 0, lines
    assert lines[-6:] == [line.format(file=path.name) for line in SAO_KE_SET_ASIDE]


def test_a_credit_saying_it_is_a_return_but_naming_no_reference_is_money_in_that_says_so(tmp_path):
    """`Hoan tra CK CCCD ... NGUYEN THI THANH HUONG` names the payee but no payment's reference: it may be
    the family paying back an earlier month, so it is not paired; it was set aside as plain money in,
    and the money that came back was reported nowhere an officer would look. The reason now says what
    to ask the bank, and names the payment."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        SAO_KE.format(nil="").replace("Hoan tra GD BT002", "Hoan tra CK CCCD 079196118125 NGUYEN THI THANH HUONG"),
        encoding="utf-8",
    )
    code, lines = check_lines(path, "--profile", "vn-bank-statement")
    assert code == 0, lines
    assert lines[-2:] == [
        "set aside: 1 row: bank charges (profile vn-bank-statement) (row 7)",
        "set aside: 1 row: money in (a credit), not a payment (profile vn-bank-statement); its text says it brings "
        "back money of the payee of the payment in sao_ke.csv row 6, but names the reference of none of this run's "
        "payments: not paired (it may be an earlier month's money paid back), that payment stays paid; if it is "
        "its return, ask the "
        "bank for the payment's reference (row 8)",
    ]


@pytest.mark.parametrize("debit, credit", [("Phát sinh Nợ", "Phát sinh Có"), ("PS nợ (VND)", "PS có (VND)")])
def test_debit_and_credit_headed_phat_sinh_are_recognised(tmp_path, debit, credit):
    """Many Vietnamese banks head the two columns Phát sinh nợ / Phát sinh có: the same statement is
    recognised and read as with Ghi nợ / Ghi có."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(SAO_KE.format(nil="").replace("Ghi nợ,Ghi có", f"{debit},{credit}"), encoding="utf-8")
    code, lines = check_lines(path)
    assert code == 0, lines
    assert "profile: vn-bank-statement (recognised from its header row)" in lines
    assert lines[-6:] == [line.format(file=path.name) for line in SAO_KE_SET_ASIDE]


def test_a_workbook_with_numeric_zeros_in_the_unused_column(tmp_path):
    """The same statement as Excel, the unused column holding the number 0: a credit is set aside, and
    the month's one payment is the only payment stored, returned by the credit of row 8 (before, it
    stayed paid: the money that came back counted as paid)."""
    import csv

    from openpyxl import Workbook

    wb = Workbook()
    for row in csv.reader(SAO_KE.format(nil="0").splitlines()):
        wb.active.append(
            [
                int(v.replace(".", "")) if v.replace(".", "").isdigit() and i >= 6 else v or None
                for i, v in enumerate(row)
            ]
        )
    path = tmp_path / "sao_ke.xlsx"
    wb.save(path)
    code, lines = check_lines(path, "--profile", "vn-bank-statement")
    assert code == 0, lines
    assert lines[-6:] == [line.format(file=f"{path.name} (sheet Sheet)") for line in SAO_KE_SET_ASIDE]
    code, output, con = run_month(tmp_path, path)
    assert code == 0, output
    with con:
        assert con.execute("SELECT payment_ref, amount, status FROM payments").fetchall() == [
            ("BT002", 1_500_000, "returned")
        ]
        assert con.execute("SELECT code, payment_ref FROM flags WHERE code = 'PAYMENT_FAILED'").fetchall() == [
            ("PAYMENT_FAILED", "BT002")
        ]


VCB_SIMPLE = """NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM,,,,,,
Số tài khoản,0071000123456,,,,,
Loại tiền / Currency,VND,,,,,
Số dư đầu kỳ/ Opening balance :,"5,000,000",,,,,
STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Mô tả
1,03/09/2024,5001-00012,,"20,000,000","25,000,000",KBNN chuyen kinh phi T9/2024
2,05/09/2024,5254-05357,"1,500,000",,"23,500,000",CT tu 0071000123456 UBND XA AN PHU toi 0071000000001 NGUYEN THI THANH HUONG tai VCB CCCD 079196118125
3,05/09/2024,5254-05358,"2,250,000",,"21,250,000",CT tu 0071000123456 UBND XA AN PHU toi 0071000000002 TRAN VAN BINH tai VCB Chi TCXH T9
4,05/09/2024,5254-05359,"1,000,000",,"20,250,000",CT tu 0071000123456 UBND XA AN PHU toi 0071000000003 LE THI HONG NHUNG tai VCB CCCD 001145007788
5,06/09/2024,5260-00001,"11,000",,"20,239,000",Thu phi dich vu chuyen tien
6,10/09/2024,5301-00077,"750,000",,"19,489,000",CT tu 0071000123456 UBND XA AN PHU toi 0071000000004 PHAM THI DUC tai VCB CCCD 001140012345
Tổng,,,"5,511,000","20,000,000",,
Số dư cuối kỳ/ Closing balance :,"19,489,000",,,,,
"""


def test_vcb_simple_template_is_recognised_and_reconciles_by_the_narrative(tmp_path):
    """Vietcombank's simple template (Ngày giao dịch, Số tham chiếu, Số tiền ghi nợ / ghi có, Mô tả; no
    payee column): recognised from its header row, the payee and account taken from the narrative."""
    path = tmp_path / "vcb_simple.csv"
    path.write_text(VCB_SIMPLE, encoding="utf-8-sig")
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[1] == "profile: vcb-simple-statement (recognised from its header row)"
    assert lines[-5:] == [
        "rows: 7 read, 4 loaded, 0 rejected, 3 set aside as no payment",
        "totals: totals row 12 says 5,511,000 VND; read 7 rows of 5,511,000 VND",
        "set aside: 1 row: money in (a credit), not a payment (profile vcb-simple-statement) (row 6)",
        "set aside: 1 row: bank charges (profile vcb-simple-statement) (row 10)",
        "set aside: 1 row: a balance row (profile vcb-simple-statement) (row 13)",
    ]
    code, output, con = run_month(tmp_path, path)
    assert code == 0, output
    with con:
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)
        assert con.execute(
            "SELECT p.payment_ref, p.payee_name, p.account_number, m.method FROM payments AS p "
            "JOIN matches AS m USING (payment_id) ORDER BY p.source_row"
        ).fetchall() == [
            ("5254-05357", "NGUYEN THI THANH HUONG", "0071000000001", "narrative_vneid"),
            ("5254-05358", "TRAN VAN BINH", "0071000000002", "account"),
            ("5254-05359", "LE THI HONG NHUNG", "0071000000003", "narrative_vneid"),
            ("5301-00077", "PHAM THI DUC", "0071000000004", "narrative_vneid"),
        ]


def test_a_statement_with_the_simple_template_s_headers_and_counterparty_columns_is_read_whole(tmp_path):
    """The headers of Vietcombank's simple template plus the counterparty's name, account and bank (as
    other banks export): the generic statement profile, which reads those columns, not the VCB one,
    which would leave them unread and lose the payees."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Mô tả,Tên đối ứng,Tài khoản đối ứng,"
        "Ngân hàng đối ứng\n"
        '05/09/2024,MB001,"1,500,000",0,"23,500,000",Chi TCXH T9,NGUYEN THI THANH HUONG,0071000000001,VCB\n'
        '05/09/2024,MB002,"2,250,000",0,"21,250,000",Chi TCXH T9,TRAN VAN BINH,0071000000002,VCB\n',
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[1:3] == [
        "profile: vn-bank-statement (recognised from its header row)",
        "columns: Ngày giao dịch -> value_date, Số tham chiếu -> payment_ref, Mô tả -> narrative, Tên đối ứng -> "
        "payee_name, Tài khoản đối ứng -> account_number, Ngân hàng đối ứng -> bank_code",
    ]
    assert "rows: 2 read, 2 loaded, 0 rejected" in lines


def test_a_credit_dated_before_the_payment_it_names_is_no_return_of_it(tmp_path):
    """`Hoan tra GD BT002` on 04/09, before BT002 was paid on 05/09: money in, not its return."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(SAO_KE.format(nil="").replace("4,07/09/2024,BT004", "4,04/09/2024,BT004"), encoding="utf-8")
    code, lines = check_lines(path, "--profile", "vn-bank-statement")
    assert code == 0, lines
    assert lines[-3:] == [
        "set aside: 2 rows: a balance row (profile vn-bank-statement) (rows 4, 10)",
        "set aside: 2 rows: money in (a credit), not a payment (profile vn-bank-statement) (rows 5, 8)",
        "set aside: 1 row: bank charges (profile vn-bank-statement) (row 7)",
    ]


# `Phát sinh` (or `Số phát sinh`) written once over the two columns `Nợ | Có` of the row under it
TWO_ROW = SAO_KE.format(nil="").replace(
    "STT,Ngày giao dịch,Số bút toán,Diễn giải,Tên đối ứng,Tài khoản đối ứng,Ghi nợ,Ghi có,Số dư\n",
    "STT,Ngày giao dịch,Số bút toán,Diễn giải,Tên đối ứng,Tài khoản đối ứng,{group},,Số dư\n,,,,,,Nợ,Có,\n",
)


@pytest.mark.parametrize("group", ["Phát sinh", "Số phát sinh", "Phát sinh trong kỳ", "Số tiền"])
@pytest.mark.parametrize("given", [(), ("--profile", "vn-bank-statement")])
def test_a_header_of_phat_sinh_over_no_and_co_is_read_as_debit_and_credit(tmp_path, group, given):
    """Many statements head the debit and credit columns with one `Phát sinh` cell over `Nợ | Có`:
    recognised (or read with the profile given) as `Phát sinh nợ` and `Phát sinh có`, the data from
    the row under the second header row, every row accounted for as with one header row."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(TWO_ROW.replace("{group}", group), encoding="utf-8")
    code, lines = check_lines(path, *given)
    assert code == 0, lines
    assert lines[0] == f"{path}: payments file, csv, utf-8, header on rows 3-4"
    assert lines[1] == (
        "profile: vn-bank-statement (given with --profile)"
        if given
        else "profile: vn-bank-statement (recognised from its header row)"
    )
    assert f"profile: amount from '{group} Nợ' (debits); rows without a debit are set aside" in lines
    assert lines[-6:] == [
        "rows: 6 read, 1 loaded, 0 rejected, 5 set aside as no payment",
        "totals: totals row 10 says 1,511,000 VND; read 6 rows of 1,511,000 VND",
        "set aside: 2 rows: a balance row (profile vn-bank-statement) (rows 5, 11)",
        "set aside: 1 row: money in (a credit), not a payment (profile vn-bank-statement) (row 6)",
        "set aside: 1 row: bank charges (profile vn-bank-statement) (row 8)",
        "set aside: 1 row: credit: the return of the payment in sao_ke.csv row 7, which is marked returned (a "
        "return or reversal, not a payment) (row 9)",
    ]


@pytest.mark.parametrize(
    "layout",
    [
        TWO_ROW.replace("{group}", "Phát sinh").replace(",,,,,,Nợ,Có,", ",,,,,,Chi,Thu,"),  # no statement's pair
        TWO_ROW.replace("{group}", "Phát sinh").replace(",,,,,,Nợ,Có,", ",,,,,,,,\n,,,,,,Nợ,Có,"),  # a blank row
    ],
)
def test_a_statement_whose_debit_header_is_not_found_is_refused_naming_that_header(tmp_path, layout):
    """A statement laid out as vn-bank-statement but for a debit and credit header it does not know
    was refused as lacking `payee_name`, whose column `Tên đối ứng` is there: the officer looked at
    the wrong column. Now the headers the layout is found by are named."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(layout, encoding="utf-8")
    code, lines = check_lines(path)
    assert code == 2, lines
    assert lines[-1] == (
        f"reconcile: error: {path}: lacks the headers 'Ghi nợ / Phát sinh nợ / PS nợ / Phát sinh trong kỳ nợ / "
        "Số tiền nợ', 'Ghi có / Phát sinh có / PS có / Phát sinh trong kỳ có / Số tiền có' by which the layout "
        "'vn-bank-statement' is read (its columns 'Ngày giao dịch', 'Số bút toán', 'Diễn giải' are there); head "
        "those columns with one of these names, on the header row, and run again"
    )


@pytest.mark.parametrize(
    "sub, debit, given",
    [
        ("Debit,Credit", "Debit", ()),
        ("Debit,Credit", "Debit", ("--profile", "vn-bank-statement")),
        ("Ghi nợ,Ghi có", "Ghi nợ", ()),  # headers of several words: read alone, as before
        ("Rút ra,Gửi vào", "Rút ra", ()),
    ],
)
def test_phat_sinh_over_debit_and_credit_is_read_as_the_pair_under_it(tmp_path, sub, debit, given):
    """`Phát sinh` over `Debit | Credit` was refused for lacking the debit and credit headers: the one
    word was read with the group as `Phát sinh Debit`, a header no statement has. It is read as the
    pair under it, as a one-row header `Debit | Credit` is."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(TWO_ROW.replace("{group}", "Phát sinh").replace(",,,,,,Nợ,Có,", f",,,,,,{sub},"), encoding="utf-8")
    code, lines = check_lines(path, *given)
    assert code == 0, lines
    assert lines[0] == f"{path}: payments file, csv, utf-8, header on rows 3-4"
    assert f"profile: amount from '{debit}' (debits); rows without a debit are set aside" in lines
    assert lines[-6] == "rows: 6 read, 1 loaded, 0 rejected, 5 set aside as no payment"


def test_a_workbook_with_phat_sinh_merged_over_debit_and_credit_reconciles(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    layout = TWO_ROW.replace("{group}", "Phát sinh").replace(",,,,,,Nợ,Có,", ",,,,,,Debit,Credit,")
    for row in csv.reader(layout.splitlines()):
        sheet.append(
            [
                int(v.replace(".", "")) if v.replace(".", "").isdigit() and i >= 6 else v or None
                for i, v in enumerate(row)
            ]
        )
    sheet.merge_cells("G3:H3")  # Phát sinh over Debit and Credit
    path = tmp_path / "sao_ke.xlsx"
    wb.save(path)
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[0] == f"{path}: payments file, xlsx, header on rows 3-4 of sheet 'Sheet'"
    assert "profile: amount from 'Debit' (debits); rows without a debit are set aside" in lines
    assert lines[-6] == "rows: 6 read, 1 loaded, 0 rejected, 5 set aside as no payment"


def test_a_workbook_with_phat_sinh_merged_over_no_and_co_reconciles(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    for row in csv.reader(TWO_ROW.replace("{group}", "Phát sinh").splitlines()):
        sheet.append(
            [
                int(v.replace(".", "")) if v.replace(".", "").isdigit() and i >= 6 else v or None
                for i, v in enumerate(row)
            ]
        )
    sheet.merge_cells("G3:H3")  # Phát sinh over Nợ and Có
    path = tmp_path / "sao_ke.xlsx"
    wb.save(path)
    code, output, con = run_month(tmp_path, path)
    assert code == 0, output
    with con:
        assert con.execute("SELECT payment_ref, amount, status FROM payments").fetchall() == [
            ("BT002", 1_500_000, "returned")
        ]


def sao_ke(path, opening: str, *rows: str, closing: str, debits: str, credits: str):
    """A vn-bank-statement export of a day: its movements (STT, date, Số bút toán, ...), totals and balances."""
    lines = [
        "SAO KÊ TÀI KHOẢN,,,,,,,,",
        "Số tài khoản: 0071000999999,,,,,,,,",
        "STT,Ngày giao dịch,Số bút toán,Diễn giải,Tên đối ứng,Tài khoản đối ứng,Ghi nợ,Ghi có,Số dư",
        f',,,Số dư đầu kỳ,,,,,"{opening}"',
        *rows,
        f'Tổng cộng,,,,,,"{debits}","{credits}",',
        f',,,Số dư cuối kỳ,,,,,"{closing}"',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


FIFTH = [
    '1,05/09/2024,BT001,CHI TRA TCXH T09 CCCD 079196118125,NGUYỄN THỊ THANH HƯƠNG,0071000000001,"1.500.000",,"3.500.000"',
    '2,05/09/2024,BT002,CHI TRA TCXH T09 CCCD 001045000002,TRẦN VĂN BÌNH,0071000000002,"1.500.000",,"2.000.000"',
]


def fifth_and_seventh(tmp_path, *seventh: str, closing: str, credits: str):
    """The month of two exports, FIFTH's payments on the 5th and these rows (credits only) on the 7th;
    the run must succeed. Its database."""
    fifth = sao_ke(tmp_path / "sk_05.csv", "5.000.000", *FIFTH, closing="2.000.000", debits="3.000.000", credits="0")
    path = sao_ke(tmp_path / "sk_07.csv", "2.000.000", *seventh, closing=closing, debits="0", credits=credits)
    code, output, con = run_month(tmp_path, fifth, path)
    assert code == 0, output
    return con


def test_an_export_credit_is_no_return_by_its_own_number_nor_by_a_number_its_text_cites(tmp_path):
    """The 7th's export numbers its entries from BT001 again, and the treasury's funding of 1.500.000
    cites BT002 (`theo QD BT002`): neither returns a payment of the 5th; nobody is marked returned."""
    con = fifth_and_seventh(
        tmp_path,
        '1,07/09/2024,BT001,KBNN cap bo sung kinh phi chi tra T09,,,,"1.500.000","3.500.000"',
        '2,07/09/2024,BT002,KBNN cap kinh phi theo QD BT002,KHO BẠC NHÀ NƯỚC,,,"1.500.000","5.000.000"',
        closing="5.000.000",
        credits="3.000.000",
    )
    with con:
        assert con.execute("SELECT payment_ref, status FROM payments ORDER BY payment_ref").fetchall() == [
            ("BT001", "success"),
            ("BT002", "success"),
        ]


# the credit as typed, and as a computed cell holds it (float noise: 1.500.000 all the same)
@pytest.mark.parametrize("credit", ['"1.500.000"', "1500000.000000001"])
def test_an_export_of_a_day_with_only_a_return_returns_the_payment_and_is_no_fault(tmp_path, credit):
    """The 7th's export holds only Hương's money coming back: it returns her payment of the 5th, and a
    file with no debit at all is a day's statement, not a file to refuse."""
    con = fifth_and_seventh(
        tmp_path,
        f'1,07/09/2024,BT004,Hoan tra GD BT001,NGUYỄN THỊ THANH HƯƠNG,0071000000001,,{credit},"3.500.000"',
        closing="3.500.000",
        credits="1.500.000",
    )
    with con:
        assert con.execute("SELECT payment_ref, status FROM payments ORDER BY payment_ref").fetchall() == [
            ("BT001", "returned"),
            ("BT002", "success"),
        ]
        assert con.execute(
            "SELECT rows_loaded, rows_set_aside FROM inputs WHERE file_name = 'sk_07.csv'"
        ).fetchall() == [(0, 3)]


def test_an_export_return_is_paired_only_with_a_payment_to_the_payee_it_names_and_by_what_it_says(tmp_path):
    """On the 7th: Hương's money back citing BT002 (on the 5th, BT002 was Bình's: her payment was an
    earlier day's, so no payment of this month is hers to return); Hương's `HOANTRA` of BT001 in
    VND with its unit; interest citing BT002 (`Trả lãi`, which folds like `trả lại`). Only Hương's
    BT001 is returned."""
    con = fifth_and_seventh(
        tmp_path,
        '1,07/09/2024,X1,Hoan tra GD BT002,NGUYỄN THỊ THANH HƯƠNG,,,"1.500.000","3.500.000"',
        '2,07/09/2024,X2,HOANTRA BT001 TK DA DONG,NGUYEN THI THANH HUONG,,,"1.500.000 VND","5.000.000"',
        '3,07/09/2024,X3,Trả lãi tiền gửi BT002,,,,"1.500.000","6.500.000"',
        closing="6.500.000",
        credits="4.500.000",
    )
    with con:
        assert con.execute("SELECT payment_ref, status FROM payments ORDER BY payment_ref").fetchall() == [
            ("BT001", "returned"),
            ("BT002", "success"),
        ]
        assert con.execute(
            "SELECT source_row, reason FROM rejected_rows WHERE source_file LIKE '%sk_07.csv' AND source_row IN (5, 6, 7) "
            "ORDER BY source_row"
        ).fetchall() == [
            (5, "money in (a credit), not a payment (profile vn-bank-statement)"),
            (
                6,
                "credit: the return of the payment in sk_05.csv row 5, which is marked returned (a return or reversal, "
                "not a payment)",
            ),
            (7, "money in (a credit), not a payment (profile vn-bank-statement)"),
        ]


def test_a_group_cell_over_the_row_that_holds_ghi_no_and_ghi_co_is_the_header_s_first_row(tmp_path):
    """`Phát sinh` over `Ghi nợ | Ghi có`: the second row alone holds the profile's debit and credit,
    the first the rest of the header; both are read, not the second alone."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        SAO_KE.format(nil="").replace(
            "STT,Ngày giao dịch,Số bút toán,Diễn giải,Tên đối ứng,Tài khoản đối ứng,Ghi nợ,Ghi có,Số dư\n",
            "STT,Ngày giao dịch,Số bút toán,Diễn giải,Tên đối ứng,Tài khoản đối ứng,Phát sinh,,Số dư\n"
            ",,,,,,Ghi nợ,Ghi có,\n",
        ),
        encoding="utf-8",
    )
    for given in ((), ("--profile", "vn-bank-statement")):
        code, lines = check_lines(path, *given)
        assert code == 0, lines
        assert "profile: amount from 'Ghi nợ' (debits); rows without a debit are set aside" in lines
        assert lines[-6] == "rows: 6 read, 1 loaded, 0 rejected, 5 set aside as no payment"


def test_a_skip_rule_on_the_amount_of_a_debit_and_credit_profile_reads_the_debit(tmp_path):
    """`column = "amount"` in a profile whose amount is its debit column: the rule reads the debit,
    not refused for a column the file lacks."""
    profile = tmp_path / "my-bank.toml"
    profile.write_text(
        'name = "my-bank"\nkind = "payments"\ndebit = "Ghi nợ"\ncredit = "Ghi có"\n'
        '[header]\nfind = ["Ghi nợ", "Ghi có"]\n'
        '[columns]\npayment_ref = "Số bút toán"\nvalue_date = "Ngày giao dịch"\nnarrative = "Diễn giải"\n'
        'payee_name = "Tên đối ứng"\naccount_number = "Tài khoản đối ứng"\n'
        '[values]\nchannel = "bank"\n'
        '[[skip]]\ncolumn = "amount"\nmatches = \'^11\\.000$\'\nreason = "a fee of 11.000"\n',
        encoding="utf-8",
    )
    path = tmp_path / "sao_ke.csv"
    path.write_text(SAO_KE.format(nil=""), encoding="utf-8")
    code, lines = check_lines(path, "--profile", str(profile))
    assert code == 0, lines
    assert "set aside: 1 row: a fee of 11.000 (profile my-bank) (row 7)" in lines


def test_a_plain_list_lacking_its_amount_is_told_of_the_amount_not_of_a_statement_layout(tmp_path):
    """A bank's list of transfers with `Ngày hạch toán` (a statement's date header too) and no amount
    column was told to add a statement's `Ghi nợ`: one header of the statement layout is not its layout."""
    path = tmp_path / "list.csv"
    path.write_text(
        "STT,Số tham chiếu,Số CCCD,Tên người thụ hưởng,Ngân hàng thụ hưởng,Số tài khoản,Giá trị,Ngày hạch toán\n"
        "1,FT001,001087012345,NGUYEN VAN AN,VBA,0011223344,500000,05/09/2024\n",
        encoding="utf-8",
    )
    code, lines = check_lines(path)
    assert code == 2, lines
    assert lines[-1].startswith(f"reconcile: error: {path}: required column 'amount' is missing from the payments file")


def test_a_statement_with_a_second_currency_reads_the_dong_columns(tmp_path):
    """A statement that gives each movement in USD too, its USD columns left of the VND ones: the
    first header holding `Ghi nợ` was read, 60.00 USD a payment of 60 VND (its totals row, read from
    the same column, agreed), and each payment an AMOUNT_MISMATCH. So with a list's `Số tiền`."""
    path = xlsx_rows(
        tmp_path / "mb_sao_ke.xlsx",
        [
            ["NGÂN HÀNG TMCP QUÂN ĐỘI"],
            ["SAO KÊ TÀI KHOẢN"],
            ["Số tài khoản: 0801234567890"],
            [
                "Ngày giao dịch",
                "Số chứng từ",
                "Diễn giải",
                "Ghi nợ (USD)",
                "Ghi có (USD)",
                "Ghi nợ (VND)",
                "Ghi có (VND)",
            ],
            ["05/09/2024", "FT1", "Chi TCXH T9 CCCD 079196118125", "60.00", None, "1,500,000", None],
            ["05/09/2024", "FT2", "Chi TCXH T9 CCCD 001038005555", "90.00", None, "2,250,000", None],
            ["Tổng cộng", None, None, "150.00", None, "3,750,000", None],
        ],
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert [line for line in lines if line.startswith(("profile: amount", "totals"))] == [
        "profile: amount from 'Ghi nợ (VND)' (debits); rows without a debit are set aside",
        "totals: totals row 7 says 3,750,000 VND; read 2 rows of 3,750,000 VND",
    ]
    listed = [("STT", "a"), ("Số tài khoản", "b"), ("Tên người thụ hưởng", "c"), ("Số tiền (USD)", "d")]
    disbursement = next(p for p in builtin() if p.name == "vn-bank-disbursement")
    assert profile_columns(disbursement, [*listed, ("Số tiền (VND)", "e")])["e"] == "amount"


def test_a_statement_with_one_amount_column_and_its_side_beside_it_sets_its_credits_aside(tmp_path):
    """`Số tiền` beside `Nợ/Có` (D or C): read as a disbursement list, the treasury's funding of
    10,000,000 VND was a payment (an UNKNOWN_PAYEE, and paid 14,750,000 VND of 5,500,000 due). A row
    its side calls a credit is money in, set aside; the debits are the payments."""
    path = xlsx_rows(
        tmp_path / "vpbank_sao_ke.xlsx",
        [
            ["NGÂN HÀNG TMCP VIỆT NAM THỊNH VƯỢNG"],
            ["SAO KÊ TÀI KHOẢN"],
            ["Ngày giao dịch", "Số tham chiếu", "Nội dung", "Số tiền", "Nợ/Có", "Tên người thụ hưởng", "Số tài khoản"],
            [
                "05/09/2024",
                "FT1",
                "Chi TCXH T9 CCCD 079196118125",
                "1,500,000",
                "D",
                "NGUYEN THI THANH HUONG",
                "0071000000001",
            ],
            ["06/09/2024", "FT2", "KBNN cap kinh phi TCXH T9", "10,000,000", "C", "KHO BAC NHA NUOC", "3711000999"],
            [
                "06/09/2024",
                "FT3",
                "Chi TCXH T9 CCCD 001145007788",
                "1,000,000",
                "D",
                "LE THI HONG NHUNG",
                "0071000000003",
            ],
            ["07/09/2024", "FT4", "Hoan tra FT1", "500,000", "Có", "NGUYEN THI THANH HUONG", "0071000000001"],
        ],
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[4:] == [
        "profile: 'Nợ/Có' gives each row's side: a credit (C, Có, CR) is money in and set aside",
        "rows: 4 read, 2 loaded, 0 rejected, 2 set aside as no payment",
        "set aside: 2 rows: credit (money into the account), not a payment (rows 5, 7)",
    ]


def test_a_return_in_an_export_with_a_side_column_returns_its_payment(tmp_path):
    """In such an export Hương's money comes back on the 7th (`Hoan tra GD FT1`, marked Có): her payment
    of the 5th is returned, as in an export with a credit column. Set aside as plain money in, her
    payment stayed paid although the money came back; the treasury's funding stays money in."""
    path = xlsx_rows(
        tmp_path / "sao_ke.xlsx",
        [
            ["SAO KÊ TÀI KHOẢN"],
            ["Ngày giao dịch", "Số tham chiếu", "Nội dung", "Số tiền", "Nợ/Có", "Tên người thụ hưởng", "Số tài khoản"],
            ["04/09/2024", "FT0", "KBNN cap kinh phi TCXH T9", "10,000,000", "C", "KHO BAC NHA NUOC", "3711000999"],
            [
                "05/09/2024",
                "FT1",
                "CHI TRA TCXH T09 CCCD 079196118125",
                "1,500,000",
                "D",
                "NGUYỄN THỊ THANH HƯƠNG",
                "0071000000001",
            ],
            [
                "05/09/2024",
                "FT2",
                "CHI TRA TCXH T09 CCCD 001045000002",
                "1,500,000",
                "D",
                "TRẦN VĂN BÌNH",
                "0071000000002",
            ],
            ["07/09/2024", "FT3", "Hoan tra GD FT1", "1,500,000", "Có", "NGUYỄN THỊ THANH HƯƠNG", "0071000000001"],
        ],
    )
    code, output, con = run_month(tmp_path, path)
    assert code == 0, output
    with con:
        assert con.execute("SELECT payment_ref, status FROM payments ORDER BY payment_ref").fetchall() == [
            ("FT1", "returned"),
            ("FT2", "success"),
        ]
        assert con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall() == [
            (3, "credit (money into the account), not a payment"),
            (
                6,
                "credit: the return of the payment in sao_ke.xlsx (sheet Sheet) row 4, which is marked returned (a "
                "return or reversal, not a payment)",
            ),
        ]


def test_a_statement_headed_in_vietnamese_over_english_reads_the_english_row_as_the_header(tmp_path):
    """`Ghi nợ` over `Debit`, `Ngày giao dịch` over `Transaction date`: the English row was read as
    a payment and rejected (`amount is not a number`), a clean statement's check exit 1."""
    path = xlsx_rows(
        tmp_path / "acb_sao_ke.xlsx",
        [
            ["NGÂN HÀNG TMCP Á CHÂU"],
            ["SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT"],
            ["Ngày giao dịch", "Số chứng từ", "Diễn giải", "Ghi nợ", "Ghi có", "Số dư", "Tên đối ứng"],
            ["Transaction date", "Reference", "Description", "Debit", "Credit", "Balance", "Counterparty"],
            [
                "05/09/2024",
                "FT1",
                "Chi TCXH T9 CCCD 079196118125",
                "1,500,000",
                None,
                "98,500,000",
                "NGUYEN THI THANH HUONG",
            ],
            ["05/09/2024", "FT2", "Chi TCXH T9 CCCD 001038005555", "2,250,000", None, "96,250,000", "TRAN VAN BINH"],
        ],
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert [line for line in lines if line.startswith(("rows", path.name, str(path)))] == [
        f"{path}: payments file, xlsx, header on rows 3-4 of sheet 'Sheet'",
        "rows: 2 read, 2 loaded, 0 rejected",
    ]


@pytest.mark.parametrize(
    ("debit", "credit"),
    [
        ("Nợ", "Có"),
        ("Debit", "Credit"),
        ("Rút ra", "Gửi vào"),
        ("Tiền ra", "Tiền vào"),
        ("Nợ/ Debit", "Có/ Credit"),
        ("Withdrawal", "Deposit"),
    ],
)
def test_a_statement_headed_no_and_co_or_debit_and_credit_is_read_as_ghi_no_and_ghi_co(tmp_path, debit, credit):
    """A bank's export whose movements are headed `Nợ | Có`, `Debit | Credit`, `Rút ra | Gửi vào`...
    instead of `Ghi nợ | Ghi có` was refused without a profile, as lacking `payee_name`, `amount` and
    `channel`: the officer renamed columns of a statement the tool reads under the other headers. The
    pair of them, each a cell of its own, now says the statement: the debits paid, the credit set aside."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        f"Ngày giao dịch,Số tham chiếu,Diễn giải,{debit},{credit},Số dư\n"
        ",,Số dư đầu kỳ,,,5.000.000\n"
        "04/09/2024,FT000,KBNN CHUYEN KINH PHI CHI TRO CAP T9,,10.000.000,15.000.000\n"
        "05/09/2024,FT001,NGUYEN VAN AN CCCD 001085012345 TRO CAP T9,1.500.000,,13.500.000\n"
        "05/09/2024,FT002,TRẦN THỊ BÌNH CCCD 079190004567 TRO CAP T9,2.000.000,,11.500.000\n",
        encoding="utf-8-sig",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[1] == "profile: vn-bank-statement (recognised from its header row)"
    assert f"profile: amount from '{debit}' (debits); rows without a debit are set aside" in lines
    assert lines[-3:] == [
        "rows: 4 read, 2 loaded, 0 rejected, 2 set aside as no payment",
        "set aside: 1 row: a balance row (profile vn-bank-statement) (row 2)",
        "set aside: 1 row: money in (a credit), not a payment (profile vn-bank-statement) (row 3)",
    ]


def test_a_payments_list_with_debit_and_credit_account_columns_is_no_statement(tmp_path):
    """`Debit account` and `Credit account` (the paying and the paid account) hold the words of a
    statement's `Debit | Credit`, not the headers: the list is read as a list, its amounts the payments."""
    path = tmp_path / "chi_tra.csv"
    path.write_text(
        "Số tham chiếu,Họ và tên,Số định danh cá nhân,Số tài khoản,Mã ngân hàng,Số tiền,Ngày giao dịch,"
        "Hình thức chi trả,Debit account,Credit account\n"
        "FT001,Nguyễn Văn An,001085012345,0071000123456,VCB,1.500.000,05/09/2024,Chuyển khoản,0071000999999,"
        "0071000123456\n"
        "FT002,Trần Thị Bình,079190004567,12010000021246,BIDV,2.000.000,05/09/2024,Chuyển khoản,0071000999999,"
        "12010000021246\n",
        encoding="utf-8-sig",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[1:] == [
        "profile: vn-bank-disbursement (recognised from its header row)",  # a bank's list, not its statement
        "columns: Số tham chiếu -> payment_ref, Họ và tên -> payee_name, Số định danh cá nhân -> vneid, Số tài khoản "
        "-> account_number, Mã ngân hàng -> bank_code, Số tiền -> amount, Ngày giao dịch -> value_date, Hình thức chi "
        "trả -> channel",
        "ignored: Debit account, Credit account",
        "rows: 2 read, 2 loaded, 0 rejected",
    ]


def test_a_side_column_statement_s_opening_and_closing_balance_rows_are_set_aside(tmp_path):
    """`Số tiền` beside `Nợ/Có` (D, C) between `Số dư đầu kỳ` and `Số dư cuối kỳ`: the opening balance
    row was rejected as a payment missing its reference, payee, amount and date (check exit 1 on a clean
    statement) and the closing one taken for a signature under the totals row. Both are balance rows, as
    in a statement of signed amounts or of `Ghi nợ`/`Ghi có`. Its running balance is checked as theirs
    is: with a payment's row deleted (and the count of its totals row), check passed it with exit 0."""
    path = tmp_path / "sao_ke.csv"
    rows = [
        ",,,Số dư đầu kỳ,,,5.000.000",
        "1,04/09/2024,TX001,KBNN cap kinh phi,10.000.000,C,15.000.000",
        "2,05/09/2024,TX002,NGUYỄN VĂN AN CCCD 001085012345,1.500.000,D,13.500.000",
        "3,05/09/2024,TX003,TRẦN THỊ BÌNH CCCD 079190004567,2.000.000,D,11.500.000",
        "Tổng cộng: 3 giao dịch,,,,,,",
        ",,,Số dư cuối kỳ,,,11.500.000",
    ]
    header = "STT,Ngày giao dịch,Số tham chiếu,Nội dung,Số tiền,Nợ/Có,Số dư\n"
    path.write_text(header + "\n".join(r.replace(": 3 giao dịch", "") for r in rows if "TX002" not in r), "utf-8")
    code, lines = check_lines(path)
    assert (code, lines[-1]) == (
        2,
        f"reconcile: error: {path}: its balance column 'Số dư' does not follow at row 4: the balance before it is "
        "15,000,000, the rows up to it move -2,000,000, and it says 11,500,000; ask the bank for the statement "
        "again; the file may be cut short or edited; if it has been checked by hand against the bank's, set "
        "running_balance = false in [checks] of the config file",
    )
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[-4:] == [
        "rows: 5 read, 2 loaded, 0 rejected, 3 set aside as no payment",
        "totals: totals row 6 says 3 rows; read 3 rows of 3,500,000 VND",
        "set aside: 2 rows: a balance row (rows 2, 7)",
        "set aside: 1 row: credit (money into the account), not a payment (row 3)",
    ]


def test_a_payment_order_with_the_accounts_debited_and_credited_is_no_statement(tmp_path):
    """A bank's payment order (`Tài khoản ghi nợ`, the paying account, and `Tài khoản ghi có`, the payee's)
    was taken for a `Ghi nợ`/`Ghi có` statement: each payment's amount read from `Tài khoản ghi nợ`, the
    office's account number (71,000,999,999 VND), and every payee an AMOUNT_MISMATCH. Its amount is
    `Số tiền`'s, as a list's."""
    path = tmp_path / "lenh_chi.csv"
    path.write_text(
        "STT,Số tham chiếu,Ngày giao dịch,Tài khoản ghi nợ,Tài khoản ghi có,Tên người thụ hưởng,Ngân hàng thụ hưởng,"
        "Số tiền,Hình thức chi trả,Nội dung\n"
        "1,FT001,05/09/2024,0071000999999,0071000123456,Nguyễn Văn An,VCB,1.500.000,Chuyển khoản,TRO CAP T9\n"
        "2,FT002,05/09/2024,0071000999999,12010000021246,Trần Thị Bình,BIDV,2.000.000,Chuyển khoản,TRO CAP T9\n",
        encoding="utf-8-sig",
    )
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[1] == "profile: none (canonical names and common Vietnamese headers recognised)"
    assert "Số tiền -> amount" in lines[2]
    assert lines[-1] == "rows: 2 read, 2 loaded, 0 rejected"


TCB = """{no},Ngày giao dịch/ Transaction Date,Số bút toán/ {ref},Diễn giải/ Details,{debit},Có/ Credit,Số dư/ Balance
,,,Số dư đầu kỳ/ Opening balance,,,"2.000.000"
1,04/09/2024,FT24248001,KBNN cap kinh phi chi tra TCXH T9,,"15.000.000","17.000.000"
2,05/09/2024,FT24249002,CT tu 19020352517013 UBND XA AN BINH toi 0071000000001 NGUYEN THI THANH HUONG CCCD 079196118125,"1.500.000",,"15.500.000"
3,05/09/2024,FT24249003,CT tu 19020352517013 UBND XA AN BINH toi 0071000000002 TRAN VAN BINH CCCD 001038005555,"2.250.000",,"13.250.000"
Tổng/ Total,,,,"3.750.000","15.000.000",
,,,Số dư cuối kỳ/ Closing balance,,,"13.250.000"
"""


@pytest.mark.parametrize(
    "no, ref, debit",
    [("STT/ No.", "Transaction No", "Nợ/ Debit"), ("No.", "Ref", "Nợ")],
)
def test_the_english_no_of_a_number_s_header_is_no_debit_column(tmp_path, no, ref, debit):
    """`STT/ No.` and `Số bút toán/ Transaction No` beside `Nợ/ Debit`: `No` folds as `Nợ` does, and the
    number's column was read as the debits; the statement was refused as edited (`the rows up to it
    move +14,999,999`), or every row rejected as no number. `Nợ` is found only as written."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(TCB.format(no=no, ref=ref, debit=debit), encoding="utf-8")
    code, lines = check_lines(path)
    assert code == 0, lines
    assert f"profile: amount from '{debit}' (debits); rows without a debit are set aside" in lines
    assert lines[-4:-2] == [
        "rows: 5 read, 2 loaded, 0 rejected, 3 set aside as no payment",
        "totals: totals row 6 says 3,750,000 VND; read 5 rows of 3,750,000 VND",
    ]


@pytest.mark.parametrize("label", ["Cộng doanh số/Total Volume", "Doanh số/ Turnover"])
def test_a_statement_s_turnover_row_is_its_totals_row(tmp_path, label):
    """Vietcombank closes its statement with `Cộng doanh số/Total Volume`, others `Doanh số/ Turnover`:
    no totals label, so the statement's totals went unchecked, or the row was read as a movement
    and the statement refused as edited (`its balance column 'Số dư' does not follow`)."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(SAO_KE.format(nil="").replace("Tổng cộng,", f"{label},"), encoding="utf-8")
    code, lines = check_lines(path)
    assert code == 0, lines
    assert lines[-6:] == [line.format(file=path.name) for line in SAO_KE_SET_ASIDE]
