"""Money recorded on a case, weighed against a re-run that takes some of its money away: the run names
the case only when what was recorded no longer fits within the money of the months it was decided on
(cases/refresh.py's settled_money_taken). Two welfare beneficiaries who died in August, each paid
2,000,000 VND in September and again in October; the bank's corrected September file lowers both."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import typed_into
from reconcile import messages
from test_cases import invoke, query, run_month
from test_cases_money import AMOUNT

REGISTRY = (
    "STT,Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Đối tượng,Số tiền hưởng,Hình thức chi trả,"
    "Mã ngân hàng,Số tài khoản,Mã tỉnh,Mã xã,Trạng thái,Ngày mất\n"
)
BANK = (
    "STT,Số tham chiếu,Số định danh,Tên người thụ hưởng,Ngân hàng thụ hưởng,Số tài khoản,Số tiền,Ngày giao dịch,"
    "Kênh chi trả,Trạng thái,Nội dung\n"
)
# (ID, name, the bank's payee, date of death)
PEOPLE = (
    ("001145000101", "Nguyễn Thị Ân", "NGUYEN THI AN", "15/08/2024"),
    ("001145000102", "Trần Văn Bình", "TRAN VAN BINH", "20/08/2024"),
    ("001145000103", "Lê Thị Cúc", "LE THI CUC", ""),
    ("001145000104", "Phạm Văn Dũng", "PHAM VAN DUNG", ""),
    ("001145000105", "Đỗ Thị Giang", "DO THI GIANG", ""),
)
FITS, GONE = PEOPLE[0][0], PEOPLE[1][0]  # lowered to 1,500,000 and to 300,000


def month(folder: Path, mm: str, paid: dict[str, str] | None = None) -> dict[str, list[Path]]:
    """The month's registry and bank file: everyone due 2.000.000 and paid it on the 5th, unless `paid` says."""
    folder.mkdir()
    registry, bank = REGISTRY, BANK
    for n, (vneid, name, payee, died) in enumerate(PEOPLE, start=1):
        account = f"0123{vneid[-9:]}"
        registry += (
            f"{n},{vneid},{name},0{n}/03/1945,Nữ,Trợ cấp xã hội,Người cao tuổi từ 80 tuổi,2.000.000,Chuyển khoản,"
            f"BIDV,{account},01,00004,Đang hưởng,{died}\n"
        )
        amount = (paid or {}).get(vneid, "2,000,000")
        bank += (
            f'{n},FT2024{mm}00{vneid[-3:]},{vneid},{payee},BIDV,{account},"{amount}",05/{mm}/2024,Chuyển khoản,'
            f"Thành công,Chi tra tro cap xa hoi T{mm}/2024\n"
        )
    (folder / "registry.csv").write_text(registry, encoding="utf-8-sig")
    (folder / "bank.csv").write_text(bank, encoding="utf-8-sig")
    return {"registry": [folder / "registry.csv"], "payments": [folder / "bank.csv"]}


@pytest.fixture()
def decided(tmp_path) -> tuple[Path, dict[str, str]]:
    """September reconciled, 500,000 recorded as recovered on each overpayment from September's book,
    then October reconciled (paid again: 4,000,000 at stake each). The database and the case ids by ID."""
    db = tmp_path / "r.duckdb"
    assert run_month(db, "2024-09", month(tmp_path / "09", "09")).exit_code == 0
    cases = dict(query(db, "SELECT vneid, case_id FROM cases WHERE code = 'PAID_AFTER_DEATH' ORDER BY vneid"))
    assert sorted(cases) == [FITS, GONE]
    written = tmp_path / "book.written.xlsx"
    assert (
        invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(written), "--lang", "en").exit_code
        == 0
    )
    book = tmp_path / "book.xlsx"
    typed_into(written, book, "Findings", cases[FITS], Status="recovery", **{AMOUNT: 500_000})
    typed_into(book, book, "Findings", cases[GONE], Status="recovery", **{AMOUNT: 500_000})
    assert invoke("review", "import", str(book), "--db", str(db), "--by", "Lan").exit_code == 0
    assert run_month(db, "2024-10", month(tmp_path / "10", "10")).exit_code == 0
    return db, cases


def test_a_re_run_lowering_a_payment_names_the_case_only_when_what_was_recorded_no_longer_fits(decided, tmp_path):
    """September run again with the bank's corrected file: her payment was 1,500,000, his 300,000. The
    500,000 recovered from her family still fits within her September overpayment, and the run said it
    now counted against her other payments, which may be another month's money nobody decided on:
    false advice. His 500,000 no longer fits within September's 300,000; 200,000 of it now covers
    October's payment, which nobody decided on: the run names his case, and his only."""
    db, cases = decided
    corrected = month(tmp_path / "09-corrected", "09", {FITS: "1,500,000", GONE: "300,000"})
    res = run_month(db, "2024-09", corrected)
    assert res.exit_code == 0, res.output
    assert query(
        db,
        "SELECT vneid, overpaid, recovered, outstanding FROM recoveries JOIN cases USING (case_id, vneid) "
        "ORDER BY vneid",
    ) == [(FITS, 3_500_000, 500_000, 3_000_000), (GONE, 2_300_000, 500_000, 1_800_000)]
    said = [line for line in res.stderr.splitlines() if "this re-run took" in line]
    assert said == [
        f"reconcile: case {cases[GONE]}: this re-run took 1,700,000 VND away from its findings, while 500,000 VND "
        "recorded as recovered or written off stays and now counts against its other payments, which may be "
        "another month's money nobody decided on; look into its decisions (reconcile case)"
    ]


def test_a_removal_says_what_it_did_to_the_money_decisions_recorded(sample_month, october, tmp_path):
    """September's workbook, written after October was reconciled: 250,000 recovered from the family of
    the welfare beneficiary paid after her death (1,000,000 a month), 1,000,000 from the pensioner's
    (paid 8,158,000 in September only), 2,000,000 on the welfare beneficiary paid while suspended
    (1,500,000 a month). Then September is removed, reconciled by mistake. The removal said nothing:
    the 250,000 now covered October's payment, which nobody decided on; the pensioner's 1,000,000 was
    on no finding left, in no recovery; the 2,000,000 was more than the 1,500,000 left overpaid. A
    re-run would have said each; the removal says them too."""
    from conftest import copy_of

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    assert run_month(db, "2024-10", october).exit_code == 0
    cases = dict(
        query(
            db,
            "SELECT vneid, case_id FROM cases WHERE code IN ('PAID_AFTER_DEATH', 'PAID_WHILE_INACTIVE') "
            "AND program = 'welfare' OR code = 'PAID_AFTER_DEATH' AND program = 'pension'",
        )
    )
    dead, pensioner, suspended = cases["038149030489"], cases["079152439908"], cases["001034742441"]
    written = tmp_path / "t9.written.xlsx"
    res = invoke("report", "--period", "2024-09", "--db", str(db), "--report", str(written), "--lang", "en")
    assert res.exit_code == 0, res.output
    book = tmp_path / "t9.xlsx"
    typed_into(written, book, "Findings", dead, Status="recovery", **{AMOUNT: 250_000})
    typed_into(book, book, "Findings", pensioner, Status="recovery", **{AMOUNT: 1_000_000})
    typed_into(book, book, "Findings", suspended, Status="recovery", **{AMOUNT: 2_000_000})
    assert invoke("review", "import", str(book), "--db", str(db), "--by", "Lan").exit_code == 0

    res = invoke("delete", "--period", "2024-09", "--db", str(db), "--by", "Hùng", "--reason", "nhầm tháng", "--yes")
    assert res.exit_code == 0, res.output
    assert query(
        db,
        "SELECT case_id, overpaid, recovered, outstanding, excess FROM recoveries WHERE case_id IN (?, ?, ?) "
        "ORDER BY overpaid",
        [dead, pensioner, suspended],
    ) == [(dead, 1_000_000, 250_000, 750_000, 0), (suspended, 1_500_000, 2_000_000, 0, 500_000)]
    said = [line for line in res.stderr.splitlines() if line.startswith("reconcile: ") and "removed period" not in line]
    assert said == [
        f"reconcile: case {dead}: this removal took 1,000,000 VND away from its findings, while 250,000 VND "
        "recorded as recovered or written off stays and now counts against its other payments, which may be "
        "another month's money nobody decided on; look into its decisions (reconcile case)",
        "reconcile: 1 case has more recovered and written off than was overpaid, since a re-run or a removal took "
        "away what was overpaid; see the excess column of the recoveries view, and look into their decisions",
        "reconcile: 1 case has money recorded as recovered or written off but no finding left in any period the "
        "database holds (a re-run or a removal took them away, or the ID was corrected since): that money counts in "
        "no recovery; reconcile cases shows them with 0 periods flagged: enter it on the case that flags the "
        "overpayment now",
    ]
    assert messages.translate(said[0], "vi").startswith(f"reconcile: vụ việc {dead}: lần xóa kỳ này đã loại")
    assert messages.translate(said[1], "vi").startswith("reconcile: 1 vụ việc có số đã thu hồi và xóa nợ lớn hơn")
