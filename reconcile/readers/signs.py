"""An amount's sign as banks write it: `-1.500.000`, `1.500.000-` and `(1.500.000)` take money out,
`+10.000.000` and `10.000.000` bring it in (a currency word and spaces aside: `- 1.500.000 VND`)."""

from __future__ import annotations

import polars as pl

# an amount's text with its spaces and currency taken out
_BARE = r"(?i)\s|vnđ|vnd|₫|đ"
NUMBER = r"[0-9][0-9.,]*"
NEGATIVE = rf"^(?:[-−–]{NUMBER}|\({NUMBER}\)|{NUMBER}[-−–])$"
POSITIVE = rf"^\+?{NUMBER}$"
SIGNED_POSITIVE = rf"^\+{NUMBER}$"


def bare(column: str) -> pl.Expr:
    """A column's text with its spaces and currency taken out."""
    return pl.col(column).cast(pl.String).str.replace_all(_BARE, "")


def number(column: str) -> pl.Expr:
    """The number of an amount, without its sign or currency."""
    return bare(column).str.extract(rf"({NUMBER})")


def unsigned(column: str) -> pl.Expr:
    """An amount as written, but without the minus sign of one written negative (`-1.500.000` beside its
    side `D`: a payment of 1,500,000)."""
    return pl.when(bare(column).str.contains(NEGATIVE)).then(number(column)).otherwise(pl.col(column))
