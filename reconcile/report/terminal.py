"""Plain-text renderings for the terminal: aligned tables, the run summary, the check report.

Pure functions that return strings; the CLI decides where they go. Nothing here prints IDs,
account numbers or names. Sentences and column headers come from the message catalogue
(reconcile/messages.py) in the current language; the values the library wrote in English (a row's
reasons, a sheet's problem) are translated with it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from decimal import Decimal

from reconcile.errors import shell_arg
from reconcile.filecheck import CheckResult
from reconcile.masking import mask_text, names_hidden
from reconcile.messages import language, number, text, translate
from reconcile.report.labels import label, shown_share, value_label
from reconcile.results import RunResult
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
# and the marks that turn the direction of the text after them (U+202E in a name or a file's name)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A CSV cell that a spreadsheet would run as a formula (=HYPERLINK(...), +, -, @, or a tab or carriage
# return before one), unless it is a number such as -500
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?[0-9][0-9.,]*$")


def safe_text(value: str) -> str:
    """A value from a file as it may be printed on a terminal (a file's name masked under --mask-ids:
    masking.hide_names; masked first, as cli.group.printable does)."""
    return _CONTROL.sub(" ", names_hidden(value))


# In a CSV cell (quoted, so a line break or a tab is data): the other control characters, which a
# terminal the CSV is printed on would run (an escape that clears the screen or retitles the window)
_CSV_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def csv_cell(value):
    """A value as a CSV cell that a spreadsheet shows as text (a leading ' before a formula) and a
    terminal prints as text (escape sequences and bells as a space)."""
    if isinstance(value, str):
        value = _CSV_CONTROL.sub(" ", value)
        if _FORMULA.match(value) and not _NUMBER.match(value):
            return "'" + value
    return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # as the summary says it, in the reader's language (CSV and JSON: true, false)
        return label("yes" if value else "no", language())
    if isinstance(value, int):
        return number(f"{value:,}")
    if isinstance(value, float):
        return number(f"{value:.4f}")
    if isinstance(value, Decimal):
        return number(f"{value:,}")
    return safe_text(str(value))


def pct(share: float | None, target: float | None = None, cut: bool = False) -> str:
    """A share in percent, two decimals; beside its target, never rounded up to it (labels.shown_share);
    `cut`: never rounded up at all (a part of a share measured against a target: a channel's)."""
    if share is None:
        return ""
    # (a share of exactly 99.85% is 0.99849999... as a float: nudged before the cut)
    return number(f"{(math.floor(share * 10_000 + 1e-9) / 10_000 if cut else shown_share(share, target)) * 100:.2f}%")


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
    lang = language()
    severity = {r.code: r.severity.value for r in catalogue()}
    parts = []
    if result.partial:
        sources = "; ".join(translate(m.describe()) for m in result.missing_sources)
        parts.append(text("summary.partial", period=result.period, sources=sources))
    if result.warnings:  # a month that may be mis-supplied says so in its summary's first line
        n = len(result.warnings)
        parts.append(
            text(
                "summary.warned",
                count=f"{n:,}",
                what="warning" if n == 1 else "warnings",
                it="it" if n == 1 else "each",
            )
        )
    parts += [
        text(
            "summary.period",
            period=result.period,
            registry=f"{result.registry_rows:,}",
            payments=f"{result.payment_rows:,}",
            rejected=_rows(result.rejected_rows),
            set_aside=_set_aside(result),
        ),
        text("summary.amounts", due=f"{result.amount_due:,}", paid=f"{result.amount_paid:,}"),
    ]
    if result.replaced is not None:
        r = result.replaced
        parts.append(
            text(
                "summary.replaced",
                period=result.period,
                operator=r.operator,
                finished=f"{r.finished_at:%d/%m/%Y %H:%M}",
                appeared=f"{r.findings_appeared:,}",
                findings="finding" if r.findings_appeared == 1 else "findings",
                gone=f"{r.findings_gone:,}",
                changed=f"{r.inputs_changed:,}",
                files="file" if r.inputs_changed == 1 else "files",
            )
        )
    parts += ["", _inputs_table(result.inputs)]
    parts += _input_notes(result.inputs)
    parts.append("")
    rows = [
        [r.code, value_label("severity", severity[r.code], lang), result.flag_counts.get(r.code, 0)]
        for r in catalogue()
    ]
    parts.append(table(_headers("finding", "severity", "count"), rows, right=(2,)))
    parts.append(text("summary.findings", count=f"{result.flags:,}"))
    parts.append("")
    doubted = {p for w in result.warnings for p in w.programs}  # a share a warning of the run puts in doubt
    parts.append(
        table(
            _headers(
                "programme", "payments", "noncash_payments", "noncash_beneficiaries", "noncash_value", "target", "met"
            ),
            [
                [
                    value_label("program", n["program"], lang) if lang == "vi" else n["program"],
                    n["payments"],
                    pct(n["share_payments"], n["target"]),
                    pct(n["share_beneficiaries"], n["target"]),
                    pct(n["share_amount"], n["target"]),
                    pct(n["target"]),
                    None if n["target_met"] is None else text(_met(n, doubted)),
                ]
                for n in result.noncash
            ],
            right=(1, 2, 3, 4, 5),
        )
    )
    parts.append("")
    if result.engine == "spark":
        parts.append(text("summary.spark", out=result.out, seconds=f"{result.seconds:.1f}"))
    else:
        parts.append(text("summary.database", db=result.db, seconds=f"{result.seconds:.1f}"))
    return "\n".join(parts)


def _headers(*names: str) -> list[str]:
    return [text(f"header.{name}") for name in names]


def _rows(n: int) -> str:
    return text("summary.rows", count=f"{n:,}", rows="row" if n == 1 else "rows")


def _set_aside(result) -> str:
    """', N rows set aside (no payment: ...)' when a statement held credits, charges or balance rows."""
    n = result.set_aside_rows
    return text("summary.set_aside", count=f"{n:,}") if n else ""


def _inputs_table(inputs) -> str:
    lang = language()
    sheets: dict[str, int] = {}
    for i in inputs:
        sheets[i.path] = sheets.get(i.path, 0) + 1
    aside = any(i.rows_set_aside for i in inputs)  # a column only when a file holds rows that are no payment
    names = (
        ["file", "role", "profile", "read", "loaded", "rejected"] + (["set_aside"] if aside else []) + ["ids_restored"]
    )
    return table(
        _headers(*names),
        [
            [
                i.path + (f" [{i.sheet}]" if sheets[i.path] > 1 else ""),
                value_label("role", i.role, lang) if lang == "vi" else i.role,
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


def _met(share: dict, doubted: set[str]) -> str:
    """The word of the target's column: no, yes, or yes in doubt (a warning said before puts the share in doubt)."""
    if not share["target_met"]:
        return "header.no"
    return "header.yes_in_doubt" if share["program"] in doubted else "header.yes"


def _input_notes(inputs) -> list[str]:
    """Warnings and checks of the files under their table: restored account numbers, totals agreed."""
    notes = []
    restored = sum(getattr(i, "accounts_restored", 0) or 0 for i in inputs)
    if restored:
        notes.append(text("summary.accounts_restored", count=f"{restored:,}"))
    for i in inputs:
        if i.format in ("camt", "mt940") and not i.rows_loaded and not i.rows_rejected:
            notes.append(text("summary.no_payment" if not i.rows_read else "summary.no_payment_aside", path=i.path))
        if getattr(i, "control_source", None):
            where = i.path + (f" [{i.sheet}]" if i.sheet else "")
            notes.append(text("summary.checked", file=where, source=translate(i.control_source)))
    return notes


def stage_summary(result) -> str:
    """What `reconcile run --stage-only` prints: the files, and what to run next."""
    from reconcile.staged import FILES

    return "\n".join(
        [
            text(
                "summary.staged",
                period=result.period,
                registry=f"{result.registry_rows:,}",
                payments=f"{result.payment_rows:,}",
                rejected=_rows(result.rejected_rows),
                set_aside=_set_aside(result),
            ),
            "",
            _inputs_table(result.inputs),
            "",
            text("summary.staged_in", out=result.out, files=", ".join(FILES.values()), seconds=f"{result.seconds:.1f}"),
            text("summary.on_spark"),
            f"  reconcile run --engine spark --period {result.period} --registry {shell_arg(result.path('registry'))} "
            f"--payments {shell_arg(result.path('payments'))} --out RESULTS",
        ]
    )


PROFILE_HOW = {
    "given": "{name} (given with --profile)",
    "recognised": "{name} (recognised from its header row)",
    "camt": "none needed (ISO 20022 camt XML)",
    "mt940": "none needed (SWIFT MT940 statement)",
    "none": "none (canonical names and common Vietnamese headers recognised)",
}  # in English; check_report says them in the current language (check.profile_<how>)


def _set_aside_lines(rows: list[tuple[int, str]], shown: int = 10) -> list[str]:
    """The rows set aside as no payment, one line per reason with how many and their first row numbers:
    a statement's credits are routine, not problems to read one by one."""
    by_reason: dict[str, list[int]] = {}
    for row, reason in rows:
        by_reason.setdefault(reason, []).append(row)
    return [
        text(
            "check.set_aside",
            count=f"{len(numbers):,}",
            rows="row" if len(numbers) == 1 else "rows",
            reason=translate(reason),
            rows2="row" if len(numbers) == 1 else "rows",
            numbers=", ".join(map(str, numbers[:shown])),
            more=", ..." if len(numbers) > shown else "",
        )
        for reason, numbers in sorted(by_reason.items(), key=lambda item: item[1][0])
    ]


def check_report(res: CheckResult) -> str:
    where = (
        text("check.header_rows", first=res.header_row, last=res.header_row + 1)
        if res.header_rows == 2
        else text("check.header_row", row=res.header_row)
        if res.header_row
        else text("check.no_header_row")  # a sheet that goes on with the list of the sheet before
    ) + (text("check.of_sheet", sheet=res.sheet) if res.sheet else "")
    if res.format in ("camt", "mt940"):
        where = text("check.transactions")
    how = text(f"check.profile_{res.profile_how}", name=res.profile)
    lines = [
        text(
            "check.file",
            path=res.path,
            kind=res.kind,
            format=res.format,
            encoding=f", {res.encoding}" if res.encoding else "",
            where=where,
        ),
        text("check.profile", how=how),
        text("check.columns", columns=", ".join(f"{orig} -> {canon}" for orig, canon in res.columns_used.items())),
    ]
    lines += [text("check.profile_note", note=translate(note)) for note in res.notes]
    if res.columns_ignored:
        # a header that is an ID (a data row taken for one) is not printed whole
        lines.append(text("check.ignored", columns=", ".join(mask_text(c) or c for c in res.columns_ignored)))
    key = "check.rows_set_aside" if res.kind == "payments" else "check.rows_set_aside_registry"
    aside = text(key, count=f"{len(res.set_aside):,}") if res.set_aside else ""
    lines.append(
        text(
            "check.rows",
            read=f"{res.rows_read:,}",
            loaded=f"{res.rows_loaded:,}",
            rejected=f"{res.rows_rejected:,}",
            set_aside=aside,
        )
    )
    if res.currency:
        lines.append(text("check.currency", currency=translate(res.currency)))
    if res.ids_restored:
        lines.append(text("check.ids_restored", count=f"{res.ids_restored:,}"))
    if res.control:
        disagree = "" if res.control_agrees else text("check.totals_disagree")
        lines.append(text("check.totals", control=translate(res.control) + disagree))
    lines += _set_aside_lines(res.set_aside)
    for row, reason in res.rejected:
        lines.append(text("check.rejected", row=row, reason=translate(reason)))
    for row, problem in res.id_problems:
        lines.append(text("check.invalid_id", row=row, problem=translate(problem)))
    if res.area_map:  # no --period: the map the registry's codes fit
        layout, noted = res.area_map
        if layout == "2025":
            lines.append(text("check.area_map_2025"))
        else:
            lines.append(text("check.area_map_pre2025", noted=f"{noted:,}"))
    for row, note in res.area_notes:  # a code that is an ID (a shifted column) is not printed whole
        lines.append(text("check.area", row=row, note=translate(mask_text(note) or note)))
    if res.refused:
        lines.append(text("check.refused", error=translate(res.refused)))
    return "\n".join(safe_text(line) for line in lines)  # headers and sheet names come from the file
