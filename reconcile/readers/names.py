"""The names of the columns a reader adds to a file's own: its row numbers, why a row is set aside,
and what a profile derives."""

ROW_COLUMN = "__reconcile_source_row__"
SKIP_COLUMN = "__reconcile_skip__"  # why a row is set aside before normalising (blank, total, credit...)
DATE_ORDERS = {"dmy": "day, month, year", "ymd": "year, month, day", "mdy": "month, day, year"}
DERIVED = "__reconcile_"  # prefix of columns a profile adds; not part of a row's values as read

# why a row that states the opening or closing balance is set aside, and how it states it (`Số dư đầu
# kỳ`, `Opening balance`, in whichever column), its amount blank
BALANCE_ROW = "a balance row"
BALANCE_TEXT = r"(?i)s[ốo] d[ưu] (?:đầu|dau|cuối|cuoi) k[ỳy]|opening balance|closing balance"
