"""Settings: targets, tolerances and thresholds, from a TOML file and command-line flags."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reconcile.config_errors import closest_key, first_error, problem_of, where_of
from reconcile.errors import ConfigError
from reconcile.tomlfile import parse_toml, read_once

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class Targets(BaseModel):
    """Non-cash share targets per programme, as fractions (0.9985 = 99.85%)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    welfare: float = Field(0.9985, ge=0, le=1, description="Target non-cash share of welfare payments")
    pension: float = Field(0.93, ge=0, le=1, description="Target non-cash share of pension payments")


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    amount_tolerance: int = Field(
        0, ge=0, description="VND a total paid may differ from the amount due before AMOUNT_MISMATCH"
    )
    name_similarity: float = Field(
        0.92,
        ge=0,
        le=1,
        description="Jaro-Winkler similarity of name keys needed to accept a name with a typo (given names must agree)",
    )
    name_truncation_min_length: int = Field(
        15,
        ge=1,
        description="A payee name at least this long that is the start of the registry name counts as cut short by the bank",
    )
    shared_account_min_beneficiaries: int = Field(
        3, ge=2, description="Distinct beneficiaries paid into one account before SHARED_ACCOUNT"
    )


class Matching(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name_without_dob: bool = Field(
        False,
        description="Also match a payment with no ID and no account match on its name alone, when that name is unique in the registry",
    )
    february_with_january: list[Literal["welfare", "pension"]] = Field(
        ["pension"],
        description="Programmes whose February is paid in January, before Tết: in a January period, a payment of twice the amount due whose narrative names no month but January and February pays both",
    )


class Checks(BaseModel):
    """The month's guards: each stops a run that looks incomplete or mis-supplied (exit 2).
    min_coverage = 0, min_source = 0, min_in_period = 0, a maximum of 1, or control_totals, running_balance or
    statement_chain = false turns that guard off."""

    model_config = ConfigDict(extra="forbid", strict=True)

    min_group: int = Field(
        20,
        ge=0,
        description="Source coverage: a programme and registered channel (bank or e-wallet "
        "per bank code, and cash) is checked when it has at least this many active beneficiaries",
    )
    min_source: int = Field(
        5,
        ge=0,
        description="Source coverage: a source (the post office, a bank), or its file of one programme, whose groups "
        "are each smaller than min_group is still missing when it has at least this many active beneficiaries and none "
        "of them has a payment row; so is the post office's list of a commune of this many registered for cash, and a "
        "commune's registry list when this many unknown payees were its beneficiaries last month (0: not checked)",
    )
    min_coverage: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Source coverage: a checked group with a payment row for fewer than this share of its active "
        "beneficiaries has a missing source (the run stops unless --partial); a commune's registry list is left out "
        "when at least this share of its beneficiaries last month were paid as unknown payees",
    )
    warn_coverage: float = Field(
        0.9,
        ge=0,
        le=1,
        description="Source coverage: a checked group with a payment row for fewer than this share of its active "
        "beneficiaries (but at least min_coverage), at least min_group of them without one, is said in a warning: a "
        "part of its source's file (a day's batch) may have been left out (0: not said)",
    )
    min_in_period: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Period: a payments file with fewer than this share of its "
        "successful payments dated in the period is the wrong month's file; so is one of at least min_group (at 0.5 or "
        "more) with as many dated in one other month as in the period",
    )
    max_other_month: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Month named: a payments file of at least min_group payments with more than this share of "
        "its successful payments' narratives naming one month that is not the period (T08/2024 in a run of "
        "2024-09) is the wrong month's file, dated in the period (re-exported or paid late); set it to 1 for a "
        "file of arrears paid late",
    )
    max_stand_in: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Period: a payments file with more than this share of its successful payments, and at least "
        "min_group, dated outside the period to active beneficiaries who have no payment row dated in it (a file "
        "exported for 16/08 to 15/09: August's payment in place of September's) is refused; set it to 1 to "
        "reconcile such payments as out of the period",
    )
    max_repeated_refs: float = Field(
        0.5,
        ge=0,
        le=1,
        description="The same data twice: a payments file with more than "
        "this share of its references already in another input is refused",
    )
    max_repeated_ids: float = Field(
        0.5,
        ge=0,
        le=1,
        description="The same registry twice: a registry file with more than this share "
        "of its beneficiaries' IDs already in another registry file is refused",
    )
    max_scaled: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Scale of amounts: a payments file with more than this share "
        "of its matched payments equal to the amount due divided or multiplied by 1,000 is refused",
    )
    max_unmatched: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Payments the registry does not know: a payments file of at least min_group payments with more than "
        "this share, or of min_source all, matching no beneficiary is refused (its registry left out or cut short)",
    )
    max_unmatched_month: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Unknown payees: a month with more than this share of its payments matching no one is refused",
    )
    max_rejected: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Rows refused: a registry or payments file of at least min_group rows with more than this "
        "share of them refused for a problem is refused, with the commonest reason (a column or a format read "
        "wrong, not a few bad rows)",
    )
    min_amount: int = Field(
        10_000,
        ge=0,
        description="Amounts in thousands: a registry or payments file of at least min_group amounts (active "
        "beneficiaries' amounts due, successful payments) more than half of which are under this many VND is "
        "refused: written in thousands of đồng, 1.500 for 1.500.000 (0: not checked). Also the smallest amount "
        "recovered or written off that review import takes when a thousand times it is no more than the most it "
        "can record (500.000 read as 500 by an Excel set to English)",
    )
    control_totals: bool = Field(
        True,
        description="Check a file's own totals (camt TxsSummry and GrpHdr, a totals row, a camt or MT940 "
        "statement's opening and closing balances) against what was read, and refuse it when they differ",
    )
    running_balance: bool = Field(
        True,
        description="Check a statement export's running balance (Số dư) row by row, from the opening balance "
        "to the closing balance, and refuse it when a balance does not follow (a row deleted or edited)",
    )
    statement_chain: bool = Field(
        True,
        description="Check that the daily camt/MT940 statements of one account given together chain (each one "
        "opens at the closing balance of the one before it), as do the parts of one account's statement export, "
        "and refuse them when a day's statement or the export of some days is missing",
    )


class Limits(BaseModel):
    """Bounds on what a file may be, so that a hostile or broken file is refused in seconds (exit 2)
    rather than exhausting the machine (reconcile/readers/limits.py)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    max_file_mb: int = Field(4096, ge=1, description="Largest input file, MB")
    max_unzipped_mb: int = Field(4096, ge=1, description="Largest size an xlsx workbook may expand to when opened, MB")
    max_zip_ratio: int = Field(
        200,
        ge=10,
        description="Largest ratio of an xlsx's size opened to its size on disk (for workbooks over 64 MB opened): "
        "more is a zip bomb; the same for a Parquet file's columns, as its footer sizes them",
    )
    max_line_kb: int = Field(1024, ge=64, description="Longest line of a CSV or text file, KB")
    max_field_kb: int = Field(
        1024,
        ge=64,
        description="Longest field of a CSV file (a quoted field may span lines), "
        "longest text or attribute of camt XML and longest field of MT940, KB",
    )
    max_columns: int = Field(2000, ge=10, description="Most columns in a file or sheet")
    max_sheet_cells: int = Field(
        50_000_000,
        ge=100_000,
        description="Most cells in an xlsx sheet's used range (its last row times its last column), "
        "all of which the reader holds: 1,048,576 rows of 47 columns; and most values in a Parquet file "
        "read whole (nested columns or a profile), as its footer counts them",
    )
    max_payments_per_id: int = Field(
        1000,
        ge=100,
        description="Most payment rows of one payee ID in a run: a month pays a person a few times, and "
        "millions of rows of one ID would fill the memory of matching",
    )
    max_xml_depth: int = Field(64, ge=16, description="Deepest nesting of elements in camt XML")


class Settings(BaseModel):
    """Everything a run can be tuned by. Loaded from TOML; every key optional."""

    model_config = ConfigDict(extra="forbid", strict=True)

    targets: Targets = Targets()
    thresholds: Thresholds = Thresholds()
    matching: Matching = Matching()
    checks: Checks = Checks()
    limits: Limits = Limits()
    lang: Literal["vi", "en"] = "vi"

    @classmethod
    def load(cls, path: Path | None) -> Settings:
        if path is None:
            return cls()
        try:
            raw = read_once(Path(path))
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found; check the --config path") from None
        except IsADirectoryError:
            raise ConfigError(f"{path}: is a folder; pass the TOML file to --config") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot be read ({exc.strerror}); check the --config path") from None
        data = parse_toml(path, raw)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = first_error(exc)
            where = where_of(first)
            if first["type"] == "extra_forbidden":
                home = _section_of(str(first["loc"][-1]))
                if home is not None and tuple(first["loc"][:-1]) != (home,):
                    raise ConfigError(
                        f"{path}: '{where}' is not a setting there; it belongs in [{home}]: move it"
                    ) from None
                close = closest_key(cls, first["loc"])
                if close and close[1]:
                    raise ConfigError(
                        f"{path}: '{where}' is not a setting of reconcile (did you mean '{close[0]}'? it is in "
                        f"{close[1]}); correct or remove it"
                    ) from None
                if close:
                    raise ConfigError(
                        f"{path}: '{where}' is not a setting of reconcile (did you mean '{close[0]}'?); "
                        "correct or remove it"
                    ) from None
                raise ConfigError(
                    f"{path}: '{where}' is not a setting of reconcile; correct or remove it "
                    "(docs/operations.md lists the settings)"
                ) from None
            raise ConfigError(f"{path}: setting '{where}': {problem_of(first)}; fix the value") from None


def _section_of(key: str) -> str | None:
    """The [section] of the settings that has this key (a key written in the wrong one)."""
    for name, field in Settings.model_fields.items():
        section = field.annotation
        if isinstance(section, type) and issubclass(section, BaseModel) and key in section.model_fields:
            return name
    return None


def declared_lang(path: Path | None) -> str | None:
    """The `lang` a config file sets, read on its own before the rest of the file is checked, so that
    what is wrong with the rest is said in that language. None when the file sets no valid lang, or
    cannot be read or parsed at all (its error is then said in the default language)."""
    if path is None:
        return None
    try:
        lang = tomllib.loads(read_once(Path(path)).decode("utf-8-sig")).get("lang")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return lang if lang in ("vi", "en") else None


def check_period(period: str) -> str:
    match = PERIOD_RE.match(period or "")
    if not match:
        raise ConfigError(f"period '{period}' is not YYYY-MM; pass e.g. --period 2024-09")
    if not 1900 <= int(match.group(1)) <= 2100:
        raise ConfigError(f"period '{period}' is not a year from 1900 to 2100; pass e.g. --period 2024-09")
    return period
