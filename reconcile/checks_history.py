"""What the database's earlier months say of this one's files, beyond a file or a commune (checks_earlier.py):
a month skipped, a programme left out whole, and last month's registry given again.

Each is a warning (checks_coverage.RunWarning), said before the summary, kept in runs.warnings and
shown first on the terminal's summary and the workbook's, as the SPEC asks of a month that may be
mis-supplied: a month may be run out of order, a programme may leave an office, and a small list may
not change in a month, so none is refused."""

from __future__ import annotations

from collections.abc import Callable

# a registry of at least this many rows that is, row for row, the one the month before holds is last
# month's list given again: a list this long with no death, stop or newcomer in a month is rare (a
# commune's pension list of 150, at a death or two in a thousand a month, is unchanged one month in two)
SAME_REGISTRY_AT_LEAST = 300


def _month(period: str, step: int) -> str:
    year, month = divmod(int(period[:4]) * 12 + int(period[5:7]) - 1 + step, 12)
    return f"{year:04d}-{month + 1:02d}"


def month_skipped(con, period: str, tell: Callable[[str], None]) -> None:
    """Tell the months between the database's last run before the period and the period, when the month
    before is not among them: the arrears count the months unpaid across the gap as paid, and the change
    in findings (period_summary, `reconcile trend`) is counted from that earlier month. And the months
    between the period and the database's first run after it, when the month after is not among them
    (a month run out of order)."""
    (before,) = con.execute("SELECT max(period) FROM runs WHERE period < ?", [period]).fetchone()
    if before is not None and before != _month(period, -1):
        first, last = _month(before, 1), _month(period, -1)
        missing = first if first == last else f"{first} to {last}"
        tell(
            f"the database holds no run of {missing}, between {before} and {period}: the arrears do not count the "
            f"months unpaid across it, and the change in findings is counted from {before}; run {missing} first if "
            "it was paid, and this month again"
        )
    # a month run after a later one (October run after November, September missing between): the gap
    # is between this month and the later one, whose arrears and change in findings are counted across it
    (after,) = con.execute("SELECT min(period) FROM runs WHERE period > ?", [period]).fetchone()
    if after is not None and after != _month(period, 1):
        first, last = _month(period, 1), _month(after, -1)
        missing = first if first == last else f"{first} to {last}"
        tell(
            f"the database holds no run of {missing}, between {period} and {after}: the arrears of {after} do not "
            f"count the months unpaid across it, and its change in findings is counted from {period}; run "
            f"{missing} if it was paid, then {after} again"
        )


_GONE = """
WITH before AS (
    SELECT program, count(*) AS n, any_value(period) AS period
    FROM main.registry
    WHERE period = (SELECT max(period) FROM main.registry WHERE period < $period)
      AND status = 'active' AND is_primary
    GROUP BY program
)
SELECT b.program, b.n, b.period
FROM before AS b
WHERE b.n >= $min_group AND NOT EXISTS (SELECT 1 FROM cur_registry AS r WHERE r.program = b.program)
ORDER BY b.program
"""


def programme_gone(con, period: str, min_group: int, tell: Callable[[str], None]) -> None:
    """Tell each programme of which the registry of the month before lists at least min_group active
    beneficiaries, and this month's registry no one: its registry and its payment files left out
    together, which no guard of the month can see (each looks within the programmes it is given)."""
    if not min_group:
        return
    for program, n, before in con.execute(_GONE, {"period": period, "min_group": min_group}).fetchall():
        tell(
            f"the registry of {before} lists {n:,} active {program} beneficiaries, and this month's files list "
            f"none: the {program} registry and its payment files may have been left out; give them with --registry "
            f"and --payments and run again, or check that {program} is no longer reconciled in this database"
        )


# the rows of a registry, each as the hash of what a month may change of it, added up: equal sums of
# equally many rows are the same list (a list re-saved, its bytes changed, is the same list), the month's
# whole registry and each programme's given in files of its own (the pension list given as last month's
# beside this month's welfare list: `alone`, every file holding its rows holds no other programme's).
# Against every other month the database holds, before or after (a list of two months ago, or next
# month's when a month is run again), hashing only the months' programmes of as many rows
_SAME = """
WITH files AS (SELECT file_id, count(DISTINCT program) AS programs FROM cur_registry GROUP BY file_id),
mine AS (
    SELECT program, count(*) AS n,
           sum(hash(vneid, program, entitled_amount, status, date_of_death, account_number, full_name)) AS h,
           bool_and(f.programs = 1) AS alone
    FROM cur_registry JOIN files AS f USING (file_id) GROUP BY program
),
counts AS (
    SELECT period, program, count(*) AS n FROM main.registry WHERE period <> $period GROUP BY period, program
),
alike AS (SELECT c.period, c.program FROM counts AS c JOIN mine AS m ON m.program = c.program AND m.n = c.n),
theirs AS (
    SELECT period, program, count(*) AS n,
           sum(hash(vneid, program, entitled_amount, status, date_of_death, account_number, full_name)) AS h
    FROM main.registry WHERE (period, program) IN (SELECT period, program FROM alike) GROUP BY period, program
)
SELECT t.period, m.program, m.n, m.alone, (SELECT count(*) FROM mine), (SELECT sum(n) FROM mine)
FROM mine AS m JOIN theirs AS t ON t.program = m.program AND t.n = m.n AND t.h = m.h
ORDER BY t.period, m.program
"""


def _nearest(periods, period: str) -> list[str]:
    """The periods nearest the period first, the earlier of two as near."""
    return sorted(periods, key=lambda p: (abs(_index(p) - _index(period)), p > period, p))


def _index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7])


def registry_repeated(con, tables, period: str, tell: Callable[[str], None]) -> None:
    """Tell a registry, or a programme's list given in files of its own, of at least SAME_REGISTRY_AT_LEAST
    rows that is row for row (ID, programme, amount, status, date of death, account and name) the one of
    another month the database holds (the nearest, when several):
    that month's list given again, re-saved or not, in which the month's deaths, stops and newcomers are
    missing (a payment after a death this month is no PAID_AFTER_DEATH). A registry whose every file is
    given again byte for byte is told by read_before."""
    rows = con.execute(_SAME, {"period": period}).fetchall()
    if not rows:
        return
    programmes, whole = rows[0][4], rows[0][5]
    same: dict[str, list[tuple[str, int, bool]]] = {}
    for other, program, n, alone, _, _ in rows:
        same.setdefault(other, []).append((program, n, alone))
    given = [tb.sha256 for _, tb in tables if tb.kind == "registry"]
    for other in _nearest(same, period):
        (read,) = con.execute(
            "SELECT count(DISTINCT sha256) FROM inputs WHERE period = ? AND role = 'registry' "
            "AND list_contains(?, sha256)",
            [other, given],
        ).fetchone()
        if read == len(set(given)):  # each file the same, byte for byte: read_before said so
            return
        if len(same[other]) == programmes:
            if whole >= SAME_REGISTRY_AT_LEAST:
                tell(
                    f"this month's registry lists the same {whole:,} rows, with the same amounts, statuses, accounts "
                    f"and names, as the registry of {other}, which the database holds: if it is that month's list "
                    "given again, this month's deaths, stops and newcomers are missing from it; give this month's "
                    "registry and run again"
                )
                return
            continue
        told = False
        for program, n, alone in same[other]:  # a programme's list in a file of its own: one list, given again
            if alone and n >= SAME_REGISTRY_AT_LEAST:
                tell(
                    f"this month's {program} list has the same {n:,} rows, with the same amounts, statuses, accounts "
                    f"and names, as the {program} list of {other}, which the database holds: if it is that month's "
                    "list given again, this month's deaths, stops and newcomers are missing from it; give this "
                    "month's list and run again"
                )
                told = True
        if told:
            return
