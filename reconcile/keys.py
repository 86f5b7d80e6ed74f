"""The office's secret key: what makes every identifier reconcile derives from personal data keyed.

`flags.flag_id` and the hashed IDs and account numbers of the analyst copy (`export-db`) are
HMAC-SHA256 under this key. Without it, nobody can recompute them from candidate IDs (all 10^8 IDs of a
birth year take a minute to hash; an HMAC under an unknown 256-bit key cannot be searched); two
databases with different keys give different identifiers for the same inputs; one database gives the
same ones on every re-run.

Where the key comes from, first found:

1. the environment variable RECONCILE_KEY: 64 hex digits (32 bytes), or any text of at least 32
   bytes;
2. the key file beside the database, `<db>.key` (64 hex digits), created with 32 random bytes and
   mode 0600 on the database's first run.

The key never travels with an output: it is not in the database, the workbook or any export. What the
database keeps is a check value (`runs.key_check`, an HMAC of a fixed text, which tells nothing of the
key) so that a run with another key than the database's is refused rather than giving every finding a
new id. A key that is short, a repetition (`aaaa...`, `abcabc...`), a sequence (`000102...`), of few
different bytes, or one shown in the documentation is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from reconcile.errors import ConfigError

KEY_VARIABLE = "RECONCILE_KEY"
MIN_BYTES = 32
HEX_KEY = re.compile(r"^[0-9a-fA-F]{64,}$")
NEW_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'
# keys that appear in documentation or examples: known to anyone, so no secret
DOCUMENTED = {
    "a long secret kept in the office",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "changeme",
    "secret",
    "password",
}
CHECK_TEXT = b"reconcile key check"
# 32 random bytes hold some 30 different values, and some 30 different steps from one byte to the next:
# in 200,000 keys drawn, never fewer than 22 of either; fewer than 16 is a key someone typed or counted
# (`000102...1f`, HMAC's test keys, zeros with a counter at the end)
MIN_DISTINCT = 16


def key_path(db: Path) -> Path:
    """The key file of a database: `<db>.key` beside it. A folder (`.`, `/`) has none: refused."""
    if not db.name or db.is_dir():
        raise ConfigError(f"{db}: is a folder, not a database file; pass a file path to --db")
    return db.with_name(db.name + ".key")


def parse(text: str) -> bytes:
    """The key's bytes: 64 (or more, an even number of) hex digits read as bytes, other text as its
    UTF-8 bytes (which `problem` says is no key)."""
    text = text.strip()
    return bytes.fromhex(text) if HEX_KEY.match(text) and len(text) % 2 == 0 else text.encode("utf-8")


def problem(text: str, key: bytes) -> str | None:
    """Why a key is no secret, or None."""
    bare = re.sub(r"[\s_:-]", "", text.lower()).removeprefix("0x")  # the example with 0x, spaces or dashes
    if text.strip().lower() in DOCUMENTED or bare in {re.sub(r"\s", "", d) for d in DOCUMENTED}:
        return "an example from the documentation, known to anyone"
    if len(key) < MIN_BYTES:
        return f"{len(key)} bytes long; it needs at least {MIN_BYTES} random bytes"
    for period in range(1, len(key) // 2 + 1):
        if key == (key[:period] * (len(key) // period + 1))[: len(key)]:
            return "a short pattern repeated, not random"
    if len(set(key)) < MIN_DISTINCT:
        return f"made of only {len(set(key))} different bytes, not random"
    digits = text.strip()
    if HEX_KEY.match(digits) and len(digits) % 2:  # a key miscopied (bytes.fromhex refuses it)
        return f"{len(digits)} hex digits, an odd number: a digit was lost or added in copying"
    if not HEX_KEY.match(digits):
        return "not 64 hex digits (a passphrase can be guessed beside every ID)"
    if len({(b - a) % 256 for a, b in itertools.pairwise(key)}) < MIN_DISTINCT:
        return "a sequence (00 01 02 ..., or a few steps repeated), not random"
    return None


def resolve(db: Path | None, create: bool = False, notice: Callable[[str], None] | None = None) -> tuple[bytes, str]:
    """The key and where it came from ('RECONCILE_KEY' or the key file's path).

    create: make the key file when there is none (a run; not a read-back or an export, which need the
    key the database was made with). Raises ConfigError when there is no usable key."""
    text = os.environ.get(KEY_VARIABLE)
    if text is not None and text.strip():
        return _checked(text, KEY_VARIABLE), KEY_VARIABLE
    if db is None:
        raise ConfigError(f"{KEY_VARIABLE} is not set; set it to 32 random bytes as 64 hex digits ({NEW_KEY})")
    path = key_path(db)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        if not create:
            raise ConfigError(
                f"{path}: no key file beside the database; restore it from its backup, or set "
                f"{KEY_VARIABLE} to the key the database was made with"
            ) from None
        return _create(path), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not a key file"
        raise ConfigError(f"{path}: the key file cannot be read ({why}); restore it from its backup") from None
    key = _checked(text, str(path))
    _owner_only(path, notice)
    return key, str(path)


def _owner_only(path: Path, notice: Callable[[str], None] | None) -> None:
    """A key file other users may read (copied with 0644, or its mode changed) is made readable by its
    owner alone, and `notice` is told: with the key, anyone could recompute the ids of the findings and
    the analysts' copy from candidate IDs. Not on Windows, whose folders' permissions apply; not a file
    of another owner, which only its owner may change."""
    if os.name != "posix":
        return
    try:
        st = path.stat()
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.chmod(path, 0o600)
            if notice is not None:
                notice(f"{path}: other users could read the key file; it is now readable by its owner only")
    except OSError:
        return


def for_run(db: Path, notice: Callable[[str], None] | None = None) -> tuple[bytes, bool]:
    """The key a run of `db` uses, and whether this call created its key file (for the run to remove
    again when it fails on a database it was creating). See `resolve`. A database whose runs were keyed
    and whose key file is gone gets no new one: it would be the wrong key, refused as such, and the
    message would name a file that was not there; the missing file is said."""
    existed = key_path(db).exists() or bool(os.environ.get(KEY_VARIABLE, "").strip())
    key, _ = resolve(db, create=existed or not _keyed_file(db), notice=notice)
    return key, not existed


def _keyed_file(db: Path) -> bool:
    """Whether the database file `db` has runs made with a key (a file that is no database: no)."""
    if not db.is_file():
        return False
    import duckdb

    try:
        with duckdb.connect(str(db), read_only=True) as con:
            refuse_analyst_copy(con, db)  # which has no key by design: said as such
            return is_keyed(con)
    except duckdb.Error:
        return False


def _checked(text: str, source: str) -> bytes:
    key = parse(text)
    why = problem(text, key)
    if why:
        raise ConfigError(f"{source}: the key is {why}; use 32 random bytes as 64 hex digits ({NEW_KEY})")
    return key


def _create(path: Path) -> bytes:
    """A new key file of 32 random bytes, readable by its owner only; never replaces one."""
    key = secrets.token_bytes(MIN_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:  # another run made it a moment ago: use that one
        if path.is_symlink():  # a link to nowhere: never followed to make a key where it points
            raise ConfigError(
                f"{path}: is a link to a file that does not exist, not a key file; remove the link, or put the "
                "database's key file there"
            ) from None
        return _checked(path.read_text(encoding="ascii"), str(path))
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot create the database's key file ({exc.strerror}); check the folder can be written"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:  # a full disk: no key file of 0 bytes left behind, which every later run refused
        path.unlink(missing_ok=True)
        raise ConfigError(
            f"{path}: cannot write the database's key file ({exc.strerror}); free space on the disk and run again"
        ) from None
    return key


def pads(key: bytes) -> dict[str, str]:
    """The inner and outer padded keys of HMAC-SHA256 (RFC 2104) as hex, the SQL parameters
    $key_inner and $key_outer with which the SQL files compute an HMAC (macro rc_hmac)."""
    raw = hashlib.sha256(key).digest() if len(key) > 64 else key
    raw = raw.ljust(64, b"\0")
    return {"key_inner": bytes(b ^ 0x36 for b in raw).hex(), "key_outer": bytes(b ^ 0x5C for b in raw).hex()}


def case_id(key: bytes, code: str, program: str | None, vneid: str | None, account: str | None, ref: str | None) -> str:
    """A case's id as store_flags.sql computes it: HMAC-SHA256 of its code, programme and subject (the
    ID, else the account, else the payment reference), its first 16 hex digits in groups of four."""
    if vneid is not None:
        subject = "vneid:" + vneid
    elif account is not None:
        subject = "account:" + account
    else:
        subject = "payment_ref:" + (ref or "")
    digest = hmac.new(key, "|".join(("case", code, program or "", subject)).encode(), hashlib.sha256).hexdigest()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def check_value(key: bytes) -> str:
    """What a database keeps to know its key again: an HMAC of a fixed text (16 hex digits)."""
    return hmac.new(key, CHECK_TEXT, hashlib.sha256).hexdigest()[:16]


def is_keyed(con) -> bool:
    """Whether some run of the database recorded the key it was made with (runs.key_check): not one
    that only versions before keyed ids wrote, which has no key file yet."""
    columns = {
        c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'runs'").fetchall()
    }
    return "key_check" in columns and con.execute("SELECT count(key_check) FROM runs").fetchone()[0] > 0


def of_database(con, db: Path) -> bytes:
    """The key with which to write to (or copy) the database `con` outside a run: its own, checked
    against its runs'; for a database that only versions before keyed ids wrote, a key file made for
    it, as its next run would make one (its findings are keyed from now on, their case ids first)."""
    refuse_analyst_copy(con, db)
    key, _ = resolve(db, create=not is_keyed(con))
    check_database(con, db, key)
    return key


def refuse_analyst_copy(con, db: Path) -> None:
    """An analysts' copy (`reconcile export-db`, export_info) has its IDs hashed and its ids its own,
    and no key beside it by design: a run, a sign-off, a decision or a check of its chains belongs on
    the office's database. It was told to restore a key file from its backup that never existed."""
    made = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'export_info'"
    ).fetchone()[0]
    if made:
        raise ConfigError(
            f"{db}: is an analysts' copy made by reconcile export-db (IDs hashed, no key); run, sign off, "
            "import decisions and verify on the office's database"
        )


def check_database(con, db: Path, key: bytes) -> None:
    """Refuse a key other than the one the database's findings were made with: every finding would get
    a new id, and the ids of the periods already there could not be matched with the new ones."""
    refuse_analyst_copy(con, db)
    made_with = {
        k for (k,) in con.execute("SELECT DISTINCT key_check FROM runs WHERE key_check IS NOT NULL").fetchall()
    }
    if made_with and check_value(key) not in made_with:
        source = KEY_VARIABLE if os.environ.get(KEY_VARIABLE, "").strip() else str(key_path(db))
        raise ConfigError(
            f"{source}: not the key this database's findings were made with; restore the key file "
            f"{key_path(db).name} from its backup (or set {KEY_VARIABLE} to that key)"
        )
