"""The sample month's people and their payments, made up from one seed: Vietnamese names, IDs
that agree with the date of birth and gender, provinces and communes, benefit levels, channels,
banks and accounts; a payment as the bank or the post office writes it."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from reconcile.sample.month import PERIOD, POST_FILE, SEED, Month, Payment, Person, bank_name
from reconcile.sample.names import FAMILY, GIVEN, MIDDLE

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


class Builder:
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

    def pay(self, p: Person, **over: Any) -> Payment:
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
