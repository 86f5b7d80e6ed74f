"""Plain: the month's work as one plain DuckDB script, beside the baseline, in the same run.

    .venv/bin/python bench/plain.py --sizes 1000000 --runs 3 --work /tmp/speed

Issue 20 says that a plain DuckDB script which stores both tables and computes all fourteen
findings and the share does the 1M month in about 7x the baseline. This is such a script, to measure
that claim on this machine: it reads the generated month's typed Parquet files as they are (no
text read, cleaned or checked: no normalising, no rejected rows, no guards of the month, no
evidence, no cases), numbers the rows, matches payments to beneficiaries by ID then by account,
finds each of the fourteen findings in its simplest form, computes the non-cash share from one row
per beneficiary and payment group, and writes registry, payments, matches, flags and the share's
rows into a new database made as a run makes it (warehouse.ensure_schema, untimed), in one
transaction. Its findings are not reconcile's (their count is printed beside the run's); its time
is a lower bound of any design that does the same work, with the work of reading real files left out.

In turn, --runs times, each in a process of its own: the baseline (bench/scale.py's, from Parquet)
and the plain script. Both report the seconds of their queries alone, not Python's start.
Prints a Markdown table of medians (min-max). Run by hand; nothing here is asserted in tests.
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

SQL = """
CREATE TEMP TABLE r AS
SELECT row_number() OVER (ORDER BY vneid, program, status, entitled_amount) AS registry_id, * EXCLUDE (file_row_number),
       upper(strip_accents(replace(replace(full_name, 'đ', 'd'), 'Đ', 'D'))) AS name_key,
       year(date_of_birth) AS birth_year, 1 AS file_id, 'registry.parquet' AS source_file,
       file_row_number + 2 AS source_row
FROM read_parquet('{folder}/registry.parquet', file_row_number = true);
CREATE TEMP TABLE primary_rows AS
SELECT vneid, program, min(registry_id) AS registry_id FROM r GROUP BY ALL;
CREATE TEMP TABLE p AS
SELECT row_number() OVER (ORDER BY file_id, payment_ref) AS payment_id, *,
       upper(strip_accents(replace(replace(payee_name, 'đ', 'd'), 'Đ', 'D'))) AS payee_key,
       value_date BETWEEN DATE '2024-09-01' AND DATE '2024-09-30' AS in_period,
       CASE WHEN vneid IS NOT NULL THEN 'column' END AS vneid_source
FROM (SELECT * EXCLUDE (file_row_number), 2 AS file_id, 'payments_bank.parquet' AS source_file,
             file_row_number + 2 AS source_row
      FROM read_parquet('{folder}/payments_bank.parquet', file_row_number = true)
      UNION ALL BY NAME
      SELECT * EXCLUDE (file_row_number), 3 AS file_id, 'payments_post.parquet' AS source_file,
             file_row_number + 2 AS source_row
      FROM read_parquet('{folder}/payments_post.parquet', file_row_number = true));
CREATE TEMP TABLE m AS
WITH by_id AS (
    SELECT p.payment_id, pr.registry_id, 'vneid' AS method
    FROM p JOIN (SELECT vneid, min(registry_id) AS registry_id FROM primary_rows GROUP BY vneid) AS pr USING (vneid)
),
by_account AS (
    SELECT p.payment_id, min(r.registry_id) AS registry_id, 'account' AS method
    FROM p JOIN r ON r.account_number = p.account_number
    WHERE p.payment_id NOT IN (SELECT payment_id FROM by_id)
    GROUP BY p.payment_id
)
SELECT * FROM by_id UNION ALL SELECT * FROM by_account;
CREATE TEMP TABLE pm AS
SELECT p.*, m.registry_id, m.method, r.vneid AS reg_vneid, r.full_name, r.name_key, r.program AS reg_program,
       r.entitled_amount, r.account_number AS reg_account, r.status AS reg_status, r.date_of_death,
       r.province_code, r.commune_code
FROM p LEFT JOIN m USING (payment_id) LEFT JOIN r USING (registry_id);
CREATE TEMP TABLE paid AS
SELECT registry_id, sum(amount) AS paid, count(*) AS n FROM pm
WHERE registry_id IS NOT NULL AND status = 'success' GROUP BY ALL;
CREATE TEMP TABLE f AS
SELECT 'INVALID_VNEID' AS code, vneid, NULL AS payment_ref, registry_id, NULL::BIGINT AS payment_id,
       entitled_amount AS expected_amount, NULL::BIGINT AS paid_amount, 'not 12 digits' AS detail
FROM r WHERE NOT regexp_full_match(coalesce(vneid, ''), '[0-9]{{12}}')
UNION ALL
SELECT 'DUPLICATE_BENEFICIARY', r.vneid, NULL, r.registry_id, NULL, r.entitled_amount, NULL, 'listed twice'
FROM r JOIN primary_rows AS pr USING (vneid, program) WHERE r.registry_id <> pr.registry_id
UNION ALL
SELECT 'MISSING_PAYMENT', r.vneid, NULL, r.registry_id, NULL, r.entitled_amount, NULL, 'no payment'
FROM r JOIN primary_rows USING (registry_id) LEFT JOIN paid USING (registry_id)
WHERE r.status = 'active' AND paid.registry_id IS NULL
UNION ALL
SELECT 'AMOUNT_MISMATCH', r.vneid, NULL, r.registry_id, NULL, r.entitled_amount, paid.paid, 'paid differs'
FROM r JOIN paid USING (registry_id) WHERE abs(paid.paid - r.entitled_amount) > 0
UNION ALL
SELECT 'UNKNOWN_PAYEE', vneid, payment_ref, NULL, payment_id, NULL, amount::BIGINT, 'no beneficiary'
FROM pm WHERE registry_id IS NULL
UNION ALL
SELECT 'DUPLICATE_PAYMENT', vneid, payment_ref, registry_id, payment_id, NULL, amount::BIGINT, 'paid twice'
FROM (SELECT *, row_number() OVER (PARTITION BY payment_ref ORDER BY payment_id) AS k FROM pm) WHERE k > 1
UNION ALL
SELECT 'PAID_AFTER_DEATH', reg_vneid, payment_ref, registry_id, payment_id, entitled_amount, amount::BIGINT, 'after death'
FROM pm WHERE status = 'success' AND value_date > date_of_death
UNION ALL
SELECT 'PAID_WHILE_INACTIVE', reg_vneid, payment_ref, registry_id, payment_id, entitled_amount, amount::BIGINT,
       reg_status
FROM pm WHERE status = 'success' AND reg_status IN ('suspended', 'terminated')
UNION ALL
SELECT 'NAME_MISMATCH', reg_vneid, payment_ref, registry_id, payment_id, NULL, NULL, payee_name
FROM pm WHERE name_key <> payee_key AND jaro_winkler_similarity(name_key, payee_key) < 0.92
UNION ALL
SELECT 'ACCOUNT_MISMATCH', reg_vneid, payment_ref, registry_id, payment_id, NULL, NULL, 'other account'
FROM pm WHERE method = 'vneid' AND channel <> 'cash' AND account_number <> reg_account
UNION ALL
SELECT 'SHARED_ACCOUNT', NULL, NULL, NULL, NULL, NULL, NULL, account_number
FROM pm WHERE status = 'success' AND account_number IS NOT NULL
GROUP BY account_number HAVING count(DISTINCT coalesce(reg_vneid, vneid)) >= 3
UNION ALL
SELECT 'CASH_DESPITE_ACCOUNT', reg_vneid, payment_ref, registry_id, payment_id, NULL, amount::BIGINT, 'cash'
FROM pm WHERE channel = 'cash' AND reg_account IS NOT NULL
UNION ALL
SELECT 'OUT_OF_PERIOD', vneid, payment_ref, registry_id, payment_id, NULL, amount::BIGINT, 'outside the month'
FROM pm WHERE NOT in_period
UNION ALL
SELECT 'PAYMENT_FAILED', vneid, payment_ref, registry_id, payment_id, NULL, amount::BIGINT, status
FROM pm WHERE status <> 'success';
CREATE TEMP TABLE nc AS
WITH people AS (
    SELECT coalesce(reg_program, program, 'unknown') AS program, province_code,
           coalesce('id:' || reg_vneid, 'payment:' || payment_id) AS who,
           bool_and(channel <> 'cash') AS noncash_only, count(*) AS payments,
           count(*) FILTER (WHERE channel <> 'cash') AS noncash_payments, sum(amount) AS amount
    FROM pm WHERE status = 'success' AND in_period GROUP BY ALL
)
SELECT program, province_code, count(*) AS beneficiaries, sum(payments) AS payments, sum(amount) AS amount,
       avg(noncash_only::INTEGER) AS share_beneficiaries, sum(noncash_payments) / sum(payments) AS share_payments
FROM people GROUP BY GROUPING SETS ((program), (program, province_code));
BEGIN TRANSACTION;
INSERT INTO registry BY NAME
SELECT '2024-09' AS period, 'plain' AS run_id, * EXCLUDE (entitled_amount),
       entitled_amount::BIGINT AS entitled_amount, registry_id IN (SELECT registry_id FROM primary_rows) AS is_primary
FROM r;
INSERT INTO payments BY NAME
SELECT '2024-09' AS period, 'plain' AS run_id, * EXCLUDE (amount), amount::BIGINT AS amount FROM p;
INSERT INTO matches BY NAME
SELECT '2024-09' AS period, 'plain' AS run_id, m.payment_id, p.payment_ref, m.registry_id, r.vneid,
       r.program, m.method
FROM m JOIN p USING (payment_id) JOIN r USING (registry_id);
INSERT INTO flags BY NAME
SELECT md5(code || coalesce(vneid, '') || coalesce(payment_ref, '') || coalesce(detail, '')) AS flag_id,
       '2024-09' AS period, 'plain' AS run_id, *
FROM f;
INSERT INTO noncash_share_rows BY NAME
SELECT '2024-09' AS period, program, CASE WHEN province_code IS NULL THEN 'program' ELSE 'province' END AS level,
       province_code, 'all' AS channel_group, beneficiaries, payments, amount, share_beneficiaries, share_payments
FROM nc;
COMMIT;
"""

PLAIN = """
import json, sys, time
from pathlib import Path
import duckdb
from reconcile.warehouse import ensure_schema

folder, db, sql = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
init = duckdb.connect(str(db))
ensure_schema(init)  # the tables reconcile init makes, untimed
init.close()
con = duckdb.connect(str(db))
con.execute("SET enable_progress_bar = false")
t0, c0 = time.perf_counter(), time.process_time()
steps = {}
for statement in [s.strip() for s in sql.format(folder=folder).split(";\\n") if s.strip()]:
    t = time.perf_counter()
    con.execute(statement)
    words = statement.split()
    label = words[3] if words[0] == "CREATE" else words[2] if words[0] == "INSERT" else words[0]
    steps[label] = time.perf_counter() - t
findings = con.execute("SELECT count(*) FROM flags").fetchone()[0]
con.close()
print("RESULT " + json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                              "findings": findings, "steps": steps}))
"""


def plain(folder: Path) -> dict:
    """The plain script on the month, into a new database file, in a process of its own."""
    db = folder / "plain.duckdb"
    db.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-c", PLAIN, str(folder), str(db), SQL], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"plain failed: {proc.stderr}")
    size = db.stat().st_size
    db.unlink(missing_ok=True)
    return {**json.loads(proc.stdout.rsplit("RESULT ", 1)[1].splitlines()[0]), "db_mb": size / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="folder for the generated months (kept; reused)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="reconcile-plain-"))
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        folder = month(work, size)
        got = beside_baseline(folder, size, args.runs, "plain", plain)
        b = statistics.median(x["seconds"] for x in got["baseline"])
        s = statistics.median(x["seconds"] for x in got["plain"])
        rows.append(f"| {size:,} | {spread([x['seconds'] for x in got['baseline']], 2)} "
                    f"| {spread([x['seconds'] for x in got['plain']], 2)} | {spread([x['cpu'] for x in got['plain']], 2)} "
                    f"| {got['plain'][0]['db_mb']:,.0f} | {got['plain'][0]['findings']:,} | {s / b:.1f}x |")
    print(f"\nmedian of {args.runs} (min-max)\n")
    print("| beneficiaries | baseline s (Parquet) | plain s | plain CPU s | database MB | findings | plain / baseline |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print(f"\nseconds per statement, median of {args.runs}, the largest size\n")
    print("| statement | s |")
    print("|---|---:|")
    for label in got["plain"][0]["steps"]:
        print(f"| `{label}` | {statistics.median(x['steps'][label] for x in got['plain']):.2f} |")


if __name__ == "__main__":
    main()
