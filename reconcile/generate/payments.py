"""The generated month's payments, of the banks (bank and e-wallet) and of the post office (cash),
each as its beneficiary's scenario has it (payments_src, payments_out); and the truth: every
finding each planted case must produce (table truth)."""

from __future__ import annotations

from datetime import date

import duckdb

from reconcile.generate.config import GenerateConfig
from reconcile.pipeline import period_bounds
from reconcile.warehouse import quote_ident


def create_payments(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, source: str = "registry_src") -> None:
    """Each payment of the month: one per beneficiary paid, two for the paid twice, one for each
    payee not in the registry (`unknown` in `source`), with the reference, date, name and narrative
    a bank would write. The missing are not paid, nor, in a history, the dead and the suspended
    whose payments were stopped (`dead`, `held`)."""
    start, _ = period_bounds(cfg.period)
    tag = f"T{start:%m/%Y}"
    before = date.fromordinal(start.toordinal() - 1)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE payments_src AS
        WITH who AS (
            SELECT r.i, r.scenario, r.vneid, r.full_name, r.date_of_birth, r.program, r.entitled_amount, r.channel,
                   r.bank_code, r.account_number, r.h
            FROM registry_out AS r WHERE r.scenario NOT IN ('missing', 'listed again', 'dead', 'held')
            UNION ALL
            SELECT i, scenario, vneid, full_name, date_of_birth, program, entitled_amount, 'bank', bank_code,
                   '8' || lpad(i::VARCHAR, 12, '0'), h
            FROM {quote_ident(source)} WHERE scenario = 'unknown'
        ),
        pays AS (
            SELECT *, 1 AS nth FROM who
            UNION ALL
            SELECT *, 2 FROM who WHERE scenario = 'duplicate'
        )
        SELECT
            i, nth, scenario, program,
            CASE WHEN scenario = 'cash' THEN 'cash' ELSE channel END AS channel,
            vneid,
            CASE WHEN scenario = 'name' THEN
                     CASE WHEN full_name LIKE 'Phạm%' THEN 'LE VAN TUAN' ELSE 'PHAM VAN TUAN' END
                 WHEN channel = 'cash' OR scenario = 'cash' THEN full_name
                 ELSE upper(strip_accents(replace(replace(full_name, 'Đ', 'D'), 'đ', 'd'))) END AS payee_name,
            date_of_birth,
            CASE WHEN scenario = 'cash' THEN NULL ELSE bank_code END AS bank_code,
            CASE WHEN scenario = 'cash' THEN NULL
                 WHEN scenario = 'account' THEN '9' || lpad(i::VARCHAR, 12, '0') ELSE account_number END AS account_number,
            CASE WHEN scenario = 'amount' THEN entitled_amount - 50000 ELSE entitled_amount END AS amount,
            CASE WHEN scenario = 'out_of_period' THEN DATE '{before}'
                 WHEN channel = 'cash' OR scenario = 'cash' THEN DATE '{start}' + (10 + h % 15)::INTEGER
                 WHEN nth = 2 THEN DATE '{start}' + 4
                 ELSE DATE '{start}' + (1 + h % 3)::INTEGER END AS value_date,
            CASE WHEN scenario = 'returned' THEN 'returned' ELSE 'success' END AS status,
            h
        FROM pays""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE payments_out AS
        SELECT
            CASE WHEN channel = 'cash' THEN 'BD' ELSE 'FT' END || '{start:%Y%m}'
                || lpad(row_number() OVER (ORDER BY channel = 'cash', i, nth)::VARCHAR, 9, '0') AS payment_ref,
            i, nth, scenario, channel, program,
            -- about one transfer in ten carries the ID only in its narrative, one in twenty no ID at all
            CASE WHEN channel <> 'cash' AND scenario = 'paid' AND h % 20 < 3 THEN NULL ELSE vneid END AS vneid,
            payee_name, date_of_birth, bank_code, account_number, amount, value_date, status,
            CASE WHEN channel = 'cash' THEN NULL
                 WHEN scenario = 'paid' AND h % 20 < 2 THEN
                     CASE WHEN program = 'pension' THEN 'BHXH chi luong huu {tag} CCCD ' || vneid
                          ELSE 'Chi tra tro cap xa hoi {tag} CCCD ' || vneid END
                 WHEN program = 'pension' THEN 'BHXH chi luong huu {tag}'
                 ELSE 'Chi tra tro cap xa hoi {tag}' END
                 || CASE WHEN scenario = 'returned' THEN ' - hoan tra AC04 tai khoan da dong' ELSE '' END AS narrative
        FROM payments_src""")


def create_truth(con: duckdb.DuckDBPyConnection) -> None:
    """Every finding each planted case must produce."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE truth AS
        WITH first_pay AS (SELECT * FROM payments_out WHERE nth = 1),
        second_pay AS (SELECT * FROM payments_out WHERE nth = 2)
        SELECT 'MISSING_PAYMENT' AS code, vneid, NULL AS payment_ref, 'no payment' AS note
            FROM registry_out WHERE scenario = 'missing'
        UNION ALL SELECT 'AMOUNT_MISMATCH', vneid, payment_ref, 'paid 50,000 less' FROM first_pay WHERE scenario = 'amount'
        UNION ALL SELECT 'DUPLICATE_PAYMENT', vneid, payment_ref, 'paid a second time' FROM second_pay
        UNION ALL SELECT 'AMOUNT_MISMATCH', vneid, payment_ref, 'paid twice the amount due' FROM first_pay
            WHERE scenario = 'duplicate'
        UNION ALL SELECT 'PAID_AFTER_DEATH', vneid, payment_ref, 'deceased last month' FROM first_pay
            WHERE scenario = 'deceased'
        UNION ALL SELECT 'PAID_WHILE_INACTIVE', vneid, payment_ref, 'suspended' FROM first_pay WHERE scenario = 'suspended'
        UNION ALL SELECT 'ACCOUNT_MISMATCH', vneid, payment_ref, 'paid into another account' FROM first_pay
            WHERE scenario = 'account'
        UNION ALL SELECT 'NAME_MISMATCH', vneid, payment_ref, 'another person''s name' FROM first_pay
            WHERE scenario = 'name'
        UNION ALL SELECT 'SHARED_ACCOUNT', vneid, payment_ref, 'three beneficiaries on one account' FROM first_pay
            WHERE scenario = 'shared'
        UNION ALL SELECT 'INVALID_VNEID', vneid, NULL, 'century digit contradicts the date of birth'
            FROM registry_out WHERE scenario = 'invalid_id'
        UNION ALL SELECT 'CASH_DESPITE_ACCOUNT', vneid, payment_ref, 'paid in cash though registered for transfers'
            FROM first_pay WHERE scenario = 'cash'
        UNION ALL SELECT 'PAYMENT_FAILED', vneid, payment_ref, 'returned: account closed' FROM first_pay
            WHERE scenario = 'returned'
        UNION ALL SELECT 'MISSING_PAYMENT', vneid, NULL, 'its only transfer was returned' FROM registry_out
            WHERE scenario = 'returned'
        UNION ALL SELECT 'DUPLICATE_BENEFICIARY', vneid, NULL, 'listed twice' FROM registry_out
            WHERE scenario = 'listed again'
        UNION ALL SELECT 'OUT_OF_PERIOD', vneid, payment_ref, 'paid last month' FROM first_pay
            WHERE scenario = 'out_of_period'
        UNION ALL SELECT 'MISSING_PAYMENT', vneid, NULL, 'paid last month only' FROM registry_out
            WHERE scenario = 'out_of_period'
        UNION ALL SELECT 'UNKNOWN_PAYEE', vneid, payment_ref, 'not in the registry' FROM first_pay
            WHERE scenario = 'unknown'""")
