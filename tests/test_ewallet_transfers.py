"""A bank's statement gives every transfer as bank: it has no channel column. A transfer to an
e-wallet (the payee's institution MoMo, ZaloPay, Viettel Money, VNPT Money) is the e-wallet channel,
as the same payment in a list that says so: the non-cash share by channel does not depend on the
file's format (the camt statement put the MoMo payment with the banks)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner

from reconcile.cli import cli

REGISTRY = """vneid,full_name,date_of_birth,gender,program,entitled_amount,channel,bank_code,account_number,province_code,status
001150012346,Trần Thị Hoà,01/01/1950,female,welfare,500.000,ewallet,MOMO,0912345678,01,active
001050012345,Nguyễn Văn An,05/09/1950,male,welfare,1.500.000,bank,VBA,0012345678901,01,active
001150012347,Lê Thị Thu,02/02/1950,female,welfare,500.000,ewallet,VIETTELMONEY,0987654321,01,active
"""
LIST = """payment_ref,vneid,payee_name,bank_code,account_number,amount,value_date,channel,narrative
FT001,001150012346,TRAN THI HOA,MOMO,0912345678,500.000,05/09/2024,ewallet,Chi tro cap T9/2024
FT002,001050012345,NGUYEN VAN AN,VBA,0012345678901,1.500.000,05/09/2024,bank,Chi tro cap T9/2024
FT003,001150012347,LE THI THU,VIETTELMONEY,0987654321,500.000,05/09/2024,ewallet,Chi tro cap T9/2024
"""
ENTRY = (
    '<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-09-05</Dt>'
    "</BookgDt><ValDt><Dt>2024-09-05</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>{ref}</EndToEndId></Refs>"
    "<RltdPties><Cdtr><Nm>{name}</Nm></Cdtr><CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></CdtrAcct>"
    "</RltdPties><RltdAgts><CdtrAgt><FinInstnId><Nm>{agent}</Nm></FinInstnId></CdtrAgt></RltdAgts>"
    "<RmtInf><Ustrd>Chi tro cap T9/2024 CCCD {vneid}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
)


def camt(entries: list[dict]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-09-28T00:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id>"
        "<Acct><Id><Othr><Id>37610001054321</Id></Othr></Id></Acct>"
        + "".join(ENTRY.format(**e) for e in entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    )


def reconciled(tmp_path: Path, payments: Path) -> list[list[tuple]]:
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / f"{payments.stem}.duckdb"
    res = CliRunner().invoke(
        cli,
        ["--lang", "en", "run", "--period", "2024-09", "--registry", str(registry), "--payments", str(payments),
         "--db", str(db)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            con.execute("SELECT payment_ref, channel FROM payments ORDER BY payment_ref").fetchall(),
            con.execute(
                "SELECT channel_group, payments, amount FROM noncash_share WHERE level = 'program' ORDER BY 1"
            ).fetchall(),
            con.execute("SELECT code, count(*) FROM flags GROUP BY code ORDER BY code").fetchall(),
        ]


def test_a_statement_s_transfer_to_an_e_wallet_is_the_e_wallet_channel_as_in_a_list(tmp_path):
    listed = tmp_path / "list.csv"
    listed.write_text(LIST, encoding="utf-8")
    statement = tmp_path / "statement.xml"
    statement.write_text(
        camt(
            [
                {'amount': 500000, 'ref': "FT001", 'name': "TRAN THI HOA", 'account': "0912345678", 'agent': "Ví MoMo",
                     'vneid': "001150012346"},
                {'amount': 1500000, 'ref': "FT002", 'name': "NGUYEN VAN AN", 'account': "0012345678901", 'agent': "VBA",
                     'vneid': "001050012345"},
                {'amount': 500000, 'ref': "FT003", 'name': "LE THI THU", 'account': "84987654321", 'agent': "Viettel Money",
                     'vneid': "001150012347"},
            ]
        ),
        encoding="utf-8",
    )  # fmt: skip
    from_list, from_statement = reconciled(tmp_path, listed), reconciled(tmp_path, statement)
    assert from_list[0] == [("FT001", "ewallet"), ("FT002", "bank"), ("FT003", "ewallet")]
    assert from_list[1] == [("all", 3, 2_500_000), ("bank", 1, 1_500_000), ("ewallet", 2, 1_000_000)]
    assert from_statement[:2] == from_list[:2]
    # the wallet's number written +84 in the statement is the registry's 0987654321: no ACCOUNT_MISMATCH
    assert from_statement[2] == from_list[2] == []
