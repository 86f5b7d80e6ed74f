"""The input records: a registry row and a payment row, each column's type, whether it is required,
the headers recognised for it, and the COMMENT it carries in the warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reconcile.contracts.values import BeneficiaryStatus, Channel, Gender, PaymentStatus, Program


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
    "so cccd nguoi huong",
    "so cccd nguoi nhan",
    "cccd nguoi huong",
    "so dinh danh nguoi huong",
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
    "so tk",
    "tk",
    # an e-wallet's account (Viettel Money, MoMo, VNPT Money): its number, often the phone's
    "so vi",
    "so vi dien tu",
    "tai khoan vi",
    "so tai khoan vi",
    "ma vi",
)
BANK_ALIASES = (
    "ma ngan hang",
    "ngan hang",
    "ngan hang thu huong",
    "ma ngan hang thu huong",
    "ten ngan hang",
    "nh",
    "ma nh",
    "ten nh",
    "bank",
    "bank name",
)


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
        aliases=("ngay sinh", "ngay thang nam sinh", "nam sinh", "ntns", "dob", "birth date"),
        comment="Date of birth (a year alone is kept as birth_year)",
    )
    gender: Gender | None = _col(sql="VARCHAR", required=False, aliases=("gioi tinh", "sex"), comment="male or female")
    program: Program = _col(
        sql="VARCHAR",
        required=True,
        aliases=("chuong trinh", "che do", "loai che do", "loai tro cap", "programme"),
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
        # a list of reductions (danh sách giảm) gives the reason each person leaves it instead: read as the
        # status where the file has no status column (headers.FALLBACK_HEADERS)
        aliases=("trang thai", "tinh trang", "ly do giam", "ly do cat giam", "ly do thoi huong", "ly do dung huong"),
        comment="active, suspended, terminated or deceased (default active)",
    )
    date_of_death: date | None = _col(
        sql="DATE",
        required=False,
        aliases=(
            "ngay mat",
            "ngay chet",
            "ngay tu tran",
            "ngay tu vong",
            "ngay qua doi",
            "ngay thang nam mat",
            "ngay thang nam tu vong",
            "ngay mat tu vong",
        ),
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
            "ma gd",
            "so gd",
            "reference",
            "ref",
            "transaction id",
            "so ct",
            "so chung tu",
            "reference no",
            "reference number",
            "ref no",
            "transaction no",
            "transaction number",
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
            "ho va ten nguoi nhan",
            "ho ten nguoi nhan",
            "ho va ten nguoi thu huong",
            "ho va ten nguoi huong",
            "ho ten nguoi huong",
            "ten nguoi huong",
            # the beneficiary's own, beside the proxy who received it for them (`Người nhận thay`)
            "ho va ten doi tuong",
            "ho ten doi tuong",
            "ten doi tuong",
            "nguoi huong",
            "nguoi thu huong",
            "nguoi nhan",
            "ten tai khoan nhan",
            "ten tk nhan",
            "ten tk doi ung",
            "ten tai khoan doi ung",
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
        aliases=("ngay sinh", "ngay thang nam sinh", "nam sinh", "ntns", "dob", "birth date"),
        comment="Payee's date of birth, when the payout list carries it (a year alone is kept as birth_year)",
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
            "ngay gd",
            "ngay chi tra",
            "ngay hieu luc",
            "ngay chuyen",
            "ngay chi",
            # an e-wallet's report dates each transfer with its time (Viettel Money, MoMo)
            "thoi gian giao dich",
            "thoi gian gd",
            "ngay gio giao dich",
            "ngay gio gd",
            "ngay",
            "date",
            "transaction date",
            "value date",
            "posting date",
        ),
        comment="Value date of the transfer or payout",
    )
    channel: Channel = _col(
        sql="VARCHAR",
        required=True,
        aliases=("hinh thuc chi tra", "kenh chi tra", "phuong thuc chi tra"),
        comment="bank, ewallet or cash; a transfer given as bank (a statement has no channel) to an e-wallet "
        "(its bank MoMo, ZaloPay, Viettel Money, VNPT Money, ShopeePay) is ewallet",
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
        aliases=("chuong trinh", "che do", "loai che do", "loai tro cap", "programme"),
        comment="welfare or pension; when absent, the matched beneficiary's",
    )
    narrative: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=(
            "noi dung",
            "dien giai",
            "mo ta",
            "noi dung chuyen tien",
            "noi dung giao dich",
            "noi dung thanh toan",
            "noi dung chi tra",
            "chi tiet giao dich",
            "description",
            "narrative",
            "details",
            "transaction details",
        ),
        comment="Transfer description (nội dung)",
    )
    bank_ref: str | None = _col(
        sql="VARCHAR",
        required=False,
        aliases=("so tham chieu ngan hang", "ma giao dich ngan hang", "bank reference", "bank ref"),
        comment="The bank's own reference of the transfer (camt AcctSvcrRef, UETR or TxId; "
        "MT940 the reference after //): tells apart transfers that share a payment_ref",
    )


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
