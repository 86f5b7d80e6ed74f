"""A column whose header the built-in names do not know, but whose values say what it is (`Tình
trạng GD: Thất bại`, `Phương thức thanh toán: Tiền mặt`, `TT hưởng: Tạm dừng`), and a commune's
registry whose status is written in its note (`Ghi chú: Đã chết ngày 17/08/2024`). Left unread, the
month passed clean with exit 0: failed transfers paid, cash payouts non-cash, the dead and the
suspended active. Each is now read as the column its values are, and the month's findings are those
of the file with the header the run knows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.sample import write_sample_month


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("by_values") / "m"
    write_sample_month(folder)
    return folder


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _renamed(source: Path, target: Path, old: str, new: str) -> Path:
    rows = _rows(source)
    rows[0] = [new if h == old else h for h in rows[0]]
    assert new in rows[0]
    return _write(target, rows)


def _flags(month: Path, db: Path, registry: Path, bank: Path) -> list[tuple]:
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db), "--registry", str(registry)]
    args += ["--payments", str(bank), "--payments", str(month / "post_office_cash.xlsx")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT code, vneid, payment_ref, paid_amount FROM flags ORDER BY code, vneid, payment_ref"
        ).fetchall()


@pytest.fixture(scope="module")
def baseline(month, tmp_path_factory) -> list[tuple]:
    db = tmp_path_factory.mktemp("baseline") / "b.duckdb"
    return _flags(month, db, month / "registry.csv", month / "bank_transfers.csv")


@pytest.mark.parametrize("header", ["Tình trạng GD", "TT giao dịch", "Tình trạng chuyển tiền"])
def test_a_status_column_under_a_header_no_profile_names_is_read_by_its_values(month, baseline, tmp_path, header):
    bank = _renamed(month / "bank_transfers.csv", tmp_path / "bank.csv", "Trạng thái", header)
    flags = _flags(month, tmp_path / "r.duckdb", month / "registry.csv", bank)
    assert flags == baseline
    assert [f[2] for f in flags if f[0] == "PAYMENT_FAILED"] == ["FT20240900028"]
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:  # the bank's Thất bại and Hoàn trả
        assert con.execute(
            "SELECT payment_ref, status FROM payments WHERE status <> 'success' ORDER BY payment_ref"
        ).fetchall() == [("FT20240900006", "failed"), ("FT20240900028", "returned")]
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(bank), "--as", "payments"])
    assert f"status from '{header}' (its values are payment statuses: Thành công, Thất bại, Hoàn trả)" in res.output


def test_a_channel_column_under_a_header_no_profile_names_is_read_by_its_values(month, tmp_path):
    rows = _rows(month / "bank_transfers.csv")
    head = rows[0]
    channel, status, program = head.index("Kênh chi trả"), head.index("Trạng thái"), head.index("Nội dung")
    cash = 0
    for row in rows[1:]:  # five welfare payouts made in cash at the counter
        if cash < 5 and row[status] == "Thành công" and row[channel] == "Chuyển khoản" and "tro cap" in row[program]:
            row[channel], cash = "Tiền mặt", cash + 1
    assert cash == 5
    known = _write(tmp_path / "known.csv", rows)
    rows[0] = [("Phương thức thanh toán" if i == channel else h) for i, h in enumerate(head)]
    renamed = _write(tmp_path / "renamed.csv", rows)
    expected = _flags(month, tmp_path / "a.duckdb", month / "registry.csv", known)
    assert sum(f[0] == "CASH_DESPITE_ACCOUNT" for f in expected) == 5
    assert _flags(month, tmp_path / "b.duckdb", month / "registry.csv", renamed) == expected
    with duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT channel, count(*) FROM payments WHERE source_file LIKE '%renamed.csv' GROUP BY 1 ORDER BY 1"
        ).fetchall() == [("bank", 283), ("cash", 5), ("ewallet", 6)]


def test_a_registry_status_under_a_header_no_profile_names_is_read_by_its_values(month, baseline, tmp_path):
    registry = _renamed(month / "registry.csv", tmp_path / "registry.csv", "Trạng thái", "TT hưởng")
    assert _flags(month, tmp_path / "r.duckdb", registry, month / "bank_transfers.csv") == baseline


def test_a_free_text_column_is_not_taken_for_a_status(month, tmp_path):
    """A column of notes or free text (more distinct values than a column of categories) is not read as a
    status, whatever words it holds: the file with it reads as the file without it."""
    rows = _rows(month / "bank_transfers.csv")
    rows[0].append("Diễn giải thêm")
    for i, row in enumerate(rows[1:]):
        row.append(f"Thất bại lần {i}" if i < 40 else "")
    bank = _write(tmp_path / "bank.csv", rows)
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(bank), "--as", "payments"])
    assert "from 'Diễn giải thêm'" not in res.output
    assert "status from" not in res.output


def test_a_registry_note_gives_the_status_and_the_date_of_death(tmp_path):
    registry = (
        "STT,Số CCCD/CMND,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã tỉnh,Ghi chú\n"
        "1,001140012345,Phạm Thị Đức,04/04/1940,Trợ cấp xã hội,500.000,Tiền mặt,01,Đã chết ngày 17/08/2024\n"
        "2,001038005555,Trần Văn Bình,02/02/1938,Trợ cấp xã hội,500.000,Tiền mặt,01,Tạm dừng\n"
        "3,001145007788,Lê Thị Hồng Nhung,03/03/1945,Trợ cấp xã hội,500.000,Tiền mặt,01,Chuyển đi nơi khác\n"
        "4,001150001234,Nguyễn Văn An,05/05/1950,Trợ cấp xã hội,500.000,Tiền mặt,01,Mất sức lao động\n"
        "5,001151004321,Hoàng Thị Lan,06/06/1951,Trợ cấp xã hội,500.000,Tiền mặt,01,\n"
        # someone else's death or a step not yet taken: an orphan, a widow, a proposal
        "6,001215006789,Đỗ Minh Khang,07/07/2015,Trợ cấp xã hội,500.000,Tiền mặt,01,Bố mẹ đã mất\n"
        "7,001152002468,Vũ Thị Hoa,08/08/1952,Trợ cấp xã hội,500.000,Tiền mặt,01,Chồng đã chết ngày 12/03/2020\n"
        "8,001153001357,Đặng Văn Tú,09/09/1953,Trợ cấp xã hội,500.000,Tiền mặt,01,Đề nghị tạm dừng\n"
        # what follows the word is someone or something else's, or from a date perhaps after the month
        '9,001154001111,Lý Thị Mến,10/10/1954,Trợ cấp xã hội,500.000,Tiền mặt,01,"Chết chồng, nuôi con nhỏ"\n'
        "10,001155002222,Tô Văn Hải,11/11/1955,Trợ cấp xã hội,500.000,Tiền mặt,01,Mất 1 chân do tai nạn\n"
        "11,001156003333,Mai Thị Cúc,12/12/1956,Trợ cấp xã hội,500.000,Tiền mặt,01,Thôi hưởng từ 01/10/2024\n"
        "12,001157004444,Hồ Văn Lâm,01/02/1957,Trợ cấp xã hội,500.000,Tiền mặt,01,"
        '"Tạm dừng chi tiền mặt, chuyển sang chi qua tài khoản"\n'
        "13,001158005555,Ninh Thị Yến,02/03/1958,Trợ cấp xã hội,500.000,Tiền mặt,01,Giảm do chết ngày 10/08/2024\n"
    )
    post = (
        "STT,Mã giao dịch,Số CCCD,Họ và tên,Số tiền,Ngày chi trả\n"
        "1,BD240900001,001140012345,Phạm Thị Đức,500.000,12/09/2024\n"
        "2,BD240900002,001038005555,Trần Văn Bình,500.000,12/09/2024\n"
        "3,BD240900003,001145007788,Lê Thị Hồng Nhung,500.000,12/09/2024\n"
        "4,BD240900004,001150001234,Nguyễn Văn An,500.000,12/09/2024\n"
        "5,BD240900005,001151004321,Hoàng Thị Lan,500.000,12/09/2024\n"
        "6,BD240900006,001215006789,Đỗ Minh Khang,500.000,12/09/2024\n"
        "7,BD240900007,001152002468,Vũ Thị Hoa,500.000,12/09/2024\n"
        "8,BD240900008,001153001357,Đặng Văn Tú,500.000,12/09/2024\n"
        "9,BD240900009,001154001111,Lý Thị Mến,500.000,12/09/2024\n"
        "10,BD240900010,001155002222,Tô Văn Hải,500.000,12/09/2024\n"
        "11,BD240900011,001156003333,Mai Thị Cúc,500.000,12/09/2024\n"
        "12,BD240900012,001157004444,Hồ Văn Lâm,500.000,12/09/2024\n"
        "13,BD240900013,001158005555,Ninh Thị Yến,500.000,12/09/2024\n"
    )
    (tmp_path / "registry.csv").write_text(registry, encoding="utf-8")
    (tmp_path / "buu_dien.csv").write_text(post, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["--lang", "en", "run", "--period", "2024-09", "--db", str(db)]
    args += ["--registry", str(tmp_path / "registry.csv"), "--payments", str(tmp_path / "buu_dien.csv")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT vneid, status, date_of_death FROM registry ORDER BY vneid").fetchall() == [
            ("001038005555", "suspended", None),
            ("001140012345", "deceased", dt.date(2024, 8, 17)),
            ("001145007788", "terminated", None),
            ("001150001234", "active", None),
            ("001151004321", "active", None),
            ("001152002468", "active", None),
            ("001153001357", "active", None),
            ("001154001111", "active", None),
            ("001155002222", "active", None),
            ("001156003333", "active", None),
            ("001157004444", "active", None),
            ("001158005555", "deceased", dt.date(2024, 8, 10)),
            ("001215006789", "active", None),
        ]
        assert con.execute("SELECT code, vneid FROM flags ORDER BY code, vneid").fetchall() == [
            ("PAID_AFTER_DEATH", "001140012345"),
            ("PAID_AFTER_DEATH", "001158005555"),
            ("PAID_WHILE_INACTIVE", "001038005555"),
            ("PAID_WHILE_INACTIVE", "001145007788"),
        ]


def test_a_column_whose_values_say_nothing_but_the_default_is_not_taken_for_a_status(tmp_path):
    """`Sức khỏe: Bình thường` (health: normal) is a spelling of active, and `Yếu` (weak) none: read as the
    status, every weak beneficiary would be rejected. A column that says no one is other than active says no
    status."""
    registry = (
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã tỉnh,Sức khỏe\n"
        "001140012345,Phạm Thị Đức,04/04/1940,Trợ cấp xã hội,500.000,Tiền mặt,01,Bình thường\n"
        "001038005555,Trần Văn Bình,02/02/1938,Trợ cấp xã hội,500.000,Tiền mặt,01,Bình thường\n"
        "001145007788,Lê Thị Hồng Nhung,03/03/1945,Trợ cấp xã hội,500.000,Tiền mặt,01,Yếu\n"
    )
    (tmp_path / "registry.csv").write_text(registry, encoding="utf-8")
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(tmp_path / "registry.csv"), "--as", "registry"])
    assert res.exit_code == 0, res.output
    assert "status from" not in res.output
    assert "ignored: Sức khỏe" in res.output
    assert "rows: 3 read, 3 loaded" in res.output


def test_a_payout_point_named_after_a_place_is_cash_not_a_wallet(tmp_path):
    """`Điểm chi trả: Bưu điện xã Vị Thắng`: the `Vị` of the commune read as `ví` (wallet), and the post
    office's cash payouts became e-wallet payments, the welfare target met."""
    from reconcile.readers import read_file

    path = tmp_path / "buu_dien.csv"
    path.write_text(
        "STT,Mã giao dịch,Số CCCD,Họ và tên,Số tiền,Ngày chi trả,Điểm chi trả\n"
        "1,BD240900001,001140012345,Phạm Thị Đức,500.000,12/09/2024,Bưu điện xã Vị Thắng\n"
        "2,BD240900002,001038005555,Trần Văn Bình,500.000,12/09/2024,Bưu điện xã Vị Bình\n"
        "3,BD240900003,001145007788,Lê Thị Hồng Nhung,500.000,12/09/2024,Bưu điện xã Vị Thắng\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    from reconcile.normalise.reference import install

    install(con)
    table = read_file(path, "payments")
    channel = next(c for c, canonical in table.header_map.items() if canonical == "channel")
    values = table.text_frame().get_column(channel).to_list()
    assert [con.execute("SELECT rc_channel_t(?)", [v]).fetchall()[0][0] for v in values] == ["cash"] * 3


def test_a_header_of_two_vietnamese_halves_is_no_bilingual_header(tmp_path):
    """`Ngày mất/ chuyển đi` (the date of death, or of moving away): read as the date of death by its first
    half, those who moved away were dead."""
    path = tmp_path / "registry.csv"
    path.write_text(
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Mã tỉnh,Trạng thái,"
        "Ngày mất/ chuyển đi\n"
        "001140012345,Phạm Thị Đức,04/04/1940,Trợ cấp xã hội,500.000,Tiền mặt,01,Chuyển đi,15/09/2024\n"
        "001038005555,Trần Văn Bình,02/02/1938,Trợ cấp xã hội,500.000,Tiền mặt,01,Đang hưởng,\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["--lang", "en", "check", str(path), "--as", "registry"])
    assert "ignored: Ngày mất/ chuyển đi" in res.output, res.output
