"""What an auditor does to a review book besides typing decisions, and what `review import` makes of
it (reconcile/cases/review_cells.py, review_rows.py): a formula whose value the file does not hold
(a book filled by a script), a totals row or a note added below the findings, a finding id cleared,
a header retyped or a column deleted, two rows of one case that disagree, invisible characters pasted
with a value; and the Parameters sheet's words for every setting. The sample month (fixtures/sample),
its workbook written in Vietnamese or English, edited with openpyxl as a script or an officer would."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from conftest import copy_of
from reconcile.cli import cli
from test_cases_reopen_rerun import month_files, run

AMOUNT = {"vi": "Số tiền đã thu hồi hoặc xóa nợ (đồng)", "en": "Amount recovered or written off (VND)"}
SHEET = {"vi": "Phát hiện", "en": "Findings"}
STATUS = {"vi": "Trạng thái", "en": "Status"}
REFUSED = {
    "vi": "reconcile: lỗi: {book}: {n} dòng không ghi nhận được; chưa ghi nhận gì",
    "en": "reconcile: error: {book}: {n} row(s) cannot be recorded; nothing was recorded",
}


def invoke(lang: str, *args: str):
    return CliRunner().invoke(cli, ["--lang", lang, *args])


def review(db: Path, book: Path, lang: str = "en"):
    return invoke(lang, "review", "import", str(book), "--db", str(db), "--by", "Kiểm toán viên")


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture()
def db(sample_month, tmp_path) -> Path:
    return copy_of(sample_month.db, tmp_path / "r.duckdb")


def write_book(db: Path, path: Path, lang: str) -> Path:
    res = invoke(lang, "report", "--period", "2024-09", "--db", str(db), "--report", str(path), "--lang", lang)
    assert res.exit_code == 0, res.output
    return path


def opened(path: Path, lang: str):
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET[lang]]
    return wb, ws, {c.value: i + 1 for i, c in enumerate(ws[1])}


def pension_after_death(ws, col: dict, lang: str) -> int:
    """The row of the pension paid after its beneficiary's death: 8,158,000 VND at stake."""
    program = {"vi": "Lương hưu", "en": "Pension"}[lang]
    code, prog = col[{"vi": "Mã phát hiện", "en": "Code"}[lang]], col[{"vi": "Chế độ", "en": "Programme"}[lang]]
    return next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, code).value == "PAID_AFTER_DEATH" and ws.cell(r, prog).value == program
    )


# -- a formula whose value the file does not hold --------------------------------------------------------


FORMULA = {
    "vi": "cột 'Số tiền đã thu hồi hoặc xóa nợ (đồng)' (case_amount) chứa công thức mà giá trị không được lưu "
    "trong tệp (sổ được lưu bằng một chương trình không tính công thức); hãy mở sổ bằng Excel hoặc LibreOffice, "
    "lưu lại, rồi nhập lại sổ",
    "en": "column 'Amount recovered or written off (VND)' (case_amount) holds a formula whose value is not stored "
    "in the file (it was saved by a program that does not calculate); open the workbook in Excel or LibreOffice, "
    "save it, and import again",
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_amount_formula_saved_without_its_value_is_refused_naming_the_row_and_column(db, tmp_path, lang):
    book = write_book(db, tmp_path / "book.xlsx", lang)
    wb, ws, col = opened(book, lang)
    r = pension_after_death(ws, col, lang)
    ws.cell(r, col[STATUS[lang]]).value = "recovery"
    ws.cell(r, col[AMOUNT[lang]]).value = "=8158000/2"  # openpyxl writes the formula, no value
    wb.save(book)
    res = review(db, book, lang)
    assert res.exit_code == 2
    where = f"trang tính 'Phát hiện' dòng {r}" if lang == "vi" else f"sheet 'Findings' row {r}"
    assert res.output.splitlines() == [
        f"reconcile: book.xlsx: {where}: {FORMULA[lang]}",
        REFUSED[lang].format(book=book, n=1),
    ]
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]
    # writing the workbook again over it would lose that decision: it counts as one not recorded
    from reconcile.cases.review import unrecorded_decisions

    assert unrecorded_decisions(db, book) == 1


def test_the_same_formula_with_its_value_stored_as_excel_and_libreoffice_save_it_is_recorded(db, tmp_path):
    book = write_book(db, tmp_path / "book.xlsx", "en")
    wb, ws, col = opened(book, "en")
    r = pension_after_death(ws, col, "en")
    ws.cell(r, col["Status"]).value = "recovery"
    ws.cell(r, col[AMOUNT["en"]]).value = "=8158000/2"
    # a formula elsewhere in the row's own column beside it, whose text value is empty: stored, as t="str"
    ws.cell(r, col["Comment"]).value = '=""'
    wb.save(book)
    stored = tmp_path / "saved.xlsx"  # the value each formula shows, stored beside it as Excel does
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(stored, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(<f>8158000/2</f>)<v\s*/>", rb"\1<v>4079000</v>", data)
                data = re.sub(
                    rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>""</f><v\s*/>', rb'<c r="\1"\2 t="str"><f>""</f><v></v>', data
                )
            out.writestr(item, data)
    res = review(db, stored)
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT to_status, amount, comment FROM case_events") == [("recovery", 4079000, None)]


# -- rows added below the findings, a finding id cleared or typed over ----------------------------------


NO_ID = {
    "en": "has no finding id (column 'Finding id' (flag_id)), so no decision can be read from it; delete the row if "
    "it was added (a total, a note), or put back its finding id as the workbook was written, and import again",
    "vi": "không có mã bản ghi phát hiện (cột 'Mã bản ghi phát hiện' (flag_id)) nên không đọc được quyết định nào từ "
    "dòng này; hãy xóa dòng nếu đó là dòng thêm vào (dòng tổng cộng, ghi chú), hoặc trả lại mã bản ghi phát hiện "
    "như khi ghi sổ, rồi nhập lại sổ",
}
OTHER_ID = {
    "en": "its finding id (column 'Finding id' (flag_id)) is none of the database's findings; delete the row if it "
    "was added, or put back its finding id as the workbook was written, and import again",
    "vi": "mã bản ghi phát hiện (cột 'Mã bản ghi phát hiện' (flag_id)) không phải của phát hiện nào trong cơ sở dữ "
    "liệu; hãy xóa dòng nếu đó là dòng thêm vào, hoặc trả lại mã bản ghi phát hiện như khi ghi sổ, rồi nhập lại sổ",
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_totals_row_a_note_and_a_finding_id_cleared_or_typed_over_are_refused_saying_what_to_do(db, tmp_path, lang):
    book = write_book(db, tmp_path / "book.xlsx", lang)
    wb, ws, col = opened(book, lang)
    last = ws.max_row
    flag_id = col[{"vi": "Mã bản ghi phát hiện", "en": "Finding id"}[lang]]
    amount = openpyxl.utils.get_column_letter(col[AMOUNT[lang]])
    ws.cell(2, col[STATUS[lang]]).value = "in_review"  # a real decision, kept through the fix
    ws.cell(4, flag_id).value = None  # cleared
    ws.cell(5, flag_id).value = "F-0001"  # typed over
    ws.cell(last + 2, 1).value = "Tổng cộng"  # the auditor's own totals row
    ws[f"{amount}{last + 2}"] = f"=SUM({amount}2:{amount}{last})"
    ws.cell(last + 4, col[{"vi": "Ghi chú", "en": "Comment"}[lang]]).value = "Kiểm tra lại tháng 10"  # a note
    wb.save(book)
    res = review(db, book, lang)
    assert res.exit_code == 2
    where = "trang tính 'Phát hiện' dòng" if lang == "vi" else "sheet 'Findings' row"
    assert res.output.splitlines() == [
        f"reconcile: book.xlsx: {where} 4: {NO_ID[lang]}",
        f"reconcile: book.xlsx: {where} 5: {OTHER_ID[lang]}",
        f"reconcile: book.xlsx: {where} {last + 2}: {NO_ID[lang]}",
        f"reconcile: book.xlsx: {where} {last + 4}: {NO_ID[lang]}",
        REFUSED[lang].format(book=book, n=4),
    ]
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]
    # done as it says: the rows added deleted, the ids put back; the decision typed is recorded
    fixed = openpyxl.load_workbook(write_book(db, tmp_path / "as-written.xlsx", lang))[SHEET[lang]]
    ws.cell(4, flag_id).value = fixed.cell(4, flag_id).value
    ws.cell(5, flag_id).value = fixed.cell(5, flag_id).value
    ws.delete_rows(last + 1, 4)
    wb.save(book)
    res = review(db, book, "en")
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT from_status, to_status FROM case_events") == [("open", "in_review")]


def test_a_book_none_of_whose_findings_the_database_holds_is_refused_in_one_line(db, tmp_path):
    book = write_book(db, tmp_path / "book.xlsx", "en")
    other = tmp_path / "other.duckdb"
    run(other, "2024-09", month_files(tmp_path, "2024-09"))  # another commune's month: other findings
    res = review(other, book)
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: error: {book}: none of its findings is in the database {other}; give the database the "
        "workbook was written from (--db)"
    ]


# -- headers retyped, columns deleted or doubled ---------------------------------------------------------


def test_a_header_retyped_without_its_diacritics_or_case_is_still_its_column(db, tmp_path):
    book = write_book(db, tmp_path / "book.xlsx", "vi")
    wb, ws, col = opened(book, "vi")
    ws.cell(1, col["Ghi chú"]).value = "Ghi chu"
    ws.cell(1, col["Trạng thái"]).value = "TRẠNG THÁI "
    ws.cell(2, col["Trạng thái"]).value = "in_review"
    ws.cell(2, col["Ghi chú"]).value = "Đã gọi điện cho gia đình"
    wb.save(book)
    res = review(db, book, "vi")
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT to_status, comment FROM case_events") == [("in_review", "Đã gọi điện cho gia đình")]


def test_the_hidden_check_column_deleted_is_refused_naming_its_header_in_the_book_s_language(db, tmp_path):
    for lang, header in (
        ("vi", "Quyết định khi ghi sổ (ẩn; không sửa)"),
        ("en", "Decision as written (hidden; do not edit)"),
    ):
        book = write_book(db, tmp_path / f"book-{lang}.xlsx", lang)
        wb, ws, col = opened(book, lang)
        ws.cell(2, col[STATUS[lang]]).value = "in_review"
        ws.delete_cols(col[header])
        wb.save(book)
        res = review(db, book, lang)
        assert res.exit_code == 2
        expected = {
            "vi": f"reconcile: lỗi: {book}: trang tính 'Phát hiện' không có cột '{header}': cột đã bị xóa hoặc tiêu "
            "đề đã bị sửa; hãy trả lại cột như khi ghi sổ (hoàn tác thay đổi, hoặc chép cột đó từ sổ báo cáo do "
            "reconcile ghi ra), rồi nhập lại sổ",
            "en": f"reconcile: error: {book}: sheet 'Findings' has no column '{header}': it was deleted or its header "
            "changed; put it back as the workbook was written (undo the change, or copy the column from the "
            "workbook as reconcile wrote it), and import again",
        }[lang]
        assert res.output.splitlines() == [expected]


def test_a_header_changed_to_another_word_or_a_column_doubled_is_refused(db, tmp_path):
    book = write_book(db, tmp_path / "book.xlsx", "en")
    wb, ws, col = opened(book, "en")
    ws.cell(1, col["Comment"]).value = "Notes"  # another word: not the column retyped
    wb.save(tmp_path / "renamed.xlsx")
    res = review(db, tmp_path / "renamed.xlsx")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: error: {tmp_path / 'renamed.xlsx'}: sheet 'Findings' has no column 'Comment': it was deleted or "
        "its header changed; put it back as the workbook was written (undo the change, or copy the column from the "
        "workbook as reconcile wrote it), and import again"
    ]
    ws.cell(1, col["Comment"]).value = "comment"  # two retyped headers of one column: which is it?
    ws.cell(1, ws.max_column + 1).value = "COMMENT"
    wb.save(tmp_path / "two-loose.xlsx")
    res = review(db, tmp_path / "two-loose.xlsx")
    assert res.exit_code == 2 and "has no column 'Comment'" in res.output
    wb, ws, col = opened(book, "en")
    ws.cell(1, ws.max_column + 1).value = "Status"  # the column copied beside the list
    ws.cell(2, ws.max_column).value = "recovery"
    wb.save(tmp_path / "twice.xlsx")
    res = invoke("vi", "review", "import", str(tmp_path / "twice.xlsx"), "--db", str(db), "--by", "K")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: lỗi: {tmp_path / 'twice.xlsx'}: trang tính 'Findings' có hai cột 'Status'; hãy xóa cột được "
        "thêm vào (quyết định trong đó không được đọc), rồi nhập lại sổ"
    ]
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]


# -- two rows of a case that disagree, in Vietnamese --------------------------------------------------


def test_two_rows_of_a_case_that_disagree_are_refused_in_vietnamese(db, tmp_path):
    book = write_book(db, tmp_path / "book.xlsx", "vi")
    wb, ws, col = opened(book, "vi")
    last = ws.max_row
    for j in range(1, ws.max_column + 1):  # row 3 copied below the list
        ws.cell(last + 1, j).value = ws.cell(3, j).value
    ws.cell(3, col["Trạng thái"]).value = "recovery"
    ws.cell(last + 1, col["Trạng thái"]).value = "explained"
    wb.save(book)
    res = review(db, book, "vi")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"reconcile: book.xlsx: trang tính 'Phát hiện' dòng {last + 1}: ghi cho vụ việc một quyết định khác với "
        "trang tính 'Phát hiện' dòng 3; hãy thống nhất các dòng",
        REFUSED["vi"].format(book=book, n=1),
    ]
    res = review(db, book, "en")
    assert res.output.splitlines()[0] == (
        f"reconcile: book.xlsx: sheet 'Phát hiện' row {last + 1}: gives its case another decision than sheet "
        "'Phát hiện' row 3; make the rows agree"
    )


# -- invisible characters pasted with a value -------------------------------------------------------------


def test_invisible_characters_pasted_into_the_decision_cells_are_removed(db, tmp_path):
    book = write_book(db, tmp_path / "book.xlsx", "vi")
    wb, ws, col = opened(book, "vi")
    r = pension_after_death(ws, col, "vi")
    ws.cell(r, col["Trạng thái"]).value = "recovery\u200b"  # zero-width space, from a chat message
    ws.cell(r, col["Người xử lý"]).value = "\ufeffPhạm Thị\u200d Hoa"  # a BOM, a zero-width joiner
    ws.cell(r, col["Quyết định"]).value = "Thu\u00adhồi qua ngân hàng\u2060"  # soft hyphen, word joiner
    ws.cell(r, col[AMOUNT["vi"]]).value = "1.000.000\u200c"  # zero-width non-joiner
    wb.save(book)
    res = review(db, book, "vi")
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT to_status, assignee, decision, amount FROM case_events") == [
        ("recovery", "Phạm Thị Hoa", "Thuhồi qua ngân hàng", 1000000)
    ]
    res = review(db, book, "en")  # imported again: nothing new
    assert res.exit_code == 0 and query(db, "SELECT count(*) FROM case_events") == [(1,)]


def test_a_decision_recorded_with_an_invisible_character_before_is_untouched_in_a_later_book(db, tmp_path, monkeypatch):
    import reconcile.cases.book as book_module

    first = write_book(db, tmp_path / "first.xlsx", "en")
    wb, ws, col = opened(first, "en")
    ws.cell(2, col["Status"]).value = "in_review"
    ws.cell(2, col["Assignee"]).value = "Phạm Thị Hoa\u200b"
    wb.save(first)
    with monkeypatch.context() as m:  # as an import before they were removed recorded it
        m.setattr(book_module, "visible", lambda value: value)
        assert review(db, first).exit_code == 0
    assert query(db, "SELECT assignee FROM case_events") == [("Phạm Thị Hoa\u200b",)]
    later = write_book(db, tmp_path / "later.xlsx", "en")  # untouched: its row is as it was written
    res = review(db, later)
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT count(*) FROM case_events") == [(1,)]


# -- the Parameters sheet: every setting in words -------------------------------------------------------


def test_every_setting_of_the_parameters_sheet_has_its_words_in_both_languages(db, tmp_path):
    rows = {}
    for lang, sheet in (("vi", "Tham số"), ("en", "Parameters")):
        ws = openpyxl.load_workbook(write_book(db, tmp_path / f"{lang}.xlsx", lang))[sheet]
        rows[lang] = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
        assert [name for name in rows[lang] if re.fullmatch(r"[a-z_]+\.[a-z_.]+", str(name))] == []
    assert (
        "Kiểm tra: tỷ lệ có dòng chi trả của một nhóm mà dưới mức này thì cảnh báo có thể thiếu một phần nguồn "
        "(checks.warn_coverage)" in rows["vi"]
    )
    assert (
        "Guards: share of a group with a payment row below which a warning says part of its source may be missing "
        "(checks.warn_coverage)" in rows["en"]
    )
