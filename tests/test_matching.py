"""Matching and the finer points of the findings, on small hand-made months (period 2024-09)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import write_csv
from reconcile.pipeline import RunConfig, run
from test_rules import PAYMENTS_HEADER, REGISTRY_HEADER


def reg_row(
    vneid, name, dob, gender, program, amount, channel="bank", bank="VBA", account="0011223344", status="active"
):
    return [
        vneid,
        name,
        dob,
        gender,
        program,
        "",
        amount,
        channel,
        bank if channel != "cash" else "",
        account if channel != "cash" else "",
        "01",
        "00004",
        status,
        "",
    ]


def pay_row(
    ref,
    vneid,
    name,
    amount,
    *,
    bank="VBA",
    account="0011223344",
    day="05/09/2024",
    channel="bank",
    status="success",
    program="",
    dob="",
    narrative="",
):
    return [ref, vneid, name, dob, bank, account, amount, day, channel, status, program, narrative]


def reconcile(
    tmp_path: Path,
    registry: list,
    payments: list,
    *,
    reg_name="registry.csv",
    pay_names=("payments.csv",),
    payment_sets=None,
) -> tuple[list, list]:
    reg = write_csv(tmp_path / reg_name, REGISTRY_HEADER, registry)
    pays = [write_csv(tmp_path / n, PAYMENTS_HEADER, rows) for n, rows in zip(pay_names, payment_sets or [payments])]
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=pays, db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY ALL").fetchall()
        matches = con.execute("SELECT payment_ref, vneid, program, method FROM matches ORDER BY ALL").fetchall()
    return flags, matches


HUNG = "001087012345"
MAI = "079153000257"


def test_another_family_name_or_no_name_at_all_is_a_name_mismatch(tmp_path):
    registry = [
        reg_row(HUNG, "Vũ Văn Hùng", "12/03/1987", "male", "welfare", "500.000", account="01"),
        reg_row(MAI, "Lê Thị Mai", "01/01/1953", "female", "welfare", "500.000", account="02"),
        reg_row("038046000111", "Nguyễn Văn Thành Công", "05/09/1946", "male", "welfare", "500.000", account="03"),
        reg_row("001190000001", "Phạm Thị Thanh Hương", "05/09/1990", "female", "welfare", "500.000", account="04"),
    ]
    payments = [
        pay_row("P1", HUNG, "VO VAN HUNG", "500000", account="01"),  # Vũ and Võ are different names
        pay_row("P2", MAI, "???", "500000", account="02"),  # no name at all
        pay_row("P3", "038046000111", "NGUYEN VAN THANH", "500000", account="03"),  # a whole, shorter name
        pay_row("P4", "001190000001", "PHAM THI THANH HUON", "500000", account="04"),  # cut inside a word: fine
    ]
    flags, _ = reconcile(tmp_path, registry, payments)
    assert flags == [
        ("NAME_MISMATCH", "001087012345", "P1"),
        ("NAME_MISMATCH", "038046000111", "P3"),
        ("NAME_MISMATCH", "079153000257", "P2"),
    ]


def test_the_same_invalid_id_on_both_sides_is_matched_and_reported_once_per_side(tmp_path):
    registry = [reg_row("123456789", "Trần Văn Bình", "01/01/1950", "male", "pension", "3.000.000")]
    payments = [pay_row("P1", "123456789", "TRAN VAN BINH", "3,000,000", account="999")]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == [("P1", "123456789", "pension", "vneid")]
    assert flags == [
        ("ACCOUNT_MISMATCH", "123456789", "P1"),
        ("INVALID_VNEID", "123456789", "P1"),
        ("INVALID_VNEID", "123456789", None),
    ]


def test_a_bank_named_with_its_branch_or_a_long_bic_is_the_same_bank(tmp_path):
    registry = [
        reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "500.000", bank="Agribank"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "500.000", bank="VCB", account="77"),
    ]
    payments = [
        pay_row("P1", "", "NGUYEN VAN HUNG", "500000", bank="Agribank chi nhánh Hà Tây"),
        pay_row("P2", MAI, "TRAN THI MAI", "500000", bank="BFTVVNVXXXX", account="77"),
    ]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert flags == []
    assert matches == [("P1", HUNG, "welfare", "account"), ("P2", MAI, "welfare", "vneid")]


def test_a_reference_reused_by_a_retry_or_by_another_file_is_no_duplicate(tmp_path):
    registry = [
        reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "500.000"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "500.000", channel="cash"),
    ]
    bank = [
        pay_row("1", HUNG, "NGUYEN VAN HUNG", "500000", status="failed", day="03/09/2024"),
        pay_row("1", HUNG, "NGUYEN VAN HUNG", "500000"),
    ]
    post = [pay_row("1", MAI, "Trần Thị Mai", "500000", bank="", account="", channel="cash")]
    flags, _ = reconcile(tmp_path, registry, [], pay_names=("bank.csv", "post.csv"), payment_sets=[bank, post])
    assert flags == []


def test_a_reference_twice_in_one_file_is_a_duplicate(tmp_path):
    registry = [
        reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "500.000"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "500.000", account="77"),
    ]
    payments = [
        pay_row("1", HUNG, "NGUYEN VAN HUNG", "500000"),
        pay_row("1", MAI, "TRAN THI MAI", "500000", account="77"),
    ]
    flags, _ = reconcile(tmp_path, registry, payments)
    assert flags == [("DUPLICATE_PAYMENT", MAI, "1")]


def test_a_person_in_both_programmes_gets_each_payment_by_the_closest_amount(tmp_path):
    registry = [
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "pension", "5.000.000"),
    ]
    payments = [pay_row("P1", MAI, "TRAN THI MAI", "1,100,000"), pay_row("P2", MAI, "TRAN THI MAI", "5,100,000")]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == [("P1", MAI, "welfare", "vneid"), ("P2", MAI, "pension", "vneid")]
    assert flags == [("AMOUNT_MISMATCH", MAI, "P1"), ("AMOUNT_MISMATCH", MAI, "P2")]


def test_name_and_date_of_birth_find_a_person_of_both_programmes(tmp_path):
    registry = [
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000", channel="cash"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "pension", "5.000.000", channel="cash"),
    ]
    payments = [
        pay_row("B1", "", "Trần Thị Mai", "5000000", bank="", account="", channel="cash", dob="01/01/1953"),
        pay_row("B2", "", "Trần Thị Mai", "1000000", bank="", account="", channel="cash", dob="01/01/1953"),
    ]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == [("B1", MAI, "pension", "name_dob"), ("B2", MAI, "welfare", "name_dob")]
    assert flags == []


def test_a_year_of_birth_alone_loads_and_is_checked_against_the_id(tmp_path):
    registry = [
        reg_row(HUNG, "Nguyễn Văn Hùng", "1987", "male", "welfare", "500.000"),
        reg_row(MAI, "Trần Thị Mai", "1960", "female", "welfare", "500.000", account="77"),
    ]
    payments = [
        pay_row("P1", HUNG, "NGUYEN VAN HUNG", "500000"),
        pay_row("P2", MAI, "TRAN THI MAI", "500000", account="77"),
    ]
    flags, _ = reconcile(tmp_path, registry, payments)
    assert flags == [("INVALID_VNEID", MAI, None)]  # 079153... says born 1953


def test_evidence_does_not_depend_on_how_paths_are_spelled(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    first = [reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "2.000.000")]
    second = [reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "1.000.000")]
    pays = [pay_row("P1", HUNG, "NGUYEN VAN HUNG", "1000000")]
    results = []
    for spell in (lambda p: p, lambda p: Path("..") / p.parent.name / p.name):
        zreg = write_csv(a / "zreg.csv", REGISTRY_HEADER, first)
        areg = write_csv(a / "areg.csv", REGISTRY_HEADER, second)
        pay = write_csv(b / "pay.csv", PAYMENTS_HEADER, pays)
        db = tmp_path / "r.duckdb"
        import os

        cwd = os.getcwd()
        os.chdir(b)
        try:
            run(RunConfig(period="2024-09", registry=[spell(zreg), areg], payments=[pay], db=db))
        finally:
            os.chdir(cwd)
        with duckdb.connect(str(db), read_only=True) as con:
            results.append(
                con.execute(
                    "SELECT flag_id, code, regexp_extract(source_file, '[^/]+$'), source_row FROM flags ORDER BY ALL"
                ).fetchall()
            )
    assert results[0] == results[1]
    assert [(c, f, r) for _, c, f, r in results[0]] == [("DUPLICATE_BENEFICIARY", "zreg.csv", 2)]
