"""What the readers give: the table of one file or sheet as read (RawTable), a sheet of a workbook
that was skipped, with why (SkippedSheet), and what a file says it holds (Control).

Every value arrives as text so that IDs and account numbers keep their leading zeros; the
normalise step (SQL) turns text into typed columns and sets aside what it cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from reconcile.contracts import RecordKind
from reconcile.readers.names import DERIVED, ROW_COLUMN


@dataclass(frozen=True)
class Control:
    """What a file says it holds.

    count: how many rows (CSV/Excel: data rows; camt: entries) it says it holds, when it says so;
    amount: the total it states, as written ('1.234.000', '1234000.00'), read by the amount normaliser;
    what: where the control comes from, for messages ("totals row 297", "camt TxsSummry");
    row: the totals row's number in its file or sheet (CSV/Excel), None for camt;
    checked: True when the reader has already checked it (camt); False when the run checks it
    against the amounts it read (CSV/Excel).
    """

    count: int | None
    amount: str | None
    what: str
    row: int | None = None
    checked: bool = False


@dataclass
class RawTable:
    """One input file as read: text columns under their original headers, plus the row number."""

    path: Path
    kind: RecordKind
    format: str
    frame: pl.DataFrame
    sha256: str
    encoding: str | None = None
    header_map: dict[str, str] = field(default_factory=dict)  # original header -> canonical
    profile: str | None = None  # the profile that read it
    profile_how: str = "none"  # given (--profile), recognised, camt, or none (headers recognised alone)
    header_row: int = 1  # row of the header in the file or sheet (its first, when it is written over two)
    header_rows: int = 1  # 2 for a header written over two rows (group cells over the columns under them)
    sheet: str | None = None  # Excel sheet read (a workbook gives one table per sheet that holds its role)
    control: Control | None = None  # what the file says it holds: camt's TxsSummry, a totals row
    under_totals: list[int] = field(default_factory=list)  # rows under the totals row (signatures): set aside
    under_from: int | None = None  # the row they are under: the totals row, or the last subtotal (totals.py)
    bare_total: tuple[int, str] | None = None  # a totals row that states nothing to check, and why (totals.py)
    hidden: bool = False  # a sheet hidden in its workbook (read, and said on the terminal)
    # the row number, as Excel numbers it, of the last row of a CSV file or a sheet, its totals row and
    # what is under it aside (None: it ends with its totals row, or it is no list Excel saves)
    last_row: int | None = None
    notes: list[str] = field(default_factory=list)  # what the profile did, for `reconcile check`
    consumed: set[str] = field(default_factory=set)  # columns a profile read other than through header_map
    converted: dict[str, str] = field(default_factory=dict)  # column read through a converted copy -> canonical
    credit_column: str | None = None  # a statement export's credit (money in) column: returns_across.py
    side_column: str | None = None  # an export's side column (`Nợ/Có`) beside one amount: direction.py
    signed: tuple[str, bool] | None = None  # its signed amount column, and whether it has credits: signed.py
    balance: tuple[str, str, str] | None = None  # its debit, credit and running balance columns: balances.py
    above: list[list] = field(default_factory=list)  # a statement export's title block: balances.title_balances
    spans: list = field(default_factory=list)  # a camt or MT940 file's statements (chain.Span): chain.py
    # Streamed files (plain Parquet, and CSV once staged): the rows stay on disk; `frame` has the
    # columns but no rows, `source` is the DuckDB query that reads them as text, and `row_count` how
    # many there are. While a CSV file is being read, `frame` is a LazyFrame scanning it.
    source: str | None = None
    row_count: int = 0
    state: tuple[int, int] | None = None  # the file's size and modification time as hashed (file_state.py)

    @property
    def columns_read(self) -> dict[str, str]:
        """The file's own columns that became canonical columns: header -> canonical."""
        read = {k: v for k, v in self.header_map.items() if not k.startswith(DERIVED)}
        return {k: read.get(k) or self.converted[k] for k in self.original_columns if k in read or k in self.converted}

    def unread_column(self, headers: set[str] | frozenset[str], consumed_too: bool = False) -> str | None:
        """The first of the file's columns that no column read yet (mapped, consumed by a profile or read
        through a converted copy) and whose header, folded, is one of `headers` (header_words.header_in:
        whole, or one language of a bilingual header): a note, a side, an original reference, a statement's
        movements. consumed_too: one consumed already may be read again (a note read for its status, read as
        the narrative too)."""
        from reconcile.header_words import header_in

        used = set(self.header_map) | set(self.converted) | (set() if consumed_too else self.consumed)
        return next((c for c in self.original_columns if c not in used and header_in(c, headers)), None)

    def body(self) -> pl.Expr:
        """Its data rows, by their number: a CSV file's scan holds its header rows too."""
        return pl.col(ROW_COLUMN) >= self.header_row + self.header_rows

    @property
    def rows_read(self) -> int:
        return self.row_count if self.source is not None else self.frame.height

    def text_frame(self) -> pl.DataFrame:
        """The rows as text columns (read from the file when it is streamed)."""
        if self.source is None:
            return self.frame
        import duckdb

        from reconcile.readers.parquet import unreadable

        try:
            with duckdb.connect() as con:
                return con.sql(self.source).pl()
        except duckdb.Error as exc:
            raise unreadable(self.path, exc) from None

    def selected(self, *exprs: pl.Expr) -> pl.DataFrame | None:
        """`exprs` over the rows (a CSV file's scan reads only the columns they name), or None for a
        scan that cannot be parsed: the file is refused, with its reason, when it is staged."""
        found = self.frame.select(*exprs)
        if not isinstance(found, pl.LazyFrame):
            return found
        try:
            return found.collect()
        except pl.exceptions.PolarsError:
            return None

    @property
    def original_columns(self) -> list[str]:
        """The file's own columns (not the row number or what a profile derived)."""
        return [c for c in self.frame.collect_schema().names() if not c.startswith(DERIVED)]


@dataclass
class SkippedSheet:
    """A sheet of a workbook that does not hold the file's role (empty, a summary, notes), with why."""

    path: Path
    kind: RecordKind
    sheet: str
    reason: str
    sha256: str


def is_sheet(name: str) -> bool:
    """Whether a name file_names gave is a workbook's sheet among others (`book.xlsx (sheet 'T08')`)."""
    return name.endswith("')")


def file_names(tables: list) -> dict[int, str]:
    """The name an officer knows each table by: its path, and its sheet when its workbook gave several."""
    per_path: dict = {}
    for _, table in tables:
        per_path[table.path] = per_path.get(table.path, 0) + 1
    return {
        file_id: f"{table.path} (sheet '{table.sheet}')" if per_path[table.path] > 1 else str(table.path)
        for file_id, table in tables
    }
