"""A closed case and a re-run of a month before the one whose book closed it: the bank's corrected
file of that month holds a payment the auditor never saw, a finding new since the closing, and the
case reopens, saying why; the same files again reopen nothing. Three months of one commune: Trần Văn
Hùng, dead since 15/08/2024, paid each month; Lê Thị Ngọc Ánh's September payment failed twice, Võ
Văn Bảy's once (tests/test_money_retries.py)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from conftest import copy_of, typed_into
from reconcile.cli import cli

REGISTRY = (
    "vneid,full_name,date_of_birth,gender,program,category,entitled_amount,channel,bank_code,account_number,"
    "province_code,commune_code,status,date_of_death\n"
)
BANK = "payment_ref,vneid,payee_name,bank_code,account_number,amount,value_date,channel,status,narrative\n"
DEAD = "001045000002"
FAILED = "001045000007"
ONCE = "001045000008"
NAMES = ("Nguyễn Thị Lan", "Phạm Văn Đông", "Đỗ Thị Hằng", "Vũ Văn Lộc", "Bùi Thị Thuỷ")
PEOPLE = {f"0010450001{n:02d}": f"{NAMES[n % 5]} {n}" for n in range(1, 16)}
PEOPLE |= {DEAD: "Trần Văn Hùng", FAILED: "Lê Thị Ngọc Ánh", ONCE: "Võ Văn Bảy"}
PERIODS = ("2024-09", "2024-10", "2024-11")
AMOUNT = "Amount recovered or written off (VND)"


def person(vneid: str, status: str = "active", died: str = "") -> str:
    return (
        f"{vneid},{PEOPLE[vneid]},0{int(vneid[-1]) % 9 + 1}/03/1945,male,welfare,elderly 80+,1.500.000,bank,BIDV,"
        f"01234{vneid[-8:]},01,00004,{status},{died}\n"
    )


def paid(ref: str, vneid: str, date: str, status: str = "success", why: str = "Chi tro cap") -> str:
    """A row of the bank's file, the payee's name as banks write it: capitals, no diacritics."""
    payee = unicodedata.normalize("NFD", PEOPLE[vneid].replace("Đ", "D")).encode("ascii", "ignore").decode().upper()
    return f"{ref},{vneid},{payee},BIDV,01234{vneid[-8:]},1.500.000,{date},bank,{status},{why}\n"


def month_files(folder: Path, period: str, extra: str = "") -> dict[str, list[Path]]:
    """A month's registry and bank file: everyone paid on the 5th, the dead man too; in September
    Lê Thị Ngọc Ánh's payment failed, and its retry on the 7th failed again; Võ Văn Bảy's failed.
    `extra`: more bank rows."""
    mm = period[-2:]
    living = [v for v in PEOPLE if v != DEAD]
    registry = REGISTRY + "".join(person(v) for v in living) + person(DEAD, "deceased", "15/08/2024")
    bank = BANK + "".join(paid(f"FT2024{mm}00{v[-3:]}", v, f"05/{mm}/2024") for v in PEOPLE if v not in (FAILED, ONCE))
    if period == "2024-09":
        bank += paid("FT20240900071", FAILED, "05/09/2024", "failed", "Tai khoan bi khoa")
        bank += paid("FT20240900072", FAILED, "07/09/2024", "failed", "Tai khoan bi khoa")
        bank += paid("FT20240900081", ONCE, "05/09/2024", "failed", "Sai so tai khoan")
    else:
        bank += paid(f"FT2024{mm}00007", FAILED, f"05/{mm}/2024") + paid(f"FT2024{mm}00008", ONCE, f"05/{mm}/2024")
    out = folder / (period + ("-corrected" if extra else ""))
    out.mkdir(exist_ok=True)
    (out / "registry.csv").write_text(registry, encoding="utf-8")
    (out / "bank.csv").write_text(bank + extra, encoding="utf-8")
    return {"registry": [out / "registry.csv"], "payments": [out / "bank.csv"]}


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def run(db: Path, period: str, files: dict[str, list[Path]]):
    res = invoke(
        "run", "--period", period, "--db", str(db), "--registry", str(files["registry"][0]),
        "--payments", str(files["payments"][0]),
    )  # fmt: skip
    assert res.exit_code in (0, 1), res.output
    return res


def reconciled_months(folder: Path, periods: tuple[str, ...] = PERIODS) -> Path:
    """The months `periods` (September to November) reconciled into `folder`'s m.duckdb, in turn."""
    db = folder / "m.duckdb"
    for period in periods:
        run(db, period, month_files(folder, period))
    return db


def decide(db: Path, period: str, case_id: str, out: Path, **cells) -> str:
    """The period's workbook written now, the case's row given these cells (by header), imported."""
    book = out.with_suffix(".written.xlsx")
    res = invoke("report", "--period", period, "--db", str(db), "--report", str(book), "--lang", "en")
    assert res.exit_code == 0, res.output
    typed_into(book, out, "Findings", case_id, **cells)
    res = invoke("review", "import", str(out), "--db", str(db), "--by", "Nguyễn Thị Lan")
    assert res.exit_code == 0, res.output
    return res.output


def events(db: Path, case_id: str) -> list[tuple]:
    return query(
        db,
        'SELECT "by", action, from_status, to_status, period, source FROM case_events WHERE case_id = ? ORDER BY seq',
        [case_id],
    )


@pytest.fixture(scope="module")
def closed_once(tmp_path_factory) -> tuple[Path, str]:
    """September to November in the database; the dead man's case recovered in full and closed from
    November's book. Made once for the module: each test takes a copy (closed)."""
    folder = tmp_path_factory.mktemp("closed")
    db = reconciled_months(folder)
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND vneid = ?", [DEAD])[0]
    decide(db, "2024-11", case_id, folder / "a.xlsx", Status="recovery", Assignee="Chị Lan", Decision="Thu hồi")
    decide(db, "2024-11", case_id, folder / "b.xlsx", Status="recovered", **{AMOUNT: 4_500_000})
    decide(db, "2024-11", case_id, folder / "c.xlsx", Status="closed", Comment="Đóng hồ sơ", **{AMOUNT: None})
    assert query(db, "SELECT status, amount_at_stake, amount_recovered FROM cases WHERE case_id = ?", [case_id]) == [
        ("closed", 4_500_000, 4_500_000)
    ]
    return db, case_id


@pytest.fixture()
def closed(closed_once, tmp_path) -> tuple[Path, str]:
    """A copy of the months with the dead man's case closed, to run on."""
    db, case_id = closed_once
    return copy_of(db, tmp_path / "m.duckdb"), case_id


def test_re_running_months_the_auditor_had_seen_when_closing_reopens_nothing(closed, tmp_path):
    db, case_id = closed
    for period in ("2024-10", "2024-11"):  # before the closing book's month, and that month itself
        res = run(db, period, month_files(tmp_path, period))
        assert "0 findings appeared, 0 gone, 0 input files added, removed or changed" in res.output
        assert "reopened" not in res.output
    assert query(db, "SELECT status, events FROM cases WHERE case_id = ?", [case_id]) == [("closed", 3)]


def test_a_re_run_of_an_earlier_month_with_a_payment_never_seen_reopens_the_closed_case(closed, tmp_path):
    db, case_id = closed
    # the bank's corrected October statement: one more payment to the dead man, on 20/10/2024
    extra = paid("FT20241099999", DEAD, "20/10/2024", why="Chi bo sung")
    res = run(db, "2024-10", month_files(tmp_path, "2024-10", extra))
    assert "reconcile: 1 closed case flagged again and reopened; see reconcile cases --status open" in res.output
    (new,) = query(db, "SELECT flag_id FROM flags WHERE payment_ref = 'FT20241099999' AND code = 'PAID_AFTER_DEATH'")[0]
    *_, (run_id,) = query(db, "SELECT run_id FROM runs WHERE period = '2024-10'")
    assert events(db, case_id)[3:] == [
        (
            "reconcile",
            "reopened",
            "closed",
            "open",
            "2024-10",
            f"run {run_id}: 1 finding new since it was closed: {new}",
        )
    ]
    assert query(
        db,
        "SELECT status, assignee, opened_period, periods_open, amount_at_stake, amount_recovered FROM cases "
        "WHERE case_id = ?",
        [case_id],
    ) == [("open", "Chị Lan", "2024-10", 2, 6_000_000, 4_500_000)]
    assert query(
        db, "SELECT status, overpaid, recovered, outstanding FROM recoveries WHERE case_id = ?", [case_id]
    ) == [("open", 6_000_000, 4_500_000, 1_500_000)]
    # October's workbook: the finding never seen shows its case open, and the case is among the open ones
    book = tmp_path / "oct.xlsx"
    assert (
        invoke("report", "--period", "2024-10", "--db", str(db), "--report", str(book), "--lang", "en").exit_code == 0
    )
    wb = openpyxl.load_workbook(book, read_only=True)
    rows = list(wb["Findings"].iter_rows(values_only=True))
    status = rows[0].index("Status")
    assert {r[status] for r in rows[1:] if case_id in r} == {"open"}
    assert any(case_id in r for r in wb["Open cases"].iter_rows(values_only=True))
    # and once only: the same corrected files again, the case closed again, reopen nothing
    decide(db, "2024-10", case_id, tmp_path / "d.xlsx", Status="in_review")
    decide(db, "2024-10", case_id, tmp_path / "e.xlsx", Status="explained", Decision="Đã xác minh")
    decide(db, "2024-10", case_id, tmp_path / "f.xlsx", Status="closed")
    res = run(db, "2024-10", month_files(tmp_path, "2024-10", extra))
    assert "reopened" not in res.output
    assert query(db, "SELECT status, events FROM cases WHERE case_id = ?", [case_id]) == [("closed", 7)]


def remove(db: Path, period: str):
    res = invoke(
        "delete", "--period", period, "--db", str(db), "--by", "Nguyễn Thị Lan", "--reason", "sai tệp", "--yes"
    )
    assert res.exit_code == 0, res.output
    return res


def state(db: Path, case_id: str) -> list[tuple]:
    return query(
        db,
        "SELECT status, assignee, decision, comment, first_period, last_period, opened_period, periods_open, "
        "amount_at_stake, amount_recovered FROM cases WHERE case_id = ?",
        [case_id],
    )


CLOSED = ("closed", "Chị Lan", "Thu hồi", "Đóng hồ sơ", "2024-09", "2024-11", "2024-09", None, 4_500_000, 4_500_000)


def test_a_case_reopened_by_a_month_removed_since_is_closed_again_and_reopened_when_the_month_is_run_again(
    closed, tmp_path
):
    """December's run flags the dead man again and reopens his closed case; December is then removed
    (reconcile delete: the wrong files). The findings that reopened the case went with the month: it
    is closed again as it was, by an event that says which removal took the reopening back. December
    run again reopens it again."""
    db, case_id = closed
    assert state(db, case_id) == [CLOSED]
    res = run(db, "2024-12", month_files(tmp_path, "2024-12"))
    assert "reconcile: 1 closed case flagged again and reopened" in res.output
    assert state(db, case_id)[0][0] == "open"
    res = remove(db, "2024-12")
    assert (
        "reconcile: 1 case that the run this removal replaced had reopened went back to the status before the "
        "reopening, the findings that reopened it gone; see reconcile case CASE_ID"
    ) in res.output
    assert state(db, case_id) == [CLOSED]
    (deletion,) = query(db, "SELECT deletion_id FROM period_deletions WHERE period = '2024-12'")[0]
    assert [e[:5] for e in events(db, case_id)[3:]] == [
        ("reconcile", "reopened", "closed", "open", "2024-12"),
        ("reconcile", "reopening_undone", "open", "closed", "2024-12"),
    ]
    assert events(db, case_id)[-1][5] == f"removal {deletion}: 2024-12 removed, with the findings that reopened it"
    assert query(db, "SELECT status, outstanding FROM recoveries WHERE case_id = ?", [case_id]) == [("closed", 0)]
    assert invoke("verify", "--db", str(db)).exit_code == 0
    # the same month run again: flagged again, reopened again
    res = run(db, "2024-12", month_files(tmp_path, "2024-12"))
    assert "reconcile: 1 closed case flagged again and reopened" in res.output
    assert state(db, case_id)[0][:4] == ("open", "Chị Lan", "Thu hồi", "Đóng hồ sơ")
    assert state(db, case_id)[0][6:] == ("2024-12", 1, 6_000_000, 4_500_000)
    assert len(events(db, case_id)) == 6


def test_a_re_run_of_the_month_that_reopened_a_case_keeps_it_reopened_or_closes_it_again(closed, tmp_path):
    """December reopened the closed case. December re-run with the same files: the case stays open,
    with no new event. Re-run with the bank's corrected file, which no longer pays the dead man: the
    finding that reopened it is gone, and the case is closed again as it was."""
    db, case_id = closed
    run(db, "2024-12", month_files(tmp_path, "2024-12"))
    res = run(db, "2024-12", month_files(tmp_path, "2024-12"))
    assert "reopened" not in res.output
    assert state(db, case_id)[0][0] == "open"
    assert len(events(db, case_id)) == 4
    files = month_files(tmp_path, "2024-12")
    bank = files["payments"][0]
    text = bank.read_text(encoding="utf-8")
    bank.write_text("\n".join(x for x in text.splitlines() if f",{DEAD}," not in x) + "\n", encoding="utf-8")
    res = run(db, "2024-12", files)
    assert (
        "reconcile: 1 case that the run this re-run replaced had reopened went back to the status before the "
        "reopening, the findings that reopened it gone; see reconcile case CASE_ID"
    ) in res.output
    assert state(db, case_id) == [CLOSED]  # December pays him nothing now: no finding there
    *_, (run_id,) = query(db, "SELECT run_id FROM runs WHERE period = '2024-12'")
    assert events(db, case_id)[4] == (
        "reconcile",
        "reopening_undone",
        "open",
        "closed",
        "2024-12",
        f"run {run_id}: 2024-12 re-run without the findings that reopened it",
    )


def test_a_decision_after_the_reopening_stands_when_the_month_that_reopened_the_case_is_removed(closed, tmp_path):
    """December reopened the closed case and the auditor took it up again (in_review) on December's book;
    December is then removed: the auditor's decision stands, nothing is undone."""
    db, case_id = closed
    run(db, "2024-12", month_files(tmp_path, "2024-12"))
    decide(db, "2024-12", case_id, tmp_path / "g.xlsx", Status="in_review", Comment="Xem lại")
    res = remove(db, "2024-12")
    assert "went back to the status" not in res.output
    assert state(db, case_id)[0][:4] == ("in_review", "Chị Lan", "Thu hồi", "Xem lại")
    assert [e[1] for e in events(db, case_id)] == ["decision"] * 3 + ["reopened", "decision"]


def test_a_re_run_that_lowers_a_payment_seen_when_closing_reopens_nothing(closed, tmp_path):
    """The bank's corrected October file: the dead man was paid 1,000,000 that month, not 1,500,000.
    Its finding has a new id (its amount changed), and the run said `1 closed case flagged again and
    reopened`: the case recovered in full went back to open, though nothing was paid again. It stays
    closed; the run says the recovered 4,500,000 is now 500,000 more than was overpaid."""
    db, case_id = closed
    files = month_files(tmp_path, "2024-10")
    bank = files["payments"][0]
    text = bank.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith(f"FT20241000{DEAD[-3:]},{DEAD},"))
    bank.write_text(text.replace(line, line.replace("1.500.000,05/10", "1.000.000,05/10")), encoding="utf-8")
    res = run(db, "2024-10", files)
    assert "1 finding appeared, 1 gone" in res.output
    assert "reopened" not in res.output
    assert (
        "reconcile: 1 case has more recovered and written off than was overpaid, since a re-run lowered what was "
        "overpaid; see the excess column of the recoveries view, and look into their decisions"
    ) in res.output
    assert query(db, "SELECT status, events FROM cases WHERE case_id = ?", [case_id]) == [("closed", 3)]
    assert query(
        db, "SELECT status, overpaid, recovered, outstanding, excess FROM recoveries WHERE case_id = ?", [case_id]
    ) == [("closed", 4_000_000, 4_500_000, 0, 500_000)]


def test_a_decision_typed_into_the_removed_month_s_book_on_the_case_it_reopened_is_not_written_over(closed, tmp_path):
    """December reopens the closed case; the auditor types a decision on it into December's workbook; December
    is removed, the case closed again. The book was still written over by a report or a run again (exit 0,
    the decision lost): the case's decision had changed since the book was written, which read as one
    decided since. It is refused as any removed month's book holding decisions is."""
    db, case_id = closed
    book = tmp_path / "december.xlsx"
    files = month_files(tmp_path, "2024-12")
    december = ["run", "--period", "2024-12", "--db", str(db), "--registry", str(files["registry"][0]),
                "--payments", str(files["payments"][0]), "--report", str(book), "--lang", "en"]  # fmt: skip
    res = invoke(*december)
    assert res.exit_code in (0, 1) and "1 closed case flagged again and reopened" in res.output, res.output
    typed_into(book, book, "Findings", case_id, Status="recovery", Comment="Gia đình hứa hoàn trả")
    before = book.read_bytes()
    remove(db, "2024-12")
    assert state(db, case_id) == [CLOSED]
    said = (
        f"reconcile: error: {book}: holds 1 decision typed into it, in a workbook of period 2024-12 removed from the "
        "database on "
    )
    res = invoke("report", "--period", "2024-11", "--db", str(db), "--report", str(book), "--lang", "en")
    assert res.exit_code == 2 and res.stderr.splitlines()[-1].startswith(said), res.output
    res = invoke(*december)
    assert res.exit_code == 2 and res.stderr.splitlines()[-1].startswith(said), res.output
    assert book.read_bytes() == before
