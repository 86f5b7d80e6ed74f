"""Personal data the fifth tester found leaving the office whole, and a header too wide to recognise:

- an ID typed into the registry's commune column (`Mã xã`, a column shifted by one): masked as free text
  in every `--mask-ids` output (workbook, exports, action files and their names), hidden in the analyst
  copy with the registry's note on it, and masked on the terminal of `check`; real codes stay readable;
- the files of a removed period (`period_deletions.inputs`) named in the analyst copy as
  `inputs.file_name` is;
- under `run --mask-ids`, the notice that a file is the same as an earlier month's names that month's
  file masked too;
- a CSV whose header has tens of thousands of columns is refused for [limits] max_columns having
  compared only its first 16,384 cells with the profiles' headers (500,000 took 35 s).
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from conftest import SAMPLE, SAMPLE_FILES
from reconcile.cli import cli

ID = "001034742441"  # the sample's beneficiary suspended and paid: PAID_WHILE_INACTIVE, a recovery demand
MASKED = "********2441"


def _shifted(tmp_path: Path, header: str = "Mã xã") -> Path:
    """The sample registry with the beneficiary's own ID typed into his commune's cell (`Mã xã`), or
    another column's (`header`)."""
    with open(SAMPLE / "registry.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index(header)
    for row in rows:
        if row[1] == ID:
            row[column] = ID
    path = tmp_path / "registry.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(scope="module")
def shifted(tmp_path_factory):
    """The month run with --mask-ids, its action files listed with --mask-ids, and its analyst copy."""
    folder = tmp_path_factory.mktemp("shifted")
    registry, db = _shifted(folder), folder / "r.duckdb"
    payments = [str(p) for p in SAMPLE_FILES["payments"]]
    run = ["run", "--period", "2024-09", "--registry", str(registry), "--payments", *payments, "--db", str(db)]
    outputs = ["--report", str(folder / "masked.xlsx"), "--export", str(folder / "exp"), "--mask-ids"]
    assert (res := CliRunner().invoke(cli, [*run, *outputs])).exit_code == 0, res.output
    actions = ["actions", "--period", "2024-09", "--db", str(db), "--out", str(folder / "act"), "--mask-ids"]
    assert (res := CliRunner().invoke(cli, actions)).exit_code == 0, res.output
    copy = ["export-db", "--db", str(db), "--out", str(folder / "analysts.duckdb")]
    assert (res := CliRunner().invoke(cli, copy)).exit_code == 0, res.output
    return folder


def _sheet_rows(book: Path, prefix: str) -> list[dict]:
    wb = openpyxl.load_workbook(book, read_only=True)
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith(prefix))
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_masked_workbook_shows_an_id_in_the_commune_column_masked(shifted):
    book = shifted / "masked.xlsx"
    with zipfile.ZipFile(book) as z:
        assert [n for n in z.namelist() if ID in z.read(n).decode("utf-8", "replace")] == []
    findings = [r for r in _sheet_rows(book, "Phát hiện") if r["Số định danh"] == MASKED]
    assert [(r["Mã tỉnh"], r["Mã xã"]) for r in findings] == [("01", MASKED)]
    cases = [r for r in _sheet_rows(book, "Vụ việc đang mở") if r["Số định danh"] == MASKED]
    assert [(r["Mã tỉnh"], r["Mã xã"]) for r in cases] == [("01", MASKED)]
    shares = _sheet_rows(book, "Tỷ lệ không tiền mặt")
    communes = {r["Mã xã"] for r in shares if r["Mã xã"]}
    assert MASKED in communes and "00091" in communes  # a real code stays readable


def test_the_masked_exports_show_an_id_in_the_commune_column_masked(shifted):
    for path in (shifted / "exp").iterdir():
        assert ID.encode() not in path.read_bytes(), path.name
    with open(shifted / "exp" / "flags_2024-09.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["vneid"] == MASKED]
    assert [(r["code"], r["province_code"], r["commune_code"]) for r in rows] == [("PAID_WHILE_INACTIVE", "01", MASKED)]


def test_masked_action_files_name_and_show_an_id_in_the_commune_column_masked(shifted):
    names = sorted(p.name for p in (shifted / "act").iterdir())
    assert names == [
        "recovery_BIDV_14845.csv",
        "recovery_BIDV_14845.xlsx",
        "recovery_BIDV_________2441.csv",
        "recovery_BIDV_________2441.xlsx",
        "recovery_ICB_00004.csv",
        "recovery_ICB_00004.xlsx",
        "recovery_VCB_26740.csv",
        "recovery_VCB_26740.xlsx",
        "reissue_BIDV.csv",
        "reissue_BIDV.xlsx",
    ]
    for path in (shifted / "act").iterdir():
        with zipfile.ZipFile(path) if path.suffix == ".xlsx" else open(path, "rb") as f:
            data = b"".join(f.read(n) for n in f.namelist()) if path.suffix == ".xlsx" else f.read()
        assert ID.encode() not in data, path.name
    with open(shifted / "act" / "recovery_BIDV_________2441.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [(r[3], r[7], r[8]) for r in rows[1:]] == [(MASKED, "01", MASKED)]


def test_the_analyst_copy_hides_an_id_in_the_commune_column_and_its_note(shifted):
    with duckdb.connect(str(shifted / "analysts.duckdb"), read_only=True) as con:
        noted = con.execute("SELECT commune_code, area_note FROM registry WHERE area_note IS NOT NULL").fetchall()
        assert noted == [("*********", "commune_code ********* is not 5 digits")]
        for table in ("registry", "flags", "cases", "noncash_share_rows"):
            codes = {c for (c,) in con.execute(f"SELECT DISTINCT commune_code FROM {table}").fetchall()}
            real = {c for c in codes if c and len(c) == 5 and c.isdigit()}  # readable, as the registry's
            assert ID not in codes and "*********" in codes and "00004" in real, table
        flags = "SELECT province_code, commune_code FROM flags WHERE code = 'PAID_WHILE_INACTIVE' ORDER BY ALL"
        assert con.execute(flags).fetchall() == [("01", "*********"), ("01", "00004")]


def test_check_prints_an_id_in_the_commune_column_masked(tmp_path):
    registry = _shifted(tmp_path)
    res = CliRunner().invoke(cli, ["check", "--as", "registry", "--period", "2024-09", str(registry)])
    assert res.exit_code == 1, res.output  # the sample's registry has a row rejected
    assert ID not in res.output
    assert [line for line in res.stdout.splitlines() if "area:" in line] == [
        f"row 13: area: commune_code {MASKED} is not 5 digits"
    ]
    vi = CliRunner().invoke(cli, ["--lang", "vi", "check", "--as", "registry", "--period", "2024-09", str(registry)])
    assert [line for line in vi.stdout.splitlines() if "địa bàn:" in line] == [
        f"dòng 13: địa bàn: mã xã (commune_code) {MASKED} không gồm 5 chữ số"
    ]


def _named_after_people(folder: Path) -> list[str]:
    registry, bank = folder / "DS 079196118125 T9.csv", folder / "bank_0063118742432.csv"
    registry.write_bytes((SAMPLE / "registry.csv").read_bytes())
    bank.write_bytes((SAMPLE / "bank_transfers.csv").read_bytes())
    return ["--registry", str(registry), "--payments", str(bank), str(SAMPLE_FILES["payments"][1])]


def test_the_analyst_copy_hides_the_names_of_a_removed_period_s_files(tmp_path):
    db, out = tmp_path / "r.duckdb", tmp_path / "analysts.duckdb"
    run = ["run", "--period", "2024-09", *_named_after_people(tmp_path), "--db", str(db)]
    assert CliRunner().invoke(cli, run).exit_code == 0
    delete = ["delete", "--period", "2024-09", "--db", str(db), "--by", "Lan", "--reason", "wrong files", "--yes"]
    assert CliRunner().invoke(cli, delete).exit_code == 0
    assert CliRunner().invoke(cli, run).exit_code == 0  # the period again: the copy holds its removal
    assert CliRunner().invoke(cli, ["export-db", "--db", str(db), "--out", str(out)]).exit_code == 0
    with duckdb.connect(str(db), read_only=True) as con:
        sha = dict(con.execute("SELECT file_name, any_value(sha256) FROM inputs GROUP BY ALL").fetchall())
    with duckdb.connect(str(out), read_only=True) as con:
        (inputs,) = con.execute("SELECT inputs FROM period_deletions").fetchone()
        names = sorted(n for (n,) in con.execute("SELECT DISTINCT file_name FROM inputs").fetchall())
    assert json.loads(inputs) == [
        {"role": "payments", "file_name": "bank_*********.csv", "sha256": sha["bank_0063118742432.csv"]},
        {"role": "payments", "file_name": "post_office_cash.xlsx", "sha256": sha["post_office_cash.xlsx"]},
        {"role": "registry", "file_name": "DS ********* T9.csv", "sha256": sha["DS 079196118125 T9.csv"]},
    ]
    assert names == ["DS ********* T9.csv", "bank_*********.csv", "post_office_cash.xlsx"]


def _same_registry_next_month(tmp_path: Path, payments: list[Path], *extra: str):
    """September's registry given again, byte for byte, for October (the sample's October payments)."""
    tmp_path.mkdir(exist_ok=True)
    db = tmp_path / "r.duckdb"
    september = ["run", "--period", "2024-09", *_named_after_people(tmp_path), "--db", str(db)]
    assert CliRunner().invoke(cli, september).exit_code == 0
    again = tmp_path / "DS 079196118125 T10.csv"
    again.write_bytes((SAMPLE / "registry.csv").read_bytes())
    october = ["run", "--period", "2024-10", "--registry", str(again), "--payments", *map(str, payments)]
    return CliRunner().invoke(cli, [*october, "--db", str(db), *extra])


def _notice(res) -> list[str]:
    return [line for line in res.stderr.splitlines() if "the same file, byte for byte" in line]


def test_the_notice_of_a_registry_given_again_names_the_earlier_month_s_file_masked(tmp_path, october):
    res = _same_registry_next_month(tmp_path, october["payments"], "--mask-ids")
    assert "079196118125" not in res.output
    assert _notice(res) == [
        "reconcile: DS ********8125 T10.csv is the same file, byte for byte, as the registry of 2024-09 "
        "(DS ********8125 T9.csv): if it is not this month's, give this month's registry and run again"
    ]


def test_without_mask_ids_the_notice_names_the_earlier_month_s_file_whole(tmp_path, october):
    masked = _same_registry_next_month(tmp_path / "masked", october["payments"], "--mask-ids")
    assert _notice(masked) and "079196118125" not in masked.output
    res = _same_registry_next_month(tmp_path / "whole", october["payments"])  # in the same process
    assert _notice(res) == [
        "reconcile: DS 079196118125 T10.csv is the same file, byte for byte, as the registry of 2024-09 "
        "(DS 079196118125 T9.csv): if it is not this month's, give this month's registry and run again"
    ]


WIDE = 50_000  # columns past the bank list's own: under max_line_kb, far over max_columns


def _wide_header(path: Path, above: str | None = None) -> Path:
    with open(SAMPLE / "bank_transfers.csv", encoding="utf-8") as fh:
        header, first = fh.readline().rstrip("\n"), fh.readline().rstrip("\n")
    lines = [header + "," + ",".join(f"k{i}" for i in range(WIDE)), first + "," * WIDE]
    path.write_text("\n".join([*([above] if above else []), *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def compared(monkeypatch):
    """The header cells the header search compares with a profile's headers."""
    from reconcile import profiles

    cells: set[str] = set()
    real = profiles.header_contains

    def noted(header: str, wanted: str) -> bool:
        cells.add(header)
        return real(header, wanted)

    monkeypatch.setattr(profiles, "header_contains", noted)
    return cells


@pytest.mark.parametrize("above", [None, "BẢNG KÊ CHI TRẢ THÁNG 9/2024"])
def test_a_csv_header_of_tens_of_thousands_of_columns_is_refused_before_it_is_looked_at(
    tmp_path, compared, monkeypatch, above
):
    """Refused from the lines the header is looked for in, before any cell of it is compared with a profile's
    headers and before polars reads the file (35 s and 750 MB for a header of 500,000 columns)."""
    import reconcile.readers.delimited as delimited

    def no_scan(*args, **kwargs):
        raise AssertionError("polars read the file")

    monkeypatch.setattr(delimited.pl, "scan_csv", no_scan)
    wide = _wide_header(tmp_path / "wide.csv", above)
    res = CliRunner().invoke(cli, ["check", "--as", "payments", "--period", "2024-09", str(wide)])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {wide}: has {WIDE + 11:,} columns, over the limit of 2,000 ([limits] max_columns); "
        "check that it is the right file, or raise the limit in [limits] of the config if the file is genuine"
    )
    assert compared == set()


def test_a_wide_header_row_is_compared_with_the_profiles_by_its_first_cells_only(compared):
    """A sheet's row, or a CSV's under a raised max_columns: its first 16,384 cells (as many as a sheet has
    columns) compared, no more."""
    from reconcile.profiles import MAX_CELLS, recognise

    with open(SAMPLE / "bank_transfers.csv", encoding="utf-8") as fh:
        first = next(csv.reader([fh.readlines()[1]]))
    assert recognise("payments", [[f"k{i}" for i in range(WIDE)], first]) is None
    past = {int(c[1:]) for c in compared if c.startswith("k")}
    assert (len(past), max(past)) == (MAX_CELLS, MAX_CELLS - 1)


def test_a_header_is_recognised_by_its_first_cells_as_before(compared):
    from reconcile.profiles import MAX_CELLS, recognise

    with open(SAMPLE / "bank_transfers.csv", encoding="utf-8") as fh:
        header, first = next(csv.reader([fh.readline()])), next(csv.reader([fh.readline()]))
    title = ["BẢNG KÊ", *([None] * 5000)]  # a title row of many empty cells, over the header
    (profile, index) = recognise("payments", [title, header, first])
    assert (profile.name, index) == ("vn-bank-disbursement", 1)
    wide = [*header, *(f"k{i}" for i in range(2 * MAX_CELLS))]  # its own headers first: recognised
    (profile, index) = recognise("payments", [title, wide, first])
    assert (profile.name, index) == ("vn-bank-disbursement", 1)
    assert recognise("payments", [title, ["a", "b"]]) is None


def test_a_title_row_of_many_empty_cells_over_the_header_is_read_as_before(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text(
        "BẢNG KÊ CHI TRẢ" + "," * 5000 + "\n" + (SAMPLE / "bank_transfers.csv").read_text(encoding="utf-8-sig"),
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["check", "--as", "payments", "--period", "2024-09", str(path)])
    assert res.exit_code == 1, res.output  # the sample's bank list has a row rejected
    assert res.stdout.splitlines()[:2] == [
        f"{path}: payments file, csv, utf-8, header on row 2",
        "profile: vn-bank-disbursement (recognised from its header row)",
    ]


def test_the_masked_workbook_shows_an_id_in_the_province_column_masked(tmp_path):
    """The ID typed into `Mã tỉnh` instead: the summary's table and chart of shares by province named the
    province by its code, the ID whole, under --mask-ids."""
    registry = _shifted(tmp_path, "Mã tỉnh")
    payments = [str(p) for p in SAMPLE_FILES["payments"]]
    run = ["run", "--period", "2024-09", "--registry", str(registry), "--payments", *payments]
    book = tmp_path / "masked.xlsx"
    res = CliRunner().invoke(cli, [*run, "--db", str(tmp_path / "r.duckdb"), "--report", str(book), "--mask-ids"])
    assert res.exit_code in (0, 1), res.output
    with zipfile.ZipFile(book) as z:
        assert [n for n in z.namelist() if ID in z.read(n).decode("utf-8", "replace")] == []
    summary = openpyxl.load_workbook(book, read_only=True)["Tổng hợp"]
    cells = [str(v) for row in summary.iter_rows(values_only=True) for v in row if v is not None]
    assert MASKED in cells and "79 Hồ Chí Minh" in cells  # a province on the map, named
