"""What Excel did to a list opened in it and saved (a month's guards, checks.check_files): cut at the
last row a sheet holds; long numbers (accounts, references, IDs) written in scientific notation or
kept to 15 digits, their digits lost."""

from __future__ import annotations

from reconcile.errors import InputFileError
from reconcile.readers.tables import RawTable

# the most rows a sheet holds: Excel 97-2003 (.xls), and Excel since 2007; a CSV file opened in Excel
# keeps as many and loses the rest when it is saved
EXCEL_ROWS = {65_536: "an Excel 97-2003 sheet (.xls)", 1_048_576: "an Excel sheet"}


def check_row_limit(tables: list[tuple[int, RawTable]], names: dict[int, str]) -> None:
    """A CSV file or a workbook's last sheet of its role that ends exactly at the last row a sheet
    can hold, with no totals row, was cut there when it was opened in Excel and saved: the rows past
    it are lost, and the run would report them as findings (unknown payees, missing payments) or leave
    them out of the shares. A sheet so full that the list goes on over the next sheet is no cut."""
    last: dict[tuple, tuple[int, RawTable]] = {}
    for file_id, table in tables:
        last[(str(table.path), table.kind)] = (file_id, table)
    for file_id, table in sorted(last.values(), key=lambda item: item[0]):
        if table.last_row in EXCEL_ROWS:
            raise InputFileError(
                names[file_id],
                f"ends at row {table.last_row:,}, the most rows {EXCEL_ROWS[table.last_row]} can hold, with no totals "
                "row: the rows after it were probably cut off when the file was opened in Excel and saved",
                "export the file again from its system (as several files if it is longer), and run again; if it is "
                "complete, write its totals row (Tổng cộng) under its last row",
            )


# payee IDs in scientific notation that make a column of them, not a cell typed so (an INVALID_VNEID)
SCIENTIFIC_IDS_AT_LEAST = 3


def check_scientific(rows: list[dict], names: dict[int, str]) -> None:
    """A file whose account numbers, payment references or (at least SCIENTIFIC_IDS_AT_LEAST) payee IDs
    Excel wrote in scientific notation (1.90300E+13) has lost their digits: matched by them, or
    without them, its payments would go to the wrong person or no one, each a false finding. Refuse
    it, naming the column and the first row."""
    for row in rows:
        raise InputFileError(
            names[row["file_id"]],
            f"{row['n']:,} of its {row['column_name']} values are numbers Excel wrote in scientific notation "
            f"(the first in row {row['first_row']}): their digits are lost",
            "format the column as text in Excel, or export the file again from its system, and run again",
        )


def check_digits_lost(rows: list[dict], names: dict[int, str]) -> None:
    """A file whose long account numbers or payment references Excel held as numbers, to 15 significant
    digits (checks/digits_lost.sql): accounts that would pay the wrong person, references of different
    payments made one (each a false DUPLICATE_PAYMENT). Refuse it, naming the column and the first row."""
    for row in rows:
        if row.get("column_name") == "payment_ref":
            problem = (
                f"{row['n']:,} of its payment_ref values have 16 or more digits, every one ending in 0 (the first in "
                f"row {row['first_row']}): numbers Excel kept to 15 digits, their last digits lost, and payments "
                "whose references differed only in them would read as the same payment (a false DUPLICATE_PAYMENT)"
            )
        else:
            problem = (
                f"{row['n']:,} of its account_number values have 16 or more digits, every one ending in 0 (the first "
                f"in row {row['first_row']}): numbers Excel kept to 15 digits, their last digits lost"
            )
        raise InputFileError(
            names[row["file_id"]],
            problem,
            "format the column as text in Excel, or export the file again from its system, and run again",
        )
