"""What the sample month holds: its period, its files' names, and the people, payments and truth
rows that the other modules make up (people.py, problems.py) and write (files.py)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

PERIOD = "2024-09"
SEED = 20240901

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


class TruthRow(TypedDict):
    """One finding a run of the month must give: a row of the truth file."""

    code: str
    vneid: str
    payment_ref: str
    source_file: str
    source_row: int
    note: str


@dataclass
class Month:
    people: list[Person] = field(default_factory=list)
    extra_registry: list[tuple[Person, dict[str, str]]] = field(default_factory=list)  # (person, overrides) rows
    payments: list[Payment] = field(default_factory=list)
    truth: list[TruthRow] = field(default_factory=list)


def bank_name(name: str) -> str:
    """How a bank writes a name: upper case, no diacritics, Đ as D."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
