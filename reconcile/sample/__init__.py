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

from pathlib import Path

from reconcile.sample.files import write_bank, write_post, write_registry, write_truth
from reconcile.sample.month import BANK_FILE, PERIOD, POST_FILE, REGISTRY_FILE, TRUTH_FILE
from reconcile.sample.problems import build

__all__ = [
    "BANK_FILE",
    "PERIOD",
    "POST_FILE",
    "REGISTRY_FILE",
    "TRUTH_FILE",
    "write_sample_month",
    "write_sample_october",
]


def write_sample_month(folder: Path) -> dict[str, list[Path]]:
    """Write the sample month's files into folder; return the registry and payments paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    m = build()
    write_registry(m, folder / REGISTRY_FILE)
    write_bank(m, folder / BANK_FILE)
    write_post(m, folder / POST_FILE)
    write_truth(m, folder / TRUTH_FILE)
    return {"registry": [folder / REGISTRY_FILE], "payments": [folder / BANK_FILE, folder / POST_FILE]}


def write_sample_october(folder: Path) -> dict[str, list[Path]]:
    """Write the sample's second month, October 2024 (october.py), into folder: September's registry,
    and the payments of October; return the registry and payments paths."""
    from reconcile.sample.october import build_october

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    m = build_october(build())
    write_registry(m, folder / REGISTRY_FILE, bom=False)  # exported anew: not September's file again
    write_bank(m, folder / BANK_FILE)
    write_post(m, folder / POST_FILE)
    return {"registry": [folder / REGISTRY_FILE], "payments": [folder / BANK_FILE, folder / POST_FILE]}
