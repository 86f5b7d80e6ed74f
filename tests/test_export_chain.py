"""The statement exports of one account given in parts (CSV or Excel, `Sao kê tài khoản` with its
running balance and the account in its title) are checked as a chain, as daily camt and MT940
statements are: a part left out between two given, or two parts that overlap, refuse the run naming
both files; parts that follow one another pass and give the findings of the whole month."""

from __future__ import annotations

import duckdb
import openpyxl
from click.testing import CliRunner

from conftest import FIXTURES
from reconcile.cli import cli

REGISTRY = FIXTURES / "statements" / "registry.csv"
TITLE = [["SAO KÊ TÀI KHOẢN"], ["Số tài khoản: 0451 000 999888", "", "Chi nhánh: Thanh Trì"]]
HEADER = ["Ngày giao dịch", "Số bút toán", "Diễn giải", "Ghi nợ", "Ghi có", "Số dư"]
# fmt: off
DAYS = {
    "05": [
        ["05/09/2024", "BT001", "CHI TRA TCXH T09 CCCD 079196118125 NGUYEN THI THANH HUONG", "1.500.000", "", "48.500.000"],
        ["05/09/2024", "BT002", "CHI TRA TCXH T09 CCCD 001038005555 TRAN VAN BINH", "2.250.000", "", "46.250.000"],
        ["05/09/2024", "BT003", "Phí chuyển tiền", "11.000", "", "46.239.000"],
    ],
    "06": [
        ["06/09/2024", "BT004", "KBNN cap kinh phi", "", "5.000.000", "51.239.000"],
        ["06/09/2024", "BT005", "CHI TRA TCXH T09 CCCD 001145007788 LE THI HONG NHUNG", "1.000.000", "", "50.239.000"],
    ],
    "10": [
        ["10/09/2024", "BT006", "CHI TRA TCXH T09 CCCD 001140012345 PHAM THI DUC", "750.000", "", "49.489.000"],
    ],
}
# fmt: on
OPENING = {"05": "50.000.000", "06": "46.239.000", "10": "50.239.000"}
CHAIN_FIX = (
    "give the export of the days between them with --payments, or export the account's statement of the whole "
    "month as one file, and run again; if the bank confirms that nothing is missing, set statement_chain = false "
    "in [checks] of the config file"
)
OVERLAP_FIX = (
    "take the rows that are in both out of one of them, or export the account's statement of the whole month as "
    "one file, and run again"
)


def part(days: list[str], title=TITLE) -> list[list[str]]:
    """The export of `days`: its title, header, opening balance, rows and closing balance."""
    rows = [r for d in days for r in DAYS[d]]
    return [
        *title,
        HEADER,
        ["", "", "Số dư đầu kỳ", "", "", OPENING[days[0]]],
        *rows,
        ["", "", "Số dư cuối kỳ", "", "", rows[-1][-1]],
    ]


def write_csv(path, rows) -> None:
    lines = [",".join(f'"{cell}"' if cell else "" for cell in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_xlsx(path, sheets: dict[str, list[list[str]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([cell or None for cell in row])
    book.save(path)


def run(tmp_path, *payments, config=None):
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY)]
    for p in payments:
        args += ["--payments", str(p)]
    args += ["--config", str(config)] if config else []
    return CliRunner().invoke(cli, [*args, "--profile", "vn-bank-statement", "--lang", "en"]), db


def test_parts_that_follow_one_another_pass_with_the_findings_of_the_whole_month(tmp_path):
    """The 5th, the 6th and the 10th in three exports, given in any order: every payment once, no finding."""
    paths = []
    for days in (["10"], ["05"], ["06"]):
        paths.append(tmp_path / f"sao_ke_{days[0]}.csv")
        write_csv(paths[-1], part(days))
    res, db = run(tmp_path, *paths)
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), sum(amount) FROM payments").fetchone() == (4, 5_500_000)
        assert con.execute("SELECT code FROM flags").fetchall() == []


def test_a_part_left_out_between_two_given_is_refused_naming_both(tmp_path):
    """The 6th's export left out: Lê Thị Hồng Nhung, paid on the 6th, was a MISSING_PAYMENT, and the
    month passed. The export of the 10th opens at 50,239,000, where the 5th's closed at 46,239,000."""
    first, last = tmp_path / "sao_ke_0105.csv", tmp_path / "sao_ke_1030.csv"
    write_csv(first, part(["05"]))
    write_csv(last, part(["10"]))
    res, db = run(tmp_path, first, last)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {last}: it opens at 50,239,000, but {first}, an export of the same account before it, "
        f"closes at 46,239,000 on 2024-09-05: the rows of the days between them are missing; {CHAIN_FIX}"
    )
    assert not db.exists()


def test_statement_chain_false_lets_parts_the_bank_confirms_through(tmp_path):
    first, last = tmp_path / "sao_ke_0105.csv", tmp_path / "sao_ke_1030.csv"
    write_csv(first, part(["05"]))
    write_csv(last, part(["10"]))
    config = tmp_path / "reconcile.toml"
    config.write_text("[checks]\nstatement_chain = false\n", encoding="utf-8")
    res, db = run(tmp_path, first, last, config=config)
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid FROM flags").fetchall() == [("MISSING_PAYMENT", "001145007788")]


def test_parts_that_overlap_by_a_day_are_refused_naming_the_rows_in_both(tmp_path):
    """The 5th and 6th, then the 6th and 10th: BT004 and BT005 in both. Lê Thị Hồng Nhung's payment
    was read twice, a DUPLICATE_PAYMENT of money paid once, and the month passed."""
    first, last = tmp_path / "sao_ke_0506.csv", tmp_path / "sao_ke_0610.csv"
    write_csv(first, part(["05", "06"]))
    write_csv(last, part(["06", "10"]))
    res, db = run(tmp_path, first, last)
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {last}: 2 of its rows, from row 5 (of 2024-09-06), are rows of {first} too, an export "
        f"of the same account: the two exports overlap, and each payment in both would be counted twice; {OVERLAP_FIX}"
    )
    assert not db.exists()


def test_parts_that_overlap_are_refused_so_whichever_way_each_writes_its_dates(tmp_path):
    """The second part written with ISO dates (2024-09-06): its rows of the 6th were told from the first
    part's (06/09/2024) by the date's text, and the overlap was refused as a gap, asking for days missing."""
    first, last = tmp_path / "sao_ke_0506.csv", tmp_path / "sao_ke_0610.csv"
    write_csv(first, part(["05", "06"]))
    iso = [
        [f"{r[0][6:]}-{r[0][3:5]}-{r[0][:2]}", *r[1:]] if r and len(r[0]) == 10 and r[0][2] == "/" else r
        for r in part(["06", "10"])
    ]
    write_csv(last, iso)
    res, db = run(tmp_path, first, last)
    assert res.exit_code == 2, res.output
    assert not db.exists()
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {last}: 2 of its rows, from row 5 (of 2024-09-06), are rows of {first} too, an export "
        f"of the same account: the two exports overlap, and each payment in both would be counted twice; {OVERLAP_FIX}"
    )


def test_sheets_of_one_workbook_are_parts_too_and_named_by_sheet(tmp_path):
    """A workbook read whole (not staged as CSV is): a sheet per part, the second overlapping the first."""
    path = tmp_path / "sao_ke_thang_9.xlsx"
    write_xlsx(path, {"Tu 01 den 06": part(["05", "06"]), "Tu 06 den 30": part(["06", "10"])})
    res, db = run(tmp_path, path)
    assert res.exit_code == 2, res.output
    assert not db.exists()
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {path} (sheet 'Tu 06 den 30'): 2 of its rows, from row 5 (of 2024-09-06), are rows of "
        f"{path} (sheet 'Tu 01 den 06') too, an export of the same account: the two exports overlap, and each payment "
        f"in both would be counted twice; {OVERLAP_FIX}"
    )


def test_exports_of_two_accounts_or_naming_no_account_are_in_no_chain(tmp_path):
    """Two accounts' exports (the district's and the commune's) do not chain with each other; an
    export whose title names no account cannot be told to be the same account's, and passes."""
    other = [["SAO KÊ TÀI KHOẢN"], ["Số tài khoản:", "0451000777666"]]
    first, last = tmp_path / "huyen.csv", tmp_path / "xa.csv"
    write_csv(first, part(["05"]))
    write_csv(last, part(["10"], title=other))
    res, _ = run(tmp_path, first, last)
    assert res.exit_code == 0, res.output
    write_csv(last, part(["10"], title=[["SAO KÊ TÀI KHOẢN"], ["Tên tài khoản: PHONG LDTBXH 123456789"]]))
    (tmp_path / "r.duckdb").unlink()
    res, _ = run(tmp_path, first, last)
    assert res.exit_code == 0, res.output


def test_the_account_is_the_one_the_title_names_by_its_label():
    """`Số tài khoản`, `Tài khoản/Account No.`, `Account`: the number after the label, in its cell or the
    next; the account's name (`Tên tài khoản`, `Account name`), even with digits in it, names none."""
    from reconcile.readers.export_span import title_account

    assert [
        title_account([row])
        for row in (
            ["Số tài khoản: 0451 000 999888"],
            ["Tài khoản/Account No.: 0451000999888 - VND"],
            ["Số tài khoản:", "", "0451000777666"],
            ["Account: 0011001234567"],
            ["Tên tài khoản: PHONG LDTBXH 123456789"],
            ["Account name: PHONG LDTBXH 123456789"],
            ["Account type: 123456 current"],
        )
    ] == ["0451000999888", "0451000999888", "0451000777666", "0011001234567", None, None, None]
