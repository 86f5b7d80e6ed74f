"""How a narrative names an account, in one place for SQL and Python: the words for an account and
the number after them (`STK 060123456789`, `TK: 0601 2345 6789`, `So TK nhan: ...`), and the words
that make it the account paid from (`CT TU TK ...`), over folded text (text.fold, SQL rc_fold).

Staging takes a payment's account from its narrative with the SQL macros rc_account_label() and
rc_account_from() (macros_sql, installed with macros.sql); the readers pair a statement's returns by
the same account with ACCOUNT_NAMED (readers/camt_references.py)."""

from __future__ import annotations

import re

# the account paid from ('' for none): after a word for a transfer and `tu` (`CT TU TK`, `CHUYEN TIEN
# TU TK`, `NHAN TIEN TU TK`), `tu` opening the text, `TRICH TK`, `GHI NO TK`, `from A/C`; a payee
# named Tú before `STK` (`LE VAN TU STK ...`) is no `from`
FROM = (
    r"(?:^| )((?:ct|ck|chuyen khoan|chuyen tien|chuyen|trich|nop tien|nop|hoan tra tien|hoan tra|nhan tien|nhan) tu "
    r"|^tu |trich |ghi no |from )?"
)
# a word for an account, and the words that may follow it before the number
WORD = (
    r"(?:so tk|stk|tktt|tknh|tk|so tai khoan|tai khoan|a c|acc|acct|account|account no)"
    r"(?: (?:so|nhan|thu huong|nguoi thu huong|huong|nguoi huong|nguoi nhan))* ?"
)
# one run of 6 to 20 digits, or groups of digits (the first of 3 to 6): where groups end is not known
# (`0063 1187 4243 2`, `0601 2345 6789 2024`), each prefix of them is a candidate
NUMBER = r"[0-9]{6,20}|[0-9]{3,6}(?: [0-9]{1,6})+"

# an account written with no word for one, right after a transfer's `tu` or `toi`, as banks write an
# interbank transfer (`CT tu 0011000999999 SO LDTBXH toi 0011001234567 NGUYEN VAN AN tai VCB`): given
# the word (`tk`) before the patterns above are asked, so that the paying office's account is known
# as the account paid from, never taken for the payee's ID
BARE = r"((?:^| )(?:ct|ck|chuyen khoan|chuyen tien|chuyen) tu |(?:^| )toi )([0-9])"
_BARE = re.compile(BARE)

# the source (group 1) and the number (group 2) of each account a folded text names
ACCOUNT_NAMED = re.compile(FROM + WORD + "(" + NUMBER + r")\b")


def worded(folded: str) -> str:
    """A folded text with the word for an account given to the accounts it writes bare (BARE)."""
    return _BARE.sub(r"\1tk \2", folded)


def macros_sql() -> str:
    """rc_account_label(), a word for an account and its number, and rc_account_from(), the words
    before it that make it the account paid from: the patterns above, as SQL macros."""
    return (
        f"CREATE OR REPLACE TEMP MACRO rc_account_label() AS '{WORD}(?:{NUMBER})\\b';\n"
        f"CREATE OR REPLACE TEMP MACRO rc_account_from() AS '{FROM}';\n"
        f"CREATE OR REPLACE TEMP MACRO rc_account_worded_f(f) AS regexp_replace(f, '{BARE}', '\\1tk \\2', 'g');\n"
    )
