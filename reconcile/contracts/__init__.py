"""The product contract in code: input records, findings, and their canonical columns and values.

The single source of the canonical column names, their types, whether they are required, the headers
and values recognised for them, and the COMMENT each carries in the warehouse. `schemas/` is generated
from it (`python -m reconcile.schemas_gen`) and a test keeps the two equal.
"""

from typing import TYPE_CHECKING

from reconcile.contracts.values import (
    ENUM_ALIASES,
    NONCASH_CHANNELS,
    SEVERITY_RANK,
    BeneficiaryStatus,
    Channel,
    Gender,
    PaymentStatus,
    Program,
    Severity,
)

if TYPE_CHECKING:
    from reconcile.contracts.findings import EVIDENCE_COLUMNS, FINDING_COLUMNS, RULE_COLUMNS, Finding, FindingColumn
    from reconcile.contracts.records import RECORD_MODELS, Column, PaymentRecord, RecordKind, RegistryRecord, columns

# the records and findings are pydantic models, imported when first used: the command line's help
# and its light commands do not load pydantic
_LAZY = {
    **dict.fromkeys(("EVIDENCE_COLUMNS", "FINDING_COLUMNS", "RULE_COLUMNS", "Finding", "FindingColumn"), "findings"),
    **dict.fromkeys(("RECORD_MODELS", "Column", "PaymentRecord", "RecordKind", "RegistryRecord", "columns"), "records"),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'reconcile.contracts' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"reconcile.contracts.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ENUM_ALIASES",
    "EVIDENCE_COLUMNS",
    "FINDING_COLUMNS",
    "NONCASH_CHANNELS",
    "RECORD_MODELS",
    "RULE_COLUMNS",
    "SEVERITY_RANK",
    "BeneficiaryStatus",
    "Channel",
    "Column",
    "Finding",
    "FindingColumn",
    "Gender",
    "PaymentRecord",
    "PaymentStatus",
    "Program",
    "RecordKind",
    "RegistryRecord",
    "Severity",
    "columns",
]
