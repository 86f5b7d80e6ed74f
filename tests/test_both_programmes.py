"""A person listed in both programmes (trợ cấp xã hội and lương hưu) with the same amount due in
each, and paid once for each: each payment goes to one programme, none is a second payment of the
other. Both payments went to one programme (the first by name), giving a DUPLICATE_PAYMENT and an
AMOUNT_MISMATCH there and a MISSING_PAYMENT in the other, even where the payment said `luong huu`."""

from __future__ import annotations

import duckdb
import pytest

from conftest import reconciled

LE = "001153012345"  # Đặng Thị Lệ, born 1953, in both programmes: 1.500.000 due in each
HUNG = "079055414002"  # Nguyễn Văn Hùng, welfare alone

REGISTRY = """STT,Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,Trạng thái
1,001153012345,Đặng Thị Lệ,14/02/1953,Trợ cấp xã hội,1.500.000,Chuyển khoản,Agribank,0012100456789,Đang hưởng
2,001153012345,Đặng Thị Lệ,14/02/1953,Lương hưu,1.500.000,Chuyển khoản,Agribank,0012100456789,Đang hưởng
3,079055414002,Nguyễn Văn Hùng,21/01/1955,Trợ cấp xã hội,500.000,Chuyển khoản,BIDV,0205380810795,Đang hưởng
"""
HEADER = (
    "Số tham chiếu,Số định danh,Tên người thụ hưởng,Ngân hàng thụ hưởng,Số tài khoản,Số tiền,Ngày giao dịch,Trạng thái"
)
HUNG_PAID = f"FT24090000001,{HUNG},NGUYEN VAN HUNG,BIDV,0205380810795,500.000,02/09/2024,Thành công"


def paid(le_rows: list[str], *, programme_column: bool = False, ids: bool = True) -> str:
    """A bank's September file: Hùng's payment, then Lệ's, given as `reference,date,programme,narrative`
    and a status when not `Thành công` (with her ID, or with none: found by her account)."""
    lines = [
        HEADER + (",Chế độ" if programme_column else "") + ",Nội dung",
        HUNG_PAID + ("," if programme_column else "") + ",Chi tra tro cap T09/2024",
    ]
    for row in le_rows:
        ref, day, programme, narrative, status = (row + ",Thành công").split(",")[:5]
        cells = [ref, LE if ids else "", "DANG THI LE", "VBA", "0012100456789", "1.500.000", day, status]
        lines.append(",".join(cells + ([programme] if programme_column else []) + [narrative]))
    return "\n".join(lines) + "\n"


def run_month(tmp_path, payments: str) -> tuple[list, list]:
    (tmp_path / "bank.csv").write_text(payments, encoding="utf-8")
    db = reconciled(tmp_path, REGISTRY, tmp_path / "bank.csv")
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, program, payment_ref FROM flags ORDER BY ALL").fetchall()
        matches = con.execute(
            "SELECT m.payment_ref, r.program FROM matches AS m JOIN registry AS r USING (period, registry_id) "
            "WHERE r.vneid = ? ORDER BY ALL",
            [LE],
        ).fetchall()
    return flags, matches


@pytest.mark.parametrize(
    ("rows", "options", "expected"),
    [
        pytest.param(
            ["FT24090000002,05/09/2024,,Chi tra T09/2024", "FT24090000003,05/09/2024,,Chi tra T09/2024"],
            {},
            [("FT24090000002", "pension"), ("FT24090000003", "welfare")],
            id="neither-says-one-each-by-order",
        ),
        pytest.param(
            ["FT24090000002,05/09/2024,,Chi tra T09/2024", "FT24090000003,05/09/2024,,Chi tra T09/2024"],
            {"ids": False},
            [("FT24090000002", "pension"), ("FT24090000003", "welfare")],
            id="neither-says-matched-by-account",
        ),
        pytest.param(
            [
                "FT24090000002,05/09/2024,,Chi tra tro cap xa hoi T09/2024",
                "FT24090000003,06/09/2024,,BHXH chi luong huu T09/2024",
            ],
            {},
            [("FT24090000002", "welfare"), ("FT24090000003", "pension")],
            id="narratives-say-both",
        ),
        pytest.param(
            ["FT24090000002,05/09/2024,,Chi tra T09/2024", "FT24090000003,06/09/2024,,Chi trả lương hưu tháng 9/2024"],
            {},
            [("FT24090000002", "welfare"), ("FT24090000003", "pension")],
            id="narrative-of-the-later-says-luong-huu",
        ),
        pytest.param(
            ["FT24090000002,05/09/2024,,Chi tra T09/2024", "FT24090000003,06/09/2024,Lương hưu,Chi tra T09/2024"],
            {"programme_column": True},
            [("FT24090000002", "welfare"), ("FT24090000003", "pension")],
            id="programme-column-of-the-later-says-luong-huu",
        ),
    ],
)
def test_two_payments_for_two_equal_entitlements_go_one_to_each_programme(tmp_path, rows, options, expected):
    flags, matches = run_month(tmp_path, paid(rows, **options))
    assert matches == expected
    assert flags == []


def test_a_third_payment_is_a_second_payment_of_the_first_programme(tmp_path):
    rows = [f"FT2409000000{n},0{n}/09/2024,,Chi tra T09/2024" for n in (2, 3, 4)]
    flags, matches = run_month(tmp_path, paid(rows))
    assert matches == [("FT24090000002", "pension"), ("FT24090000003", "welfare"), ("FT24090000004", "pension")]
    assert flags == [("AMOUNT_MISMATCH", "pension", "FT24090000002"), ("DUPLICATE_PAYMENT", "pension", "FT24090000004")]


def test_a_failed_payment_takes_no_programme_from_the_successful_ones(tmp_path):
    """The second of three fails and the third is its retry: the two successful payments are one for
    each programme. The failed one is shared out apart from them: taken in turn with them, it would
    have been the welfare's, and the retry a second pension."""
    rows = [
        "FT24090000002,02/09/2024,,Chi tra T09/2024",
        "FT24090000003,03/09/2024,,Chi tra T09/2024,Thất bại",
        "FT24090000004,04/09/2024,,Chi tra T09/2024",
    ]
    flags, matches = run_month(tmp_path, paid(rows))
    assert matches == [("FT24090000002", "pension"), ("FT24090000003", "pension"), ("FT24090000004", "welfare")]
    assert flags == []


def test_a_narrative_s_programme_decides_over_the_amount(tmp_path):
    """Lệ's pension is 3.000.000; a payment of 1.500.000 saying `luong huu` is a pension paid short,
    not her welfare, which is missing."""
    registry = REGISTRY.replace("Lương hưu,1.500.000", "Lương hưu,3.000.000")
    (tmp_path / "bank.csv").write_text(paid(["FT24090000002,05/09/2024,,Chi tra luong huu T09/2024"]), encoding="utf-8")
    db = reconciled(tmp_path, registry, tmp_path / "bank.csv")
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, program, payment_ref FROM flags ORDER BY ALL").fetchall()
    assert flags == [("AMOUNT_MISMATCH", "pension", "FT24090000002"), ("MISSING_PAYMENT", "welfare", None)]


def test_a_payment_listed_again_in_another_file_stays_with_its_programme(tmp_path):
    """The bank's supplementary list of nine others repeats Lệ's first payment (the same reference,
    amount and payee): that row is the same payment again, a DUPLICATE_PAYMENT of the programme its
    first listing paid. It takes no programme of its own: shared out with hers, it would have left
    the second payment a second pension and her welfare missing."""
    others = [(f"0790554140{10 + i}", f"02053808107{10 + i}") for i in range(9)]
    registry = REGISTRY + "".join(
        f"{4 + i},{vneid},Trần Văn Bình,21/01/1955,Trợ cấp xã hội,500.000,Chuyển khoản,BIDV,{account},Đang hưởng\n"
        for i, (vneid, account) in enumerate(others)
    )
    rows = ["FT24090000002,05/09/2024,,Chi tra T09/2024", "FT24090000003,05/09/2024,,Chi tra T09/2024"]
    (tmp_path / "bank.csv").write_text(paid(rows), encoding="utf-8")
    again = [
        f"FT2409000011{i},{vneid},TRAN VAN BINH,BIDV,{account},500.000,06/09/2024,Thành công,Chi tra bo sung"
        for i, (vneid, account) in enumerate(others)
    ] + [f"FT24090000002,{LE},DANG THI LE,VBA,0012100456789,1.500.000,05/09/2024,Thành công,Chi tra T09/2024"]
    (tmp_path / "bank_again.csv").write_text(HEADER + ",Nội dung\n" + "\n".join(again) + "\n", encoding="utf-8")
    db = reconciled(tmp_path, registry, [tmp_path / "bank.csv", tmp_path / "bank_again.csv"])
    with duckdb.connect(str(db), read_only=True) as con:
        flags = con.execute("SELECT code, program, payment_ref, source_file FROM flags ORDER BY ALL").fetchall()
        matches = con.execute(
            "SELECT m.payment_ref, r.program, parse_filename(p.source_file), p.repeat_of IS NOT NULL "
            "FROM matches AS m JOIN registry AS r USING (period, registry_id) JOIN payments AS p USING (period, payment_id) "
            "WHERE r.vneid = ? ORDER BY ALL",
            [LE],
        ).fetchall()
    assert matches == [
        ("FT24090000002", "pension", "bank.csv", False),
        ("FT24090000002", "pension", "bank_again.csv", True),
        ("FT24090000003", "welfare", "bank.csv", False),
    ]
    assert flags == [("DUPLICATE_PAYMENT", "pension", "FT24090000002", str(tmp_path / "bank_again.csv"))]
