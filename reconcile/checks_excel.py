"""What Excel's own limit did to a list: cut at the last row a sheet holds, when the file was opened
in Excel and saved (a month's guard, checks.check_files)."""

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
