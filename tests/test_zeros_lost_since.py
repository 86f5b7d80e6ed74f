"""Account numbers that lost their leading zeros in the registry and the payments alike (both files
re-saved with the account column as numbers): the two agree, so nothing of the month tells, and the
accounts would be stored and sent on re-issue lists short. The registry of the month before gives
them with their zeros (checks_earlier.zeros_lost_since); the months of tests/test_cases_reopen_rerun.py,
whose accounts are 0123400010001 and the like."""

from __future__ import annotations

import json

from test_cases_reopen_rerun import PEOPLE, invoke, month_files, query, run


def without_zeros(files: dict) -> None:
    """Every account of the month's files written as a number would be: 0123400010001 as 123400010001."""
    for path in (files["registry"][0], files["payments"][0]):
        text = path.read_text(encoding="utf-8")
        for vneid in PEOPLE:
            text = text.replace(f",01234{vneid[-8:]},", f",1234{vneid[-8:]},")
        path.write_text(text, encoding="utf-8")


def test_accounts_that_lost_their_zeros_in_both_files_since_last_month_are_said(tmp_path):
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    october = month_files(tmp_path, "2024-10")
    without_zeros(october)
    res = run(db, "2024-10", october)
    said = (
        "18 account numbers in this month's registry are the ones the registry of 2024-09 gives without their "
        "leading zeros: a spreadsheet held the column as numbers, and they are stored, and would go on a re-issue "
        "list, as read; give the registry (and the payments) with the account column as text and run again"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    (warnings,) = query(db, "SELECT warnings FROM runs WHERE period = '2024-10'")[0]
    assert {"message": said, "programs": []} in json.loads(warnings)
    # the two files agree: no finding of an account, and the accounts stored as read
    assert query(db, "SELECT count(*) FROM flags WHERE period = '2024-10' AND code = 'ACCOUNT_MISMATCH'") == [(0,)]
    assert query(db, "SELECT min(length(account_number)) FROM registry WHERE period = '2024-10'") == [(12,)]
    # November short as October: the month before is the one compared, and October's said it already; the
    # one account given with its zeros again lost none
    november = month_files(tmp_path, "2024-11")
    without_zeros(november)
    registry = november["registry"][0]
    first = next(v for v in PEOPLE if f",1234{v[-8:]}," in registry.read_text(encoding="utf-8"))
    registry.write_text(registry.read_text(encoding="utf-8").replace(f",1234{first[-8:]},", f",01234{first[-8:]},"))
    res = run(db, "2024-11", {"registry": [registry], "payments": november["payments"]})
    assert "leading zeros" not in res.stderr


def test_one_account_that_lost_its_zeros_is_said_in_vietnamese_and_a_month_with_its_zeros_says_nothing(tmp_path):
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    october = month_files(tmp_path, "2024-10")
    res = run(db, "2024-10", october)
    assert "leading zeros" not in res.stderr
    november = month_files(tmp_path, "2024-11")
    vneid = next(iter(PEOPLE))
    for path in (november["registry"][0], november["payments"][0]):
        path.write_text(path.read_text(encoding="utf-8").replace(f",01234{vneid[-8:]},", f",1234{vneid[-8:]},"))
    res = invoke("--lang", "vi", "run", "--period", "2024-11", "--db", str(db),
                 "--registry", str(november["registry"][0]), "--payments", str(november["payments"][0]))  # fmt: skip
    assert res.exit_code in (0, 1), res.output
    assert (
        "reconcile: 1 số tài khoản trong danh sách đối tượng tháng này là số tài khoản mà danh sách đối tượng kỳ "
        "2024-10 ghi, nhưng mất các số 0 ở đầu: bảng tính đã giữ cột đó dạng số, và số tài khoản được lưu, và sẽ "
        "đưa vào danh sách chi trả lại, đúng như đã đọc; hãy đưa danh sách đối tượng (và tệp chi trả) với cột số "
        "tài khoản dạng văn bản rồi chạy lại"
    ) in res.stderr.splitlines()
