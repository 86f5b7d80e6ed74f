"""Bank statements in shapes Vietnamese banks send, each of which passed as a clean month or lost a
payment: a return that quotes no reference but the payee, a return net of the bank's fee, a payee
surnamed Phí taken for a bank charge, an account number in the narrative taken for the ID, and a
day's subtotal in the narrative read as a payment row."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import reconciled
from reconcile.cli import cli

REGISTRY = """Số định danh cá nhân,Họ và tên,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Trạng thái
001166021246,Kiều Thị Ánh,Trợ cấp xã hội,1.000.000,Chuyển khoản,BIDV,12010000021246,Đang hưởng
001049031247,Lâm Văn Bảo,Lương hưu,4.600.000,Chuyển khoản,STB,060123400001,Đang hưởng
001044051239,Tạ Văn Sơn,Lương hưu,5.050.000,Chuyển khoản,STB,060123456789,Đang hưởng
001163021236,Lý Thị Oanh,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0011001221236,Đang hưởng
001070031237,Phí Văn Phúc,Trợ cấp xã hội,2.000.000,Chuyển khoản,VCB,0011001231237,Đang hưởng
"""


def mt940(tmp_path: Path, opening: int, *lines: str) -> Path:
    """A BIDV MT940 of the given :61:/:86: lines, its closing balance worked out from them."""
    debits = sum(
        int(line.split("D", 1)[1].split(",")[0]) for line in lines if line.startswith(":61:") and "RD" not in line
    )
    back = sum(int(line.split("RD", 1)[1].split(",")[0]) for line in lines if line.startswith(":61:") and "RD" in line)
    path = tmp_path / "bidv.sta"
    path.write_text(
        "\n".join(
            [
                ":20:BIDV240905001",
                ":25:12010000999999",
                ":28C:248/1",
                f":60F:C240904VND{opening},",
                *lines,
                f":62F:C240911VND{opening - debits + back},",
                "-",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def month(tmp_path: Path, payments: Path) -> tuple[dict, list[tuple]]:
    """Reconcile September; the findings by code, and each loaded payment's (reference, ID,
    account, status)."""
    db = reconciled(tmp_path, REGISTRY, payments)
    with duckdb.connect(str(db), read_only=True) as con:
        found = dict(con.execute("SELECT code, count(*) FROM flags GROUP BY code").fetchall())
        rows = con.execute(
            "SELECT payment_ref, vneid, account_number, status FROM payments ORDER BY source_row"
        ).fetchall()
    return found, rows


def listed(tmp_path: Path, text: str, registry: str = REGISTRY) -> Path:
    """Reconcile September from a disbursement list (`text`: its header and rows); the database."""
    path = tmp_path / "chi_tra.csv"
    path.write_text(text, encoding="utf-8")
    return reconciled(tmp_path, registry, path)


def outcome(db: Path, columns: str) -> tuple[list[tuple], list[str]]:
    """Each loaded payment's `columns` (its match's prefixed m.), in file order, and the IDs that
    PAYMENT_FAILED flags."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"SELECT {columns} FROM payments AS p LEFT JOIN matches AS m USING (payment_ref) ORDER BY p.source_row"
        ).fetchall()
        failed = con.execute("SELECT vneid FROM flags WHERE code = 'PAYMENT_FAILED' ORDER BY vneid").fetchall()
    return rows, [vneid for (vneid,) in failed]


def test_a_reversal_naming_the_payee_and_no_reference_returns_the_payment_less_the_bank_s_fee(tmp_path):
    """Kiều Thị Ánh's 1,000,000 came back as 989,000 (`DA TRU PHI 11.000`), quoting no reference: her
    payment stood as paid beside a returned row, and with a payment that succeeded she was no
    PAYMENT_FAILED: the month was clean. A return more than the fee short is no payment's."""
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409100910D4600000,NTRFLH2409103//FT24254200001",
        ":86:LUONG HUU T09/2024 LAM VAN BAO CCCD 001049031247",
        ":61:2409100910D1000000,NTRFTC2409104//FT24254200002",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH",
        ":61:2409110910RD989000,NTRFNONREF//FT24254200003",
        ":86:HOAN TRA CK CCCD 001166021246 KIEU THI ANH TK KHONG TON TAI DA TRU PHI 11.000",
        ":61:2409110910RD4500000,NTRFNONREF//FT24254200004",
        ":86:HOAN TRA CK CCCD 001049031247 LAM VAN BAO",
    )
    found, rows = month(tmp_path, path)
    assert rows == [
        ("LH2409103", "001049031247", None, "success"),
        ("TC2409104", "001166021246", None, "returned"),
        ("FT24254200004", "001049031247", None, "returned"),  # 100,000 short: not his payment's return
    ]
    assert found == {"PAYMENT_FAILED": 1, "MISSING_PAYMENT": 4}  # as the same return of the whole amount gives


def test_a_return_less_the_fee_is_of_the_nearest_payment_and_a_charge_refunded_is_no_return(tmp_path):
    """Ánh paid 1,030,000 and 1,000,000 alike, 989,000 back: the 1,000,000 came back (the first paid
    was taken, whichever it was). A later payment of 989,000 does not stop the return from being the
    1,000,000's. The bank refunding its charge (`RD ... NCHG`, 11,000) is no payment's return: it
    marked her 30,000 top-up returned."""
    for folder in ("nearest", "charge"):
        (tmp_path / folder).mkdir()
    bao = (
        ":61:2409100910D4600000,NTRFLH2409103//FT24254200001",
        ":86:LUONG HUU T09/2024 LAM VAN BAO CCCD 001049031247",
    )
    anh = ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH"
    back = ":86:HOAN TRA CK CCCD 001166021246 KIEU THI ANH TK KHONG TON TAI DA TRU PHI 11.000"
    nearest = mt940(
        tmp_path / "nearest",
        30000000,
        *bao,
        ":61:2409100910D1030000,NTRFTC2409105//FT24254200005",
        anh,
        ":61:2409100910D1000000,NTRFTC2409104//FT24254200002",
        anh,
        ":61:2409110910RD989000,NTRFNONREF//FT24254200003",
        back,
        ":61:2409200920D989000,NTRFTL2409201//FT24264200009",
        ":86:TRUY LINH T08 CCCD 001166021246 KIEU THI ANH",
    )
    found, rows = month(tmp_path / "nearest", nearest)
    assert [r[0::3] for r in rows] == [
        ("LH2409103", "success"),
        ("TC2409105", "success"),
        ("TC2409104", "returned"),
        ("TL2409201", "success"),
    ]
    charge = mt940(
        tmp_path / "charge",
        30000000,
        *bao,
        ":61:2409100910D1000000,NTRFTC2409104//FT24254200002",
        anh,
        ":61:2409100910D30000,NTRFTC2409106//FT24254200006",
        ":86:TRUY LINH CHENH LECH T08 CCCD 001166021246 KIEU THI ANH",
        ":61:2409110911RD11000,NCHGNONREF//FT24254200007",
        ":86:HOAN PHI CK CCCD 001166021246 KIEU THI ANH",
    )
    found, rows = month(tmp_path / "charge", charge)
    assert [r[0::3] for r in rows] == [("LH2409103", "success"), ("TC2409104", "success"), ("TC2409106", "success")]
    # the top-up, `TRUY LINH CHENH LECH T08` (August's difference), is August's money, no second payment
    # of September (tests/test_money_back_pay_rates.py)
    assert found == {"MISSING_PAYMENT": 3}
    with duckdb.connect(str(tmp_path / "charge" / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT reason FROM rejected_rows").fetchall() == [
            ("bank charges refunded by the bank (transaction type NCHG), no payment's return",)
        ]


def test_the_same_return_given_twice_brings_back_one_payment(tmp_path):
    """The bank's line `RD989000 ... //FT3` twice (in one file, or in two day statements): one return
    given twice, not the return of Ánh's second payment; it is set aside as a second return."""
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409100910D4600000,NTRFLH2409103//FT24254200001",
        ":86:LUONG HUU T09/2024 LAM VAN BAO CCCD 001049031247",
        ":61:2409100910D1000000,NTRFTC2409104//FT2",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH",
        ":61:2409100910D989000,NTRFTC2409105//FT5",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH TRUY LINH",
        *[":61:2409110911RD989000,NTRFNONREF//FT3", ":86:HOAN TRA CK CCCD 001166021246 KIEU THI ANH DA TRU PHI 11.000"]
        * 2,
    )
    found, rows = month(tmp_path, path)
    assert found == {"MISSING_PAYMENT": 3}  # Sơn, Oanh, Phúc: in no file; Ánh was paid
    assert [r[0::3] for r in rows] == [("LH2409103", "success"), ("TC2409104", "success"), ("TC2409105", "returned")]
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        reasons = [r for (r,) in con.execute("SELECT reason FROM rejected_rows ORDER BY source_row").fetchall()]
    assert reasons[1].startswith("a second return of the payment in bidv.sta row 3")


def test_two_returns_of_one_amount_bring_back_both_payments_of_the_payee(tmp_path):
    """Ánh paid 1,000,000 and 989,000; 989,000 came back twice, naming her and no reference. The first
    is the 989,000's return; the second was set aside as its second return, and the 1,000,000 stood
    as paid. It is the 1,000,000's, less the bank's fee."""
    back = ":86:HOAN TRA CK CCCD 001166021246 KIEU THI ANH TK KHONG TON TAI DA TRU PHI 11.000"
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409100910D4600000,NTRFLH2409103//FT24254200001",
        ":86:LUONG HUU T09/2024 LAM VAN BAO CCCD 001049031247",
        ":61:2409100910D1000000,NTRFTC2409104//FT24254200002",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH",
        ":61:2409100910D989000,NTRFTC2409105//FT24254200005",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH TRUY LINH",
        ":61:2409110911RD989000,NTRFNONREF//FT24254200003",
        back,
        ":61:2409110911RD989000,NTRFNONREF//FT24254200006",
        back,
    )
    found, rows = month(tmp_path, path)
    assert [r[0::3] for r in rows] == [
        ("LH2409103", "success"),
        ("TC2409104", "returned"),
        ("TC2409105", "returned"),
    ]
    assert found == {"PAYMENT_FAILED": 2, "MISSING_PAYMENT": 4}


@pytest.mark.parametrize("first", ["naming-the-payee", "naming-the-reference"])
def test_returns_in_later_statements_pair_alike_whichever_comes_first(tmp_path, first):
    """Ánh paid 1,000,000 and 989,000 on the 10th; two 989,000 came back in the statements of the
    11th and the 12th, one naming her and no reference, one the 989,000's reference. When the one
    naming her came first, it took the 989,000, the other was set aside as its second return and the
    1,000,000 stood as paid. A return naming its payment's reference is paired before one naming
    only its payee, whichever day it came."""
    by_payee = [":61:2409DAYRD989000,NTRFNONREF//FT24254200006", ":86:HOAN TRA CK CCCD 001166021246 KIEU THI ANH"]
    by_ref = [":61:2409DAYRD989000,NTRFTC2409105//FT24254200007", ":86:HOAN TRA GD TC2409105 TK KHONG TON TAI"]
    later = [by_payee, by_ref] if first == "naming-the-payee" else [by_ref, by_payee]
    paid = mt940(
        tmp_path,
        30000000,
        ":61:2409100910D1000000,NTRFTC2409104//FT24254200002",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH",
        ":61:2409100910D989000,NTRFTC2409105//FT24254200005",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH TRUY LINH",
    ).rename(tmp_path / "bidv_10.sta")
    files = [paid]
    for day, (line, text) in zip(("11", "12"), later, strict=True):
        back = mt940(tmp_path, 28011000, line.replace("DAY", f"{day}09{day}"), text)
        files.append(back.rename(tmp_path / f"bidv_{day}.sta"))
    db = reconciled(tmp_path, REGISTRY, files)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT payment_ref, status FROM payments ORDER BY payment_ref").fetchall()
        found = dict(con.execute("SELECT code, count(*) FROM flags GROUP BY code").fetchall())
    assert rows == [("TC2409104", "returned"), ("TC2409105", "returned")]
    assert found == {"PAYMENT_FAILED": 2, "MISSING_PAYMENT": 5}  # Ánh's, and the four paid nothing


def test_a_reversal_naming_the_account_the_narrative_named_without_its_zeros_returns_the_payment(tmp_path):
    """Ánh's payment names her account only in its narrative (`STK 0071000123456`); the reversal,
    quoting no reference, names it as a spreadsheet left it, `TU TK 71000123456`. It was refused as
    having no payee, and the payment stood as paid."""
    registry = REGISTRY.replace("12010000021246", "0071000123456")
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409100910D1000000,NTRFTC2409104//FT24254200002",
        ":86:CHI TRO CAP T09 KIEU THI ANH STK 0071000123456",
        ":61:2409110911RD1000000,NTRFNONREF//FT24254200006",
        ":86:HOAN TRA TU TK 71000123456 TAI KHOAN KHONG HOP LE",
    )
    db = reconciled(tmp_path, registry, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, status FROM payments").fetchall() == [("TC2409104", "returned")]
        assert con.execute("SELECT source_row, reason FROM rejected_rows").fetchall() == [
            (
                2,
                "credit: the return of the payment in bidv.sta row 1, which is marked returned "
                "(a return or reversal, not a payment)",
            )
        ]
        assert con.execute("SELECT vneid FROM flags WHERE code = 'PAYMENT_FAILED'").fetchall() == [("001166021246",)]


def test_a_reversal_that_names_the_payee_but_no_reference_returns_that_payment(tmp_path):
    """Kiều Thị Ánh's 1,000,000 came back as `NONREF` with her ID and name: it counted as paid, and
    the month was clean."""
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409100910D4600000,NTRFLH2409103//FT24254200001",
        ":86:LUONG HUU T09/2024 LAM VAN BAO CCCD 001049031247",
        ":61:2409100910D1000000,NTRFTC2409104//FT24254200002",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH",
        ":61:2409110910RD1000000,NTRFNONREF//FT24254200003",
        ":86:HOAN TRA CK CCCD 001166021246 KIEU THI ANH TK KHONG TON TAI",
    )
    found, rows = month(tmp_path, path)
    assert rows == [
        ("LH2409103", "001049031247", None, "success"),
        ("TC2409104", "001166021246", None, "returned"),
    ]
    assert found == {"PAYMENT_FAILED": 1, "MISSING_PAYMENT": 4}  # Ánh, and Sơn, Oanh, Phúc: in no file


def test_a_camt_return_with_no_end_to_end_reference_returns_the_payment_to_its_account(tmp_path):
    """A credit with `RtrInf` AC04 and `NOTPROVIDED`, from Lý Thị Oanh's own account."""

    def entry(amount, direction, ref, day, details):
        return (
            f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
            f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls>{details}</TxDtls></NtryDtls></Ntry>"
        )

    paid = (
        "<Refs><EndToEndId>TC2409002</EndToEndId></Refs><RltdPties><Cdtr><Pty><Nm>LY THI OANH</Nm></Pty></Cdtr>"
        "<CdtrAcct><Id><Othr><Id>0011001221236</Id></Othr></Id></CdtrAcct></RltdPties>"
        "<RmtInf><Ustrd>TRO CAP T09 CCCD 001163021236</Ustrd></RmtInf>"
    )
    back = (
        "<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>LY THI OANH</Nm></Pty></Dbtr>"
        "<DbtrAcct><Id><Othr><Id>0011001221236</Id></Othr></Id></DbtrAcct></RltdPties>"
        "<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>"
    )
    path = tmp_path / "vcb.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
        "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-09-30T20:00:00+07:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>S1</Id><CreDtTm>2024-09-30T20:00:00+07:00</CreDtTm>"
        "<Acct><Id><Othr><Id>0011000999999</Id></Othr></Id><Ccy>VND</Ccy></Acct>"
        + entry(1500000, "DBIT", "FT2", "2024-09-05", paid)
        + entry(1500000, "CRDT", "RT9", "2024-09-07", back)
        + "</Stmt></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    found, rows = month(tmp_path, path)
    assert rows == [("TC2409002", "001163021236", "0011001221236", "returned")]
    assert found["PAYMENT_FAILED"] == 1


STATEMENT = "Ngày giao dịch,Số tham chiếu,Diễn giải,Phát sinh Nợ,Phát sinh Có,Số dư,Tên đối ứng\n"


def test_a_return_the_bank_kept_its_fee_of_returns_the_payment_it_names(tmp_path):
    """1,500,000 paid, 1,489,000 back `DA TRU PHI 11.000`: it was taken for money in."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        "SAO KÊ TÀI KHOẢN\n"
        + STATEMENT
        + "05/09/2024,FT24249100006,CHI TRO CAP T09/2024 CCCD 001163021236 LY THI OANH,1.500.000,,,LY THI OANH\n"
        "06/09/2024,FT24250100001,HOAN TRA GD FT24249100006 DA TRU PHI 11.000,,1.489.000,,\n",
        encoding="utf-8",
    )
    found, rows = month(tmp_path, path)
    assert rows == [("FT24249100006", "001163021236", None, "returned")]
    assert found["PAYMENT_FAILED"] == 1


def test_a_payee_surnamed_phi_is_paid_and_a_charge_is_still_a_charge(tmp_path):
    """`PHI VAN PHUC NHAN TRO CAP ... CCCD ...` was set aside as bank charges, and Phí Văn Phúc
    reported unpaid; the bank's SMS fee, without the word phí, was a payment to nobody."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        STATEMENT
        + "05/09/2024,FT24249100007,PHI VAN PHUC NHAN TRO CAP T09/2024 CCCD 001070031237,2.000.000,,,PHI VAN PHUC\n"
        "06/09/2024,FT24249100008,Phí dịch vụ chuyển tiền,11.000,,,\n"
        "06/09/2024,FT24249100009,SMS Banking thang 08/2024,8.800,,,NGAN HANG TMCP CONG THUONG VN\n",
        encoding="utf-8",
    )
    found, rows = month(tmp_path, path)
    assert rows == [("FT24249100007", "001070031237", None, "success")]
    assert "UNKNOWN_PAYEE" not in found
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall() == [
            (3, "bank charges (profile vn-bank-statement)"),
            (4, "bank charges (profile vn-bank-statement)"),
        ]


def test_an_account_number_in_the_narrative_is_no_id_beside_one_and_the_payee_s_only_when_registered(tmp_path):
    """Beside Bảo's `CCCD`, `TK 060123400001` made his ID one of two, and neither was used. An account
    a narrative names is the payee's only when the registry lists it as a beneficiary's: the office's
    own (`PHONG LDTBXH HUONG KHE TK 3700201001234`) made every payment a false ACCOUNT_MISMATCH. A
    number after TK is the ID when it is the only one (`TK 001163021236 LY THI OANH`), unless it is a
    registered account and no registered ID: Sacombank's `TA VAN SON STK 060123456789` was taken for
    Sơn's ID, an UNKNOWN_PAYEE and a MISSING_PAYMENT; it is his account, and pays him."""
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409050905D4600000,NTRFLH2409102//FT24249200002",
        ":86:LUONG HUU T09/2024 CK DEN TK 060123400001 09/2024 LAM VAN BAO CCCD 001049031247",
        ":61:2409050905D1000000,NTRFTC2409103//FT24249200003",
        ":86:PHONG LDTBXH HUONG KHE TK 3700201001234 CHI TRO CAP CCCD 001166021246 KIEU THI ANH",
        ":61:2409050905D1500000,NTRFTC2409104//FT24249200004",
        ":86:CHI TRO CAP T09 TK 001163021236 LY THI OANH",
        ":61:2409050905D2000000,NTRFTC2409105//FT24249200005",
        ":86:CK DEN TK 0011001231237 001070031237 PHI VAN PHUC TRO CAP T09",
        ":61:2409050905D5050000,NTRFLH2409106//FT24249200006",
        ":86:LUONG HUU T09/2024 TA VAN SON STK 060123456789",
    )
    found, rows = month(tmp_path, path)
    assert rows == [
        ("LH2409102", "001049031247", "060123400001", "success"),
        ("TC2409103", "001166021246", None, "success"),
        ("TC2409104", "001163021236", None, "success"),
        ("TC2409105", "001070031237", "0011001231237", "success"),  # the ID right after the account stays whole
        ("LH2409106", None, "060123456789", "success"),
    ]
    assert found == {}
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT payment_ref, vneid, method FROM matches WHERE payment_ref = 'LH2409106'"
        ).fetchall() == [("LH2409106", "001044051239", "account")]


LIST = "Số tham chiếu,Số định danh,Tên người thụ hưởng,Ngân hàng thụ hưởng,Số tiền,Ngày giao dịch,Kênh chi trả,Trạng thái,Nội dung\n"


def test_an_account_a_narrative_names_is_not_taken_for_cash_for_the_id_or_at_another_bank(tmp_path):
    """The account a narrative names is the payment's only where it can be where the money went.
    Not a cash payment's (`TK ... tam khoa`: three cash payments given one account were a false
    SHARED_ACCOUNT); not the number taken for the row's ID (a false ACCOUNT_MISMATCH against itself
    when it is also a beneficiary's account); not at another bank than the row names; not for a
    payee whose name is not the holder's (Tú's account named for Hùng would have paid Tú twice). A
    payee named Tú before `STK` is no `TU TK` (the account paid from): his account pays him."""
    registry = (
        REGISTRY
        + "036150000222,Trần Văn Hùng,Trợ cấp xã hội,1.500.000,Tiền mặt,,,Đang hưởng\n"
        + "036150000333,Phạm Thị Lan,Trợ cấp xã hội,1.500.000,Tiền mặt,,,Đang hưởng\n"
        + "001170031238,Hồ Văn Tâm,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,001163021236,Đang hưởng\n"
        + "001055041240,Lê Văn Tú,Lương hưu,3.000.000,Chuyển khoản,STB,060155500001,Đang hưởng\n"
    )
    db = listed(
        tmp_path,
        LIST
        + "BD02,036150000222,TRAN VAN HUNG,,1.500.000,05/09/2024,Tiền mặt,Thành công,Chi tai TT BTXH (TK 060123456789 tam khoa)\n"
        + "BD03,036150000333,PHAM THI LAN,,1.500.000,05/09/2024,Tiền mặt,Thành công,Chi tai TT BTXH (TK 060123456789 tam khoa)\n"
        + "FT11,,LY THI OANH,,1.500.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T9 TK 001163021236 LY THI OANH\n"
        + "FT12,001049031247,LAM VAN BAO,VCB,4.600.000,05/09/2024,Chuyển khoản,Thành công,LUONG HUU T9 STK 060123400001\n"
        + "FT13,,LE VAN TU,,3.000.000,05/09/2024,Chuyển khoản,Thành công,LUONG HUU T09/2024 LE VAN TU STK 060155500001\n"
        + "FT14,,TRAN VAN HUNG,,1.500.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T9 QUA TT BTXH STK 060155500001\n",
        registry,
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT payment_ref, p.vneid, account_number, m.vneid, method FROM payments AS p "
            "LEFT JOIN matches AS m USING (payment_ref) ORDER BY payment_ref"
        ).fetchall() == [
            ("BD02", "036150000222", None, "036150000222", "vneid"),
            ("BD03", "036150000333", None, "036150000333", "vneid"),
            ("FT11", "001163021236", None, "001163021236", "narrative_vneid"),
            ("FT12", "001049031247", None, "001049031247", "vneid"),
            ("FT13", None, "060155500001", "001055041240", "account"),
            ("FT14", None, None, None, None),  # Hùng's name is not that of the account's holder, Tú
        ]
        found = dict(con.execute("SELECT code, count(*) FROM flags GROUP BY code").fetchall())
    assert found == {"MISSING_PAYMENT": 4, "UNKNOWN_PAYEE": 1}  # Ánh, Sơn, Phúc and Tâm, in no file


def test_a_reversal_naming_the_account_a_narrative_named_returns_that_payment(tmp_path):
    """Ánh's payment names her account only in its narrative, and so does the bank's reversal: they
    were not paired as the statement was read (the account was looked for only in a column), and
    the month came out clean, Ánh paid. Sơn's payment in decomposed letters (`tài khoản` as `ta` and
    a combining grave) names his account as the composed text does. A narrative naming another
    person than the account's holder (`LY THI OANH QUA TT BTXH STK <Sơn's account>`) pays nobody by
    that account."""
    nfd = unicodedata.normalize("NFD", "Chuyển đến tài khoản 060123456789 Tạ Văn Sơn")
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409050905D1000000,NTRFTC2409106//FT24249200006",
        ":86:TRO CAP T09/2024 KIEU THI ANH STK 12010000021246",
        ":61:2409100910RD1000000,NTRFNONREF//FT24254200003",
        ":86:HOAN TRA CK STK 12010000021246 TK KHONG TON TAI",
        ":61:2409050905D5050000,NTRFLH2409107//FT24249200007",
        f":86:{nfd}",
        ":61:2409050905D1500000,NTRFTC2409108//FT24249200008",
        ":86:TRO CAP T9 LY THI OANH QUA TT BTXH STK 060123456789",
    )
    db = reconciled(tmp_path, REGISTRY, path)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT payment_ref, status, account_number FROM payments ORDER BY source_row").fetchall()
        rejected = con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall()
        found = dict(con.execute("SELECT code, count(*) FROM flags GROUP BY code").fetchall())
    assert rows == [("TC2409106", "returned", "12010000021246"), ("LH2409107", "success", "060123456789")]
    assert [r[0] for r in rejected] == [2, 4]
    assert rejected[0][1].startswith("credit: the return of the payment in bidv.sta row 1")
    assert rejected[1][1] == "payee_name missing (and no ID or account to tell who was paid)"
    assert found == {"PAYMENT_FAILED": 1, "MISSING_PAYMENT": 4}  # Ánh's came back; Ánh, Bảo, Oanh, Phúc unpaid


def test_a_reversal_pairs_by_the_one_account_named_and_stands_for_its_holder_when_it_pairs_with_none(tmp_path):
    """A reversal naming the paying office's account (`HOAN TRA VE TK 3700201001234 ... CCCD <Bảo>`)
    marked returned the payment whose narrative named that office account beside Ánh's: a payment's
    text naming two accounts names none apart, and the reversal stands for Bảo, whose payment is in
    no file. A reversal naming Phúc's account alone (`CHUYEN TIEN TU TK`: the account it came back
    from) returns his payment; one naming only Sơn's account, with no payment of his, stands for him
    (it was rejected for naming no payee, and stopped a month of nothing else)."""
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409050905D1000000,NTRFTC2409101//FT24249200001",
        ":86:PHONG LDTBXH HUONG KHE TK 3700201001234 CHI TRO CAP T09 KIEU THI ANH STK 12010000021246",
        ":61:2409100910RD1000000,NTRFNONREF//FT24254200003",
        ":86:HOAN TRA VE TK 3700201001234 CK CCCD 001049031247 LAM VAN BAO TK KHONG TON TAI",
        ":61:2409050905D2000000,NTRFTC2409105//FT24249200005",
        ":86:TRO CAP T09 PHI VAN PHUC STK 0011001231237",
        ":61:2409110911RD2000000,NTRFNONREF//FT24255200006",
        ":86:CHUYEN TIEN TU TK 0011001231237 HOAN TRA",
        ":61:2409120912RD5050000,NTRFNONREF//FT24256200007",
        ":86:HOAN TRA CK STK 060123456789 TK KHONG TON TAI",
    )
    rows, failed = outcome(reconciled(tmp_path, REGISTRY, path), "payment_ref, status, m.vneid")
    assert rows == [
        ("TC2409101", "success", "001166021246"),  # Ánh's: the office's account is no return of it
        ("FT24254200003", "returned", "001049031247"),
        ("TC2409105", "returned", "001070031237"),
        ("FT24256200007", "returned", "001044051239"),
    ]
    assert failed == ["001044051239", "001049031247", "001070031237"]


def test_a_reversal_naming_the_office_s_account_and_another_s_id_is_that_person_s(tmp_path):
    """Ánh's payment names only the paying office's account; a reversal names that account and
    Bảo's ID (`HOAN TRA VE TK <office> CK CCCD <Bảo>`): it was paired with Ánh's payment by the
    office's account, a false PAYMENT_FAILED for her and none for Bảo. It is Bảo's."""
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409050905D1000000,NTRFTC2409101//FT24249200001",
        ":86:PHONG LDTBXH TK 3700201001234 CHI TRO CAP T9 CCCD 001166021246 KIEU THI ANH",
        ":61:2409100910RD1000000,NTRFNONREF//FT24254200003",
        ":86:HOAN TRA VE TK 3700201001234 CK CCCD 001049031247 LAM VAN BAO TK KHONG TON TAI",
    )
    found, rows = month(tmp_path, path)
    assert rows == [
        ("TC2409101", "001166021246", None, "success"),
        ("FT24254200003", "001049031247", None, "returned"),
    ]
    assert found == {"PAYMENT_FAILED": 1, "MISSING_PAYMENT": 4}  # Bảo's came back; Bảo, Sơn, Oanh, Phúc unpaid


def test_an_account_written_in_groups_is_the_longest_the_registry_lists_and_pairs_as_written(tmp_path):
    """`STK 0011 0012 9999 6`: the groups joined may be 00110012 (Dung's account) or 0011001299996
    (Cường's); none was taken, and Cường's payment was rejected for naming no payee. It is the
    longest the registry lists. A reversal written `STK 0601 2345 6789` returned Bình's payment to
    06012345, a prefix of it: a return pairs by the account as written."""
    registry = (
        REGISTRY
        + "036150056781,Lê Thị Dung,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,00110012,Đang hưởng\n"
        + "036150056782,Nguyễn Văn Cường,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0011001299996,Đang hưởng\n"
        + "036150056783,Phạm Thị Bình,Trợ cấp xã hội,1.000.000,Chuyển khoản,STB,06012345,Đang hưởng\n"
    )
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409050905D1000000,NTRFTC2409101//FT24249200001",
        ":86:TRO CAP T9 NGUYEN VAN CUONG STK 0011 0012 9999 6",
        ":61:2409050905D1000000,NTRFTC2409102//FT24249200002",
        ":86:TRO CAP T9 PHAM THI BINH STK 06012345",
        ":61:2409100910RD1000000,NTRFNONREF//FT24254200003",
        ":86:HOAN TRA CK STK 0601 2345 6789 TK KHONG TON TAI",
    )
    rows, _ = outcome(reconciled(tmp_path, registry, path), "payment_ref, status, account_number, m.vneid")
    assert rows == [
        ("TC2409101", "success", "0011001299996", "036150056782"),
        ("TC2409102", "success", "06012345", "036150056783"),
        ("FT24254200003", "returned", "060123456789", "001044051239"),  # Sơn's account, written in groups
    ]


def test_a_reversal_naming_the_payee_s_own_id_or_the_account_ungrouped_returns_the_payment(tmp_path):
    """A reversal naming the payee's account and his own ID, which the payment's text does not name
    (`HOAN TRA STK <Phúc's account> CCCD <Phúc>`), and one naming Sơn's account whole where his
    payment wrote it in groups (`STK 0601 2345 6789`; whole, it reads as an ID): each returns its
    payment, and was left beside it as a returned row of its own, the month showing them paid."""
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409050905D2000000,NTRFTC2409105//FT24249200005",
        ":86:TRO CAP T9 PHI VAN PHUC STK 0011001231237",
        ":61:2409050905D5050000,NTRFLH2409107//FT24249200007",
        ":86:LUONG HUU T9 TA VAN SON STK 0601 2345 6789",
        ":61:2409100910RD2000000,NTRFNONREF//FT24254200009",
        ":86:HOAN TRA STK 0011001231237 CCCD 001070031237 TK KHONG TON TAI",
        ":61:2409100910RD5050000,NTRFNONREF//FT24254200010",
        ":86:HOAN TRA CK STK 060123456789 TK KHONG TON TAI",
    )
    rows, failed = outcome(reconciled(tmp_path, REGISTRY, path), "payment_ref, status")
    assert rows == [("TC2409105", "returned"), ("LH2409107", "returned")]
    assert failed == ["001044051239", "001070031237"]


def test_a_reversal_of_an_account_two_people_share_names_neither_payment_apart(tmp_path):
    """Hương and Lộc share an account, and a statement without names pays each a narrative naming
    it: a reversal naming the account alone marked Hương's returned, as if the two were one payee.
    It fits both and names neither apart: set aside, none marked."""
    registry = (
        REGISTRY
        + "079196118125,Nguyễn Thị Hương,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0011001221236,Đang hưởng\n"
        + "079160041242,Phạm Văn Lộc,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0011001221236,Đang hưởng\n"
    )
    path = mt940(
        tmp_path,
        30000000,
        ":61:2409050905D1000000,NTRFTC2409101//FT24249200001",
        ":86:TRO CAP T09/2024 NGUYEN THI HUONG STK 0011001221236",
        ":61:2409050905D1000000,NTRFTC2409102//FT24249200002",
        ":86:TRO CAP T09/2024 PHAM VAN LOC STK 0011001221236",
        ":61:2409100910RD1000000,NTRFNONREF//FT24254200003",
        ":86:HOAN TRA CK STK 0011001221236 TK KHONG TON TAI",
    )
    db = reconciled(tmp_path, registry, path)
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = con.execute("SELECT payment_ref, status FROM payments ORDER BY source_row").fetchall()
        (reason,) = con.execute("SELECT reason FROM rejected_rows").fetchone()
    assert statuses == [("TC2409101", "success"), ("TC2409102", "success")]
    assert reason.startswith("a return that fits 2 payments of the same amount (bidv.sta row 1, bidv.sta row 2)")


def test_a_listed_return_naming_no_payee_returns_the_payment_of_its_reference_and_a_bank_left_out_is_none(tmp_path):
    """A disbursement list's returned row that names nobody (`HOAN TRA GD FT02 TK DA DONG`) was
    rejected before it was paired, and the payment it returns stood as paid; of a reference paid to
    two people, it names neither apart and stays rejected. A bank the registry leaves out of Sơn's
    row is no other bank than the list's `Sacombank`, nor a bank named in full that is not one known
    (Oanh's FT07): the account a narrative names pays its holder."""
    registry = REGISTRY.replace("Chuyển khoản,STB,060123456789", "Chuyển khoản,,060123456789")
    db = listed(
        tmp_path,
        LIST
        + "FT01,,TA VAN SON,Sacombank,5.050.000,05/09/2024,Chuyển khoản,Thành công,LUONG HUU T09/2024 STK 060123456789\n"
        + "FT02,,LY THI OANH,,1.500.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T9 TKNH 0011001221236\n"
        + "FT02,,,,1.500.000,07/09/2024,Chuyển khoản,Hoàn trả,HOAN TRA GD FT02 TK DA DONG\n"
        # a return naming nobody, of a reference paid to two people: it names neither apart
        + "CTXH0905,001049031247,LAM VAN BAO,,4.600.000,05/09/2024,Chuyển khoản,Thành công,LUONG HUU T09\n"
        + "CTXH0905,001070031237,PHI VAN PHUC,,4.600.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T09\n"
        + "CTXH0905,,,,4.600.000,07/09/2024,Chuyển khoản,Hoàn trả,HOAN TRA GD CTXH0905 TK DA DONG\n"
        # a bank by its full name, not one of those known, is no other bank than the registry's
        + "FT07,,LY THI OANH,Ngân hàng TMCP Ngoại thương Việt Nam chi nhánh 7,1.500.000,05/09/2024,Chuyển khoản,"
        + "Thành công,TRO CAP T9 TKNH 0011001221236\n",
        registry,
    )
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT payment_ref, vneid, account_number, status FROM payments ORDER BY source_row"
        ).fetchall()
        found = dict(con.execute("SELECT code, count(*) FROM flags GROUP BY code").fetchall())
        rejected = con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall()
    assert rows == [
        ("FT01", None, "060123456789", "success"),
        ("FT02", None, "0011001221236", "returned"),
        ("CTXH0905", "001049031247", None, "success"),
        ("CTXH0905", "001070031237", None, "success"),
        ("FT07", None, "0011001221236", "success"),
    ]
    assert rejected == [
        (
            4,
            "returned: the same transfer as the payment in chi_tra.csv row 3, which is marked returned (not a second payment)",
        ),
        (7, "payee_name missing (and no ID or account to tell who was paid)"),
    ]
    # Ánh unpaid; Phúc paid Bảo's amount; CTXH0905 used twice in the list
    assert found == {"MISSING_PAYMENT": 1, "AMOUNT_MISMATCH": 1, "DUPLICATE_PAYMENT": 1}


def test_a_day_s_subtotal_in_the_narrative_is_set_aside_and_the_total_counts_the_charges(tmp_path):
    """VietinBank writes `Cộng phát sinh ngày 05/09/2024` under each day: rejected as a payment
    without a reference; set aside as a total row, the grand total (which counts the bank's fee)
    then disagreed with the rows read."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        STATEMENT + "05/09/2024,FT001,Chi tro cap T09 CCCD 001166021246,1.000.000,,,KIEU THI ANH\n"
        ",,Cộng phát sinh ngày 05/09/2024,1.000.000,,,\n"
        "06/09/2024,FT002,SMS Banking thang 08/2024,8.800,,,\n"
        "06/09/2024,FT003,Chi luong huu T09 CCCD 001049031247,4.600.000,,,LAM VAN BAO\n"
        ",,Cộng phát sinh ngày 06/09/2024,4.608.800,,,\n"
        "Tổng cộng,,,5.608.800,,,\n",
        encoding="utf-8",
    )
    found, rows = month(tmp_path, path)
    assert [r[0] for r in rows] == ["FT001", "FT003"]
    assert found == {"MISSING_PAYMENT": 3}  # Sơn, Oanh and Phúc, in no file
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall() == [
            (3, "a total row (profile vn-bank-statement)"),
            (4, "bank charges (profile vn-bank-statement)"),
            (6, "a total row (profile vn-bank-statement)"),
        ]
        assert con.execute("SELECT rows_rejected, control_amount FROM inputs WHERE role = 'payments'").fetchall() == [
            (0, 5608800)
        ]


def test_a_statement_without_a_counterparty_column_is_read_by_its_narrative(tmp_path):
    """The statement names each payee in its narrative alone: refused whole, `required column
    'payee_name' is missing ... or pass a --profile that maps it`, with the profile given."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        STATEMENT.replace(",Tên đối ứng", "")
        + "05/09/2024,FT001,CHI TRO CAP T09/2024 CCCD 001166021246 KIEU THI ANH,1.000.000,,\n"
        "05/09/2024,FT002,CHI TRO CAP T09/2024 KIEU THI ANH,1.000.000,,\n",
        encoding="utf-8",
    )
    found, rows = month(tmp_path, path)
    assert rows == [("FT001", "001166021246", None, "success")]
    assert found == {"MISSING_PAYMENT": 4}  # but for Ánh, none of them is in the file
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT source_row, reason FROM rejected_rows").fetchall() == [
            (3, "payee_name missing (and no ID or account to tell who was paid)")
        ]


def test_a_family_paying_back_an_earlier_month_returns_no_payment_of_this_one(tmp_path):
    """The same amount back, with her ID, but for August: September's payment was marked returned,
    PAYMENT_FAILED and MISSING_PAYMENT raised, and a re-issue asked of the bank. A credit that names
    no payment's reference is money in; a bank's reversal naming another month is no return of it."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        STATEMENT
        + "05/09/2024,FT24249100006,CHI TRO CAP T09/2024 CCCD 001163021236 LY THI OANH,1.500.000,,,LY THI OANH\n"
        "20/09/2024,GD9001,HOAN TRA TIEN TRO CAP THANG 8/2024 CHI THUA CCCD 001163021236,,1.500.000,,NGUYEN THI HA\n",
        encoding="utf-8",
    )
    found, rows = month(tmp_path, path)
    assert rows == [("FT24249100006", "001163021236", None, "success")]
    assert "PAYMENT_FAILED" not in found
    reversal = mt940(
        tmp_path,
        30000000,
        ":61:2409100910D1000000,NTRFTC2409104//FT24254200002",
        ":86:CHI TRO CAP T09 CCCD 001166021246 KIEU THI ANH",
        ":61:2409200920RD1000000,NTRFNONREF//FT24254200009",
        ":86:HOAN TRA TIEN TRO CAP THANG 08 2024 CCCD 001166021246 KIEU THI ANH",
    )
    (tmp_path / "r.duckdb").unlink()
    found, rows = month(tmp_path, reversal)
    assert rows[0] == ("TC2409104", "001166021246", None, "success")


def test_a_bank_s_fee_for_paying_benefits_is_a_charge_and_a_name_column_unread_refuses_the_statement(tmp_path):
    """`PHI CHI TRA TRO CAP T09/2024` speaks of a benefit, as a payee surnamed Phí's narrative does,
    but is the bank's fee for paying them: loaded, each was an UNKNOWN_PAYEE. And a statement whose
    payee column is headed `Tên KH` (no header reconcile knows) was read without its names, unsaid."""
    path = tmp_path / "sao_ke.csv"
    path.write_text(
        STATEMENT + "05/09/2024,FT001,CHI TRO CAP T09/2024 CCCD 001166021246 KIEU THI ANH,1.000.000,,,KIEU THI ANH\n"
        "06/09/2024,FT002,PHI CHI TRA TRO CAP T09/2024,11.000,,,VIETCOMBANK\n"
        "06/09/2024,FT003,PHI XU LY GD CHI LUONG HUU T09/2024,5.500,,,VIETCOMBANK\n"
        "06/09/2024,FT004,Phí chi trả lương hưu qua TK tháng 9/2024,22.000,,,VIETCOMBANK\n"
        "06/09/2024,FT005,PHI HOAN TRA TRO CAP,22.000,,,VIETCOMBANK\n"
        "06/09/2024,FT006,Phí NH chi trả trợ cấp XH T9/2024,11.000,,,VIETCOMBANK\n"
        "06/09/2024,FT007,PHI UNC CHI LUONG HUU T9/2024,22.000,,,VIETCOMBANK\n"
        "06/09/2024,FT008,Phí ủy thác chi trả lương hưu T9/2024,1.250.000,,,BUU DIEN TINH AN GIANG\n",
        encoding="utf-8",
    )
    found, rows = month(tmp_path, path)
    assert [r[0] for r in rows] == ["FT001"]
    assert "UNKNOWN_PAYEE" not in found
    unknown = tmp_path / "tenkh.csv"
    unknown.write_text(path.read_text(encoding="utf-8").replace(",Tên đối ứng", ",Tên KH"), encoding="utf-8")
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(unknown), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 2
    assert "required column 'payee_name' is missing from the payments file" in res.stderr


def test_a_reversal_naming_the_day_before_s_payment_returns_it_not_the_re_payment_beside_it(tmp_path):
    """Ánh's 1,000,000 of the 10th to a closed account came back on the 11th, in the statement that
    also pays her again: the reversal names CTXH0910001, of the day before. Paired in its own file by
    her name and the amount, it marked the re-payment returned and left the bounced one paid."""
    day1 = mt940(
        tmp_path,
        30000000,
        ":61:2409100910D1000000,NTRFCTXH0910001//FT24254000101",
        ":86:/IBAN/0011009999999/NAME/KIEU THI ANH/REMI/CHI TRA TRO CAP T09/2024 CCCD 001166021246",
    ).rename(tmp_path / "day1.sta")
    day2 = mt940(
        tmp_path,
        29000000,
        ":61:2409110911D1000000,NTRFCTXH0911001//FT24255000202",
        ":86:/IBAN/12010000021246/NAME/KIEU THI ANH/REMI/CHI TRA LAI TRO CAP T09/2024 CCCD 001166021246",
        ":61:2409110911RD1000000,NTRFCTXH0910001//FT24255000201",
        ":86:/NAME/KIEU THI ANH/REMI/HOAN TRA GD CTXH0910001 TAI KHOAN DA DONG",
    ).rename(tmp_path / "day2.sta")
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    args = ["run", "--period", "2024-09", "--registry", str(registry), "--payments", str(day1)]
    args += ["--payments", str(day2), "--db", str(tmp_path / "r.duckdb"), "--partial"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code in (0, 1), res.output
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT payment_ref, status FROM payments ORDER BY payment_ref").fetchall() == [
            ("CTXH0910001", "returned"),
            ("CTXH0911001", "success"),
        ]


def test_a_payee_written_with_a_title_or_a_reference_is_the_registry_s_name(tmp_path):
    """`ONG TA VAN SON` and `LY THI OANH - LH09` stand for Tạ Văn Sơn and Lý Thị Oanh: the account their
    narratives name pays them, and neither is a NAME_MISMATCH. Before, both were an UNKNOWN_PAYEE and a
    MISSING_PAYMENT. A title before another person's name is still another name."""
    db = listed(
        tmp_path,
        LIST
        + "FT01,,ONG TA VAN SON,STB,5.050.000,05/09/2024,Chuyển khoản,Thành công,LUONG HUU T09/2024 STK 060123456789\n"
        + "FT02,,LY THI OANH - LH09,VCB,1.500.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T9 TKNH 0011001221236\n"
        + "FT03,001049031247,Ông Lâm Văn Bảo,,4.600.000,05/09/2024,Chuyển khoản,Thành công,LUONG HUU T09\n"
        + "FT04,001070031237,BA PHI THI PHUONG,,2.000.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T09\n",
    )
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT p.payment_ref, p.account_number, m.vneid, m.method FROM payments AS p "
            "LEFT JOIN matches AS m USING (payment_id) ORDER BY p.source_row"
        ).fetchall()
        found = con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY code, vneid").fetchall()
    assert rows == [
        ("FT01", "060123456789", "001044051239", "account"),
        ("FT02", "0011001221236", "001163021236", "account"),
        ("FT03", None, "001049031247", "vneid"),
        ("FT04", None, "001070031237", "vneid"),
    ]
    assert found == [
        ("MISSING_PAYMENT", "001166021246", None),  # Kiều Thị Ánh: in no file
        ("NAME_MISMATCH", "001070031237", "FT04"),  # Phí Văn Phúc paid as Bà Phí Thị Phương
    ]


def test_a_title_is_no_licence_for_a_typo_and_a_shared_account_pays_nobody_by_its_holder_s_name(tmp_path):
    """`ONG PHI PHUC` for Phí Văn Phúc: the title off, the middle name missing too is another name (the
    typo rule on top of a title let `ONG VAN TUNG` stand for Văn Thị Tùng). And an account Oanh and
    Phúc share: a statement shows its holder's name on every transfer into it (a guardian's, a
    spouse's), so a payment without an ID into it pays nobody, whoever's name it shows."""
    registry = REGISTRY.replace("Chuyển khoản,VCB,0011001231237", "Chuyển khoản,VCB,0011001221236")
    db = listed(
        tmp_path,
        "Số tham chiếu,Số định danh,Tên người thụ hưởng,Ngân hàng thụ hưởng,Số tài khoản,Số tiền,Ngày giao dịch,"
        "Kênh chi trả,Trạng thái,Nội dung\n"
        "FT01,001070031237,ONG PHI PHUC,,,2.000.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T9\n"
        "FT02,,LY THI OANH,VCB,0011001221236,1.500.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T9\n"
        "FT03,,LY THI OANH,VCB,0011001221236,2.000.000,05/09/2024,Chuyển khoản,Thành công,TRO CAP T9 PHI VAN PHUC\n",
        registry,
    )
    with duckdb.connect(str(db), read_only=True) as con:
        matched = con.execute("SELECT payment_ref, vneid FROM matches ORDER BY payment_ref").fetchall()
        found = con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY code, vneid, payment_ref").fetchall()
    assert matched == [("FT01", "001070031237")]
    assert found == [
        ("MISSING_PAYMENT", "001044051239", None),
        ("MISSING_PAYMENT", "001049031247", None),
        ("MISSING_PAYMENT", "001163021236", None),
        ("MISSING_PAYMENT", "001166021246", None),
        ("NAME_MISMATCH", "001070031237", "FT01"),
        ("UNKNOWN_PAYEE", None, "FT02"),
        ("UNKNOWN_PAYEE", None, "FT03"),
    ]
