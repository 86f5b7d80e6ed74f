"""Months paid together: before Tết, January's payment pays February too (DOMAIN.md: pensions of
January and February are usually paid together in January). A payment of the amount due times the
months, whose narrative names January and February (`Chi luong huu thang 01+02/2025`), or, in a
January, a pension paid twice the amount due with no month named (the post office's cash list has no
narrative: matching.february_with_january), is one payment of January, no AMOUNT_MISMATCH; February's
run, in the same database, counts those beneficiaries paid (no MISSING_PAYMENT, no source left out),
and one paid again in February is a DUPLICATE_PAYMENT. A generated clean pair of months, 120
beneficiaries, January and February 2025 (sql/facts.sql: cur_paid_ahead, cur_paid_earlier;
views.sql: paid_ahead, arrears)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reconcile.generate import GenerateConfig, Rates, generate
from reconcile.report.details import in_vietnamese
from test_cases import invoke, query, run_month

WELFARE_TOGETHER = "Chi tro cap xa hoi T1, T2/2025"  # a welfare payment of both months, said in its narrative


def amount(text: str) -> int:
    return int(text.replace(".", ""))


def vnd(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def rewrite(path: Path, change) -> None:
    """Write the CSV again, each row through change(row) (None drops it)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    kept = [r for r in (change(dict(row)) for row in rows) if r is not None]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    """January pays February: every pension (by bank with the months in its narrative, in cash with
    none), and one welfare beneficiary by bank; February pays none of them, but one pensioner again.
    Returns (folder, programme by ID, the pensioner paid again, the welfare beneficiary)."""
    out = tmp_path_factory.mktemp("tet")
    rates = Rates(**dict.fromkeys(Rates.__dataclass_fields__, 0.0))
    generate(
        GenerateConfig(beneficiaries=120, seed=5, out=out, period="2025-01", months=2, formats=("csv",), rates=rates)
    )
    with (out / "2025-01" / "registry.csv").open(encoding="utf-8-sig", newline="") as f:
        registry = list(csv.DictReader(f))
    program = {r["Số định danh cá nhân"]: r["Chế độ"] for r in registry}
    by_account = {r["Số tài khoản"]: r["Số định danh cá nhân"] for r in registry if r["Số tài khoản"]}

    def who(row) -> str:  # a bank's row gives the ID, or only the account
        return row["Số định danh"] or by_account[row["Số tài khoản"]]

    with (out / "2025-01" / "payments_bank.csv").open(encoding="utf-8-sig", newline="") as f:
        bank = list(csv.DictReader(f))
    welfare = next(who(r) for r in bank if program[who(r)] == "Trợ cấp xã hội")
    again = next(who(r) for r in bank if program[who(r)] == "Lương hưu")

    def january_bank(row):
        if program[who(row)] == "Lương hưu":
            row["Nội dung"] = "Chi luong huu thang 01+02/2025"
        elif who(row) == welfare:
            row["Nội dung"] = WELFARE_TOGETHER
        else:
            return row
        row["Số tiền"] = vnd(2 * amount(row["Số tiền"]))
        return row

    def january_post(row):
        if row["Chế độ"] == "Lương hưu":
            row["Số tiền"] = vnd(2 * amount(row["Số tiền"]))
        return row

    def february_bank(row):  # pensions paid in January, and the welfare beneficiary; a pensioner again
        return row if who(row) == again or (program[who(row)] != "Lương hưu" and who(row) != welfare) else None

    rewrite(out / "2025-01" / "payments_bank.csv", january_bank)
    rewrite(out / "2025-01" / "payments_post.csv", january_post)
    rewrite(out / "2025-02" / "payments_bank.csv", february_bank)
    rewrite(out / "2025-02" / "payments_post.csv", lambda r: r if r["Chế độ"] != "Lương hưu" else None)
    return out, program, again, welfare


def files(folder: Path) -> dict[str, list[Path]]:
    return {
        "registry": [folder / "registry.csv"],
        "payments": [folder / "payments_bank.csv", folder / "payments_post.csv"],
    }


def counts(db: Path, period: str) -> dict[str, int]:
    return dict(query(db, "SELECT code, count(*) FROM flags WHERE period = ? GROUP BY code", [period]))


def test_january_paying_february_is_one_payment_of_january_and_february_s_run_counts_it_paid(months, tmp_path):
    out, program, again, welfare = months
    pensioners = sorted(i for i, p in program.items() if p == "Lương hưu")
    db = tmp_path / "r.duckdb"
    january = run_month(db, "2025-01", files(out / "2025-01"))
    assert january.exit_code == 0, january.output
    assert counts(db, "2025-01") == {}  # before: an AMOUNT_MISMATCH for each pensioner and the welfare one
    # the months paid ahead, for the analysts and for February's run: each pensioner (by bank, named in the
    # narrative; in cash, twice the amount due in a January) and the welfare beneficiary (named)
    ahead = query(db, "SELECT vneid, program, month, amount FROM paid_ahead ORDER BY vneid")
    assert [a[0] for a in ahead] == sorted([*pensioners, welfare])
    assert {(a[1], a[2]) for a in ahead} == {("pension", "2025-02"), ("welfare", "2025-02")}
    due = dict(query(db, "SELECT vneid, entitled_amount FROM registry WHERE period = '2025-01'"))
    assert all(a[3] == due[a[0]] for a in ahead)
    total = sum(a[3] for a in ahead)
    assert (
        f"reconcile: {len(ahead)} of the month's payments paid later months too (months paid together, as January "
        f"pays February before Tết): {total:,} VND of them is those months' money, not this month's; the runs of "
        "those months count them paid (the paid_ahead view)"
    ) in january.output

    february = run_month(db, "2025-02", files(out / "2025-02"))
    # before: refused, "the month looks incomplete" (the banks' and the post office's pension files)
    assert february.exit_code == 0, february.output
    assert counts(db, "2025-02") == {"DUPLICATE_PAYMENT": 1}  # and no MISSING_PAYMENT
    assert (
        f"reconcile: {len(ahead)} active beneficiaries were paid this month ahead, with 2025-01 (months paid "
        f"together: {total:,} VND): no payment of this month is due to them, nor missing; see the paid_ahead view"
    ) in february.output
    ((vneid, detail, paid, ref),) = query(
        db, "SELECT vneid, detail, paid_amount, payment_ref FROM flags WHERE period = '2025-02'"
    )
    (jan_ref,) = query(db, "SELECT payment_ref FROM paid_ahead WHERE vneid = ?", [vneid])[0]
    assert vneid == again and paid == due[again]
    assert detail == f"This month was paid already, with 2025-01, by {jan_ref}"
    assert in_vietnamese([("DUPLICATE_PAYMENT", detail)]) == [
        f"Tháng này đã được chi trước, cùng kỳ 2025-01, bởi khoản {jan_ref}"
    ]
    assert ref != jan_ref
    assert query(db, "SELECT count(*) FROM arrears") == [(0,)]


def test_without_the_setting_a_cash_pension_paid_twice_in_january_is_an_amount_mismatch(months, tmp_path):
    out, program, _, _ = months
    config = tmp_path / "reconcile.toml"
    config.write_text("[matching]\nfebruary_with_january = []\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    res = invoke("run", "--config", str(config), "--period", "2025-01", "--db", str(db),
                 "--registry", str(out / "2025-01" / "registry.csv"),
                 "--payments", str(out / "2025-01" / "payments_bank.csv"),
                 "--payments", str(out / "2025-01" / "payments_post.csv"))  # fmt: skip
    assert res.exit_code == 0, res.output
    # the bank's transfers name both months, and pay them; the post office's cash list names none
    cash = query(
        db,
        "SELECT r.vneid FROM registry AS r WHERE r.program = 'pension' AND r.channel = 'cash' ORDER BY 1",
    )
    assert cash  # the generated month has pensioners paid in cash
    flagged = query(db, "SELECT vneid, detail FROM flags ORDER BY vneid")
    assert [f[0] for f in flagged] == [c[0] for c in cash]
    assert all(d.startswith("Paid ") and "in 1 payment(s)" in d for _, d in flagged)
    ahead = {a[0] for a in query(db, "SELECT vneid FROM paid_ahead")}
    assert (
        ahead.isdisjoint(c[0] for c in cash)
        and len(ahead) == len([p for p in program.values() if p == "Lương hưu"]) - len(cash) + 1
    )


def test_february_alone_is_refused_as_incomplete_and_told_to_reconcile_january_first(months, tmp_path):
    out, _, _, _ = months
    february = run_month(tmp_path / "r.duckdb", "2025-02", files(out / "2025-02"))
    assert february.exit_code == 2
    (error,) = [line for line in february.output.splitlines() if line.startswith("reconcile: error:")]
    assert error.startswith("reconcile: error: the month looks incomplete: most active beneficiaries")
    assert error.endswith(
        "(the report will say PARTIAL); if January's payments paid February too (before Tết), reconcile January "
        "into this database first"
    )
    assert not (tmp_path / "r.duckdb").exists()


def test_february_paid_early_in_a_batch_of_its_own_is_paid_ahead_not_a_second_payment(tmp_path):
    """February's pensions sent in January as a batch of their own, beside January's (`BHXH chi luong
    huu thang 02/2025 (chi truoc Tet)`, dated 22/01/2025): each was a second payment of January, a
    DUPLICATE_PAYMENT and an AMOUNT_MISMATCH, and February, its pensions paid, was refused as
    incomplete (with --partial, a MISSING_PAYMENT for each). The batch pays February alone."""
    out = tmp_path / "tet"
    rates = Rates(**dict.fromkeys(Rates.__dataclass_fields__, 0.0))
    generate(
        GenerateConfig(beneficiaries=120, seed=5, out=out, period="2025-01", months=2, formats=("csv",), rates=rates)
    )
    with (out / "2025-01" / "registry.csv").open(encoding="utf-8-sig", newline="") as f:
        pension = {r["Số tài khoản"] for r in csv.DictReader(f) if r["Chế độ"] == "Lương hưu" and r["Số tài khoản"]}
    with (out / "2025-01" / "payments_bank.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["Số tài khoản"] in pension]
        fields = list(rows[0])
    tet = out / "2025-01" / "payments_tet.csv"
    with tet.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for n, row in enumerate(rows, 1):
            reference = next(k for k in fields if "tham chiếu" in k)
            writer.writerow(
                row
                | {reference: f"TET2501{n:05d}", "Ngày giao dịch": "22/01/2025"}
                | {"Nội dung": "BHXH chi luong huu thang 02/2025 (chi truoc Tet)"}
            )
    rewrite(out / "2025-02" / "payments_bank.csv", lambda r: r if r["Số tài khoản"] not in pension else None)
    db = tmp_path / "r.duckdb"
    january = run_month(
        db, "2025-01", {**files(out / "2025-01"), "payments": [*files(out / "2025-01")["payments"], tet]}
    )
    assert january.exit_code == 0, january.output
    assert counts(db, "2025-01") == {}
    assert query(db, "SELECT count(*), min(month), max(month) FROM paid_ahead") == [(len(rows), "2025-02", "2025-02")]
    february = run_month(db, "2025-02", files(out / "2025-02"))
    assert february.exit_code == 0, february.output
    assert counts(db, "2025-02") == {}
    assert query(db, "SELECT count(*) FROM arrears") == [(0,)]
