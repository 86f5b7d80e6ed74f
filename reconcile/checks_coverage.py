"""Source coverage, a month's guard (checks.py): for each programme and registered channel (bank
and e-wallet per bank code, and cash), whether its active beneficiaries mostly have a payment row
dated in the period; a group that mostly has none is one whose source (a bank's file, the post
office's) was left out (coverage.sql, coverage_exact.sql). A registry that names no bank has its
beneficiaries' banks from the accounts they were paid into in earlier months (coverage_known.sql)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from reconcile.config import Checks
from reconcile.errors import ReconcileError


def _n(value: int) -> str:
    return f"{value:,}"


@dataclass(frozen=True)
class MissingSource:
    """A programme and registered channel whose beneficiaries mostly have no payment row dated in the period."""

    program: str
    channel: str
    bank_code: str | None
    beneficiaries: int  # active beneficiaries registered for it
    without_payment: int  # of them, with no payment row in any file
    # the source paid beneficiaries of other groups (its file of the other programme is there): its
    # file of this programme is the one missing
    others_paid: bool = False
    # the registry names no bank for them: their bank is the one of their accounts in earlier runs
    # (coverage_known.sql)
    bank_known: bool = False
    commune_code: str | None = None  # cash: the commune whose list of the post office is missing

    @property
    def group(self) -> str:
        if self.channel == "cash":
            where = f" in commune {self.commune_code}" if self.commune_code else ""
            return f"{self.program} cash (the post office{where})"
        where = f" {self.bank_code}" if self.bank_code else " (no bank code)"
        return f"{self.program} {'bank' if self.channel == 'bank' else 'e-wallet'}{where}"

    def describe(self) -> str:
        return f"{self.group}: {_n(self.without_payment)} of {_n(self.beneficiaries)} active beneficiaries unpaid"

    def as_dict(self) -> dict:
        """As runs.missing_sources records it (others_paid and bank_known are the message's alone)."""
        mine = ("others_paid", "bank_known") + (() if self.commune_code else ("commune_code",))
        return {k: v for k, v in asdict(self).items() if k not in mine}


@dataclass(frozen=True)
class RunWarning:
    """Something the officer should know of the month that does not stop the run: said before the
    summary, recorded in runs.warnings and shown on the workbook's summary. `programs`: those whose
    non-cash share it puts in doubt (a cash source that may have been left out: the share counts no
    cash payment of its beneficiaries, so it reads too high); a target they show met is shown met in
    doubt."""

    text: str
    programs: tuple[str, ...] = ()


def warnings_json(warnings: list[RunWarning]) -> str | None:
    """runs.warnings: each warning's message (in English, as the code says it) and the programmes it
    puts in doubt; None when none."""
    return json.dumps([{"message": w.text, "programs": list(w.programs)} for w in warnings]) if warnings else None


def kept(said: list[RunWarning], notice: Callable[[str], None] | None) -> Callable[[str], None]:
    """A notice that keeps each text it is told in `said`, as a RunWarning, and passes it on."""

    def told(text: str) -> None:
        said.append(RunWarning(text))
        if notice:
            notice(text)

    return told


ESTIMATE_MARGIN = 1.25  # a group whose estimate is under this times the line is counted exactly


def missing_sources(
    rows: list[dict], checks: Checks, exact: Callable[[dict], int], known: list[dict] | None = None
) -> list[MissingSource]:
    """The groups (programme, channel, bank code) of at least min_group active beneficiaries of which
    fewer than min_coverage have any payment row (successful, failed or returned, dated in the period,
    matched by any method): the file of that bank, or of the post office, is probably missing.

    rows: coverage.sql's, whose with_payment is an estimate; `exact(row)` counts one group exactly
    (coverage_exact.sql), and is asked for every group whose estimate is near or below the line.
    known: coverage_known.sql's, the beneficiaries without a bank in the registry by the bank of their
    accounts in earlier runs, counted exactly: checked the same way, unless their group without a
    bank is missing already."""
    missing = []
    for row in rows:
        n = row["beneficiaries"]
        if n < checks.min_group or not n or row["with_payment"] >= ESTIMATE_MARGIN * checks.min_coverage * n:
            continue
        covered = exact(row)
        if covered < checks.min_coverage * n:
            missing.append(MissingSource(row["program"], row["channel"], row["bank_code"], n, n - covered))
    # A source (the post office, a bank) none of whose beneficiaries has a payment row, in groups too
    # small to be checked each (a commune's few cash beneficiaries): its file was left out. So is one
    # programme's file of a source whose other programme's file is there (a bank's 12 welfare
    # beneficiaries beside its 300 pensioners: the welfare file is another payer's). An estimate of
    # none is exact (a distinct count of some rows is never 0).
    by_source: dict[tuple, list[int]] = {}
    for i, row in enumerate(rows):
        by_source.setdefault((_source(row),), []).append(i)
        by_source.setdefault((_source(row), row["program"]), []).append(i)
    small: set[int] = set()
    for groups in by_source.values():
        n = sum(rows[i]["beneficiaries"] for i in groups)
        if checks.min_source and n >= checks.min_source and not any(rows[i]["with_payment"] for i in groups):
            small.update(i for i in groups if 0 < rows[i]["beneficiaries"] < checks.min_group)
    missing += [
        MissingSource(g["program"], g["channel"], g["bank_code"], g["beneficiaries"], g["beneficiaries"])
        for i, g in enumerate(rows)
        if i in small
    ]
    # a source whose file of another programme is there (its groups paid, none missing): the file of
    # this programme is the one to name
    gone = {(m.program, "cash" if m.channel == "cash" else m.bank_code) for m in missing}
    there = {(row["program"], _source(row)) for row in rows if row["with_payment"]} - gone
    missing = [
        replace(m, others_paid=any(s == _source(asdict(m)) and p != m.program for p, s in there)) for m in missing
    ]
    if known:
        failed = {(m.program, m.channel) for m in missing if m.channel != "cash" and m.bank_code is None}
        missing += [
            replace(m, bank_known=True)
            for m in missing_sources(known, checks, lambda row: row["with_payment"])
            if (m.program, m.channel) not in failed
        ]
    return missing


def missing_communes(rows: list[dict], missing: list[MissingSource], checks: Checks) -> list[MissingSource]:
    """The communes (coverage_communes.sql) of at least min_source active beneficiaries registered for
    cash, in a programme or in both, none of whom has a payment row, where the post office paid cash
    beneficiaries of other communes in that programme: its list of that commune was left out. None
    for a programme whose cash group is missing already."""
    if not checks.min_source:
        return []
    done = {m.program for m in missing if m.channel == "cash"}
    paid = {row["program"] for row in rows if row["with_payment"]}
    by_commune: dict[tuple, list[dict]] = {}
    for row in rows:
        by_commune.setdefault((row["commune_code"],), []).append(row)
        by_commune.setdefault((row["commune_code"], row["program"]), []).append(row)
    found: dict[tuple, dict] = {}
    for groups in by_commune.values():
        if sum(g["beneficiaries"] for g in groups) >= checks.min_source and not any(g["with_payment"] for g in groups):
            found.update(((g["program"], g["commune_code"]), g) for g in groups)
    return [
        MissingSource(
            g["program"], "cash", None, g["beneficiaries"], g["beneficiaries"], commune_code=g["commune_code"]
        )
        for key, g in sorted(found.items())
        if g["program"] in paid and g["program"] not in done
    ]


def unchecked(rows: list[dict], known: list[dict], checks: Checks, exact: Callable[[dict], int]) -> str | None:
    """What to tell the officer of a registry that names no bank for at least min_group beneficiaries
    paid by bank or e-wallet whose bank no earlier run tells (the first month in a database): a bank's
    file left out cannot be told from unpaid beneficiaries among them. Said when at least min_source
    (at least 1) of them have no payment row dated in the period; None otherwise."""
    uncoded = [row for row in rows if row["channel"] != "cash" and row["bank_code"] is None]
    n = sum(row["beneficiaries"] for row in uncoded) - sum(row["beneficiaries"] for row in known)
    if not uncoded or n < max(checks.min_group, 1):
        return None
    unpaid = sum(row["beneficiaries"] - exact(row) for row in uncoded)
    unpaid -= sum(row["beneficiaries"] - row["with_payment"] for row in known)
    if unpaid < max(checks.min_source, 1):
        return None
    return (
        f"the registry names no bank for {_n(n)} active beneficiaries paid by bank or e-wallet, so a bank's payment "
        f"file left out cannot be told apart for them: {_n(unpaid)} of them have no payment row dated in the period "
        "(each a MISSING_PAYMENT); check that the file of every bank was given, or give the registry with its bank "
        "column (Mã ngân hàng)"
    )


def cash_unpaid(rows: list[dict], communes: list[dict], checks: Checks) -> RunWarning | None:
    """What to tell the officer of a month none of whose (fewer than min_source) active beneficiaries
    registered for cash has a payment row dated in the period, or of one of whose communes (of two to
    fewer than min_source such, in both programmes: coverage_communes.sql) none has while the post office
    paid those of others: the post office's file, or its list of that commune, may have been left
    out, and the non-cash share then counts no cash payment of theirs (100%, or a target met that was
    not). Too few to refuse (one who did not come to collect is no file left out): said before the
    summary, with the programmes whose share it puts in doubt."""
    cash = [row for row in rows if row["channel"] == "cash"]
    n = sum(row["beneficiaries"] for row in cash)
    if n and not any(row["with_payment"] for row in cash):
        if n >= max(checks.min_source, 1):
            return None  # a source missing (missing_sources)
        return RunWarning(
            f"none of the {_n(n)} active beneficiaries registered for cash has a payment row dated in the period: the "
            "post office's payment file may be missing (each is a MISSING_PAYMENT, and the non-cash share counts no "
            "cash payment); give it with --payments and run again, or check that none of them was paid",
            _programs(cash),
        )
    by_commune: dict[str, list[int]] = {}
    for row in communes:
        counts = by_commune.setdefault(row["commune_code"], [0, 0])
        counts[0] += row["beneficiaries"]
        counts[1] += row["with_payment"]
    # a commune of one cash beneficiary unpaid is one person who did not come to collect, no list left out
    unpaid = sorted(c for c, (k, paid) in by_commune.items() if 1 < k < max(checks.min_source, 1) and not paid)
    if not n or not unpaid:
        return None
    several = len(unpaid) > 1
    return RunWarning(
        f"none of the {_n(sum(by_commune[c][0] for c in unpaid))} active beneficiaries registered for cash in "
        f"{'communes' if several else 'commune'} {', '.join(unpaid)} has a payment row dated in the period, though the "
        f"post office paid those of other communes: its {'lists of those communes' if several else 'list of that commune'}"
        " may be missing (each is a MISSING_PAYMENT, and the non-cash share counts no cash payment of theirs); give "
        f"{'them' if several else 'it'} with --payments and run again, or check that none of them was paid",
        _programs([row for row in communes if row["commune_code"] in unpaid]),
    )


def small_source_unpaid(rows: list[dict], checks: Checks, listed: Callable[[str, str], bool]) -> list[RunWarning]:
    """What to tell the officer of each bank or e-wallet (its code) that pays two to fewer than min_source
    active beneficiaries, none of whom has a payment row dated in the period: its file may have been left
    out (an e-wallet paying three, a bank four, in both programmes), too few to refuse and each a
    MISSING_PAYMENT, with the non-cash share of its programmes a little low (no target met in doubt).
    Not when a file given lists payments to them at all (`listed`: of another month, or from another
    bank's file): the source is there, and its rows are findings of their own. A bank's one unpaid
    beneficiary is one payment, no file."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        if row["channel"] != "cash" and row["bank_code"] is not None:
            groups.setdefault((row["channel"], row["bank_code"]), []).append(row)
    out = []
    for (channel, bank), group in sorted(groups.items()):
        n = sum(row["beneficiaries"] for row in group)
        if (
            1 < n < max(checks.min_source, 1)
            and not any(row["with_payment"] for row in group)
            and not listed(channel, bank)
        ):
            out.append(
                RunWarning(
                    f"none of the {_n(n)} active beneficiaries paid through {bank} "
                    f"({'an e-wallet' if channel == 'ewallet' else 'a bank'}) has a payment row dated in the period: "
                    f"the payment file of {bank} may be missing (each is a MISSING_PAYMENT); give it with --payments "
                    "and run again, or check that none of them was paid",
                )  # no share in doubt: one left out of the non-cash payments reads lower, not higher
            )
    return out


# a group whose estimate is under this times the warning's line is counted exactly: HyperLogLog's error
# is a few per cent, and a group nearly all paid, as nearly every one is, is not counted again
WARN_MARGIN = 1.05


def part_missing(rows: list[dict], checks: Checks, exact: Callable[[dict], int]) -> list[RunWarning]:
    """What to tell the officer of each checked group (at least min_group active beneficiaries) that is not
    missing (min_coverage of them have a payment row) but of which fewer than warn_coverage have one, at
    least min_group of them without: a part of its source's file may have been left out (one bank's
    daily batch of three: 65% paid, 105 MISSING_PAYMENT, a clean month). A month's unpaid are a few in a
    hundred; a bank's tens more are a file's part, or a bank's problem, to check before signing."""
    out = []
    for row in rows:
        n = row["beneficiaries"]
        line = checks.warn_coverage * n
        if not checks.warn_coverage or n < checks.min_group or row["with_payment"] >= WARN_MARGIN * line:
            continue
        covered = exact(row)
        if not (checks.min_coverage * n <= covered < line and n - covered >= checks.min_group):
            continue
        listed = exact({**row, "any_date": True})  # their rows dated outside the period: given (OUT_OF_PERIOD)
        if listed < line and n - listed >= checks.min_group:
            source = _source(row)
            where = "the post office" if source == "cash" else str(row["bank_code"] or "a bank without a code")
            out.append(
                RunWarning(
                    f"{_n(n - covered)} of the {_n(n)} active {row['program']} beneficiaries paid through {where} "
                    f"have no payment row dated in the period ({covered * 100 // n}% have one): a part of the payment "
                    f"file of {where} (a day's batch) may be missing (each is a MISSING_PAYMENT); give every file of "
                    f"{where} with --payments and run again, or check that none of them was paid",
                    (row["program"],) if source == "cash" else (),
                )
            )
    return out


def registry_unpaid(rows: list[dict], names: dict[int, str], checks: Checks) -> list[RunWarning]:
    """What to tell the officer of each registry file (registry_files.sql's rows) of at least min_source
    active beneficiaries none of whom has a payment row dated in the period, while the people of another
    registry file have: another commune's or another month's list given by mistake beside this month's
    (30 false MISSING_PAYMENT, the amount due overstated, a clean month). A month whose people no file
    pays at all is refused by source coverage."""
    if len(rows) < 2 or not any(row["with_payment"] for row in rows):
        return []
    return [
        RunWarning(
            f"none of the {_n(row['beneficiaries'])} active beneficiaries of the registry file "
            f"{names.get(row['file_id'], row['file_id'])} has a payment row dated in the period, while those of the "
            "other registry files have: it may be another place's or another month's list (each is a "
            "MISSING_PAYMENT); check it is this month's list of this place, or leave it out and run again"
        )
        for row in rows
        if row["beneficiaries"] >= max(checks.min_source, 1) and not row["with_payment"]
    ]


def _programs(rows: list[dict]) -> tuple[str, ...]:
    """The programmes of the groups that have active beneficiaries."""
    return tuple(sorted({row["program"] for row in rows if row["beneficiaries"]}))


def _source(row: dict) -> str | None:
    """Whose file pays a coverage group: the post office's (cash), else its bank's."""
    return "cash" if row["channel"] == "cash" else row["bank_code"]


def exact_coverage_params(row: dict) -> dict:
    """The parameters of coverage_exact.sql for one of coverage.sql's rows."""
    return {
        "program": row["program"],
        "channel": row["channel"],
        "bank_code": row["bank_code"],
        "any_date": row.get("any_date", False),
    }


def refuse_missing(missing: list[MissingSource], period: str = "") -> ReconcileError:
    """One line for the officer: whose file looks missing, with the counts, and the two ways on; in a
    February missing pensions, a third: January may have paid them (months paid together, before Tết),
    which this run counts only from a database that holds January's run."""
    by_source: dict[str, list[int]] = {}
    known: set[str] = set()
    for m in missing:
        source = "the post office" if m.channel == "cash" else (m.bank_code or "a bank without a code")
        if m.commune_code:
            source = f"the post office in commune {m.commune_code}"
        if m.others_paid:  # the source's file of another programme is there: name this programme's
            source = f"{source} for {m.program}"
        if m.bank_known:
            known.add(source)
        counts = by_source.setdefault(source, [0, 0])
        counts[0] += m.without_payment
        counts[1] += m.beneficiaries
    sources = sorted(by_source, key=lambda source: (not source.startswith("the post office"), source))
    listed = ", ".join(
        f"{source} ({_n(by_source[source][0])} of {_n(by_source[source][1])}"
        + (", by the bank of their accounts in earlier months" if source in known else "")
        + ")"
        for source in sources
    )
    files = (
        f"the payment file of {sources[0]}"
        if len(sources) == 1
        else f"the payment files of {', '.join(sources[:-1])} and {sources[-1]}"
    )
    it = "it" if len(sources) == 1 else "them"
    return ReconcileError(
        f"the month looks incomplete: most active beneficiaries paid through {listed} have no payment row dated in the period; "
        f"{files} may be missing: add {it} with --payments, or pass --partial to reconcile the month without {it} "
        "(the report will say PARTIAL)"
        + (
            "; if January's payments paid February too (before Tết), reconcile January into this database first"
            if period.endswith("-02") and any(m.program == "pension" for m in missing)
            else ""
        )
    )
