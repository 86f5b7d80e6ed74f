"""What `reconcile generate` is asked for: the month's size, period, seed, formats and non-cash
share, the rate of each planted case, how many months and how long a problem lasts in them, and the
checks that refuse what cannot be written."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from reconcile.config import check_period
from reconcile.errors import ReconcileError
from reconcile.warehouse import MEMORY_LIMIT

FORMATS = ("parquet", "csv", "xlsx", "camt", "camt054", "mt940", "csv1258")
# each format's file name ending; camt, camt054 and mt940 write the bank payments only (BANK_ONLY)
EXTENSIONS = {
    "parquet": "parquet",
    "csv": "csv",
    "xlsx": "xlsx",
    "camt": "xml",
    "camt054": "camt054.xml",
    "mt940": "sta",
    "csv1258": "cp1258.csv",
}
BANK_ONLY = ("camt", "camt054", "mt940")
# camt XML beyond this many beneficiaries would be several GB
STATEMENT_MAX = 2_000_000
# MT940 is read whole, each transaction a Python object: 200,000 beneficiaries take 0.9 GB and a minute
MT940_MAX = 500_000
EXCEL_ROWS = 1_048_575
MAX_MONTHS = 120


@dataclass
class Rates:
    """Share of beneficiaries on which each case is planted (the rest are paid as registered)."""

    missing: float = 0.01  # no payment: MISSING_PAYMENT
    amount: float = 0.005  # paid 50,000 less: AMOUNT_MISMATCH
    duplicate: float = 0.002  # paid twice: DUPLICATE_PAYMENT and AMOUNT_MISMATCH
    deceased: float = 0.001  # deceased last month, still paid: PAID_AFTER_DEATH
    suspended: float = 0.001  # suspended, still paid: PAID_WHILE_INACTIVE
    account: float = 0.002  # paid into an unregistered account: ACCOUNT_MISMATCH
    name: float = 0.002  # another person's name on the transfer: NAME_MISMATCH
    shared: float = 0.0015  # three beneficiaries registered to one account: SHARED_ACCOUNT each
    invalid_id: float = 0.001  # ID's century digit wrong: INVALID_VNEID
    cash: float = 0.001  # registered for transfers, paid at the post office: CASH_DESPITE_ACCOUNT
    returned: float = 0.001  # the only transfer returned: PAYMENT_FAILED and MISSING_PAYMENT
    twice_listed: float = 0.0005  # listed twice in the registry: DUPLICATE_BENEFICIARY
    out_of_period: float = 0.0005  # paid last month only: OUT_OF_PERIOD and MISSING_PAYMENT
    unknown: float = 0.001  # paid, but not in the registry: UNKNOWN_PAYEE

    def total(self) -> float:
        return sum(getattr(self, f.name) for f in fields(self))


@dataclass
class Persist:
    """In a history of months, the chance that a problem of one month is there again the next; the
    rest are fixed, as months.py says how. A case not named here is not planted again."""

    missing: float = 0.6  # still unpaid; else paid (the arrears settled)
    amount: float = 0.5  # still paid short; else paid in full
    duplicate: float = 0.2  # paid twice again; else once
    deceased: float = 0.6  # still paid after death; else the payments stop
    suspended: float = 0.5  # still paid while suspended; else stopped (still suspended) or reinstated
    held: float = 0.7  # suspended and not paid: stays so; else reinstated and paid
    account: float = 0.6  # still paid into the wrong account; else into the registered one
    name: float = 0.5  # still another person's name on the transfer; else the right one
    shared: float = 0.7  # each group of three: still registered to one account; else each to their own
    invalid_id: float = 0.7  # the ID still wrong in the registry; else corrected
    cash: float = 0.5  # still paid in cash; else by transfer
    returned: float = 0.4  # the transfer returned again; else not sent at all, or paid
    twice_listed: float = 0.7  # still listed twice; else once
    out_of_period: float = 0.0  # paid the month before again; else in the month
    unknown: float = 0.5  # the payee not in the registry paid again; else not


@dataclass
class GenerateConfig:
    beneficiaries: int
    period: str = "2024-09"
    seed: int = 1
    out: Path = Path("month")
    formats: tuple[str, ...] = ("parquet",)
    noncash_share: float = 0.97
    rates: Rates = field(default_factory=Rates)
    memory_limit: str = "2GB"
    months: int = 1  # more than one: a history of consecutive months from `period`, one folder each
    persist: Persist = field(default_factory=Persist)


def check(cfg: GenerateConfig) -> None:
    """Refuse a month that cannot be generated as asked, saying what to change."""
    check_period(cfg.period)
    if cfg.beneficiaries < 1:
        raise ReconcileError("--beneficiaries must be at least 1")
    if not 1 <= cfg.months <= MAX_MONTHS:
        raise ReconcileError(f"--months must be between 1 and {MAX_MONTHS}")
    if any(not 0 <= getattr(cfg.persist, f.name) <= 1 for f in fields(Persist)):
        raise ReconcileError("each chance that a problem persists must be between 0 and 1")
    unknown = [f for f in cfg.formats if f not in FORMATS]
    if unknown:
        raise ReconcileError(f"unknown format '{unknown[0]}'; use any of {', '.join(FORMATS)}")
    if not 0 <= cfg.noncash_share <= 1:
        raise ReconcileError("--noncash-share must be between 0 and 1")
    if not MEMORY_LIMIT.match(cfg.memory_limit):
        raise ReconcileError(f"--memory-limit '{cfg.memory_limit}' is not a size; give one such as 800MB or 2GB")
    if cfg.rates.total() > 0.5:
        raise ReconcileError("the planted rates add up to more than half the beneficiaries; lower them")
    if "xlsx" in cfg.formats and cfg.beneficiaries > EXCEL_ROWS - 10_000:
        raise ReconcileError(
            f"an Excel sheet holds {EXCEL_ROWS:,} rows, fewer than this month needs; "
            "leave xlsx out of --formats, or generate fewer beneficiaries"
        )
    if "camt" in cfg.formats and cfg.beneficiaries > STATEMENT_MAX:
        raise ReconcileError(
            "camt XML of more than 2,000,000 beneficiaries would be several GB; "
            "leave camt out of --formats, or generate fewer beneficiaries"
        )
    if "camt054" in cfg.formats and cfg.beneficiaries > STATEMENT_MAX:
        raise ReconcileError(
            "camt.054 XML of more than 2,000,000 beneficiaries would be several GB; "
            "leave camt054 out of --formats, or generate fewer beneficiaries"
        )
    if "mt940" in cfg.formats and cfg.beneficiaries > MT940_MAX:
        raise ReconcileError(
            "MT940 statements of more than 500,000 beneficiaries would take several GB of memory to read; "
            "leave mt940 out of --formats, or generate fewer beneficiaries"
        )
