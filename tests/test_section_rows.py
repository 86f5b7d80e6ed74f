"""A post office's or a commune's list of several communes is divided into sections: a heading row
naming the commune or village (`Xã An Bình`, in a merged cell across the row or beside its numbering
`I`), and a subtotal under each (`Cộng xã An Bình`, written under the name with its amount). Each was
a rejected row (no reference, no payee, no date): the month's counts said rows were rejected that are
no payment, and the list's own grand total, read with them, did not agree. They are set aside, with
their reasons, and rows_read = rows_loaded + rows_rejected + rows_set_aside still holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
from click.testing import CliRunner

from conftest import reconciled
from reconcile.cli import cli
from reconcile.readers.totals import area_level, totals_label

REGISTRY = """Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã tỉnh,Trạng thái
079196118125,Nguyễn Thị Thanh Hương,25/11/1996,Nữ,Trợ cấp xã hội,1.500.000,Tiền mặt,79,Đang hưởng
001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,2.250.000,Tiền mặt,01,Đang hưởng
001145007788,Lê Thị Hồng Nhung,03/03/1945,Nữ,Trợ cấp xã hội,1.000.000,Tiền mặt,01,Đang hưởng
001040951508,Phan Đức Tuấn,22/01/1940,Nam,Trợ cấp xã hội,500.000,Tiền mặt,01,Đang hưởng
"""
HEADER = ["STT", "Mã giao dịch", "Số CCCD", "Họ và tên", "Năm sinh", "Số tiền", "Ngày chi trả", "Trạng thái", "Ký nhận"]


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def checked(path: Path):
    """`reconcile check` of a payments list for September 2024, in English."""
    return CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])


def paid(ref, vneid, name, year, amount, day):
    return [ref[-1], ref, vneid, name, year, amount, dt.datetime(2024, 9, day), "Đã chi", None]


def test_a_post_office_list_of_two_communes_with_their_headings_and_subtotals(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [
        ["BƯU ĐIỆN HUYỆN BÌNH CHÁNH"],
        ["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 09/2024"],
        [],
        HEADER,
        ["Xã An Bình"],  # merged across the row: its value in the first cell
        paid("BD1", "079196118125", "Nguyễn Thị Thanh Hương", 1996, 1500000, 5),
        paid("BD2", "001038005555", "Trần Văn Bình", 1938, 2250000, 5),
        [None, None, None, "Cộng xã An Bình", None, 3750000],
        ["II", "XÃ BÌNH MINH"],  # its numbering in a cell of its own, the name in capitals
        paid("BD3", "001145007788", "Lê Thị Hồng Nhung", 1945, 1000000, 6),
        paid("BD4", "001040951508", "Phan Đức Tuấn", 1940, 500000, 6),
        [None, None, None, "Cộng xã Bình Minh", None, 1500000],
        ["Tổng cộng", None, None, None, None, 5250000],
    ]:
        sheet.append(row)
    sheet.merge_cells("A5:I5")
    post = tmp_path / "buu_dien.xlsx"
    book.save(post)
    db = reconciled(tmp_path, REGISTRY, post)
    assert rows(db, "SELECT payment_ref, amount FROM payments ORDER BY payment_ref") == [
        ("BD1", 1_500_000),
        ("BD2", 2_250_000),
        ("BD3", 1_000_000),
        ("BD4", 500_000),
    ]
    assert rows(db, "SELECT source_row, reason, set_aside FROM rejected_rows ORDER BY source_row") == [
        (5, "a section heading", True),
        (8, "a total row", True),
        (9, "a section heading", True),
        (12, "a total row", True),
    ]
    assert rows(
        db, "SELECT rows_read, rows_loaded, rows_rejected, rows_set_aside FROM inputs WHERE path LIKE '%buu_dien.xlsx'"
    ) == [(8, 4, 0, 4)]
    assert rows(db, "SELECT count(*) FROM flags") == [(0,)]


def test_a_list_without_a_profile_and_what_is_no_section(tmp_path):
    """A commune's CSV list (no built-in layout), headed by its villages (`Thôn 1`, `1.Thôn Đông`);
    a row with an ID is data whatever its name cell says (`Tổng Văn An`... `TONG VAN AN`), and a row
    of a name alone (`Tô Thị Hà`, a family name, not a `tổ`) is no heading: both still rejected."""
    post = tmp_path / "chi_tra.csv"
    post.write_text(
        "Số tham chiếu,Số định danh,Họ tên người nhận,Số tiền,Ngày GD,Hình thức chi trả,Trạng thái\n"
        "Thôn 1,,,,,,\n"
        "BD1,079196118125,Nguyễn Thị Thanh Hương,1.500.000,05/09/2024,Tiền mặt,Đã nhận\n"
        "BD2,001038005555,Trần Văn Bình,2.250.000,05/09/2024,Tiền mặt,Đã nhận\n"
        ",,Cộng thôn 1,3.750.000,,,\n"
        ",1.Thôn Đông,,,,,\n"
        "BD3,001145007788,Lê Thị Hồng Nhung,1.000.000,06/09/2024,Tiền mặt,Đã nhận\n"
        "BD4,001040951508,Phan Đức Tuấn,500.000,06/09/2024,Tiền mặt,Đã nhận\n"
        ",001040951508,TONG VAN AN,500.000,06/09/2024,Tiền mặt,Đã nhận\n"
        ",,Tô Thị Hà,,,,\n",
        encoding="utf-8-sig",
    )
    db = reconciled(tmp_path, REGISTRY, post)
    assert rows(db, "SELECT payment_ref FROM payments ORDER BY payment_ref") == [("BD1",), ("BD2",), ("BD3",), ("BD4",)]
    assert rows(db, "SELECT source_row, set_aside, reason FROM rejected_rows ORDER BY source_row") == [
        (2, True, "a section heading"),
        (5, True, "a total row"),
        (6, True, "a section heading"),
        (9, False, "payment_ref missing"),
        (10, False, "payment_ref missing; amount missing; value_date missing; channel missing"),
    ]


def test_numbered_sections_whose_subtotal_is_labelled_in_the_reference_column(tmp_path):
    """`I | Xã An Bình` headings and `Cộng I` subtotals written in the reference's column, under a
    numbering row and above a `Tổng cộng: 4 người` that counts the payments: the subtotals were
    rejected (a payment without payee or date) and the totals row, counting 8 rows read, disagreed."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [
        ["BƯU ĐIỆN TỈNH BÌNH DƯƠNG"],
        ["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 09/2024"],
        HEADER,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
        ["I", "Xã An Bình"],
        paid("BD1", "079196118125", "Nguyễn Thị Thanh Hương", 1996, 1500000, 5),
        paid("BD2", "001038005555", "Trần Văn Bình", 1938, 2250000, 5),
        [None, "Cộng I", None, None, None, 3750000],
        ["II", "Xã Bình Minh"],
        paid("BD3", "001145007788", "Lê Thị Hồng Nhung", 1945, 1000000, 6),
        paid("BD4", "001040951508", "Phan Đức Tuấn", 1940, 500000, 6),
        [None, "Cộng II", None, None, None, 1500000],
        ["Tổng cộng: 4 người", None, None, None, None, 5250000],
    ]:
        sheet.append(row)
    sheet.merge_cells("B5:I5")
    sheet.merge_cells("B9:I9")
    post = tmp_path / "buu_dien.xlsx"
    book.save(post)
    res = checked(post)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[5:] == [
        "rows: 9 read, 4 loaded, 0 rejected, 5 set aside as no payment",
        "totals: totals row 13 says 4 rows of 5,250,000 VND; read 4 rows of 5,250,000 VND",
        "set aside: 1 row: the row under the header that numbers the columns (row 4)",
        "set aside: 2 rows: a section heading (rows 5, 9)",
        "set aside: 2 rows: a total row (rows 8, 12)",
    ]
    db = reconciled(tmp_path, REGISTRY, post)
    assert rows(db, "SELECT payment_ref FROM payments ORDER BY payment_ref") == [("BD1",), ("BD2",), ("BD3",), ("BD4",)]


def _two_communes(path: Path, last: list | None, pad: str | None = None, subtotal: str = "Cộng") -> Path:
    """The post office's list of two communes of the first test, ending with the row `last` (None: none
    after the second commune's subtotal), their subtotals labelled `subtotal` and the commune; `pad`
    written in every empty cell of its headings and subtotals, across the header's width."""
    book = openpyxl.Workbook()
    for row in [
        ["BƯU ĐIỆN HUYỆN BÌNH CHÁNH"],
        HEADER,
        ["Xã An Bình"],
        paid("BD1", "079196118125", "Nguyễn Thị Thanh Hương", 1996, 1500000, 5),
        paid("BD2", "001038005555", "Trần Văn Bình", 1938, 2250000, 5),
        [None, None, None, f"{subtotal} xã An Bình", None, 3750000],
        ["II", "XÃ BÌNH MINH"],
        paid("BD3", "001145007788", "Lê Thị Hồng Nhung", 1945, 1000000, 6),
        paid("BD4", "001040951508", "Phan Đức Tuấn", 1940, 500000, 6),
        [None, None, None, f"{subtotal} xã Bình Minh", None, 1500000],
        *([last] if last is not None else []),
    ]:
        payment = len(row) > 1 and str(row[1]).startswith("BD")
        if pad is not None and row is not HEADER and not payment:
            row = [pad if v is None else v for v in row + [None] * (len(HEADER) - len(row))]
        book.active.append(row)
    book.save(path)
    return path


def test_a_grand_total_that_names_its_district_is_the_lists_totals_row(tmp_path):
    """`Tổng cộng huyện Bình Chánh` (a place's name after the label) was set aside as a subtotal, its
    sum never checked: a list that lost a payment, its grand total still 5,250,000, passed (exit 0).
    It is the list's totals row, checked as `Tổng cộng` is (a run refuses the list that disagrees);
    the disagreement names the 4 payments read, not 6 rows of 10,500,000 VND with the subtotals. A
    commune's `Cộng xã ...` stays a section's subtotal: a list may end with its last commune's."""
    wrong = _two_communes(tmp_path / "sai.xlsx", ["Tổng cộng huyện Bình Chánh", None, None, None, None, 6250000])
    res = checked(wrong)
    assert res.exit_code == 1
    assert res.output.splitlines()[5:7] == [
        "rows: 8 read, 4 loaded, 0 rejected, 4 set aside as no payment",
        "totals: totals row 11 says 6,250,000 VND; read 4 rows of 5,250,000 VND; they DISAGREE: the file is "
        "incomplete or its totals row is wrong",
    ]
    assert [
        totals_label(label)
        for label in (
            "TỔNG CỘNG TOÀN HUYỆN",
            "Tổng cộng Quận 3: 295 người",
            "Tổng số Bưu điện tỉnh Bình Dương (1.250 người)",
            "Cộng xã Bình Minh",
            "Tổng Văn An",
        )
    ] == [(True, None), (True, 295), (True, 1250), (False, None), (False, None)]


def test_a_list_that_ends_with_its_last_communes_subtotal_labelled_tong_cong_xa_is_not_refused(tmp_path):
    """Each commune's subtotal labelled `Tổng cộng xã ...`, and no grand total: the last one is its
    commune's subtotal, not the list's total (taken for it, its 1,500,000 disagreed with the list's
    5,250,000, and the list was refused). `Tổng cộng toàn xã` is a grand total."""
    post = _two_communes(tmp_path / "buu_dien.xlsx", None, subtotal="Tổng cộng")
    res = checked(post)
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[5:] == [
        "rows: 8 read, 4 loaded, 0 rejected, 4 set aside as no payment",
        "set aside: 2 rows: a section heading (rows 3, 7)",
        "set aside: 2 rows: a total row (rows 6, 10)",
    ]
    assert [totals_label(v) for v in ("Tổng cộng xã An Bình", "Tổng cộng toàn xã", "Tổng cộng thị xã Dĩ An")] == [
        (False, None),
        (True, None),
        (True, None),
    ]


def test_headings_and_subtotals_whose_empty_cells_hold_spaces(tmp_path):
    """An export that writes a space into each empty cell: the heading `Xã An Bình` had nine cells
    filled, too many for a heading, and the subtotals' label was the space of their first cell; all
    four were rejected rows (`payment_ref missing; value_date missing`), the list's check exit 1."""
    post = _two_communes(tmp_path / "buu_dien.xlsx", ["Tổng cộng", None, None, None, None, 5250000], pad=" ")
    res = checked(post)
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[5:] == [
        "rows: 8 read, 4 loaded, 0 rejected, 4 set aside as no payment",
        "totals: totals row 11 says 5,250,000 VND; read 4 rows of 5,250,000 VND",
        "set aside: 2 rows: a section heading (rows 3, 7)",
        "set aside: 2 rows: a total row (rows 6, 10)",
    ]


def _two_districts(path: Path, first: str, second: str, under: list[list] = ()) -> Path:
    """A province's list of two districts, each ending with its subtotal (`first`, `second`), no grand
    total, and the rows `under` the last; as a workbook, or as CSV when `path` ends so."""
    table = [
        ["BƯU ĐIỆN TỈNH AN GIANG"],
        HEADER,
        ["Huyện An Phú"],
        paid("BD1", "079196118125", "Nguyễn Thị Thanh Hương", 1996, 1500000, 5),
        paid("BD2", "001038005555", "Trần Văn Bình", 1938, 2250000, 5),
        [None, None, None, first, None, 3750000],
        ["Huyện Châu Phú"],
        paid("BD3", "001145007788", "Lê Thị Hồng Nhung", 1945, 1000000, 6),
        paid("BD4", "001040951508", "Phan Đức Tuấn", 1940, 500000, 6),
        [None, None, None, second, None, 1500000],
        *under,
    ]
    if path.suffix == ".csv":
        import csv

        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(
                [[v.strftime("%d/%m/%Y") if isinstance(v, dt.datetime) else v for v in row] for row in table]
            )
        return path
    book = openpyxl.Workbook()
    for row in table:
        book.active.append(row)
    book.save(path)
    return path


def test_a_province_list_of_districts_ending_with_its_last_district_s_subtotal_is_not_refused(tmp_path):
    """Each district's subtotal `Tổng cộng huyện ...` (or `Cộng huyện`, `Tổng cộng quận`) and no grand
    total: the last was taken for the list's totals row, its 1,500,000 disagreed with the list's
    5,250,000 and the list was refused (exit 1, a run exit 2). A subtotal of the same level as one above
    it is a subtotal, set aside; the signatures under it too."""
    signed = [[], [None, None, None, "Người lập biểu", None, None, None, "Giám đốc"]]
    for name, first, second, under in (
        ("a.xlsx", "Tổng cộng huyện An Phú", "Tổng cộng huyện Châu Phú", []),
        ("b.csv", "Cộng huyện An Phú", "Tổng cộng quận Châu Phú", signed),
    ):
        res = checked(_two_districts(tmp_path / name, first, second, under))
        assert res.exit_code == 0, (name, res.output)
        lines = res.output.splitlines()[5:]
        assert lines[1:3] == [
            "set aside: 2 rows: a section heading (rows 3, 7)",
            "set aside: 2 rows: a total row (rows 6, 10)",
        ]
        if under:
            assert lines[0] == "rows: 10 read, 4 loaded, 0 rejected, 6 set aside as no payment", name
            assert lines[3] == "set aside: 2 rows: under the totals row (signatures, amount in words) (rows 11, 12)", (
                name
            )
        else:
            assert lines == [
                "rows: 8 read, 4 loaded, 0 rejected, 4 set aside as no payment",
                *lines[1:3],
            ], name
    # a grand total (`toàn tỉnh`) under them names no level of theirs, and stays the list's totals row
    assert [
        area_level(v) for v in ("Tổng cộng toàn tỉnh", "Tổng cộng quận 3", "Cộng huyện An Phú", "Cộng xã An Bình")
    ] == [
        None,
        "district",
        "district",
        "xa",
    ]
