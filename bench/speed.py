"""Speed: `reconcile run` beside the minimal DuckDB baseline, in the same run, by size and format.

    .venv/bin/python bench/speed.py --sizes 100000,1000000 --runs 3 --work /tmp/speed
    .venv/bin/python bench/speed.py --sizes 10000000 --runs 3 --work /tmp/speed --memory-limit-run 1GB

For each size, a month from `reconcile generate` (Parquet and CSV, made once and kept in --work).
Then, --runs times, in turn: the baseline from Parquet, `reconcile run` from Parquet, the baseline
from CSV, `reconcile run` from CSV, each in a process of its own:
- reconcile: the command an officer types, `reconcile run ... --db FILE` into a new database; its
  wall time is the process's, start-up and imports included; its peak RSS the process's maximum
  (os.wait4); the seconds of each step from RECONCILE_TIMINGS (reconcile/timings.py); its CPU
  seconds (user and system, os.wait4); and, on Linux, the share of the machine's CPU time that was
  stolen by the hypervisor or idle waiting on the disk while it ran (/proc/stat). On a shared
  machine the wall time of one revision's run moved by half and more between sittings; the CPU
  seconds move less, and a run that waited tells itself apart;
- baseline: bench/scale.py's minimal DuckDB SQL (five findings, nothing stored) over the same files,
  from CSV reading the same CSV text; its seconds are the queries' alone, not Python's start.
Prints a Markdown table of medians (min-max) and the ratio of the medians, then the steps. With
--memory-limit-run, one more run of reconcile from Parquet under that --memory-limit, per size.
With --varied, the month is bench/varied.py's copy of the generated one (a name for nearly every
person, a narrative for every transfer), made once and kept in --work beside it.
Run by hand; nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
FILES = {
    "parquet": ("registry.parquet", ["payments_bank.parquet", "payments_post.parquet"]),
    "csv": ("registry.csv", ["payments_bank.csv", "payments_post.csv"]),
}
STEPS = ("read", "normalise", "load", "match", "find", "write", "measure")


def reconcile(folder: Path, fmt: str, memory_limit: str | None = None) -> dict:
    """`reconcile run` in a process of its own: wall seconds, peak RSS (MB), seconds per step, findings."""
    registry, payments = FILES[fmt]
    db = folder / f"speed_{fmt}.duckdb"
    timings = folder / f"speed_{fmt}.tsv"
    for leftover in (db, timings, folder / f"speed_{fmt}.duckdb.key"):
        leftover.unlink(missing_ok=True)
    cmd = [str(Path(sys.executable).with_name("reconcile")), "--lang", "en", "run", "--period", "2024-09",
           "--registry", str(folder / registry), "--db", str(db)]
    for p in payments:
        cmd += ["--payments", str(folder / p)]
    if memory_limit:
        cmd += ["--memory-limit", memory_limit]
    env = {**os.environ, "RECONCILE_TIMINGS": str(timings), "RECONCILE_KEY": "b629e0c8d44b0264b63a88708632594b75ba13daa9f052be87668c807add83bf"}
    t0, cpu0 = time.perf_counter(), _machine_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    waited = _waited(cpu0, _machine_cpu())
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"reconcile run {fmt} failed: {err.strip().splitlines()[-1:]}")
    steps: dict[str, float] = {}
    for line in timings.read_text(encoding="utf-8").splitlines():
        step, secs, what = line.split("\t", 2)
        if what == "#step":
            steps[step] = float(secs)
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        findings = con.execute("SELECT count(*) FROM flags").fetchone()[0]
    db.unlink(missing_ok=True)
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "waited": waited,
        "peak_mb": usage.ru_maxrss / 1024,
        "steps": steps,
        "findings": findings,
    }


def _machine_cpu() -> list[int] | None:
    """The machine's CPU time so far by state (/proc/stat: user nice system idle iowait irq softirq
    steal ...), in clock ticks; None where there is no /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            return [int(v) for v in fh.readline().split()[1:9]]
    except OSError:
        return None


def _waited(before: list[int] | None, after: list[int] | None) -> str:
    """The share of the machine's CPU time between two readings that was stolen by the hypervisor,
    and that was idle waiting on the disk: "stolen/disk" in percent, or "" without /proc/stat."""
    if before is None or after is None:
        return ""
    delta = [a - b for a, b in zip(after, before, strict=True)]
    total = sum(delta) or 1
    return f"{100 * delta[7] / total:.0f}/{100 * delta[4] / total:.0f}"


def baseline(folder: Path, fmt: str) -> dict:
    """bench/scale.py's baseline in a process of its own: the queries' seconds and the peak RSS."""
    code = (f"import sys, json, duckdb; duckdb.default_connection().execute('SET enable_progress_bar = false'); "
            f"sys.path.insert(0, {str(HERE)!r}); from scale import baseline; "
            f"from pathlib import Path; print('RESULT ' + json.dumps(baseline(Path({str(folder)!r}), {fmt!r})))")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"baseline {fmt} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    result = out.rsplit("RESULT ", 1)[1].splitlines()[0]  # after DuckDB's progress bar, on the same line
    return {**json.loads(result), "peak_mb": usage.ru_maxrss / 1024}


def month(work: Path, size: int) -> Path:
    folder = work / f"m{size}"
    if not (folder / "truth.csv").exists():
        subprocess.run([str(Path(sys.executable).with_name("reconcile")), "--lang", "en", "generate",
                        "--beneficiaries", str(size), "--formats", "parquet,csv", "--out", str(folder)], check=True)
    return folder


def beside_baseline(folder: Path, size: int, runs: int, name: str, measure) -> dict[str, list[dict]]:
    """`runs` rounds, in turn, of the baseline from Parquet and `measure(folder)` (floor.py's store,
    plain.py's script), each round's seconds printed as it ends; the results under "baseline" and `name`."""
    got: dict[str, list[dict]] = {"baseline": [], name: []}
    for n in range(runs):
        got["baseline"].append(baseline(folder, "parquet"))
        got[name].append(measure(folder))
        print(f"{size:,} run {n + 1}: baseline {got['baseline'][-1]['seconds']:.2f} s, "
              f"{name} {got[name][-1]['seconds']:.2f} s", file=sys.stderr, flush=True)
    return got


def spread(values: list[float], digits: int = 1) -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:,.{digits}f}"
    return f"{med:,.{digits}f} ({min(values):,.{digits}f}-{max(values):,.{digits}f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--formats", default="parquet,csv")
    ap.add_argument("--work", type=Path, default=None, help="folder for the generated months (kept; reused)")
    ap.add_argument("--memory-limit-run", default="", help="one more run from Parquet under this --memory-limit")
    ap.add_argument("--varied", action="store_true", help="the month made as varied as a real one (bench/varied.py)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="reconcile-speed-"))
    formats = args.formats.split(",")
    table, steps_table = [], []
    for size in [int(s) for s in args.sizes.split(",")]:
        folder = month(work, size)
        label = ""
        if args.varied:
            sys.path.insert(0, str(HERE))
            from varied import varied

            folder, label = varied(folder, work / f"m{size}-varied"), ", varied"
        got: dict[tuple[str, str], list[dict]] = {}
        for n in range(args.runs):
            for fmt in formats:
                for kind, fn in (("baseline", baseline), ("reconcile", reconcile)):
                    got.setdefault((kind, fmt), []).append(fn(folder, fmt))
                    m = got[(kind, fmt)][-1]
                    waited = f", CPU stolen/disk wait {m['waited']}%" if m.get("waited") else ""
                    print(f"{size:,} {fmt} {kind} run {n + 1}: {m['seconds']:.2f} s, {m['peak_mb']:,.0f} MB{waited}",
                          file=sys.stderr, flush=True)
        for fmt in formats:
            r, b = got[("reconcile", fmt)], got[("baseline", fmt)]
            ratio = statistics.median(x["seconds"] for x in r) / statistics.median(x["seconds"] for x in b)
            table.append(f"| {size:,} | {fmt}{label} | {spread([x['seconds'] for x in r])} | {spread([x['cpu'] for x in r])} "
                         f"| {spread([x['peak_mb'] for x in r], 0)} | {spread([x['seconds'] for x in b], 2)} "
                         f"| {ratio:.1f}x | {r[0]['findings']:,} | {' '.join(x['waited'] for x in r)} |")
            med = {s: statistics.median(x["steps"].get(s, 0.0) for x in r) for s in STEPS}
            steps_table.append(f"| {size:,} | {fmt}{label} | " + " | ".join(f"{med[s]:.2f}" for s in STEPS) + " |")
        if args.memory_limit_run:
            m = reconcile(folder, "parquet", args.memory_limit_run)
            table.append(f"| {size:,} | parquet{label}, --memory-limit {args.memory_limit_run} | {m['seconds']:,.1f} "
                         f"| {m['cpu']:,.1f} | {m['peak_mb']:,.0f} | | | {m['findings']:,} | {m['waited']} |")
            print(f"{size:,} parquet --memory-limit {args.memory_limit_run}: {m['seconds']:.2f} s, "
                  f"{m['peak_mb']:,.0f} MB", file=sys.stderr, flush=True)
    print(f"\nmedian of {args.runs} (min-max)\n")
    print("| beneficiaries | format | reconcile run s | reconcile CPU s | peak RSS MB | baseline s "
          "| reconcile / baseline | findings | CPU stolen/disk wait % |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(table))
    print("\nseconds per step of reconcile run (median)\n")
    print("| beneficiaries | format | " + " | ".join(STEPS) + " |")
    print("|---:|---|" + "---:|" * len(STEPS))
    print("\n".join(steps_table))


if __name__ == "__main__":
    main()
