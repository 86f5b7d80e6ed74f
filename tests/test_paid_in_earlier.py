"""Last month's bank file given again with its dates moved to this month (and its narratives, which
the month-named guard reads) passed the period guard as this month's file: exit 0, its money counted
in both months, a payment while inactive counted as a second overpayment. A bank numbers each
transfer anew, so its references tell: the database holds them for last month. Months of
tests/test_cases_reopen_rerun.py: September's references are FT202409..., October's FT202410...."""

from __future__ import annotations

from test_cases_reopen_rerun import BANK, FAILED, ONCE, invoke, month_files, paid, query, run

FIX = (
    "give this month's file and run again; if the bank did pay these again under the same references, set "
    "max_repeated_refs = 1 in [checks] of the config file"
)


def test_last_month_s_file_re_dated_is_refused_naming_the_month_it_is(tmp_path):
    db = tmp_path / "m.duckdb"
    september = month_files(tmp_path, "2024-09")
    run(db, "2024-09", september)
    october = month_files(tmp_path, "2024-10")
    redated = tmp_path / "bank_oct.csv"
    redated.write_text(september["payments"][0].read_text(encoding="utf-8").replace("/09/2024", "/10/2024"))
    args = ["run", "--period", "2024-10", "--db", str(db), "--registry", str(october["registry"][0])]
    res = invoke(*args, "--payments", str(redated))
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (
        f"reconcile: error: {redated}: 16 of its 16 successful payments have the references of payments of 2024-09 "
        f"({september['payments'][0]}), which the database holds: that month's file given again, with its dates "
        f"changed; {FIX}"
    )
    assert query(db, "SELECT DISTINCT period FROM payments") == [("2024-09",)]
    # the bank confirms it paid them again under the same references: the guard is turned off
    config = tmp_path / "reconcile.toml"
    config.write_text("[checks]\nmax_repeated_refs = 1\n", encoding="utf-8")
    res = invoke(*args, "--payments", str(redated), "--config", str(config))
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT count(*) FROM payments WHERE period = '2024-10'") == [(19,)]


def test_failed_payments_re_sent_under_their_references_pass(tmp_path):
    """The bank re-sends September's three failed transfers in October under their own references,
    in a file of their own beside October's: no earlier file paid them."""
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    october = month_files(tmp_path, "2024-10")
    resent = tmp_path / "gui_lai.csv"
    resent.write_text(
        BANK
        + paid("FT20240900071", FAILED, "08/10/2024", why="Chi lai T09/2024")
        + paid("FT20240900072", FAILED, "08/10/2024", why="Chi lai T09/2024")
        + paid("FT20240900081", ONCE, "08/10/2024", why="Chi lai T09/2024"),
        encoding="utf-8",
    )
    res = invoke(
        "run", "--period", "2024-10", "--db", str(db), "--registry", str(october["registry"][0]),
        "--payments", str(october["payments"][0]), "--payments", str(resent),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert query(db, "SELECT count(*) FROM payments WHERE period = '2024-10'") == [(21,)]


def test_a_large_month_looked_at_in_a_sample_first_is_refused_alike(tmp_path, monkeypatch):
    """match.py looks at a month of more than 50,000 payments in one payment in 64 first: the same
    months with those bounds lowered, so that the sample is taken, give the same refusal, and a
    month of its own references passes."""
    from reconcile import match

    monkeypatch.setattr(match, "SAMPLE_ABOVE", 10)
    monkeypatch.setattr(match, "SMALL", 5)
    monkeypatch.setattr(match, "EVERY", 2)
    test_last_month_s_file_re_dated_is_refused_naming_the_month_it_is(tmp_path)
    db = tmp_path / "own.duckdb"
    for period in ("2024-09", "2024-10"):
        run(db, period, month_files(tmp_path, period))
    assert query(db, "SELECT period, count(*) FROM payments GROUP BY ALL ORDER BY 1") == [
        ("2024-09", 19),
        ("2024-10", 18),
    ]
