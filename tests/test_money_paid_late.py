"""A month's payment that the next month's bank statement holds: the statement runs from the 26th, and
September's transfer to Lê Thị Cúc, which failed on the 5th, went through on the 28th. September's run
saw her unpaid (MISSING_PAYMENT, PAYMENT_FAILED); October's holds the payment (OUT_OF_PERIOD) and no
payment of October's. She was paid for September: the arrears owe October only, and the re-issue list
does not send September's money a second time."""

from __future__ import annotations

import csv
from pathlib import Path

from test_cases import invoke, query, run_month
from test_cases_settled_taken import BANK, PEOPLE, REGISTRY

CUC = PEOPLE[2][0]


def month(folder: Path, mm: str, cuc: list[str]) -> dict[str, list[Path]]:
    """The month's files: the others paid 2.000.000 on the 5th; `cuc`, her rows of the bank's file
    (reference, date, status)."""
    folder.mkdir()
    registry, bank = REGISTRY, BANK
    for n, (vneid, name, payee, _) in enumerate(PEOPLE, start=1):
        account = f"0123{vneid[-9:]}"
        registry += (
            f"{n},{vneid},{name},0{n}/03/1945,Nữ,Trợ cấp xã hội,Người cao tuổi từ 80 tuổi,2.000.000,Chuyển khoản,"
            f"BIDV,{account},01,00004,Đang hưởng,\n"
        )
        rows = [f"FT2024{mm}00{vneid[-3:]},05/{mm}/2024,Thành công"] if vneid != CUC else cuc
        for row in rows:
            ref, date, status = row.split(",")
            bank += (
                f'{n},{ref},{vneid},{payee},BIDV,{account},"2,000,000",{date},Chuyển khoản,{status},'
                f"Chi tra tro cap xa hoi T09/2024\n"
            )
    (folder / "registry.csv").write_text(registry, encoding="utf-8-sig")
    (folder / "bank.csv").write_text(bank, encoding="utf-8-sig")
    return {"registry": [folder / "registry.csv"], "payments": [folder / "bank.csv"]}


def test_a_payment_of_a_month_that_the_next_month_s_statement_holds_pays_that_month(tmp_path):
    db = tmp_path / "r.duckdb"
    september = month(tmp_path / "09", "09", ["FT20240900103,05/09/2024,Thất bại"])
    assert run_month(db, "2024-09", september).exit_code == 0
    october = month(tmp_path / "10", "10", ["FT20240900203,28/09/2024,Thành công"])
    assert run_month(db, "2024-10", october).exit_code == 0
    assert query(db, "SELECT period, code FROM flags WHERE vneid = ? ORDER BY ALL", [CUC]) == [
        ("2024-09", "MISSING_PAYMENT"),
        ("2024-09", "PAYMENT_FAILED"),
        ("2024-10", "MISSING_PAYMENT"),
        ("2024-10", "OUT_OF_PERIOD"),
    ]
    # the arrears said 2 months, 4,000,000 VND since 2024-09
    assert query(db, "SELECT vneid, since_period, months_unpaid, amount_owed FROM arrears") == [
        (CUC, "2024-10", 1, 2_000_000)
    ]
    # the re-issue list sent September's failed transfer again, paid on the 28th
    out = tmp_path / "actions"
    res = invoke("actions", "--period", "2024-10", "--db", str(db), "--out", str(out), "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "0 payments to send again (0 VND)" in res.stderr
    assert not list(out.glob("reissue_*.csv"))
    # as of September, before October's statement, it is to send again
    out = tmp_path / "actions-09"
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out), "--lang", "en")
    assert res.exit_code == 0, res.output
    with open(out / "reissue_BIDV.csv", encoding="utf-8-sig", newline="") as fh:
        assert [(r["Personal ID"], r["Original payment reference"]) for r in csv.DictReader(fh)] == [
            (CUC, "FT20240900103")
        ]
