"""A payment under an ID the registry no longer holds, into an account the registry gives one other
ID: the registry corrected the beneficiary's ID, and the bank paid under the old one. Months of
tests/test_cases_reopen_rerun.py."""

from __future__ import annotations

from reconcile.report.details import in_vietnamese
from test_cases_reopen_rerun import FAILED, month_files, query, run


def test_a_payment_under_an_id_the_registry_corrected_names_the_id_its_account_is_registered_to(tmp_path):
    """October's registry corrects Lê Thị Ngọc Ánh's ID; the bank still pays under the old one, into
    her account: an UNKNOWN_PAYEE (the ID is the key the money was sent against) whose detail names
    the ID the account is registered to, for the auditor to check before the money is sent again."""
    files = month_files(tmp_path, "2024-10")
    registry = files["registry"][0]
    registry.write_text(registry.read_text(encoding="utf-8").replace(f"{FAILED},", "001045000017,"), encoding="utf-8")
    db = tmp_path / "m.duckdb"
    run(db, "2024-10", files)
    assert query(db, "SELECT code, vneid, detail FROM flags WHERE code = 'UNKNOWN_PAYEE'") == [
        (
            "UNKNOWN_PAYEE",
            FAILED,
            "The payment's ID is not in the registry; its account is registered to ID 001045000017 (an ID corrected "
            "in the registry?)",
        )
    ]
    assert in_vietnamese(
        [("UNKNOWN_PAYEE", query(db, "SELECT detail FROM flags WHERE code = 'UNKNOWN_PAYEE'")[0][0])]
    ) == [
        "Số định danh của khoản chi không có trong danh sách; tài khoản của khoản chi được đăng ký cho số định danh "
        "001045000017 (số định danh đã được sửa trong danh sách?)"
    ]
