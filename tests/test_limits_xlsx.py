"""Workbooks built to exhaust the reader, refused in a line (exit 2) before it opens them: a part the
workbook reads under another name than .xml with a size its directory lies about (a zip bomb), a
sheet whose used range is far larger than its cells (one cell at Excel's last row), and cells that
repeat one long shared string (the reader copies it into each)."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from openpyxl import Workbook

from reconcile.readers import extent, limits
from test_limits import limits_config, refused

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


# -- a sheet whose used range is far larger than its cells: the reader would hold every cell of it -------

FAR_FIX = (
    "delete the rows and columns past the list (Ctrl+End in Excel goes to the last cell) and save it again, "
    "or raise the limit in [limits] of the config if the file is genuine"
)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
LIST = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>payment_ref</t></is></c><c r="B1" t="inlineStr"><is><t>amount</t>'
    b'</is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>FT1</t></is></c><c r="B2"><v>1500000</v></c></row>'
)


def _sheet(rows: bytes, dimension: bytes = b"A1:B2") -> bytes:
    return SHEET_START + b'<dimension ref="' + dimension + b'"/><sheetData>' + rows + b"</sheetData></worksheet>"


@pytest.mark.parametrize("dimension", [b"A1:IP1048576", b"A1:B2"], ids=["dimension-true", "dimension-lies"])
def test_one_cell_at_excels_last_row_is_refused_before_the_sheet_is_read(tmp_path, dimension):
    """A 5 KB workbook, one cell at IP1048576: read, 262 million cells (9 GB). Its used range is
    measured from its cells' references, whatever its <dimension> says."""
    path = tmp_path / "bang_ke.xlsx"
    _workbook(path, _sheet(LIST + b'<row r="1048576"><c r="IP1048576"><v>1</v></c></row>', dimension))
    assert path.stat().st_size < 10_000
    assert refused(tmp_path, path) == (
        f"{path}: the sheet 'Sheet' reaches row 1,048,576 and column IP (250): 262,144,000 cells to read, over "
        f"the limit of 50,000,000 ([limits] max_sheet_cells); {FAR_FIX}"
    )


def test_cells_without_references_are_counted_where_they_fall(tmp_path):
    """A cell without `r` sits after the previous cell of its row, a row without `r` after the previous
    row: 2,000 empty rows, then a row of 300 empty cells and one value, reach row 2,003 and column 301."""
    path = tmp_path / "bang_ke.xlsx"
    _workbook(path, _sheet(LIST + b"<row/>" * 2000 + b"<row>" + b"<c/>" * 300 + b"<c><v>1</v></c></row>"))
    message = refused(tmp_path, path, "--config", limits_config(tmp_path, max_sheet_cells=100_000))
    assert message.startswith(f"{path}: the sheet 'Sheet' reaches row 2,00") and message.endswith(
        f"over the limit of 100,000 ([limits] max_sheet_cells); {FAR_FIX}"
    )


def test_a_tag_of_megabytes_in_a_sheet_is_refused(tmp_path):
    """A reference could hide behind an attribute of megabytes, past the piece measured at a time."""
    path = tmp_path / "bang_ke.xlsx"
    _workbook(path, _sheet(LIST + b'<row r="3"><c x="' + b"a" * (10 << 20) + b'" r="IP1048576"><v>1</v></c></row>'))
    assert refused(tmp_path, path) == (
        f"{path}: the sheet 'Sheet' has a text or tag longer than 1,024 KB ([limits] max_field_kb), which no sheet "
        "Excel writes has; open it in Excel and save it again as .xlsx; it may be damaged or hostile"
    )


def test_a_sheet_of_the_list_alone_still_reads(tmp_path):
    path = tmp_path / "bang_ke.xlsx"
    _workbook(path, _sheet(LIST))
    with zipfile.ZipFile(path) as book, open(path, "rb") as fh:
        entry = book.getinfo("xl/worksheets/sheet1.xml")
        assert extent._extent(fh, entry, path, "Sheet") == (2, 2)


# -- cells naming one long shared string: the reader gives each cell a copy of it ----------------------------


def _shared(path, strings: list[bytes], rows: bytes, between: bytes = b"") -> None:
    """A workbook whose table of shared strings holds `strings` (`between` written before the last),
    its sheet `rows` (stored, so that its size, and so the ratio refused, is the same with any zlib)."""
    _workbook(path, _sheet(rows))
    with zipfile.ZipFile(path) as book:
        parts = {item.filename: book.read(item) for item in book.infolist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    table = [b"<si><t>" + s + b"</t></si>" for s in strings]
    parts["xl/sharedStrings.xml"] = SST + b"".join(table[:-1]) + between + table[-1] + b"</sst>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for name, data in parts.items():
            out.writestr(zipfile.ZipInfo(name, (2024, 9, 1, 0, 0, 0)), data)


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_SHARED = b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


def _naming(index: int, rows: range) -> bytes:
    """Rows of two cells that each name the shared string `index`."""
    return b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c></row>' % (r, r, index, r, index)
        for r in rows
    )


def test_cells_repeating_one_long_shared_string_are_refused_as_a_zip_bomb(tmp_path):
    """A workbook of 140 KB whose 2,000 cells name one string of 40 KB: read, 80 MB of text held twice
    over (one of 6 KB naming 200 KB took 1.8 GB and 84 s before it was refused for another reason).
    Measured as the reader would copy it: each string from its `<si>` to its `</si>`."""
    path = tmp_path / "bang_ke.xlsx"
    long = b"A" * (40 << 10)
    _shared(path, [b"payment_ref", b"amount", long], HEADER_SHARED + _naming(2, range(2, 1002)))
    text = 2000 * len(b"<si><t>" + long + b"</t>") + len(b"<si><t>payment_ref</t>") + len(b"<si><t>amount</t>")
    packed = path.stat().st_size
    assert packed < 200_000 and text > 64 << 20
    assert refused(tmp_path, path) == (
        f"{path}: the sheet 'Sheet' would expand over {text / packed:,.0f} times when read (to over "
        f"{text / 1024 / 1024:,.0f} MB of text: its cells repeat the workbook's shared texts), more than any "
        f"spreadsheet does ([limits] max_zip_ratio 200); {BOMB_FIX}"
    )


def test_shared_text_over_max_unzipped_mb_is_refused(tmp_path):
    """Below 64 MB no ratio is refused, but the text is still held to max_unzipped_mb: 200 cells of
    a string of 20 KB is 4 MB, over a limit of 1 MB."""
    path = tmp_path / "bang_ke.xlsx"
    long = b"B" * (20 << 10)
    _shared(path, [b"payment_ref", b"amount", long], HEADER_SHARED + _naming(2, range(2, 102)))
    assert refused(tmp_path, path, "--config", limits_config(tmp_path, max_unzipped_mb=1)) == (
        f"{path}: the sheet 'Sheet' would expand to over 4 MB of text when read (its cells repeat the workbook's "
        "shared texts), over the limit of 1 MB ([limits] max_unzipped_mb); check where it came from (a workbook "
        "that expands this much may be a zip bomb), or raise the limit in [limits] of the config if the file is "
        "genuine"
    )


def test_one_long_shared_string_named_once_is_counted_once(tmp_path, monkeypatch):
    """The bound (every cell naming the longest string: 202 cells of 100 KB) is over the limit, so the
    cells are counted: the long note is named once, and the sheet is measured at 100 KB, not refused."""
    path = tmp_path / "bang_ke.xlsx"
    note = b"N" * (100 << 10)
    rows = HEADER_SHARED + b'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1</v></c></row>'
    _shared(path, [b"payment_ref", b"amount", note, b"FT"], rows + _naming(3, range(3, 102)))
    monkeypatch.setattr(limits.CURRENT, "max_unzipped_mb", 1)
    extent.check_sheets(path, None)  # not refused


def test_a_table_of_strings_not_written_as_excel_writes_it_is_bounded_without_its_numbering(tmp_path):
    """A comment holding a `<si>` before the long string: the reader skips it and numbers the long
    string 2, which counting the comment's would number 3 (its 2 the comment's `x`, 1,000 cells of one
    byte). Such a table is bounded without numbering it: the string named by most cells (2,000) taken
    as the longest, then the next. A workbook of 100 KB, refused as the reader would hold 78 MB."""
    path = tmp_path / "bang_ke.xlsx"
    long = b"C" * (40 << 10)
    comment = b"<!--<si><t>x</t></si>-->"
    _shared(path, [b"payment_ref", b"amount", long], HEADER_SHARED + _naming(2, range(2, 1002)), comment)
    with zipfile.ZipFile(path) as book:
        assert comment in book.read("xl/sharedStrings.xml")
    # the stretches up to each </si>, longest first: the long string's, payment_ref's (with the table's
    # head), amount's (the comment's `x`, one byte shorter, is named by no cell once 3 cells are paired)
    longest = len(b">--><si><t>" + long + b"</t>")
    text = 2000 * longest + len(SST + b"<si><t>payment_ref</t>") + len(b"><si><t>amount</t>")
    packed = path.stat().st_size
    assert refused(tmp_path, path) == (
        f"{path}: the sheet 'Sheet' would expand over {text / packed:,.0f} times when read (to over "
        f"{text / 1024 / 1024:,.0f} MB of text: its cells repeat the workbook's shared texts), more than any "
        f"spreadsheet does ([limits] max_zip_ratio 200); {BOMB_FIX}"
    )
