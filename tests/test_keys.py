"""The database's key: findings' ids are HMAC-SHA256 under a key that never leaves the office, so that
no one can find the IDs behind them by hashing candidate IDs (issue 18)."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import duckdb
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, posix_only
from reconcile.cli import cli
from reconcile.keys import key_path

SAMPLE = FIXTURES / "sample"
FILES = [
    "--registry",
    str(SAMPLE / "registry.csv"),
    "--payments",
    str(SAMPLE / "bank_transfers.csv"),
    "--payments",
    str(SAMPLE / "post_office_cash.xlsx"),
]


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch):
    monkeypatch.delenv("RECONCILE_KEY", raising=False)


def run(db, *extra):
    return CliRunner().invoke(cli, ["run", "--period", "2024-09", "--db", str(db), *FILES, *extra])


def flags(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT flag_id, code, vneid, payment_ref, program, expected_amount, paid_amount FROM flags ORDER BY ALL"
        ).fetchall()


@posix_only  # the key file's mode; on Windows the folder's permissions apply
def test_each_database_gets_its_own_key_and_keeps_its_ids(tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert run(a).exit_code == 0 and run(b).exit_code == 0
    for db in (a, b):  # 32 random bytes as hex, readable by its owner only
        text = key_path(db).read_text()
        assert len(bytes.fromhex(text.strip())) == 32 and text.endswith("\n")
        assert stat.S_IMODE(os.stat(key_path(db)).st_mode) == 0o600
    first = flags(a)
    assert len(first) == 26
    assert run(a).exit_code == 0
    assert flags(a) == first  # the same database: the same ids on a re-run
    other = flags(b)
    assert sorted(map(repr, (f[1:] for f in other))) == sorted(map(repr, (f[1:] for f in first)))
    assert not {f[0] for f in first} & {f[0] for f in other}  # another database: other ids for the same findings


def test_without_the_key_the_ids_cannot_be_recomputed_from_candidate_ids(tmp_path):
    db = tmp_path / "a.duckdb"
    assert run(db).exit_code == 0
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            SELECT flag_id, concat_ws('|', period, code, coalesce(payment_ref, ''), coalesce(vneid, ''),
                                      coalesce(program, ''), coalesce(expected_amount, -1), coalesce(paid_amount, -1),
                                      row_number() OVER (PARTITION BY code, payment_ref, vneid, program,
                                                                      expected_amount, paid_amount
                                                         ORDER BY source_file, source_sheet, source_row))
            FROM flags""").fetchall()

    def shown(digest: str) -> str:
        return "-".join(digest[i : i + 4] for i in range(0, 16, 4))

    key = bytes.fromhex(key_path(db).read_text())
    # the attack that worked on unkeyed ids: hash the content with every candidate ID; here the right ID
    # itself, unkeyed or under a guessed key, gives nothing
    for flag_id, content in rows:
        assert shown(hashlib.md5(content.encode()).hexdigest()) != flag_id
        assert shown(hashlib.sha256(content.encode()).hexdigest()) != flag_id
        assert shown(hmac.new(b"\0" * 32, content.encode(), hashlib.sha256).hexdigest()) != flag_id
    # with the key, the office can recompute them: they are the HMAC of the content
    assert all(
        shown(hmac.new(key, content.encode(), hashlib.sha256).hexdigest()) == flag_id for flag_id, content in rows
    )


def test_a_run_with_another_key_is_refused_and_changes_nothing(tmp_path):
    db = tmp_path / "a.duckdb"
    assert run(db).exit_code == 0
    before = flags(db)
    key_path(db).write_text(os.urandom(32).hex() + "\n")  # the key file lost and made again
    res = run(db)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {key_path(db)}: not the key this database's findings were made with; restore the key "
        "file a.duckdb.key from its backup (or set RECONCILE_KEY to that key)"
    )
    assert flags(db) == before


def test_a_first_run_that_fails_leaves_no_key_file(tmp_path):
    db = tmp_path / "new.duckdb"
    # refused inside the database step, after the key was made: the payments are of September
    res = CliRunner().invoke(cli, ["run", "--period", "2024-10", "--db", str(db), *FILES])
    assert res.exit_code == 2
    assert "is dated in 2024-10" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "key, why",
    [
        ("0123456789abcdef" * 4, "an example from the documentation, known to anyone"),
        ("0x" + "0123456789abcdef" * 4, "an example from the documentation, known to anyone"),
        ("0123456789abcdef 0123456789abcdef" * 2, "an example from the documentation, known to anyone"),
        ("x" * 40, "a short pattern repeated, not random"),
        # counted, not drawn: RFC 4231's and HKDF's test keys, and zeros with a counter were accepted
        ("".join(f"{b:02x}" for b in range(32)), "a sequence (00 01 02 ..., or a few steps repeated), not random"),
        (
            "".join(f"{b:02x}" for b in range(255, 223, -1)),
            "a sequence (00 01 02 ..., or a few steps repeated), not random",
        ),
        ("00" * 36 + "".join(f"{b:02x}" for b in range(1, 13)), "made of only 13 different bytes, not random"),
        ("too short", "9 bytes long; it needs at least 32 random bytes"),
        # a passphrase of an office's name is long and varied, and guessed beside every ID
        ("So Lao dong Thuong binh Xa hoi HCM 2024", "not 64 hex digits (a passphrase can be guessed beside every ID)"),
        # a key copied with one digit too many was an internal error (ValueError)
        (
            "9c1e5f0a7d3b48e2a6f1c0d9b8e7a5f43c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f1",
            "65 hex digits, an odd number: a digit was lost or added in copying",
        ),
    ],
)
def test_a_key_that_is_no_secret_is_refused(tmp_path, monkeypatch, key, why):
    monkeypatch.setenv("RECONCILE_KEY", key)
    db = tmp_path / "a.duckdb"
    res = run(db)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: RECONCILE_KEY: the key is {why}; use 32 random bytes as 64 hex digits "
        '(python -c "import secrets; print(secrets.token_hex(32))")'
    )
    assert not db.exists()


@posix_only  # on Windows the folder's permissions apply
def test_what_a_run_creates_is_readable_by_its_owner_only(tmp_path):
    db, book, export = tmp_path / "r.duckdb", tmp_path / "r.xlsx", tmp_path / "export"
    res = run(db, "--report", str(book), "--export", str(export))
    assert res.exit_code == 0, res.output
    created = [db, key_path(db), book, *export.iterdir()]
    assert len(created) == 7
    assert {p.name: stat.S_IMODE(os.stat(p).st_mode) for p in created} == {p.name: 0o600 for p in created}


def test_a_lost_key_file_is_not_replaced_by_a_new_one(tmp_path):
    """A run or an export without the database's key makes no new key file in its place: the office
    restores the one it backed up. The run said the file it had just made was `not the key this
    database's findings were made with`, of a file the officer never had; it says the file is missing."""
    db = tmp_path / "a.duckdb"
    assert run(db).exit_code == 0
    key_path(db).unlink()
    res = run(db)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {key_path(db)}: no key file beside the database; restore it from its backup, or set "
        "RECONCILE_KEY to the key the database was made with"
    )
    assert not key_path(db).exists()
    res = CliRunner().invoke(cli, ["export-db", "--db", str(db), "--out", str(tmp_path / "copy.duckdb")])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {key_path(db)}: no key file beside the database; restore it from its backup, or set "
        "RECONCILE_KEY to the key the database was made with"
    )
    assert not key_path(db).exists() and not (tmp_path / "copy.duckdb").exists()


def test_a_key_file_the_disk_could_not_hold_is_not_left_empty(tmp_path, monkeypatch):
    """A full disk while the new key was written left a key file of 0 bytes, and every later run was
    refused: `the key is 0 bytes long`. The file is removed, and the message names it."""
    import errno

    import reconcile.keys

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    db = tmp_path / "a.duckdb"
    with monkeypatch.context() as disk:
        disk.setattr(reconcile.keys.os, "fsync", full)
        res = run(db)
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        2,
        f"reconcile: error: {key_path(db)}: cannot write the database's key file (No space left on device); free "
        "space on the disk and run again",
    )
    assert not key_path(db).exists() and not db.exists()
    assert run(db).exit_code == 0 and key_path(db).stat().st_size == 65


@posix_only  # the key file's mode
def test_a_key_file_other_users_may_read_is_made_the_owner_s_alone_and_said(tmp_path):
    """A key file copied back from a backup with mode 0644 was used as it was: anyone on the machine
    could read the key and recompute the findings' ids from candidate IDs."""
    db = tmp_path / "a.duckdb"
    assert run(db).exit_code == 0
    key_path(db).chmod(0o644)
    res = run(db)
    assert res.exit_code == 0, res.output
    assert (
        f"reconcile: {key_path(db)}: other users could read the key file; it is now readable by its owner only"
        in res.stderr.splitlines()
    )
    assert stat.S_IMODE(key_path(db).stat().st_mode) == 0o600
    assert "key file" not in run(db).stderr  # said once


@posix_only  # a symbolic link
def test_a_key_file_that_is_a_link_to_nowhere_is_refused_in_one_line(tmp_path):
    """The exclusive create met the link, and reading it for the key another run had just made
    followed it to nothing: an internal error, exit 3."""
    db = tmp_path / "k.duckdb"
    key_path(db).symlink_to(tmp_path / "elsewhere" / "stolen.key")
    res = run(db)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {key_path(db)}: is a link to a file that does not exist, not a key file; remove the "
        "link, or put the database's key file there"
    )
    assert not (tmp_path / "elsewhere").exists() and not db.exists()


@pytest.mark.parametrize(
    "command", [["run", "--period", "2024-09", *FILES], ["report", "--period", "2024-09", "--report", "x.xlsx"]]
)
def test_a_folder_as_the_database_is_refused_in_one_line_even_as_dot(tmp_path, command, monkeypatch):
    """`--db .` had no name to put a key file beside: an internal error (exit 3)."""
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["--lang", "en", *command, "--db", "."])
    assert res.exit_code == 2
    assert (
        res.stderr.splitlines()[-1] == "reconcile: error: .: is a folder, not a database file; pass a file path to --db"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_duckdb_file_another_program_made_is_refused_before_anything_is_read(tmp_path):
    """A database with tables named flags and registry but none of reconcile's columns: the run read
    every file and failed in its write, an internal error (BinderException, exit 3)."""
    db = tmp_path / "other.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE flags (x INTEGER)")
        con.execute("CREATE TABLE registry (a INTEGER)")
    before = db.read_bytes()
    res = run(db)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {db}: is a DuckDB database reconcile did not make (its table registry has none of "
        "reconcile's columns); give --db a new file, or the database reconcile made"
    )
    assert db.read_bytes() == before
    assert not key_path(db).exists()


def test_a_duckdb_file_sharing_a_column_with_a_table_of_reconciles_is_left_as_it_was(tmp_path):
    """Another program's ledger with a table payments(period, note): one column shared was enough, and
    the run replaced its September rows with the month's payments and added its own tables (exit 0). A
    file with tables of its own and no runs table gained eighteen tables of personal data."""
    ledger, other = tmp_path / "ledger.duckdb", tmp_path / "other.duckdb"
    with duckdb.connect(str(ledger)) as con:
        con.execute("CREATE TABLE payments (period VARCHAR, note VARCHAR)")
        con.execute("INSERT INTO payments VALUES ('2024-09', 'sổ cái tháng 9'), ('2024-08', 'sổ cái tháng 8')")
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
    for db, why in [
        (ledger, "its table payments has 1 of reconcile's 28 columns"),
        (other, "it holds customers, and no table runs"),
    ]:
        before = db.read_bytes()
        res = run(db)
        assert res.exit_code == 2, res.output
        assert res.stderr.splitlines()[-1] == (
            f"reconcile: error: {db}: is a DuckDB database reconcile did not make ({why}); give --db a new file, "
            "or the database reconcile made"
        )
        assert db.read_bytes() == before
        assert not key_path(db).exists()
    res = CliRunner().invoke(
        cli, ["--lang", "en", "signoff", "--period", "2024-09", "--by", "Lê Văn Tâm", "--db", str(other)]
    )
    assert res.exit_code == 2, res.output
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("customers",)]
