"""What the month's guards cost: `reconcile run` of this checkout against an earlier revision, on
the same month, in turn, each in its own process.

    .venv/bin/python bench/checks.py --size 1000000 --base eedd23d --runs 5

Generates a month (`reconcile generate`, Parquet, or CSV with --csv) unless --month names one,
checks the earlier revision out into a temporary worktree and runs it with this virtual
environment, then times both in turn, A B A B ..., so that a
drift in the machine's speed falls on both. Prints the median wall time and peak RSS of each and
the median of the ratios pair by pair. The difference is an upper bound on what the guards cost:
it holds everything else the revisions differ by. Both runs must give the same findings (checked).
Run by hand; nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# runs `reconcile` from the package in argv[1]: this environment's editable install maps the name
# `reconcile` to this checkout ahead of sys.path, so its finder is taken out first
LAUNCH = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
          "sys.path.insert(0, sys.argv.pop(1)); from reconcile.cli import main; sys.argv[0] = 'reconcile'; main()")


def timed(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user and system) and peak RSS (GB) of one run of cmd, in a child
    process of its own. CPU time is the steadier figure on a shared machine."""
    t0 = time.perf_counter()
    pid = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(pid.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {pid.stderr.read().decode()[-500:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024 / 1024


def findings(db: Path) -> list:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY ALL").fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--base", required=True, help="the earlier revision (a commit or tag)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--csv", action="store_true", help="read the month's CSV files rather than Parquet")
    parser.add_argument("--month", type=Path, help="a folder `reconcile generate` wrote (default: generate one)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-checks-"))
    month = args.month
    if month is None:
        month = work / "month"
        subprocess.run([sys.executable, "-m", "reconcile", "generate", "--beneficiaries", str(args.size),
                        "--out", str(month), "--formats", "csv" if args.csv else "parquet"], check=True,
                       stdout=subprocess.DEVNULL)
    ext = "csv" if args.csv else "parquet"
    files = ["--registry", str(month / f"registry.{ext}"), "--payments", str(month / f"payments_bank.{ext}"),
             "--payments", str(month / f"payments_post.{ext}")]
    base = work / "base"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(base), args.base], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        packages = {"this": REPO, "base": base}
        times: dict[str, list[tuple[float, float, float]]] = {"this": [], "base": []}
        for n in range(args.runs + 1):  # the first round warms the disk cache and is not counted
            for name, package in packages.items():
                db = work / f"{name}.duckdb"
                db.unlink(missing_ok=True)
                result = timed([sys.executable, "-c", LAUNCH, str(package), "run", "--period", "2024-09",
                                "--db", str(db), *files], dict(os.environ))
                if n:
                    times[name].append(result)
        assert findings(work / "this.duckdb") == findings(work / "base.duckdb"), "the revisions' findings differ"
        print(f"{args.size:,} beneficiaries from {ext}, {args.runs} runs each, in turn")
        print("| revision | wall s (median) | min | max | CPU s (median) | peak RSS GB (median) |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, label in (("base", args.base), ("this", "this checkout")):
            wall = [t for t, _, _ in times[name]]
            print(f"| {label} | {statistics.median(wall):.2f} | {min(wall):.2f} | {max(wall):.2f} | "
                  f"{statistics.median(c for _, c, _ in times[name]):.2f} | "
                  f"{statistics.median(r for _, _, r in times[name]):.2f} |")
        for i, figure in ((0, "wall"), (1, "CPU")):
            ratios = [a[i] / b[i] for a, b in zip(times["this"], times["base"])]
            print(f"{figure} ratio this/base, pair by pair: median {statistics.median(ratios):.3f} "
                  f"(min {min(ratios):.3f}, max {max(ratios):.3f})")
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
