"""Area codes checked against the lists of the period's layout, and months compared on the 2025 map."""

from __future__ import annotations

import json

import duckdb
from click.testing import CliRunner

from conftest import write_csv
from reconcile.cli import cli
from reconcile.filecheck import check_file
from reconcile.pipeline import RunConfig, run

HEADER = [
    "vneid",
    "full_name",
    "program",
    "entitled_amount",
    "channel",
    "account_number",
    "province_code",
    "commune_code",
]
PAY_HEADER = ["payment_ref", "vneid", "payee_name", "account_number", "amount", "value_date", "channel"]
# old Bắc Ninh (27) and Bắc Giang (24) are one province on the 2025 map: 24 Bắc Ninh (whose communes include
# 09340 Đại Đồng and 07228 Đa Mai)
PEOPLE = [
    ["027087012345", "Nguyễn Văn Hùng", "welfare", "500.000", "bank", "0011223344", "27", "09340"],
    ["024153000257", "Trần Thị Mai", "welfare", "500.000", "cash", "", "24", "07228"],
    ["001146000111", "Lê Thị Hồng", "welfare", "500.000", "bank", "0099887766", "1", "4"],
]


def _month(tmp_path, period, people, day):
    reg = write_csv(tmp_path / f"registry_{period}.csv", HEADER, people)
    pay = write_csv(
        tmp_path / f"payments_{period}.csv",
        PAY_HEADER,
        [[f"FT{period}{i}", p[0], p[1], p[5], p[3], day, p[4]] for i, p in enumerate(people)],
    )
    return reg, pay


def test_area_notes_follow_the_layout_of_the_period(tmp_path):
    people = [p[:] for p in PEOPLE] + [
        ["079153000999", "Phạm Đức Anh", "pension", "4.100.000", "bank", "0123456789", "99", "26734"],
        ["001160000123", "Võ Thị Thu", "pension", "4.100.000", "bank", "0123456780", "79", "00004"],
    ]
    reg = write_csv(tmp_path / "registry.csv", HEADER, people)
    before = check_file(reg, "registry", "2025-06")
    assert before.area_notes == [(5, "province_code 99 is not an official province code")]
    after = check_file(reg, "registry", "2025-07")
    assert after.area_notes == [
        (
            2,
            "province_code 27 is not on the 2025 list of the period; read as the pre-2025 code of province 24 of "
            "the 2025 map",
        ),
        (5, "province_code 99 is not an official province code; commune_code 26734 is not on the 2025 commune list"),
        (6, "commune_code 00004 is a commune of province 01, not of province 79"),
    ]
    assert after.rows_loaded == 5  # notes, not rejections


def test_codes_that_lost_their_leading_zeros_are_restored_and_mapped(tmp_path):
    reg, pay = _month(tmp_path, "2026-03", [PEOPLE[2]], "05/03/2026")
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2026-03", registry=[reg], payments=[pay], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT province_code, commune_code, province_code_2025, area_note FROM registry"
        ).fetchall() == [("01", "00004", "01", None)]


def test_a_month_before_and_one_after_the_reform_compare_on_the_2025_map(tmp_path):
    db = tmp_path / "r.duckdb"
    reg, pay = _month(tmp_path, "2024-09", PEOPLE[:2], "05/09/2024")
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    after = [
        ["027087012345", "Nguyễn Văn Hùng", "welfare", "500.000", "bank", "0011223344", "24", "07210"],
        ["024153000257", "Trần Thị Mai", "welfare", "500.000", "bank", "0022334455", "24", "07210"],
    ]
    reg, pay = _month(tmp_path, "2026-03", after, "05/03/2026")
    run(RunConfig(period="2026-03", registry=[reg], payments=[pay], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            SELECT period, level, province_code, payments, share_payments FROM noncash_share_by_area
            WHERE channel_group = 'all' AND level IN ('province', 'province_2025') ORDER BY ALL""").fetchall()
    assert rows == [
        ("2024-09", "province", "24", 1, 0.0),
        ("2024-09", "province", "27", 1, 1.0),
        ("2024-09", "province_2025", "24", 2, 0.5),
        ("2026-03", "province", "24", 2, 1.0),
        ("2026-03", "province_2025", "24", 2, 1.0),
    ]
    res = CliRunner().invoke(cli, ["cashless", "--db", str(db), "--by", "province_2025", "--format", "json"])
    assert [(r["period"], r["province_code"], r["share_payments"]) for r in json.loads(res.stdout)] == [
        ("2024-09", "24", 0.5),
        ("2026-03", "24", 1.0),
    ]
