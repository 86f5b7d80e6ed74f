"""A back payment (truy lĩnh) of a month whose own payment a later month's file gave back as returned:
Võ Văn Bảy's October transfer came back in November's file, and December pays October again with
`Truy linh tro cap T10/2024`. The back_pay view said October was paid, and the run warned that the
back payment named a month paid already (`which may be paid twice`) of a correct re-payment. Months
of tests/test_cases_reopen_rerun.py."""

from __future__ import annotations

from test_cases_reopen_rerun import ONCE, month_files, paid, query, run


def test_a_month_whose_payment_came_back_is_unpaid_to_its_back_payment(tmp_path):
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    run(db, "2024-10", month_files(tmp_path, "2024-10"))
    came_back = paid("FT20241000008", ONCE, "07/11/2024", "returned", "Hoan tra GD FT20241000008 TK da dong")
    run(db, "2024-11", month_files(tmp_path, "2024-11", came_back))
    back = paid("FT20241200099", ONCE, "09/12/2024", why="Truy linh tro cap T10/2024")
    res = run(db, "2024-12", month_files(tmp_path, "2024-12", back))
    assert query(db, "SELECT payment_ref, month, month_was FROM back_pay") == [("FT20241200099", "2024-10", "unpaid")]
    assert "may be paid twice" not in res.output
    # a month paid and not given back is still paid: December's back payment of November, re-run
    back = paid("FT20241200098", ONCE, "09/12/2024", why="Truy linh tro cap T11/2024")
    (tmp_path / "again").mkdir()
    res = run(db, "2024-12", month_files(tmp_path / "again", "2024-12", back))
    assert query(db, "SELECT payment_ref, month, month_was FROM back_pay") == [("FT20241200098", "2024-11", "paid")]
    assert "may be paid twice" in res.output


def test_a_month_whose_payment_came_back_is_in_the_arrears(tmp_path):
    """The same October transfer given back in November's file, and November's own payment failed
    (September's had failed too): three months owed. The arrears read the months missing alone, and
    said one (1,500,000): October, paid, broke the run of months."""
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    run(db, "2024-10", month_files(tmp_path, "2024-10"))
    came_back = paid("FT20241000008", ONCE, "07/11/2024", "returned", "Hoan tra GD FT20241000008 TK da dong")
    november = month_files(tmp_path, "2024-11", came_back)
    bank = november["payments"][0]
    own = paid("FT20241100008", ONCE, "05/11/2024")
    assert own in bank.read_text(encoding="utf-8")
    failed = paid("FT20241100008", ONCE, "05/11/2024", "failed", "Tai khoan da dong")
    bank.write_text(bank.read_text(encoding="utf-8").replace(own, failed), encoding="utf-8")
    run(db, "2024-11", november)
    assert query(
        db, "SELECT since_period, as_of_period, months_unpaid, amount_owed FROM arrears WHERE vneid = ?", [ONCE]
    ) == [("2024-09", "2024-11", 3, 4_500_000)]
