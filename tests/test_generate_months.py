"""`reconcile generate --months N`: a history of the same people whose every month's truth file is
exactly what `reconcile run` finds in that month, and whose truth across the months (cases,
recoveries, arrears, reissues) is what the months' findings and payments in the database give."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import fields
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.errors import ReconcileError
from reconcile.generate import MARKER, GenerateConfig, Rates, generate, read_truth
from reconcile.pipeline import RunConfig, run

# rates five times the defaults, so that 2,000 beneficiaries hold every case several times
RATES = Rates(**{f.name: getattr(Rates(), f.name) * 5 for f in fields(Rates)})
PERIODS = ["2024-09", "2024-10", "2024-11"]
TRUTHS = ["cases_truth.csv", "recoveries_truth.csv", "arrears_truth.csv", "reissue_truth.csv"]


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def digests(folder: Path) -> dict[str, str]:
    """Every file under `folder` (by its path inside it) and the SHA-256 of its bytes, but generate's list
    of what it wrote there (generate.MARKER)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    out = tmp_path_factory.mktemp("history")
    result = generate(
        GenerateConfig(beneficiaries=2000, seed=1, out=out, months=3, formats=("parquet", "csv"), rates=RATES)
    )
    return out, result


@pytest.fixture(scope="module")
def databases(history, tmp_path_factory) -> dict[str, Path]:
    """Each month of the history reconciled into one database, from Parquet and from CSV."""
    out, _ = history
    dbs = {}
    for fmt in ("parquet", "csv"):
        db = tmp_path_factory.mktemp("runs") / f"h_{fmt}.duckdb"
        for period in PERIODS:
            month = out / period
            run(
                RunConfig(
                    period=period,
                    registry=[month / f"registry.{fmt}"],
                    payments=[month / f"payments_bank.{fmt}", month / f"payments_post.{fmt}"],
                    db=db,
                )
            )
        dbs[fmt] = db
    return dbs


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def query_file(path: Path, sql: str) -> list[tuple]:
    """`sql` over the Parquet file at `path`, as the view f."""
    with duckdb.connect() as con:
        con.read_parquet(str(path)).create_view("f")
        return con.execute(sql).fetchall()


def as_text(found: list[tuple]) -> list[tuple]:
    """Database rows as the truth files' text."""
    return [tuple("" if v is None else str(v) for v in row) for row in found]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_each_month_a_run_finds_exactly_its_truth_file(history, databases, fmt):
    out, result = history
    db = databases[fmt]
    for period in PERIODS:
        found = query(db, "SELECT code, vneid, payment_ref FROM flags WHERE period = ?", [period])
        assert Counter(found) == Counter(read_truth(out / period / "truth.csv")), period
    assert query(db, "SELECT count(*) FROM rejected_rows") == [(0,)]
    assert [(m.period, m.registry_rows, m.payment_rows, m.planted) for m in result.months] == [
        ("2024-09", 1998, 1914, 366),
        ("2024-10", 1998, 1880, 429),
        ("2024-11", 1997, 1837, 454),
    ]
    assert (result.registry_rows, result.payment_rows, result.planted) == (5993, 5631, 1249)


def test_the_cases_are_the_months_truth_grouped_by_code_program_and_subject(history, databases):
    """From the months' files alone (a finding's programme is its beneficiary's in that month's
    registry, `unknown` for a payee in none), and from the flags of the database."""
    out, result = history
    flagged: dict[tuple[str, str, str], list[str]] = {}
    for period in PERIODS:
        registry = dict(query_file(out / period / "registry.parquet", "SELECT DISTINCT vneid, program FROM f"))
        for code, vneid, _ in read_truth(out / period / "truth.csv"):
            assert vneid  # every planted finding names its beneficiary: the subject is the ID
            flagged.setdefault((code, registry.get(vneid, "unknown"), vneid), []).append(period)
    expected = [(*key, min(p), max(p), str(len(set(p)))) for key, p in sorted(flagged.items())]
    cases = [tuple(r.values()) for r in rows(out / "cases_truth.csv")]
    assert cases == expected
    assert len(cases) == 837 and result.truths["cases_truth.csv"] == (out / "cases_truth.csv", 837)
    in_db = query(
        databases["parquet"],
        """SELECT code, program, coalesce(vneid, account_number, payment_ref), min(period), max(period),
                  count(DISTINCT period)
           FROM flags GROUP BY ALL ORDER BY ALL""",
    )
    assert as_text(in_db) == cases
    assert Counter(int(c[5]) for c in cases) == {1: 524, 2: 214, 3: 99}
    # the cases table the runs made (issue 21), from Parquet and from CSV: one row per case, its
    # periods as the truth says, its id the flags'
    for db in databases.values():
        table = query(
            db,
            """SELECT code, program, coalesce(vneid, account_number, payment_ref), first_period,
                                    last_period, periods_flagged FROM cases ORDER BY ALL""",
        )
        assert as_text(table) == cases
        assert query(db, "SELECT count(*) FROM (SELECT DISTINCT case_id FROM flags)") == [(837,)]


def test_the_overpaid_are_the_payments_flagged_after_death_or_while_inactive(history, databases):
    out, _ = history
    in_db = query(
        databases["csv"],
        """SELECT code, vneid, program, sum(paid_amount)
           FROM flags WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') GROUP BY ALL ORDER BY ALL""",
    )
    recoveries = [tuple(r.values()) for r in rows(out / "recoveries_truth.csv")]
    assert as_text(in_db) == recoveries
    assert Counter(r[0] for r in recoveries) == {"PAID_AFTER_DEATH": 16, "PAID_WHILE_INACTIVE": 21}
    assert sum(int(r[3]) for r in recoveries) == 149_760_000


def test_the_arrears_are_the_months_unpaid_that_end_with_the_last(history, databases):
    """The database's MISSING_PAYMENT findings, as runs of consecutive months: those that reach the
    last month, with their first month, their length and the amounts due over them."""
    out, _ = history
    in_db = query(
        databases["parquet"],
        """WITH months AS (SELECT period, row_number() OVER (ORDER BY period) AS k FROM (SELECT DISTINCT period FROM runs)),
           unpaid AS (
               SELECT f.vneid, f.program, f.period, f.expected_amount, m.k,
                      m.k - row_number() OVER (PARTITION BY f.vneid, f.program ORDER BY m.k) AS streak
               FROM flags AS f JOIN months AS m USING (period) WHERE f.code = 'MISSING_PAYMENT')
           SELECT vneid, program, min(period), count(*), sum(expected_amount)
           FROM unpaid GROUP BY vneid, program, streak
           HAVING max(k) = (SELECT max(k) FROM months) ORDER BY vneid, program""",
    )
    arrears = [tuple(r.values()) for r in rows(out / "arrears_truth.csv")]
    assert as_text(in_db) == arrears
    assert Counter(int(a[3]) for a in arrears) == {1: 97, 2: 50, 3: 46}


def test_the_reissues_are_the_failed_payments_not_paid_since(history, databases):
    out, _ = history
    in_db = query(
        databases["parquet"],
        """WITH paid AS (
               SELECT m.period, m.vneid, m.program FROM payments AS p JOIN matches AS m USING (period, payment_id)
               WHERE p.status = 'success' AND p.in_period)
           SELECT p.payment_ref, m.vneid, m.program, p.amount, p.period
           FROM payments AS p JOIN matches AS m USING (period, payment_id)
           WHERE p.status IN ('failed', 'returned')
             AND NOT EXISTS (SELECT 1 FROM paid AS s
                             WHERE s.vneid = m.vneid AND s.program = m.program AND s.period > p.period)
           ORDER BY p.period, p.payment_ref""",
    )
    reissue = [tuple(r.values()) for r in rows(out / "reissue_truth.csv")]
    assert as_text(in_db) == reissue
    assert Counter(r[4] for r in reissue) == {"2024-09": 6, "2024-10": 11, "2024-11": 10}


def test_the_history_holds_every_scenario(history):
    """Unpaid two months or more then paid (arrears settled), and up to the last month; a failed
    payment paid the next month, and one never paid; paid after death two or three months, then
    stopped; paid while inactive month after month."""
    out, _ = history
    cases = rows(out / "cases_truth.csv")
    arrears = {(a["vneid"], a["program"]): a for a in rows(out / "arrears_truth.csv")}
    reissued = {r["payment_ref"] for r in rows(out / "reissue_truth.csv")}
    settled = [
        c
        for c in cases
        if c["code"] == "MISSING_PAYMENT"
        and int(c["periods_flagged"]) >= 2
        and c["last_period"] < PERIODS[-1]
        and (c["subject"], c["program"]) not in arrears
    ]
    still_unpaid = [a for a in arrears.values() if int(a["months_unpaid"]) >= 2]
    failed = [
        (period, t["payment_ref"])
        for period in PERIODS[:-1]
        for t in rows(out / period / "truth.csv")
        if t["code"] == "PAYMENT_FAILED"
    ]
    paid_next_month = [f for f in failed if f[1] not in reissued]
    never_paid = [f for f in failed if f[1] in reissued]
    stopped_after_death = [
        c
        for c in cases
        if c["code"] == "PAID_AFTER_DEATH" and int(c["periods_flagged"]) >= 2 and c["last_period"] < PERIODS[-1]
    ]
    inactive_paid_on = [c for c in cases if c["code"] == "PAID_WHILE_INACTIVE" and int(c["periods_flagged"]) >= 2]
    assert [len(x) for x in (settled, still_unpaid, paid_next_month, never_paid)] == [30, 96, 12, 17]
    assert [len(x) for x in (stopped_after_death, inactive_paid_on)] == [2, 4]
    # every code in every month, and some of each code persisting and some appearing new
    for period in PERIODS:
        assert len({code for code, _, _ in read_truth(out / period / "truth.csv")}) == 14
    by_code = Counter((c["code"], c["first_period"] == PERIODS[0], c["periods_flagged"] != "1") for c in cases)
    assert by_code[("MISSING_PAYMENT", True, True)] and by_code[("MISSING_PAYMENT", False, False)]
    assert by_code[("ACCOUNT_MISMATCH", True, True)] and by_code[("ACCOUNT_MISMATCH", False, False)]


def test_the_same_people_from_month_to_month(history):
    """The same IDs, names, programmes and accounts; the dead stay deceased with their date of death;
    the suspended stay suspended or are reinstated."""
    out, _ = history
    months = [
        {
            r[0]: r[1:]
            for r in query_file(
                out / period / "registry.parquet",
                "SELECT vneid, full_name, program, date_of_birth, account_number, status, date_of_death FROM f",
            )
        }
        for period in PERIODS
    ]
    first, *later = months
    shared = {a for a, n in Counter(r[3] for r in first.values()).items() if a and n == 3}
    for month, corrected, own_accounts in zip(later, (4, 5), (0, 2)):
        same = first.keys() & month.keys()
        # a wrong ID corrected is the only ID that changes
        assert len(first) - len(same) == len(month) - len(same) == corrected
        assert all(month[v][:3] == first[v][:3] for v in same)
        # an account changes only where three shared one and the registry gave each their own
        moved = [v for v in same if month[v][3] != first[v][3]]
        assert len(moved) == own_accounts and all(first[v][3] in shared for v in moved)
        assert all(month[v][4:] == first[v][4:] for v in same if first[v][4] == "deceased")
    statuses = Counter((first[v][4], later[-1][v][4]) for v in first.keys() & later[-1].keys())
    assert statuses == {
        ("active", "active"): 1947,
        ("active", "suspended"): 16,
        ("active", "deceased"): 9,
        ("deceased", "deceased"): 7,
        ("suspended", "suspended"): 3,
        ("suspended", "active"): 1,
    }


def test_payment_references_are_unique_across_the_months(history):
    out, _ = history
    refs = [
        ref
        for period in PERIODS
        for name in ("payments_bank", "payments_post")
        for (ref,) in query_file(out / period / f"{name}.parquet", "SELECT payment_ref FROM f")
    ]
    assert len(refs) == len(set(refs)) == 5631


def test_months_one_is_the_month_alone_byte_for_byte_and_the_first_month_of_a_history(tmp_path):
    args = ["generate", "--beneficiaries", "1500", "--seed", "5", "--formats", "parquet,csv,camt"]
    assert CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "alone")]).exit_code == 0
    assert CliRunner().invoke(cli, [*args, "--months", "1", "--out", str(tmp_path / "one")]).exit_code == 0
    assert CliRunner().invoke(cli, [*args, "--months", "2", "--out", str(tmp_path / "two")]).exit_code == 0
    alone = digests(tmp_path / "alone")
    assert sorted(alone) == [
        "payments_bank.csv",
        "payments_bank.parquet",
        "payments_bank.xml",
        "payments_post.csv",
        "payments_post.parquet",
        "registry.csv",
        "registry.parquet",
        "truth.csv",
    ]
    assert digests(tmp_path / "one") == alone
    assert digests(tmp_path / "two" / "2024-09") == alone


def test_the_same_seed_writes_the_same_history_and_another_seed_another(tmp_path):
    def history(name: str, seed: int) -> dict[str, str]:
        generate(
            GenerateConfig(
                beneficiaries=1500, seed=seed, out=tmp_path / name, months=3, formats=("csv", "xlsx", "camt")
            )
        )
        return digests(tmp_path / name)

    a, b, c = history("a", 3), history("b", 3), history("c", 4)
    assert a == b and len(a) == 3 * 8 + 4  # Excel files too: they are created on the period's first day
    assert sorted(k for k in a if "/" not in k) == sorted(TRUTHS)
    assert a["2024-11/truth.csv"] != c["2024-11/truth.csv"] and a["cases_truth.csv"] != c["cases_truth.csv"]


def test_the_months_cross_the_new_standard_level_and_the_new_map(tmp_path):
    """Welfare amounts follow the standard level of each month (500,000 from July 2024), province
    codes the map of each month (the 2025 provinces from July 2025)."""
    generate(GenerateConfig(beneficiaries=1000, seed=2, out=tmp_path / "a", period="2024-06", months=2))
    levels = [
        query_file(
            tmp_path / "a" / p / "registry.parquet", "SELECT min(entitled_amount) FROM f WHERE program = 'welfare'"
        )
        for p in ("2024-06", "2024-07")
    ]
    assert levels == [[(360_000,)], [(500_000,)]]
    generate(GenerateConfig(beneficiaries=1000, seed=2, out=tmp_path / "b", period="2025-06", months=2))
    provinces = [
        query_file(tmp_path / "b" / p / "registry.parquet", "SELECT count(DISTINCT province_code) FROM f")
        for p in ("2025-06", "2025-07")
    ]
    assert provinces == [[(63,)], [(34,)]]


def test_generate_months_command_and_its_refusals(tmp_path):
    res = CliRunner().invoke(
        cli, ["--lang", "en", "generate", "--beneficiaries", "500", "--months", "2", "--out", str(tmp_path / "h")]
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[-3].startswith(
        f"2024-09: 499 registry rows, 496 payments, 13 planted findings in {tmp_path / 'h' / '2024-09'}"
    )
    assert lines[-2].startswith("2024-10: ")
    assert lines[-1].startswith(f"Truth across the 2 months in {tmp_path / 'h'}: cases_truth.csv (")
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == [MARKER, "2024-09", "2024-10", *sorted(TRUTHS)]
    assert sorted(p.name for p in (tmp_path / "h" / "2024-10").iterdir()) == [
        "payments_bank.parquet",
        "payments_post.parquet",
        "registry.parquet",
        "truth.csv",
    ]
    res = CliRunner().invoke(
        cli, ["--lang", "en", "generate", "--beneficiaries", "500", "--months", "121", "--out", str(tmp_path / "x")]
    )
    assert res.exit_code == 2 and res.stderr.strip() == "reconcile: error: --months must be between 1 and 120"
    with pytest.raises(ReconcileError, match="between 0 and 1"):
        cfg = GenerateConfig(beneficiaries=10, months=2, out=tmp_path / "y")
        cfg.persist.missing = 1.5
        generate(cfg)


def test_a_history_larger_than_the_cap_is_refused_before_anything_is_written(tmp_path):
    """2,000,000 beneficiaries over 60 months is 120 million registry rows: a typo, refused at once."""
    res = CliRunner().invoke(
        cli, ["--lang", "en", "generate", "--beneficiaries", "2000000", "--months", "60", "--out", str(tmp_path / "h")]
    )
    assert (res.exit_code, res.stderr) == (
        2,
        "reconcile: error: --beneficiaries 2,000,000 for --months 60 make 120,000,000 registry rows in all, more "
        "than 100,000,000; give fewer beneficiaries or months\n",
    )
    assert not (tmp_path / "h").exists()
