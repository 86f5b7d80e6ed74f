"""`reconcile actions` (money follow-up): the re-issue lists and recovery demands of a generated
3-month history, read back from the files written, against the history's truth files."""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import fields
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from conftest import copy_of
from reconcile.cli import cli
from reconcile.generate import GenerateConfig, Rates, generate
from reconcile.pipeline import RunConfig, run

RATES = Rates(**{f.name: getattr(Rates(), f.name) * 5 for f in fields(Rates)})  # as test_generate_months
PERIODS = ["2024-09", "2024-10", "2024-11"]
PROGRAMS = {"Pension": "pension", "Social assistance": "welfare"}
AMOUNTS = ("Amount (VND)", "Overpaid (VND)", "Recovered (VND)", "Written off (VND)", "Outstanding (VND)")
INTEGERS = (*AMOUNTS, "Periods flagged")


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_xlsx(path: Path) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    header, *rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(header, row)) for row in rows]


def files(out: Path, kind: str) -> dict[str, list[dict[str, str]]]:
    """The CSV rows of each file of a kind (reissue or recovery), by the file's stem."""
    return {p.stem: read_csv(p) for p in sorted(out.glob(f"{kind}_*.csv"))}


def actions(db: Path, out: Path, period: str, *more: str):
    res = invoke("actions", "--period", period, "--out", str(out), "--db", str(db), "--lang", "en", *more)
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, Path]:
    """A generated 3-month history and its months run into one database."""
    out = tmp_path_factory.mktemp("history")
    generate(GenerateConfig(beneficiaries=2000, seed=1, out=out, months=3, formats=("parquet",), rates=RATES))
    db = tmp_path_factory.mktemp("db") / "h.duckdb"
    for period in PERIODS:
        month = out / period
        run(
            RunConfig(
                period=period,
                registry=[month / "registry.parquet"],
                payments=[month / "payments_bank.parquet", month / "payments_post.parquet"],
                db=db,
            )
        )
    return out, db


@pytest.fixture(scope="module")
def last(history, tmp_path_factory) -> tuple[Path, object]:
    """The action files as of the last month, in English."""
    _, db = history
    out = tmp_path_factory.mktemp("actions") / "2024-11"
    return out, actions(db, out, PERIODS[-1])


def test_as_of_the_last_month_the_re_issue_lists_are_the_truth(history, last):
    truth_dir, db = history
    out, res = last
    rows = [r for stem, found in files(out, "reissue").items() for r in found]
    got = sorted(
        (r["Original payment reference"], r["Personal ID"], PROGRAMS[r["Programme"]], r["Amount (VND)"], r["Period"])
        for r in rows
    )
    truth = [tuple(t.values()) for t in read_csv(truth_dir / "reissue_truth.csv")]
    assert got == sorted(truth) and len(got) == 27
    # each payment in the file of the bank that was to pay it (the post office's is VNPOST)
    paying = dict(
        query(db, "SELECT payment_ref, CASE WHEN channel = 'cash' THEN 'VNPOST' ELSE bank_code END FROM payments")
    )
    for stem, found in files(out, "reissue").items():
        assert found and all(
            stem == f"reissue_{r['Bank']}" == f"reissue_{paying[r['Original payment reference']]}" for r in found
        )
        assert all(r["Reason"].startswith(("returned", "failed")) for r in found)
    assert sorted(files(out, "reissue")) == [
        f"reissue_{b}" for b in ("ACB", "BIDV", "ICB", "LPB", "MB", "TCB", "VBA", "VCB")
    ]
    lines = res.stderr.strip().splitlines()
    assert "reconcile: reissue_ACB.csv, reissue_ACB.xlsx: 2 payments to send again, 11,034,000 VND" in lines
    assert lines[-1] == (
        f"reconcile: action files as of 2024-11 in {out}: 27 payments to send again (154,378,000 VND), "
        "37 overpayments to reclaim (149,760,000 VND)"
    )
    assert not re.search(r"[0-9]{9}", res.stderr)  # names files and counts, never an ID or account


def test_as_of_the_last_month_the_recovery_demands_are_the_truth(history, last):
    truth_dir, db = history
    out, _ = last
    demands = files(out, "recovery")
    rows = [r for found in demands.values() for r in found]
    got = sorted((r["Code"], r["Personal ID"], PROGRAMS[r["Programme"]], r["Overpaid (VND)"]) for r in rows)
    assert got == [tuple(t.values()) for t in read_csv(truth_dir / "recoveries_truth.csv")]
    assert all(r["Outstanding (VND)"] == r["Overpaid (VND)"] and r["Recovered (VND)"] == "0" for r in rows)
    # each case in the file of the bank of its latest overpayment and of its commune
    where = {
        case_id: (bank, commune)
        for case_id, bank, commune in query(
            db,
            """SELECT f.case_id, arg_max(CASE WHEN p.channel = 'cash' THEN 'VNPOST' ELSE p.bank_code END, f.period),
                      any_value(c.commune_code)
               FROM flags AS f JOIN payments AS p USING (period, payment_id) JOIN cases AS c USING (case_id)
               WHERE f.code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') GROUP BY f.case_id""",
        )
    }
    for stem, found in demands.items():
        for r in found:
            bank, commune = where[r["Case id"]]
            assert stem == f"recovery_{r['Bank']}_{r['Commune']}" == f"recovery_{bank}_{commune}"
    assert len(rows) == 37 and "recovery_VIETTELMONEY_26425" in demands  # an e-wallet is a paying "bank" too


def test_the_csv_and_the_workbook_hold_the_same_rows_ids_as_text(last):
    out, _ = last
    stems = [p.stem for p in sorted(out.glob("*.csv"))]
    assert sorted(p.stem for p in out.glob("*.xlsx")) == stems and len(stems) == 8 + 37
    for stem in stems:
        from_csv = [
            {k: (int(v) if k in INTEGERS else v or None) for k, v in r.items()} for r in read_csv(out / f"{stem}.csv")
        ]
        assert read_xlsx(out / f"{stem}.xlsx") == from_csv, stem
    ws = openpyxl.load_workbook(out / "reissue_ACB.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    ids = ws.cell(2, header.index("Personal ID") + 1)
    commune = ws.cell(2, header.index("Commune") + 1)
    amount = ws.cell(2, header.index("Amount (VND)") + 1)
    assert (ids.data_type, ids.value) == ("s", "024150000000")  # the leading zero kept: text, not a number
    assert (commune.data_type, commune.value) == ("s", "09499")
    assert (amount.data_type, amount.value, amount.number_format) == ("n", 10_534_000, "#,##0")
    assert ws[1][0].font.b and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K3"
    assert (out / "reissue_ACB.csv").read_bytes().startswith(b"\xef\xbb\xbfPeriod,")


def test_as_of_the_middle_month_only_what_was_due_by_then(history, tmp_path):
    truth_dir, db = history
    out = tmp_path / "2024-10"
    actions(db, out, "2024-10")
    rows = [r for found in files(out, "reissue").values() for r in found]
    got = sorted((r["Period"], r["Original payment reference"]) for r in rows)
    expected = query(
        db,
        """WITH paid AS (
               SELECT m.period, m.vneid, m.program FROM payments AS p JOIN matches AS m USING (period, payment_id)
               WHERE p.status = 'success' AND p.in_period AND p.period <= '2024-10')
           SELECT p.period, p.payment_ref FROM payments AS p JOIN matches AS m USING (period, payment_id)
           WHERE p.status IN ('failed', 'returned') AND p.period <= '2024-10'
             AND NOT EXISTS (SELECT 1 FROM paid AS s
                             WHERE s.vneid = m.vneid AND s.program = m.program AND s.period >= p.period)
           ORDER BY ALL""",
    )
    assert got == expected and all(p <= "2024-10" for p, _ in got)
    # the truth as of November less November's own, and those November paid
    truth = {(t["period"], t["payment_ref"]) for t in read_csv(truth_dir / "reissue_truth.csv")}
    assert {t for t in truth if t[0] <= "2024-10"} < set(got)
    settled_in_november = set(got) - truth
    paid_in_november = set(
        query(
            db,
            """SELECT f.period, f.payment_ref FROM payments AS f JOIN matches AS m USING (period, payment_id)
               WHERE f.status IN ('failed', 'returned') AND EXISTS (
                   SELECT 1 FROM payments AS p JOIN matches AS n USING (period, payment_id)
                   WHERE p.period = '2024-11' AND p.status = 'success' AND p.in_period
                     AND n.vneid = m.vneid AND n.program = m.program)""",
        )
    )
    assert settled_in_november <= paid_in_november and len(settled_in_november) == 8
    demands = [r for found in files(out, "recovery").values() for r in found]
    assert {r["First period"] for r in demands} <= {"2024-09", "2024-10"}
    assert (
        len(demands)
        == query(db, "SELECT count(*) FROM recoveries WHERE first_period <= '2024-10' AND outstanding > 0")[0][0]
    )


def test_a_recovery_recorded_reduces_the_demand_and_a_full_one_removes_it(history, tmp_path):
    _, shared = history
    db = copy_of(shared, tmp_path / "r.duckdb")
    book = tmp_path / "book.xlsx"
    assert (
        invoke("report", "--period", "2024-11", "--db", str(db), "--report", str(book), "--lang", "en").exit_code == 0
    )
    (part, part_overpaid), (whole, whole_overpaid) = query(
        db,
        """SELECT case_id, overpaid FROM recoveries
           WHERE last_period = '2024-11' AND overpaid > 500000 ORDER BY case_id LIMIT 2""",
    )
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    header = [c.value for c in ws[1]]
    decided = {part: 500_000, whole: whole_overpaid}
    for row in range(2, ws.max_row + 1):
        case_id = ws.cell(row, header.index("Case id") + 1).value
        if case_id in decided:
            ws.cell(row, header.index("Status") + 1).value = "recovery"
            ws.cell(row, header.index("Amount recovered or written off (VND)") + 1).value = decided.pop(case_id)
    assert not decided
    wb.save(tmp_path / "decided.xlsx")
    res = invoke("review", "import", str(tmp_path / "decided.xlsx"), "--db", str(db), "--by", "Lê Thị Hoa")
    assert res.exit_code == 0, res.output
    out = tmp_path / "out"
    actions(db, out, "2024-11")
    rows = {r["Case id"]: r for found in files(out, "recovery").values() for r in found}
    assert whole not in rows and len(rows) == 36
    assert (rows[part]["Recovered (VND)"], rows[part]["Outstanding (VND)"]) == (
        "500000",
        str(part_overpaid - 500_000),
    )


def test_mask_ids_masks_every_id_account_and_reference_in_every_file(history, tmp_path):
    _truth_dir, db = history
    out = tmp_path / "masked"
    res = actions(db, out, "2024-11", "--mask-ids")
    assert res.stderr.strip().splitlines()[-1].endswith(", IDs masked")
    whole = {
        v
        for (v,) in query(
            db,
            "SELECT vneid FROM registry UNION SELECT account_number FROM registry "
            "UNION SELECT account_number FROM payments UNION SELECT payment_ref FROM payments",
        )
        if v
    }
    written = sorted(out.iterdir())
    assert len(written) == 2 * (8 + 37)
    for path in written:
        if path.suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
        else:
            cells = [c for row in openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True) for c in row]
            text = "\n".join(str(c) for c in cells if c is not None)
        assert not re.search(r"[0-9]{9}", text), path.name
        assert not any(v in text for v in whole if len(v) > 4), path.name
    masked = read_csv(out / "reissue_ACB.csv")[0]
    assert (masked["Personal ID"], masked["Full name"]) == ("********0000", "Hồ Thị Thanh Mai")  # names stay
    assert masked["Original payment reference"] == "*************1769"


def test_a_period_not_in_the_database_is_refused(history, tmp_path):
    _, db = history
    out = tmp_path / "none"
    res = invoke("actions", "--period", "2024-12", "--out", str(out), "--db", str(db))
    assert res.exit_code == 2
    assert res.stderr == (
        f"reconcile: error: {db}: holds no run of 2024-12; see 'reconcile periods' for the periods it holds\n"
    )
    assert not out.exists()
    assert invoke("actions", "--period", "2024-13", "--out", str(out), "--db", str(db)).exit_code == 2


def test_a_file_as_out_is_refused_and_other_files_are_left_but_named(history, tmp_path):
    _, db = history
    (tmp_path / "f").write_text("x")
    res = invoke("actions", "--period", "2024-11", "--out", str(tmp_path / "f"), "--db", str(db))
    assert res.exit_code == 2 and res.stderr == f"reconcile: error: {tmp_path / 'f'}: is a file; give --out a folder\n"
    out = tmp_path / "out"
    out.mkdir()
    (out / "reissue_OLDBANK.csv").write_text("old")
    (out / "notes.txt").write_text("mine")
    res = actions(db, out, "2024-11")
    assert (
        f"reconcile: {out} also holds 1 action file this listing did not write (of another period or an earlier "
        "listing): reissue_OLDBANK.csv; remove them or use a new folder, so that they are not sent by mistake"
    ) in res.stderr
    assert (out / "reissue_OLDBANK.csv").read_text() == "old" and (out / "notes.txt").read_text() == "mine"
    # in Vietnamese by default, as the workbook is
    res = invoke("actions", "--period", "2024-11", "--out", str(tmp_path / "vi"), "--db", str(db))
    assert res.exit_code == 0, res.output
    header = (tmp_path / "vi" / "reissue_ACB.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == (
        "Kỳ,Họ và tên,Số định danh,Số tài khoản,Ngân hàng,Số tiền (đồng),Số tham chiếu khoản chi gốc,"
        "Lý do,Chế độ,Mã tỉnh,Mã xã"
    )
    first = read_xlsx(tmp_path / "vi" / "recovery_ACB_06946.xlsx")[0]
    assert (first["Chế độ"], first["Còn phải thu hồi (đồng)"]) == ("Trợ giúp xã hội", 1_500_000)


def test_a_payment_retried_within_the_month_or_listed_twice_is_sent_again_once_or_not_at_all(history, tmp_path):
    """The bank tried again within the month and it went through: no PAYMENT_FAILED finding, nothing to
    send again. A returned payment listed again in another file (repeat_of) is one payment to send."""
    truth_dir, _ = history
    month = truth_dir / "2024-11"
    bank = pl.read_parquet(month / "payments_bank.parquet")
    returned = bank.filter(pl.col("status") == "returned")
    retried = returned.head(1).with_columns(
        status=pl.lit("success"), payment_ref=pl.lit("FT-RETRY-1"), narrative=pl.lit("Chi lai T11/2024")
    )
    pl.concat([bank, retried]).write_parquet(tmp_path / "payments_bank.parquet")
    others = (
        bank.filter(pl.col("status") == "success")
        .head(2)
        .with_columns(payment_ref=pl.lit("FT-X-") + pl.col("payment_ref"))
    )
    pl.concat([returned.slice(1, 1), others]).write_parquet(tmp_path / "payments_extra.parquet")
    db = tmp_path / "one.duckdb"
    run(
        RunConfig(
            period="2024-11",
            registry=[month / "registry.parquet"],
            payments=[
                tmp_path / "payments_bank.parquet",
                month / "payments_post.parquet",
                tmp_path / "payments_extra.parquet",
            ],
            db=db,
        )
    )
    out = tmp_path / "out"
    actions(db, out, "2024-11")
    refs = [r["Original payment reference"] for found in files(out, "reissue").values() for r in found]
    failed = {ref for (ref,) in query(db, "SELECT payment_ref FROM flags WHERE code = 'PAYMENT_FAILED'")}
    assert returned["payment_ref"][0] not in refs and returned["payment_ref"][0] not in failed
    assert query(db, "SELECT count(*) FROM payments WHERE payment_ref = ?", [returned["payment_ref"][1]]) == [(2,)]
    assert sorted(refs) == sorted(failed) and len(refs) == 9


def test_a_payment_tried_again_and_failed_again_is_sent_again_once(history, tmp_path):
    """The bank retried a returned payment later in the month and it failed again: one payment to
    send, its last attempt, not the month's amount twice."""
    truth_dir, _ = history
    month = truth_dir / "2024-11"
    bank = pl.read_parquet(month / "payments_bank.parquet")
    returned = bank.filter(pl.col("status") == "returned").head(1)
    retry = returned.with_columns(
        status=pl.lit("failed"),
        payment_ref=pl.lit("FT-RETRY-1"),
        value_date=pl.col("value_date").cast(pl.Date) + pl.duration(days=3),
    )
    pl.concat([bank, retry.with_columns(pl.col("value_date").cast(bank.schema["value_date"]))]).write_parquet(
        tmp_path / "payments_bank.parquet"
    )
    db = tmp_path / "one.duckdb"
    given = [tmp_path / "payments_bank.parquet", month / "payments_post.parquet"]
    run(RunConfig(period="2024-11", registry=[month / "registry.parquet"], payments=given, db=db))
    out = tmp_path / "out"
    actions(db, out, "2024-11")
    rows = [r for found in files(out, "reissue").values() for r in found if r["Personal ID"] == returned["vneid"][0]]
    assert [(r["Original payment reference"], int(r["Amount (VND)"])) for r in rows] == [
        ("FT-RETRY-1", int(returned["amount"][0]))
    ]


def test_as_of_the_middle_month_the_demands_are_the_overpayments_flagged_by_then(history, tmp_path):
    _, db = history
    out = tmp_path / "demands-2024-10"
    actions(db, out, "2024-10")
    rows = [r for found in files(out, "recovery").values() for r in found]
    expected = query(
        db,
        """SELECT vneid, program, sum(paid_amount) FROM flags
           WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND period <= '2024-10'
           GROUP BY case_id, vneid, program ORDER BY ALL""",
    )
    assert sorted((r["Personal ID"], PROGRAMS[r["Programme"]], int(r["Outstanding (VND)"])) for r in rows) == [
        (v, p, a) for v, p, a in expected
    ]


def decide(db: Path, period: str, folder: Path, amounts: dict[str, int]) -> None:
    """Enter `recovery` with an amount for each case in the findings sheet of the workbook of `period`,
    and import it, as an auditor does."""
    book = folder / f"book-{period}.xlsx"
    res = invoke("report", "--period", period, "--db", str(db), "--report", str(book), "--lang", "en")
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    header = [c.value for c in ws[1]]
    left = dict(amounts)
    for row in range(2, ws.max_row + 1):
        case_id = ws.cell(row, header.index("Case id") + 1).value
        if case_id in left:
            ws.cell(row, header.index("Status") + 1).value = "recovery"
            ws.cell(row, header.index("Amount recovered or written off (VND)") + 1).value = left.pop(case_id)
    assert not left
    wb.save(folder / f"decided-{period}.xlsx")
    res = invoke("review", "import", str(folder / f"decided-{period}.xlsx"), "--db", str(db), "--by", "Lê Thị Hoa")
    assert res.exit_code == 0, res.output


def summary_overpayments(book: Path) -> list[tuple]:
    """The summary sheet's table of overpayments: programme, cases, overpaid, recovered, written off,
    outstanding, its total last."""
    rows = list(openpyxl.load_workbook(book, read_only=True)["Summary"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Overpayments to recover"))
    end = next(i for i in range(start, len(rows)) if rows[i][0] == "Total")
    return [tuple(r[:6]) for r in rows[start + 2 : end + 1]]


AS_OF = ("case_id", "overpaid", "recovered", "written_off", "outstanding")


def test_a_past_months_workbook_and_actions_agree_as_of_that_month(history, tmp_path):
    """The workbook of October counts the overpayments flagged up to October, not November's, and the
    decisions entered in the workbooks up to October, not one entered in November's (which may count
    November's money), however late it was imported; `reconcile actions` for October says the same."""
    from reconcile.actions import overpayments

    _, shared = history
    db = copy_of(shared, tmp_path / "r.duckdb")
    # a pension case flagged in September to November, decided in October's workbook; one flagged from
    # October, decided in November's
    cases = (
        "SELECT case_id FROM flags WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') "
        "AND program = 'pension' GROUP BY case_id HAVING min(period) = ? AND max(period) = '2024-11' "
        "ORDER BY case_id LIMIT 1"
    )
    [(in_october,)] = query(db, cases, ["2024-09"])
    [(in_november,)] = query(db, cases, ["2024-10"])
    decide(db, "2024-11", tmp_path, {in_november: 2_000_000})
    decide(db, "2024-10", tmp_path, {in_october: 1_000_000})  # imported after November's: it still counts
    book = tmp_path / "october.xlsx"
    assert (
        invoke("report", "--period", "2024-10", "--db", str(db), "--report", str(book), "--lang", "en").exit_code == 0
    )
    assert summary_overpayments(book) == [
        ("Pension", 6, 59_640_000, 1_000_000, 0, 58_640_000),
        ("Social assistance", 16, 19_000_000, 0, 0, 19_000_000),
        ("Total", 22, 78_640_000, 1_000_000, 0, 77_640_000),
    ]
    assert query(  # the findings up to October, to the dong
        db,
        "SELECT count(DISTINCT case_id), sum(paid_amount) FROM flags WHERE program = 'pension' "
        "AND code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND period <= '2024-10'",
    ) == [(6, 59_640_000)]
    res = actions(db, tmp_path / "out-10", "2024-10")
    assert res.stderr.strip().splitlines()[-1].endswith("22 overpayments to reclaim (77,640,000 VND)")
    # as of November, the latest: every finding and decision, as the recoveries view has them
    book = tmp_path / "november.xlsx"
    assert (
        invoke("report", "--period", "2024-11", "--db", str(db), "--report", str(book), "--lang", "en").exit_code == 0
    )
    assert summary_overpayments(book)[-1] == ("Total", 37, 149_760_000, 3_000_000, 0, 146_760_000)
    assert query(db, "SELECT count(*), sum(overpaid), sum(recovered), sum(outstanding) FROM recoveries") == [
        (37, 149_760_000, 3_000_000, 146_760_000)
    ]
    with duckdb.connect(str(db), read_only=True) as con:  # case by case: the same rule as cases_refresh.sql
        as_of = overpayments(con, "2024-11").select(AS_OF).sort("case_id").rows()
    assert as_of == query(db, f"SELECT {', '.join(AS_OF)} FROM recoveries ORDER BY case_id")
    res = actions(db, tmp_path / "out-11", "2024-11")
    assert res.stderr.strip().splitlines()[-1].endswith("37 overpayments to reclaim (146,760,000 VND)")


def test_a_payment_to_a_beneficiary_who_died_or_is_not_active_is_held_back_not_sent_again(history, tmp_path):
    """Her payments returned in September, October and November (account closed), she is deceased in
    November's registry, dead since 20/10/2024; another's returned in September and October, he is
    suspended in November's. None is sent again as of November: they are in held_back, with why."""
    from reconcile.actions import write_actions

    truth_dir, _ = history
    registry = pl.read_parquet(truth_dir / "2024-11" / "registry.parquet").with_columns(
        status=pl.when(pl.col("vneid") == "026139000000")
        .then(pl.lit("deceased"))
        .when(pl.col("vneid") == "015136000000")
        .then(pl.lit("suspended"))
        .otherwise(pl.col("status")),
        date_of_death=pl.when(pl.col("vneid") == "026139000000")
        .then(pl.date(2024, 10, 20))
        .otherwise(pl.col("date_of_death")),
    )
    registry.write_parquet(tmp_path / "registry.parquet")
    db = tmp_path / "held.duckdb"
    for period in PERIODS:
        month = truth_dir / period
        run(
            RunConfig(
                period=period,
                registry=[tmp_path / "registry.parquet" if period == "2024-11" else month / "registry.parquet"],
                payments=[month / "payments_bank.parquet", month / "payments_post.parquet"],
                db=db,
            )
        )
    out = tmp_path / "out"
    res = actions(db, out, "2024-11")
    sent = [r for found in files(out, "reissue").values() for r in found]
    assert not {r["Personal ID"] for r in sent} & {"026139000000", "015136000000"}
    assert (
        res.stderr.strip()
        .splitlines()[-1]
        .startswith(f"reconcile: action files as of 2024-11 in {out}: 22 payments to send again (115,762,000 VND), ")
    )
    held = [
        (
            r["Period"],
            r["Personal ID"],
            r["Bank"],
            r["Amount (VND)"],
            r["Original payment reference"],
            r["Held back because"],
        )
        for r in read_csv(out / "held_back.csv")
    ]
    assert held == [
        (
            "2024-09",
            "015136000000",
            "LPB",
            "11508000",
            "FT202409000000191",
            "status suspended in the registry of 2024-11",
        ),
        (
            "2024-10",
            "015136000000",
            "LPB",
            "11508000",
            "FT202410000000180",
            "status suspended in the registry of 2024-11",
        ),
        (
            "2024-09",
            "026139000000",
            "VBA",
            "5200000",
            "FT202409000000543",
            "status deceased in the registry of 2024-11",
        ),
        (
            "2024-10",
            "026139000000",
            "VBA",
            "5200000",
            "FT202410000000527",
            "status deceased in the registry of 2024-11",
        ),
        (
            "2024-11",
            "026139000000",
            "VBA",
            "5200000",
            "FT202411000000512",
            "died on 20/10/2024, before the payment's date 03/11/2024 (registry of 2024-11)",
        ),
    ]
    assert len(read_xlsx(out / "held_back.xlsx")) == 5
    with duckdb.connect(str(db), read_only=True) as con:
        result = write_actions(con, "2024-11", tmp_path / "vi", lang="vi")
    assert result.held is not None and (result.held.rows, result.held.amount) == (5, 38_616_000)
    assert read_csv(tmp_path / "vi" / "held_back.csv")[-1]["Lý do chưa chi trả lại"] == (
        "đã chết ngày 20/10/2024, trước ngày chi 03/11/2024 (danh sách đối tượng kỳ 2024-11)"
    )
    # as of October her registry said active: sent again then, and nothing held back
    actions(db, tmp_path / "october", "2024-10")
    assert not (tmp_path / "october" / "held_back.csv").exists()
    october = [r["Original payment reference"] for r in read_csv(tmp_path / "october" / "reissue_VBA.csv")]
    assert {"FT202409000000543", "FT202410000000527"} <= set(october)
    # a held_back file of an earlier listing left in the folder is named, as any action file is
    (tmp_path / "october" / "held_back.csv").write_text("old")
    assert "held_back.csv" in actions(db, tmp_path / "october", "2024-10").stderr


def test_the_lists_of_a_partial_month_are_refused_unless_asked_for_and_then_say_partial(tmp_path):
    """September reconciled without the post office's list (--partial): its cash beneficiaries may
    have been paid there, so a list to send payments again could ask twice. `actions` said nothing."""
    sample = Path(__file__).parent.parent / "fixtures" / "sample"
    db = tmp_path / "r.duckdb"
    cfg = RunConfig(
        period="2024-09", registry=[sample / "registry.csv"], payments=[sample / "bank_transfers.csv"], db=db
    )
    cfg.partial = True
    run(cfg)
    res = invoke("actions", "--period", "2024-09", "--out", str(tmp_path / "out"), "--db", str(db), "--lang", "en")
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        "reconcile: error: 2024-09: reconciled without every source (PARTIAL), so the lists may ask again for "
        "payments made through a missing source; run the month again with every file, or pass --partial to write "
        "them anyway"
    )
    assert not (tmp_path / "out").exists()
    res = actions(db, tmp_path / "out", "2024-09", "--partial")
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines()[0] == (
        "reconcile: PARTIAL: 2024-09 reconciled without every source; the lists may ask again for payments made "
        "through a missing source"
    )
    # the mark goes with the files: in their names, and at the head of each printed page
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written and all(name.rsplit(".", 1)[0].endswith("_PARTIAL") for name in written), written
    assert "reissue_BIDV_PARTIAL.csv" in written
    with zipfile.ZipFile(tmp_path / "out" / "reissue_BIDV_PARTIAL.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert (
        "<oddHeader>&amp;L&amp;BPARTIAL: 2024-09 reconciled without every source; this list may ask again for "
        "payments made through a missing source</oddHeader>"
    ) in sheet
    # the month run again with every file: the new lists are not marked, and the old ones are named
    run(
        RunConfig(
            period="2024-09", registry=cfg.registry, payments=[*cfg.payments, sample / "post_office_cash.xlsx"], db=db
        )
    )
    res = actions(db, tmp_path / "out", "2024-09")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "reissue_BIDV.csv").exists()
    assert "reissue_BIDV_PARTIAL.csv" in res.stderr.splitlines()[-2]


def test_an_overpayment_through_a_bank_and_the_post_office_is_reclaimed_from_each(tmp_path):
    """Hùng, dead since 01/09, was paid 1,500,000 into his VBA account on 05/09 and 1,500,000 in cash
    at the post office on 20/09. The demand went to the post office alone, for 3,000,000, the bank of
    his latest payment: the bank was never asked for the money in his account. Each is asked for its
    part; what was recovered is set against the latest paid first."""
    from test_cases_money import AMOUNT, decide
    from test_pipeline import PAYMENTS, REG_HEADER, REGISTRY, month

    registry = [[*row, "01/09/2024" if i == 0 else ""] for i, row in enumerate(REGISTRY)]
    registry[0][10] = "deceased"
    cash = ["BD010", "001087012345", "Nguyễn Văn Hùng", "", "", "1.500.000", "20/09/2024", "cash", "success"]
    reg, pay = month(tmp_path, registry=registry, payments=[*PAYMENTS, cash], reg_header=[*REG_HEADER, "date_of_death"])
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    res = actions(db, tmp_path / "out", "2024-09")
    demands = {p.name: read_csv(p) for p in sorted((tmp_path / "out").glob("recovery_*.csv"))}
    assert [
        (name, r["Bank"], r["Overpaid (VND)"], r["Outstanding (VND)"]) for name, rs in demands.items() for r in rs
    ] == [
        ("recovery_VBA_unknown.csv", "VBA", "1500000", "1500000"),
        ("recovery_VNPOST_unknown.csv", "VNPOST", "1500000", "1500000"),
    ]
    assert "2 overpayments to reclaim (3,000,000 VND)" in res.stderr
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH'")[0]
    assert decide(db, case_id, tmp_path / "rec.xlsx", Status="recovery", **{AMOUNT: 2_000_000}).exit_code == 0
    actions(db, tmp_path / "after", "2024-09")
    after = [
        (p.name, r["Recovered (VND)"], r["Outstanding (VND)"])
        for p in sorted((tmp_path / "after").glob("recovery_*.csv"))
        for r in read_csv(p)
    ]
    assert after == [("recovery_VBA_unknown.csv", "500000", "1000000")]  # the post office's part recovered


def test_a_database_named_like_an_action_file_in_the_out_folder_is_not_written_over(sample_month, tmp_path):
    """`--db act/reissue_BIDV.csv --out act` replaced the database, every period and decision in it, by
    the bank's re-issue list."""
    out = tmp_path / "act"
    out.mkdir()
    db = copy_of(sample_month.db, out / "reissue_BIDV.csv")
    before = db.read_bytes()
    res = invoke("actions", "--period", "2024-09", "--out", str(out), "--db", str(db), "--lang", "en")
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {db}: given as --db, and --out {out} writes a file of that name; give the database "
        "another name, or --out another folder"
    )
    assert db.read_bytes() == before


def test_a_failed_payment_naming_no_bank_goes_to_the_file_of_the_bank_the_registry_gives(tmp_path):
    """A bank's list without a bank column (or a camt return without the creditor's agent): its failed
    payment was listed in reissue_unknown.csv, a file no bank receives. The registry gives the
    beneficiary's bank that month: the payment is in that bank's file."""
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "vneid,full_name,date_of_birth,program,entitled_amount,channel,bank_code,account_number,status\n"
        "001044012345,Nguyễn Văn An,1944-03-01,welfare,1500000,bank,VCB,0011001234567,active\n"
        "001150000111,Trần Thị Bình,1950-05-02,welfare,1000000,bank,VCB,0011001234568,active\n",
        encoding="utf-8",
    )
    bank = tmp_path / "bank.csv"
    bank.write_text(
        "payment_ref,vneid,payee_name,account_number,amount,value_date,channel,status\n"
        "FT1,001044012345,NGUYEN VAN AN,0011001234567,1500000,05/09/2024,bank,success\n"
        "FT2,001150000111,TRAN THI BINH,0011001234568,1000000,05/09/2024,bank,failed\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.duckdb"
    res = invoke("run", "--period", "2024-09", "--db", str(db), "--registry", str(registry), "--payments", str(bank))
    assert res.exit_code == 0, res.output
    out = tmp_path / "actions"
    res = invoke("actions", "--period", "2024-09", "--db", str(db), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.glob("reissue_*.csv")) == ["reissue_VCB.csv"]
    assert [r["Số tham chiếu khoản chi gốc"] for r in read_csv(out / "reissue_VCB.csv")] == ["FT2"]
