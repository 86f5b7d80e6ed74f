"""Money follow-up over overlapping bank statements: a later month's file that repeats a row of an
earlier one (the same reference, amount, value date and payee) is the same payment, and its money is
counted once across periods: in the recoveries, the cases, the re-issue list and the trend."""

from __future__ import annotations

import csv
import shutil
import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from conftest import typed_into
from reconcile.cli import cli
from reconcile.sqlfiles import sql_text

REGISTRY = (
    "vneid,full_name,date_of_birth,gender,program,category,entitled_amount,channel,bank_code,account_number,"
    "province_code,commune_code,status,date_of_death\n"
)
BANK = "payment_ref,vneid,payee_name,bank_code,account_number,amount,value_date,channel,status,narrative\n"
NAMES = ("Nguyễn Thị An", "Trần Thị Bích", "Lê Thị Cúc", "Phạm Thị Dung", "Hoàng Thị Én", "Đỗ Thị Giang")
DEAD = "001145000002"  # Trần Thị Hoà, died 15/08/2024: paid in September and October
LATE = "001145000003"  # Phạm Thị Đức, died 20/10/2024: paid on 01/11, in October's file and November's
FAILED = "001145000006"  # Lê Thị Ngọc Ánh: September's payment failed, the account closed; none since
PERIODS = ("2024-09", "2024-10", "2024-11")


FILLERS = {f"0011450001{n:02d}": f"{NAMES[n % 6]} {n}" for n in range(1, 25)}
PEOPLE = {**FILLERS, DEAD: "Trần Thị Hoà", LATE: "Phạm Thị Đức", FAILED: "Lê Thị Ngọc Ánh"}


def person(vneid: str, status: str = "active", died: str = "") -> str:
    return (
        f"{vneid},{PEOPLE[vneid]},1945-03-0{int(vneid[-1]) % 9 + 1},female,welfare,elderly 80+,1.500.000,bank,BIDV,"
        f"01234{vneid[-8:]},01,00004,{status},{died}\n"
    )


def paid(ref: str, vneid: str, date: str, status: str = "success", why: str = "Chi tro cap") -> str:
    """A row of the bank's file, the payee's name as banks write it: capitals, no diacritics."""
    payee = unicodedata.normalize("NFD", PEOPLE[vneid].replace("Đ", "D")).encode("ascii", "ignore").decode().upper()
    return f"{ref},{vneid},{payee},BIDV,01234{vneid[-8:]},1.500.000,{date},bank,{status},{why}\n"


def month_files(folder: Path, period: str) -> tuple[Path, Path]:
    """The registry and the bank's file of a month: 24 beneficiaries paid as due, and the three above."""
    mm = period[-2:]
    registry = REGISTRY + "".join(person(v) for v in FILLERS)
    bank = BANK + "".join(paid(f"FT2024{mm}00{v[-3:]}", v, f"05/{mm}/2024") for v in FILLERS)
    registry += person(DEAD, "deceased", "2024-08-15")
    registry += person(LATE) if period == "2024-09" else person(LATE, "deceased", "2024-10-20")
    registry += person(FAILED)
    september_dead = paid("FT20240900002", DEAD, "05/09/2024")
    september_failed = paid("FT20240900006", FAILED, "05/09/2024", "failed", "Tai khoan da dong")
    november_late = paid("FT20241100003", LATE, "01/11/2024")
    if period == "2024-09":
        bank += september_dead + paid("FT20240900003", LATE, "05/09/2024") + september_failed
    elif period == "2024-10":  # the statement overlaps September's and runs into November
        bank += paid("FT20241000002", DEAD, "05/10/2024") + september_dead + september_failed
        bank += paid("FT20241000003", LATE, "05/10/2024") + november_late
    else:
        bank += november_late
    (folder / period).mkdir()
    (folder / period / "registry.csv").write_text(registry, encoding="utf-8")
    (folder / period / "bank.csv").write_text(bank, encoding="utf-8")
    return folder / period / "registry.csv", folder / period / "bank.csv"


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def overlapping(tmp_path_factory) -> Path:
    """Three months run into one database, October's statement repeating two rows of September's."""
    folder = tmp_path_factory.mktemp("overlap")
    db = folder / "m.duckdb"
    for period in PERIODS:
        registry, bank = month_files(folder, period)
        res = invoke("run", "--period", period, "--registry", str(registry), "--payments", str(bank), "--db", str(db))
        assert res.exit_code in (0, 1), res.output
    return db


def test_the_repeated_rows_are_still_findings_of_the_later_month(overlapping):
    flags = query(
        overlapping,
        "SELECT period, code, vneid, payment_ref, paid_amount FROM flags WHERE vneid IN (?, ?, ?) "
        "AND code NOT IN ('MISSING_PAYMENT') ORDER BY ALL",
        [DEAD, LATE, FAILED],
    )
    assert flags == [
        ("2024-09", "PAID_AFTER_DEATH", DEAD, "FT20240900002", 1_500_000),
        ("2024-09", "PAYMENT_FAILED", FAILED, "FT20240900006", 1_500_000),
        ("2024-10", "OUT_OF_PERIOD", DEAD, "FT20240900002", 1_500_000),
        ("2024-10", "OUT_OF_PERIOD", LATE, "FT20241100003", 1_500_000),
        ("2024-10", "OUT_OF_PERIOD", FAILED, "FT20240900006", 1_500_000),
        ("2024-10", "PAID_AFTER_DEATH", DEAD, "FT20240900002", 1_500_000),
        ("2024-10", "PAID_AFTER_DEATH", DEAD, "FT20241000002", 1_500_000),
        ("2024-10", "PAID_AFTER_DEATH", LATE, "FT20241100003", 1_500_000),
        ("2024-10", "PAYMENT_FAILED", FAILED, "FT20240900006", 1_500_000),
        ("2024-11", "PAID_AFTER_DEATH", LATE, "FT20241100003", 1_500_000),
    ]
    # the later copies, each naming the finding its money is counted in
    repeats = query(
        overlapping,
        "SELECT r.period, r.code, r.payment_ref, r.counted_period, c.payment_ref FROM flag_repeats AS r "
        "JOIN flags AS c ON c.period = r.counted_period AND c.flag_id = r.counted_flag_id ORDER BY ALL",
    )
    assert repeats == [
        ("2024-10", "PAID_AFTER_DEATH", "FT20240900002", "2024-09", "FT20240900002"),
        ("2024-10", "PAID_AFTER_DEATH", "FT20241100003", "2024-11", "FT20241100003"),
        ("2024-10", "PAYMENT_FAILED", "FT20240900006", "2024-09", "FT20240900006"),
    ]


def test_a_payment_in_two_months_files_is_overpaid_once(overlapping):
    recoveries = query(
        overlapping,
        "SELECT code, vneid, first_period, last_period, overpaid, outstanding FROM recoveries ORDER BY vneid",
    )
    assert recoveries == [
        ("PAID_AFTER_DEATH", DEAD, "2024-09", "2024-10", 3_000_000, 3_000_000),
        ("PAID_AFTER_DEATH", LATE, "2024-10", "2024-11", 1_500_000, 1_500_000),
    ]
    at_stake = query(
        overlapping, "SELECT amount_at_stake FROM cases WHERE code = 'PAYMENT_FAILED' AND vneid = ?", [FAILED]
    )
    assert at_stake == [(1_500_000,)]


def test_a_failed_payment_in_two_months_files_is_sent_again_once(overlapping, tmp_path):
    for period in ("2024-10", "2024-11"):
        out = tmp_path / period
        res = invoke("actions", "--period", period, "--db", str(overlapping), "--out", str(out), "--lang", "en")
        assert res.exit_code == 0, res.output
        assert "reissue_BIDV.csv, reissue_BIDV.xlsx: 1 payment to send again, 1,500,000 VND" in res.stderr
        with open(out / "reissue_BIDV.csv", encoding="utf-8-sig", newline="") as fh:
            rows = [
                (
                    r["Period"],
                    r["Full name"],
                    r["Personal ID"],
                    r["Account number"],
                    r["Amount (VND)"],
                    r["Original payment reference"],
                    r["Reason"],
                )
                for r in csv.DictReader(fh)
            ]
        assert rows == [
            (
                "2024-09",
                "Lê Thị Ngọc Ánh",
                FAILED,
                "0123445000006",
                "1500000",
                "FT20240900006",
                "failed: Tai khoan da dong",
            )
        ]
        with open(out / "recovery_BIDV_00004.csv", encoding="utf-8-sig", newline="") as fh:
            owed = sorted((r["Personal ID"], r["Overpaid (VND)"]) for r in csv.DictReader(fh))
        # as of October, the payment of 01/11 is counted in October's file, November's not yet held
        assert owed == [(DEAD, "3000000"), (LATE, "1500000")]


def test_the_trend_counts_a_repeated_payment_in_its_own_month(overlapping):
    amounts = query(
        overlapping,
        "SELECT period, code, findings, amount FROM period_summary "
        "WHERE code IN ('PAID_AFTER_DEATH', 'PAYMENT_FAILED') ORDER BY ALL",
    )
    assert amounts == [
        ("2024-09", "PAID_AFTER_DEATH", 1, 1_500_000),
        ("2024-09", "PAYMENT_FAILED", 1, 1_500_000),
        ("2024-10", "PAID_AFTER_DEATH", 3, 1_500_000),
        ("2024-10", "PAYMENT_FAILED", 1, 0),
        ("2024-11", "PAID_AFTER_DEATH", 1, 1_500_000),
        ("2024-11", "PAYMENT_FAILED", 0, 0),
    ]
    # the money of each period's findings, each payment once (`reconcile trend`, the workbook's summary):
    # a payment after the death, and the amount due to the beneficiary whose payment failed
    money = query(overlapping, sql_text("period_money.sql") + " ORDER BY period")
    assert money == [("2024-09", 3_000_000), ("2024-10", 3_000_000), ("2024-11", 3_000_000)]


def test_the_summary_shows_the_recoveries_view_after_a_re_run_lowers_the_overpaid(overlapping, tmp_path):
    """Trần Thị Hoà's 3,000,000 recorded as recovered in October's workbook; then the bank's corrected
    October file, without her rows: overpaid 1,500,000, and 1,500,000 recovered beyond it."""
    db = tmp_path / "m.duckdb"
    shutil.copyfile(overlapping, db)
    (case_id,) = query(db, "SELECT case_id FROM recoveries WHERE vneid = ?", [DEAD])[0]
    book = tmp_path / "oct.xlsx"
    assert (
        invoke("report", "--period", "2024-10", "--db", str(db), "--report", str(book), "--lang", "en").exit_code == 0
    )
    typed_into(
        book, book, "Findings", case_id, Status="recovery", **{"Amount recovered or written off (VND)": 3_000_000}
    )
    res = invoke("review", "import", str(book), "--db", str(db), "--by", "Nguyễn Thị Lan")
    assert res.exit_code == 0, res.output
    folder = tmp_path / "corrected"
    folder.mkdir()
    registry, bank = month_files(folder, "2024-10")
    bank.write_text("".join(x for x in bank.read_text(encoding="utf-8").splitlines(True) if DEAD not in x), "utf-8")
    res = invoke("run", "--period", "2024-10", "--registry", str(registry), "--payments", str(bank), "--db", str(db))
    assert res.exit_code in (0, 1), res.output
    view = query(db, "SELECT vneid, overpaid, recovered, outstanding, excess FROM recoveries ORDER BY vneid")
    assert view == [(DEAD, 1_500_000, 3_000_000, 0, 1_500_000), (LATE, 1_500_000, 0, 1_500_000, 0)]
    report = tmp_path / "nov.xlsx"
    assert (
        invoke("report", "--period", "2024-11", "--db", str(db), "--report", str(report), "--lang", "en").exit_code == 0
    )
    rows = list(openpyxl.load_workbook(report)["Summary"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith("Overpayments to recover"))
    assert [r[:7] for r in rows[at + 1 : at + 4]] == [
        (
            "Programme",
            "Cases",
            "Overpaid (VND)",
            "Recovered (VND)",
            "Written off (VND)",
            "Outstanding (VND)",
            "Recovered beyond what was overpaid (VND)",
        ),
        ("Social assistance", 2, 3_000_000, 3_000_000, 0, 1_500_000, 1_500_000),
        ("Total", 2, 3_000_000, 3_000_000, 0, 1_500_000, 1_500_000),
    ]
