"""Spark local beside DuckDB: the same month reconciled both ways, timed, and the answers compared.

    .venv/bin/pip install -e '.[spark]'          # pyspark and sqlglot; Java 17 on the PATH
    .venv/bin/python bench/spark.py --month /tmp/sc/m1000000
    .venv/bin/python bench/spark.py --beneficiaries 100000 --work /tmp/spark-bench

For a month folder (registry.parquet, payments_bank.parquet, payments_post.parquet, as written by
`reconcile generate`), each in its own process, one after the other:
1. DuckDB: `reconcile run` end to end from the Parquet files, into a fresh database;
2. stage-only: `reconcile run --stage-only` (DuckDB) into a staged folder;
3. Spark local: `reconcile run --engine spark --spark-master local[2]` on the staged files, with
   --spark-conf spark.driver.memory=... (--driver-memory);
4. the check: the Spark flags and non-cash share against the DuckDB database's `flags` (every
   column but run_id) and `noncash_share_rows` (every column), EXCEPT ALL both ways.

Each step runs in a child of this script that calls what the command calls (pipeline.run,
staged.stage_only, spark.engine.run, as bench/scale.py does), so that the seconds of each step of
the run are known; the equivalent commands are printed below the table. With --cli the commands
themselves run instead, and only their totals are known.

Peak RSS is of the whole process tree (for Spark the JVM is a child of the Python process, and the
Python UDF workers children of the JVM): this script reads /proc every --sample seconds and adds up
the resident set of the child and all its descendants (psutil is not needed), and gives the
processes that made up the highest sum. Pages two processes share count twice, except that a child
showing exactly its parent's memory (forked or vforked, not yet exec'd: the JVM starting the Python
workers) is not counted; a peak shorter than the sampling interval can be missed. The kernel's own
maximum RSS of the child (wait4's ru_maxrss) is printed below the table: exact for the DuckDB runs,
which are one process; for Spark it is the Python driver's alone, since the JVM is not waited for
by it.
Run by hand; nothing here is asserted in tests. Compare within one run: this machine's speed varies.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

PERIOD = "2024-09"
PAYMENTS = ("payments_bank.parquet", "payments_post.parquet")
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- children: what each command calls, with its step seconds ---------------------------------------
def child(kind: str, month: Path, work: Path, master: str, driver_memory: str) -> dict:
    from reconcile.config import Settings
    from reconcile.pipeline import RunConfig

    registry, payments = month / "registry.parquet", [month / p for p in PAYMENTS]
    if kind == "duckdb":
        from reconcile.pipeline import run

        result = run(RunConfig(period=PERIOD, registry=[registry], payments=payments, db=work / "duckdb.duckdb",
                               settings=Settings.load(None)))
        return {"seconds": result.seconds, "steps": result.step_seconds, "flags": result.flags}
    if kind == "stage":
        from reconcile.staged import stage_only

        staged = stage_only(RunConfig(period=PERIOD, registry=[registry], payments=payments,
                                      settings=Settings.load(None)), work / "staged")
        return {"seconds": staged.seconds, "steps": {}, "rows": staged.registry_rows + staged.payment_rows}
    from reconcile.spark.engine import SparkRunConfig, run as run_spark

    staged = work / "staged"
    result = run_spark(SparkRunConfig(period=PERIOD, registry=[str(staged / "registry.parquet")],
                                      payments=[str(staged / "payments.parquet")], out=str(work / "results"),
                                      settings=Settings.load(None), master=master,
                                      conf={"spark.driver.memory": driver_memory}))
    return {"seconds": result.seconds, "steps": result.step_seconds, "flags": result.flags}


def commands(month: Path, work: Path, master: str, driver_memory: str, exe: str) -> dict[str, list[str]]:
    """The command each child stands for (run as they are with --cli)."""
    inputs = ["--period", PERIOD, "--registry", str(month / "registry.parquet")]
    for p in PAYMENTS:
        inputs += ["--payments", str(month / p)]
    staged = work / "staged"
    return {
        "duckdb": [exe, "run", *inputs, "--db", str(work / "duckdb.duckdb")],
        "stage": [exe, "run", "--stage-only", *inputs, "--out", str(staged)],
        "spark": [exe, "run", "--engine", "spark", "--period", PERIOD, "--registry", str(staged / "registry.parquet"),
                  "--payments", str(staged / "payments.parquet"), "--out", str(work / "results"),
                  "--spark-master", master, "--spark-conf", f"spark.driver.memory={driver_memory}"],
    }


# -- measuring a process tree ------------------------------------------------------------------------
def _tree_rss(root: int) -> list[tuple[str, int]]:
    """(command name, bytes resident) of `root` and every process below it, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])  # the command name may hold spaces and brackets
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [(root, None)]
    while todo:
        pid, parent_statm = todo.pop()
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                stat = fh.read()
            with open(f"/proc/{pid}/statm", "rb") as fh:
                statm = fh.read().split()[:2]  # size, resident (pages)
        except OSError:
            continue
        # a child just forked or vforked (the JVM starting a process) shows its parent's memory until it
        # execs: the same size and resident pages to the page; it is not counted again
        if statm != parent_statm:
            found.append((stat[stat.index(b"(") + 1:stat.rindex(b")")].decode(errors="replace"), int(statm[1]) * PAGE))
        todo.extend((child, statm) for child in parents.get(pid, []))
    return found


def measure(argv: list[str], sample: float, timeout: float, log: Path, env: dict | None = None) -> dict:
    """Run argv, sampling its process tree's RSS; its output goes to `log`."""
    t0 = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        peak, at_peak = 0, []
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            tree = _tree_rss(proc.pid)
            if sum(rss for _, rss in tree) > peak:
                peak, at_peak = sum(rss for _, rss in tree), sorted(tree, key=lambda t: -t[1])
            if time.perf_counter() - t0 > timeout:
                os.killpg(proc.pid, 9)  # its own session: the JVM and workers with it
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(sample)
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    return {"wall": time.perf_counter() - t0, "rc": proc.returncode, "tree_mib": peak / 2**20,
            "at_peak": [(name, rss / 2**20) for name, rss in at_peak],
            "maxrss_mib": usage.ru_maxrss / 1024, "log": str(log), "text": text}


# One key for both engines' runs: a run keys its findings' flag_id and case_id by its database's key
# (DuckDB) or its --out folder's (Spark), each made on its first run and different, so that every
# finding would differ by those two columns alone; the user's own RECONCILE_KEY, if set, is kept
BENCH_KEY = "1426021dea0909186c8667975b21010aeb1701e8d59a78dcd9050e698288bc69"


def run_step(kind: str, args, work: Path, cmds: dict) -> dict:
    log = work / f"{kind}.log"
    load = os.getloadavg()[0]
    env = {**os.environ, "RECONCILE_KEY": os.environ.get("RECONCILE_KEY") or BENCH_KEY}
    if args.cli:
        m = measure(cmds[kind], args.sample, args.timeout, log, env)
        found = re.findall(r"\((\d+(?:\.\d+)?) s\)\s*$", m["text"], flags=re.M)  # the summary's "(N s)"
        m.update(seconds=float(found[-1]) if found else None, steps={})
    else:
        m = measure([sys.executable, __file__, "--child", kind, str(args.month), str(work), args.spark_master,
                     args.driver_memory], args.sample, args.timeout, log, env)
        lines = [line for line in m["text"].splitlines() if line.startswith('{"seconds"')]
        if lines:
            m.update(json.loads(lines[-1]))
    m["load"] = (load, os.getloadavg()[0])
    if m["rc"] != 0:
        tail = "\n".join(m["text"].splitlines()[-30:])
        print(f"\n{kind} failed (exit {m['rc']}); last 30 lines of {log}:\n{tail}\n", file=sys.stderr, flush=True)
    else:
        print(f"{kind}: {m['wall']:.1f} s wall, tree peak {m['tree_mib']:,.0f} MiB", file=sys.stderr, flush=True)
    return m


# -- the check ---------------------------------------------------------------------------------------
def compare(work: Path) -> dict:
    import duckdb

    from reconcile.warehouse import TABLES

    cols = {t.name: [c.name for c in t.cols] for t in TABLES if t.name in ("flags", "noncash_share_rows")}
    con = duckdb.connect()
    con.execute(f"ATTACH '{work / 'duckdb.duckdb'}' AS d (READ_ONLY)")
    hive = "hive_partitioning=true, hive_types={'period': 'VARCHAR', 'province': 'VARCHAR'}"
    out = {}
    for table, folder, skip in (("flags", "flags", {"run_id"}), ("noncash_share_rows", "noncash_share", set())):
        names = ", ".join(f'"{c}"' for c in cols[table] if c not in skip)
        duck = f"SELECT {names} FROM d.{table} WHERE period = '{PERIOD}'"
        spark = (f"SELECT {names} FROM read_parquet('{work / 'results' / folder}/*/*/*.parquet', {hive}) "
                 f"WHERE period = '{PERIOD}'")
        n_duck = con.execute(f"SELECT count(*) FROM ({duck})").fetchone()[0]
        n_spark = con.execute(f"SELECT count(*) FROM ({spark})").fetchone()[0]
        only_duck = con.execute(f"SELECT count(*) FROM ({duck} EXCEPT ALL {spark})").fetchone()[0]
        only_spark = con.execute(f"SELECT count(*) FROM ({spark} EXCEPT ALL {duck})").fetchone()[0]
        out[table] = {"duckdb": n_duck, "spark": n_spark, "only_duckdb": only_duck, "only_spark": only_spark}
    return out


def _verdict(check: dict) -> str:
    parts = []
    for table, c in check.items():
        same = c["only_duckdb"] == 0 and c["only_spark"] == 0 and c["duckdb"] == c["spark"]
        what = ("identical" if same else
                f"differ: {c['only_duckdb']:,} only in DuckDB, {c['only_spark']:,} only in Spark")
        parts.append(f"{table}: {c['duckdb']:,} rows (DuckDB), {c['spark']:,} (Spark), {what}")
    return "; ".join(parts)


# -- output ------------------------------------------------------------------------------------------
def _cell(value, fmt="{:,.1f}") -> str:
    return "-" if value is None else fmt.format(value)


def _processes(at_peak: list[tuple[str, float]]) -> str:
    """java 3,073; python 192 + 133 + 130 + 45: each process's RSS, by command name, largest first."""
    by_name: dict[str, list[float]] = {}
    for name, mib in at_peak:
        by_name.setdefault(name, []).append(mib)
    return "; ".join(f"{name} " + " + ".join(f"{mib:,.0f}" for mib in sizes) for name, sizes in by_name.items())


def report(results: dict, check: dict | None, cmds: dict, args, rows: int | None) -> None:
    names = {"duckdb": "DuckDB: `reconcile run` from Parquet, end to end",
             "stage": "DuckDB: `reconcile run --stage-only`",
             "spark": f"Spark {args.spark_master}: `reconcile run --engine spark` on the staged files"}
    print(f"\nmonth: {args.month}" + (f" ({rows:,} input rows)" if rows else "")
          + f", {datetime.datetime.now():%Y-%m-%d %H:%M}, load average before {args.load_before:.1f}, "
          + f"spark.driver.memory={args.driver_memory}, "
          + ("the commands themselves (--cli)" if args.cli
             else "each in a child process calling what the command calls"))
    print("\n| engine / step | seconds | peak RSS MiB, process tree (sampled /proc) | at that peak, MiB by process |")
    print("|---|---:|---:|---:|")
    for kind in ("duckdb", "stage", "spark"):
        m = results.get(kind)
        if m is None:
            continue
        label = names[kind] + ("" if m["rc"] == 0 else f" (failed, exit {m['rc']})")
        print(f"| {label} | {_cell(m.get('seconds'))} | {_cell(m['tree_mib'], '{:,.0f}')} "
              f"| {_processes(m['at_peak'])} |")
        for step, seconds in (m.get("steps") or {}).items():
            print(f"| &nbsp;&nbsp;{step} | {seconds:,.1f} | | |")
    staged = [results[k] for k in ("stage", "spark") if k in results]
    if len(staged) == 2 and all(m["rc"] == 0 and m.get("seconds") for m in staged):
        print(f"| stage-only + Spark | {sum(m['seconds'] for m in staged):,.1f} | | |")
    print("\n(seconds: the run's own total, without the interpreter's start; the child's wall times were "
          + ", ".join(f"{k} {m['wall']:.1f} s" for k, m in results.items()) + ")")
    print("\n(1-minute load average at the start and end of each: "
          + ", ".join(f"{k} {m['load'][0]:.1f}-{m['load'][1]:.1f}" for k, m in results.items()) + "; 2 cores)")
    print("\n(kernel maxrss of each child, MiB: " + ", ".join(f"{k} {m['maxrss_mib']:,.0f}" for k, m in results.items())
          + "; for Spark the Python driver alone)")
    print(f"\nequivalence: {_verdict(check) if check else 'not checked (a run failed)'}")
    print("\ncommands (each measured as its own process):\n")
    for kind in ("duckdb", "stage", "spark"):
        print("    " + " ".join(cmds[kind]))
    sys.stdout.flush()


def _rows(month: Path) -> int:
    import duckdb

    con = duckdb.connect()
    return sum(con.execute(f"SELECT count(*) FROM read_parquet('{month / name}')").fetchone()[0]
               for name in ("registry.parquet", *PAYMENTS))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--month", type=Path, default=None,
                    help="folder of a generated month (default /tmp/sc/m1000000, or WORK/mN with --beneficiaries)")
    ap.add_argument("--beneficiaries", type=int, help="generate a month of this size into --work (Parquet only)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/spark-bench"),
                    help="folder for the generated month and, in WORK/run-MONTH (emptied first), the database, "
                         "staged files, Spark results and logs")
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--driver-memory", default="8g", help="spark.driver.memory (in local mode the executor too)")
    ap.add_argument("--cli", action="store_true", help="run the reconcile commands themselves (no step seconds)")
    ap.add_argument("--sample", type=float, default=0.2, help="seconds between samples of the process tree")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a step is killed")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, month, work, master, memory = args.child
        out = child(kind, Path(month), Path(work), master, memory)
        print(json.dumps(out), flush=True)
        return

    exe = str(Path(sys.executable).with_name("reconcile"))
    if args.beneficiaries:
        args.month = args.month or args.work / f"m{args.beneficiaries}"
        if not (args.month / "registry.parquet").exists():
            print(f"generating {args.beneficiaries:,} beneficiaries into {args.month}", file=sys.stderr, flush=True)
            subprocess.run([exe, "generate", "--beneficiaries", str(args.beneficiaries), "--formats", "parquet",
                            "--out", str(args.month)], check=True)
    args.month = args.month or Path("/tmp/sc/m1000000")
    for name in ("registry.parquet", *PAYMENTS):
        if not (args.month / name).exists():
            sys.exit(f"{args.month / name}: not found; generate the month with reconcile generate --formats parquet")
    run_dir = args.work / f"run-{args.month.name}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    cmds = commands(args.month, run_dir, args.spark_master, args.driver_memory, exe)

    args.load_before = os.getloadavg()[0]  # something else running skews every number
    results = {}
    for kind in ("duckdb", "stage", "spark"):
        results[kind] = run_step(kind, args, run_dir, cmds)
        if kind == "stage" and results[kind]["rc"] != 0:
            break
    check = compare(run_dir) if all(m["rc"] == 0 for m in results.values()) and len(results) == 3 else None
    report(results, check, cmds, args, _rows(args.month))


if __name__ == "__main__":
    main()
