"""One payee ID on more payment rows than [limits] max_payments_per_id, refused before the rows are
staged. A month pays a person a few times; a file of millions of rows of one ID is a broken export
or a hostile one, and normalising it costs what any file of its size costs (30 million rows: a
minute and a half from a plain Parquet file, 5 minutes and 10 GB from one read whole). The ID
column's texts are counted as read (raw_payments), one aggregate of that column alone; only when
one text is on more rows than the limit are the texts normalised, and each ID's rows counted per
file (sql/checks/raw_rows_per_id.sql). checks/rows_per_id.sql, after staging, still counts the
loaded rows by their ID: an ID spelled many ways, none on more rows than the limit, or taken from
the narrative."""

from __future__ import annotations

from typing import NoReturn

from reconcile.errors import InputFileError
from reconcile.readers import limits
from reconcile.sqlfiles import bind, sql_text

# Whether a text of the ID column may be on more rows than the limit: its rows counted by a bucket of
# its hash, so that the aggregate has a few thousand groups, not one per ID (0.07 s against 0.25 s at
# 1M rows, on 2 busy cores). Every row of a text is in one bucket: no bucket over the limit, no text
# over it. A bucket over it may be several texts together: raw_rows_per_id.sql counts them exactly.
BUCKETS = (
    "SELECT 1 FROM raw_payments WHERE vneid IS NOT NULL GROUP BY hash(vneid) >> $shift HAVING count(*) > $limit LIMIT 1"
)


def bucket_bits(rows: int, limit: int) -> int:
    """How many bits of the hash make the buckets of `rows` rows hold a quarter of `limit` on average:
    a bucket of texts each under the limit is then over it almost never (a count of mean 250 reaches
    1,000 with a chance below 1e-100), and the exact count runs only for a text that is."""
    return min(24, max(8, (4 * max(rows, 1) // max(limit, 1)).bit_length()))


def check_raw_rows_per_id(con, names: dict[int, str], rows: int) -> None:
    """Refuse the run when one ID has more payment rows than the limit in the files as read
    (raw_payments, the normaliser macros installed); `names`: each file_id's name (readers.tables.file_names);
    `rows`: how many payment rows were read."""
    limit = limits.CURRENT.max_payments_per_id
    if rows <= limit or not con.execute(BUCKETS, {"shift": 64 - bucket_bits(rows, limit), "limit": limit}).fetchall():
        return
    sql = sql_text("checks/raw_rows_per_id.sql")
    for file_id, n, total in con.execute(sql, bind(sql, {"max_payments_per_id": limit})).fetchall():
        refuse_rows_per_id(names[file_id], total, n)


def refuse_rows_per_id(name: str, total: int, n: int) -> NoReturn:
    """The one refusal of an ID on more payment rows than the limit: `total` rows in the run, `n` of
    them in the file `name`."""
    raise InputFileError(
        name,
        f"one payee ID has {total:,} payment rows ({n:,} in this file), over the limit of "
        f"{limits.CURRENT.max_payments_per_id:,} ([limits] max_payments_per_id)",
        "check that the ID column holds each payee's own ID, or raise the limit in [limits] of the config if "
        "the file is genuine",
    )
