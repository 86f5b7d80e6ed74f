"""A transfer's bank charges in camt (`TxDtls/Chrgs`): the bank books the transfer and its fee as one
entry (1,511,000 out: 1,500,000 to the beneficiary, 11,000 its fee). The beneficiary was paid the
amount the office instructed (`AmtDtls/InstdAmt`), not the entry's; the fee is set aside as the
bank's charges, not as part of a batch whose list is to be given."""

from __future__ import annotations

import duckdb

from conftest import reconciled
from reconcile.readers.camt import read_with_control

REGISTRY = """Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Mã tỉnh,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0071000000001,79,Đang hưởng
001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2.250.000,Chuyển khoản,VCB,0071000000002,01,Đang hưởng
"""


def entry(total: str, ref: str, amounts: str, charges: str, name: str, account: str, vneid: str) -> str:
    return (
        f'<Ntry><Amt Ccy="VND">{total}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>2024-09-05</Dt></BookgDt><AcctSvcrRef>FT{ref}</AcctSvcrRef><NtryDtls><TxDtls>"
        f"<Refs><EndToEndId>{ref}</EndToEndId></Refs><AmtDtls>{amounts}</AmtDtls><Chrgs>{charges}</Chrgs>"
        f"<RltdPties><Cdtr><Nm>{name}</Nm></Cdtr><CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></CdtrAcct>"
        f"</RltdPties><RmtInf><Ustrd>TCXH T9 CCCD {vneid}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


STATEMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
    "<GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>S1</Id>"
    "<Acct><Id><Othr><Id>0071000123456</Id></Othr></Id><Ccy>VND</Ccy></Acct>"
    # the instructed amount alone, and a charge (version 02: Chrgs/Amt)
    + entry(
        "1511000",
        "CTXH01",
        '<InstdAmt><Amt Ccy="VND">1500000</Amt></InstdAmt>',
        '<Amt Ccy="VND">11000</Amt>',
        "NGUYEN THI THANH HUONG",
        "0071000000001",
        "079196118125",
    )
    # the transaction amount, and a charge record included in the entry (versions 04 and later)
    + entry(
        "2261000",
        "CTXH02",
        '<InstdAmt><Amt Ccy="VND">2250000</Amt></InstdAmt><TxAmt><Amt Ccy="VND">2250000</Amt></TxAmt>',
        '<Rcrd><Amt Ccy="VND">11000</Amt><CdtDbtInd>DBIT</CdtDbtInd><ChrgInclInd>true</ChrgInclInd></Rcrd>',
        "TRAN VAN BINH",
        "0071000000002",
        "001038005555",
    )
    + "</Stmt></BkToCstmrStmt></Document>"
)


def test_a_transfer_and_its_fee_in_one_entry_is_the_instructed_amount_and_a_charge(tmp_path):
    path = tmp_path / "sao_ke.xml"
    path.write_text(STATEMENT, encoding="utf-8")
    frame = read_with_control(path)[1]
    assert frame.select("payment_ref", "amount", "aside").rows() == [
        ("CTXH01", "1500000", None),
        (
            "FTCTXH01",
            "11000",
            "11,000 VND of an entry of 1,511,000 VND: the bank's charges on its transfers (Chrgs), "
            "not a payment to a beneficiary",
        ),
        ("CTXH02", "2250000", None),
        (
            "FTCTXH02",
            "11000",
            "11,000 VND of an entry of 2,261,000 VND: the bank's charges on its transfers (Chrgs), "
            "not a payment to a beneficiary",
        ),
    ]

    (tmp_path / "run").mkdir()
    db = reconciled(tmp_path / "run", REGISTRY, path)
    with duckdb.connect(str(db), read_only=True) as con:
        # the first was paid 1,511,000, an AMOUNT_MISMATCH of the bank's fee
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)
        assert con.execute("SELECT payment_ref, amount FROM payments ORDER BY source_row").fetchall() == [
            ("CTXH01", 1500000),
            ("CTXH02", 2250000),
        ]
        assert con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall() == [
            (2, "11,000 VND of an entry of 1,511,000 VND: the bank's charges on its transfers (Chrgs), "
             "not a payment to a beneficiary"),
            (4, "11,000 VND of an entry of 2,261,000 VND: the bank's charges on its transfers (Chrgs), "
             "not a payment to a beneficiary"),
        ]  # fmt: skip
