"""A totals row's amount is not compared when a row holds an amount that cannot be read (that row is
rejected and says so): what agreed is then its count alone, or nothing. The run said the file
`agrees with its totals row` though its total was never compared, and a total of 9,000,000 over
rows of 5,500,000 passed as agreeing."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from conftest import write_csv, xlsx_rows
from reconcile.cli import cli
from test_header_again import HEADER, REGISTRY  # the same registry and bank list, without a page's header

ROWS = [
    ["CT001", "079196118125", "Nguyễn Thị Thanh Hương", "0071000000001", "1.500.000", "05/09/2024", "bank"],
    ["CT002", "001038005555", "Trần Văn Bình", "0071000000002", "2.250.000", "05/09/2024", "bank"],
    ["CT003", "001145007788", "Lê Thị Hồng Nhung", "0071000000003", "1.000.000,5", "05/09/2024", "bank"],
    ["CT004", "001140012345", "Phạm Thị Đức", "0071000000004", "750.000", "05/09/2024", "bank"],
]


@pytest.mark.parametrize(
    ("label", "said", "source"),
    [
        (
            "Tổng cộng 4 giao dịch",
            "agrees with its totals row 6, the count alone (1 row has an amount that cannot be read)",
            "totals row 6, the count alone (1 row has an amount that cannot be read)",
        ),
        ("Tổng cộng", None, None),  # it states an amount alone: nothing of it was compared
    ],
)
def test_a_totals_row_whose_amount_is_not_compared_is_not_said_to_agree(tmp_path, label, said, source):
    path = write_csv(tmp_path / "chi_tra.csv", HEADER, [*ROWS, [label, "", "", "", "9.000.000", "", ""]])
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(tmp_path / "registry.csv")]
    result = CliRunner().invoke(cli, [*args, "--payments", str(path)])
    assert result.exit_code == 0, result.output
    checked = [line for line in result.output.splitlines() if line.startswith("checked:")]
    assert checked == ([f"checked: {path} {said}"] if said else [])
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT control_source FROM inputs WHERE role = 'payments'").fetchone() == (source,)
        assert con.execute("SELECT source_row FROM rejected_rows").fetchall() == [(4,)]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_totals_row_that_says_nothing_is_set_aside_not_said_to_agree(tmp_path, suffix):
    """`Tổng cộng` alone under the list, no count and no amount: `check` printed `totals row 6 says
    nothing` (`cho biết nothing` in Vietnamese), a run that the file `checked: ... agrees with its totals
    row 6`, and the row was counted nowhere. It is a totals row set aside, saying why, among the rows read;
    the signatures under it are set aside as they are under any totals row."""
    rows = [[*r[:4], "1.500.000" if r[0] == "CT003" else r[4], *r[5:]] for r in ROWS]
    rows += [["Tổng cộng", "", "", "", "", "", ""], [], ["", "Người lập biểu", "", "", "Kế toán trưởng", "", ""]]
    if suffix == "csv":
        path = write_csv(tmp_path / "chi_tra.csv", HEADER, rows)
    else:
        path = xlsx_rows(tmp_path / "chi_tra.xlsx", [HEADER, *[[v or None for v in r] for r in rows]])
    result = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-3:] == [
        "rows: 7 read, 4 loaded, 0 rejected, 3 set aside as no payment",
        "set aside: 1 row: a total row with no count and no amount in the amount column: nothing to check the "
        "file against (row 6)",
        "set aside: 2 rows: under the totals row (signatures, amount in words) (rows 7, 8)",
    ]
    # no control: the run's `checked: ... agrees with its totals row 6` came from it
    assert not [line for line in result.output.splitlines() if line.startswith("totals:")]


def test_a_sum_under_the_amount_column_without_a_label_is_the_totals_row(tmp_path):
    """An Excel `=SUM` typed under the amounts, no label beside it: the row was rejected (no reference,
    payee or date) and its sum counted among the amounts read, and the rows cut off above it went
    unseen. It is the totals row: a list that agrees with it says so, one cut short is refused."""
    good = [[*r[:4], "1.500.000" if r[0] == "CT003" else r[4], *r[5:]] for r in ROWS]
    total = f"{sum(int(r[4].replace('.', '')) for r in good):,}".replace(",", ".")
    path = write_csv(tmp_path / "chi_tra.csv", HEADER, [*good, ["", "", "", "", total, "", ""]])
    check = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "payments", "--period", "2024-09"])
    assert check.exit_code == 0, check.output
    assert "rows: 4 read, 4 loaded, 0 rejected" in check.output.splitlines()
    assert "totals: totals row 6 says 6,000,000 VND; read 4 rows of 6,000,000 VND" in check.output.splitlines()
    cut = write_csv(tmp_path / "cut.csv", HEADER, [*good[:3], ["", "", "", "", total, "", ""]])
    check = CliRunner().invoke(cli, ["--lang", "en", "check", str(cut), "--as", "payments", "--period", "2024-09"])
    assert (
        "totals: totals row 5 says 6,000,000 VND; read 3 rows of 5,250,000 VND; they DISAGREE: the file is "
        "incomplete or its totals row is wrong"
    ) in check.output.splitlines()
