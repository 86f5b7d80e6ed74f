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
  for: Parquet, CSV (Vietnamese headers, amounts like 1.500.000, dates dd/mm/yyyy), the same CSV in
  Windows-1258, Excel (.xlsx), and for the bank file camt.053 XML, camt.054 XML and MT940
  statements. Legacy Excel .xls, which `run` reads too, is not written: no well-kept library
  writes it.

With `months` above one, a history of consecutive months of the same people, each month in a
folder of its own with its truth file, problems that persist, are fixed or appear from one month to
the next, and the truth across the months beside the folders: cases, recoveries, arrears and
reissues (months.py, ledger.py).

The work is in modules of its own: config.py (what is asked for), people.py (the beneficiaries),
payments.py (the payments and the truth), files.py (the files written), statements.py (the bank
file as camt and MT940), months.py (the history)
and ledger.py (its truth across months).
"""

from __future__ import annotations

import csv
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from reconcile.errors import ReconcileError
from reconcile.generate.config import GenerateConfig, Persist, Rates, check
from reconcile.generate.files import MonthWritten, write_month
from reconcile.generate.months import write_history
from reconcile.generate.payments import create_payments, create_truth
from reconcile.generate.people import create_people, create_registry
from reconcile.normalise.reference import install
from reconcile.warehouse import quote_literal

__all__ = ["GenerateConfig", "GenerateResult", "MonthWritten", "Persist", "Rates", "generate", "read_truth"]


@dataclass
class GenerateResult:
    """What was written. For a history of months: the files of every month, the rows summed over
    them, and as `truth` its cases_truth.csv; `months` says what each month holds."""

    files: dict[str, list[Path]]  # format -> files written
    registry_rows: int
    payment_rows: int
    planted: int  # findings in truth.csv (a history: in the months' truth files)
    truth: Path
    seconds: float
    months: list[MonthWritten] = field(default_factory=list)  # a history's months, in order
    truths: dict[str, tuple[Path, int]] = field(default_factory=dict)  # a history's truth across months: rows


def generate(cfg: GenerateConfig) -> GenerateResult:
    """Write the month's files into cfg.out (a history: each month's into cfg.out/YYYY-MM/, and the
    truth across months into cfg.out) and return what was written."""
    check(cfg)
    t0 = time.perf_counter()
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    planned = _planned(cfg, out)
    _refuse_files_not_its_own(out, planned)
    _remember(out, planned)  # before they are written: a generate stopped half-way may be run again
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        # bounded memory: DuckDB spills what does not fit to a folder beside the output, removed after
        con.execute(f"SET temp_directory = {quote_literal(str(out / '.generate.tmp'))}")
        con.execute(f"SET memory_limit = {quote_literal(cfg.memory_limit)}")
        install(con)
        if cfg.months > 1:
            months, truths = write_history(con, cfg, out)
        else:
            create_people(con, cfg)
            create_registry(con)
            create_payments(con, cfg)
            create_truth(con)
            month = write_month(con, cfg, out)
    finally:
        con.close()
        shutil.rmtree(out / ".generate.tmp", ignore_errors=True)
    seconds = time.perf_counter() - t0
    if cfg.months == 1:
        return GenerateResult(month.files, month.registry_rows, month.payment_rows, month.planted, month.truth, seconds)
    files = {fmt: [p for m in months for p in m.files[fmt]] for fmt in cfg.formats}
    return GenerateResult(
        files,
        sum(m.registry_rows for m in months),
        sum(m.payment_rows for m in months),
        sum(m.planted for m in months),
        truths["cases_truth.csv"][0],
        seconds,
        months,
        truths,
    )


def read_truth(path: Path) -> list[tuple[str, str | None, str | None]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return sorted((r["code"], r["vneid"] or None, r["payment_ref"] or None) for r in csv.DictReader(fh))


# the files generate wrote in a folder, by their paths in it, one a line: what a later generate into the
# same folder may write over; any other file at a name it writes is an officer's own
MARKER = ".reconcile-generated"
_TRUTHS = ("cases_truth.csv", "recoveries_truth.csv", "arrears_truth.csv", "reissue_truth.csv")


def _planned(cfg: GenerateConfig, out: Path) -> list[Path]:
    """The files generate writes for `cfg` into `out`, by their paths in it."""
    from reconcile.generate.config import BANK_ONLY, EXTENSIONS
    from reconcile.generate.files import FILES
    from reconcile.generate.months import consecutive

    folders = [Path(".")] if cfg.months == 1 else [Path(p) for p in consecutive(cfg.period, cfg.months)]
    names = [
        f"{name}.{EXTENSIONS[fmt]}"
        for fmt in cfg.formats
        for name, *_ in FILES
        if fmt not in BANK_ONLY or name == "payments_bank"
    ]
    paths = [folder / name for folder in folders for name in (*names, "truth.csv")]
    return paths + ([Path(t) for t in _TRUTHS] if cfg.months > 1 else [])


def _refuse_files_not_its_own(out: Path, planned: list[Path]) -> None:
    """Refuse a folder holding, at a path generate would write, a file an earlier generate did not write
    there (an officer's own registry.csv, in the folder of their month): written over, it would be lost."""
    ours = _ours(out)
    theirs = [p for p in planned if (out / p).exists() and p.as_posix() not in ours]
    if theirs:
        raise ReconcileError(
            f"{out / theirs[0]}: is not a file generate wrote, and generate would write over it; give --out a new "
            "folder"
        )


def _ours(out: Path) -> set[str]:
    """The paths in `out` that generate wrote there (MARKER)."""
    marker = out / MARKER
    return set(marker.read_text(encoding="utf-8").splitlines()) if marker.is_file() else set()


def _remember(out: Path, planned: list[Path]) -> None:
    ours = _ours(out) | {p.as_posix() for p in planned}
    (out / MARKER).write_text("".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8")
