"""Personal data that survived masking: a birth date in the wrong column (slid into the gender column by a
cell left out, typed into the commune's), an ID in the bank-code column, IDs in subscript or circled
digits; and the analyst copy's record of a removed period."""

from __future__ import annotations

import json
import unicodedata

import duckdb
import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from conftest import copy_of, write_csv
from reconcile.cli import cli
from reconcile.sample.files import BANK_HEADERS as PAYMENTS
from reconcile.sample.files import REGISTRY_HEADERS as REGISTRY

ORPHAN, TYPED, SHIFTED = "079196118125", "001097699417", "079098966933"


def _month(folder, period: str, paid_more: int = 1_000):
    """Three beneficiaries: one as it should be; one whose birth date was typed into the commune's column and
    own ID into the bank code's, paid `paid_more` more than due; one with its gender cell left out, so that
    its birth date slid into the gender column (rejected). And a payment rejected for its amount."""
    reg = [
        ["1", ORPHAN, "Nguyễn Thị Thanh Hương", "25/11/1996", "Nữ", "Trợ cấp xã hội", "Trẻ em mồ côi", "1.000.000"],
        ["2", TYPED, "Trần Thị Hoà", "13/11/1997", "Nam", "Trợ cấp xã hội", "Trẻ em mồ côi", "1.250.000"],
        ["3", SHIFTED, "Lý Công Bình", "", "07/11/1998", "Nam", "Trợ cấp xã hội", "Trẻ em mồ côi"],
    ]
    reg[0] += ["Chuyển khoản", "VBA", "0063118742432", "79", "26734", "Đang hưởng", ""]
    reg[1] += ["Chuyển khoản", TYPED, "0495552797414", "01", "21/01/1940", "Đang hưởng", ""]
    reg[2] += ["1.250.000", "Chuyển khoản", "VCB", "0682678597855", "79", "26740", "Đang hưởng"]
    pay = [
        [ORPHAN, "NGUYEN THI THANH HUONG", "VBA", "0063118742432", "1,000,000"],
        [TYPED, "TRAN THI HOA", "VCB", "0495552797414", f"{1_250_000 + paid_more:,}"],
        [SHIFTED, "LY CONG BINH", "VCB", "0682678597855", "abc"],
    ]
    rows = [
        [str(i), f"FT2024090000{i}", *p, f"02/{period[5:]}/{period[:4]}", "Chuyển khoản", "Thành công", "Chi T9"]
        for i, p in enumerate(pay, 1)
    ]
    return write_csv(folder / "registry.csv", REGISTRY, reg), write_csv(folder / "bank.csv", PAYMENTS, rows)


def _run(folder, period: str, *outs: str) -> None:
    reg, pay = _month(folder, period)
    files = ["--registry", str(reg), "--payments", str(pay)]
    res = CliRunner().invoke(cli, ["run", "--period", period, *files, "--db", str(folder / "db.duckdb"), *outs])
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="module")
def masked(tmp_path_factory):
    """The month run with --mask-ids, its workbook and exports, and its analyst copy."""
    folder = tmp_path_factory.mktemp("masked")
    outs = ["--report", str(folder / "m.xlsx"), "--export", str(folder / "exp"), "--mask-ids", "--lang", "en"]
    _run(folder, "2024-09", *outs)
    res = CliRunner().invoke(
        cli, ["export-db", "--db", str(folder / "db.duckdb"), "--out", str(folder / "copy.duckdb")]
    )
    assert res.exit_code == 0, res.output
    return folder


def _sheet(book, title: str, *columns: str) -> list[tuple]:
    """The sheet's rows as the values of these columns (by their headers)."""
    header, *rows = [row for row in book[title].iter_rows(values_only=True) if any(v is not None for v in row)]
    return [tuple(row[header.index(c)] for c in columns) for row in rows]


def test_a_birth_date_in_the_commune_column_is_hidden_in_every_masked_output(masked):
    """Findings, Open cases, Non-cash share, the flags export, `flags --mask-ids` and the analyst copy."""
    book = openpyxl.load_workbook(masked / "m.xlsx")
    every = [str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert [v for v in every if "1940" in v] == []
    assert _sheet(book, "Findings", "Code", "Personal ID", "Province", "Commune") == [
        ("AMOUNT_MISMATCH", "********9417", "01", "**/**/****")
    ]
    assert _sheet(book, "Open cases", "Code", "Personal ID", "Commune") == [
        ("AMOUNT_MISMATCH", "********9417", "**/**/****")
    ]
    assert sorted(_sheet(book, "Non-cash share", "Level", "Province", "Commune", "Payments")) == [
        ("commune", "01", "**/**/****", 1),
        ("commune", "79", "26734", 1),
        ("programme", None, None, 2),
        ("province", "01", None, 1),
        ("province", "79", None, 1),
        ("province (2025 map)", "01", None, 1),
        ("province (2025 map)", "79", None, 1),
    ]
    exported = pl.read_csv(masked / "exp" / "flags_2024-09.csv", infer_schema=False)
    assert exported.select("code", "vneid", "province_code", "commune_code").rows() == [
        ("AMOUNT_MISMATCH", "********9417", "01", "**/**/****")
    ]
    with duckdb.connect(str(masked / "copy.duckdb"), read_only=True) as con:
        assert con.execute("SELECT code, commune_code FROM flags").fetchall() == [("AMOUNT_MISMATCH", "**/**/****")]
    with duckdb.connect(str(masked / "db.duckdb"), read_only=True) as con:  # the database keeps it whole
        assert con.execute("SELECT commune_code FROM flags").fetchall() == [("21/01/1940",)]


def test_a_birth_date_slid_into_the_gender_column_is_hidden_in_the_rejected_rows(masked):
    """Hidden in any column but the file's value date, which stays readable: a payment's date is no one's."""
    book = openpyxl.load_workbook(masked / "m.xlsx")
    shown = dict(_sheet(book, "Rejected rows", "Role", "Values as read (file header: value)"))
    assert "Giới tính: **/**/****; Chế độ: Nam;" in shown["registry"] and "1998" not in shown["registry"]
    assert "Ngày giao dịch: 02/09/2024;" in shown["payments"]
    exported = pl.read_csv(masked / "exp" / "rejected_rows_2024-09.csv", infer_schema=False)
    raws = {role: json.loads(raw) for role, raw in exported.select("role", "raw").rows()}
    assert raws["registry"] == {
        **dict(zip(REGISTRY, ["3", "********6933", "Lý Công Bình", None, "**/**/****", "Nam", "Trợ cấp xã hội"])),
        **dict(zip(REGISTRY[7:], ["Trẻ em mồ côi", "1.250.000", "Chuyển khoản", "***", "*********7855", "79"])),
        "Trạng thái": "26740",
        "Ngày mất": "Đang hưởng",
    }
    assert raws["payments"]["Ngày giao dịch"] == "02/09/2024"


def test_the_analyst_copy_hides_dates_and_ids_in_area_and_bank_codes(masked):
    with duckdb.connect(str(masked / "copy.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT bank_code, province_code, commune_code, area_note FROM registry ORDER BY ALL"
        ).fetchall()
        flagged = con.execute("SELECT DISTINCT commune_code FROM flags WHERE code = 'AMOUNT_MISMATCH'").fetchall()
    assert rows == [
        ("*********", "01", "**/**/****", "commune_code **/**/**** is not 5 digits"),
        ("VBA", "79", "26734", None),
    ]
    assert flagged == [("**/**/****",)]


def test_mask_area_hides_dates_and_ids_in_python_and_sql_alike():
    from reconcile.masking import install_macros, mask_area

    cases = {
        "21/01/1940": "**/**/****",
        "1940-01-21 00:00:00": "**/**/**** 00:00:00",
        "xã 21.1.1940": "xã **/**/****",
        "001066979940": "********9940",
        "79": "79",
        "26734": "26734",
        "unknown": "unknown",
    }
    with duckdb.connect() as con:
        install_macros(con)
        for text, shown in cases.items():
            assert mask_area(text) == con.execute("SELECT rc_mask_area(?)", [text]).fetchone()[0] == shown, text
        assert con.execute("SELECT rc_hide_area('0943288337186'), rc_hide_area(NULL)").fetchone() == ("*********", None)


def test_a_rejected_row_hides_every_date_valued_cell_but_its_value_date():
    from reconcile.masking import install_macros

    raw = {
        "Giới tính": "07/11/1998",
        "Ngày giao dịch": "02/09/2024",
        "Ngày mất": "1940-01-21 00:00:00",
        "Số tiền": "1.250.000",
        "Nội dung": "Chi T9 05/09/2024",
    }
    with duckdb.connect() as con:
        install_macros(con)
        sql = "SELECT rc_mask_raw(?, NULL, NULL, ['Ngày giao dịch'])"
        masked = json.loads(con.execute(sql, [json.dumps(raw, ensure_ascii=False)]).fetchone()[0])
    assert masked == {**raw, "Giới tính": "**/**/****", "Ngày mất": "**/**/****"}


def test_every_character_with_a_digit_value_is_folded():
    """masking.OTHER_DIGITS are this Python's characters with a digit value that are no decimal digit; an ID
    written in them (subscript, circled) is masked in Python and SQL alike, and hidden in the analyst copy."""
    from reconcile.masking import DIGITS, OTHER_DIGITS, install_macros, mask_text

    every = {c: unicodedata.digit(chr(c)) for c in range(0x80, 0x110000) if unicodedata.digit(chr(c), None) is not None}
    assert every == DIGITS
    assert all(first <= last for first, last, _ in OTHER_DIGITS)
    sub = "CCCD ₀₃₈₀₃₅₈₆₈₆₅₁"
    circled = "CCCD ⓪⑦⑨②⓪②⑥⑨⑦⑧⑥⓪ chi ①.②⑤⓪.⓪⓪⓪"
    with duckdb.connect() as con:
        install_macros(con)
        for text, shown in ((sub, "CCCD ********8651"), (circled, "CCCD ********7860 chi 1.250.000")):
            assert mask_text(text) == con.execute("SELECT rc_mask_text(?)", [text]).fetchone()[0] == shown
        assert con.execute("SELECT rc_hide_text(?)", [sub]).fetchone()[0] == "CCCD *********"


def test_a_copy_without_period_keeps_a_removed_period_s_record(masked, tmp_path):
    """export-db with no --period copies period_deletions, superseded_runs and superseded_flags whole (a removed
    period's record too), masked as documented; with --period, the periods asked alone."""
    copy_of(masked / "db.duckdb", tmp_path / "db.duckdb")
    _run(tmp_path, "2024-10")
    db = tmp_path / "db.duckdb"
    by = ["--by", "Nguyễn Văn An", "--reason", "sai tháng"]
    res = CliRunner().invoke(cli, ["delete", "--period", "2024-09", *by, "--db", str(db), "--yes"])
    assert res.exit_code == 0, res.output
    record = (
        "SELECT (SELECT list(period) FROM period_deletions), (SELECT list(period) FROM superseded_runs), "
        "(SELECT list((period, code, registry_id IS NOT NULL) ORDER BY code) FROM superseded_flags)"
    )
    removed = [("2024-09", "AMOUNT_MISMATCH", True)]
    for name, periods, expected in (
        ("all", [], (["2024-09"], ["2024-09"], removed)),
        ("some", ["--period", "2024-10"], (None, None, None)),
    ):
        res = CliRunner().invoke(
            cli, ["export-db", "--db", str(db), "--out", str(tmp_path / f"{name}.duckdb"), *periods]
        )
        assert res.exit_code == 0, res.output
        with duckdb.connect(str(tmp_path / f"{name}.duckdb"), read_only=True) as con:
            assert con.execute(record).fetchone() == expected
            deleted = con.execute(
                "SELECT period, deleted_by, run_operator, reason, inputs FROM period_deletions"
            ).fetchall()
        if name == "all":  # who removed it and who had run it left out, the files by their names
            assert [d[:4] for d in deleted] == [("2024-09", None, None, "sai tháng")]
            assert sorted(i["file_name"] for i in json.loads(deleted[0][4])) == ["bank.csv", "registry.csv"]


def test_flags_and_the_action_files_under_mask_ids_hide_the_date_in_the_commune_column(masked):
    """`flags --mask-ids` showed `21/01/1940`, typed into the commune's column; so did a masked action
    file's commune columns."""
    from reconcile.actions import MASKED

    res = CliRunner().invoke(cli, ["flags", "--db", str(masked / "db.duckdb"), "--mask-ids", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "21/01/1940" not in res.output and "**/**/****" in res.output
    assert [MASKED[c]("21/01/1940") for c in ("commune_code", "commune")] == ["**/**/****"] * 2
    assert MASKED["commune_code"]("26734") == "26734"
