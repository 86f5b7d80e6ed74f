"""Every word the workbook shows, in English and Vietnamese (`--lang en|vi`).

Keys are stable names used by the code; values are (English, Vietnamese). Vietnamese text is
stored in NFC (a test checks it) so that Excel's filter and search find what users type.
Finding descriptions come from the rule files (`rules` table), not from here.
"""

from __future__ import annotations

import math
from typing import Any

from reconcile.report.setting_labels import SETTING_LABELS

LANGS = ("en", "vi")

LABELS: dict[str, tuple[str, str]] = {
    # sheet names (at most 31 characters; a continuation sheet adds " (2)")
    "sheet.summary": ("Summary", "Tổng hợp"),
    "sheet.findings": ("Findings", "Phát hiện"),
    "sheet.cases": ("Open cases", "Vụ việc đang mở"),
    "sheet.noncash": ("Non-cash share", "Tỷ lệ không tiền mặt"),
    "sheet.rejected": ("Rejected rows", "Dòng bị loại"),
    "sheet.inputs": ("Inputs", "Tệp đầu vào"),
    "sheet.parameters": ("Parameters", "Tham số"),
    "sheet.reissue": ("To send again", "Chi trả lại"),
    "sheet.recovery": ("To recover", "Thu hồi"),
    "sheet.held_back": ("Held back", "Chưa chi trả lại"),
    "actions.partial": (
        "PARTIAL: {periods} reconciled without every source; this list may ask again for payments made through "
        "a missing source",
        "PARTIAL (CHƯA ĐỦ NGUỒN): kỳ {periods} được đối soát khi còn thiếu nguồn; danh sách này có thể đề nghị chi "
        "lại những khoản đã chi qua nguồn còn thiếu",
    ),
    # summary sheet
    "title": (
        "Reconciliation of cashless disbursements, period {period}",
        "Đối soát chi trả không dùng tiền mặt, kỳ {period}",
    ),
    "subtitle": (
        "Made by reconcile {version} on {finished} UTC from {database}",
        "Lập bằng reconcile {version} lúc {finished} UTC từ {database}",
    ),
    "partial": (
        "PARTIAL: {period} was reconciled without every source (--partial): {sources}. Its findings are "
        "incomplete and its targets are not judged.",
        "PARTIAL (CHƯA ĐỦ NGUỒN): kỳ {period} được đối soát khi còn thiếu tệp chi trả (--partial): {sources}. "
        "Kết quả chưa đầy đủ và không đánh giá chỉ tiêu.",
    ),
    "warning": (
        "WARNING: {text}",
        "CẢNH BÁO: {text}",
    ),
    "warnings_note": (
        "The run of {period} went on past the warnings below (as the terminal said them): check each before signing.",
        "Lần chạy kỳ {period} vẫn tiếp tục dù có các cảnh báo dưới đây (như trên màn hình): hãy kiểm tra từng "
        "cảnh báo trước khi ký.",
    ),
    "masked_note": (
        "IDs and account numbers are masked: only their last 4 digits are shown.",
        "Số định danh và số tài khoản đã được che: chỉ hiện 4 chữ số cuối.",
    ),
    "section.totals": ("Beneficiaries and payments", "Đối tượng và khoản chi"),
    "section.findings": ("Findings by code", "Phát hiện theo mã"),
    "section.severity": ("Findings by severity", "Phát hiện theo mức độ"),
    "section.change": (
        "Findings against the previous period in the database ({previous})",
        "Phát hiện so với kỳ trước trong cơ sở dữ liệu ({previous})",
    ),
    "section.change_none": (
        "Findings against the previous period: none in the database yet",
        "Phát hiện so với kỳ trước: cơ sở dữ liệu chưa có kỳ trước",
    ),
    "section.recoveries": (
        "Overpayments to recover (after a death or while inactive), this period and the ones before",
        "Khoản chi sai cần thu hồi (sau khi chết hoặc khi không còn hưởng), kỳ này và các kỳ trước",
    ),
    "section.inputs": (
        "Rows read, loaded, rejected and set aside per input file",
        "Số dòng đọc, nạp, bị loại và để riêng theo tệp",
    ),
    "section.noncash": ("Non-cash share against the target", "Tỷ lệ chi không dùng tiền mặt so với chỉ tiêu"),
    "section.by_province": ("Non-cash share of payments by province", "Tỷ lệ khoản chi không dùng tiền mặt theo tỉnh"),
    "section.trend": ("Non-cash share of payments by period", "Tỷ lệ khoản chi không dùng tiền mặt theo kỳ"),
    "chart.by_province": (
        "Non-cash share of payments by province, {period}",
        "Tỷ lệ khoản chi không dùng tiền mặt theo tỉnh, kỳ {period}",
    ),
    "chart.trend": ("Non-cash share of payments over time", "Tỷ lệ khoản chi không dùng tiền mặt qua các kỳ"),
    "chart.share": ("{program}: share", "{program}: tỷ lệ"),
    "chart.target": ("{program}: target", "{program}: chỉ tiêu"),
    "total": ("Total", "Tổng cộng"),
    "note.money_once": (
        "The total counts each payment's money once: money under two findings (a failed transfer is also a "
        "missing payment) is in both rows above, and once in the total.",
        "Dòng tổng cộng tính số tiền của mỗi khoản một lần: số tiền thuộc hai phát hiện (khoản chi bị trả lại "
        "cũng là khoản chưa chi) có ở cả hai dòng trên, nhưng chỉ một lần trong tổng.",
    ),
    # column headers
    "col.program": ("Programme", "Chế độ"),
    "col.registry_rows": ("Registry rows", "Dòng danh sách"),
    "col.beneficiaries_active": ("Active beneficiaries", "Đối tượng đang hưởng"),
    "col.payments": ("Payments", "Khoản chi"),
    "col.payments_ok": ("Successful payments in period", "Khoản chi thành công trong kỳ"),
    "col.amount_due": ("Amount due (VND)", "Số tiền phải chi (đồng)"),
    "col.amount_paid": ("Amount paid (VND)", "Số tiền đã chi (đồng)"),
    "col.difference": ("Difference (VND)", "Chênh lệch (đồng)"),
    "col.code": ("Code", "Mã phát hiện"),
    "col.severity": ("Severity", "Mức độ"),
    "col.description": ("Description", "Mô tả"),
    "col.count": ("Count", "Số lượng"),
    "col.expected_amount": ("Expected amount (VND)", "Số tiền được hưởng (đồng)"),
    "col.paid_amount": ("Paid amount (VND)", "Số tiền đã chi (đồng)"),
    "col.file_id": ("File no.", "Tệp số"),
    "col.file": ("File", "Tệp"),
    "col.path": ("Path", "Đường dẫn"),
    "col.role": ("Role", "Vai trò"),
    "col.format": ("Format", "Định dạng"),
    "col.encoding": ("Encoding", "Bảng mã"),
    "col.sha256": ("SHA-256", "SHA-256"),
    "col.profile": ("Profile", "Hồ sơ định dạng"),
    "col.sheet": ("Sheet", "Trang tính"),
    "col.header_row": ("Header row", "Dòng tiêu đề"),
    "col.columns_used": ("Columns used (file header → column)", "Cột sử dụng (tiêu đề trong tệp → cột)"),
    "col.rows_read": ("Rows read", "Dòng đọc"),
    "col.rows_loaded": ("Rows loaded", "Dòng nạp"),
    "col.rows_rejected": ("Rows rejected", "Dòng bị loại"),
    "col.rows_set_aside": ("Rows set aside", "Dòng để riêng"),
    "col.amount_set_aside": ("Amount set aside", "Số tiền để riêng"),
    "col.set_aside": ("Set aside", "Để riêng"),
    "col.ids_restored": ("IDs restored", "Số định danh được khôi phục"),
    "col.amount_read": ("Amount read", "Số tiền đọc"),
    "col.amount_loaded": ("Amount loaded", "Số tiền nạp"),
    "col.amount_rejected": ("Amount rejected", "Số tiền bị loại"),
    "col.amounts_unreadable": ("Amounts unreadable", "Số tiền không đọc được"),
    "col.vneid": ("Personal ID", "Số định danh"),
    "col.full_name": ("Full name", "Họ và tên"),
    "col.province_code": ("Province", "Mã tỉnh"),
    "col.commune_code": ("Commune", "Mã xã"),
    "col.payment_ref": ("Payment reference", "Số tham chiếu"),
    "col.payee_name": ("Payee name", "Tên người thụ hưởng"),
    "col.account_number": ("Account number", "Số tài khoản"),
    "col.value_date": ("Value date", "Ngày giao dịch"),
    "col.match_method": ("Matched by", "Cách đối chiếu"),
    "col.detail": ("Detail", "Chi tiết"),
    "col.source_file": ("Source file", "Tệp nguồn"),
    "col.source_row": ("Source row", "Dòng nguồn"),
    "col.source_sheet": ("Source sheet", "Trang tính nguồn"),
    "col.accounts_restored": ("Accounts restored", "Số tài khoản được khôi phục"),
    "col.control_source": ("File's own totals", "Dòng tổng của tệp"),
    "col.control_count": ("Rows it states", "Số dòng tệp ghi"),
    "col.control_amount": ("Total it states (VND)", "Tổng tiền tệp ghi (đồng)"),
    "col.skipped": ("Sheet skipped: why", "Trang tính bỏ qua: lý do"),
    "col.flag_id": ("Finding id", "Mã bản ghi phát hiện"),
    "col.level": ("Level", "Cấp"),
    "col.beneficiaries": ("Beneficiaries paid", "Đối tượng được chi"),
    "col.amount": ("Amount (VND)", "Số tiền (đồng)"),
    "col.share_beneficiaries": ("Non-cash share of beneficiaries", "Tỷ lệ đối tượng không dùng tiền mặt"),
    "col.share_payments": ("Non-cash share of payments", "Tỷ lệ khoản chi không dùng tiền mặt"),
    "col.share_amount": ("Non-cash share of value", "Tỷ lệ giá trị không dùng tiền mặt"),
    "col.target": ("Target", "Chỉ tiêu"),
    "col.target_met": ("Target met", "Đạt chỉ tiêu"),
    "col.payments_bank": ("Bank payments", "Khoản chi qua ngân hàng"),
    "col.payments_ewallet": ("E-wallet payments", "Khoản chi qua ví điện tử"),
    "col.payments_cash": ("Cash payments", "Khoản chi tiền mặt"),
    "col.period": ("Period", "Kỳ"),
    "col.reason": ("Reason", "Lý do"),
    "col.raw": ("Values as read (file header: value)", "Giá trị như trong tệp (tiêu đề: giá trị)"),
    "col.case_id": ("Case id", "Mã vụ việc"),
    "col.periods_flagged": ("Periods flagged", "Số kỳ bị phát hiện"),
    "col.periods_open": ("Periods open", "Số kỳ đang mở"),
    "col.status": ("Status", "Trạng thái"),
    # shown by Excel and LibreOffice when a cell of the status column is selected (at most 255 characters)
    "help.status": (
        "open: not dealt with yet; in_review: being looked into; explained: explained, nothing to recover; "
        "recovery: money being recovered; recovered: recovered in full; written_off: written off; "
        "closed: done. Then run: reconcile review import",
        "open: chưa xử lý; in_review: đang xem xét; explained: đã giải trình, không phải thu hồi; "
        "recovery: đang thu hồi; recovered: đã thu hồi đủ; written_off: đã xóa nợ; closed: đã xong. "
        "Sau đó chạy: reconcile review import",
    ),
    "col.assignee": ("Assignee", "Người xử lý"),
    "col.decision": ("Decision", "Quyết định"),
    "col.case_amount": ("Amount recovered or written off (VND)", "Số tiền đã thu hồi hoặc xóa nợ (đồng)"),
    "col.comment": ("Comment", "Ghi chú"),
    "col.decision_check": ("Decision as written (hidden; do not edit)", "Quyết định khi ghi sổ (ẩn; không sửa)"),
    "col.case_check": ("Case as written (hidden; do not edit)", "Vụ việc khi ghi sổ (ẩn; không sửa)"),
    "col.first_period": ("First period", "Kỳ đầu tiên"),
    "col.last_period": ("Latest period", "Kỳ gần nhất"),
    "col.amount_at_stake": ("Amount at stake (VND)", "Số tiền liên quan (đồng)"),
    "col.amount_recovered": ("Recovered (VND)", "Đã thu hồi (đồng)"),
    "col.amount_written_off": ("Written off (VND)", "Đã xóa nợ (đồng)"),
    "col.updated_at": ("Updated (UTC)", "Cập nhật (UTC)"),
    "col.previous_count": ("Previous period", "Kỳ trước"),
    "col.change": ("Change", "Thay đổi"),
    "col.amount_in_question": ("Amount in question (VND)", "Số tiền liên quan (đồng)"),
    "col.previous_amount": ("Previous period (VND)", "Kỳ trước (đồng)"),
    "col.amount_change": ("Change (VND)", "Thay đổi (đồng)"),
    "col.cases": ("Cases", "Số vụ việc"),
    "col.bank": ("Bank", "Ngân hàng"),
    "col.original_ref": ("Original payment reference", "Số tham chiếu khoản chi gốc"),
    "col.held_because": ("Held back because", "Lý do chưa chi trả lại"),
    # why a payment is held back rather than sent again (reconcile/actions.py)
    "held.died": (
        "died on {date_of_death}, before the payment's date {value_date} (registry of {registry_period})",
        "đã chết ngày {date_of_death}, trước ngày chi {value_date} (danh sách đối tượng kỳ {registry_period})",
    ),
    "held.inactive": (
        "status {status} in the registry of {registry_period}",
        "trạng thái {status} trong danh sách đối tượng kỳ {registry_period}",
    ),
    # a payment sent again where the registry pays the beneficiary now (reconcile/actions.py)
    "reissue.to_account": (
        "sent to the account the registry of {registry_period} gives, not to {sent_to} where this payment went",
        "chi lại vào tài khoản theo danh sách đối tượng kỳ {registry_period}, không phải tài khoản {sent_to} mà khoản "
        "chi này đã chuyển đến",
    ),
    "reissue.from_cash": (
        "the registry of {registry_period} gives this account; this payment was in cash",
        "danh sách đối tượng kỳ {registry_period} ghi tài khoản này; khoản chi này đã chi bằng tiền mặt",
    ),
    "reissue.to_cash": (
        "the registry of {registry_period} pays in cash, not into {sent_to} where this payment went",
        "danh sách đối tượng kỳ {registry_period} chi bằng tiền mặt, không chuyển vào tài khoản {sent_to} như khoản "
        "chi này",
    ),
    "col.overpaid": ("Overpaid (VND)", "Số tiền chi sai (đồng)"),
    "col.outstanding": ("Outstanding (VND)", "Còn phải thu hồi (đồng)"),
    "col.excess": ("Recovered beyond what was overpaid (VND)", "Thu hồi, xóa nợ vượt số chi sai (đồng)"),
    "col.parameter": ("Parameter", "Tham số"),
    "col.value": ("Value", "Giá trị"),
    # parameters sheet
    "param.run_id": ("Run id", "Mã lần chạy"),
    "param.period": ("Period", "Kỳ đối soát"),
    "param.started_at": ("Started (UTC)", "Bắt đầu (UTC)"),
    "param.finished_at": ("Finished (UTC)", "Kết thúc (UTC)"),
    "param.tool_version": ("reconcile version", "Phiên bản reconcile"),
    "param.operator": ("Operator", "Người thực hiện"),
    "param.database": ("Database", "Cơ sở dữ liệu"),
    "param.report_lang": ("Language of this workbook", "Ngôn ngữ của sổ này"),
    "param.masked": ("IDs masked", "Che số định danh"),
    "param.targets.welfare": (
        "Target: non-cash share of social assistance payments",
        "Chỉ tiêu: tỷ lệ chi trợ giúp xã hội không dùng tiền mặt",
    ),
    "param.targets.pension": (
        "Target: non-cash share of pension payments",
        "Chỉ tiêu: tỷ lệ chi lương hưu không dùng tiền mặt",
    ),
    "param.thresholds.amount_tolerance": ("Amount tolerance (VND)", "Sai lệch số tiền cho phép (đồng)"),
    "param.thresholds.name_similarity": ("Name similarity threshold", "Ngưỡng tương đồng họ tên"),
    "param.thresholds.name_truncation_min_length": (
        "Shortest name a bank may cut",
        "Độ dài tối thiểu của tên bị ngân hàng cắt ngắn",
    ),
    "param.thresholds.shared_account_min_beneficiaries": (
        "Beneficiaries sharing an account before it is flagged",
        "Số đối tượng dùng chung một tài khoản thì bị gắn cờ",
    ),
    "param.matching.name_without_dob": (
        "Match on a unique name without date of birth",
        "Đối chiếu theo họ tên duy nhất khi không có ngày sinh",
    ),
    "param.matching.february_with_january": (
        "Programmes whose February is paid with January (before Tết)",
        "Chế độ chi gộp tháng 2 vào tháng 1 (trước Tết)",
    ),
    "param.lang": ("Default language", "Ngôn ngữ mặc định"),
    # values
    "program.welfare": ("Social assistance", "Trợ giúp xã hội"),
    "program.pension": ("Pension", "Lương hưu"),
    "program.unknown": ("Unknown", "Không xác định"),
    "severity.critical": ("critical", "nghiêm trọng"),
    "severity.high": ("high", "cao"),
    "severity.medium": ("medium", "trung bình"),
    "severity.low": ("low", "thấp"),
    "role.registry": ("registry", "danh sách đối tượng"),
    "role.payments": ("payments", "tệp chi trả"),
    "level.program": ("programme", "chế độ"),
    "level.province": ("province", "tỉnh"),
    "level.commune": ("commune", "xã"),
    "level.province_2025": ("province (2025 map)", "tỉnh (theo địa giới 2025)"),
    "province.unknown": ("unknown", "không xác định"),
    "method.vneid": ("personal ID", "số định danh"),
    "method.narrative_vneid": ("ID in narrative", "số định danh trong nội dung"),
    "method.account": ("account", "số tài khoản"),
    "method.name_dob": ("name and date of birth", "họ tên và ngày sinh"),
    "method.name_year": ("name and year of birth", "họ tên và năm sinh"),
    "method.name": ("name", "họ tên"),
    "beneficiary_status.active": ("active", "đang hưởng"),
    "beneficiary_status.suspended": ("suspended", "tạm dừng"),
    "beneficiary_status.terminated": ("terminated", "thôi hưởng"),
    "beneficiary_status.deceased": ("deceased", "đã chết"),
    "payment_status.failed": ("failed", "thất bại"),
    "payment_status.returned": ("returned", "bị trả lại"),
    "yes": ("yes", "có"),
    "no": ("no", "không"),
    "met.yes": ("met", "đạt"),
    "met.no": ("not met", "chưa đạt"),
    "met.in_doubt": ("met, in doubt", "đạt, chưa chắc chắn"),  # a table's cell: the summary says why
    "met.doubt": (
        "met, in doubt: see the warning atop the summary",
        "đạt, chưa chắc chắn: xem cảnh báo ở đầu trang tổng hợp",
    ),
}
LABELS.update(SETTING_LABELS)  # the guards and limits of the parameters sheet


def label(key: str, lang: str, **fields: object) -> str:
    """The text for `key` in `lang`, with `{fields}` filled in."""
    en, vi = LABELS[key]
    text = vi if lang == "vi" else en
    return text.format(**fields) if fields else text


def value_label(kind: str, value: Any, lang: str) -> Any:
    """A stored code value (programme, severity, role...) as the reader's word; unknown values pass through."""
    if value is None:
        return None
    key = f"{kind}.{value}"
    return label(key, lang) if key in LABELS else value


def shown_share(share: float, target: float | None = None) -> float:
    """A share as a report shows it: as it is (rounded to two decimals of a percent by the format),
    unless that rounding would reach a target the share does not (659 of 660 payments, 99.848%, would
    show as a target of 99.85% marked not met): then cut to two decimals (99.84%). The stored share
    is exact."""
    if target is not None and share < target <= round(share, 4):
        return math.floor(share * 10_000) / 10_000
    return share
