"""A payout list's note column (`Ghi chú`) where it says a beneficiary was not paid.

A post office's cash list (and many a commune's bank list) has no status column: it lists everyone due
that month, and the officer writes in `Ghi chú` why one was not paid (`Chưa nhận`, `Vắng mặt`, `Đi
vắng`, `Đã chết - không chi`, `Từ chối nhận`). Read without a status, every row was a successful
payment: the money not paid counted as paid, no PAYMENT_FAILED, and a beneficiary who had died a
PAID_WHILE_INACTIVE though nobody was paid. In a payments file without a status column, a note that
begins so, or says so after another word (`Ốm - chưa lĩnh`, `Chờ lĩnh`, `Tạm giữ`, `Trả lại`), makes
its row's status `failed`; any other note (`Nhận thay: con gái`, `Đã nhận`) leaves it
a payment.

Such a list has no column of what each payment is for either: the officer writes that in the note
too (`Truy lĩnh T7-T8/2024`). In a payments file without a narrative column, the note is read as
its narrative as well, where a back payment (truy lĩnh) and the month a file names are looked for:
left out, a back payment written there was a second payment of the month (a DUPLICATE_PAYMENT and
an AMOUNT_MISMATCH), unsaid.

A commune's registry without a status column says the same in its note: `Đã chết ngày 17/08/2024`,
`Tạm dừng`, `Thôi hưởng`, `Chuyển đi nơi khác`. Read without it, every beneficiary was active: no
PAID_AFTER_DEATH, no PAID_WHILE_INACTIVE, and the dead counted due. In a registry without a status
column, such a note gives its row's status (and, where the file has no date of death column, the
date a death note writes)."""

from __future__ import annotations

import polars as pl

from reconcile.readers.names import DERIVED
from reconcile.readers.tables import RawTable

# the headers of a note column, folded
NOTE_HEADERS = {
    "ghi chu",
    "ghi chu chi tra",
    "ly do",
    "ly do chua nhan",
    "ly do khong nhan",
    "ly do chua chi tra",
    "ly do khong chi tra",
    "note",
    "notes",
    "remarks",
}
# a note that says the money was not paid, folded: not received (chưa/không nhận, lĩnh, chi, ký nhận),
# away, dead (not `Mất sức lao động`, an allowance for lost working capacity), refused, at its start;
# and, anywhere in it, words that say so whatever comes before them (`Ốm - chưa lĩnh`), waiting to
# collect (`Chờ lĩnh`), held (`Tạm giữ`), sent back (`Trả lại`)
NOT_PAID = (
    r"^(?:(?:chua|khong) (?:(?:den |ky )?(?:nhan|linh)|chi|duoc chi|chi tra)"
    r"|vang|vang mat|di vang|di xa|di lam an xa"
    r"|(?:da )?(?:chet|qua doi|tu tran|tu vong)|(?:da )?mat(?: ngay| [0-9]+| khong chi)?$|(?:da )?mat (?:ngay|[0-9]+)"
    r"|tu choi(?: nhan)?|not (?:received|paid)|absent|deceased|refused)\b"
    r"|\b(?:chua (?:den |ky )?(?:nhan|linh)|khong (?:ky )?(?:nhan|linh)|cho (?:nhan|linh)|tam giu|tra lai)\b"
)
# unless it says the money was received after all (`Chết ngày 20/09, đã nhận`)
PAID_AFTER_ALL = r"\b(?:da nhan|da linh|da chi|nhan thay|nhan ho|linh thay)\b"


# a registry's note that says the beneficiary died, is suspended or left the programme, folded: at its
# start (`Chết`, `Đã mất`, `Qua đời 17/08/2024`, `Đối tượng đã chết`, `Giảm do chết ngày 10/08/2024`), and
# then nothing but when or why (`ngày …`, a date, `do …`): never what follows it of someone or something
# else (`Chết chồng`, `Đã chết vợ`, `Mất 1 chân`, `Mất sức lao động`, `Tạm dừng chi tiền mặt`, `Hết hưởng
# trợ cấp mồ côi, chuyển sang NCT`, `Chuyển khẩu đến`), nor what a note says further on (`Bố mẹ đã mất` of
# an orphan, `Đề nghị cắt` not yet done); and none from a date on (`Thôi hưởng từ 01/10/2024`: the month
# it ends may be after this one), which leaves the row active
_WHO = r"^(?:(?:doi tuong|nguoi huong|nguoi huong tro cap) )?(?:da )?"
_WHEN = r"(?:$| (?:ngay|vao|luc|nam|thang|do|vi|noi|khoi|sang|ve)\b| [0-9]{1,2} [0-9]{1,2} [0-9]{4}\b)"
DIED = _WHO + r"(?:giam (?:do|vi) )?(?:chet|qua doi|tu tran|tu vong|mat)" + _WHEN
SUSPENDED = _WHO + r"(?:tam dung|tam ngung|tam dinh chi)(?: huong| chi tra| tro cap)?" + _WHEN
ENDED = (
    _WHO
    + (
        r"(?:thoi huong|dung huong|cat huong|cat giam|giam|cham dut|het huong|chuyen di|chuyen (?:ho )?khau di"
        r"|het dieu kien|khong (?:con )?du dieu kien)"
    )
    + _WHEN
)
FROM_DATE = r"\btu (?:ngay |thang )?[0-9]"
DATE = r"([0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4})"


def _folded(column: str) -> pl.Expr:
    """A column's text as fold() gives it: lower case, no diacritics, đ to d, words apart by single spaces."""
    text = pl.col(column).cast(pl.String).str.normalize("NFD").str.replace_all(r"\p{M}", "")
    text = text.str.replace_all("[đĐ]", "d").str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ")
    return text.str.strip_chars()


def _note_for(table: RawTable, kind: str, canonical: str, consumed_too: bool = False) -> str | None:
    """The note column to read `canonical` from: in a table of `kind` that has no such column, its
    first unread note column (`consumed_too`: one read already for another column), else None."""
    if table.kind != kind or canonical in table.header_map.values():
        return None
    return table.unread_column(NOTE_HEADERS, consumed_too=consumed_too)


def read_note_narrative(table: RawTable) -> None:
    """A payments table without a narrative column: its note column, as the narrative too (after
    read_note_status, which may have read the note's status)."""
    note = _note_for(table, "payments", "narrative", consumed_too=True)  # a note read for its status, again
    if note is None:
        return
    name = DERIVED + "narrative"
    table.frame = table.frame.with_columns(pl.col(note).cast(pl.String).alias(name))
    table.header_map[name] = "narrative"
    table.consumed.add(note)
    table.notes.append(f"narrative from '{note}' (what a payment is for: Truy lĩnh T7-T8/2024)")


def read_note_status(table: RawTable) -> None:
    """A payments table without a status column: each row whose note says it was not paid, failed."""
    note = _note_for(table, "payments", "status")
    if note is None:
        return
    text = _folded(note)
    failed = text.str.contains(NOT_PAID).fill_null(False) & ~text.str.contains(PAID_AFTER_ALL).fill_null(False)
    name = DERIVED + "status"
    table.frame = table.frame.with_columns(pl.when(failed).then(pl.lit("failed")).alias(name))
    table.header_map[name] = "status"
    table.consumed.add(note)
    table.notes.append(f"status failed where '{note}' says the money was not received (Chưa nhận, Vắng, Đã chết...)")


def read_registry_note(table: RawTable) -> None:
    """A registry table without a status column: each row whose note says the beneficiary died, is
    suspended or left the programme, so (the rest active); a death note's date, the date of death,
    where no column gives one."""
    note = _note_for(table, "registry", "status")
    if note is None:
        return
    text = _folded(note)
    dated = text.str.contains(FROM_DATE).fill_null(False)  # from a date on: perhaps a later month's
    died = text.str.contains(DIED).fill_null(False) & ~dated
    status = (
        pl.when(died)
        .then(pl.lit("deceased"))
        .when(text.str.contains(SUSPENDED).fill_null(False) & ~dated)
        .then(pl.lit("suspended"))
        .when(text.str.contains(ENDED).fill_null(False) & ~dated)
        .then(pl.lit("terminated"))
    )
    derived = [status.alias(DERIVED + "status")]
    table.header_map[DERIVED + "status"] = "status"
    said = f"status from what '{note}' says (Đã chết, Tạm dừng, Thôi hưởng; else active)"
    if "date_of_death" not in table.header_map.values():
        date = pl.col(note).cast(pl.String).str.extract(DATE, 1)
        derived.append(pl.when(died).then(date).alias(DERIVED + "date_of_death"))
        table.header_map[DERIVED + "date_of_death"] = "date_of_death"
        said += ", and the date a death note writes as the date of death"
    table.frame = table.frame.with_columns(derived)
    table.consumed.add(note)
    table.notes.append(said)
