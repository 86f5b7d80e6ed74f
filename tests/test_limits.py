"""Hostile and broken files are refused in seconds, with one line and exit 2, before they can exhaust the
machine: a zip bomb, a line of megabytes, thousands of columns, XML nested without end, a file over the
configured size (issue 18)."""

from __future__ import annotations

import io
import time
import zipfile

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


def test_a_line_of_megabytes_is_refused(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_bytes(
        b"payment_ref,payee_name,amount,value_date,channel\n" + b"A" * (3 << 20) + b"\nB,C,1,05/09/2024,bank\n"
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
