"""A statement export's running balance (Số dư) checked row by row: a row deleted from the export
refuses the file naming the first row whose balance does not follow, as an MT940's balances that do
not add up refuse it; a complete export, newest first or oldest first, passes."""

from __future__ import annotations

import duckdb
import openpyxl
from click.testing import CliRunner

from conftest import FIXTURES
from reconcile.cli import cli

REGISTRY = FIXTURES / "statements" / "registry.csv"
FIX = (
    "ask the bank for the statement again; the file may be cut short or edited; if it has been checked by hand "
    "against the bank's, set running_balance = false in [checks] of the config file"
)

# fmt: off
HEADER = ["STT", "Ngày giao dịch", "Số bút toán", "Diễn giải", "Tên đối ứng", "Tài khoản đối ứng", "Ghi nợ", "Ghi có", "Số dư"]
ROWS = [
    ["", "", "", "Số dư đầu kỳ", "", "", "", "", "50.000.000"],
    ["1", "05/09/2024", "BT001", "CHI TRA TCXH T09 CCCD 079196118125", "NGUYỄN THỊ THANH HƯƠNG", "0071000000001", "1.500.000", "", "48.500.000"],
    ["2", "05/09/2024", "BT002", "CHI TRA TCXH T09 CCCD 001038005555", "TRẦN VĂN BÌNH", "0071000000002", "2.250.000", "", "46.250.000"],
    ["3", "05/09/2024", "BT003", "Phí chuyển tiền", "", "", "11.000", "", "46.239.000"],
    ["4", "06/09/2024", "BT004", "KBNN cap kinh phi", "KHO BAC NHA NUOC", "3511", "", "5.000.000", "51.239.000"],
    ["5", "06/09/2024", "BT005", "CHI TRA TCXH T09 CCCD 001145007788", "LÊ THỊ HỒNG NHUNG", "0071000000003", "1.000.000", "", "50.239.000"],
    ["", "", "", "Số dư cuối kỳ", "", "", "", "", "50.239.000"],
]
# fmt: on


def write_csv(path, rows) -> None:
    lines = ["SAO KÊ TÀI KHOẢN,,,,,,,,", ",".join(HEADER)]
    lines += [",".join(f'"{cell}"' if cell else "" for cell in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(tmp_path, payments):
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY), "--payments", str(payments)]
    res = CliRunner().invoke(cli, [*args, "--profile", "vn-bank-statement"])
    return res, db


def test_an_export_with_a_payment_row_deleted_is_refused_at_the_row_after_it(tmp_path):
    """BT002 (Trần Văn Bình, 2,250,000) deleted from the export: it ran with exit 0 and a false
    MISSING_PAYMENT for him, the export passing as clean. Its balances no longer follow at row 5."""
    path = tmp_path / "sao_ke.csv"
    write_csv(path, [r for r in ROWS if r[2] != "BT002"])
    res, db = run(tmp_path, path)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {path}: its balance column 'Số dư' does not follow at row 5: the balance before "
        f"it is 48,500,000, the rows up to it move -11,000, and it says 46,239,000; {FIX}"
    )
    assert not db.exists()


def test_an_amount_edited_in_a_workbook_is_refused_at_its_row(tmp_path):
    """The same export as a workbook (read whole, not staged), BT005's amount edited to 100,000."""
    path = tmp_path / "sao_ke.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sao ke"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([cell or None for cell in (["5", *row[1:6], "100.000", *row[7:]] if row[2] == "BT005" else row)])
    book.save(path)
    res, db = run(tmp_path, path)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {path} (sheet 'Sao ke'): its balance column 'Số dư' does not follow at row 7: the "
        f"balance before it is 51,239,000, the rows up to it move -100,000, and it says 50,239,000; {FIX}"
    )
    assert not db.exists()


def test_a_complete_export_passes_oldest_or_newest_first_and_without_a_balance_on_every_row(tmp_path):
    """The whole export passes; so does it listed newest first, and with the balance printed on the
    day's last row alone (the rows without one pass their movements on)."""
    for name, rows in (
        ("oldest.csv", ROWS),
        ("newest.csv", ROWS[-1:] + ROWS[-2:0:-1] + ROWS[:1]),
        ("daily.csv", [[*r[:8], ""] if r[2] in ("BT001", "BT002", "BT004") else r for r in ROWS]),
    ):
        path = tmp_path / name
        write_csv(path, rows)
        res, db = run(tmp_path, path)
        assert res.exit_code == 0, (name, res.output)
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT code, vneid FROM flags ORDER BY vneid").fetchall() == [
                ("MISSING_PAYMENT", "001140012345")
            ], name
            assert con.execute("SELECT count(*) FROM payments").fetchone() == (3,), name
        db.unlink()


def test_debits_written_negative_are_payments_of_their_amounts(tmp_path):
    """An export writing its whole debit column negative (-1.500.000, as VietinBank's and BIDV's do)
    had each payment rejected as a negative amount: check exit 1 and the month's three payees
    MISSING_PAYMENT. The sign says the column's side, not a reversal: each is paid its amount, the
    balances still add up, and the month is the same as the export written positive."""
    path = tmp_path / "sao_ke.csv"
    write_csv(path, [[*r[:6], "-" + r[6], *r[7:]] if r[6] else r for r in ROWS])
    res, db = run(tmp_path, path)
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid FROM flags ORDER BY vneid").fetchall() == [
            ("MISSING_PAYMENT", "001140012345")
        ]
        assert con.execute("SELECT payment_ref, amount FROM payments ORDER BY payment_ref").fetchall() == [
            ("BT001", 1_500_000),
            ("BT002", 2_250_000),
            ("BT005", 1_000_000),
        ]


def test_a_negative_debit_among_positive_ones_is_rejected_for_its_sign_not_for_the_balance(tmp_path):
    """One debit written negative among positive ones is no column's convention but a correction
    written in red (ghi số âm, the reversal of an entry): not read as a payment, its row is rejected
    as a negative amount with that reason, the file not refused for a balance that follows."""
    path = tmp_path / "sao_ke.csv"
    write_csv(path, [[*r[:6], "-" + r[6], *r[7:]] if r[2] == "BT005" else r for r in ROWS])
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 1, res.output
    assert [line for line in res.output.splitlines() if "rejected:" in line] == ["row 8: rejected: amount is negative"]


def vcb_without(tmp_path, row: int, total: str | None = None):
    """Vietcombank's export (its opening balance in the title block, row 8, its closing balance under
    the Tổng số/ Total row) with one transaction row deleted, its Total row's debits set to `total`."""
    book = openpyxl.load_workbook(FIXTURES / "statements" / "vcb_sao_ke.xlsx")
    sheet = book.active
    sheet.delete_rows(row)
    if total is not None:
        sheet.cell(row=16, column=4).value = total
    path = tmp_path / "vcb.xlsx"
    book.save(path)
    return path


def check(path) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments"])
    return res.exit_code, res.output.splitlines()[-1]


def test_the_first_row_deleted_is_refused_against_the_opening_balance_in_the_title_block(tmp_path):
    """Row 11 (the treasury's 120,000,000 in) deleted: the chain started at the second row, whose
    balance 618,500,000 was not compared with anything, and `check` exited 0. The title block's
    `Số dư đầu kỳ/ Opening balance: 500,000,000` (row 8) now starts the chain."""
    path = vcb_without(tmp_path, 11)
    assert check(path) == (
        2,
        f"reconcile: error: {path} (sheet 'Sao ke'): its balance column 'Số dư/ Balance' does not follow from "
        "the opening balance on row 8 at row 11: the opening balance is 500,000,000, the rows up to it move "
        f"-1,500,000, and it says 618,500,000; {FIX}",
    )


def test_the_last_row_deleted_is_refused_against_the_closing_balance_under_the_totals_row(tmp_path):
    """Row 16 (Phạm Thị Đức's 750,000) deleted and the Total row's debits made to agree: the chain
    ended at row 15, the closing balance under the Total row was never compared, and `check` exited 0."""
    path = vcb_without(tmp_path, 16, "4,761,000")
    assert check(path) == (
        2,
        f"reconcile: error: {path} (sheet 'Sao ke'): its balance column 'Số dư/ Balance' does not follow at "
        f"row 17: the balance before it is 615,239,000, the rows up to it move 0, and it says 614,489,000; {FIX}",
    )


def test_an_opening_balance_in_one_title_cell_starts_the_chain_of_a_csv_export(tmp_path):
    """`Số dư đầu kỳ: 50.000.000` in one cell above the header, and a closing balance the title block
    states: the complete export passes, oldest or newest first; BT001 deleted is refused at the row
    after it, as is the last row deleted against the title's closing balance."""
    title = ['"Số dư đầu kỳ: 50.000.000",,,,,,,,', '"Số dư cuối kỳ/ Closing balance:",,"50.239.000 VND",,,,,,']
    data = ROWS[1:-1]

    def write(name, rows):
        path = tmp_path / name
        lines = ["SAO KÊ TÀI KHOẢN,,,,,,,,", *title, ",".join(HEADER)]
        lines += [",".join(f'"{cell}"' if cell else "" for cell in row) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    assert check(write("oldest.csv", data))[0] == 0
    assert check(write("newest.csv", data[::-1]))[0] == 0
    path = write("first.csv", data[1:])
    assert check(path) == (
        2,
        f"reconcile: error: {path}: its balance column 'Số dư' does not follow from the opening balance on row 2 "
        f"at row 5: the opening balance is 50,000,000, the rows up to it move -2,250,000, and it says 46,250,000; {FIX}",
    )
    path = write("last.csv", data[:-1])
    assert check(path) == (
        2,
        f"reconcile: error: {path}: its balance column 'Số dư' does not end at the closing balance on row 3: the "
        f"last balance is 51,239,000, the rows after it move 0, and the closing balance is 50,239,000; {FIX}",
    )


def test_running_balance_false_in_the_config_lets_an_export_checked_by_hand_through(tmp_path):
    """The refusal says how to pass it; `[checks] running_balance = false` (an export the officer has
    checked against the bank's) reads it: before, the setting was unknown and the month was blocked."""
    path = vcb_without(tmp_path, 11)
    config = tmp_path / "c.toml"
    config.write_text("[checks]\nrunning_balance = false\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY), "--payments", str(path)]
    res = CliRunner().invoke(cli, [*args, "--config", str(config)])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM payments").fetchone() == (4,)
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments"])  # check takes no config: it checks
    assert res.exit_code == 2, res.output


def test_check_given_the_office_s_config_takes_its_running_balance_off(tmp_path):
    """An export the office checked by hand against the bank's (running_balance = false in its config): the
    run reads it; `check` refused it whatever the config said, and took no --config. Given the config, it
    reads it as the run does; without, it checks the balance."""
    path = tmp_path / "sao_ke.csv"
    write_csv(path, [r for r in ROWS if r[2] != "BT002"])
    config = tmp_path / "office.toml"
    config.write_text("[checks]\nrunning_balance = false\n", encoding="utf-8")
    args = ["check", str(path), "--as", "payments", "--profile", "vn-bank-statement"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2 and "does not follow at row 5" in res.output, res.output
    res = CliRunner().invoke(cli, [*args, "--config", str(config)])
    assert res.exit_code == 0, res.output
    assert "rows: 6 read, 2 loaded, 0 rejected, 4 set aside as no payment" in res.output.splitlines()
