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
registry's status spellings; a registry's status, every one), at least one of them other than the
value a row without the column takes, and `reconcile check` says so. A value among them that is
none is then rejected with its reason, as in a column of that header."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from reconcile.contracts.values import ENUM_ALIASES
from reconcile.header_words import header_in
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
# a channel's words, as rc_channel_words_f has them (`ví` first or after `tài khoản`, `qua`: not the `Vị` of
# a place, `Bưu điện xã Vị Thắng`, which was an e-wallet), but `the` (Thế, Thể: `Thẻ ATM` is `the atm`)
_EWALLET = re.compile(
    r"(^|tai khoan |so |qua |bang )vi( |$)"
    r"|\b(vi dien tu|e wallet|ewallet|wallet|momo|zalopay|viettel ?money|viettelpay|vnpt ?money|mobile money)\b"
)
_CASH = re.compile(r"\b(buu dien|buu cuc|vnpost|tien mat|truc tiep|cash|tai xa|tai nha|tai diem|diem chi tra)\b")
_BANK = re.compile(r"\b(ngan hang|chuyen khoan|ck|tai khoan|tk|atm|the atm|bank|account|transfer)\b")


def _spellings(domain: str) -> dict[str, str]:
    """Each spelling of the domain's values, folded -> the value."""
    return {fold(v): value for value, aliases in ENUM_ALIASES[domain].items() for v in (value, *aliases)}


def _payment_status(text: str, spellings: dict[str, str]) -> str | None:
    folded = fold(text)
    if folded in spellings:
        return spellings[folded]
    if _RETURNED.search(folded):
        return "returned"
    first = _FIRST_WORDS.match(text)
    return spellings.get(fold(first.group(1))) if first is not None else None


def _channel(text: str, spellings: dict[str, str]) -> str | None:
    """The channel a value names, by a spelling of one, or by the words of one alone (`Chuyển khoản trực
    tiếp` names two, and no channel)."""
    folded = fold(text)
    if folded in spellings:
        return spellings[folded]
    named = {value for value, words in _CHANNEL_WORDS if words.search(folded)}
    return named.pop() if len(named) == 1 else None


def _status(text: str, spellings: dict[str, str]) -> str | None:
    return spellings.get(fold(text))


_CHANNEL_WORDS = (("ewallet", _EWALLET), ("cash", _CASH), ("bank", _BANK))


@dataclass(frozen=True)
class Wanted:
    """A canonical column a column may be known by: the domain of its values, what reads one, the share
    of a column's non-empty cells they must be, the value a row without the column takes (a column of
    it alone says nothing, and is no evidence: `Tình trạng sức khỏe: Bình thường` is no status), and
    what `reconcile check` says the values are."""

    canonical: str
    domain: str
    reads: Callable[[str, dict[str, str]], str | None]
    share: float
    default: str | None
    what: str


# per role. A payment's status or a channel none of the values is rejects its row, with its reason; a
# beneficiary's status none is would reject the beneficiary: there, every value must be one
WANTED = {
    "payments": (
        Wanted("status", "payment_status", _payment_status, BY_VALUES_SHARE, "success",
               "payment statuses: Thành công, Thất bại, Hoàn trả"),
        Wanted("channel", "channel", _channel, BY_VALUES_SHARE, None, "channels: Chuyển khoản, Tiền mặt, Ví điện tử"),
    ),
    "registry": (
        Wanted("status", "beneficiary_status", _status, 1.0, "active",
               "beneficiary statuses: Đang hưởng, Tạm dừng, Đã chết"),
        Wanted("channel", "channel", _channel, BY_VALUES_SHARE, None, "channels: Chuyển khoản, Tiền mặt, Ví điện tử"),
    ),
}  # fmt: skip


def read_by_values(table: RawTable) -> None:
    """Each canonical column of WANTED that no header gave, read from the first unread column whose
    values are its (before a profile's fixed value fills it: a bank list's channel `bank`)."""
    wanted = [w for w in WANTED.get(table.kind, ()) if w.canonical not in table.header_map.values()]
    if not wanted or table.source is not None:  # a streamed Parquet file: its columns are named
        return
    used = set(table.header_map) | set(table.converted) | table.consumed
    columns = [c for c in table.original_columns if c not in used and not header_in(c, NOTE_HEADERS)]
    if not columns:
        return
    counts = _value_counts(table, columns)
    for w in wanted:
        spellings = _spellings(w.domain)
        for column in columns:
            values = counts.get(column)
            if column in table.header_map or not values:
                continue
            read = [(w.reads(value, spellings), n) for value, n in values]
            known = sum(n for value, n in read if value is not None)
            said = {value for value, _ in read if value is not None and value != w.default}
            if said and known >= w.share * sum(n for _, n in read):
                table.header_map[column] = w.canonical
                table.notes.append(f"{w.canonical} from '{column}' (its values are {w.what})")
                break


def _value_counts(table: RawTable, columns: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Each column's non-empty values with how many rows hold each (of a CSV file's scan, its first
    SAMPLE_ROWS rows), for the columns of at most MAX_DISTINCT of them. A scan that cannot be parsed
    gives none: the file is refused, with its reason, when it is staged."""
    frame = table.frame.filter(table.body())
    frame = frame.head(SAMPLE_ROWS) if isinstance(frame, pl.LazyFrame) else frame
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
