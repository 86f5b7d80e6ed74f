"""A statement row's values as the pairing of returns compares them (returns_across.py): its amount,
its day, whether its text says it brings a payment back, whether its status says it was paid."""

from __future__ import annotations

import re
import unicodedata

from reconcile.normalise.text import fold

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DMY_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")  # 05/09/2024: a Vietnamese export's day first
CURRENCY = re.compile(r"(?i)(vnd|vnđ|đồng|dong|đ)\.?$")
# A credit's text that says it brings a payment back, folded (no case or diacritics): returned, refunded,
# sent back (`CHUYEN TRA TIEN GD ...`), an inquiry's outcome (`Tra soat GD ... sai so tai khoan`), a
# transfer cancelled or not done (`HUY GD ...`, `GD ... KHONG THANH CONG - CHUYEN TRA`)
RETURN_TEXT = re.compile(
    r"\b(hoan ?tra|hoan lai|hoan tien|tra ve|ht gd|chuyen tra|tra soat|huy (?:gd|giao dich|lenh)|khong thanh cong"
    r"|return(ed)?|revers(al|ed)|refund(ed)?)\b|\btra lai\b(?! (tien gui|tk|tai khoan))"
)
# `trả lại` (gives back) and `trả lãi` (pays interest) fold alike: the latter is no return
INTEREST = re.compile(r"trả lãi|lãi suất|lai suat|tien gui|tiền gửi")


# A whole number of VND as the normaliser reads one (rc_amount_digits in normalise/macros.sql), in its
# order: each pattern and what makes the digits of what it matches
WHOLE = (
    (re.compile(r"[0-9]+"), lambda c: c),
    (re.compile(r"[0-9]{1,3}(\.[0-9]{3})+(,0+)?"), lambda c: re.sub(r",0+$", "", c).replace(".", "")),
    (re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.0+)?"), lambda c: re.sub(r"\.0+$", "", c).replace(",", "")),
    (re.compile(r"[0-9]+[.,]0+"), lambda c: re.sub(r"[.,]0+$", "", c)),
    # float noise of a computed spreadsheet cell (500000.000000001, 4599999.999999999)
    (re.compile(r"[0-9]+\.0{6}[0-9]*"), lambda c: c.split(".")[0]),
    (re.compile(r"[0-9]{1,18}\.9{6}[0-9]*"), lambda c: str(int(c.split(".")[0]) + 1)),
)


def amount_of(value: str | None) -> int | str | None:
    """An amount as compared across files, read as the normaliser reads it: `1.500.000`,
    `1,500,000.00`, `1500000`, `1500000.00` and `500000.000000001` (float noise) are whole numbers of
    VND; other text (`1500000.5`) is compared as it is."""
    if value is None:
        return None
    text = CURRENCY.sub("", re.sub(r"\s", "", str(value)))  # 1.500.000 VND, 1.500.000đ, 1 500 000
    for pattern, digits in WHOLE:
        if pattern.fullmatch(text):
            return int(digits(text))
    return str(value)


def says_return(text: str | None) -> bool:
    """Whether a credit's text says it brings a payment back (`Hoàn trả GD BT002`, `HOANTRA`,
    `reversed`), and is no interest paid (`Trả lãi tiền gửi`, which folds as `tra lai`)."""
    if not text:
        return False
    return bool(RETURN_TEXT.search(fold(text))) and not INTEREST.search(unicodedata.normalize("NFC", text).lower())


def day_of(value: str | None) -> tuple[int, int, int] | None:
    """A date as (year, month, day) to compare, from `2024-09-05` or `05/09/2024` and the time that may
    follow; None for any other text (then no order is asked of a payment and its return)."""
    text = (value or "").strip()
    iso, dmy = ISO_DATE.match(text), DMY_DATE.match(text)
    if iso:
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    if dmy:
        return int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1))
    return None


def paid_as_read(status: str | None) -> bool:
    """A payment paid, as its file says: `success`, or no status (what a run takes it for)."""
    return status is None or status.strip().lower() == "success"
