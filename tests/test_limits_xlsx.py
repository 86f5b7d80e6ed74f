"""Workbooks built to exhaust the reader, refused in a line (exit 2) before it opens them: a part the
workbook reads under another name than .xml with a size its directory lies about (a zip bomb), and a
sheet whose used range is far larger than its cells (one cell at Excel's last row)."""

from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook

from test_limits import refused

BOMB_FIX = "check where it came from: it looks like a zip bomb"


def _lie_about_size(path, part: str, size: int) -> None:
    """Declare `size` as the uncompressed size of `part`, in its local header and its directory entry."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def _workbook(path, sheet_xml: bytes | None = None, part: str = "xl/worksheets/sheet1.xml") -> None:
    """A workbook of openpyxl's, its first sheet's XML replaced by `sheet_xml` and stored as `part`."""
    book = io.BytesIO()
    Workbook().save(book)
    with zipfile.ZipFile(book) as small, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in small.infolist():
            data = small.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                out.writestr(part, sheet_xml if sheet_xml is not None else data)
                continue
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"worksheets/sheet1.xml", part.removeprefix("xl/").encode())
            out.writestr(item, data)


def test_a_zip_bomb_in_a_part_not_named_xml_whose_size_lies_is_refused(tmp_path):
    """The workbook reads its sheet from whatever part its relationships name: a sheet stored as
    sheet1.bin, 80 MB declared as 1,000 bytes, is inflated to be measured as the .xml parts are."""
    path = tmp_path / "bang_ke.xlsx"
    _workbook(path, b"<x>" + b" " * (80 << 20) + b"</x>", part="xl/worksheets/sheet1.bin")
    _lie_about_size(path, "xl/worksheets/sheet1.bin", 1000)
    with zipfile.ZipFile(path) as lying:
        assert sum(e.file_size for e in lying.infolist()) < 64 << 10
    message = refused(tmp_path, path)
    assert message.startswith(f"{path}: would expand ") and message.endswith(
        f"MB), more than any spreadsheet does ([limits] max_zip_ratio 200); {BOMB_FIX}"  # measured up to the limit
    )
