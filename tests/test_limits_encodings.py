"""A CSV file in UTF-16 or Windows-1258 is read from a UTF-8 copy written a piece at a time, never
decoded whole in memory: a large one within the limits is read in bounded memory, and a hostile one
whose line no newline byte shows is refused with one line (issue 18)."""

from __future__ import annotations

import tracemalloc

from reconcile.readers import read_file
from test_limits import FIX, refused

HEADER = "vneid,full_name,program,entitled_amount,channel\r\n"
ROW = "00108{n:07d},Nguyễn Thị Hường,welfare,1.500.000,cash\r\n"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: ê, ơ, ư precomposed, the tone a combining mark."""
    out = text.replace("ễ", "ê\u0303").replace("ị", "i\u0323").replace("ờ", "ơ\u0300")
    return out.encode("cp1258")


def read_measured(path, staging):
    """The registry read from `path`, and the most memory Python held while reading it."""
    tracemalloc.start()
    try:
        table = read_file(path, "registry", staging=staging)
        return table, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_windows_1258_csv_is_read_in_bounded_memory(tmp_path):
    rows = [ROW.format(n=n) for n in range(200_000)]  # 11 MB
    path = tmp_path / "danh_sach.csv"
    path.write_bytes(cp1258(HEADER + "".join(rows)))
    staging = tmp_path / "staging"
    staging.mkdir()
    table, peak = read_measured(path, staging)
    assert peak < 24 << 20  # 11 MB in pieces of 1 MB; decoded whole, 103 MB
    assert table.encoding == "windows-1258"
    frame = table.text_frame()
    assert frame.height == 200_000
    assert frame["full_name"].unique().to_list() == ["Nguyễn Thị Hường"]
    assert frame["vneid"].to_list()[-1] == "001080199999"
    assert [p.suffix for p in staging.iterdir()] == [".parquet"]  # the UTF-8 copy is gone once staged


def test_a_utf16_csv_is_read_in_bounded_memory_as_utf8_is(tmp_path):
    rows = [ROW.format(n=n) for n in range(100_000)]
    path = tmp_path / "danh_sach.txt"
    path.write_bytes((HEADER + "".join(rows)).encode("utf-16"))
    table, peak = read_measured(path, tmp_path)
    assert peak < 24 << 20
    assert table.encoding == "utf-16"
    frame = table.text_frame()
    assert frame.height == 100_000
    assert frame["entitled_amount"].unique().to_list() == ["1.500.000"]


def test_a_utf16_line_that_no_newline_byte_shows_is_refused(tmp_path):
    """Every character U+0A41 holds the byte of a newline (41 0A), so the line check of the file's
    bytes saw 1.5 million short lines: the file was decoded whole (4 GB for 200 MB) and its 3 MB field read."""
    path = tmp_path / "bank.csv"
    path.write_bytes(
        "payment_ref,payee_name,amount,value_date,channel\r\nB1,Lê Văn A,1500000,05/09/2024,bank\r\n".encode("utf-16")
        + ("B2," + "\u0a41" * (3 << 19)).encode("utf-16-le")
    )
    assert refused(tmp_path, path) == (
        f"{path}: has a line (line 3) longer than 1,024 KB ([limits] max_line_kb); "
        f"check that it is a CSV file with one row per line, or {FIX}"
    )


def test_damaged_utf8_names_its_line_past_the_first_piece(tmp_path):
    """UTF-8 damaged on line 60,002 (past the first MB, which is read as one piece)."""
    path = tmp_path / "bank.csv"
    rows = "".join(f"B{n},Lê Văn A,1500000,05/09/2024,bank\n" for n in range(60_000))
    path.write_bytes(
        b"\xef\xbb\xbfpayment_ref,payee_name,amount,value_date,channel\n"
        + rows.encode()
        + b"B,L\xea,1,05/09/2024,bank\n"
    )
    assert refused(tmp_path, path) == (
        f"{path}: is UTF-8 text but line 60002 holds bytes that are not UTF-8; "
        "fix that line or save the file again as 'CSV UTF-8'"
    )


def test_a_csv_of_lines_ended_by_a_carriage_return_alone_is_read_past_a_megabyte(tmp_path):
    """Classic Mac OS line ends: the line check saw no newline, and refused a 1.3 MB file of 9,000 rows
    as 'a line (line 1) longer than 1,024 KB'. Its lines are measured as the reader reads them."""
    path = tmp_path / "bank.csv"
    rows = "".join(f"FT{n:08d},Lê Văn A,1500000,05/09/2024,bank\r" for n in range(30_000))
    path.write_bytes(("payment_ref,payee_name,amount,value_date,channel\r" + rows).encode())
    assert path.stat().st_size > 1 << 20
    table = read_file(path, "payments", staging=tmp_path)
    assert table.rows_read == 30_000
    assert table.text_frame()["payment_ref"].to_list()[-1] == "FT00029999"
