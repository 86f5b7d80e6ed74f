"""camt.053/054 XML reader: exact rows, returns and credits, and refusals that never quote the file."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from reconcile.contracts import columns
from reconcile.errors import InputFileError
from reconcile.normalise.text import fold
from reconcile.readers import SKIP_COLUMN
from reconcile.readers.camt import HEADERS, looks_like_camt, read, read_with_control
from reconcile.readers.lookup import header_lookup
from reconcile.readers.statements import set_aside_credits
from reconcile.readers.tables import Control

CAMT = FIXTURES / "camt"
STATEMENT = CAMT / "statement_camt053_v02.xml"
NOTIFICATION = CAMT / "notification_camt054_v08.xml"
SAFETY_FIX = "ask the bank for the plain camt export, without a DOCTYPE"

COLUMNS = [
    "payment_ref",
    "payee_name",
    "bank_code",
    "account_number",
    "amount",
    "value_date",
    "channel",
    "status",
    "narrative",
    "direction",
    "aside",
    "bank_ref",
]


def rows_of(path: Path) -> list[tuple]:
    headers, frame, first_row = read(path)
    assert headers == COLUMNS == frame.columns
    assert first_row == 1
    return [row[:-1] for row in frame.rows()]  # all but bank_ref, which bank_refs_of gives


def bank_refs_of(path: Path) -> list[str | None]:
    return read(path)[1]["bank_ref"].to_list()


def error_of(path: Path) -> str:
    with pytest.raises(InputFileError) as info:
        read(path)
    return str(info.value)


def write(tmp_path: Path, text: str, name: str = "bank.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


STATEMENT_ROWS = [
    # the State Treasury's funding: money in, an entry without transaction details
    (
        "FT24247000123",
        None,
        None,
        None,
        "50000000",
        "2024-09-03",
        "bank",
        "success",
        "Kho bac Nha nuoc chuyen kinh phi chi tro cap xa hoi T09/2024",
        "CRDT",
        None,
    ),
    (
        "CTXH240900001",
        "Nguyễn Thị Hoa",
        "BFTVVNVX",
        "0011004123456",
        "1500000",
        "2024-09-05",
        "bank",
        "success",
        "Chi tro cap xa hoi T09/2024 CCCD 001140012345",
        "DBIT",
        None,
    ),
    (
        "CTXH240900002",
        "Trần Văn Bình",
        "VBAAVNVX",
        "1400205123456",
        "1500000.00",
        "2024-09-05",
        "bank",
        "success",
        "Chi tro cap xa hoi T09/2024 CCCD 001043002468",
        "DBIT",
        None,
    ),
    # one batch entry, two transactions with their own amounts
    (
        "CTXH240900003",
        "Lê Thị Hồng Nhung",
        "970415",
        "101867554433",
        "750000",
        "2024-09-05",
        "bank",
        "success",
        "Chi tro cap xa hoi T09/2024 CCCD 001145007788",
        "DBIT",
        None,
    ),
    (
        "CTXH240900004",
        "Hoàng Văn Nam",
        "BIDVVNVX",
        "21510000987654",
        "1000000",
        "2024-09-05",
        "bank",
        "success",
        "Chi tro cap xa hoi T09/2024 CCCD 001050009876",
        "DBIT",
        None,
    ),
    # the debit whose return (MD07) is later in the file: the payment, marked returned
    (
        "CTXH240900005",
        "Phạm Đức Thắng",
        "BIDVVNVX",
        "31410000456789",
        "2250000",
        "2024-09-05",
        "bank",
        "returned",
        "Chi tro cap xa hoi T09/2024 CCCD 001038005555; return reason MD07 (end customer deceased)",
        "DBIT",
        None,
    ),
    # not booked: set aside, never counted as paid
    (
        "CTXH240900006",
        "Đặng Thị Mai",
        "BFTVVNVX",
        "0021000765432",
        "1500000",
        "2024-09-10",
        "bank",
        "success",
        "Chi tro cap xa hoi T09/2024 CCCD 001147003456",
        "DBIT",
        "entry not booked (pending, status PDNG): no completed payment",
    ),
    # the return itself: money coming back, a credit to set aside (its debit above carries the return)
    (
        "CTXH240900005",
        "Phạm Đức Thắng",
        "BIDVVNVX",
        "31410000456789",
        "2250000",
        "2024-09-09",
        "bank",
        "returned",
        "Hoan tra: Chi tro cap xa hoi T09/2024 CCCD 001038005555; return reason MD07 (end customer deceased)",
        "CRDT",
        None,
    ),
    # a reversal of a transfer from the previous statement: it stands for that payment
    (
        "CTXH240800077",
        "Bùi Văn Tuấn",
        "VBAAVNVX",
        "1400205654321",
        "1500000",
        "2024-09-10",
        "bank",
        "returned",
        "Chi tro cap xa hoi T09/2024 CCCD 001044001122; return reason AC04 (closed account)",
        "DBIT",
        None,
    ),
]

NOTIFICATION_ROWS = [
    (
        "CTXH240900101",
        "Ngô Thị Thu",
        "VBAAVNVX",
        "1500205001234",
        "1500000",
        "2024-09-12",
        "bank",
        "success",
        "Chi tro cap xa hoi T09/2024 CCCD 001141006789",
        "DBIT",
        None,
    ),
    # EndToEndId NOTPROVIDED: the TxId; two Ustrd lines joined with a space
    (
        "AGR2409120002",
        "Đỗ Văn Hùng",
        "BFTVVNVX",
        "0451000222333",
        "2000000",
        "2024-09-12",
        "bank",
        "success",
        "Chi tro cap xa hoi T09/2024 CCCD 001042003344",
        "DBIT",
        None,
    ),
    # a return whose original is not in the file; the creditor listed is the office's own account,
    # so the payee is the debtor of the return
    (
        "CTXH240900087",
        "Dương Thị Ngọc",
        "ICBVVNVX",
        "108002345678",
        "1000000",
        "2024-09-12",
        "bank",
        "returned",
        "Hoan tra giao dich CTXH T09/2024 do sai so tai khoan; return reason AC01 (incorrect account number)",
        "DBIT",
        None,
    ),
]


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def test_statement_053_v02_rows():
    assert rows_of(STATEMENT) == STATEMENT_ROWS


def test_notification_054_v08_rows():
    assert rows_of(NOTIFICATION) == NOTIFICATION_ROWS


def test_credits_are_marked_for_the_caller_to_set_aside():
    rows = [dict(zip(COLUMNS, r)) for r in rows_of(STATEMENT)]
    credits = [(n, r["payment_ref"]) for n, r in enumerate(rows, start=1) if r["direction"] == "CRDT"]
    assert credits == [(1, "FT24247000123"), (8, "CTXH240900005")]


def test_each_returned_payment_counts_once_with_its_reason():
    rows = [dict(zip(COLUMNS, r)) for r in rows_of(STATEMENT) + rows_of(NOTIFICATION)]
    returned = [
        (r["payment_ref"], r["narrative"].rsplit("; ", 1)[1])
        for r in rows
        if r["direction"] == "DBIT" and r["status"] == "returned"
    ]
    assert returned == [
        ("CTXH240900005", "return reason MD07 (end customer deceased)"),
        ("CTXH240800077", "return reason AC04 (closed account)"),
        ("CTXH240900087", "return reason AC01 (incorrect account number)"),
    ]


def test_headers_are_the_payment_contract_and_direction():
    lookup = header_lookup("payments")
    assert {h: lookup.get(fold(h)) for h in HEADERS} == {
        h: (h if h not in ("direction", "aside") else None) for h in HEADERS
    }
    required = {c.name for c in columns("payments") if c.required}
    assert required <= set(HEADERS)


def test_set_aside_gives_the_reason_of_credits_and_entries_not_booked():
    _, frame, _ = read(STATEMENT)
    skipped = set_aside_credits(frame)[SKIP_COLUMN].to_list()
    assert skipped == [
        "credit (money into the account), not a payment",
        None,
        None,
        None,
        None,
        None,
        "entry not booked (pending, status PDNG): no completed payment",
        "credit: a return or reversal, not a payment (a returned payment is its debit row)",
        None,
    ]
    already = frame.with_columns(pl.lit("blank row").alias(SKIP_COLUMN))
    assert set_aside_credits(already)[SKIP_COLUMN].to_list() == ["blank row"] * 9


def test_values_normalise(con):
    """Amounts (also '1500000.00'), dates and bank identifiers as the normalisers read them."""
    _, frame, _ = read(STATEMENT)
    _, notification, _ = read(NOTIFICATION)
    values = frame.vstack(notification)
    con.register("camt_rows", values.to_arrow())
    got = con.execute("""
        SELECT list_sort(list(DISTINCT rc_amount(amount))), list_sort(list(DISTINCT rc_date(value_date)))::VARCHAR[],
               list_sort(list(DISTINCT rc_bank(bank_code)))
        FROM camt_rows""").fetchone()
    assert got == (
        [750000, 1000000, 1500000, 2000000, 2250000, 50000000],
        ["2024-09-03", "2024-09-05", "2024-09-09", "2024-09-10", "2024-09-12"],
        ["BIDV", "ICB", "VBA", "VCB", None],  # None: the funding credit names no bank
    )


def test_transaction_without_details_and_other_currencies(tmp_path):
    path = write(
        tmp_path,
        """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt>
  <Ntry><Amt Ccy="USD">100.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2024-09-06</Dt></BookgDt><AcctSvcrRef>REF1</AcctSvcrRef>
    <AddtlNtryInf>Phi dich vu</AddtlNtryInf></Ntry>
  <Ntry><Amt Ccy="VND">3000000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
    <ValDt><Dt>2024-09-07</Dt></ValDt><NtryRef>REF2</NtryRef>
    <NtryDtls><TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs>
      <RltdPties><Cdtr><Nm>A</Nm></Cdtr></RltdPties></TxDtls>
    <TxDtls><RltdPties><Cdtr><Nm>B</Nm></Cdtr></RltdPties></TxDtls>
    </NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>""",
    )
    assert rows_of(path) == [
        # an amount in another currency keeps it, so the normaliser refuses it instead of reading dong
        ("REF1", None, None, None, "100.50 USD", "2024-09-06", "bank", "success", "Phi dich vu", "DBIT", None),
        # a batch without per-transaction amounts: the entry total is no transaction's amount, and the
        # entry is one row of it, set aside naming it (its transfers are in the batch's own list)
        (
            "REF2",
            None,
            None,
            None,
            "3000000",
            "2024-09-07",
            "bank",
            "success",
            None,
            "DBIT",
            "a batch entry of 3,000,000 VND whose 2 transaction details state no amount: its transfers are read "
            "from the batch's own list (camt.054 or payment file), to be given too",
        ),
    ]


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------


def test_entity_bomb_is_refused_without_expanding():
    started = time.perf_counter()
    message = error_of(CAMT / "entity_bomb.xml")
    assert message == (
        f"{CAMT / 'entity_bomb.xml'}: is XML with entity declarations, which are refused for safety; {SAFETY_FIX}"
    )
    assert time.perf_counter() - started < 5  # expanded, it would be 3 GB of 'lol'


def test_external_entity_is_refused():
    message = error_of(CAMT / "external_entity.xml")
    assert message == (
        f"{CAMT / 'external_entity.xml'}: is XML that declares an external entity (a file or "
        f"address to read), which is refused for safety; {SAFETY_FIX}"
    )
    assert "root:" not in message


def test_malformed_xml_names_the_line(tmp_path):
    text = STATEMENT.read_text(encoding="utf-8").replace(
        "<Cdtr><Nm>Trần Văn Bình</Nm></Cdtr>", "<Cdtr><Nm>Trần Văn Bình</Cdtr>"
    )
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if "Trần Văn Bình" in t)
    path = write(tmp_path, text)
    assert error_of(path) == (
        f"{path}: is not well-formed XML (line {line}: mismatched tag); ask the bank "
        "to export the file again; it may be cut short or edited by hand"
    )


def test_cut_short_xml(tmp_path):
    text = NOTIFICATION.read_text(encoding="utf-8")
    path = write(tmp_path, text[: len(text) // 2])
    assert error_of(path).startswith(f"{path}: is not well-formed XML (line ")
    assert "Ngô" not in error_of(path)


@pytest.mark.parametrize(
    ("xml", "what"),
    [
        (
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>',
            "ISO 20022 pain.001 XML",
        ),
        (
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"><BkToCstmrAcctRpt/></Document>',
            "ISO 20022 camt.052 XML",
        ),
        (
            '<?xml version="1.0"?><danh_sach><nguoi_huong>Nguyễn Thị Hoa</nguoi_huong></danh_sach>',
            "XML but not an ISO 20022 bank statement",
        ),
    ],
)
def test_other_xml_is_refused_naming_what_is_read(tmp_path, xml, what):
    path = write(tmp_path, xml)
    assert error_of(path) == (
        f"{path}: is {what}; only a camt.053 statement or camt.054 debit/credit notification can be read; "
        "ask the bank for the account statement as camt.053 or camt.054 XML, or as Excel/CSV"
    )


def test_camt_without_transactions_is_a_statement_of_no_entries(tmp_path):
    """A daily statement of a day without movements: balances and no entries. Zero rows, not an error."""
    path = write(
        tmp_path,
        """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>X</MsgId></GrpHdr><Stmt><Id>S</Id><Acct><Id><Othr><Id>0011000123456</Id></Othr></Id></Acct>
</Stmt></BkToCstmrStmt></Document>""",
    )
    headers, frame, first_row = read(path)
    assert (headers, frame.height, first_row) == (HEADERS, 0, 1)


def test_empty_and_unknown_encoding(tmp_path):
    empty = write(tmp_path, "  \n", "empty.xml")
    assert error_of(empty) == f"{empty}: file is empty; check that the export finished and send the file again"
    odd = write(tmp_path, '<?xml version="1.0" encoding="x-unknown"?><Document/>', "odd.xml")
    assert error_of(odd) == (
        f"{odd}: is XML in a character encoding that cannot be read; ask the bank to export the file again as UTF-8 XML"
    )


def test_a_doctype_without_entities_is_harmless(tmp_path):
    text = NOTIFICATION.read_text(encoding="utf-8").replace(
        "<Document ", '<!DOCTYPE Document SYSTEM "http://127.0.0.1:9/camt.dtd">\n<Document ', 1
    )
    assert rows_of(write(tmp_path, text)) == NOTIFICATION_ROWS  # nothing fetched, nothing expanded


# --------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (STATEMENT.read_bytes()[:4096], True),
        (NOTIFICATION.read_bytes()[:4096], True),
        (b'\xef\xbb\xbf\r\n  <?xml version="1.0"?><Document>', True),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">', True),
        (b'<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">', True),
        ('<?xml version="1.0" encoding="UTF-16"?><Document>'.encode("utf-16"), True),
        (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook>', False),
        (b"payment_ref,payee_name,amount\n", False),
        (b"PK\x03\x04", False),
        (b"<html><body><table>", False),
        (b"", False),
    ],
)
def test_looks_like_camt(head, expected):
    assert looks_like_camt(head) is expected


# --------------------------------------------------------------------------------------------
# Never anything but a result or an InputFileError
# --------------------------------------------------------------------------------------------

SEEDS = [STATEMENT.read_bytes(), NOTIFICATION.read_bytes()]


@st.composite
def damaged_camt(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "replace", "delete"]))
        chunk = draw(
            st.binary(min_size=1, max_size=12)
            | st.sampled_from(
                [b"<", b">", b"&", b"&lol;", b"</Ntry>", b"<Ntry>", b"<TxDtls>", b"<RtrInf>", b"]]>", b"\x00"]
            )
        )
        if action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = chunk
        elif action == "replace":
            data[at : at + len(chunk)] = chunk
        else:
            del data[at : at + draw(st.integers(1, 200))]
    return bytes(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000) | damaged_camt())
@example(data=b"<?xml version='1.0' encoding='utf-16'?><a/>")
@example(data=b"\xff\xfe<\x00")
@example(data=b"<Document><BkToCstmrStmt><Stmt><Ntry/></Stmt></BkToCstmrStmt></Document>")
def test_any_bytes_give_rows_or_an_input_error(tmp_path, data):
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    try:
        headers, frame, first_row = read(path)
    except InputFileError as exc:
        assert str(exc).startswith(f"{path}: ")
        return
    assert headers == frame.columns == COLUMNS and first_row == 1 and frame.height > 0


def test_camt_namespace_without_its_message(tmp_path):
    path = write(tmp_path, '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><GrpHdr/></Document>')
    assert error_of(path) == (
        f"{path}: is ISO 20022 camt.054 XML without its statement or notification "
        "(BkToCstmrStmt or BkToCstmrDbtCdtNtfctn); ask the bank to export the file again; "
        "it may be cut short or edited by hand"
    )


def test_camt_inside_an_envelope(tmp_path):
    text = NOTIFICATION.read_text(encoding="utf-8").replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    path = write(
        tmp_path,
        '<?xml version="1.0" encoding="UTF-8"?>\n<BizMsgEnvlp>'
        '<AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><MsgDefIdr>camt.054.001.08'
        f"</MsgDefIdr></AppHdr>{text}</BizMsgEnvlp>",
    )
    assert rows_of(path) == NOTIFICATION_ROWS


def test_returns_known_by_their_bank_transaction_code_or_reversal(tmp_path):
    path = write(
        tmp_path,
        """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn><Ntfctn>
  <Acct><Id><Othr><Id>0011000123456</Id></Othr></Id></Acct>
  <Ntry><NtryRef>R1</NtryRef><Amt Ccy="VND">500000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <ValDt><Dt>2024-09-11</Dt></ValDt>
    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
    <NtryDtls><TxDtls><Refs><EndToEndId>CTXH240900201</EndToEndId></Refs>
      <RltdPties><Cdtr><Nm>Lý Thị Hạnh</Nm></Cdtr><CdtrAcct><Id><Othr><Id>0071000555666</Id></Othr></Id></CdtrAcct>
      </RltdPties></TxDtls></NtryDtls></Ntry>
  <Ntry><NtryRef>R2</NtryRef><Amt Ccy="VND">700000</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>
    <Sts>BOOK</Sts><ValDt><Dt>2024-09-11</Dt></ValDt><AddtlNtryInf>Huy giao dich</AddtlNtryInf></Ntry>
  <Ntry><NtryRef>R3</NtryRef><Amt Ccy="VND">900000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <ValDt><Dt>2024-09-11</Dt></ValDt>
    <NtryDtls><TxDtls><RtrInf><Rsn><Prtry>TK KHONG TON TAI</Prtry></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>""",
    )
    assert rows_of(path) == [
        (
            "CTXH240900201",
            "Lý Thị Hạnh",
            None,
            "0071000555666",
            "500000",
            "2024-09-11",
            "bank",
            "returned",
            "returned",
            "DBIT",
            None,
        ),
        ("R2", None, None, None, "700000", "2024-09-11", "bank", "returned", "Huy giao dich; reversal", "DBIT", None),
        (
            "R3",
            None,
            None,
            None,
            "900000",
            "2024-09-11",
            "bank",
            "returned",
            "return reason TK KHONG TON TAI",
            "DBIT",
            None,
        ),
    ]


def test_a_reversal_booked_as_a_debit_takes_money_in_back_and_is_no_payment(tmp_path):
    """The treasury's funding credited twice, and the second taken back: a debit with `RvslInd` true
    reverses a credit. It was paired with the funding credit as its original and loaded as a returned
    payment of 20,000,000 VND to the treasury; it is set aside, and the funding stays a credit."""
    path = write(
        tmp_path,
        """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
  <Acct><Id><Othr><Id>0011000999999</Id></Othr></Id></Acct>
  <Ntry><NtryRef>KB0903</NtryRef><Amt Ccy="VND">20000000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <ValDt><Dt>2024-09-03</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>KBNN-0903</EndToEndId></Refs>
      <RltdPties><Dbtr><Nm>KHO BAC NHA NUOC TINH X</Nm></Dbtr></RltdPties>
      <RmtInf><Ustrd>CAP KINH PHI CHI TRO CAP T9/2024</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  <Ntry><NtryRef>RV0904</NtryRef><Amt Ccy="VND">20000000</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>
    <Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2024-09-04</Dt></ValDt>
    <NtryDtls><TxDtls><Refs><EndToEndId>KBNN-0903</EndToEndId></Refs>
      <RltdPties><Cdtr><Nm>KHO BAC NHA NUOC TINH X</Nm></Cdtr></RltdPties>
      <RmtInf><Ustrd>THOAI CHI NHAM</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  <Ntry><NtryRef>FT001</NtryRef><Amt Ccy="VND">1500000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <ValDt><Dt>2024-09-05</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>CTXH001</EndToEndId></Refs>
      <RltdPties><Cdtr><Nm>NGUYEN VAN AN</Nm></Cdtr><CdtrAcct><Id><Othr><Id>0011001234567</Id></Othr></Id></CdtrAcct>
      </RltdPties><RmtInf><Ustrd>CHI TRO CAP XA HOI T9/2024</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>""",
    )
    frame = set_aside_credits(read(path)[1])
    assert frame.select("payment_ref", "status", "direction", SKIP_COLUMN).rows() == [
        ("KBNN-0903", "success", "CRDT", "credit (money into the account), not a payment"),
        (
            "KBNN-0903",
            "success",
            "DBIT",
            "a reversal of money into the account (RvslInd on a debit): money in taken back, not a payment",
        ),
        ("CTXH001", "success", "DBIT", None),
    ]


# --------------------------------------------------------------------------------------------
# Control totals: TxsSummry and GrpHdr
# --------------------------------------------------------------------------------------------

CONTROL_FIX = "ask the bank for the statement again; the file may be cut short or edited"
DEBITS_3 = [("DBIT", "1500000")] * 3 + [("CRDT", "5000000.00")]  # 3 debits of 4,500,000 and a credit


def entry(direction: str, amount: str, status: str = "BOOK", details: list[str] | None = None) -> str:
    txs = "".join(
        f'<TxDtls><Refs><EndToEndId>E-{a}</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="VND">{a}</Amt>'
        "</TxAmt></AmtDtls></TxDtls>"
        for a in (details or [amount])
    )
    return (
        f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>{status}</Sts>'
        f"<ValDt><Dt>2024-09-05</Dt></ValDt><NtryDtls>{txs}</NtryDtls></Ntry>"
    )


def totals(tag: str, count: int | None = None, amount: str | None = None) -> str:
    count_xml = f"<NbOfNtries>{count}</NbOfNtries>" if count is not None else ""
    amount_xml = f"<Sum>{amount}</Sum>" if amount is not None else ""
    return f"<{tag}>{count_xml}{amount_xml}</{tag}>"


def summary(all_=None, credit=None, debit=None) -> str:
    """A TxsSummry; each of all_, credit, debit a (count, sum) pair, either may be None."""
    parts = [
        totals(tag, *figures)
        for tag, figures in (("TtlNtries", all_), ("TtlCdtNtries", credit), ("TtlDbtNtries", debit))
        if figures
    ]
    return f"<TxsSummry>{''.join(parts)}</TxsSummry>"


def statement(
    entries, txs_summary: str = "", stmt_id: str | None = "STMT-0924", tag: str = "Stmt", summary_last: bool = False
) -> str:
    id_xml = f"<Id>{stmt_id}</Id>" if stmt_id else ""
    body = "".join(e if isinstance(e, str) else entry(*e) for e in entries)
    body = body + txs_summary if summary_last else txs_summary + body
    return f"<{tag}>{id_xml}<Acct><Id><Othr><Id>0011000123456</Id></Othr></Id></Acct>{body}</{tag}>"


def camt(tmp_path: Path, *statements: str, group: str = "", notification: bool = False) -> Path:
    message, version = ("BkToCstmrDbtCdtNtfctn", "054.001.08") if notification else ("BkToCstmrStmt", "053.001.02")
    return write(
        tmp_path,
        f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{version}"><{message}>
<GrpHdr><MsgId>M1</MsgId>{group}</GrpHdr>{"".join(statements)}</{message}></Document>""",
    )


def control_of(path: Path) -> Control | None:
    headers, frame, first_row, control = read_with_control(path)
    assert (headers, frame.select(headers).rows(), first_row) == (COLUMNS, read(path)[1].rows(), 1)
    return control


def control_error(path: Path) -> str:
    with pytest.raises(InputFileError) as info:
        read_with_control(path)
    assert info.value.fix == CONTROL_FIX
    return str(info.value)


def test_matching_summary_gives_the_control(tmp_path):
    path = camt(tmp_path, statement(DEBITS_3, summary((4, "9500000.00"), (1, "5000000"), (3, "4500000.00"))))
    assert control_of(path) == Control(
        count=3, amount="4500000.00", what="camt TxsSummry (debit entries)", checked=True
    )


def test_summary_after_the_entries_and_amounts_compared_as_numbers(tmp_path):
    entries = [("DBIT", "1500000.00"), ("DBIT", "1500000"), ("DBIT", "1500000.5")]
    path = camt(tmp_path, statement(entries, summary(debit=(3, "4500000.50")), summary_last=True))
    assert control_of(path) == Control(3, "4500000.50", "camt TxsSummry (debit entries)", checked=True)


def test_all_entries_when_no_debit_totals(tmp_path):
    path = camt(tmp_path, statement(DEBITS_3, summary(all_=(4, "9500000"))))
    assert control_of(path) == Control(4, "9500000", "camt TxsSummry (all entries)", checked=True)


def test_wrong_debit_count_is_refused(tmp_path):
    path = camt(tmp_path, statement(DEBITS_3, summary(debit=(4, "4500000"))))
    assert control_error(path) == (
        f"{path}: its statement STMT-0924 says it holds 4 debit entries of 4,500,000 "
        f"but 3 debit entries of 4,500,000 were read; {CONTROL_FIX}"
    )


def test_wrong_debit_sum_is_refused(tmp_path):
    path = camt(tmp_path, statement(DEBITS_3, summary(credit=(1, "5000000"), debit=(3, "4501234.50"))))
    assert control_error(path) == (
        f"{path}: its statement STMT-0924 says it holds 3 debit entries of "
        f"4,501,234.50 but 3 debit entries of 4,500,000 were read; {CONTROL_FIX}"
    )


def test_wrong_credit_count_alone_is_refused(tmp_path):
    path = camt(tmp_path, statement(DEBITS_3, summary(credit=(2, None))))
    assert control_error(path) == (
        f"{path}: its statement STMT-0924 says it holds 2 credit entries but 1 credit entry was read; {CONTROL_FIX}"
    )


def test_wrong_total_sum_is_refused(tmp_path):
    """TtlNtries/Sum is the sum of every entry, debit or credit."""
    path = camt(tmp_path, statement(DEBITS_3, summary(all_=(4, "500000"), debit=(3, "4500000"))))
    assert control_error(path) == (
        f"{path}: its statement STMT-0924 says it holds 4 entries of 500,000 but "
        f"4 entries of 9,500,000 were read; {CONTROL_FIX}"
    )
    only_sum = camt(tmp_path, statement(DEBITS_3, summary(all_=(None, "9000000"))))
    assert control_error(only_sum) == (
        f"{only_sum}: its statement STMT-0924 says its entries total 9,000,000 "
        f"but the entries read total 9,500,000; {CONTROL_FIX}"
    )


def test_batch_entry_counts_as_one_entry(tmp_path):
    batch = entry("DBIT", "4500000", details=["1000000", "1500000", "2000000"])
    path = camt(tmp_path, statement([batch], summary((1, "4500000"), None, (1, "4500000"))))
    assert control_of(path) == Control(1, "4500000", "camt TxsSummry (debit entries)", checked=True)
    assert [r[4] for r in rows_of(path)] == ["1000000", "1500000", "2000000"]
    three = camt(tmp_path, statement([batch], summary(debit=(3, "4500000"))))
    assert control_error(three) == (
        f"{three}: its statement STMT-0924 says it holds 3 debit entries of "
        f"4,500,000 but 1 debit entry of 4,500,000 was read; {CONTROL_FIX}"
    )


def test_each_statement_is_checked(tmp_path):
    first = statement(DEBITS_3, summary(debit=(3, "4500000")))
    second = statement([("DBIT", "2000000")], summary(debit=(1, "2000000.00")), stmt_id="STMT-0925")
    assert control_of(camt(tmp_path, first, second)) == Control(
        4, "6500000.00", "camt TxsSummry (debit entries)", checked=True
    )
    wrong = statement([("DBIT", "2000000")], summary(debit=(2, "3500000")), stmt_id="STMT-0925")
    path = camt(tmp_path, first, wrong)
    assert control_error(path) == (
        f"{path}: its statement STMT-0925 says it holds 2 debit entries of 3,500,000 "
        f"but 1 debit entry of 2,000,000 was read; {CONTROL_FIX}"
    )


@pytest.mark.parametrize("stmt_id", [None, "0011000123456-20240910", "STMT-37610001054321-202409"])
def test_a_statement_without_a_safe_id_is_named_by_its_position(tmp_path, stmt_id):
    first = statement(DEBITS_3, summary(debit=(3, "4500000")))
    second = statement([("DBIT", "2000000")], summary(debit=(2, None)), stmt_id=stmt_id)
    path = camt(tmp_path, first, second)
    assert control_error(path) == (
        f"{path}: its statement 2 says it holds 2 debit entries but 1 debit entry was read; {CONTROL_FIX}"
    )


def test_notification_is_named_as_such(tmp_path):
    path = camt(
        tmp_path, statement(DEBITS_3, summary(debit=(2, None)), stmt_id="N-0924", tag="Ntfctn"), notification=True
    )
    assert control_error(path) == (
        f"{path}: its notification N-0924 says it holds 2 debit entries but 3 debit entries were read; {CONTROL_FIX}"
    )


def test_some_statements_state_totals(tmp_path):
    path = camt(
        tmp_path,
        statement(DEBITS_3, summary(debit=(3, "4500000"))),
        statement([("DBIT", "2000000")], stmt_id="STMT-0925"),
        statement([("DBIT", "1000000")], summary(debit=(1, "1000000")), stmt_id="STMT-0926"),
    )
    assert control_of(path) == Control(
        4, "5500000", "camt TxsSummry of 2 of 3 statements (debit entries)", checked=True
    )


def test_pending_entries_may_be_left_out_of_the_totals_or_not(tmp_path):
    entries = [*DEBITS_3, entry("DBIT", "1000000", status="PDNG")]
    booked = camt(tmp_path, statement(entries, summary(debit=(3, "4500000"))))
    assert control_of(booked) == Control(3, "4500000", "camt TxsSummry (debit entries)", checked=True)
    every = camt(tmp_path, statement(entries, summary(debit=(4, "5500000"))))
    assert control_of(every) == Control(4, "5500000", "camt TxsSummry (debit entries)", checked=True)
    neither = camt(tmp_path, statement(entries, summary(debit=(5, "6500000"))))
    assert control_error(neither) == (
        f"{neither}: its statement STMT-0924 says it holds 5 debit entries of 6,500,000 but 3 booked debit "
        f"entries of 4,500,000 were read (4 debit entries of 5,500,000 counting those not booked); {CONTROL_FIX}"
    )


def test_group_header_totals(tmp_path):
    matching = camt(tmp_path, statement(DEBITS_3), group="<NbOfTxs>4</NbOfTxs><CtrlSum>9500000.00</CtrlSum>")
    assert control_of(matching) == Control(4, "9500000.00", "camt GrpHdr", checked=True)
    wrong = camt(tmp_path, statement(DEBITS_3), group="<NbOfTxs>4</NbOfTxs><CtrlSum>9000000</CtrlSum>")
    assert control_error(wrong) == (
        f"{wrong}: its group header says it holds 4 entries of 9,000,000 but 4 entries "
        f"of 9,500,000 were read; {CONTROL_FIX}"
    )


def test_group_header_counts_the_whole_file(tmp_path):
    group = "<NbOfTxs>5</NbOfTxs><CtrlSum>11500000</CtrlSum>"
    path = camt(tmp_path, statement(DEBITS_3), statement([("DBIT", "2000000")], stmt_id="S2"), group=group)
    assert control_of(path) == Control(5, "11500000", "camt GrpHdr", checked=True)
    short = camt(tmp_path, statement(DEBITS_3), group=group)
    assert control_error(short) == (
        f"{short}: its group header says it holds 5 entries of 11,500,000 but "
        f"4 entries of 9,500,000 were read; {CONTROL_FIX}"
    )


def test_statement_totals_come_before_the_group_header(tmp_path):
    path = camt(tmp_path, statement(DEBITS_3, summary(debit=(3, "4500000"))), group="<NbOfTxs>4</NbOfTxs>")
    assert control_of(path) == Control(3, "4500000", "camt TxsSummry (debit entries)", checked=True)


def test_a_file_without_totals_gives_none(tmp_path):
    assert control_of(camt(tmp_path, statement(DEBITS_3))) is None
    assert control_of(NOTIFICATION) is None


def test_a_summary_is_never_quoted_beyond_its_figures(tmp_path):
    path = camt(tmp_path, statement(DEBITS_3, summary(debit=(4, None)), stmt_id="0011000123456"))
    message = control_error(path)
    assert "0011000123456" not in message.removeprefix(str(path)) and "E-1500000" not in message


@pytest.mark.parametrize(
    "path", [STATEMENT, NOTIFICATION, *sorted((FIXTURES / "layouts").glob("*.xml"))], ids=lambda p: p.name
)
def test_bank_fixtures_agree_with_their_totals(path):
    expected = {
        # booked entries only: the pending debit is not in the totals
        STATEMENT: Control(4, "7000000", "camt TxsSummry (debit entries)", checked=True),
    }
    assert control_of(path) == expected.get(path)


# --------------------------------------------------------------------------------------------
# Statements as banks send them (fixtures/camt/vn_statement_real_shapes.xml)
# --------------------------------------------------------------------------------------------

SHAPES = CAMT / "vn_statement_real_shapes.xml"
SHAPES_REGISTRY = (
    "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,"
    "Số tài khoản,Mã tỉnh,Trạng thái\n"
    "079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0071000000001,79,"
    "Đang hưởng\n"
    "001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2.250.000,Chuyển khoản,VCB,0071000000002,01,Đang hưởng\n"
    "001145007788,Lê Thị Hồng Nhung,03/03/1945,Nữ,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0071000000003,01,"
    "Đang hưởng\n"
    "001140012345,Phạm Thị Đức,04/04/1940,Nữ,Trợ cấp xã hội,750.000,Chuyển khoản,VCB,0071000000004,01,Đang hưởng\n"
)


def test_statement_shapes_rows():
    assert rows_of(SHAPES) == [
        # the ID only in the end-to-end reference: written into the narrative, labelled, for the run to find
        (
            "TC079196118125",
            "NGUYEN THI THANH HUONG",
            None,
            "0071000000001",
            "1500000",
            "2024-09-05",
            "bank",
            "success",
            "Chi tro cap xa hoi thang 09/2024; EndToEndId TC079196118125",
            "DBIT",
            None,
        ),
        # the ID in the structured creditor reference; the payee named by account only
        (
            "CTXH240900202",
            None,
            None,
            "0071000000002",
            "2250000",
            "2024-09-05",
            "bank",
            "success",
            "creditor reference 001038005555",
            "DBIT",
            None,
        ),
        # no creditor: no payee (the debtor is the commune that pays, never the payee); the settlement date
        (
            "CTXH240900203",
            None,
            None,
            None,
            "1000000",
            "2024-09-05",
            "bank",
            "success",
            "Chi TCXH T9 CCCD 001145007788",
            "DBIT",
            None,
        ),
        # no date in the entry: the end of the period the statement covers
        (
            "CTXH240900204",
            "PHAM THI DUC",
            None,
            None,
            "750000",
            "2024-09-05",
            "bank",
            "success",
            "CT tu 0071000123456 UBND XA AN PHU toi 0071000000004 PHAM THI DUC CCCD 001140012345",
            "DBIT",
            None,
        ),
        (
            None,
            None,
            None,
            None,
            "11000",
            "2024-09-05",
            "bank",
            "success",
            "Phi chuyen tien",
            "DBIT",
            "bank charges (bank transaction code CHRG), not a payment to a beneficiary",
        ),
        (
            "CTXH240900299",
            "LE VAN TAM",
            None,
            None,
            "1500000",
            "2024-09-06",
            "bank",
            "success",
            None,
            "DBIT",
            "entry not booked (information only, status INFO): no completed payment",
        ),
        (
            "BATCH-0905",
            None,
            None,
            None,
            "60000000",
            "2024-09-05",
            "bank",
            "success",
            None,
            "DBIT",
            "a batch of 40 transfers booked as one entry, not itemised in the statement: its transfers are read from "
            "the batch's own list (camt.054 or payment file), to be given too",
        ),
        ("KBNN-0905", "KHO BAC NHA NUOC", None, None, "120000000", "2024-09-05", "bank", "success", None, "CRDT", None),
        ("FX-0905", "CONG TY ABC", None, None, "100.00 USD", "2024-09-05", "bank", "success", None, "DBIT", None),
    ]
    # the bank's own reference, where the statement gives one
    assert bank_refs_of(SHAPES) == ["FT24249000201", None, None, None, None, None, "BATCH-0905", None, None]


def test_statement_shapes_check_says_what_was_set_aside_and_why(tmp_path):
    from click.testing import CliRunner

    from reconcile.cli import cli

    res = CliRunner().invoke(cli, ["check", str(SHAPES), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 1, res.output  # the USD transfer is a row with a problem
    lines = res.output.splitlines()
    assert lines[lines.index("rows: 9 read, 4 loaded, 1 rejected, 4 set aside as no payment") :] == [
        "rows: 9 read, 4 loaded, 1 rejected, 4 set aside as no payment",
        "currency: VND; 1 entry in USD (rejected)",
        "set aside: 1 row: bank charges (bank transaction code CHRG), not a payment to a beneficiary (row 5)",
        "set aside: 1 row: entry not booked (information only, status INFO): no completed payment (row 6)",
        "set aside: 1 row: a batch of 40 transfers booked as one entry, not itemised in the statement: its transfers "
        "are read from the batch's own list (camt.054 or payment file), to be given too (row 7)",
        "set aside: 1 row: credit (money into the account), not a payment (row 8)",
        "row 9: rejected: amount is in USD, not VND",
    ]


def test_statement_shapes_reconcile_end_to_end(tmp_path):
    """Every beneficiary is found by the ID wherever the statement put it; none is a NAME_MISMATCH for
    lack of a payee name; what is no payment is set aside, the USD transfer rejected."""
    import duckdb
    from click.testing import CliRunner

    from reconcile.cli import cli

    registry = tmp_path / "registry.csv"
    registry.write_text(SHAPES_REGISTRY, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(
        cli, ["run", "--period", "2024-09", "--db", str(db), "--registry", str(registry), "--payments", str(SHAPES)]
    )
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)
        assert con.execute(
            "SELECT payment_ref, vneid, vneid_source, payee_name, bank_ref FROM payments ORDER BY source_row"
        ).fetchall() == [
            ("TC079196118125", "079196118125", "narrative", "NGUYEN THI THANH HUONG", "FT24249000201"),
            ("CTXH240900202", "001038005555", "narrative", None, None),
            ("CTXH240900203", "001145007788", "narrative", None, None),
            ("CTXH240900204", "001140012345", "narrative", "PHAM THI DUC", None),
        ]
        assert con.execute(
            "SELECT rows_read, rows_loaded, rows_rejected, rows_set_aside, amount_set_aside "
            "FROM inputs WHERE role = 'payments'"
        ).fetchone() == (9, 4, 1, 4, 181_511_000)
        assert con.execute("SELECT source_row, set_aside FROM rejected_rows ORDER BY source_row").fetchall() == [
            (5, True),
            (6, True),
            (7, True),
            (8, True),
            (9, False),
        ]
    assert "reconcile: 1 row rejected, with their reasons in rejected_rows" in res.output


def test_one_end_to_end_reference_on_transfers_the_bank_tells_apart_is_no_duplicate(tmp_path):
    """Statements reuse an end-to-end id over distinct transfers; their servicer references tell them apart.
    The same reference without a bank reference to tell them apart stays a DUPLICATE_PAYMENT."""
    import duckdb
    from click.testing import CliRunner

    from reconcile.cli import cli

    def transfer(bank_ref: str | None, vneid: str, amount: str) -> str:
        own = f"<AcctSvcrRef>{bank_ref}</AcctSvcrRef>" if bank_ref else ""
        return (
            f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
            f"<ValDt><Dt>2024-09-05</Dt></ValDt><NtryDtls><TxDtls><Refs>{own}<EndToEndId>CHI-T9</EndToEndId>"
            f"</Refs><RmtInf><Ustrd>Chi TCXH CCCD {vneid}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        )

    registry = tmp_path / "registry.csv"
    registry.write_text(SHAPES_REGISTRY, encoding="utf-8")
    found = {}
    for name, refs in (("told_apart", ("FT1", "FT2")), ("not_told_apart", (None, None))):
        path = tmp_path / f"{name}.xml"
        path.write_text(
            '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            "<Stmt><Acct><Id><Othr><Id>0071000123456</Id></Othr></Id></Acct>"
            + transfer(refs[0], "001038005555", "2250000")
            + transfer(refs[1], "001145007788", "1000000")
            + "</Stmt></BkToCstmrStmt></Document>",
            encoding="utf-8",
        )
        db = tmp_path / f"{name}.duckdb"
        res = CliRunner().invoke(
            cli, ["run", "--period", "2024-09", "--db", str(db), "--registry", str(registry), "--payments", str(path)]
        )
        assert res.exit_code == 0, res.output
        with duckdb.connect(str(db), read_only=True) as con:
            found[name] = con.execute("SELECT code, vneid FROM flags WHERE code = 'DUPLICATE_PAYMENT'").fetchall()
    assert found == {"told_apart": [], "not_told_apart": [("DUPLICATE_PAYMENT", "001145007788")]}


def test_a_statement_of_a_eur_account_is_refused_in_one_line(tmp_path):
    """Not each row rejected as an amount that is not a number: one line that says what the file is."""
    from click.testing import CliRunner

    from reconcile.cli import cli

    path = write(
        tmp_path,
        """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt>
  <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
  <Ntry><Amt Ccy="EUR">100.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><ValDt><Dt>2024-09-06</Dt></ValDt>
    <NtryDtls><TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
  <Ntry><Amt Ccy="EUR">2000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><ValDt><Dt>2024-09-06</Dt></ValDt></Ntry>
</Stmt></BkToCstmrStmt></Document>""",
    )
    assert [r[4] for r in rows_of(path)] == ["100.50 EUR", "2000.00 EUR"]  # the reader alone keeps them
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: error: {path}: is a statement of an account in EUR, not VND: all its 2 entries are in EUR; "
        "ask the bank for the statement of the VND account that pays the benefits"
    ]


def test_an_id_in_the_creditors_identification_and_a_proprietary_charge_code(tmp_path):
    path = write(
        tmp_path,
        """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
  <Ntry><Amt Ccy="VND">1500000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2024-09-05</Dt></ValDt>
    <NtryDtls><TxDtls><Refs><EndToEndId>CTXH-1</EndToEndId></Refs>
      <RltdPties><Cdtr><Pty><Nm>NGUYEN THI THANH HUONG</Nm><Id><PrvtId><Othr><Id>079196118125</Id>
        <SchmeNm><Cd>NIDN</Cd></SchmeNm></Othr></PrvtId></Id></Pty></Cdtr></RltdPties></TxDtls></NtryDtls></Ntry>
  <Ntry><Amt Ccy="VND">22000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2024-09-30</Dt></ValDt>
    <BkTxCd><Prtry><Cd>NCHG+808</Cd><Issr>DK</Issr></Prtry></BkTxCd><AddtlNtryInf>Kontofuehrung</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>""",
    )
    assert rows_of(path) == [
        (
            "CTXH-1",
            "NGUYEN THI THANH HUONG",
            None,
            None,
            "1500000",
            "2024-09-05",
            "bank",
            "success",
            "creditor id 079196118125",
            "DBIT",
            None,
        ),
        (
            None,
            None,
            None,
            None,
            "22000",
            "2024-09-30",
            "bank",
            "success",
            "Kontofuehrung",
            "DBIT",
            "bank charges (bank transaction code NCHG+808), not a payment to a beneficiary",
        ),
    ]


def test_a_time_with_a_zone_is_read_as_the_day_it_is_in_vietnam(tmp_path):
    """`2024-08-31T18:30:00Z` is 01:30 on 1 September in the province: read as 31 August, its payment
    was an OUT_OF_PERIOD and its beneficiary a MISSING_PAYMENT; `2024-09-30T20:00:00+00:00` is October's.
    A time without a zone is the bank's own, as written; the balances' dates are read the same way."""
    path = write(
        tmp_path,
        """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
  <Ntry><Amt Ccy="VND">1500000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>FT1</AcctSvcrRef>
    <BookgDt><DtTm>2024-08-31T18:30:00Z</DtTm></BookgDt></Ntry>
  <Ntry><Amt Ccy="VND">1000000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>FT2</AcctSvcrRef>
    <ValDt><DtTm>2024-09-30T20:00:00+00:00</DtTm></ValDt></Ntry>
  <Ntry><Amt Ccy="VND">4200000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>FT3</AcctSvcrRef>
    <ValDt><DtTm>2024-09-05T23:30:00+07:00</DtTm></ValDt></Ntry>
  <Ntry><Amt Ccy="VND">750000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>FT4</AcctSvcrRef>
    <ValDt><DtTm>2024-09-06T23:30:00</DtTm></ValDt></Ntry>
</Stmt></BkToCstmrStmt></Document>""",
    )
    assert [(row[0], row[5]) for row in rows_of(path)] == [
        ("FT1", "2024-09-01"),
        ("FT2", "2024-10-01"),
        ("FT3", "2024-09-05"),
        ("FT4", "2024-09-06"),
    ]


def test_a_statement_and_its_copy_marked_dupl_in_one_message_are_refused(tmp_path):
    """A camt.053 message holding the day's statement and, after it, the same statement marked as a
    copy (`CpyDplctInd` DUPL): its payments were read twice (paid 5,000,000 where 2,500,000 was)."""
    from reconcile.readers import read_file

    stmt = """<Stmt><Id>S0905</Id>{copy}<Acct><Id><Othr><Id>0011000999999</Id></Othr></Id><Ccy>VND</Ccy></Acct>
  <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">10000000</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <Dt><Dt>2024-09-05</Dt></Dt></Bal>
  <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">7500000</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <Dt><Dt>2024-09-05</Dt></Dt></Bal>
  <Ntry><Amt Ccy="VND">1500000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><AcctSvcrRef>FT1</AcctSvcrRef>
    <BookgDt><Dt>2024-09-05</Dt></BookgDt></Ntry>
  <Ntry><Amt Ccy="VND">1000000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><AcctSvcrRef>FT2</AcctSvcrRef>
    <BookgDt><Dt>2024-09-05</Dt></BookgDt></Ntry>
</Stmt>"""
    path = write(
        tmp_path,
        '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        + stmt.format(copy="")
        + stmt.format(copy="<CpyDplctInd>DUPL</CpyDplctInd>")
        + "</BkToCstmrStmt></Document>",
    )
    with pytest.raises(InputFileError) as info:
        read_file(path, "payments")
    assert str(info.value) == (
        f"{path}: its statement 2 is its statement 1 again (the same account, balances on 2024-09-05 and entries): "
        "the statement given twice, each of its payments would be counted twice; give each statement once: ask "
        "the bank for the file again, or leave the copy out"
    )


def test_a_month_whose_only_statement_holds_money_in_alone_is_refused(tmp_path):
    """The treasury's funding alone, given as the month's payments (the wrong day's statement): each
    statement of money in only is excused, as a day without payments is what the bank sent; alone, the
    month ran with exit 0 and every beneficiary a MISSING_PAYMENT."""
    from click.testing import CliRunner

    from reconcile.cli import cli

    path = write(
        tmp_path,
        """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
  <Ntry><Amt Ccy="VND">150000000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><AcctSvcrRef>KB1</AcctSvcrRef>
    <BookgDt><Dt>2024-09-03</Dt></BookgDt><AddtlNtryInf>KBNN cap kinh phi chi tra TCXH T9</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>""",
    )
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "vneid,full_name,date_of_birth,program,entitled_amount,channel,bank_code,account_number,status\n"
        "001044012345,Nguyễn Văn An,1944-03-01,welfare,1500000,bank,VCB,0011001234567,active\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db), "--registry", str(registry)]
    result = CliRunner().invoke(cli, [*args, "--payments", str(path)])
    assert result.exit_code == 2, result.output
    assert not db.exists()
    assert result.stderr.splitlines()[-1] == (
        f"reconcile: error: {path}: holds no payment (1 row read: money in, returns or rows set aside), so every "
        "beneficiary would be unpaid; give the month's payments (the paying account's statement, or the banks' and "
        "post office's lists of what they paid) with --payments, and run again"
    )
