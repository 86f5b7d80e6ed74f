"""A camt.053 statement's opening and closing balances against its booked entries, as an MT940's are
checked: most banks state no `TxsSummry`, but every statement states its balances, and one whose
entries do not add up to them is missing an entry or was edited."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.errors import InputFileError
from reconcile.readers.camt import read_with_control
from reconcile.readers.tables import Control

REGISTRY = """Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Mã tỉnh,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0071000000001,79,Đang hưởng
001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2.250.000,Chuyển khoản,VCB,0071000000002,01,Đang hưởng
"""


def balance(code: str, amount: str, sign: str = "CRDT") -> str:
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="VND">{amount}</Amt>'
        f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>2024-09-05</Dt></Dt></Bal>"
    )


def entry(amount: str, direction: str, ref: str, text: str, status: str = "BOOK") -> str:
    return (
        f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>{status}</Sts>'
        f"<BookgDt><Dt>2024-09-05</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>{ref}</EndToEndId></Refs>"
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


def statement(statement_id: str, account: str, *parts: str) -> str:
    return (
        f"<Stmt><Id>{statement_id}</Id><CreDtTm>2024-09-06T01:00:00</CreDtTm>"
        f"<Acct><Id><Othr><Id>{account}</Id></Othr></Id><Ccy>VND</Ccy></Acct>{''.join(parts)}</Stmt>"
    )


def document(*statements: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-09-06T01:00:00</CreDtTm></GrpHdr>{''.join(statements)}"
        "</BkToCstmrStmt></Document>"
    )


PAYMENTS = (
    entry("1500000", "DBIT", "CTXH01", "TCXH T9 CCCD 079196118125"),
    entry("2250000", "DBIT", "CTXH02", "TCXH T9 CCCD 001038005555"),
    entry("5000000", "CRDT", "KBNN01", "KBNN chuyen kinh phi"),
    entry("900000", "DBIT", "CTXH03", "cho duyet", status="PDNG"),  # not booked: not in the balance
)


def two_statements(closing: str) -> str:
    """Two accounts' statements of one day: the first with payments, the second a day without movements."""
    return document(
        statement("S1", "0071000123456", balance("OPBD", "50000000"), balance("CLBD", closing), *PAYMENTS),
        statement("S2", "0071000999999", balance("OPBD", "10000000"), balance("CLBD", "10000000")),
    )


def test_a_statement_whose_entries_do_not_add_up_to_its_closing_balance_is_refused(tmp_path):
    """50,000,000 + 5,000,000 - 1,500,000 - 2,250,000 is 51,250,000: a closing balance of 49,750,000
    is 1,500,000 short of it, an entry missing from the file (or edited). It was read as complete."""
    path = tmp_path / "sao_ke.xml"
    path.write_text(two_statements("49750000"), encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_with_control(path)
    assert str(info.value) == (
        f"{path}: its statement S1 opens at 50,000,000, moves +1,250,000 and says it closes at 49,750,000; "
        "ask the bank for the statement again; the file may be cut short or edited"
    )

    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    registry, db = str(folder / "registry.csv"), str(folder / "r.duckdb")
    args = ["--lang", "en", "run", "--period", "2024-09", "--registry", registry, "--payments", str(path), "--db", db]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "its statement S1 opens at 50,000,000, moves +1,250,000 and says it closes at 49,750,000" in result.output
    assert not (folder / "r.duckdb").exists()


def test_balances_that_add_up_are_the_file_s_control(tmp_path):
    """The booked entries add up (the pending one is not in the balance): read, and the booked debits
    of the statements that state both balances are the control, as MT940's are."""
    path = tmp_path / "sao_ke.xml"
    path.write_text(two_statements("51250000"), encoding="utf-8")
    _, frame, _, control = read_with_control(path)
    assert frame["payment_ref"].to_list() == ["CTXH01", "CTXH02", "KBNN01", "CTXH03"]
    assert control == Control(count=2, amount="3750000", what="camt balances (debits)", checked=True)


@pytest.mark.parametrize(
    ("parts", "what"),
    [
        # only an opening balance: a page of a statement cut into pages, not checked
        ((balance("OPBD", "50000000"),), None),
        # the previous closing balance stands for the opening; an overdrawn account is negative
        ((balance("PRCD", "1000000", "DBIT"), balance("CLBD", "2250000", "DBIT")), "camt balances (debits)"),
    ],
)
def test_a_statement_states_its_balances_as_it_may(tmp_path, parts, what):
    """-1,000,000 + 5,000,000 - 3,750,000 - 2,500,000 (a fourth payment) closes at -2,250,000."""
    more = entry("2500000", "DBIT", "CTXH04", "TCXH T9")
    path = tmp_path / "sao_ke.xml"
    path.write_text(document(statement("S1", "0071000123456", *parts, *PAYMENTS, more)), encoding="utf-8")
    control = read_with_control(path)[3]
    assert (control.what if control else None) == what


def test_control_totals_false_in_the_config_reads_a_statement_whose_totals_or_balances_disagree(tmp_path):
    """`[checks] control_totals = false` turns off a file's own totals, camt's TxsSummry among them as
    the docs say, and a camt's or an MT940's balances against its entries: they were checked as the
    file was read whatever the setting, and the month stayed blocked (exit 2)."""
    summary = "<TxsSummry><TtlDbtNtries><NbOfNtries>5</NbOfNtries><Sum>9000000</Sum></TtlDbtNtries></TxsSummry>"
    camt = tmp_path / "sao_ke.xml"
    camt.write_text(
        document(
            statement(
                "S1", "0071000123456", balance("OPBD", "50000000"), balance("CLBD", "49750000"), summary, *PAYMENTS
            )
        ),
        encoding="utf-8",
    )
    mt940 = tmp_path / "sao_ke.sta"
    mt940.write_text(
        ":20:VCB240905\n:25:0071000123456\n:28C:5/1\n:60F:C240904VND50000000,\n"
        ":61:2409050905D1500000,NTRFCTXH01\n:86:TCXH T9 CCCD 079196118125\n:62F:C240905VND48000000,\n",
        encoding="utf-8",
    )
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / "c.toml").write_text("[checks]\ncontrol_totals = false\n", encoding="utf-8")
    for path, loaded in ((camt, 2), (mt940, 1)):
        db = tmp_path / f"{path.suffix[1:]}.duckdb"
        args = ["run", "--period", "2024-09", "--registry", str(tmp_path / "registry.csv"), "--payments", str(path)]
        args += ["--db", str(db)]
        assert CliRunner().invoke(cli, args).exit_code == 2, path  # checked by default
        result = CliRunner().invoke(cli, [*args, "--config", str(tmp_path / "c.toml")])
        assert result.exit_code == 0, result.output
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM payments").fetchone() == (loaded,), path
