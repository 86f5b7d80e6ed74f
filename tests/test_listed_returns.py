"""A transfer a payments list gives as paid and, on a later row or in another list, as returned
(returns_listed.sql): the money came back, so it is no payment made, and the returned row is no
second payment. Before, the paid row stood, with no finding and exit 0, and nothing to pay again."""

from __future__ import annotations

import duckdb

from conftest import write_csv
from reconcile.pipeline import RunConfig, run
from test_pipeline import PAY_HEADER, PAYMENTS, month

RETURN_OF_FT001 = [
    "FT001",
    "001087012345",
    "NGUYEN VAN HUNG",
    "VBA",
    "0011223344",
    "1,500,000",
    "08/09/2024",
    "bank",
    "Hoàn trả",
]


def _run(tmp_path, *extra):
    reg, pay = month(tmp_path, payments=[*PAYMENTS, *extra[:1]] if len(extra) == 1 else PAYMENTS)
    payments = [pay] if len(extra) <= 1 else [pay, write_csv(tmp_path / extra[0], PAY_HEADER, extra[1])]
    db = tmp_path / "r.duckdb"
    result = run(RunConfig(period="2024-09", registry=[reg], payments=payments, db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, payment_ref, detail FROM flags ORDER BY code").fetchall()
        statuses = con.execute("SELECT payment_ref, status FROM payments ORDER BY payment_ref, status").fetchall()
        aside = con.execute("SELECT source_file, source_row, reason FROM rejected_rows WHERE set_aside").fetchall()
    return result, flags, statuses, [(f.rsplit("/", 1)[-1], row, reason) for f, row, reason in aside]


def test_a_paid_transfer_listed_again_as_returned_is_a_returned_payment(tmp_path):
    result, flags, statuses, aside = _run(tmp_path, RETURN_OF_FT001)
    assert result.amount_paid == 10_800_000 - 1_500_000
    assert flags == [
        ("MISSING_PAYMENT", None, "No successful payment dated in the period; 1 failed or returned"),
        (
            "PAYMENT_FAILED",
            "FT001",
            "Payment of 05/09/2024 returned; no successful payment to this beneficiary in the period",
        ),
    ]
    assert statuses == [("BD003", "success"), ("FT001", "returned"), ("FT002", "success")]
    assert aside == [
        (
            "payments.csv",
            5,
            "returned: the same transfer as the payment in payments.csv row 2, which is marked returned (not a second "
            "payment)",
        )
    ]


def test_a_return_in_the_bank_s_list_of_returns_is_paired_with_the_payment_in_the_disbursement_list(tmp_path):
    _, flags, statuses, aside = _run(tmp_path, "returns.csv", [RETURN_OF_FT001])
    assert [code for code, *_ in flags] == ["MISSING_PAYMENT", "PAYMENT_FAILED"]
    assert statuses == [("BD003", "success"), ("FT001", "returned"), ("FT002", "success")]
    assert aside == [
        (
            "returns.csv",
            2,
            "returned: the same transfer as the payment in payments.csv row 2, which is marked returned (not a second "
            "payment)",
        )
    ]


def test_a_return_dated_before_the_payment_or_of_another_payee_is_no_return_of_it(tmp_path):
    """A failed first attempt listed as returned, then paid under the same reference; and a return of
    the same reference and amount to someone else: the payment stands."""
    before = [*RETURN_OF_FT001[:6], "03/09/2024", *RETURN_OF_FT001[7:]]
    other = [RETURN_OF_FT001[0], "079153000257", "TRAN THI MAI", "VCB", "0099887766", *RETURN_OF_FT001[5:]]
    for returned in (before, other):
        (tmp_path / returned[1]).mkdir()
        result, flags, statuses, aside = _run(tmp_path / returned[1], returned)
        assert result.amount_paid == 10_800_000
        assert aside == []
        assert ("FT001", "success") in statuses and ("FT001", "returned") in statuses
        assert "MISSING_PAYMENT" not in [code for code, *_ in flags]
