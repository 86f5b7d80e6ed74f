"""The workbook, the flat exports and the progress line, read back and checked against the database."""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
from datetime import datetime

import duckdb
import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import copy_of, posix_only, write_csv
from reconcile.cli import cli
from reconcile.masking import mask_id, mask_text
from reconcile.messages import set_language, translate
from reconcile.pipeline import RunConfig, run
from reconcile.report import sheetxml
from reconcile.report.cells import EXCEL_MAX_TEXT
from reconcile.report.cells import clean_text as _clean
from reconcile.report.details import CLAUSES, macro_sql
from reconcile.report.export import write_exports
from reconcile.report.labels import LABELS, label
from reconcile.report.progress import Progress
from reconcile.report.styles import SEVERITY_COLOURS
from reconcile.report.workbook import write_workbook
from reconcile.sample import PERIOD
from reconcile.warehouse import FLAGS_ORDER
from test_pipeline import PAY_HEADER, PAYMENTS, REG_HEADER, REGISTRY, month

FINDING_HEADERS_EN = [
    "Code",
    "Severity",
    "Description",
    "Personal ID",
    "Full name",
    "Programme",
    "Province",
    "Commune",
    "Expected amount (VND)",
    "Paid amount (VND)",
    "Difference (VND)",
    "Payment reference",
    "Payee name",
    "Account number",
    "Value date",
    "Matched by",
    "Detail",
    "Source file",
    "Source sheet",
    "Source row",
    "Finding id",
    "Case id",
    "Periods flagged",
    "Status",
    "Assignee",
    "Decision",
    "Amount recovered or written off (VND)",
    "Comment",
    "Decision as written (hidden; do not edit)",
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory, sample_month):
    """The sample month reconciled once, and its workbook in both languages."""
    root = tmp_path_factory.mktemp("wb")
    db = copy_of(sample_month.db, root / "sample.duckdb")
    con = duckdb.connect(str(db), read_only=True)
    books = {
        lang: write_workbook(con, PERIOD, root / f"{lang}.xlsx", lang=lang, database=str(db)) for lang in ("vi", "en")
    }
    yield con, books, root
    con.close()


def _values(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _findings_db(con, lang: str) -> list[tuple]:
    """The findings as the sheet shows them: under vi, the description and the detail in Vietnamese
    (the detail by the workbook's own macro; test_a_finding_s_detail_is_in_vietnamese_... checks it)."""
    desc = "description_vi" if lang == "vi" else "description_en"
    con.execute(macro_sql())
    detail = "rc_detail_vi(f.code, f.detail)" if lang == "vi" else "f.detail"
    return con.execute(
        f"""
        SELECT f.code, f.severity, r.{desc}, f.vneid, f.full_name, f.expected_amount, f.paid_amount,
               f.payment_ref, f.account_number, p.value_date, {detail}, f.source_file, f.source_sheet, f.source_row,
               f.flag_id, f.case_id, 1 AS periods_flagged, 'open' AS status
        FROM flags f JOIN rules r USING (code)
        LEFT JOIN payments p ON p.period = f.period AND p.payment_id = f.payment_id
        WHERE f.period = ?
        ORDER BY f.severity_rank DESC, f.code, f.province_code NULLS LAST, f.commune_code NULLS LAST,
                 f.vneid NULLS LAST, f.payment_ref NULLS LAST, f.flag_id""",
        [PERIOD],
    ).fetchall()


def _project(row: list) -> tuple:
    """The findings-sheet cells that _findings_db selects, in its order."""
    (
        code,
        sev,
        desc,
        vneid,
        name,
        _prog,
        _prov,
        _comm,
        exp,
        paid,
        _diff,
        ref,
        _payee,
        acct,
        vdate,
        _m,
        detail,
        sfile,
        ssheet,
        srow,
        fid,
        case_id,
        periods,
        status,
        _assignee,
        _decision,
        _amount,
        _comment,
        _check,
    ) = row
    return (
        code,
        sev,
        desc,
        vneid,
        name,
        exp,
        paid,
        ref,
        acct,
        vdate.date() if vdate else None,
        detail,
        sfile,
        ssheet,
        srow,
        fid,
        case_id,
        periods,
        status,
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sheets_are_named_in_the_language_chosen(sample, lang):
    _, books, _ = sample
    wb = openpyxl.load_workbook(books[lang].path)
    keys = ["summary", "findings", "cases", "noncash", "rejected", "inputs", "parameters"]
    assert wb.sheetnames == [label("sheet." + k, lang) for k in keys]
    assert books[lang].sheets == wb.sheetnames


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_findings_sheet_holds_every_flag_in_order_with_its_evidence(sample, lang):
    con, books, _ = sample
    wb = openpyxl.load_workbook(books[lang].path)
    ws = wb[label("sheet.findings", lang)]
    rows = _values(ws)
    if lang == "en":
        assert rows[0] == FINDING_HEADERS_EN
    expected = _findings_db(con, lang)
    assert len(rows) - 1 == len(expected) == 26
    severity_word = {s: label("severity." + s, lang) for s in SEVERITY_COLOURS}
    assert [_project(r) for r in rows[1:]] == [(c, severity_word[s], *rest) for c, s, *rest in expected]
    # layout an auditor relies on
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:AC27"
    assert ws.column_dimensions["AC"].hidden
    # the status is a drop-down of the lifecycle's statuses, on every row of the findings
    (validation,) = ws.data_validations.dataValidation
    assert (validation.type, validation.formula1, str(validation.sqref)) == (
        "list",
        '"open,in_review,explained,recovery,recovered,written_off,closed"',
        "X2:X27",
    )
    # selecting a status cell says what each status means, in the book's language
    assert (validation.showInputMessage, validation.promptTitle) == (True, label("col.status", lang))
    assert validation.prompt == label("help.status", lang)
    assert ("recovery: đang thu hồi" in validation.prompt) == (lang == "vi")
    first = ws["A2"].value  # the most severe finding comes first
    assert first == "PAID_AFTER_DEATH"
    assert ws["B2"].fill.fgColor.rgb.endswith(SEVERITY_COLOURS["critical"][0][1:])
    assert ws["I2"].number_format == "#,##0"
    assert isinstance(ws["O2"].value, datetime) and ws["O2"].number_format == "dd/mm/yyyy"


def test_vietnamese_workbook_uses_vietnamese_descriptions_and_words(sample):
    con, books, _ = sample
    ws = openpyxl.load_workbook(books["vi"].path)["Phát hiện"]
    assert ws["A1"].value == "Mã phát hiện"
    assert ws["B2"].value == "nghiêm trọng"
    assert (
        ws["C2"].value == con.execute("SELECT description_vi FROM rules WHERE code = 'PAID_AFTER_DEATH'").fetchone()[0]
    )
    assert ws["C2"].value == unicodedata.normalize("NFC", ws["C2"].value)
    assert {ws.cell(r, 6).value for r in range(2, ws.max_row + 1)} <= {"Trợ giúp xã hội", "Lương hưu", "Không xác định"}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_summary_counts_per_finding_and_totals_match_the_database(sample, lang):
    con, books, _ = sample
    rows = _values(openpyxl.load_workbook(books[lang].path)[label("sheet.summary", lang)])
    assert rows[0][0] == label("title", lang, period=PERIOD)
    start = next(i for i, r in enumerate(rows) if r[0] == label("section.findings", lang)) + 2
    counts = {r[0]: (r[1], r[2], r[3], r[4]) for r in rows[start : start + 14]}
    db = {
        code: (label("severity." + sev, lang), n, e, p)
        for code, sev, n, e, p in con.execute(
            """
        SELECT r.code, r.severity, count(f.code), sum(f.expected_amount), sum(f.paid_amount)
        FROM rules r LEFT JOIN flags f ON f.code = r.code AND f.period = ? GROUP BY ALL""",
            [PERIOD],
        ).fetchall()
    }
    assert counts == db
    assert rows[start + 14][0] == label("total", lang) and rows[start + 14][2] == 26
    # per severity, most severe first
    start = next(i for i, r in enumerate(rows) if r[0] == label("section.severity", lang)) + 2
    db = [
        (label("severity." + sev, lang), n, e, p)
        for sev, n, e, p in con.execute(
            """
        SELECT severity, count(*), sum(expected_amount), sum(paid_amount) FROM flags WHERE period = ?
        GROUP BY severity, severity_rank ORDER BY severity_rank DESC""",
            [PERIOD],
        ).fetchall()
    ]
    assert [tuple(r[:4]) for r in rows[start : start + 4]] == db
    # beneficiaries and payments, due and paid
    start = next(i for i, r in enumerate(rows) if r[0] == label("section.totals", lang)) + 2
    totals = next(r for r in rows[start:] if r[0] == label("total", lang))
    due, paid = con.execute(
        """
        SELECT (SELECT sum(entitled_amount) FROM registry WHERE period = $p AND is_primary AND status = 'active'),
               (SELECT sum(amount) FROM payments WHERE period = $p AND status = 'success' AND in_period)""",
        {"p": PERIOD},
    ).fetchone()
    assert totals[1:7] == [300, 296, due, 297, paid, paid - due]
    # the non-cash share per programme beside its target
    start = next(i for i, r in enumerate(rows) if r[0] == label("section.noncash", lang)) + 2
    welfare = next(r for r in rows[start:] if r[0] == label("program.welfare", lang))
    share, target, met = con.execute(
        """SELECT share_payments, target, target_met FROM noncash_share
        WHERE period = ? AND level = 'program' AND channel_group = 'all' AND program = 'welfare'""",
        [PERIOD],
    ).fetchone()
    assert (welfare[5], welfare[7], welfare[8]) == (
        pytest.approx(share),
        target,
        label("met.yes" if met else "met.no", lang),
    )

    # the files read: a total per role (amounts due and amounts paid are not added together)
    start = next(i for i, r in enumerate(rows) if r[0] == label("section.inputs", lang)) + 2
    per_role = [tuple(r[1:9]) for r in rows[start:] if r[0] == label("total", lang)][:2]
    db = con.execute(
        """SELECT role, sum(rows_read), sum(rows_loaded), sum(rows_rejected), sum(coalesce(rows_set_aside, 0)),
                  sum(amount_read), sum(amount_loaded), sum(amount_rejected)
           FROM inputs WHERE period = ? AND skipped IS NULL GROUP BY role ORDER BY role DESC""",
        [PERIOD],
    ).fetchall()
    assert per_role == [(label("role." + role, lang), *sums) for role, *sums in db]

    # the share by province, the chart's data, names each province on the map of the period
    start = next(i for i, r in enumerate(rows) if r[0] == label("section.by_province", lang)) + 2
    assert [r[0] for r in rows[start : start + 4]] == [
        "01 Hà Nội",
        "38 Thanh Hóa",
        "79 Hồ Chí Minh",
        label("province.unknown", lang),
    ]


def test_summary_has_a_native_chart_of_the_share_by_province(sample):
    _, books, _ = sample
    with zipfile.ZipFile(books["vi"].path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = z.read(charts[0]).decode()
    assert charts == ["xl/charts/chart1.xml"]  # one period: no chart over time yet
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml  # shares as columns, targets as lines
    assert "'Tổng hợp'!$B$" in xml


def test_a_second_period_adds_the_chart_over_time(tmp_path):
    reg, pay = month(tmp_path)
    db = tmp_path / "two.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    oct_pay = write_csv(
        tmp_path / "oct.csv", PAY_HEADER, [[*r[:6], r[6].replace("/09/", "/10/"), *r[7:]] for r in PAYMENTS]
    )
    run(RunConfig(period="2024-10", registry=[reg], payments=[oct_pay], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        book = write_workbook(con, "2024-10", tmp_path / "two.xlsx", lang="en")
    with zipfile.ZipFile(book.path) as z:
        assert sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")) == [
            "xl/charts/chart1.xml",
            "xl/charts/chart2.xml",
        ]
    rows = _values(openpyxl.load_workbook(book.path)["Summary"])
    start = next(i for i, r in enumerate(rows) if r[0] == "Non-cash share of payments by period") + 2
    assert [r[0] for r in rows[start : start + 2]] == ["2024-09", "2024-10"]
    # September's workbook written again once October is in: no later month in it, so no chart over time
    with duckdb.connect(str(db), read_only=True) as con:
        september = write_workbook(con, "2024-09", tmp_path / "september.xlsx", lang="en")
    with zipfile.ZipFile(september.path) as z:
        assert [n for n in z.namelist() if n.startswith("xl/charts/chart")] == ["xl/charts/chart1.xml"]
    rows = _values(openpyxl.load_workbook(september.path)["Summary"])
    assert "Non-cash share of payments by period" not in [r[0] for r in rows]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_noncash_rejected_inputs_and_parameters_sheets_match_the_database(sample, lang):
    con, books, _ = sample
    wb = openpyxl.load_workbook(books[lang].path)
    noncash = _values(wb[label("sheet.noncash", lang)])[1:]
    db = con.execute(
        """SELECT count(*) FROM noncash_share_by_area WHERE period = ? AND channel_group = 'all'""", [PERIOD]
    ).fetchone()[0]
    assert len(noncash) == db
    program_rows = [r for r in noncash if r[1] == label("level.program", lang)]
    assert [(r[5], r[7] + r[8] + r[9]) for r in program_rows] == [(120, 120), (175, 175), (2, 2)]

    rejected = _values(wb[label("sheet.rejected", lang)])[1:]
    db = con.execute(
        "SELECT source_file, source_row, reason FROM rejected_rows WHERE period = ? ORDER BY file_id, source_row",
        [PERIOD],
    ).fetchall()
    # the reasons in the workbook's language: each row's, translated as the terminal translates it
    assert [(r[1], r[3], r[5]) for r in rejected] == [(f, n, translate(reason, lang)) for f, n, reason in db]
    if lang == "vi":
        assert all(r[5] != reason for r, (_, _, reason) in zip(rejected, db, strict=True))
    assert {r[4] for r in rejected} == {label("no", lang)}  # a problem, not a row that is no payment
    assert rejected[0][6].startswith("STT: 301; Số định danh cá nhân: ")

    inputs = _values(wb[label("sheet.inputs", lang)])[1:]
    db = con.execute(
        "SELECT file_name, sha256, rows_read, rows_loaded, rows_rejected, rows_set_aside FROM inputs "
        "WHERE period = ? ORDER BY file_id",
        [PERIOD],
    ).fetchall()
    assert [(r[2], r[9], r[10], r[11], r[12], r[13]) for r in inputs] == db
    assert [r[6] for r in inputs] == ["vn-registry", "vn-bank-disbursement", "vnpost-cash-payout"]
    # amounts read, loaded, rejected, set aside; unreadable
    assert inputs[0][15:20] == [1_090_602_000, 1_090_602_000, 0, 0, 1]
    # no account restored, no totals row, no sheet skipped
    assert [r[20:25] for r in inputs] == [[0, None, None, None, None]] * 3
    assert "Số định danh cá nhân → vneid" in inputs[0][25]

    params = {r[0]: r[1] for r in _values(wb[label("sheet.parameters", lang)])[1:]}
    run_id, version = con.execute("SELECT run_id, tool_version FROM runs WHERE period = ?", [PERIOD]).fetchone()
    assert params[label("param.run_id", lang)] == run_id
    assert params[label("param.tool_version", lang)] == version
    assert params[label("param.targets.welfare", lang)] == 0.9985
    assert params[label("param.thresholds.name_similarity", lang)] == 0.92


def test_findings_past_the_sheet_limit_continue_on_further_sheets(sample, tmp_path):
    con, _, _ = sample
    book = write_workbook(con, PERIOD, tmp_path / "small.xlsx", lang="en", max_rows=10)
    wb = openpyxl.load_workbook(book.path)
    parts = [n for n in wb.sheetnames if n.startswith("Findings")]
    assert parts == ["Findings", "Findings (2)", "Findings (3)"]
    rows = []
    for name in parts:
        values = _values(wb[name])
        assert values[0] == FINDING_HEADERS_EN and wb[name].freeze_panes == "A2"
        rows += values[1:]
    assert [len(_values(wb[n])) - 1 for n in parts] == [9, 9, 8]
    assert [_project(r)[-1] for r in rows] == [r[-1] for r in _findings_db(con, "en")]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    names = ['=HYPERLINK("http://x","y")', "+84 Nguyễn", "-Trần", "@SUM(A1)"]
    registry = [row[:] for row in REGISTRY]
    for row, name in zip(registry, names):
        row[1] = name
    reg, pay = month(tmp_path, registry=registry)
    db = tmp_path / "f.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags WHERE code = 'NAME_MISMATCH'").fetchone()[0] == 3
        book = write_workbook(con, "2024-09", tmp_path / "f.xlsx", lang="en")
    ws = openpyxl.load_workbook(book.path)["Findings"]
    cells = [ws.cell(r, 5) for r in range(2, ws.max_row + 1)]
    assert sorted(c.value for c in cells) == sorted(names[:3])
    assert {c.data_type for c in cells} == {"s"}
    with zipfile.ZipFile(book.path) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_masked_workbook_and_exports_show_no_full_id_or_account(sample, tmp_path):
    con, _, _ = sample
    secrets = {
        v
        for (v,) in con.execute("""
        SELECT vneid FROM registry UNION SELECT account_number FROM registry UNION SELECT vneid FROM payments
        UNION SELECT account_number FROM payments""").fetchall()
        if v and len(v) > 4
    }
    secrets |= {
        v
        for (raw,) in con.execute("SELECT raw::VARCHAR FROM rejected_rows").fetchall()
        for v in re.findall(r"(?<![A-Za-z0-9])\d{9,}", raw)
    }  # not a payment reference's digits
    book = write_workbook(con, PERIOD, tmp_path / "m.xlsx", lang="vi", mask_ids=True)
    files = write_exports(con, PERIOD, tmp_path / "out", mask_ids=True)
    texts = []
    wb = openpyxl.load_workbook(book.path)
    for ws in wb.worksheets:
        texts += [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    for f in files:
        if f.suffix == ".csv":
            texts.append(f.read_text(encoding="utf-8-sig"))
        else:
            texts += [str(v) for col in pl.read_parquet(f).iter_columns() for v in col]
    blob = "\n".join(texts)
    assert secrets and not [s for s in secrets if s in blob]
    ws = wb["Phát hiện"]
    assert ws["D2"].value == mask_id(
        con.execute(f"SELECT vneid FROM flags WHERE period = ? ORDER BY {FLAGS_ORDER}", [PERIOD]).fetchone()[0]
    )
    assert re.fullmatch(r"\*{8}\d{4}", ws["D2"].value)


def test_masking_keeps_the_last_four_digits_and_leaves_amounts_and_dates():
    assert mask_id("079085001234") == "********1234"
    assert mask_id("123") == "***" and mask_id(None) is None
    assert (
        mask_text("CCCD 079 085 001 234 chi 1.500.000 ngày 05/09/2024")
        == "CCCD ********1234 chi 1.500.000 ngày 05/09/2024"
    )
    assert mask_text("TK 0123-4567-8901") == "TK ********8901"
    assert mask_text("the first is FT20240900011") == "the first is FT*******0011"  # a reference, as its column
    assert mask_text("CCCD079085001234") == "CCCD********1234"
    # an ID as Excel grouped it, in full-width digits (folded to ASCII before the mask), with doubled spaces or
    # underscores
    assert [
        mask_text(v) for v in ("001,097,699,417", "００１１６８０７０１５６", "001  040  951  508", "0710_8247_15132")
    ] == [
        "********9417",
        "********0156",
        "********1508",
        "*********5132",
    ]
    # a date after a word for birth is a birth date, in a narrative or a comment, in any order of its parts
    assert mask_text("Hoan tra ns 05/12/1937 DOB 1937-12-05 AC04") == "Hoan tra ns **/**/**** DOB **/**/**** AC04"
    assert mask_text("Ngày sinh: 5.12.1937; chi ngày 05/09/2024") == "Ngày sinh: **/**/****; chi ngày 05/09/2024"
    assert mask_text("sinh ngày 05/05/1946, SINH NGÀY 5/5/1946, born on 05/05/1946") == (
        "sinh ngày **/**/****, SINH NGÀY **/**/****, born on **/**/****"
    )


@pytest.fixture(scope="module")
def macros():
    connection = duckdb.connect(":memory:")
    sheetxml.install_macros(connection)
    yield connection
    connection.close()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text("0123456789", min_size=1, max_size=14),
            st.sampled_from(
                [
                    " ",
                    ".",
                    "-",
                    "FT",
                    "CCCD",
                    "TK ",
                    "Nguyễn ",
                    "/",
                    "1.500.000",
                    "đ",
                    "a",
                    "ns ",
                    "DOB:",
                    "sinh",
                    "ệns ",
                    # the forms the mask folds or reads since the tester's report: other spaces, invisible
                    # characters, Unicode digits, other words for a birth and its date
                    "\u00a0",
                    "\u200b",
                    "\t",
                    "０７９",
                    "𝟎𝟕",
                    "NgaySinh:",
                    "d.o.b ",
                    "born ",
                    " Jul ",
                    " thang ",
                    " nam ",
                    "05/09/2024",
                    # an ID typed with the letter O for zero (masking.o_as_zero)
                    "O",
                    "o",
                    "CCCD O79",
                    "ĐDCN:",
                    "ONG",
                    # the reference a DUPLICATE_PAYMENT's detail names (masking.FIRST_REF)
                    "the first is ",
                    " in ",
                    "CT-A0",
                ]
            ),
        ),
        max_size=12,
    ).map("".join)
)
def test_sql_masking_equals_the_python_masking(macros, text):
    got = macros.execute("SELECT rc_mask_text(?), rc_mask_id(?)", [text, text]).fetchone()
    assert got == (mask_text(text), mask_id(text))


def test_awkward_text_survives_the_sql_rendered_sheets(tmp_path):
    registry = [row[:] for row in REGISTRY]
    registry[0][1] = "<b>Nguyễn & Văn</b>\x07 Hùng"
    payments = [row[:] for row in PAYMENTS] + [
        ["FT009", "001087012345", "X" * 40_000, "VBA", "0011223344", "1,5", "05/09/2024", "bank", "success"]
    ]
    reg, pay = month(tmp_path, registry=registry, payments=payments)
    db = tmp_path / "a.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        book = write_workbook(con, "2024-09", tmp_path / "a.xlsx", lang="en")
    wb = openpyxl.load_workbook(book.path)
    names = [r[4] for r in _values(wb["Findings"])[1:]]
    assert names == ["<b>Nguyễn & Văn</b>\ufffd Hùng"]  # NAME_MISMATCH; markup is text, the bell is shown as �
    raw = _values(wb["Rejected rows"])[1][6]
    assert len(raw) == EXCEL_MAX_TEXT and raw.endswith("characters; the rest is in the database]")
    assert raw.startswith("payment_ref: FT009; vneid: 001087012345; payee_name: XXX")


def test_cell_text_is_cleaned_and_cut_at_excels_limit_with_a_note():
    assert _clean("a\x00b\x07c") == "a\ufffdb\ufffdc"
    long = _clean("x" * 40_000)
    assert len(long) == EXCEL_MAX_TEXT and long.endswith("[40,000 characters; the rest is in the database]")


def test_exports_hold_the_flags_and_rejected_rows_in_parquet_and_csv_with_bom(sample, tmp_path):
    con, _, _ = sample
    files = write_exports(con, PERIOD, tmp_path / "exp")
    assert [f.name for f in files] == [
        f"flags_{PERIOD}.parquet",
        f"flags_{PERIOD}.csv",
        f"rejected_rows_{PERIOD}.parquet",
        f"rejected_rows_{PERIOD}.csv",
    ]
    flags = pl.read_parquet(files[0])
    db = con.execute(
        "SELECT * EXCLUDE (run_id, source_row) FROM flags WHERE period = ? "
        "ORDER BY severity_rank DESC, code, "
        "province_code NULLS LAST, commune_code NULLS LAST, vneid NULLS LAST, payment_ref NULLS LAST, "
        "flag_id",
        [PERIOD],
    ).fetchall()
    assert flags.rows() == db and "run_id" not in flags.columns and "source_row" not in flags.columns
    raw = files[1].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == flags.columns and len(rows) == 27
    assert [r[0] for r in rows[1:]] == flags["flag_id"].to_list()
    assert pl.read_parquet(files[2]).height == 2


def test_csv_export_defuses_formulas_but_parquet_keeps_the_value(tmp_path):
    registry = [row[:] for row in REGISTRY]
    registry[0][1] = '=HYPERLINK("http://x","y")'
    reg, pay = month(tmp_path, registry=registry)
    db = tmp_path / "f.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        files = write_exports(con, "2024-09", tmp_path / "e")
    assert pl.read_parquet(files[0])["full_name"].to_list() == ['=HYPERLINK("http://x","y")']
    rows = list(csv.DictReader(io.StringIO(files[1].read_text(encoding="utf-8-sig"))))
    assert [r["full_name"] for r in rows] == ['\'=HYPERLINK("http://x","y")']


def test_labels_exist_in_both_languages_in_nfc_and_sheet_names_fit_excel():
    for key, (en, vi) in LABELS.items():
        assert en and vi, key
        assert vi == unicodedata.normalize("NFC", vi), key
        if key.startswith("sheet."):
            assert len(vi + " (99)") <= 31 and len(en + " (99)") <= 31 and not re.search(r"[\[\]:*?/\\]", vi + en)


def test_progress_shows_steps_on_a_terminal_and_nothing_otherwise():
    out = io.StringIO()
    progress = Progress(out, enabled=True)
    progress.step("match")
    progress.rows("sheet.findings", 50, 100)
    progress.clear()
    text = out.getvalue()
    assert "\rreconcile: matching payments to beneficiaries…" in text
    assert "writing findings to the workbook: 50 of 100 rows (50%, about" in text
    assert text.endswith("\r")
    quiet = io.StringIO()
    silent = Progress(quiet)  # a StringIO is not a terminal
    silent.step("match")
    silent.clear()
    assert quiet.getvalue() == ""


def _read_all(fd: int) -> bytes:
    """Everything written to a terminal so far: one read gives what the terminal holds at that moment,
    a part of it now and then (the test failed on a line not there)."""
    import select

    out = b""
    while select.select([fd], [], [], 0.5)[0]:
        chunk = os.read(fd, 100_000)
        if not chunk:
            break
        out += chunk
    return out


@posix_only
def test_progress_in_vietnamese_fits_one_row_of_an_80_column_console():
    """An 80-column console (cmd.exe's old default): a status line longer than a row wrapped, and each
    update, going back with "\\r" to the start of its last row only, left the rows above on the screen."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    console = os.fdopen(slave, "w", encoding="utf-8")
    try:
        set_language("vi")
        progress = Progress(console)
        assert progress.enabled
        progress.step("read")
        progress.reading("Danh sách chi trả Bưu điện tỉnh Quảng Trị tháng 09-2024.xlsx", 1_000_000, 3_000_000)
        progress.rows("sheet.inputs", 3, 3)
        progress.clear()
        console.flush()
        shown = _read_all(master).decode("utf-8").replace("\r\n", "\n")
    finally:
        set_language(None)
        console.close()
        os.close(master)
    lines = [line for line in shown.split("\r") if line.strip()]
    assert lines[1].startswith("reconcile: đang đọc các tệp: Danh sách chi trả Bưu điện tỉnh Quảng Trị")
    assert lines[2].startswith("reconcile: đang ghi danh sách tệp đầu vào vào sổ báo cáo: 3 trên 3 dòng")
    assert max(len(line) for line in lines) == 79 and [line[-1] for line in lines[1:]] == ["…", "…"]


def test_run_writes_workbook_and_exports_and_keeps_stderr_free_of_progress(tmp_path):
    reg, pay = month(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--period",
            "2024-09",
            "--registry",
            str(reg),
            "--payments",
            str(pay),
            "--db",
            str(tmp_path / "r.duckdb"),
            "--report",
            str(tmp_path / "r.xlsx"),
            "--export",
            str(tmp_path / "x"),
            "--lang",
            "en",
            "--mask-ids",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "\r" not in result.stderr
    assert f"reconcile: workbook {tmp_path / 'r.xlsx'} (0 findings on 7 sheets, IDs masked)" in result.stderr
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Summary"
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "flags_2024-09.csv",
        "flags_2024-09.parquet",
        "rejected_rows_2024-09.csv",
        "rejected_rows_2024-09.parquet",
    ]


def test_bad_report_path_is_refused_before_the_run(tmp_path):
    reg, pay = month(tmp_path)
    for report, message in (
        (
            tmp_path / "r.txt",
            f"reconcile: error: {tmp_path / 'r.txt'}: the workbook must be an .xlsx file; "
            "give --report a name ending .xlsx",
        ),
        (
            tmp_path / "no" / "r.xlsx",
            f"reconcile: error: {tmp_path / 'no'}: no such folder for --report; create it first",
        ),
    ):
        result = CliRunner().invoke(
            cli,
            [
                "run",
                "--period",
                "2024-09",
                "--registry",
                str(reg),
                "--payments",
                str(pay),
                "--db",
                str(tmp_path / "r.duckdb"),
                "--report",
                str(report),
            ],
        )
        assert result.exit_code == 2
        assert result.stderr.strip() == message
        assert not (tmp_path / "r.duckdb").exists()


def test_report_command_rewrites_the_workbook_of_a_stored_period(sample, tmp_path):
    _, _, root = sample
    db = tmp_path / "copy.duckdb"  # the fixture holds the original open in this process
    db.write_bytes((root / "sample.duckdb").read_bytes())
    out = tmp_path / "again.xlsx"
    result = CliRunner().invoke(
        cli, ["report", "--period", PERIOD, "--db", str(db), "--report", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[1] == "Findings"
    missing = CliRunner().invoke(cli, ["report", "--period", "2023-01", "--db", str(db), "--report", str(out)])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == (
        f"reconcile: error: {db}: holds no run of 2023-01; see 'reconcile periods' for the periods it holds"
    )


def test_progress_of_a_query_shows_the_share_done_and_the_time_left(monkeypatch):
    import reconcile.report.progress as progress_module

    clock = iter([100.0, 100.0, 104.0])  # started, step started, now: 4 s into the step
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: next(clock))
    out = io.StringIO()
    progress = Progress(out, enabled=True)
    progress.step("normalise")
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: 104.0)
    progress.percent(25.0)
    assert out.getvalue().endswith(
        "\rreconcile: normalising IDs, amounts, dates and names: 25% of this query (about 12 s left) (4.0 s)"
    )


def test_reading_shows_each_file_with_the_share_of_bytes_read_and_the_time_left(tmp_path, monkeypatch):
    import reconcile.report.progress as progress_module

    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: 100.0)
    out = io.StringIO()
    progress = Progress(out, enabled=True)
    progress.step("read")
    progress.reading("registry.csv", 0, 2_810_000_000)
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: 124.0)
    progress.reading("payments_bank.csv", 1_405_000_000, 2_810_000_000)
    assert out.getvalue().split("\r")[2:] == [
        "reconcile: reading the files: registry.csv (0% of 2.8 GB read) (0.0 s)",
        "reconcile: reading the files: payments_bank.csv (50% of 2.8 GB read, about 24 s left) (24.0 s)",
    ]
    reg, pay = month(tmp_path)
    told = []
    run(
        RunConfig(
            period="2024-09",
            registry=[reg],
            payments=[pay],
            db=tmp_path / "r.duckdb",
            on_read=lambda *args: told.append(args),
        )
    )
    assert told == [
        ("registry.csv", 0, reg.stat().st_size + pay.stat().st_size),
        ("payments.csv", reg.stat().st_size, reg.stat().st_size + pay.stat().st_size),
    ]


def test_a_run_watched_for_progress_stops_its_watcher(tmp_path):
    import threading

    reg, pay = month(tmp_path)
    seen: list[float] = []
    before = threading.active_count()
    result = run(
        RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "p.duckdb", on_progress=seen.append)
    )
    assert result.flags == 0 and threading.active_count() == before
    assert all(0 <= p <= 100 for p in seen)


def test_a_finding_s_detail_is_in_vietnamese_in_a_vietnamese_workbook(tmp_path):
    """The rules write a finding's evidence in English, and the database keeps it so; the Vietnamese
    workbook showed it in English too. Every clause of every detail of a month with all fourteen
    findings has its Vietnamese form, and the workbook shows it, amounts grouped as Vietnamese does."""
    res = CliRunner().invoke(
        cli,
        [
            "--lang",
            "en",
            "generate",
            "--beneficiaries",
            "5000",
            "--seed",
            "1",
            "--formats",
            "parquet",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    db = tmp_path / "g.duckdb"
    args = ["--lang", "vi", "run", "--period", "2024-09", "--db", str(db), "--report", str(tmp_path / "vi.xlsx")]
    args += ["--registry", str(tmp_path / "registry.parquet")]
    args += [
        "--payments",
        str(tmp_path / "payments_bank.parquet"),
        "--payments",
        str(tmp_path / "payments_post.parquet"),
    ]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(db), read_only=True)
    details = con.execute("SELECT code, detail FROM flags ORDER BY flag_id").fetchall()
    con.close()
    assert {code for code, _ in details} == set(CLAUSES)  # all fourteen
    untranslated = [
        (code, clause)
        for code, detail in details
        for clause in detail.split("; ")
        if not any(re.fullmatch(form, clause) for form, _ in CLAUSES[code])
    ]
    assert untranslated == []
    rows = _values(openpyxl.load_workbook(tmp_path / "vi.xlsx")[label("sheet.findings", "vi")])
    column = rows[0].index("Chi tiết")
    first = {}
    for row in rows[1:]:
        first.setdefault(row[0], row[column])
    assert first["AMOUNT_MISMATCH"] == "Đã chi 950.000 trong 1 khoản chi; mức được hưởng 1.000.000 (chênh lệch -50.000)"
    assert first["PAID_AFTER_DEATH"] == "Đã chi ngày 04/09/2024, 18 ngày sau ngày mất 17/08/2024"
    # two accounts alike in their last four digits: where they differ is said, never more of the numbers
    assert first["ACCOUNT_MISMATCH"] == (
        "Đã chi vào tài khoản có đuôi 4540 tại BIDV; tài khoản đã đăng ký có đuôi 4540 tại BIDV; hai số tài khoản "
        "khác nhau ở các chữ số trước bốn số cuối"
    )
    assert first["PAYMENT_FAILED"] == (
        "Khoản chi ngày 02/09/2024 bị trả lại; đối tượng này không có khoản chi thành công nào trong kỳ"
    )
    assert (
        first["CASH_DESPITE_ACCOUNT"] == "Đã chi bằng tiền mặt; đối tượng có tài khoản ngân hàng đã đăng ký, đuôi 0823"
    )
    assert first["PAID_WHILE_INACTIVE"] == "Đã chi ngày 04/09/2024 khi đối tượng đang ở trạng thái tạm dừng"
    assert re.fullmatch(  # 0,45 as Vietnamese writes it, not 0.45
        r"Tên người nhận không khớp với tên trong danh sách \(độ tương đồng 0,[0-9]+, ngưỡng 0,92\)",
        first["NAME_MISMATCH"],
    )
    assert first["INVALID_VNEID"] == (
        "Mã thế kỷ và năm sinh của số định danh (chữ số 4-6) cho một năm sinh trong tương lai; Mã thế kỷ và năm "
        "sinh của số định danh (chữ số 4-6) trái với năm sinh trong danh sách"
    )
    assert all(unicodedata.is_normalized("NFC", vi) for forms in CLAUSES.values() for _, vi in forms)


def test_a_vietnamese_workbook_says_in_vietnamese_where_totals_came_from_and_why_a_sheet_was_skipped(tmp_path):
    """The sheet of inputs said `totals row 5` and `has a header row but no data rows`, and the non-cash
    sheet an unknown commune as `unknown`, in a Vietnamese workbook."""
    from openpyxl import Workbook

    wb = Workbook()
    data = wb.active
    data.title = "Danh sách"
    for row in [REG_HEADER, *REGISTRY]:
        data.append(row)
    data.append(["Tổng cộng", None, None, None, None, "10.800.000"])
    wb.create_sheet("Ghi chú").append(REG_HEADER)
    registry = tmp_path / "registry.xlsx"
    wb.save(registry)
    payments = write_csv(tmp_path / "payments.csv", PAY_HEADER, PAYMENTS)
    book = tmp_path / "vi.xlsx"
    args = ["--lang", "vi", "run", "--period", PERIOD, "--db", str(tmp_path / "r.duckdb"), "--report", str(book)]
    res = CliRunner().invoke(cli, [*args, "--registry", str(registry), "--payments", str(payments)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(book)
    inputs = _values(wb[label("sheet.inputs", "vi")])
    header = inputs[0]
    by_sheet = {r[header.index(label("col.sheet", "vi"))]: r for r in inputs[1:]}
    assert by_sheet["Danh sách"][header.index(label("col.control_source", "vi"))] == "dòng tổng cộng (dòng 5)"
    assert (
        by_sheet["Ghi chú"][header.index(label("col.skipped", "vi"))]
        == "có dòng tiêu đề nhưng không có dòng dữ liệu nào"
    )
    noncash = _values(wb[label("sheet.noncash", "vi")])
    communes = {r[3] for r in noncash[1:] if r[1] == label("level.commune", "vi")}
    assert communes == {"không xác định"}


def test_a_partial_month_s_missing_source_in_a_vietnamese_book_writes_its_counts_as_vietnamese_does():
    """The PARTIAL line of a Vietnamese book wrote `2,710 / 2,711` and `trợ cấp xã hội`, where the
    terminal and every other cell write 2.710 and the programme's name `Trợ giúp xã hội`."""
    from reconcile.report.summary import _missing_source

    source = {
        "program": "welfare",
        "channel": "bank",
        "bank_code": "VBA",
        "beneficiaries": 2711,
        "without_payment": 2710,
    }
    assert (
        _missing_source(source, "vi")
        == "Trợ giúp xã hội, ngân hàng VBA: 2.710 trên 2.711 đối tượng đang hưởng chưa được chi"
    )
    assert _missing_source(source, "en") == "welfare bank VBA: 2,710 of 2,711 active beneficiaries unpaid"
