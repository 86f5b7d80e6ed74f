"""A bank that sends its month as daily batches, one day's left out: most of its beneficiaries are paid
(65%, above the half that makes a source missing), and the month passed clean with a hundred false
MISSING_PAYMENT and arrears, people who were paid to be paid again. A checked group of which fewer
than nine in ten have a payment row, at least min_group (20) of them without one, is now said in a
warning kept with the run; a month's few unpaid are not."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from reconcile.cli import cli

HEAD = "Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản\n"
PAY = "Mã giao dịch,Số CCCD,Họ và tên,Ngân hàng,Số tài khoản,Số tiền,Ngày giao dịch,Kênh chi trả\n"
PEOPLE = [(f"001150001{i:03d}", f"Trần Thị Ngân {i}", f"0011001{i:06d}") for i in range(1, 81)]  # 80 at VCB


def listed(people: list[tuple]) -> str:
    """A registry of these people, each due 500.000 by VCB."""
    return HEAD + "".join(f"{v},{n},01/01/1950,Trợ cấp xã hội,500.000,Chuyển khoản,VCB,{a}\n" for v, n, a in people)


def run_month(tmp_path: Path, days: list[list[tuple]]) -> tuple[int, list[str], str]:
    (tmp_path / "registry.csv").write_text(
        listed(PEOPLE),
        encoding="utf-8",
    )
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(tmp_path / "r.duckdb")]
    args += ["--registry", str(tmp_path / "registry.csv")]
    for day, people in enumerate(days, start=3):
        batch = tmp_path / f"vcb_{day:02d}.csv"
        batch.write_text(
            PAY
            + "".join(
                f"FT24{day:02d}{i:05d},{v},{n},VCB,{a},500.000,{day:02d}/09/2024,Chuyển khoản\n"
                for i, (v, n, a) in enumerate(people)
            ),
            encoding="utf-8",
        )
        args += ["--payments", str(batch)]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        (stored,) = con.execute("SELECT warnings FROM runs").fetchone()
        (missing,) = con.execute("SELECT count(*) FROM flags WHERE code = 'MISSING_PAYMENT'").fetchone()
    return missing, [w["message"] for w in json.loads(stored or "[]")], res.stderr + res.stdout


def test_a_day_s_batch_of_a_bank_left_out_is_said(tmp_path):
    missing, warnings, said = run_month(tmp_path, [PEOPLE[:30], PEOPLE[30:55]])  # the third day's 25 left out
    text = (
        "25 of the 80 active welfare beneficiaries paid through VCB have no payment row dated in the period (68% "
        "have one): a part of the payment file of VCB (a day's batch) may be missing (each is a MISSING_PAYMENT); "
        "give every file of VCB with --payments and run again, or check that none of them was paid"
    )
    assert (missing, warnings) == (25, [text])
    assert f"reconcile: {text}" in said
    assert "\nWARNING: the 1 warning above may mean a file is missing" in said


def test_a_day_s_batch_dated_the_first_of_next_month_is_no_file_left_out(tmp_path):
    """The last 20 given, but dated 01/10/2024 (the bank paid them a day late): each is an
    OUT_OF_PERIOD and a MISSING_PAYMENT, and nothing is missing from the files."""
    (tmp_path / "registry.csv").write_text(
        listed(PEOPLE),
        encoding="utf-8",
    )
    bank = tmp_path / "vcb.csv"
    bank.write_text(
        PAY
        + "".join(
            f"FT24{i:07d},{v},{n},VCB,{a},500.000,{'01/10' if i >= 60 else '05/09'}/2024,Chuyển khoản\n"
            for i, (v, n, a) in enumerate(PEOPLE)
        ),
        encoding="utf-8",
    )
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(tmp_path / "r.duckdb")]
    res = CliRunner().invoke(cli, [*args, "--registry", str(tmp_path / "registry.csv"), "--payments", str(bank)])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT code, count(*) FROM flags GROUP BY code ORDER BY code").fetchall() == [
            ("MISSING_PAYMENT", 20),
            ("OUT_OF_PERIOD", 20),
        ]
        assert con.execute("SELECT warnings FROM runs").fetchone() == (None,)
    assert "a part of the payment file" not in res.stderr


@pytest.mark.parametrize("unpaid", [0, 7, 19])  # all paid; 91% paid; 76% paid, but 19 fewer than min_group
def test_a_month_s_few_unpaid_are_no_file_left_out(tmp_path, unpaid):
    missing, warnings, said = run_month(tmp_path, [PEOPLE[: 80 - unpaid]] if unpaid < 19 else [PEOPLE[:61]])
    assert (missing, warnings) == (unpaid, [])
    assert "WARNING" not in said


def test_another_commune_s_registry_list_given_beside_this_month_s_is_said(tmp_path):
    """The province's list and, by mistake, a list of 30 of another commune whom no file pays (their bank
    the province's, too few unpaid to refuse its file as missing): 30 false
    MISSING_PAYMENT and the amount due overstated, a clean month. A second list of people all paid is
    nothing to say."""
    other = tmp_path / "xa_khac.csv"
    other.write_text(
        HEAD
        + "".join(
            f"00115000{i:04d},Lê Văn Khác {i},01/01/1950,Trợ cấp xã hội,500.000,Chuyển khoản,VCB,0022002{i:06d}\n"
            for i in range(1, 31)
        ),
        encoding="utf-8",
    )
    (tmp_path / "registry.csv").write_text(
        listed(PEOPLE),
        encoding="utf-8",
    )
    bank = tmp_path / "vcb.csv"
    bank.write_text(
        PAY
        + "".join(
            f"FT24{i:07d},{v},{n},VCB,{a},500.000,05/09/2024,Chuyển khoản\n" for i, (v, n, a) in enumerate(PEOPLE)
        ),
        encoding="utf-8",
    )
    args = [
        "--lang",
        "en",
        "run",
        "--period",
        "2024-09",
        "--payments",
        str(bank),
        "--registry",
        str(tmp_path / "registry.csv"),
    ]
    res = CliRunner().invoke(cli, [*args, "--registry", str(other), "--db", str(tmp_path / "a.duckdb")])
    assert res.exit_code == 0, res.output
    assert (
        f"reconcile: none of the 30 active beneficiaries of the registry file {other} has a payment row dated in the "
        "period, while those of the other registry files have: it may be another place's or another month's list "
        "(each is a MISSING_PAYMENT); check it is this month's list of this place, or leave it out and run again"
    ) in res.stderr
    # the province's list given in two parts, every one paid: nothing said
    part = tmp_path / "part.csv"
    part.write_text(
        listed(PEOPLE[:40]),
        encoding="utf-8",
    )
    (tmp_path / "registry.csv").write_text(
        listed(PEOPLE[40:]),
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, [*args, "--registry", str(part), "--db", str(tmp_path / "b.duckdb")])
    assert res.exit_code == 0, res.output
    assert "WARNING" not in res.stdout and "registry file" not in res.stderr
