"""A commune's lists left out of a month given commune by commune, its registry's and its payments'
both: no payment matched no one, so the guard of a commune left out of the registry alone saw
nothing, and the month passed clean, exit 0, its people simply not in it. The registry of the month
before in the database lists them: the run says so (checks_earlier.communes_gone)."""

from __future__ import annotations

import json

import duckdb
from click.testing import CliRunner

from reconcile.cli import cli

REGISTRY = "vneid,full_name,date_of_birth,program,entitled_amount,channel,bank_code,account_number,province_code,commune_code,status\n"
BANK = "payment_ref,vneid,payee_name,bank_code,account_number,amount,value_date,channel,status\n"
COMMUNES = ("00004", "00006", "00007")


def person(n: int) -> tuple[str, str]:
    return f"0011450{n:05d}", COMMUNES[n % 3]


def month(folder, period: str, communes=COMMUNES) -> tuple:
    """The month's registry and bank file: 22 beneficiaries in each commune, each paid on the 5th."""
    folder.mkdir(exist_ok=True)
    people = [person(n) for n in range(66) if person(n)[1] in communes]
    registry, bank = folder / "registry.csv", folder / "bank.csv"
    registry.write_text(
        REGISTRY
        + "".join(
            f"{v},Nguyễn Văn {v[-3:]},01/01/1945,welfare,1500000,bank,BIDV,0123{v[-8:]},01,{c},active\n"
            for v, c in people
        ),
        encoding="utf-8",
    )
    bank.write_text(
        BANK
        + "".join(
            f"FT{period[-2:]}{v[-5:]},{v},NGUYEN VAN {v[-3:]},BIDV,0123{v[-8:]},1500000,05/{period[-2:]}/2024,bank,success\n"
            for v, _ in people
        ),
        encoding="utf-8",
    )
    return registry, bank


def run(db, period, files):
    registry, bank = files
    args = ["--lang", "en", "run", "--period", period, "--db", str(db), "--registry", str(registry)]
    result = CliRunner().invoke(cli, [*args, "--payments", str(bank)])
    assert result.exit_code == 0, result.output
    return result


def test_a_commune_whose_lists_are_all_left_out_is_said_naming_it(tmp_path):
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month(tmp_path / "09", "2024-09"))
    result = run(db, "2024-10", month(tmp_path / "10", "2024-10", ("00004", "00007")))
    said = (
        "22 active beneficiaries of commune 00006 in the registry of 2024-09 are in none of this month's files: its "
        "lists may have been left out; give them with --registry and --payments and run again, or check that those "
        "beneficiaries left the programmes"
    )
    assert f"reconcile: {said}" in result.stderr.splitlines()
    with duckdb.connect(str(db), read_only=True) as con:
        (warnings,) = con.execute("SELECT warnings FROM runs WHERE period = '2024-10'").fetchone()
        assert json.loads(warnings) == [{"message": said, "programs": []}]
    # the whole month again: nothing said
    result = run(db, "2024-11", month(tmp_path / "11", "2024-11"))
    assert "in none of this month's files" not in result.stderr


def test_people_listed_under_another_commune_s_code_are_no_commune_left_out(tmp_path):
    """A commune merged into another, its people listed under the other's code: none of them is gone."""
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month(tmp_path / "09", "2024-09"))
    registry, bank = month(tmp_path / "10", "2024-10")
    registry.write_text(registry.read_text(encoding="utf-8").replace(",00006,", ",00004,"), encoding="utf-8")
    result = run(db, "2024-10", (registry, bank))
    assert "in none of this month's files" not in result.stderr
