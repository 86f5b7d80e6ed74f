"""Time and peak memory of writing the workbook of a month with N findings, against a baseline.

    .venv/bin/python bench/workbook.py --findings 1000000

Builds a database holding one period with N synthetic findings (each tied to a payment, so the
value-date join is exercised), then, each in its own process so that peak RSS is its own:
  - reconcile: `write_workbook` (XlsxWriter, constant memory), the whole workbook;
  - baseline: openpyxl's write-only mode writing only the findings sheet, same columns and number
    formats, rows fetched from the same query: the floor the issue named.
Prints a Markdown table row per writer. With --verify, reads the workbook back with openpyxl and
checks that every finding is there, in order, over as many sheets as it took (use more than
1,048,575 findings to see the continuation at Excel's real limit). Run by hand.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from reconcile.report.tables import findings_sql
from reconcile.rules import catalogue
from reconcile.warehouse import ensure_schema

PERIOD = "2024-09"


def build(db: Path, n: int) -> None:
    con = duckdb.connect(str(db))
    ensure_schema(con)
    for r in catalogue():
        con.execute("INSERT INTO rules VALUES (?, ?, ?, ?)", [r.code, r.severity.value, r.description_en, r.description_vi])
    codes = [r.code for r in catalogue()]
    sev = {r.code: (r.severity.value, r.severity.rank) for r in catalogue()}
    con.execute("INSERT INTO runs (run_id, period, started_at, finished_at, tool_version, operator, settings) "
                "VALUES ('bench', ?, now()::TIMESTAMP, now()::TIMESTAMP, 'bench', 'bench', '{}')", [PERIOD])
    con.execute("INSERT INTO targets VALUES (?, 'welfare', 0.9985), (?, 'pension', 0.93)", [PERIOD, PERIOD])
    con.execute(f"""
        INSERT INTO payments (period, run_id, payment_id, payment_ref, amount, value_date, channel, status, in_period,
                              source_file, source_row)
        SELECT '{PERIOD}', 'bench', i, 'FT2024' || lpad(i::VARCHAR, 9, '0'), 500000 + (i % 40) * 250000,
               DATE '2024-09-01' + (i % 28)::INTEGER, 'bank', 'success', true, 'bank_transfers.csv', i + 2
        FROM range({n}) t(i)""")
    con.execute(f"""
        INSERT INTO flags
        SELECT md5(i::VARCHAR)[:16], '{PERIOD}', 'bench', c.code, c.sev, c.rank,
               lpad(((i * 7919) % 1000000000000)::VARCHAR, 12, '0'), 'FT2024' || lpad(i::VARCHAR, 9, '0'),
               CASE WHEN i % 3 = 0 THEN 'pension' ELSE 'welfare' END,
               1500000 + (i % 7) * 250000, 1500000 + (i % 5) * 250000,
               'Paid ' || format('{{:,}}', 1500000 + (i % 5) * 250000) || ' against ' || format('{{:,}}', 1500000 + (i % 7) * 250000) || ' due',
               'bank_transfers.csv', i + 2,
               ['Nguyễn Văn Hùng', 'Trần Thị Mai', 'Lê Thị Hồng', 'Phạm Đức Anh', 'Võ Thị Thu Hương'][i % 5 + 1],
               ['NGUYEN VAN HUNG', 'TRAN THI MAI', 'LE THI HONG', 'PHAM DUC ANH', 'VO THI THU HUONG'][i % 5 + 1],
               lpad(((i * 104729) % 10000000000000)::VARCHAR, 13, '0'), lpad((i % 63 + 1)::VARCHAR, 2, '0'),
               lpad((i % 9999)::VARCHAR, 5, '0'), 'vneid', i, i
        FROM range({n}) t(i)
        JOIN (SELECT unnest(?) AS code, unnest(?) AS sev, unnest(?) AS rank, generate_subscripts(?, 1) - 1 AS k) c
          ON c.k = i % {len(codes)}""", [codes, [sev[c][0] for c in codes], [sev[c][1] for c in codes], codes])
    con.close()


def reconcile_writer(db: Path, out: Path) -> None:
    from reconcile.report.workbook import write_workbook

    with duckdb.connect(str(db), read_only=True) as con:
        write_workbook(con, PERIOD, out, lang="vi")


def openpyxl_writer(db: Path, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Findings")
    ws.freeze_panes = "A2"
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute(findings_sql("vi"), {"p": PERIOD})
        while batch := cur.fetchmany(20_000):
            for row in batch:
                cells = list(row)
                for j in (8, 9, 10):
                    cell = WriteOnlyCell(ws, value=cells[j])
                    cell.number_format = "#,##0"
                    cells[j] = cell
                cell = WriteOnlyCell(ws, value=cells[14])
                cell.number_format = "DD/MM/YYYY"
                cells[14] = cell
                ws.append(cells)
    wb.save(out)


def verify(db: Path, out: Path) -> str:
    import openpyxl

    from reconcile.report.labels import label

    with duckdb.connect(str(db), read_only=True) as con:
        expected = [r[-1] for r in con.execute(findings_sql("vi"), {"p": PERIOD}).fetchall()]
    wb = openpyxl.load_workbook(out, read_only=True)
    sheets = [n for n in wb.sheetnames if n.startswith(label("sheet.findings", "vi"))]
    seen = []
    for name in sheets:
        rows = wb[name].iter_rows(values_only=True)
        next(rows)  # the header
        seen += [r[-1] for r in rows]
    if seen != expected:
        raise SystemExit(f"workbook holds {len(seen):,} findings, the database {len(expected):,}, or not in order")
    return f"verified: all {len(seen):,} findings, in order, on {len(sheets)} sheets ({', '.join(sheets)})"


def child(which: str, db: str, out: str) -> None:
    t0 = time.perf_counter()
    {"reconcile": reconcile_writer, "openpyxl": openpyxl_writer}[which](Path(db), Path(out))
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.1f} {peak_mb:.0f} {Path(out).stat().st_size / 1e6:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--findings", type=int, default=1_000_000)
    ap.add_argument("--verify", action="store_true", help="read the workbook back and check every finding")
    ap.add_argument("--writers", default="reconcile,openpyxl", help="which writers to time (comma-separated)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        build(db, args.findings)
        print(f"built {args.findings:,} findings in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        print("| writer | findings | seconds | peak RSS (MB) | file (MB) |")
        print("|---|---:|---:|---:|---:|")
        for which in args.writers.split(","):
            out = Path(tmp) / f"{which}.xlsx"
            res = subprocess.run([sys.executable, __file__, "--child", which, str(db), str(out)],
                                 capture_output=True, text=True, check=True)
            seconds, peak, size = res.stdout.split()
            name = "reconcile workbook (XlsxWriter)" if which == "reconcile" else "baseline: openpyxl write-only, findings only"
            print(f"| {name} | {args.findings:,} | {seconds} | {peak} | {size} |", flush=True)
            if which == "reconcile" and args.verify:
                print(verify(db, out), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
