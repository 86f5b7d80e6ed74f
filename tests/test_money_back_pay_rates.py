"""Back pay (truy lĩnh) across a rise of the rate: the standard level of social assistance rose from
360.000 to 500.000 VND on 1 July 2024 (Decree 76/2024), and many provinces paid the rise late. In
September, beside each one's 500.000 of the month, a back payment of July and August: the difference
the rise owed months paid at the old rate (`Truy linh chenh lech T7-T8/2024`, 2 x 140.000), or months
unpaid then, at their own rate (2 x 360.000). Each was taken for a second payment of September: a
DUPLICATE_PAYMENT and an AMOUNT_MISMATCH for every beneficiary. A back payment of at most the amount
due times the months is now those months' money; the database's registries of July and August tell
whether it paid what they were due (cases/refresh.py: back_paid_twice), and the run says what it did
not: paid at September's rate for months due at July's (over), or less than they were due (short)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_cases import query, run_month
from test_cases_settled_taken import BANK, REGISTRY

# (ID, name, the bank's payee, paid in July and August, September's back payment: amount, narrative)
PEOPLE = (
    ("001040000301", "Nguyễn Văn An", "NGUYEN VAN AN", True, "280.000", "Truy linh chenh lech T7-T8/2024"),
    ("001040000302", "Trần Thị Bình", "TRAN THI BINH", False, "720.000", "Truy lĩnh trợ cấp T7-T8/2024"),
    ("001040000303", "Lê Văn Cường", "LE VAN CUONG", False, "1.000.000", "Truy linh T7-T8/2024"),  # 280.000 over
    ("001040000304", "Phạm Thị Dung", "PHAM THI DUNG", True, "1.000.000", "Truy lĩnh chênh lệch T7-T8/2024"),  # 720.000
    ("001040000305", "Đỗ Văn Em", "DO VAN EM", False, "400.000", "Truy linh T7-T8/2024"),  # 320.000 short
)


def month(folder: Path, mm: str, registered: str | None = None) -> dict[str, list[Path]]:
    """`registered`: the amount due July's and August's registries give, when not the rate they paid."""
    folder.mkdir()
    due = "500.000" if mm == "09" else "360.000"
    registry, bank = REGISTRY, BANK
    n = 0
    for i, (vneid, name, payee, paid, amount, narrative) in enumerate(PEOPLE, start=1):
        account = f"0123{vneid[-9:]}"
        registry += (
            f"{i},{vneid},{name},0{i}/03/1940,Nam,Trợ cấp xã hội,Người cao tuổi từ 80 tuổi,{registered or due},Chuyển khoản,"
            f"BIDV,{account},01,00004,Đang hưởng,\n"
        )
        rows = [(f"FT2024{mm}00{vneid[-3:]}", due, f"Chi tra tro cap xa hoi T{mm}/2024")] if paid or mm == "09" else []
        if mm == "09":
            rows.append((f"FT2024{mm}09{vneid[-3:]}", amount, narrative))
        for ref, paid_amount, text in rows:
            n += 1
            bank += f'{n},{ref},{vneid},{payee},BIDV,{account},"{paid_amount}",05/{mm}/2024,Chuyển khoản,Thành công,{text}\n'
    (folder / "registry.csv").write_text(registry, encoding="utf-8-sig")
    (folder / "bank.csv").write_text(bank, encoding="utf-8-sig")
    return {"registry": [folder / "registry.csv"], "payments": [folder / "bank.csv"]}


@pytest.fixture(scope="module")
def september(tmp_path_factory) -> tuple[Path, str]:
    """July, August and September in one database, and what September's run said on stderr."""
    folder = tmp_path_factory.mktemp("rates")
    db = folder / "r.duckdb"
    for mm in ("07", "08", "09"):
        res = run_month(db, f"2024-{mm}", month(folder / mm, mm))
        assert res.exit_code in (0, 1), res.output
    return db, res.stderr


def test_back_pay_below_this_month_s_rate_is_those_months_money_not_a_second_payment(september):
    db, _ = september
    assert query(db, "SELECT code, count(*) FROM flags WHERE period = '2024-09' GROUP BY code ORDER BY code") == []
    # the months unpaid in July and August are paid by the back pay: no arrears
    assert query(db, "SELECT count(*) FROM arrears") == [(0,)]
    assert query(db, "SELECT payment_ref, month, amount, month_was FROM back_pay ORDER BY payment_ref, month") == [
        ("FT20240909301", "2024-07", 500_000, "paid"),
        ("FT20240909301", "2024-08", 500_000, "paid"),
        ("FT20240909302", "2024-07", 500_000, "unpaid"),
        ("FT20240909302", "2024-08", 500_000, "unpaid"),
        ("FT20240909303", "2024-07", 500_000, "unpaid"),
        ("FT20240909303", "2024-08", 500_000, "unpaid"),
        ("FT20240909304", "2024-07", 500_000, "paid"),
        ("FT20240909304", "2024-08", 500_000, "paid"),
        ("FT20240909305", "2024-07", 500_000, "unpaid"),
        ("FT20240909305", "2024-08", 500_000, "unpaid"),
    ]


def test_the_run_says_back_pay_over_or_short_of_what_the_months_registries_gave_them(september):
    """Cường paid July and August at September's rate (280.000 over), Dung a difference of 1.000.000
    where the rise added 280.000 (720.000 over), Em 400.000 of the 720.000 those months were due
    (320.000 short). An's difference and Bình's old rate are what was owed, and An's and Dung's name
    months paid already, as a difference does: no month paid twice."""
    _, said = september
    assert [line for line in said.splitlines() if "truy lĩnh" in line] == [
        "reconcile: back payments (truy lĩnh) of this period paying more than the database's registries of the "
        "months they name gave those months (or, for a difference, `chênh lệch`, than those months were paid short of the new rate): 2 "
        "(1,000,000 VND over), which may be paid at a rate those months did not have; see the back_pay view, and "
        "check each with reconcile show",
        "reconcile: back payments (truy lĩnh) of this period paying less than the database's registries of the "
        "months they name gave those months (or, for a difference, `chênh lệch`, than those months were paid short of the new rate): 1 "
        "(320,000 VND short), which may leave those months partly unpaid; see the back_pay view, and check each "
        "with reconcile show",
    ]


def test_back_pay_above_this_month_s_rate_is_still_a_second_payment(tmp_path):
    """More than the amount due times the months (three months' worth for two) is no back pay that fits:
    a payment of the month, found as any other."""
    files = month(tmp_path / "09", "09")
    bank = files["payments"][0]
    bank.write_text(bank.read_text(encoding="utf-8-sig").replace('"400.000"', '"1.500.000"'), encoding="utf-8-sig")
    db = tmp_path / "r.duckdb"
    res = run_month(db, "2024-09", files)
    assert res.exit_code == 0, res.output  # no --fail-on
    assert query(db, "SELECT code, vneid, payment_ref FROM flags ORDER BY code") == [
        ("AMOUNT_MISMATCH", "001040000305", "FT20240900305"),
        ("DUPLICATE_PAYMENT", "001040000305", "FT20240909305"),
    ]
    assert "truy lĩnh" not in res.stderr  # no earlier month held: nothing the history could tell


def test_a_difference_for_months_registered_at_the_new_rate_but_paid_at_the_old_is_what_they_were_short(tmp_path):
    """July's and August's registries already gave 500.000, and the bank paid 360.000 (an
    AMOUNT_MISMATCH each month): An's difference of 2 x 140.000 is what those months were short, and
    was reported 280.000 over. Now only Dung's difference (1.000.000 for 280.000) is over; Bình's
    720.000 and Em's 400.000 pay less than months due 500.000 each."""
    db = tmp_path / "r.duckdb"
    for mm in ("07", "08", "09"):
        res = run_month(db, f"2024-{mm}", month(tmp_path / mm, mm, registered="500.000"))
        assert res.exit_code in (0, 1), res.output
    assert [line for line in res.stderr.splitlines() if "truy lĩnh" in line] == [
        "reconcile: back payments (truy lĩnh) of this period paying more than the database's registries of the "
        "months they name gave those months (or, for a difference, `chênh lệch`, than those months were paid short "
        "of the new rate): 1 (720,000 VND over), which may be paid at a rate those months did not have; see the "
        "back_pay view, and check each with reconcile show",
        "reconcile: back payments (truy lĩnh) of this period paying less than the database's registries of the "
        "months they name gave those months (or, for a difference, `chênh lệch`, than those months were paid short "
        "of the new rate): 2 (880,000 VND short), which may leave those months partly unpaid; see the back_pay view, "
        "and check each with reconcile show",
    ]


def test_months_a_back_payment_paid_in_part_stay_in_the_arrears_for_the_rest(tmp_path):
    """Em was paid nothing in July and August (360.000 due each), and in September only the back
    payment of 400.000 for both: his September payment is missing too. The back payment took both
    months out of the arrears, which said 500.000 owed since September; it paid 200.000 of each, and
    the arrears are since July, 160.000 + 160.000 + 500.000. Bình's 720.000 paid his two months in full."""
    db = tmp_path / "r.duckdb"
    for mm in ("07", "08", "09"):
        files = month(tmp_path / mm, mm)
        if mm == "09":
            bank = files["payments"][0]
            rows = bank.read_text(encoding="utf-8-sig").splitlines(keepends=True)
            assert sum(",FT20240900305," in row for row in rows) == 1
            bank.write_text("".join(r for r in rows if ",FT20240900305," not in r), encoding="utf-8-sig")
        res = run_month(db, f"2024-{mm}", files)
        assert res.exit_code in (0, 1), res.output
    assert query(db, "SELECT month, amount, paid FROM back_pay WHERE vneid = '001040000305' ORDER BY month") == [
        ("2024-07", 500_000, 200_000),
        ("2024-08", 500_000, 200_000),
    ]
    assert query(db, "SELECT vneid, since_period, as_of_period, months_unpaid, amount_owed FROM arrears") == [
        ("001040000305", "2024-07", "2024-09", 3, 820_000)
    ]
