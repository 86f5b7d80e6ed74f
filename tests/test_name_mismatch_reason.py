"""NAME_MISMATCH whose similarity passes the threshold fails on the family name or the given name
(`NGUYEN VAN ANH` for Nguyễn Văn An; `VO VAN HUNG` for Vũ Văn Hùng). Its detail said `similarity 0.99,
threshold 0.92` and nothing more, which reads as names that match, inviting the auditor to close a
finding as a false positive: it says which name differs, in English and in Vietnamese."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.report.details import in_vietnamese

REGISTRY = """vneid,full_name,program,entitled_amount,channel,bank_code,account_number,status
001096012304,Nguyễn Văn An,welfare,500.000,bank,VBA,0000000000001,active
001096012305,Vũ Văn Hùng,welfare,500.000,bank,VBA,0000000000002,active
001096012306,Trần Thị Mai,welfare,500.000,bank,VBA,0000000000003,active
"""
PAYMENTS = """payment_ref,vneid,payee_name,bank_code,account_number,amount,value_date,channel
FT1,001096012304,NGUYEN VAN ANH,VBA,0000000000001,500.000,05/09/2024,bank
FT2,001096012305,VO VAN HUNG,VBA,0000000000002,500.000,05/09/2024,bank
FT3,001096012306,PHAM VAN LONG,VBA,0000000000003,500.000,05/09/2024,bank
"""


def test_a_name_mismatch_above_the_similarity_threshold_says_which_name_differs(tmp_path):
    (tmp_path / "reg.csv").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / "pay.csv").write_text(PAYMENTS, encoding="utf-8")
    db = tmp_path / "t.duckdb"
    res = CliRunner().invoke(
        cli,
        ["--lang", "en", "run", "--period", "2024-09", "--registry", str(tmp_path / "reg.csv"),
         "--payments", str(tmp_path / "pay.csv"), "--db", str(db)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT code, detail FROM flags ORDER BY payment_ref").fetchall()
    assert found == [
        ("NAME_MISMATCH", "Payee name does not match the registry name (given name differs, similarity 0.99, threshold 0.92)"),
        ("NAME_MISMATCH", "Payee name does not match the registry name (family name differs, similarity 0.95, threshold 0.92)"),
        # below the threshold the similarity says it
        ("NAME_MISMATCH", "Payee name does not match the registry name (similarity 0.54, threshold 0.92)"),
    ]  # fmt: skip
    assert in_vietnamese(found) == [
        "Tên người nhận không khớp với tên trong danh sách (khác tên, độ tương đồng 0,99, ngưỡng 0,92)",
        "Tên người nhận không khớp với tên trong danh sách (khác họ, độ tương đồng 0,95, ngưỡng 0,92)",
        "Tên người nhận không khớp với tên trong danh sách (độ tương đồng 0,54, ngưỡng 0,92)",
    ]
