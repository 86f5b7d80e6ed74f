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
