"""Make a large synthetic month quickly with DuckDB, for timing `reconcile run` (not for tests).

    python bench/make_month.py --beneficiaries 1000000 --out /tmp/month1m [--format parquet|csv]

Writes registry.<fmt> and payments.<fmt>: realistic shapes (12-digit IDs with real place-of-birth
codes and matching century/sex/year digits, Vietnamese names, VND amounts, bank/ewallet/cash),
with about 1% of payments missing, 0.5% with a different amount, 0.2% duplicated and 0.1% to
unknown IDs. The full generator with planted findings and a truth file is `reconcile generate`
(issue 5); this script only needs to be big and plausible.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

SQL = r"""
CREATE TEMP TABLE fam AS SELECT * FROM (VALUES ('Nguyễn'),('Trần'),('Lê'),('Phạm'),('Hoàng'),('Huỳnh'),('Phan'),('Vũ'),
    ('Võ'),('Đặng'),('Bùi'),('Đỗ'),('Hồ'),('Ngô'),('Dương'),('Lý')) t(v);
CREATE TEMP TABLE reg AS
SELECT
    i,
    (['001','079','038','040','027','031','092','066'])[1 + (i % 8)::INT] AS pob,
    (i % 2) AS female,
    1930 + (hash(i) % 75)::INT AS born,
    CASE WHEN i % 3 = 0 THEN 'pension' ELSE 'welfare' END AS program,
    CASE WHEN hash(i * 7) % 100 < 93 THEN 'bank' WHEN hash(i * 7) % 100 < 96 THEN 'ewallet' ELSE 'cash' END AS channel
FROM range(1, $n + 1) r(i);
CREATE TEMP TABLE registry_out AS
SELECT
    pob || (CASE WHEN born >= 2000 THEN 2 ELSE 0 END + female)::VARCHAR || lpad((born % 100)::VARCHAR, 2, '0')
        || lpad((i % 1000000)::VARCHAR, 6, '0') AS vneid,
    (['Nguyễn','Trần','Lê','Phạm','Hoàng','Huỳnh','Phan','Vũ','Võ','Đặng','Bùi','Đỗ','Hồ','Ngô','Dương','Lý'])[1 + (hash(i) % 16)::INT]
        || CASE WHEN female = 1 THEN ' Thị ' ELSE ' Văn ' END
        || (['Hoa','Lan','Mai','Hương','Hùng','Dũng','Bình','Hải','Tuấn','Thắng','Hằng','Nhung'])[1 + (hash(i * 3) % 12)::INT]
        AS full_name,
    strftime(make_date(born, 1 + (i % 12)::INT, 1 + (i % 28)::INT), '%d/%m/%Y') AS date_of_birth,
    CASE WHEN female = 1 THEN 'female' ELSE 'male' END AS gender,
    program,
    CASE WHEN program = 'pension' THEN 3000000 + (hash(i) % 9000) * 1000 ELSE (ARRAY[500000,750000,1000000,1500000])[1 + (i % 4)::INT] END AS entitled_amount,
    channel,
    CASE WHEN channel <> 'cash' THEN (['VBA','ICB','BIDV','VCB','LPB'])[1 + (i % 5)::INT] END AS bank_code,
    CASE WHEN channel <> 'cash' THEN '0' || lpad(i::VARCHAR, 12, '0') END AS account_number,
    substr(pob, 2) AS province_code,
    lpad((i % 3000)::VARCHAR, 5, '0') AS commune_code,
    'active' AS status,
    i
FROM reg;
CREATE TEMP TABLE payments_out AS
SELECT
    'FT' || lpad(i::VARCHAR, 10, '0') AS payment_ref,
    CASE WHEN i % 1000 = 7 THEN '001099' || lpad(i::VARCHAR, 6, '0') ELSE vneid END AS vneid,
    upper(strip_accents(replace(replace(full_name, 'Đ', 'D'), 'đ', 'd'))) AS payee_name,
    bank_code, account_number,
    CASE WHEN i % 200 = 3 THEN entitled_amount - 50000 ELSE entitled_amount END AS amount,
    '05/' || $month || '/' || $year AS value_date,
    channel, 'success' AS status, program
FROM registry_out
WHERE i % 100 <> 11
UNION ALL
SELECT 'FT' || lpad((i + 100000000)::VARCHAR, 10, '0'), vneid, upper(strip_accents(full_name)), bank_code, account_number,
       entitled_amount, '06/' || $month || '/' || $year, channel, 'success', program
FROM registry_out WHERE i % 500 = 9;
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--beneficiaries", type=int, default=1_000_000)
    ap.add_argument("--period", default="2024-09")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    year, month = args.period.split("-")
    con = duckdb.connect()
    for stmt in [s for s in SQL.split(";\n") if s.strip()]:
        params = {k: v for k, v in {"n": args.beneficiaries, "month": month, "year": year}.items() if f"${k}" in stmt}
        con.execute(stmt, params)
    for table, name in (("registry_out", "registry"), ("payments_out", "payments")):
        target = args.out / f"{name}.{args.format}"
        cols = "* EXCLUDE (i)" if table == "registry_out" else "*"
        opts = "(FORMAT parquet)" if args.format == "parquet" else "(HEADER, DELIMITER ',')"
        con.execute(f"COPY (SELECT {cols} FROM {table}) TO '{target}' {opts}")
        print(target, con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


if __name__ == "__main__":
    main()
