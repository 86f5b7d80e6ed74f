"""MT940/MT942 reader: exact rows, credits and reversals, balances checked, refusals that never quote
the file, recognition by content."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from reconcile.cli import cli
from reconcile.errors import InputFileError
from reconcile.readers import detect_format, read_file
from reconcile.readers.mt940 import HEADERS, looks_like_mt940, read, read_with_control
from reconcile.readers.tables import Control

MT940 = FIXTURES / "mt940"
VN = MT940 / "vn_bank_statement.sta"
CONTROL_FIX = "ask the bank for the statement again; the file may be cut short or edited"
UNREADABLE_FIX = "ask the bank to export the statement again; it may be cut short or edited by hand"

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
    assert headers == COLUMNS == frame.columns == HEADERS
    assert first_row == 1
    assert all(str(dtype) == "String" for dtype in frame.dtypes)
    return [row[:-1] for row in frame.rows()]  # all but bank_ref, which bank_refs_of gives


def bank_refs_of(path: Path) -> list[str | None]:
    return read(path)[1]["bank_ref"].to_list()


def error_of(path: Path) -> str:
    with pytest.raises(InputFileError) as info:
        read(path)
    return str(info.value)


def write(tmp_path: Path, text: str, name: str = "bank.sta") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def statement(*lines: str) -> str:
    return "\n".join(lines) + "\n"


VN_ROWS = [
    # the State Treasury's funding: money in, NONREF, so the bank's reference
    (
        "FT24249000101",
        None,
        None,
        None,
        "150000000",
        "2024-09-05",
        "bank",
        "success",
        "KBNN CHUYEN KINH PHI CHI TRO CAP XA HOI T09/2024",
        "CRDT",
        None,
    ),
    # :86: over two lines, the first cut at a word: joined with a space
    (
        "CTXH240900001",
        None,
        None,
        None,
        "1500000",
        "2024-09-05",
        "bank",
        "success",
        "CHI TRA TRO CAP XA HOI T09/2024 CCCD 079196118125 NGUYEN THI THANH HUONG",
        "DBIT",
        None,
    ),
    # no entry date; the amount as written, the decimal comma a point
    (
        "CTXH240900002",
        None,
        None,
        None,
        "2250000.00",
        "2024-09-05",
        "bank",
        "success",
        "CHI TRA TRO CAP XA HOI T09/2024 CCCD 001038005555 TRAN VAN BINH",
        "DBIT",
        None,
    ),
    # the payment reversed later in the file: returned
    (
        "CTXH240900003",
        None,
        None,
        None,
        "1000000",
        "2024-09-05",
        "bank",
        "returned",
        "CHI TRA TRO CAP XA HOI T09/2024 CCCD 001145007788 LE THI HONG NHUNG; reversal",
        "DBIT",
        None,
    ),
    # a line of 65 characters cut in the middle of the ID: joined without a space
    (
        "FT24249000105",
        None,
        None,
        None,
        "750000",
        "2024-09-05",
        "bank",
        "success",
        "CHI TRA TRO CAP XA HOI T09/2024 HO TRO NGUOI CAO TUOI CCCD 001140012345 PHAM VAN DUC",
        "DBIT",
        None,
    ),
    # the reversal (RD): the money coming back, a credit; the :86: after :62F: is not read into it
    (
        "CTXH240900003",
        None,
        None,
        None,
        "1000000",
        "2024-09-06",
        "bank",
        "returned",
        "HOAN TRA GIAO DICH CTXH240900003 TAI KHOAN NGUOI HUONG DA DONG; reversal",
        "CRDT",
        None,
    ),
]


def test_vietnamese_statement_rows():
    assert rows_of(VN) == VN_ROWS


def test_vietnamese_statement_control():
    assert read_with_control(VN)[3] == Control(count=4, amount="5500000", what="MT940 balances (debits)", checked=True)


def test_direction_of_credits_debits_and_reversals(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:REF1",
            ":25:0071001234567",
            ":28C:1/1",
            ":60F:C240901VND10000000,",
            ":61:240902C5000000,NTRFNONREF//FT1",
            ":86:NHAN TIEN",
            ":61:240902D1000000,NTRFCT1//FT2",
            ":86:CHI TRA CT1",
            ":61:240902RC300000,NTRFNONREF//FT3",
            ":86:HUY GHI CO",  # reversal of a credit: money taken back, no payment
            ":61:240903RD1000000,NTRFCT1//FT4",
            ":86:HOAN TRA CT1",  # reversal of the debit CT1: money back
            ":61:240903RD200000,NTRFCT9//FT5",  # reversal of a debit not in the file: it stands for that payment
            ":62F:C240903VND14900000,",
        ),
    )
    assert rows_of(path) == [
        ("FT1", None, None, None, "5000000", "2024-09-02", "bank", "success", "NHAN TIEN", "CRDT", None),
        ("CT1", None, None, None, "1000000", "2024-09-02", "bank", "returned", "CHI TRA CT1; reversal", "DBIT", None),
        (
            "FT3",
            None,
            None,
            None,
            "300000",
            "2024-09-02",
            "bank",
            "returned",
            "HUY GHI CO; reversal",
            "CRDT",
            "a reversal of money into the account (RC, the reversal of a credit): money in taken back, not a payment",
        ),
        ("CT1", None, None, None, "1000000", "2024-09-03", "bank", "returned", "HOAN TRA CT1; reversal", "CRDT", None),
        ("CT9", None, None, None, "200000", "2024-09-03", "bank", "returned", "reversal", "DBIT", None),
    ]
    # the balances go by the entries as booked: 10,000,000 + 5,000,000 + 1,000,000 + 200,000 - 1,000,000
    # - 300,000 = 14,900,000; the debits booked are D and RC
    assert read_with_control(path)[3] == Control(
        count=2, amount="1300000", what="MT940 balances (debits)", checked=True
    )


def test_a_reference_longer_than_sixteen_characters_is_read_whole(tmp_path):
    """SWIFT caps the :61: reference at 16 characters; banks write longer ones. Cut at 16, the first two
    payments here would be one reference twice, a DUPLICATE_PAYMENT that is not."""
    path = write(
        tmp_path,
        statement(
            ":20:REF1",
            ":25:0071001234567",
            ":60F:C240901VND10000000,",
            ":61:2409050905D1500000,NTRFCTXH2024090500001",
            ":86:CHI TRO CAP 079301001234",
            ":61:2409050905D1500000,NTRFCTXH2024090500002",
            ":86:CHI TRO CAP 001204005678",
            ":61:2409050905D2250000,NTRFCTXH20240905000003//FT24249000777",
            ":86:CHI LUONG HUU 036035000123",
            ":62F:C240905VND4750000,",
        ),
    )
    assert [row[0] for row in rows_of(path)] == ["CTXH2024090500001", "CTXH2024090500002", "CTXH20240905000003"]
    assert bank_refs_of(path) == [None, None, "FT24249000777"]


def test_a_reference_padded_to_sixteen_and_followed_by_details_is_the_reference_alone(tmp_path):
    """The old Rabobank layout pads the reference to SWIFT's 16 characters and writes details after it on
    the same line: NONREF there is no reference (two payees are no duplicate), and the payee's name no
    part of one."""
    path = write(
        tmp_path,
        statement(
            ":20:REF1",
            ":25:0071001234567",
            ":60F:C240901VND10000000,",
            ":61:240905D500000,NTRFNONREF          TRO CAP T09",
            ":86:CHI TRO CAP T09/2024 CCCD 001038005555",
            ":61:240905D500000,NTRFNONREF          TRO CAP T09//FT2",
            ":86:CHI TRO CAP T09/2024 CCCD 036136000333",
            ":61:240905D750000,NTRFCTXH092024      LE VAN CUONG",
            ":86:CHI TRO CAP T09/2024 CCCD 079052004567",
            ":61:240905D500000,NTRFCTXH2024090500001 LE VAN AN",
            ":86:CHI TRO CAP T09/2024 CCCD 036035000111",
            ":62F:C240905VND7750000,",
        ),
    )
    assert [row[0] for row in rows_of(path)] == [None, "FT2", "CTXH092024", "CTXH2024090500001"]


def test_balance_mismatch_refused_naming_the_statement_by_position(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:STMT1",
            ":25:0071001234567",
            ":28C:1/1",
            ":60F:C240901VND1000000,",
            ":61:240902D500000,NTRFCT1",
            ":86:CHI TRA CT1",
            ":62F:C240902VND500000,",
            "-",
            ":20:STMT2",
            ":25:0071001234567",
            ":28C:2/1",
            ":60F:C240902VND10000000,",
            ":61:240903D4000000,NTRFCT2",
            ":86:CHI TRA CT2 CCCD 079196118125 NGUYEN VAN A",
            ":61:240903D500000,NTRFCT3",
            ":86:CHI TRA CT3",
            ":62F:C240903VND5600000,",
            "-",
        ),
    )
    assert error_of(path) == (
        f"{path}: its statement 2 opens at 10,000,000, moves -4,500,000 and says it closes at 5,600,000; {CONTROL_FIX}"
    )
    assert "0071001234567" not in error_of(path) and "NGUYEN" not in error_of(path)


def test_balance_mismatch_with_fractions_and_a_debit_balance(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:S", ":25:NL71RABO0123456789", ":60F:D240901EUR100,50", ":61:240902C20,25NTRFX", ":62F:D240902EUR80,00"
        ),
    )
    assert error_of(path) == (
        f"{path}: its statement 1 opens at -100.50, moves +20.25 and says it closes at -80.00; {CONTROL_FIX}"
    )


def test_statement_without_closing_balance_refused(tmp_path):
    path = write(
        tmp_path, statement(":20:S", ":25:0071001234567", ":60F:C240901VND1000000,", ":61:240902D500000,NTRFCT1")
    )
    assert error_of(path) == f"{path}: its statement 1 has an opening balance but no closing balance; {CONTROL_FIX}"


def test_amount_in_another_currency_is_written_with_it(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:S",
            ":25:DE89370400440532013000",
            ":60F:C240901EUR1000,00",
            ":61:2409020902D123,45NTRFINV-1//B1",
            ":86:Invoice 1",
            ":61:2409020902D100,NTRFINV-2//B2",
            ":86:Invoice 2",
            ":62F:C240902EUR776,55",
        ),
    )
    assert [(r[0], r[4], r[9]) for r in rows_of(path)] == [
        ("INV-1", "123.45 EUR", "DBIT"),
        ("INV-2", "100 EUR", "DBIT"),
    ]
    # a run refuses the statement of a EUR account in one line, rather than each row
    with pytest.raises(InputFileError) as info:
        read_with_control(path)
    assert str(info.value) == (
        f"{path}: is a statement of an account in EUR, not VND: all its 2 entries are in "
        "EUR; ask the bank for the statement of the VND account that pays the benefits"
    )
    assert read_with_control(path, vnd_only=False)[3] == Control(
        count=2, amount="223.45 EUR", what="MT940 balances (debits)", checked=True
    )


def test_statement_without_transactions_gives_no_rows(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:S",
            ":25:0071001234567",
            ":28C:250/1",
            ":60F:C240907VND195500000,",
            ":62F:C240907VND195500000,",
            ":64:C240907VND195500000,",
            "-",
        ),
    )
    headers, frame, first_row, control = read_with_control(path)
    assert headers == COLUMNS == frame.columns[: len(headers)]
    assert frame.height == 0 and first_row == 1
    assert all(str(dtype) == "String" for dtype in frame.dtypes)
    assert control == Control(count=0, amount="0", what="MT940 balances (debits)", checked=True)


def test_swift_envelope_with_two_messages(tmp_path):
    text = "".join(
        "{1:F01BFTVVNVXAXXX0000000000}{2:O9401630240906BFTVVNVXAXXX00000000002409061630N}{3:{108:X}}{4:\r\n"
        f":20:S{n}\r\n:25:0071001234567\r\n:28C:{n}/1\r\n:60F:C24090{n}VND1000000,\r\n"
        f":61:24090{n}D250000,NTRFCT{n}//FT{n}\r\n:86:CHI TRA CT{n}\r\n:62F:C24090{n}VND750000,\r\n"
        "-}{5:{CHK:0A1B2C3D4E5F}}\r\n"
        for n in (1, 2)
    )
    text = text.replace(":60F:C240902VND1000000,", ":60F:C240902VND750000,").replace(
        ":62F:C240902VND750000,", ":62F:C240902VND500000,"
    )
    path = write(tmp_path, text, "statement")
    assert rows_of(path) == [
        ("CT1", None, None, None, "250000", "2024-09-01", "bank", "success", "CHI TRA CT1", "DBIT", None),
        ("CT2", None, None, None, "250000", "2024-09-02", "bank", "success", "CHI TRA CT2", "DBIT", None),
    ]
    assert read_with_control(path)[3] == Control(count=2, amount="500000", what="MT940 balances (debits)", checked=True)


def test_mt942_debit_totals_checked(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:INTRADAY",
            ":25:0071001234567",
            ":28C:1/1",
            ":34F:VND0",
            ":13D:2409051200+0700",
            ":61:2409050905D1500000,NTRFCT1//FT1",
            ":86:CHI TRA CT1",
            ":61:2409050905D750000,NTRFCT2//FT2",
            ":86:CHI TRA CT2",
            ":90D:2VND2250000,",
            ":90C:0VND0,",
            "-",
        ),
    )
    assert [(r[0], r[4], r[9]) for r in rows_of(path)] == [("CT1", "1500000", "DBIT"), ("CT2", "750000", "DBIT")]
    assert read_with_control(path)[3] == Control(count=2, amount="2250000", what="MT942 :90D: (debits)", checked=True)


def test_mt942_debit_totals_that_disagree_refused(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:INTRADAY",
            ":25:0071001234567",
            ":28C:1/1",
            ":34F:VND0",
            ":61:2409050905D1500000,NTRFCT1//FT1",
            ":90D:2VND2250000,",
            "-",
        ),
    )
    assert error_of(path) == (
        f"{path}: its statement 1 says it holds 2 debit entries of 2,250,000 but "
        f"1 debit entry of 1,500,000 was read; {CONTROL_FIX}"
    )


def test_mt942_without_totals_has_no_control(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:INTRADAY", ":25:0071001234567", ":28C:1/1", ":34F:VND0", ":61:2409050905D1500000,NTRFCT1//FT1", "-"
        ),
    )
    _, frame, _, control = read_with_control(path)
    assert frame.height == 1 and control is None


def test_empty_file_refused(tmp_path):
    path = write(tmp_path, "  \r\n", "empty.sta")
    assert error_of(path) == f"{path}: file is empty; check that the export finished and send the file again"


def test_not_a_statement_refused(tmp_path):
    path = write(tmp_path, "payment_ref,amount\nCT1,1500000\n", "list.sta")
    assert error_of(path) == (
        f"{path}: is not an MT940 or MT942 statement (no :20:, :60F: or :61: field found); "
        "ask the bank for the account statement as MT940, camt.053 XML or Excel/CSV"
    )


def test_unreadable_field_refused_with_its_line_and_without_its_text(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:S",
            ":25:0071001234567",
            ":60F:C240901VND1000000,",
            ":61:240902D500000,NTRFCT1",
            ":86:CHI TRA CT1",
            ":61:2409XXD NGUYEN VAN A 0071001234567",
            ":62F:C240902VND500000,",
        ),
    )
    message = error_of(path)
    assert message == (
        f"{path}: is not a readable MT940 statement (line 6: its :61: field cannot be read); {UNREADABLE_FIX}"
    )


def test_recognised_by_content_whatever_the_name(tmp_path):
    content = VN.read_bytes()
    for name in ("statement.txt", "statement", "sao_ke.940", "export.dat"):
        path = tmp_path / name
        path.write_bytes(content)
        assert looks_like_mt940(content[:4096])
        assert detect_format(path) == "mt940"
        assert rows_of(path) == VN_ROWS
    plain = statement(":20:S", ":25:0071001234567", ":28C:1/1", ":60F:C240901VND0,", ":62F:C240901VND0,")
    assert looks_like_mt940(plain.encode())
    assert looks_like_mt940(b"\xef\xbb\xbf" + plain.encode())
    assert looks_like_mt940(b"{1:F01X}{2:O940X}{4::20:S\r\n:25:A\r\n:61:240101D1,NTRFX\r\n")  # all on one line
    assert looks_like_mt940(statement(":20:S", ":25:A", ":28C:1", ":34F:VND0", ":13D:2409051200+0700").encode())
    for fixture in ("ing-4.txt", "rabobank-iban.sta", "mt942.sta", "sparkasse_interim_balance.txt"):
        assert looks_like_mt940((MT940 / fixture).read_bytes()[:4096]), fixture


def test_csv_excel_camt_and_parquet_heads_not_recognised():
    heads = [
        (
            b"payment_ref,payee_name,amount,value_date,narrative\n"
            b'CT1,Nguyen Van A,1500000,2024-09-05,":20:REF :25:ACC :60F:C240901VND0, :61:240902D1,NTRF"\n'
        ),
        # the narrative's lines inside quotes start with tags
        b'payment_ref;amount;narrative\nCT1;1500000;"chi tra\n:20:REF\n:25:ACC\n:61:240902D1,NTRF"\n',
        # a list without a header row whose first cell is tag-like
        b":20:REF,1500000,chi tra\n:25:ACC,1,x\n:61:240902D1,2,y\n",
        (
            b"\xef\xbb\xbfM\xc3\xa3 giao d\xe1\xbb\x8bch\tS\xe1\xbb\x91 ti\xe1\xbb\x81n\tN\xe1\xbb\x99i dung\n"
            b"FT1\t1500000\tCT :20: :25: :61:\n"
        ),
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
        b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x12\x00\x00",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
        b"",
    ]
    for head in heads:
        assert not looks_like_mt940(head), head[:40]


# Real samples from public parser test suites (fixtures/mt940/README.md)


def test_real_samples_read_with_their_row_counts():
    counts = {
        "ing-4.txt": 4,
        "rabobank-iban.sta": 4,
        "mt942.sta": 3,
        "sparkasse_interim_balance.txt": 2,
        "vn_bank_statement.sta": 6,
    }
    for name, count in counts.items():
        _, frame, _, control = read_with_control(MT940 / name, vnd_only=False)
        assert frame.height == count, name
        assert control is not None and control.checked, name
    # in a run, the European banks' statements are of EUR and PLN accounts: refused in one line each
    for name, currency in (
        ("ing-4.txt", "EUR"),
        ("rabobank-iban.sta", "EUR"),
        ("mt942.sta", "PLN"),
        ("sparkasse_interim_balance.txt", "EUR"),
    ):
        with pytest.raises(InputFileError, match=f"is a statement of an account in {currency}, not VND: all its"):
            read_with_control(MT940 / name)


def test_real_sample_ing_sepa_fields():
    assert rows_of(MT940 / "ing-4.txt") == [
        (
            "SEPA-20230418220132-60947700-P1",
            None,
            None,
            None,
            "768.51 EUR",
            "2010-04-20",
            "bank",
            "success",
            "TOTAAL 5 VZ",
            "DBIT",
            None,
        ),
        (
            "31101100047720",
            "GREENFLUX ASSETS BV",
            "ABNANL2A",
            "NL71ABNA0841238***",
            "105.20 EUR",
            "2010-07-23",
            "bank",
            "success",
            "Nr. LNT22000057 / 21.2.2023Nr. LNT22000079 / 21.3.2023Nr. LNT22000068 / 21.2.2023",
            "CRDT",
            None,
        ),
        (
            "SCT-1-BO230019-R1",
            "Lambrix Elektrotechniek",
            "RABONL2U",
            "NL68RABO0106200***",
            "335.53 EUR",
            "2010-07-23",
            "bank",
            "success",
            "110130590",
            "CRDT",
            None,
        ),
        (
            "PPM9455956",
            "Rexel Holding Netherlands B.V.",
            None,
            "NL21INGB0650141***",
            "327.78 EUR",
            "2010-07-23",
            "bank",
            "success",
            "POOL-M NL21INGB0650141172 POOL-S NL30INGB0008693687 PPM9455956 22/07/2010",
            "CRDT",
            None,
        ),
    ]
    assert read_with_control(MT940 / "ing-4.txt", vnd_only=False)[3] == Control(
        count=1, amount="768.51 EUR", what="MT940 balances (debits)", checked=True
    )


def test_real_sample_rabobank_eref():
    rows = rows_of(MT940 / "rabobank-iban.sta")
    assert rows[:2] == [
        (
            "01-01-2013 12:00 0030000987654321",
            "CONTRA ACCOUNT HOLDER",
            None,
            None,
            "25.00 EUR",
            "2013-01-01",
            "bank",
            "success",
            None,
            "DBIT",
            None,
        ),
        (
            None,
            "JOHN DOE",
            None,
            None,
            "10.00 EUR",
            "2013-01-02",
            "bank",
            "success",
            "Reference 201301234",
            "DBIT",
            None,
        ),
    ]
    assert read_with_control(MT940 / "rabobank-iban.sta", vnd_only=False)[3] == Control(
        count=4, amount="70 EUR", what="MT940 balances (debits)", checked=True
    )


def test_real_sample_german_structured():
    assert rows_of(MT940 / "sparkasse_interim_balance.txt") == [
        (
            None,
            "ARAL AG",
            "DRESDEFF430",
            "DE95430800830802029200",
            "20.00 EUR",
            "2019-02-18",
            "bank",
            "success",
            "SVWZ+2019-02-15T20.10 Debitk.4 2019-12 ABWA+Aral Tankstelle Chemnitz Leipziger Straße 257//Chemnitz/DE",
            "DBIT",
            None,
        ),
        (
            None,
            "Max Mustermann",
            "NTSBDEB1XXX",
            "DE12345678901234567890",
            "20.00 EUR",
            "2019-02-19",
            "bank",
            "success",
            "SVWZ+Apple Pay DATUM 19.02.2019, 13.24 UHR1.TAN 002153",
            "DBIT",
            None,
        ),
    ]


def test_german_end_to_end_reference(tmp_path):
    path = write(
        tmp_path,
        statement(
            ":20:STARTUMSE",
            ":25:DE11222220220222220200",
            ":60F:C240901EUR100,00",
            ":61:2409020902DR10,00NTRFNONREF",
            ":86:116?00SEPA-UEBERW?100399?20EREF+CTXH240900001?21SVWZ+Chi tra tro cap CCCD 0791?2296118125"
            "?30VBAAVNVX?311400205123456?32NGUYEN THI THANH HUONG",
            ":62F:C240902EUR90,00",
        ),
    )
    assert rows_of(path) == [
        (
            "CTXH240900001",
            "NGUYEN THI THANH HUONG",
            "VBAAVNVX",
            "1400205123456",
            "10.00 EUR",
            "2024-09-02",
            "bank",
            "success",
            "EREF+CTXH240900001 SVWZ+Chi tra tro cap CCCD 079196118125",
            "DBIT",
            None,
        ),
    ]


def test_real_sample_mt942():
    rows = rows_of(MT940 / "mt942.sta")
    assert [(r[0], r[4], r[6], r[7], r[9]) for r in rows] == [
        ("MB170119012058", "0.01 PLN", "bank", "success", "CRDT"),
        ("MB170119012085", "0.01 PLN", "bank", "success", "CRDT"),
        ("MB170119012121", "0.01 PLN", "bank", "success", "CRDT"),
    ]
    assert rows[0][8] == (
        "911 TRANSAKCJA COLLECT; ID IPH: XX000000000001; Z RACH.: 56114010810000267002001001; "
        "OD: JAN NOWAK UL. NIJAKA 1 M 2 31-234 KRAKOW; TYT.: PRZELEW SRODKOW ; "
        "TNR: 179171073864111.010001"
    )
    assert read_with_control(MT940 / "mt942.sta", vnd_only=False)[3] == Control(
        count=0, amount="0 PLN", what="MT942 :90D: (debits)", checked=True
    )


def test_real_sample_with_balances_that_disagree_refused():
    path = MT940 / "sparkasse3.txt"  # an excerpt: the balances of a whole day, one transaction of it
    assert error_of(path) == (
        f"{path}: its statement 1 opens at 931,052.29, moves -1,027.25 and says it closes at 931,304.50; {CONTROL_FIX}"
    )


def test_a_vietnamese_mt940_statement_reconciles_end_to_end(tmp_path):
    """The Vietnamese statement as `--payments`: the payees are named only in the :86: narrative, by
    their ID (one cut over two lines); the reversed transfer is a failed payment; the funding credit
    and the reversal's money back are set aside; the balances are recorded as the file's control."""
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,"
        "Số tài khoản,Mã tỉnh,Trạng thái\n"
        "079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.500.000,Chuyển khoản,VCB,0071000000001,79,"
        "Đang hưởng\n"
        "001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2.250.000,Chuyển khoản,VCB,0071000000002,01,"
        "Đang hưởng\n"
        "001145007788,Lê Thị Hồng Nhung,03/03/1945,Nữ,Trợ cấp xã hội,1.000.000,Chuyển khoản,VCB,0071000000003,01,"
        "Đang hưởng\n"
        "001140012345,Phạm Thị Đức,04/04/1940,Nữ,Trợ cấp xã hội,750.000,Chuyển khoản,VCB,0071000000004,01,Đang hưởng\n",
        encoding="utf-8",
    )
    statement = MT940 / "vn_bank_statement.sta"
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(
        cli, ["run", "--period", "2024-09", "--db", str(db), "--registry", str(registry), "--payments", str(statement)]
    )
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY code").fetchall() == [
            ("MISSING_PAYMENT", "001145007788", None),
            ("PAYMENT_FAILED", "001145007788", "CTXH240900003"),
        ]
        assert con.execute(
            "SELECT payment_ref, vneid, vneid_source, payee_name, status FROM payments ORDER BY source_row"
        ).fetchall() == [
            ("CTXH240900001", "079196118125", "narrative", None, "success"),
            ("CTXH240900002", "001038005555", "narrative", None, "success"),
            ("CTXH240900003", "001145007788", "narrative", None, "returned"),
            ("FT24249000105", "001140012345", "narrative", None, "success"),
        ]
        assert con.execute("SELECT source_row, reason FROM rejected_rows ORDER BY source_row").fetchall() == [
            (1, "credit (money into the account), not a payment"),
            (6, "credit: a return or reversal, not a payment (a returned payment is its debit row)"),
        ]
        assert con.execute(
            "SELECT format, rows_read, rows_loaded, control_count, control_amount, control_source "
            "FROM inputs WHERE role = 'payments'"
        ).fetchone() == ("mt940", 6, 4, 4, 5_500_000, "MT940 balances (debits)")


def test_check_says_entries_set_aside_currency_and_balances():
    from click.testing import CliRunner

    from reconcile.cli import cli

    res = CliRunner().invoke(cli, ["check", str(VN), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 0
    assert res.output.splitlines()[3:] == [
        "rows: 6 read, 4 loaded, 0 rejected, 2 set aside as no payment",
        "currency: VND, all 6 entries",
        "totals: MT940 balances (debits) says 4 entries of 5,500,000 VND; the entries read agree",
        "set aside: 1 row: credit (money into the account), not a payment (row 1)",
        "set aside: 1 row: credit: a return or reversal, not a payment (a returned payment is its debit row) (row 6)",
    ]


@pytest.mark.parametrize("written", ["240231", "240931"])
def test_a_value_date_no_calendar_has_rejects_its_row(tmp_path, written):
    """`:61:240231` was read as 29/02/2024 (the parser moves a day past the month's end to its last),
    a wrong date loaded as right; `:61:240931` refused the whole statement. The row is rejected, as a
    camt entry's or a CSV row's impossible date is."""
    path = tmp_path / "bank.sta"
    path.write_text(
        VN.read_text(encoding="utf-8").replace(":61:2409050905D1500000", f":61:{written}0905D1500000"), encoding="utf-8"
    )
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 1, res.output  # rows rejected
    assert (
        "row 2: rejected: value_date is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)" in res.stdout.splitlines()
    )


def _wrapped(*details: list[str]) -> str:
    """A Vietnamese statement of one debit of 750,000 per :86: field given (its lines)."""
    lines = [":20:VCB240906000123", ":25:0071001234567", ":28C:249/1", ":60F:C240904VND50000000,"]
    for n, field in enumerate(details, start=1):
        lines += [f":61:2409050905D750000,NTRFCTXH24090000{n}//FT2424900010{n}", ":86:" + field[0], *field[1:]]
    closing = 50_000_000 - 750_000 * len(details)
    return statement(*lines, f":62F:C240905VND{closing},")


def test_a_line_cut_at_65_characters_counting_the_tag_is_joined_without_a_space(tmp_path):
    """A bank that cuts its lines at 65 characters with the `:86:` tag counted cuts the first line of
    :86: after 61 characters: an ID cut there was joined with a space (`CCCD 00 1140012345`) and lost,
    the payment taken for one naming nobody. Such a file's first lines are none longer than 61: a
    first line of 61 is joined to the next without a space, a shorter one with a space."""
    text = "CHI TRA TRO CAP XA HOI T09/2024 HO TRO NGUOI CAO TUOI CCCD 001140012345 PHAM VAN DUC"
    physical = ":86:" + text
    cut = [physical[4:65], physical[65:]]
    assert len(":86:" + cut[0]) == 65 and cut[0].endswith("CCCD 00")
    short = ["CHI TRA TRO CAP XA HOI T09/2024 CCCD 079196118125", "NGUYEN THI THANH HUONG"]
    path = write(tmp_path, _wrapped(cut, short))
    assert read(path)[1]["narrative"].to_list() == [
        "CHI TRA TRO CAP XA HOI T09/2024 HO TRO NGUOI CAO TUOI CCCD 001140012345 PHAM VAN DUC",
        "CHI TRA TRO CAP XA HOI T09/2024 CCCD 079196118125 NGUYEN THI THANH HUONG",
    ]


def test_a_first_line_of_61_characters_is_no_cut_where_the_bank_counts_65_after_the_tag(tmp_path):
    """In a file whose first lines run to 65 characters after the tag (SWIFT's count), a first line of
    61 ended where the bank chose: the next line's number is not glued to the ID before it (which
    would make it a number of 16 digits, no ID)."""
    long = ["CHI TRA TRO CAP XA HOI T09/2024 HO TRO NGUOI CAO TUOI CCCD 001140", "012345 PHAM VAN DUC"]
    ended = ["CHI TRA TRO CAP XA HOI T09/2024 HO TRO NCT, CCCD 079196118125", "1234 NGUYEN VAN A"]
    assert len(long[0]) == 65 and len(ended[0]) == 61
    path = write(tmp_path, _wrapped(long, ended))
    assert read(path)[1]["narrative"].to_list() == [
        "CHI TRA TRO CAP XA HOI T09/2024 HO TRO NGUOI CAO TUOI CCCD 001140012345 PHAM VAN DUC",
        "CHI TRA TRO CAP XA HOI T09/2024 HO TRO NCT, CCCD 079196118125 1234 NGUYEN VAN A",
    ]


def test_lines_cut_at_35_characters_are_joined_without_a_space(tmp_path):
    """A bank that cuts its :86: text every 35 characters, as camt's lines are, cut IDs in two
    (`CCCD 07` | `9196118125`): joined with a space, the ID was lost, the payment a rejected row and
    its beneficiary a MISSING_PAYMENT. Every line but the last of each field is 35 long and none
    longer: such lines are joined without a space."""
    texts = [
        "CHI TRO CAP XA HOI T09/2024 CCCD 079196118125 NGUYEN THI THANH HUONG",
        "CHI TRA TRO CAP XA HOI T09/2024 CCCD 001038005555 TRAN VAN BINH",
        "CHI TRO CAP T09/2024 CCCD 001145007788 LE THI HONG NHUNG",
    ]
    path = write(tmp_path, _wrapped(*([t[i : i + 35] for i in range(0, len(t), 35)] for t in texts)))
    assert read(path)[1]["narrative"].to_list() == texts
    ended = [
        ["CHI TRA TRO CAP T09/2024 CCCD", "079196118125 NGUYEN THI HUONG"],
        ["CHI TRA TRO CAP T9", "CCCD 001038005555"],
    ]
    assert read(write(tmp_path, _wrapped(*ended), "ended.sta"))[1]["narrative"].to_list() == [
        "CHI TRA TRO CAP T09/2024 CCCD 079196118125 NGUYEN THI HUONG",
        "CHI TRA TRO CAP T9 CCCD 001038005555",
    ]


def test_an_id_in_a_reference_alone_is_added_to_the_narrative_where_the_run_looks_for_it(tmp_path):
    """`:61:` reference `079196118125` (or :86:'s EREF `CCCD001097699417`) and a narrative naming no
    one: the payment was rejected as naming no one. An ID the narrative has already is not added."""
    path = write(
        tmp_path,
        statement(
            ":20:BIDV240905001",
            ":25:12010000999999",
            ":28C:248/1",
            ":60F:C240904VND10000000,",
            ":61:2409050905D1500000,NTRF079196118125//FT24254000101",
            ":86:CHI TRA TRO CAP T09/2024",
            ":61:2409050905D2250000,NTRFNONREF//FT24254000102",
            ":86:/EREF/CCCD001097699417/REMI/CHI TRA TRO CAP T09/2024",
            ":61:2409050905D1000000,NTRF001145007788//FT24254000103",
            ":86:CHI TRA TRO CAP T09/2024 CCCD 001145007788",
            ":62F:C240905VND5250000,",
        ),
    )
    assert [row[8] for row in rows_of(path)] == [
        "CHI TRA TRO CAP T09/2024; reference 079196118125",
        "CHI TRA TRO CAP T09/2024; EREF CCCD001097699417",
        "CHI TRA TRO CAP T09/2024 CCCD 001145007788",
    ]


def test_the_paying_office_s_account_written_after_ct_tu_is_no_payee_s_id(tmp_path):
    """VietinBank's narrative of an interbank transfer, `CT tu <the office's account> ... toi <the
    payee's account> <NAME> tai <bank>`, names no ID: the office's 12-digit account (001867000999, the
    shape of an ID born in Hà Nội) was taken for each payee's ID, two UNKNOWN_PAYEE and their
    beneficiaries two MISSING_PAYMENT. The number after `CT tu` is the account paid from, that after
    `toi` the account paid into: both matched by account now, the 12-digit one too. The name written
    after it is the payee's: a transfer to Chi's account under another's name was rejected as naming
    no one (`payee_name missing`), and Chi a MISSING_PAYMENT; it is paid to her account, a NAME_MISMATCH."""
    path = write(
        tmp_path,
        statement(
            ":20:ICB240905",
            ":25:101867000999",
            ":28C:1/1",
            ":60F:C240904VND20000000,",
            ":61:2409050905D5300000,NTRFCTXH001//FT001",
            ":86:CT tu 001867000999 SO LDTBXH TINH X toi 101867001234 PHAM THI DUNG tai VIETINBANK CHI LUONG HUU T9/2024",
            ":61:2409050905D1500000,NTRFCTXH002//FT002",
            ":86:CT từ 001867000999 SO LDTBXH TINH X tới 0011001234567 NGUYEN VAN AN tai VCB CHI TRO CAP XA HOI T9/2024",
            ":61:2409050905D1500000,NTRFCTXH003//FT003",
            ":86:CT tu 001867000999 SO LDTBXH TINH X toi 0011001234599 LE VAN CUONG CHI TRO CAP XA HOI T9/2024",
            ":62F:C240905VND11700000,",
        ),
    )
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "vneid,full_name,date_of_birth,program,entitled_amount,channel,bank_code,account_number,status\n"
        "001044012345,Nguyễn Văn An,1944-03-01,welfare,1500000,bank,VCB,0011001234567,active\n"
        "038152000333,Phạm Thị Dung,1952-07-04,pension,5300000,bank,ICB,101867001234,active\n"
        "001150000111,Nguyễn Thị Chi,1950-05-06,welfare,1500000,bank,VCB,0011001234599,active\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.duckdb"
    result = CliRunner().invoke(
        cli, ["run", "--period", "2024-09", "--registry", str(registry), "--payments", str(path), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT payment_ref, vneid, payee_name, account_number FROM payments ORDER BY 1"
        ).fetchall() == [
            ("CTXH001", None, "PHAM THI DUNG", "101867001234"),
            ("CTXH002", None, "NGUYEN VAN AN", "0011001234567"),
            ("CTXH003", None, "LE VAN CUONG", "0011001234599"),
        ]
        assert con.execute("SELECT vneid, method FROM matches ORDER BY 1").fetchall() == [
            ("001044012345", "account"),
            ("001150000111", "account"),
            ("038152000333", "account"),
        ]
        assert con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall() == [
            ("NAME_MISMATCH", "001150000111", "CTXH003")
        ]


def test_a_statement_given_twice_in_one_file_is_refused(tmp_path):
    """The same day's statement twice in one file (the same `:20:`, `:28C:`, balances and entries): each
    added up on its own and the chain took the two for pages of one day, so its payments were read
    twice, each beneficiary a DUPLICATE_PAYMENT and an AMOUNT_MISMATCH for money never overpaid."""
    day = [
        ":20:VCB240905",
        ":25:0011000999999",
        ":28C:249/1",
        ":60F:C240904VND10000000,",
        ":61:2409050905D1500000,NTRFCTXH0905001//FT24249000001",
        ":86:CHI TRO CAP XA HOI T9/2024 CCCD 001044012345 NGUYEN VAN AN",
        ":62F:C240905VND8500000,",
        "-",
    ]
    path = write(tmp_path, statement(*day, *day))
    with pytest.raises(InputFileError) as info:
        read_file(path, "payments")
    assert str(info.value) == (
        f"{path}: its statement 2 is its statement 1 again (the same account, balances on 2024-09-05 and entries): "
        "the statement given twice, each of its payments would be counted twice; give each statement once: ask "
        "the bank for the file again, or leave the copy out"
    )
    # the next day's, opening where it closed and paying as much, is no copy
    following = [line.replace("240905", "240906").replace("0905", "0906") for line in day]
    following[3], following[6] = ":60F:C240905VND8500000,", ":62F:C240906VND7000000,"
    assert read_file(write(tmp_path, statement(*day, *following), "two_days.sta"), "payments").frame.height == 2


def test_an_entry_without_any_reference_is_numbered_by_its_row(tmp_path):
    """`NONREF` and no bank reference after `//` (an Agribank statement's transfers): each such row was
    rejected `payment_ref missing`, its beneficiary a MISSING_PAYMENT, the file one the officer cannot
    mend. Its row's number in the file is its reference now; two such rows paying one man the same are
    two payments (a DUPLICATE_PAYMENT), not one."""
    path = write(
        tmp_path,
        statement(
            ":20:AGR240905",
            ":25:3600205999999",
            ":28C:00001/001",
            ":60F:C240904VND10000000,",
            ":61:2409050905D1500000,NMSCCTXH0001//FT001",
            ":86:CHI TRO CAP XA HOI T9/2024 CCCD 001044012345 NGUYEN VAN AN",
            ":61:2409050905D1250000,NMSCNONREF",
            ":86:CHI TRO CAP XA HOI T9/2024 CCCD 040047000444 HOANG VAN EM",
            ":61:2409050905D1250000,NMSCNONREF",
            ":86:CHI TRO CAP XA HOI T9/2024 CCCD 040047000444 HOANG VAN EM",
            ":62F:C240905VND6000000,",
        ),
    )
    table = read_file(path, "payments")
    ref = next(c for c, canonical in table.header_map.items() if canonical == "payment_ref")
    assert table.frame[ref].to_list() == ["CTXH0001", "2", "3"]
    assert "payment_ref = the row's number in the file where an entry has no reference (NONREF)" in table.notes


def test_a_structured_86_without_its_transaction_code_is_read_by_its_subfields(tmp_path):
    """`:86:?20CHI LUONG HUU T9/2024?21CCCD 036045000222?32LE VAN CUONG?3112010000123456`, the German
    subfields without the 3-digit code before them: kept as free text, the name and account were not
    read, and an ID cut across `?20`/`?21` was not found."""
    path = write(
        tmp_path,
        statement(
            ":20:BIDV240905",
            ":25:12010000999999",
            ":28C:1/1",
            ":60F:C240904VND10000000,",
            ":61:2409050905D4200000,NTRFLH001//FT1",
            ":86:?20CHI LUONG HUU T9/2024?21CCCD 036045000222?32LE VAN CUONG?3112010000123456",
            ":62F:C240905VND5800000,",
        ),
    )
    ((ref, payee, _bank, account, amount, *_rest),) = rows_of(path)
    assert (ref, payee, account, amount) == ("LH001", "LE VAN CUONG", "12010000123456", "4200000")
