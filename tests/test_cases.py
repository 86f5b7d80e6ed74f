"""Cases (issue 21): decisions typed into the workbook, imported, kept through re-runs; the hash chain;
sign-off. From files, through the command line, as an auditor works: the sample month reconciled,
its workbook written, cells edited with openpyxl as Excel would save them, the book imported."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from conftest import SAMPLE_FILES, TEST_KEY, copy_of
from reconcile import keys
from reconcile.cli import cli
from reconcile.errors import ReconcileError
from reconcile.pipeline import RunConfig, run

AMOUNT = "Amount recovered or written off (VND)"


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


@pytest.fixture()
def month(sample_month, tmp_path) -> tuple[Path, Path]:
    """A copy of the sample month's database and its workbook, in English."""
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    book = tmp_path / "book.xlsx"
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book), "--lang", "en")
    assert res.exit_code == 0, res.output
    return db, book


def rows_of(book: Path) -> tuple[list[str], list[list]]:
    ws = openpyxl.load_workbook(book, read_only=True)["Findings"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def edit(book: Path, out: Path, changes: dict[tuple[int, str], object]) -> Path:
    """The book with cells changed, by sheet row (the header is row 1) and header text, saved as Excel does."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    header = [c.value for c in ws[1]]
    for (row, column), value in changes.items():
        ws.cell(row, header.index(column) + 1).value = value
    wb.save(out)
    return out


def row_of(book: Path, code: str) -> tuple[int, dict]:
    """The first findings row of a code: its sheet row and its values by header."""
    header, rows = rows_of(book)
    for n, row in enumerate(rows, start=2):
        if row[header.index("Code")] == code:
            return n, dict(zip(header, row))
    raise AssertionError(code)


def query(db: Path, sql: str, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_every_flag_carries_the_keyed_id_of_its_case(sample_month):
    rows = query(sample_month.db, "SELECT code, program, vneid, account_number, payment_ref, case_id FROM flags")
    assert rows
    key = keys.parse(TEST_KEY)
    for code, program, vneid, account, ref, case_id in rows:
        assert case_id == keys.case_id(key, code, program, vneid, account, ref)
    cases = query(sample_month.db, "SELECT count(*), count(*) FILTER (WHERE status = 'open') FROM cases")[0]
    assert cases == (len({r[5] for r in rows}),) * 2


def test_a_decision_is_imported_once_and_kept_through_a_re_run(month, tmp_path):
    db, book = month
    n, row = row_of(book, "PAID_AFTER_DEATH")
    edited = edit(
        book,
        tmp_path / "decided.xlsx",
        {
            (n, "Status"): "recovery",
            (n, "Assignee"): "Nguyễn Thị Lan",
            (n, AMOUNT): 500000,
            (n, "Decision"): "thu hồi qua UBND xã",
            (n, "Comment"): "gia đình đồng ý hoàn trả",
        },
    )
    res = invoke("review", "import", str(edited), "--db", str(db), "--by", "Trần Văn Hùng")
    assert res.exit_code == 0, res.output
    assert f"case {row['Case id']}: open -> recovery ({edited.name}: sheet 'Findings' row {n})" in res.output
    assert (
        "recorded 1 decision from decided.xlsx (26 findings rows read, 1 changed in the book); the other "
        "cases are as the database holds them"
    ) in res.output
    events = query(
        db,
        'SELECT case_id, "by", action, from_status, to_status, assignee, decision, amount, comment, '
        "period FROM case_events",
    )
    assert events == [
        (
            row["Case id"],
            "Trần Văn Hùng",
            "decision",
            "open",
            "recovery",
            "Nguyễn Thị Lan",
            "thu hồi qua UBND xã",
            500000,
            "gia đình đồng ý hoàn trả",
            "2024-09",
        )
    ]

    again = invoke("review", "import", str(edited), "--db", str(db), "--by", "Trần Văn Hùng")
    assert again.exit_code == 0, again.output
    assert "recorded 0 decisions from decided.xlsx (26 findings rows read, 1 changed in the book)" in again.output
    assert query(db, "SELECT count(*) FROM case_events") == [(1,)]

    rerun = invoke(
        "run",
        "--period",
        "2024-09",
        "--db",
        str(db),
        "--registry",
        str(SAMPLE_FILES["registry"][0]),
        *[a for p in SAMPLE_FILES["payments"] for a in ("--payments", str(p))],
    )
    assert rerun.exit_code == 0, rerun.output
    assert query(
        db,
        "SELECT status, assignee, decision, amount_recovered, comment, events FROM cases WHERE case_id = ?",
        [row["Case id"]],
    ) == [("recovery", "Nguyễn Thị Lan", "thu hồi qua UBND xã", 500000, "gia đình đồng ý hoàn trả", 1)]
    # the workbook written after the re-run shows the decision on the finding's row
    book2 = tmp_path / "after.xlsx"
    assert (
        invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book2), "--lang", "en").exit_code == 0
    )
    _, row2 = row_of(book2, "PAID_AFTER_DEATH")
    assert (row2["Case id"], row2["Status"], row2["Assignee"], row2[AMOUNT]) == (
        row["Case id"],
        "recovery",
        "Nguyễn Thị Lan",
        500000,
    )


def test_an_edited_evidence_cell_refuses_the_whole_book(month, tmp_path):
    db, book = month
    n, row = row_of(book, "AMOUNT_MISMATCH")
    m, _ = row_of(book, "PAID_AFTER_DEATH")
    edited = edit(
        book,
        tmp_path / "edited.xlsx",
        {(n, "Paid amount (VND)"): row["Paid amount (VND)"] + 1, (m, "Status"): "explained"},
    )
    res = invoke("review", "import", str(edited), "--db", str(db), "--by", "Trần Văn Hùng")
    assert res.exit_code == 2
    assert (
        f"edited.xlsx: sheet 'Findings' row {n}: the evidence column 'Paid amount (VND)' (paid_amount) was edited; put back the "
        "value as written (only status, assignee, decision, amount and comment are read)"
    ) in res.output
    assert "1 row(s) cannot be recorded; nothing was recorded" in res.output
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]


def test_an_illegal_transition_is_refused_with_its_sheet_and_row(month, tmp_path):
    db, book = month
    n, _ = row_of(book, "PAID_AFTER_DEATH")
    edited = edit(book, tmp_path / "illegal.xlsx", {(n, "Status"): "closed"})
    res = invoke("review", "import", str(edited), "--db", str(db), "--by", "Trần Văn Hùng")
    assert res.exit_code == 2
    assert (
        f"illegal.xlsx: sheet 'Findings' row {n}: a case cannot go from open to closed "
        "(from open: in_review, explained, recovery)"
    ) in res.output
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]


def test_verify_counts_one_event_as_one(month, tmp_path):
    db, book = month
    n, _ = row_of(book, "PAID_AFTER_DEATH")
    edited = edit(book, tmp_path / "one.xlsx", {(n, "Status"): "in_review"})
    assert invoke("review", "import", str(edited), "--db", str(db), "--by", "Lan").exit_code == 0
    ok = invoke("verify", "--db", str(db))
    assert ok.exit_code == 0, ok.output
    assert "the chains hold: 1 case event and 0 sign-offs" in ok.output


def test_an_altered_event_is_found_by_verify(month, tmp_path):
    db, book = month
    rows = [row_of(book, code)[0] for code in ("PAID_AFTER_DEATH", "AMOUNT_MISMATCH", "MISSING_PAYMENT")]
    edited = edit(book, tmp_path / "three.xlsx", {(n, "Status"): "in_review" for n in rows})
    assert invoke("review", "import", str(edited), "--db", str(db), "--by", "Lan").exit_code == 0
    ok = invoke("verify", "--db", str(db))
    assert ok.exit_code == 0, ok.output
    assert "the chains hold: 3 case events and 0 sign-offs" in ok.output
    (head,) = query(db, "SELECT left(hash, 8) FROM case_events WHERE seq = 3")[0]
    # the newest event removed leaves a chain that holds: only its head, written down before, shows it
    assert (
        f"reconcile: heads: case events 3 {head}, sign-offs 0 - (write them down with a sign-off: the newest "
        "rows' removal shows against them)"
    ) in ok.output.splitlines()
    con = duckdb.connect(str(db))
    con.execute("UPDATE case_events SET to_status = 'closed' WHERE seq = 2")
    con.close()
    res = invoke("verify", "--db", str(db))
    assert res.exit_code == 1
    assert "case_events: row 2: its hash does not match its content: the row was altered" in res.output
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM case_events WHERE seq = 2")
    con.close()
    res = invoke("verify", "--db", str(db))
    assert res.exit_code == 1
    assert "case_events: row 3: expected event 2 here, found 3: a row was removed or added" in res.output


def test_the_operator_cannot_sign_off_under_another_spelling_of_their_name(month):
    """Maker-checker: the operator Nguyễn Văn An typed decomposed (Unikey's 'Unicode tổ hợp'), without
    diacritics, in capitals or with two spaces is the operator still."""
    import unicodedata

    db, _ = month
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE runs SET operator = 'Nguyễn Văn An' WHERE period = '2024-09'")
    for by in (unicodedata.normalize("NFD", "Nguyễn Văn An"), "Nguyen Van An", "NGUYỄN  VĂN AN"):
        res = invoke("signoff", "--period", "2024-09", "--db", str(db), "--by", by)
        assert res.exit_code == 2, (by, res.output)
        assert "the checker must be someone other than the operator" in res.output
    assert invoke("signoff", "--period", "2024-09", "--db", str(db), "--by", "Trần Thị Bình").exit_code == 0


def test_a_signed_off_period_refuses_a_re_run_and_a_removal_until_reopened(month):
    db, _ = month
    operator = query(db, "SELECT operator FROM runs WHERE period = '2024-09'")[0][0]
    same = invoke("signoff", "--period", "2024-09", "--db", str(db), "--by", operator)
    assert same.exit_code == 2
    assert "the checker must be someone other than the operator" in same.output
    assert invoke("signoff", "--period", "2024-09", "--db", str(db), "--by", "Kế toán trưởng").exit_code == 0
    args = [
        "run",
        "--period",
        "2024-09",
        "--db",
        str(db),
        "--registry",
        str(SAMPLE_FILES["registry"][0]),
        *[a for p in SAMPLE_FILES["payments"] for a in ("--payments", str(p))],
    ]
    rerun = invoke(*args)
    assert rerun.exit_code == 2
    assert "period 2024-09 was signed off on" in rerun.output
    assert (
        "cannot be re-run; reopen it first: reconcile reopen --period 2024-09 --by NAME --reason TEXT" in rerun.output
    )
    steps: list[str] = []
    with pytest.raises(ReconcileError, match="was signed off"):  # refused before its files are read
        run(RunConfig(period="2024-09", db=db, on_step=steps.append, **SAMPLE_FILES))
    assert steps == []
    removal = invoke("delete", "--period", "2024-09", "--db", str(db), "--by", "Lan", "--reason", "x", "--yes")
    assert removal.exit_code == 2
    assert "cannot be removed; reopen it first" in removal.output
    assert query(db, "SELECT count(*) FROM period_deletions") == [(0,)]
    assert (
        invoke(
            "reopen", "--period", "2024-09", "--db", str(db), "--by", "Kế toán trưởng", "--reason", "sửa tệp ngân hàng"
        ).exit_code
        == 0
    )
    assert invoke(*args).exit_code == 0
    assert query(db, 'SELECT action, "by", reason FROM signoffs ORDER BY seq') == [
        ("signoff", "Kế toán trưởng", None),
        ("reopen", "Kế toán trưởng", "sửa tệp ngân hàng"),
    ]
    assert invoke("verify", "--db", str(db)).exit_code == 0


# -- the next month ---------------------------------------------------------------------------------


def run_month(db: Path, period: str, files: dict[str, list[Path]]):
    return invoke(
        "run",
        "--period",
        period,
        "--db",
        str(db),
        "--registry",
        str(files["registry"][0]),
        *[a for p in files["payments"] for a in ("--payments", str(p))],
    )


def decide(db: Path, book: Path, out: Path, code: str, program: str, **cells) -> str:
    """Import `book` with the first row of (code, program) given these cells; return its case id."""
    case_id = query(
        db, "SELECT case_id FROM flags WHERE code = ? AND program = ? ORDER BY period, flag_id LIMIT 1", [code, program]
    )[0][0]
    header, rows = rows_of(book)
    n = next(i for i, r in enumerate(rows, start=2) if r[header.index("Case id")] == case_id)
    edit(book, out, {(n, column): value for column, value in cells.items()})
    res = invoke("review", "import", str(out), "--db", str(db), "--by", "Trần Văn Hùng")
    assert res.exit_code == 0, res.output
    return case_id


def test_the_next_month_keeps_decisions_and_shows_which_cases_persist_are_fixed_or_new(month, october, tmp_path):
    db, book = month
    decided = decide(
        db, book, tmp_path / "d.xlsx", "PAID_AFTER_DEATH", "welfare", Status="recovery", Assignee="Phòng LĐTBXH xã"
    )
    assert run_month(db, "2024-10", october).exit_code == 0
    assert query(
        db,
        "SELECT status, assignee, first_period, last_period, periods_flagged, periods_open, "
        "amount_at_stake, events FROM cases WHERE case_id = ?",
        [decided],
    ) == [("recovery", "Phòng LĐTBXH xã", "2024-09", "2024-10", 2, 2, 2_000_000, 1)]
    spans = query(
        db, "SELECT first_period, last_period, periods_flagged, count(*) FROM cases GROUP BY ALL ORDER BY ALL"
    )
    assert spans == [("2024-09", "2024-09", 1, 8), ("2024-09", "2024-10", 2, 18), ("2024-10", "2024-10", 1, 1)]
    # fixed: the pensioner who died in August is no longer paid, so no longer flagged
    assert query(
        db, "SELECT last_period, periods_flagged FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'pension'"
    ) == [("2024-09", 1)]
    assert query(db, "SELECT count(*) FROM flags WHERE period = '2024-10' AND code = 'PAID_AFTER_DEATH'") == [(1,)]
    # new: the one beneficiary underpaid in October
    assert query(db, "SELECT code, amount_at_stake, status FROM cases WHERE first_period = '2024-10'") == [
        ("AMOUNT_MISMATCH", 100_000, "open")
    ]
    older = invoke("cases", "--db", str(db), "--older-than", "1", "--format", "csv")
    assert older.exit_code == 0, older.output
    # every case opened in September still ages, the fixed ones too: money paid after a death is still to
    # recover although October no longer pays it; only a decision (explained, recovered...) stops the clock
    assert len(older.stdout.strip().splitlines()) == 1 + 26


def test_a_closed_case_flagged_again_reopens_and_an_explained_one_keeps_its_decision(month, october, tmp_path):
    db, book = month
    closed = decide(
        db, book, tmp_path / "a.xlsx", "PAID_AFTER_DEATH", "welfare", Status="explained", Decision="đã xác minh"
    )
    explained = decide(
        db,
        book,
        tmp_path / "b.xlsx",
        "SHARED_ACCOUNT",
        "welfare",
        Status="explained",
        Decision="tài khoản của người giám hộ",
    )
    # the book written after the first imports shows them; close the first from it
    book2 = tmp_path / "after.xlsx"
    assert (
        invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book2), "--lang", "en").exit_code == 0
    )
    decide(db, book2, tmp_path / "c.xlsx", "PAID_AFTER_DEATH", "welfare", Status="closed")
    assert query(db, "SELECT status FROM cases WHERE case_id = ?", [closed]) == [("closed",)]
    first, again = run_month(db, "2024-10", october), run_month(db, "2024-10", october)  # one reopening
    assert first.exit_code == again.exit_code == 0
    assert "reconcile: 1 closed case flagged again and reopened; see reconcile cases --status open" in first.output
    assert "reopened" not in again.output
    assert query(
        db,
        'SELECT "by", action, from_status, to_status, decision, period FROM case_events WHERE case_id = ? ORDER BY seq',
        [closed],
    ) == [
        ("Trần Văn Hùng", "decision", "open", "explained", "đã xác minh", "2024-09"),
        ("Trần Văn Hùng", "decision", "explained", "closed", "đã xác minh", "2024-09"),
        ("reconcile", "reopened", "closed", "open", "đã xác minh", "2024-10"),
    ]
    assert query(db, "SELECT status, opened_period, periods_open FROM cases WHERE case_id = ?", [closed]) == [
        ("open", "2024-10", 1)
    ]
    assert query(
        db, "SELECT status, decision, last_period, periods_flagged, events FROM cases WHERE case_id = ?", [explained]
    ) == [("explained", "tài khoản của người giám hộ", "2024-10", 2, 1)]
    assert invoke("verify", "--db", str(db)).exit_code == 0


def test_a_case_decided_since_the_book_was_written_is_refused_not_overwritten(month, tmp_path):
    db, book = month
    n, _ = row_of(book, "PAID_AFTER_DEATH")
    first = edit(book, tmp_path / "lan.xlsx", {(n, "Status"): "explained", (n, "Decision"): "ngân hàng chuyển nhầm"})
    second = edit(book, tmp_path / "hung.xlsx", {(n, "Status"): "recovery"})
    assert invoke("review", "import", str(first), "--db", str(db), "--by", "Lan").exit_code == 0
    res = invoke("review", "import", str(second), "--db", str(db), "--by", "Hùng")
    assert res.exit_code == 2
    assert (
        f"hung.xlsx: sheet 'Findings' row {n}: its case was decided in the database since this workbook was "
        "written; write the workbook again (reconcile report) and enter the decision there"
    ) in res.output
    assert query(db, "SELECT to_status FROM case_events ORDER BY seq") == [("explained",)]


def test_removing_a_period_keeps_the_decided_cases_and_drops_the_cases_it_alone_flagged(month, october, tmp_path):
    """Decisions entered on October's book stand once October is removed: September, now the latest
    period, lists and adds up the overpayments as the recoveries view has them. September's recovery
    list asked the family paid after her death for the 1,000,000 VND of which 400,000 was recorded as
    recovered, and the beneficiary paid while inactive for the 1,500,000 the auditor had explained,
    nothing to recover: 4 overpayments, 15,441,000 VND, where the recoveries view had 3, 13,541,000."""
    db, book = month
    decided = decide(db, book, tmp_path / "d.xlsx", "PAID_AFTER_DEATH", "welfare", Status="recovery")
    assert run_month(db, "2024-10", october).exit_code == 0
    assert query(db, "SELECT count(*) FROM cases") == [(27,)]
    october_book = tmp_path / "october.xlsx"
    res = invoke("report", "--period", "2024-10", "--db", str(db), "--report", str(october_book), "--lang", "en")
    assert res.exit_code == 0, res.output
    header, rows = rows_of(october_book)
    (explained,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_WHILE_INACTIVE' AND program = 'welfare'")[0]
    n = {r[header.index("Case id")]: i for i, r in enumerate(rows, start=2)}
    edit(october_book, tmp_path / "o.xlsx", {(n[decided], AMOUNT): 400_000, (n[explained], "Status"): "explained"})
    assert invoke("review", "import", str(tmp_path / "o.xlsx"), "--db", str(db), "--by", "Hùng").exit_code == 0
    res = invoke("delete", "--period", "2024-10", "--db", str(db), "--by", "Lan", "--reason", "tệp sai", "--yes")
    assert res.exit_code == 0, res.output
    # the case October alone flagged is gone; September's 26 are as September left them
    assert query(db, "SELECT count(*), count(*) FILTER (WHERE last_period = '2024-09') FROM cases") == [(26, 26)]
    assert query(
        db, "SELECT status, periods_flagged, amount_at_stake, events FROM cases WHERE case_id = ?", [decided]
    ) == [("recovery", 1, 1_000_000, 2)]
    assert query(db, "SELECT status FROM cases WHERE case_id = ?", [explained]) == [("explained",)]
    assert query(db, "SELECT count(*), sum(outstanding) FROM recoveries") == [(3, 13_541_000)]
    assert query(db, "SELECT overpaid, recovered, outstanding FROM recoveries WHERE case_id = ?", [decided]) == [
        (1_000_000, 400_000, 600_000)
    ]
    out = tmp_path / "actions"
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out), "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "3 overpayments to reclaim (13,541,000 VND)" in res.output


def test_findings_of_a_version_before_cases_get_their_case_id_at_the_next_run(month, october):
    db, _ = month
    con = duckdb.connect(str(db))
    expected = con.execute("SELECT flag_id, case_id FROM flags ORDER BY flag_id").fetchall()
    con.execute("UPDATE flags SET case_id = NULL")  # as an earlier version left September
    con.execute("DELETE FROM cases")
    con.close()
    assert run_month(db, "2024-10", october).exit_code == 0
    assert query(db, "SELECT flag_id, case_id FROM flags WHERE period = '2024-09' ORDER BY flag_id") == expected
    assert query(db, "SELECT count(*) FROM cases WHERE first_period = '2024-09'") == [(26,)]


def as_an_earlier_version_left_it(db: Path) -> None:
    """The database without what cases added: their tables and views, and flags.case_id."""
    con = duckdb.connect(str(db))
    for view in ("recoveries_by_province", "recoveries", "arrears", "period_summary"):
        con.execute(f"DROP VIEW {view}")
    for table in ("cases", "case_events", "signoffs"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE flags DROP COLUMN case_id")
    con.execute("ALTER TABLE superseded_flags DROP COLUMN case_id")
    con.close()


def test_the_report_of_a_database_an_earlier_version_wrote_brings_it_up_to_date(sample_month, tmp_path):
    db = copy_of(sample_month.db, tmp_path / "old.duckdb")
    expected = query(db, "SELECT flag_id, case_id FROM flags ORDER BY flag_id")
    as_an_earlier_version_left_it(db)
    book = tmp_path / "old.xlsx"
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book), "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "old.duckdb brought up to this version's tables (cases, their events and views)" in res.output
    assert query(db, "SELECT flag_id, case_id FROM flags ORDER BY flag_id") == expected
    header, rows = rows_of(book)
    assert sorted(r[header.index("Case id")] for r in rows) == sorted(c for _, c in expected)
    again = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(book), "--lang", "en")
    assert again.exit_code == 0 and "brought up" not in again.output


def test_a_read_back_command_brings_a_database_an_earlier_version_wrote_up_to_date(sample_month, tmp_path):
    """`trend` (and every command that reads the database) refused it: no cases yet; it is brought up
    to this version's tables, as `report` brings it, and says so once."""
    db = copy_of(sample_month.db, tmp_path / "old.duckdb")
    expected = query(db, "SELECT flag_id, case_id FROM flags ORDER BY flag_id")
    as_an_earlier_version_left_it(db)
    trend = invoke("trend", "--db", str(db))
    assert trend.exit_code == 0, trend.output
    assert trend.stderr == f"reconcile: {db} brought up to this version's tables (cases, their events and views)\n"
    assert trend.stdout.splitlines()[2].split()[:3] == ["2024-09", "no", "26"]
    assert query(db, "SELECT flag_id, case_id FROM flags ORDER BY flag_id") == expected
    again = invoke("trend", "--db", str(db))
    assert (again.exit_code, again.stderr, again.stdout) == (0, "", trend.stdout)


def overpayments_to_reclaim(db: Path, out: Path) -> str:
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out))
    assert res.exit_code == 0, res.output
    return res.stderr.strip().splitlines()[-1]


SEPTEMBER_ACTIONS = "1 payment to send again (1,250,000 VND), 4 overpayments to reclaim (15,441,000 VND)"


def test_a_sign_off_of_a_database_an_earlier_version_wrote_gives_its_findings_their_cases(sample_month, tmp_path):
    """The checker signs off a month an earlier version reconciled: the sign-off made `cases` empty and
    left the findings without a case id, and `actions` then said 0 overpayments to reclaim (0 VND)
    for a month of 2 payments after a death and 2 while inactive."""
    db = copy_of(sample_month.db, tmp_path / "old.duckdb")
    expected = query(db, "SELECT flag_id, case_id FROM flags ORDER BY flag_id")
    as_an_earlier_version_left_it(db)
    res = invoke("signoff", "--period", "2024-09", "--db", str(db), "--by", "Lê Thị Kiểm")
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT flag_id, case_id FROM flags ORDER BY flag_id") == expected
    assert query(db, "SELECT count(*) FROM cases") == [(len({c for _, c in expected}),)]
    assert overpayments_to_reclaim(db, tmp_path / "actions").endswith(SEPTEMBER_ACTIONS)


def test_a_database_from_before_keyed_ids_gets_its_key_and_its_cases_when_brought_up_to_date(
    sample_month, tmp_path, monkeypatch
):
    """A month reconciled before keyed ids (no key file, no key_check) and before cases: `report`
    brought it up without a key, so its findings kept no case id and `actions` said 0 overpayments to
    reclaim. Now a key file is made for it, as its next run would make one, and its cases follow."""
    db = copy_of(sample_month.db, tmp_path / "old.duckdb")
    as_an_earlier_version_left_it(db)
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE runs DROP COLUMN key_check")
    monkeypatch.delenv("RECONCILE_KEY")
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(tmp_path / "old.xlsx"))
    assert res.exit_code == 0, res.output
    key = keys.parse((tmp_path / "old.duckdb.key").read_text())
    got = query(db, "SELECT code, program, vneid, account_number, payment_ref, case_id FROM flags")
    assert len(got) == 26 and all(c == keys.case_id(key, *subject) for *subject, c in got)
    assert query(db, "SELECT count(*) FROM cases") == [(len({c for *_, c in got}),)]
    assert overpayments_to_reclaim(db, tmp_path / "actions").endswith(SEPTEMBER_ACTIONS)


def test_a_database_an_earlier_version_wrote_is_not_brought_up_without_its_key(sample_month, tmp_path, monkeypatch):
    """Its findings were keyed: without the key file they cannot get their cases, and the database
    stays as it was (it used to gain an empty `cases` table, never filled but by a run)."""
    db = copy_of(sample_month.db, tmp_path / "old.duckdb")
    as_an_earlier_version_left_it(db)
    before = db.read_bytes()
    monkeypatch.delenv("RECONCILE_KEY")
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(tmp_path / "old.xlsx"))
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {db}.key: no key file beside the database; restore it from its backup, or set "
        "RECONCILE_KEY to the key the database was made with\n",
    )
    assert db.read_bytes() == before and not (tmp_path / "old.duckdb.key").exists()


def test_a_decision_holding_an_id_and_an_account_is_masked_where_ids_are(month, tmp_path):
    """An auditor's words are free text: an ID or account typed into a decision passed whole through
    every --mask-ids output. So did the book's name, saved under the ID of the person it is about
    (`<ID>_T9.xlsx`, as input files may be named), in the source of the case's event that `case`
    prints. And a masked book is not read back: its decisions are masked too."""
    db, book = month
    n, row = row_of(book, "PAID_AFTER_DEATH")
    vneid, account = row["Personal ID"], "0071000123456"
    edited = edit(
        book,
        tmp_path / f"{vneid}_T9.xlsx",
        {
            (n, "Status"): "in_review",
            (n, "Assignee"): f"Lan {vneid}",
            (n, "Decision"): f"TK {account}",
            (n, "Comment"): f"CCCD {vneid}",
        },
    )
    assert invoke("review", "import", str(edited), "--db", str(db), "--by", "Hùng").exit_code == 0
    masked = tmp_path / "masked.xlsx"
    outputs = [
        invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(masked), "--mask-ids"),
        invoke("cases", "--db", str(db), "--mask-ids", "--format", "csv"),
        invoke("case", row["Case id"], "--db", str(db), "--mask-ids"),
    ]
    assert [o.exit_code for o in outputs] == [0, 0, 0], [o.output for o in outputs]
    texts = [o.output for o in outputs[1:]]
    with zipfile.ZipFile(masked) as zf:
        texts.append("".join(zf.read(name).decode() for name in zf.namelist() if name.endswith(".xml")))
    assert all(f"Lan ********{vneid[-4:]}" in t and vneid not in t and account not in t for t in texts)
    assert f"********{vneid[-4:]}_T9.xlsx: sheet 'Findings' row {n}" in texts[1]
    res = invoke("review", "import", str(masked), "--db", str(db), "--by", "Hùng")
    assert res.exit_code == 2
    assert res.output.strip().endswith(
        f"{masked}: was written with --mask-ids, for outside the office: its decisions (masked too) are not read "
        "back; enter them in a workbook written without --mask-ids"
    )


@pytest.mark.parametrize("command", ["cases", "trend"])
def test_a_mistyped_finding_code_is_refused_as_flags_refuses_it(month, command):
    """`--code AMOUNT_MISMATC` printed an empty table, exit 0: read as 'no such cases'."""
    db, _ = month
    res = invoke(command, "--db", str(db), "--code", "AMOUNT_MISMATC")
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1].startswith(
        "reconcile: error: unknown finding code; use one of ACCOUNT_MISMATCH, AMOUNT_MISMATCH, "
    )
    ok = invoke(command, "--db", str(db), "--code", "amount_mismatch", "--format", "json")
    assert ok.exit_code == 0 and {r["code"] for r in json.loads(ok.stdout)} == {"AMOUNT_MISMATCH"}


def test_a_damaged_or_bomb_workbook_is_refused_by_review_import(month, tmp_path):
    """`review import` opened any workbook whole: a sheet's broken XML ended in an internal error (exit
    3), and a zip bomb ran until killed. Both are refused in a line, nothing recorded."""
    import zipfile

    db, book = month
    n, _ = row_of(book, "PAID_AFTER_DEATH")
    marked = edit(book, tmp_path / "marked.xlsx", {(n, "Status"): "XXMARKXX"})
    damaged, bomb = tmp_path / "damaged.xlsx", tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(marked) as src, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item).replace(b"XXMARKXX", b"\x1b[2J\x07bogus"))
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("xl/media/padding.bin", b"0" * (80 << 20))
    res = invoke("review", "import", str(damaged), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {damaged}: a sheet of it is damaged (ParseError); open it in Excel or LibreOffice, "
        "save it again as .xlsx, and import that"
    )
    res = invoke("review", "import", str(bomb), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2, res.output
    assert "it looks like a zip bomb" in res.stderr
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]


def test_an_id_typed_as_a_status_is_not_printed_whole(month, tmp_path):
    """A status cell is echoed in the refusal as typed: an ID pasted there went to the terminal."""
    db, book = month
    n, _ = row_of(book, "PAID_AFTER_DEATH")
    edited = edit(book, tmp_path / "pasted.xlsx", {(n, "Status"): "079196118125"})
    res = invoke("review", "import", str(edited), "--db", str(db), "--by", "Lan")
    assert res.exit_code == 2
    assert "079196118125" not in res.output
    assert f"pasted.xlsx: sheet 'Findings' row {n}: status '********8125' is not one of open" in res.output


def test_a_book_whose_findings_sheet_says_it_is_larger_than_excel_allows_is_refused_before_it_is_read(month, tmp_path):
    """The sheet's own statement of its size (<dimension>) is read before its rows: a book of two
    million rows was read for 39 s before the row count refused it."""
    import re
    import zipfile

    db, book = month
    forged = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="A1:([A-Z]+)[0-9]+"/>', rb'<dimension ref="A1:\g<1>2000000"/>', data)
            dst.writestr(info, data)
    res = invoke("review", "import", str(forged), "--db", str(db), "--by", "Trần Văn Hùng")
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        2,
        f"reconcile: error: {forged}: sheet 'Findings' has more than 1,048,576 rows, more than Excel allows; "
        "give the workbook that 'reconcile run --report' wrote",
    )
    assert query(db, "SELECT count(*) FROM case_events") == [(0,)]
