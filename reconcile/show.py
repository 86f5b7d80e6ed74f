"""`reconcile show`: everything the database holds on one beneficiary (by ID), one payment reference or
one account, across all periods: registry rows, payments and findings. Opened read-only by the caller
(readback.open_db); each query is fixed SQL with its values bound and a full ORDER BY."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from reconcile.errors import ConfigError
from reconcile.readback import FLAG_COLUMNS, Rows, check_vneid, query_rows

_FLAG_SELECT = ", ".join(f"f.{c}" for c in FLAG_COLUMNS)
_SEPARATORS = re.compile(r"[ .]")
_SAME_ACCOUNT = "({column} = $key OR ltrim({column}, '0') = nullif(ltrim($key, '0'), ''))"
_SAME_REF = "(upper({column}) = upper($key) OR ltrim(upper({column}), '0') = nullif(ltrim(upper($key), '0'), ''))"


@dataclass(frozen=True)
class Beneficiary:
    """Everything the database holds on one personal ID, across all periods."""

    registry: Rows
    payments: Rows
    flags: Rows
    rejected: Rows  # the rows of the files that hold the key but were rejected: not in the three above


# `reconcile show` by what it was given: the payments it starts from ("mine"), and the beneficiaries
# whose registry rows it shows ("whose": the ID, or the IDs those payments were matched to)
_SHOW_BY = {
    "vneid": (
        "SELECT period, payment_id FROM payments WHERE vneid = $key "
        "UNION SELECT period, payment_id FROM matches WHERE vneid = $key",
        "SELECT $key AS vneid",
        "f.vneid = $key",
    ),
    # a reference as the payment's file gives it or as its bank does (bank_ref, the statement's), in
    # either case and leading zeros aside, as the run compares references
    "payment_ref": (
        f"SELECT period, payment_id FROM payments WHERE {_SAME_REF.format(column='payment_ref')} "
        f"OR {_SAME_REF.format(column='bank_ref')}",
        "SELECT m.vneid FROM matches AS m JOIN mine USING (period, payment_id) "
        "UNION SELECT p.vneid FROM payments AS p JOIN mine USING (period, payment_id) WHERE p.vneid IS NOT NULL",
        _SAME_REF.format(column="f.payment_ref"),
    ),
    # an account leading zeros aside, as the run compares them: a number copied from a spreadsheet
    # that dropped them (61434240553 for 0061434240553) is that account, not one the database lacks
    "account_number": (
        f"SELECT period, payment_id FROM payments WHERE {_SAME_ACCOUNT.format(column='account_number')}",
        "SELECT m.vneid FROM matches AS m JOIN mine USING (period, payment_id) "
        f"UNION SELECT vneid FROM registry WHERE {_SAME_ACCOUNT.format(column='account_number')}",
        _SAME_ACCOUNT.format(column="f.account_number"),
    ),
}


# A rejected row (rejected_rows.raw, the values as read under the file's own headers) that holds what
# `show` was given, by the value of any column ({v}): the ID, also with its separators or with the
# leading zeros a spreadsheet drops, or inside a text (a narrative's "CCCD ..."); the reference and
# the account as the other queries compare them
_REJECTED_BY = {
    "vneid": "regexp_replace({v}, '[ .-]', '', 'g') IN ($key, ltrim($key, '0')) "
    "OR regexp_matches({v}, '(^|[^0-9])' || $key || '([^0-9]|$)')",
    "payment_ref": _SAME_REF.format(column="trim({v})"),
    "account_number": "nullif(ltrim(regexp_replace({v}, '[ .-]', '', 'g'), '0'), '') = ltrim($key, '0') "
    "OR regexp_replace({v}, '[ .-]', '', 'g') = $key",
}


def show(
    con: duckdb.DuckDBPyConnection,
    vneid: str | None = None,
    *,
    payment_ref: str | None = None,
    account: str | None = None,
) -> Beneficiary:
    """Everything on one beneficiary (by ID), one payment reference or one account, across all periods:
    registry rows, payments, findings. A payment is the beneficiary's when it carries the ID or was
    matched to them; a reference's or an account's payments are those that carry it, and the registry
    rows shown are those of the beneficiaries they were matched to (and, for an account, registered
    with it). A finding is shown when it names the key or one of those payments. `match_method` says
    how a payment was tied to a beneficiary (empty when it was not). `rejected`: the rows of the files that
    hold the key but were rejected (rejected_rows, not the rows set aside), with why."""
    if vneid is not None:
        by, key = "vneid", check_vneid(vneid)
    elif payment_ref is not None and payment_ref.strip():
        by, key = "payment_ref", payment_ref.strip()
    elif account is not None and _SEPARATORS.sub("", account).replace("-", ""):
        by, key = "account_number", _SEPARATORS.sub("", account).replace("-", "")
    else:
        raise ConfigError("say what to show: a 12-digit personal ID, --payment-ref REF or --account NUMBER")
    mine, whose, named = _SHOW_BY[by]
    params = {"key": key}
    registry = query_rows(
        con,
        f"""
        WITH mine AS ({mine}), whose AS ({whose})
        SELECT period, program, vneid, full_name, date_of_birth, gender, category, province_code, commune_code,
               status, date_of_death, entitled_amount, channel, bank_code, account_number, is_primary,
               source_file, source_row
        FROM registry WHERE vneid IN (SELECT vneid FROM whose)
        ORDER BY period, source_file, source_row, registry_id""",
        params,
    )
    payments = query_rows(
        con,
        f"""
        WITH mine AS ({mine}), whose AS ({whose})
        SELECT p.period, p.payment_ref, p.vneid, p.value_date, p.amount, p.channel, p.bank_code, p.account_number,
               p.payee_name, p.status, m.method AS match_method, p.source_file, p.source_row
        FROM payments AS p
        JOIN mine USING (period, payment_id)
        LEFT JOIN matches AS m ON m.period = p.period AND m.payment_id = p.payment_id
                               AND m.vneid IN (SELECT vneid FROM whose)
        ORDER BY p.period, p.source_file, p.source_row, p.payment_id""",
        params,
    )
    found = query_rows(
        con,
        f"""
        WITH mine AS ({mine})
        SELECT {_FLAG_SELECT} FROM flags AS f
        WHERE {named}
           OR EXISTS (SELECT 1 FROM mine WHERE mine.period = f.period AND mine.payment_id = f.payment_id)
        ORDER BY f.period, f.source_file NULLS LAST, f.source_row NULLS LAST, f.severity_rank DESC, f.code,
                 f.flag_id""",
        params,
    )
    held = _REJECTED_BY[by].format(v="(j.value ->> '$')")
    rejected = query_rows(
        con,
        f"""
        SELECT period, role, source_file, source_sheet, source_row, reason
        FROM rejected_rows AS r
        WHERE NOT coalesce(r.set_aside, false)
          AND EXISTS (SELECT 1 FROM json_each(r.raw) AS j WHERE {held})
        ORDER BY period, source_file, source_sheet NULLS FIRST, source_row""",
        params,
    )
    return Beneficiary(registry, payments, found, rejected)
