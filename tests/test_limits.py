"""Hostile and broken files are refused in seconds, with one line and exit 2, before they can exhaust the
machine: a zip bomb, a line of megabytes, thousands of columns, XML nested without end, a file over the
configured size (issue 18)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from conftest import FIXTURES
from reconcile.cli import cli

REGISTRY = FIXTURES / "sample" / "registry.csv"
FIX = "raise the limit in [limits] of the config if the file is genuine"


def refused(tmp_path, payments, *extra) -> str:
    db = tmp_path / "r.duckdb"
    started = time.perf_counter()
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--db",
            str(db),
            "--registry",
            str(REGISTRY),
            "--payments",
            str(payments),
            *extra,
        ],
    )
    assert time.perf_counter() - started < 60
    assert res.exit_code == 2, res.output
    assert not db.exists()
    lines = res.stderr.splitlines()
    assert lines[-1].startswith("reconcile: error: ") and "Traceback" not in res.output
    return lines[-1].removeprefix("reconcile: error: ")


def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(tmp_path):
    book = io.BytesIO()
    Workbook().save(book)
    path = tmp_path / "bang_ke.xlsx"
    with zipfile.ZipFile(book) as small, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in small.infolist():
            bomb.writestr(item, small.read(item))
        bomb.writestr("xl/media/padding.bin", b"0" * (80 << 20))  # 80 MB of one byte: about 80 KB packed
    assert path.stat().st_size < 1 << 20
    message = refused(tmp_path, path)
    assert (
        message.startswith(f"{path}: would expand ")
        and "times when opened (to 80 MB), more than any "
        "spreadsheet does ([limits] max_zip_ratio 200); check where it came from: it looks like a zip bomb"
        in message
    )


def test_a_zip_bomb_whose_directory_lies_about_its_sizes_is_refused(tmp_path):
    """A directory can declare any size: a sheet of 80 MB declared as 1,000 bytes, which a reader that
    trusts the declaration would inflate whole into memory, is measured as it is."""
    import struct

    book = io.BytesIO()
    Workbook().save(book)
    path = tmp_path / "bang_ke.xlsx"
    with zipfile.ZipFile(book) as small, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in small.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, small.read(item))
        bomb.writestr("xl/worksheets/sheet1.xml", b"<x>" + b" " * (80 << 20) + b"</x>")
    data = bytearray(path.read_bytes())
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, directory entry
        name_at = 30 if signature == b"PK\x03\x04" else 46
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + 24] == b"xl/worksheets/sheet1.xml":
                struct.pack_into("<I", data, at + size_at, 1000)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as lying:
        assert sum(e.file_size for e in lying.infolist()) < 64 << 10
    message = refused(tmp_path, path)
    assert message.startswith(f"{path}: would expand ") and message.endswith(
        "more than any spreadsheet does ([limits] max_zip_ratio 200); check where it came from: it looks like a zip bomb"
    )


@pytest.mark.parametrize("end", [b"\n", b"\r"], ids=["newline", "carriage-return"])  # \r alone: classic Mac OS
def test_a_line_of_megabytes_is_refused(tmp_path, end):
    path = tmp_path / "bank.csv"
    path.write_bytes(
        b"payment_ref,payee_name,amount,value_date,channel"
        + end
        + b"A" * (3 << 20)
        + end
        + b"B,C,1,05/09/2024,bank"
        + end
    )
    assert refused(tmp_path, path) == (
        f"{path}: has a line (line 2) longer than 1,024 KB ([limits] max_line_kb); "
        f"check that it is a CSV file with one row per line, or {FIX}"
    )


def test_thousands_of_columns_are_refused(tmp_path):
    path = tmp_path / "bank.csv"
    header = ["payment_ref", "payee_name", "amount", "value_date", "channel"] + [f"c{i}" for i in range(3000)]
    path.write_text(
        ",".join(header) + "\n" + ",".join(["FT1", "A", "1", "05/09/2024", "bank"] + [""] * 3000) + "\n",
        encoding="utf-8",
    )
    assert refused(tmp_path, path) == (
        f"{path}: has 3,005 columns, over the limit of 2,000 ([limits] max_columns); "
        f"check that it is the right file, or {FIX}"
    )


def test_xml_nested_without_end_is_refused(tmp_path):
    path = tmp_path / "bank.xml"
    path.write_text(
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        "<BkToCstmrStmt>" + "<a>" * 5000 + "</a>" * 5000 + "</BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    assert refused(tmp_path, path) == (
        f"{path}: is XML nested deeper than 64 levels ([limits] max_xml_depth), which "
        "no bank statement is; ask the bank to export the file again; it may be damaged "
        "or hostile"
    )


def test_a_file_over_the_configured_size_is_refused(tmp_path):
    config = tmp_path / "reconcile.toml"
    config.write_text("[limits]\nmax_file_mb = 1\n", encoding="utf-8")
    path = tmp_path / "bank.csv"
    path.write_bytes(
        b"payment_ref,payee_name,amount,value_date,channel\n"
        + b"".join(b"FT%07d,NGUYEN VAN A,1500000,05/09/2024,bank\n" % i for i in range(40_000))
    )
    assert refused(tmp_path, path, "--config", str(config)) == (
        f"{path}: is 2 MB, over the limit of 1 MB ([limits] max_file_mb); check that it is the right file, or {FIX}"
    )


# -- a field of many lines (a quoted field may span lines), a text of megabytes in XML ------------------

PAYMENTS_HEADER = b"payment_ref,payee_name,amount,value_date,channel,narrative\n"
FIELD_FIX = f"check that its quoted fields are closed, or {FIX}"
XML_FIX = "ask the bank to export the file again; it may be damaged or hostile"


def limits_config(tmp_path, **values) -> str:
    config = tmp_path / "reconcile.toml"
    config.write_text("[limits]\n" + "".join(f"{k} = {v}\n" for k, v in values.items()), encoding="utf-8")
    return str(config)


def test_a_quoted_field_of_many_short_lines_is_refused(tmp_path):
    """Each line is short, so the line limit passes it: the field (200 MB in the report that found
    it) is measured from its opening quote, across its lines."""
    path = tmp_path / "bank.csv"
    path.write_bytes(
        PAYMENTS_HEADER
        + b"FT1,A,1,05/09/2024,bank,x\n"
        + b'FT2,B,1,05/09/2024,bank,"'
        + b'C""C\n' * 20_000  # 100 KB, doubled quotes in it
        + b'"\nFT3,C,1,05/09/2024,bank,x\n'
    )
    assert refused(tmp_path, path, "--config", limits_config(tmp_path, max_field_kb=64)) == (
        f"{path}: has a field (in the row from line 3) longer than 64 KB ([limits] max_field_kb); {FIELD_FIX}"
    )


def test_a_quoted_field_that_never_closes_is_refused_at_the_default_limit(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_bytes(PAYMENTS_HEADER + b'FT1,A,1,05/09/2024,bank,"' + (b"C" * 999 + b"\n") * 2000)
    assert refused(tmp_path, path) == (
        f"{path}: has a field (in the row from line 2) longer than 1,024 KB ([limits] max_field_kb); {FIELD_FIX}"
    )


def fed(data: bytes, size: int, field_kb: int = 64) -> str | None:
    """What LineCheck says of a file fed in chunks of `size` bytes: None, or its error."""
    from reconcile.errors import InputFileError
    from reconcile.readers import limits

    old = limits.CURRENT.max_field_kb
    limits.CURRENT.max_field_kb = field_kb
    try:
        check = limits.LineCheck(Path("f.csv"))
        size = min(size, check.chunk_size)  # as the file's hash is computed: no chunk over the limits
        for at in range(0, len(data), size):
            check.feed(data[at : at + size])
    except InputFileError as exc:
        return exc.problem
    finally:
        limits.CURRENT.max_field_kb = old
    return None


LONG = b"L" * 40_000 + b"\n"  # 40 KB: two of them in a field are over 64 KB


@pytest.mark.parametrize("size", [1, 7, 4096, 1 << 20])
@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'a,b\n1,"' + LONG + LONG + b'"\n', 2),  # one field of two long lines
        (b'a,b\n1,2\n3,"x\n"y"' + LONG * 2 + b'"\n', 3),  # quotes toggle: "x\n" then y, then "LL..
        (b'a,b\n"1\n""x""' + LONG + b'""\n' + LONG + b'x"\n', 2),  # doubled quotes inside
        (b'a,b\n1,"' + LONG + b'",x"\n' + LONG + b'"\n', 2),  # closed, opened again on its row
        (b'a,b\n1,"\n' + LONG + LONG, 2),  # never closed
    ],
)
def test_a_field_is_measured_across_lines_and_chunks(data, line, size):
    assert fed(data, size) == f"has a field (in the row from line {line}) longer than 64 KB ([limits] max_field_kb)"


@pytest.mark.parametrize("size", [1, 7, 4096, 1 << 20])
@pytest.mark.parametrize(
    "data",
    [
        b'a,b\n1,"x\ny"\n' * 3 + LONG * 3,  # short fields of two lines, long rows of one
        b'a,b\n"' + LONG + b'",1\n"' + LONG + b'",2\n',  # long fields, each under the limit
        b'a,b\n"x"",""y",' + LONG * 2,  # quotes in pairs on every line
        b'"a\nb","c\nd"\n' * 20_000,  # 240 KB of rows whose fields span lines
    ],
)
def test_rows_of_short_fields_pass(data, size):
    assert fed(data, size) is None


def test_quoted_narratives_of_several_lines_still_read(tmp_path):
    from reconcile.readers import read_file

    path = tmp_path / "bank.csv"
    narrative = 'Chi trợ cấp T09/2024\nCCCD 001060916712 ""gấp""\r\n' + "x" * 5000 + "\n"
    path.write_bytes(
        PAYMENTS_HEADER
        + "".join(f'FT{i},"NGUYEN\nVAN A",1,05/09/2024,bank,"{narrative}"\n' for i in range(300)).encode()
    )
    frame = read_file(path, "payments").text_frame()
    assert frame.height == 300
    assert frame["narrative"][0] == narrative.replace('""', '"')


CAMT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S1</Id>'
)


def camt_entry(narrative: str, attribute: str = "VND") -> str:
    return (
        f'<Ntry><Amt Ccy="{attribute}">100000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
        "<ValDt><Dt>2024-09-05</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>FT1</EndToEndId></Refs>"
        f"<RmtInf><Ustrd>{narrative}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


@pytest.mark.parametrize(
    ("text", "attribute", "element"),
    [
        ("A" * 100_000, "VND", "Ustrd"),  # over the limit, measured as its element ends
        ("A" * (20 << 20), "VND", "Ustrd"),  # far over: refused while it is read, before it is held
        ("A", "V" * 100_000, "Amt"),  # an attribute
    ],
)
def test_a_camt_text_or_attribute_over_the_limit_is_refused(tmp_path, text, attribute, element):
    path = tmp_path / "bank.xml"
    path.write_text(CAMT_HEAD + camt_entry(text, attribute) + "</Stmt></BkToCstmrStmt></Document>", encoding="utf-8")
    assert refused(tmp_path, path, "--config", limits_config(tmp_path, max_field_kb=64)) == (
        f"{path}: has a text or attribute longer than 64 KB in element {element} ([limits] max_field_kb), "
        f"which no bank statement has; {XML_FIX}"
    )


def test_a_camt_text_of_megabytes_is_refused_in_bounded_memory(tmp_path, monkeypatch):
    import tracemalloc

    from reconcile.errors import InputFileError
    from reconcile.readers import camt, limits

    path = tmp_path / "bank.xml"
    path.write_text(CAMT_HEAD + camt_entry("A" * (40 << 20)) + "</Stmt></BkToCstmrStmt></Document>", encoding="utf-8")
    monkeypatch.setattr(limits.CURRENT, "max_field_kb", 1024)
    tracemalloc.start()
    try:
        with pytest.raises(InputFileError, match=r"longer than 1,024 KB in element Ustrd \(\[limits\] max_field_kb\)"):
            camt.read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_a_camt_text_under_the_limit_is_read(tmp_path):
    from reconcile.readers import camt

    path = tmp_path / "bank.xml"
    path.write_text(CAMT_HEAD + camt_entry("Chi " * 10_000) + "</Stmt></BkToCstmrStmt></Document>", encoding="utf-8")
    assert camt.read(path)[1]["narrative"][0].startswith("Chi Chi")


def test_an_mt940_field_over_the_limit_is_refused(tmp_path):
    source = (FIXTURES / "mt940" / "vn_bank_statement.sta").read_text(encoding="utf-8")
    at = source.index(":86:") + 4
    path = tmp_path / "bank.sta"
    path.write_text(source[:at] + ("C" * 999 + "\n") * 100 + source[at:], encoding="utf-8")
    assert refused(tmp_path, path, "--config", limits_config(tmp_path, max_field_kb=64)) == (
        f"{path}: has a field :86: (line 7) longer than 64 KB ([limits] max_field_kb), which no bank "
        f"statement has; {XML_FIX}"
    )


PAYMENTS_VI = "Số tham chiếu,Số định danh,Tên người thụ hưởng,Số tiền,Ngày giao dịch,Kênh chi trả\n"


def payments_of(path: Path, ids: list[str], first: int = 0) -> Path:
    """A payments CSV of one row per ID text in `ids`, references numbered from `first`."""
    path.write_text(
        PAYMENTS_VI
        + "".join(
            f"FT{first + i:08d},{vneid},NGUYEN THI THANH HUONG,1.000.000,05/09/2024,Chuyển khoản\n"
            for i, vneid in enumerate(ids)
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def staged(monkeypatch) -> list[str]:
    """The kinds of rows staged (normalise.stage.stage called), in order."""
    from reconcile.normalise import stage as module

    kinds: list[str] = []
    original = module.stage

    def stage(con, kind, params):
        kinds.append(kind)
        return original(con, kind, params)

    monkeypatch.setattr(module, "stage", stage)
    return kinds


def per_id_refusal(path: Path, total: int, n: int, limit: int) -> str:
    return (
        f"{path}: one payee ID has {total:,} payment rows ({n:,} in this file), over the limit of {limit:,} "
        f"([limits] max_payments_per_id); check that the ID column holds each payee's own ID, or {FIX}"
    )


@pytest.mark.parametrize("limit", [None, 150])
def test_one_payee_id_on_more_payment_rows_than_the_limit_is_refused_before_any_row_is_staged(tmp_path, limit, staged):
    """3 million payment rows of one ID held the matching's memory for one beneficiary, and staging a
    file of 30 million rows of one ID took minutes before it was refused: the ID column's texts are
    counted as read, before any row is normalised. A month pays a person a few times."""
    n = (limit or 1000) + 1
    path = payments_of(tmp_path / "bank.csv", ["079196118125"] * n)
    extra = ["--config", limits_config(tmp_path, max_payments_per_id=limit)] if limit else []
    assert refused(tmp_path, path, *extra) == per_id_refusal(path, n, n, n - 1)
    assert staged == []


def test_an_id_over_the_limit_is_counted_in_every_spelling_and_file_before_staging(tmp_path, staged):
    """One text of the ID column over the limit proves the ID is; its rows are then counted as staging
    reads them: a leading zero lost or digits grouped are the same ID, and the file with most is named."""
    bank = payments_of(tmp_path / "bank.csv", ["79196118125"] * 151 + ["079 196 118 125"] * 49)
    post = payments_of(tmp_path / "post.csv", ["079196118125"] * 30, first=1000)
    config = limits_config(tmp_path, max_payments_per_id=150)
    assert refused(tmp_path, bank, "--payments", str(post), "--config", config) == per_id_refusal(bank, 230, 200, 150)
    assert staged == []


def test_an_id_under_the_limit_in_each_spelling_is_refused_once_staged(tmp_path, staged):
    """No text of the ID column is over the limit: staging normalises them, and the staged rows' IDs are counted."""
    path = payments_of(tmp_path / "bank.csv", ["79196118125"] * 80 + ["079196118125"] * 80)
    config = limits_config(tmp_path, max_payments_per_id=150)
    assert refused(tmp_path, path, "--config", config) == per_id_refusal(path, 160, 160, 150)
    assert staged == ["registry", "payments"]


def test_a_text_of_the_id_column_that_is_no_id_is_not_counted_as_one(tmp_path, staged):
    """A placeholder on many rows (`chua co`: not yet given) is no ID: those rows are staged, their
    IDs missing, and the run goes on or stops for something else."""
    path = payments_of(tmp_path / "bank.csv", ["079196118125"] + ["chua co"] * 200)
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--db",
            str(tmp_path / "r.duckdb"),
            "--registry",
            str(REGISTRY),
            "--payments",
            str(path),
            "--config",
            limits_config(tmp_path, max_payments_per_id=150),
        ],
    )
    assert "max_payments_per_id" not in res.output and "Traceback" not in res.output
    assert staged == ["registry", "payments"]


@pytest.mark.parametrize("name", ["bank.csv", "bank.xml", "bank.sta"])
def test_a_device_or_a_pipe_under_a_files_name_is_refused_before_it_is_read(tmp_path, name):
    """`/dev/zero` linked as bank.xml or bank.sta, or a pipe named post.csv: its size says 0, and the
    run read it until it was killed."""
    import os

    device = tmp_path / name
    device.symlink_to("/dev/zero")
    pipe = tmp_path / f"pipe_{name}"
    os.mkfifo(pipe)
    for given in (device, pipe):
        assert refused(tmp_path, given) == (
            f"{given}: is not a file but a device or a pipe, which would be read without end; give the path of "
            "the file itself"
        )


@pytest.mark.parametrize("content", [b"\0" * 300_000, b"x" * 100 + b"\n" + b"y" * 200_000 + b"\n:20:STMT\n"])
def test_an_mt940_file_without_its_fields_at_its_top_is_refused_before_it_is_read_whole(tmp_path, content):
    """A file of zeros named .sta was read whole, as text, before it was found to be no statement: 2 GB
    took 4 GB of memory. A statement's first fields are in its first bytes."""
    sta = tmp_path / "vcb.sta"
    sta.write_bytes(content)
    assert refused(tmp_path, sta) == (
        f"{sta}: is not an MT940 or MT942 statement (no :20:, :60F: or :61: field found); ask the bank for the "
        "account statement as MT940, camt.053 XML or Excel/CSV"
    )
