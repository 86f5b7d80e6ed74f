"""Profiles: how to read one source's file layout, in a small TOML file.

A bank, the post office or a registry system exports its own layout: a title block above the
header row, its own Vietnamese headers, fixed facts it leaves out (a post-office list is all cash),
separate debit and credit columns, totals and balance rows mixed with the data. A profile says
all of that; `Profile` validates it with messages that name the file and the key.

Built-in profiles live in `reconcile/data/profiles/`. Without `--profile`, `recognise()` picks the
built-in profile whose header row it finds; failing that, the reader recognises the canonical
column names and common Vietnamese headers by itself.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reconcile.config_errors import closest_key, first_error, problem_of, where_of
from reconcile.contracts import RecordKind, columns
from reconcile.errors import ConfigError
from reconcile.header_words import header_contains, header_in, holds_pair, names_movement
from reconcile.normalise.text import fold
from reconcile.tomlfile import parse_toml

MAX_SCAN = 30  # rows searched for the header row
# A header row is recognised by its first cells, as many as a sheet has columns: a row of half a million
# (a hostile file's) took 35 s to compare with every profile's headers before [limits] max_columns refused it
MAX_CELLS = 16_384
NAMED_GROUP = re.compile(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>")


class HeaderSpec(BaseModel):
    """Where the header row is: a fixed row, or the first row holding all the `find` headers."""

    model_config = ConfigDict(extra="forbid", strict=True)

    row: int | None = Field(
        None, ge=1, le=1000, description="Row of the header, 1 = the first row of the file or sheet"
    )
    find: list[str | list[str]] = Field(
        default_factory=list,
        description="Headers that together identify the header row (compared without case or diacritics); "
        "each a header, or a list of alternatives any one of which will do",
    )
    max_scan: int = Field(MAX_SCAN, ge=1, le=1000, description="How many rows to search for them")

    @field_validator("find")
    @classmethod
    def _headers_given(cls, value: list[str | list[str]]) -> list[str | list[str]]:
        for header in value:
            _no_empty_header(header)
        return value

    def named(self) -> str:
        """The `find` headers as a person reads them: `Ghi nợ / Phát sinh nợ, Ghi có / Phát sinh có`."""
        return ", ".join(" / ".join(_alternatives(h)) for h in self.find)


def _no_empty_header(value: str | list[str]) -> None:
    """A header, or a list of alternatives, with nothing in it: refused when the profile is read, not
    later blaming the file."""
    headers = _alternatives(value)
    if not headers or not all(h.strip() for h in headers):
        raise ValueError("has an empty header or an empty list of alternatives")


def _no_control_character(value: str) -> None:
    """A regular expression written in double quotes has TOML read `\\b` as a backspace (and `\\t` as
    a tab): the rule would then never match, unsaid."""
    if any(ord(c) < 32 for c in value):
        raise ValueError(
            "holds a control character, as TOML reads \\b or \\t in double quotes; write a regular "
            "expression in single quotes ('\\bphi\\b')"
        )


class SkipRule(BaseModel):
    """Rows to set aside (with this reason) rather than read: totals, balances, sub-headings."""

    model_config = ConfigDict(extra="forbid", strict=True)

    column: str = Field(description="Header in the file, or canonical column name")
    matches: str = Field(description="Regular expression, searched case-insensitively in the value")
    reason: str = Field(description="Why such a row is set aside, e.g. 'a total row'")
    optional: bool = Field(
        False,
        description="The column may be missing from a file: the rule then sets nothing aside (without it, a "
        "file without the column is refused, so that a misspelt column is not passed over)",
    )
    unless: str | None = Field(
        None,
        description="Regular expression: a row whose value also holds it is not set aside by this rule (a "
        "narrative starting 'Phí' that is a payee surnamed Phí: a name before 'nhận', or an ID)",
    )

    @field_validator("matches", "unless")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is None:
            return value
        _no_control_character(value)
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
        try:  # the rule runs in polars, whose regular expressions lack a few of Python's (look-behind)
            pl.Series([""]).str.contains("(?i)" + value)
        except pl.exceptions.PolarsError:
            raise ValueError(
                "a regular expression polars cannot run (look-around and back-references "
                "are not supported); simplify it"
            ) from None
        return value


class ExtractRule(BaseModel):
    """Columns taken out of another column's text by a regular expression with named groups: a date and
    a document number in one cell (`11/09/2024 / 5254 - 05357`), a payee inside the narrative
    (`CT tu <account> <NAME> toi <account> <NAME>`). A group named after a canonical column gives that
    column; where the file has the column too, the extraction fills its blank cells only."""

    model_config = ConfigDict(extra="forbid", strict=True)

    column: str = Field(description="Header in the file (or the words it contains), or canonical column name")
    pattern: str = Field(description="Regular expression with named groups (?P<value_date>...), searched in the value")

    @field_validator("pattern")
    @classmethod
    def _named_groups(cls, value: str) -> str:
        _no_control_character(value)
        # run by polars (Rust regular expressions: \p{Lu} for an upper-case letter, no look-around)
        try:
            pl.Series([""]).str.extract_groups(value)
        except pl.exceptions.PolarsError:
            raise ValueError(
                "not a regular expression polars can run (look-around and back-references are "
                "not supported); check and simplify it"
            ) from None
        if not NAMED_GROUP.findall(value):
            raise ValueError("has no named group such as (?P<payment_ref>...) to say which column it gives")
        return value

    def groups(self) -> list[str]:
        return list(dict.fromkeys(NAMED_GROUP.findall(self.pattern)))


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short name, e.g. vn-bank-disbursement")
    description: str = Field("", description="What the profile is for, as `reconcile profiles` lists it")
    description_vi: str = Field("", description="The description in Vietnamese, listed under --lang vi")
    kind: Literal["registry", "payments"]
    sheet: Annotated[int, Field(ge=1)] | str | None = Field(
        None, description="Excel sheet: its name, or its position (1 = first)"
    )
    header: HeaderSpec = HeaderSpec()
    columns: dict[str, str | list[str]] = Field(
        default_factory=dict, description="Canonical column -> header in the file (or several alternatives)"
    )
    values: dict[str, str] = Field(
        default_factory=dict, description="Canonical column -> fixed value, used when the file has no such column"
    )
    debit: str | list[str] | None = Field(
        None, description="Header of the debit (money out) column of a statement (or several alternatives)"
    )
    credit: str | list[str] | None = Field(
        None, description="Header of the credit (money in) column of a statement (or several alternatives)"
    )
    balance: str | list[str] | None = Field(
        None, description="Header of a statement's running balance column (or several): checked row by row"
    )
    thousands: Literal[".", ",", " ", "auto"] = Field(
        "auto", description="Thousands separator of amounts; 'auto' accepts 1.500.000, 1,500,000 and 1 500 000"
    )
    date_order: Literal["dmy", "ymd", "mdy"] = Field("dmy", description="Order of day, month and year in dates")
    skip_blank: bool = Field(True, description="Set aside rows with no value at all")
    skip: list[SkipRule] = Field(default_factory=list)
    extract: list[ExtractRule] = Field(default_factory=list)
    fill_down: list[str] = Field(
        default_factory=list,
        description="Canonical columns whose blank cells take the "
        "value of the row above (a statement that prints the date once per day)",
    )

    @field_validator("debit", "credit", "balance")
    @classmethod
    def _headers_given(cls, value: str | list[str] | None) -> str | list[str] | None:
        if value is not None:
            _no_empty_header(value)
        return value

    def unknown_column(self) -> tuple[str, str] | None:
        """(key, what is wrong) for the first canonical column the profile names that is none of its
        kind's: under [columns] or [values], in fill_down, or a group of an [[extract]] pattern."""
        known = sorted(c.name for c in columns(self.kind))
        named = [(f"{key}.{name}", name) for key in ("columns", "values") for name in getattr(self, key)]
        named += [(f"fill_down.{i}", name) for i, name in enumerate(self.fill_down, start=1)]
        named += [
            (f"extract.{i}.pattern", name) for i, rule in enumerate(self.extract, start=1) for name in rule.groups()
        ]
        # a rule's column written as a column's name (lower case and _), not as a header: `narative`
        named += [
            (f"{key}.{i}.column", rule.column)
            for key in ("skip", "extract")
            for i, rule in enumerate(getattr(self, key), start=1)
            if re.fullmatch(r"[a-z]+(_[a-z]+)*", rule.column)
            and difflib.get_close_matches(rule.column, known, n=1, cutoff=0.85)
        ]
        for key, name in named:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                if close:
                    return key, f"'{name}' is not a column reconcile knows (did you mean '{close[0]}'?)"
                return key, f"'{name}' is not a column reconcile knows (one of {', '.join(known)})"
        return None

    @model_validator(mode="after")
    def _debit_and_credit(self) -> Profile:
        if self.debit or self.credit:
            if self.kind != "payments":
                raise ValueError("debit/credit: only a payments profile has them")
            if "amount" in self.columns:
                raise ValueError("columns.amount: a profile with debit/credit takes the amount from them")
        if self.balance and not self.debit:
            raise ValueError("balance: only a profile with debit/credit has a running balance")
        return self

    def described(self, lang: str) -> str:
        """The description in `lang`: the Vietnamese one under vi when the profile has it."""
        return self.description_vi if lang == "vi" and self.description_vi else self.description

    def headers_for(self, canonical: str) -> list[str]:
        return _alternatives(self.columns.get(canonical))

    def debits(self) -> list[str]:
        """The debit column's header and its alternatives, in the profile's order."""
        return _alternatives(self.debit)

    def credits(self) -> list[str]:
        return _alternatives(self.credit)

    def date_columns(self) -> list[str]:
        return [c.name for c in columns(self.kind) if c.sql_type == "DATE"]


def _validate(data: dict, source: str) -> Profile:
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        first = first_error(exc)
        where = where_of(first) or "profile"
        message = problem_of(first)
        if first["type"] == "extra_forbidden":
            close = closest_key(Profile, first["loc"])
            message = (
                f"is not a key of a profile (did you mean '{close[0]}'?)" if close else "is not a key of a profile"
            )
        raise ConfigError(f"{source}: profile setting '{where}': {message}; fix the profile") from None
    unknown = profile.unknown_column()
    if unknown is not None:
        raise ConfigError(f"{source}: profile setting '{unknown[0]}': {unknown[1]}; fix the profile")
    return profile


def load_file(path: Path) -> Profile:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: profile file not found; check the --profile path, or see 'reconcile profiles'"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}); check the --profile path") from None
    return _validate(parse_toml(path, raw, profile=True), str(path))


def builtin() -> list[Profile]:
    """The shipped profiles, in the order recognition tries them."""
    return list(_builtin())


@functools.cache
def _builtin() -> tuple[Profile, ...]:
    """The shipped profiles, read and checked once per process (a run asks for them for every file)."""
    folder = resources.files("reconcile.data").joinpath("profiles")
    profiles = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            profiles.append(_validate(tomllib.loads(entry.read_text(encoding="utf-8")), f"built-in {entry.name}"))
    return tuple(profiles)


def resolve(name_or_file: str) -> Profile:
    """A built-in profile by name, or a profile file by path."""
    for profile in builtin():
        if profile.name == name_or_file:
            return profile
    path = Path(name_or_file)
    if path.suffix.lower() == ".toml" or path.exists():
        return load_file(path)
    names = ", ".join(p.name for p in builtin())
    raise ConfigError(f"no profile named '{name_or_file}'; use one of {names}, or the path of a .toml profile")


def _alternatives(value: str | list[str] | None) -> list[str]:
    """A header, or a list of alternative headers, as a list."""
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def finds_header(profile: Profile, row: list) -> bool:
    """Whether this row holds every header the profile's `find` names (each the whole cell or words
    within it; of alternatives, any one), or its debit and credit as a pair (`Nợ`, `Có`:
    header_words.py) when `find` names them alone."""
    cells = [str(v) for v in row[:MAX_CELLS] if v is not None and str(v).strip()]
    find = profile.header.find
    money = {*profile.debits(), *profile.credits()}  # a debit's header, not the account debited's (`Tài khoản ghi nợ`)
    if not find:
        return False
    if all(
        any((names_movement if h in money else header_contains)(c, h) for c in cells for h in _alternatives(wanted))
        for wanted in find
    ):
        return True
    alone = {h for wanted in find for h in _alternatives(wanted)} <= money  # and a column besides the pair
    return alone and holds_pair(cells, profile.debits(), profile.credits()) and _cells_read(profile, row) > 2


def recognise(kind: RecordKind, rows: list[list]) -> tuple[Profile, int] | None:
    """The built-in profile of this kind whose header row is among `rows`, with its index. When the
    rows of several profiles match, the one that reads the most of its header row's cells (its
    columns, debit and credit): a layout whose `find` is a subset of another's (a bank's statement
    with the generic statement's headers and counterparty columns besides) is read by the profile
    that knows all its columns, not the first in name order. A tie goes to the first in name order."""
    found: list[tuple[int, int, int, Profile]] = []  # (cells read, -name order, row index, profile)
    for order, profile in enumerate(builtin()):
        if profile.kind != kind or not profile.header.find:
            continue
        for i, row in enumerate(rows[: profile.header.max_scan]):
            if finds_header(profile, row):
                found.append((_cells_read(profile, row), -order, i, profile))
                break
    best = max(found, key=lambda f: f[:2], default=None)
    return None if best is None else (best[3], best[2])


def _cells_read(profile: Profile, row: list) -> int:
    """How many of a header row's cells the profile reads: a column's alternative, debit, credit, balance."""
    wanted = [w for alts in profile.columns.values() for w in _alternatives(alts)]
    wanted += profile.debits() + profile.credits() + _alternatives(profile.balance)
    cells = [str(v) for v in row[:MAX_CELLS] if v is not None and str(v).strip()]
    return sum(any(fold(c) == fold(w) or header_contains(c, w) for w in wanted) for c in cells)


def near_miss(
    kind: RecordKind, headers: list[str], lacking: list[str], generic: set[str]
) -> tuple[Profile, list[str], list[str]] | None:
    """The built-in profile whose layout a header row that no profile recognised looks most like: it
    reads three or more of the row's cells, two of them at least headers of its own (none this tool
    knows without it: `generic`, folded), and would give the required columns the file is `lacking`
    (by a header the row has, a fixed value, an [[extract]] or its debit column), but the row lacks
    some header its `find` names (`Phát sinh` over `Debit | Credit`, where the profile finds `Ghi
    nợ`). A plain list that lacks a column is told of that column instead. The profile, the cells it
    reads, and the `find` headers missing (each as its alternatives); None if no profile comes that
    near. Of several, the one missing the fewest `find` headers, then reading the most cells."""
    best: tuple[int, int, int, Profile, list[str], list[str]] | None = None
    for order, profile in enumerate(builtin()):
        if profile.kind != kind or not profile.header.find:
            continue
        wanted = [w for alts in profile.columns.values() for w in _alternatives(alts)]
        read = [h for h in headers if any(fold(h) == fold(w) or header_contains(h, w) for w in wanted)]
        missing = [
            " / ".join(_alternatives(alts))
            for alts in profile.header.find
            if not any(header_contains(h, w) for h in headers for w in _alternatives(alts))
        ]
        gives = {
            c for c in profile.columns if any(header_contains(h, w) for h in headers for w in profile.headers_for(c))
        }
        gives |= set(profile.values) | {g for rule in profile.extract for g in rule.groups()}
        gives |= {"amount"} if profile.debit else set()
        own = sum(not header_in(h, generic) for h in read) >= 2  # `Mô tả/ Description`: a generic one too
        if (
            len(read) >= 3
            and own
            and missing
            and set(lacking) <= gives
            and (best is None or (-len(missing), len(read), -order) > best[:3])
        ):
            best = (-len(missing), len(read), -order, profile, read, missing)
    return None if best is None else best[3:]
