"""A share beside its target is never shown rounded up to a target it does not reach (99.848% is not
99.85% when the target is 99.85%): the terminal, the workbook's summary and its non-cash sheet."""

from __future__ import annotations

import duckdb
import pytest

from reconcile.report.labels import shown_share
from reconcile.report.sheetxml import install_macros
from reconcile.report.terminal import pct


@pytest.mark.parametrize(
    "share, target, shown",
    [
        (659 / 660, 0.9985, "99.84%"),  # rounds to the target it misses: cut
        (0.9985, 0.9985, "99.85%"),  # meets it exactly
        (1.0, 0.9985, "100.00%"),
        (29 / 30, 0.93, "96.67%"),  # far from the target: rounded as always
        (0.92996, 0.93, "92.99%"),
        (659 / 660, None, "99.85%"),  # no target beside it
    ],
)
def test_a_share_is_cut_only_where_rounding_would_reach_its_target(share, target, shown):
    assert pct(share, target) == shown


def test_the_workbook_s_sql_shows_shares_as_the_terminal_does():
    con = duckdb.connect()
    install_macros(con)
    cases = [(n / d, t) for d in (30, 660, 6_000, 99_999) for n in range(max(0, d - 40), d + 1) for t in (0.93, 0.9985)]
    for share, target in cases:
        (sql,) = con.execute("SELECT rc_shown_share(?::DOUBLE, ?::DOUBLE)", [share, target]).fetchone()
        assert sql == pytest.approx(shown_share(share, target), abs=1e-12), (share, target)


def test_a_channel_s_part_of_the_share_is_never_rounded_up(tmp_path):
    """659 welfare payments of 660 by bank, one in cash: the programme's share shows 99.84%, the
    target of 99.85% not met, but `cashless --by channel` showed the bank's part, which is the whole
    non-cash share here, as 99.85%, with no target beside it to cut it: it reads as the target met."""
    from click.testing import CliRunner

    from reconcile.cli import cli

    registry = ["vneid,full_name,program,entitled_amount,channel,bank_code,account_number,province_code,status"]
    payments = ["payment_ref,vneid,payee_name,bank_code,account_number,amount,value_date,channel"]
    for i in range(660):
        vneid, account = f"001050{i:06d}", f"{i:013d}"
        registry.append(f"{vneid},Nguyễn Văn An,welfare,500.000,bank,VBA,{account},01,active")
        payments.append(
            f"BD{i},{vneid},NGUYEN VAN AN,,,500.000,05/09/2024,cash"
            if i == 0
            else f"FT{i},{vneid},NGUYEN VAN AN,VBA,{account},500.000,05/09/2024,bank"
        )
    (tmp_path / "reg.csv").write_text("\n".join(registry) + "\n", encoding="utf-8")
    (tmp_path / "pay.csv").write_text("\n".join(payments) + "\n", encoding="utf-8")
    db = str(tmp_path / "t.duckdb")
    runner = CliRunner()
    args = ["--registry", str(tmp_path / "reg.csv"), "--payments", str(tmp_path / "pay.csv"), "--db", db]
    assert runner.invoke(cli, ["--lang", "en", "run", "--period", "2024-09", *args]).exit_code == 0
    res = runner.invoke(cli, ["--lang", "en", "cashless", "--db", db, "--by", "channel"])
    assert res.exit_code == 0, res.output
    rows = [line.split() for line in res.stdout.splitlines()[2:]]
    assert [row[2:8] for row in rows] == [
        ["bank", "659", "659", "329,500,000", "99.84%", "99.84%"],
        ["cash", "1", "1", "500,000", "0.15%", "0.15%"],
    ]
    assert pct(0.9985, cut=True) == "99.85%"  # exactly 99.85% stays (0.99849999... as a float)
