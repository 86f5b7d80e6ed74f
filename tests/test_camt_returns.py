"""camt returns paired with the payment they bring back when one end-to-end reference is on several
transfers: the same amount, then the counterparty or bank reference the return names; a return that
names none of several apart is set aside, never paired with the wrong beneficiary."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import reconciled
from reconcile.readers import SKIP_COLUMN
from reconcile.readers.camt import read
from reconcile.readers.statements import set_aside_credits

REGISTRY = """vneid,full_name,program,entitled_amount,channel,bank_code,account_number,status
079040000004,Phạm Văn Dũng,welfare,2250000,bank,VCB,0071000000104,active
036148000005,Hoàng Thị Em,welfare,1000000,bank,VCB,0071000000105,active
036042000006,Vũ Văn Phúc,welfare,1000000,bank,VCB,0071000000106,active
"""


def payment(svcr: str, amount: str, name: str, account: str, vneid: str) -> str:
    return (
        f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<ValDt><Dt>2024-09-07</Dt></ValDt><AcctSvcrRef>{svcr}</AcctSvcrRef><NtryDtls><TxDtls>"
        f"<Refs><AcctSvcrRef>{svcr}</AcctSvcrRef><EndToEndId>CTXH-T09</EndToEndId></Refs>"
        f"<RltdPties><Cdtr><Nm>{name}</Nm></Cdtr><CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></CdtrAcct>"
        f"</RltdPties><RmtInf><Ustrd>CHI TRO CAP XA HOI T09 CCCD {vneid}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


def back(amount: str, parties: str = "", text: str = "HOAN TRA TAI KHOAN DA DONG") -> str:
    """A return credit (RRTN, AC04) of CTXH-T09; `parties` its RltdPties, if any."""
    return (
        f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<ValDt><Dt>2024-09-07</Dt></ValDt><AcctSvcrRef>FT9</AcctSvcrRef>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>"
        "<NtryDtls><TxDtls><Refs><AcctSvcrRef>FT9</AcctSvcrRef><EndToEndId>CTXH-T09</EndToEndId></Refs>"
        f"{parties}<RmtInf><Ustrd>{text}</Ustrd></RmtInf><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>"
        "</TxDtls></NtryDtls></Ntry>"
    )


def debtor(name: str, account: str) -> str:
    return (
        f"<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></DbtrAcct>"
        "</RltdPties>"
    )


DUNG = payment("FT4", "2250000", "PHAM VAN DUNG", "0071000000104", "079040000004")
EM = payment("FT5", "1000000", "HOANG THI EM", "0071000000105", "036148000005")
PHUC = payment("FT6", "1000000", "VU VAN PHUC", "0071000000106", "036042000006")


def statement(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "bank.xml"
    path.write_text(
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<Stmt><Acct><Id><Othr><Id>0071000999999</Id></Othr></Id></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    return path


def statuses(path: Path) -> list[tuple]:
    """(bank_ref, amount, status, direction, why set aside) of each row."""
    frame = set_aside_credits(read(path)[1])
    return list(
        zip(frame["bank_ref"], frame["amount"], frame["status"], frame["direction"], frame[SKIP_COLUMN], strict=True)
    )


RETURNED = "credit: a return or reversal, not a payment (a returned payment is its debit row)"


def test_a_return_pairs_with_the_payment_of_its_amount_not_the_first_of_its_reference(tmp_path):
    """Dũng (2,250,000) and Em (1,000,000) share CTXH-T09; the return of 1,000,000 names Em: Em's is
    returned, not Dũng's."""
    path = statement(tmp_path, DUNG, EM, back("1000000", debtor("HOANG THI EM", "0071000000105")))
    assert statuses(path) == [
        ("FT4", "2250000", "success", "DBIT", None),
        ("FT5", "1000000", "returned", "DBIT", None),
        ("FT9", "1000000", "returned", "CRDT", RETURNED),
    ]


@pytest.mark.parametrize(
    ("parties", "text"),
    [
        (debtor("VU VAN PHUC", "0071000000106"), "HOAN TRA TAI KHOAN DA DONG"),  # the account
        ("", "HOAN TRA CCCD 036042000006"),  # the ID in its text
        ("", "HOAN TRA VU VAN PHUC"),  # the name in its text
        ("<RltdPties><Dbtr><Nm>Vũ Văn Phúc</Nm></Dbtr></RltdPties>", "HOAN TRA"),  # the name, with diacritics
        ("", "Hoàn trả Vũ Văn Phúc"),  # the same in its text
        ("", "HOAN TRA GD FT6"),  # the payment's bank reference in its text
    ],
)
def test_among_payments_of_one_reference_and_amount_the_one_the_return_names(tmp_path, parties, text):
    """Em and Phúc are each paid 1,000,000 under CTXH-T09: the return goes to whom it names."""
    path = statement(tmp_path, EM, PHUC, back("1000000", parties, text))
    assert statuses(path) == [
        ("FT5", "1000000", "success", "DBIT", None),
        ("FT6", "1000000", "returned", "DBIT", None),
        ("FT9", "1000000", "returned", "CRDT", RETURNED),
    ]


def test_a_return_of_one_of_two_alike_payments_to_one_payee_returns_the_first(tmp_path):
    """Em paid twice alike under CTXH-T09 (her account, her name); the return names her: whichever came
    back, the month is the same, so the first is marked returned rather than none."""
    em_again = payment("FT7", "1000000", "HOANG THI EM", "0071000000105", "036148000005").replace(
        "CCCD 036148000005", ""
    )  # the second transfer's text without her ID: no other payee's
    path = statement(tmp_path, EM, em_again, back("1000000", debtor("HOANG THI EM", "0071000000105")))
    assert statuses(path) == [
        ("FT5", "1000000", "returned", "DBIT", None),
        ("FT7", "1000000", "success", "DBIT", None),
        ("FT9", "1000000", "returned", "CRDT", RETURNED),
    ]


def test_a_return_that_names_none_of_several_payments_apart_marks_none(tmp_path):
    path = statement(tmp_path, EM, PHUC, back("1000000"))
    assert statuses(path) == [
        ("FT5", "1000000", "success", "DBIT", None),
        ("FT6", "1000000", "success", "DBIT", None),
        (
            "FT9",
            "1000000",
            "returned",
            "CRDT",
            "a return that fits 2 payments of the same amount (rows 1, 2) and names none of them "
            "apart by account, ID, name or bank reference: not paired, none is marked returned; ask the bank "
            "which payment came back",
        ),
    ]


def test_a_return_that_names_another_beneficiary_is_not_the_only_payment_of_its_reference(tmp_path):
    """The one payment of the reference and amount is Em's; the return names Phúc (an earlier
    statement's payment): Em's stays paid, and the return stands for Phúc's returned payment."""
    path = statement(tmp_path, EM, back("1000000", debtor("VU VAN PHUC", "0071000000106"), "HOAN TRA 036042000006"))
    assert statuses(path) == [
        ("FT5", "1000000", "success", "DBIT", None),
        ("FT9", "1000000", "returned", "DBIT", None),
    ]


def test_the_shared_reference_month_end_to_end(tmp_path):
    path = statement(tmp_path, DUNG, EM, PHUC, back("1000000", debtor("HOANG THI EM", "0071000000105")))
    db = reconciled(tmp_path, REGISTRY, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT vneid, amount, status FROM payments ORDER BY source_row").fetchall() == [
            ("079040000004", 2250000, "success"),
            ("036148000005", 1000000, "returned"),
            ("036042000006", 1000000, "success"),
        ]
        assert con.execute("SELECT code, vneid FROM flags WHERE code = 'PAYMENT_FAILED' ORDER BY vneid").fetchall() == [
            ("PAYMENT_FAILED", "036148000005")
        ]


def test_a_return_in_the_next_statement_returns_the_payment_of_the_one_before(tmp_path):
    """The payments in one camt.053, Em's return in the next: her payment is marked returned there,
    the return set aside naming it (by its path: both files are called bank.xml); Phúc, paid alike
    under the same reference, stays paid."""
    from click.testing import CliRunner

    from reconcile.cli import cli

    (tmp_path / "first").mkdir()
    (tmp_path / "next").mkdir()
    first = statement(tmp_path / "first", DUNG, EM, PHUC)
    after = statement(tmp_path / "next", back("1000000", debtor("HOANG THI EM", "0071000000105")))
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db), "--registry", str(registry)]
    result = CliRunner().invoke(cli, [*args, "--payments", str(first), "--payments", str(after)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT vneid, status FROM payments ORDER BY source_file, source_row").fetchall() == [
            ("079040000004", "success"),
            ("036148000005", "returned"),
            ("036042000006", "success"),
        ]
        assert con.execute(
            "SELECT source_file = ?, source_row, reason FROM rejected_rows", [str(after)]
        ).fetchall() == [
            (
                True,
                1,
                f"credit: the return of the payment in {first} row 2, which is marked returned (a return or "
                "reversal, not a payment)",
            )
        ]


def namesake(ref: str, amount: str, account: str, vneid: str) -> str:
    """A payment to one of two NGUYEN VAN AN, by its own end-to-end reference."""
    return (
        f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<ValDt><Dt>2024-09-05</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls>"
        f"<Refs><EndToEndId>{ref}</EndToEndId></Refs><RltdPties><Cdtr><Nm>NGUYEN VAN AN</Nm></Cdtr>"
        f"<CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></CdtrAcct></RltdPties>"
        f"<RmtInf><Ustrd>TRO CAP T09 CCCD {vneid}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


NAMESAKE_BACK = (
    '<Ntry><Amt Ccy="VND">989000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><ValDt><Dt>2024-09-07</Dt></ValDt>'
    "<AcctSvcrRef>RT9</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
    "<RltdPties><Dbtr><Nm>NGUYEN VAN AN</Nm></Dbtr><DbtrAcct><Id><Othr><Id>12010000001234</Id></Othr></Id></DbtrAcct>"
    "</RltdPties><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>"
)


@pytest.mark.parametrize(
    "other_paid",
    [
        pytest.param("1000000", id="both-paid-alike-was-set-aside-as-fitting-both"),
        pytest.param("989000", id="the-other-paid-the-amount-back-was-paired-with-him"),
    ],
)
def test_a_return_from_one_namesake_s_account_is_his_payment_s_not_the_other_s(tmp_path, other_paid):
    """Two NGUYEN VAN AN, each paid into his own account; 989,000 comes back from the first's account,
    quoting no reference. The name is both men's; the account is the first's alone. Before, the return
    was set aside as fitting both, or paired with the other when he was paid 989,000."""
    path = statement(
        tmp_path,
        namesake("TC2409201", "1000000", "12010000001234", "079185001234"),
        namesake("TC2409202", other_paid, "12010000005678", "079185005678"),
        NAMESAKE_BACK,
    )
    registry = (
        REGISTRY
        + "079185001234,Nguyễn Văn An,welfare,1000000,bank,VCB,12010000001234,active\n"
        + f"079185005678,Nguyễn Văn An,welfare,{other_paid},bank,VCB,12010000005678,active\n"
    )
    db = reconciled(tmp_path, registry, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, status FROM payments ORDER BY source_row").fetchall() == [
            ("TC2409201", "returned"),
            ("TC2409202", "success"),
        ]
        assert con.execute("SELECT vneid FROM flags WHERE code = 'PAYMENT_FAILED'").fetchall() == [("079185001234",)]


@pytest.mark.parametrize(
    ("paid_to", "back_from", "reference"),
    [
        pytest.param("12010000021246", "99990000011111", "TC2409207", id="its-reference-from-another-account"),
        pytest.param("0071000123456", "71000123456", "NOTPROVIDED", id="its-account-without-the-zeros"),
    ],
)
def test_a_return_less_the_fee_of_its_reference_or_of_its_account_without_its_zeros(
    tmp_path, paid_to, back_from, reference
):
    """989,000 back of Ánh's 1,000,000: quoting the payment's own reference from an account that is not
    the one paid, or quoting none from the paid account written without its leading zeros. Both
    returns were left beside the payment, which stood as paid (the first since the namesakes' rule,
    the second always)."""
    path = statement(
        tmp_path,
        namesake("TC2409207", "1000000", paid_to, "001166021246").replace("NGUYEN VAN AN", "KIEU THI ANH"),
        NAMESAKE_BACK.replace("NOTPROVIDED", reference)
        .replace("NGUYEN VAN AN", "KIEU THI ANH")
        .replace("12010000001234", back_from),
    )
    registry = REGISTRY + f"001166021246,Kiều Thị Ánh,welfare,1000000,bank,VCB,{paid_to},active\n"
    db = reconciled(tmp_path, registry, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, status FROM payments").fetchall() == [("TC2409207", "returned")]
        assert con.execute("SELECT vneid FROM flags WHERE code = 'PAYMENT_FAILED'").fetchall() == [("001166021246",)]
