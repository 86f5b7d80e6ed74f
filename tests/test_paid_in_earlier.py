"""Last month's bank file given again with its dates moved to this month (and its narratives, which
the month-named guard reads) passed the period guard as this month's file: exit 0, its money counted
in both months, a payment while inactive counted as a second overpayment. A bank numbers each
transfer anew, so its references tell: the database holds them for last month. The run says so, as
it does of a file given again byte for byte (a warning: a bank may pay again under the same
references). Months of tests/test_cases_reopen_rerun.py: September's references are FT202409...,
October's FT202410...."""

from __future__ import annotations

import json

from test_cases_reopen_rerun import BANK, FAILED, ONCE, invoke, month_files, paid, query, run


def said(redated, september) -> str:
    return (
        f"{redated}: 16 of its 16 successful payments have the references of payments of 2024-09 "
        f"({september}), which the database holds: if it is that month's file given again with its dates "
        "changed, its money is counted in both months; give this month's file and run again"
    )


def test_last_month_s_file_re_dated_is_said_naming_the_month_it_is(tmp_path):
    db = tmp_path / "m.duckdb"
    september = month_files(tmp_path, "2024-09")
    run(db, "2024-09", september)
    october = month_files(tmp_path, "2024-10")
    redated = tmp_path / "bank_oct.csv"
    redated.write_text(september["payments"][0].read_text(encoding="utf-8").replace("/09/2024", "/10/2024"))
    res = run(db, "2024-10", {**october, "payments": [redated]})
    message = said(redated, september["payments"][0])
    assert f"reconcile: {message}" in res.output.splitlines()
    (warnings,) = query(db, "SELECT warnings FROM runs WHERE period = '2024-10'")[0]
    assert {"message": message, "programs": []} in json.loads(warnings)
    # October's own file: nothing said
    res = run(db, "2024-10", october)
    assert "which the database holds" not in res.output


def test_failed_payments_re_sent_under_their_references_are_not_said(tmp_path):
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
    assert "which the database holds" not in res.output
    assert query(db, "SELECT count(*) FROM payments WHERE period = '2024-10'") == [(21,)]


def test_a_large_month_looked_at_in_a_sample_first_is_said_alike(tmp_path, monkeypatch):
    """A month of more than 50,000 payments is looked at in one payment in 64 first: the same months
    with those bounds lowered, so that the sample is taken, give the same warning, and a month of its
    own references none."""
    from reconcile import checks_earlier

    monkeypatch.setattr(checks_earlier, "SAMPLE_ABOVE", 10)
    monkeypatch.setattr(checks_earlier, "SMALL", 5)
    monkeypatch.setattr(checks_earlier, "EVERY", 2)
    test_last_month_s_file_re_dated_is_said_naming_the_month_it_is(tmp_path)
