"""The corpus of bad inputs: how each kind of bad file is built, and exactly what reconcile does with it.

Each case writes one file (a registry or a payments file) into a folder; the run pairs it with the
sample month's other file. The expected outcome is either a one-line error (exit 2, database
untouched) or a run in which the bad rows are rejected with their reasons, or loaded and flagged.
tests/test_bad_inputs.py runs every case; the table of outcomes is in docs/formats.md, rewritten by
`make docs` (reconcile/docs_gen.py, or `python tests/bad_inputs.py`), and tests/test_docs.py keeps
it in step.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "fixtures" / "sample"
CAMT = REPO / "fixtures" / "camt"

PAY_HEADER = [
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
REG_HEADER = [
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


def _sample_rows(name: str, n: int) -> list[list[str]]:
    with open(SAMPLE / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))[1 : 1 + n]


GOOD_PAYMENTS = _sample_rows("bank_transfers.csv", 4)  # four good payments to people in the sample registry
GOOD_REGISTRY = _sample_rows("registry.csv", 4)
# a good payment (to Nguyễn Thị Thanh Hương, of the 1.000.000 due) whose cells a case spoils
PAYMENT = [
    "9",
    "FT20240999001",
    "079196118125",
    "NGUYEN THI THANH HUONG",
    "VBA",
    "0063118742432",
    "1.000.000",
    "05/09/2024",
    "Chuyển khoản",
    "Thành công",
    "Chi tra tro cap T09/2024",
]
BENEFICIARY = [
    "9",
    "079196118125",
    "Nguyễn Thị Thanh Hương",
    "25/11/1996",
    "Nữ",
    "Trợ cấp xã hội",
    "Người khuyết tật đặc biệt nặng",
    "1.000.000",
    "Chuyển khoản",
    "VBA",
    "0063118742432",
    "79",
    "26734",
    "Đang hưởng",
    "",
]


def _paid_registry_rows() -> list[list[str]]:
    """The sample registry's rows of the people the corpus's payment files pay (the good payments and
    PAYMENT): the registry a payments case is run with, so that the month is complete."""
    ids = {r[2] for r in [*GOOD_PAYMENTS, PAYMENT] if r[2]}
    ids |= {i for r in GOOD_PAYMENTS for i in re.findall(r"(?<!\d)\d{12}(?!\d)", r[10])}
    accounts = {r[5] for r in [*GOOD_PAYMENTS, PAYMENT]}
    with open(SAMPLE / "registry.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return [r for r in rows if r[1] in ids or r[10] in accounts]


def paid_registry(folder: Path) -> Path:
    path = folder / "paid_registry.csv"
    path.write_text(_csv([REG_HEADER, *_paid_registry_rows()]), encoding="utf-8")
    return path


def _csv(rows: list[list[str]], sep: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def payments_with(*bad: list[str], header: list[str] = PAY_HEADER, name: str = "bank.csv") -> Callable[[Path], Path]:
    """A bank file: the four good payments, then the bad rows (rows 6, 7, ... of the file)."""

    def build(folder: Path) -> Path:
        path = folder / name
        path.write_text(_csv([header, *GOOD_PAYMENTS, *bad]), encoding="utf-8")
        return path

    return build


def registry_with(*bad: list[str]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / "registry.csv"
        path.write_text(_csv([REG_HEADER, *GOOD_REGISTRY, *bad]), encoding="utf-8")
        return path

    return build


def payment(**cells: str) -> list[str]:
    """The good PAYMENT with some cells spoilt: ref, vneid, name, amount, date, channel, status, ..."""
    row = dict(zip(PAY_HEADER, PAYMENT))
    for key, value in cells.items():
        row[
            {
                "ref": "Số tham chiếu",
                "vneid": "Số định danh",
                "name": "Tên người thụ hưởng",
                "amount": "Số tiền",
                "date": "Ngày giao dịch",
                "channel": "Kênh chi trả",
                "status": "Trạng thái",
                "narrative": "Nội dung",
                "account": "Số tài khoản",
            }[key]
        ] = value
    return [row[h] for h in PAY_HEADER]


def beneficiary(**cells: str) -> list[str]:
    row = dict(zip(REG_HEADER, BENEFICIARY))
    for key, value in cells.items():
        row[
            {"vneid": "Số định danh cá nhân", "dob": "Ngày sinh", "amount": "Số tiền hưởng", "program": "Chế độ"}[key]
        ] = value
    return [row[h] for h in REG_HEADER]


def raw_file(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return build


def text_file(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    return raw_file(name, lambda: text.encode(encoding))


def _xlsx(rows: list[list], merge: tuple[str, ...] = ()) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _month_first(rows: list[list[str]]) -> list[list]:
    """Rows as Excel set to US dates saves them: a dd/mm/yyyy value date whose day is up to 12 read
    month first and made a date cell (02/09/2024 as 9 February), the others kept as text."""
    from datetime import datetime

    out: list[list] = []
    for row in rows:
        cells: list = list(row)
        day, month, year = (int(part) for part in row[7].split("/"))
        if day <= 12:
            cells[7] = datetime(year, day, month)
        out.append(cells)
    return out


def _encrypted_xlsx() -> bytes:
    import msoffcrypto.format.ooxml

    plain = io.BytesIO(_xlsx([PAY_HEADER, *GOOD_PAYMENTS]))
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("mật khẩu", out)
    return out.getvalue()


def _zip_of_csv() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("bank.csv", _csv([PAY_HEADER, *GOOD_PAYMENTS]))
    return buf.getvalue()


def _sheets(sheets: dict[str, list[list]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _amount(text: str) -> int:
    return int(text.replace(",", "").replace(".", ""))


def _scaled(rows: list[list[str]]) -> list[list[str]]:
    """Payments as a file re-saved with a US number format shows them: 500.000 read as 500, and
    1.250.000, no number to it, left as it is."""
    return [[*r[:6], f"{_amount(r[6]) // 1000:,}" if _amount(r[6]) < 1_000_000 else r[6], *r[7:]] for r in rows]


# the good payments' channel and status in plain ASCII, as some banks write them
ASCII_CELLS = {"Chuyển khoản": "bank", "Thành công": "success", "Thất bại": "failed"}


def _lossy_1252(text: str) -> str:
    """Text as Excel saves it in Windows-1252: each letter the code page lacks becomes '?'."""
    return "".join(ch if ch.encode("cp1252", "ignore") else "?" for ch in text)


def _camt_of(rows: list[list[str]]) -> str:
    from layouts import camt053

    return camt053([dict(zip(PAY_HEADER, r)) for r in rows])


def _cash_registry_rows(n: int) -> list[list[str]]:
    """n beneficiaries paid in cash by the post office, with valid IDs (born in Thanh Hóa, 1940s)."""
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"]
    given = [("Thị Lan", 1), ("Văn Hùng", 0), ("Thị Mai", 1), ("Đức Anh", 0), ("Thị Hoa", 1)]
    rows = []
    for i in range(n):
        name, female = given[(i // 5) % 5]
        year = 1940 + i % 10
        rows.append(
            [
                str(100 + i),
                f"038{female}{year % 100:02d}{900100 + i:06d}",
                f"{family[i % 5]} {name}",
                f"{1 + i % 28:02d}/03/{year}",
                "Nữ" if female else "Nam",
                "Trợ cấp xã hội",
                "Người cao tuổi từ 80 tuổi",
                "500.000",
                "Tiền mặt",
                "",
                "",
                "38",
                "14845",
                "Đang hưởng",
                "",
            ]
        )
    return rows


def _merged_header() -> bytes:
    """A title merged across the top, and the last header cell merged over two columns."""
    return _xlsx([["DANH SÁCH CHI TRẢ THÁNG 9/2024"], PAY_HEADER, *GOOD_PAYMENTS], merge=("A1:K1", "K2:L2"))


def _damaged_parquet() -> bytes:
    import polars as pl

    buf = io.BytesIO()
    pl.DataFrame({"payment_ref": ["FT1"], "vneid": ["001040951508"]}).write_parquet(buf)
    data = buf.getvalue()
    return data[: len(data) // 2] + data[-8:]  # the footer kept, the middle gone


def _mt940_day(day: int, opening: int, paid: int) -> str:
    """An MT940 statement of September `day`, 2024, of one account, with one payment of `paid` (if any)."""
    lines = [f":20:VCB2409{day:02d}", ":25:0071001234567", f":28C:{day}/1", f":60F:C2409{day - 1:02d}VND{opening},"]
    if paid:
        lines += [f":61:2409{day:02d}09{day:02d}D{paid},NTRFCTXH2409{day:02d}", ":86:CHI TRA TCXH T09/2024"]
    return "\n".join([*lines, f":62F:C2409{day:02d}VND{opening - paid},"]) + "\n"


@dataclass
class Case:
    name: str
    what: str  # the bad input, for the docs' table
    kind: str  # which file is bad: registry or payments
    build: Callable[[Path], Path]
    exit: int = 0
    message: str | None = None  # the one stderr line after "reconcile: error: {file}: "
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row, reason) of the bad file
    flags: list[tuple[str, int]] = field(default_factory=list)  # (code, row) findings the bad rows draw
    note: str = ""  # what else happens, for the docs' table
    twice: bool = False  # the file is given twice on the command line
    restored: int = 0  # IDs of the bad file whose lost leading zero was restored
    header_row: int = 1  # where the header is (the good rows follow it)
    accounts: int = 0  # account numbers of the bad file whose lost leading zeros were restored
    control: int | None = None  # the total the file states (a totals row), kept in inputs.control_amount
    others: tuple[Callable[[Path], Path], ...] = ()  # other payments files of the month, given before it
    good_rows: bool = True  # the file starts with the four good payments (rows 2-5, with their findings)
    names_file: bool = True  # the message starts with the bad file's path


UNDER_TOTALS = "under the totals row (signatures, amount in words)"


def signed_total(amount: str) -> list[list[str]]:
    """A totals row stating `amount`, a blank row, the amount in words and the signatures under it."""
    return [
        ["", "", "", "Tổng cộng", "", "", amount, "", "", "", ""],
        [""] * 11,
        ["", "Bằng chữ: Hai triệu bảy trăm năm mươi nghìn đồng", "", "", "", "", "", "", "", "", ""],
        ["", "Người lập biểu", "", "Kế toán trưởng", "", "", "Giám đốc", "", "", "", ""],
        ["", "Nguyễn Văn An", "", "Trần Thị Bình", "", "", "Lê Văn Cường", "", "", "", ""],
    ]


CASES = [
    # ---------- the file as a whole ----------
    Case(
        "empty",
        "an empty file (0 bytes)",
        "payments",
        raw_file("bank.csv", b""),
        2,
        "file is empty; check that the export finished and send the file again",
    ),
    Case(
        "header-only",
        "a header and no rows",
        "payments",
        text_file("bank.csv", _csv([PAY_HEADER])),
        2,
        "has a header row but no data rows; check that the export finished and send the complete file; if no one "
        "was paid through it this month, leave it out",
    ),
    Case(
        "missing-column",
        "no amount column",
        "payments",
        payments_with(header=[h if h != "Số tiền" else "Phí" for h in PAY_HEADER]),
        2,
        "required column 'amount' is missing from the payments file; add it or rename the column that holds it"
        " to 'amount', or pass a --profile that maps it",
    ),
    Case(
        "duplicate-header",
        "the column 'Số tiền' twice",
        "payments",
        payments_with(header=[*PAY_HEADER[:-1], "Số tiền"]),
        2,
        "the column 'Số tiền' appears twice; remove or rename one of them",
    ),
    Case(
        "extra-columns",
        "columns the tool does not know (an internal note, a fee)",
        "payments",
        payments_with(header=[*PAY_HEADER[:-1], "Ghi chú nội bộ"]),
        0,
        note="the extra columns are listed by `check` and ignored",
    ),
    Case(
        "semicolons",
        "semicolons for commas (a European Excel)",
        "payments",
        text_file("bank.csv", _csv([PAY_HEADER, *GOOD_PAYMENTS], sep=";")),
        0,
        note="the delimiter is recognised",
    ),
    Case(
        "tabs-in-txt",
        "tab-separated text saved as .txt",
        "payments",
        text_file("bank.txt", _csv([PAY_HEADER, *GOOD_PAYMENTS], sep="\t")),
        0,
        note="the delimiter is recognised",
    ),
    Case(
        "ragged-long",
        "a row with more fields than the header",
        "payments",
        text_file("bank.csv", _csv([PAY_HEADER, *GOOD_PAYMENTS, [*PAYMENT, "extra", "more"]])),
        2,
        "cannot be read as CSV (a row has more fields than the header); check the delimiter and quoting, or "
        "save it again from Excel as 'CSV UTF-8'",
    ),
    Case(
        "ragged-short",
        "a row with fewer fields than the header",
        "payments",
        text_file("bank.csv", _csv([PAY_HEADER, *GOOD_PAYMENTS, PAYMENT[:5]])),
        rejected=[(6, "amount missing; value_date missing; channel missing")],
        flags=[],
    ),
    Case(
        "open-quote",
        "a quote left open",
        "payments",
        text_file("bank.csv", _csv([PAY_HEADER, *GOOD_PAYMENTS]) + '9,"FT20240999001,001040951508,PHAN DUC TUAN\r\n'),
        2,
        "cannot be read as CSV (a quoted field is not closed or a value has stray quotes); check the delimiter"
        " and quoting, or save it again from Excel as 'CSV UTF-8'",
    ),
    Case(
        "nul-bytes",
        "NUL bytes inside a name",
        "payments",
        payments_with(payment(name="NGUYEN\x00THI THANH\x00HUONG")),
        rejected=[],
        flags=[],
        note="NUL is a separator when names are compared; the workbook shows it as �",
    ),
    Case(
        "huge-field",
        "a 100 MB narrative in one field",
        "payments",
        payments_with(payment(narrative="Chi tra " + "x" * 100_000_000)),
        2,
        "has a line (line 6) longer than 1,024 KB ([limits] max_line_kb); check that it is a CSV file with one "
        "row per line, or raise the limit in [limits] of the config if the file is genuine",
    ),
    Case(
        "wrong-encoding",
        "UTF-16 text without its byte-order mark",
        "payments",
        text_file("bank.csv", _csv([PAY_HEADER, *GOOD_PAYMENTS]), encoding="utf-16-le"),
        0,
        note="read as UTF-16; `inputs.encoding` says `utf-16-le (no BOM)`",
    ),
    Case(
        "tcvn3",
        "names typed in the legacy TCVN3 font encoding",
        "payments",
        text_file(
            "bank.csv",
            _csv(
                [
                    ["payment_ref", "payee_name", "amount", "value_date", "channel"],
                    *(
                        [f"FT9{i}", n, "500000", "05/09/2024", "bank"]
                        for i, n in enumerate(["NguyÔn V¨n Hïng", "TrÇn ThÞ Mai", "Lª ThÞ Hång", "Ph¹m §øc Anh"])
                    ),
                ]
            ),
        ),
        2,
        "holds text in the legacy TCVN3 (ABC) font encoding, so every name would be garbled; convert it to "
        "Unicode first (e.g. Unikey's converter, TCVN3 to Unicode) and save it as 'CSV UTF-8' or .xlsx",
    ),
    Case(
        "double-utf8",
        "UTF-8 decoded twice (mojibake)",
        "payments",
        payments_with(
            *[
                payment(ref=f"FT9{i}", name=n.encode("utf-8").decode("cp1252", errors="replace"))
                for i, n in enumerate(["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Thị Hồng", "Phạm Đức Anh"])
            ]
        ),
        2,
        "holds Vietnamese text that was decoded twice (UTF-8 read as Windows-1252), so every name would be "
        "garbled; export it again from the source system as 'CSV UTF-8' or .xlsx",
    ),
    Case(
        "not-found",
        "a path that does not exist",
        "payments",
        lambda folder: folder / "missing.csv",
        2,
        "file not found; check the path",
    ),
    Case(
        "folder",
        "a folder given as the file",
        "payments",
        lambda folder: (folder / "bank.csv").mkdir() or folder / "bank.csv",
        2,
        "cannot be opened (Is a directory); check the path and its permissions",
    ),
    Case(
        "unknown-format",
        "a .json file",
        "payments",
        text_file("bank.json", "{}"),
        2,
        "unknown file format '.json'; use CSV, XLSX, XLS, Parquet, ISO 20022 camt.053/054 XML or an MT940 statement",
    ),
    Case(
        "parquet-name",
        "CSV text named .parquet",
        "payments",
        text_file("bank.parquet", _csv([PAY_HEADER, *GOOD_PAYMENTS])),
        2,
        "has a .parquet name but is not a Parquet file; re-export it as Parquet or CSV",
    ),
    Case(
        "parquet-damaged",
        "a Parquet file cut in the middle",
        "payments",
        raw_file("bank.parquet", _damaged_parquet),
        2,
        "cannot be read as Parquet (ArrowInvalid); write the file again, or export it as CSV",
    ),
    Case(
        "html-as-xls",
        "an .xls that is really an HTML page (a web export)",
        "payments",
        text_file("bank.xls", "<html><body><table><tr><td>Số tiền</td></tr></table></body></html>"),
        2,
        "has an .xls name but is not an Excel workbook (it may be HTML or text); open it in Excel and save it as .xlsx",
    ),
    Case(
        "zip-as-xlsx",
        "a .xlsx that is a ZIP of a CSV",
        "payments",
        raw_file("bank.xlsx", _zip_of_csv),
        2,
        "is a ZIP archive but not an .xlsx workbook; extract it, or save it as .xlsx",
    ),
    Case(
        "encrypted-xlsx",
        "a password-protected workbook",
        "payments",
        raw_file("bank.xlsx", _encrypted_xlsx),
        2,
        "is a password-protected workbook; open it in Excel, remove the password (File > Info > Protect "
        "Workbook) and save it again as .xlsx",
    ),
    Case(
        "empty-sheet",
        "a workbook whose sheet is empty",
        "payments",
        raw_file("bank.xlsx", lambda: _xlsx([])),
        2,
        "the sheet 'Sheet' is empty; put the data on the first sheet, or pass --sheet with the sheet that holds it",
    ),
    Case(
        "merged-header",
        "a title merged across the top, and a header cell merged over two columns",
        "payments",
        raw_file("bank.xlsx", _merged_header),
        0,
        header_row=2,
        note="the header row is found under the title; the empty column under the merge is ignored",
    ),
    Case(
        "camt-bomb",
        "camt.053 XML with an entity bomb",
        "payments",
        raw_file("bank.xml", (CAMT / "entity_bomb.xml").read_bytes()),
        2,
        "is XML with entity declarations, which are refused for safety; ask the bank for the plain camt "
        "export, without a DOCTYPE",
    ),
    Case(
        "camt-external",
        "camt.053 XML with an external entity",
        "payments",
        raw_file("bank.xml", (CAMT / "external_entity.xml").read_bytes()),
        2,
        "is XML that declares an external entity (a file or address to read), which is refused for safety; ask"
        " the bank for the plain camt export, without a DOCTYPE",
    ),
    Case(
        "other-period",
        "the payments of August given as September",
        "payments",
        text_file("bank.csv", _csv([PAY_HEADER, *([*r[:7], "20/08/2024", *r[8:]] for r in GOOD_PAYMENTS)])),
        2,
        "none of its 3 payments is dated in 2024-09 (they run from 20/08/2024 to 20/08/2024; most are in "
        "2024-08); check --period, or that this is the payment file of that month",
        note="the registry has no dates to tell its month by; a registry of another month shows as missing and "
        "unknown payments",
    ),
    Case(
        "same-file-twice",
        "the same file given twice",
        "payments",
        payments_with(),
        2,
        "has the same content as {file}; pass each file once",
        twice=True,
    ),
    # ---------- amounts ----------
    Case(
        "amount-text",
        "an amount in words",
        "payments",
        payments_with(payment(amount="năm trăm nghìn")),
        rejected=[(6, "amount is not a number")],
        flags=[],
    ),
    Case(
        "amount-negative",
        "a negative amount",
        "payments",
        payments_with(payment(amount="-500.000")),
        rejected=[(6, "amount is negative")],
        flags=[],
    ),
    Case(
        "amount-fraction",
        "an amount with a fraction of a đồng",
        "payments",
        payments_with(payment(amount="500.000,50")),
        rejected=[(6, "amount has a fraction or bad digit grouping (VND has no minor unit)")],
        flags=[],
    ),
    Case(
        "amount-scientific",
        "an amount in scientific notation",
        "payments",
        payments_with(payment(amount="5E+05")),
        rejected=[(6, "amount is in scientific notation")],
        flags=[],
    ),
    Case(
        "amount-overflow",
        "an amount of 20 digits",
        "payments",
        payments_with(payment(amount="99999999999999999999")),
        rejected=[(6, "amount is too large (over 1,000,000,000,000 VND)")],
        flags=[],
    ),
    Case(
        "amount-missing",
        "no amount",
        "payments",
        payments_with(payment(amount="")),
        rejected=[(6, "amount missing")],
        flags=[],
    ),
    # ---------- dates ----------
    Case(
        "date-impossible",
        "31/02/2024",
        "payments",
        payments_with(payment(date="31/02/2024")),
        rejected=[(6, "value_date is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)")],
        flags=[],
    ),
    Case(
        "date-future",
        "a payment dated 2030",
        "payments",
        payments_with(payment(date="05/09/2030")),
        rejected=[],
        flags=[("OUT_OF_PERIOD", 6)],
    ),
    Case(
        "dob-future",
        "a date of birth after the period",
        "registry",
        registry_with(beneficiary(dob="05/09/2030")),
        rejected=[(6, "date_of_birth is after the period")],
        flags=[],
    ),
    Case(
        "dob-text",
        "a date of birth in words",
        "registry",
        registry_with(beneficiary(dob="mùng 5 tháng 9")),
        rejected=[(6, "date_of_birth is not a real date")],
        flags=[],
    ),
    # ---------- IDs ----------
    Case(
        "id-9",
        "a 9-digit ID (an old CMND)",
        "payments",
        payments_with(payment(vneid="079196118")),
        rejected=[],
        flags=[("INVALID_VNEID", 6)],
    ),
    Case(
        "id-11-restorable",
        "an 11-digit ID that lost its leading zero",
        "payments",
        payments_with(payment(vneid="79196118125")),
        rejected=[],
        flags=[],
        restored=1,
    ),
    Case(
        "id-11",
        "an 11-digit ID that is not one",
        "payments",
        payments_with(payment(vneid="99196118125")),
        rejected=[],
        flags=[("INVALID_VNEID", 6)],
    ),
    Case(
        "id-13",
        "a 13-digit ID",
        "payments",
        payments_with(payment(vneid="0791961181250")),
        rejected=[],
        flags=[("INVALID_VNEID", 6)],
    ),
    Case(
        "id-letters",
        "an ID with letters",
        "payments",
        payments_with(payment(vneid="07919611812S")),
        rejected=[],
        flags=[("INVALID_VNEID", 6)],
    ),
    Case(
        "id-spaces",
        "an ID written with spaces",
        "payments",
        payments_with(payment(vneid="079 196 118 125")),
        rejected=[],
        flags=[],
    ),
    Case(
        "id-scientific",
        "an ID turned into 7.91961E+10 by Excel",
        "payments",
        payments_with(payment(vneid="7.91961E+10")),
        rejected=[],
        flags=[("INVALID_VNEID", 6)],
    ),
    Case(
        "registry-id-letters",
        "a registry ID with letters",
        "registry",
        registry_with(beneficiary(vneid="07919611812S")),
        rejected=[(6, "vneid holds characters other than digits")],
        flags=[],
    ),
    # ---------- rows ----------
    Case(
        "duplicate-reference",
        "the same payment reference twice",
        "payments",
        payments_with(payment(), payment()),
        rejected=[],
        flags=[("AMOUNT_MISMATCH", 6), ("DUPLICATE_PAYMENT", 7)],
    ),
    Case(
        "blank-row",
        "a blank row between payments",
        "payments",
        payments_with([""] * 11, payment()),
        rejected=[(6, "blank row")],
        flags=[],
    ),
    Case(
        "unknown-channel",
        "a channel the tool does not know",
        "payments",
        payments_with(payment(channel="bồ câu")),
        rejected=[(6, "channel is not bank, ewallet or cash")],
        flags=[],
    ),
    Case(
        "unknown-status",
        "a status the tool does not know",
        "payments",
        payments_with(payment(status="đang xử lý")),
        rejected=[(6, "status is not success, failed or returned")],
        flags=[],
    ),
    Case(
        "unknown-program",
        "a registry programme the tool does not know",
        "registry",
        registry_with(beneficiary(program="Học bổng")),
        rejected=[(6, "program is not welfare or pension")],
        flags=[],
    ),
    # ---------- the month as a whole: files left out, given in the wrong role, twice, re-saved ----------
    Case(
        "payments-as-registry",
        "a bank's payment list given as the registry",
        "registry",
        text_file("bank.csv", _csv([PAY_HEADER, *GOOD_PAYMENTS])),
        2,
        "looks like a payments file, not a beneficiary registry (it has a payment reference and a value date: "
        "'Số tham chiếu', 'Ngày giao dịch'); give it as --payments",
    ),
    Case(
        "post-office-as-registry",
        "the post office's cash list given as the registry",
        "registry",
        raw_file("post_office_cash.xlsx", (SAMPLE / "post_office_cash.xlsx").read_bytes()),
        2,
        "looks like a payments file, not a beneficiary registry (it has a payment reference and a value date: "
        "'Mã giao dịch', 'Ngày chi trả'); give it as --payments",
    ),
    Case(
        "camt-as-registry",
        "a camt.053 bank statement given as the registry",
        "registry",
        text_file("statement.xml", _camt_of(GOOD_PAYMENTS)),
        2,
        "is a bank statement (ISO 20022 camt XML): it holds payments, not beneficiaries; give it as --payments",
    ),
    Case(
        "mt940-as-registry",
        "an MT940 bank statement given as the registry",
        "registry",
        raw_file("sao_ke.sta", (REPO / "fixtures" / "mt940" / "vn_bank_statement.sta").read_bytes()),
        2,
        "is a bank statement (SWIFT MT940): it holds payments, not beneficiaries; give it as --payments",
    ),
    Case(
        "registry-as-payments",
        "the registry given as a payments file",
        "payments",
        text_file("registry.csv", _csv([REG_HEADER, *GOOD_REGISTRY])),
        2,
        "looks like a beneficiary registry, not a payments file (it has 'Số tiền hưởng', 'Đối tượng', 'Giới tính' "
        "and no payment reference or value date); give it as --registry",
    ),
    Case(
        "post-office-missing",
        "the post office's file left out (25 beneficiaries paid in cash)",
        "registry",
        registry_with(*_cash_registry_rows(25)),
        2,
        "the month looks incomplete: most active beneficiaries paid through the post office (25 of 25) have no "
        "payment row dated in the period; the payment file of the post office may be missing: add it with --payments, "
        "or pass "
        "--partial to reconcile the month without it (the report will say PARTIAL)",
        names_file=False,
        note="with `--partial` the run goes on: `runs.partial` is true, the terminal and the workbook say PARTIAL "
        "first and `noncash_share.target_met` is empty",
    ),
    Case(
        "mostly-last-month",
        "a payments file only a quarter of whose payments are dated in the period",
        "payments",
        payments_with(*[payment(ref=f"FT2024089{i:02d}", date="20/08/2024") for i in range(5)]),
        2,
        "only 2 of its 8 payments (25%) are dated in 2024-09; 6 are dated in 2024-08; check --period, or that this "
        "is the payment file of that month",
        note="at half or more in the period, the others stay `OUT_OF_PERIOD` findings",
    ),
    Case(
        "same-batch-as-camt",
        "the same bank batch given as CSV and as camt",
        "payments",
        text_file("bank.xml", _camt_of(GOOD_PAYMENTS)),
        2,
        # the CSV's failed transfer is booked in the camt: paid in one, not in the other, two events
        "3 of its 4 payments (75%) are also in {others[0]}, with the same reference, amount and payee: the same "
        "payments given twice (the same batch as CSV and as camt, or a copy of the file); give each bank's payments "
        "once, in one file",
        others=(payments_with(),),
    ),
    Case(
        "same-batch-refs-lost-zeros",
        "the same bank batch given twice, the copy re-saved by Excel with numeric references (00000030 as 30)",
        "payments",
        text_file(
            "bank_copy.csv", _csv([PAY_HEADER, *[[*r[:1], str(i), *r[2:]] for i, r in enumerate(GOOD_PAYMENTS, 30)]])
        ),
        2,
        "4 of its 4 payments (100%) are also in {others[0]}, with the same reference, amount and payee: the same "
        "payments given twice (the same batch as CSV and as camt, or a copy of the file); give each bank's payments "
        "once, in one file",
        others=(
            text_file(
                "bank.csv", _csv([PAY_HEADER, *[[*r[:1], f"{i:08d}", *r[2:]] for i, r in enumerate(GOOD_PAYMENTS, 30)]])
            ),
        ),
    ),
    Case(
        "repeated-reference",
        "one payment reference (of five) also in another bank file",
        "payments",
        payments_with(payment(), header=PAY_HEADER, name="bank_late.csv"),
        flags=[("DUPLICATE_PAYMENT", 6)],
        others=(text_file("bank.csv", _csv([PAY_HEADER, payment()])),),
        note="the finding names the other file; the payment counts once in the non-cash share",
    ),
    Case(
        "us-locale",
        "amounts re-saved with a US number format (500.000 read as 500)",
        "payments",
        text_file("bank.csv", _csv([PAY_HEADER, *_scaled(GOOD_PAYMENTS)])),
        2,
        "2 of its 3 matched payments are the amount due divided by 1,000 (2 of the 2 whose amount differs from "
        "it): it was re-saved in an Excel whose number settings are not the file's ('750.000' or '750,000' read as "
        "750); export it again from the bank's system, or open the original file in Excel with the number settings "
        "it was written in (Vietnamese for 1.500.000, English for 1,500,000) and save it as .xlsx",
    ),
    Case(
        "totals-row",
        "a totals row (Tổng cộng) under the payments",
        "payments",
        payments_with(["", "", "", "Tổng cộng", "", "", "2.750.000", "", "", "", ""]),
        control=2_750_000,
        note="the totals row is not a row: its sum is checked against the amounts read and "
        "kept in `inputs.control_amount`",
    ),
    Case(
        "totals-successful-only",
        "a totals row that sums the successful payments only",
        "payments",
        payments_with(["", "", "", "Tổng cộng", "", "", "2.250.000", "", "", "", ""]),
        control=2_250_000,
        note="a list may total its successful payments alone: that agrees too",
    ),
    Case(
        "totals-disagree",
        "a totals row that does not match the rows above it (a row cut off)",
        "payments",
        payments_with(["", "", "", "Tổng cộng", "", "", "3.750.000", "", "", "", ""]),
        2,
        "its totals row 6 says 3,750,000 VND but 4 rows of 2,750,000 VND were read; check that the file is "
        "complete (no rows cut off or left on another sheet) and that the totals row is the file's own",
    ),
    Case(
        "totals-then-signatures",
        "a totals row, then the amount in words and the signatures under it (Bằng chữ, Người lập biểu)",
        "payments",
        payments_with(*signed_total("2.750.000")),
        control=2_750_000,
        rejected=[(7, UNDER_TOTALS), (8, UNDER_TOTALS), (9, UNDER_TOTALS), (10, UNDER_TOTALS)],
        note="the rows under the totals row hold no reference with a digit: they are set aside, and the totals "
        "row is checked as the file's own",
    ),
    Case(
        "totals-disagree-then-signatures",
        "a totals row that does not match the rows above it (a row cut off), with the signatures under it",
        "payments",
        payments_with(*signed_total("3.750.000")),
        2,
        "its totals row 6 says 3,750,000 VND but 4 rows of 2,750,000 VND were read; check that the file is "
        "complete (no rows cut off or left on another sheet) and that the totals row is the file's own",
    ),
    Case(
        "camt-totals-disagree",
        "a camt statement whose TxsSummry counts an entry it does not hold",
        "payments",
        text_file(
            "statement.xml",
            _camt_of(GOOD_PAYMENTS).replace(
                "</Acct>",
                "</Acct>\n    <TxsSummry><TtlDbtNtries><NbOfNtries>5</NbOfNtries><Sum>3250000</Sum>"
                "</TtlDbtNtries></TxsSummry>",
            ),
        ),
        2,
        "its statement 1 says it holds 5 debit entries of 3,250,000 but 4 debit entries of 2,750,000 were read; ask "
        "the bank for the statement again; the file may be cut short or edited",
    ),
    Case(
        "statement-row-deleted",
        "a bank's statement export (Số dư: a running balance) with a payment's row deleted",
        "payments",
        text_file(
            "sao_ke.csv",
            _csv(
                [
                    ["STT", "Ngày giao dịch", "Số bút toán", "Diễn giải", "Ghi nợ", "Ghi có", "Số dư"],
                    ["", "", "", "Số dư đầu kỳ", "", "", "50.000.000"],
                    ["1", "05/09/2024", "BT001", "CHI TRA TCXH T09", "1.500.000", "", "48.500.000"],
                    # BT002, 2,250,000 to 46,250,000, deleted
                    ["3", "05/09/2024", "BT003", "CHI TRA TCXH T09", "1.000.000", "", "45.250.000"],
                ]
            ),
        ),
        2,
        "its balance column 'Số dư' does not follow at row 4: the balance before it is 48,500,000, the rows up to "
        "it move -1,000,000, and it says 45,250,000; ask the bank for the statement again; the file may be cut short "
        "or edited; if it has been checked by hand against the bank's, set running_balance = false in [checks] of "
        "the config file",
        good_rows=False,
    ),
    Case(
        "statement-day-missing",
        "daily MT940 statements of one account, a day's statement left out (the 16th's and the 18th's given)",
        "payments",
        text_file("bank_18.sta", _mt940_day(18, 95_250_000, 0)),
        2,
        "its statement 1 opens at 95,250,000, but statement 1 of {others[0]} before it, of the same account, closes "
        "at 96,250,000 on 2024-09-16: the statements of the days between them are missing; give the missing "
        "statement (ask the bank for it) with --payments, and run again; if the bank confirms that none is missing, "
        "set statement_chain = false in [checks] of the config file",
        others=(text_file("bank_16.sta", _mt940_day(16, 96_250_000, 0)),),
        good_rows=False,
    ),
    Case(
        "nothing-loaded",
        "a registry whose every row is refused",
        "registry",
        text_file("registry.csv", _csv([REG_HEADER, *([*r[:5], "Học bổng", *r[6:]] for r in GOOD_REGISTRY)])),
        2,
        "none of its 4 rows could be loaded (most for: program is not welfare or pension); see every row's reason "
        "with 'reconcile check {file} --as registry', fix the file and run again",
    ),
    Case(
        "section-subtotal",
        "a section's subtotal row (Cộng) among the payments",
        "payments",
        text_file(
            "bank.csv",
            _csv(
                [
                    PAY_HEADER,
                    *GOOD_PAYMENTS[:2],
                    ["Cộng", "", "", "", "", "", f"{sum(_amount(r[6]) for r in GOOD_PAYMENTS[:2]):,}", "", "", "", ""],
                    *GOOD_PAYMENTS[2:],
                ]
            ),
        ),
        rejected=[(4, "a total row (profile vn-bank-disbursement)")],
        good_rows=False,
        flags=[("OUT_OF_PERIOD", 2), ("PAYMENT_FAILED", 6)],
        note="the subtotal row is set aside as a total row, not rejected, and is not the file's own totals row",
    ),
    Case(
        "second-sheet",
        "a workbook whose rows go on over a second sheet",
        "payments",
        raw_file(
            "bank.xlsx",
            lambda: _sheets(
                {"Trang 1": [PAY_HEADER, *GOOD_PAYMENTS[:2]], "Trang 2": [PAY_HEADER, *GOOD_PAYMENTS[2:], payment()]}
            ),
        ),
        good_rows=False,
        flags=[("OUT_OF_PERIOD", 2), ("PAYMENT_FAILED", 3)],
        note="both sheets are read; each row keeps its sheet in `source_sheet`",
    ),
    Case(
        "second-sheet-no-header",
        "a list that goes on over a second sheet without repeating its header",
        "payments",
        raw_file(
            "bank.xlsx",
            lambda: _sheets({"Trang 1": [PAY_HEADER, *GOOD_PAYMENTS[:2]], "Trang 2": [*GOOD_PAYMENTS[2:], payment()]}),
        ),
        good_rows=False,
        flags=[("OUT_OF_PERIOD", 2), ("PAYMENT_FAILED", 2)],
        note="a sheet whose first row reads as data under the header of the sheet before it is read under it",
    ),
    Case(
        "second-sheet-no-header-narrower",
        "the same, the second sheet's last column empty (Excel saves it narrower)",
        "payments",
        raw_file(
            "bank.xlsx",
            lambda: _sheets(
                {
                    "Trang 1": [PAY_HEADER, *GOOD_PAYMENTS[:2]],
                    "Trang 2": [r[:-1] for r in (*GOOD_PAYMENTS[2:], payment())],
                }
            ),
        ),
        good_rows=False,
        flags=[("OUT_OF_PERIOD", 2), ("PAYMENT_FAILED", 2)],
        note="read under the first sheet's header too: the empty column at its right end is not saved as part of it",
    ),
    Case(
        "second-sheet-no-header-wider",
        "the same, a note written beside the second sheet's rows (it is wider)",
        "payments",
        raw_file(
            "bank.xlsx",
            lambda: _sheets(
                {
                    "Trang 1": [PAY_HEADER, *GOOD_PAYMENTS[:2]],
                    "Trang 2": [[*r, "đã đối chiếu"] for r in (*GOOD_PAYMENTS[2:], payment())],
                }
            ),
        ),
        good_rows=False,
        flags=[("OUT_OF_PERIOD", 2), ("PAYMENT_FAILED", 2)],
        note="read under the first sheet's header too; the note past the header's last column is not read",
    ),
    Case(
        "notes-sheet",
        "a workbook with a notes sheet beside the list",
        "payments",
        raw_file(
            "bank.xlsx",
            lambda: _sheets(
                {"Danh sách": [PAY_HEADER, *GOOD_PAYMENTS], "Ghi chú": [["Người lập biểu"], ["Kế toán trưởng"]]}
            ),
        ),
        note="the sheet 'Ghi chú' is skipped, named on the terminal and recorded in `inputs.skipped`",
    ),
    Case(
        "account-zeros",
        "an account number that lost its leading zeros in Excel",
        "payments",
        payments_with(payment(account="63118742432")),
        accounts=1,
    ),
    Case(
        "code-page-without-vietnamese",
        "a CSV saved by Excel on a Windows set to English (Windows-1252: ư, ơ, đ, ạ... written as '?')",
        "payments",
        text_file(
            "bank.csv", _lossy_1252(_csv([PAY_HEADER, *GOOD_PAYMENTS, payment(name="Ngô Minh Thắng")])), "cp1252"
        ),
        2,
        "holds '?' in place of 33 letters: it was saved in a code page without Vietnamese letters (Excel's plain "
        "'CSV' on a Windows not set to Vietnamese), and the names are lost; save it again from the original in "
        "Excel as 'CSV UTF-8' or .xlsx",
    ),
    Case(
        "code-page-headers",
        "a bank's CSV of names in plain capitals saved by Excel on a Windows set to English: only its headers lost "
        "letters to '?' (S? ti?n)",
        "payments",
        text_file(
            "bank.csv",
            _lossy_1252(_csv([PAY_HEADER])) + _csv([[ASCII_CELLS.get(c, c) for c in r] for r in GOOD_PAYMENTS]),
            "cp1252",
        ),
        2,
        "its headers hold '?' in place of 20 letters ('S? tham chi?u'): it was saved in a code page without "
        "Vietnamese letters (Excel's plain 'CSV' on a Windows not set to Vietnamese), and its columns cannot be told; "
        "save it again from the original in Excel as 'CSV UTF-8' or .xlsx",
    ),
    Case(
        "account-scientific",
        "an account number Excel wrote in scientific notation (6.31187E+12)",
        "payments",
        payments_with(payment(account="6.31187E+12")),
        2,
        "1 of its account_number values are numbers Excel wrote in scientific notation (the first in row 6): "
        "their digits are lost; format the column as text in Excel, or export the file again from its system, "
        "and run again",
    ),
    Case(
        "reference-scientific",
        "payment references Excel wrote in scientific notation (2.02409E+19)",
        "payments",
        payments_with(payment(ref="2.02409E+19"), payment(ref="2,02409E+19")),
        2,
        "2 of its payment_ref values are numbers Excel wrote in scientific notation (the first in row 6): "
        "their digits are lost; format the column as text in Excel, or export the file again from its system, "
        "and run again",
    ),
    Case(
        "account-fifteen-digits",
        "16-digit account numbers Excel kept to 15 digits (9704100000000040: the last digit lost, a 0)",
        "payments",
        payments_with(*(payment(ref=f"FT20240900099{n}", account=f"970410000000{n}0{n}0") for n in range(5))),
        2,
        "5 of its account_number values have 16 or more digits, every one ending in 0 (the first in row 6): "
        "numbers Excel kept to 15 digits, their last digits lost; format the column as text in Excel, or export "
        "the file again from its system, and run again",
    ),
    Case(
        "cut-at-excel-rows",
        "a bank's list cut off at row 65,536 when it was opened in Excel 97-2003 and saved",
        "payments",
        payments_with(*(payment(ref=f"FT2024099{n:08d}", vneid=f"079085{n:06d}") for n in range(65_531))),
        2,
        "ends at row 65,536, the most rows an Excel 97-2003 sheet (.xls) can hold, with no totals row: the rows "
        "after it were probably cut off when the file was opened in Excel and saved; export the file again from "
        "its system (as several files if it is longer), and run again; if it is complete, write its totals row "
        "(Tổng cộng) under its last row",
    ),
    Case(
        "dates-month-first",
        "a list opened in Excel set to US dates and saved as .xlsx (02/09/2024 became 9 February; 13/09/2024 stayed text)",
        "payments",
        raw_file(
            "bank.xlsx",
            lambda: _xlsx(
                [
                    PAY_HEADER,
                    *_month_first(
                        [
                            *GOOD_PAYMENTS[1:],
                            *(payment(ref=f"FT202409990{d}", date=f"{d}/09/2024") for d in (13, 20, 25)),
                            payment(ref="FT20240999005", date="05/09/2024"),
                        ]
                    ),
                ]
            ),
        ),
        2,
        "its value_date column holds 4 dates Excel read month first (row 2: 02/09/2024 read as 09/02/2024) beside "
        "3 it kept as text, every one after the 12th of its month: the file was opened in Excel with US date "
        "settings before it was saved; open the original file in Excel with Vietnamese (day-first) date settings, "
        "or export it again from its system, and run again",
        good_rows=False,
    ),
    Case(
        "invisible-characters",
        "a zero-width space and a soft hyphen inside a name",
        "payments",
        payments_with(payment(name="NGUY\u200bEN THI THAN\u00adH HUONG")),
        note="no `NAME_MISMATCH`: invisible characters are removed before names are compared",
    ),
    Case(
        "last-month-s-batch-paid-late",
        "last month's batch dated in this month: its narratives name August (`Chi tra tro cap T08/2024`)",
        "payments",
        payments_with(*[payment(ref=f"FT2024089{i:02d}", narrative="Chi tra tro cap T08/2024") for i in range(20)]),
        2,
        "the narratives of 20 of its 23 payments (87%) name 2024-08 and those of 3 name 2024-09: it looks like the "
        "payment file of 2024-08, re-exported or paid late; give the payment file of 2024-09 instead, or, if these "
        "are payments made in 2024-09 of another month's money (arrears paid late), set max_other_month = 1 in "
        "[checks] of the config file (--config), and run again",
        note="a file of at least 20 payments (`min_group`); a minority naming another month (arrears paid late) passes",
    ),
]


def outcome(case: Case) -> str:
    """What happens to the case, in words, for the docs' table."""
    if case.exit:
        message = case.message.replace("{file}", "FILE").replace("{others[0]}", "OTHER")
        text = f"exit 2: `{message}`"
    else:
        parts = [f"row {row} rejected: `{reason}`" for row, reason in case.rejected]
        if case.good_rows:  # otherwise the findings are the good rows' own, not the case's
            parts += [f"row {row} loaded and flagged `{code}`" for code, row in case.flags]
        if case.restored:
            parts.append("the ID's leading zero restored and counted in `inputs.ids_restored`")
        if case.accounts:
            parts.append(
                "the account's leading zeros restored (no `ACCOUNT_MISMATCH`) and counted in `inputs.accounts_restored`"
            )
        text = "the run goes on; " + "; ".join(parts) if parts else "read and loaded"
    return text + (f" ({case.note})" if case.note else "")


def readme_table() -> str:
    lines = ["| # | bad input | file | what reconcile does |", "|---:|---|---|---|"]
    for i, case in enumerate(CASES, start=1):
        lines.append(f"| {i} | {case.what} | {case.kind} | {outcome(case)} |")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- BEGIN generated:bad-inputs -->\n", "<!-- END generated:bad-inputs -->"


def readme_with_table(readme: str) -> str:
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + readme_table() + readme[end:]


DOCS_PAGE = REPO / "docs" / "formats.md"  # the page that holds the table


if __name__ == "__main__":  # rewrite the docs' table of outcomes
    path = DOCS_PAGE
    path.write_text(readme_with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
