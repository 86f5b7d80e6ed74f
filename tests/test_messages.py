"""The terminal in Vietnamese and English (reconcile/messages.py, reconcile/data/messages.toml).

Every catalogue entry has both languages with the same placeholders; every message the code can
print (read from its source: tests/message_sources.py) has a template, so a new English message
without its Vietnamese fails here; and real files through the CLI give the exact line in each
language.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from message_sources import scan
from reconcile import messages
from reconcile.cli import cli
from reconcile.messages import catalogue, choices, placeholders, translate

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "fixtures" / "sample"

# Fragments the code builds that are covered inside the templates of what holds them, not alone
COMPOSED = {
    "{} of {}": "camt_totals._entries_of's '<entries> of <amount>': statement.entries_of",
    "unknown": "camt_totals._says's read total: statement.says_total_unknown",
}
_WORD = re.compile(r"[(\[']?[A-Za-z][A-Za-z'-]*[)\],.:;']*")


@pytest.fixture(autouse=True)
def english_unless_asked():
    messages.set_language(None)
    yield
    messages.set_language(None)


def _prose(template: str) -> bool:
    """Whether a template holds an English word (not only values, options, codes or punctuation)."""
    return any(_WORD.fullmatch(w) for w in template.replace("{}", " ").split())


# -- the catalogue -------------------------------------------------------------------------------


def test_every_message_has_both_languages_with_the_same_placeholders():
    """Both texts, the same values in each, the same alternatives for each choice both make."""
    problems = []
    for message in catalogue().values():
        if not message.en.strip() or not message.vi.strip():
            problems.append(f"{message.id}: a language is empty")
        en_choices = choices(message.en)
        # the same values in both; a choice of English grammar (row|rows, is|are) may be left out
        values = placeholders(message.en) - set(en_choices)
        if not values <= placeholders(message.vi) <= placeholders(message.en):
            problems.append(f"{message.id}: {sorted(placeholders(message.en))} vs {sorted(placeholders(message.vi))}")
        for name, options in choices(message.vi).items():
            if len(options) != len(en_choices.get(name, [])):
                problems.append(f"{message.id}: the choice {name} has other alternatives in English")
        if unicodedata.normalize("NFC", message.vi) != message.vi:
            problems.append(f"{message.id}: the Vietnamese is not NFC")
    assert not problems, "\n".join(problems)
    assert len(catalogue()) > 400


def test_the_vietnamese_is_vietnamese():
    """A Vietnamese text that is the English one again is a template someone forgot to translate;
    the few that are alike on purpose hold only values, options and names."""
    alike = {m.id for m in catalogue().values() if m.vi == m.en}
    assert alike == {"cli.notice", "progress.reading"}


def test_every_message_the_code_prints_has_a_template():
    """Every ReconcileError, InputFileError (problem and fix), NotThisRole, ConfigError,
    DatabaseBusyError, click error, click.echo, click.confirm and notice in reconcile/, with every
    piece of English a value of it holds: translate() turns all of it into Vietnamese."""
    alternatives = {a for m in catalogue().values() if m.match for options in choices(m.en).values() for a in options}
    missing = []
    for found in scan(REPO):
        if not _prose(found.text) or found.text in COMPOSED:
            continue
        if found.role == "fragment" and found.text in alternatives:
            continue  # a value the template that holds it names as a choice
        if not messages.covers(found.text):
            missing.append(f"{found.file}:{found.line}: {found.role}: {found.text}")
    assert not missing, "no template in reconcile/data/messages.toml for:\n" + "\n".join(missing)


def test_the_source_reader_finds_the_messages():
    """The drift test above is only as good as what it reads: it finds the known kinds of message."""
    found = scan(REPO)
    texts = {f.text for f in found}
    assert len(found) > 300
    assert {f.role for f in found} >= {"message", "problem", "fix", "echo", "notice", "fragment"}
    assert "file is empty" in texts  # an InputFileError's problem
    assert "check --period, or that this is the payment file of that month" in texts  # its fix
    assert "{}: no such database; check the --db path" in texts  # a ReconcileError
    assert "reconcile: {} {} rejected, with their reasons in rejected_rows" not in texts  # a choice, expanded:
    assert "reconcile: {} rows rejected, with their reasons in rejected_rows" in texts
    assert "a row has more fields than the header" in texts  # what a helper returns, as a fragment
    assert "the disk is full" in texts  # a module-level dict's value


def test_the_bad_inputs_corpus_in_vietnamese():
    """Every message and every rejected row's reason of the corpus (tests/bad_inputs.py), as a run
    prints them: none of their English sentences is left in the Vietnamese (quoted values are the
    file's own)."""
    from bad_inputs import CASES

    lines = [
        f"reconcile: error: /data/Tháng 9/{c.kind}.csv: {c.message}"
        if c.names_file
        else f"reconcile: error: {c.message}"
        for c in CASES
        if c.message
    ]
    lines += [reason for c in CASES for _, reason in c.rejected]  # after "row 6: rejected: " in `reconcile check`
    assert len(lines) > 40
    for line in lines:
        said = translate(line, "vi")
        english = [p for p in re.split(r"; |: ", line) if len(re.sub(r"'[^']*'", "", p).split()) >= 3]  # not values
        left = [p for p in english if p in said]
        assert not left, f"{line}\n-> {said}"


def test_a_new_message_without_vietnamese_fails():
    assert not messages.covers("{}: the file is upside down; turn it over")
    assert messages.covers("{}: file is empty; check the path")


# -- the language --------------------------------------------------------------------------------


def test_english_unless_set_or_the_environment_says(monkeypatch):
    """The library's default: tests and other callers see English unless they ask."""
    monkeypatch.delenv(messages.ENV, raising=False)
    assert messages.language() == "en"
    monkeypatch.setenv(messages.ENV, "vi")
    assert messages.language() == "vi"
    messages.set_language("en")
    assert messages.language() == "en"
    monkeypatch.setenv(messages.ENV, "fr")
    messages.set_language(None)
    assert messages.language() == "en"
    with pytest.raises(ValueError):
        messages.set_language("fr")


def test_text_by_id_in_each_language():
    assert messages.text("summary.rows", count="1", rows="row") == "1 row"
    assert messages.text("summary.rows", count="3", rows="rows") == "3 rows"
    messages.set_language("vi")
    assert messages.text("summary.rows", count="3", rows="rows") == "3 dòng"
    assert messages.text("check.file", path="a.csv", kind="payments", format="csv", encoding="", where="x") == (
        "a.csv: tệp chi trả, csv, x"
    )


def test_the_cli_chooses_option_then_environment_then_config_then_vietnamese(monkeypatch):
    monkeypatch.delenv(messages.ENV, raising=False)
    assert messages.use_language() == "vi"
    assert messages.use_language(config="en") == "en"
    monkeypatch.setenv(messages.ENV, "en")
    assert messages.use_language(config="vi") == "en"
    assert messages.use_language("vi", config="en") == "vi"
    assert messages.language() == "vi"


# -- translate -----------------------------------------------------------------------------------


def test_english_is_left_as_it_is():
    line = "reconcile: error: a.csv: file is empty; check that the export finished and send the file again"
    assert translate(line) == line
    assert translate(line, "en") == line


def test_an_error_line_part_by_part_with_its_path_as_it_is_and_its_numbers_as_vietnamese_writes_them():
    line = (
        r"reconcile: error: C:\Users\Lan\Tháng 9: chi trả.csv: has a line (line 6) longer than 1,024 KB "
        "([limits] max_line_kb); check that it is a CSV file with one row per line, or raise the limit in "
        "[limits] of the config if the file is genuine"
    )
    assert translate(line, "vi") == (
        r"reconcile: lỗi: C:\Users\Lan\Tháng 9: chi trả.csv: có một dòng (dòng 6) dài hơn 1.024 KB "
        "([limits] max_line_kb); hãy kiểm tra đây có phải tệp CSV mỗi dòng một bản ghi không, hoặc nâng "
        "giới hạn trong mục [limits] của tệp cấu hình nếu tệp đúng là tệp thật"
    )


def test_messages_inside_a_message_are_translated_too():
    notice = (
        "reconcile: bank.xlsx: sheet 'Ghi chú' skipped (is empty); sheet 'Tổng hợp' skipped (looks like a "
        "beneficiary registry, not a payments file (it has 'Đối tượng' and no payment reference or value "
        "date)); read 'Sheet1'"
    )
    assert translate(notice, "vi") == (
        "reconcile: bank.xlsx: bỏ qua trang tính 'Ghi chú' (trống); bỏ qua trang tính 'Tổng hợp' (có vẻ là "
        "danh sách đối tượng, không phải tệp chi trả (có 'Đối tượng' nhưng không có số tham chiếu hay ngày "
        "giao dịch)); đã đọc 'Sheet1'"
    )
    reasons = "amount is in EUR, not VND; value_date missing; vneid holds characters other than digits"
    assert (
        translate(reasons, "vi")
        == "số tiền (amount) tính bằng EUR, không phải VND; thiếu ngày giao dịch (value_date); số định danh (vneid) có ký tự không phải chữ số"
    )


def test_a_line_without_a_template_stays_english_and_lines_are_translated_one_by_one():
    text = "reconcile: nothing removed\nsomething no template knows\n\nreconcile: error: x.csv: file not found; check the path"
    assert translate(text, "vi") == (
        "reconcile: không xóa gì\nsomething no template knows\n\nreconcile: lỗi: x.csv: không tìm thấy tệp; "
        "hãy kiểm tra đường dẫn"
    )


def test_an_unknown_problem_keeps_the_line_english_but_for_its_prefix():
    line = "reconcile: error: x.csv: the file is upside down; turn it over"
    assert translate(line, "vi") == "reconcile: lỗi: x.csv: the file is upside down; turn it over"
    # not half translated where a template's value could swallow the rest ('the payment file of ...')
    line = "reconcile: error: x.csv: the sky is green: mostly; the payment file of VBA may be missing: add it"
    assert translate(line, "vi") == "reconcile: lỗi: " + line.removeprefix("reconcile: error: ")


def test_a_list_inside_a_message():
    line = (
        "reconcile: error: the month looks incomplete: most active beneficiaries paid through the post office "
        "(25 of 25), VBA (3 of 40) have no payment row dated in the period; the payment files of the post office and VBA may "
        "be missing: add them with --payments, or pass --partial to reconcile the month without them (the report "
        "will say PARTIAL)"
    )
    assert translate(line, "vi") == (
        "reconcile: lỗi: tháng này có vẻ chưa đủ tệp: phần lớn đối tượng đang hưởng được chi qua bưu điện (25 "
        "trên 25), VBA (3 trên 40) không có dòng chi trả nào trong kỳ; có thể đang thiếu các tệp chi trả của bưu "
        "điện và "
        "VBA: hãy thêm bằng --payments, hoặc truyền --partial để đối soát tháng này khi chưa có các tệp đó (báo cáo "
        "sẽ ghi PARTIAL)"
    )


# -- through the CLI, from real files ------------------------------------------------------------


def _registry_without(folder: Path, header: str) -> Path:
    with open(SAMPLE / "registry.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    drop = rows[0].index(header)
    path = folder / "registry.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r[:drop] + r[drop + 1 :] for r in rows])
    return path


def _last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def _said(monkeypatch, lang: str, args: list[str]) -> tuple[int, str]:
    """The exit code and the last line on stderr of a command run in `lang` (RECONCILE_LANG, which
    the CLI's --lang would override). Until the CLI translates its own lines, the line is translated
    here as the CLI will: translate() of a line already in Vietnamese gives it back unchanged."""
    monkeypatch.setenv(messages.ENV, lang)
    result = CliRunner().invoke(cli, args)
    return result.exit_code, translate(_last_line(result.stderr))


def test_a_registry_without_a_required_column(tmp_path, monkeypatch):
    path = _registry_without(tmp_path, "Số tiền hưởng")
    args = ["check", str(path), "--as", "registry", "--period", "2024-09"]
    assert _said(monkeypatch, "en", args) == (
        2,
        f"reconcile: error: {path}: required column 'entitled_amount' is missing from the registry file; add it "
        "or rename the column that holds it to 'entitled_amount', or pass a --profile that maps it",
    )
    assert _said(monkeypatch, "vi", args) == (
        2,
        f"reconcile: lỗi: {path}: tệp danh sách đối tượng thiếu cột bắt buộc 'entitled_amount'; hãy thêm cột "
        "này hoặc đổi tên cột đang chứa dữ liệu đó thành 'entitled_amount', hoặc truyền một --profile có ánh "
        "xạ cột này",
    )


def test_a_payments_file_given_as_the_registry(monkeypatch):
    path = SAMPLE / "bank_transfers.csv"
    args = ["check", str(path), "--as", "registry", "--period", "2024-09"]
    assert _said(monkeypatch, "en", args) == (
        2,
        f"reconcile: error: {path}: looks like a payments file, not a beneficiary registry (it has a payment "
        "reference and a value date: 'Số tham chiếu', 'Ngày giao dịch'); give it as --payments",
    )
    assert _said(monkeypatch, "vi", args) == (
        2,
        f"reconcile: lỗi: {path}: có vẻ là tệp chi trả, không phải danh sách đối tượng (có số tham chiếu và "
        "ngày giao dịch: 'Số tham chiếu', 'Ngày giao dịch'); hãy đưa tệp này vào --payments",
    )


def test_the_payments_of_another_month(tmp_path, monkeypatch):
    bank = SAMPLE / "bank_transfers.csv"
    args = ["run", "--period", "2024-10", "--registry", str(SAMPLE / "registry.csv"), "--payments", str(bank)]
    args += ["--payments", str(SAMPLE / "post_office_cash.xlsx"), "--db", str(tmp_path / "x.duckdb")]
    assert _said(monkeypatch, "en", args) == (
        2,
        f"reconcile: error: {bank}: none of its 292 payments is dated in 2024-10 (they run from 30/08/2024 to "
        "05/09/2024; most are in 2024-09); check --period, or that this is the payment file of that month",
    )
    assert _said(monkeypatch, "vi", args) == (
        2,
        f"reconcile: lỗi: {bank}: trong 292 khoản chi của tệp, không khoản nào có ngày thuộc kỳ 2024-10 (ngày "
        "từ 30/08/2024 đến 05/09/2024; phần lớn thuộc kỳ 2024-09); hãy kiểm tra --period, hoặc xem đây có đúng "
        "là tệp chi trả của tháng đó không",
    )


def test_the_check_report_in_each_language(tmp_path, monkeypatch):
    with open(SAMPLE / "registry.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[:6]
    rows[4][7] = "một triệu"  # Số tiền hưởng in words
    rows[5][1] = "07919611812A"  # an ID with a letter
    path = tmp_path / "registry.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    args = ["check", str(path), "--as", "registry", "--period", "2024-09"]
    monkeypatch.setenv(messages.ENV, "en")
    english = CliRunner().invoke(cli, args)
    monkeypatch.setenv(messages.ENV, "vi")
    vietnamese = CliRunner().invoke(cli, args)
    assert english.exit_code == vietnamese.exit_code == 1
    assert english.stdout.splitlines()[-3:] == [
        "rows: 5 read, 3 loaded, 2 rejected",
        "row 5: rejected: entitled_amount is not a number",
        "row 6: rejected: vneid holds characters other than digits",
    ]
    assert vietnamese.stdout.splitlines()[-3:] == [
        "số dòng: đọc 5, nạp 3, bị loại 2",
        "dòng 5: bị loại: số tiền hưởng (entitled_amount) không phải là số",
        "dòng 6: bị loại: số định danh (vneid) có ký tự không phải chữ số",
    ]
    assert vietnamese.stdout.splitlines()[0] == f"{path}: tệp danh sách đối tượng, csv, utf-8, tiêu đề ở dòng 1"


def test_the_cli_itself_speaks_vietnamese_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv(messages.ENV, raising=False)
    path = tmp_path / "missing.csv"
    result = CliRunner().invoke(cli, ["check", str(path), "--as", "registry", "--period", "2024-09"])
    assert _last_line(result.stderr) == f"reconcile: lỗi: {path}: không tìm thấy tệp; hãy kiểm tra đường dẫn"


@pytest.mark.parametrize("how", ["run's --lang", "the config's lang"])
def test_a_commands_own_language_applies_to_its_first_errors_too(tmp_path, monkeypatch, how):
    """A wrong period is found before the run reads anything: its line is in the language the
    command asked for, not the default's."""
    monkeypatch.delenv(messages.ENV, raising=False)
    args = [
        "run",
        "--period",
        "2024-13",
        "--registry",
        str(SAMPLE / "registry.csv"),
        "--payments",
        str(SAMPLE / "bank_transfers.csv"),
        "--db",
        str(tmp_path / "r.duckdb"),
    ]
    if how == "run's --lang":
        args += ["--lang", "en"]
    else:
        (tmp_path / "en.toml").write_text('lang = "en"\n', encoding="utf-8")
        args += ["--config", str(tmp_path / "en.toml")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert _last_line(result.stderr) == (
        "reconcile: error: period '2024-13' is not YYYY-MM; pass e.g. --period 2024-09"
    )


def test_data_tables_say_yes_and_no_in_the_reader_s_language_as_the_summary_does(sample_month, monkeypatch):
    """`reconcile cashless` in Vietnamese says có or không for target_met (it said yes and no beside
    Vietnamese numbers, 100,00%, and a summary saying có), as the run's summary does; its CSV keeps the
    data's own True and False."""
    from reconcile.report import terminal

    monkeypatch.delenv(messages.ENV, raising=False)
    table = CliRunner().invoke(cli, ["cashless", "--db", str(sample_month.db)])  # the default: vi
    assert table.exit_code == 0
    rows = {line.split()[1]: line.split()[-3:] for line in table.stdout.splitlines() if line.startswith("2024-09")}
    assert rows == {  # met, partial, in doubt
        "pension": ["có", "không", "không"],
        "unknown": ["100,00%", "không", "không"],
        "welfare": ["không", "không", "không"],
    }
    as_csv = CliRunner().invoke(cli, ["cashless", "--db", str(sample_month.db), "--format", "csv"])
    assert as_csv.exit_code == 0
    assert as_csv.stdout.splitlines()[1].endswith(",True,False,False")
    messages.set_language("vi")
    try:
        summary = terminal.run_summary(sample_month.result).splitlines()
    finally:
        messages.set_language(None)
    assert [line.split()[-1] for line in summary if line.startswith(("Lương hưu", "Trợ giúp xã hội"))] == [
        "có",
        "không",
    ]


def test_every_column_a_reason_names_has_its_vietnamese_words():
    """A rejected row's reason names its column in the officer's words (messages.COLUMN_WORDS): a
    column a template can name without them would stop the translation with a KeyError."""
    named = {c for m in messages.catalogue().values() for c in messages.choices(m.en).get("column", [])}
    assert named and named <= set(messages.COLUMN_WORDS)


def test_vietnamese_writes_numbers_with_dots_between_thousands_and_a_comma_before_decimals(sample_month):
    """1.075.411.000 đồng and 97,50% on a Vietnamese terminal, as the workbook writes them; the
    English terminal keeps 1,075,411,000 and 97.50%."""
    from reconcile.report import terminal

    messages.set_language("vi")
    try:
        vi = terminal.run_summary(sample_month.result).splitlines()
        assert messages.translate("reconcile: 1,234 rows rejected, with their reasons in rejected_rows") == (
            "reconcile: 1.234 dòng bị loại, lý do từng dòng có trong bảng rejected_rows"
        )
        # a count English grouped, in a place not marked as a number; a file's name stays as it is
        more = messages.translate(
            "reconcile: 1,263 more findings not shown (of 2,263); pass --limit 0 to see them all, or --format csv "
            "to export them"
        )
        assert "còn 1.263 phát hiện chưa hiện (trên tổng số 2.263)" in more
        hidden = messages.translate(
            "ds 1,234.5.xlsx: 2 hidden sheets read as the others are ('T08', 'T09'); check that the rows there "
            "belong to this month's list"
        )
        assert hidden.startswith("ds 1,234.5.xlsx: 2 ")
    finally:
        messages.set_language(None)
    en = terminal.run_summary(sample_month.result).splitlines()
    assert vi[1] == (
        "Phải chi 1.075.411.000 đồng cho các đối tượng đang hưởng; đã chi 1.086.412.000 đồng qua các khoản chi "
        "thành công có ngày trong kỳ."
    )
    assert en[1] == (
        "Due 1,075,411,000 VND to active beneficiaries; paid 1,086,412,000 VND in successful payments dated in the period."
    )
    assert [line.split()[2:] for line in vi if line.startswith("Lương hưu")] == [
        ["120", "97,50%", "97,48%", "97,43%", "93,00%", "có"]
    ]


def test_a_finding_s_detail_on_a_vietnamese_terminal_is_the_workbook_s_and_csv_keeps_the_database_s(sample_month):
    """`flags` in Vietnamese printed `Paid 16,490,000 in 2 payment(s)` beside amounts written
    16.490.000: a table is read by a person, and says the detail as the Vietnamese workbook does. Its
    CSV is data, in the database's words."""
    args = ["flags", "--db", str(sample_month.db), "--code", "AMOUNT_MISMATCH", "--limit", "0"]
    vi = CliRunner().invoke(cli, ["--lang", "vi", *args])
    csv_out = CliRunner().invoke(cli, ["--lang", "vi", *args, "--format", "csv"])
    assert vi.exit_code == csv_out.exit_code == 0
    assert "Đã chi 16.490.000 trong 2 khoản chi; mức được hưởng 8.245.000 (chênh lệch +8.245.000)" in vi.stdout
    assert "Paid 16,490,000 in 2 payment(s); due 8,245,000 (difference +8,245,000)" in csv_out.stdout
    assert "Paid " not in vi.stdout
