"""A bank's numeric payment references of 16 digits or more that Excel held as numbers, kept to 15
significant digits (2024090000000001 became 2024090000000000): ten payments of a batch numbered in a row
read as one reference, each a false DUPLICATE_PAYMENT. The file is refused (checks/digits_lost.sql,
checks_excel.check_digits_lost), as one whose account numbers were so cut is; references Excel keeps
(15 digits or fewer, or with letters), and a file whose references are whole, pass."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.generate import GenerateConfig, generate

PERIOD = "2024-09"
FIX = "format the column as text in Excel, or export the file again from its system, and run again"


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("month")
    generate(GenerateConfig(beneficiaries=300, seed=7, out=out, formats=("csv",)))
    return out


def bank_rows(month: Path) -> tuple[list[str], list[list[str]]]:
    with open(month / "payments_bank.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def numbered(rows: list[list[str]], digits: int = 16) -> list[str]:
    """The references a core system numbers a batch with: 20240900..., `digits` long, in a row."""
    return [f"202409{i + 1:0{digits - 6}d}" for i in range(len(rows))]


def cut(ref: str) -> str:
    """What Excel keeps of a number: 15 significant digits, the others 0."""
    return ref[:15] + "0" * (len(ref) - 15)


def as_xlsx(path: Path, header: list[str], rows: list[list[str]], refs: list[str]) -> Path:
    """The bank's list as Excel saves it with the references as numbers (the "0" number format)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for ref, row in zip(refs, rows):
        sheet.append([int(ref), *row[1:]])
        sheet.cell(sheet.max_row, 1).number_format = "0"
    book.save(path)
    return path


def as_csv(path: Path, header: list[str], rows: list[list[str]], refs: list[str]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *([ref, *row[1:]] for ref, row in zip(refs, rows))])
    return path


def run(month: Path, bank: Path, db: Path, *lang: str):
    return CliRunner().invoke(
        cli,
        [*lang, "run", "--period", PERIOD, "--db", str(db), "--registry", str(month / "registry.csv"),
         "--payments", str(bank), "--payments", str(month / "payments_post.csv")],
    )  # fmt: skip


def refused(n: int) -> str:
    return (
        f"{n:,} of its payment_ref values have 16 or more digits, every one ending in 0 (the first in row 2): "
        "numbers Excel kept to 15 digits, their last digits lost, and payments whose references differed only in "
        f"them would read as the same payment (a false DUPLICATE_PAYMENT); {FIX}"
    )


@pytest.mark.parametrize("saved", [as_xlsx, as_csv], ids=["xlsx", "csv"])
def test_sixteen_digit_references_excel_kept_to_fifteen_refuse_the_file(month, tmp_path, saved):
    """The tester's month: 2,600 false DUPLICATE_PAYMENT, exit 0, before; now exit 2, nothing written."""
    header, rows = bank_rows(month)
    bank = saved(tmp_path / f"bank.{'xlsx' if saved is as_xlsx else 'csv'}", header, rows, map(cut, numbered(rows)))
    db = tmp_path / "r.duckdb"
    res = run(month, bank, db, "--lang", "en")
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.stderr.splitlines()[-1] == f"reconcile: error: {bank}: {refused(len(rows))}"
    assert "DUPLICATE_PAYMENT" not in res.stdout
    assert not db.exists()


def test_twenty_digit_references_so_cut_are_refused_and_said_in_vietnamese(month, tmp_path):
    header, rows = bank_rows(month)
    assert len(rows) < 1000  # a number without its thousands separator (Vietnamese writes 1.000)
    bank = as_csv(tmp_path / "bank.csv", header, rows, map(cut, numbered(rows, 20)))  # one value for them all
    res = run(month, bank, tmp_path / "r.duckdb", "--lang", "vi")
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: lỗi: {bank}: {len(rows)} số tham chiếu (payment_ref) của tệp có từ 16 chữ số trở lên và đều "
        "tận cùng bằng 0 (đầu tiên ở dòng 2): là số mà Excel chỉ giữ 15 chữ số, các chữ số cuối đã mất, và các "
        "khoản chi có số tham chiếu chỉ khác nhau ở các chữ số đó sẽ bị đọc là cùng một khoản chi (báo "
        "DUPLICATE_PAYMENT sai); hãy định dạng cột đó là văn bản (Text) trong Excel, hoặc xuất lại tệp từ hệ "
        "thống, rồi chạy lại"
    )


def passes(month: Path, bank: Path, db: Path):
    res = run(month, bank, db, "--lang", "en")
    assert res.exit_code in (0, 1), res.output
    assert "payment_ref values" not in res.output
    assert db.exists()
    return res


def test_whole_sixteen_digit_references_with_a_retry_pass(month, tmp_path):
    """The references as text: one in ten ends in 0 by chance, and a payment retried under its reference
    (a failed payment and its retry) repeats one; the file is read."""
    header, rows = bank_rows(month)
    refs = numbered(rows)
    refs[1] = refs[0]  # a retry: the second row under the first's reference
    refs[11] = refs[9]  # and one that ends in 0
    passes(month, as_xlsx(tmp_path / "bank.xlsx", header, rows, [str(r) for r in refs]), tmp_path / "r.duckdb")


def test_whole_sixteen_digit_references_as_text_pass(month, tmp_path):
    header, rows = bank_rows(month)
    bank = as_csv(tmp_path / "bank.csv", header, rows, numbered(rows))
    res = passes(month, bank, tmp_path / "r.duckdb")
    assert re.search(r"^DUPLICATE_PAYMENT +high +0$", res.stdout, re.MULTILINE), res.stdout


def test_fifteen_digit_references_as_numbers_pass(month, tmp_path):
    """Excel keeps 15 digits: a numeric reference of 15, one in ten of them ending in 0, lost none."""
    header, rows = bank_rows(month)
    passes(month, as_xlsx(tmp_path / "bank.xlsx", header, rows, numbered(rows, 15)), tmp_path / "r.duckdb")


def test_references_with_letters_and_a_few_long_ones_ending_in_0_pass(month, tmp_path):
    """The bank's own references (FT24249...), beside four numeric ones of 16 digits ending in 0 (typed
    in by hand, say): too few to be a column Excel cut."""
    header, rows = bank_rows(month)
    refs = [row[0] for row in rows]
    assert not refs[0].isdigit()
    refs[:4] = [f"20240900000000{i}0" for i in range(1, 5)]
    passes(month, as_csv(tmp_path / "bank.csv", header, rows, refs), tmp_path / "r.duckdb")


def check(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", "check", *args])


def test_check_says_a_run_refuses_the_file(month, tmp_path):
    """`reconcile check FILE --as payments` passed the file the run refuses (exit 0): it says the run's
    refusal and exits 1; a registry whose accounts Excel so cut, the same."""
    header, rows = bank_rows(month)
    bank = as_csv(tmp_path / "bank.csv", header, rows, map(cut, numbered(rows)))
    res = check(str(bank), "--as", "payments")
    assert res.exit_code == 1, res.output
    assert res.stdout.splitlines()[-1] == f"REFUSED by a run: {bank}: {refused(len(rows))}"
    whole = as_csv(tmp_path / "whole.csv", header, rows, numbered(rows))
    res = check(str(whole), "--as", "payments", "--period", PERIOD)
    assert res.exit_code == 0 and "REFUSED" not in res.output, res.output
    # the same whole file given for another month: the run's period guard
    res = check(str(whole), "--as", "payments", "--period", "2024-11")
    assert res.exit_code == 1, res.output
    assert res.stdout.splitlines()[-1].startswith(f"REFUSED by a run: {whole}: none of its {len(rows)} payments ")
    assert res.stdout.splitlines()[-1].endswith(
        "most are in 2024-09); check --period, or that this is the payment file of that month"
    )
    # a registry whose 16-digit accounts lost their last digit
    with open(month / "registry.csv", encoding="utf-8-sig", newline="") as fh:
        reg = list(csv.reader(fh))
    col = reg[0].index(next(h for h in reg[0] if "account" in h.lower() or "tài khoản" in h.lower()))
    for i, row in enumerate(reg[1:]):
        row[col] = f"970410{i:09d}0"
    registry = tmp_path / "registry.csv"
    with open(registry, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(reg)
    res = check(str(registry), "--as", "registry")
    assert res.exit_code == 1, res.output
    assert res.stdout.splitlines()[-1].startswith(
        f"REFUSED by a run: {registry}: {len(reg) - 1:,} of its account_number values have 16 or more digits"
    )


def test_check_judges_the_file_by_the_config_given(month, tmp_path):
    """An office whose config lets a month's payments be dated in another (min_in_period = 0: arrears paid
    late) was told REFUSED by `check` with nothing it could do: check took the built-in guards, and had no
    --config. Given the config the run takes, check judges the file as the run does."""
    header, rows = bank_rows(month)
    whole = as_csv(tmp_path / "whole.csv", header, rows, numbered(rows))
    res = check(str(whole), "--as", "payments", "--period", "2024-11")
    assert res.exit_code == 1 and res.stdout.splitlines()[-1].startswith("REFUSED by a run: "), res.output
    config = tmp_path / "office.toml"
    config.write_text("[checks]\nmin_in_period = 0\nmax_other_month = 1\n", encoding="utf-8")
    res = check(str(whole), "--as", "payments", "--period", "2024-11", "--config", str(config))
    assert res.exit_code == 0 and "REFUSED" not in res.output, res.output
    # its limits too: a file of more columns than the config allows
    config.write_text("[limits]\nmax_columns = 10\n", encoding="utf-8")
    wide = as_csv(tmp_path / "wide.csv", [*header, "Ghi chú"], [[*row, ""] for row in rows], numbered(rows))
    res = check(str(wide), "--as", "payments", "--config", str(config))
    assert res.exit_code == 2 and "over the limit of 10 ([limits] max_columns)" in res.stderr, res.output


def test_check_speaks_the_config_s_language(month, tmp_path, monkeypatch):
    """`check --config` took the config's guards and limits but not its lang: a config of lang = "en"
    still had check speak Vietnamese, its own errors too."""
    monkeypatch.delenv("RECONCILE_LANG", raising=False)
    header, rows = bank_rows(month)
    whole = as_csv(tmp_path / "whole.csv", header, rows, numbered(rows))
    config = tmp_path / "office.toml"
    config.write_text('lang = "en"\n[limits]\nmax_file_mb = 0\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(whole), "--as", "payments", "--config", str(config)])
    assert (res.exit_code, res.stderr.strip()) == (
        2,
        f"reconcile: error: {config}: setting 'limits.max_file_mb': must be at least 1; fix the value",
    )
    config.write_text('lang = "en"\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(whole), "--as", "payments", "--config", str(config)])
    assert f"rows: {len(rows)} read, {len(rows)} loaded, 0 rejected" in res.stdout.splitlines(), res.output
