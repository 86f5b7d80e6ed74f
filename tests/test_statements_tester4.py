"""Bank statements as the fourth tester gave them: a camt batch whose itemised transfers add up to more
than the entry booked, a camt return dated before a payment of its reference, an MT940 account written
after its BIC beside a camt statement of the account alone, a newest-first export with its closing
balance row under the list, camt transfers stating their booked amount, the bank's fee included, a camt
statement and an MT940 of one number at two banks, and an export with both balance rows over or under the list."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
from click.testing import CliRunner

from conftest import reconciled
from reconcile.cli import cli
from reconcile.errors import InputFileError
from reconcile.readers.camt import read, read_with_control
from reconcile.readers.chain import Span, check_chain

REGISTRY = """Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Mã tỉnh,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0071000000001,79,Đang hưởng
001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2.250.000,Chuyển khoản,VCB,0071000000002,01,Đang hưởng
001145007788,Lê Thị Hồng Nhung,03/03/1945,Nữ,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0071000000003,01,Đang hưởng
"""
PAID = [
    ("079196118125", "NGUYEN THI THANH HUONG", "0071000000001", 1_500_000),
    ("001038005555", "TRAN VAN BINH", "0071000000002", 2_250_000),
    ("001145007788", "LE THI HONG NHUNG", "0071000000003", 1_000_000),
]
OWN = "0071000123456"


def transfer(i: int, amount: int | None, *, amounts: str = "", charges: str = "") -> str:
    """A transaction detail paying PAID[i]: its own amount (none when None), then `amounts` (AmtDtls)."""
    vneid, name, account, _ = PAID[i]
    own = f'<Amt Ccy="VND">{amount}</Amt>' if amount is not None else ""
    return (
        f"<TxDtls><Refs><AcctSvcrRef>FT{i:03d}</AcctSvcrRef><EndToEndId>CTXH{i:02d}</EndToEndId></Refs>{own}"
        + (f"<AmtDtls>{amounts}</AmtDtls>" if amounts else "")
        + (f"<Chrgs>{charges}</Chrgs>" if charges else "")
        + f"<RltdPties><Cdtr><Pty><Nm>{name}</Nm></Pty></Cdtr><CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id>"
        f"</CdtrAcct></RltdPties><RmtInf><Ustrd>TCXH T9/2024 CCCD {vneid}</Ustrd></RmtInf></TxDtls>"
    )


def entry(amount: int, ref: str, details: str, *, day: str = "2024-09-05", cd: str = "DBIT", extra: str = "") -> str:
    return (
        f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>{cd}</CdtDbtInd>{extra}<Sts><Cd>BOOK</Cd></Sts>'
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        f"<NtryDtls>{details}</NtryDtls></Ntry>"
    )


def camt(path: Path, opening: int, entries: list[str], day: str = "2024-09-30") -> Path:
    """A camt.053 statement of the office's account, its closing balance what its entries leave."""
    moves = 0
    for e in entries:
        amount = int(e.split("</Amt>")[0].rsplit(">", 1)[1])
        moves += amount if "<CdtDbtInd>CRDT" in e.split("<Sts>")[0] else -amount

    def bal(code: str, amount: int) -> str:
        return (
            f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="VND">{amount}</Amt>'
            f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
        )

    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-09-30T23:00:00+07:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id>"
        f"<CreDtTm>{day}T23:00:00+07:00</CreDtTm><Acct><Id><Othr><Id>{OWN}</Id></Othr></Id><Ccy>VND</Ccy></Acct>"
        + bal("OPBD", opening)
        + bal("CLBD", opening + moves)
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>\n",
        encoding="utf-8",
    )
    return path


def invoke(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.output.splitlines()[-1]


def flags(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT code, payment_ref, detail FROM flags ORDER BY code, payment_ref").fetchall()


# --------------------------------------------------------------------------------------------------
# 1. A camt batch whose itemised transfers add up to more than the entry booked
# --------------------------------------------------------------------------------------------------

ITEMISED_MORE_FIX = (
    "ask the bank for the statement again and which of the entry's transfers it paid; the file may be edited"
)


def batch(amount: int, *details: str) -> str:
    return entry(amount, "BATCH1", "<Btch><NbOfTxs>3</NbOfTxs></Btch>" + "".join(details))


def test_a_batch_whose_transfers_add_up_to_more_than_its_entry_is_refused(tmp_path):
    """Debited 3,750,000 but itemised as 4,750,000 (1,500,000, 2,250,000, 1,000,000): it ran as
    "agrees with its camt balances", 1,000,000 counted paid that never left the account."""
    path = camt(tmp_path / "stmt.xml", 50_000_000, [batch(3_750_000, *(transfer(i, PAID[i][3]) for i in range(3)))])
    problem = (
        "its entry BATCH1 of 3,750,000 VND is itemised as transfers (rows 1-3) that add up to 4,750,000 VND, more "
        "than the entry booked: 1,000,000 VND of them did not leave the account"
    )
    try:
        read_with_control(path)
    except InputFileError as exc:
        assert (exc.path, exc.problem, exc.fix) == (str(path), problem, ITEMISED_MORE_FIX)
    else:
        raise AssertionError("not refused")
    assert invoke("--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09") == (
        2,
        f"reconcile: error: {path}: {problem}; {ITEMISED_MORE_FIX}",
    )
    assert invoke("--lang", "vi", "check", str(path), "--as", "payments", "--period", "2024-09") == (
        2,
        f"reconcile: lỗi: {path}: bút toán BATCH1 3.750.000 đồng của tệp được liệt kê thành các lệnh chuyển tiền "
        "(dòng 1-3) cộng lại được 4.750.000 đồng, nhiều hơn số tiền bút toán đã ghi sổ: 1.000.000 đồng trong đó "
        "không ra khỏi tài khoản; hãy đề nghị ngân hàng gửi lại sao kê và cho biết những lệnh chuyển tiền nào của "
        "bút toán đã được chi; tệp có thể đã bị sửa",
    )


def test_a_batch_itemised_in_full_or_in_part_is_read_as_before(tmp_path):
    """Details that add up to the entry are its rows; less, the rest is a row set aside; a credit whose
    details add up to more (booked net of a charge they do not state) is money in, not refused."""
    full = camt(tmp_path / "full.xml", 50_000_000, [batch(4_750_000, *(transfer(i, PAID[i][3]) for i in range(3)))])
    assert read(full)[1].select("payment_ref", "amount").rows() == [
        ("CTXH00", "1500000"),
        ("CTXH01", "2250000"),
        ("CTXH02", "1000000"),
    ]
    part = camt(tmp_path / "part.xml", 50_000_000, [batch(5_750_000, *(transfer(i, PAID[i][3]) for i in range(3)))])
    assert read(part)[1].select("payment_ref", "amount").rows()[-1] == ("BATCH1", "1000000")
    credit = entry(2_239_000, "IN1", transfer(1, 2_250_000), cd="CRDT")
    frame = read_with_control(camt(tmp_path / "credit.xml", 50_000_000, [credit]))[1]
    assert frame.select("amount", "direction").rows() == [("2250000", "CRDT")]


# --------------------------------------------------------------------------------------------------
# 2. A camt return dated before a payment of its reference
# --------------------------------------------------------------------------------------------------


def returned(day: str, text: str) -> str:
    """Trần Văn Bình's money back (RvslInd on a credit), bearing his payment's end-to-end id CTXH01."""
    detail = (
        '<TxDtls><Refs><AcctSvcrRef>FTRET</AcctSvcrRef><EndToEndId>CTXH01</EndToEndId></Refs><Amt Ccy="VND">2250000'
        f"</Amt><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"
    )
    return entry(2_250_000, "FTRET", detail, day=day, cd="CRDT", extra="<RvslInd>true</RvslInd>")


def payments(day: str) -> list[str]:
    return [entry(PAID[i][3], f"FT{i:03d}", transfer(i, PAID[i][3]), day=day) for i in range(3)]


def test_a_camt_return_dated_before_a_payment_of_its_reference_does_not_return_it(tmp_path):
    """August's money back on 3 September, with the end-to-end id of the payment of the 12th: that
    payment was marked returned (false MISSING_PAYMENT and PAYMENT_FAILED). The return is no return of
    a later payment: it stands for an earlier one (a returned debit, rejected as naming no payee)."""
    path = camt(tmp_path / "stmt.xml", 50_000_000, [returned("2024-09-03", "HOAN TRA TIEN TRO CAP THANG 8/2024"), *payments("2024-09-12")])  # fmt: skip
    assert read(path)[1].select("payment_ref", "status", "value_date", "direction").rows() == [
        ("CTXH01", "returned", "2024-09-03", "DBIT"),
        ("CTXH00", "success", "2024-09-12", "DBIT"),
        ("CTXH01", "success", "2024-09-12", "DBIT"),
        ("CTXH02", "success", "2024-09-12", "DBIT"),
    ]
    (tmp_path / "run").mkdir()
    db = reconciled(tmp_path / "run", REGISTRY, path)
    assert flags(db) == []
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM payments WHERE status = 'success'").fetchone() == (3,)
        assert con.execute("SELECT source_row, reason FROM rejected_rows").fetchall() == [
            (1, "payee_name missing (and no ID or account to tell who was paid)")
        ]


def test_a_camt_return_dated_after_its_payment_still_returns_it(tmp_path):
    """The same return on the 14th, after the payment of the 12th: it is that payment's return."""
    path = camt(tmp_path / "stmt.xml", 50_000_000, [*payments("2024-09-12"), returned("2024-09-14", "HOAN TRA GD CTXH01")])  # fmt: skip
    assert read(path)[1].select("payment_ref", "status", "direction").rows() == [
        ("CTXH00", "success", "DBIT"),
        ("CTXH01", "returned", "DBIT"),
        ("CTXH02", "success", "DBIT"),
        ("CTXH01", "returned", "CRDT"),
    ]


# --------------------------------------------------------------------------------------------------
# 3. An MT940 account written after its BIC, beside a camt statement of the account alone
# --------------------------------------------------------------------------------------------------

CHAIN_FIX = (
    "give the missing statement (ask the bank for it) with --payments, and run again; if the bank confirms that none "
    "is missing, set statement_chain = false in [checks] of the config file"
)


def mt940(path: Path, account: str, day: int, opening: int, i: int) -> Path:
    vneid, name, _, amount = PAID[i]
    path.write_text(
        "\r\n".join(
            [
                f":20:S09{day}",
                f":25:{account}",
                f":28C:{day}",
                f":60F:C2409{day - 1:02d}VND{opening},",
                f":61:2409{day:02d}09{day:02d}D{amount},NTRFCTXH{i:02d}//FT{day}{i:03d}",
                f":86:CHI TCXH T9/2024 CCCD {vneid} {name}",
                f":62F:C2409{day:02d}VND{opening - amount},",
                "-",
            ]
        )
        + "\r\n",
        encoding="utf-8",
    )
    return path


def test_a_day_left_out_is_seen_when_the_mt940_names_the_account_after_its_bic(tmp_path):
    """The 5th as camt (0071000123456), the 15th as MT940 with `:25:BFTVVNVX/0071000123456`, the 10th's
    left out: it ran with exit 0 and a false MISSING_PAYMENT, the two taken for two accounts."""
    first = camt(tmp_path / "camt_05.xml", 50_000_000, payments("2024-09-05")[:1], day="2024-09-05")
    missing = mt940(tmp_path / "mt_10.sta", f"BFTVVNVX/{OWN}", 10, 48_500_000, 1)
    last = mt940(tmp_path / "mt_15.sta", f"BFTVVNVX/{OWN}", 15, 46_250_000, 2)
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(tmp_path / "r.duckdb")]
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    files = ["--registry", str(registry), "--payments", str(first), "--payments", str(last)]
    assert invoke(*args, *files) == (
        2,
        f"reconcile: error: {last}: its statement 1 opens at 46,250,000, but statement 1 of {first} before it, of "
        f"the same account, closes at 48,500,000 on 2024-09-05: the statements of the days between them are "
        f"missing; {CHAIN_FIX}",
    )
    (tmp_path / "run").mkdir()
    assert flags(reconciled(tmp_path / "run", REGISTRY, [first, missing, last])) == []


def span(account: str, opening: int, closing: int, day: int) -> Span:
    from datetime import date

    return Span(Path(f"{day}.sta"), 1, account, "VND", Decimal(opening), Decimal(closing), date(2024, 9, day))


def test_different_accounts_stay_apart_in_the_chain(tmp_path):
    """Another number, or the same number at two banks (two BICs), is another account: balances that do
    not follow are no gap. A German bank code before the slash is a bank's too; a slash that separates
    the parts of one number (`0071/000123456` beside `0071000123456`) keeps it that number."""
    check_chain([span(OWN, 100, 90, 5), span("BFTVVNVX/0071000999999", 80, 70, 15)])
    check_chain([span(f"BFTVVNVX/{OWN}", 100, 90, 5), span(f"ICBVVNVX/{OWN}", 80, 70, 15)])
    for one, other in (
        (OWN, f"BFTVVNVX/{OWN}"),
        (OWN, f"50010517/{OWN}"),
        ("0071000123456", "0071/000123456"),
        (f"bftvvnvx / {OWN}", f"BFTVVNVX/{OWN}"),
    ):
        try:
            check_chain([span(one, 100, 90, 5), span(other, 80, 70, 15)])
        except InputFileError as exc:
            assert exc.problem.startswith("its statement 1 opens at 80, but statement 1 of 5.sta before it"), exc
        else:
            raise AssertionError(f"{one} and {other} taken for two accounts")


# --------------------------------------------------------------------------------------------------
# 4. A newest-first export with its closing balance row under the list
# --------------------------------------------------------------------------------------------------

BALANCE_FIX = (
    "ask the bank for the statement again; the file may be cut short or edited; if it has been checked by hand "
    "against the bank's, set running_balance = false in [checks] of the config file"
)
HEADER = ["Ngày giao dịch/ Transaction Date", "Đối tác/ Remitter", "Diễn giải/ Details", "Nợ/ Debit", "Có/ Credit", "Số dư/ Balance"]  # fmt: skip


def techcombank(path: Path, *, newest_first: bool, deleted: str | None = None, titled: bool = True) -> Path:
    """The treasury's funding and three payments, a closing balance row under the list; the opening
    balance in the title block (`titled`), else as a balance row over the list."""
    rows, balance = [["03/09/2024", "KHO BAC NHA NUOC", "KBNN CHUYEN KINH PHI T9/2024", None, 5_000_000, 505_000_000]], 505_000_000  # fmt: skip
    for i, (vneid, name, account, amount) in enumerate(PAID):
        balance -= amount
        rows.append([f"0{5 + i}/09/2024", f"{name} - {account}", f"CHI TRO CAP T9/2024 CCCD {vneid}", amount, None, balance])  # fmt: skip
    closing = ["Số dư cuối kỳ/ Closing balance:", None, None, None, None, balance]
    rows = [r for r in rows if deleted is None or not r[1].startswith(deleted)]
    book = openpyxl.Workbook()
    title = [["NGÂN HÀNG TMCP KỸ THƯƠNG VIỆT NAM (TECHCOMBANK)"], ["Số tài khoản/ Account number:", "19030000123456"]]
    title += [["Số dư đầu kỳ/ Opening balance:", 500_000_000], [], HEADER] if titled else [[], HEADER, ["Số dư đầu kỳ/ Opening balance:", None, None, None, None, 500_000_000]]  # fmt: skip
    for row in title + (rows[::-1] if newest_first else rows) + [closing]:
        book.active.append(row)
    book.save(path)
    return path


def test_a_newest_first_export_with_its_closing_balance_row_under_the_list_is_read(tmp_path):
    """Every balance follows, from the last row up: it was refused at the closing balance row ("the rows
    up to it move 0"), as it is with the opening balance a row over the list; the oldest-first twins
    pass alike, and the run pays all three."""
    for titled in (True, False):
        for newest_first in (False, True):
            path = techcombank(tmp_path / f"{titled}_{newest_first}.xlsx", newest_first=newest_first, titled=titled)
            res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])  # fmt: skip
            assert res.exit_code == 0, res.output
            read_line = next(line for line in res.output.splitlines() if line.startswith("rows:"))
            assert read_line == f"rows: {5 + (not titled)} read, 3 loaded, 0 rejected, {2 + (not titled)} set aside as no payment"  # fmt: skip
    (tmp_path / "run").mkdir()
    db = reconciled(tmp_path / "run", REGISTRY, techcombank(tmp_path / "newest.xlsx", newest_first=True))
    assert flags(db) == []


def test_a_row_deleted_from_the_newest_first_export_is_still_refused(tmp_path):
    """Trần Văn Bình's payment deleted: Lê Thị Hồng Nhung's row does not follow from Nguyễn Thị Thanh
    Hương's balance, named as in the oldest-first twin (row 8 there, row 6 newest first)."""
    said = "the balance before it is 503,500,000, the rows up to it move -1,000,000, and it says 500,250,000"
    for newest_first, row in ((False, 8), (True, 6)):
        path = techcombank(tmp_path / f"{newest_first}.xlsx", newest_first=newest_first, deleted="TRAN VAN BINH")
        assert invoke("--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09") == (
            2,
            f"reconcile: error: {path} (sheet 'Sheet'): its balance column 'Số dư/ Balance' does not follow at row "
            f"{row}: {said}; {BALANCE_FIX}",
        )


# --------------------------------------------------------------------------------------------------
# 5. camt transfers stating the amount booked, the bank's fee included
# --------------------------------------------------------------------------------------------------


def with_fee(i: int, booked: int | None, fee: int = 11_000) -> str:
    amount = PAID[i][3]
    detail = transfer(
        i,
        booked,
        amounts=f'<InstdAmt><Amt Ccy="VND">{amount}</Amt></InstdAmt>',
        charges=f'<Rcrd><Amt Ccy="VND">{fee}</Amt><ChrgInclInd>true</ChrgInclInd></Rcrd>',
    )
    return entry(amount + fee, f"FT{i:03d}", detail)


CHARGES = (
    "11,000 VND of an entry of {} VND: the bank's charges on its transfers (Chrgs), not a payment to a beneficiary"
)


def test_a_transfer_stating_its_amount_booked_fee_included_paid_the_instructed_amount(tmp_path):
    """1,511,000 booked (`TxDtls/Amt`), 1,500,000 instructed, 11,000 charges: it was read as paid
    1,511,000 (a false AMOUNT_MISMATCH of +11,000 for each); it is paid 1,500,000 and the fee set aside,
    as when the transfer states no amount of its own."""
    path = camt(tmp_path / "stmt.xml", 50_000_000, [with_fee(i, PAID[i][3] + 11_000) for i in range(3)])
    assert read(path)[1].select("payment_ref", "amount", "aside").rows() == [
        ("CTXH00", "1500000", None),
        ("FT000", "11000", CHARGES.format("1,511,000")),
        ("CTXH01", "2250000", None),
        ("FT001", "11000", CHARGES.format("2,261,000")),
        ("CTXH02", "1000000", None),
        ("FT002", "11000", CHARGES.format("1,011,000")),
    ]
    (tmp_path / "run").mkdir()
    assert flags(reconciled(tmp_path / "run", REGISTRY, path)) == []


def test_a_transfer_amount_that_is_not_the_instructed_amount_and_its_charges_is_its_own(tmp_path):
    """An own amount that is not the instructed one plus the charges (1,505,000 of 1,500,000 and
    11,000) is what was paid, as before: the rest of the entry is not the charges, and is set aside as
    not itemised."""
    path = camt(tmp_path / "stmt.xml", 50_000_000, [with_fee(0, 1_505_000)])
    assert read(path)[1].select("payment_ref", "amount").rows() == [("CTXH00", "1505000"), ("FT000", "6000")]


# --------------------------------------------------------------------------------------------------
# 6. Two banks' accounts of one number: the camt statement's servicer BIC against the MT940's
# --------------------------------------------------------------------------------------------------


def serviced(path: Path, bic: str) -> Path:
    """The camt statement with its servicer (`Acct/Svcr/FinInstnId/BICFI`, or `BIC` in older versions)."""
    tag = "BIC" if len(bic) == 11 else "BICFI"
    svcr = f"<Svcr><FinInstnId><{tag}>{bic}</{tag}></FinInstnId></Svcr>"
    path.write_text(path.read_text(encoding="utf-8").replace("<Ccy>VND</Ccy></Acct>", f"<Ccy>VND</Ccy>{svcr}</Acct>"))
    return path


def test_a_camt_statement_at_another_bank_than_the_mt940s_is_another_account(tmp_path):
    """Vietcombank's camt.053 of 0071000123456 (servicer BFTVVNVX) on the 5th, VietinBank's MT940
    `:25:ICBVVNVX/0071000123456` on the 15th: refused as one account with the days between them missing
    (exit 2). They are two accounts; the run pays all three."""
    first = serviced(
        camt(tmp_path / "vcb_05.xml", 50_000_000, payments("2024-09-05")[:2], day="2024-09-05"), "BFTVVNVX"
    )
    other = mt940(tmp_path / "icb_15.sta", f"ICBVVNVX/{OWN}", 15, 80_000_000, 2)
    (tmp_path / "run").mkdir()
    assert flags(reconciled(tmp_path / "run", REGISTRY, [first, other])) == []


def test_a_camt_statement_at_the_mt940s_bank_or_naming_none_is_still_one_account(tmp_path):
    """The servicer the MT940's bank (BIC8 or BIC11 of it, either way round), or no servicer: one
    account, the 10th left out refused as before."""
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(tmp_path / "r.duckdb")]
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    for servicer, bank in (("BFTVVNVX", "BFTVVNVX"), ("BFTVVNVXXXX", "BFTVVNVX"), ("BFTVVNVX", "BFTVVNVXXXX"), (None, "BFTVVNVX")):  # fmt: skip
        first = camt(tmp_path / f"camt_{servicer}_{bank}.xml", 50_000_000, payments("2024-09-05")[:1], day="2024-09-05")
        first = serviced(first, servicer) if servicer else first
        last = mt940(tmp_path / f"mt_{servicer}_{bank}.sta", f"{bank}/{OWN}", 15, 46_250_000, 2)
        assert invoke(*args, "--registry", str(registry), "--payments", str(first), "--payments", str(last)) == (
            2,
            f"reconcile: error: {last}: its statement 1 opens at 46,250,000, but statement 1 of {first} before it, "
            f"of the same account, closes at 48,500,000 on 2024-09-05: the statements of the days between them are "
            f"missing; {CHAIN_FIX}",
        ), (servicer, bank)


def test_statements_of_one_number_at_two_banks_by_their_servicers_stay_apart_in_the_chain():
    """Two camt statements of one number whose servicers are two banks are two accounts, as two MT940s
    naming two BICs are; one of the bank's BIC11 and one of its BIC8 are one account, and so is a camt
    statement whose servicer's BIC is unreadable beside one of its number alone."""
    check_chain([replace(span(OWN, 100, 90, 5), bank="BFTVVNVX"), replace(span(OWN, 80, 70, 15), bank="ICBVVNVX")])
    check_chain([replace(span(OWN, 100, 90, 5), bank="BFTVVNVX"), span(f"ICBVVNVXXXX/{OWN}", 80, 70, 15)])
    for one, other in (
        (replace(span(OWN, 100, 90, 5), bank="BFTVVNVXXXX"), replace(span(OWN, 80, 70, 15), bank="bftvvnvx")),
        (replace(span(OWN, 100, 90, 5), bank="BFTVVNVXXXX"), span(f"BFTVVNVX/{OWN}", 80, 70, 15)),
        (replace(span(OWN, 100, 90, 5), bank="NGAN HANG"), span(OWN, 80, 70, 15)),
    ):
        try:
            check_chain([one, other])
        except InputFileError as exc:
            assert exc.problem.startswith("its statement 1 opens at 80, but statement 1 of 5.sta before it"), exc
        else:
            raise AssertionError(f"{one} and {other} taken for two accounts")


# --------------------------------------------------------------------------------------------------
# 7. An export's opening and closing balance rows both over the list, or both under it
# --------------------------------------------------------------------------------------------------


def placed(path: Path, place: str, *, newest_first: bool, deleted: str | None = None, funded: int = 5_000_000) -> Path:
    """The treasury's funding (of `funded`) and three payments, the balance rows `place`d: "over under"
    (opening over the list, closing under it), "under" (both under), "over" (both over), "swapped"
    (closing over, opening under): the order a newest-first list puts them in."""
    opening, balance, rows = 500_000_000, 500_000_000, []
    moves = [("03/09/2024", "KHO BAC NHA NUOC", "KBNN CHUYEN KINH PHI T9/2024", None, funded)]
    moves += [(f"0{5 + i}/09/2024", f"{n} - {a}", f"CHI TRO CAP T9/2024 CCCD {v}", amt, None) for i, (v, n, a, amt) in enumerate(PAID)]  # fmt: skip
    if funded != 5_000_000:  # the funding after the first payment
        moves[0], moves[1] = moves[1], moves[0]
    for day, who, what, debit, credit in moves:
        balance += (credit or 0) - (debit or 0)
        rows.append([day, who, what, debit, credit, balance])
    rows = [r for r in rows if deleted is None or not r[1].startswith(deleted)]
    rows = rows[::-1] if newest_first else rows
    op = ["Số dư đầu kỳ/ Opening balance:", None, None, None, None, opening]
    cl = ["Số dư cuối kỳ/ Closing balance:", None, None, None, None, balance]
    body = {"over under": [op, *rows, cl], "under": [*rows, op, cl], "over": [op, cl, *rows], "swapped": [cl, *rows, op]}  # fmt: skip
    book = openpyxl.Workbook()
    title = [["NGÂN HÀNG TMCP KỸ THƯƠNG VIỆT NAM (TECHCOMBANK)"], ["Số tài khoản/ Account number:", "19030000123456"]]
    for row in [*title, [], HEADER, *body[place]]:
        book.active.append(row)
    book.save(path)
    return path


def check(path: Path) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    lines = res.output.splitlines()
    return res.exit_code, next((line for line in lines if line.startswith("rows:")), lines[-1])


def test_an_export_with_both_balance_rows_over_or_under_the_list_is_read(tmp_path):
    """Both under the list (oldest or newest first) or both over it: refused at the opening balance row
    ("the rows up to it move 0"), every balance right. Read as the other layouts are, and the run pays
    all three."""
    for place in ("over under", "under", "over", "swapped"):
        for newest_first in (False, True):
            path = placed(tmp_path / f"{place}_{newest_first}.xlsx", place, newest_first=newest_first)
            assert check(path) == (0, "rows: 6 read, 3 loaded, 0 rejected, 3 set aside as no payment"), path
    (tmp_path / "run").mkdir()
    assert flags(reconciled(tmp_path / "run", REGISTRY, placed(tmp_path / "u.xlsx", "under", newest_first=True))) == []


def test_a_row_deleted_from_an_export_with_both_balance_rows_over_or_under_is_refused_at_its_row(tmp_path):
    """Trần Văn Bình's payment deleted: Lê Thị Hồng Nhung's row does not follow, wherever the balance
    rows stand (row 7 oldest first with both under, row 9 with both over, row 5 newest first)."""
    said = "the balance before it is 503,500,000, the rows up to it move -1,000,000, and it says 500,250,000"
    for place, newest_first, row in (("under", False, 7), ("over", False, 9), ("under", True, 5), ("over", True, 7)):
        path = placed(tmp_path / f"{place}_{newest_first}.xlsx", place, newest_first=newest_first, deleted="TRAN VAN BINH")  # fmt: skip
        assert check(path) == (
            2,
            f"reconcile: error: {path} (sheet 'Sheet'): its balance column 'Số dư/ Balance' does not follow at row "
            f"{row}: {said}; {BALANCE_FIX}",
        ), (place, newest_first)


def test_the_first_row_deleted_is_seen_though_the_month_opens_and_closes_at_one_balance(tmp_path):
    """Funded with what it paid (4,750,000), the month closes at its opening balance; Nguyễn Thị Thanh
    Hương's payment, the first row, deleted. With both balance rows under the list every balance left
    followed the one before it (the last 500,000,000, as both balance rows say): it was read, her
    payment lost. The funding's row after it does not follow from the opening balance."""
    said = "the balance before it is 500,000,000, the rows up to it move +4,750,000, and it says 503,250,000"
    for place, row in (("under", 5), ("over", 7), ("over under", 6)):
        path = placed(tmp_path / f"{place}.xlsx", place, newest_first=False, deleted="NGUYEN", funded=4_750_000)
        assert check(path) == (
            2,
            f"reconcile: error: {path} (sheet 'Sheet'): its balance column 'Số dư/ Balance' does not follow at row "
            f"{row}: {said}; {BALANCE_FIX}",
        ), place
        whole = placed(tmp_path / f"whole_{place}.xlsx", place, newest_first=False, funded=4_750_000)
        assert check(whole) == (0, "rows: 6 read, 3 loaded, 0 rejected, 3 set aside as no payment"), place
