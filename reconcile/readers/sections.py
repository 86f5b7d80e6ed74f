"""The rows of a list that divide it into sections, set aside as no beneficiary or payment: a
section's heading (`Xã An Bình`, `I. Thôn 3`, `Điểm chi trả Bưu điện xã ...`, a merged cell across
the row, or its numbering beside it), and a section's subtotal written in any column (`Cộng xã An
Bình` under the name, its amount under the amount; a list's last `Tổng cộng huyện ...` is its
totals row, taken out and checked: readers/totals.py). A post office's or a
commune's list of several communes or villages is so divided; read as data, each such row was a
rejected row, and a month's list of a few communes was refused for rows that are no payment.

A subtotal has no ID, payment reference or account, and a heading nothing but its name and
numbering: a row that has more is data, whatever its first cell says (`TONG VAN AN` paid)."""

from __future__ import annotations

import polars as pl

from reconcile.readers.tables import RawTable

# the reason a totals row is set aside with (the built-in profiles' too): controls.py counts them
TOTAL_ROW = "a total row"

# Why a section's heading is set aside (as the vn-registry profile's [[skip]] rule says it)
SECTION_HEADING = "a section heading"

# Where a list's rows are: the words an area, a payment point or a unit is named by, as written
# (lower case, diacritics: `tổ` and `bản` are places, `Tô` and `Ban` family names) or in capitals
# without diacritics, for the words no name begins with
_PLACES = (
    "xã|phường|thị trấn|thị xã|thành phố|tỉnh|huyện|quận|thôn|ấp|bản|buôn|làng|xóm|tổ dân phố|khu phố|khu|khóm|"
    "điểm chi trả|điểm chi|địa bàn|bưu điện|bưu cục|đơn vị|"
    "xa|phuong|thi tran|thi xa|thanh pho|tinh|huyen|thon|xom|khu pho|diem chi tra|dia ban|buu dien|buu cuc"
)
# a section's numbering before its name: I., II -, 1., A), or none
_NUMBERING = r"(?:(?:[ivxlcdm]+|[0-9]{1,3}|[a-z])(?:\s*[./):\-]\s*|\s+))?"
# (a `tổ` by its number only: `Tổ 5`, not `Tổ chức ...`)
HEADING = r"^\s*" + _NUMBERING + r"(?:(?:" + _PLACES + r")\s+\S|tổ\s+[0-9])"
# a section's subtotal: Cộng, Tổng cộng, Tổng số... (as written), or a folded `cong xa` / `tong cong`
SUBTOTAL = (
    r"^\s*" + _NUMBERING + r"(?:tổng|cộng|tong cong|tong so|cong (?:" + _PLACES + r")\b|total|subtotal|sub-total)\b"
)


def section_rows(table: RawTable) -> pl.Expr:
    """The reason each row of the table is set aside as a section's heading or subtotal, else null.

    A heading: one or two cells filled (its numbering may be a cell of its own, and either may be in
    the reference's or the ID's column), which together name a place (HEADING): an ID, a reference or
    an account is no place's name. A subtotal: its first filled cell a subtotal's label (SUBTOTAL),
    whatever column it is in, and no ID, reference or account but that label.

    Text functions only on the rows that may be either, the others' text null by then: a cell is
    filled when it is not null (as the readers give an empty cell), so that a list of a million rows
    pays a tenth of a second, not twenty."""
    names = table.original_columns
    by_canon = {canonical: column for column, canonical in table.header_map.items()}
    keys = [by_canon[c] for c in ("payment_ref", "vneid", "account_number") if c in by_canon and by_canon[c] in names]
    if not names or not keys:
        return pl.lit(None, dtype=pl.String)
    # a cell of spaces alone is empty (an export that pads its cells): else the heading `Xã An Bình`
    # with spaces in its other cells had too many filled to be one, and a subtotal's label was a space
    text = {n: pl.col(n).cast(pl.String) for n in names}
    cell = {n: pl.when(text[n].str.strip_chars() != "").then(text[n]) for n in names}
    cells = [cell[n] for n in names]
    filled = pl.sum_horizontal(c.is_not_null().cast(pl.Int32) for c in cells)
    first, last = pl.coalesce(cells), pl.coalesce(cells[::-1])
    lone = pl.when(filled <= 2).then(pl.concat_str([first, last], separator=" "))
    # its label may be written in the reference's column (`Cộng I` under `Mã giao dịch`): no key else
    only_label = pl.all_horizontal(cell[k].is_null() | (cell[k] == first) for k in keys)
    label = pl.when(only_label).then(first)
    heading = lone.str.normalize("NFC").str.to_lowercase().str.contains(HEADING).fill_null(False)
    subtotal = label.str.normalize("NFC").str.to_lowercase().str.contains(SUBTOTAL).fill_null(False)
    return (
        pl.when(heading)
        .then(pl.lit(SECTION_HEADING))
        .when(subtotal)
        .then(pl.lit(TOTAL_ROW))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
