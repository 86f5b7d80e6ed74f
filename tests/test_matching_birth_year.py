"""A payee without an ID or an account, found by the name and the year of birth where one side gives
the year alone (a post office's list: `1953`, `00/00/1953`), on small hand-made months."""

from __future__ import annotations

import duckdb

from test_matching import MAI, pay_row, reconcile, reg_row

LAN = "001160004561"


def cash(ref, name, amount, dob):
    return pay_row(ref, "", name, amount, bank="", account="", channel="cash", dob=dob)


def test_a_post_office_list_with_the_year_of_birth_alone_is_matched_by_name_and_year(tmp_path):
    registry = [
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000", channel="cash"),
        reg_row(LAN, "Lê Thị Lan", "14/02/1960", "female", "welfare", "750.000", channel="cash"),
    ]
    payments = [cash("BD1", "TRAN THI MAI", "1.000.000", "1953"), cash("BD2", "Lê Thị Lan", "750.000", "00/00/1960")]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == [("BD1", MAI, "welfare", "name_year"), ("BD2", LAN, "welfare", "name_year")]
    assert flags == []
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT payment_ref, date_of_birth, birth_year FROM payments ORDER BY 1").fetchall() == [
            ("BD1", None, 1953),
            ("BD2", None, 1960),
        ]


def test_a_registry_with_the_year_alone_matches_a_payment_s_whole_date_of_birth(tmp_path):
    registry = [reg_row(MAI, "Trần Thị Mai", "1953", "female", "welfare", "1.000.000", channel="cash")]
    flags, matches = reconcile(tmp_path, registry, [cash("BD1", "Trần Thị Mai", "1.000.000", "01/01/1953")])
    assert matches == [("BD1", MAI, "welfare", "name_year")]
    assert flags == []


def test_another_year_or_two_people_of_that_name_and_year_match_no_one(tmp_path):
    registry = [
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000", channel="cash"),
        reg_row("079153000265", "Trần Thị Mai", "20/11/1953", "female", "welfare", "1.000.000", channel="cash"),
        reg_row(LAN, "Lê Thị Lan", "14/02/1960", "female", "welfare", "750.000", channel="cash"),
    ]
    payments = [cash("BD1", "TRAN THI MAI", "1.000.000", "1953"), cash("BD2", "Lê Thị Lan", "750.000", "1961")]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == []
    assert [f for f in flags if f[0] == "UNKNOWN_PAYEE"] == [
        ("UNKNOWN_PAYEE", None, "BD1"),
        ("UNKNOWN_PAYEE", None, "BD2"),
    ]


def test_a_whole_date_of_birth_on_both_sides_is_still_compared_whole(tmp_path):
    # the same name and year, another day: no match by the year (name_dob failed on the date)
    registry = [reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000", channel="cash")]
    flags, matches = reconcile(tmp_path, registry, [cash("BD1", "Trần Thị Mai", "1.000.000", "02/01/1953")])
    assert matches == []
    assert ("UNKNOWN_PAYEE", None, "BD1") in flags
