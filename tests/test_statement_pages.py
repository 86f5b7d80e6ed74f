"""An MT940 statement the bank cut into pages (:28C: 249/1, 249/2, 249/3, intermediate balances
:62M:/:60M:) given with a page left out refuses the run, naming the files and the missing page: a
middle page whose movements net to nothing chained with the pages around it, the run passed clean and
its payee was a false MISSING_PAYMENT. The last page left out (the last given closes at :62M:) and the
first (the first given opens at :60M:) are refused too; pages given whole, in any order of files, and
statements without pages pass as before."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from reconcile.cli import cli

REGISTRY = FIXTURES / "statements" / "registry.csv"
HEAD = "{1:F01BFTVVNVXAXXX0000000000}{2:O9401630240906BFTVVNVXAXXX00000000002409061630N}{4:"
FIX = (
    "give the missing page (ask the bank for it) with --payments, and run again; if the bank confirms that none is "
    "missing, set statement_chain = false in [checks] of the config file"
)
# page 2 pays Lê Thị Hồng Nhung and takes in the treasury's top-up of the same amount: it nets to nothing
PAGES = {
    1: [
        ":60F:C240905VND50000000,",
        ":61:2409050905D1500000,NTRFCTXH01//FT2",
        ":86:TCXH T9/2024 CCCD 079196118125 NGUYEN THI THANH HUONG",
        ":61:2409050905D2250000,NTRFCTXH02//FT3",
        ":86:TCXH T9/2024 CCCD 001038005555 TRAN VAN BINH",
        ":62M:C240905VND46250000,",
    ],
    2: [
        ":60M:C240905VND46250000,",
        ":61:2409050905D1000000,NTRFCTXH03//FT4",
        ":86:TCXH T9/2024 CCCD 001145007788 LE THI HONG NHUNG",
        ":61:2409050905C1000000,NTRFNONREF//FT5",
        ":86:KBNN BO SUNG KINH PHI",
        ":62M:C240905VND46250000,",
    ],
    3: [
        ":60M:C240905VND46250000,",
        ":61:2409050905D750000,NTRFCTXH04//FT7",
        ":86:TCXH T9/2024 CCCD 001140012345 PHAM THI DUC",
        ":62F:C240905VND45500000,",
    ],
}


def page(n: int, sequence: str | None = None) -> list[str]:
    tag = [f":28C:{sequence or f'249/{n}'}"] if sequence != "" else []
    return [HEAD, ":20:VCB0905", ":25:0071001234567", *tag, *PAGES[n], "-}"]


def write(folder: Path, name: str, *pages: list[str]) -> Path:
    path = folder / name
    path.write_text("\r\n".join(line for p in pages for line in p) + "\r\n", encoding="utf-8")
    return path


def run(tmp_path: Path, *paths: Path):
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY)]
    res = CliRunner().invoke(cli, [*args, *(a for p in paths for a in ("--payments", str(p)))])
    return res, db


def missing_payments(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT vneid FROM flags WHERE code = 'MISSING_PAYMENT' ORDER BY vneid").fetchall()


def test_a_middle_page_left_out_is_refused_naming_the_files_and_the_page(tmp_path):
    one, three = write(tmp_path, "page1.sta", page(1)), write(tmp_path, "page3.sta", page(3))
    res, db = run(tmp_path, one, three)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {three}: its statement 1 is page 3 of the bank's statement 249 (:28C:), but its page 1 "
        f"before it is statement 1 of {one}: page 2 of statement 249 is missing; {FIX}"
    )
    assert not db.exists()
    # in one file, the other way round
    both = write(tmp_path, "pages.sta", page(3), page(1))
    res, _ = run(tmp_path, both)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {both}: its statement 1 is page 3 of the bank's statement 249 (:28C:), but its page 1 "
        f"before it is its statement 2: page 2 of statement 249 is missing; {FIX}"
    )


def test_pages_left_out_between_two_are_named_from_the_first_to_the_last(tmp_path):
    one = write(tmp_path, "page1.sta", page(1))
    five = write(tmp_path, "page5.sta", page(3, "249/5"))
    res, _ = run(tmp_path, five, one)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {five}: its statement 1 is page 5 of the bank's statement 249 (:28C:), but its page 1 "
        f"before it is statement 1 of {one}: pages 2 to 4 of statement 249 are missing; {FIX}"
    )


def test_the_last_page_left_out_is_refused_at_its_intermediate_closing_balance(tmp_path):
    one, two = write(tmp_path, "page1.sta", page(1)), write(tmp_path, "page2.sta", page(2))
    res, _ = run(tmp_path, one, two)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {two}: its statement 1 is page 2 of the bank's statement 249 (:28C:) and closes at an "
        "intermediate balance (:62M:) of 46,250,000 on 2024-09-05, but no page given opens at it (:60M:): page 3 of "
        f"statement 249 is missing; {FIX}"
    )
    # pages without numbers: the intermediate balance alone says a page follows
    bare = write(tmp_path, "bare.sta", page(1, ""))
    res, _ = run(tmp_path, bare)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {bare}: its statement 1 closes at an intermediate balance (:62M:) of 46,250,000 on "
        f"2024-09-05, and no page given opens at it (:60M:): the page after it is missing; {FIX}"
    )


def test_the_first_page_left_out_is_refused_at_its_intermediate_opening_balance(tmp_path):
    two, three = write(tmp_path, "page2.sta", page(2)), write(tmp_path, "page3.sta", page(3))
    res, _ = run(tmp_path, three, two)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {two}: its statement 1 is page 2 of the bank's statement 249 (:28C:) and opens at an "
        "intermediate balance (:60M:) of 46,250,000, but no page given closes at it (:62M:): page 1 of statement 249 "
        f"is missing; {FIX}"
    )


@pytest.mark.parametrize("order", [(1, 2, 3), (3, 1, 2), (2, 3, 1)])
def test_pages_given_whole_in_any_order_of_files_pass(tmp_path, order):
    paths = [write(tmp_path, f"page{n}.sta", page(n)) for n in order]
    res, db = run(tmp_path, *paths)
    assert res.exit_code == 0, res.output
    assert missing_payments(db) == []
    one_file = write(tmp_path, "all.sta", *(page(n) for n in order))
    (tmp_path / "r.duckdb").unlink()
    res, db = run(tmp_path, one_file)
    assert res.exit_code == 0, res.output
    assert missing_payments(db) == []


@pytest.mark.parametrize("sequence", ["", "249", "00001/001", "1/1"])
def test_a_statement_of_one_page_passes_with_or_without_its_sequence_number(tmp_path, sequence):
    whole = [*PAGES[1][:-1], *PAGES[2][1:-1], *PAGES[3][1:]]  # the three pages as one statement
    lines = [HEAD, ":20:VCB0905", ":25:0071001234567", *([f":28C:{sequence}"] if sequence else []), *whole, "-}"]
    path = tmp_path / "bank.sta"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    res, db = run(tmp_path, path)
    assert res.exit_code == 0, res.output
    assert missing_payments(db) == []


def test_statement_chain_false_lets_the_pages_through_as_given(tmp_path):
    one, three = write(tmp_path, "page1.sta", page(1)), write(tmp_path, "page3.sta", page(3))
    config = tmp_path / "c.toml"
    config.write_text("[checks]\nstatement_chain = false\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY), "--config", str(config)]
    res = CliRunner().invoke(cli, [*args, "--payments", str(one), "--payments", str(three)])
    assert res.exit_code == 0, res.output
    assert missing_payments(db) == [("001145007788",)]
