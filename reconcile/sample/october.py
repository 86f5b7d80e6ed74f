"""The sample's second month, October 2024: what happened after September's reconciliation, for
`reconcile demo` to show cases that persist, are fixed, or appear.

The registry lists September's people, unchanged, exported anew from the province's system (UTF-8
without the byte-order mark Excel writes): a registry the same, byte for byte, as last month's is
said by the run, as the wrong month's file given again. Every payment is made again a month later under October's
reference (FT202409… becomes FT202410…), except where September's problems were dealt with:

- fixed (not flagged in October): the bank stops paying the pensioner who died in August; the transfer
  that went to another account goes to the registered one; the returned transfer is sent again and
  arrives; the payment dated in August, the row with 31/09/2024 and the cash pensioner missing from the
  post office's list are paid normally;
- persisting (flagged again): the welfare beneficiary whose death was recorded on 01/09/2024 is still
  paid (PAID_AFTER_DEATH, the case the demo's auditor decides on); the beneficiary never paid is still
  unpaid; the others alike;
- appearing: a beneficiary paid in full in September is underpaid by 100,000 in October.
"""

from __future__ import annotations

import copy
from datetime import date

from reconcile.sample.month import POST_FILE, Month, Payment
from reconcile.sample.problems import _number_rows

PERIOD = "2024-10"
FIXED = (  # September's truth notes of the problems dealt with before October's payments
    "deceased on 17/08/2024, paid in September",
    "paid into another account",
    "returned: account closed",
    "August payment in the September file",
    "its payment row was rejected (31/09/2024)",
    "not on the post office list",
)


def build_october(september: Month) -> Month:
    """October's month from September's (which is left as it was)."""
    m = copy.deepcopy(september)
    fixed = [t for t in m.truth if t["note"] in FIXED]
    fixed_refs = {t["payment_ref"]: t["note"] for t in fixed if t["payment_ref"]}
    fixed_people = {t["vneid"]: t["note"] for t in fixed if not t["payment_ref"]}
    people = {p.vneid: p for p in m.people}
    flagged = {t["vneid"] for t in m.truth}
    payments: list[Payment] = []
    for pay in m.payments:
        note = fixed_refs.get(pay.ref) or fixed_people.get(pay.vneid or "")
        pay.ref = pay.ref.replace("202409", "202410")
        pay.narrative = pay.narrative.replace("T9/2024", "T10/2024").replace("T09/2024", "T10/2024")
        if note == FIXED[0]:
            continue  # the bank stopped paying the pensioner who died in August
        if note is not None:  # paid as registered, in October
            person = people[pay.vneid or ""]
            pay.bank, pay.account, pay.status, pay.narrative = person.bank, person.account, "success", ""
            pay.raw_day, pay.day = None, date(2024, 9, 5)
        pay.day = date(2024, 10, 5) if pay.day.month == 8 else pay.day.replace(month=10)
        payments.append(pay)
    for vneid, note in fixed_people.items():
        person = people[vneid]
        if note == FIXED[5]:  # the cash pensioner missing from September's list is on October's
            payments.append(
                Payment(
                    ref="BD20241099001",
                    vneid=vneid,
                    name=person.name,
                    amount=person.amount,
                    day=date(2024, 10, 15),
                    channel="cash",
                    program=person.program,
                    dob=person.dob,
                    file=POST_FILE,
                )
            )
    # a new problem: the first beneficiary paid in full by transfer in September is underpaid
    new = next(p for p in payments if p.vneid not in flagged and p.channel == "bank" and p.status == "success")
    new.amount -= 100_000
    m.payments = payments
    m.truth = []  # October's findings are what its run gives: tests/test_cases.py holds them
    _number_rows(m)
    return m
