"""The administrator's commands: export-db (the analysts' copy that may leave the office) and delete
(a period removed, with a record of who removed it and why)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconcile import messages
from reconcile.cli.group import say
from reconcile.cli.read import write_db_option


@click.command("export-db")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path("reconcile.duckdb"),
    show_default=True,
    help="Database written by 'reconcile run'; opened read-only.",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="New DuckDB file for the analysts.")
@click.option("--period", "periods", multiple=True, help="A period to export, YYYY-MM (repeatable; default: all).")
def export_db(db, out, periods) -> None:
    """A copy of the database for analysts outside the office: IDs and account numbers replaced by
    keyed hashes (HMAC-SHA256 under the database's key: RECONCILE_KEY, else the <db>.key file, which
    stays in the office), so joins still work; names, dates of birth, narratives and raw values left
    out."""
    from reconcile.analyst_export import export

    result = export(db, out, list(periods))
    say(
        f"reconcile: wrote {result.path} ({', '.join(result.periods)}; {result.rows['registry']:,} registry "
        f"rows, {result.rows['payments']:,} payments, {result.rows['flags']:,} findings); IDs, account numbers "
        "and payment references are keyed hashes, finding and case ids the copy's own, names and dates of birth "
        "left out",
        err=True,
    )


def _confirmed(question: str) -> bool:
    """Asked on the terminal: y or yes, and in Vietnamese c or có, goes on; anything else, no answer,
    or no terminal to answer on, does not."""
    choices = "[c/K]" if messages.language() == "vi" else "[y/N]"
    try:
        answer = click.prompt(f"{question} {choices}", default="", show_default=False, err=True)
    except click.Abort:
        click.echo(err=True)
        return False
    return answer.strip().lower() in {"y", "yes", "c", "có", "co"}


@click.command()
@click.option("--period", required=True, help="Period to remove, YYYY-MM.")
@write_db_option
@click.option("--by", required=True, help="Who removes it (recorded).")
@click.option("--reason", required=True, help="Why it is removed (recorded).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(period, db, by, reason, yes) -> None:
    """Remove a period from the database, keeping a record of who removed what and why.

    The period's run and findings move to superseded_runs and superseded_flags; period_deletions
    records the removal. Other periods stay as they are.
    """
    from reconcile.admin import delete_period, period_run
    from reconcile.cli.money import say_removal_notes

    run = period_run(db, period)
    say(
        f"Period {period} in {db}: run by {run.operator}, finished {run.finished_at:%d/%m/%Y %H:%M} UTC; "
        f"{run.registry_rows:,} registry rows, {run.payment_rows:,} payments, {run.flags:,} findings, from "
        f"{', '.join(f['file_name'] for f in run.files)}.",
        err=True,
    )
    if not yes and not _confirmed(messages.translate(f"Remove period {period}?")):
        say("reconcile: nothing removed", err=True)
        sys.exit(2)  # nothing written, as any refusal: 1 says findings
    deletion = delete_period(db, period, by, reason)
    say(
        f"reconcile: removed period {period} from {db} (removal {deletion.deletion_id[:12]}, by {by.strip()}); "
        "its run and findings are kept in superseded_runs and superseded_flags, the removal in "
        "period_deletions",
        err=True,
    )
    say_removal_notes(deletion)
