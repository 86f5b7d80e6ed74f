"""The command line, through click's CliRunner: exit codes, messages, output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import REPO, SAMPLE_FILES, write_csv
from layouts import cp1258
from reconcile.cli import cli
from test_pipeline import PAY_HEADER, PAYMENTS, REG_HEADER, REGISTRY, month

SAMPLE_RUN = ["--period", "2024-09", "--registry", *map(str, SAMPLE_FILES["registry"]), "--payments"]
SAMPLE_RUN += [str(p) for p in SAMPLE_FILES["payments"]]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_run_prints_the_summary_and_exits_zero(tmp_path):
    reg, pay = month(tmp_path)
    res = invoke("run", "--period", "2024-09", "--registry", reg, "--payments", pay, "--db", tmp_path / "r.duckdb")
    assert res.exit_code == 0, res.output
    assert "Period 2024-09: 3 registry rows, 3 payments loaded, 0 rows rejected." in res.stdout
    assert "0 findings in all." in res.stdout
    assert re.search(r"welfare\s+1\s+100\.00%\s+100\.00%\s+100\.00%\s+99\.85%\s+yes", res.stdout)


def test_fail_on_sets_exit_one_only_at_or_above_the_severity(tmp_path):
    reg, pay = month(tmp_path, payments=[*PAYMENTS[:2], [*PAYMENTS[2][:7], "cash", "success"]])
    cash = write_csv(
        tmp_path / "cash.csv",
        PAY_HEADER,
        [["BD9", "079153000257", "TRAN THI MAI", "", "", "5200000", "06/09/2024", "cash", "success"]],
    )
    args = [
        "run",
        "--period",
        "2024-09",
        "--registry",
        reg,
        "--payments",
        pay,
        "--payments",
        cash,
        "--db",
        tmp_path / "r.duckdb",
    ]
    # TRAN THI MAI is paid twice (bank and cash): DUPLICATE_PAYMENT high, CASH_DESPITE_ACCOUNT low
    assert invoke(*args, "--fail-on", "critical").exit_code == 0
    assert invoke(*args, "--fail-on", "high").exit_code == 1
    assert invoke(*args).exit_code == 0


def test_missing_column_is_one_line_exit_two_and_database_unchanged(tmp_path):
    reg, pay = month(tmp_path)
    db = tmp_path / "r.duckdb"
    assert invoke("run", "--period", "2024-09", "--registry", reg, "--payments", pay, "--db", db).exit_code == 0
    before = db.read_bytes()
    bad = write_csv(
        tmp_path / "bad.csv", [h for h in REG_HEADER if h != "entitled_amount"], [r[:5] + r[6:] for r in REGISTRY]
    )
    res = invoke("run", "--period", "2024-09", "--registry", bad, "--payments", pay, "--db", db)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {bad}: required column 'entitled_amount' is missing from the registry file; "
        "add it or rename the column that holds it to 'entitled_amount', or pass a --profile that maps it"
    )
    assert "Traceback" not in res.output
    assert db.read_bytes() == before


def test_bad_period_and_missing_file_are_exit_two(tmp_path):
    reg, pay = month(tmp_path)
    res = invoke("run", "--period", "2024-13", "--registry", reg, "--payments", pay, "--db", tmp_path / "r.duckdb")
    assert res.exit_code == 2
    assert res.stderr.strip() == "reconcile: error: period '2024-13' is not YYYY-MM; pass e.g. --period 2024-09"
    # of the form, but out of the years: not said to be of another form
    res = invoke("run", "--period", "9999-12", "--registry", reg, "--payments", pay, "--db", tmp_path / "r.duckdb")
    assert (res.exit_code, res.stderr.strip()) == (
        2,
        "reconcile: error: period '9999-12' is not a year from 1900 to 2100; pass e.g. --period 2024-09",
    )
    res = invoke(
        "run",
        "--period",
        "2024-09",
        "--registry",
        tmp_path / "nope.csv",
        "--payments",
        pay,
        "--db",
        tmp_path / "r.duckdb",
    )
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == f"reconcile: error: {tmp_path / 'nope.csv'}: file not found; check the path"
    assert not (tmp_path / "r.duckdb").exists()


def test_bad_config_is_exit_two(tmp_path):
    reg, pay = month(tmp_path)
    cfg = tmp_path / "c.toml"
    cfg.write_text("[targets]\nwelfare = 1.5\n", encoding="utf-8")
    res = invoke("run", "--period", "2024-09", "--registry", reg, "--payments", pay, "--config", cfg)
    assert res.exit_code == 2
    assert res.stderr.strip().startswith(f"reconcile: error: {cfg}: setting 'targets.welfare': ")


@pytest.mark.parametrize(
    "toml, en, vi",
    [
        (
            "[checks]\nmax_rejectd = 0.3\n",
            "'checks.max_rejectd' is not a setting of reconcile (did you mean 'max_rejected'?); correct or remove it",
            "'checks.max_rejectd' không phải một thiết lập của reconcile (có phải ý bạn là 'max_rejected'?); hãy sửa "
            "hoặc xóa nó",
        ),
        (  # a setting written in the wrong section, or outside any: where it belongs
            "max_file_mb = 4\n",
            "'max_file_mb' is not a setting there; it belongs in [limits]: move it",
            "'max_file_mb' không phải thiết lập ở chỗ này; thiết lập này thuộc mục [limits]: hãy chuyển nó sang đó",
        ),
        (
            "[checks]\nmax_unzipped_mb = 100\n",
            "'checks.max_unzipped_mb' is not a setting there; it belongs in [limits]: move it",
            "'checks.max_unzipped_mb' không phải thiết lập ở chỗ này; thiết lập này thuộc mục [limits]: hãy chuyển nó "
            "sang đó",
        ),
        (  # a quote left open: tomllib finds it at the end of the file; the line is the one that opened it
            "[checks]\nmin_group = '20\nmax_rejected = 0.5\n",
            "not valid TOML (text in quotes without its closing quote at line 2); fix the file",
            "không phải TOML hợp lệ (chữ trong dấu ngoặc kép thiếu dấu ngoặc đóng ở dòng 2); hãy sửa tệp",
        ),
        (  # a key in another unit: the one it resembles, and the unit that one is in (a GB figure is no MB)
            "[limits]\nmax_file_gb = 4\n",
            "'limits.max_file_gb' is not a setting of reconcile (did you mean 'max_file_mb'? it is in MB); correct or "
            "remove it",
            "'limits.max_file_gb' không phải một thiết lập của reconcile (có phải ý bạn là 'max_file_mb'? thiết lập "
            "này tính bằng MB); hãy sửa hoặc xóa nó",
        ),
        (
            "[limits]\nmax_line_mb = 2\n",
            "'limits.max_line_mb' is not a setting of reconcile (did you mean 'max_line_kb'? it is in KB); correct or "
            "remove it",
            "'limits.max_line_mb' không phải một thiết lập của reconcile (có phải ý bạn là 'max_line_kb'? thiết lập "
            "này tính bằng KB); hãy sửa hoặc xóa nó",
        ),
        (  # a key without a unit, for a setting in one
            "[limits]\nmax_file_size = 4096\n",
            "'limits.max_file_size' is not a setting of reconcile (did you mean 'max_file_mb'? it is in MB); correct "
            "or remove it",
            "'limits.max_file_size' không phải một thiết lập của reconcile (có phải ý bạn là 'max_file_mb'? thiết lập "
            "này tính bằng MB); hãy sửa hoặc xóa nó",
        ),
        (  # the same unit misspelt otherwise: no word on units
            "[limits]\nmax_fle_mb = 4096\n",
            "'limits.max_fle_mb' is not a setting of reconcile (did you mean 'max_file_mb'?); correct or remove it",
            "'limits.max_fle_mb' không phải một thiết lập của reconcile (có phải ý bạn là 'max_file_mb'?); hãy sửa "
            "hoặc xóa nó",
        ),
        (  # TOML's syntax, in the officer's words: what it is and the line and column TOML gives
            "lang = en\n",
            "not valid TOML (a value that is not a number, true, false, a date or text in quotes at line 1, column "
            "8); fix the file",
            "không phải TOML hợp lệ (một giá trị không phải số, true, false, ngày tháng hay chữ đặt trong dấu ngoặc "
            "kép ở dòng 1, cột 8); hãy sửa tệp",
        ),
        (
            "[checks]\nmin_group = 20\n[checks]\nmin_source = 5\n",
            "not valid TOML (a [section] given twice at line 3, column 8); fix the file",
            "không phải TOML hợp lệ (một mục [...] được khai báo hai lần ở dòng 3, cột 8); hãy sửa tệp",
        ),
        (
            "[targets]\nwelfare = 99.85%\n",
            "not valid TOML (more after a value than a # comment at line 2, column 16); fix the file",
            "không phải TOML hợp lệ (có nội dung khác ngoài một chú thích # sau giá trị ở dòng 2, cột 16); hãy sửa tệp",
        ),
        (
            "[muc_tieu]\nwelfare = 0.9\n",
            "'muc_tieu' is not a setting of reconcile; correct or remove it (docs/operations.md lists the settings)",
            "'muc_tieu' không phải một thiết lập của reconcile; hãy sửa hoặc xóa nó (docs/operations.md liệt kê các "
            "thiết lập)",
        ),
        (
            '[checks]\nmax_rejected = "25%"\n',
            "setting 'checks.max_rejected': must be a number; fix the value",
            "thiết lập 'checks.max_rejected': phải là một số; hãy sửa giá trị",
        ),
        (  # a share written as a percentage: said to be a fraction, with the fraction to write
            "[targets]\nwelfare = 99.85\n",
            "setting 'targets.welfare': must be at most 1: a share is a fraction; for 99.85% write 0.9985; fix the value",
            "thiết lập 'targets.welfare': phải không quá 1: tỷ lệ viết dưới dạng số thập phân; với 99.85% hãy viết "
            "0.9985; hãy sửa giá trị",
        ),
        (
            "[checks]\nmax_rejected = 25\n",
            "setting 'checks.max_rejected': must be at most 1: a share is a fraction; for 25% write 0.25; fix the value",
            "thiết lập 'checks.max_rejected': phải không quá 1: tỷ lệ viết dưới dạng số thập phân; với 25% hãy viết "
            "0.25; hãy sửa giá trị",
        ),
        (
            "[targets]\nwelfare = 150\n",
            "setting 'targets.welfare': must be at most 1: a share is a fraction (0.25 for 25%); fix the value",
            "thiết lập 'targets.welfare': phải không quá 1: tỷ lệ viết dưới dạng số thập phân (0.25 cho 25%); hãy sửa "
            "giá trị",
        ),
        (
            "[targets]\nwelfare = -0.5\n",
            "setting 'targets.welfare': must be at least 0.0; fix the value",
            "thiết lập 'targets.welfare': phải từ 0,0 trở lên; hãy sửa giá trị",
        ),
        (  # 10.000 for ten thousand, as Vietnamese writes it: TOML reads ten
            "[checks]\nmin_amount = 10.000\n",
            "setting 'checks.min_amount': must be a whole number, digits only: ten thousand is 10000 (10.000 is ten); "
            "fix the value",
            "thiết lập 'checks.min_amount': phải là một số nguyên, chỉ gồm chữ số: mười nghìn viết là 10000 (10.000 là "
            "mười); hãy sửa giá trị",
        ),
        (
            "[checks]\nmin_source = -1\n",
            "setting 'checks.min_source': must be at least 0; fix the value",
            "thiết lập 'checks.min_source': phải từ 0 trở lên; hãy sửa giá trị",
        ),
        (  # TOML has types: true or "20" where a number goes is a mistake, not 1 or 20
            "[targets]\nwelfare = true\n",
            "setting 'targets.welfare': must be a number; fix the value",
            "thiết lập 'targets.welfare': phải là một số; hãy sửa giá trị",
        ),
        (
            '[checks]\nmin_group = "20"\n',
            "setting 'checks.min_group': must be a whole number, without quotes; fix the value",
            "thiết lập 'checks.min_group': phải là một số nguyên, không đặt trong dấu ngoặc kép; hãy sửa giá trị",
        ),
        (
            '[checks]\ncontrol_totals = "false"\n',
            "setting 'checks.control_totals': must be true or false, without quotes; fix the value",
            "thiết lập 'checks.control_totals': phải là true hoặc false, không đặt trong dấu ngoặc kép; hãy sửa giá trị",
        ),
        (
            "checks = 5\n",
            "setting 'checks': must be a table of settings; fix the value",
            "thiết lập 'checks': phải là một bảng thiết lập; hãy sửa giá trị",
        ),
        (
            'lang = "fr"\n',
            "setting 'lang': must be one of 'vi', 'en'; fix the value",
            "thiết lập 'lang': phải là một trong 'vi', 'en'; hãy sửa giá trị",
        ),
    ],
)
def test_a_config_error_says_what_is_wrong_in_the_officer_s_language(tmp_path, toml, en, vi):
    reg, pay = month(tmp_path)
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml, encoding="utf-8")
    args = ["run", "--period", "2024-09", "--registry", reg, "--payments", pay, "--config", cfg]
    for lang, expected, prefix in (("en", en, "reconcile: error: "), ("vi", vi, "reconcile: lỗi: ")):
        res = invoke("--lang", lang, *args)
        assert res.exit_code == 2
        assert res.stderr.splitlines()[-1] == f"{prefix}{cfg}: {expected}"


def test_a_config_not_saved_as_utf8_says_to_save_it_so(tmp_path):
    reg, pay = month(tmp_path)
    cfg = tmp_path / "c.toml"
    cfg.write_bytes(cp1258('lang = "en"\n# mục tiêu chi không dùng tiền mặt\n[targets]\nwelfare = 0.99\n'))
    args = ["run", "--period", "2024-09", "--registry", reg, "--payments", pay, "--config", cfg]
    res = invoke("--lang", "vi", *args)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: lỗi: {cfg}: không được lưu dưới dạng UTF-8 (dòng 2 có byte không phải UTF-8); hãy lưu tệp "
        "dưới dạng UTF-8 trong trình soạn thảo văn bản rồi thử lại"
    )
    res = invoke("--lang", "en", *args)
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {cfg}: is not saved as UTF-8 (line 2 holds bytes that are not UTF-8); save the file "
        "as UTF-8 in the text editor and try again"
    )
    # a workbook given for the config is no text file to save otherwise
    workbook = REPO / "fixtures" / "sample" / "post_office_cash.xlsx"
    res = invoke("--lang", "en", *args[:-1], workbook)
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {workbook}: is a workbook or an archive, not a TOML text file; pass the .toml file"
    )


def test_the_lang_a_config_sets_is_the_language_of_the_error_about_that_config(tmp_path, monkeypatch):
    """lang = "en" is read from the file first, so what is wrong with the rest of it is said in English; a
    file that cannot be parsed at all is said in the default language (vi), and --lang still wins."""
    monkeypatch.delenv("RECONCILE_LANG", raising=False)
    reg, pay = month(tmp_path)
    cfg = tmp_path / "c.toml"
    args = ["run", "--period", "2024-09", "--registry", reg, "--payments", pay, "--config", cfg]
    cfg.write_text('lang = "en"\n[checks]\nmin_group = "20"\n', encoding="utf-8")
    res = invoke(*args)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {cfg}: setting 'checks.min_group': must be a whole number, without quotes; fix the value"
    )
    assert invoke("--lang", "vi", *args).stderr.splitlines()[-1].startswith(f"reconcile: lỗi: {cfg}: ")
    cfg.write_text('lang = "en"\n[limits\n', encoding="utf-8")
    res = invoke(*args)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: lỗi: {cfg}: không phải TOML hợp lệ (tên mục [...] thiếu dấu ] đóng ở dòng 2, cột 8); hãy sửa tệp"
    )


def test_config_changes_thresholds(tmp_path):
    payments = [[*PAYMENTS[0][:5], "1,499,000", *PAYMENTS[0][6:]], *PAYMENTS[1:]]
    reg, pay = month(tmp_path, payments=payments)
    cfg = tmp_path / "c.toml"
    cfg.write_text("[thresholds]\namount_tolerance = 1000\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    assert invoke("run", "--period", "2024-09", "--registry", reg, "--payments", pay, "--db", db).exit_code == 0
    with duckdb.connect(str(db)) as con:
        assert con.execute("SELECT code FROM flags").fetchall() == [("AMOUNT_MISMATCH",)]
    assert (
        invoke(
            "run", "--period", "2024-09", "--registry", reg, "--payments", pay, "--db", db, "--config", cfg
        ).exit_code
        == 0
    )
    with duckdb.connect(str(db)) as con:
        assert con.execute("SELECT code FROM flags").fetchall() == []


def test_check_reports_rows_and_reasons(tmp_path):
    rows = [REGISTRY[0], [*REGISTRY[1][:5], "1,5", *REGISTRY[1][6:]], ["123456789", *REGISTRY[2][1:]]]
    reg = write_csv(tmp_path / "reg.csv", [*REG_HEADER, "ghi chú"], [[*r, ""] for r in rows])
    res = invoke("check", reg, "--as", "registry", "--period", "2024-09")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        f"{reg}: registry file, csv, utf-8, header on row 1",
        "profile: none (canonical names and common Vietnamese headers recognised)",
        "columns: " + ", ".join(f"{h} -> {h}" for h in REG_HEADER),
        "ignored: ghi chú",
        "rows: 3 read, 2 loaded, 1 rejected",
        "row 3: rejected: entitled_amount has a fraction or bad digit grouping (VND has no minor unit)",
        "row 4: INVALID_VNEID: ID has 9 digits, not 12 (an old 9-digit CMND number?)",
    ]


def test_check_of_a_registry_finds_the_ids_a_run_flags(tmp_path):
    """An ID whose century, year and sex digits contradict its row's date of birth and gender is an
    INVALID_VNEID of the run; `check` said nothing of it, and in Vietnamese says it as the run does."""
    reg = tmp_path / "reg.csv"
    reg.write_text(
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Trạng thái\n"
        "001166021246,Kiều Thị Ánh,05/03/1966,Nữ,Trợ cấp xã hội,1.000.000,Tiền mặt,Đang hưởng\n"
        "001066021247,Kiều Văn Bình,05/03/1967,Nữ,Trợ cấp xã hội,1.000.000,Tiền mặt,Đang hưởng\n"
        "001328021248,Kiều Văn Cư,05/03/1960,Nam,Trợ cấp xã hội,1.000.000,Tiền mặt,Đang hưởng\n",
        encoding="utf-8",
    )
    res = invoke("check", reg, "--as", "registry", "--period", "2024-09")
    assert res.exit_code == 1
    assert res.stdout.splitlines()[-2:] == [
        "row 3: INVALID_VNEID: ID's century and year digits (4-6) contradict the registry's year of birth; "
        "ID's sex digit (4) contradicts the registry's gender",
        "row 4: INVALID_VNEID: ID's century and year digits (4-6) give a birth year in the future; ID's century "
        "and year digits (4-6) contradict the registry's year of birth; ID's sex digit (4) contradicts the "
        "registry's gender",
    ]
    vi = CliRunner().invoke(cli, ["--lang", "vi", "check", str(reg), "--as", "registry", "--period", "2024-09"])
    assert vi.stdout.splitlines()[-2] == (
        "dòng 3: INVALID_VNEID: mã thế kỷ và năm sinh của số định danh (chữ số 4-6) trái với năm sinh trong danh "
        "sách; mã giới tính của số định danh (chữ số 4) trái với giới tính trong danh sách"
    )


def test_check_clean_file_exits_zero(tmp_path):
    reg, _ = month(tmp_path)
    res = invoke("check", reg, "--as", "registry", "--period", "2024-09")
    assert res.exit_code == 0
    assert "rows: 3 read, 3 loaded, 0 rejected" in res.stdout


def test_rules_json_lists_all_fourteen_findings():
    res = invoke("rules", "--format", "json")
    assert res.exit_code == 0
    rules = json.loads(res.stdout)
    assert len(rules) == 14
    assert rules[0] == {
        "code": "PAID_AFTER_DEATH",
        "severity": "critical",
        "description_en": "Payment dated after the beneficiary's date of death, or to a beneficiary whose status is deceased",
        "description_vi": "Chi trả sau ngày đối tượng chết, hoặc cho đối tượng có trạng thái đã chết",
    }


def test_demo_reconciles_the_sample_month(tmp_path):
    db = tmp_path / "demo.duckdb"
    res = invoke("demo", "--out", tmp_path / "demo", "--db", db)
    assert res.exit_code == 0, res.output
    assert "Period 2024-09: 300 registry rows, 300 payments loaded, 2 rows rejected." in res.stdout
    assert "26 findings in all." in res.stdout
    with duckdb.connect(str(db)) as con:
        assert con.execute("SELECT count(DISTINCT code) FROM flags").fetchone()[0] == 14


def test_the_commands_the_demo_suggests_work_as_typed_from_a_folder_with_spaces(tmp_path, monkeypatch):
    """The demo ends with commands to try: in a folder with spaces (`Số liệu\\Thư mục demo` on Windows) they
    said `reconcile flags --db Thư mục demo/demo.duckdb`, which typed as shown gives 'unexpected extra
    argument'. Each is run here as a shell (or cmd.exe) splits it."""
    import shlex

    monkeypatch.chdir(tmp_path)
    res = invoke("demo", "--out", "Thư mục demo")
    assert res.exit_code == 0, res.output
    suggested = [line.strip() for line in res.stdout.splitlines() if line.startswith("  reconcile ")]
    assert suggested == [
        f'reconcile case {suggested[0].split()[2]} --db "Thư mục demo/demo.duckdb"',
        'reconcile flags --db "Thư mục demo/demo.duckdb" --severity high',
        'reconcile cashless --db "Thư mục demo/demo.duckdb" --by province',
        'reconcile cases --db "Thư mục demo/demo.duckdb"',
    ]
    for line in suggested:
        typed = invoke(*shlex.split(line)[1:])
        assert typed.exit_code == 0, (line, typed.output)


@pytest.mark.parametrize(
    "command, option",
    [
        (["demo"], "--out"),
        (["generate", "--beneficiaries", "20"], "--out"),
        (["actions", "--period", "2024-09", "--db", "{db}"], "--out"),
        (["run", *SAMPLE_RUN, "--db", "r.duckdb"], "--export"),
    ],
)
@pytest.mark.parametrize("under", [False, True])
def test_an_output_folder_that_is_a_file_is_refused_before_anything_is_written(
    sample_month, tmp_path, monkeypatch, command, option, under
):
    """`--out` or `--export` naming a file, or a folder under one: demo, generate and actions failed with an
    internal error (FileExistsError, NotADirectoryError), exit 3; a run with `--export` under a file saved
    the period, then failed with exit 4."""
    monkeypatch.chdir(tmp_path)
    Path("Danh sách 09-2024.xlsx").write_bytes(b"PK")
    given = "Danh sách 09-2024.xlsx" + ("/2024-09" if under else "")
    args = [a.replace("{db}", str(sample_month.db)) for a in command]
    res = invoke("--lang", "en", *args, option, given)
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: Danh sách 09-2024.xlsx: is a file; give {option} a folder\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Danh sách 09-2024.xlsx"]


@pytest.mark.parametrize(
    "command, option, name",
    [
        (["run", *SAMPLE_RUN], "--db", "r.duckdb"),
        (["run", *SAMPLE_RUN, "--db", "r.duckdb"], "--report", "Báo cáo 09-2024.xlsx"),
        (["export-db", "--db", "{db}"], "--out", "analysts.duckdb"),
    ],
)
def test_an_output_in_a_folder_that_is_a_file_or_missing_says_which_before_reading(
    sample_month, tmp_path, monkeypatch, command, option, name
):
    """`--db Danh sách 09-2024.xlsx/r.duckdb` said 'no such folder for --db; create it first' of a file that
    is there (and only after every input was read); the officer cannot create a folder of that name."""
    monkeypatch.chdir(tmp_path)
    Path("Danh sách 09-2024.xlsx").write_bytes(b"PK")
    args = [a.replace("{db}", str(sample_month.db)) for a in command]
    res = invoke("--lang", "en", *args, option, f"Danh sách 09-2024.xlsx/{name}")
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: Danh sách 09-2024.xlsx: is a file, not a folder; give {option} a path in a folder\n",
    )
    missing = invoke("--lang", "en", *args, option, f"Tháng 9/{name}")
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"reconcile: error: Tháng 9: no such folder for {option}; create it first\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Danh sách 09-2024.xlsx"]


def test_demo_never_writes_into_an_office_s_own_database(tmp_path, monkeypatch):
    """`reconcile demo --db` given the office's database replaced its September with the sample's, added
    an October and recorded a demo auditor's decision in its append-only case history, exit 0. A
    database holding months of files outside the demo's folder is refused, untouched; the demo's own,
    run again from another folder, is not."""
    monkeypatch.chdir(tmp_path)
    office = tmp_path / "office"
    office.mkdir()
    assert invoke("demo", "--out", str(office / "month")).exit_code == 0  # a month of the office's own files
    (office / "month" / "demo.duckdb").rename(office / "real.duckdb")
    before = (office / "real.duckdb").read_bytes()
    res = invoke("--lang", "en", "demo", "--out", "demo", "--db", str(office / "real.duckdb"))
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {office / 'real.duckdb'}: holds months reconciled from files outside demo (its own "
        "database), and the demo would replace its 2024-09 and record a demo decision in its cases; give --db a "
        "new file, or leave --db out\n",
    )
    assert (office / "real.duckdb").read_bytes() == before
    assert invoke("demo", "--out", "demo").exit_code == 0
    monkeypatch.chdir(office)  # the demo's database, its files given as demo/..., from another folder
    assert invoke("demo", "--out", str(tmp_path / "demo")).exit_code == 0


@pytest.mark.parametrize("name", ["registry.csv", "2024-10/bank_transfers.csv", "report.xlsx"])
def test_demo_never_writes_over_an_officers_own_file_in_its_folder(tmp_path, monkeypatch, name):
    """`reconcile demo --out .` in the folder of the officer's own month replaced their registry.csv (or
    report.xlsx) with the sample's, without a word; an earlier demo's files are written again."""
    monkeypatch.chdir(tmp_path)
    own = Path("Đối soát") / name
    own.parent.mkdir(parents=True)
    own.write_bytes("STT,Số định danh cá nhân,Họ và tên\n1,079196118125,Nguyễn Thị Thanh Hương\n".encode())
    res = invoke("--lang", "en", "demo", "--out", "Đối soát")
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {own}: is not a file of the demo's, and the demo would write over it; give --out a "
        "new folder\n",
    )
    assert sorted(str(p.relative_to("Đối soát")) for p in Path("Đối soát").rglob("*")) == sorted(
        {name, str(Path(name).parent)} - {"."}
    )
    if name != "registry.csv":
        return
    own.unlink()
    assert invoke("demo", "--out", "Đối soát").exit_code == 0
    again = invoke("--lang", "en", "demo", "--out", "Đối soát")
    assert again.exit_code == 0, again.output


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"reconcile {name}" in readme, f"command '{name}' is not in the README"


def test_refusals_are_one_line_exit_two_and_name_what_to_do(tmp_path):
    reg, pay = month(tmp_path)
    base = ["run", "--period", "2024-09", "--registry", reg, "--payments", pay]
    not_db = tmp_path / "x.duckdb"
    not_db.write_text("vneid,full_name\n", encoding="utf-8")
    cases = [
        (
            ["--db", reg],
            f"{reg}: --db would write over an input file; give it another name (a run never replaces its inputs)",
        ),
        (["--db", not_db], f"{not_db}: is not a DuckDB database; choose another --db path"),
        (["--db", tmp_path], f"{tmp_path}: is a folder, not a database file; pass a file path to --db"),
        (
            ["--payments", pay, "--db", tmp_path / "r.duckdb"],
            f"{pay}: has the same content as {pay}; pass each file once",
        ),
        (
            ["--config", tmp_path, "--db", tmp_path / "r.duckdb"],
            f"{tmp_path}: is a folder; pass the TOML file to --config",
        ),
    ]
    for extra, message in cases:
        res = invoke(*base, *extra)
        assert res.exit_code == 2, (extra, res.output)
        assert res.stderr.splitlines()[-1] == f"reconcile: error: {message}"
    assert reg.read_text(encoding="utf-8-sig").startswith("vneid,")
    res = invoke("run", "--period", "0000-01", "--registry", reg, "--payments", pay)
    assert res.exit_code == 2


def test_damaged_utf8_names_the_line_and_parse_errors_quote_no_data(tmp_path):
    _reg, _ = month(tmp_path)
    damaged = tmp_path / "damaged.csv"
    damaged.write_bytes(
        ",".join(PAY_HEADER).encode()
        + b"\n"
        + ",".join(PAYMENTS[0]).encode("utf-8")
        + b"\n"
        + b"FT9,001087012345,L\xea V\xc3\xa2n,VBA,1,500000,05/09/2024,bank,success\n"
    )
    res = invoke("check", damaged, "--as", "payments")
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        f"reconcile: error: {damaged}: is UTF-8 text but line 3 holds bytes that are "
        "not UTF-8; fix that line or save the file again as 'CSV UTF-8'"
    )
    broken = tmp_path / "broken.csv"
    broken.write_text(
        ",".join(PAY_HEADER) + '\nP1,"001087012345,NGUYEN VAN HUNG,VBA,0011223344,1000000,05/09/2024,bank,success\n',
        encoding="utf-8",
    )
    res = invoke("check", broken, "--as", "payments")
    assert res.exit_code == 2
    assert "001087012345" not in res.output and "NGUYEN" not in res.output and "0011223344" not in res.output
    assert res.stderr.strip().startswith(f"reconcile: error: {broken}: cannot be read as CSV (")


def test_several_files_after_one_option_as_the_synopsis_reads(tmp_path):
    """`--payments A B` (SPEC's `--payments FILE...`) reads both files, as `--payments A --payments B`."""
    reg, _ = month(tmp_path)
    bank = write_csv(tmp_path / "bank.csv", PAY_HEADER, PAYMENTS[:2])
    post = write_csv(tmp_path / "post.csv", PAY_HEADER, PAYMENTS[2:])
    stored = {}
    for name, args in {
        "after one": ["--payments", bank, post],
        "after one, with =": [f"--payments={bank}", post],
        "repeated": ["--payments", bank, "--payments", post],
    }.items():
        db = tmp_path / f"{len(stored)}.duckdb"
        res = invoke("run", "--period", "2024-09", "--registry", reg, *args, "--db", db)
        assert res.exit_code == 0, (name, res.output)
        assert "Period 2024-09: 3 registry rows, 3 payments loaded, 0 rows rejected." in res.stdout, name
        with duckdb.connect(str(db), read_only=True) as con:
            stored[name] = con.execute("SELECT role, file_name, rows_read FROM inputs ORDER BY file_id").fetchall()
    assert (
        stored["after one"]
        == stored["after one, with ="]
        == stored["repeated"]
        == [
            ("registry", "registry.csv", 3),
            ("payments", "bank.csv", 2),
            ("payments", "post.csv", 1),
        ]
    )
    # a word after the files that is not a file is named as one, not taken for something else
    res = invoke(
        "run", "--period", "2024-09", "--registry", reg, "--payments", bank, "2024-10", "--db", tmp_path / "x.duckdb"
    )
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines()[-1] == "reconcile: error: 2024-10: file not found; check the path"


def test_spread_values_keeps_other_options_and_the_end_of_options():
    from reconcile.cli.group import spread_values

    many = ("--registry", "--payments")
    assert spread_values(["--registry", "a", "b", "--period", "2024-09", "--payments", "-c", "d"], many) == [
        "--registry", "a", "--registry", "b", "--period", "2024-09", "--payments", "-c", "--payments", "d",
    ]  # fmt: skip
    db = REPO / "r.duckdb"  # click's CliRunner passes a Path as it is
    assert spread_values(["--db", db, "--registry", db, "b"], many) == ["--db", db, "--registry", db, "--registry", "b"]
    assert spread_values(["--mask-ids", "--registry=a", "b", "--", "c"], many) == [
        "--mask-ids", "--registry=a", "--registry", "b", "--", "c",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "en", "vi"),
    [
        (
            ["run", "--registry", "r.csv"],
            "Usage: reconcile run [OPTIONS]\nTry 'reconcile run --help' for help.\n\nError: Missing option '--period'.\n",
            "Cách dùng: reconcile run [OPTIONS]\nGõ 'reconcile run --help' để xem hướng dẫn.\n\n"
            "Lỗi: Thiếu tùy chọn '--period'.\n",
        ),
        (
            ["runn"],
            "Usage: reconcile [OPTIONS] COMMAND [ARGS]...\nTry 'reconcile --help' for help.\n\n"
            "Error: No such command 'runn'. Did you mean 'run'?\n",
            "Cách dùng: reconcile [OPTIONS] COMMAND [ARGS]...\nGõ 'reconcile --help' để xem hướng dẫn.\n\n"
            "Lỗi: Không có lệnh 'runn'. Có phải ý bạn là 'run'?\n",
        ),
        (
            ["flags", "--period", "2024-09", "--format", "xlsx"],
            "Usage: reconcile flags [OPTIONS]\nTry 'reconcile flags --help' for help.\n\n"
            "Error: Invalid value for '--format': 'xlsx' is not one of 'table', 'csv', 'json'.\n",
            "Cách dùng: reconcile flags [OPTIONS]\nGõ 'reconcile flags --help' để xem hướng dẫn.\n\n"
            "Lỗi: Giá trị không hợp lệ cho '--format': 'xlsx' không phải một trong 'table', 'csv', 'json'.\n",
        ),
        (
            ["flags", "--period", "2024-09", "--province", "7a"],
            "Usage: reconcile flags [OPTIONS]\nTry 'reconcile flags --help' for help.\n\n"
            "Error: Invalid value for '--province': '7a' is no province code: give its two digits, e.g. 01 or 79\n",
            "Cách dùng: reconcile flags [OPTIONS]\nGõ 'reconcile flags --help' để xem hướng dẫn.\n\n"
            "Lỗi: Giá trị không hợp lệ cho '--province': '7a' không phải mã tỉnh: hãy ghi hai chữ số, ví dụ 01 "
            "hoặc 79\n",
        ),
        (
            ["demo", "--size", "99999999999"],
            "Usage: reconcile demo [OPTIONS]\nTry 'reconcile demo --help' for help.\n\n"
            "Error: Invalid value for '--size': 99999999999 is not in the range 1<=x<=100000000.\n",
            "Cách dùng: reconcile demo [OPTIONS]\nGõ 'reconcile demo --help' để xem hướng dẫn.\n\n"
            "Lỗi: Giá trị không hợp lệ cho '--size': 99999999999 nằm ngoài khoảng 1<=x<=100000000.\n",
        ),
        (
            ["run", "--period"],
            "Error: Option '--period' requires an argument.\n",
            "Lỗi: Tùy chọn '--period' cần một giá trị theo sau.\n",
        ),
        (
            ["check", "x.csv"],
            "Usage: reconcile check [OPTIONS] FILE\nTry 'reconcile check --help' for help.\n\n"
            "Error: Missing option '--as'. Choose from:\n\tregistry,\n\tpayments\n",
            "Cách dùng: reconcile check [OPTIONS] FILE\nGõ 'reconcile check --help' để xem hướng dẫn.\n\n"
            "Lỗi: Thiếu tùy chọn '--as'. Chọn một trong:\n\tregistry,\n\tpayments\n",
        ),
        (
            ["case"],
            "Usage: reconcile case [OPTIONS] CASE_ID\nTry 'reconcile case --help' for help.\n\n"
            "Error: Missing argument 'CASE_ID'.\n",
            "Cách dùng: reconcile case [OPTIONS] CASE_ID\nGõ 'reconcile case --help' để xem hướng dẫn.\n\n"
            "Lỗi: Thiếu đối số 'CASE_ID'.\n",
        ),
        (
            ["--debug"],
            "Usage: reconcile [OPTIONS] COMMAND [ARGS]...\nTry 'reconcile --help' for help.\n\nError: Missing command.\n",
            "Cách dùng: reconcile [OPTIONS] COMMAND [ARGS]...\nGõ 'reconcile --help' để xem hướng dẫn.\n\n"
            "Lỗi: Thiếu lệnh.\n",
        ),
    ],
)
def test_a_mistyped_command_is_said_in_the_terminal_s_language(args, en, vi):
    """click's own usage errors, as click writes them in English, and in Vietnamese on a Vietnamese
    terminal (the default), with exit 2 and nothing on stdout."""
    for lang, expected in (("en", en), ("vi", vi)):
        res = CliRunner().invoke(cli, ["--lang", lang, *args], prog_name="reconcile")
        assert (res.exit_code, res.stdout, res.stderr) == (2, "", expected)
    res = CliRunner().invoke(cli, args, env={"RECONCILE_LANG": None}, prog_name="reconcile")
    assert (res.exit_code, res.stderr) == (2, vi)


def test_a_mistake_before_the_command_or_in_its_own_lang_is_said_in_that_language():
    """`reconcile --lnag en run` is refused before any --lang is read: in the default language; the
    command's own `--lang en` is the language of its mistakes; a group given no command shows its help."""
    res = CliRunner().invoke(cli, ["--lnag", "en", "run"], env={"RECONCILE_LANG": None}, prog_name="reconcile")
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        2,
        "Lỗi: Không có tùy chọn '--lnag'. Có phải ý bạn là '--lang'?",
    )
    res = CliRunner().invoke(cli, ["run", "--lang", "en", "--period", "2024-09"], env={"RECONCILE_LANG": None})
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (2, "Error: Missing option '--registry'.")
    res = CliRunner().invoke(cli, ["review"], env={"RECONCILE_LANG": None}, prog_name="reconcile")
    assert res.exit_code == 2
    assert res.stderr.startswith("Usage: reconcile review [OPTIONS] COMMAND [ARGS]...\n\n  Decisions on findings")


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="a pipe by path needs /dev/fd")
def test_a_config_given_through_a_pipe_is_read_whole():
    """`--config /dev/stdin` (or `<(...)`): the run reads the config twice (its lang, then its
    settings), and a pipe gives its text once; the settings were read from nothing, and the run went
    on silently with the defaults (max_stand_in 0.25 where the officer wrote 0.75)."""
    import os

    from reconcile import config

    r, w = os.pipe()
    os.write(w, b"lang = 'vi'\n[checks]\nmax_stand_in = 0.75\n")
    os.close(w)
    try:
        path = Path(f"/dev/fd/{r}")
        assert config.declared_lang(path) == "vi"
        assert config.Settings.load(path).checks.max_stand_in == 0.75
    finally:
        os.close(r)


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="a pipe by path needs /dev/fd")
def test_a_second_pipe_at_the_same_path_is_read_for_itself():
    """The text a pipe gave is kept for that pipe only: another pipe given later at the same path
    (`/dev/fd/N` with N reused) is read for its own text."""
    import os

    from reconcile import config

    got = []
    for share in ("0.75", "0.5"):
        r, w = os.pipe()
        os.write(w, f"[checks]\nmax_stand_in = {share}\n".encode())
        os.close(w)
        try:
            got.append(config.Settings.load(Path(f"/dev/fd/{r}")).checks.max_stand_in)
        finally:
            os.close(r)
    assert got == [0.75, 0.5]
