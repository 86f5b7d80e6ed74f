"""The auditors' and analysts' commands: flags, show, cashless and periods, over a database
`reconcile run` wrote; rules and profiles, the catalogues of findings and of file layouts.

They parse, call reconcile.readback and print: results on stdout, notes on stderr. A note never
carries an ID, an account number or a name.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconcile import messages
from reconcile.cli.group import FORMATS, lazy, province_code, say
from reconcile.cli.listing import check_out, emit, listing_format, out_option, reading, write_listing
from reconcile.contracts import SEVERITY_RANK, Program
from reconcile.errors import ReconcileError

if TYPE_CHECKING:
    from reconcile.readback import Rows

readback = lazy("reconcile.readback")
showing = lazy("reconcile.show")
masking = lazy("reconcile.masking")
terminal = lazy("reconcile.report.terminal")

TABLE_ROWS = 1000  # --format table without --limit shows at most this many findings
SHARE_COLUMNS = ("share_beneficiaries", "share_payments", "share_amount", "target")
NUMBER_COLUMNS = (
    "expected_amount",
    "paid_amount",
    "entitled_amount",
    "amount",
    "source_row",
    "beneficiaries",
    "payments",
    "seconds",
    "registry_rows",
    "payment_rows",
    "rejected_rows",
    "flags",
    "amount_due",
    "amount_paid",
    "amount_at_stake",
    "amount_recovered",
    "amount_written_off",
    "periods_flagged",
    "periods_open",
    "change",
    "amount_change",
    "previous_findings",
    "findings",
    "high_or_critical",
    "welfare_noncash",
    "pension_noncash",
    *SHARE_COLUMNS,
)
SHOW_SECTIONS = (
    ("registry", "header.registry_rows"),
    ("payments", "header.payments_found"),
    ("flags", "header.findings"),
)


def _right(headers) -> list[int]:
    return [i for i, h in enumerate(headers) if h in NUMBER_COLUMNS]


def _render(result: Rows, fmt: str) -> str:
    rows = result.rows
    if fmt == "table" and messages.language() == "vi" and {"code", "detail"} <= set(result.headers):
        # a finding's detail read by a person, in Vietnamese as the workbook writes it; csv and json
        # keep the database's English
        from reconcile.report.details import in_vietnamese

        code, detail = result.headers.index("code"), result.headers.index("detail")
        vi = in_vietnamese([(row[code], row[detail]) for row in rows])
        rows = [(*row[:detail], text, *row[detail + 1 :]) for row, text in zip(rows, vi)]
    return terminal.render(result.headers, rows, fmt, right=_right(result.headers))


db_option = click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path("reconcile.duckdb"),
    show_default=True,
    help="Database written by 'reconcile run'; opened read-only (one an earlier version wrote is brought up to date first).",
)
write_db_option = click.option(  # the commands that write to it: delete, review import, signoff, reopen
    "--db",
    type=click.Path(path_type=Path),
    default=Path("reconcile.duckdb"),
    show_default=True,
    help="Database that 'reconcile run' wrote.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=FORMATS,
    help="table, csv or json (default: table; with --out, csv for a .csv file and json for a .json one).",
)
mask_option = click.option(
    "--mask-ids",
    is_flag=True,
    help="Show IDs and account numbers (also inside the details) by their last 4 "
    "digits only, for output that leaves the office.",
)
period_option = click.option("--period", help="Only this period, YYYY-MM (default: all).")


@click.command()
@db_option
@period_option
@click.option("--code", help="Only this finding (see 'reconcile rules').")
@click.option(
    "--severity", type=click.Choice(list(SEVERITY_RANK), case_sensitive=False), help="Only this severity or higher."
)
@click.option("--province", callback=province_code, help="Only beneficiaries of this province code, e.g. 79.")
@click.option(
    "--program",
    type=click.Choice([p.value for p in Program] + ["unknown"]),
    help="Only this programme ('unknown': payments to people not in the registry).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    help=f"Show at most this many (0: all). Default: {TABLE_ROWS:,} for a table, all for CSV and JSON.",
)
@mask_option
@format_option
@out_option
def flags(db, period, code, severity, province, program, limit, mask_ids, fmt, out) -> None:
    """The findings, most severe first: amounts due and paid, what was found, and the file and row.

    Without --limit a table shows the first 1,000; CSV and JSON hold them all.
    """
    fmt = listing_format(fmt, out)
    if limit is None:
        limit = TABLE_ROWS if fmt == "table" else 0
    with reading(db, out) as con:
        if period is not None:
            readback.require_period(con, db, period)
        result = readback.flags(
            con,
            period=period,
            code=code,
            severity=severity,
            province=province,
            program=program,
            limit=limit or None,
        )
    if mask_ids:
        result = readback.masked(result)
    emit(_render(result, fmt), fmt, out)
    more = result.total - len(result.rows)
    if more:
        say(
            f"reconcile: {more:,} more findings not shown (of {result.total:,}); pass --limit 0 to "
            "see them all, or --format csv to export them",
            err=True,
        )


@click.command()
@click.argument("vneid", required=False)
@click.option(
    "--payment-ref",
    help="Instead of an ID: one payment reference, in every period (the file's or the bank's own, in either case).",
)
@click.option("--account", help="Instead of an ID: one account number, in every period (leading zeros aside).")
@db_option
@mask_option
@format_option
@out_option
def show(vneid, payment_ref, account, db, mask_ids, fmt, out) -> None:
    """Everything on one beneficiary, one payment reference or one account, across all periods:
    registry rows, payments, findings.

    VNEID is the 12-digit personal ID (số định danh cá nhân); spaces and dots in it are ignored.
    Payments count when they carry the ID or were matched to the beneficiary another way. With
    --payment-ref or --account: the payments that carry it, the beneficiaries they were matched to
    (for an account, also those registered with it), and the findings on either. A row of a file
    that holds it but was rejected is named after them, on stderr (see rejected_rows).
    """
    if sum(x is not None for x in (vneid, payment_ref, account)) != 1:
        raise ReconcileError("give one of: a 12-digit personal ID, --payment-ref REF or --account NUMBER")
    fmt = listing_format(fmt, out)
    with reading(db, out) as con:
        found = showing.show(con, vneid, payment_ref=payment_ref, account=account)
    sections = {name: getattr(found, name) for name, _ in SHOW_SECTIONS}
    echo_sections(sections, dict(SHOW_SECTIONS), mask_ids, fmt, out)
    what = "ID" if vneid else "payment reference" if payment_ref else "account"
    if not any(r.rows for r in sections.values()):
        say(f"reconcile: this {what} is in no registry row, payment or finding of the database", err=True)
    # a row of a file that holds it but was rejected is none of them: said, lest it be taken for
    # something the files never held (a payment whose amount could not be read)
    for period, _, source_file, sheet, row, reason in found.rejected.rows:
        where = masking.mask_text(source_file) if mask_ids else source_file
        if sheet is not None:
            where += f" (sheet '{masking.mask_text(sheet) if mask_ids else sheet}')"
        say(
            f"reconcile: a row rejected in {period} holds this {what} too: {where} row {row} ({reason}); "
            "see rejected_rows",
            err=True,
        )


def echo_sections(
    sections: dict[str, Rows], titles: dict[str, str], mask_ids: bool, fmt: str, out: Path | None = None
) -> None:
    """Several results in one output (show, case): JSON by section name, CSV sections under `# name`,
    or tables under their titles (message ids) with their counts; on stdout, or into `out`."""
    if mask_ids:
        sections = {name: readback.masked(rows) for name, rows in sections.items()}
    if fmt == "json":
        text = json.dumps(
            {name: [dict(zip(r.headers, row)) for row in r.rows] for name, r in sections.items()},
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    elif fmt == "csv":
        text = "\n\n".join(f"# {name}\n{_render(r, 'csv')}" for name, r in sections.items())
    else:
        text = "\n\n".join(
            f"{messages.text(titles[name])}: {messages.number(f'{rows.total:,}')}\n{_render(rows, 'table')}"
            for name, rows in sections.items()
        )
    emit(text, fmt, out)


@click.command()
@db_option
@period_option
@click.option(
    "--by",
    type=click.Choice(["program", "province", "commune", "province_2025", "channel"]),  # readback.CASHLESS_BY
    default="program",
    show_default=True,
    help="Programme totals, by province, by commune, by province on the 2025 map (to compare months "
    "before and after the July 2025 reform), or each programme split by channel.",
)
@format_option
@out_option
def cashless(db, period, by, fmt, out) -> None:
    """The non-cash share by programme, province, commune or channel, against the targets.

    Counts successful payments dated in their period; shares are of payments, of beneficiaries
    paid only without cash (bank or e-wallet), and of value. The target applies to the share of
    payments.
    """
    fmt = listing_format(fmt, out)
    with reading(db, out) as con:
        if period is not None:
            readback.require_period(con, db, period)
        result = readback.cashless(con, period=period, by=by)
    if fmt == "table":
        shares = [i for i, h in enumerate(result.headers) if h in SHARE_COLUMNS]
        # by channel, the third column is the channel: bank and ewallet make up the non-cash share
        noncash = ("bank", "ewallet") if by == "channel" else ()
        target = result.headers.index("target") if "target" in result.headers else None
        result = replace(
            result,
            rows=[
                tuple(
                    # a non-cash channel's part of the share has no target beside it, and is never rounded
                    # up: 659 bank payments of 660, 99.848%, read 99.85%, the target met
                    terminal.pct(v, row[target] if target is not None and i != target else None, cut=row[2] in noncash)
                    if i in shares
                    else v
                    for i, v in enumerate(row)
                )
                for row in result.rows
            ],
        )
    emit(_render(result, fmt), fmt, out)


@click.command()
@db_option
@format_option
@out_option
def periods(db, fmt, out) -> None:
    """The periods in the database: when and by whom each was reconciled, rows, findings, amounts."""
    fmt = listing_format(fmt, out)
    with reading(db, out) as con:
        result = readback.periods(con)
    if fmt == "table":
        result = replace(result, rows=[_period_row(result.headers, row) for row in result.rows])
    emit(_render(result, fmt), fmt, out)


def _period_row(headers, row) -> tuple:
    """Timestamps to the second and the duration to a tenth, for reading on a terminal."""
    values = dict(zip(headers, row))
    for name in ("started_at", "finished_at"):
        values[name] = f"{values[name]:%Y-%m-%d %H:%M:%S}"
    values["seconds"] = messages.number(f"{values['seconds']:.1f}")
    return tuple(values[h] for h in headers)


@click.command()
@format_option
@click.option("--lang", type=click.Choice(["en", "vi", "both"]), default="both", show_default=True)
@out_option
def rules(fmt, lang, out) -> None:
    """The catalogue of findings: code, severity and description."""
    fmt = listing_format(fmt, out)
    check_out(out)
    from reconcile.rules import catalogue

    headers = ["code", "severity"]
    if lang in ("en", "both"):
        headers.append("description_en")
    if lang in ("vi", "both"):
        headers.append("description_vi")
    rows = []
    for rule in catalogue():
        row = [rule.code, rule.severity.value]
        if lang in ("en", "both"):
            row.append(rule.description_en)
        if lang in ("vi", "both"):
            row.append(rule.description_vi)
        rows.append(row)
    emit(terminal.render(headers, rows, fmt), fmt, out)


@click.command()
@format_option
@click.argument("name", required=False)
@out_option
def profiles(fmt, name, out) -> None:
    """The built-in profiles of file layouts; with NAME, that profile's TOML, to copy and adapt (--out
    my_bank.toml writes it as UTF-8, as --profile reads it)."""
    check_out(out)
    from importlib import resources

    from reconcile.profiles import builtin

    known = builtin()
    if name:
        if name not in {p.name for p in known}:
            raise ReconcileError(f"no built-in profile named '{name}'; use one of {', '.join(p.name for p in known)}")
        text = resources.files("reconcile.data").joinpath("profiles", f"{name}.toml").read_text(encoding="utf-8")
        if out is None:
            click.echo(text, nl=False)
        else:
            write_listing(out, text, "toml")
        return
    fmt = listing_format(fmt, out)
    rows = [[p.name, p.kind, p.header.named(), p.described(messages.language())] for p in known]
    headers = ["name", "kind", "recognised by the headers", "description"]
    if fmt == "table":  # CSV and JSON keep their keys; a table is read by a person
        headers = [messages.text(f"header.{key}") for key in ("name", "kind", "recognised_by", "description")]
    emit(terminal.render(headers, rows, fmt), fmt, out)
