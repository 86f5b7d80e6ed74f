"""The sample month's problems: at least one case of every finding planted on its people and
payments, a few clean but tricky rows, and unreadable ones; then the rows numbered as the files
will hold them, and the truth file's rows, the findings a run must give."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date

from reconcile.sample.month import BANK_FILE, POST_FILE, REGISTRY_FILE, Month, Payment, Person, TruthRow, bank_name
from reconcile.sample.people import Builder

# A finding planted: (code, person, evidence, note). The evidence is the payment, None for a finding on the
# registry, "first" for the earliest of the person's payments (an aggregate finding), or a function that
# picks the payment once the rows are numbered.
Planted = tuple[str, Person | None, Payment | str | Callable[[], Payment] | None, str]


def build() -> Month:
    b = Builder()
    m = b.month
    m.people = [b.person("welfare") for _ in range(180)] + [b.person("pension") for _ in range(120)]
    truth: list[Planted] = []

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

    def later(a: Payment = ref_pay, b_: Payment = pay) -> Payment:
        return max(a, b_, key=lambda x: x.row)

    # The later of the two rows in the file is the one flagged: resolved once rows are numbered.
    truth.append(("DUPLICATE_PAYMENT", None, later, "payment reference used twice"))

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


def _truth_rows(m: Month, truth: list[Planted]) -> list[TruthRow]:
    out = []
    for code, person, evidence, note in truth:
        pay: Payment | None
        if callable(evidence):
            pay = evidence()
            person = next(x for x in m.people if x.vneid == pay.vneid)
        elif isinstance(evidence, str):  # "first", an aggregate finding: evidence is the earliest payment
            assert person is not None
            vneid = person.vneid
            pay = sorted(
                (x for x in m.payments if x.vneid == vneid and x.status == "success"),
                key=lambda x: (x.day, x.file, x.row),
            )[0]
        else:
            pay = evidence
        if code in ("MISSING_PAYMENT", "INVALID_VNEID", "DUPLICATE_BENEFICIARY"):  # a finding on the registry
            assert person is not None
            out.append(
                TruthRow(
                    code=code,
                    vneid=person.vneid,
                    payment_ref="",
                    source_file=REGISTRY_FILE,
                    source_row=person.row,
                    note=note,
                )
            )
        else:
            assert pay is not None
            out.append(
                TruthRow(
                    code=code,
                    vneid=person.vneid if person else (pay.vneid or ""),
                    payment_ref=pay.ref,
                    source_file=pay.file,
                    source_row=pay.row,
                    note=note,
                )
            )
    return sorted(out, key=lambda r: (r["code"], r["source_file"], r["source_row"]))
