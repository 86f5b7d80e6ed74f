"""A credit in this month's statement that brings back last month's payment (`HOAN TRA GD
FT2409000002`, the September transfer to a closed account coming back in October) pairs with no
payment of the run: it is set aside as money in, and September still counts the payment paid. The
run says so from the database's earlier months, and keeps it with its warnings (runs.warnings)."""

from __future__ import annotations

import json

import duckdb
from click.testing import CliRunner

from conftest import FIXTURES
from reconcile.cli import cli

REGISTRY = FIXTURES / "statements" / "registry.csv"
HEADER = ["Ngày giao dịch", "Số bút toán", "Diễn giải", "Ghi nợ", "Ghi có", "Số dư"]
PEOPLE = [  # ID, name as the bank writes it, amount
    ("079196118125", "NGUYEN THI THANH HUONG", 1_500_000),
    ("001038005555", "TRAN VAN BINH", 2_250_000),
    ("001145007788", "LE THI HONG NHUNG", 1_000_000),
    ("001140012345", "PHAM THI DUC", 750_000),
]
SAID = (
    "a credit in this month's statements names the reference of a payment of an earlier month (2,250,000 VND, "
    "2024-09) and may be its money coming back: it is set aside as money in, that month still counts the payment "
    "paid, and no finding, arrears or re-issue list is of that money; check it with reconcile show and the bank, "
    "and send it again if it is owed"
)


def statement(path, month: str, credits: list[tuple[str, str, int]]) -> None:
    """The account's export of `month` ('09'): every beneficiary paid on the 5th, then `credits`
    (reference, narrative, amount) on the 7th."""
    balance = 50_000_000
    lines = ["SAO KÊ TÀI KHOẢN", ",".join(HEADER)]
    for i, (vneid, name, amount) in enumerate(PEOPLE, 1):
        balance -= amount
        lines.append(
            f'05/{month}/2024,FT24{month}00000{i},CHI TRA TCXH T{month} CCCD {vneid} {name},"{amount:,}",,"{balance:,}"'
        )
    for ref, text, amount in credits:
        balance += amount
        lines.append(f'07/{month}/2024,{ref},{text},,"{amount:,}","{balance:,}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(db, period: str, payments):
    registry = payments.parent / f"registry_{period}.csv"  # October's, its own file (not September's again)
    registry.write_text(
        REGISTRY.read_text(encoding="utf-8"), encoding="utf-8", newline="\r\n" if "10" in period else "\n"
    )
    args = ["run", "--period", period, "--db", str(db), "--registry", str(registry), "--payments", str(payments)]
    return CliRunner().invoke(cli, [*args, "--profile", "vn-bank-statement", "--lang", "en"])


def test_a_credit_naming_last_month_s_payment_is_said(tmp_path):
    db = tmp_path / "m.duckdb"
    statement(tmp_path / "sk_09.csv", "09", [])
    assert run(db, "2024-09", tmp_path / "sk_09.csv").exit_code == 0
    statement(
        tmp_path / "sk_10.csv",
        "10",
        [("TT2410070001", "HOAN TRA GD FT2409000002 TK DA DONG TRAN VAN BINH", 2_250_000)],
    )
    res = run(db, "2024-10", tmp_path / "sk_10.csv")
    assert res.exit_code == 0, res.output
    assert f"reconcile: {SAID}" in res.output.splitlines()
    with duckdb.connect(str(db), read_only=True) as con:
        (warnings,) = con.execute("SELECT warnings FROM runs WHERE period = '2024-10'").fetchone()
        assert json.loads(warnings) == [{"message": SAID, "programs": []}]
        # September's payment stays paid: the warning is what tells of it
        assert con.execute(
            "SELECT period, status FROM payments WHERE payment_ref = 'FT2409000002' ORDER BY period"
        ).fetchall() == [("2024-09", "success")]


def test_a_credit_naming_no_earlier_payment_or_in_a_first_month_is_not(tmp_path):
    """The treasury's funding names no payment; a month with no month before it in the database has
    none to name."""
    db = tmp_path / "m.duckdb"
    funding = ("TT2409010001", "KBNN CHUYEN KINH PHI FT2409000002", 40_000_000)
    statement(tmp_path / "sk_09.csv", "09", [funding])
    res = run(db, "2024-09", tmp_path / "sk_09.csv")
    assert res.exit_code == 0, res.output
    assert "earlier month" not in res.output
    statement(tmp_path / "sk_10.csv", "10", [("TT2410010001", "KBNN CHUYEN KINH PHI T10/2024", 40_000_000)])
    res = run(db, "2024-10", tmp_path / "sk_10.csv")
    assert res.exit_code == 0, res.output
    assert "earlier month" not in res.output
