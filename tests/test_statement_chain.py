"""Daily statements of one account given together are checked as a chain: a day's statement left out
(its opening balance the next day is not the closing balance of the day before) refuses the run, as
an MT940 or camt statement whose entries do not add up to its balances is refused."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner

from conftest import FIXTURES
from reconcile.cli import cli
from test_camt_balances import balance, document, entry, statement

REGISTRY = FIXTURES / "statements" / "registry.csv"
FIX = (
    "give the missing statement (ask the bank for it) with --payments, and run again; if the bank confirms that none "
    "is missing, set statement_chain = false in [checks] of the config file"
)
# who is paid on which day of September, and how much
PAID = {5: ("079196118125", 1_500_000), 12: ("001038005555", 2_250_000), 17: ("001145007788", 1_000_000), 24: ("001140012345", 750_000)}  # fmt: skip


def daily_mt940(folder, left_out: set[int]) -> list:
    """One MT940 file per day of September 2024 (a day without movements too), but the days left out."""
    folder.mkdir()
    paths, balance = [], 100_000_000
    for day in range(1, 31):
        lines = [f":20:VCB2409{day:02d}", ":25:0071001234567", f":28C:{day}/1", f":60F:C2409{max(day - 1, 1):02d}VND{balance},"]  # fmt: skip
        if day in PAID:
            vneid, amount = PAID[day]
            lines += [f":61:2409{day:02d}09{day:02d}D{amount},NTRFCTXH2409{day:02d}", f":86:TCXH T09/2024 CCCD {vneid}"]
            balance -= amount
        lines.append(f":62F:C2409{day:02d}VND{balance},")
        if day not in left_out:
            path = folder / f"bank_{day:02d}.sta"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            paths.append(path)
    return paths


def run(tmp_path, payments):
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY)]
    res = CliRunner().invoke(cli, [*args, *(a for p in payments for a in ("--payments", str(p)))])
    return res, db


def test_a_day_left_out_of_daily_mt940_statements_is_refused(tmp_path):
    """Statements of 1-30 September without the 17th: it ran with exit 0 and a false MISSING_PAYMENT
    for the beneficiary paid that day. The 18th opens at 95,250,000, the 16th closed at 96,250,000.
    Given in another order, the statements are still put in order of their dates."""
    paths = daily_mt940(tmp_path / "days", left_out={17})
    res, db = run(tmp_path, paths[::-1])
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {paths[16]}: its statement 1 opens at 95,250,000, but statement 1 of {paths[15]} before "
        f"it, of the same account, closes at 96,250,000 on 2024-09-16: the statements of the days between them are "
        f"missing; {FIX}"
    )
    assert not db.exists()


def test_the_whole_month_and_a_day_without_movements_left_out_pass(tmp_path):
    """All 30 days pass; so does the month without the 18th, a day without movements (its balances
    change nothing), and without the first and last days."""
    for name, left_out in (("all", set()), ("quiet", {18}), ("ends", {1, 30})):
        res, db = run(tmp_path, daily_mt940(tmp_path / name, left_out))
        assert res.exit_code == 0, (name, res.output)
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT code, count(*) FROM flags GROUP BY code").fetchall() == [], name
            assert con.execute("SELECT count(*) FROM payments").fetchone() == (4,), name
        db.unlink()


def day(number: int, opening: str, closing: str, *entries: str) -> str:
    text = statement(f"S{number}", "0071000123456", balance("OPBD", opening), balance("CLBD", closing), *entries)
    return text.replace("<Dt><Dt>2024-09-05</Dt></Dt></Bal>", f"<Dt><Dt>2024-09-{number:02d}</Dt></Dt></Bal>")


def test_a_day_left_out_of_a_camt_file_of_daily_statements_is_refused(tmp_path):
    """One camt.053 file of the daily statements of the 4th, 5th and 7th: the 6th's payment of
    2,250,000 is missing, and `reconcile check` says so too."""
    pay = entry("1500000", "DBIT", "CTXH01", "TCXH T9 CCCD 079196118125")
    path = tmp_path / "sao_ke.xml"
    path.write_text(
        document(day(4, "50000000", "50000000"), day(5, "50000000", "48500000", pay), day(7, "46250000", "46250000")),
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {path}: its statement 3 opens at 46,250,000, but its statement 2 before it, of the same "
        f"account, closes at 48,500,000 on 2024-09-05: the statements of the days between them are missing; {FIX}"
    )


def test_the_pages_of_a_day_follow_one_another_in_whatever_order_they_are_given(tmp_path):
    """The 5th in two pages (`:62M:` then `:60M:`), the second page first in the file, between the 4th
    and the 6th: no day is missing."""
    pages = [
        (":60F:C240904VND100000000,", [], ":62F:C240904VND100000000,"),
        (":60M:C240904VND98500000,", [], ":62F:C240905VND98500000,"),
        (
            ":60F:C240904VND100000000,",
            [":61:2409050905D1500000,NTRFCTXH240905", ":86:TCXH T09/2024 CCCD 079196118125"],
            ":62M:C240905VND98500000,",
        ),
        (":60F:C240905VND98500000,", [], ":62F:C240906VND98500000,"),
    ]
    lines = []
    for n, (opening, moves, closing) in enumerate(pages, start=1):
        lines += [f":20:VCB{n}", ":25:0071001234567", f":28C:{n}/1", opening, *moves, closing, "-"]
    path = tmp_path / "bank.sta"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 0, res.output
    text = "\n".join(lines).replace(":60F:C240905VND98500000,", ":60F:C240905VND99000000,")  # the 6th's balances
    path.write_text(text.replace(":62F:C240906VND98500000,", ":62F:C240906VND99000000,") + "\n")
    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {path}: its statement 4 opens at 99,000,000, but its statement 3 before it, of the same "
        f"account, closes at 98,500,000 on 2024-09-05: the statements of the days between them are missing; {FIX}"
    )


def test_statement_chain_false_in_the_config_lets_a_month_the_bank_confirmed_through(tmp_path):
    """`[checks] statement_chain = false` (the bank confirms no statement is missing: a known fault of
    its export) runs the month the chain refuses; before, the setting was unknown and the month blocked.
    The 17th's payment is then reported missing, as the files say."""
    paths = daily_mt940(tmp_path / "days", left_out={17})
    config = tmp_path / "c.toml"
    config.write_text("[checks]\nstatement_chain = false\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY), "--config", str(config)]
    res = CliRunner().invoke(cli, [*args, *(a for p in paths for a in ("--payments", str(p)))])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid FROM flags WHERE code = 'MISSING_PAYMENT'").fetchall() == [
            ("MISSING_PAYMENT", "001145007788")
        ]
