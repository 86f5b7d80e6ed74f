"""A camt.053 file (or an MT940 file) holding a VND account's statement and a USD account's: the USD
rows are rejected for their currency, and the file's control is of the VND statement alone. Before,
its 100.00 USD was added into the VND control: `3 entries of 3,750,100 VND`, `control_amount`
3,750,100 beside 3,750,000 read, and `the entries read agree`."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner

from conftest import FIXTURES
from reconcile.cli import cli
from reconcile.readers import camt, mt940
from reconcile.readers.tables import Control

REGISTRY = FIXTURES / "statements" / "registry.csv"


def statement(statement_id: str, account: str, currency: str, opening: str, closing: str, *entries: str) -> str:
    def bal(code: str, amount: str) -> str:
        return (
            f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{currency}">{amount}</Amt>'
            "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-09-05</Dt></Dt></Bal>"
        )

    return (
        f"<Stmt><Id>{statement_id}</Id><CreDtTm>2024-09-05T23:00:00+07:00</CreDtTm>"
        f"<Acct><Id><Othr><Id>{account}</Id></Othr></Id><Ccy>{currency}</Ccy></Acct>"
        f"{bal('OPBD', opening)}{bal('CLBD', closing)}{''.join(entries)}</Stmt>"
    )


def entry(amount: str, currency: str, ref: str, name: str, account: str = "", text: str = "") -> str:
    creditor_account = f"<CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></CdtrAcct>" if account else ""
    remittance = f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>" if text else ""
    return (
        f'<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        f"<BookgDt><Dt>2024-09-05</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>{ref}</EndToEndId></Refs>"
        f"<RltdPties><Cdtr><Pty><Nm>{name}</Nm></Pty></Cdtr>{creditor_account}</RltdPties>{remittance}</TxDtls>"
        "</NtryDtls></Ntry>"
    )


def document(*statements: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-09-06T01:00:00+07:00</CreDtTm></GrpHdr>"
        f"{''.join(statements)}</BkToCstmrStmt></Document>"
    )


VND = statement(
    "A",
    "111",
    "VND",
    "10000000",
    "6250000",
    entry("1500000", "VND", "E1", "NGUYEN THI THANH HUONG", "0071000000001", "TCXH T9 CCCD 079196118125"),
    entry("2250000", "VND", "E2", "TRAN VAN BINH", "0071000000002", "TCXH T9 CCCD 001038005555"),
)
USD = statement("U", "333", "USD", "1000.00", "900.00", entry("100.00", "USD", "FX1", "ACME"))


def summary(count: int, amount: str) -> str:
    return f"<TxsSummry><TtlDbtNtries><NbOfNtries>{count}</NbOfNtries><Sum>{amount}</Sum></TtlDbtNtries></TxsSummry>"


def test_the_control_of_a_vnd_and_a_usd_statement_is_the_vnd_statement_s(tmp_path):
    path = tmp_path / "two_accounts.xml"
    path.write_text(document(VND, USD), encoding="utf-8")
    assert camt.read_with_control(path)[3] == Control(
        count=2, amount="3750000", what="camt balances of 1 of 2 statements (debits)", checked=True
    )
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 1, res.output  # a row rejected
    assert [line for line in res.output.splitlines() if line.startswith(("rows", "totals", "row "))] == [
        "rows: 3 read, 2 loaded, 1 rejected",
        "totals: camt balances of 1 of 2 statements (debits) says 2 entries of 3,750,000 VND; the entries read agree",
        "row 3: rejected: amount is in USD, not VND",
    ]
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY), "--partial"]
    res = CliRunner().invoke(cli, [*args, "--payments", str(path)])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT amount_read, control_count, control_amount, control_source FROM inputs WHERE role = 'payments'"
        ).fetchone() == (3_750_000, 2, 3_750_000, "camt balances of 1 of 2 statements (debits)")


def test_the_summaries_of_a_vnd_and_a_usd_statement_are_not_added_together(tmp_path):
    vnd = VND.replace("</Acct>", f"</Acct>{summary(2, '3750000')}", 1)
    usd = USD.replace("</Acct>", f"</Acct>{summary(1, '100.00')}", 1)
    path = tmp_path / "two_accounts.xml"
    path.write_text(document(usd, vnd), encoding="utf-8")
    assert camt.read_with_control(path)[3] == Control(
        count=2, amount="3750000", what="camt TxsSummry of 1 of 2 statements (debit entries)", checked=True
    )


def test_a_file_of_a_usd_statement_alone_keeps_its_own_control(tmp_path):
    path = tmp_path / "usd.xml"
    path.write_text(document(USD), encoding="utf-8")
    assert camt.read_with_control(path, vnd_only=False)[3] == Control(
        count=1, amount="100", what="camt balances (debits)", checked=True
    )


def test_an_mt940_file_of_a_vnd_and_a_usd_statement_has_the_vnd_statement_s_control(tmp_path):
    lines = [
        ":20:A",
        ":25:111",
        ":28C:1",
        ":60F:C240905VND10000000,",
        ":61:2409050905D1500000,NTRFCTXH01//FT2",
        ":86:TCXH T9 CCCD 079196118125",
        ":62F:C240905VND8500000,",
        "-",
        ":20:U",
        ":25:333",
        ":28C:1",
        ":60F:C240905USD1000,00",
        ":61:2409050905D100,00NTRFFX1//FX1",
        ":86:ACME",
        ":62F:C240905USD900,00",
    ]
    path = tmp_path / "two.sta"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert mt940.read_with_control(path)[3] == Control(
        count=1, amount="1500000", what="MT940 balances of 1 of 2 statements (debits)", checked=True
    )
