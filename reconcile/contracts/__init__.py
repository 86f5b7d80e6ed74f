"""The product contract in code: input records, findings, and their canonical columns and values.

The single source of the canonical column names, their types, whether they are required, the headers
and values recognised for them, and the COMMENT each carries in the warehouse. `schemas/` is generated
from it (`python -m reconcile.schemas_gen`) and a test keeps the two equal.
"""

from reconcile.contracts.findings import EVIDENCE_COLUMNS, FINDING_COLUMNS, RULE_COLUMNS, Finding, FindingColumn
from reconcile.contracts.records import RECORD_MODELS, Column, PaymentRecord, RecordKind, RegistryRecord, columns
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
