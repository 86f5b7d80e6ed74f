"""A statement export listed newest first (Techcombank's) with a row deleted is refused naming the
first row, checked from its last row up, whose balance does not follow, with the same figures as the
export listed oldest first. Before, it named the newest row (whose balance is right) and an arithmetic
from the opening balance down the file: `does not follow from the opening balance on row 5 at row 8:
the opening balance is 100,000,000, the rows up to it move +1,300,000`."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

from reconcile.cli import cli
from test_statement_balances import FIX, ROWS, run, write_csv

PAID = [
    ("079196118125", "NGUYEN THI THANH HUONG", 1_500_000),
    ("001038005555", "TRAN VAN BINH", 2_250_000),
    ("001145007788", "LE THI HONG NHUNG", 1_000_000),
    ("001140012345", "PHAM THI DUC", 750_000),
    ("001042000111", "HOANG VAN NAM", 1_200_000),
    ("001143000222", "VU THI LAN", 1_300_000),
]
TITLE = [
    ["NGÂN HÀNG TMCP KỸ THƯƠNG VIỆT NAM - TECHCOMBANK"],
    ["SAO KÊ TÀI KHOẢN"],
    ["Số tài khoản: 19033333333018"],
    ["Từ ngày 01/09/2024 đến ngày 30/09/2024"],
    ["Số dư đầu kỳ: 100,000,000"],
    [],
    ["Ngày giao dịch", "Đối tác", "NH đối tác", "Diễn giải", "Nợ/Debit", "Có/Credit", "Số dư/Balance", "Số tham chiếu"],
]


def techcombank(path: Path, newest_first: bool, deleted: str | None) -> Path:
    """The treasury's funding, six payments, a fee and Vũ Thị Lan's payment coming back, oldest first
    from row 8 (or newest first), without the payment to `deleted`."""
    balance = 100_000_000 + 20_000_000
    rows = [["05/09/2024", "KHO BAC NHA NUOC", None, "KBNN CAP KINH PHI TCXH T9", None, 20_000_000, balance, "FT1"]]
    for i, (vneid, name, amount) in enumerate(PAID):
        balance -= amount
        rows.append([f"0{5 + i // 3}/09/2024", name, "VCB", f"TCXH T9/2024 CCCD {vneid}", amount, None, balance, f"FT2{i}"])  # fmt: skip
    balance -= 11_000
    rows.append(["07/09/2024", None, None, "Phi chuyen tien", 11_000, None, balance, "FT3"])
    balance += 1_300_000
    rows.append(["09/09/2024", "VU THI LAN", "VCB", "HOAN TRA GD FT25 TK DA DONG", None, 1_300_000, balance, "FT4"])
    rows = [row for row in rows if deleted is None or row[1] != deleted]
    workbook = openpyxl.Workbook()
    for row in TITLE + (rows[::-1] if newest_first else rows):
        workbook.active.append(row)
    workbook.save(path)
    return path


def check(path: Path) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    return res.exit_code, res.output.splitlines()[-1]


def test_a_row_deleted_from_a_newest_first_export_is_named_as_in_the_oldest_first_one(tmp_path):
    """Lê Thị Hồng Nhung's payment deleted: oldest first, Phạm Thị Đức's row 11 does not follow from
    Trần Văn Bình's 116,250,000; newest first, her row is row 12, Trần Văn Bình's row 13 under it."""
    oldest = techcombank(tmp_path / "oldest.xlsx", newest_first=False, deleted="LE THI HONG NHUNG")
    newest = techcombank(tmp_path / "newest.xlsx", newest_first=True, deleted="LE THI HONG NHUNG")
    said = "the balance before it is 116,250,000, the rows up to it move -750,000, and it says 114,500,000"
    assert check(oldest) == (
        2,
        f"reconcile: error: {oldest} (sheet 'Sheet'): its balance column 'Số dư/Balance' does not follow at row 11: "
        f"{said}; {FIX}",
    )
    assert check(newest) == (
        2,
        f"reconcile: error: {newest} (sheet 'Sheet'): its balance column 'Số dư/Balance' does not follow at row 12: "
        f"{said}; {FIX}",
    )


def test_the_first_row_deleted_from_a_newest_first_export_is_named_against_the_opening_balance(tmp_path):
    """The treasury's funding (the oldest row, the last of the file) deleted: Nguyễn Thị Thanh Hương's row,
    now the file's last, does not follow from the opening balance the title block states."""
    newest = techcombank(tmp_path / "newest.xlsx", newest_first=True, deleted="KHO BAC NHA NUOC")
    assert check(newest) == (
        2,
        f"reconcile: error: {newest} (sheet 'Sheet'): its balance column 'Số dư/Balance' does not follow from the "
        "opening balance on row 5 at row 15: the opening balance is 100,000,000, the rows up to it move -1,500,000, "
        f"and it says 118,500,000; {FIX}",
    )


def test_a_whole_newest_first_export_passes(tmp_path):
    newest = techcombank(tmp_path / "newest.xlsx", newest_first=True, deleted=None)
    assert check(newest)[0] == 0


def test_a_row_deleted_from_a_newest_first_csv_export_is_named_from_its_last_row_up(tmp_path):
    """Trần Văn Bình's BT002 deleted: oldest first the fee's row 5 does not follow; newest first the
    fee is row 6, Nguyễn Thị Thanh Hương's BT001 (48,500,000) under it."""
    rows = [r for r in ROWS if r[2] != "BT002"]
    path = tmp_path / "newest.csv"
    write_csv(path, rows[-1:] + rows[-2:0:-1] + rows[:1])
    res, db = run(tmp_path, path)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {path}: its balance column 'Số dư' does not follow at row 6: the balance before "
        f"it is 48,500,000, the rows up to it move -11,000, and it says 46,239,000; {FIX}"
    )
    assert not db.exists()
