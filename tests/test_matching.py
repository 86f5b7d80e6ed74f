"""Matching and the finer points of the findings, on small hand-made months (period 2024-09)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import write_csv
from reconcile.errors import InputFileError
from reconcile.pipeline import RunConfig, run
from test_rules import PAYMENTS_HEADER, REGISTRY_HEADER


def reg_row(
    vneid, name, dob, gender, program, amount, channel="bank", bank="VBA", account="0011223344", status="active"
):
    return [
        vneid,
        name,
        dob,
        gender,
        program,
        "",
        amount,
        channel,
        bank if channel != "cash" else "",
        account if channel != "cash" else "",
        "01",
        "00004",
        status,
        "",
    ]


def pay_row(
    ref,
    vneid,
    name,
    amount,
    *,
    bank="VBA",
    account="0011223344",
    day="05/09/2024",
    channel="bank",
    status="success",
    program="",
    dob="",
    narrative="",
):
    return [ref, vneid, name, dob, bank, account, amount, day, channel, status, program, narrative]


def reconcile(
    tmp_path: Path,
    registry: list,
    payments: list,
    *,
    reg_name="registry.csv",
    pay_names=("payments.csv",),
    payment_sets=None,
) -> tuple[list, list]:
    reg = write_csv(tmp_path / reg_name, REGISTRY_HEADER, registry)
    pays = [write_csv(tmp_path / n, PAYMENTS_HEADER, rows) for n, rows in zip(pay_names, payment_sets or [payments])]
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=pays, db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, vneid, payment_ref FROM flags ORDER BY ALL").fetchall()
        matches = con.execute("SELECT payment_ref, vneid, program, method FROM matches ORDER BY ALL").fetchall()
    return flags, matches


HUNG = "001087012345"
MAI = "079153000257"


def test_another_family_name_or_no_name_at_all_is_a_name_mismatch(tmp_path):
    registry = [
        reg_row(HUNG, "Vũ Văn Hùng", "12/03/1987", "male", "welfare", "500.000", account="01"),
        reg_row(MAI, "Lê Thị Mai", "01/01/1953", "female", "welfare", "500.000", account="02"),
        reg_row("038046000111", "Nguyễn Văn Thành Công", "05/09/1946", "male", "welfare", "500.000", account="03"),
        reg_row("001190000001", "Phạm Thị Thanh Hương", "05/09/1990", "female", "welfare", "500.000", account="04"),
    ]
    payments = [
        pay_row("P1", HUNG, "VO VAN HUNG", "500000", account="01"),  # Vũ and Võ are different names
        pay_row("P2", MAI, "???", "500000", account="02"),  # no name at all
        pay_row("P3", "038046000111", "NGUYEN VAN THANH", "500000", account="03"),  # a whole, shorter name
        pay_row("P4", "001190000001", "PHAM THI THANH HUON", "500000", account="04"),  # cut inside a word: fine
    ]
    flags, _ = reconcile(tmp_path, registry, payments)
    assert flags == [
        ("NAME_MISMATCH", "001087012345", "P1"),
        ("NAME_MISMATCH", "038046000111", "P3"),
        ("NAME_MISMATCH", "079153000257", "P2"),
    ]


def test_the_same_invalid_id_on_both_sides_is_matched_and_reported_once_per_side(tmp_path):
    registry = [reg_row("123456789", "Trần Văn Bình", "01/01/1950", "male", "pension", "3.000.000")]
    payments = [pay_row("P1", "123456789", "TRAN VAN BINH", "3,000,000", account="999")]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == [("P1", "123456789", "pension", "vneid")]
    assert flags == [
        ("ACCOUNT_MISMATCH", "123456789", "P1"),
        ("INVALID_VNEID", "123456789", "P1"),
        ("INVALID_VNEID", "123456789", None),
    ]


def test_a_bank_named_with_its_branch_or_a_long_bic_is_the_same_bank(tmp_path):
    registry = [
        reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "500.000", bank="Agribank"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "500.000", bank="VCB", account="77"),
    ]
    payments = [
        pay_row("P1", "", "NGUYEN VAN HUNG", "500000", bank="Agribank chi nhánh Hà Tây"),
        pay_row("P2", MAI, "TRAN THI MAI", "500000", bank="BFTVVNVXXXX", account="77"),
    ]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert flags == []
    assert matches == [("P1", HUNG, "welfare", "account"), ("P2", MAI, "welfare", "vneid")]


def test_a_reference_reused_by_a_retry_or_by_another_file_is_no_duplicate(tmp_path):
    registry = [
        reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "500.000"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "500.000", channel="cash"),
    ]
    bank = [
        pay_row("1", HUNG, "NGUYEN VAN HUNG", "500000", status="failed", day="03/09/2024"),
        pay_row("1", HUNG, "NGUYEN VAN HUNG", "500000"),
    ]
    post = [pay_row("1", MAI, "Trần Thị Mai", "500000", bank="", account="", channel="cash")]
    flags, _ = reconcile(tmp_path, registry, [], pay_names=("bank.csv", "post.csv"), payment_sets=[bank, post])
    assert flags == []


def test_a_reference_twice_in_one_file_is_a_duplicate(tmp_path):
    registry = [
        reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "500.000"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "500.000", account="77"),
    ]
    payments = [
        pay_row("1", HUNG, "NGUYEN VAN HUNG", "500000"),
        pay_row("1", MAI, "TRAN THI MAI", "500000", account="77"),
    ]
    flags, _ = reconcile(tmp_path, registry, payments)
    assert flags == [("DUPLICATE_PAYMENT", MAI, "1")]


def test_a_person_in_both_programmes_gets_each_payment_by_the_closest_amount(tmp_path):
    registry = [
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "pension", "5.000.000"),
    ]
    payments = [pay_row("P1", MAI, "TRAN THI MAI", "1,100,000"), pay_row("P2", MAI, "TRAN THI MAI", "5,100,000")]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == [("P1", MAI, "welfare", "vneid"), ("P2", MAI, "pension", "vneid")]
    assert flags == [("AMOUNT_MISMATCH", MAI, "P1"), ("AMOUNT_MISMATCH", MAI, "P2")]


def test_name_and_date_of_birth_find_a_person_of_both_programmes(tmp_path):
    registry = [
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "welfare", "1.000.000", channel="cash"),
        reg_row(MAI, "Trần Thị Mai", "01/01/1953", "female", "pension", "5.000.000", channel="cash"),
    ]
    payments = [
        pay_row("B1", "", "Trần Thị Mai", "5000000", bank="", account="", channel="cash", dob="01/01/1953"),
        pay_row("B2", "", "Trần Thị Mai", "1000000", bank="", account="", channel="cash", dob="01/01/1953"),
    ]
    flags, matches = reconcile(tmp_path, registry, payments)
    assert matches == [("B1", MAI, "pension", "name_dob"), ("B2", MAI, "welfare", "name_dob")]
    assert flags == []


def test_a_year_of_birth_alone_loads_and_is_checked_against_the_id(tmp_path):
    registry = [
        reg_row(HUNG, "Nguyễn Văn Hùng", "1987", "male", "welfare", "500.000"),
        reg_row(MAI, "Trần Thị Mai", "1960", "female", "welfare", "500.000", account="77"),
    ]
    payments = [
        pay_row("P1", HUNG, "NGUYEN VAN HUNG", "500000"),
        pay_row("P2", MAI, "TRAN THI MAI", "500000", account="77"),
    ]
    flags, _ = reconcile(tmp_path, registry, payments)
    assert flags == [("INVALID_VNEID", MAI, None)]  # 079153... says born 1953


def test_evidence_does_not_depend_on_how_paths_are_spelled(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    first = [reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "2.000.000")]
    second = [reg_row(HUNG, "Nguyễn Văn Hùng", "12/03/1987", "male", "welfare", "1.000.000")]
    pays = [pay_row("P1", HUNG, "NGUYEN VAN HUNG", "1000000")]
    results = []
    for spell in (lambda p: p, lambda p: Path("..") / p.parent.name / p.name):
        zreg = write_csv(a / "zreg.csv", REGISTRY_HEADER, first)
        areg = write_csv(a / "areg.csv", REGISTRY_HEADER, second)
        pay = write_csv(b / "pay.csv", PAYMENTS_HEADER, pays)
        db = tmp_path / "r.duckdb"
        import os

        cwd = os.getcwd()
        os.chdir(b)
        try:
            run(RunConfig(period="2024-09", registry=[spell(zreg), areg], payments=[pay], db=db))
        finally:
            os.chdir(cwd)
        with duckdb.connect(str(db), read_only=True) as con:
            results.append(
                con.execute(
                    "SELECT flag_id, code, regexp_extract(source_file, '[^/]+$'), source_row FROM flags ORDER BY ALL"
                ).fetchall()
            )
    assert results[0] == results[1]
    assert [(c, f, r) for _, c, f, r in results[0]] == [("DUPLICATE_BENEFICIARY", "zreg.csv", 2)]


MONTH_LIST = """STT,Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Trạng thái,Ngày mất
1,079055414002,Nguyễn Văn Hùng,21/01/1955,Trợ cấp xã hội,500.000,Chuyển khoản,BIDV,0205380810795,Đang hưởng,
2,001172953893,Trần Thị Hương,17/04/1972,Trợ cấp xã hội,500.000,Chuyển khoản,ICB,0194650323160,Đang hưởng,
3,036148000005,Hoàng Thị Em,02/03/1948,Trợ cấp xã hội,750.000,Chuyển khoản,ICB,0194650323161,Đang hưởng,
"""
REDUCTIONS = """STT,Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Trạng thái,Ngày mất
1,079055414002,Nguyễn Văn Hùng,21/01/1955,Trợ cấp xã hội,500.000,Chuyển khoản,BIDV,0205380810795,Đã chết,20/08/2024
2,001172953893,Trần Thị Hương,17/04/1972,Trợ cấp xã hội,500.000,Chuyển khoản,ICB,0194650323160,Thôi hưởng,
"""
PAID_ALL = """Số tham chiếu,Số định danh,Tên người thụ hưởng,Ngân hàng thụ hưởng,Số tài khoản,Số tiền,Ngày giao dịch,Trạng thái
FT240900001,079055414002,NGUYEN VAN HUNG,BIDV,0205380810795,500.000,02/09/2024,Thành công
FT240900002,001172953893,TRAN THI HUONG,ICB,0194650323160,500.000,03/09/2024,Thành công
FT240900003,036148000005,HOANG THI EM,ICB,0194650323161,750.000,03/09/2024,Thành công
"""


@pytest.mark.parametrize(
    "lists",
    [
        pytest.param({"ds_T9.csv": MONTH_LIST, "giam_T9.csv": REDUCTIONS}, id="reductions-named-after"),
        pytest.param({"ds_T9.csv": MONTH_LIST, "a_giam_T9.csv": REDUCTIONS}, id="reductions-named-before"),
        pytest.param({"ds_T9.csv": MONTH_LIST + REDUCTIONS.split("\n", 1)[1]}, id="in-the-month-s-list"),
    ],
)
def test_a_death_or_an_end_on_a_second_row_of_the_id_is_flagged_whatever_the_file_names(tmp_path, lists):
    """Hùng died on 20/08 and Hương's allowance ended, as a list of reductions (danh sách giảm) says
    beside the month's list, where both are still active; both were paid in September. The death
    and the end were lost when the active row came first (the month's list named first, or the rows
    appended to it): only DUPLICATE_BENEFICIARY, and renaming a file changed the findings."""
    for name, text in lists.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "bank.csv").write_text(PAID_ALL, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[tmp_path / n for n in lists], payments=[tmp_path / "bank.csv"], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, vneid FROM flags WHERE code <> 'DUPLICATE_BENEFICIARY' ORDER BY ALL")
        assert flags.fetchall() == [("PAID_AFTER_DEATH", "079055414002"), ("PAID_WHILE_INACTIVE", "001172953893")]
        due = con.execute("SELECT sum(entitled_amount) FROM registry WHERE is_primary AND status = 'active'")
        assert due.fetchone() == (750000,)  # Em alone is due


def test_a_death_recorded_in_one_programme_counts_for_the_other_s_payments(tmp_path):
    """Hùng is in both programmes; the pension row records his death on 20/08, the welfare row does
    not. September's welfare payment is paid after his death."""
    registry = (
        MONTH_LIST.splitlines()[0]
        + "\n"
        + (
            "1,079055414002,Nguyễn Văn Hùng,21/01/1955,Trợ cấp xã hội,500.000,Chuyển khoản,BIDV,0205380810795,Đang hưởng,\n"
            "2,079055414002,Nguyễn Văn Hùng,21/01/1955,Lương hưu,3.500.000,Chuyển khoản,BIDV,0205380810795,Đã chết,20/08/2024\n"
        )
    )
    (tmp_path / "ds.csv").write_text(registry, encoding="utf-8")
    (tmp_path / "bank.csv").write_text(
        PAID_ALL.splitlines()[0] + "\n" + PAID_ALL.splitlines()[1] + "\n", encoding="utf-8"
    )
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[tmp_path / "ds.csv"], payments=[tmp_path / "bank.csv"], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, program, detail FROM flags ORDER BY ALL").fetchall()
    assert flags == [
        ("PAID_AFTER_DEATH", "welfare", "Paid on 02/09/2024, 13 day(s) after the date of death 20/08/2024"),
    ]


@pytest.mark.parametrize("status", ["Thành công", ""])
def test_a_successful_payment_of_0_vnd_is_no_payment(tmp_path, status):
    """A bank row of 0 VND marked successful (or with no status, which reads as successful) paid
    nothing: it was an AMOUNT_MISMATCH of a beneficiary counted as paid, in the non-cash share and out
    of the arrears. It is rejected, and the beneficiary is MISSING_PAYMENT."""
    (tmp_path / "ds.csv").write_text(MONTH_LIST, encoding="utf-8")
    bank = PAID_ALL.replace("500.000,02/09/2024,Thành công", f"0,02/09/2024,{status}")
    (tmp_path / "bank.csv").write_text(bank, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[tmp_path / "ds.csv"], payments=[tmp_path / "bank.csv"], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT source_row, reason FROM rejected_rows").fetchall() == [
            (
                2,
                "amount is 0 in a successful payment: no money was paid (a payment that did not go through says "
                "so in its status)",
            )
        ]
        assert con.execute("SELECT code, vneid FROM flags").fetchall() == [("MISSING_PAYMENT", "079055414002")]


def test_an_e_wallet_s_number_in_its_international_form_is_the_registered_wallet(tmp_path):
    """A wallet registered as 0912345678 and paid to 84912345678 or `+84 987 654 321` (the mobile
    number's international form) was an ACCOUNT_MISMATCH: the same wallet. Another number still is."""
    header = MONTH_LIST.splitlines()[0]
    (tmp_path / "ds.csv").write_text(
        header.replace("Mã ngân hàng,Số tài khoản", "Mã ngân hàng,Số tài khoản") + "\n"
        "1,079055414002,Nguyễn Văn Hùng,21/01/1955,Trợ cấp xã hội,500.000,Ví điện tử,MOMO,0912345678,Đang hưởng,\n"
        "2,001172953893,Trần Thị Hương,17/04/1972,Trợ cấp xã hội,500.000,Ví điện tử,VIETTELMONEY,0987654321,Đang hưởng,\n"
        "3,036148000005,Hoàng Thị Em,02/03/1948,Trợ cấp xã hội,750.000,Ví điện tử,MOMO,0903111222,Đang hưởng,\n",
        encoding="utf-8",
    )
    (tmp_path / "vi.csv").write_text(
        PAID_ALL.splitlines()[0] + "\n"
        "FT240900001,079055414002,NGUYEN VAN HUNG,MOMO,84912345678,500.000,02/09/2024,Thành công\n"
        "FT240900002,001172953893,TRAN THI HUONG,Viettel Money,+84 987 654 321,500.000,03/09/2024,Thành công\n"
        "FT240900003,036148000005,HOANG THI EM,MoMo,84903111223,750.000,03/09/2024,Thành công\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[tmp_path / "ds.csv"], payments=[tmp_path / "vi.csv"], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid, detail FROM flags").fetchall() == [
            (
                "ACCOUNT_MISMATCH",
                "036148000005",
                "Paid into account ending 1223 at MOMO; the registered account ends 1222 at MOMO",
            ),
        ]


def test_an_e_wallet_payment_with_no_id_is_matched_by_its_number_in_the_international_form(tmp_path):
    """An e-wallet's payout report names no ID and writes each wallet as `84977888999` or `(+84)
    987654321`: matched by account, none matched the registered 0977888999, each an UNKNOWN_PAYEE and
    its beneficiary a MISSING_PAYMENT, the payments under programme `unknown`. Stored as the country
    writes them."""
    header = MONTH_LIST.splitlines()[0]
    (tmp_path / "ds.csv").write_text(
        header + "\n"
        "1,079055414002,Nguyễn Văn Hùng,21/01/1955,Trợ cấp xã hội,500.000,Ví điện tử,MOMO,0977888999,Đang hưởng,\n"
        "2,001172953893,Trần Thị Hương,17/04/1972,Trợ cấp xã hội,500.000,Ví điện tử,ZALOPAY,0987654321,Đang hưởng,\n",
        encoding="utf-8",
    )
    (tmp_path / "vi.csv").write_text(
        "Mã giao dịch,Tên người nhận,Ví nhận,Số ví,Số tiền,Ngày giao dịch,Trạng thái,Kênh chi trả\n"
        "MM1,NGUYEN VAN HUNG,MOMO,84977888999,500.000,02/09/2024,Thành công,Ví điện tử\n"
        "ZP2,TRAN THI HUONG,ZALOPAY,(+84) 987654321,500.000,03/09/2024,Thành công,Ví điện tử\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[tmp_path / "ds.csv"], payments=[tmp_path / "vi.csv"], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code FROM flags").fetchall() == []
        assert con.execute(
            "SELECT p.account_number, m.method, m.vneid FROM payments AS p JOIN matches AS m USING (payment_id) "
            "ORDER BY 1"
        ).fetchall() == [("0977888999", "account", "079055414002"), ("0987654321", "account", "001172953893")]


def test_an_active_row_whose_death_is_before_the_period_is_taken_as_deceased(tmp_path):
    """Em is still `Đang hưởng` but her date of death, 10/08/2024, was written down: she was
    MISSING_PAYMENT, due in the month and in the arrears. Hùng, the same, was paid: PAID_AFTER_DEATH
    either way. A death within the period (Hương, 15/09) leaves the month due."""
    registry = (
        MONTH_LIST.replace("0205380810795,Đang hưởng,", "0205380810795,Đang hưởng,20/08/2024")
        .replace("0194650323160,Đang hưởng,", "0194650323160,Đang hưởng,15/09/2024")
        .replace("0194650323161,Đang hưởng,", "0194650323161,Đang hưởng,10/08/2024")
    )
    (tmp_path / "ds.csv").write_text(registry, encoding="utf-8")
    (tmp_path / "bank.csv").write_text("\n".join(PAID_ALL.splitlines()[:3]) + "\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[tmp_path / "ds.csv"], payments=[tmp_path / "bank.csv"], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid FROM flags ORDER BY ALL").fetchall() == [
            ("PAID_AFTER_DEATH", "079055414002")
        ]
        assert con.execute("SELECT vneid, status FROM registry ORDER BY vneid").fetchall() == [
            ("001172953893", "active"),
            ("036148000005", "deceased"),
            ("079055414002", "deceased"),
        ]
        assert con.execute("SELECT count(*) FROM arrears").fetchone() == (0,)


@pytest.mark.parametrize(("total", "refused"), [("1.250.000", False), ("1.750.000", False), ("1.000.000", True)])
def test_a_registry_s_totals_row_may_sum_its_active_rows_alone(tmp_path, total, refused):
    """A list that still carries a terminated row's amount, its total of the active rows alone
    (1.250.000), was refused as a file with rows cut off; the total of every row agrees too, and a
    total of neither is still refused."""
    registry = (
        MONTH_LIST.replace("0194650323160,Đang hưởng,", "0194650323160,Thôi hưởng,") + f"Tổng cộng,,,,,{total},,,,,\n"
    )
    (tmp_path / "ds.csv").write_text(registry, encoding="utf-8")
    lines = PAID_ALL.splitlines()
    (tmp_path / "bank.csv").write_text("\n".join([lines[0], lines[1], lines[3]]) + "\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    cfg = RunConfig(period="2024-09", registry=[tmp_path / "ds.csv"], payments=[tmp_path / "bank.csv"], db=db)
    if refused:
        with pytest.raises(InputFileError, match=r"its totals row 5 says 1,000,000 VND but 3 rows of 1,750,000 VND"):
            run(cfg)
    else:
        run(cfg)
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT control_amount FROM inputs WHERE role = 'registry'").fetchone()[0] == int(
                total.replace(".", "")
            )


def test_the_arrears_of_a_partial_month_say_so(tmp_path):
    """October run with --partial, the post office's list not given: its 21 people are unpaid as far as
    the run can see, and the arrears listed them as owed, unmarked (21,000,000 VND "owed")."""
    header = MONTH_LIST.splitlines()[0]
    cash = [
        f"{i},0011690{i:05d},Phan Thị Bình {i},10/09/1969,Trợ cấp xã hội,1.000.000,Tiền mặt,,,Đang hưởng,"
        for i in range(1, 22)
    ]
    (tmp_path / "ds.csv").write_text("\n".join([header, MONTH_LIST.splitlines()[1], *cash]) + "\n", encoding="utf-8")
    (tmp_path / "bank.csv").write_text("\n".join(PAID_ALL.splitlines()[:2]) + "\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    cfg = RunConfig(period="2024-09", registry=[tmp_path / "ds.csv"], payments=[tmp_path / "bank.csv"], db=db)
    cfg.partial = True
    run(cfg)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), sum(amount_owed), bool_and(partial) FROM arrears").fetchone() == (
            21,
            21_000_000,
            True,
        )


def test_a_couple_s_account_paid_without_ids_is_matched_to_the_spouse_the_payee_name_is(tmp_path):
    """Nguyễn Văn An and his wife Trần Thị Bình receive their assistance in one Agribank account; the
    bank's file gives no ID, each row the spouse's name. The account is registered to two people, so
    neither was matched: two UNKNOWN_PAYEE (`account and name matched no beneficiary`), two
    MISSING_PAYMENT, and a warning that Agribank's file may be missing. Each is matched by the account
    to the one of its holders whose name is the payee's. A third row in the account under a name of
    neither is no one's."""
    account = "0012345678901"
    an = reg_row("001050012345", "Nguyễn Văn An", "05/09/1950", "male", "welfare", "500.000", account=account)
    binh = reg_row("001150012346", "Trần Thị Bình", "01/01/1950", "female", "welfare", "500.000", account=account)
    flags, matches = reconcile(
        tmp_path,
        [an, binh],
        [
            pay_row("FT001", "", "TRAN THI BINH", "500.000", account=account),
            pay_row("FT002", "", "NGUYEN VAN AN", "500.000", account=account),
            pay_row("FT003", "", "LE VAN CUONG", "500.000", account=account),
        ],
    )
    assert matches == [
        ("FT001", "001150012346", "welfare", "account"),
        ("FT002", "001050012345", "welfare", "account"),
    ]
    # three payees in one account: SHARED_ACCOUNT, as it is for any account (threshold 3)
    assert flags == [
        ("SHARED_ACCOUNT", "001050012345", "FT002"),
        ("SHARED_ACCOUNT", "001150012346", "FT001"),
        ("SHARED_ACCOUNT", None, "FT003"),
        ("UNKNOWN_PAYEE", None, "FT003"),
    ]


def test_a_couple_s_account_tells_the_spouses_apart_when_only_one_payment_has_no_id(tmp_path):
    """Her row gives her ID, his none: the names the month's payments into the account give, with an
    ID or without, are two, and his is matched to him; counted among those without an ID alone, his one
    name told no one apart (a false UNKNOWN_PAYEE and MISSING_PAYMENT)."""
    account = "0012345678901"
    an = reg_row("001050012345", "Nguyễn Văn An", "05/09/1950", "male", "welfare", "500.000", account=account)
    binh = reg_row("001150012346", "Trần Thị Bình", "01/01/1950", "female", "welfare", "500.000", account=account)
    flags, matches = reconcile(
        tmp_path,
        [an, binh],
        [
            pay_row("FT001", "001150012346", "TRAN THI BINH", "500.000", account=account),
            pay_row("FT002", "", "NGUYEN VAN AN", "500.000", account=account),
        ],
    )
    assert matches == [
        ("FT001", "001150012346", "welfare", "vneid"),
        ("FT002", "001050012345", "welfare", "account"),
    ]
    assert flags == []
