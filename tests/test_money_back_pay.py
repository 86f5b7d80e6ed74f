"""Back pay (truy lĩnh): a month's payment that failed or was not made, paid in a later month beside
that month's own, the narrative naming the months (`Chi truy linh tro cap T9 va T10/2024`). It is the
money of the months it names, not a second payment of its month: no DUPLICATE_PAYMENT or
AMOUNT_MISMATCH for it, a month paid with back pay only is still unpaid (MISSING_PAYMENT), and the
months it names are paid in the arrears. One that does not fit (more than the months due, months not
before its own) is flagged as any other payment (less may be those months' lower rate, before a rise:
tests/test_money_back_pay_rates.py). Five welfare beneficiaries due 2.000.000
a month, October and November 2024 in one database (normalise/macros.sql, sql/facts.sql,
views.sql's rc_back_pay_months)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from reconcile.normalise.reference import install
from reconcile.report.details import in_vietnamese
from reconcile.sqlfiles import sql_text
from test_cases import invoke, query, run_month
from test_cases_settled_taken import BANK, REGISTRY

PEOPLE = (
    ("001145000201", "Nguyễn Thị Cúc", "NGUYEN THI CUC"),
    ("001145000202", "Trần Văn Dũng", "TRAN VAN DUNG"),
    ("001145000203", "Lê Thị Giang", "LE THI GIANG"),
    ("001145000204", "Phạm Văn Ân", "PHAM VAN AN"),
    ("001145000205", "Đỗ Thị Bình", "DO THI BINH"),
    ("001145000206", "Võ Thị Hoa", "VO THI HOA"),
    ("001145000207", "Hồ Văn Khánh", "HO VAN KHANH"),
)
CUC, DUNG, GIANG, AN, BINH, HOA, KHANH = (p[0] for p in PEOPLE)
# November's rows beside each one's own payment of the month: (reference, amount, narrative)
NOVEMBER = {
    CUC: [("FT20241100901", "4.000.000", "Chi truy linh tro cap T9 va T10/2024")],  # October's failed
    DUNG: [("FT20241100902", "2.000.000", "Truy lĩnh tháng 10/2024")],  # and no payment of November
    GIANG: [("FT20241100903", "5.000.000", "TRUY LINH T09-T10/2024")],  # more than two months due
    AN: [("FT20241100904", "4.000.000", "Truy linh T11-T12/2024")],  # November's own and December's
    BINH: [("FT20241100905", "2.000.000", "Truy linh T10/2024")],  # October, paid already
    HOA: [("FT20241100906", "2.000.000", "Truy linh tro cap T10/2024")],  # October's failed, and this failed too
    KHANH: [("FT20241100907", "2.000.000", "Truy linh tro cap T10/2024")],  # failed, as November's own did
}
FAILED = ("FT20241000201", "FT20241000206", "FT20241100906", "FT20241000207", "FT20241100207", "FT20241100907")


def month(folder: Path, mm: str) -> dict[str, list[Path]]:
    folder.mkdir()
    registry, bank = REGISTRY, BANK
    for n, (vneid, name, payee) in enumerate(PEOPLE, start=1):
        account = f"0123{vneid[-9:]}"
        registry += (
            f"{n},{vneid},{name},0{n}/03/1945,Nữ,Trợ cấp xã hội,Người cao tuổi từ 80 tuổi,2.000.000,Chuyển khoản,"
            f"BIDV,{account},01,00004,Đang hưởng,\n"
        )
        own = [(f"FT2024{mm}00{vneid[-3:]}", "2.000.000", f"Chi tra tro cap xa hoi T{mm}/2024")]
        rows = own
        if mm == "10" and vneid in (DUNG, GIANG):
            rows = []
        elif mm == "11":
            rows = (own if vneid != DUNG else []) + NOVEMBER.get(vneid, [])
        for ref, amount, narrative in rows:
            status = "Thất bại" if ref in FAILED else "Thành công"
            bank += (
                f'{n},{ref},{vneid},{payee},BIDV,{account},"{amount}",05/{mm}/2024,Chuyển khoản,{status},{narrative}\n'
            )
    (folder / "registry.csv").write_text(registry, encoding="utf-8-sig")
    (folder / "bank.csv").write_text(bank, encoding="utf-8-sig")
    return {"registry": [folder / "registry.csv"], "payments": [folder / "bank.csv"]}


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory) -> tuple[Path, str]:
    """The database of October and November, and what November's run said on stderr."""
    folder = tmp_path_factory.mktemp("back_pay")
    db = folder / "r.duckdb"
    for mm in ("10", "11"):
        res = run_month(db, f"2024-{mm}", month(folder / mm, mm))
        assert res.exit_code == 0, res.output
    return db, res.stderr


@pytest.fixture(scope="module")
def months(reconciled) -> Path:
    return reconciled[0]


def test_a_back_payment_that_fits_is_no_second_payment_and_does_not_pay_its_month(months):
    assert query(
        months,
        "SELECT vneid, code, payment_ref, expected_amount, paid_amount, detail FROM flags WHERE period = '2024-11' "
        "ORDER BY vneid, code",
    ) == [
        # Dũng's back pay of October is not November's payment: November is unpaid
        (
            DUNG,
            "MISSING_PAYMENT",
            None,
            2_000_000,
            0,
            "No successful payment dated in the period; 1 back payment of earlier months (truy lĩnh) only",
        ),
        # 5.000.000 is more than two months of 2.000.000: flagged as any second payment
        (
            GIANG,
            "AMOUNT_MISMATCH",
            "FT20241100203",
            2_000_000,
            7_000_000,
            "Paid 7,000,000 in 2 payment(s); due 2,000,000 (difference +5,000,000)",
        ),
        (
            GIANG,
            "DUPLICATE_PAYMENT",
            "FT20241100903",
            2_000_000,
            5_000_000,
            "Payment 2 of 2 successful to this beneficiary in the period; the first is FT20241100203 in bank.csv",
        ),
        # a month named that is not before November (December's, paid in advance): flagged too
        (
            AN,
            "AMOUNT_MISMATCH",
            "FT20241100204",
            2_000_000,
            6_000_000,
            "Paid 6,000,000 in 2 payment(s); due 2,000,000 (difference +4,000,000)",
        ),
        (
            AN,
            "DUPLICATE_PAYMENT",
            "FT20241100904",
            2_000_000,
            4_000_000,
            "Payment 2 of 2 successful to this beneficiary in the period; the first is FT20241100204 in bank.csv",
        ),
        # Hoa's back pay of October failed: October stays unpaid, though November's own payment went through
        (
            HOA,
            "PAYMENT_FAILED",
            "FT20241100906",
            2_000_000,
            2_000_000,
            "Payment of 05/11/2024 failed; a back payment of 1 earlier month(s) (truy lĩnh): they stay unpaid",
        ),
        # Khánh's own payment failed, and his back pay of October: two months unpaid, two findings
        (
            KHANH,
            "MISSING_PAYMENT",
            None,
            2_000_000,
            0,
            "No successful payment dated in the period; 2 failed or returned",
        ),
        (
            KHANH,
            "PAYMENT_FAILED",
            "FT20241100207",
            2_000_000,
            2_000_000,
            "Payment of 05/11/2024 failed; no successful payment to this beneficiary in the period",
        ),
        (
            KHANH,
            "PAYMENT_FAILED",
            "FT20241100907",
            2_000_000,
            2_000_000,
            "Payment of 05/11/2024 failed; a back payment of 1 earlier month(s) (truy lĩnh): they stay unpaid",
        ),
    ]
    # October's and November's money at stake: the back pay is no second attempt of November's own
    # payment, and it is October's failed payment tried again, counted once
    assert query(
        months,
        "SELECT first_period, flags, amount_at_stake FROM cases WHERE vneid = ? AND code = 'PAYMENT_FAILED'",
        [KHANH],
    ) == [("2024-10", 3, 4_000_000)]
    assert query(
        months,
        "SELECT period, r.payment_ref, counted_period FROM flag_repeats AS r JOIN flags USING (period, flag_id) "
        "WHERE vneid = ?",
        [KHANH],
    ) == [("2024-10", "FT20241000207", "2024-11")]


def test_the_back_pay_clauses_are_in_vietnamese_in_a_vietnamese_workbook():
    missing = "No successful payment dated in the period; 1 back payment of earlier months (truy lĩnh) only"
    failed = "Payment of 05/11/2024 failed; a back payment of 2 earlier month(s) (truy lĩnh): they stay unpaid"
    assert in_vietnamese([("MISSING_PAYMENT", missing), ("PAYMENT_FAILED", failed)]) == [
        "Không có khoản chi thành công nào ghi ngày trong kỳ; chỉ có 1 khoản truy lĩnh của các tháng trước, không "
        "phải khoản chi của kỳ này",
        "Khoản chi ngày 05/11/2024 thất bại; khoản truy lĩnh của 2 tháng trước: các tháng đó vẫn chưa được chi",
    ]


def test_the_months_a_back_payment_paid_are_out_of_the_arrears_and_the_re_issue_list(months, tmp_path):
    # October: Cúc's payment failed, Dũng and Giang were not paid
    assert query(
        months, "SELECT vneid, code FROM flags WHERE period = '2024-10' AND code = 'MISSING_PAYMENT' ORDER BY vneid"
    ) == [(p, "MISSING_PAYMENT") for p in (CUC, DUNG, GIANG, HOA, KHANH)]
    # Dũng is owed November only (his back pay paid October); Cúc's back pay paid October; Giang's
    # back pay fits no month: her October is not settled by it, and November's own payment ends the run
    assert query(months, "SELECT vneid, since_period, months_unpaid, amount_owed FROM arrears ORDER BY vneid") == [
        (DUNG, "2024-11", 1, 2_000_000),
        (KHANH, "2024-10", 2, 4_000_000),  # his back pay of October failed
    ]
    # as of October, Cúc's and Hoa's failed payments are to send again; as of November, Cúc's is paid by
    # her back pay, and Hoa's October is to send once: by her back pay that failed, which November's own
    # payment does not pay (the re-issue list sent nothing: October's money was lost)
    sent = {}
    for period in ("2024-10", "2024-11"):
        out = tmp_path / period
        res = invoke("actions", "--period", period, "--db", str(months), "--out", str(out), "--lang", "en")
        assert res.exit_code == 0, res.output
        with open(out / "reissue_BIDV.csv", encoding="utf-8-sig", newline="") as fh:
            sent[period] = [
                (r["Personal ID"], r["Original payment reference"], r["Amount (VND)"]) for r in csv.DictReader(fh)
            ]
    assert sent == {
        "2024-10": [
            (CUC, "FT20241000201", "2000000"),
            (HOA, "FT20241000206", "2000000"),
            (KHANH, "FT20241000207", "2000000"),
        ],
        # Khánh's October once, as his back pay tried it again; his November's own
        "2024-11": [
            (KHANH, "FT20241100207", "2000000"),
            (HOA, "FT20241100906", "2000000"),
            (KHANH, "FT20241100907", "2000000"),
        ],
    }


# a narrative in a run of 2024-11: the months its back pay names, as YYYY-MM (none when it says no arrears)
NARRATIVES = {
    "Chi truy linh tro cap T9 va T10/2024": ["2024-09", "2024-10"],
    "Truy lĩnh tháng 9,10/2024": ["2024-09", "2024-10"],
    "TRUY LINH T09-T10/2024": ["2024-09", "2024-10"],
    "Truy linh tu thang 7 den thang 10/2024": ["2024-07", "2024-08", "2024-09", "2024-10"],  # a range
    "Truy lĩnh trợ cấp tháng 6 năm 2024": ["2024-06"],
    "truy linh T12/2023 - T01/2024": ["2023-12", "2024-01"],
    "Truy trả T10": ["2024-10"],  # no year: the nearest October
    "truy linh T08-2024": ["2024-08"],  # a month and its year, no range
    "Truy linh T1 T2/2024": ["2024-01", "2024-02"],
    "Chi tra tro cap T10/2024": [],  # no arrears said
    "Truy lĩnh trợ cấp xã hội": [],  # no month named
    "truyen hinh T10/2024": [],
}


def test_the_months_a_back_payment_names_the_run_and_the_views_alike():
    """normalise/macros.sql's macros (the run's, on either engine) and views.sql's copies (the
    database's follow-up views) read the same months from every narrative."""
    with duckdb.connect() as con:
        install(con)
        views = sql_text("views.sql", "reconcile.sql")
        start = views.index("CREATE OR REPLACE MACRO rc_paid_back_mention")
        con.execute(views[start : views.index("\n\n", start)])
        for text, months in NARRATIVES.items():
            (run,) = con.execute(
                "SELECT CASE WHEN rc_arrears_words(lower($t)) THEN coalesce(list_transform(rc_months_named("
                "rc_month_mention(lower($t)), $p), lambda x: printf('%04d-%02d', x // 12, x % 12 + 1)), []) ELSE [] END",
                {"t": text, "p": 2024 * 12 + 11 - 1},
            ).fetchone()
            (stored,) = con.execute(
                "SELECT rc_back_pay_months(a, 2000000, 0) FROM (SELECT 'success' AS status, true AS in_period, "
                "NULL AS repeat_of, $t AS narrative, '2024-11' AS period, $amount AS amount) AS a",
                {"t": text, "amount": 2_000_000 * max(len(run), 1)},
            ).fetchone()
            assert (text, run, stored) == (text, months, months)


def test_a_back_payment_naming_a_month_paid_already_is_named_by_the_run(reconciled):
    """Bình was paid October's 2.000.000 in October, and `Truy linh T10/2024` again in November. The
    findings read November alone and take it for October's; the database knows October was paid: the
    back_pay view says so, and the run says it, with no personal data."""
    db, said = reconciled
    assert query(
        db, "SELECT period, payment_ref, vneid, month, amount, month_was FROM back_pay ORDER BY payment_ref, month"
    ) == [
        ("2024-11", "FT20241100901", CUC, "2024-09", 2_000_000, "not held"),
        ("2024-11", "FT20241100901", CUC, "2024-10", 2_000_000, "unpaid"),
        ("2024-11", "FT20241100902", DUNG, "2024-10", 2_000_000, "unpaid"),
        ("2024-11", "FT20241100905", BINH, "2024-10", 2_000_000, "paid"),
    ]
    assert [line for line in said.splitlines() if "truy lĩnh" in line] == [
        "reconcile: back payments (truy lĩnh) of this period naming months the database holds as paid already: 1 "
        "(2,000,000 VND due for those months), which may be paid twice; see the back_pay view (month_was 'paid'), "
        "and check each with reconcile show"
    ]
    assert BINH not in said


def test_a_back_payment_naming_a_month_not_due_is_named_by_the_run(tmp_path):
    """Ngô Thị Khánh suspended in October's registry and not paid then; reinstated in November and paid
    `Truy linh T10/2024` beside November's own. The back_pay view says October was not due, and nothing
    said so: money paid while suspended, called back pay, was no PAID_WHILE_INACTIVE. The run says it."""
    db = tmp_path / "r.duckdb"
    khanh, payee, account = "001149000309", "NGO THI KHANH", "0123149000309"
    for mm, status in (("10", "Tạm dừng"), ("11", "Đang hưởng")):
        folder = tmp_path / mm
        folder.mkdir()
        registry = REGISTRY + (
            f"1,{khanh},Ngô Thị Khánh,01/03/1949,Nữ,Trợ cấp xã hội,Người cao tuổi từ 80 tuổi,2.000.000,"
            f"Chuyển khoản,BIDV,{account},01,00004,{status},\n"
            f"2,{CUC},Nguyễn Thị Cúc,01/03/1945,Nữ,Trợ cấp xã hội,Người cao tuổi từ 80 tuổi,2.000.000,"
            "Chuyển khoản,BIDV,0123145000201,01,00004,Đang hưởng,\n"
        )
        rows = [(CUC, "NGUYEN THI CUC", "0123145000201", f"FT2024{mm}00201", f"Chi tra tro cap xa hoi T{mm}/2024")]
        if mm == "11":
            rows += [
                (khanh, payee, account, "FT20241100309", "Chi tra tro cap xa hoi T11/2024"),
                (khanh, payee, account, "FT20241100310", "Truy linh T10/2024"),
            ]
        bank = BANK + "".join(
            f'{n},{ref},{who},{name},BIDV,{acct},"2.000.000",05/{mm}/2024,Chuyển khoản,Thành công,{text}\n'
            for n, (who, name, acct, ref, text) in enumerate(rows, start=1)
        )
        (folder / "registry.csv").write_text(registry, encoding="utf-8")
        (folder / "bank.csv").write_text(bank, encoding="utf-8")
        res = invoke("run", "--period", f"2024-{mm}", "--db", str(db), "--registry", str(folder / "registry.csv"),
                     "--payments", str(folder / "bank.csv"), "--partial")  # fmt: skip
        assert res.exit_code in (0, 1), res.output
    assert query(db, "SELECT payment_ref, month, month_was FROM back_pay") == [("FT20241100310", "2024-10", "not due")]
    assert [line for line in res.stderr.splitlines() if "truy lĩnh" in line] == [
        "reconcile: back payments (truy lĩnh) of this period naming months the beneficiary was not due in (not listed "
        "active in the database's registry of that month: suspended, or not yet listed): 1 (2,000,000 VND for those "
        "months), which may be paid though nothing was due; see the back_pay view (month_was 'not due'), and check "
        "each with reconcile show"
    ]
