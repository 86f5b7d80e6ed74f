"""A finding's detail in Vietnamese, for a workbook in Vietnamese.

The rules (sql/rules/*.sql) write a finding's evidence in English, and the database keeps it so:
analysts and exports read one language. A Vietnamese workbook shows it in Vietnamese: each clause of
a detail (the parts between '; ') is matched whole against the forms its rule writes, and written
again with the same values. A clause no form matches (a new rule's wording) stays as written, so a
detail is never lost. The forms are tried for the finding's own code only, in DuckDB, as the sheet
is written: `rc_detail_vi(code, detail)`.
"""

from __future__ import annotations

from reconcile.contracts.values import BeneficiaryStatus, Program
from reconcile.report.labels import label

# The values a detail names in English: programme, registered channel, beneficiary status
_PROGRAM = {p.value: label(f"program.{p.value}", "vi") for p in Program}
_CHANNEL = {"bank": "tài khoản ngân hàng", "ewallet": "ví điện tử"}
_STATUS = {s.value: label(f"beneficiary_status.{s.value}", "vi") for s in BeneficiaryStatus}

_NO_PAYMENT = (
    r"no successful payment to this beneficiary in the period",
    "đối tượng này không có khoản chi thành công nào trong kỳ",
)
# NAME_MISMATCH's reason, when the similarity passes but the family or the given name differs
_NAME_DIFFERS = (
    ("family and given names differ, ", "khác cả họ và tên, "),
    ("family name differs, ", "khác họ, "),
    ("given name differs, ", "khác tên, "),
    ("", ""),
)
_NOT_MATCHED = (r"account and name matched no beneficiary", "số tài khoản và họ tên không khớp với đối tượng nào")
_ID_PROBLEMS = [
    (
        r"ID has ([0-9]+) digits, not 12 \(an old 9-digit CMND number\?\)",
        r"số định danh có \1 chữ số, không phải 12 (số CMND 9 chữ số cũ?)",
    ),
    (r"ID has ([0-9]+) digits, not 12", r"số định danh có \1 chữ số, không phải 12"),
    (
        r"ID's place-of-birth code \(digits 1-3\) does not exist",
        "mã nơi đăng ký khai sinh của số định danh (chữ số 1-3) không tồn tại",
    ),
]

# code -> [(the English clause as a regular expression matched whole, the Vietnamese with \1...)]
CLAUSES: dict[str, list[tuple[str, str]]] = {
    "ACCOUNT_MISMATCH": [
        (r"Paid into account ending (.+?) at (.+)", r"Đã chi vào tài khoản có đuôi \1 tại \2"),
        (r"Paid into account ending (.+)", r"Đã chi vào tài khoản có đuôi \1"),
        (r"the registered account ends (.+?) at (.+)", r"tài khoản đã đăng ký có đuôi \1 tại \2"),
        (r"the registered account ends (.+)", r"tài khoản đã đăng ký có đuôi \1"),
        (
            "the registry holds no account for the beneficiary, registered for cash",
            "danh sách đối tượng không ghi tài khoản nào của đối tượng, đăng ký nhận tiền mặt",
        ),
        (
            "the two numbers differ before their last four digits",
            "hai số tài khoản khác nhau ở các chữ số trước bốn số cuối",
        ),
    ],
    "AMOUNT_MISMATCH": [
        (r"Paid (.+) in ([0-9]+) payment\(s\)", r"Đã chi \1 trong \2 khoản chi"),
        (r"due (.+) \(difference (.+)\)", r"mức được hưởng \1 (chênh lệch \2)"),
    ],
    "CASH_DESPITE_ACCOUNT": [
        ("Paid in cash", "Đã chi bằng tiền mặt"),
        ("Paid in cash as registered", "Đã chi bằng tiền mặt theo đăng ký"),
        (
            r"the registry also holds an account ending (.+) for the beneficiary: ask whether they can be paid into it",
            r"danh sách đối tượng còn ghi tài khoản có đuôi \1 của đối tượng: hãy hỏi xem có thể chi vào tài khoản đó không",
        ),
        *(
            (
                f"the beneficiary has a registered {channel} account ending (.+)",
                rf"đối tượng có {vi} đã đăng ký, đuôi \1",
            )
            for channel, vi in _CHANNEL.items()
        ),
    ],
    "DUPLICATE_BENEFICIARY": [
        *(
            (
                f"Same ID already listed for programme {program} in (.+)",
                rf"Số định danh đã có trong danh sách chế độ {vi}, tệp \1",
            )
            for program, vi in _PROGRAM.items()
        ),
        ("this row is not used for matching", "dòng này không được dùng để đối chiếu"),
    ],
    "DUPLICATE_PAYMENT": [
        (
            r"Payment ([0-9]+) of ([0-9]+) successful to this beneficiary in the period",
            r"Khoản chi thành công thứ \1 trong \2 khoản cho đối tượng này trong kỳ",
        ),
        (r"the first is (.+?) in (.+)", r"khoản đầu tiên là \1 trong \2"),
        (
            "Payment reference also used by another successful payment in this file",
            "Số tham chiếu cũng được dùng cho một khoản chi thành công khác trong tệp này",
        ),
        (
            r"This month was paid already, with ([0-9]{4}-[0-9]{2}), by (.+)",
            r"Tháng này đã được chi trước, cùng kỳ \1, bởi khoản \2",
        ),
        (r"Payment reference also in (.+) \(sheet (.+)\)", r"Số tham chiếu cũng có trong \1 (trang tính \2)"),
        (r"Payment reference also in (.+)", r"Số tham chiếu cũng có trong \1"),
    ],
    "INVALID_VNEID": [
        *((form, vi[0].upper() + vi[1:]) for form, vi in _ID_PROBLEMS),
        *((f"Payment's {form}", f"Khoản chi: {vi}") for form, vi in _ID_PROBLEMS),
        (
            r"ID's century and year digits \(4-6\) give a birth year in the future",
            "Mã thế kỷ và năm sinh của số định danh (chữ số 4-6) cho một năm sinh trong tương lai",
        ),
        (
            r"ID's century and year digits \(4-6\) contradict the registry's year of birth",
            "Mã thế kỷ và năm sinh của số định danh (chữ số 4-6) trái với năm sinh trong danh sách",
        ),
        (
            r"ID's sex digit \(4\) contradicts the registry's gender",
            "Mã giới tính của số định danh (chữ số 4) trái với giới tính trong danh sách",
        ),
        (
            "Payment's ID written in scientific notation, digits lost",
            "Khoản chi: số định danh bị ghi ở dạng ký hiệu khoa học, đã mất chữ số",
        ),
        ("format the column as text and export again", "hãy định dạng cột là văn bản rồi xuất lại"),
        ("Payment's ID holds characters other than digits", "Khoản chi: số định danh có ký tự không phải chữ số"),
    ],
    "MISSING_PAYMENT": [
        ("No successful payment dated in the period", "Không có khoản chi thành công nào ghi ngày trong kỳ"),
        (r"([0-9]+) failed or returned", r"\1 khoản thất bại hoặc bị trả lại"),
        (r"([0-9]+) successful dated outside the period", r"\1 khoản thành công ghi ngày ngoài kỳ"),
        (
            r"([0-9]+) back payment of earlier months \(truy lĩnh\) only",
            r"chỉ có \1 khoản truy lĩnh của các tháng trước, không phải khoản chi của kỳ này",
        ),
        (
            r"a payment row with this ID was rejected \((.+) \(sheet (.+)\) reference (.+)\)",
            r"một dòng chi trả có số định danh này đã bị loại (\1, trang tính \2, số tham chiếu \3)",
        ),
        (
            r"a payment row with this ID was rejected \((.+) reference (.+)\)",
            r"một dòng chi trả có số định danh này đã bị loại (\1, số tham chiếu \2)",
        ),
        (
            r"a payment row with this ID was rejected \((.+) \(sheet (.+)\) row ([0-9]+)\)",
            r"một dòng chi trả có số định danh này đã bị loại (\1, trang tính \2, dòng \3)",
        ),
        (
            r"a payment row with this ID was rejected \((.+) row ([0-9]+)\)",
            r"một dòng chi trả có số định danh này đã bị loại (\1 dòng \2)",
        ),
    ],
    "NAME_MISMATCH": [  # the word that differs first, when it is why; 0.45 as Vietnamese writes it, 0,45
        pattern
        for en, vi in _NAME_DIFFERS
        for pattern in (
            (
                rf"Payee name does not match the registry name \({en}similarity ([0-9]+)\.([0-9]+), "
                r"threshold ([0-9]+)\.([0-9]+)\)",
                rf"Tên người nhận không khớp với tên trong danh sách ({vi}độ tương đồng \1,\2, ngưỡng \3,\4)",
            ),
            (
                rf"Payee name does not match the registry name \({en}similarity (.+), threshold (.+)\)",
                rf"Tên người nhận không khớp với tên trong danh sách ({vi}độ tương đồng \1, ngưỡng \2)",
            ),
        )
    ],
    "OUT_OF_PERIOD": [(r"Value date (.+) is outside the period (.+)", r"Ngày giao dịch \1 nằm ngoài kỳ \2")],
    "PAID_AFTER_DEATH": [
        (
            r"Paid on (.+) to a beneficiary whose status is deceased \(no date of death recorded\)",
            r"Đã chi ngày \1 cho đối tượng có trạng thái đã chết (không ghi ngày mất)",
        ),
        (r"Paid on (.+?), (.+) day\(s\) after the date of death (.+)", r"Đã chi ngày \1, \2 ngày sau ngày mất \3"),
    ],
    "PAID_WHILE_INACTIVE": [
        (
            f"Paid on (.+) while the beneficiary's status is {status}",
            rf"Đã chi ngày \1 khi đối tượng đang ở trạng thái {vi}",
        )
        for status, vi in _STATUS.items()
    ],
    "PAYMENT_FAILED": [
        (r"Payment of (.+) failed", r"Khoản chi ngày \1 thất bại"),
        (r"Payment of (.+) returned", r"Khoản chi ngày \1 bị trả lại"),
        (r"Payment \(no date given\) failed", "Khoản chi (không ghi ngày) thất bại"),
        (r"Payment \(no date given\) returned", "Khoản chi (không ghi ngày) bị trả lại"),
        _NO_PAYMENT,
        (
            r"a back payment of ([0-9]+) earlier month\(s\) \(truy lĩnh\): they stay unpaid",
            r"khoản truy lĩnh của \1 tháng trước: các tháng đó vẫn chưa được chi",
        ),
        *(
            (f"nothing is due: the beneficiary is {status}", f"không có khoản nào phải chi: đối tượng {vi}")
            for status, vi in _STATUS.items()
        ),
    ],
    "SHARED_ACCOUNT": [
        (
            r"Account ending (.+) received payments for ([0-9]+) distinct beneficiaries \(threshold (.+)\)",
            r"Tài khoản có đuôi \1 nhận tiền cho \2 đối tượng khác nhau (ngưỡng \3)",
        ),
    ],
    "UNKNOWN_PAYEE": [
        *(
            (
                f"The payment's ID is not in the registry for programme {program}",
                f"Số định danh của khoản chi không có trong danh sách chế độ {vi}",
            )
            for program, vi in _PROGRAM.items()
        ),
        (
            r"The payment's ID is on a row of the registry that was rejected \((.+) \(sheet (.+)\) row ([0-9]+)\)",
            r"Số định danh của khoản chi nằm ở một dòng bị loại của danh sách đối tượng (\1, trang tính \2, dòng \3)",
        ),
        (
            r"The payment's ID is on a row of the registry that was rejected \((.+) row ([0-9]+)\)",
            r"Số định danh của khoản chi nằm ở một dòng bị loại của danh sách đối tượng (\1 dòng \2)",
        ),
        ("The payment's ID is not in the registry", "Số định danh của khoản chi không có trong danh sách"),
        (
            r"its account is registered to ID ([0-9]+) \(an ID corrected in the registry\?\)",
            r"tài khoản của khoản chi được đăng ký cho số định danh \1 (số định danh đã được sửa trong danh sách?)",
        ),
        (
            "The payment's ID is not a valid ID and is not in the registry",
            "Số định danh của khoản chi không hợp lệ và không có trong danh sách",
        ),
        _NOT_MATCHED,
        # the note of a payment's unusable ID, in brackets; one holding '; ' is split with the detail
        (
            r"No usable ID \(ID holds characters other than digits\)",
            "Không có số định danh dùng được (số định danh có ký tự không phải chữ số)",
        ),
        (
            r"No usable ID \(ID written in scientific notation, digits lost",
            "Không có số định danh dùng được (số định danh bị ghi ở dạng ký hiệu khoa học, đã mất chữ số",
        ),
        (r"format the column as text and export again\)", "hãy định dạng cột là văn bản rồi xuất lại)"),
        (
            r"No usable ID \(narrative holds ([0-9]+) different IDs",
            r"Không có số định danh dùng được (nội dung chuyển khoản chứa \1 số định danh khác nhau",
        ),
        (r"none was used\)", "không số nào được dùng)"),
        ("No ID", "Không có số định danh"),
    ],
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _clause_sql(code: str) -> str:
    """The Vietnamese of one clause `c` of a detail of `code`: the first form it matches whole."""
    whens = " ".join(
        f"WHEN regexp_full_match(c, {_literal(form)}) THEN regexp_replace(c, {_literal('^' + form + '$')}, {_literal(vi)})"
        for form, vi in CLAUSES[code]
    )
    return f"CASE {whens} ELSE c END"


# Amounts written 1,500,000 (the rules' format('{:,}')) as Vietnamese writes them, 1.500.000: twice,
# as each replacement takes the digit before the next comma
_GROUPING = (
    r"regexp_replace(regexp_replace({}, '([0-9]),([0-9]{{3}})', '\1.\2', 'g'), '([0-9]),([0-9]{{3}})', '\1.\2', 'g')"
)
AMOUNTS = ("AMOUNT_MISMATCH",)  # the codes whose details hold amounts


def macro_sql() -> str:
    """The macro rc_detail_vi(code, detail): the detail of a finding of `code` in Vietnamese."""
    whens = []
    for code in CLAUSES:
        text = f"array_to_string(list_transform(string_split(d, '; '), lambda c: {_clause_sql(code)}), '; ')"
        whens.append(f"WHEN {_literal(code)} THEN {_GROUPING.format(text) if code in AMOUNTS else text}")
    return f"CREATE OR REPLACE TEMP MACRO rc_detail_vi(code, d) AS CASE code {' '.join(whens)} ELSE d END"


def in_vietnamese(findings: list[tuple[str | None, str | None]]) -> list[str | None]:
    """The details of findings, given as (code, detail), in Vietnamese as the workbook writes them:
    for the terminal's tables in Vietnamese."""
    import duckdb

    if not findings:
        return []
    with duckdb.connect(":memory:") as con:
        con.execute(macro_sql())
        codes, details = (list(column) for column in zip(*findings))
        return [
            row[0]
            for row in con.execute(  # one query for them all, in their order
                "SELECT rc_detail_vi(code, detail) FROM (SELECT unnest($codes) AS code, unnest($details) AS detail, "
                "generate_subscripts($codes, 1) AS i) ORDER BY i",
                {"codes": codes, "details": details},
            ).fetchall()
        ]
