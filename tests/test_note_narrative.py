"""A post office's cash list has no column of what each payment is for: the officer writes it in
`Ghi chú`, as a back payment (`Truy lĩnh T7-T8/2024`). The note was read for a status alone, so the
back payment was a second payment of the month: a DUPLICATE_PAYMENT and an AMOUNT_MISMATCH, unsaid.
The note is now the narrative too, and still says which rows were not paid (`Chưa nhận`)."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner

from reconcile.cli import cli

REGISTRY = (
    "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã tỉnh,Trạng thái\n"
    "001140012345,Phạm Thị Đức,04/04/1940,Nữ,Trợ cấp xã hội,500.000,Tiền mặt,01,Đang hưởng\n"
    "001038005555,Trần Văn Bình,02/02/1938,Nam,Trợ cấp xã hội,500.000,Tiền mặt,01,Đang hưởng\n"
    "001145007788,Lê Thị Hồng Nhung,03/03/1945,Nữ,Trợ cấp xã hội,500.000,Tiền mặt,01,Đang hưởng\n"
)
POST = (
    "STT,Mã giao dịch,Số CCCD,Họ và tên,Số tiền,Ngày chi trả,Ghi chú\n"
    "1,BD240900001,001140012345,Phạm Thị Đức,500.000,12/09/2024,\n"
    "2,BD240900002,001140012345,Phạm Thị Đức,1.000.000,12/09/2024,Truy lĩnh T7-T8/2024\n"
    "3,BD240900003,001038005555,Trần Văn Bình,500.000,12/09/2024,Nhận thay: con gái\n"
    "4,BD240900004,001145007788,Lê Thị Hồng Nhung,500.000,12/09/2024,Chưa nhận - ốm\n"
)


def test_a_back_payment_written_in_the_note_is_those_months_money(tmp_path):
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / "buu_dien.csv").write_text(POST, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db)]
    args += ["--registry", str(tmp_path / "registry.csv"), "--payments", str(tmp_path / "buu_dien.csv")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT code, vneid FROM flags ORDER BY code, vneid").fetchall() == [
            ("MISSING_PAYMENT", "001145007788"),
            ("PAYMENT_FAILED", "001145007788"),
        ]
        assert con.execute("SELECT payment_ref, status, narrative FROM payments ORDER BY payment_ref").fetchall() == [
            ("BD240900001", "success", None),
            ("BD240900002", "success", "Truy lĩnh T7-T8/2024"),
            ("BD240900003", "success", "Nhận thay: con gái"),
            ("BD240900004", "failed", "Chưa nhận - ốm"),
        ]
