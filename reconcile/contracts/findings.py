"""A finding: one row of `flags`, a mismatch with its evidence. Its columns are defined here once:
the flags table, the rules' result table, the Finding schema and the Spark engine's output all derive
from FINDING_COLUMNS."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, create_model

from reconcile.contracts.values import Severity


@dataclass(frozen=True)
class FindingColumn:
    """One column of a finding (a row of `flags`)."""

    name: str
    sql_type: str
    comment: str
    required: bool = False  # never NULL


# A finding's columns, defined here once: the flags table, the rules' result table, the Finding
# schema and the Spark engine's output are all derived from this list. The first six the run adds;
# a rule's SELECT returns `code` and the evidence columns after them (EVIDENCE_COLUMNS), by name.
FINDING_COLUMNS: tuple[FindingColumn, ...] = (
    FindingColumn(
        "flag_id",
        "VARCHAR",
        "Stable id of the finding: HMAC-SHA256 under the database's key of its content (period, "
        "code, reference, ID, programme, amounts), as 3f9a-0c41-77d2-e5b0; without the key it cannot be recomputed",
        required=True,
    ),
    FindingColumn("period", "VARCHAR", "Reconciliation period YYYY-MM", required=True),
    FindingColumn("run_id", "VARCHAR", "Run that wrote this row (runs.run_id)", required=True),
    FindingColumn("code", "VARCHAR", "Finding code (see the rules table)", required=True),
    FindingColumn("severity", "VARCHAR", "low, medium, high or critical", required=True),
    FindingColumn("severity_rank", "INTEGER", "1 low .. 4 critical, for sorting", required=True),
    FindingColumn(
        "vneid",
        "VARCHAR",
        "Beneficiary's ID, where the finding has a beneficiary side; of a payment matched to no one, the ID it "
        "was paid under",
    ),
    FindingColumn("payment_ref", "VARCHAR", "Payment reference, where the finding has a payment side"),
    FindingColumn("program", "VARCHAR", "welfare, pension or unknown"),
    FindingColumn("expected_amount", "BIGINT", "Amount due, VND"),
    FindingColumn(
        "paid_amount",
        "BIGINT",
        "Amount of the payment, VND; for PAYMENT_FAILED (and a failed or returned payment's other findings) "
        "the amount sent that did not arrive: nothing was paid",
    ),
    FindingColumn("detail", "VARCHAR", "What was found, in English", required=True),
    FindingColumn("source_file", "VARCHAR", "File holding the evidence", required=True),
    FindingColumn("source_row", "BIGINT", "Row of the evidence in that file (header is row 1)", required=True),
    FindingColumn("full_name", "VARCHAR", "Beneficiary's name in the registry"),
    FindingColumn("payee_name", "VARCHAR", "Payee name on the payment"),
    FindingColumn("account_number", "VARCHAR", "Account the payment went to, or the registered one"),
    FindingColumn("province_code", "VARCHAR", "Beneficiary's province"),
    FindingColumn("commune_code", "VARCHAR", "Beneficiary's commune"),
    FindingColumn("match_method", "VARCHAR", "How the payment was matched (matches.method)"),
    FindingColumn("payment_id", "BIGINT", "payments.payment_id"),
    FindingColumn("registry_id", "BIGINT", "registry.registry_id"),
    FindingColumn(
        "source_sheet", "VARCHAR", "Sheet of the workbook the row was read from (NULL for files without sheets)"
    ),
    # added after the evidence, as source_sheet was: a database of an earlier version gains it last
    FindingColumn(
        "case_id",
        "VARCHAR",
        "The case the finding belongs to (cases.case_id): HMAC-SHA256 under the database's key of its code, "
        "programme and subject (the ID, else the account, else the payment reference), the same in every "
        "period and re-run",
    ),
)
RUN_ADDED_LAST = ("case_id",)  # added by the run after the evidence (store_flags.sql), not by a rule
RULE_COLUMNS = tuple(c for c in FINDING_COLUMNS[3:] if c.name not in RUN_ADDED_LAST)  # code, severity, rank, evidence
EVIDENCE_COLUMNS = tuple(c.name for c in RULE_COLUMNS[3:])  # what a rule's SELECT returns after its code

_PYTHON_TYPES = {"VARCHAR": str, "BIGINT": int, "INTEGER": int}
_FINDING_FIELD_SPECIAL = {
    "period": Field(description="Reconciliation period YYYY-MM", pattern=r"^\d{4}-\d{2}$"),
    "severity": Field(description="low, medium, high or critical"),
}


def _finding_model() -> type[BaseModel]:
    fields: dict = {}
    for c in FINDING_COLUMNS:
        kind = Severity if c.name == "severity" else _PYTHON_TYPES[c.sql_type]
        field = _FINDING_FIELD_SPECIAL.get(c.name) or Field(... if c.required else None, description=c.comment)
        fields[c.name] = (kind if c.required else kind | None, field)
    return create_model(
        "Finding",
        __config__=ConfigDict(title="Finding", use_enum_values=True),
        __doc__="One row of `flags`: a mismatch with its evidence.",
        **fields,
    )


Finding = _finding_model()
