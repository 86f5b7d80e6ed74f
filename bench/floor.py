"""Floor: what storing a month alone costs, beside the minimal DuckDB baseline, in the same run.

    .venv/bin/python bench/floor.py --sizes 1000000 --runs 3 --work /tmp/speed
    .venv/bin/python bench/floor.py --sizes 10000000 --runs 3 --work /tmp/speed

`reconcile run` must leave the month's registry and payments in the database, one row per loaded
row with every column the contract names (SPEC.md, docs/schema). This measures that write on its
own: the month's rows, already read and normalised (`reconcile run --stage-only`, made once and
kept in the month's folder, untimed), copied from the staged Parquet into the two tables of a new
DuckDB database file made as a run makes it (warehouse.ensure_schema), committed and closed. The
columns a run computes after staging (the row ids, is_primary, in_period, repeat_of,
account_restored) are left empty, which costs less than filling them. Nothing is read from the
source files, normalised, matched or found: no design that stores the month can take less.

In turn, --runs times, each in a process of its own: the baseline (bench/scale.py's, from Parquet)
and the store. Both report the seconds of their queries alone, not Python's start; the store also
its CPU seconds (all threads) and the database file's size.

Prints a Markdown table of medians (min-max), and the store's share of the 10x budget (ten times
the baseline). Run by hand; nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from speed import beside_baseline, month, spread

STORE = """
import json, sys, time
from pathlib import Path
import duckdb
from reconcile.staged import staged_columns
from reconcile.warehouse import column_names, ensure_schema, quote_ident

staged, db = Path(sys.argv[1]), Path(sys.argv[2])
init = duckdb.connect(str(db))
ensure_schema(init)  # the tables reconcile init makes, untimed
init.close()
con = duckdb.connect(str(db))
con.execute("SET enable_progress_bar = false")
t0, c0 = time.perf_counter(), time.process_time()
con.execute("BEGIN")
for role, file in (("registry", "registry.parquet"), ("payments", "payments.parquet")):
    have = {c.name for c in staged_columns(role)}
    cols = [c for c in column_names(role) if c in have]
    listed = ", ".join(quote_ident(c) for c in cols)
    con.execute(f"INSERT INTO {quote_ident(role)} (period, run_id, {listed}) "
                f"SELECT '2024-09', 'floor', {listed} FROM read_parquet('{staged / file}') WHERE reject_reason IS NULL")
con.execute("COMMIT")
con.close()
print("RESULT " + json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}))
"""


def staged(folder: Path) -> Path:
    """The month's rows read and normalised by `reconcile run --stage-only` (made once, kept)."""
    out = folder / "staged"
    if not (out / "payments.parquet").exists():
        subprocess.run([str(Path(sys.executable).with_name("reconcile")), "--lang", "en", "run", "--period", "2024-09",
                        "--registry", str(folder / "registry.parquet"),
                        "--payments", str(folder / "payments_bank.parquet"),
                        "--payments", str(folder / "payments_post.parquet"),
                        "--stage-only", "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return out


def store(folder: Path) -> dict:
    """The staged month written into a new database file's registry and payments, in a process of its own."""
    db = folder / "floor.duckdb"
    db.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-c", STORE, str(staged(folder)), str(db)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"store failed: {proc.stderr}")
    out = proc.stdout
    size = db.stat().st_size
    db.unlink(missing_ok=True)
    return {**json.loads(out.rsplit("RESULT ", 1)[1].splitlines()[0]), "db_mb": size / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="folder for the generated months (kept; reused)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="reconcile-floor-"))
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        folder = month(work, size)
        staged(folder)
        got = beside_baseline(folder, size, args.runs, "store", store)
        b = statistics.median(x["seconds"] for x in got["baseline"])
        s = statistics.median(x["seconds"] for x in got["store"])
        rows.append(f"| {size:,} | {spread([x['seconds'] for x in got['baseline']], 2)} "
                    f"| {spread([x['seconds'] for x in got['store']], 2)} | {spread([x['cpu'] for x in got['store']], 2)} "
                    f"| {got['store'][0]['db_mb']:,.0f} | {s / b:.1f}x | {100 * s / (10 * b):.0f}% |")
    print(f"\nmedian of {args.runs} (min-max)\n")
    print("| beneficiaries | baseline s (Parquet) | store s | store CPU s | database MB | store / baseline "
          "| share of 10x the baseline |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
