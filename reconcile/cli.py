"""The command line: parse, call the library, print, map errors to exit codes. No SQL here.

Exit codes: 0 done; 1 done, with findings at or above --fail-on (or rows rejected, for check);
2 bad input or configuration, nothing written; 3 internal error; 130 interrupted.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from reconcile import __version__
from reconcile.config import Settings, check_period
from reconcile.contracts import SEVERITY_RANK
from reconcile.errors import ReconcileError
from reconcile.report import terminal

FORMATS = click.Choice(["table", "csv", "json"])


class ReconcileGroup(click.Group):
    """Catches expected failures once, prints one line on stderr, exits with their code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReconcileError as exc:
            click.echo(f"reconcile: error: {exc}", err=True)
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("reconcile: interrupted; the database is unchanged", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: say so without leaking data, keep the trace behind --debug
            click.echo(f"reconcile: internal error ({type(exc).__name__}); the database is unchanged. "
                       "Run again with --debug for the traceback and report it.", err=True)
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            ctx.exit(3)


@click.group(cls=ReconcileGroup)
@click.version_option(__version__, prog_name="reconcile")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Reconcile monthly cashless welfare and pension disbursements against the beneficiary registry."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _fail_on_exit(result, fail_on: str | None) -> int:
    if fail_on and result.max_severity_rank() >= SEVERITY_RANK[fail_on]:
        return 1
    return 0


@cli.command()
@click.option("--period", required=True, help="Period to reconcile, YYYY-MM.")
@click.option("--registry", "registry", multiple=True, required=True, type=click.Path(path_type=Path),
              help="Beneficiary registry file (repeatable).")
@click.option("--payments", "payments", multiple=True, required=True, type=click.Path(path_type=Path),
              help="Payment file of a bank or the post office (repeatable).")
@click.option("--db", type=click.Path(path_type=Path), default=Path("reconcile.duckdb"), show_default=True,
              help="DuckDB database to write; it grows by period.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML file of targets and thresholds.")
@click.option("--fail-on", type=click.Choice(list(SEVERITY_RANK)), help="Exit 1 when a finding of this severity or higher is found.")
@click.option("--operator", help="Who runs the reconciliation (default: the OS user).")
def run(period, registry, payments, db, config_path, fail_on, operator) -> None:
    """Reconcile one period: read the files, flag every mismatch, measure the non-cash share."""
    from reconcile.pipeline import RunConfig, run as run_pipeline

    check_period(period)
    settings = Settings.load(config_path)
    click.echo(f"reconcile: reading {len(registry) + len(payments)} files for {period}", err=True)
    result = run_pipeline(RunConfig(period=period, registry=list(registry), payments=list(payments), db=db,
                                    settings=settings, operator=operator))
    if result.rejected_rows:
        click.echo(f"reconcile: {result.rejected_rows:,} rows set aside in rejected_rows", err=True)
    click.echo(terminal.run_summary(result))
    sys.exit(_fail_on_exit(result, fail_on))


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("reconcile-demo"), show_default=True,
              help="Folder for the sample files and the demo database.")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="Database to write (default: demo.duckdb in the --out folder).")
def demo(out, db) -> None:
    """Reconcile the realistic sample month shipped with reconcile, end to end."""
    from reconcile.pipeline import RunConfig, run as run_pipeline
    from reconcile.sample import PERIOD, write_sample_month

    files = write_sample_month(out)
    db = db or out / "demo.duckdb"
    click.echo(f"reconcile: sample month {PERIOD} written to {out}/", err=True)
    result = run_pipeline(RunConfig(period=PERIOD, registry=files["registry"], payments=files["payments"], db=db))
    click.echo(terminal.run_summary(result))
    click.echo(f"\nThe database is {db}: open it with DuckDB and try\n"
               "  select code, severity, count(*) from flags group by all order by all;\n"
               "  select * from noncash_share where level = 'program';")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as", "kind", type=click.Choice(["registry", "payments"]), required=True,
              help="What the file holds.")
@click.option("--period", default=None, help="Period the file belongs to, YYYY-MM (default: this month).")
def check(file, kind, period) -> None:
    """Read and validate one file, reporting every problem, without running a reconciliation."""
    from datetime import date

    from reconcile.pipeline import check_file

    result = check_file(file, kind, period or date.today().strftime("%Y-%m"))
    click.echo(terminal.check_report(result))
    sys.exit(1 if result.rejected or result.id_problems else 0)


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--lang", type=click.Choice(["en", "vi", "both"]), default="both", show_default=True)
def rules(fmt, lang) -> None:
    """The catalogue of findings: code, severity and description."""
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
    click.echo(terminal.render(headers, rows, fmt))


def main() -> None:
    cli(prog_name="reconcile")


if __name__ == "__main__":
    main()
