"""The hash chains of case_events and signoffs: each row's hash is an HMAC-SHA256, under the database's
key, of the hash before it and the row's content, so that a row altered, removed or put in between
breaks the chain from there on; `reconcile verify` finds the first row that does not hold.

Keyed, not a plain hash: whoever can write the database file but has not the key (RECONCILE_KEY or the
`<db>.key` file, kept apart) cannot make an altered row agree again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from reconcile.warehouse import column_names, quote_ident

GENESIS = "0" * 64
CHAINED = ("case_events", "signoffs")


def content_columns(table: str) -> list[str]:
    """The columns a row's hash covers: all but the chain's own."""
    return [c for c in column_names(table) if c not in ("prev_hash", "hash")]


def row_hash(key: bytes, table: str, prev_hash: str, row: dict) -> str:
    """The hash of one row after `prev_hash`: HMAC of the table's name, prev_hash and the row's content
    in a fixed text form (JSON of the content columns in order; times as ISO text)."""
    values = [_plain(row.get(c)) for c in content_columns(table)]
    text = json.dumps([table, prev_hash, values], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return value


def append(con, key: bytes, table: str, rows: list[dict]) -> int:
    """Append rows to a chained table, each given its seq, prev_hash and hash; the caller holds the
    transaction. Returns how many were appended."""
    if not rows:
        return 0
    last = con.execute(f"SELECT seq, hash FROM {quote_ident(table)} ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    cols = column_names(table)
    out = []
    for row in rows:
        seq += 1
        full = {**row, "seq": seq, "prev_hash": prev}
        full["hash"] = prev = row_hash(key, table, prev, full)
        out.append(tuple(full.get(c) for c in cols))
    marks = ", ".join("?" for _ in cols)
    con.executemany(f"INSERT INTO {quote_ident(table)} ({', '.join(map(quote_ident, cols))}) VALUES ({marks})", out)
    return len(out)


@dataclass
class Break:
    """The first row of a chain that does not hold, and why."""

    table: str
    seq: int
    why: str


def verify(con, key: bytes) -> tuple[dict[str, int], list[Break]]:
    """Check every chained table: rows read in seq order; each must follow the one before (seq one
    more, prev_hash its hash) and its hash must be its content's. Returns the rows checked per table and
    the first break of each table that has one."""
    checked: dict[str, int] = {}
    breaks: list[Break] = []
    for table in CHAINED:
        cols = column_names(table)
        cur = con.execute(f"SELECT {', '.join(map(quote_ident, cols))} FROM {quote_ident(table)} ORDER BY seq")
        prev, expected_seq, n = GENESIS, 1, 0
        while batch := cur.fetchmany(10_000):
            for values in batch:
                row = dict(zip(cols, values, strict=True))
                n += 1
                why = None
                if row["seq"] != expected_seq:
                    why = f"expected event {expected_seq} here, found {row['seq']}: a row was removed or added"
                elif row["prev_hash"] != prev:
                    why = "its prev_hash is not the hash of the row before it: a row before it was removed or added"
                elif row["hash"] != row_hash(key, table, prev, row):
                    why = "its hash does not match its content: the row was altered"
                if why:
                    breaks.append(Break(table, row["seq"], why))
                    break
                prev, expected_seq = row["hash"], expected_seq + 1
            else:
                continue
            break
        checked[table] = n
    return checked, breaks


def heads(con) -> dict[str, tuple[int, str]]:
    """Each chained table's newest row: its seq and the first 8 characters of its hash ((0, '')
    for an empty table). A chain shows a row altered, removed or put in between by itself; its newest
    rows removed, only against a head noted before (a sign-off's, written down with it)."""
    out = {}
    for table in CHAINED:
        row = con.execute(f"SELECT seq, hash FROM {quote_ident(table)} ORDER BY seq DESC LIMIT 1").fetchone()
        out[table] = (int(row[0]), str(row[1])[:8]) if row else (0, "")
    return out
