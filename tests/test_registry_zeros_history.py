"""The warning of account numbers that lost their leading zeros since the month before
(checks_earlier.zeros_lost_since) counts the accounts stored without them: a registry saved from Excel
with its account column as numbers, beside a bank file that kept its accounts as text, has them
restored from the bank file (inputs.accounts_restored), stored whole, and is no such warning. The
months of tests/test_cases_reopen_rerun.py, whose accounts are 0123400010001 and the like."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from test_cases_reopen_rerun import PEOPLE, invoke, month_files, query, run

ZEROS = "leading zeros"


def registry_as_numbers(registry: Path, out: Path) -> Path:
    """The registry as Excel saves it with its account column held as numbers (0123400010001 as
    123400010001), the other cells as text."""
    with open(registry, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("account_number")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([int(v) if i == column else v for i, v in enumerate(row)])
    book.save(out)
    return out


def test_a_registry_whose_accounts_were_restored_from_the_bank_file_is_no_warning(tmp_path):
    """The tester's second month: 'N account numbers in this month's registry are the ones the registry
    of 2024-09 gives without their leading zeros ... they are stored ... as read', while the same run
    restored every one of them from the bank file and stored none short."""
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    october = month_files(tmp_path, "2024-10")
    registry = registry_as_numbers(october["registry"][0], tmp_path / "danh_sach.xlsx")
    res = run(db, "2024-10", {"registry": [registry], "payments": october["payments"]})
    assert ZEROS not in res.stderr
    assert f"warning: {len(PEOPLE)} account numbers had lost their leading zeros and were restored" in res.stdout
    (warnings,) = query(db, "SELECT warnings FROM runs WHERE period = '2024-10'")[0]
    assert not any(ZEROS in w["message"] for w in json.loads(warnings or "[]"))
    assert query(db, "SELECT min(length(account_number)) FROM registry WHERE period = '2024-10'") == [(13,)]


def test_only_the_accounts_stored_without_their_zeros_are_counted(tmp_path):
    """Three of the month's payments lost their accounts' zeros as the registry did (nothing to restore
    them from): those three are said, stored short; the others, restored, are not."""
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    october = month_files(tmp_path, "2024-10")
    bank = october["payments"][0]
    text = bank.read_text(encoding="utf-8")
    for vneid in list(PEOPLE)[:3]:
        text = text.replace(f",01234{vneid[-8:]},", f",1234{vneid[-8:]},")
    bank.write_text(text, encoding="utf-8")
    registry = registry_as_numbers(october["registry"][0], tmp_path / "danh_sach.xlsx")
    res = run(db, "2024-10", {"registry": [registry], "payments": [bank]})
    said = (
        "3 account numbers in this month's registry are the ones the registry of 2024-09 gives without their "
        "leading zeros: a spreadsheet held the column as numbers, and they are stored, and would go on a re-issue "
        "list, as read; give the registry (and the payments) with the account column as text and run again"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    (warnings,) = query(db, "SELECT warnings FROM runs WHERE period = '2024-10'")[0]
    assert {"message": said, "programs": []} in json.loads(warnings)
    assert f"warning: {len(PEOPLE) - 3} account numbers had lost their leading zeros and were restored" in res.stdout
    assert query(db, "SELECT count(*) FROM registry WHERE period = '2024-10' AND length(account_number) < 13") == [(3,)]


def test_one_account_stored_short_is_said_in_vietnamese(tmp_path):
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    october = month_files(tmp_path, "2024-10")
    bank = october["payments"][0]
    vneid = next(iter(PEOPLE))
    bank.write_text(bank.read_text(encoding="utf-8").replace(f",01234{vneid[-8:]},", f",1234{vneid[-8:]},"))
    registry = registry_as_numbers(october["registry"][0], tmp_path / "danh_sach.xlsx")
    res = invoke("--lang", "vi", "run", "--period", "2024-10", "--db", str(db),
                 "--registry", str(registry), "--payments", str(bank))  # fmt: skip
    assert res.exit_code in (0, 1), res.output
    assert (
        "reconcile: 1 số tài khoản trong danh sách đối tượng tháng này là số tài khoản mà danh sách đối tượng kỳ "
        "2024-09 ghi, nhưng mất các số 0 ở đầu: bảng tính đã giữ cột đó dạng số, và số tài khoản được lưu, và sẽ "
        "đưa vào danh sách chi trả lại, đúng như đã đọc; hãy đưa danh sách đối tượng (và tệp chi trả) với cột số "
        "tài khoản dạng văn bản rồi chạy lại"
    ) in res.stderr.splitlines()
