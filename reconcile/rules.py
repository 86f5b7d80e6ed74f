"""The findings: one SQL file each under sql/rules/, with a header the code reads.

A rule file is a SELECT that returns the offending rows under the flag column names it has
(vneid, payment_ref, program, expected_amount, paid_amount, detail, source_file, source_row, ...);
zero rows means nothing found. Its header says:

    -- code: MISSING_PAYMENT
    -- severity: high
    -- en: one line in English
    -- vi: one line in Vietnamese
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from reconcile.contracts import EVIDENCE_COLUMNS, RULE_COLUMNS, Severity
from reconcile.sqlfiles import bind, rule_files, sql_text

HEADER_RE = re.compile(r"^--\s*(code|severity|en|vi):\s*(.+?)\s*$")


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    description_en: str
    description_vi: str
    sql: str
    file: str


def parse_rule(name: str, text: str) -> Rule:
    header: dict[str, str] = {}
    for line in text.splitlines():
        m = HEADER_RE.match(line)
        if not m:
            break
        header[m.group(1)] = m.group(2)
    missing = {"code", "severity", "en", "vi"} - header.keys()
    if missing:
        raise ValueError(f"{name}: header lacks {', '.join(sorted(missing))}")
    if f"rules/{header['code']}.sql" != name:
        raise ValueError(f"{name}: header code {header['code']} does not match the file name")
    return Rule(header["code"], Severity(header["severity"]), header["en"], header["vi"], text, name)


def catalogue() -> list[Rule]:
    """Every finding, ordered by severity (critical first), then code."""
    rules = [parse_rule(name, sql_text(name)) for name in rule_files()]
    return sorted(rules, key=lambda r: (-r.severity.rank, r.code))


FLAG_COLUMNS = EVIDENCE_COLUMNS  # what a rule's SELECT returns after its code (contracts.FINDING_COLUMNS)


def create_flag_table(con: duckdb.DuckDBPyConnection) -> None:
    """The run's findings before they are stored: code, severity and its rank, and the evidence."""
    cols = ", ".join(f"{c.name} {c.sql_type}" for c in RULE_COLUMNS)
    con.execute(f"CREATE OR REPLACE TEMP TABLE cur_flags ({cols})")


def run_rule(con: duckdb.DuckDBPyConnection, rule: Rule, params: dict) -> int:
    """Insert one rule's findings into cur_flags; return how many."""
    before = con.execute("SELECT count(*) FROM cur_flags").fetchall()[0][0]
    body = rule.sql.strip().rstrip(";")
    statement = (
        f"INSERT INTO cur_flags /* {rule.code} */ BY NAME SELECT $rule_code AS code, $rule_severity AS severity, "
        f"$rule_rank AS severity_rank, * FROM (\n{body}\n)"
    )
    values = {**params, "rule_code": rule.code, "rule_severity": rule.severity.value, "rule_rank": rule.severity.rank}
    con.execute(statement, bind(statement, values))
    return con.execute("SELECT count(*) FROM cur_flags").fetchall()[0][0] - before


def find(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """Find: every rule of the catalogue, its findings into cur_flags."""
    create_flag_table(con)
    for rule in catalogue():
        run_rule(con, rule, params)
