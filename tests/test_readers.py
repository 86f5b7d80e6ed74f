"""Readers: every format arrives as text columns with recognised headers, or an InputFileError."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, write_csv, xlsx_rows
from reconcile.errors import InputFileError
from reconcile.readers import ROW_COLUMN, read_file

REGISTRY_HEADER = ["vneid", "full_name", "program", "entitled_amount", "channel", "bank_code", "account_number"]
REGISTRY_ROWS = [
    ["001087123456", "Nguyễn Thị Thanh Hương", "welfare", "1.500.000", "bank", "VCB", "0071000123456"],
    ["079199000123", "Đặng Văn Hòa", "pension", "2,000,000", "cash", "", ""],
    ["002300000001", "Lê Thị Hồng Nhung", "welfare", "500000", "ewallet", "MOMO", "0912345678"],
]
VI_HEADER = [
    "Số định danh cá nhân",
    "Họ và tên",
    "Chương trình",
    "Số tiền hưởng",
    "Hình thức chi trả",
    "Ngân hàng",
    "Số tài khoản",
    "Ngày sinh",
    "Giới tính",
    "Trạng thái",
]
VI_MAP = {
    "Số định danh cá nhân": "vneid",
    "Họ và tên": "full_name",
    "Chương trình": "program",
    "Số tiền hưởng": "entitled_amount",
    "Hình thức chi trả": "channel",
    "Ngân hàng": "bank_code",
    "Số tài khoản": "account_number",
    "Ngày sinh": "date_of_birth",
    "Giới tính": "gender",
    "Trạng thái": "status",
}


def data(table) -> list[dict]:
    return table.text_frame().select(table.original_columns).to_dicts()


def expected_dicts(header, rows) -> list[dict]:
    # polars reads an empty CSV field as null
    return [{h: (v if v != "" else None) for h, v in zip(header, row)} for row in rows]


def error_of(path, kind="registry") -> str:
    with pytest.raises(InputFileError) as info:
        read_file(path, kind)
    return str(info.value)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def test_csv_with_and_without_bom_read_the_same(tmp_path):
    plain = read_file(write_csv(tmp_path / "plain.csv", REGISTRY_HEADER, REGISTRY_ROWS), "registry")
    bom = read_file(write_csv(tmp_path / "bom.csv", REGISTRY_HEADER, REGISTRY_ROWS, bom=True), "registry")
    assert plain.frame.equals(bom.frame)
    assert plain.original_columns == REGISTRY_HEADER  # no BOM glued to the first header
    assert (plain.encoding, bom.encoding) == ("utf-8", "utf-8-sig")
    assert plain.header_map == bom.header_map == {h: h for h in REGISTRY_HEADER}
    assert plain.format == bom.format == "csv"
    assert plain.rows_read == 3


def test_csv_values_are_text_with_leading_zeros(tmp_path):
    table = read_file(write_csv(tmp_path / "r.csv", REGISTRY_HEADER, REGISTRY_ROWS), "registry")
    assert all(dtype == pl.String for name, dtype in table.frame.schema.items() if name != ROW_COLUMN)
    assert data(table) == expected_dicts(REGISTRY_HEADER, REGISTRY_ROWS)
    assert table.text_frame()["vneid"].to_list() == ["001087123456", "079199000123", "002300000001"]
    assert table.text_frame()["account_number"].to_list() == ["0071000123456", None, "0912345678"]
    assert table.text_frame()["full_name"][0] == "Nguyễn Thị Thanh Hương"


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_other_delimiters(tmp_path, sep):
    lines = [sep.join(REGISTRY_HEADER)] + [sep.join(r) for r in REGISTRY_ROWS]
    path = tmp_path / ("r.txt" if sep == "\t" else "r.csv")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    table = read_file(path, "registry")
    assert data(table) == expected_dicts(REGISTRY_HEADER, REGISTRY_ROWS)
    assert table.header_map == {h: h for h in REGISTRY_HEADER}


def test_semicolon_csv_keeps_comma_amounts(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "vneid;full_name;program;entitled_amount;channel\n001087123456;Lê Văn A;welfare;1,500,000;cash\n",
        encoding="utf-8",
    )
    assert read_file(path, "registry").text_frame()["entitled_amount"].to_list() == ["1,500,000"]


def test_csv_utf16_tab_separated(tmp_path):
    # Excel's "Unicode Text (*.txt)": UTF-16LE with BOM, tab-separated
    lines = ["\t".join(REGISTRY_HEADER)] + ["\t".join(r) for r in REGISTRY_ROWS]
    path = tmp_path / "r.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    table = read_file(path, "registry")
    assert table.encoding == "utf-16"
    assert data(table) == expected_dicts(REGISTRY_HEADER, REGISTRY_ROWS)


def test_csv_windows_1258_is_decoded_to_nfc(tmp_path):
    path = tmp_path / "r.csv"
    # cp1258 stores ê precomposed and the tone as a combining mark: b'Nguy\xea\xden' is Nguyễn
    path.write_bytes(
        b"vneid,full_name,program,entitled_amount,channel\r\n"
        b"001087123456,Nguy\xea\xden V\xe3n An,welfare,1500000,cash\r\n"
    )
    table = read_file(path, "registry")
    assert table.encoding == "windows-1258"
    assert table.text_frame()["full_name"].to_list() == ["Nguyễn Văn An"]


def test_a_csv_in_windows_1258_only_past_its_head_is_read_again_decoded_whole(tmp_path):
    """Whether a file is UTF-8 is told from its head (its first thousand lines); polars checks the
    rest as it parses, and a file that is Windows-1258 further on is read again, decoded whole."""
    path = tmp_path / "r.csv"
    rows = [f"00108700{n:04d},Tran Van Binh,welfare,1500000,cash\r\n".encode() for n in range(3000)]
    path.write_bytes(
        b"vneid,full_name,program,entitled_amount,channel\r\n"
        + b"".join(rows)
        + b"001087123456,Nguy\xea\xden V\xe3n An,welfare,1500000,cash\r\n"
    )
    table = read_file(path, "registry")
    assert table.encoding == "windows-1258"
    frame = table.text_frame()
    assert frame.height == 3001
    assert frame["full_name"].to_list()[-2:] == ["Tran Van Binh", "Nguyễn Văn An"]
    assert frame[ROW_COLUMN].to_list()[-1] == 3002


def test_damaged_utf8_past_the_head_names_its_line(tmp_path):
    path = tmp_path / "r.csv"
    rows = [f"00108700{n:04d},Trần Văn Bình,welfare,1500000,cash\n".encode() for n in range(3000)]
    path.write_bytes(
        b"vneid,full_name,program,entitled_amount,channel\n"
        + b"".join(rows)
        + b"001087123456,L\xea V\xc3\xa2n,welfare,1500000,cash\n"
    )
    with pytest.raises(InputFileError) as err:
        read_file(path, "registry")
    assert str(err.value) == (
        f"{path}: is UTF-8 text but line 3002 holds bytes that are not UTF-8; "
        "fix that line or save the file again as 'CSV UTF-8'"
    )


def test_vietnamese_headers_map_to_canonical_columns(tmp_path):
    row = [
        "001087123456",
        "Nguyễn Thị Thanh Hương",
        "Trợ cấp xã hội",
        "1.500.000",
        "Chuyển khoản",
        "VCB",
        "0071000123456",
        "01/02/1950",
        "Nữ",
        "Đang hưởng",
    ]
    for bom in (False, True):
        table = read_file(write_csv(tmp_path / f"vi{bom}.csv", VI_HEADER, [row], bom=bom), "registry")
        assert table.header_map == VI_MAP
        assert table.original_columns == VI_HEADER
        assert data(table) == [dict(zip(VI_HEADER, row))]


def test_vietnamese_headers_in_nfd_and_upper_case(tmp_path):
    import unicodedata

    header = [unicodedata.normalize("NFD", h).upper() for h in VI_HEADER[:5]]
    table = read_file(write_csv(tmp_path / "r.csv", header, [REGISTRY_ROWS[0][:5]]), "registry")
    assert sorted(table.header_map.values()) == sorted(VI_MAP[h] for h in VI_HEADER[:5])


@pytest.mark.parametrize("header", ["Ngày mất", "Ngày tử vong", "Ngày qua đời", "Ngày tháng năm mất", "NGÀY TỬ VONG"])
def test_the_ways_a_registry_heads_the_date_of_death(tmp_path, header):
    """PAID_AFTER_DEATH reads it: a heading it does not know would be a column ignored, the finding lost."""
    table = read_file(
        write_csv(tmp_path / "r.csv", [*VI_HEADER[:5], header], [[*REGISTRY_ROWS[0][:5], "01/08/2024"]]), "registry"
    )
    assert table.header_map[header] == "date_of_death"


def test_payment_headers(tmp_path):
    header = [
        "Số tham chiếu",
        "Tên người thụ hưởng",
        "Số tiền",
        "Ngày giao dịch",
        "Hình thức chi trả",
        "Số CCCD",
        "Nội dung",
        "Ngày sinh",
    ]
    row = [
        "FT24249001",
        "NGUYEN THI THANH HUONG",
        "1,500,000",
        "05/09/2024",
        "bank",
        "001087123456",
        "CHI TRO CAP T9 001087123456",
        "01/02/1950",
    ]
    table = read_file(write_csv(tmp_path / "p.csv", header, [row]), "payments")
    assert table.header_map == {
        "Số tham chiếu": "payment_ref",
        "Tên người thụ hưởng": "payee_name",
        "Số tiền": "amount",
        "Ngày giao dịch": "value_date",
        "Hình thức chi trả": "channel",
        "Số CCCD": "vneid",
        "Nội dung": "narrative",
        "Ngày sinh": "date_of_birth",
    }


def test_canonical_names_in_other_case_and_spacing(tmp_path):
    header = [" VNEID ", "Full Name", "PROGRAM", "Entitled  Amount", "channel ", "Account-Number", "Foo"]
    row = ["001087123456", "Lê Văn A", "welfare", "1500000", "bank", "0123", "ignored"]
    table = read_file(write_csv(tmp_path / "r.csv", header, [row]), "registry")
    assert table.header_map == {
        "VNEID": "vneid",
        "Full Name": "full_name",
        "PROGRAM": "program",
        "Entitled Amount": "entitled_amount",
        "channel": "channel",
        "Account-Number": "account_number",
    }
    assert table.text_frame()["VNEID"].to_list() == ["001087123456"]  # header text kept, spacing tidied


def test_source_row_starts_at_2(tmp_path):
    table = read_file(write_csv(tmp_path / "r.csv", REGISTRY_HEADER, REGISTRY_ROWS), "registry")
    assert table.frame.columns[0] == ROW_COLUMN
    assert table.text_frame()[ROW_COLUMN].dtype == pl.Int64
    assert table.text_frame()[ROW_COLUMN].to_list() == [2, 3, 4]


def test_a_csv_file_is_staged_as_parquet_on_disk_and_the_copy_goes_with_the_table(tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    path = write_csv(tmp_path / "r.csv", REGISTRY_HEADER, REGISTRY_ROWS)
    table = read_file(path, "registry", staging=staging)
    assert table.frame.height == 0 and table.rows_read == 3  # no row held in memory
    copies = list(staging.iterdir())
    assert [c.suffix for c in copies] == [".parquet"]
    assert data(table) == expected_dicts(REGISTRY_HEADER, REGISTRY_ROWS)
    del table
    gc.collect()
    assert list(staging.iterdir()) == []


def test_a_full_disk_while_staging_says_so_and_leaves_no_copy(tmp_path, monkeypatch):
    """polars reports a failed write as a ComputeError naming the OS error (seen on a full tmpfs)."""
    from reconcile.errors import ReconcileError

    def full(self, name, **kwargs):
        Path(name).write_bytes(b"PAR1")
        raise pl.exceptions.ComputeError(
            "parquet: File out of specification: underlying IO error: No space left on device (os error 28)"
        )

    monkeypatch.setattr(pl.LazyFrame, "sink_parquet", full)
    staging = tmp_path / "staging"
    staging.mkdir()
    path = write_csv(tmp_path / "r.csv", REGISTRY_HEADER, REGISTRY_ROWS)
    with pytest.raises(ReconcileError) as err:
        read_file(path, "registry", staging=staging)
    assert str(err.value) == (
        f"{path}: cannot be staged in {staging} (No space left on device); check that the "
        "disk there has room, or give --db a folder on another disk"
    )
    gc.collect()
    assert list(staging.iterdir()) == []


@pytest.mark.parametrize("title_rows", [0, 2])
@pytest.mark.parametrize("where", ["middle", "last"])
def test_a_quote_left_open_is_refused_wherever_the_header_is(tmp_path, title_rows, where):
    """polars' scan, asked to leave the header row out, dropped the rows of a quoted field that
    never closes without a word; the header row stays in the scan so that it says so."""
    rows = [",".join(f'"{v}"' if "," in v else v for v in r) for r in REGISTRY_ROWS]
    broken = '002300000009,"Lê Văn Tám,welfare,500000,bank,VCB,0071'
    rows.insert(1 if where == "middle" else len(rows), broken)
    path = tmp_path / "r.csv"
    title = "Danh sách chi trả tháng 9\n\n" if title_rows else ""  # two lines above the header
    path.write_text(title + ",".join(REGISTRY_HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read_file(path, "registry")
    assert str(err.value) == (
        f"{path}: cannot be read as CSV (a quoted field is not closed or a value has stray "
        "quotes); check the delimiter and quoting, or save it again from Excel as 'CSV UTF-8'"
    )


def test_header_only_csv_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", REGISTRY_HEADER, [])
    with pytest.raises(InputFileError) as err:
        read_file(path, "registry")
    assert str(err.value) == (
        f"{path}: has a header row but no data rows; check that the export finished and send the complete file"
    )


def test_empty_and_repeated_headers_get_their_own_names(tmp_path):
    header = ["", *REGISTRY_HEADER, "Note", "NOTE", "note"]
    path = write_csv(tmp_path / "r.csv", header, [["0", *REGISTRY_ROWS[0], "a", "b", "c"]])
    table = read_file(path, "registry")
    assert table.original_columns == ["column 1", *REGISTRY_HEADER, "Note", "NOTE (2)", "note (3)"]


def test_a_canonical_header_written_twice_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [*REGISTRY_HEADER, "vneid"], [[*REGISTRY_ROWS[0], "001087123456"]])
    with pytest.raises(InputFileError) as err:
        read_file(path, "registry")
    assert str(err.value) == f"{path}: the column 'vneid' appears twice; remove or rename one of them"


def test_excel_rows_keep_their_sheet_numbers_below_a_blank_band(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for col, name in enumerate(REGISTRY_HEADER, start=1):
        ws.cell(row=3, column=col, value=name)
    for col, value in enumerate(REGISTRY_ROWS[0], start=1):
        ws.cell(row=4, column=col, value=value)
    wb.save(tmp_path / "r.xlsx")
    table = read_file(tmp_path / "r.xlsx", "registry")
    assert table.text_frame()[ROW_COLUMN].to_list() == [4]


def test_sha256_is_of_the_file(tmp_path):
    import hashlib

    path = write_csv(tmp_path / "r.csv", REGISTRY_HEADER, REGISTRY_ROWS)
    assert read_file(path, "registry").sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    return xlsx_rows(path, [header, *rows])


def test_xlsx_cells_arrive_as_text(tmp_path, con):
    header = [
        "Số định danh cá nhân",
        "Họ và tên",
        "Chương trình",
        "Số tiền hưởng",
        "Hình thức chi trả",
        "Ngày sinh",
        "Số tài khoản",
    ]
    rows = [
        [1087123456, "Nguyễn Thị Thanh Hương", "welfare", 1500000, "bank", dt.date(1950, 2, 1), "0071000123456"],
        ["001087123457", "Đặng Văn Hòa", "pension", "1.500.000", "cash", dt.datetime(1948, 12, 31, 0, 0), None],
    ]
    table = read_file(write_xlsx(tmp_path / "r.xlsx", header, rows), "registry")
    assert table.format == "xlsx"
    assert table.header_map == {h: VI_MAP[h] for h in header}
    assert all(dtype == pl.String for name, dtype in table.frame.schema.items() if name != ROW_COLUMN)
    assert table.text_frame()[ROW_COLUMN].to_list() == [2, 3]
    ids = table.text_frame()["Số định danh cá nhân"].to_list()
    assert ids == ["1087123456", "001087123457"]  # numeric cell as text; restored later in SQL
    assert con.execute("SELECT rc_vneid(?)", [ids[0]]).fetchone()[0] == "001087123456"
    assert table.text_frame()["Họ và tên"].to_list() == ["Nguyễn Thị Thanh Hương", "Đặng Văn Hòa"]
    assert table.text_frame()["Số tài khoản"].to_list() == ["0071000123456", None]
    amounts = table.text_frame()["Số tiền hưởng"].to_list()
    assert [con.execute("SELECT rc_amount(?)", [a]).fetchone()[0] for a in amounts] == [1500000, 1500000]
    births = table.text_frame()["Ngày sinh"].to_list()
    assert all(isinstance(b, str) for b in births)
    assert [con.execute("SELECT rc_date(?)", [b]).fetchone()[0] for b in births] == [
        dt.date(1950, 2, 1),
        dt.date(1948, 12, 31),
    ]


def test_xlsx_that_is_really_html(tmp_path):
    path = tmp_path / "bank.xlsx"
    path.write_text("<html><body><table><tr><td>vneid</td></tr></table></body></html>", encoding="utf-8")
    assert error_of(path) == (
        f"{path}: has an .xlsx name but is not an Excel workbook (it may be HTML or text); "
        "open it in Excel and save it as .xlsx"
    )


def test_xlsx_that_is_really_csv(tmp_path):
    path = write_csv(tmp_path / "bank.xls", REGISTRY_HEADER, REGISTRY_ROWS)
    assert error_of(path) == (
        f"{path}: has an .xls name but is not an Excel workbook (it may be HTML or text); "
        "open it in Excel and save it as .xlsx"
    )


def test_zip_that_is_not_xlsx(tmp_path):
    import zipfile

    path = tmp_path / "bank.csv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", "vneid\n1\n")
    assert error_of(path) == f"{path}: is a ZIP archive but not an .xlsx workbook; extract it, or save it as .xlsx"


# --------------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------------


def test_parquet_columns_become_text(tmp_path, con):
    path = tmp_path / "r.parquet"
    pl.DataFrame(
        {
            "vneid": pl.Series([1087123456, 79199000123], dtype=pl.Int64),
            "full_name": ["Nguyễn Thị Thanh Hương", "Đặng Văn Hòa"],
            "program": ["welfare", "pension"],
            "entitled_amount": pl.Series([1500000, 2000000], dtype=pl.Int64),
            "channel": ["bank", "cash"],
            "date_of_birth": pl.Series([dt.date(1950, 2, 1), None], dtype=pl.Date),
            "date_of_death": pl.Series([None, dt.datetime(2024, 9, 5, 0, 0)], dtype=pl.Datetime),
        }
    ).write_parquet(path)
    table = read_file(path, "registry")
    assert table.format == "parquet" and table.source is not None  # plain columns: streamed by DuckDB
    rows = table.text_frame()
    assert all(dtype == pl.String for name, dtype in rows.schema.items() if name != ROW_COLUMN)
    assert rows["vneid"].to_list() == ["1087123456", "79199000123"]
    assert rows["entitled_amount"].to_list() == ["1500000", "2000000"]
    assert rows["date_of_birth"].to_list() == ["1950-02-01", None]
    assert rows["full_name"].to_list() == ["Nguyễn Thị Thanh Hương", "Đặng Văn Hòa"]
    assert rows[ROW_COLUMN].to_list() == [2, 3]
    death = rows["date_of_death"][1]
    assert con.execute("SELECT rc_date(?)", [death]).fetchone()[0] == dt.date(2024, 9, 5)
    assert table.header_map == {c: c for c in table.original_columns}


def test_streamed_parquet_gives_the_text_polars_gives(tmp_path):
    from reconcile.readers import parquet

    path = tmp_path / "r.parquet"
    pl.DataFrame(
        {
            "vneid": ["001087123456", None, "  ", " \t"],
            "full_name": ["Vũ Thị Ánh", "", None, "\u00a0"],
            "program": ["welfare", "x", None, None],
            "channel": ["bank", None, "cash", None],
            "entitled_amount": pl.Series([1500000.0, 1e20, None, None]),
            "count": pl.Series([1, None, 3, None], dtype=pl.Int32),
            "ok": [True, None, False, None],
            "paid": pl.Series(["1500000.50", None, "0", None]).cast(pl.Decimal(18, 2)),
            "date_of_birth": [dt.date(1950, 2, 1), None, None, None],
            "seen": [dt.datetime(2024, 9, 5, 7, 30, 15, 250), None, None, None],
        }
    ).write_parquet(path)
    streamed = read_file(path, "registry").text_frame()
    _, whole, _ = parquet.read(path)
    assert streamed.drop(ROW_COLUMN, "__reconcile_skip__").rows() == whole.rows()
    assert streamed["__reconcile_skip__"].to_list() == [None, None, None, "blank row"]


def test_a_parquet_file_of_categorical_columns_is_streamed(tmp_path):
    """A column of a few texts written as a dictionary (pandas' `category`, polars' Categorical and
    Enum) is text to DuckDB: the file is streamed, not read whole with polars (30 million rows of
    one ID so took 12.8 GB before a run refused them), and gives the text polars gives."""
    from reconcile.readers import parquet

    path = tmp_path / "bank.parquet"
    pl.DataFrame(
        {
            "payment_ref": ["FT1", "FT2", None],
            "vneid": pl.Series(["001087123456", None, "  "], dtype=pl.Categorical),
            "payee_name": pl.Series(["Vũ Thị Ánh", "Lê Văn A", None], dtype=pl.Categorical),
            "amount": [1500000.0, 2000000.0, None],
            "value_date": [dt.date(2024, 9, 5), dt.date(2024, 9, 6), None],
            "channel": pl.Series(["bank", "cash", None], dtype=pl.Enum(["bank", "cash"])),
        }
    ).write_parquet(path)
    table = read_file(path, "payments")
    assert table.source is not None
    streamed = table.text_frame()
    _, whole, _ = parquet.read(path)
    assert streamed.drop(ROW_COLUMN, "__reconcile_skip__").rows() == whole.rows()
    assert streamed["__reconcile_skip__"].to_list() == [None, None, "blank row"]


def test_parquet_name_but_not_parquet(tmp_path):
    path = write_csv(tmp_path / "r.parquet", REGISTRY_HEADER, REGISTRY_ROWS)
    assert error_of(path) == f"{path}: has a .parquet name but is not a Parquet file; re-export it as Parquet or CSV"


# --------------------------------------------------------------------------------------------
# File-level errors
# --------------------------------------------------------------------------------------------


def test_missing_required_column(tmp_path):
    header = [h for h in REGISTRY_HEADER if h != "entitled_amount"]
    rows = [[v for h, v in zip(REGISTRY_HEADER, r) if h != "entitled_amount"] for r in REGISTRY_ROWS]
    path = write_csv(tmp_path / "registry.csv", header, rows)
    assert error_of(path) == (
        f"{path}: required column 'entitled_amount' is missing from the registry file; "
        "add it or rename the column that holds it to 'entitled_amount', or pass a --profile that maps it"
    )


def test_several_required_columns_missing(tmp_path):
    path = write_csv(tmp_path / "payments.csv", ["vneid", "Họ và tên"], [["001087123456", "LE VAN A"]])
    assert error_of(path, "payments") == (
        f"{path}: required column 'payment_ref' is missing from the payments file "
        "(also missing: amount, value_date, channel); add it or rename the column that holds it to 'payment_ref', or pass a --profile that maps it"
    )


def test_missing_column_error_carries_path_and_exit_code(tmp_path):
    path = write_csv(tmp_path / "registry.csv", ["full_name"], [["Lê Văn A"]])
    with pytest.raises(InputFileError) as info:
        read_file(path, "registry")
    assert info.value.path == str(path)
    assert info.value.exit_code == 2
    assert "Lê Văn A" not in str(info.value)  # no personal data in messages


@pytest.mark.parametrize(
    "name, content",
    [
        ("empty.csv", b""),
        ("bom-only.csv", b"\xef\xbb\xbf"),
        ("blank.csv", b"  \r\n\r\n"),
        ("empty.txt", b""),
    ],
)
def test_empty_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert error_of(path) == f"{path}: file is empty; check that the export finished and send the file again"


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.parquet", "empty.xls", "empty.json"])
def test_empty_binary_format_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert error_of(path) == f"{path}: file is empty; check that the export finished and send the file again"


@pytest.mark.parametrize("name, shown", [("r.json", ".json"), ("r.xml2", ".xml2"), ("registry", "no extension")])
def test_unknown_extension(tmp_path, name, shown):
    path = tmp_path / name
    path.write_text("vneid,full_name\n1,a\n", encoding="utf-8")
    assert error_of(path) == (
        f"{path}: unknown file format '{shown}'; use CSV, XLSX, XLS, Parquet, ISO 20022 "
        "camt.053/054 XML or an MT940 statement"
    )


def test_file_not_found(tmp_path):
    path = tmp_path / "nowhere" / "registry.csv"
    assert error_of(path) == f"{path}: file not found; check the path"


def test_file_not_found_as_string(tmp_path):
    path = str(tmp_path / "registry.xlsx")
    assert error_of(path) == f"{path}: file not found; check the path"


def test_two_headers_for_one_canonical_column(tmp_path):
    header = ["vneid", "full_name", "program", "Số tiền hưởng", "channel", "Số tiền"]
    path = write_csv(tmp_path / "registry.csv", header, [["1", "a", "welfare", "1", "cash", "1"]])
    assert error_of(path) == (
        f"{path}: columns 'Số tiền hưởng' and 'Số tiền' both read as 'entitled_amount'; remove or rename one of them"
    )


def test_a_recognised_profile_chooses_between_two_candidate_headers(tmp_path):
    header = [*VI_HEADER[:5], "Số tiền"]
    path = write_csv(tmp_path / "registry.csv", header, [[*REGISTRY_ROWS[0][:5], "1"]])
    table = read_file(path, "registry")
    assert (table.profile, table.profile_how) == ("vn-registry", "recognised")
    assert table.header_map["Số tiền hưởng"] == "entitled_amount" and "Số tiền" not in table.header_map


def test_canonical_name_and_alias_for_one_column(tmp_path):
    header = ["vneid", "full_name", "program", "entitled_amount", "channel", "CCCD"]
    path = write_csv(tmp_path / "registry.csv", header, [["1", "a", "welfare", "1", "cash", "1"]])
    assert error_of(path) == (f"{path}: columns 'vneid' and 'CCCD' both read as 'vneid'; remove or rename one of them")


def test_row_with_more_fields_than_header(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(
        "vneid,full_name,program,entitled_amount,channel\n001087123456,Lê Văn A,welfare,1500000,cash,extra,more\n",
        encoding="utf-8",
    )
    message = error_of(path)
    assert message.startswith(f"{path}: cannot be read as CSV (")
    assert message.endswith("; check the delimiter and quoting, or save it again from Excel as 'CSV UTF-8'")


# --------------------------------------------------------------------------------------------
# Arbitrary bytes
# --------------------------------------------------------------------------------------------

TOKENS = [*"ab01 \";,\t|\r\n'đĐễ\x00\\", "vneid", "full_name", "Số tiền", "payment_ref", "amount"]
csv_like = st.lists(
    st.lists(st.lists(st.sampled_from(TOKENS), max_size=6).map("".join), min_size=1, max_size=6),
    min_size=1,
    max_size=6,
).map(lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8"))


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_or_input_file_error(path: Path) -> None:
    for kind in ("registry", "payments"):
        try:
            table = read_file(path, kind)
        except InputFileError as exc:
            assert str(exc).startswith(f"{path}: ")
        else:
            try:
                rows = table.text_frame()  # a streamed Parquet file is read only now
            except InputFileError as exc:
                assert str(exc).startswith(f"{path}: ")
                continue
            first = table.header_row + table.header_rows  # under the header (a title block may sit above it)
            totals = table.control.row if table.control is not None and table.control.row else None
            expected = [r for r in range(first, first + table.rows_read + (totals is not None)) if r != totals]
            assert rows[ROW_COLUMN].to_list() == expected  # every row but the totals row, which is no data


@FUZZ
@example(raw=b"\xff\xfe")
@example(raw=b"vneid,vneid\n1,2\n")
@example(raw=b",,\n1,2,3\n")
@example(raw=b'"\n')
@example(raw=b"\x00\x00\x00")
@example(raw=b"PAR1garbage")
@example(raw=b"PK\x03\x04garbage")
@example(raw=b"\xd0\xcf\x11\xe0garbage")
@given(raw=st.one_of(st.binary(max_size=300), csv_like))
def test_arbitrary_bytes_read_or_raise_input_file_error(tmp_path, raw):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(raw)
    read_or_input_file_error(path)


@FUZZ
@example(raw=b"\xfe\xff\x00")
@example(raw=b"\xff\xfe\x00\xd8")
@given(raw=st.tuples(st.sampled_from(UTF16_BOMS), st.binary(max_size=200)).map(b"".join))
def test_arbitrary_bytes_after_utf16_bom_read_or_raise_input_file_error(tmp_path, raw):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(raw)
    read_or_input_file_error(path)


@pytest.mark.parametrize(
    "raw",
    [
        "vneid\tfull_name\r\n".encode("utf-16") + b"\x00",  # cut short: odd number of bytes
        b"\xff\xfe\x00\xd8",  # a lone surrogate
    ],
)
def test_damaged_utf16_file(tmp_path, raw):
    path = tmp_path / "r.txt"
    path.write_bytes(raw)
    assert error_of(path) == (
        f"{path}: starts as UTF-16 text but is cut short or damaged; "
        "save it again from Excel (as 'CSV UTF-8' if you can)"
    )


def test_parquet_with_nested_binary_and_zoned_columns_reads_as_text(tmp_path):
    import datetime as _dt

    frame = pl.DataFrame(
        {
            "payment_ref": ["P1"],
            "payee_name": ["NGUYEN VAN HUNG"],
            "amount": [1_000_000],
            "value_date": [_dt.datetime(2024, 9, 4, 20, 0, tzinfo=_dt.UTC)],
            "channel": ["bank"],
            "tags": [["a", "b"]],
            "blob": [b"\x00\x01"],
        }
    )
    path = tmp_path / "p.parquet"
    frame.write_parquet(path)
    table = read_file(path, "payments")
    row = table.text_frame().row(0, named=True)
    assert row["value_date"] == "2024-09-05 03:00:00"  # 20:00 UTC is the next morning in Viet Nam
    assert row["amount"] == "1000000"
    assert row["tags"] == '["a", "b"]' and row["blob"] == "0001"


def test_a_workbook_that_makes_the_excel_reader_abort_is_refused(tmp_path):
    # Five bytes changed in a real .xls make calamine declare a sheet of billions of cells and
    # abort the process trying to allocate 33 GB; read in a child process, it is one refused file.
    raw = bytearray((FIXTURES / "layouts" / "registry_legacy.xls").read_bytes())
    raw[41914:41919] = b"6\x96@iH"
    path = tmp_path / "damaged.xls"
    path.write_bytes(bytes(raw))
    assert error_of(path) == (
        f"{path}: cannot be read as an Excel workbook (the reader stopped on damaged "
        "data); open it in Excel and save it again as .xlsx"
    )


@pytest.mark.parametrize(
    "header, message",
    [
        (
            ["STT", "Số CCCD", "Họ và tên", "Chế độ", "Số tiền", "Ngày chi trả", "Hình thức chi trả"],
            "looks like a payments file, not a beneficiary registry (it has a value date: 'Ngày chi trả'); "
            "give it as --payments",
        ),
        (
            ["Mã giao dịch", "Số CCCD", "Họ và tên", "Chế độ", "Số tiền", "Ngày chi trả", "Hình thức chi trả"],
            "looks like a payments file, not a beneficiary registry (it has a payment reference and a value date: "
            "'Mã giao dịch', 'Ngày chi trả'); give it as --payments",
        ),
    ],
)
def test_a_payout_list_given_as_the_registry_is_refused(tmp_path, header, message):
    """A post office's payout list, with or without its own references, given as --registry."""
    row = ["1", "038153000257", "Trần Thị Mai", "Trợ cấp xã hội", "500.000", "12/09/2024", "Tiền mặt"]
    path = write_csv(tmp_path / "chi_tra.csv", header, [row])
    with pytest.raises(InputFileError) as err:
        read_file(path, "registry")
    assert str(err.value) == f"{path}: {message}"


def test_a_registry_with_a_payment_date_of_its_own_stays_a_registry(tmp_path):
    """One payment-like column is no proof when the file has what only a registry has."""
    header = ["Số định danh cá nhân", "Họ và tên", "Chế độ", "Số tiền hưởng", "Hình thức chi trả", "Ngày chi trả"]
    row = ["038153000257", "Trần Thị Mai", "Trợ cấp xã hội", "500.000", "Tiền mặt", "12/09/2024"]
    table = read_file(write_csv(tmp_path / "r.csv", header, [row]), "registry")
    assert table.header_map["Số tiền hưởng"] == "entitled_amount"


def test_map_headers_checks_the_required_columns_by_default(tmp_path):
    """Called with its defaults, map_headers refuses a file without a required column (its parameter
    once shadowed the function that does so, and the call failed with a TypeError)."""
    from reconcile.readers.headers import map_headers

    with pytest.raises(InputFileError) as err:
        map_headers(tmp_path / "r.csv", "registry", [("Họ và tên", "Họ và tên"), ("Số tiền hưởng", "Số tiền hưởng")])
    assert str(err.value) == (
        f"{tmp_path / 'r.csv'}: required column 'vneid' is missing from the registry file (also "
        "missing: program, channel); add it or rename the column that holds it to 'vneid', or "
        "pass a --profile that maps it"
    )


def test_a_streamed_parquet_file_damaged_inside_its_data_is_named_when_its_rows_are_staged(tmp_path):
    """A Parquet file whose footer is whole but one of its data pages is not: reading it (its
    columns, its row count) succeeds, and the fault is found only when its rows are staged, in the
    statement that reads every file of the role; the error names the file, not the run."""
    import duckdb

    from reconcile.config import Settings
    from reconcile.normalise.stage import stage_files
    from reconcile.pipeline import run_params

    good = tmp_path / "bank.parquet"
    n = 20_000
    pl.DataFrame(
        {
            "payment_ref": [f"FT24{i:08d}" for i in range(n)],
            "vneid": [f"0010{i:08d}" for i in range(n)],
            "payee_name": ["Nguyễn Văn An"] * n,
            "amount": ["1.500.000"] * n,
            "value_date": ["05/09/2024"] * n,
            "channel": ["bank"] * n,
            "account_number": [f"{i * 7919 % 10**9:012d}" for i in range(n)],
        }
    ).write_parquet(good, compression="uncompressed", row_group_size=5_000)
    data = bytearray(good.read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 400):
        data[i] = 0xAB
    bad = tmp_path / "damaged.parquet"
    bad.write_bytes(bytes(data))
    table = read_file(bad, "payments")
    assert table.source is not None and table.rows_read == n  # read without a fault
    with pytest.raises(InputFileError) as err:
        stage_files(duckdb.connect(), [(1, table)], run_params("2024-09", Settings()))
    assert str(err.value) == f"{bad}: cannot be read as Parquet (Error); write the file again, or export it as CSV"


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Tổng cộng", (True, None)),
        ("Tổng cộng: 295 giao dịch", (True, 295)),
        ("Tổng cộng: 2.885 giao dịch", (True, 2885)),  # the count's thousands separated, as amounts are
        ("TỔNG CỘNG (1,204,331 khoản)", (True, 1204331)),
        ("Total (12 payments)", (True, 12)),
        ("Tổng cộng 2.88 giao dịch", (False, None)),  # no count is written so
        ("Người lập biểu", (False, None)),
    ],
)
def test_a_totals_label_and_its_count(cell, expected):
    from reconcile.readers.totals import totals_label

    assert totals_label(cell) == expected


@pytest.mark.parametrize("family, read", [("Họ đệm", "Tên"), ("Họ và tên đệm", "Tên"), ("Họ", "Tên")])
def test_a_name_split_over_two_columns_is_refused_not_read_as_the_given_name(tmp_path, family, read):
    header = ["Số định danh cá nhân", family, "Tên", "Chế độ", "Số tiền hưởng", "Hình thức chi trả"]
    path = write_csv(
        tmp_path / "r.csv", header, [["001087123456", "Nguyễn Văn", "An", "Lương hưu", "1.000.000", "Tiền mặt"]]
    )
    with pytest.raises(InputFileError) as err:
        read_file(path, "registry")
    assert str(err.value) == (
        f"{path}: the name is split over the columns '{family}' and 'Tên': '{read}' alone would be read as the "
        "whole name; join them into one column 'Họ và tên' (in Excel: =A2&\" \"&B2 with the two columns' letters) and "
        "run again"
    )


# A registry whose header is written over two rows, the way offices lay out a list for printing:
# group cells over the account and the beneficiary's state, the other headers merged down over both.
TWO_ROW_TOP = [
    "STT",
    "Số định danh cá nhân",
    "Họ và tên",
    "Chương trình",
    "Số tiền hưởng",
    "Hình thức chi trả",
    "Thông tin tài khoản",
    None,
    "Tình trạng hưởng",
    None,
]
TWO_ROW_SUB = [None, None, None, None, None, None, "Ngân hàng", "Số tài khoản", "Trạng thái", "Ngày mất"]
TWO_ROW_DATA = [
    [
        "1",
        "001087123456",
        "Nguyễn Thị Thanh Hương",
        "welfare",
        "1.500.000",
        "bank",
        "VCB",
        "0071000123456",
        "Đang hưởng",
        None,
    ],
    [
        "2",
        "079199000123",
        "Đặng Văn Hòa",
        "pension",
        "2,000,000",
        "bank",
        "BIDV",
        "12010000999888",
        "Đã chết",
        "15/08/2024",
    ],
]
TWO_ROW_MAP = {
    "Số định danh cá nhân": "vneid",
    "Họ và tên": "full_name",
    "Chương trình": "program",
    "Số tiền hưởng": "entitled_amount",
    "Hình thức chi trả": "channel",
    "Ngân hàng": "bank_code",
    "Số tài khoản": "account_number",
    "Trạng thái": "status",
    "Ngày mất": "date_of_death",
}


def _two_row_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CHI TRẢ THÁNG 9/2024"])
    ws.append(TWO_ROW_TOP)
    ws.append(TWO_ROW_SUB)
    for col in range(1, 7):
        ws.merge_cells(start_row=2, end_row=3, start_column=col, end_column=col)
    ws.merge_cells("G2:H2")
    ws.merge_cells("I2:J2")
    for row in TWO_ROW_DATA:
        ws.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_header_over_two_rows_reads_the_columns_under_its_group_cells(tmp_path, fmt):
    """Read from its first row alone, the account and the date of death were ignored columns (and
    PAID_AFTER_DEATH lost), the second header row a rejected data row."""
    if fmt == "xlsx":
        path = _two_row_xlsx(tmp_path / "r.xlsx")
    else:
        path = write_csv(
            tmp_path / "r.csv",
            ["DANH SÁCH CHI TRẢ THÁNG 9/2024"],
            [
                [v or "" for v in TWO_ROW_TOP],
                [v or "" for v in TWO_ROW_SUB],
                *[[v or "" for v in r] for r in TWO_ROW_DATA],
            ],
        )
    table = read_file(path, "registry")
    assert {k: v for k, v in table.header_map.items() if v} == TWO_ROW_MAP
    rows = data(table)
    assert [(r["Số định danh cá nhân"], r["Số tài khoản"], r["Trạng thái"], r["Ngày mất"]) for r in rows] == [
        ("001087123456", "0071000123456", "Đang hưởng", None),
        ("079199000123", "12010000999888", "Đã chết", "15/08/2024"),
    ]
    assert table.text_frame()[ROW_COLUMN].to_list() == [4, 5]  # the rows Excel shows


def test_a_data_row_under_the_header_is_no_second_header_row(tmp_path):
    """A first data row with words where the header row is empty (a note column) stays a data row."""
    header = [*VI_HEADER[:7], None]
    rows = [[*REGISTRY_ROWS[0], "Ngân hàng"], [*REGISTRY_ROWS[1], ""]]
    table = read_file(write_xlsx(tmp_path / "r.xlsx", header, rows), "registry")
    assert [r["Số định danh cá nhân"] for r in data(table)] == ["001087123456", "079199000123"]


TITLE = "ỦY BAN NHÂN DÂN XÃ AN BÌNH\nDANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 9/2024\n"
LIST_HEADER = "STT,Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,"


def test_a_first_data_row_without_digits_under_a_header_with_an_empty_cell_is_data(tmp_path):
    """Lê Văn Tư's row (no ID, no birth date, `360.000`, `Đã mất` under `Trạng thái` and a note where
    the header has none) is a data row, rejected for what it lacks: not a second header row that
    makes `Trạng thái Đã mất` a header and loses the beneficiary unsaid."""
    path = tmp_path / "r.csv"
    path.write_text(
        TITLE
        + LIST_HEADER
        + "Mã ngân hàng,Số tài khoản,Trạng thái,\n"
        + "1,,Lê Văn Tư,,Nam,NCT,360.000,Tiền mặt,,,Đã mất,Đã báo giảm\n"
        + "2,001204000000,Nguyễn Văn A,01/03/1950,Nữ,BTXH,500000,Chuyển khoản,VCB,1000000000,Đang hưởng,\n",
        encoding="utf-8",
    )
    table = read_file(path, "registry")
    assert (table.header_row, table.header_rows) == (3, 1)
    assert table.header_map["Trạng thái"] == "status"
    assert [r["Họ và tên"] for r in data(table)] == ["Lê Văn Tư", "Nguyễn Văn A"]


def test_a_title_line_above_the_header_is_no_first_header_row(tmp_path):
    """`Số tài khoản: 0011223344,,,Ngân hàng: Vietcombank` above the header names no column: the
    header is its own row, and `Ghi chú` is no bank code."""
    path = tmp_path / "r.csv"
    path.write_text(
        TITLE
        + "Số tài khoản: 0011223344,,,Ngân hàng: Vietcombank\n"
        + LIST_HEADER
        + "Số tài khoản,Trạng thái,Ghi chú\n"
        + "1,001204000000,Nguyễn Văn A,01/03/1950,Nam,BTXH,500000,Tiền mặt,,Đang hưởng,Hộ nghèo\n",
        encoding="utf-8",
    )
    table = read_file(path, "registry")
    assert (table.header_row, table.header_rows) == (4, 1)
    assert "bank_code" not in table.header_map.values()
    assert [r["Ghi chú"] for r in data(table)] == ["Hộ nghèo"]


@pytest.mark.parametrize("first_column", [1, 3])
def test_a_cell_merged_down_a_column_is_read_on_every_row_it_covers(tmp_path, first_column):
    """`Đã chết` merged over three beneficiaries: read as it is, the two under the top cell had no
    status (read as active, a payment after their death not flagged). Merges across columns (a
    title) stay as they are. The sheet may start in any column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    c = first_column
    ws.cell(1, c, "DANH SÁCH THÁNG 9/2024")
    ws.merge_cells(start_row=1, end_row=1, start_column=c, end_column=c + 3)
    for i, value in enumerate(
        ["Số định danh cá nhân", "Họ và tên", "Chương trình", "Số tiền hưởng", "Hình thức chi trả", "Trạng thái"]
    ):
        ws.cell(2, c + i, value)
    people = [
        ("001087123456", "Nguyễn Thị Thanh Hương"),
        ("079199000123", "Đặng Văn Hòa"),
        ("002300000001", "Lê Thị Hồng Nhung"),
        ("001035000000", "Phạm Văn Đức"),
    ]
    for r, (vneid, name) in enumerate(people, start=3):
        for i, value in enumerate([vneid, name, None, "1.500.000", "cash", None]):
            ws.cell(r, c + i, value)
    ws.cell(3, c + 2, "Lương hưu")
    ws.merge_cells(start_row=3, end_row=6, start_column=c + 2, end_column=c + 2)
    ws.cell(3, c + 5, "Đang hưởng")
    ws.cell(4, c + 5, "Đã chết")
    ws.merge_cells(start_row=4, end_row=6, start_column=c + 5, end_column=c + 5)
    wb.save(tmp_path / "r.xlsx")
    rows = data(read_file(tmp_path / "r.xlsx", "registry"))
    assert [(r["Chương trình"], r["Trạng thái"]) for r in rows] == [
        ("Lương hưu", "Đang hưởng"),
        ("Lương hưu", "Đã chết"),
        ("Lương hưu", "Đã chết"),
        ("Lương hưu", "Đã chết"),
    ]


@pytest.mark.parametrize("before", [True, False])
def test_the_amount_paid_is_not_taken_from_a_column_that_only_holds_the_words(tmp_path, before):
    """`Số tiền (kỳ trước)` (last month's amount) beside `Số tiền chi trả`: the profile's `Số tiền` as
    words within a header took the first of them, and the amounts paid were last month's (exit 0)."""
    amounts = ["Số tiền (kỳ trước)", "Số tiền chi trả"] if before else ["Số tiền chi trả", "Số tiền (kỳ trước)"]
    values = ["1.500.000", "1.450.000"] if before else ["1.450.000", "1.500.000"]
    header = ["Số tham chiếu", "Tên người thụ hưởng", "Số tài khoản", *amounts, "Ngày giao dịch"]
    row = ["FT24249001", "NGUYEN THI THANH HUONG", "0071000123456", *values, "05/09/2024"]
    table = read_file(write_xlsx(tmp_path / "p.xlsx", header, [row]), "payments")
    assert table.profile == "vn-bank-disbursement"
    assert {v: k for k, v in table.header_map.items() if v}["amount"] == "Số tiền chi trả"


def test_a_csv_whose_lines_end_in_a_carriage_return_alone_is_read_row_by_row(tmp_path):
    """Saved as 'CSV (Macintosh)': its lines end in CR alone, and it was refused as a header row
    without data rows, a file that is whole."""
    path = write_csv(tmp_path / "r.csv", VI_HEADER[:7], REGISTRY_ROWS)
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    assert b"\n" not in path.read_bytes()
    rows = data(read_file(path, "registry"))
    assert [(r["Số định danh cá nhân"], r["Họ và tên"]) for r in rows] == [(r[0], r[1]) for r in REGISTRY_ROWS]


def test_check_says_in_vietnamese_that_a_sheet_without_a_header_goes_on_with_the_list_before(tmp_path, monkeypatch):
    """`reconcile check` said `tiêu đề ở dòng 0` of the second sheet, and its note in English."""
    from click.testing import CliRunner
    from openpyxl import Workbook

    from reconcile import messages
    from reconcile.cli import cli
    from test_pipeline import PAY_HEADER, PAYMENTS

    monkeypatch.delenv(messages.ENV, raising=False)
    wb = Workbook()
    wb.active.title = "Trang 1"
    for row in [PAY_HEADER, *PAYMENTS[:2]]:
        wb.active.append(row)
    wb.create_sheet("Trang 2").append(PAYMENTS[2])
    path = tmp_path / "bank.xlsx"
    wb.save(path)
    res = CliRunner().invoke(cli, ["--lang", "vi", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert f"{path}: tệp chi trả, xlsx, không có dòng tiêu đề của trang tính 'Trang 2'" in lines
    assert (
        "hồ sơ định dạng: trang tính 'Trang 2' không có dòng tiêu đề: được đọc như phần tiếp theo của danh sách ở "
        "trang tính 'Trang 1'"
    ) in lines


@pytest.mark.parametrize("name", ["bang_ke.xls", "bang_ke.csv", "bang_ke"])
def test_an_xlsx_under_another_extension_is_said_to_be_one(tmp_path, name):
    """A real .xlsx named .xls (or .csv) was `a ZIP archive but not an .xlsx workbook; extract it`."""
    path = tmp_path / name
    path.write_bytes((FIXTURES / "sample" / "post_office_cash.xlsx").read_bytes())
    with pytest.raises(InputFileError) as err:
        read_file(path, "payments")
    what = f"with the extension {path.suffix}" if path.suffix else "with no extension"
    assert str(err.value) == f"{path}: is an .xlsx workbook {what}; rename it to .xlsx and run again"


def test_a_utf32_csv_is_said_to_be_utf32(tmp_path):
    """Read as UTF-16 for its byte-order mark, a UTF-32 file had `more fields than the header`."""
    path = tmp_path / "bank.csv"
    path.write_bytes("payment_ref,amount\nFT1,500000\n".encode("utf-32"))
    with pytest.raises(InputFileError) as err:
        read_file(path, "payments")
    assert str(err.value) == f"{path}: is UTF-32 text, which is not read; save it from Excel as 'CSV UTF-8'"


def test_an_e_wallet_s_number_is_the_account_and_its_time_stamped_date_the_value_date(tmp_path):
    """`Số ví` (Viettel Money, MoMo) and `Thời gian giao dịch` were not read: the list was refused
    for a missing value date, and the wallet's number, unread, matched no one's account."""
    header = ["Mã giao dịch", "Thời gian giao dịch", "Số ví", "Tên người nhận", "Số tiền", "Kênh chi trả"]
    row = ["VTM0001", "05/09/2024 14:23:11", "0912345678", "NGUYEN THI THANH HUONG", "1.500.000", "Ví điện tử"]
    table = read_file(write_csv(tmp_path / "vi.csv", header, [row]), "payments")
    assert {h: table.header_map[h] for h in ("Thời gian giao dịch", "Số ví")} == {
        "Thời gian giao dịch": "value_date",
        "Số ví": "account_number",
    }
