"""The commands that make months to try reconcile on: demo (the sample month, end to end) and generate
(a synthetic month of any size with its truth, or a history of months with the truth across them)."""

from __future__ import annotations

from pathlib import Path

import click

from reconcile import messages
from reconcile.cli.group import lazy, say, warn
from reconcile.cli.outputs import Saved, folder_to_make, run_with_progress, write_after_commit
from reconcile.errors import ReconcileError, shell_arg
from reconcile.report.progress import Progress

terminal = lazy("reconcile.report.terminal")
# a month is made on this machine's disk: more beneficiaries than Vietnam has people is a typo, refused
# before anything is written (10M take 2.8 GB of CSV, bench/README.md)
MAX_BENEFICIARIES = 100_000_000
AUDITOR = "Kiểm toán viên (demo)"  # who records the demo's decision


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("reconcile-demo"),
    show_default=True,
    help="Folder for the sample files and the demo database.",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=None,
    help="Database to write (default: demo.duckdb in the --out folder).",
)
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Language of the demo workbook and the terminal (default: the workbook vi; the terminal as reconcile --lang).",
)
@click.option(
    "--size",
    type=click.IntRange(min=1, max=MAX_BENEFICIARIES),
    default=None,
    help="Instead of the sample month, a generated month of this many beneficiaries (Parquet).",
)
def demo(out, db, lang, size) -> None:
    """Reconcile the realistic sample month shipped with reconcile, end to end.

    Writes the sample files, the database, the workbook (report.xlsx) and the exports (export/)
    into the --out folder.
    """
    root = click.get_current_context().find_root().obj or {}
    messages.use_language(lang or root.get("lang"))  # the terminal's: --lang, reconcile --lang, RECONCILE_LANG, vi
    lang = lang or "vi"  # the workbook's
    from reconcile.pipeline import RunConfig
    from reconcile.sample import PERIOD, write_sample_month

    folder_to_make(out, "--out")
    _refuse_database_not_its_own(db or out / "demo.duckdb", out)
    if size is not None:
        _demo_generated(out, db or out / "demo.duckdb", lang, size)
        return
    _refuse_files_not_its_own(out)
    files = write_sample_month(out)
    db = db or out / "demo.duckdb"
    say(f"reconcile: sample month {PERIOD} written to {out}/", err=True)
    progress = Progress()
    saved = Saved(db, PERIOD, out / "report.xlsx", out / "export")
    result = run_with_progress(
        RunConfig(
            period=PERIOD, registry=files["registry"], payments=files["payments"], db=db, on_commit=_on_commit(saved)
        ),
        progress,
    )
    try:
        write_after_commit(saved, out / "report.xlsx", out / "export", lang, False, progress)
    finally:
        click.echo(terminal.run_summary(result))
    _second_month(out, db, lang, progress)
    say(
        f"\nThe workbook is {out / 'report.xlsx'}; the findings are also in {out / 'export'}/.\n"
        f"The database is {db}: read it back with\n"
        f"  reconcile flags --db {shell_arg(db)} --severity high\n"
        f"  reconcile cashless --db {shell_arg(db)} --by province\n"
        f"  reconcile cases --db {shell_arg(db)}\n"
        "or open it with DuckDB and try\n"
        "  select code, severity, count(*) from flags group by all order by all;\n"
        "  select * from noncash_share where level = 'program';"
    )


def _refuse_database_not_its_own(db: Path, out: Path) -> None:
    """Refuse a --db that holds a month made of files outside the --out folder (an office's own
    database): the demo would replace its September with the sample's, add an October and record a
    demo auditor's decision in its append-only case history. An earlier demo's database read the
    demo's files, in the folder; a file that is no database is left to the run, which says so."""
    if not db.is_file():
        return
    from reconcile.readback import files_read_by

    paths = files_read_by(db)
    home = out.resolve()
    # the demo's files, in --out (the paths as given, maybe from another folder: by their names too)
    names = {"registry.csv", "bank_transfers.csv", "post_office_cash.xlsx", "registry.parquet",
             "payments_bank.parquet", "payments_post.parquet"}  # fmt: skip
    theirs = [
        p
        for p in paths
        if home not in Path(p).resolve().parents
        and not (Path(p).name in names and Path(p).parent.name in (out.name, "2024-10"))
    ]
    if theirs:
        raise ReconcileError(
            f"{db}: holds months reconciled from files outside {out} (its own database), and the demo would replace "
            "its 2024-09 and record a demo decision in its cases; give --db a new file, or leave --db out"
        )


def _refuse_files_not_its_own(out: Path) -> None:
    """Refuse an --out folder holding, at a name the demo writes, a file the demo did not write (an
    officer's own registry.csv or report.xlsx, in the folder of their month): written over, it would
    be lost. An earlier demo's files are the same bytes (the sample is), or workbooks reconcile wrote."""
    if not out.is_dir():
        return
    import tempfile

    from reconcile.cli.outputs import written_by_reconcile
    from reconcile.sample import write_sample_month, write_sample_october
    from reconcile.sample.october import PERIOD as OCTOBER

    with tempfile.TemporaryDirectory(prefix=".reconcile-demo-") as scratch:
        sample = Path(scratch)
        write_sample_month(sample)
        write_sample_october(sample / OCTOBER)
        theirs = [
            out / made.relative_to(sample)
            for made in sorted(sample.rglob("*"))
            if made.is_file()
            and (out / made.relative_to(sample)).exists()
            and not (
                (out / made.relative_to(sample)).is_file()
                and (out / made.relative_to(sample)).read_bytes() == made.read_bytes()
            )
        ]
    books = [out / name for name in ("report.xlsx", f"report-{OCTOBER}.xlsx", "review-2024-09.xlsx")]
    theirs += [book for book in books if book.exists() and not (book.is_file() and written_by_reconcile(book))]
    if theirs:
        raise ReconcileError(
            f"{theirs[0]}: is not a file of the demo's, and the demo would write over it; give --out a new folder"
        )


def _second_month(out: Path, db: Path, lang: str, progress: Progress) -> None:
    """An auditor's decision on September's workbook, imported; then October reconciled: the decided
    case is flagged again and keeps its decision; some cases are fixed, one is new."""
    from reconcile.cases.demo import decide
    from reconcile.cases.review import import_review
    from reconcile.cli.cases import say_recorded
    from reconcile.pipeline import RunConfig
    from reconcile.sample import PERIOD, write_sample_october
    from reconcile.sample.october import PERIOD as OCTOBER

    book, case_id = decide(db, out / "report.xlsx", out / "review-2024-09.xlsx")
    imported = import_review(db, book, AUDITOR)
    say_recorded(imported.recorded)
    say(f"reconcile: an auditor's decision in {book.name}, imported with 'reconcile review import'", err=True)
    files = write_sample_october(out / OCTOBER)
    say(f"\nreconcile: the next month, {OCTOBER}, written to {out / OCTOBER}/", err=True)
    saved = Saved(db, OCTOBER, out / f"report-{OCTOBER}.xlsx")
    result = run_with_progress(
        RunConfig(
            period=OCTOBER, registry=files["registry"], payments=files["payments"], db=db, on_commit=_on_commit(saved)
        ),
        progress,
    )
    try:
        write_after_commit(saved, out / f"report-{OCTOBER}.xlsx", None, lang, False, progress)
    finally:
        click.echo(terminal.run_summary(result))
    from reconcile.cases.demo import case_counts

    persisting, fixed, new, status = case_counts(db, PERIOD, OCTOBER, case_id)
    say(
        f"\nCases: {persisting:,} flagged in both months, {fixed:,} fixed in {OCTOBER}, {new:,} new; the decided "
        f"one is still {status}:\n"
        f"  reconcile case {case_id} --db {shell_arg(db)}"
    )


def _demo_generated(out: Path, db: Path, lang: str, size: int) -> None:
    """Generate a month of `size` beneficiaries, reconcile it, and compare the findings with its truth."""
    from reconcile import readback
    from reconcile.generate import GenerateConfig, read_truth
    from reconcile.generate import generate as run_generate
    from reconcile.pipeline import RunConfig

    month = run_generate(GenerateConfig(beneficiaries=size, out=out))
    say(
        f"reconcile: generated {month.registry_rows:,} registry rows and {month.payment_rows:,} payments "
        f"in {month.seconds:.1f} s",
        err=True,
    )
    progress = Progress()
    saved = Saved(db, "2024-09", out / "report.xlsx")
    result = run_with_progress(
        RunConfig(
            period="2024-09",
            registry=[out / "registry.parquet"],
            payments=[out / "payments_bank.parquet", out / "payments_post.parquet"],
            db=db,
            on_commit=_on_commit(saved),
        ),
        progress,
    )
    report = out / "report.xlsx" if result.flags <= 1_000_000 else None
    saved.report_path = report
    write_after_commit(saved, report, None, lang, False, progress)
    click.echo(terminal.run_summary(result))
    with readback.open_db(db, notice=warn) as con:
        found = readback.finding_keys(con, "2024-09")
    truth = read_truth(month.truth)
    say(
        f"\nPlanted findings found: {len(truth) - len(_missing(truth, found)):,} of {len(truth):,}; "
        f"findings not planted: {len(_missing(found, truth)):,}."
    )


def _on_commit(saved: Saved):
    """What the run calls once its period is committed: from then on, Ctrl-C or SIGTERM says the period is
    saved (and how to write the workbook not written), not that the database is unchanged (group.py)."""
    obj = click.get_current_context().find_root().ensure_object(dict)
    return lambda: obj.__setitem__("saved", saved)


def _missing(want: list, have: list) -> list:
    from collections import Counter

    return list((Counter(want) - Counter(have)).elements())


def _rates(pairs: tuple[str, ...]):
    from dataclasses import fields

    from reconcile.generate import Rates

    rates = Rates()
    names = [f.name for f in fields(Rates)]
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in names:
            raise ReconcileError(f"--rate takes NAME=SHARE with NAME one of {', '.join(names)}")
        try:
            share = float(value)
        except ValueError:
            raise ReconcileError(f"--rate {key}: '{value}' is not a number; give a share such as 0.001") from None
        if not 0 <= share <= 1:
            raise ReconcileError(f"--rate {key}: give a share between 0 and 1")
        setattr(rates, key, share)
    return rates


@click.command()
@click.option(
    "--beneficiaries", type=click.IntRange(min=1, max=MAX_BENEFICIARIES), required=True, help="How many beneficiaries."
)
@click.option("--period", default="2024-09", show_default=True, help="Period, YYYY-MM.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same month.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write the files into.")
@click.option(
    "--formats",
    default="parquet",
    show_default=True,
    help="Comma-separated: parquet, csv (Vietnamese headers), csv1258 (that CSV in Windows-1258), xlsx, camt "
    "(the bank file as camt.053), camt054 (as a camt.054 notification), mt940 (as MT940 statements); "
    "not legacy .xls, which no well-kept library writes.",
)
@click.option(
    "--noncash-share",
    type=float,
    default=0.97,
    show_default=True,
    help="Share of beneficiaries registered for bank or e-wallet payment.",
)
@click.option(
    "--rate",
    "rates",
    multiple=True,
    metavar="NAME=SHARE",
    help="Share of beneficiaries on which to plant a case (repeatable); the names are in docs/operations.md, "
    "Generating a month of any size.",
)
@click.option(
    "--memory-limit",
    default="2GB",
    show_default=True,
    help="Cap DuckDB's memory while generating; beyond it work spills to disk.",
)
@click.option(
    "--months",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Consecutive months from --period of the same people, each in a folder OUT/YYYY-MM.",
)
def generate(beneficiaries, period, seed, out, formats, noncash_share, rates, memory_limit, months) -> None:
    """Write a synthetic month of any size, with findings of every kind planted, and its truth file.

    Writes registry, payments_bank and payments_post in each format asked for, and truth.csv:
    every finding the planted cases must produce (code, vneid, payment_ref). Each kind is planted at
    its rate (--rate NAME=SHARE): a month of 3,000 beneficiaries or more holds all fourteen, a smaller one may
    hold none of the rarer kinds.

    With --months N, N months of the same people, each month's files and truth.csv in OUT/YYYY-MM/,
    problems persisting, fixed or new from month to month; and the truth across the months in OUT:
    cases_truth.csv, recoveries_truth.csv, arrears_truth.csv and reissue_truth.csv.
    """
    from reconcile.generate import GenerateConfig
    from reconcile.generate import generate as run_generate

    if beneficiaries * months > MAX_BENEFICIARIES:
        raise ReconcileError(
            f"--beneficiaries {beneficiaries:,} for --months {months} make {beneficiaries * months:,} registry rows in "
            f"all, more than {MAX_BENEFICIARIES:,}; give fewer beneficiaries or months"
        )
    folder_to_make(out, "--out")
    result = run_generate(
        GenerateConfig(
            beneficiaries=beneficiaries,
            period=period,
            seed=seed,
            out=out,
            formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
            noncash_share=noncash_share,
            rates=_rates(rates),
            memory_limit=memory_limit,
            months=months,
        )
    )
    first = result.months[0].files if result.months else result.files
    rows = [[fmt, ", ".join(p.name for p in paths)] for fmt, paths in first.items()]
    click.echo(terminal.table([messages.text("header.format"), messages.text("header.files")], rows))
    if not result.months:
        say(
            f"{result.registry_rows:,} registry rows, {result.payment_rows:,} payments, "
            f"{result.planted:,} planted findings in {result.truth} ({result.seconds:.1f} s)"
        )
        return
    for month in result.months:
        say(
            f"{month.period}: {month.registry_rows:,} registry rows, {month.payment_rows:,} payments, "
            f"{month.planted:,} planted findings in {month.truth}"
        )
    truths = ", ".join(f"{path.name} ({messages.number(f'{rows:,}')})" for path, rows in result.truths.values())
    say(f"Truth across the {len(result.months)} months in {out}: {truths} ({result.seconds:.1f} s)")
