"""The analyst copy's own identifiers: nothing in it that the workbook or the flat exports also show.

The masked workbook and the flat exports leave the office too, with a beneficiary's name and the last
4 digits of the ID beside each finding's `flag_id`, `case_id` and payment reference; the copy keeps
birth year, gender and province (6 more of the ID's 12 digits). Were the two to share an identifier,
joining them on it would give a name and 10 of 12 digits. So the copy keys those identifiers again:
HMAC-SHA256 under the copy's key, which is derived from the database's key with the label
`LABEL` (a derivation: every copy of one database gets the same ids, and joins across its tables and
from one copy to the next still work, yet none is the id the workbook shows, nor can be turned into
it without the database's key). The numbers a run gives rows (`registry_id`, `payment_id`) follow
the IDs' and the references' order, so the copy numbers them again in the order of a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac

import duckdb

from reconcile.sqlfiles import bind
from reconcile.warehouse import quote_ident, quote_literal

LABEL = b"reconcile analyst copy v1"
# shown whole by the workbook (flag_id, case_id) and the flat exports: keyed again, the same look
# (3f9a-0c41-77d2-e5b0); run_changes and superseded_flags name the findings' ids, case_events the cases'
IDS = ("flag_id", "case_id")
# shown by their last 4 characters beside the amount and the date: a keyed hash, hex; one function
# for both, as a run matches a reference to a bank reference
REFS = ("payment_ref", "bank_ref")
# the hash chains of case_events and signoffs (HMAC under the database's key): keyed again, prev_hash
# as its row's predecessor's hash, so that the chain's order still reads
CHAIN = ("hash", "prev_hash")
RENUMBERED = ("registry_id", "payment_id")  # numbered again per period, in the order of a keyed hash
# the order a copied table's rows are written in: by the first of these it has (a keyed value), not the
# database's order (a file's, that sorts by ID, or the findings' that the workbook lists them in)
ORDER = ("flag_id", "payment_id", "registry_id", "case_id", "vneid", "seq")


def copy_key(key: bytes) -> bytes:
    """The analyst copy's key: an HMAC of `LABEL` under the database's key."""
    return hmac.new(key, LABEL, hashlib.sha256).digest()


def keyed(kind: str, col: str) -> str:
    """The SQL of `col` hashed under the copy's key ($cinner, $couter: its HMAC pads), as hex; `kind`
    keeps one kind of value from hashing to another's."""
    return f"sha256($couter || unhex(sha256($cinner || encode('{kind}:' || {col}))))"


def rekeyed(name: str, col: str) -> str | None:
    """The SQL that keys the column `name` (`col` quoted) again for the copy, or None for a column kept."""
    if name in IDS:
        return (
            f"CASE WHEN {col} IS NOT NULL THEN "
            f"regexp_replace(left({keyed('id', col)}, 16), '(.{{4}})(.{{4}})(.{{4}})(.{{4}})', '\\1-\\2-\\3-\\4') END"
        )
    if name in REFS:
        return f"CASE WHEN {col} IS NOT NULL THEN {keyed('ref', col)} END"
    if name in CHAIN:
        return f"CASE WHEN {col} IS NOT NULL THEN {keyed('chain', col)} END"
    return None


def event_source(col: str) -> str:
    """The SQL of a case event's source (`col` quoted) for the copy. A run's reopening (`run <run_id>:
    1 finding new since it was closed: <flag_id>, ...`) names the findings by the ids the workbook shows:
    keyed again, as the copy's flags are. A decision's names the workbook it came from, its sheet and
    row (`<file>: sheet 'Findings' row 12`), a file that may be named after an ID (`<ID>_T9.xlsx`):
    its long digit runs hidden, as in file names."""
    ids = f"string_split(regexp_replace({col}, '^.*: ', ''), ', ')"
    return (
        f"CASE WHEN action = 'reopened' THEN regexp_extract({col}, '^(.*: )', 1) || "
        f"array_to_string(list_transform({ids}, lambda x: {rekeyed('flag_id', 'x')}), ', ') "
        f"ELSE rc_hide_text({col}) END"
    )


def unreferenced(detail: str) -> str:
    """A finding's detail without the references and rows it names (`the first is FT2024... in
    bank.csv`, `reference BD0016`, `row 16`): short ones pass the digit-run mask, and the workbook shows
    them."""
    return (
        f"regexp_replace(regexp_replace({detail}, '(the first is|reference) [^ ;,)]*[0-9*][^ ;,)]*', '\\1 ****', 'g'), "
        "'( row) [0-9]+', '\\1 N', 'g')"
    )


def renumber(con: duckdb.DuckDBPyConnection, column: str, inner: bytes, outer: bytes) -> None:
    """Temp table `<column>s` (registry_ids, payment_ids): each period's ids of `column` (of every table
    that names one) numbered 1, 2, ... again, in the order of a keyed hash of the period and id. A run
    numbers the registry by file and then by ID, and payments by file and then by reference: the copy's
    ids would tell how the hashed IDs and references sort. The same key gives the same ids in every
    copy, and joins on them still work."""
    named = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_columns() WHERE database_name = 'source' AND schema_name = 'main' "
            "AND column_name = ? AND table_name IN (SELECT table_name FROM duckdb_columns() "
            "WHERE database_name = 'source' AND schema_name = 'main' AND column_name = 'period') "
            "AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE database_name = 'source') "
            "ORDER BY table_name",
            [column],
        ).fetchall()
    ]
    ids = " UNION ".join(
        f"SELECT period, {quote_ident(column)} AS id FROM source.main.{quote_ident(t)} "
        f"WHERE {quote_ident(column)} IS NOT NULL"
        for t in named
    )
    # the registry's as they were numbered before payments were (the same ids as earlier copies)
    salt = "''" if column == "registry_id" else "$column || ':'"
    sql = (
        f"CREATE TEMP TABLE {quote_ident(column + 's')} AS SELECT period, id AS old, row_number() OVER ("
        f"PARTITION BY period ORDER BY sha256($outer || unhex(sha256($inner || encode({salt} || period || ':' || id))))"
        f") AS new FROM ({ids or 'SELECT NULL::VARCHAR AS period, NULL::BIGINT AS id WHERE false'})"
    )
    con.execute(sql, bind(sql, {"inner": inner, "outer": outer, "column": column}))


# what the copy's comments say of the columns it keyed or numbered again (the database's say "the
# database's key", or how a run numbers them)
COPIED = {
    "registry_id": "Row id of the registry within the period, numbered in this copy in the order of a keyed hash "
    "(the same ids in every table and copy of the database)",
    "payment_id": "Row id of the payment within the period, numbered in this copy in the order of a keyed hash "
    "(the same ids in every table and copy of the database)",
    "flag_id": "The finding's id in this copy: its flag_id keyed again under the copy's key, so that it is not "
    "the id the workbook shows (the same in every table and copy of the database)",
    "case_id": "The case's id in this copy: its case_id keyed again under the copy's key, so that it is not "
    "the id the workbook shows (the same in every table and copy of the database)",
    "payment_ref": "The payment reference as a keyed hash under the copy's key, hex: it joins the copy's tables "
    "(and bank_ref), never the workbook's reference",
    "bank_ref": "The bank's own reference as a keyed hash under the copy's key, hex (one function with payment_ref)",
}


def comment_copy(con: duckdb.DuckDBPyConnection) -> None:
    """The comments of the copy's keyed and renumbered columns, on every table that has one."""
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND column_name IN (SELECT unnest($names)) "
        "AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()) "
        "ORDER BY ALL",
        {"names": sorted(COPIED)},
    ).fetchall():
        con.execute(
            f"COMMENT ON COLUMN main.{quote_ident(table)}.{quote_ident(column)} IS {quote_literal(COPIED[column])}"
        )
