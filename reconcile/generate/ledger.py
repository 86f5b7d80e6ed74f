"""What a generated history of months must give across them, kept month by month from the month's
tables (registry_out, payments_out, truth) in small tables of their own, and written at the end
beside the months' folders:

- cases_truth.csv: one row per case, a case being one problem of one subject across months (code,
  program, subject: the beneficiary's ID, else the account, else the payment reference), with
  first_period, last_period and periods_flagged (the months it was flagged);
- recoveries_truth.csv: for each PAID_AFTER_DEATH and PAID_WHILE_INACTIVE case (code, vneid,
  program), overpaid: the successful payments dated in their month made to that person while
  deceased or inactive, summed over the months, in whole dong;
- arrears_truth.csv: as of the last month, each active beneficiary with no successful payment dated
  in it (vneid, program), since_period and months_unpaid (the consecutive months unpaid that end
  with the last) and amount_owed (the amounts due over them); someone paid since is not in it;
- reissue_truth.csv: the failed or returned payments of any month (payment_ref, vneid, program,
  amount, period) whose beneficiary was paid in no later month: still to send again.

A month's programme of a finding is the one its flag carries: the beneficiary's, and `unknown` for
a bank payment to a payee not in the registry (the bank's file names no programme).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from reconcile.pipeline import period_bounds
from reconcile.warehouse import quote_literal

FILES = {  # name -> the query of its rows, in their order
    "cases_truth.csv": """
        SELECT code, program, subject, min(period) AS first_period, max(period) AS last_period,
               count(DISTINCT period) AS periods_flagged
        FROM ledger_flags GROUP BY code, program, subject ORDER BY code, program, subject""",
    "recoveries_truth.csv": """
        SELECT code, vneid, program, CAST(sum(amount) AS BIGINT) AS overpaid
        FROM ledger_overpaid GROUP BY code, vneid, program ORDER BY code, vneid, program""",
    "arrears_truth.csv": """
        SELECT vneid, program, since_period, months_unpaid, amount_owed
        FROM ledger_arrears ORDER BY vneid, program""",
    "reissue_truth.csv": """
        SELECT payment_ref, vneid, program, amount, period FROM ledger_unsent ORDER BY period, payment_ref""",
}


def open_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """The empty tables the months are recorded into."""
    con.execute("""
        CREATE TEMP TABLE ledger_flags (period VARCHAR, code VARCHAR, program VARCHAR, subject VARCHAR);
        CREATE TEMP TABLE ledger_overpaid (code VARCHAR, vneid VARCHAR, program VARCHAR, amount BIGINT);
        CREATE TEMP TABLE ledger_arrears (i BIGINT, vneid VARCHAR, program VARCHAR, since_period VARCHAR,
                                          months_unpaid INTEGER, amount_owed BIGINT);
        CREATE TEMP TABLE ledger_unsent (payment_ref VARCHAR, i BIGINT, vneid VARCHAR, program VARCHAR,
                                         amount BIGINT, period VARCHAR)""")


def record_month(con: duckdb.DuckDBPyConnection, period: str) -> None:
    """Add the month's findings, overpayments, unpaid and failed payments to the ledger."""
    start, end = period_bounds(period)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ledger_people AS  -- the registry's row used for each person
        SELECT * FROM registry_out WHERE scenario <> 'listed again'""")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ledger_paid AS  -- who had a successful payment dated in the month
        SELECT DISTINCT i FROM payments_out WHERE status = 'success' AND value_date BETWEEN $start AND $end""",
        {"start": start, "end": end},
    )
    con.execute(
        """
        INSERT INTO ledger_flags
        SELECT $period, t.code,
               CASE WHEN p.scenario = 'unknown' THEN 'unknown' ELSE coalesce(p.program, r.program) END,
               coalesce(t.vneid, p.account_number, t.payment_ref)
        FROM truth AS t
        LEFT JOIN payments_out AS p ON p.payment_ref = t.payment_ref
        LEFT JOIN (SELECT DISTINCT vneid, program FROM ledger_people) AS r ON r.vneid = t.vneid""",
        {"period": period},
    )
    con.execute(
        """
        INSERT INTO ledger_overpaid
        SELECT CASE WHEN r.status = 'deceased' THEN 'PAID_AFTER_DEATH' ELSE 'PAID_WHILE_INACTIVE' END,
               r.vneid, r.program, p.amount
        FROM payments_out AS p JOIN ledger_people AS r USING (i)
        WHERE p.status = 'success' AND p.value_date BETWEEN $start AND $end
          AND r.status IN ('deceased', 'suspended', 'terminated')""",
        {"start": start, "end": end},
    )
    con.execute(  # unpaid this month: the arrears of the month before go on, else they start now
        """
        CREATE OR REPLACE TEMP TABLE ledger_arrears AS
        SELECT r.i, r.vneid, r.program, coalesce(a.since_period, $period) AS since_period,
               coalesce(a.months_unpaid, 0) + 1 AS months_unpaid,
               coalesce(a.amount_owed, 0) + r.entitled_amount AS amount_owed
        FROM ledger_people AS r
        LEFT JOIN ledger_arrears AS a USING (i)
        WHERE r.status = 'active' AND r.entitled_amount > 0 AND r.i NOT IN (SELECT i FROM ledger_paid)""",
        {"period": period},
    )
    # an earlier month's failed payment is settled by a payment this month; this month's own stay
    con.execute("DELETE FROM ledger_unsent WHERE i IN (SELECT i FROM ledger_paid)")
    con.execute(
        """
        INSERT INTO ledger_unsent
        SELECT p.payment_ref, p.i, r.vneid, r.program, p.amount, $period
        FROM payments_out AS p JOIN ledger_people AS r USING (i)
        WHERE p.status IN ('failed', 'returned')""",
        {"period": period},
    )


def write_ledger(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, tuple[Path, int]]:
    """Write the four truth files across the months into `out`; returns each one's path and rows."""
    written = {}
    for name, query in FILES.items():
        path = out / name
        con.execute(f"COPY ({query}) TO {quote_literal(str(path))} (HEADER, DELIMITER ',')")
        (rows,) = con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0]
        written[name] = (path, rows)
    return written
