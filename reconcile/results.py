"""What a run returns: its inputs, findings by code and severity, the non-cash share, the totals; the
same for a run on Spark. The terminal summary is printed from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass
class InputSummary:
    file_id: int
    role: str
    path: str
    format: str
    encoding: str | None
    profile: str | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    ids_restored: int
    sheet: str | None = None
    accounts_restored: int = 0
    control_source: str | None = None  # the file's own totals agreed with what was read: where they are
    rows_set_aside: int = 0  # no payment or beneficiary: credits, bank charges, balance and totals rows


@dataclass
class Replaced:
    """The run a re-run of the period replaced, and what changed."""

    run_id: str
    finished_at: datetime
    operator: str
    findings_appeared: int
    findings_gone: int
    inputs_changed: int


@dataclass
class RunResult:
    run_id: str
    period: str
    db: Path
    inputs: list[InputSummary]
    flag_counts: dict[str, int]
    severity_counts: dict[str, int]
    noncash: list[dict]
    registry_rows: int
    payment_rows: int
    rejected_rows: int
    amount_due: int
    amount_paid: int
    seconds: float
    step_seconds: dict[str, float]
    engine: str = "duckdb"
    out: str | None = None  # --engine spark: the folder or URL the flags and share went to
    missing_sources: list = field(default_factory=list)  # checks.MissingSource, when run with --partial
    skipped_sheets: list = field(default_factory=list)  # readers.SkippedSheet
    warnings: list = field(default_factory=list)  # checks_coverage.RunWarning: said before the summary, and stored
    replaced: Replaced | None = None  # the earlier run of the period this one replaced
    set_aside_rows: int = 0  # rows that are no payment or beneficiary (credits, charges, balance rows)
    reopened: int = 0  # closed cases this period flagged again, reopened (case_events)
    reopened_settled: int = 0  # recovered or written-off cases this period paid again, reopened
    reopen_undone: int = 0  # cases the run replaced had reopened, closed again (its findings gone)
    returned_overpaid: list = field(default_factory=list)  # (case_id, VND, period): overpaid, returned later
    over_settled: int = 0  # cases with more recovered and written off than overpaid (recoveries.excess)
    unflagged_money: int = 0  # cases with money recovered or written off that no period flags any more
    # (case_id, VND, VND): cases with money recorded whose findings the re-run took money from, others left
    settled_taken: list = field(default_factory=list)
    arrears_other_id: int = 0  # beneficiaries in arrears that may have had another ID (arrears.earlier_vneid)
    back_paid_twice: tuple = (0,) * 8  # back payments of the period naming months paid already, and their
    # VND; those naming months not due (the beneficiary not listed active then), and their VND; those
    # paying more than those months' registries gave them, and the VND over; and less, and the VND short
    paid_ahead: tuple = (0, 0)  # payments of the period that paid later months too, and those months' VND
    paid_before: tuple = (0, 0, "")  # beneficiaries earlier months paid this one ahead, VND, those months

    @property
    def partial(self) -> bool:
        return bool(self.missing_sources)

    @property
    def flags(self) -> int:
        return sum(self.flag_counts.values())

    def max_severity_rank(self) -> int:
        from reconcile.contracts import SEVERITY_RANK

        return max((SEVERITY_RANK[s] for s, n in self.severity_counts.items() if n), default=0)
