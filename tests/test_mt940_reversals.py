"""MT940 reversals (RD) paired with the debit they bring back: the same amount and reference, the
one among several that the :86: names; a NONREF reversal by the bank reference it names; one that
names none of several apart is set aside, never paired with the wrong beneficiary."""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import reconciled
from reconcile.readers import SKIP_COLUMN
from reconcile.readers.mt940 import read
from reconcile.readers.statements import set_aside_credits

REGISTRY = """vneid,full_name,program,entitled_amount,channel,bank_code,account_number,status
001045000002,Trần Văn Bình,welfare,2000000,bank,VCB,0071000000102,active
036148000005,Hoàng Thị Em,welfare,1000000,bank,VCB,0071000000105,active
036042000006,Vũ Văn Phúc,welfare,1000000,bank,VCB,0071000000106,active
"""

RETURNED = "credit: a return or reversal, not a payment (a returned payment is its debit row)"


def statement(tmp_path: Path, closing: str, *lines: str) -> Path:
    path = tmp_path / "bank.sta"
    path.write_text(
        "\n".join([":20:S1", ":25:0071000999999", ":28C:1/1", ":60F:C240909VND10000000,", *lines])
        + f"\n:62F:C240911VND{closing},\n-\n",
        encoding="utf-8",
    )
    return path


SHARED = [
    ":61:2409100910D1000000,NTRFCTXHT09//FT1",
    ":86:CHI TRA TCXH T09 CCCD 036148000005 HOANG THI EM",
    ":61:2409100910D1000000,NTRFCTXHT09//FT2",
    ":86:CHI TRA TCXH T09 CCCD 036042000006 VU VAN PHUC",
    ":61:2409110911RD1000000,NTRFCTXHT09//FT3",
]


def statuses(path: Path) -> list[tuple]:
    """(bank_ref, status, direction, why set aside) of each row."""
    frame = set_aside_credits(read(path)[1])
    return list(zip(frame["bank_ref"], frame["status"], frame["direction"], frame[SKIP_COLUMN], strict=True))


def test_a_reversal_of_a_shared_reference_returns_the_payment_it_names(tmp_path):
    """Em and Phúc are each paid 1,000,000 under CTXHT09; the reversal's :86: names Phúc."""
    path = statement(tmp_path, "9000000", *SHARED, ":86:HOAN TRA CCCD 036042000006 VU VAN PHUC TAI KHOAN DA DONG")
    assert statuses(path) == [
        ("FT1", "success", "DBIT", None),
        ("FT2", "returned", "DBIT", None),
        ("FT3", "returned", "CRDT", RETURNED),
    ]


def test_a_reversal_that_names_none_of_several_payments_apart_marks_none(tmp_path):
    path = statement(tmp_path, "9000000", *SHARED, ":86:HOAN TRA TAI KHOAN DA DONG")
    assert statuses(path) == [
        ("FT1", "success", "DBIT", None),
        ("FT2", "success", "DBIT", None),
        (
            "FT3",
            "returned",
            "CRDT",
            "a return that fits 2 payments of the same amount (rows 1, 2) and names none of them "
            "apart by account, ID, name or bank reference: not paired, none is marked returned; ask the bank "
            "which payment came back",
        ),
    ]


NONREF = [
    ":61:2409100910D2000000,NTRFNONREF//FT240910003",
    ":86:/EREF/CTXH0910002/NAME/TRAN VAN BINH/IBAN/0071000000102/REMI/USTD//TCXH T9 CCCD 001045000002/",
    ":61:2409110911RD2000000,NTRFNONREF//FT240912002",
    ":86:HOAN TRA GD FT240910003",
]


def test_a_nonref_reversal_returns_the_payment_whose_bank_reference_it_names(tmp_path):
    path = statement(tmp_path, "10000000", *NONREF)
    assert statuses(path) == [
        ("FT240910003", "returned", "DBIT", None),
        ("FT240912002", "returned", "CRDT", RETURNED),
    ]


def test_a_nonref_reversal_returns_the_payment_whose_end_to_end_reference_it_names(tmp_path):
    """The reversal's :86: names the payment by its end-to-end reference (CTXH0910002), not the bank's:
    in its text, or in its own end-to-end field."""
    for details in (
        ":86:HOAN TRA GD CTXH0910002 TK DA DONG",
        ":86:HOAN TRA GD CTXH0910002-CCCD 001045000002-TK DA DONG",
        ":86:HOAN TRA GD:CTXH0910002/TRAN VAN BINH",
        ":86:HOAN TRA REF.CTXH0910002",
        ":86:/EREF/CTXH0910002/REMI/USTD//HOAN TRA TK DA DONG/",
    ):
        path = statement(tmp_path, "10000000", *NONREF[:3], details)
        assert statuses(path) == [
            ("FT240910003", "returned", "DBIT", None),
            ("FT240912002", "returned", "CRDT", RETURNED),
        ]
    # without it the reversal stands for a payment of an earlier statement, and this debit stays paid
    path = statement(tmp_path, "10000000", *NONREF[:3], ":86:HOAN TRA GD CTXH0910009 TK DA DONG")
    assert statuses(path) == [("FT240910003", "success", "DBIT", None), ("FT240912002", "returned", "DBIT", None)]


def test_shared_reference_and_nonref_reversals_end_to_end(tmp_path):
    """Phúc's and Bình's payments are the returned ones: each one row, PAYMENT_FAILED; Em's is paid."""
    path = statement(
        tmp_path, "9000000", *SHARED, ":86:HOAN TRA CCCD 036042000006 VU VAN PHUC TAI KHOAN DA DONG", *NONREF
    )
    db = reconciled(tmp_path, REGISTRY, path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert_phuc_and_binh_returned(con)


def assert_phuc_and_binh_returned(con) -> None:
    """Em paid; Phúc's and Bình's payments returned, each one row, PAYMENT_FAILED."""
    assert con.execute("SELECT vneid, amount, status FROM payments ORDER BY source_file, source_row").fetchall() == [
        ("036148000005", 1000000, "success"),
        ("036042000006", 1000000, "returned"),
        ("001045000002", 2000000, "returned"),
    ]
    assert con.execute("SELECT code, vneid FROM flags WHERE code = 'PAYMENT_FAILED' ORDER BY vneid").fetchall() == [
        ("PAYMENT_FAILED", "001045000002"),
        ("PAYMENT_FAILED", "036042000006"),
    ]


def daily(tmp_path: Path, day: int, opening: str, closing: str, *lines: str) -> Path:
    """The statement of one day of the month (:20: and balances of its own)."""
    path = tmp_path / f"bank_{day:02d}.sta"
    path.write_text(
        "\n".join([f":20:S{day}", ":25:0071000999999", f":28C:{day}/1", f":60F:C2409{day:02d}VND{opening},", *lines])
        + f"\n:62F:C2409{day:02d}VND{closing},\n-\n",
        encoding="utf-8",
    )
    return path


def run_days(tmp_path: Path, *days: Path) -> tuple[int, str, Path]:
    from click.testing import CliRunner

    from reconcile.cli import cli

    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db), "--registry", str(registry)]
    for day in days:
        args += ["--payments", str(day)]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output, db


TENTH = [*SHARED[:4], *NONREF[:2]]  # Em and Phúc under CTXHT09, Bình under NONREF (FT240910003)


def after_the_tenth(tmp_path: Path, closing: str, *eleventh: str) -> Path:
    """The month of TENTH's payments and the statement of the 11th with these lines; the run must
    succeed. Its database."""
    tenth = daily(tmp_path, 10, "10000000", "6000000", *TENTH)
    code, output, db = run_days(tmp_path, tenth, daily(tmp_path, 11, "6000000", closing, *eleventh))
    assert code == 0, output
    return db


def test_a_reversal_in_the_next_days_statement_returns_the_payment_of_the_day_before(tmp_path):
    """The payments on the 10th, Phúc's and Bình's reversed on the 11th in that day's statement: each
    payment is marked returned (PAYMENT_FAILED), each reversal is set aside naming the payment's row,
    and nobody is counted paid by money that came back."""
    db = after_the_tenth(
        tmp_path,
        "9000000",
        ":61:2409110911RD1000000,NTRFCTXHT09//FT3",
        ":86:HOAN TRA CCCD 036042000006 VU VAN PHUC TAI KHOAN DA DONG",
        ":61:2409110911RD2000000,NTRFNONREF//FT240912002",
        ":86:HOAN TRA GD CTXH0910002 TK DA DONG",
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert_phuc_and_binh_returned(con)  # as when the reversals are in the payments' own statement
        assert con.execute(
            "SELECT narrative FROM payments WHERE status = 'returned' ORDER BY source_row"
        ).fetchall() == [
            ("CHI TRA TCXH T09 CCCD 036042000006 VU VAN PHUC; returned in bank_11.sta",),
            ("TCXH T9 CCCD 001045000002; returned in bank_11.sta",),
        ]
        assert con.execute(
            "SELECT file_name, rows_read, rows_loaded, rows_rejected, rows_set_aside FROM inputs "
            "WHERE role = 'payments' ORDER BY file_name"
        ).fetchall() == [("bank_10.sta", 3, 3, 0, 0), ("bank_11.sta", 2, 0, 0, 2)]


def test_a_reversal_whose_payment_is_in_no_statement_of_the_run_stays_a_returned_payment(tmp_path):
    """A reversal on the 11th of a payment of August (CTXH0810002, in no file of the run) stands for it,
    and one that fits two payments of the 10th and names neither apart is set aside naming both."""
    tenth = daily(tmp_path, 10, "10000000", "8000000", *SHARED[:4])
    eleventh = daily(
        tmp_path,
        11,
        "8000000",
        "11000000",
        ":61:2409110911RD2000000,NTRFNONREF//FT240912002",
        ":86:HOAN TRA GD CTXH0810002 CCCD 001045000002 TRAN VAN BINH",
        ":61:2409110911RD1000000,NTRFCTXHT09//FT3",
        ":86:HOAN TRA TAI KHOAN DA DONG",
    )
    code, output, db = run_days(tmp_path, tenth, eleventh)
    assert code == 0, output
    assert (
        f"reconcile: {eleventh}: returns that fit several payments and name none of them apart: 1, set aside "
        "with no payment marked returned; ask the bank which payments came back (the rows set aside, in "
        "rejected_rows)"
    ) in output.splitlines()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT source_file LIKE '%bank_11.sta', vneid, status FROM payments ORDER BY source_file, source_row"
        ).fetchall() == [
            (False, "036148000005", "success"),
            (False, "036042000006", "success"),
            (True, "001045000002", "returned"),
        ]
        assert con.execute(
            "SELECT source_row, reason FROM rejected_rows WHERE set_aside AND source_file LIKE '%bank_11.sta'"
        ).fetchall() == [
            (
                2,
                "a return that fits 2 payments of the same amount (bank_10.sta row 1, "
                "bank_10.sta row 2) and names none of them apart by account, ID, name or bank reference: not "
                "paired, none is marked returned; ask the bank which payment came back",
            )
        ]


def payment_statuses(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT vneid, status FROM payments ORDER BY vneid").fetchall()


def set_aside(db: Path, name: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT source_row, reason FROM rejected_rows WHERE set_aside AND source_file LIKE ? ORDER BY source_row",
            [f"%{name}"],
        ).fetchall()


def test_which_payments_came_back_does_not_depend_on_the_order_the_files_are_given_in(tmp_path):
    """On the 11th a reversal of CTXHT09 that names nobody, on the 12th one that names Em: Em's is the
    12th's, so the 11th's is Phúc's, whatever order the three statements are given in."""
    tenth = daily(tmp_path, 10, "10000000", "6000000", *TENTH)
    eleventh = daily(
        tmp_path, 11, "6000000", "7000000", ":61:2409110911RD1000000,NTRFCTXHT09//FT3", ":86:HOAN TRA TK DA DONG"
    )
    twelfth = daily(
        tmp_path,
        12,
        "7000000",
        "8000000",
        ":61:2409120912RD1000000,NTRFCTXHT09//FT4",
        ":86:HOAN TRA CCCD 036148000005 HOANG THI EM",
    )
    answers = []
    for n, order in enumerate([(tenth, eleventh, twelfth), (twelfth, eleventh, tenth)]):
        (tmp_path / str(n)).mkdir()
        code, output, db = run_days(tmp_path / str(n), *order)
        assert code == 0, output
        answers.append((payment_statuses(db), set_aside(db, "bank_11.sta"), set_aside(db, "bank_12.sta")))
    assert answers[0] == answers[1]
    assert answers[0] == (
        [("001045000002", "success"), ("036042000006", "returned"), ("036148000005", "returned")],
        [
            (
                1,
                "credit: the return of the payment in bank_10.sta row 2, which is marked returned (a return or reversal, not a payment)",
            )
        ],
        [
            (
                1,
                "credit: the return of the payment in bank_10.sta row 1, which is marked returned (a return or reversal, not a payment)",
            )
        ],
    )


def test_two_returns_that_fit_the_same_two_payments_return_both(tmp_path):
    """Two reversals of 1,000,000 under CTXHT09 naming nobody, and the two payments they fit: both
    came back, whichever is whose."""
    back = [":61:2409110911RD1000000,NTRFCTXHT09//FT3", ":86:HOAN TRA TK DA DONG"]
    db = after_the_tenth(tmp_path, "8000000", *back, *back)
    assert payment_statuses(db) == [
        ("001045000002", "success"),
        ("036042000006", "returned"),
        ("036148000005", "returned"),
    ]


def test_a_payment_reversed_twice_is_returned_once_and_the_second_reversal_set_aside(tmp_path):
    twice = [":61:2409110911RD2000000,NTRFNONREF//FT240912002", ":86:HOAN TRA GD FT240910003 CCCD 001045000002"]
    db = after_the_tenth(tmp_path, "10000000", *twice, *twice)
    assert payment_statuses(db) == [
        ("001045000002", "returned"),
        ("036042000006", "success"),
        ("036148000005", "success"),
    ]
    assert set_aside(db, "bank_11.sta") == [
        (
            1,
            "credit: the return of the payment in bank_10.sta row 3, which is marked returned (a return or reversal, not a payment)",
        ),
        (
            2,
            "a second return of the payment in bank_10.sta row 3, which another return already brought back: not "
            "paired again, not a payment; ask the bank whether the money came back twice",
        ),
    ]


def test_a_return_booked_as_a_plain_credit_returns_the_payment_its_text_names(tmp_path):
    """Many banks book a return as a credit (C), not a reversal (RD): one whose text says it is a return
    and names the payment returns it; a credit that names the payment but is no return (the treasury's
    funding citing it) does not."""
    db = after_the_tenth(
        tmp_path,
        "9000000",
        ":61:2409110911C2000000,NTRFNONREF//FT240912002",
        ":86:HOAN TRA GD FT240910003 TRAN VAN BINH TK DA DONG",
        ":61:2409110911C1000000,NTRFNONREF//FT240912003",
        ":86:KBNN CAP BO SUNG KINH PHI THEO FT1",
    )
    assert payment_statuses(db) == [
        ("001045000002", "returned"),
        ("036042000006", "success"),
        ("036148000005", "success"),
    ]
    assert [reason for _, reason in set_aside(db, "bank_11.sta")] == [
        "credit: the return of the payment in bank_10.sta row 3, which is marked returned (a return or reversal, not a payment)",
        "credit (money into the account), not a payment",
    ]


def test_a_reversal_of_a_credit_is_set_aside_as_money_in_taken_back(tmp_path):
    """`RC`: the treasury's funding credited twice, the second taken back. It was set aside as a credit
    that returns a payment (`credit: a return or reversal ... a returned payment is its debit row`); it
    is money in taken back, as camt's RvslInd on a debit says. In the balances it is a debit, as before."""
    path = tmp_path / "rc.sta"
    path.write_text(
        "\r\n".join(
            [
                ":20:VCB0905",
                ":25:0071001234567",
                ":28C:249/1",
                ":60F:C240905VND50000000,",
                ":61:2409050905C5000000,NTRFNONREF//FTK1",
                ":86:KBNN CAP KINH PHI TCXH",
                ":61:2409050905RC5000000,NTRFNONREF//FTK2",
                ":86:HUY GD KBNN CAP TRUNG",
                ":61:2409050905D1500000,NTRFCTXH01//FT2",
                ":86:TCXH T9/2024 CCCD 079196118125 NGUYEN THI THANH HUONG",
                ":62F:C240905VND48500000,",
            ]
        )
        + "\r\n",
        encoding="utf-8",
    )
    taken_back = (
        "a reversal of money into the account (RC, the reversal of a credit): money in taken back, not a payment"
    )
    assert statuses(path) == [
        ("FTK1", "success", "CRDT", "credit (money into the account), not a payment"),
        ("FTK2", "returned", "CRDT", taken_back),
        ("FT2", "success", "DBIT", None),
    ]
    from click.testing import CliRunner

    from reconcile.cli import cli

    res = CliRunner().invoke(cli, ["check", str(path), "--as", "payments", "--period", "2024-09"])
    assert res.exit_code == 0, res.output
    assert [line for line in res.output.splitlines() if line.startswith(("rows", "totals", "set aside"))] == [
        "rows: 3 read, 1 loaded, 0 rejected, 2 set aside as no payment",
        "totals: MT940 balances (debits) says 2 entries of 6,500,000 VND; the entries read agree",
        "set aside: 1 row: credit (money into the account), not a payment (row 1)",
        f"set aside: 1 row: {taken_back} (row 2)",
    ]
