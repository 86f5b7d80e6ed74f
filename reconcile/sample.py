"""The sample month: a realistic registry and two payment files for September 2024, with at least
one case of every finding planted, and the truth file that lists them.

Deterministic: the same files every time (fixtures/sample/ is this module's output, and a test
keeps the two equal). `reconcile demo` writes it to a folder and reconciles it.

The files look like what a province receives: the registry exported with Vietnamese headers and
values (`Số định danh cá nhân`, `Trợ cấp xã hội`, `Chuyển khoản`, amounts as `1.500.000`), a bank
transfer list with upper-case names without diacritics (some cut short by the bank), comma-grouped
amounts and dd/mm/yyyy dates, and the post office's cash payout list as an Excel workbook whose ID
cells are numbers (so IDs born in Hà Nội lose their leading zeros, which reconcile restores).
"""

from __future__ import annotations

import csv
import io
import random
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

PERIOD = "2024-09"
SEED = 20240901

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = {
    "male": ["Văn", "Đức", "Hữu", "Minh", "Quang", "Công", "Xuân"],
    "female": ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Thị Thanh", "Thị Minh"],
}
GIVEN = {
    "male": ["Hùng", "Dũng", "Bình", "Hải", "Tuấn", "Thắng", "Long", "Phúc", "Sơn", "Toàn", "Khải", "Đạt"],
    "female": ["Hoa", "Lan", "Mai", "Hương", "Hằng", "Nhung", "Thủy", "Loan", "Yến", "Huệ", "Quyên", "Ngân"],
}
# province code (2025 layout) -> (place-of-birth code of IDs, a few commune codes)
PROVINCES = {
    "01": ("001", ["00004", "00008", "00091", "00640"]),
    "38": ("038", ["14845", "15163", "15460"]),
    "79": ("079", ["26734", "26740", "27259", "27463"]),
}
BANKS = ["VBA", "ICB", "BIDV", "VCB", "LPB"]
EWALLETS = ["VIETTELMONEY", "VNPTMONEY"]
WELFARE_LEVELS = [500_000, 750_000, 1_000_000, 1_250_000, 1_500_000]
WELFARE_CATEGORIES = [
    "Người cao tuổi từ 80 tuổi",
    "Người khuyết tật nặng",
    "Người khuyết tật đặc biệt nặng",
    "Trẻ em mồ côi",
    "Người cao tuổi nghèo",
]

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

REGISTRY_FILE = "registry.csv"
BANK_FILE = "bank_transfers.csv"
POST_FILE = "post_office_cash.xlsx"
TRUTH_FILE = "truth.csv"


@dataclass
class Person:
    vneid: str
    name: str
    dob: date
    gender: str
    program: str
    category: str
    amount: int
    channel: str
    bank: str | None
    account: str | None
    province: str
    commune: str
    status: str = "active"
    death: date | None = None
    used: bool = False
    row: int = 0  # registry row


@dataclass
class Payment:
    ref: str
    vneid: str | None
    name: str
    amount: int
    day: date
    channel: str
    bank: str | None = None
    account: str | None = None
    status: str = "success"
    narrative: str = ""
    program: str | None = None
    dob: date | None = None
    raw_amount: str | None = None  # written as is (a bad value), else formatted
    raw_day: str | None = None
    file: str = BANK_FILE
    row: int = 0


@dataclass
class Month:
    people: list[Person] = field(default_factory=list)
    extra_registry: list[tuple[Person, dict]] = field(default_factory=list)  # (person, overrides) rows
    payments: list[Payment] = field(default_factory=list)
    truth: list[dict] = field(default_factory=list)


def bank_name(name: str) -> str:
    """How a bank writes a name: upper case, no diacritics, Đ as D."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


class _Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.month = Month()
        self.ids: set[str] = set()
        self.accounts: set[str] = set()
        self.refs = 0

    def new_id(self, birth_code: str, born: date, gender: str) -> str:
        century = (born.year - 1900) // 100
        g = century * 2 + (1 if gender == "female" else 0)
        while True:
            vid = f"{birth_code}{g}{born.year % 100:02d}{self.rng.randrange(10**6):06d}"
            if vid not in self.ids:
                self.ids.add(vid)
                return vid

    def new_account(self) -> str:
        while True:
            acct = "0" + "".join(str(self.rng.randrange(10)) for _ in range(12))
            if acct not in self.accounts:
                self.accounts.add(acct)
                return acct

    def new_ref(self, prefix: str) -> str:
        self.refs += 1
        return f"{prefix}{PERIOD.replace('-', '')}{self.refs:05d}"

    def person(self, program: str) -> Person:
        rng = self.rng
        gender = rng.choice(["male", "female"])
        province = rng.choice(list(PROVINCES))
        birth_code, communes = PROVINCES[province]
        if program == "pension":
            born = date(rng.randrange(1940, 1966), rng.randrange(1, 13), rng.randrange(1, 29))
            amount = rng.randrange(3_000, 12_000) * 1000
            category = "Hưu trí"
            channel = "bank" if rng.random() < 0.94 else "cash"
        else:
            born = date(rng.randrange(1930, 2015), rng.randrange(1, 13), rng.randrange(1, 29))
            amount = rng.choice(WELFARE_LEVELS)
            category = rng.choice(WELFARE_CATEGORIES)
            r = rng.random()
            channel = "bank" if r < 0.95 else ("ewallet" if r < 0.985 else "cash")
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
        noncash = channel != "cash"
        return Person(
            vneid=self.new_id(birth_code, born, gender),
            name=name,
            dob=born,
            gender=gender,
            program=program,
            category=category,
            amount=amount,
            channel=channel,
            bank=(rng.choice(BANKS) if channel == "bank" else rng.choice(EWALLETS)) if noncash else None,
            account=self.new_account() if noncash else None,
            province=province,
            commune=rng.choice(communes),
        )

    def pick(self, *, program: str | None = None, channel: str | None = None) -> Person:
        for p in self.month.people:
            if p.used or (program and p.program != program) or (channel and p.channel != channel):
                continue
            p.used = True
            return p
        raise RuntimeError("sample month ran out of beneficiaries to plant findings on")

    def pay(self, p: Person, **over) -> Payment:
        if p.channel == "cash" and over.get("channel", "cash") == "cash":
            pay = Payment(
                ref=self.new_ref("BD"),
                vneid=p.vneid,
                name=p.name,
                amount=p.amount,
                day=date(2024, 9, self.rng.randrange(11, 26)),
                channel="cash",
                program=p.program,
                dob=p.dob,
                file=POST_FILE,
            )
        else:
            pay = Payment(
                ref=self.new_ref("FT"),
                vneid=p.vneid,
                name=bank_name(p.name),
                amount=p.amount,
                day=date(2024, 9, self.rng.choice([2, 3, 5])),
                channel=p.channel,
                bank=p.bank,
                account=p.account,
                narrative=f"Chi tra {'luong huu' if p.program == 'pension' else 'tro cap xa hoi'} T09/2024",
            )
        for k, v in over.items():
            setattr(pay, k, v)
        self.month.payments.append(pay)
        return pay


def build() -> Month:
    b = _Builder()
    m = b.month
    m.people = [b.person("welfare") for _ in range(180)] + [b.person("pension") for _ in range(120)]
    truth: list[tuple] = []  # (code, person or None, payment or None, on: 'registry'|'payment', note)

    # Clean but tricky: names cut short by the bank, tone placement, decomposed text, ID only in the narrative,
    # no ID but the registered account, IDs that lost their leading zero in the post office's Excel cells.
    p = b.pick(channel="bank")
    p.name = "Nguyễn Thị Thanh Hương"
    b.pay(p, name="NGUYEN THI THANH HUO")
    p = b.pick(channel="bank")
    p.name = "Trần Thị Hoà"
    b.pay(p, name="TRAN THI HOA")
    p = b.pick(channel="bank")
    p.name = unicodedata.normalize("NFD", "Đặng Thị Thủy")
    b.pay(p, name="DANG THI THUY")
    p = b.pick(channel="bank")
    b.pay(p, vneid=None, narrative=f"BHXH chi luong huu T9/2024 CCCD {p.vneid}")
    p = b.pick(channel="bank")
    b.pay(p, vneid=None)
    p = b.pick(channel="bank")  # a failed transfer retried successfully: no finding
    b.pay(p, status="failed", day=date(2024, 9, 2))
    b.pay(p, day=date(2024, 9, 4))

    # One case (or more) of every finding.
    p = b.pick(program="welfare", channel="bank")
    truth.append(("MISSING_PAYMENT", p, None, "no payment at all"))
    p = b.pick(program="pension", channel="cash")
    truth.append(("MISSING_PAYMENT", p, None, "not on the post office list"))

    stranger = b.person("welfare")  # not in the registry
    pay = b.pay(stranger)
    truth.append(("UNKNOWN_PAYEE", None, pay, "ID not in the registry"))
    stranger2 = b.person("welfare")
    pay = b.pay(stranger2, vneid=None)
    truth.append(("UNKNOWN_PAYEE", None, pay, "no ID, unknown account and name"))

    p = b.pick(program="welfare", channel="bank")
    pay = b.pay(p, amount=p.amount - 250_000)
    truth.append(("AMOUNT_MISMATCH", p, pay, "underpaid by 250,000"))

    p = b.pick(program="pension", channel="bank")
    b.pay(p, day=date(2024, 9, 2))
    pay = b.pay(p, day=date(2024, 9, 5))
    truth.append(("DUPLICATE_PAYMENT", p, pay, "second transfer to the same pensioner"))
    truth.append(("AMOUNT_MISMATCH", p, "first", "paid twice the amount due"))
    first = b.pick(program="welfare", channel="bank")
    ref_pay = b.pay(first)
    p = b.pick(program="welfare", channel="bank")
    pay = b.pay(p, ref=ref_pay.ref)
    # The later of the two rows in the file is the one flagged: resolved once rows are numbered.
    truth.append(
        (
            "DUPLICATE_PAYMENT",
            None,
            lambda a=ref_pay, b_=pay: max(a, b_, key=lambda x: x.row),
            "payment reference used twice",
        )
    )

    p = b.pick(program="pension", channel="bank")
    p.status, p.death = "deceased", date(2024, 8, 17)
    pay = b.pay(p)
    truth.append(("PAID_AFTER_DEATH", p, pay, "deceased on 17/08/2024, paid in September"))
    p = b.pick(program="welfare", channel="bank")
    p.death = date(2024, 9, 1)
    pay = b.pay(p, day=date(2024, 9, 3))
    truth.append(("PAID_AFTER_DEATH", p, pay, "date of death recorded, status not yet updated"))

    p = b.pick(program="welfare", channel="bank")
    p.status = "suspended"
    pay = b.pay(p)
    truth.append(("PAID_WHILE_INACTIVE", p, pay, "suspended"))
    p = b.pick(program="pension", channel="bank")
    p.status = "terminated"
    pay = b.pay(p)
    truth.append(("PAID_WHILE_INACTIVE", p, pay, "terminated"))

    p = b.pick(program="welfare", channel="bank")
    pay = b.pay(p, account=b.new_account())
    truth.append(("ACCOUNT_MISMATCH", p, pay, "paid into another account"))

    p = b.pick(program="welfare", channel="bank")
    pay = b.pay(p, name="PHAM VAN TUAN" if not bank_name(p.name).startswith("PHAM") else "LE VAN TUAN")
    truth.append(("NAME_MISMATCH", p, pay, "another person's name on this ID"))

    carer = b.new_account()
    for _ in range(3):
        p = b.pick(program="welfare", channel="bank")
        p.bank, p.account = "VBA", carer
        pay = b.pay(p)
        truth.append(("SHARED_ACCOUNT", p, pay, "three beneficiaries registered to one carer's account"))

    p = b.pick(program="welfare", channel="bank")
    p.vneid = str(b.rng.randrange(100_000_000, 400_000_000))  # an old 9-digit CMND
    b.pay(p, vneid=None)  # the bank has no ID: matched on the account
    truth.append(("INVALID_VNEID", p, None, "old 9-digit CMND number in the registry"))
    p = b.pick(program="pension", channel="bank")
    p.vneid = p.vneid[:4] + f"{(p.dob.year + 7) % 100:02d}" + p.vneid[6:]  # birth-year digits typed wrong
    b.ids.add(p.vneid)
    b.pay(p)
    truth.append(("INVALID_VNEID", p, None, "birth-year digits contradict the date of birth"))

    p = b.pick(program="pension", channel="bank")
    pay = b.pay(
        p,
        channel="cash",
        bank=None,
        account=None,
        file=POST_FILE,
        ref=b.new_ref("BD"),
        name=p.name,
        program=p.program,
        dob=p.dob,
        day=date(2024, 9, 12),
        narrative="",
    )
    truth.append(("CASH_DESPITE_ACCOUNT", p, pay, "paid at the post office though registered for transfers"))

    p = b.pick(program="welfare", channel="bank")
    pay = b.pay(p, status="returned", narrative="Hoan tra: AC04 tai khoan da dong")
    truth.append(("PAYMENT_FAILED", p, pay, "returned: account closed"))
    truth.append(("MISSING_PAYMENT", p, None, "its only transfer was returned"))

    p = b.pick(program="welfare", channel="bank")
    b.pay(p)
    twin = Person(**p.__dict__)
    m.extra_registry.append((twin, {}))
    truth.append(("DUPLICATE_BENEFICIARY", twin, None, "listed twice in the welfare registry"))

    p = b.pick(program="welfare", channel="bank")
    pay = b.pay(p, day=date(2024, 8, 30))
    truth.append(("OUT_OF_PERIOD", p, pay, "August payment in the September file"))
    truth.append(("MISSING_PAYMENT", p, None, "its only payment is dated in August"))

    # Unreadable rows: set aside in rejected_rows, never dropped.
    p = b.pick(program="welfare", channel="bank")
    bad = Person(**p.__dict__)
    m.extra_registry.append((bad, {"amount": "1.5"}))  # a fraction of a dong
    p.used = True
    m.people.remove(p)
    p = b.pick(program="welfare", channel="bank")
    b.pay(p, raw_day="31/09/2024")  # no such day
    truth.append(("MISSING_PAYMENT", p, None, "its payment row was rejected (31/09/2024)"))

    # Everyone else is paid exactly as registered.
    for p in m.people:
        if not p.used and p.status == "active":
            b.pay(p)

    _number_rows(m)
    m.truth = _truth_rows(m, truth)
    return m


def _number_rows(m: Month) -> None:
    for i, p in enumerate(m.people, start=2):
        p.row = i
    for i, (p, _) in enumerate(m.extra_registry, start=len(m.people) + 2):
        p.row = i
    bank = [p for p in m.payments if p.file == BANK_FILE]
    post = [p for p in m.payments if p.file == POST_FILE]
    for rows in (bank, post):
        rows.sort(key=lambda x: (x.day, x.ref))
        for i, pay in enumerate(rows, start=2):
            pay.row = i


def _truth_rows(m: Month, truth) -> list[dict]:
    out = []
    by_person = {}
    for pay in m.payments:
        by_person.setdefault(pay.vneid, []).append(pay)
    for code, person, pay, note in truth:
        if callable(pay):
            pay = pay()
            person = next(x for x in m.people if x.vneid == pay.vneid)
        if pay == "first":  # an aggregate finding: evidence is the earliest payment
            pay = sorted(
                (x for x in m.payments if x.vneid == person.vneid and x.status == "success"),
                key=lambda x: (x.day, x.file, x.row),
            )[0]
        registry_side = code in ("MISSING_PAYMENT", "INVALID_VNEID", "DUPLICATE_BENEFICIARY")
        out.append(
            {
                "code": code,
                "vneid": person.vneid if person else (pay.vneid or ""),
                "payment_ref": "" if registry_side or pay is None else pay.ref,
                "source_file": REGISTRY_FILE if registry_side else pay.file,
                "source_row": person.row if registry_side else pay.row,
                "note": note,
            }
        )
    return sorted(out, key=lambda r: (r["code"], r["source_file"], r["source_row"]))


def _ddmmyyyy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _save_reproducibly(wb, path: Path) -> None:
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


def write_sample_month(folder: Path) -> dict[str, list[Path]]:
    """Write the sample month's files into folder; return the registry and payments paths."""
    import openpyxl

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    m = build()

    with open(folder / REGISTRY_FILE, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REGISTRY_HEADERS)
        rows = [(p, {}) for p in m.people] + m.extra_registry
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

    bank = sorted((p for p in m.payments if p.file == BANK_FILE), key=lambda x: x.row)
    with open(folder / BANK_FILE, "w", encoding="utf-8", newline="") as fh:
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
    _save_reproducibly(wb, folder / POST_FILE)

    with open(folder / TRUTH_FILE, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=TRUTH_HEADERS)
        w.writeheader()
        w.writerows(m.truth)

    return {"registry": [folder / REGISTRY_FILE], "payments": [folder / BANK_FILE, folder / POST_FILE]}
