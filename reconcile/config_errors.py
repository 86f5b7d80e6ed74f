"""How a setting's mistake is told: the key nearest a misspelt one, the key an error is about as the
file writes it, and what is wrong with a value, in the catalogue's words (config.py, profiles.py)."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from typing import get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

# A unit a setting's name ends in or holds: `max_file_mb`, `max_line_kb`
_UNIT = re.compile(r"(?:^|_)(kb|mb|gb|tb)(?:_|$)", re.IGNORECASE)


def closest_key(model: type[BaseModel], loc: tuple) -> tuple[str, str | None] | None:
    """The key nearest a misspelt one, and the unit it is in (MB, KB) when the misspelt key names
    another unit or none: `max_file_gb` -> ('max_file_mb', 'MB'), so that a figure in GB is not read as
    MB. None when no key is near."""
    wanted = str(loc[-1])
    close = difflib.get_close_matches(wanted, _keys_beside(model, loc), n=1)
    if not close:
        return None
    unit, given = _UNIT.search(close[0]), _UNIT.search(wanted)
    if unit is None or (given is not None and given.group(1).lower() == unit.group(1).lower()):
        return close[0], None
    return close[0], unit.group(1).upper()


def _keys_beside(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys a model accepts where `loc` names one it does not (`checks.max_rejectd`: checks's;
    `skip.0.colum`: a skip rule's)."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue  # the position in a list of tables ([[skip]])
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        if get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


# pydantic's names for the member of a union a value was tried as (`debit.str`, `sheet.int`): no key
_UNION_MEMBER = re.compile(
    r"^(str|int|float|bool|list\[.*\]|dict\[.*\]|literal\[.*\]|(function|constrained|lax-or-strict|json-or-python)-.*)$"
)


def first_error(exc: ValidationError) -> ErrorDetails:
    """The error to tell: a key the file misspelt before the key it then lacks (`colum` for `column`
    gives both), else the first."""
    errors = exc.errors()
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


def where_of(error) -> str:
    """The key a validation error is about, as the file writes it, an item of a list counted from 1:
    `checks.min_group`, `header.find.1`, `skip.4.column` (the fourth [[skip]] rule)."""
    return ".".join(
        str(p + 1) if isinstance(p, int) else str(p)
        for p in error["loc"]
        if not (isinstance(p, str) and _UNION_MEMBER.match(p))
    )


def problem_of(error) -> str:
    """What is wrong with a setting's value, in the catalogue's words (pydantic's own for the rare rest).
    The models are strict: TOML has types, and true for a number or "20" for a number is a mistake."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return "must be a number"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        if isinstance(error.get("input"), str):
            return "must be a whole number, without quotes"
        if isinstance(error.get("input"), float):  # 10.000 for ten thousand, as Vietnamese writes it
            return "must be a whole number, digits only: ten thousand is 10000 (10.000 is ten)"
        return "must be a whole number"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in ("bool_parsing", "bool_type"):
        return "must be true or false, without quotes"
    if kind == "string_type":
        return "must be text in quotes"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a table of settings"
    if kind == "list_type":
        return "must be a list"
    if kind == "missing":
        return "is required"
    if kind == "string_pattern_mismatch":
        return "must be lower-case letters, digits and dashes"
    bounds = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "more than")}
    bounds |= {"less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}
    given = error.get("input")
    if kind == "less_than_equal" and ctx.get("le") == 1 and isinstance(given, int | float) and given > 1:
        # a share written as a percentage (99.85 for 99.85%)
        if given <= 100:
            return f"must be at most 1: a share is a fraction; for {given:g}% write {Decimal(repr(given)) / 100:f}"
        return "must be at most 1: a share is a fraction (0.25 for 25%)"
    if kind in bounds and bounds[kind][0] in ctx:
        return f"must be {bounds[kind][1]} {ctx[bounds[kind][0]]}"
    if kind == "literal_error" and "expected" in ctx:
        return f"must be one of {str(ctx['expected']).replace(' or ', ', ')}"
    return str(error["msg"]).removeprefix("Value error, ")
