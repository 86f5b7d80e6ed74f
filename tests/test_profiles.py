"""Profiles and real files as they arrive: title blocks, layouts, encodings, legacy fonts, sheets."""

from __future__ import annotations

import csv
import io

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, write_csv
from layouts import cp1258, write_mixed_month
from reconcile.cli import cli
from reconcile.errors import ConfigError, InputFileError
from reconcile.filecheck import check_file
from reconcile.pipeline import RunConfig, run
from reconcile.profiles import builtin, load_file, resolve
from reconcile.readers import read_file
from reconcile.sample import PERIOD
from test_readers import read_or_input_file_error

LAYOUTS = FIXTURES / "layouts"
SAMPLE = FIXTURES / "sample"
FINDING_KEY = "code, vneid, payment_ref, program, expected_amount, paid_amount"
# rows a layout sets aside (totals, balances, credits, blank lines), as opposed to rows that failed to read
SET_ASIDE = "set_aside OR reason = 'blank row'"  # no payment, or no values at all


def _cells(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_fixtures_layouts_are_what_the_helper_writes(tmp_path):
    files = write_mixed_month(tmp_path)
    for path in [*files["registry"], *files["payments"]]:
        committed = LAYOUTS / path.name
        if path.suffix == ".xlsx":
            assert _cells(path) == _cells(committed), f"{path.name} drifted; regenerate with `make fixtures`"
        else:
            assert path.read_bytes() == committed.read_bytes(), f"{path.name} drifted; regenerate with `make fixtures`"


def _findings(db, period=PERIOD):
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute(f"SELECT {FINDING_KEY} FROM flags WHERE period = ? ORDER BY ALL", [period]).fetchall()
        rejected = con.execute(
            f"SELECT count(*) FROM rejected_rows WHERE period = ? AND NOT ({SET_ASIDE})", [period]
        ).fetchone()[0]
        shares = con.execute(
            "SELECT program, payments, amount, share_payments FROM noncash_share "
            "WHERE period = ? AND level = 'program' AND channel_group = 'all' ORDER BY ALL",
            [period],
        ).fetchall()
        counts = con.execute(
            "SELECT (SELECT count(*) FROM registry WHERE period = $p), "
            "(SELECT count(*) FROM payments WHERE period = $p)",
            {"p": period},
        ).fetchone()
    return flags, rejected, shares, counts


def test_a_month_arriving_in_mixed_layouts_gives_the_same_findings_as_the_canonical_month(tmp_path, sample_month):
    canonical = sample_month.db  # the sample month, reconciled once for the session
    mixed = tmp_path / "mixed.duckdb"
    result = run(
        RunConfig(
            period=PERIOD,
            registry=[LAYOUTS / "registry.xlsx"],
            payments=[
                LAYOUTS / n
                for n in (
                    "bank_camt053.xml",
                    "bank_cp1258.csv",
                    "bank_statement.xlsx",
                    "bank_unicode.txt",
                    "buu_dien.xlsx",
                )
            ],
            db=mixed,
        )
    )
    assert _findings(mixed) == _findings(canonical)
    assert len(_findings(mixed)[0]) == 26
    with duckdb.connect(str(mixed), read_only=True) as con:
        inputs = con.execute(
            "SELECT file_name, format, encoding, profile, header_row, rows_read, rows_loaded, "
            "rows_rejected, rows_set_aside FROM inputs ORDER BY file_id"
        ).fetchall()
        skipped = con.execute(
            f"SELECT source_file, source_row, reason FROM rejected_rows WHERE {SET_ASIDE} ORDER BY ALL"
        ).fetchall()
    assert [i[:5] for i in inputs] == [
        ("registry.xlsx", "xlsx", None, "vn-registry", 4),
        ("bank_camt053.xml", "camt", None, None, 0),
        ("bank_cp1258.csv", "csv", "windows-1258", "vn-bank-disbursement", 4),
        ("bank_statement.xlsx", "xlsx", None, "vn-bank-statement", 6),
        ("bank_unicode.txt", "csv", "utf-16", "vn-bank-disbursement", 1),
        ("buu_dien.xlsx", "xlsx", None, "vnpost-cash-payout", 4),
    ]
    assert all(read == loaded + rejected + aside for *_, read, loaded, rejected, aside in inputs)
    assert [(f.rsplit("/", 1)[-1], row, reason) for f, row, reason in skipped] == [
        ("bank_camt053.xml", 1, "credit (money into the account), not a payment"),
        ("bank_statement.xlsx", 7, "a balance row (profile vn-bank-statement)"),
        ("bank_statement.xlsx", 8, "money in (a credit), not a payment (profile vn-bank-statement)"),
        ("bank_statement.xlsx", 11, "a balance row (profile vn-bank-statement)"),
    ]
    assert (result.rejected_rows, result.set_aside_rows) == (2, len(skipped))
    # the totals rows are no rows: each file's own total, checked against what was read, is kept; not the
    # registry's, whose amount is not compared (a row's amount cannot be read: REGISTRY_TOTALS) and which
    # states no count
    with duckdb.connect(str(mixed), read_only=True) as con:
        assert con.execute(
            "SELECT file_name, control_source, control_amount FROM inputs "
            "WHERE control_source IS NOT NULL ORDER BY file_id"
        ).fetchall() == [
            ("bank_cp1258.csv", "totals row 199", 722_601_000),
            ("bank_statement.xlsx", "totals row 10", 1_500_000),
            ("buu_dien.xlsx", "totals row 11", 25_627_000),
        ]


REGISTRY_TOTALS = (
    "totals: totals row 306 says 1,090,602,015 VND; read 301 rows of 1,090,602,000 VND (the amount not "
    "checked: 1 rows have an amount that cannot be read)"
)


@pytest.mark.parametrize(
    "name, kind, first_line, profile_line, rows_line, totals_line",
    [
        (
            "registry.xlsx",
            "registry",
            "xlsx, header on row 4 of sheet 'Danh sách'",
            "vn-registry (recognised from its header row)",
            "rows: 301 read, 300 loaded, 1 rejected",
            REGISTRY_TOTALS,
        ),
        (
            "registry_legacy.xls",
            "registry",
            "xls, header on row 4 of sheet 'Danh sách'",
            "vn-registry (recognised from its header row)",
            "rows: 301 read, 300 loaded, 1 rejected",
            REGISTRY_TOTALS,
        ),
        (
            "bank_cp1258.csv",
            "payments",
            "csv, windows-1258, header on row 4",
            "vn-bank-disbursement (recognised from its header row)",
            "rows: 194 read, 193 loaded, 1 rejected",
            "totals: totals row 199 says 722,601,000 VND; read 194 rows of 722,601,000 VND",
        ),
        (
            "bank_statement.xlsx",
            "payments",
            "xlsx, header on row 6 of sheet 'Danh sách'",
            "vn-bank-statement (recognised from its header row)",
            "rows: 4 read, 1 loaded, 0 rejected, 3 set aside as no payment",
            "totals: totals row 10 says 1,500,000 VND; read 4 rows of 1,500,000 VND",
        ),
        (
            "bank_camt053.xml",
            "payments",
            "camt, row n is the n-th transaction in the file",
            "none needed (ISO 20022 camt XML)",
            "rows: 3 read, 2 loaded, 0 rejected, 1 set aside as no payment",
            None,
        ),
        (
            "bank_unicode.txt",
            "payments",
            "csv, utf-16, header on row 1",
            "vn-bank-disbursement (recognised from its header row)",
            "rows: 98 read, 98 loaded, 0 rejected",
            None,
        ),
        (
            "buu_dien.xlsx",
            "payments",
            "xlsx, header on row 4 of sheet 'Danh sách'",
            "vnpost-cash-payout (recognised from its header row)",
            "rows: 6 read, 6 loaded, 0 rejected",
            "totals: totals row 11 says 25,627,000 VND; read 6 rows of 25,627,000 VND",
        ),
    ],
)
def test_check_names_the_profile_encoding_and_row_counts_of_each_fixture(
    name, kind, first_line, profile_line, rows_line, totals_line
):
    res = CliRunner().invoke(cli, ["check", str(LAYOUTS / name), "--as", kind, "--period", PERIOD])
    lines = res.stdout.splitlines()
    assert lines[0] == f"{LAYOUTS / name}: {kind} file, {first_line}"
    assert lines[1] == f"profile: {profile_line}"
    assert rows_line in lines
    assert [line for line in lines if line.startswith("totals:")] == ([totals_line] if totals_line else [])


def test_legacy_xls_reads_the_same_rows_as_the_xlsx_it_was_saved_from():
    xls, xlsx = read_file(LAYOUTS / "registry_legacy.xls", "registry"), read_file(LAYOUTS / "registry.xlsx", "registry")
    assert xls.format == "xls" and xlsx.format == "xlsx"
    assert xls.frame.select(xls.original_columns).rows() == xlsx.frame.select(xlsx.original_columns).rows()


def test_builtin_profiles_are_listed_and_printed():
    res = CliRunner().invoke(cli, ["profiles", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert [r[:2] for r in rows] == [
        ["name", "kind"],
        ["agribank-statement", "payments"],
        ["bidv-statement", "payments"],
        ["vcb-simple-statement", "payments"],
        ["vcb-statement", "payments"],
        ["vietinbank-statement", "payments"],
        ["vn-bank-disbursement", "payments"],
        ["vn-bank-statement", "payments"],
        ["vn-registry", "registry"],
        ["vnpost-cash-payout", "payments"],
    ]
    for profile in builtin():
        shown = CliRunner().invoke(cli, ["profiles", profile.name])
        assert shown.exit_code == 0 and f'name = "{profile.name}"' in shown.stdout
    missing = CliRunner().invoke(cli, ["profiles", "nope"])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == (
        "reconcile: error: no built-in profile named 'nope'; use one of "
        "agribank-statement, bidv-statement, vcb-simple-statement, vcb-statement, vietinbank-statement, "
        "vn-bank-disbursement, vn-bank-statement, vn-registry, vnpost-cash-payout"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        (
            'name = "x"\nkind = "payments"\n[columns]\nbogus = "A"\n',
            "profile setting 'columns.bogus': 'bogus' is not a column reconcile knows (one of account_number, amount, "
            "bank_code, bank_ref, channel, date_of_birth, narrative, payee_name, payment_ref, program, status, "
            "value_date, vneid); fix the profile",
        ),
        (  # a misspelt column's name, with the one it most resembles
            'name = "x"\nkind = "payments"\n[columns]\npayment_rf = "Số bút toán"\n',
            "profile setting 'columns.payment_rf': 'payment_rf' is not a column reconcile knows (did you mean "
            "'payment_ref'?); fix the profile",
        ),
        (
            'name = "x"\nkind = "payments"\nfill_down = ["value_dat"]\n',
            "profile setting 'fill_down.1': 'value_dat' is not a column reconcile knows (did you mean 'value_date'?); "
            "fix the profile",
        ),
        (  # a regular expression in double quotes: TOML reads \b as a backspace, and the rule would never match
            'name = "x"\nkind = "payments"\n[[skip]]\ncolumn = "STT"\nmatches = "\\bphi\\b"\nreason = "r"\n',
            "profile setting 'skip.1.matches': holds a control character, as TOML reads \\b or \\t in double quotes; "
            "write a regular expression in single quotes ('\\bphi\\b'); fix the profile",
        ),
        (  # a rule's column written as a column's name and misspelt: optional would pass it over, unsaid
            'name = "x"\nkind = "payments"\n[[skip]]\ncolumn = "narative"\noptional = true\nmatches = "phi"\nreason = "r"\n',
            "profile setting 'skip.1.column': 'narative' is not a column reconcile knows (did you mean 'narrative'?); "
            "fix the profile",
        ),
        (  # the key misspelt, not the key then missing, is what is wrong
            'name = "x"\nkind = "payments"\n[[skip]]\ncolum = "STT"\nmatches = "x"\nreason = "r"\n',
            "profile setting 'skip.1.colum': is not a key of a profile (did you mean 'column'?); fix the profile",
        ),
        (
            'name = "x"\nkind = "payments"\n[[skip]]\ncolumn = "STT"\nmatches = "(unclosed"\nreason = "r"\n',
            "profile setting 'skip.1.matches': not a valid regular expression (missing ), unterminated subpattern at "
            "position 0); fix the profile",
        ),
        (
            'name = "x"\nkind = "payments"\n[[skip]]\ncolumn = "STT"\nmatches = "(?<=a)b"\nreason = "r"\n',
            "profile setting 'skip.1.matches': a regular expression polars cannot run (look-around and "
            "back-references are not supported); simplify it; fix the profile",
        ),
        (
            'name = "x"\nkind = "registry"\ndebit = "Ghi nợ"\n',
            "profile setting 'profile': debit/credit: only a payments profile has them; fix the profile",
        ),
        (
            'name = "x"\nkind = "payments"\npage_colour = "red"\n',
            "profile setting 'page_colour': is not a key of a profile; fix the profile",
        ),
        (  # a misspelt key, with the one it most resembles, as a config file's has
            'name = "x"\ndescripton = "My bank"\nkind = "payments"\n',
            "profile setting 'descripton': is not a key of a profile (did you mean 'description'?); fix the profile",
        ),
        (
            'name = "x"\nkind = "payments"\n[header]\nfnd = ["Số tiền"]\n',
            "profile setting 'header.fnd': is not a key of a profile (did you mean 'find'?); fix the profile",
        ),
        (  # within a [[skip]] rule
            'name = "x"\nkind = "payments"\n[[skip]]\ncolum = "STT"\ncolumn = "STT"\nmatches = "x"\nreason = "r"\n',
            "profile setting 'skip.1.colum': is not a key of a profile (did you mean 'column'?); fix the profile",
        ),
        (
            'name = "My Bank"\nkind = "payments"\n',
            "profile setting 'name': must be lower-case letters, digits and dashes; fix the profile",
        ),
        (  # a list of alternatives left empty: refused when read, not later blaming the file
            'name = "x"\nkind = "payments"\ndebit = []\n',
            "profile setting 'debit': has an empty header or an empty list of alternatives; fix the profile",
        ),
        (
            'name = "x"\nkind = "payments"\n[header]\nfind = [[], "Ghi có"]\n',
            "profile setting 'header.find': has an empty header or an empty list of alternatives; fix the profile",
        ),
        (  # TOML has types: true is no row number, and a sheet's position starts at 1
            'name = "x"\nkind = "payments"\n[header]\nrow = true\n',
            "profile setting 'header.row': must be a whole number; fix the profile",
        ),
        ('name = "x"\nkind = "payments"\nsheet = 0\n', "profile setting 'sheet': must be at least 1; fix the profile"),
        (  # TOML's syntax: in words of reconcile's own (translated), at the line and column TOML gives
            'name = "x"\nkind = "payments"\n[header\n',
            "not a valid TOML profile (a [section] without its closing ] at line 3, column 8); fix the file",
        ),
        (
            'name = "x"\nkind = payments\n',
            "not a valid TOML profile (a value that is not a number, true, false, a date or text in quotes at "
            "line 2, column 8); fix the file",
        ),
        (
            'name = "x"\nkind = "payments"\nname = "y"\n',
            "not a valid TOML profile (a key given twice at line 3, column 11); fix the file",
        ),
        (
            'kind = "payments"\nname = "x',
            "not a valid TOML profile (text in quotes without its closing quote at line 2); fix the file",
        ),
    ],
)
def test_a_bad_profile_is_refused_naming_the_key(tmp_path, text, message):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_file(path)
    assert str(err.value) == f"{path}: {message}"


def test_a_profile_not_saved_as_utf8_or_not_toml_is_said_in_the_officer_s_language(tmp_path):
    """Python's reasons ('utf-8' codec can't decode byte 0xe2..., Invalid value) are English; the
    messages are reconcile's, in Vietnamese under vi, with the line (and column) kept."""
    legacy = tmp_path / "legacy.toml"
    legacy.write_bytes('name = "x"\nkind = "payments"\ndescription = "Ngân hàng"\n'.encode("cp1258"))
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\nkind = payments\n', encoding="utf-8")
    said = {}
    for path in (legacy, broken):
        args = ["--lang", "vi", "check", str(LAYOUTS / "buu_dien.xlsx"), "--as", "payments", "--period", PERIOD]
        res = CliRunner().invoke(cli, [*args, "--profile", str(path)])
        assert res.exit_code == 2
        said[path] = res.stderr.strip()
    assert said[legacy] == (
        f"reconcile: lỗi: {legacy}: không được lưu dưới dạng UTF-8 (dòng 3 có byte không phải UTF-8); hãy lưu tệp "
        "dưới dạng UTF-8 trong trình soạn thảo văn bản rồi thử lại"
    )
    assert said[broken] == (
        f"reconcile: lỗi: {broken}: không phải hồ sơ định dạng TOML hợp lệ (một giá trị không phải số, true, false, "
        "ngày tháng hay chữ đặt trong dấu ngoặc kép ở dòng 2, cột 8); hãy sửa tệp"
    )


def test_unknown_profile_name_lists_the_built_in_ones():
    with pytest.raises(ConfigError) as err:
        resolve("agribank")
    assert str(err.value) == (
        "no profile named 'agribank'; use one of agribank-statement, bidv-statement, "
        "vcb-simple-statement, vcb-statement, vietinbank-statement, vn-bank-disbursement, vn-bank-statement, "
        "vn-registry, vnpost-cash-payout, or the path of a .toml profile"
    )


def test_a_profile_of_the_wrong_kind_is_refused(tmp_path):
    res = CliRunner().invoke(
        cli, ["check", str(LAYOUTS / "buu_dien.xlsx"), "--as", "payments", "--profile", "vn-registry"]
    )
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        f"reconcile: error: {LAYOUTS / 'buu_dien.xlsx'}: is a payments file but the profile "
        "vn-registry is for registry files; pass a payments profile, or give the file "
        "as --registry"
    )


def test_a_given_profile_that_does_not_fit_the_file_says_so():
    with pytest.raises(InputFileError) as err:
        read_file(LAYOUTS / "buu_dien.xlsx", "payments", resolve("vn-bank-statement"))
    assert str(err.value) == (
        f"{LAYOUTS / 'buu_dien.xlsx'}: has no row with the headers Ghi nợ / Phát sinh nợ / PS nợ / Phát sinh trong kỳ "
        "nợ / Số tiền nợ, Ghi có / Phát sinh có / PS có / Phát sinh trong kỳ có / Số tiền có in its first 30 rows (profile vn-bank-statement); check that this is the right file for the "
        "profile, or the profile's [header] find"
    )


EXAMPLE = FIXTURES / "profiles"


def test_the_readme_example_profile_reads_its_bank_file():
    """The worked example of README "Bringing a new bank's file": odd headers, month-first dates,
    comma thousands, a fixed programme, a header on row 3."""
    profile = load_file(EXAMPLE / "example-bank.toml")
    result = check_file(EXAMPLE / "example_bank.csv", "payments", PERIOD, str(EXAMPLE / "example-bank.toml"))
    assert (result.profile, result.profile_how, result.header_row) == ("example-bank", "given", 3)
    assert result.columns_used == {
        "Ref No": "payment_ref",
        "Citizen ID": "vneid",
        "Beneficiary": "payee_name",
        "Acct": "account_number",
        "Bank": "bank_code",
        "Paid (VND)": "amount",
        "Value Date": "value_date",
        "Memo": "narrative",
    }
    assert result.notes == [
        "channel = 'bank' for every row (the file has no such column)",
        "program = 'pension' for every row (the file has no such column)",
        "amount: ',' read as the thousands separator",
        "value_date: read as month, day, year",
    ]
    assert (result.rows_read, result.rows_loaded, result.rejected) == (3, 3, [])
    assert result.control == "totals row 7 says 10,800,000 VND; read 3 rows of 10,800,000 VND"
    table = read_file(EXAMPLE / "example_bank.csv", "payments", profile)
    db_rows = _staged(table)
    assert db_rows == [
        ("EX-0001", "001087012345", 1_500_000, "2024-09-05", "bank", "pension"),
        ("EX-0002", "079153000257", 5_200_000, "2024-09-12", "bank", "pension"),
        ("EX-0003", "038146000111", 4_100_000, "2024-09-30", "bank", "pension"),
    ]


def _staged(table):
    from reconcile.normalise.reference import install
    from reconcile.normalise.stage import load_raw, stage

    con = duckdb.connect()
    install(con)
    load_raw(con, "payments", [(1, table)])
    stage(con, "payments", {"period": PERIOD, "period_start": "2024-09-01", "period_end": "2024-09-30"})
    rows = con.execute(
        "SELECT payment_ref, vneid, amount, strftime(value_date, '%Y-%m-%d'), channel, program "
        "FROM stg_payments WHERE reject_reason IS NULL ORDER BY source_row"
    ).fetchall()
    con.close()
    return rows


@pytest.mark.parametrize(
    "name, legacy, message",
    [
        (
            "tcvn3.csv",
            "TCVN3",
            "holds text in the legacy TCVN3 (ABC) font encoding, so every name would be garbled; "
            "convert it to Unicode first (e.g. Unikey's converter, TCVN3 to Unicode) and save it as 'CSV UTF-8' or .xlsx",
        ),
        (
            "vni.csv",
            "VNI",
            "holds text in the legacy VNI font encoding, so every name would be garbled; "
            "convert it to Unicode first (e.g. Unikey's converter, VNI to Unicode) and save it as 'CSV UTF-8' or .xlsx",
        ),
        (
            "double.csv",
            "double",
            "holds Vietnamese text that was decoded twice (UTF-8 read as Windows-1252), so every "
            "name would be garbled; export it again from the source system as 'CSV UTF-8' or .xlsx",
        ),
    ],
)
def test_text_in_a_legacy_font_encoding_is_refused_with_how_to_convert_it(tmp_path, name, legacy, message):
    names = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Thị Hồng", "Phạm Đức Anh"]
    if legacy == "TCVN3":  # what .VnTime text looks like once read as Windows-1258
        names = ["NguyÔn V¨n Hïng", "TrÇn ThÞ Mai", "Lª ThÞ Hång", "Ph¹m §øc Anh"]
    elif legacy == "VNI":
        names = ["Nguyeãn Vaên Huøng", "Traàn Thò Mai", "Leâ Thò Hoàng", "Phaïm Ñöùc Anh"]
    else:
        names = [n.encode("utf-8").decode("cp1252", errors="replace") for n in names]
    rows = [[f"FT{i}", "", n, "500000", "05/09/2024", "bank"] for i, n in enumerate(names)]
    path = write_csv(tmp_path / name, ["payment_ref", "vneid", "payee_name", "amount", "value_date", "channel"], rows)
    with pytest.raises(InputFileError) as err:
        read_file(path, "payments")
    assert str(err.value) == f"{path}: {message}"


def test_correct_vietnamese_with_a_stray_symbol_is_not_taken_for_a_legacy_font(tmp_path):
    rows = [
        [f"FT{i}", "", n, "500000", "05/09/2024", "bank", "Chi trợ cấp © ® tháng 9"]
        for i, n in enumerate(["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Thị Hồng"])
    ]
    path = write_csv(
        tmp_path / "ok.csv",
        ["payment_ref", "vneid", "payee_name", "amount", "value_date", "channel", "narrative"],
        rows,
    )
    assert read_file(path, "payments").rows_read == 3


def test_cp1258_writer_round_trips_vietnamese():
    text = "Nguyễn Thị Thanh Hương, Đặng Quang Tuấn, Lý Hữu Phúc"
    assert cp1258(text).decode("cp1258") != text  # tone marks are combining characters in Windows-1258
    import unicodedata

    assert unicodedata.normalize("NFC", cp1258(text).decode("cp1258")) == text


def _two_sheets(path):
    wb = openpyxl.Workbook()
    wb.active.title = "Ghi chú"
    wb.active.append(["Bảng này chỉ có ghi chú"])
    ws = wb.create_sheet("Chi trả")
    ws.append(["payment_ref", "payee_name", "amount", "value_date", "channel"])
    ws.append(["FT1", "Nguyễn Văn Hùng", "500000", "05/09/2024", "bank"])
    wb.save(path)
    return path


@pytest.mark.parametrize("sheet", ["2", "Chi trả"])
def test_sheet_chosen_by_position_or_name(tmp_path, sheet):
    path = _two_sheets(tmp_path / "two.xlsx")
    result = check_file(path, "payments", PERIOD, sheet=sheet)
    assert (result.sheet, result.rows_loaded) == ("Chi trả", 1)


@pytest.mark.parametrize(
    "sheet, message",
    [
        ("3", "has 2 sheet(s), not a sheet 3; pass --sheet with a position from 1 or a sheet name"),
        (
            "Tháng 9",
            "has no sheet named 'Tháng 9' (its sheets: Ghi chú, Chi trả); pass --sheet with one of those names",
        ),
    ],
)
def test_a_missing_sheet_is_refused(tmp_path, sheet, message):
    path = _two_sheets(tmp_path / "two.xlsx")
    with pytest.raises(InputFileError) as err:
        check_file(path, "payments", PERIOD, sheet=sheet)
    assert str(err.value) == f"{path}: {message}"


def test_title_block_without_a_profile_is_skipped_by_finding_the_header(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "DANH SÁCH CHI TRẢ THÁNG 9\n\npayment_ref,payee_name,amount,value_date,channel\n"
        "FT1,Nguyễn Văn Hùng,500000,05/09/2024,bank\n,,,,\nFT2,Trần Thị Mai,600000,06/09/2024,bank\n",
        encoding="utf-8",
    )
    result = check_file(path, "payments", PERIOD)
    assert (result.profile_how, result.header_row, result.rows_read, result.rows_loaded) == ("none", 3, 3, 2)
    assert result.rejected == [(5, "blank row")]


REAL_FILES = [
    "registry.xlsx",
    "registry_legacy.xls",
    "bank_statement.xlsx",
    "bank_cp1258.csv",
    "bank_unicode.txt",
    "bank_camt053.xml",
    "buu_dien.xlsx",
]


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(REAL_FILES),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=8)), max_size=4),
    keep=st.floats(0, 1),
)
def test_damaged_real_files_are_read_or_refused_never_crash(tmp_path, name, cuts, keep):
    """Any damage to a real file of each format (bytes overwritten, the end cut off) either reads,
    with every row accounted for, or is refused with a one-line InputFileError."""
    raw = bytearray((LAYOUTS / name).read_bytes())
    for where, junk in cuts:
        at = int(where * len(raw))
        raw[at : at + len(junk)] = junk
    raw = raw[: max(1, int(keep * len(raw)))] if keep < 0.9 else raw
    path = tmp_path / name
    path.write_bytes(bytes(raw))
    read_or_input_file_error(path)


def test_a_thousands_separator_only_where_it_groups_digits(tmp_path):
    """A profile's '.' for thousands must not turn 1000000.5 (a fraction, from a file re-saved in
    another locale) into 10,000,005: the separator is taken out only where it groups in threes."""
    profile = tmp_path / "dot.toml"
    profile.write_text(
        'name = "dot-bank"\nkind = "payments"\nthousands = "."\n[values]\nchannel = "bank"\n', encoding="utf-8"
    )
    header = ["Số tham chiếu", "Số định danh", "Tên người thụ hưởng", "Số tiền", "Ngày giao dịch"]
    rows = [
        ["R1", "001087012345", "NGUYEN VAN HUNG", "1.500.000", "05/09/2024"],
        ["R2", "079153000257", "TRAN THI MAI", "1000000.5", "05/09/2024"],
        ["R3", "038146000111", "LE THI HONG", "1.5000", "05/09/2024"],
        ["R4", "038146000112", "LE VAN AN", "₫ 2.000.000,00", "05/09/2024"],
        ["R5", "038146000113", "PHAM DUC ANH", "750000", "05/09/2024"],
    ]
    result = check_file(write_csv(tmp_path / "p.csv", header, rows), "payments", PERIOD, str(profile))
    assert result.rejected == [
        (3, "amount has a fraction or bad digit grouping (VND has no minor unit)"),
        (4, "amount has a fraction or bad digit grouping (VND has no minor unit)"),
    ]
    table = read_file(tmp_path / "p.csv", "payments", load_file(profile))
    assert [(ref, amount) for ref, _, amount, *_ in _staged(table)] == [
        ("R1", 1_500_000),
        ("R4", 2_000_000),
        ("R5", 750_000),
    ]


def _bank_with_a_fee_row(tmp_path, skip: str):
    """The README's example bank file with a bank charge among the payments, and its profile with one
    more [[skip]] rule (`skip`: the rule's lines)."""
    lines = (EXAMPLE / "example_bank.csv").read_text(encoding="utf-8").splitlines()
    fee = 'EX-FEE,,,,,"11,000",09/30/2024,Fee for batch 2024-09-PEN-01'
    data = tmp_path / "bank.csv"
    data.write_text("\n".join([*lines[:-1], fee, lines[-1]]) + "\n", encoding="utf-8")
    profile = tmp_path / "bank.toml"
    toml = (EXAMPLE / "example-bank.toml").read_text(encoding="utf-8")
    profile.write_text(toml + f'\n[[skip]]\n{skip}\nmatches = "^fee"\nreason = "bank charges"\n', encoding="utf-8")
    return data, profile


def test_a_skip_rule_on_a_column_the_file_lacks_is_refused_naming_it_and_the_headers(tmp_path, monkeypatch):
    """A misspelt [[skip]] column did nothing and said nothing: the bank's fee was loaded as a payment.
    Now the file is refused, in the officer's language, naming the rule's column and the file's headers."""
    from reconcile import messages

    monkeypatch.delenv(messages.ENV, raising=False)
    data, profile = _bank_with_a_fee_row(tmp_path, 'column = "Memmo"')
    with pytest.raises(InputFileError) as err:
        read_file(data, "payments", load_file(profile))
    headers = "'Ref No', 'Citizen ID', 'Beneficiary', 'Acct', 'Bank', 'Paid (VND)', 'Value Date', 'Memo'"
    assert str(err.value) == (
        f"{data}: has no column 'Memmo' for a [[skip]] rule of the profile example-bank; correct the rule's "
        f"column to one of the file's headers ({headers}), or give the rule optional = true if some files lack "
        "that column"
    )
    args = ["check", str(data), "--as", "payments", "--period", PERIOD, "--profile", str(profile)]
    res = CliRunner().invoke(cli, args)  # the terminal's default language: vi
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        f"reconcile: lỗi: {data}: không có cột 'Memmo' mà một quy tắc [[skip]] của hồ sơ định dạng example-bank "
        f"dùng; hãy sửa cột của quy tắc thành một trong các tiêu đề của tệp ({headers}), hoặc thêm optional = true "
        "vào quy tắc nếu có tệp không có cột đó"
    )


def test_a_skip_rule_sets_aside_by_its_column_or_with_optional_may_find_none(tmp_path):
    right, right_profile = _bank_with_a_fee_row(tmp_path, 'column = "Memo"')
    result = check_file(right, "payments", PERIOD, str(right_profile))
    assert (result.rows_read, result.rows_loaded) == (4, 3)
    assert result.set_aside == [(7, "bank charges (profile example-bank)")]
    optional = tmp_path / "optional"
    optional.mkdir()
    data, profile = _bank_with_a_fee_row(optional, 'column = "Memmo"\noptional = true')
    result = check_file(data, "payments", PERIOD, str(profile))  # the profile's own choice: read as data
    assert (result.rows_read, result.rows_loaded, result.set_aside) == (4, 3, [])
    assert result.rejected == [(7, "payee_name missing (and no ID or account to tell who was paid)")]


def test_a_skip_rule_on_a_column_an_extract_rule_gives_sets_aside_by_it(tmp_path):
    """A file without a payee column, whose memo holds the payee: a [[skip]] rule on `payee_name`,
    which the [[extract]] rule gives, was refused as a column the file lacks. It reads the extraction."""
    data = tmp_path / "bank.csv"
    data.write_text(
        "EXAMPLE BANK - PENSION PAYMENT REPORT\nBatch 2024-09-PEN-01\n"
        "Ref No,Citizen ID,Acct,Bank,Paid (VND),Value Date,Memo\n"
        'EX-0001,001087012345,0011223344,VBA,"1,500,000",09/05/2024,Pension 09/2024 / NGUYEN VAN HUNG\n'
        'EX-FEE,,,,"11,000",09/30/2024,Fee / PHI DICH VU\n'
        'EX-0002,079153000257,0099887766,VCB,"5,200,000",09/12/2024,Pension 09/2024 / TRẦN THỊ MAI\n'
        'Total,,,,"6,711,000",,\n',
        encoding="utf-8",
    )
    toml = (EXAMPLE / "example-bank.toml").read_text(encoding="utf-8").replace('payee_name = "Beneficiary"\n', "")
    profile = tmp_path / "bank.toml"
    profile.write_text(
        toml + '\n[[skip]]\ncolumn = "payee_name"\nmatches = \'^phi dich vu\'\nreason = "bank charges"\n'
        "\n[[extract]]\ncolumn = \"Memo\"\npattern = '/ (?P<payee_name>.+)$'\n",
        encoding="utf-8",
    )
    result = check_file(data, "payments", PERIOD, str(profile))
    assert (result.rows_read, result.rows_loaded, result.rejected) == (3, 2, [])
    assert result.set_aside == [(5, "bank charges (profile example-bank)")]
    table = read_file(data, "payments", load_file(profile))
    assert [(ref, amount) for ref, _, amount, *_ in _staged(table)] == [("EX-0001", 1_500_000), ("EX-0002", 5_200_000)]


def test_a_built_in_skip_rule_is_optional_unless_its_profile_finds_its_column():
    """Built-in profiles set rows aside by columns some files of their layout lack (STT, a narrative):
    such a rule says optional = true; the others are on a header the profile's [header] find requires,
    so that no file the profile reads is refused for them."""
    for profile in builtin():
        found = [h for h in profile.header.find if isinstance(h, str)]
        for rule in profile.skip:
            on_found = rule.column in found or any(h in found for h in profile.headers_for(rule.column))
            assert rule.optional or on_found, f"{profile.name}: [[skip]] on {rule.column}"


def test_the_built_in_profiles_are_described_in_the_terminal_s_language(monkeypatch):
    from reconcile import messages

    monkeypatch.delenv(messages.ENV, raising=False)
    assert all(p.description_vi and p.description_vi != p.description for p in builtin())
    said = {}
    for lang in ("en", "vi"):
        res = CliRunner().invoke(cli, ["--lang", lang, "profiles", "--format", "csv"])
        assert res.exit_code == 0
        said[lang] = {r[0]: r[3] for r in list(csv.reader(io.StringIO(res.stdout)))[1:]}
    assert said["en"]["vnpost-cash-payout"] == (
        "Post office cash payout list: STT, Họ và tên, Số CCCD, Số tiền, Ngày chi trả, Ký nhận; title block "
        "allowed; all cash"
    )
    assert said["vi"]["vnpost-cash-payout"] == (
        "Danh sách chi trả tiền mặt của bưu điện: STT, Họ và tên, Số CCCD, Số tiền, Ngày chi trả, Ký nhận; cho "
        "phép khối tiêu đề phía trên; tất cả chi bằng tiền mặt"
    )
    assert said["vi"] == {p.name: p.description_vi for p in builtin()}
    assert said["en"] == {p.name: p.description for p in builtin()}


def test_a_registry_in_sections_with_subtotals_in_the_name_column_loads_and_agrees_with_its_total(tmp_path):
    """A commune's subtotal written in the name column (`Cộng xã An Bình`) was read as a beneficiary
    with no ID, and the section headings (`I | Xã An Bình`) too: the grand total then disagreed with
    the rows read and the registry was refused. They are set aside, and the total agrees."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["UBND TỈNH X"])
    ws.append([])
    ws.append(["STT", "Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Chế độ", "Số tiền hưởng", "Hình thức chi trả"])
    ws.append(["I", "Xã An Bình"])
    ws.append([1, "001036000001", "Nguyễn Văn An", "01/01/1936", "Trợ cấp xã hội", 1500000, "Tiền mặt"])
    ws.append([2, "001137000002", "Trần Thị Bình", "01/01/1937", "Trợ cấp xã hội", 750000, "Tiền mặt"])
    ws.append([None, None, "Cộng xã An Bình", None, None, 2250000])
    ws.append(["II.", "Xã Bình Minh"])
    ws.append([1, "001038000003", "Tổng Văn Cường", "01/01/1938", "Trợ cấp xã hội", 750000, "Tiền mặt"])
    ws.append([None, None, "Cộng", None, None, 750000])
    ws.append([None, None, "Tổng cộng", None, None, 3000000])
    path = tmp_path / "ds.xlsx"
    wb.save(path)
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "registry", "--period", PERIOD])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[-4:] == [
        "rows: 7 read, 3 loaded, 0 rejected, 4 set aside as no beneficiary",
        "totals: totals row 11 says 3,000,000 VND; read 3 rows of 3,000,000 VND",
        "set aside: 2 rows: a section heading (profile vn-registry) (rows 4, 8)",
        "set aside: 2 rows: a total row (profile vn-registry) (rows 7, 10)",
    ]


def test_a_registry_of_one_programme_is_told_how_to_say_it_and_read_with_a_profile_of_one_value(tmp_path):
    """A welfare list with no `Chế độ` column was told to add a column or `pass a --profile that maps
    it`, when no column can be mapped: the fix names [values], and a profile of that one value reads it."""
    path = tmp_path / "ds_bao_tro.csv"
    path.write_text(
        "STT,Họ tên,Số CCCD,Năm sinh,Loại đối tượng,Mức trợ cấp,Hình thức nhận,Số TK,Ngân hàng\n"
        "1,Nguyễn Thị Thanh Hương,079196118125,1996,Người khuyết tật,1.500.000,Chuyển khoản,0071000000001,VCB\n"
        "2,Trần Văn Bình,001097699417,1997,Người cao tuổi,2.250.000,Bưu điện,,\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "registry"])
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines()[-1] == (
        f"reconcile: error: {path}: required column 'program' is missing from the registry file; add it, or, "
        "if every row of the file has the same program, pass a --profile whose [values] sets it "
        "(program = \"welfare\"; see 'reconcile profiles')"
    )
    profile = tmp_path / "bao_tro.toml"
    profile.write_text('name = "bao-tro"\nkind = "registry"\n\n[values]\nprogram = "welfare"\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "registry", "--profile", str(profile)])
    assert res.exit_code == 0, res.output
    assert "program = 'welfare' for every row (the file has no such column)" in res.output
    assert "rows: 2 read, 2 loaded, 0 rejected" in res.output


def test_a_bank_s_list_is_told_by_its_transfer_references_and_a_commune_s_list_to_pay_is_not(tmp_path):
    """`Số tài khoản`, `Họ và tên`, `Số tiền` and `Mã giao dịch`: the bank's list of what it paid, read
    as all by bank; the same without a transfer's reference is a commune's list of whom to pay, some
    in cash, and is not made all the bank's (refused for its channel, with how to give it)."""
    head = "STT,Họ và tên,Số CCCD,Số tài khoản,Số tiền,Ngày chuyển"
    row = "1,Nguyễn Thị Thanh Hương,079196118125,0071000000001,1.500.000,05/09/2024"
    bank = write_csv(tmp_path / "ngan_hang.csv", (head + ",Mã giao dịch").split(","), [(row + ",GD001").split(",")])
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(bank), "--as", "payments"])
    assert res.exit_code == 0, res.output
    assert "profile: vn-bank-disbursement (recognised from its header row)" in res.output
    assert "channel = 'bank' for every row (the file has no such column)" in res.output
    commune = write_csv(tmp_path / "xa.csv", (head + ",Số chứng từ").split(","), [(row + ",CT001").split(",")])
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(commune), "--as", "payments"])
    assert res.exit_code == 2
    assert "required column 'channel' is missing from the payments file" in res.stderr


def test_a_post_office_s_list_numbered_by_stt_alone_is_read_its_rows_numbering_its_payouts(tmp_path):
    """`Họ và tên`, `Số tiền nhận`, `Ngày nhận` and no reference: refused for the missing reference
    and channel, though a post office's cash list has none of either to add."""
    path = tmp_path / "buu_dien.csv"
    path.write_text(
        "STT,Họ và tên,Số CCCD,Số tiền nhận,Ngày nhận,Bưu cục,Chữ ký người nhận\n"
        "1,Nguyễn Thị Thanh Hương,079196118125,1.500.000,05/09/2024,BC An Phú,Đã ký\n"
        "2,Trần Văn Bình,001097699417,2.250.000,06/09/2024,BC An Phú,Đã ký\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments"])
    assert res.exit_code == 0, res.output
    for line in (
        "profile: vnpost-cash-payout (recognised from its header row)",
        "profile: channel = 'cash' for every row (the file has no such column)",
        "profile: payment_ref = the row's number in the file (the file has no column of references)",
        "rows: 2 read, 2 loaded, 0 rejected",
    ):
        assert line in res.output.splitlines()
