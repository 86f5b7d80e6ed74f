"""load_current.sql numbers rows by a cheap key (file and ID, file and reference) and sorts by the
rest of the order only within ties. The ids must be those of one sort of every row by every key
(the definition, held here as it was written before; the primary row chosen by status first, whatever
the file, since a list of reductions beside the month's list lost a death), whatever the ties: rows listed twice, in two
programmes, in two files, alike in every key but the row, with NULLs in the keys."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.sqlfiles import sql_text, statements

REGISTRY_DEFINITION = """
SELECT s.rowid AS stg_row,
    row_number() OVER (ORDER BY f.file_order, s.vneid, s.program, s.entitled_amount, s.full_name, s.account_number,
                                s.status, s.date_of_birth,
                                s.birth_year, s.gender, s.category, s.channel, s.bank_code, s.province_code, s.district_code,
                                s.commune_code, s.date_of_death, s.province_code_2025, s.area_note, s.vneid_restored, s.source_row) AS registry_id,
    row_number() OVER (PARTITION BY s.vneid, s.program
                       ORDER BY CASE s.status WHEN 'deceased' THEN 0 WHEN 'terminated' THEN 1
                                              WHEN 'suspended' THEN 2 ELSE 3 END,
                                s.entitled_amount, s.full_name, s.account_number, s.status, s.date_of_birth,
                                s.birth_year, s.gender, s.category, s.channel, s.bank_code, s.province_code, s.district_code,
                                s.commune_code, s.date_of_death, s.province_code_2025, s.area_note, s.vneid_restored,
                                f.file_order, s.source_row) = 1 AS is_primary
FROM stg_registry AS s JOIN cur_files AS f USING (file_id) WHERE s.reject_reason IS NULL
"""
PAYMENT_DEFINITION = """
SELECT s.rowid AS stg_row,
    row_number() OVER (ORDER BY f.file_order, s.payment_ref, s.vneid, s.amount, s.value_date, s.account_number,
                                s.payee_name, s.status, s.channel, s.bank_code, s.program, s.narrative, s.bank_ref,
                                s.date_of_birth, s.birth_year, s.vneid_source, s.vneid_note, s.source_row) AS payment_id
FROM stg_payments AS s JOIN cur_files AS f USING (file_id) WHERE s.reject_reason IS NULL
"""


def _ids_statement(table: str) -> str:
    return next(s for s in statements(sql_text("load_current.sql")) if f"TEMP TABLE {table} AS" in s)


few = st.sampled_from
registry_rows = st.lists(
    st.tuples(
        few([1, 2, 3]),  # file_id
        few(["001200000001", "001200000002", "079300000003", "9", None]),  # vneid
        few(["welfare", "pension", None]),
        few([100, 200, None]),
        few(["AN", "BINH", None]),
        few(["1", "01", None]),
        few(["active", "suspended", None]),
        few(["1950-01-01", "1960-02-02", None]),
        few(["00004", "26734", None]),  # commune_code: two rows alike but for it are told apart by it
        few([None, "rejected"]),
    ),
    min_size=1,
    max_size=40,
)
payment_rows = st.lists(
    st.tuples(
        few([1, 2, 3]),
        few(["R1", "R2", "r1", None]),  # payment_ref
        few(["001200000001", "9", None]),
        few([100, 200, None]),
        few(["2024-09-01", "2024-09-02", None]),
        few(["1", "01", None]),
        few(["AN", None]),
        few(["success", "failed"]),
        few(["bank", "cash", None]),
        few(["TRO CAP", "LUONG HUU", None]),  # narrative
        few([None, "rejected"]),
    ),
    min_size=1,
    max_size=40,
)


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    # file_order is not file_id: files are numbered in name order
    con.execute(
        "CREATE TEMP TABLE cur_files AS SELECT * FROM (VALUES (1, 3), (2, 1), (3, 2)) AS f(file_id, file_order)"
    )
    return con


@settings(max_examples=80, deadline=None)
@given(registry_rows)
def test_registry_ids_are_those_of_one_sort_by_every_key(rows):
    con = _con()
    con.execute(
        "CREATE TEMP TABLE stg_registry (file_id INTEGER, vneid VARCHAR, program VARCHAR, entitled_amount BIGINT, "
        "full_name VARCHAR, account_number VARCHAR, status VARCHAR, date_of_birth DATE, commune_code VARCHAR, "
        "reject_reason VARCHAR, source_row BIGINT, birth_year INTEGER, gender VARCHAR, category VARCHAR, "
        "channel VARCHAR, bank_code VARCHAR, province_code VARCHAR, district_code VARCHAR, date_of_death DATE, "
        "province_code_2025 VARCHAR, area_note VARCHAR, vneid_restored BOOLEAN)"
    )
    # rows alike in every key but the row number: source_row only separates them
    con.executemany(
        "INSERT INTO stg_registry (file_id, vneid, program, entitled_amount, full_name, account_number, status, "
        "date_of_birth, commune_code, reject_reason, source_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[*r, n % 7] for n, r in enumerate(rows)],
    )
    con.execute(
        "DELETE FROM stg_registry WHERE rowid IN (SELECT rowid FROM stg_registry "
        "QUALIFY row_number() OVER (PARTITION BY file_id, source_row ORDER BY rowid) > 1)"
    )
    con.execute(_ids_statement("cur_registry_ids"))
    expected = con.execute(f"SELECT * FROM ({REGISTRY_DEFINITION}) ORDER BY stg_row").fetchall()
    assert (
        con.execute("SELECT stg_row, registry_id, is_primary FROM cur_registry_ids ORDER BY stg_row").fetchall()
        == expected
    )


@settings(max_examples=80, deadline=None)
@given(payment_rows)
def test_payment_ids_are_those_of_one_sort_by_every_key(rows):
    con = _con()
    con.execute(
        "CREATE TEMP TABLE stg_payments (file_id INTEGER, payment_ref VARCHAR, vneid VARCHAR, amount BIGINT, "
        "value_date DATE, account_number VARCHAR, payee_name VARCHAR, status VARCHAR, channel VARCHAR, "
        "narrative VARCHAR, reject_reason VARCHAR, source_row BIGINT, bank_code VARCHAR, program VARCHAR, "
        "bank_ref VARCHAR, date_of_birth DATE, birth_year INTEGER, vneid_source VARCHAR, vneid_note VARCHAR)"
    )
    con.executemany(
        "INSERT INTO stg_payments (file_id, payment_ref, vneid, amount, value_date, account_number, payee_name, "
        "status, channel, narrative, reject_reason, source_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[*r, n % 7] for n, r in enumerate(rows)],
    )
    con.execute(
        "DELETE FROM stg_payments WHERE rowid IN (SELECT rowid FROM stg_payments "
        "QUALIFY row_number() OVER (PARTITION BY file_id, source_row ORDER BY rowid) > 1)"
    )
    con.execute(_ids_statement("cur_refs_twice"))  # the references used twice, which cur_payment_ids reads
    con.execute(_ids_statement("cur_payment_ids"))
    expected = con.execute(f"SELECT * FROM ({PAYMENT_DEFINITION}) ORDER BY stg_row").fetchall()
    assert con.execute("SELECT stg_row, payment_id FROM cur_payment_ids ORDER BY stg_row").fetchall() == expected
