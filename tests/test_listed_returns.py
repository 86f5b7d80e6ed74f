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


HEADER = "payment_ref,vneid,payee_name,bank_code,account_number,amount,value_date,channel,status\n"
REGISTRY_CSV = (
    "vneid,full_name,date_of_birth,gender,program,entitled_amount,channel,bank_code,account_number,province_code,status\n"
    "001087012345,Nguyễn Văn An,12/03/1987,male,welfare,500.000,bank,VBA,0011223344,01,active\n"
    "001090054321,Trần Văn Bình,01/01/1990,male,welfare,500.000,bank,VBA,{binh},01,active\n"
    "079153000257,Trần Thị Mai,01/01/1953,female,pension,5.200.000,bank,VCB,0099887766,79,active\n"
)
AN = '001087012345,NGUYEN VAN AN,VBA,0011223344,"500,000"'
MAI = 'FT2,079153000257,TRAN THI MAI,VCB,0099887766,"5,200,000",02/09/2024,bank,success\n'


def _month(tmp_path, files: dict[str, str], binh_account: str = "0055667788"):
    (tmp_path / "registry.csv").write_text(REGISTRY_CSV.format(binh=binh_account), encoding="utf-8")
    for name, rows in files.items():
        (tmp_path / name).write_text(HEADER + rows, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    run(
        RunConfig(period="2024-09", registry=[tmp_path / "registry.csv"], payments=[tmp_path / n for n in files], db=db)
    )
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY ALL").fetchall()
        aside = con.execute("SELECT source_row, reason FROM rejected_rows WHERE set_aside ORDER BY ALL").fetchall()
    return flags, aside


def test_two_ids_that_differ_are_two_people_whatever_the_account_they_share(tmp_path):
    """A guardian's account receives FT1 for An and for Bình; the bank returns Bình's. An's payment was
    marked returned (the account matched), and An was to be paid again; Bình's stood."""
    bank = f'FT1,{AN},05/09/2024,bank,success\nFT1,001090054321,TRAN VAN BINH,VBA,0011223344,"500,000",05/09/2024,bank,success\n{MAI}'
    returns = 'FT1,001090054321,TRAN VAN BINH,VBA,0011223344,"500,000",10/09/2024,bank,returned\n'
    flags, aside = _month(tmp_path, {"bank.csv": bank, "returns.csv": returns}, binh_account="0011223344")
    assert ("PAYMENT_FAILED", "001090054321", "FT1") in flags
    assert [f for f in flags if f[1] == "001087012345" and f[0] in ("PAYMENT_FAILED", "MISSING_PAYMENT")] == []
    assert aside == [
        (
            2,
            "returned: the same transfer as the payment in bank.csv row 3, which is marked returned (not a second payment)",
        )
    ]


def test_a_first_attempt_returned_then_paid_again_the_same_day_is_no_return_of_the_payment(tmp_path):
    bank = f"FT1,{AN},05/09/2024,bank,returned\nFT1,{AN},05/09/2024,bank,success\n"
    bank += 'FT3,001090054321,TRAN VAN BINH,VBA,0055667788,"500,000",05/09/2024,bank,success\n' + MAI
    flags, aside = _month(tmp_path, {"bank.csv": bank})
    assert flags == [] and aside == []


def test_a_return_in_the_list_and_again_in_the_bank_s_list_of_returns_is_one_return(tmp_path):
    """An's return is in the disbursement list and in the bank's returns list, Bình's in the latter only:
    the second listing was a payment of its own, the returns list a copy to refuse, and the run stopped."""
    bank = f"FT1,{AN},05/09/2024,bank,success\n"
    bank += 'FT3,001090054321,TRAN VAN BINH,VBA,0055667788,"500,000",05/09/2024,bank,success\n'
    bank += f"{MAI}FT1,{AN},10/09/2024,bank,returned\n"
    returns = f"FT1,{AN},10/09/2024,bank,returned\n"
    returns += 'FT3,001090054321,TRAN VAN BINH,VBA,0055667788,"500,000",10/09/2024,bank,returned\n'
    flags, aside = _month(tmp_path, {"a_bank.csv": bank, "c_returns.csv": returns})
    assert [(code, vneid) for code, vneid, _ in flags] == [
        ("MISSING_PAYMENT", "001087012345"),
        ("MISSING_PAYMENT", "001090054321"),
        ("PAYMENT_FAILED", "001087012345"),
        ("PAYMENT_FAILED", "001090054321"),
    ]
    assert aside == [
        (
            2,
            "returned: the return of the payment in a_bank.csv row 2, which is marked returned there (not a second payment)",
        ),
        (
            3,
            "returned: the same transfer as the payment in a_bank.csv row 3, which is marked returned (not a second payment)",
        ),
        (
            5,
            "returned: the same transfer as the payment in a_bank.csv row 2, which is marked returned (not a second payment)",
        ),
    ]
