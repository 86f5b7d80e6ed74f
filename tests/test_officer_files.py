"""Files as a commune's or the post office's officers make them, each of which gave a wrong answer
that looked right or lost work: the post office's own words for paid and not paid, a header with
its unit, a date of death of a month alone, a sheet of people not paid whose rows give no status,
and decisions typed into the workbook written over by a re-run."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
from click.testing import CliRunner

from conftest import reconciled
from reconcile.cli import cli

REGISTRY = """Số định danh cá nhân,Họ và tên,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Trạng thái,Ngày mất
001166021246,Kiều Thị Ánh,Trợ cấp xã hội,1.000.000,Tiền mặt,,,Đang hưởng,
001049031247,Lâm Văn Bảo,Lương hưu,4.600.000,Tiền mặt,,,Đang hưởng,
001044051239,Tạ Văn Sơn,Lương hưu,5.050.000,Tiền mặt,,,Đã chết,08/2024
"""

POST = "Mã giao dịch,Số CCCD,Họ và tên người nhận,Số tiền (VNĐ),Ngày GD,Hình thức chi trả,Trạng thái\n"


def findings(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT code, vneid, detail FROM flags ORDER BY code, vneid").fetchall()


def test_the_post_office_s_words_for_received_and_not_a_unit_in_a_header_and_a_month_of_death(tmp_path):
    """`Đã nhận` and `Chưa nhận` were no statuses (the list refused whole), `Số tiền (VNĐ)`, `Ngày GD`
    and `Họ và tên người nhận` no headers, and a death written `08/2024` rejected the registry row:
    the payment to a dead man was an UNKNOWN_PAYEE, not a PAID_AFTER_DEATH."""
    post = tmp_path / "buu_dien.csv"
    post.write_text(
        POST + "BD1,001166021246,Kiều Thị Ánh,1.000.000,20/09/2024,Tiền mặt,Đã nhận\n"
        "BD2,001049031247,Lâm Văn Bảo,4.600.000,20/09/2024,Tiền mặt,Chưa nhận\n"
        "BD3,001044051239,Tạ Văn Sơn,5.050.000,20/09/2024,Tiền mặt,Đã nhận\n",
        encoding="utf-8",
    )
    db = reconciled(tmp_path, REGISTRY, post)
    assert findings(db) == [
        ("MISSING_PAYMENT", "001049031247", "No successful payment dated in the period; 1 failed or returned"),
        (
            "PAID_AFTER_DEATH",
            "001044051239",
            "Paid on 20/09/2024 to a beneficiary whose status is deceased (no date of death recorded)",
        ),
        (
            "PAYMENT_FAILED",
            "001049031247",
            "Payment of 20/09/2024 failed; no successful payment to this beneficiary in the period",
        ),
    ]


def test_a_month_of_death_with_the_status_active_is_refused_for_its_missing_day(tmp_path):
    registry = REGISTRY.replace("Đã chết,08/2024", "Đang hưởng,08/2024")
    res = CliRunner().invoke(
        cli, ["--lang", "en", "check", str(_write(tmp_path / "r.csv", registry)), "--as", "registry"]
    )
    assert "row 4: rejected: date_of_death gives no day: write the whole date, or the status deceased" in res.output
    # deceased in October, by a month alone: not dead when September was paid, and no date to say so
    registry = REGISTRY.replace("Đã chết,08/2024", "Đã chết,10/2024")
    args = ["check", str(_write(tmp_path / "r.csv", registry)), "--as", "registry", "--period", "2024-09"]
    res = CliRunner().invoke(cli, ["--lang", "en", *args])
    assert (
        "row 4: rejected: date_of_death gives no day, and its month or year is after the period: write the whole date"
    ) in res.output.splitlines()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def post_office_book(tmp_path: Path, first: str, second: str, status: str | None):
    """The post office's workbook (saved): Ánh paid on sheet `first`, Bảo on sheet `second` with `status`."""
    book = tmp_path / "buu_dien.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = first
    wb.create_sheet(second)
    header = POST.strip().split(",")
    for sheet, row in (
        (first, ["BD1", "001166021246", "Kiều Thị Ánh", 1000000, "20/09/2024", "Tiền mặt", "Đã nhận"]),
        (second, ["BD2", "001049031247", "Lâm Văn Bảo", 4600000, "20/09/2024", "Tiền mặt", status]),
    ):
        wb[sheet].append(header)
        wb[sheet].append(row)
    wb.save(book)
    return book, wb


def test_a_sheet_of_people_not_paid_whose_rows_give_no_status_is_refused(tmp_path):
    """The post office's workbook: `Đã chi` with its payments, `Chưa chi` with the three people who
    did not come, their status left empty. They counted as paid: a clean month."""
    book, wb = post_office_book(tmp_path, "Đã chi", "Chưa chi", None)
    unpaid = wb["Chưa chi"]
    registry = _write(tmp_path / "registry.csv", REGISTRY)
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--registry", str(registry), "--payments", str(book), "--db", str(db)]
    res = CliRunner().invoke(cli, ["--lang", "en", *args])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {book}: the sheet 'Chưa chi' is named as payments not made, but 1 of its rows give no "
        "status, which reads as paid; write each row's status (Thành công if it was paid since, Chưa nhận or Thất "
        "bại if not), or delete the sheet if its rows are no payments of the month"
    )
    assert not db.exists()
    unpaid.cell(2, 7, "Chưa nhận")
    wb.save(book)
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert ("PAYMENT_FAILED", "001049031247") in [f[:2] for f in findings(db)]


def test_a_re_run_does_not_write_over_decisions_typed_into_its_workbook(tmp_path):
    """Lan set a finding in_review with a comment in the workbook, and the month was run again with
    the same --report: the workbook was written anew, her decision gone, with exit 0."""
    sample = Path(__file__).parent.parent / "fixtures" / "sample"
    book, db = tmp_path / "doi_soat.xlsx", tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--registry", str(sample / "registry.csv")]
    args += ["--payments", str(sample / "bank_transfers.csv"), "--payments", str(sample / "post_office_cash.xlsx")]
    args += ["--db", str(db), "--report", str(book)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert CliRunner().invoke(cli, args).exit_code == 0  # nothing typed: written again
    wb = openpyxl.load_workbook(book)
    ws = wb["Phát hiện"]  # the workbook in Vietnamese, as an officer's
    header = [c.value for c in ws[1]]
    status, comment = header.index("Trạng thái") + 1, header.index("Ghi chú") + 1
    ws.cell(2, status, "in_review")
    ws.cell(2, comment, "Đang xác minh")
    wb.save(book)
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {book}: holds 1 decision typed into it that the database does not hold yet, which "
        f"writing it again would lose; record them first with reconcile review import {book} --by NAME --db {db}, "
        "or give --report another name"
    )
    assert openpyxl.load_workbook(book)["Phát hiện"].cell(2, comment).value == "Đang xác minh"
    imported = CliRunner().invoke(cli, ["review", "import", str(book), "--by", "Lan", "--db", str(db)])
    assert imported.exit_code == 0, imported.output
    assert CliRunner().invoke(cli, args).exit_code == 0  # recorded: the workbook written again keeps it
    ws = openpyxl.load_workbook(book)["Phát hiện"]
    assert (ws.cell(2, status).value, ws.cell(2, comment).value) == ("in_review", "Đang xác minh")


def test_a_beneficiary_unpaid_is_pointed_to_the_rejected_payment_row_of_their_id(tmp_path):
    """Bảo's payment row has `abc` for its amount: rejected, and his MISSING_PAYMENT said only `No
    successful payment`, sending the officer to the bank for a payment that is in the file."""
    post = tmp_path / "buu_dien.csv"
    post.write_text(
        POST + "BD1,001166021246,Kiều Thị Ánh,1.000.000,20/09/2024,Tiền mặt,Đã nhận\n"
        "BD2,001049031247,Lâm Văn Bảo,abc,20/09/2024,Tiền mặt,Đã nhận\n",
        encoding="utf-8",
    )
    db = reconciled(tmp_path, REGISTRY.replace("Đã chết,08/2024", "Đã chết,"), post)
    assert [f for f in findings(db) if f[0] == "MISSING_PAYMENT"] == [
        (
            "MISSING_PAYMENT",
            "001049031247",
            "No successful payment dated in the period; a payment row with this ID was rejected (buu_dien.csv reference BD2)",
        )
    ]


def test_a_blank_row_between_the_totals_row_and_the_signatures_is_no_rejected_row(tmp_path):
    """Rejected as a `blank row`: the terminal said 1 row rejected, and `check` exited 1."""
    path = _write(
        tmp_path / "ds.csv",
        "STT,Số tham chiếu,Số định danh,Tên người thụ hưởng,Số tiền,Ngày giao dịch,Kênh chi trả,Trạng thái\n"
        "1,FT1,001166021246,KIEU THI ANH,1.000.000,05/09/2024,Tiền mặt,Thành công\n"
        "2,FT2,001049031247,LAM VAN BAO,4.600.000,05/09/2024,Tiền mặt,Thành công\n"
        "Tổng cộng,,,,5.600.000,,,\n,,,,,,,\nBằng chữ: năm triệu sáu trăm nghìn đồng,,,,,,,\n"
        ",Người lập biểu,,,Kế toán trưởng,,,\n",
    )
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-3:] == [
        "rows: 5 read, 2 loaded, 0 rejected, 3 set aside as no payment",
        "totals: totals row 4 says 5,600,000 VND; read 2 rows of 5,600,000 VND",
        "set aside: 3 rows: under the totals row (signatures, amount in words) (rows 5, 6, 7)",
    ]


def test_a_hidden_sheet_is_read_and_said(tmp_path):
    """Last month's list left on a hidden sheet was read with nothing said: Excel does not show it."""
    book, wb = post_office_book(tmp_path, "T09", "Cũ", "Đã nhận")
    wb["Cũ"].sheet_state = "hidden"
    wb.save(book)
    registry = _write(tmp_path / "registry.csv", REGISTRY)
    args = ["run", "--period", "2024-09", "--registry", str(registry), "--payments", str(book)]
    res = CliRunner().invoke(cli, ["--lang", "en", *args, "--db", str(tmp_path / "r.duckdb")])
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines()[1] == (
        f"reconcile: {book}: 1 hidden sheet read as the others are ('Cũ'); check that the rows there belong to this "
        "month's list"
    )
    check = CliRunner().invoke(cli, ["--lang", "en", "check", str(book), "--as", "payments"])
    assert "profile: sheet 'Cũ' is hidden in the workbook; read as the others are" in check.stdout.splitlines()


def test_which_sheet_names_say_their_rows_were_not_paid():
    """At the start of the name: `Chi trả lại` (paid again) and `Chi bù tháng chưa chi` (arrears paid
    now) hold payments made, and were refused; `Bị trả về` and `Unsuccessful` were read as paid."""
    from reconcile.normalise.text import fold
    from reconcile.readers.sheets import PAID_SINCE, UNPAID

    unpaid = ["Chưa chi", "DS chưa nhận", "Bị trả về", "Trả về", "Thất bại", "Hoàn trả", "Ko thanh cong", "Chờ chi"]
    unpaid += ["Giữ lại", "TK bị khóa", "Returns", "Return list", "Unsuccessful", "Pending", "Bounced", "Failed"]
    paid = ["Chi trả lại", "Chi bù tháng chưa chi", "DS chi trả (không thành công 0)", "Đã chi", "Đã nhận", "Đợt 1"]
    since = ["DS chưa nhận T8 chi bù T9", "Chưa chi T8 - chi bù", "Trả về T8 chi lại", "Hoàn trả T8 đã chi lại"]
    since += [
        "Chưa nhận T8 - nhận bổ sung T9",
        "Bị trả về - chuyển lại T9",
        "Chưa chi T8 trả cùng T9",
        "Failed Aug - repaid Sep",
    ]
    assert [n for n in unpaid if not UNPAID.search(fold(n)) or PAID_SINCE.search(fold(n))] == []
    assert [n for n in paid if UNPAID.search(fold(n))] == []
    assert [n for n in since if not PAID_SINCE.search(fold(n))] == []


def test_a_payments_list_whose_name_column_is_not_recognised_is_refused(tmp_path):
    """Read without names, every NAME_MISMATCH was lost unsaid; `Người nhận` is a name's header (`Tên
    khách hàng` is not: in some lists it is the paying office)."""
    header = "Số tham chiếu,Số định danh,{name},Số tiền,Ngày giao dịch,Kênh chi trả,Trạng thái\n"
    row = "FT1,001166021246,HOANG MINH TUAN,1.000.000,05/09/2024,Tiền mặt,Thành công\n"
    args = ["--lang", "en", "check", "--as", "payments", "--period", "2024-09"]
    unknown = _write(tmp_path / "a.csv", header.format(name="Đơn vị nhận XYZ") + row)
    res = CliRunner().invoke(cli, [*args, str(unknown)])
    assert res.exit_code == 2
    assert "required column 'payee_name' is missing from the payments file" in res.stderr
    known = _write(tmp_path / "b.csv", header.format(name="Người nhận") + row)
    assert "Người nhận -> payee_name" in CliRunner().invoke(cli, [*args, str(known)]).stdout


def test_a_workbook_whose_decisions_cannot_be_told_is_not_written_over_one_to_write_again_is(tmp_path):
    """The findings sheet renamed `Phát hiện T9`: written over with exit 0, what was typed into it
    gone. But a book `review import` sends back to be written again (its case decided in the database
    since), and a masked book (its decisions never read back), were refused in a loop: import said
    to write the book again, and the run to import it first."""
    sample = Path(__file__).parent.parent / "fixtures" / "sample"
    db = tmp_path / "r.duckdb"
    run = ["--lang", "en", "run", "--period", "2024-09", "--registry", str(sample / "registry.csv")]
    run += ["--payments", str(sample / "bank_transfers.csv"), "--payments", str(sample / "post_office_cash.xlsx")]
    run += ["--db", str(db)]
    renamed, masked, book = tmp_path / "renamed.xlsx", tmp_path / "masked.xlsx", tmp_path / "book.xlsx"
    assert CliRunner().invoke(cli, [*run, "--report", str(renamed)]).exit_code == 0
    # the month's two other books written as a run writes them (write_outputs), without running it again
    for path, more in ((masked, ["--mask-ids"]), (book, [])):
        again = ["report", "--period", "2024-09", "--db", str(db), "--report", str(path), *more]
        assert CliRunner().invoke(cli, again).exit_code == 0
    wb = openpyxl.load_workbook(renamed)
    wb["Phát hiện"].title = "Phát hiện T9"
    wb.save(renamed)
    res = CliRunner().invoke(cli, [*run, "--report", str(renamed)])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {renamed}: its findings cannot be read back (a sheet renamed, or a column deleted), so "
        "whether decisions were typed into it cannot be told; give --report another name, or move that file"
    )

    def typed(path: Path, status: str) -> None:
        wb = openpyxl.load_workbook(path)
        ws = wb["Phát hiện"]
        ws.cell(2, [c.value for c in ws[1]].index("Trạng thái") + 1, status)
        wb.save(path)

    typed(masked, "in_review")
    assert CliRunner().invoke(cli, [*run, "--report", str(masked), "--mask-ids"]).exit_code == 0
    typed(book, "in_review")
    assert CliRunner().invoke(cli, ["review", "import", str(book), "--by", "Lan", "--db", str(db)]).exit_code == 0
    typed(book, "explained")  # a second decision on the book imported, written before the first: stale
    res = CliRunner().invoke(cli, ["--lang", "en", "review", "import", str(book), "--by", "Lan", "--db", str(db)])
    assert "its case was decided in the database since this workbook was written" in res.stderr
    assert CliRunner().invoke(cli, [*run, "--report", str(book)]).exit_code == 0  # written again, as it says


def test_long_account_numbers_excel_kept_to_15_digits_refuse_the_file(tmp_path):
    """A bank's list whose 16-digit accounts were cells holding numbers: Excel keeps 15 digits, and
    every payment was an ACCOUNT_MISMATCH, three to one account a SHARED_ACCOUNT."""
    header = "Số tham chiếu,Số định danh,Tên người thụ hưởng,Số tài khoản,Số tiền,Ngày giao dịch,Kênh chi trả"
    book = tmp_path / "bidv.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header.split(","))
    for n in range(6):  # as Excel keeps 970410000000004n typed into a cell: 15 digits, then 0
        account = 9704100000000040 + 10 * n
        ws.append([f"FT{n}", f"00116602124{n}", "KIEU THI ANH", account, 1000000, "05/09/2024", "Tiền mặt"])
    wb.save(book)
    registry = _write(tmp_path / "registry.csv", REGISTRY)
    args = ["run", "--period", "2024-09", "--registry", str(registry), "--payments", str(book)]
    res = CliRunner().invoke(cli, ["--lang", "en", *args, "--db", str(tmp_path / "r.duckdb")])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {book}: 6 of its account_number values have 16 or more digits, every one ending in 0 "
        "(the first in row 2): numbers Excel kept to 15 digits, their last digits lost; format the column as text "
        "in Excel, or export the file again from its system, and run again"
    )
    # the same accounts written as text, whole: read (the last payment to the registry's 001166021246: a
    # file none of whose payments matches anyone is refused, as its registry left out)
    text = _write(
        tmp_path / "bidv.csv",
        header
        + "\n"
        + "".join(
            f"FT{n},00116602124{n + 1},KIEU THI ANH,{9704100000000041 + n},1000000,05/09/2024,Tiền mặt\n"
            for n in range(6)
        ),
    )
    res = CliRunner().invoke(cli, ["--lang", "en", *args[:-1], str(text), "--db", str(tmp_path / "s.duckdb")])
    assert res.exit_code in (0, 1), res.output


def test_an_excel_amount_cell_with_float_noise_is_its_whole_amount_and_a_real_fraction_is_refused(tmp_path):
    """An amount that Excel computed (`=0.1*5000000`, a sum of shares) is stored as the nearest binary
    float, and the reader writes it out as `500000.000000001`: the row was rejected as an amount with
    a fraction. Within a millionth of a đồng of a whole number it is that number; half a đồng is still
    refused."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(POST.strip().split(","))
    sheet.append(["BD1", "001166021246", "Kiều Thị Ánh", 1000000.000000001, "20/09/2024", "Tiền mặt", "Đã nhận"])
    sheet.append(["BD2", "001049031247", "Lâm Văn Bảo", 4599999.999999999, "20/09/2024", "Tiền mặt", "Đã nhận"])
    sheet.append(["BD3", "001044051239", "Tạ Văn Sơn", 5050000.5, "20/09/2024", "Tiền mặt", "Đã nhận"])
    post = tmp_path / "buu_dien.xlsx"
    book.save(post)
    db = reconciled(tmp_path, REGISTRY.replace("Đã chết,08/2024", "Đang hưởng,"), post)
    with duckdb.connect(str(db), read_only=True) as con:
        paid = con.execute("SELECT payment_ref, amount FROM payments ORDER BY payment_ref").fetchall()
        rejected = con.execute("SELECT source_row, reason FROM rejected_rows").fetchall()
    assert paid == [("BD1", 1_000_000), ("BD2", 4_600_000)]
    assert rejected == [(4, "amount has a fraction or bad digit grouping (VND has no minor unit)")]


def test_last_month_s_list_on_a_hidden_sheet_is_refused_saying_the_sheet_is_hidden(tmp_path):
    """Last month's list left on a hidden sheet: refused as another month's, the officer was told to
    delete the sheet from the workbook, which Excel does not show. The message says it is hidden, and
    how to see it."""
    book, wb = post_office_book(tmp_path, "T09", "T08", "Đã nhận")
    wb["T08"]["E2"] = "20/08/2024"
    wb["T08"].sheet_state = "hidden"
    wb.save(book)
    registry = _write(tmp_path / "registry.csv", REGISTRY)
    args = ["run", "--period", "2024-09", "--registry", str(registry), "--payments", str(book)]
    res = CliRunner().invoke(cli, ["--lang", "en", *args, "--db", str(tmp_path / "r.duckdb")])
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {book} (sheet 'T08'): none of its 1 payments is dated in 2024-09 (they run from "
        "20/08/2024 to 20/08/2024; most are in 2024-08); check --period; the sheet is hidden in the workbook (in "
        "Excel, right-click a sheet's tab and choose Unhide): if it is another month's, delete it (or save this "
        "month's sheet as a file of its own) and run again"
    )
