"""Under --mask-ids a DUPLICATE_PAYMENT's detail names the first payment's reference masked as the
payment_ref column is, however few digits it holds (`the first is CT-A0005-XYZ in bank.csv` showed the
reference whole: only runs of nine digits or more were masked in free text)."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import reconciled
from reconcile.cli import cli

REGISTRY = (
    "Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã ngân hàng,Số tài khoản,"
    "Mã tỉnh,Mã xã,Trạng thái\n"
    "001145000101,Nguyễn Thị Ân,05/03/1945,Trợ cấp xã hội,2.000.000,Chuyển khoản,BIDV,0123145000101,01,00004,Đang hưởng\n"
    "001145000102,Trần Văn Bình,06/03/1945,Trợ cấp xã hội,2.000.000,Chuyển khoản,BIDV,0123145000102,01,00004,Đang hưởng\n"
)
BANK = (
    "Số tham chiếu,Số định danh,Tên người thụ hưởng,Ngân hàng thụ hưởng,Số tài khoản,Số tiền,Ngày giao dịch,"
    "Kênh chi trả,Trạng thái\n"
    'CT-A0005-XYZ,001145000101,NGUYEN THI AN,BIDV,0123145000101,"2,000,000",05/09/2024,Chuyển khoản,Thành công\n'
    'CT-A0007-XYZ,001145000101,NGUYEN THI AN,BIDV,0123145000101,"2,000,000",06/09/2024,Chuyển khoản,Thành công\n'
    'CT-B0001-XYZ,001145000102,TRAN VAN BINH,BIDV,0123145000102,"2,000,000",05/09/2024,Chuyển khoản,Thành công\n'
)
DETAIL = "Payment 2 of 2 successful to this beneficiary in the period; the first is {} in bank.csv"


def report(db, lang: str, *outputs: str):
    res = CliRunner().invoke(
        cli, ["report", "--period", "2024-09", "--db", str(db), "--mask-ids", "--lang", lang, *outputs]
    )
    assert res.exit_code == 0, res.output


def test_a_duplicate_s_detail_names_the_first_reference_masked_as_its_column(tmp_path):
    bank = tmp_path / "bank.csv"
    bank.write_text(BANK, encoding="utf-8-sig")
    db = reconciled(tmp_path, REGISTRY, bank)
    out = tmp_path / "out"
    out.mkdir()
    report(db, "en", "--report", str(out / "r.xlsx"), "--export", str(out / "export"))
    flags = pl.read_csv(out / "export" / "flags_2024-09.csv", infer_schema=False).filter(
        pl.col("code") == "DUPLICATE_PAYMENT"
    )
    assert flags.select("payment_ref", "detail").rows() == [("********-XYZ", DETAIL.format("********-XYZ"))]
    sheet = load_workbook(out / "r.xlsx", read_only=True)["Findings"]
    texts = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert DETAIL.format("********-XYZ") in texts
    assert not [t for t in texts if "A0005" in t or "A0007" in t]
    res = CliRunner().invoke(cli, ["flags", "--db", str(db), "--mask-ids", "--format", "csv"])
    assert res.exit_code == 0 and DETAIL.format("********-XYZ") in res.stdout
    assert "A0005" not in res.stdout and "A0007" not in res.stdout
    # in Vietnamese, translated from the masked detail
    report(db, "vi", "--report", str(out / "vi.xlsx"))
    book = load_workbook(out / "vi.xlsx", read_only=True)
    texts = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert [t for t in texts if "khoản đầu tiên là ********-XYZ trong bank.csv" in t]
    assert not [t for t in texts if "A0005" in t or "A0007" in t]
    # unmasked, the database and the plain report keep it whole
    res = CliRunner().invoke(cli, ["flags", "--db", str(db), "--format", "csv"])
    assert DETAIL.format("CT-A0005-XYZ") in res.stdout
