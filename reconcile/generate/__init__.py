"""`reconcile generate`: a synthetic month of any size, with every finding planted and a truth file.

Everything is computed by DuckDB from a row number and a seed (no Python loop over people), and
written straight to the output files, so ten million beneficiaries take about a minute:

- beneficiaries with realistic Vietnamese names, valid 12-digit IDs (a real place-of-birth code,
  century/sex and year digits that agree with the date of birth and gender), the province of that
  birth code and one of its communes on the map of the period, a programme by age, amounts from the
  real benefit levels (social assistance: the standard level, 360,000 before July 2024 and 500,000
  since, times the Decree 20/2021 coefficients; pensions 3 to 12 million), and a channel drawn
  to the non-cash share asked for;
- each beneficiary gets one scenario: paid as registered, or one of the planted cases below at its
  rate; `truth.csv` lists every finding each planted case must produce (code, vneid, payment_ref);
- payments of the banks (bank and e-wallet) and of the post office (cash) in the formats asked
  for: Parquet, CSV (Vietnamese headers, amounts like 1.500.000, dates dd/mm/yyyy), Excel, and
  camt.053 XML for the bank file.

The work is in modules of its own: config.py (what is asked for), people.py (the beneficiaries),
payments.py (the payments and the truth) and files.py (the files written).
"""

from __future__ import annotations

import csv
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from reconcile.generate.config import GenerateConfig, Rates, check
from reconcile.generate.files import write_month
from reconcile.generate.payments import create_payments, create_truth
from reconcile.generate.people import create_people, create_registry
from reconcile.normalise.reference import install
from reconcile.warehouse import quote_literal

__all__ = ["GenerateConfig", "GenerateResult", "Rates", "generate", "read_truth"]


@dataclass
class GenerateResult:
    files: dict[str, list[Path]]  # format -> files written
    registry_rows: int
    payment_rows: int
    planted: int  # findings in truth.csv
    truth: Path
    seconds: float


def generate(cfg: GenerateConfig) -> GenerateResult:
    """Write the month's files into cfg.out and return what was written."""
    check(cfg)
    t0 = time.perf_counter()
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        # bounded memory: DuckDB spills what does not fit to a folder beside the output, removed after
        con.execute(f"SET temp_directory = {quote_literal(str(out / '.generate.tmp'))}")
        con.execute(f"SET memory_limit = {quote_literal(cfg.memory_limit)}")
        install(con)
        create_people(con, cfg)
        create_registry(con)
        create_payments(con, cfg)
        create_truth(con)
        month = write_month(con, cfg, out)
    finally:
        con.close()
        shutil.rmtree(out / ".generate.tmp", ignore_errors=True)
    return GenerateResult(
        month.files, month.registry_rows, month.payment_rows, month.planted, month.truth, time.perf_counter() - t0
    )


def read_truth(path: Path) -> list[tuple[str, str | None, str | None]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return sorted((r["code"], r["vneid"] or None, r["payment_ref"] or None) for r in csv.DictReader(fh))
