"""Plain-text renderings for the terminal: aligned tables, the run summary, the check report.

Pure functions that return strings; the CLI decides where they go. Nothing here prints IDs,
account numbers or names.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence

from reconcile.filecheck import CheckResult
from reconcile.pipeline import RunResult
from reconcile.rules import catalogue


def table(headers: Sequence[str], rows: Sequence[Sequence], *, right: Sequence[int] = ()) -> str:
    """An aligned text table with a rule under the header."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values):
        out = []
        for i, v in enumerate(values):
            out.append(v.rjust(widths[i]) if i in right else v.ljust(widths[i]))
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


# Control characters (escape sequences that recolour or rewrite a terminal, bells, line breaks that
# break a table) in a value from a file: shown as a space
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A CSV cell that a spreadsheet would run as a formula (=HYPERLINK(...), +, -, @, or a tab or carriage
# return before one), unless it is a number such as -500
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?[0-9][0-9.,]*$")


def safe_text(value: str) -> str:
    """A value from a file as it may be printed on a terminal."""
    return _CONTROL.sub(" ", value)


def csv_cell(value):
    """A value as a CSV cell that a spreadsheet shows as text: a leading ' before a formula."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4f}"
    return safe_text(str(value))


def pct(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.2f}%"


def as_csv(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()


def as_json(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    return json.dumps([dict(zip(headers, row)) for row in rows], ensure_ascii=False, indent=2, default=str)


def render(headers: Sequence[str], rows: Sequence[Sequence], fmt: str, *, right: Sequence[int] = ()) -> str:
    if fmt == "csv":
        return as_csv(headers, rows).rstrip("\n")
    if fmt == "json":
        return as_json(headers, rows)
    return table(headers, rows, right=right)


def run_summary(result: RunResult) -> str:
    """The compact summary `reconcile run` and `reconcile demo` print. A partial month says so first."""
    severity = {r.code: r.severity.value for r in catalogue()}
    parts = []
    if result.partial:
        parts.append(
            f"PARTIAL: {result.period} was reconciled without every source (--partial): "
            + "; ".join(m.describe() for m in result.missing_sources)
            + ". Its findings are incomplete and its targets are not judged."
        )
    parts += [
        f"Period {result.period}: {result.registry_rows:,} registry rows, {result.payment_rows:,} payments loaded, "
        f"{_rows(result.rejected_rows)} rejected" + _set_aside(result) + ".",
        f"Due {result.amount_due:,} VND to active beneficiaries; paid {result.amount_paid:,} VND "
        f"in successful payments dated in the period.",
    ]
    if result.replaced is not None:
        r = result.replaced
        parts.append(
            f"Replaced the run of {result.period} made by {r.operator} (finished {r.finished_at:%d/%m/%Y %H:%M} "
            f"UTC): {r.findings_appeared:,} findings appeared, {r.findings_gone:,} gone, "
            f"{r.inputs_changed:,} input files added, removed or changed (see run_changes)."
        )
    parts += ["", _inputs_table(result.inputs)]
    parts += _input_notes(result.inputs)
    parts.append("")
    rows = [[r.code, severity[r.code], result.flag_counts.get(r.code, 0)] for r in catalogue()]
    parts.append(table(["finding", "severity", "count"], rows, right=(2,)))
    parts.append(f"{result.flags:,} findings in all.")
    parts.append("")
    parts.append(
        table(
            ["programme", "payments", "non-cash payments", "non-cash beneficiaries", "non-cash value", "target", "met"],
            [
                [
                    n["program"],
                    n["payments"],
                    pct(n["share_payments"]),
                    pct(n["share_beneficiaries"]),
                    pct(n["share_amount"]),
                    pct(n["target"]),
                    n["target_met"],
                ]
                for n in result.noncash
            ],
            right=(1, 2, 3, 4, 5),
        )
    )
    parts.append("")
    if result.engine == "spark":
        parts.append(f"Spark: flags and non-cash share in {result.out}  ({result.seconds:.1f} s)")
    else:
        parts.append(f"Database: {result.db}  ({result.seconds:.1f} s)")
    return "\n".join(parts)


def _rows(n: int) -> str:
    return f"{n:,} {'row' if n == 1 else 'rows'}"


def _set_aside(result) -> str:
    """', N rows set aside (no payment: ...)' when a statement held credits, charges or balance rows."""
    n = result.set_aside_rows
    return f", {n:,} set aside as no payment (credits, bank charges, balance rows: see rejected_rows)" if n else ""


def _inputs_table(inputs) -> str:
    sheets: dict[str, int] = {}
    for i in inputs:
        sheets[i.path] = sheets.get(i.path, 0) + 1
    aside = any(i.rows_set_aside for i in inputs)  # a column only when a file holds rows that are no payment
    return table(
        ["file", "role", "profile", "read", "loaded", "rejected"] + (["set aside"] if aside else []) + ["IDs restored"],
        [
            [
                i.path + (f" [{i.sheet}]" if sheets[i.path] > 1 else ""),
                i.role,
                i.profile or (i.format if i.format in ("camt", "mt940") else "-"),
                i.rows_read,
                i.rows_loaded,
                i.rows_rejected,
            ]
            + ([i.rows_set_aside] if aside else [])
            + [i.ids_restored]
            for i in inputs
        ],
        right=(3, 4, 5, 6, 7) if aside else (3, 4, 5, 6),
    )


def _input_notes(inputs) -> list[str]:
    """Warnings and checks of the files under their table: restored account numbers, totals agreed."""
    notes = []
    restored = sum(getattr(i, "accounts_restored", 0) or 0 for i in inputs)
    if restored:
        notes.append(
            f"warning: {restored:,} account numbers had lost their leading zeros and were restored "
            "(inputs.accounts_restored)"
        )
    for i in inputs:
        if i.format in ("camt", "mt940") and not i.rows_loaded and not i.rows_rejected:
            notes.append(
                f"note: {i.path} holds no payment"
                + (" (no entries: a day without movements)" if not i.rows_read else " (only rows set aside)")
            )
        if getattr(i, "control_source", None):
            notes.append(
                f"checked: {i.path}" + (f" [{i.sheet}]" if i.sheet else "") + f" agrees with its {i.control_source}"
            )
    return notes


def stage_summary(result) -> str:
    """What `reconcile run --stage-only` prints: the files, and what to run next."""
    from reconcile.staged import FILES

    return "\n".join(
        [
            f"Period {result.period} staged: {result.registry_rows:,} registry rows, {result.payment_rows:,} payments "
            f"loaded, {_rows(result.rejected_rows)} rejected" + _set_aside(result) + ".",
            "",
            _inputs_table(result.inputs),
            "",
            f"Staged Parquet in {result.out}: " + ", ".join(FILES.values()) + f"  ({result.seconds:.1f} s)",
            "Reconcile it on Spark with:",
            f"  reconcile run --engine spark --period {result.period} --registry {result.path('registry')} "
            f"--payments {result.path('payments')} --out RESULTS",
        ]
    )


PROFILE_HOW = {
    "given": "{name} (given with --profile)",
    "recognised": "{name} (recognised from its header row)",
    "camt": "none needed (ISO 20022 camt XML)",
    "mt940": "none needed (SWIFT MT940 statement)",
    "none": "none (canonical names and common Vietnamese headers recognised)",
}


def _set_aside_lines(rows: list[tuple[int, str]], shown: int = 10) -> list[str]:
    """The rows set aside as no payment, one line per reason with how many and their first row numbers:
    a statement's credits are routine, not problems to read one by one."""
    by_reason: dict[str, list[int]] = {}
    for row, reason in rows:
        by_reason.setdefault(reason, []).append(row)
    return [
        f"set aside: {len(numbers):,} {'row' if len(numbers) == 1 else 'rows'}: {reason} "
        f"({'row' if len(numbers) == 1 else 'rows'} {', '.join(map(str, numbers[:shown]))}"
        + (", ..." if len(numbers) > shown else "")
        + ")"
        for reason, numbers in sorted(by_reason.items(), key=lambda item: item[1][0])
    ]


def check_report(res: CheckResult) -> str:
    where = f"header on row {res.header_row}" + (f" of sheet '{res.sheet}'" if res.sheet else "")
    if res.format in ("camt", "mt940"):
        where = "row n is the n-th transaction in the file"
    lines = [
        f"{res.path}: {res.kind} file, {res.format}" + (f", {res.encoding}" if res.encoding else "") + f", {where}",
        "profile: " + PROFILE_HOW[res.profile_how].format(name=res.profile),
        "columns: " + ", ".join(f"{orig} -> {canon}" for orig, canon in res.columns_used.items()),
    ]
    lines += [f"profile: {note}" for note in res.notes]
    if res.columns_ignored:
        lines.append("ignored: " + ", ".join(res.columns_ignored))
    lines.append(
        f"rows: {res.rows_read:,} read, {res.rows_loaded:,} loaded, {res.rows_rejected:,} rejected"
        + (f", {len(res.set_aside):,} set aside as no payment" if res.set_aside else "")
    )
    if res.currency:
        lines.append(f"currency: {res.currency}")
    if res.ids_restored:
        lines.append(f"warning: {res.ids_restored:,} IDs had lost their leading zero and were restored")
    if res.control:
        lines.append(
            f"totals: {res.control}"
            + ("" if res.control_agrees else "; they DISAGREE: the file is incomplete or its totals row is wrong")
        )
    lines += _set_aside_lines(res.set_aside)
    for row, reason in res.rejected:
        lines.append(f"row {row}: rejected: {reason}")
    for row, problem in res.id_problems:
        lines.append(f"row {row}: INVALID_VNEID: {problem}")
    for row, note in res.area_notes:
        lines.append(f"row {row}: area: {note}")
    return "\n".join(safe_text(line) for line in lines)  # headers and sheet names come from the file
