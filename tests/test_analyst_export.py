"""`reconcile export-db`: IDs and accounts as keyed hashes that still join, no personal data left."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import duckdb
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, TEST_KEY, copy_of
from reconcile.cli import cli

SAMPLE = FIXTURES / "sample"
KEY = bytes.fromhex(TEST_KEY)  # the suite's RECONCILE_KEY, with which the database was made
COPY_KEY = hmac.new(KEY, b"reconcile analyst copy v1", hashlib.sha256).digest()  # the copy's own


def copied_id(flag_or_case_id: str) -> str:
    """A flag_id or case_id as the analyst copy has it: keyed again under the copy's key, the same look."""
    h = hmac.new(COPY_KEY, f"id:{flag_or_case_id}".encode(), hashlib.sha256).hexdigest()
    return "-".join(h[i : i + 4] for i in range(0, 16, 4))


@pytest.fixture(scope="module")
def db(sample_month):
    return sample_month.db  # export-db reads it only (attached read-only)


def export_db(db, out, *args, key=None):
    env = {"RECONCILE_KEY": key} if key is not None else {}
    return CliRunner().invoke(cli, ["export-db", "--db", str(db), "--out", str(out), *args], env=env)


def every_text(path) -> str:
    """Every text value of every table, one per line (numbers such as amounts are not personal)."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return "\n".join(
            v
            for t in tables
            for row in con.execute(f'SELECT * FROM "{t}"').fetchall()
            for v in row
            if isinstance(v, str)
        )


def test_ids_become_keyed_hashes_that_still_join_and_nothing_personal_is_left(db, tmp_path):
    out = tmp_path / "analysts.duckdb"
    res = export_db(db, out)
    assert res.exit_code == 0, res.output
    assert res.stderr == (
        f"reconcile: wrote {out} (2024-09; 300 registry rows, 300 payments, 26 findings); IDs, account numbers "
        "and payment references are keyed hashes, finding and case ids the copy's own, names and dates of birth "
        "left out\n"
    )
    with duckdb.connect(str(db), read_only=True) as con:
        ids = {
            v
            for (v,) in con.execute(
                "SELECT vneid FROM registry UNION SELECT vneid FROM payments WHERE vneid IS NOT NULL"
            ).fetchall()
        }
        accounts = {
            v for (v,) in con.execute("SELECT account_number FROM registry WHERE account_number IS NOT NULL").fetchall()
        }
        names = {v for (v,) in con.execute("SELECT full_name FROM registry").fetchall()}
        joins = con.execute("SELECT count(*) FROM flags JOIN registry USING (period, vneid)").fetchone()
        first = con.execute("SELECT vneid, account_number FROM registry ORDER BY registry_id LIMIT 1").fetchone()
    text = every_text(out)
    assert not [i for i in ids if i in text] and not [a for a in accounts if a in text]
    assert not [n for n in names if n in text]
    assert not re.search(r"(?<![0-9A-Za-z])[0-9]{9,}(?![0-9A-Za-z])", text)  # none outside hashes and references
    with duckdb.connect(str(out), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags JOIN registry USING (period, vneid)").fetchone() == joins
        hashed = tuple(hmac.new(KEY, v.encode(), hashlib.sha256).hexdigest() for v in first)
        got = con.execute("SELECT vneid, account_number FROM registry WHERE vneid = ?", [hashed[0]]).fetchone()
        assert got == hashed
        assert con.execute(
            "SELECT count(*) FROM registry WHERE full_name IS NOT NULL OR date_of_birth IS NOT NULL "
            "OR name_key IS NOT NULL"
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM registry WHERE birth_year IS NULL").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM noncash_base").fetchone()[0] > 0  # the view works on the copy


def test_registry_ids_do_not_tell_how_the_ids_sort_and_still_join(db, tmp_path):
    """A run numbers the registry by file and then by ID: the copy numbers it again in a keyed order,
    the same ids wherever a table names one, and no detail keeps an ID's last four digits."""
    out = tmp_path / "analysts.duckdb"
    assert export_db(db, out).exit_code == 0
    with duckdb.connect(str(db), read_only=True) as con:
        by_id = [
            hmac.new(KEY, v.encode(), hashlib.sha256).hexdigest()
            for (v,) in con.execute("SELECT vneid FROM registry ORDER BY registry_id").fetchall()
        ]
        assert by_id != sorted(by_id) and [
            v for (v,) in con.execute("SELECT vneid FROM registry ORDER BY registry_id").fetchall()
        ] == sorted(v for (v,) in con.execute("SELECT vneid FROM registry").fetchall())  # the run's ids sort the IDs
        flagged = con.execute(
            "SELECT f.flag_id, r.vneid FROM flags AS f JOIN registry AS r USING (period, registry_id) ORDER BY 1"
        ).fetchall()
        matched = con.execute("SELECT count(*) FROM matches JOIN registry USING (period, registry_id)").fetchone()
        last4 = {v[-4:] for (v,) in con.execute("SELECT vneid FROM registry").fetchall()}
    with duckdb.connect(str(out), read_only=True) as con:
        copied = [v for (v,) in con.execute("SELECT vneid FROM registry ORDER BY registry_id").fetchall()]
        assert sorted(copied) == sorted(by_id) and copied != by_id
        assert con.execute(
            "SELECT min(registry_id), max(registry_id), count(DISTINCT registry_id) FROM registry"
        ).fetchone() == (1, 300, 300)
        assert con.execute(
            "SELECT f.flag_id, r.vneid FROM flags AS f JOIN registry AS r USING (period, registry_id) ORDER BY 1"
        ).fetchall() == sorted(
            (copied_id(f), hmac.new(KEY, v.encode(), hashlib.sha256).hexdigest()) for f, v in flagged
        )
        assert (
            con.execute("SELECT count(*) FROM matches JOIN registry USING (period, registry_id)").fetchone() == matched
        )
        details = [d for (d,) in con.execute("SELECT detail FROM flags WHERE detail LIKE '%*****%'").fetchall()]
    assert details and not [d for d in details if re.search(r"\*{5,}[0-9]{4}", d)]
    assert len(last4) > 200


def test_the_same_key_gives_the_same_hashes(db, tmp_path):
    assert export_db(db, tmp_path / "a.duckdb").exit_code == 0
    assert export_db(db, tmp_path / "b.duckdb").exit_code == 0
    sqls = (
        "SELECT vneid FROM registry ORDER BY registry_id",
        "SELECT flag_id, case_id, payment_ref, payment_id, registry_id FROM flags ORDER BY flag_id",
        "SELECT payment_id, payment_ref, bank_ref FROM payments ORDER BY payment_id",
    )
    for sql in sqls:
        a, b = (
            list(duckdb.connect(str(tmp_path / n), read_only=True).execute(sql).fetchall())
            for n in ("a.duckdb", "b.duckdb")
        )
        assert a == b


NEW_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


@pytest.mark.parametrize(
    "key, message",
    [
        # another key than the database's: its copies would not join with the earlier ones
        (
            "d9259f45483d7a677487508340a95cc4d4de1e99192f21b9aa3406c29d917f9c",  # drawn: keys.py refuses a counted one
            "RECONCILE_KEY: not the key this database's findings were made with; restore the key file r.duckdb.key from "
            "its backup (or set RECONCILE_KEY to that key)",
        ),
        (
            "short",
            f"RECONCILE_KEY: the key is 5 bytes long; it needs at least 32 random bytes; use 32 random bytes as "
            f"64 hex digits ({NEW_KEY})",
        ),
        (
            "a long secret kept in the office",
            "RECONCILE_KEY: the key is an example from the documentation, known to "
            f"anyone; use 32 random bytes as 64 hex digits ({NEW_KEY})",
        ),
        (
            "ab" * 32,
            "RECONCILE_KEY: the key is a short pattern repeated, not random; use 32 random bytes as 64 hex "
            f"digits ({NEW_KEY})",
        ),
    ],
)
def test_no_export_without_the_databases_key(db, tmp_path, key, message):
    res = export_db(db, tmp_path / "a.duckdb", key=key)
    assert (res.exit_code, res.stderr) == (2, f"reconcile: error: {message}\n")
    assert not (tmp_path / "a.duckdb").exists()


def test_an_existing_file_or_an_unknown_period_is_refused(db, tmp_path):
    (tmp_path / "taken.duckdb").write_bytes(b"")
    res = export_db(db, tmp_path / "taken.duckdb")
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {tmp_path / 'taken.duckdb'}: already exists; give --out a new file name\n",
    )
    res = export_db(db, tmp_path / "a.duckdb", "--period", "2024-10")
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {db}: holds no period 2024-10; see 'reconcile periods'\n",
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "taken.duckdb"]


def test_the_databases_key_file_is_no_place_for_the_copy(db, tmp_path):
    """With the key from RECONCILE_KEY there is no <db>.key yet: the copy was written there, and a later
    run took the copy for an unreadable key file."""
    from reconcile.keys import key_path

    at = key_path(db)
    assert not at.exists()
    res = export_db(db, at)
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {at}: is where the database's key file belongs; give --out another file name\n",
    )
    assert not at.exists()


def test_a_copy_of_one_period_holds_that_period_s_cases_alone(sample_month, october, tmp_path):
    """September and October in the database, September exported: the copy's cases are those its
    findings name, with September's counts and money, as a database of September alone has them."""
    from conftest import copy_of
    from reconcile.pipeline import RunConfig, run

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    run(RunConfig(period="2024-10", db=db, **october))
    res = export_db(db, tmp_path / "sep.duckdb", "--period", "2024-09")
    assert res.exit_code == 0, res.output
    figures = (
        "SELECT count(*), sum(flags), sum(periods_flagged), sum(amount_at_stake), min(first_period), "
        "max(last_period), count(*) FILTER (WHERE case_id NOT IN (SELECT case_id FROM flags)) FROM cases"
    )
    with duckdb.connect(str(tmp_path / "sep.duckdb"), read_only=True) as copy:
        exported = copy.execute(figures).fetchone()
    with duckdb.connect(str(sample_month.db), read_only=True) as september:
        alone = september.execute(figures).fetchone()
    with duckdb.connect(str(db), read_only=True) as both:
        assert both.execute("SELECT count(*) FROM cases").fetchone()[0] > alone[0]  # October added cases
    assert exported == alone
    assert exported[4:] == ("2024-09", "2024-09", 0)


def test_a_decision_s_or_comment_s_dates_go_however_they_are_written():
    """An auditor's decision `sinh 1937-12-05` went into the analysts' copy as it was: only dates
    written day first were removed."""
    from reconcile.analyst_export import undated
    from reconcile.report.sheetxml import install_macros

    with duckdb.connect() as con:
        install_macros(con)
        text = "sinh 1937-12-05; ns 05.12.1937; died 1-9-2024, paid 3 day(s) after 01/09/2024 to 079085001234"
        got = con.execute("SELECT " + undated("?"), [text]).fetchone()[0]
        # a rejection reason quoting a date of birth as written, and a finding's last digits of accounts
        reason = "date_of_birth '16/07/84' is not a date; Account ending 7542; the registered account ends 0609"
        said = con.execute("SELECT " + undated("?"), [reason]).fetchone()[0]
        # an officer's reason for reopening a period, an ID written as they please
        typed = con.execute(
            "SELECT " + undated("?"), ["id 079/084/947/699, ho so 079084 - 947699; CCCD 079 084\n947 699"]
        ).fetchone()[0]
    assert got == "sinh **/**/****; ns **/**/****; died **/**/****, paid N day(s) after **/**/**** to *********"
    assert said == "date_of_birth '**/**/****' is not a date; Account ending ****; the registered account ends ****"
    assert typed == "id *********, ho so *********; CCCD *********"


def test_a_case_event_s_source_names_the_copy_s_own_finding_ids_and_no_id_in_a_workbook_s_name():
    """A run's reopening of a case names the findings new since it was closed by the flag_id the
    workbook shows: the copy held them as they were, a key the two share (joined on it, a name and 10
    of 12 digits). A decision's source is the workbook it came from, which may be named after an ID."""
    from reconcile.analyst_export import hmac_pads
    from reconcile.analyst_keys import event_source
    from reconcile.masking import install_macros

    run, found = "run 95903d12bd5741a2972ebfa9215604b2", ["75a9-08fe-667d-72f0", "2473-21c2-d33c-20e3"]
    reopened = f"{run}: 2 findings new since it was closed: {', '.join(found)}"
    decided = "079152439908_T9.xlsx: sheet 'Findings' row 3"
    inner, outer = hmac_pads(COPY_KEY)
    with duckdb.connect() as con:
        install_macros(con)
        got = con.execute(
            f"SELECT {event_source('source')} FROM (VALUES ('reopened', $r), ('decision', $d)) AS e(action, source)",
            {"r": reopened, "d": decided, "cinner": inner, "couter": outer},
        ).fetchall()
    assert got == [
        (f"{run}: 2 findings new since it was closed: {', '.join(copied_id(f) for f in found)}",),
        ("*********_T9.xlsx: sheet 'Findings' row 3",),
    ]


def test_the_copy_holds_no_row_s_place_in_its_file_and_says_how_its_registry_ids_are_numbered(db, tmp_path):
    """A file sorted by ID gave the order of the hashed IDs by source_row; the copy's comment on
    registry_id said it was numbered by file and then by content."""
    out = tmp_path / "analysts.duckdb"
    assert export_db(db, out).exit_code == 0
    with duckdb.connect(str(out), read_only=True) as con:
        for table in ("registry", "payments", "flags", "rejected_rows", "superseded_flags"):
            assert con.execute(f"SELECT count(source_row) FROM {table}").fetchone() == (0,), table
        assert con.execute(
            "SELECT count(*) FROM flags WHERE regexp_matches(detail, '(ending|ends) [0-9]')"
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM flags WHERE detail LIKE '%ending ****%'").fetchone()[0] > 0
        comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'registry' AND column_name = 'registry_id'"
        ).fetchone()[0]
    assert "keyed hash" in comment


def test_a_database_whose_periods_were_all_removed_has_nothing_to_copy(sample_month, tmp_path):
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    res = CliRunner().invoke(
        cli, ["delete", "--period", "2024-09", "--db", str(db), "--by", "Lan", "--reason", "wrong month", "--yes"]
    )
    assert res.exit_code == 0, res.output
    res = export_db(db, tmp_path / "analysts.duckdb")
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {db}: holds no period (each was removed, see period_deletions); nothing to copy\n",
    )
    assert not (tmp_path / "analysts.duckdb").exists()


def test_an_auditor_s_words_do_not_leave_with_the_copy_but_what_was_decided_does(sample_month, tmp_path):
    """A decision typed `Ông/bà Võ Thu Nhung, CCCD 079 152 439 908` went into the analysts' copy with
    her name whole (the digits masked): a name the auditor writes is no column the copy can leave out.
    And the book saved under her ID (`<ID>_T9.xlsx`, as input files may be named) went in whole, the
    source of the case's event."""
    from conftest import copy_of
    from test_cases import query
    from test_cases_money import AMOUNT, decide

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'pension'")[0]
    words = {"Decision": "Ông/bà Võ Thu Nhung, CCCD 079 152 439 908", "Comment": "gặp con gái bà Nhung"}
    book = tmp_path / "079152439908_T9.xlsx"
    assert decide(db, case_id, book, Status="recovery", **{AMOUNT: 1_000_000}, **words).exit_code == 0
    out = tmp_path / "copy.duckdb"
    assert CliRunner().invoke(cli, ["export-db", "--db", str(db), "--out", str(out)]).exit_code == 0
    with duckdb.connect(str(out), read_only=True) as con:
        assert con.execute(
            "SELECT status, decision, comment, amount_recovered FROM cases WHERE case_id = ?", [copied_id(case_id)]
        ).fetchall() == [("recovery", None, None, 1_000_000)]
        assert con.execute(
            "SELECT to_status, decision, comment, amount FROM case_events WHERE case_id = ?", [copied_id(case_id)]
        ).fetchall() == [("recovery", None, None, 1_000_000)]
        assert con.execute("SELECT source FROM case_events WHERE case_id = ?", [copied_id(case_id)]).fetchall() == [
            ("*********_T9.xlsx: sheet 'Findings' row 3",)
        ]
        text = " ".join(
            str(row) for t in ("cases", "case_events") for row in con.execute(f"SELECT * FROM {t}").fetchall()
        )
    assert "Nhung" not in text and "439908" not in text


def test_the_copy_shares_no_key_with_the_masked_workbook_and_its_tables_still_join(sample_month, tmp_path):
    """A tester joined the masked workbook (a name, an ID's last 4 digits) to the analyst copy (birth
    year, gender, province: 6 more digits) on the case_id and flag_id both showed, and on the payment
    reference (whole in the copy, its last 4 characters beside the amount in the workbook): 10 of 12
    digits and a name. The copy keys them again under its own key; its own tables join as before."""
    import openpyxl
    import polars as pl

    from test_cases import query
    from test_cases_money import AMOUNT, decide

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    (case_id,) = query(db, "SELECT case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' AND program = 'pension'")[0]
    assert decide(db, case_id, tmp_path / "a.xlsx", Status="recovery", **{AMOUNT: 1_000_000}).exit_code == 0
    book, flat = tmp_path / "masked.xlsx", tmp_path / "export"
    outs = ["--report", str(book), "--export", str(flat), "--mask-ids"]
    res = CliRunner().invoke(cli, ["report", "--db", str(db), "--period", "2024-09", *outs])
    assert res.exit_code == 0, res.output
    out = tmp_path / "analysts.duckdb"
    assert export_db(db, out).exit_code == 0
    shown = {
        str(v) for ws in openpyxl.load_workbook(book).worksheets for row in ws.iter_rows(values_only=True) for v in row
    }
    for path in flat.iterdir():
        frame = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path, infer_schema=False)
        shown |= {str(v) for row in frame.rows() for v in row}
    joins = (
        "SELECT count(*) FROM flags JOIN cases USING (case_id)",
        "SELECT count(*) FROM flags JOIN payments USING (period, payment_ref)",
        "SELECT count(*) FROM matches JOIN payments USING (period, payment_id, payment_ref)",
        "SELECT count(*) FROM flags JOIN payments USING (period, payment_id)",
        "SELECT count(*) FROM cases JOIN case_events USING (case_id)",
        "SELECT count(*) FROM recoveries JOIN flags USING (case_id)",
    )
    with duckdb.connect(str(db), read_only=True) as con:
        ids = {v for (v,) in con.execute("SELECT flag_id FROM flags UNION SELECT case_id FROM cases").fetchall()}
        refs = {
            v
            for (v,) in con.execute(
                "SELECT payment_ref FROM payments UNION SELECT bank_ref FROM payments UNION SELECT payment_ref FROM flags"
            ).fetchall()
            if v
        }
        paid = con.execute("SELECT payment_id, vneid FROM payments WHERE vneid IS NOT NULL").fetchall()
        expected = [con.execute(sql).fetchone() for sql in joins]
    assert ids & shown and len(ids & shown) > 20  # the workbook shows them whole
    beside = {(r[-4:], a) for r, a in query(db, "SELECT payment_ref, paid_amount FROM flags WHERE paid_amount > 0")}
    text = every_text(out)
    assert [i for i in ids if i in text] == []
    assert [r for r in refs if r in text] == []
    with duckdb.connect(str(out), read_only=True) as con:
        last4 = con.execute(
            "SELECT DISTINCT right(payment_ref, 4), amount FROM payments UNION "
            "SELECT DISTINCT right(payment_ref, 4), paid_amount FROM flags"
        ).fetchall()
        assert beside and beside & set(last4) == set()
        assert [con.execute(sql).fetchone() for sql in joins] == expected and min(n for (n,) in expected) > 0
        # the run numbers payments in the order of their references: the copy numbers them again
        copied = set(con.execute("SELECT payment_id, vneid FROM payments WHERE vneid IS NOT NULL").fetchall())
        assert len(copied & {(p, hmac.new(KEY, v.encode(), hashlib.sha256).hexdigest()) for p, v in paid}) < 10
        assert con.execute(
            "SELECT count(*) FILTER (WHERE NOT regexp_full_match(flag_id, '[0-9a-f]{4}(-[0-9a-f]{4}){3}')) "
            "+ count(*) FILTER (WHERE NOT regexp_full_match(case_id, '[0-9a-f]{4}(-[0-9a-f]{4}){3}')) FROM flags"
        ).fetchone() == (0,)


@pytest.mark.parametrize(
    "command",
    [
        ["verify"],
        ["signoff", "--period", "2024-09", "--by", "Lê Thị Kiểm"],
        ["delete", "--period", "2024-09", "--by", "Lê Thị Kiểm", "--reason", "thử", "--yes"],
        [
            "run",
            "--period",
            "2024-09",
            "--registry",
            str(SAMPLE / "registry.csv"),
            "--payments",
            str(SAMPLE / "bank_transfers.csv"),
            "--payments",
            str(SAMPLE / "post_office_cash.xlsx"),
        ],
    ],
)
def test_a_run_a_sign_off_or_a_check_of_an_analysts_copy_is_refused_as_one(db, tmp_path, monkeypatch, command):
    """Given the copy, `verify` and `signoff` said to restore its key file from its backup (a copy has
    none, by design), and a run with the office's key said the key was not the one it was made with."""
    out = tmp_path / "analysts.duckdb"
    assert export_db(db, out).exit_code == 0
    before = out.read_bytes()
    for key in (TEST_KEY, None):  # with the office's key at hand, and without
        if key is None:
            monkeypatch.delenv("RECONCILE_KEY")
        res = CliRunner().invoke(cli, ["--lang", "en", *command, "--db", str(out)])
        assert (res.exit_code, res.stdout) == (2, "")
        assert res.stderr.splitlines()[-1] == (
            f"reconcile: error: {out}: is an analysts' copy made by reconcile export-db (IDs hashed, no key); run, "
            "sign off, import decisions and verify on the office's database"
        )
        assert out.read_bytes() == before and not (tmp_path / "analysts.duckdb.key").exists()


def test_the_run_s_warnings_leave_with_the_copy_without_the_paths_or_ids_they_name():
    """runs.warnings was copied as it was: the folder of the office's user and a sheet named after a
    beneficiary's ID left with the analysts' copy. The copy's column, from a run's (a hidden sheet
    named 001040951508 in a workbook in the officer's folder, a post office file that may be missing)."""
    from reconcile.analyst_export import _warnings
    from reconcile.masking import install_macros

    said = [
        {
            "message": "/home/lan/Nguyễn Thị Lan/Tháng 9/buu_dien.xlsx: 1 hidden sheet read as the others are "
            "('001040951508'); check that the rows there belong to this month's list",
            "programs": [],
        },
        {
            "message": "none of the 3 active beneficiaries registered for cash has a payment row dated in the period: "
            "the post office's payment file may be missing (each is a MISSING_PAYMENT, and the non-cash share counts "
            "no cash payment); give it with --payments and run again, or check that none of them was paid",
            "programs": ["welfare"],
        },
    ]
    con = duckdb.connect()
    install_macros(con)
    copied = con.execute(f"SELECT {_warnings('w')} FROM (SELECT CAST(? AS JSON) AS w)", [json.dumps(said)]).fetchone()
    assert json.loads(copied[0]) == [
        {
            "message": "buu_dien.xlsx: 1 hidden sheet read as the others are ('*********'); check that the rows "
            "there belong to this month's list",
            "programs": [],
        },
        said[1],
    ]
