"""The sample month's files as a province receives them: the registry exported with Vietnamese
headers and values, the bank's transfer list (CSV), the post office's cash payout list (an Excel
workbook whose ID cells are numbers), and the truth file."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reconcile.sample.month import BANK_FILE, POST_FILE, Month, Person

if TYPE_CHECKING:
    import openpyxl

VI = {
    "welfare": "Trợ cấp xã hội",
    "pension": "Lương hưu",
    "bank": "Chuyển khoản",
    "ewallet": "Ví điện tử",
    "cash": "Tiền mặt",
    "male": "Nam",
    "female": "Nữ",
    "active": "Đang hưởng",
    "suspended": "Tạm dừng",
    "terminated": "Thôi hưởng",
    "deceased": "Đã chết",
    "success": "Thành công",
    "failed": "Thất bại",
    "returned": "Hoàn trả",
}

REGISTRY_HEADERS = [
    "STT",
    "Số định danh cá nhân",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Chế độ",
    "Đối tượng",
    "Số tiền hưởng",
    "Hình thức chi trả",
    "Mã ngân hàng",
    "Số tài khoản",
    "Mã tỉnh",
    "Mã xã",
    "Trạng thái",
    "Ngày mất",
]
BANK_HEADERS = [
    "STT",
    "Số tham chiếu",
    "Số định danh",
    "Tên người thụ hưởng",
    "Ngân hàng thụ hưởng",
    "Số tài khoản",
    "Số tiền",
    "Ngày giao dịch",
    "Kênh chi trả",
    "Trạng thái",
    "Nội dung",
]
POST_HEADERS = [
    "STT",
    "Mã giao dịch",
    "Số CCCD",
    "Họ và tên",
    "Ngày sinh",
    "Chế độ",
    "Số tiền",
    "Ngày chi trả",
    "Hình thức chi trả",
    "Trạng thái",
]
TRUTH_HEADERS = ["code", "vneid", "payment_ref", "source_file", "source_row", "note"]


def _ddmmyyyy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _save_reproducibly(wb: openpyxl.Workbook, path: Path) -> None:
    """Save a workbook byte for byte the same every time, so that its SHA-256 in `inputs` is too:
    openpyxl stamps the time of saving into the zip's entries and into docProps/core.xml."""
    buffer = io.BytesIO()
    wb.save(buffer)
    created = wb.properties.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            data = src.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + created.encode(), data)
            dst.writestr(
                zipfile.ZipInfo(entry.filename, date_time=(2024, 10, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )


def write_registry(m: Month, path: Path, bom: bool = True) -> None:
    """The registry as CSV (UTF-8 with a BOM, as Excel saves it; without, as a province's portal exports
    it), one row per person listed."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REGISTRY_HEADERS)
        rows: list[tuple[Person, dict[str, str]]] = [(p, {}) for p in m.people] + m.extra_registry
        for i, (p, over) in enumerate(rows, start=1):
            w.writerow(
                [
                    i,
                    p.vneid,
                    p.name,
                    _ddmmyyyy(p.dob),
                    VI[p.gender],
                    VI[p.program],
                    p.category,
                    over.get("amount", _dotted(p.amount)),
                    VI[p.channel],
                    p.bank or "",
                    p.account or "",
                    p.province,
                    p.commune,
                    VI[p.status],
                    _ddmmyyyy(p.death),
                ]
            )


def write_bank(m: Month, path: Path) -> None:
    """The bank's transfer list as CSV: names without diacritics, amounts grouped by commas."""
    bank = sorted((p for p in m.payments if p.file == BANK_FILE), key=lambda x: x.row)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(BANK_HEADERS)
        for i, pay in enumerate(bank, start=1):
            w.writerow(
                [
                    i,
                    pay.ref,
                    pay.vneid or "",
                    pay.name,
                    pay.bank or "",
                    pay.account or "",
                    pay.raw_amount or f"{pay.amount:,}",
                    pay.raw_day or _ddmmyyyy(pay.day),
                    VI[pay.channel],
                    VI[pay.status],
                    pay.narrative,
                ]
            )


def write_post(m: Month, path: Path) -> None:
    """The post office's cash payout list as an Excel workbook, the same bytes every time."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách chi trả"
    ws.append(POST_HEADERS)
    post = sorted((p for p in m.payments if p.file == POST_FILE), key=lambda x: x.row)
    for i, pay in enumerate(post, start=1):
        # The post office's system stores IDs as numbers: an ID starting with 0 loses it.
        ws.append(
            [
                i,
                pay.ref,
                int(pay.vneid) if pay.vneid else None,
                pay.name,
                datetime(pay.dob.year, pay.dob.month, pay.dob.day) if pay.dob else None,
                VI[pay.program] if pay.program else None,
                pay.amount,
                datetime(pay.day.year, pay.day.month, pay.day.day),
                VI[pay.channel],
                VI[pay.status],
            ]
        )
        ws.cell(row=ws.max_row, column=5).number_format = "DD/MM/YYYY"
        ws.cell(row=ws.max_row, column=7).number_format = "#,##0"
        ws.cell(row=ws.max_row, column=8).number_format = "DD/MM/YYYY"
    wb.properties.created = datetime(2024, 10, 1)
    _save_reproducibly(wb, path)


def write_truth(m: Month, path: Path) -> None:
    """The truth file: each finding a run of the month must give, with its file and row."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=TRUTH_HEADERS)
        w.writeheader()
        w.writerows(m.truth)
