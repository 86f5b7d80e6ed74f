"""Reading a payments workbook: reconcile's Excel reader (fastexcel/calamine) against openpyxl.

    .venv/bin/python bench/excel_read.py --rows 200000

Writes an .xlsx of N payment rows under a three-line title block (Vietnamese names, IDs as text,
amounts, dates), then, each in its own process: reconcile's reader (`read_file`, which finds the
header and reads every cell as text) and openpyxl's read-only mode iterating the same cells.
Prints a Markdown table of seconds and peak RSS. Run by hand; nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Thị Hồng", "Phạm Đức Anh", "Võ Thị Thu Hương", "Đặng Quang Tuấn"]
HEADERS = ["STT", "Số tham chiếu", "Số định danh", "Tên người thụ hưởng", "Ngân hàng thụ hưởng", "Số tài khoản",
           "Số tiền", "Ngày giao dịch", "Kênh chi trả", "Trạng thái", "Nội dung"]


def build(path: Path, rows: int) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Danh sách")
    ws.write_row(0, 0, ["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM"])
    ws.write_row(1, 0, ["DANH SÁCH CHI TRẢ QUA TÀI KHOẢN THÁNG 09/2024"])
    ws.write_row(3, 0, HEADERS)
    for i in range(rows):
        ws.write_row(4 + i, 0, [i + 1, f"FT2024{i:09d}", f"{(i * 7919) % 10**12:012d}", NAMES[i % 6].upper(), "VBA",
                                f"{(i * 104729) % 10**13:013d}", 500_000 + (i % 40) * 250_000,
                                f"{1 + i % 28:02d}/09/2024", "Chuyển khoản", "Thành công",
                                f"Chi tra tro cap xa hoi T09/2024 {NAMES[i % 6]}"])
    wb.close()


def child(which: str, path: str) -> None:
    t0 = time.perf_counter()
    if which == "reconcile":
        from reconcile.readers import read_file

        rows = read_file(path, "payments").rows_read
    else:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        rows = sum(1 for _ in wb.active.iter_rows(min_row=5, values_only=True))
    print(f"{time.perf_counter() - t0:.1f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {rows}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "payments.xlsx"
        build(path, args.rows)
        print("| reader | rows | seconds | peak RSS (MB) |\n|---|---:|---:|---:|")
        for which, name in (("reconcile", "reconcile (fastexcel, header found, all text)"),
                            ("openpyxl", "openpyxl read-only, iterating values")):
            out = subprocess.run([sys.executable, __file__, "--child", which, str(path)], capture_output=True,
                                 text=True, check=True).stdout.split()
            print(f"| {name} | {int(out[2]):,} | {out[0]} | {out[1]} |", flush=True)


if __name__ == "__main__":
    main()
