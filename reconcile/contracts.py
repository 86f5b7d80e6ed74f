"""The product contract in code: input records, findings, and their canonical columns.

This module is the single source of the canonical column names, their types, whether they are
required, the headers recognised for them, and the COMMENT each carries in the warehouse.
`schemas/` is generated from it (`python -m reconcile.schemas_gen`) and a test keeps the two equal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model


class Program(str, Enum):
    welfare = "welfare"
    pension = "pension"


class Channel(str, Enum):
    bank = "bank"
    ewallet = "ewallet"
    cash = "cash"


class BeneficiaryStatus(str, Enum):
    active = "active"
    suspended = "suspended"
    terminated = "terminated"
    deceased = "deceased"


class PaymentStatus(str, Enum):
    success = "success"
    failed = "failed"
    returned = "returned"


class Gender(str, Enum):
    male = "male"
    female = "female"


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.value]


SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}

NONCASH_CHANNELS = (Channel.bank.value, Channel.ewallet.value)

# Values accepted for each enumeration, compared after `fold` (lower case, no diacritics, đ→d,
# punctuation to spaces). The canonical English value is always accepted.
ENUM_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "program": {
        "welfare": ("tro cap xa hoi", "tro cap", "bao tro xa hoi", "btxh", "tcxh", "social assistance"),
        "pension": ("luong huu", "huu tri", "bhxh", "pensions"),
    },
    "channel": {
        "bank": ("ngan hang", "chuyen khoan", "tai khoan", "atm", "account", "bank transfer"),
        "ewallet": (
            "e wallet",
            "vi dien tu",
            "mobile money",
            "momo",
            "viettel money",
            "vnpt money",
            "zalopay",
            "wallet",
        ),
        "cash": ("tien mat", "truc tiep", "chi tra truc tiep"),
    },
    "beneficiary_status": {
        "active": ("dang huong", "hoat dong", "binh thuong", "con huong"),
        "suspended": ("tam dung", "tam ngung", "tam dinh chi"),
        "terminated": ("thoi huong", "cat", "dung huong", "cham dut", "cat giam"),
        "deceased": ("chet", "da chet", "tu tran", "qua doi", "da mat", "mat", "dead"),
    },
    "payment_status": {
        "success": ("thanh cong", "ok", "completed", "da chi", "da tra", "paid", "succeeded"),
        "failed": ("that bai", "loi", "khong thanh cong", "rejected", "fail", "error"),
        "returned": ("hoan tra", "tra lai", "bi tra lai", "hoan", "return", "refunded"),
    },
    "gender": {
        "male": ("nam", "m"),
        "female": ("nu", "f"),
    },
}


# Characters that show as nothing: soft hyphen, Mongolian vowel separator, zero-width space, joiners
# and direction marks, bidirectional embeddings and isolates, word joiner and invisible operators,
# BOM. Removed from every value before it is compared (the SQL macro rc_text removes the same set).
INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x180E,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        0xFEFF,
    ]
)


def fold(text: str) -> str:
    """Lower case, no diacritics, đ/Đ to d, invisible characters removed, anything but letters and
    digits to single spaces.

    The same folding as the SQL macro `rc_fold`; used to compare headers and enum values.
    """
    text = unicodedata.normalize("NFC", text.translate(INVISIBLE)).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    out = []
    for ch in stripped.lower():
        out.append(ch if ch.isascii() and ch.isalnum() else " ")
    return " ".join("".join(out).split())


@dataclass(frozen=True)
class Column:
    """One canonical column of an input record."""

    name: str
    sql_type: str
    required: bool
    comment: str
    aliases: tuple[str, ...] = ()
    default: str | None = None


def _col(*, sql: str, required: bool, comment: str, aliases: tuple[str, ...] = (), default: str | None = None):
    return Field(
        default=None if not required else ...,
        description=comment,
        json_schema_extra={"x-sql-type": sql, "x-aliases": list(aliases), "x-default": default, "x-required": required},
    )


VNEID_ALIASES = (
    "so dinh danh ca nhan",
    "so dinh danh",
    "ma dinh danh",
    "so cccd",
    "cccd",
    "so can cuoc",
    "so can cuoc cong dan",
    "can cuoc cong dan",
    "so cmnd cccd",
    "cmnd cccd",
    "personal id",
    "national id",
    "id number",
    "citizen id",
)
ACCOUNT_ALIASES = (
    "so tai khoan",
    "stk",
    "tai khoan",
    "so tai khoan thu huong",
    "tai khoan thu huong",
    "account",
    "account no",
    "account number",
)
BANK_ALIASES = ("ma ngan hang", "ngan hang", "ngan hang thu huong", "ma ngan hang thu huong", "bank", "bank name")


class RegistryRecord(BaseModel):
    """One beneficiary of one programme, as the registry lists them for the period."""

    model_config = ConfigDict(title="Registry record", use_enum_values=True)

    vneid: str = _col(
        sql="VARCHAR",
        required=True,
        aliases=VNEID_ALIASES,
        comment="Personal identification number (số định danh cá nhân / CCCD), 12 digits, leading zeros kept",
    )
    full_name: str = _col(
        sql="VARCHAR",
        required=True,
        aliases=("ho va ten", "ho ten", "ten", "name", "ho ten doi tuong", "ten doi tuong", "ho ten nguoi huong"),
        comment="Beneficiary's name with Vietnamese diacritics, Unicode NFC",
    )
    date_of_birth: date | None = _col(
        sql="DATE",
        required=False,
        aliases=("ngay sinh", "ngay thang nam sinh", "dob", "birth date"),
        comment="Date of birth (a year alone is kept as birth_year)",
    )
    gender: Gender | None = _col(sql="VARCHAR", required=False, aliases=("gioi tinh", "sex"), comment="male or female")
    program: Program = _col(
        sql="VARCHAR",
        required=True,
        aliases=("chuong trinh", "che do", "loai tro cap", "programme"),
        comment="welfare (social assistance) or pension",
    )
    category: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=("doi tuong", "nhom doi tuong", "loai doi tuong"),
        comment="Beneficiary category, e.g. elderly 80+, disability",
    )
    entitled_amount: int = _col(
        sql="BIGINT",
        required=True,
        aliases=("so tien huong", "muc huong", "so tien duoc huong", "muc tro cap", "so tien phai tra", "so tien"),
        comment="Amount due for the period, integer VND",
    )
    channel: Channel = _col(
        sql="VARCHAR",
        required=True,
        aliases=("hinh thuc chi tra", "kenh chi tra", "phuong thuc chi tra", "hinh thuc nhan"),
        comment="Registered disbursement channel: bank, ewallet or cash",
    )
    bank_code: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=BANK_ALIASES,
        comment="Bank short code or BIN of the registered account; required unless channel is cash",
    )
    account_number: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=ACCOUNT_ALIASES,
        comment="Registered account number, leading zeros kept; required unless channel is cash",
    )
    province_code: str | None = _col(
        sql="VARCHAR", required=False, aliases=("ma tinh", "province"), comment="Province code (2 digits)"
    )
    district_code: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=("ma huyen", "district"),
        comment="District code (3 digits), pre-July-2025 layout only",
    )
    commune_code: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=("ma xa", "ma phuong xa", "commune", "ward"),
        comment="Commune code (5 digits)",
    )
    status: BeneficiaryStatus = _col(
        sql="VARCHAR",
        required=False,
        default="active",
        aliases=("trang thai", "tinh trang"),
        comment="active, suspended, terminated or deceased (default active)",
    )
    date_of_death: date | None = _col(
        sql="DATE",
        required=False,
        aliases=("ngay mat", "ngay chet", "ngay tu tran"),
        comment="Date of death, when known",
    )


class PaymentRecord(BaseModel):
    """One transfer or cash payout, as a bank or the post office reports it."""

    model_config = ConfigDict(title="Payment record", use_enum_values=True)

    payment_ref: str = _col(
        sql="VARCHAR",
        required=True,
        aliases=(
            "so tham chieu",
            "ma tham chieu",
            "ma giao dich",
            "so giao dich",
            "so but toan",
            "reference",
            "ref",
            "transaction id",
        ),
        comment="Bank or post office reference, unique within its file",
    )
    vneid: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=VNEID_ALIASES,
        comment="Payee's personal identification number; when absent, taken from the narrative",
    )
    payee_name: str = _col(
        sql="VARCHAR",
        required=True,
        aliases=(
            "ten nguoi thu huong",
            "ten nguoi nhan",
            "ten tai khoan",
            "ten chu tai khoan",
            "ho va ten",
            "ho ten",
            "beneficiary name",
            "payee",
            "name",
        ),
        comment="Payee name as on the account or payout list, Unicode NFC",
    )
    date_of_birth: date | None = _col(
        sql="DATE",
        required=False,
        aliases=("ngay sinh", "dob"),
        comment="Payee's date of birth, when the payout list carries it",
    )
    bank_code: str | None = _col(sql="VARCHAR", required=False, aliases=BANK_ALIASES, comment="Bank the money went to")
    account_number: str | None = _col(
        sql="VARCHAR", required=False, aliases=ACCOUNT_ALIASES, comment="Account the money went to, leading zeros kept"
    )
    amount: int = _col(
        sql="BIGINT",
        required=True,
        aliases=("so tien", "so tien chi tra", "so tien chuyen", "so tien chi"),
        comment="Amount paid, integer VND",
    )
    value_date: date = _col(
        sql="DATE",
        required=True,
        aliases=(
            "ngay giao dich",
            "ngay chi tra",
            "ngay hieu luc",
            "ngay chuyen",
            "ngay chi",
            "ngay",
            "date",
            "transaction date",
        ),
        comment="Value date of the transfer or payout",
    )
    channel: Channel = _col(
        sql="VARCHAR",
        required=True,
        aliases=("hinh thuc chi tra", "kenh chi tra", "phuong thuc chi tra"),
        comment="bank, ewallet or cash",
    )
    status: PaymentStatus = _col(
        sql="VARCHAR",
        required=False,
        default="success",
        aliases=("trang thai", "ket qua", "tinh trang"),
        comment="success, failed or returned (default success)",
    )
    program: Program | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=("chuong trinh", "che do", "loai tro cap", "programme"),
        comment="welfare or pension; when absent, the matched beneficiary's",
    )
    narrative: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=("noi dung", "dien giai", "mo ta", "description", "narrative"),
        comment="Transfer description (nội dung)",
    )
    bank_ref: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=("so tham chieu ngan hang", "ma giao dich ngan hang", "bank reference", "bank ref"),
        comment="The bank's own reference of the transfer (camt AcctSvcrRef, UETR or TxId; "
        "MT940 the reference after //): tells apart transfers that share a payment_ref",
    )


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
    FindingColumn("vneid", "VARCHAR", "Beneficiary's ID, where the finding has a beneficiary side"),
    FindingColumn("payment_ref", "VARCHAR", "Payment reference, where the finding has a payment side"),
    FindingColumn("program", "VARCHAR", "welfare, pension or unknown"),
    FindingColumn("expected_amount", "BIGINT", "Amount due, VND"),
    FindingColumn("paid_amount", "BIGINT", "Amount paid, VND"),
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
)
RULE_COLUMNS = FINDING_COLUMNS[3:]  # what the rule step holds: code, severity, its rank, the evidence
EVIDENCE_COLUMNS = tuple(c.name for c in FINDING_COLUMNS[6:])  # what a rule's SELECT returns after its code

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


RecordKind = Literal["registry", "payments"]

RECORD_MODELS: dict[str, type[BaseModel]] = {"registry": RegistryRecord, "payments": PaymentRecord}


def columns(kind: RecordKind) -> list[Column]:
    """The canonical columns of a registry or payments file, in contract order."""
    out = []
    for name, field in RECORD_MODELS[kind].model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict)  # every record field is made by _col, with its x- keys
        out.append(
            Column(
                name=name,
                sql_type=str(extra["x-sql-type"]),
                required=bool(extra["x-required"]),
                comment=field.description or "",
                aliases=tuple(str(a) for a in extra["x-aliases"] or ()),  # type: ignore[union-attr]
                default=None if extra["x-default"] is None else str(extra["x-default"]),
            )
        )
    return out


def header_lookup(kind: RecordKind) -> dict[str, str]:
    """Folded header text -> canonical column name, canonical names first."""
    lookup: dict[str, str] = {}
    cols = columns(kind)
    for col in cols:
        lookup[fold(col.name)] = col.name
    for col in cols:
        for alias in col.aliases:
            lookup.setdefault(fold(alias), col.name)
    return lookup
