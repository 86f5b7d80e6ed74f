"""The contract's values: programmes, channels, statuses, genders, severities, and the spellings of
each value that the files may use."""

from __future__ import annotations

from enum import Enum


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
        # the social pension (trợ cấp hưu trí xã hội, from July 2025: Decree 176/2025) is paid by the
        # commune from the budget, as social assistance is, to those without a pension: welfare
        "welfare": (
            "tro cap xa hoi",
            "tro cap",
            "bao tro xa hoi",
            "btxh",
            "tcxh",
            "social assistance",
            "huu tri xa hoi",
            "tro cap huu tri xa hoi",
            "social pension",
        ),
        "pension": ("luong huu", "huu tri", "bhxh", "pensions"),
    },
    "channel": {
        # CK and TM, as a list abbreviates chuyển khoản (transfer) and tiền mặt (cash)
        "bank": (
            "ngan hang",
            "chuyen khoan",
            "ck",
            "tai khoan",
            "qua tai khoan",
            "chi tra qua tai khoan",
            "qua ngan hang",
            "atm",
            "account",
            "bank transfer",
        ),
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
        "cash": ("tien mat", "tm", "truc tiep", "chi tra truc tiep"),
    },
    "beneficiary_status": {
        # a list of additions (danh sách tăng) marks the newly entitled: hưởng mới, tăng mới (new)
        "active": (
            "dang huong",
            "hoat dong",
            "binh thuong",
            "con huong",
            "dang chi tra",
            "huong moi",
            "tang moi",
            "moi",
        ),
        "suspended": (
            "tam dung",
            "tam ngung",
            "tam dinh chi",
            "tam dung huong",
            "tam ngung huong",
            "tam dung chi tra",
            "tam ngung chi tra",
            "da tam dung",
        ),
        "terminated": (
            "thoi huong",
            "cat",
            "dung huong",
            "cham dut",
            "cat giam",
            "cat huong",
            "da cat",
            "da cat huong",
            "da thoi huong",
            "da dung huong",
            "cham dut huong",
            "da cham dut",
            "het huong",
            # a list of reductions' reasons (Lý do giảm): left the list, moved away, no longer eligible
            "giam",
            "da giam",
            "chuyen di",
            "chuyen di noi khac",
            "chuyen noi khac",
            "chuyen khau",
            "chuyen ho khau",
            "chuyen dia ban",
            "khong du dieu kien",
            "khong con du dieu kien",
            "het dieu kien",
        ),
        "deceased": (
            "chet",
            "da chet",
            "tu tran",
            "da tu tran",
            "qua doi",
            "da qua doi",
            "da mat",
            "mat",
            "tu vong",
            "da tu vong",
            "dead",
        ),
    },
    "payment_status": {
        # the post office says whether the beneficiary came for it: da nhan (received), chua nhan (not)
        "success": (
            "thanh cong",
            "ok",
            "completed",
            "da chi",
            "da tra",
            "paid",
            "succeeded",
            "da chi tra",
            "da nhan",
            "da nhan tien",
            "giao dich thanh cong",
            "gd thanh cong",
            "da thanh toan",
            # a bank's words for a transfer done: hoàn thành, hoàn tất (completed), đã chuyển (sent)
            "hoan thanh",
            "da hoan thanh",
            "hoan tat",
            "da hoan tat",
            "da chuyen",
            "da chuyen tien",
            "successful",
        ),
        "failed": (
            "that bai",
            "loi",
            "khong thanh cong",
            "rejected",
            "fail",
            "error",
            "chua thanh cong",
            "chua nhan",
            "chua nhan tien",
            "khong nhan",
            "giao dich that bai",
            "gd that bai",
            "giao dich khong thanh cong",
            "khong chi duoc",
            "chua chi",
            "chua chi tra",
            "tu choi",
            "bi tu choi",
            # the reason a bank gives in place of the status of a transfer it could not make
            "tk khong ton tai",
            "tai khoan khong ton tai",
            "so tai khoan khong ton tai",
            "tai khoan da dong",
            "tk da dong",
            "tai khoan bi dong",
            "tai khoan bi khoa",
            "tk bi khoa",
            "tai khoan bi phong toa",
            "tk bi phong toa",
            "tai khoan khong hop le",
            "sai ten",
            "sai ten nguoi thu huong",
            "sai so tai khoan",
            "sai tai khoan",
            "sai tk",
            "sai thong tin",
            "sai thong tin tai khoan",
            "da huy",
            "bi huy",
        ),
        # hoàn tiền (money refunded), trả về / bị trả về (sent back), as banks mark a transfer that came back
        "returned": (
            "hoan tra",
            "da hoan tra",
            "tra lai",
            "bi tra lai",
            "hoan",
            "hoan tien",
            "da hoan tien",
            "tra ve",
            "bi tra ve",
            "return",
            "refunded",
        ),
    },
    "gender": {
        "male": ("nam", "m"),
        "female": ("nu", "f"),
    },
}
