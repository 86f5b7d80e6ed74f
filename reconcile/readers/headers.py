"""A file's header row: where it is, and what each header means (readers/lookup.py); whether the
file holds its role is readers/roles.py's."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from reconcile.contracts import RecordKind
from reconcile.errors import InputFileError
from reconcile.normalise.text import fold
from reconcile.profiles import Profile, builtin, finds_header, recognise
from reconcile.readers.lookup import canonical_of, header_lookup
from reconcile.readers.names import ROW_COLUMN
from reconcile.readers.roles import check_required


class HeaderChooser:
    """Finds the header row among a file's first rows, and the profile that describes the file.

    With a profile, its [header] says where the row is. Without one, the first built-in profile
    whose header row is found is used (recognised); failing that, the header is the first row with
    at least two recognised headers, or else the first row with any value.
    """

    def __init__(self, path: Path, kind: RecordKind, profile: Profile | None):
        self.path, self.kind, self.given = path, kind, profile
        self.profile: Profile | None = profile
        self.how = "given" if profile else "none"
        self.sub: list | None = None  # the header's second row, when the header is written over two
        self.above: list[list] = []  # the rows above the header (a title block): balances.title_balances
        self.under: list | None = None  # the row under the header: a form's numbering of its columns?

    @property
    def rows(self) -> int:
        """How many rows the header takes: 1, or 2 with a second row under group cells."""
        return 2 if self.sub is not None else 1

    def headers(self, top: list) -> list:
        """The header row's cells, with the second row's read in, when the header has one."""
        return two_row_headers(top, self.sub, self._lookup()) if self.sub is not None else top

    def _lookup(self) -> dict[str, str]:
        """Folded header -> canonical column: the built-in names, and those of the profile in use
        (its debit and credit headers too, under the names `debit` and `credit`)."""
        return _with_profile(header_lookup(self.kind), self.profile)

    def _over(self, rows: list[list], i: int, profile: Profile) -> int:
        """The header row `i` found by the profile, or the row above it when row `i` is the second row
        of a header over two (`Phát sinh` over `Ghi nợ | Ghi có`: the second row alone holds what the
        profile finds, the first the rest of the header); the second row is then noted."""
        if i > 0 and _group_row_above(rows[i - 1], rows[i], _with_profile(header_lookup(self.kind), profile)):
            self.sub = list(rows[i])
            return i - 1
        return i

    def _under(self, rows: list[list], profile: Profile) -> int | None:
        """The first row that, read with the row under it, holds the headers the profile finds: a
        statement's `Phát sinh` over `Nợ | Có`. Its index, noting the second row; None if none does."""
        lookup = _with_profile(header_lookup(self.kind), profile)
        for i in range(min(len(rows) - 1, profile.header.max_scan)):
            top, below = rows[i], rows[i + 1]
            if _reads_as_sub_header(top, below, lookup) and finds_header(profile, two_row_headers(top, below, lookup)):
                self.sub = list(below)
                return i
        return None

    def _second_row(self, rows: list[list], i: int) -> int:
        """The header row `i`, noting the row under it when it is the header's second row."""
        if i + 1 < len(rows) and _reads_as_sub_header(rows[i], rows[i + 1], self._lookup()):
            self.sub = list(rows[i + 1])
        return i

    def __call__(self, rows: list[list]) -> int:
        index = self._choose(rows)
        self.above = [list(row) for row in rows[:index]]
        after = index + self.rows
        self.under = list(rows[after]) if after < len(rows) else None
        return index

    def _choose(self, rows: list[list]) -> int:
        non_empty = [i for i, row in enumerate(rows) if any(v is not None and str(v).strip() for v in row)]
        if not non_empty:
            raise InputFileError(
                str(self.path),
                "has no header row in its first rows",
                "check the file; the header row must be near the top",
            )
        profile = self.given
        if profile is not None:
            if profile.header.row is not None:
                if profile.header.row > len(rows):
                    raise InputFileError(
                        str(self.path),
                        f"has no row {profile.header.row} for the header (profile {profile.name})",
                        "check the profile's [header] row",
                    )
                return profile.header.row - 1
            if profile.header.find:
                for i, row in enumerate(rows[: profile.header.max_scan]):
                    if finds_header(profile, row):
                        return self._over(rows, i, profile)
                under = self._under(rows, profile)
                if under is not None:
                    return under
                raise InputFileError(
                    str(self.path),
                    f"has no row with the headers {profile.header.named()} in its first "
                    f"{profile.header.max_scan} rows (profile {profile.name})",
                    "check that this is the right file for the profile, or the profile's [header] find",
                )
            return self._auto(rows, non_empty)
        hit = recognise(self.kind, rows)
        if hit is not None:
            self.profile, self.how = hit[0], "recognised"
            above = self._over(rows, hit[1], hit[0])
            return above if above != hit[1] else self._second_row(rows, hit[1])
        # a header over two rows (`Phát sinh` over `Nợ | Có`): each row read with the one under it
        lookup = header_lookup(self.kind)
        for candidate in builtin():
            if candidate.kind == self.kind:
                lookup = _with_profile(lookup, candidate)
        joined = [
            two_row_headers(top, below, lookup) if _reads_as_sub_header(top, below, lookup) else []
            for top, below in itertools.pairwise(rows)
        ]
        hit = recognise(self.kind, joined)
        if hit is not None:
            self.profile, self.how, self.sub = hit[0], "recognised", list(rows[hit[1] + 1])
            return hit[1]
        return self._auto(rows, non_empty)

    def _auto(self, rows: list[list], non_empty: list[int]) -> int:
        lookup = header_lookup(self.kind)
        for i in non_empty[:30]:
            known = sum(1 for v in rows[i] if v is not None and canonical_of(lookup, str(v)) is not None)
            if known >= 2:
                return self._second_row(rows, i)
        return non_empty[0]


def _with_profile(lookup: dict[str, str], profile: Profile | None) -> dict[str, str]:
    """A header lookup with a profile's own headers: its columns', and its debit and credit headers."""
    if profile is not None:
        for canonical in profile.columns:
            lookup.update((fold(h), canonical) for h in profile.headers_for(canonical))
        lookup.update((fold(h), "debit") for h in profile.debits())
        lookup.update((fold(h), "credit") for h in profile.credits())
    return lookup


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def two_row_headers(top: list, sub: list, lookup: dict[str, str]) -> list[str]:
    """One header per column from a header written over two rows: a group cell over several columns
    (`Thông tin tài khoản` over `Ngân hàng | Số tài khoản`, merged or not) gives way to the cells
    under it; a header merged down over both rows (`Họ và tên`) is the top cell; where both rows name
    one column, the one this tool knows (the top one if both or neither)."""
    width = max(len(top), len(sub))
    top = [_text(v) for v in top] + [""] * (width - len(top))
    sub = [_text(v) for v in sub] + [""] * (width - len(sub))
    out: list[str] = []
    group = ""  # group: the cell over the current column and the empty ones right of it
    for i, (t, s) in enumerate(zip(top, sub)):
        if t:
            spans = i + 1 < width and not top[i + 1] and bool(sub[i + 1])
            group = t if s and spans else ""
        elif not s:
            group = ""
        if not s:
            out.append(t)
        elif group:
            joined = f"{group} {s}"
            if fold(s) not in lookup:  # `Số tiền` over `Được hưởng | Đã nhận`: amounts both, the words kept
                out.append(joined if _names_known(joined, lookup) or lookup.get(fold(group)) == "amount" else s)
            else:
                # a debit or credit header of one word (`Nợ`) is read with the group over it when the two
                # make a header of several words (`Phát sinh nợ`); else alone, one of a pair (`Debit`)
                word = lookup[fold(s)] in ("debit", "credit") and " " not in fold(s)
                out.append(joined if word and _movement_of_words(joined, lookup) else s)
        elif not t:
            out.append(s)
        else:
            out.append(s if fold(s) in lookup and fold(t) not in lookup else t)
    return out


def _group_row_above(top: list, sub: list, lookup: dict[str, str]) -> bool:
    """Whether `top` is the first row of a header over two rows whose second row is `sub` (`Phát sinh`
    over `Ghi nợ | Ghi có`): it names two or more known columns itself, each over a blank cell of
    `sub` (a header merged down), and a group cell of it spans two or more cells of `sub` (a cell with
    a blank cell right of it, over filled ones). A title block's line (`Số tài khoản: 0071...`) is no
    header, and a header row under it fills the cells under that line's blanks."""
    width = max(len(top), len(sub))
    t = [_text(v) for v in top] + [""] * (width - len(top))
    b = [_text(v) for v in sub] + [""] * (width - len(sub))
    groups = [j for j in range(width - 1) if t[j] and not t[j + 1] and b[j] and b[j + 1]]
    known = [j for j, v in enumerate(t) if v and fold(v) in lookup]
    return len(known) >= 2 and bool(groups) and all(not b[j] for j in known)


def _names_known(header: str, lookup: dict[str, str]) -> bool:
    """Whether a header is one the lookup knows: whole, or (a statement's debit or credit header) as
    words within it (`Số phát sinh Nợ` holds `Phát sinh nợ`). Other headers are known whole only: a
    data row's `Đã mất` under `Trạng thái` must not read as a header `Trạng thái Đã mất`."""
    key = fold(header)
    return key in lookup or any(v in ("debit", "credit") and f" {k} " in f" {key} " for k, v in lookup.items())


def _movement_of_words(header: str, lookup: dict[str, str]) -> bool:
    """Whether a header holds a debit or credit header of several words (`Phát sinh Nợ` holds `Phát
    sinh nợ`); `Phát sinh Debit` holds only `Debit`, which says a statement as one of a pair of cells."""
    key = f" {fold(header)} "
    return any(v in ("debit", "credit") and " " in k and f" {k} " in key for k, v in lookup.items())


def _reads_as_sub_header(top: list, below: list, lookup: dict[str, str]) -> bool:
    """Whether the row under a header row is the header's second row: no number of four digits or
    more in it (a data row has an ID, a reference or an amount), and read into the header row it
    names more of the columns this tool knows than the header row alone."""
    cells = [_text(v) for v in below]
    if not any(cells) or any(re.search(r"[0-9]{4}", c) for c in cells):
        return False
    known = sum(1 for v in top if _names_known(_text(v), lookup))
    return (
        sum(1 for v in two_row_headers(top, below, lookup) if _names_known(v, lookup)) > known
        or _translation(top, cells, lookup)
        or _splits_amount(top, cells, lookup)
    )


def _splits_amount(top: list, cells: list[str], lookup: dict[str, str]) -> bool:
    """Whether the row under a header row splits its amount (`Số tiền`, merged over two columns) into
    `Được hưởng | Đã nhận` (due, received), as a post office's list does: read as a data row, it was a
    rejected row, and the amount due was read as paid."""
    heads = [_text(v) for v in top] + [""] * max(0, len(cells) - len(top))
    return any(
        lookup.get(fold(heads[i])) == "amount" and not heads[i + 1] and bool(cells[i]) and bool(cells[i + 1])
        for i in range(min(len(heads), len(cells)) - 1)
    )


# a cell that gives the unit of the amount above it: (đồng), VNĐ, Đơn vị tính: đồng (folded); not
# `nghìn đồng`, whose amounts are thousands
_UNIT_CELL = re.compile(r"^(?:don vi(?: tinh)? )?(?:vnd|vn d|dong|d)$")


def _translation(top: list, cells: list[str], lookup: dict[str, str]) -> bool:
    """Whether the row under a header row is the header in another language (`Ngày giao dịch` over
    `Transaction date`, `Ghi nợ` over `Debit`) or the amounts' unit (`(đồng)` under `Số tiền`): no
    digit in it, each of its cells under one of the header's, and two or more of them headers this
    tool knows, or all of them a unit. Read as data, it was a rejected row (its amount `Debit` not a
    number, `(đồng)` a negative amount) of a list that had none."""
    heads = [_text(v) for v in top] + [""] * max(0, len(cells) - len(top))
    if any(c and (not h or re.search(r"[0-9]", c)) for c, h in zip(cells, heads)):
        return False
    filled = [c for c in cells if c]
    return sum(1 for c in filled if _names_known(c, lookup)) >= 2 or all(_UNIT_CELL.match(fold(c)) for c in filled)


def clean_headers(headers: list) -> list[str]:
    """Header texts trimmed, with an empty header named after its position ('column 3')."""
    out = []
    for i, h in enumerate(headers, start=1):
        text = " ".join(str(h).split()) if h is not None else ""
        out.append(text or f"column {i}")
    return out


def unique_names(names: list[str]) -> list[str]:
    """Make names unique regardless of case (DuckDB struct keys ignore case): 'Note', 'NOTE (2)'."""
    seen: set[str] = {ROW_COLUMN.lower()}
    out = []
    for name in names:
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def map_headers(
    path: Path,
    kind: RecordKind,
    headers: list[tuple[str, str]],
    preset: dict[str, str] | None = None,
    require: bool = True,
) -> dict[str, str]:
    """Map headers onto canonical columns; refuse a file that has one twice (or lacks a required one).

    headers: (header as written, unique column name in the frame). `preset` holds the columns a
    profile named (unique name -> canonical); the rest are recognised by their folded header.
    Returns unique name -> canonical.
    """
    lookup = header_lookup(kind)
    mapped: dict[str, str] = dict(preset or {})
    claimed: dict[str, str] = {}
    names = {name: header for header, name in headers}
    first_of: dict[str, str] = {}  # a header text that appears twice is ambiguous, profile or not
    for header, name in headers:
        key = fold(header)
        if key in first_of and (key in lookup or name in mapped or first_of[key] in mapped):
            raise InputFileError(str(path), f"the column '{header}' appears twice", "remove or rename one of them")
        first_of.setdefault(key, name)
    claimed_by: dict[str, str] = {}  # canonical -> the unique name of the column that claimed it
    for name, preset_canonical in mapped.items():
        claimed[preset_canonical] = names.get(name, name)
        claimed_by[preset_canonical] = name
    for header, name in headers:
        if name in mapped:
            continue
        canonical = canonical_of(lookup, header)
        if canonical is None:
            continue
        if canonical in claimed:
            if preset and canonical in preset.values():
                continue  # the profile chose another column for it
            first = claimed[canonical]
            if fold(header) in FALLBACK_HEADERS:
                continue  # the year of birth beside the whole date: the date is read
            if fold(first) in FALLBACK_HEADERS:
                del mapped[claimed_by[canonical]]
                claimed[canonical], claimed_by[canonical], mapped[name] = header, name, canonical
                continue
            problem = (
                f"the column '{header}' appears twice"
                if first == header
                else f"columns '{first}' and '{header}' both read as '{canonical}'"
            )
            raise InputFileError(str(path), problem, "remove or rename one of them")
        claimed[canonical] = header
        claimed_by[canonical] = name
        mapped[name] = canonical
    _check_split_name(path, headers, mapped)
    if require:
        check_required(path, kind, mapped)
    return mapped


# Headers that name a column only where no other header does: `Năm sinh` (the year of birth) is the
# date of birth of a list that gives the year alone, and is left unread beside a `Ngày sinh`; the reason
# a list of reductions gives for each person leaving it (`Lý do giảm`: Chết, Thôi hưởng) is the status
# of a list without a `Trạng thái`
FALLBACK_HEADERS = ("nam sinh", "ly do giam", "ly do cat giam", "ly do thoi huong", "ly do dung huong")


# A name written over two columns, the family and middle names apart from the given name (Họ đệm |
# Tên): `Tên` alone would be read as the whole name, and every name would differ
SURNAME_HEADERS = ("ho dem", "ho lot", "ho va ten dem", "ho va dem", "ho va chu lot", "ho", "ho va ten lot")


def _check_split_name(path: Path, headers: list[tuple[str, str]], mapped: dict[str, str]) -> None:
    given = next(((h, name) for h, name in headers if fold(h) == "ten"), None)
    family = next(((h, name) for h, name in headers if fold(h) in SURNAME_HEADERS), None)
    if given is None or family is None:
        return
    read = [h for h, name in (given, family) if mapped.get(name) in ("full_name", "payee_name")]
    if read:  # one of them would be read as the whole name
        raise InputFileError(
            str(path),
            f"the name is split over the columns '{family[0]}' and '{given[0]}': '{read[0]}' alone would be read "
            "as the whole name",
            "join them into one column 'Họ và tên' (in Excel: =A2&\" \"&B2 with the two columns' letters) and run again",
        )
