"""The date of birth written over two columns by sex, as the commune's and the post office's lists
print it: `Năm sinh` over `Nam | Nữ` (`NAM | NỮ`, `Nam | Nu`, or in English `Male | Female`), the
year (or the date) in the column of the person's sex and the other cell blank. Read as one date of birth, and, in a registry without a gender column, the
gender the filled column gives. A row with both cells filled says two things: its date of birth is
both values (`1953 / 1960`), which no date is, so the row is rejected and says why."""

from __future__ import annotations

import re

import polars as pl

from reconcile.normalise.text import fold
from reconcile.readers.lookup import SEXES
from reconcile.readers.names import DERIVED
from reconcile.readers.tables import RawTable

# `Năm sinh Nam`, `Ngày sinh Nữ`, `Năm sinh Female`, ...: the header two_row_headers gives such a
# column, or one written so
SPLIT = re.compile(rf"^(.+) ({'|'.join(SEXES)})$")


def split_birth_columns(
    headers: list[tuple[str, str]], lookup: dict[str, str]
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The columns of the male and female dates of birth ({'nam': name, 'nu': name}, or {} when the
    file has not both), and the file's other headers (header, name)."""
    found: dict[str, str] = {}
    for header, name in headers:
        m = SPLIT.match(fold(header))
        if m and lookup.get(m.group(1)) == "date_of_birth":
            found.setdefault(SEXES[m.group(2)], name)
    if set(found) != {"nam", "nu"}:
        return {}, headers
    return found, [(h, n) for h, n in headers if n not in found.values()]


def read_split_birth(table: RawTable, split: dict[str, str]) -> None:
    """The date of birth (and, in a registry without a gender column, the gender) from the two columns."""
    if not split:
        return

    def filled(column: str) -> pl.Expr:
        text = pl.col(column).cast(pl.String).str.strip_chars()
        return pl.when(text == "").then(None).otherwise(text)

    male, female = filled(split["nam"]), filled(split["nu"])
    derived = [
        pl.when(male.is_not_null() & female.is_not_null())
        .then(pl.concat_str([male, female], separator=" / "))
        .otherwise(pl.coalesce(male, female))
        .alias(DERIVED + "date_of_birth")
    ]
    table.header_map[DERIVED + "date_of_birth"] = "date_of_birth"
    note = f"date_of_birth from '{split['nam']}' and '{split['nu']}'"
    if table.kind == "registry" and "gender" not in table.header_map.values():
        derived.append(
            pl.when(male.is_not_null() & female.is_null())
            .then(pl.lit("male"))
            .when(female.is_not_null() & male.is_null())
            .then(pl.lit("female"))
            .alias(DERIVED + "gender")
        )
        table.header_map[DERIVED + "gender"] = "gender"
        note += "; gender from which of them is filled"
    table.frame = table.frame.with_columns(derived)
    table.consumed |= set(split.values())
    table.converted.update(dict.fromkeys(split.values(), "date_of_birth"))
    table.notes.append(note)
