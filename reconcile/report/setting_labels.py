"""The words of the parameters sheet for the month's guards (`[checks]`) and the readers' limits
(`[limits]`), in English and Vietnamese, each with its key in the config (docs/operations.md), which
is what an officer changes: the sheet showed the keys alone in a Vietnamese workbook."""

from __future__ import annotations

# key in the config -> (English, Vietnamese), before the key itself is added in brackets
_SETTINGS: dict[str, tuple[str, str]] = {
    "checks.min_group": (
        "Guards: smallest group of beneficiaries or payments judged",
        "Kiểm tra: nhóm đối tượng hoặc khoản chi nhỏ nhất được xét",
    ),
    "checks.min_source": (
        "Guards: beneficiaries of a source, none with a payment, that make it missing",
        "Kiểm tra: số đối tượng không có khoản chi của một nguồn để coi là thiếu nguồn",
    ),
    "checks.min_coverage": (
        "Guards: share of a group with a payment row below which a source is missing",
        "Kiểm tra: tỷ lệ có dòng chi trả tối thiểu của một nhóm (dưới mức này là thiếu nguồn)",
    ),
    "checks.warn_coverage": (
        "Guards: share of a group with a payment row below which a warning says part of its source may be missing",
        "Kiểm tra: tỷ lệ có dòng chi trả của một nhóm mà dưới mức này thì cảnh báo có thể thiếu một phần nguồn",
    ),
    "checks.min_in_period": (
        "Guards: share of a payments file's payments that must be dated in the period",
        "Kiểm tra: tỷ lệ khoản chi của một tệp chi trả phải có ngày trong kỳ",
    ),
    "checks.max_other_month": (
        "Guards: most share of a payments file's narratives naming another month",
        "Kiểm tra: tỷ lệ tối đa nội dung chuyển khoản của một tệp ghi tháng khác",
    ),
    "checks.max_stand_in": (
        "Guards: most share of a file dated in another month, to people unpaid in this one",
        "Kiểm tra: tỷ lệ tối đa khoản chi ghi ngày tháng khác cho người chưa được chi tháng này",
    ),
    "checks.max_repeated_refs": (
        "Guards: most share of a file's references already in another input",
        "Kiểm tra: tỷ lệ tối đa số tham chiếu của một tệp đã có trong tệp khác",
    ),
    "checks.max_repeated_ids": (
        "Guards: most share of a registry file's IDs already in another",
        "Kiểm tra: tỷ lệ tối đa số định danh của danh sách đối tượng đã có ở danh sách khác",
    ),
    "checks.max_scaled": (
        "Guards: most share of payments at the amount due divided (multiplied) by 1,000",
        "Kiểm tra: tỷ lệ tối đa khoản chi bằng số tiền được hưởng chia (nhân) 1.000",
    ),
    "checks.max_unmatched": (
        "Guards: most share of a payments file matching no beneficiary",
        "Kiểm tra: tỷ lệ tối đa khoản chi của một tệp không khớp đối tượng nào",
    ),
    "checks.max_unmatched_month": (
        "Guards: most share of the month's payments matching no beneficiary",
        "Kiểm tra: tỷ lệ tối đa khoản chi của cả tháng không khớp đối tượng nào",
    ),
    "checks.max_rejected": (
        "Guards: most share of a file's rows rejected",
        "Kiểm tra: tỷ lệ tối đa số dòng bị loại của một tệp",
    ),
    "checks.min_amount": (
        "Guards: amount (VND) most amounts under which mean a file in thousands",
        "Kiểm tra: số tiền (đồng) mà phần lớn thấp hơn thì coi là tệp ghi theo nghìn đồng",
    ),
    "checks.control_totals": (
        "Guards: check a file's own totals",
        "Kiểm tra: đối chiếu tổng cộng ghi trong tệp",
    ),
    "checks.running_balance": (
        "Guards: check a statement's running balance",
        "Kiểm tra: đối chiếu số dư lũy kế của sao kê",
    ),
    "checks.statement_chain": (
        "Guards: check that an account's daily statements chain",
        "Kiểm tra: đối chiếu các sao kê hằng ngày của một tài khoản nối tiếp nhau",
    ),
    "limits.max_file_mb": ("Limits: largest input file (MB)", "Giới hạn: tệp đầu vào lớn nhất (MB)"),
    "limits.max_unzipped_mb": (
        "Limits: largest size a workbook may expand to (MB)",
        "Giới hạn: dung lượng giải nén lớn nhất của một sổ Excel (MB)",
    ),
    "limits.max_zip_ratio": (
        "Limits: most a large workbook may expand, times its size",
        "Giới hạn: số lần giải nén tối đa của một sổ Excel lớn",
    ),
    "limits.max_line_kb": ("Limits: longest line of a text file (KB)", "Giới hạn: dòng dài nhất của tệp văn bản (KB)"),
    "limits.max_field_kb": ("Limits: longest field (KB)", "Giới hạn: ô dữ liệu dài nhất (KB)"),
    "limits.max_columns": (
        "Limits: most columns in a file or sheet",
        "Giới hạn: số cột tối đa của một tệp hoặc trang tính",
    ),
    "limits.max_sheet_cells": (
        "Limits: most cells in a sheet's used range",
        "Giới hạn: số ô tối đa trong vùng dữ liệu của một trang tính",
    ),
    "limits.max_payments_per_id": (
        "Limits: most payment rows of one payee ID in a run",
        "Giới hạn: số dòng chi trả tối đa của một số định danh trong một lần chạy",
    ),
    "limits.max_xml_depth": ("Limits: deepest nesting of camt XML", "Giới hạn: độ sâu lồng tối đa của XML camt"),
}

SETTING_LABELS: dict[str, tuple[str, str]] = {
    f"param.{key}": (f"{en} ({key})", f"{vi} ({key})") for key, (en, vi) in _SETTINGS.items()
}
