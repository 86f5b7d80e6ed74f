"""The workbook of a period removed with `reconcile delete` (admin.py): its findings are not the
database's any more, so `review import` refuses it in one line, and a run or `report` asked to write
a workbook over one holding decisions typed into it says to give the new one another name (importing
them first, as it says of another book, cannot be done).

A book is of a removed period when no run holds its period and period_deletions has it, or when its
run (the Parameters sheet's run id) was removed, even if the month was run again since. Its period is
the one its Parameters sheet names, else that of the findings it names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from reconcile.cases.book import ReadBook, cell_text, read_book
from reconcile.errors import ReconcileError


@dataclass(frozen=True)
class Removal:
    period: str
    at: str  # when it was removed, as messages show it (UTC)
    run_again: bool  # the month was run again since (the book's own run was removed)


def removal(con, read: ReadBook) -> Removal | None:
    """The removal that took away the book's period or run; None when its findings are the database's."""
    period = read.period
    if period is None:  # no Parameters sheet: the period of the findings it names
        ids = sorted({text for _, _, row in read.rows if (text := cell_text(row["flag_id"]))})
        periods = con.execute(
            "SELECT period FROM flags WHERE flag_id IN (SELECT unnest($ids)) UNION "
            "SELECT period FROM superseded_flags WHERE flag_id IN (SELECT unnest($ids))",
            {"ids": ids},
        ).fetchall()
        period = periods[0][0] if len(periods) == 1 else None
    if period is None:
        return None
    held = con.execute("SELECT count(*) FROM runs WHERE period = ?", [period]).fetchone()[0]
    removed = con.execute(
        "SELECT deleted_at, run_id = $run AS its_run FROM period_deletions WHERE period = $period "
        "ORDER BY its_run DESC NULLS LAST, deleted_at DESC LIMIT 1",
        {"period": period, "run": read.run_id},
    ).fetchone()
    if removed is None or (held and not removed[1]):
        return None
    return Removal(period, f"{removed[0]:%d/%m/%Y %H:%M}", bool(held))


def refuse_removed(con, book: Path, read: ReadBook) -> None:
    """Refuse, in one line, the book of a removed period or run (review import)."""
    r = removal(con, read)
    if r is None:
        return
    if not r.run_again:
        raise ReconcileError(
            f"{book}: is the workbook of period {r.period}, removed from the database on {r.at} UTC (reconcile "
            f"delete); nothing was recorded: run the month again (reconcile run --period {r.period} ...) and enter "
            "the decisions in its new workbook"
        )
    raise ReconcileError(
        f"{book}: was written from a run of period {r.period} that was removed from the database on {r.at} UTC "
        f"(reconcile delete) before the month was run again; nothing was recorded: write its workbook again "
        f"(reconcile report --period {r.period} --report BOOK.xlsx) and enter the decisions there"
    )


def removed_book(db: Path, book: Path) -> Removal | None:
    """The removal that took away the period or run of a workbook reconcile wrote; None when there is
    none, or when the book or the database cannot be read (the caller says so otherwise)."""
    from reconcile.readback import open_db

    try:
        read = read_book(book, masked=True)
        with open_db(Path(db)) as con:
            return removal(con, read)
    except (ReconcileError, duckdb.Error):
        return None


def run_again(con, read: ReadBook) -> tuple[str, str] | None:
    """When the month was run again after the run the book was written from (its Parameters sheet's run
    id): its period and when it was run again, as messages show it (UTC). Its findings and amounts may
    have changed since (older_book)."""
    if read.run_id is None or read.period is None:
        return None
    now = con.execute("SELECT run_id, finished_at FROM runs WHERE period = ?", [read.period]).fetchone()
    return None if now is None or now[0] == read.run_id else (read.period, f"{now[1]:%d/%m/%Y %H:%M}")


def older_book(book: Path, again: tuple[str, str] | None, refused: bool) -> list[str]:
    """What an import says of a book written from an earlier run of its period (run_again): the
    decisions typed into it were taken on findings and amounts that may have changed since."""
    if again is None:
        return []
    period, since = again
    if refused:
        return [
            f"{book}: was written from an earlier run of period {period}; the month was run again on {since} UTC and "
            f"its findings and amounts may have changed since: write its workbook again (reconcile report --period "
            f"{period} --report BOOK.xlsx) and enter the decisions there"
        ]
    return [
        f"{book}: was written from an earlier run of period {period}; the month was run again on {since} UTC: its "
        f"decisions were recorded on the cases as they are now; check them against a workbook of the new run "
        f"(reconcile report --period {period} --report BOOK.xlsx)"
    ]
