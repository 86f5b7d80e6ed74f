"""Scale: `reconcile run` against a minimal DuckDB baseline and a pandas/datacompy peer, by size.

    .venv/bin/pip install -e '.[bench]'          # datacompy and pandas, for the peer only
    .venv/bin/python bench/scale.py --sizes 100000,1000000,10000000

For each size it generates a month (`reconcile generate`, Parquet and CSV) and times, each in its
own process so that peak RSS is its own:
- reconcile: `reconcile run` end to end from Parquet, and from CSV, with the seconds of each step;
- baseline: the minimal hand-written DuckDB SQL that computes five findings (missing, unknown payee,
  amount mismatch, duplicate, paid after death) over the same files, storing nothing;
- peer: datacompy comparing the registry with the payments aggregated per ID, and a plain pandas
  merge doing the same (Parquet only; skipped above --peer-max rows).
Prints a Markdown table and the ratios of reconcile to the baseline and to the peer, and checks the
recall of the planted findings. Run by hand; nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE_SQL = """
CREATE TEMP TABLE r AS SELECT vneid, entitled_amount, status, date_of_death FROM {registry};
CREATE TEMP TABLE p AS SELECT payment_ref, vneid, amount, value_date, status FROM {payments}
    WHERE status IN ('success', 'Thành công');
CREATE TEMP TABLE per AS SELECT vneid, sum(amount) AS paid, count(*) AS n, max(value_date) AS last FROM p GROUP BY vneid;
SELECT
  (SELECT count(*) FROM r ANTI JOIN per USING (vneid) WHERE r.status IN ('active', 'Đang hưởng')) AS missing,
  (SELECT count(*) FROM p ANTI JOIN r USING (vneid)) AS unknown,
  (SELECT count(*) FROM r JOIN per USING (vneid) WHERE per.paid <> r.entitled_amount) AS amount_mismatch,
  (SELECT sum(n - 1) FROM per WHERE n > 1) AS duplicate,
  (SELECT count(*) FROM r JOIN per USING (vneid) WHERE r.date_of_death IS NOT NULL AND per.last > r.date_of_death)
      AS after_death;
"""


def _csv_source(path: Path, table: str) -> str:
    """The baseline reading the office-style CSV: text, amounts like 1.500.000, dates dd/mm/yyyy."""
    if table == "registry":
        return (f"(SELECT \"Số định danh cá nhân\" AS vneid, replace(\"Số tiền hưởng\", '.', '')::BIGINT AS entitled_amount, "
                f"\"Trạng thái\" AS status, strptime(\"Ngày mất\", '%d/%m/%Y')::DATE AS date_of_death "
                f"FROM read_csv('{path}', all_varchar=true))")
    return (f"(SELECT \"Số tham chiếu\" AS payment_ref, \"Số định danh\" AS vneid, replace(\"Số tiền\", '.', '')::BIGINT AS amount, "
            f"strptime(\"Ngày giao dịch\", '%d/%m/%Y')::DATE AS value_date, \"Trạng thái\" AS status "
            f"FROM read_csv('{path}', all_varchar=true) UNION ALL "
            f"SELECT \"Mã giao dịch\", \"Số CCCD\", replace(\"Số tiền\", '.', '')::BIGINT, "
            f"strptime(\"Ngày chi trả\", '%d/%m/%Y')::DATE, \"Trạng thái\" "
            f"FROM read_csv('{str(path).replace('payments_bank', 'payments_post')}', all_varchar=true))")


def baseline(folder: Path, fmt: str) -> dict:
    import duckdb

    con = duckdb.connect()
    if fmt == "parquet":
        reg = f"read_parquet('{folder / 'registry.parquet'}')"
        pay = f"read_parquet(['{folder / 'payments_bank.parquet'}', '{folder / 'payments_post.parquet'}'])"
    else:
        reg, pay = _csv_source(folder / "registry.csv", "registry"), _csv_source(folder / "payments_bank.csv", "p")
    t0 = time.perf_counter()
    result = None
    for stmt in [s for s in BASELINE_SQL.format(registry=reg, payments=pay).split(";\n") if s.strip()]:
        result = con.execute(stmt).fetchall()
    return {"seconds": time.perf_counter() - t0, "counts": list(result[0])}


def reconcile_run(folder: Path, fmt: str, memory_limit: str | None) -> dict:
    from reconcile.generate import read_truth
    from reconcile.pipeline import RunConfig, run

    db = folder / f"bench_{fmt}.duckdb"
    db.unlink(missing_ok=True)
    files = {"parquet": ("registry.parquet", ["payments_bank.parquet", "payments_post.parquet"]),
             "csv": ("registry.csv", ["payments_bank.csv", "payments_post.csv"])}[fmt]
    timings = folder / f"timings_{fmt}.tsv"  # seconds per SQL statement (reconcile/timings.py)
    timings.unlink(missing_ok=True)
    os.environ["RECONCILE_TIMINGS"] = str(timings)
    t0 = time.perf_counter()
    result = run(RunConfig(period="2024-09", registry=[folder / files[0]], payments=[folder / p for p in files[1]],
                           db=db, memory_limit=memory_limit))
    seconds = time.perf_counter() - t0
    statements = sorted((line.split("\t") for line in timings.read_text(encoding="utf-8").splitlines()),
                        key=lambda parts: -float(parts[1]))
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT code, vneid, payment_ref FROM flags").fetchall()
    truth = read_truth(folder / "truth.csv")
    from collections import Counter

    missed = sum((Counter(truth) - Counter(found)).values())
    db.unlink(missing_ok=True)
    return {"seconds": seconds, "steps": result.step_seconds, "rows": result.registry_rows + result.payment_rows,
            "recall": 1 - missed / len(truth), "slowest": statements[:10]}


def peer(folder: Path, which: str) -> dict:
    import pandas as pd

    t0 = time.perf_counter()
    reg = pd.read_parquet(folder / "registry.parquet", columns=["vneid", "entitled_amount"])
    pay = pd.concat([pd.read_parquet(folder / f, columns=["vneid", "amount", "status"])
                     for f in ("payments_bank.parquet", "payments_post.parquet")])
    paid = pay[pay.status == "success"].groupby("vneid", as_index=False)["amount"].sum()
    if which == "datacompy":
        import datacompy

        compare = getattr(datacompy, "PandasCompare", None) or datacompy.Compare  # renamed in datacompy 1.0
        cmp = compare(reg.rename(columns={"entitled_amount": "amount"}), paid, join_columns="vneid")
        counts = [len(cmp.df1_unq_rows), len(cmp.df2_unq_rows), int((~cmp.intersect_rows["amount_match"]).sum())]
    else:
        merged = reg.merge(paid, on="vneid", how="outer", indicator=True)
        both = merged[merged._merge == "both"]
        counts = [int((merged._merge == "left_only").sum()), int((merged._merge == "right_only").sum()),
                  int((both.entitled_amount != both.amount).sum())]
    return {"seconds": time.perf_counter() - t0, "counts": counts}


def child(args: list[str]) -> None:
    kind, folder, fmt, extra = args[0], Path(args[1]), args[2], args[3] if len(args) > 3 else ""
    if kind == "reconcile":
        out = reconcile_run(folder, fmt, extra or None)
    elif kind == "baseline":
        out = baseline(folder, fmt)
    else:
        out = peer(folder, fmt)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure(kind: str, folder: Path, fmt: str, extra: str = "", timeout: int = 3600) -> dict | None:
    try:
        res = subprocess.run([sys.executable, __file__, "--child", kind, str(folder), fmt, extra],
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if res.returncode != 0:
        print(f"{kind} {fmt} failed: {res.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--peer-max", type=int, default=2_000_000, help="skip the pandas peers above this size")
    ap.add_argument("--memory-limit", default="", help="passed to reconcile run")
    ap.add_argument("--work", type=Path, default=None, help="folder for the generated months (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true",
                    help="use a month already generated in --work (same size, default seed) instead of writing it again")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    from reconcile.generate import GenerateConfig, generate

    work = args.work or Path(tempfile.mkdtemp(prefix="reconcile-scale-"))
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        folder = work / f"m{size}"
        if args.reuse and (folder / "truth.csv").exists() and (folder / "payments_post.csv").exists():
            n_rows = _rows(folder)
            print(f"reusing {folder} ({n_rows:,} rows)", file=sys.stderr, flush=True)
        else:
            month = generate(GenerateConfig(beneficiaries=size, out=folder, formats=("parquet", "csv")))
            n_rows = month.registry_rows + month.payment_rows
            print(f"generated {size:,} beneficiaries ({n_rows:,} rows) in {month.seconds:.1f} s",
                  file=sys.stderr, flush=True)
        r = {fmt: measure("reconcile", folder, fmt, args.memory_limit) for fmt in ("parquet", "csv")}
        b = {fmt: measure("baseline", folder, fmt) for fmt in ("parquet", "csv")}
        p = {which: measure("peer", folder, which) if size <= args.peer_max else None
             for which in ("datacompy", "pandas")}
        rows.append((size, n_rows, r, b, p))
        _print(rows, args.memory_limit)


def _rows(folder: Path) -> int:
    import duckdb

    con = duckdb.connect()
    return sum(con.execute(f"SELECT count(*) FROM read_parquet('{folder / name}')").fetchone()[0]
               for name in ("registry.parquet", "payments_bank.parquet", "payments_post.parquet"))


def _fmt(m: dict | None, key: str = "seconds") -> str:
    return "-" if m is None else f"{m[key]:,.1f}"


def _print(rows, memory_limit: str) -> None:
    print("\n| beneficiaries | rows | reconcile Parquet s (peak MB) | reconcile CSV s (peak MB) | baseline Parquet s "
          "| baseline CSV s | datacompy s (peak MB) | pandas merge s | reconcile / baseline (Parquet, CSV) "
          "| reconcile / pandas | recall |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, n, r, b, p in rows:
        ratio = ", ".join(f"{r[f]['seconds'] / b[f]['seconds']:.1f}x" if r[f] and b[f] else "-" for f in ("parquet", "csv"))
        peer_ratio = f"{r['parquet']['seconds'] / p['pandas']['seconds']:.1f}x" if r["parquet"] and p["pandas"] else "-"
        recall = "/".join(f"{r[f]['recall']:.0%}" if r[f] else "-" for f in ("parquet", "csv"))
        print(f"| {size:,} | {n:,} | {_fmt(r['parquet'])} ({_fmt(r['parquet'], 'peak_mb')}) | {_fmt(r['csv'])} "
              f"({_fmt(r['csv'], 'peak_mb')}) | {_fmt(b['parquet'])} | {_fmt(b['csv'])} | {_fmt(p['datacompy'])} "
              f"({_fmt(p['datacompy'], 'peak_mb')}) | {_fmt(p['pandas'])} | {ratio} | {peer_ratio} | {recall} |")
    for fmt in ("parquet", "csv"):
        print(f"\nreconcile steps from {fmt}, seconds (rows per second over all input rows):")
        for size, n, r, _, _ in rows:
            if r[fmt]:
                print(f"- {size:,}: " + ", ".join(f"{k} {v:.1f} ({n / v / 1e6:.1f} M rows/s)" if v > 0 else f"{k} 0"
                                                 for k, v in r[fmt]["steps"].items()))
    for size, n, r, _, _ in rows:
        for fmt in ("parquet", "csv"):
            if r[fmt]:
                print(f"\nslowest statements at {size:,}, {fmt} (step, seconds, first line of SQL):")
                for step, seconds, label in r[fmt]["slowest"]:
                    print(f"- {step} {float(seconds):.1f} `{label}`")
    if memory_limit:
        print(f"\n(reconcile run with --memory-limit {memory_limit})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
