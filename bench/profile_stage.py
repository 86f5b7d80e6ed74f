"""Where normalising spends its time: DuckDB's EXPLAIN ANALYZE of a staging query, by operator.

    .venv/bin/reconcile generate --beneficiaries 1000000 --out /tmp/g1m
    .venv/bin/python bench/profile_stage.py /tmp/g1m/registry.parquet registry
    .venv/bin/python bench/profile_stage.py /tmp/g1m/payments_bank.parquet payments /tmp/g1m/registry.parquet

Prints the operators that took longest (CPU time summed over threads) with what they compute.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import duckdb

from reconcile.normalise.reference import install
from reconcile.normalise.stage import by_value, load_raw, stage
from reconcile.readers import read_file
from reconcile.sqlfiles import NORMALISE_SQL, bind, sql_text


def main() -> None:
    path, kind = Path(sys.argv[1]), sys.argv[2]
    con = duckdb.connect()
    install(con)
    params = {"period": "2024-09", "period_start": dt.date(2024, 9, 1), "period_end": dt.date(2024, 9, 30),
              "layout": "pre2025", "name_similarity": 0.92, "name_truncation_min_length": 15}
    if kind == "payments":  # the registry staged first, untimed: a narrative's accounts are looked up in it
        registry = Path(sys.argv[3])
        load_raw(con, "registry", [(2, read_file(registry, "registry"))])
        stage(con, "registry", params)
    load_raw(con, kind, [(1, read_file(path, kind))])
    params.update(by_value(con, kind))  # names (and narratives) per distinct value or row by row, as a run chooses
    sql = sql_text(f"stage_{kind}.sql", NORMALISE_SQL)
    query = sql[sql.index("\nWITH") + 1:].rstrip().rstrip(";")
    plan = json.loads(con.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query, bind(sql, params)).fetchall()[0][1])
    ops = []

    def walk(node, depth=0):
        ops.append((node.get("timing", 0), depth, node.get("name"), json.dumps(node.get("extra_info", {}),
                                                                            ensure_ascii=False)[:160]))
        for child in node.get("children", []):
            walk(child, depth + 1)

    for op in plan["operator"]:
        walk(op)
    print(f"operators: {sum(o[0] for o in ops):.2f} s of CPU time in all")
    for seconds, depth, name, extra in sorted(ops, key=lambda o: -o[0])[:14]:
        print(f"{seconds:6.2f} s  depth {depth:2}  {name}  {extra}")


if __name__ == "__main__":
    main()
