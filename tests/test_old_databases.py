"""A database an earlier version wrote: every command brings it up to this version's tables first (or
refuses it in one line), never an internal error."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import SAMPLE_FILES, copy_of
from reconcile import __version__ as reconcile_version
from reconcile.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def as_on_2026_11_29(db: Path) -> None:
    """As the code of 2026-11-29, 08:13 to 10:02 (commits 53c713b, ceae38e), left it: the non-cash
    share a table of each run's rows (no noncash_share_rows), and none of what came later (cases, their
    views, and the columns added since)."""
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE share_then AS SELECT * FROM noncash_share")
    for view in ("recoveries_by_province", "recoveries", "arrears", "period_summary", "noncash_share"):
        con.execute(f"DROP VIEW {view}")
    for table in ("cases", "case_events", "signoffs", "period_deletions", "noncash_share_rows"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE share_then RENAME TO noncash_share")
    for table, column in [
        ("flags", "case_id"),
        ("superseded_flags", "case_id"),
        ("payments", "repeat_of"),
        ("payments", "bank_ref"),
        ("runs", "partial"),
        ("runs", "missing_sources"),
        ("superseded_runs", "partial"),
        ("superseded_runs", "missing_sources"),
    ]:
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.close()


SHARE = "SELECT * FROM noncash_share ORDER BY ALL"


@pytest.mark.parametrize(
    "command",
    [
        ["periods"],
        ["cashless", "--period", "2024-09"],
        ["flags", "--period", "2024-09", "--format", "csv"],
        ["cases"],
        ["trend"],
        ["verify"],
        ["report", "--period", "2024-09", "--report", "{tmp}/book.xlsx"],
        ["actions", "--period", "2024-09", "--out", "{tmp}/actions"],
        ["signoff", "--period", "2024-09", "--by", "Lê Thị Kiểm"],
        ["export-db", "--out", "{tmp}/analysts.duckdb"],
    ],
)
def test_every_command_works_on_a_database_whose_noncash_share_was_a_table(sample_month, tmp_path, command):
    """Each said `internal error (CatalogException)` (report, signoff, actions: the table could not be
    replaced by the view) or `internal error (BinderException)` (periods, cashless: a column not there)."""
    db = copy_of(sample_month.db, tmp_path / "old.duckdb")
    share = query(db, SHARE)
    as_on_2026_11_29(db)
    res = invoke(*[a.format(tmp=tmp_path) for a in command], "--db", str(db))
    assert res.exit_code == 0, res.output
    assert "internal error" not in res.output
    assert query(db, SHARE) == share
    assert query(db, "SELECT table_type FROM information_schema.tables WHERE table_name = 'noncash_share'") == [
        ("VIEW",)
    ]
    assert query(db, "SELECT count(*), count(case_id) FROM flags") == [(26, 26)]


def test_a_run_on_a_database_whose_noncash_share_was_a_table(sample_month, tmp_path):
    """The run said `internal error (CatalogException)`; bringing the share of the periods already
    there up to date dropped the run's own (nc_rows), and then `Table with name nc_rows does not exist`."""
    db = copy_of(sample_month.db, tmp_path / "old.duckdb")
    share = query(db, SHARE)
    as_on_2026_11_29(db)
    args = ["run", "--period", "2024-09", "--db", str(db)]
    args += ["--registry", str(SAMPLE_FILES["registry"][0])]
    args += [a for f in SAMPLE_FILES["payments"] for a in ("--payments", str(f))]
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    assert query(db, SHARE) == share
    assert query(db, "SELECT count(*), count(case_id) FROM flags") == [(26, 26)]
    periods = invoke("periods", "--db", str(db), "--format", "csv")
    assert (periods.exit_code, periods.stderr) == (0, "")
    assert periods.stdout.splitlines()[1].split(",")[7] == "False"


def test_a_database_an_earlier_version_wrote_that_cannot_be_written_is_refused_in_one_line(
    sample_month, tmp_path, monkeypatch
):
    """On a read-only share, or a file the user may only read: one line saying why and what to do."""
    import reconcile.warehouse.database as database

    db = copy_of(sample_month.db, tmp_path / "old.duckdb")
    as_on_2026_11_29(db)
    before = db.read_bytes()
    opened = database.duckdb.connect

    def read_only_file(path, read_only=False, config=None):
        if not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')
        return opened(path, read_only=read_only, config=config)

    monkeypatch.setattr(database.duckdb, "connect", read_only_file)
    res = invoke("periods", "--db", str(db))
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == (
        f"reconcile: error: {db}: was written by an earlier version of reconcile, and cannot be brought up to "
        f'this version\'s tables here ({db}: cannot open the database (IO Error: Cannot open file "{db}": '
        "Permission denied); check the --db path); copy it to a folder you may write to and pass the copy to --db\n"
    )
    assert db.read_bytes() == before


def test_a_view_as_an_earlier_version_defined_it_is_defined_again_before_it_is_read(sample_month, tmp_path):
    """A database whose last write was by the code of 2026-12-06 08:24 (ac5bdb8) has every table and
    column of this version, but its views as then: the commands that read it (`reconcile actions`
    here) left them so, and the analysts' recoveries view still had the 8,158,000 VND paid to a
    living pensioner after her recorded death, a case the auditor had explained, as an overpayment
    to recover, until the next run. Trend, the workbook and actions read views too (flag_repeats,
    arrears, period_summary)."""
    from test_cases_explained_money import listed
    from test_cases_money import decide

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'pension'")[0]
    decision = "ngày mất ghi sai; UBND xã xác nhận đối tượng còn sống"
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="explained", Decision=decision).exit_code == 0
    with duckdb.connect(str(db)) as con:  # the view as ac5bdb8 wrote it
        con.execute(
            """CREATE OR REPLACE VIEW recoveries AS
               SELECT case_id, code, vneid, program, province_code, commune_code, first_period, last_period,
                      periods_flagged, status, amount_at_stake AS overpaid, amount_recovered AS recovered,
                      amount_written_off AS written_off,
                      greatest(amount_at_stake - amount_recovered - amount_written_off, 0) AS outstanding,
                      greatest(amount_recovered + amount_written_off - amount_at_stake, 0) AS excess
               FROM cases
               WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') AND flags > 0"""
        )
    assert listed(db, case_id, tmp_path / "actions") == []
    assert query(db, f"SELECT count(*) FROM recoveries WHERE case_id = '{case_id}'") == [(0,)]


def test_cases_an_earlier_logic_made_are_made_again_and_then_the_version_is_a_lookup(
    sample_month, tmp_path, monkeypatch
):
    """A database with this version's tables, views and macros, but its cases made by an earlier
    version's logic: the check by content (this version's views and macros, made in memory on every
    command, 0.1-0.3 s) could not tell, and `reconcile cases` listed the cases as the earlier logic had
    made them. The version recorded in schema_version tells it: the cases are made again, once; after
    that the check is a lookup, with nothing made in memory."""
    import reconcile.warehouse.schema as schema

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    cases = "SELECT case_id, code, status, periods_flagged, amount_at_stake FROM cases ORDER BY ALL"
    made = query(db, cases)
    assert query(db, "SELECT version, tool_version FROM schema_version") == [(schema.version(), reconcile_version)]
    with duckdb.connect(str(db)) as con:  # as an earlier logic left them, and the version it wrote
        con.execute("UPDATE schema_version SET version = '0.0123456789abcdef'")
        con.execute("UPDATE cases SET periods_flagged = 0, amount_at_stake = 0")

    def made_in_memory():
        raise AssertionError("this version's views and macros were made in memory")

    monkeypatch.setattr(schema, "_derived_now", made_in_memory)
    res = invoke("cases", "--db", str(db), "--format", "csv")
    assert res.exit_code == 0, res.output
    assert res.stderr == f"reconcile: {db} brought up to this version's tables (cases, their events and views)\n"
    assert query(db, cases) == made
    assert query(db, "SELECT version FROM schema_version") == [(schema.version(),)]
    again = invoke("cases", "--db", str(db), "--format", "csv")
    assert (again.exit_code, again.stderr, again.stdout) == (0, "", res.stdout)


def test_a_view_an_analyst_made_in_the_database_is_no_earlier_version(sample_month, tmp_path):
    """An analyst who keeps a view of her own in the database (`CREATE VIEW my_flags ...`) has not made
    it an earlier version's: the next command reads it as it is, says nothing, and leaves the view and
    the recorded version as they were."""
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE VIEW my_flags AS SELECT code, count(*) AS n FROM flags GROUP BY code")
        con.execute("CREATE MACRO my_share(x) AS x * 100")
    recorded = query(db, "SELECT * FROM schema_version")
    res = invoke("flags", "--db", str(db), "--format", "csv")
    assert (res.exit_code, res.stderr) == (0, "")
    assert query(db, "SELECT * FROM schema_version") == recorded
    assert query(db, "SELECT count(*) FROM my_flags") == [(14,)]


def test_the_version_covers_the_python_that_makes_the_cases(monkeypatch):
    """The cases are made by cases_refresh.sql and by cases/refresh.py (the findings given their case,
    reopened, the SQL run): a change to either is a new version, so that the databases written before
    have their cases made again, with no number to raise by hand and forget."""
    import reconcile.warehouse.schema as schema

    assert ("reconcile.cases", "refresh.py") in schema.CASE_LOGIC
    full = schema.version()
    schema.version.cache_clear()
    monkeypatch.setattr(schema, "CASE_LOGIC", tuple(f for f in schema.CASE_LOGIC if f[1] != "refresh.py"))
    try:
        assert schema.version() != full
    finally:
        schema.version.cache_clear()
