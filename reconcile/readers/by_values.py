"""A column known by its values: one whose header neither the built-in names nor the profile know
(`Tình trạng GD`, `TT giao dịch`, `Phương thức thanh toán`, `TT hưởng`), but whose values are a
payment's status, a channel, or a beneficiary's status.

Left unread, the run took the column's default: every transfer the bank marked `Thất bại` or `Hoàn
trả` a success (the money counted paid, no PAYMENT_FAILED, a false DUPLICATE_PAYMENT and
AMOUNT_MISMATCH where it was sent again), every cash payout the bank channel a profile gives (the
non-cash share above the target), every beneficiary of a registry active (no PAID_AFTER_DEATH, no
PAID_WHILE_INACTIVE, the dead counted due): a clean month that was not, unsaid. Such a column is
read as that canonical column when nearly all its values (at least BY_VALUES_SHARE of its non-empty
cells, of at most MAX_DISTINCT distinct values: a column of categories, not of free text) are values
of it that normalising reads (normalise/macros.sql: rc_payment_status_t, rc_channel_t, and the
registry's status spellings), and `reconcile check` says so. A value among them that is none is then
rejected with its reason, as in a column of that header."""

from __future__ import annotations

import re

import polars as pl

from reconcile.contracts.values import ENUM_ALIASES
from reconcile.normalise.text import fold
from reconcile.readers.notes import NOTE_HEADERS
from reconcile.readers.tables import RawTable

BY_VALUES_SHARE = 0.8
MAX_DISTINCT = 30
SAMPLE_ROWS = 20_000  # of a CSV file's scan: its first rows (a file of one layout throughout)

# as normalise/macros.sql reads them: a status with its reason after it (`Thất bại - TK không tồn tại`)
# the status its first words say; a success the words after it take back, a return
_FIRST_WORDS = re.compile(r"^([^-–:(;,/]+?)\s*[-–:(;,/]")
_RETURNED = re.compile(r"\b(hoan tien|hoan tra|tra lai|refund|refunded|returned|reversed)\b")
_EWALLET = re.compile(
    r"\b(vi|e wallet|ewallet|wallet|momo|zalopay|viettel ?money|viettelpay|vnpt ?money|mobile money)\b"
)
_CASH = re.compile(r"\b(buu dien|buu cuc|vnpost|tien mat|truc tiep|cash|tai xa|tai nha|tai diem|diem chi tra)\b")
_BANK = re.compile(r"\b(ngan hang|chuyen khoan|ck|tai khoan|tk|atm|the|bank|account|transfer)\b")


def _spellings(domain: str) -> set[str]:
    return {fold(v) for value, aliases in ENUM_ALIASES[domain].items() for v in (value, *aliases)}


def _payment_status(text: str, spellings: set[str]) -> bool:
    folded = fold(text)
    if folded in spellings or _RETURNED.search(folded):
        return True
    first = _FIRST_WORDS.match(text)
    return first is not None and fold(first.group(1)) in spellings


def _channel(text: str, spellings: set[str]) -> bool:
    folded = fold(text)
    return folded in spellings or any(words.search(folded) for words in (_EWALLET, _CASH, _BANK))


def _status(text: str, spellings: set[str]) -> bool:
    return fold(text) in spellings


# per role, the canonical columns a column may be known by, with what reads a value of each, and
# what `reconcile check` says the values are
WANTED = {
    "payments": (
        ("status", "payment_status", _payment_status, "payment statuses: Thành công, Thất bại, Hoàn trả"),
        ("channel", "channel", _channel, "channels: Chuyển khoản, Tiền mặt, Ví điện tử"),
    ),
    "registry": (
        ("status", "beneficiary_status", _status, "beneficiary statuses: Đang hưởng, Tạm dừng, Đã chết"),
        ("channel", "channel", _channel, "channels: Chuyển khoản, Tiền mặt, Ví điện tử"),
    ),
}


def read_by_values(table: RawTable) -> None:
    """Each canonical column of WANTED that no header gave, read from the first unread column whose
    values are its (before a profile's fixed value fills it: a bank list's channel `bank`)."""
    wanted = [w for w in WANTED.get(table.kind, ()) if w[0] not in table.header_map.values()]
    if not wanted or table.source is not None:  # a streamed Parquet file: its columns are named
        return
    used = set(table.header_map) | set(table.converted) | table.consumed
    columns = [c for c in table.original_columns if c not in used and fold(c) not in NOTE_HEADERS]
    if not columns:
        return
    counts = _value_counts(table, columns)
    for canonical, domain, reads, what in wanted:
        spellings = _spellings(domain)
        for column in columns:
            values = counts.get(column)
            if column in table.header_map or not values or len(values) > MAX_DISTINCT:
                continue
            read = sum(n for value, n in values if reads(value, spellings))
            if read >= BY_VALUES_SHARE * sum(n for _, n in values):
                table.header_map[column] = canonical
                table.notes.append(f"{canonical} from '{column}' (its values are {what})")
                break


def _value_counts(table: RawTable, columns: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Each column's non-empty values with how many rows hold each (of a CSV file's scan, its first
    SAMPLE_ROWS rows), for the columns of at most MAX_DISTINCT of them. A scan that cannot be parsed
    gives none: the file is refused, with its reason, when it is staged."""
    frame = table.frame.head(SAMPLE_ROWS) if isinstance(table.frame, pl.LazyFrame) else table.frame
    selected = frame.select([pl.col(c).cast(pl.String).str.strip_chars() for c in columns])
    try:
        text = selected.collect() if isinstance(selected, pl.LazyFrame) else selected
    except pl.exceptions.PolarsError:
        return {}
    out: dict[str, list[tuple[str, int]]] = {}
    for column in columns:
        values = text.get_column(column)
        counted = values.filter(values.is_not_null() & (values != "")).value_counts(sort=True)
        if counted.height <= MAX_DISTINCT:
            out[column] = [(str(v), int(n)) for v, n in counted.iter_rows()]
    return out
