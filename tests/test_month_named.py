"""The month a payments file's narratives name (checks_month.py, sql/checks/named_month.sql): last
month's bank batch, re-exported or paid late, is dated in this month, so that the period guard passes
it; only its narratives (`Chi tra tro cap T08/2024`, `thang 8/2024`, `tháng 08 năm 2024`) tell its
month. Beside this month's file it became thousands of DUPLICATE_PAYMENT and AMOUNT_MISMATCH findings
and an inflated non-cash share, exit 0; alone, a clean month. It is refused; arrears paid late (a few
payments of a file naming an earlier month) are not.
"""

from __future__ import annotations

import csv
from collections import Counter

import duckdb
import pytest
from click.testing import CliRunner

from conftest import copy_db, generated_month, saved_month
from reconcile.checks import rows
from reconcile.checks_month import months_of, named_months
from reconcile.cli import cli
from reconcile.normalise.reference import install

PERIOD = "2024-09"
# the ways a bank writes the month paid in a narrative, as last month's batch would
AUGUST = ["T08/2024", "T8/2024", "thang 8/2024", "tháng 08 năm 2024", "THÁNG 8/2024", "kỳ 08/2024"]


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    return generated_month(tmp_path_factory, "csv")


@pytest.fixture(scope="module")
def saved(month, tmp_path_factory):
    """A database holding the month, reconciled whole: what a refused run must leave as it was."""
    return saved_month(tmp_path_factory, month[0], "csv")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def files(registry, bank, out) -> list:
    return ["--registry", registry, "--payments", bank, "--payments", out / "payments_post.csv"]


def rewrite(source, target, every: int = 1) -> tuple[int, int]:
    """The bank file with every `every`-th row's narrative naming August (in each of AUGUST's ways,
    in turn) and, given whole (every=1), its references August's (FT202408...): last month's batch,
    its value dates kept in September. Returns (successful payments, those naming August)."""
    with open(source, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    header, body = table[0], table[1:]
    ref, status, narrative = header.index("Số tham chiếu"), header.index("Trạng thái"), header.index("Nội dung")
    named = 0
    for i, row in enumerate(body):
        if i % every:
            continue
        if every == 1:
            row[ref] = row[ref].replace("FT202409", "FT202408")
        row[narrative] = row[narrative].replace("T09/2024", AUGUST[i // every % len(AUGUST)])
        named += row[status] == "Thành công"
    with open(target, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *body])
    return sum(row[status] == "Thành công" for row in body), named


def refusal(path, n: int, named: int) -> str:
    return (
        f"reconcile: error: {path}: the narratives of {named:,} of its {n:,} payments ({100 * named / n:.0f}%) "
        f"name 2024-08 and those of 0 name {PERIOD}: it looks like the payment file of 2024-08, re-exported or paid "
        f"late; give the payment file of {PERIOD} instead, or, if these are payments made in {PERIOD} of another "
        "month's money (arrears paid late), set max_other_month = 1 in [checks] of the config file (--config), and "
        "run again"
    )


def _with_august(saved, out, tmp_path):
    """A copy of the saved database, its bytes, and this month's bank file made last month's
    (rewrite): its path, and how many rows it has and name August."""
    db, before = copy_db(saved, tmp_path)
    august = tmp_path / "bank_t08.csv"
    return db, before, august, rewrite(out / "payments_bank.csv", august)


def test_last_month_s_batch_dated_in_this_month_beside_this_month_s_is_refused(month, saved, tmp_path):
    """Before: exit 0, each of its payments a DUPLICATE_PAYMENT and most an AMOUNT_MISMATCH."""
    out, _ = month
    db, before, august, (n, named) = _with_august(saved, out, tmp_path)
    assert named == n > 2000
    res = invoke(
        "run",
        "--period",
        PERIOD,
        "--db",
        db,
        *files(out / "registry.csv", out / "payments_bank.csv", out),
        "--payments",
        august,
    )
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.stderr.splitlines()[-1] == refusal(august, n, named)
    assert db.read_bytes() == before


def test_last_month_s_batch_given_instead_of_this_month_s_is_refused(month, saved, tmp_path):
    """Before: exit 0, the findings of a clean month."""
    out, _ = month
    db, before, august, (n, named) = _with_august(saved, out, tmp_path)
    res = invoke("run", "--period", PERIOD, "--db", db, *files(out / "registry.csv", august, out))
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == refusal(august, n, named)
    assert db.read_bytes() == before


def test_max_other_month_of_1_lets_a_file_of_arrears_through(month, tmp_path):
    """What the refusal says to do, for payments that are this month's, of another month's money."""
    out, _ = month
    august = tmp_path / "bank_t08.csv"
    rewrite(out / "payments_bank.csv", august)
    config = tmp_path / "reconcile.toml"
    config.write_text("[checks]\nmax_other_month = 1\n", encoding="utf-8")
    args = ["--period", PERIOD, "--db", tmp_path / "r.duckdb", "--config", config]
    res = invoke("run", *args, *files(out / "registry.csv", august, out))
    assert res.exit_code == 0, res.output


def test_a_minority_of_arrears_naming_last_month_passes_and_finds_the_truth(month, tmp_path):
    """A third of the payments naming August (arrears paid late, beside the month's own): no refusal,
    and the findings are the truth's."""
    out, truth = month
    bank = tmp_path / "bank.csv"
    n, named = rewrite(out / "payments_bank.csv", bank, every=3)
    assert 0.3 < named / n < 0.4
    db = tmp_path / "r.duckdb"
    res = invoke("run", "--period", PERIOD, "--db", db, *files(out / "registry.csv", bank, out))
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall()
    assert Counter(found) == Counter(truth)


# a narrative: the first mention of a month named_month.sql finds (with its boundaries), whether it
# is of arrears, and the months it names in a run of 2024-09
NARRATIVES = {
    "Chi tra tro cap T08/2024": (" t08/2024", False, [202408]),
    "Chi tra tro cap xa hoi T8/2024 CCCD 001035000000": (" t8/2024 ", False, [202408]),
    "BHXH chi luong huu thang 8/2024": (" thang 8/2024", False, [202408]),
    "Chi trả lương hưu tháng 08 năm 2024": (" tháng 08 năm 2024", False, [202408]),
    "CHI TRẢ TRỢ CẤP THÁNG 8/2024": (" tháng 8/2024", False, [202408]),
    "Tro cap ky 08/2024": (" ky 08/2024", False, [202408]),
    "THANH TOAN LUONG NHAN VIEN T10.2023": (" t10.2023", False, [202310]),
    "Chi tra tro cap T08-2024": (" t08-2024", False, [202408]),
    "Lương hưu tháng8/2024": (" tháng8/2024", False, [202408]),
    "tro cap T8, T9/2024": (" t8, t9/2024", False, [202408, 202409]),  # two months: September's too
    "Trợ cấp tháng 8 và 9/2024": (" tháng 8 và 9/2024", False, [202408, 202409]),
    "Tro cap T12/2023 - T01/2024": (" t12/2023 - t01/2024", False, [202312, 202401]),
    "Chi tra tro cap T08": (" t08", False, [202408]),  # no year: the nearest August to the period
    "Truy lĩnh trợ cấp tháng 6/2024": (" tháng 6/2024", True, [202406]),  # arrears: no refusal
    "Trợ cấp tháng 6/2024 (truy lĩnh)": (" tháng 6/2024 ", True, [202406]),
    "Chiết khấu 8/2024": (None, False, []),  # a word that ends in t is no word for month
    "CK ngay 03/08/2024 FT24123": (None, False, []),  # a date is no month named
    "Chi tra dot 1 ky 2": (None, False, []),  # nor an instalment
    "MBVCB.4530998360.029552.NGUYEN THE HUNG chuyen tien": (None, False, []),
    "truyen hinh T8/2024": (" t8/2024", False, [202408]),  # truyền is no arrears
}


def test_the_months_a_narrative_names():
    texts = list(NARRATIVES)
    with duckdb.connect() as con:
        install(con)
        con.execute(
            "CREATE TABLE stg_payments AS SELECT i AS file_id, t AS narrative, NULL::VARCHAR AS reject_reason, "
            "'success' AS status FROM (SELECT unnest(range(?)) AS i, unnest(?::VARCHAR[]) AS t)",
            [len(texts), texts],
        )
        found = {
            texts[r["file_id"]]: (r["named"], r["arrears"], months_of(r["named"], 202409))
            for r in rows(con, "checks/named_month.sql")
        }
    assert found == NARRATIVES


def test_arrears_name_no_other_month_and_a_narrative_naming_the_period_too_is_the_period_s():
    def row(named, arrears, n):
        return {"file_id": 1, "successful": True, "named": named, "arrears": arrears, "n": n}

    files = named_months(
        [row(" t08/2024", False, 5), row(" t8, t9/2024", False, 2), row(" tháng 6/2024", True, 4), row(None, False, 1)],
        "2024-09",
    )
    assert files == {1: {"n": 12, "inside": 2, "successful": True, "top_month": 202408, "top_count": 5}}


def test_a_month_named_without_its_year_is_the_nearest_to_the_period():
    assert months_of(" t08", 202409) == [202408]
    assert months_of(" t12 ", 202501) == [202412]
    assert months_of(" t2", 202409) == [202502]  # five months after
    assert months_of(" t3", 202409) == [202403]  # six before
