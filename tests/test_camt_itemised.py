"""camt entries read whole: a batch that itemises only part of its amount gives the rest as a row set
aside (amount read = the entry's amount), and a remittance the bank cut into 35-character `Ustrd`
pieces is joined again without breaking the ID in it."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.readers import SKIP_COLUMN
from reconcile.readers.camt import read, read_with_control
from reconcile.readers.statements import set_aside_credits
from reconcile.readers.tables import Control

REGISTRY = """vneid,full_name,program,entitled_amount,channel,bank_code,account_number,status
001150000001,Nguyễn Thị An,welfare,1500000,bank,VCB,0071000000101,active
001045000002,Trần Văn Bình,welfare,2000000,bank,VCB,0071000000102,active
079040000004,Phạm Văn Dũng,welfare,2250000,bank,VCB,0071000000104,active
001160000007,Đỗ Thị Giang,welfare,250000,bank,VCB,0071000000107,active
"""

REST = (
    "1,000,000 VND of an entry of 4,500,000 VND not itemised in the statement: its transaction details "
    "(rows 1-2) add up to 3,500,000 VND; the rest is in the batch's own list (camt.054 or payment file), "
    "to be given too"
)


def transfer(ref: str, amount: str, name: str, *ustrd: str) -> str:
    pieces = "".join(f"<Ustrd>{u}</Ustrd>" for u in ustrd)
    return (
        f'<TxDtls><Refs><EndToEndId>{ref}</EndToEndId></Refs><Amt Ccy="VND">{amount}</Amt>'
        f"<CdtDbtInd>DBIT</CdtDbtInd><RltdPties><Cdtr><Pty><Nm>{name}</Nm></Pty></Cdtr></RltdPties>"
        f"<RmtInf>{pieces}</RmtInf></TxDtls>"
    )


def entry(ref: str, amount: str, *details: str, batch: int | None = None) -> str:
    count = f"<Btch><NbOfTxs>{batch}</NbOfTxs></Btch>" if batch else ""
    return (
        f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        f"<ValDt><Dt>2024-09-10</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        f"<NtryDtls>{count}{''.join(details)}</NtryDtls></Ntry>"
    )


def statement(tmp_path: Path, summary: str, *entries: str) -> Path:
    path = tmp_path / "bank.xml"
    path.write_text(
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<Stmt><Id>V1</Id><Acct><Id><Othr><Id>0071000999999</Id></Othr></Id></Acct>"
        + summary
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    return path


PARTIAL = (
    "<TxsSummry><TtlDbtNtries><NbOfNtries>2</NbOfNtries><Sum>4750000</Sum></TtlDbtNtries></TxsSummry>",
    entry(
        "B1",
        "4500000",
        transfer("B1-1", "1500000", "NGUYEN THI AN", "TCXH T9 001150000001"),
        transfer("B1-2", "2000000", "TRAN VAN BINH", "TCXH T9 001045000002"),
        batch=3,
    ),
    entry("P1", "250000", transfer("P1", "250000", "DO THI GIANG", "TCXH T9 001160000007")),
)


def rows_with_reasons(path: Path) -> list[tuple]:
    frame = set_aside_credits(read(path)[1])
    return list(zip(frame["payment_ref"], frame["amount"], frame["bank_ref"], frame[SKIP_COLUMN], strict=True))


def reconciled(tmp_path, statement_path):
    """The database of a run of REGISTRY and the statement, which must exit 0."""
    registry, db = tmp_path / "registry.csv", tmp_path / "r.duckdb"
    registry.write_text(REGISTRY, encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        ["run", "--period", "2024-09", "--db", str(db), "--registry", str(registry), "--payments", str(statement_path)],
    )
    assert res.exit_code == 0, res.output
    return db


def test_the_part_of_a_batch_its_details_do_not_itemise_is_a_row_set_aside(tmp_path):
    path = statement(tmp_path, *PARTIAL)
    assert rows_with_reasons(path) == [
        ("B1-1", "1500000", None, None),
        ("B1-2", "2000000", None, None),
        ("B1", "1000000", "B1", REST),
        ("P1", "250000", "P1", None),
    ]
    assert read_with_control(path)[3] == Control(
        count=2, amount="4750000", what="camt TxsSummry (debit entries)", checked=True
    )


def test_details_that_add_up_to_their_entry_give_no_more_rows(tmp_path):
    """An entry of one transfer, a batch itemised in full, and a batch whose details have no amount
    (each of those rows rejected for it, not summed)."""
    path = statement(
        tmp_path,
        "",
        entry(
            "B1",
            "3500000",
            transfer("B1-1", "1500000", "NGUYEN THI AN", "x"),
            transfer("B1-2", "2000000", "TRAN VAN BINH", "y"),
        ),
        entry("P1", "250000", transfer("P1", "250000", "DO THI GIANG", "z")),
        entry("P2", "250000", transfer("P2", "250000.00", "DO THI GIANG", "z")),
    )
    assert [r[:2] for r in rows_with_reasons(path)] == [
        ("B1-1", "1500000"),
        ("B1-2", "2000000"),
        ("P1", "250000"),
        ("P2", "250000.00"),
    ]


def test_a_partly_itemised_batch_is_accounted_for_in_inputs(tmp_path):
    path = statement(tmp_path, *PARTIAL)
    db = reconciled(tmp_path, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT rows_read, rows_loaded, rows_rejected, rows_set_aside, amount_read, amount_loaded, "
            "amount_rejected, amount_set_aside, control_amount FROM inputs WHERE role = 'payments'"
        ).fetchone() == (4, 3, 0, 1, 4_750_000, 3_750_000, 0, 1_000_000, 4_750_000)
        assert con.execute("SELECT source_row, set_aside, reason FROM rejected_rows").fetchall() == [(3, True, REST)]


def test_check_says_where_the_rest_of_a_batch_is(tmp_path):
    path = statement(tmp_path, *PARTIAL)
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[lines.index("rows: 4 read, 3 loaded, 0 rejected, 1 set aside as no payment") + 2 :] == [
        "totals: camt TxsSummry (debit entries) says 2 entries of 4,750,000 VND; the entries read agree",
        f"set aside: 1 row: {REST} (row 3)",
    ]
    res = CliRunner().invoke(cli, ["--lang", "vi", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.output.splitlines()[-1] == (
        "để riêng: 1 dòng: 1.000.000 đồng của một bút toán 4.500.000 đồng không được liệt kê chi tiết trong sao kê: "
        "các giao dịch chi tiết của bút toán (dòng 1-2) cộng lại được 3.500.000 đồng; phần còn lại nằm trong danh "
        "sách riêng của lô (camt.054 hoặc tệp chi trả), cần đưa vào cùng (dòng 3)"
    )


def test_an_id_cut_across_35_character_ustrd_pieces_is_whole_again(tmp_path):
    path = statement(
        tmp_path,
        "",
        entry(
            "A1",
            "2250000",
            transfer("R-0004", "2250000", "PHAM VAN DUNG", "CHI TRA TCXH T09/2024 CCCD 07904000", "0004 PHAM VAN DUNG"),
        ),
        # pieces shorter than 35 characters ended where the bank chose: a space between them
        entry("A2", "250000", transfer("R-0007", "250000", "DO THI GIANG", "TCXH T9 CCCD", "001160000007")),
    )
    assert read(path)[1]["narrative"].to_list() == [
        "CHI TRA TCXH T09/2024 CCCD 079040000004 PHAM VAN DUNG",
        "TCXH T9 CCCD 001160000007",
    ]
    db = reconciled(tmp_path, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payment_ref, vneid, vneid_source FROM payments ORDER BY source_row").fetchall() == [
            ("R-0004", "079040000004", "narrative"),
            ("R-0007", "001160000007", "narrative"),
        ]
        assert con.execute("SELECT code, vneid FROM flags ORDER BY vneid").fetchall() == [
            ("MISSING_PAYMENT", "001045000002"),
            ("MISSING_PAYMENT", "001150000001"),
        ]


UNAMOUNTED = (
    "a batch entry of 4,750,000 VND whose 3 transaction details state no amount: its transfers are read from the "
    "batch's own list (camt.054 or payment file), to be given too"
)


def unamounted(ref: str, name: str, text: str) -> str:
    return transfer(ref, "", name, text).replace('<Amt Ccy="VND"></Amt>', "")


def test_a_batch_whose_details_state_no_amount_is_one_row_set_aside_naming_its_total(tmp_path):
    """A batch entry of 4,750,000 VND whose three transfers state no amount gave three rows each
    rejected as `amount missing`, the entry's total named nowhere. It is one row of the entry's
    amount, set aside as a batch not itemised is; an entry of one transfer without an amount of its
    own still takes the entry's."""
    path = statement(
        tmp_path,
        "",
        entry(
            "B1",
            "4750000",
            unamounted("B1-1", "NGUYEN THI AN", "TCXH T9 001150000001"),
            unamounted("B1-2", "TRAN VAN BINH", "TCXH T9 001045000002"),
            unamounted("B1-3", "PHAM VAN DUNG", "TCXH T9 079040000004"),
            batch=3,
        ),
        entry("P1", "250000", unamounted("P1", "DO THI GIANG", "TCXH T9 001160000007")),
    )
    assert rows_with_reasons(path) == [("B1", "4750000", "B1", UNAMOUNTED), ("P1", "250000", "P1", None)]
    db = reconciled(tmp_path, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT rows_read, rows_loaded, rows_rejected, rows_set_aside, amount_read, amount_set_aside "
            "FROM inputs WHERE role = 'payments'"
        ).fetchone() == (2, 1, 0, 1, 5_000_000, 4_750_000)
        assert con.execute("SELECT source_row, set_aside, reason FROM rejected_rows").fetchall() == [
            (1, True, UNAMOUNTED)
        ]
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.output.splitlines()[-1] == f"set aside: 1 row: {UNAMOUNTED} (row 1)"
