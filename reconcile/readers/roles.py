"""Whether a file holds the role it was given as (a registry or a payments file), with every column
that role needs."""

from __future__ import annotations

from pathlib import Path

from reconcile.contracts import RecordKind, columns
from reconcile.errors import NotThisRole
from reconcile.readers.lookup import canonical_of, header_lookup

# what else says who was paid, row by row, in a payments file without a payee's name column (a bank
# statement that names the payee in its narrative): a row with none of them is rejected for it
NAMED_BY = ("vneid", "account_number", "narrative")


def missing_required(kind: RecordKind, mapped: dict[str, str], statement: bool = False) -> list[str]:
    """The required canonical columns a file lacks: of a bank statement, the payee's name only where
    nothing else could say who was paid (NAMED_BY). A list of payments without one is refused: a
    header it has for it, not recognised (`Tên KH`), would leave every name unchecked, unsaid."""
    present = set(mapped.values())
    missing = [c.name for c in columns(kind) if c.required and c.name not in present]
    if kind == "payments" and statement and present & set(NAMED_BY):
        missing = [c for c in missing if c != "payee_name"]
    return missing


def check_required(path: Path, kind: RecordKind, mapped: dict[str, str], statement: bool = False) -> None:
    """Refuse a file that lacks a required canonical column (after a profile added its own)."""
    missing = missing_required(kind, mapped, statement)
    if missing:
        raise NotThisRole(
            str(path),
            f"required column '{missing[0]}' is missing from the {kind} file"
            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""),
            _fix(missing[0]),
        )


# a column a file of one programme or one channel often leaves out, and a value to show for it
_ONE_VALUE = {"program": "welfare", "channel": "bank"}


def _fix(column: str) -> str:
    """What to do about a required column the file lacks: a registry of one programme (no `Chế độ`
    column) is told how to say its programme, not only to add a column of the same value."""
    if column in _ONE_VALUE:
        return (
            f"add it, or, if every row of the file has the same {column}, pass a --profile whose [values] "
            f"sets it ({column} = \"{_ONE_VALUE[column]}\"; see 'reconcile profiles')"
        )
    return f"add it or rename the column that holds it to '{column}', or pass a --profile that maps it"


# Columns only a payments file has: a registry lists who is entitled, never a transfer's reference
# and date
PAYMENT_ONLY = ("payment_ref", "value_date")

# Columns only a registry has: what is due, who the beneficiary is and where they live
REGISTRY_ONLY = (
    "entitled_amount",
    "category",
    "gender",
    "province_code",
    "district_code",
    "commune_code",
    "date_of_death",
)


def check_role(
    path: Path, kind: RecordKind, headers: list[str], mapped: dict[str, str], sheet: str | None = None
) -> None:
    """Refuse a file (or sheet) given in the wrong role: a payments list given as --registry (it has a
    payment reference and a value date, which no registry has), or a registry given as --payments
    (it lacks a payments file's own columns and has every column a registry needs)."""
    other: RecordKind = "payments" if kind == "registry" else "registry"
    lookup = header_lookup(other)
    as_other: dict[str, str] = {}
    for header in headers:
        canonical = canonical_of(lookup, header)
        if canonical is not None:
            as_other.setdefault(canonical, header)
    where = "" if sheet is None else f"the sheet '{sheet}' "
    own = header_lookup(kind)
    if kind == "registry":
        registry_only = [
            h for h in headers if canonical_of(own, h) in REGISTRY_ONLY and canonical_of(lookup, h) is None
        ]
        present = [c for c in PAYMENT_ONLY if c in as_other]
        # both payment columns, or one of them and nothing only a registry has (a post-office list
        # without references): a list of payments
        if len(present) == len(PAYMENT_ONLY) or (present and not registry_only):
            what = " and ".join(("a payment reference", "a value date")[PAYMENT_ONLY.index(c)] for c in present)
            raise NotThisRole(
                str(path),
                f"{where}looks like a payments file, not a beneficiary registry (it has {what}: "
                + ", ".join(f"'{as_other[c]}'" for c in present)
                + ")",
                "give it as --payments",
            )
        return
    mine = set(mapped.values())
    registry_only = sorted(
        (h for h in headers if canonical_of(lookup, h) in REGISTRY_ONLY and canonical_of(own, h) is None),
        key=lambda h: REGISTRY_ONLY.index(str(canonical_of(lookup, h))),
    )
    if (
        registry_only
        and any(c not in mine for c in PAYMENT_ONLY)
        and all(c.name in as_other for c in columns("registry") if c.required)
    ):
        found = ", ".join(f"'{h}'" for h in registry_only[:3])
        raise NotThisRole(
            str(path),
            f"{where}looks like a beneficiary registry, not a payments file (it has {found} "
            "and no payment reference or value date)",
            "give it as --registry",
        )


def no_data_rows(path: Path, kind: RecordKind, sheet: str | None = None) -> NotThisRole:
    """A file (or sheet) of headers alone: an export cut short, or, for payments, a bank or post
    office that paid no one this month, whose file is then left out (its beneficiaries, if any are
    registered with it, are each a MISSING_PAYMENT, or its source is missing: checks_coverage.py)."""
    return NotThisRole(
        str(path),
        "has a header row but no data rows"
        if sheet is None
        else f"the sheet '{sheet}' has a header row but no data rows",
        "check that the export finished and send the complete file"
        + ("; if no one was paid through it this month, leave it out" if kind == "payments" else ""),
    )
