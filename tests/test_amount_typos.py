"""Amounts with a zero fraction of three or more digits (`1500.000`, `1500,000`, `150,0000`): a group of
thousands typed with one separator, or three decimals, a thousand apart. Read as decimals, an amount
due typed `1500.000` among `1.500.000` was due 1,500, and the run asked to recover 1,498,500 never
owed. Beside amounts of the file written otherwise, the file is refused (checks/zero_fractions.sql,
checks_thousands.check_zero_fractions), by a run and by `check`; a file whose every amount is so
written (a system's DECIMAL(18,3) column as text) is read as decimals, as before."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner
from tests.conftest import write_csv

from reconcile.cli import cli

PERIOD = "2024-09"
N = 6
REGISTRY = ["Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Giới tính", "Chế độ", "Số tiền hưởng",
            "Hình thức chi trả", "Mã ngân hàng", "Số tài khoản", "Mã tỉnh", "Mã xã", "Trạng thái", "Ngày mất"]  # fmt: skip
PAYMENTS = ["Số tham chiếu", "Số định danh", "Tên người thụ hưởng", "Ngân hàng thụ hưởng", "Số tài khoản", "Số tiền",
            "Ngày giao dịch", "Kênh chi trả", "Trạng thái", "Nội dung"]  # fmt: skip
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Phương"]
UNSIGNED = ["NGUYEN VAN AN", "TRAN THI BINH", "LE VAN CUONG", "PHAM THI DUNG", "HOANG VAN EM", "VU THI PHUONG"]
FIX = "write each such amount as 1.500.000 or 1500000, and run again"


def vneid(i: int) -> str:
    return f"001{i % 2}95{i:06d}"  # even rows men, odd rows women, born in 1995


def month(tmp_path: Path, due: dict[int, str], paid: dict[int, str], amount: str = "1.500.000") -> tuple[Path, Path]:
    """A registry and a bank's list of N beneficiaries, each due and paid `amount`, but for the rows of
    `due` and `paid` (0-based)."""
    registry = [
        [vneid(i), NAMES[i], "01/01/1995", ["Nam", "Nữ"][i % 2], "Trợ cấp xã hội", due.get(i, amount),
         "Chuyển khoản", "VCB", f"01234{i:05d}", "01", "00001", "Đang hưởng", ""]
        for i in range(N)
    ]  # fmt: skip
    payments = [
        [f"FT{i:05d}", vneid(i), UNSIGNED[i], "VCB", f"01234{i:05d}", paid.get(i, amount), "05/09/2024",
         "Chuyển khoản", "Thành công", "Chi tra tro cap T09/2024"]
        for i in range(N)
    ]  # fmt: skip
    return write_csv(tmp_path / "reg.csv", REGISTRY, registry), write_csv(tmp_path / "pay.csv", PAYMENTS, payments)


def run(tmp_path: Path, registry: Path, payments: Path, *lang: str):
    return CliRunner().invoke(
        cli,
        [*lang, "run", "--period", PERIOD, "--db", str(tmp_path / "m.duckdb"), "--registry", str(registry),
         "--payments", str(payments)],
    )  # fmt: skip


def refused(n: int, column: str, row: int, shape: str, other: int) -> str:
    return (
        f"{n} of its {column} values are written with three or more zeros after a point or a comma (the first in "
        f"row {row}, written {shape}) beside {other} written otherwise: such an amount is a group of thousands or "
        f"decimals, a thousand apart (1500.000 is 1.500.000 or 1.500), and the file does not say which; {FIX}"
    )


def test_an_amount_due_typed_1500_000_among_grouped_ones_refuses_the_run(tmp_path):
    registry, payments = month(tmp_path, due={2: "1500.000"}, paid={})
    result = run(tmp_path, registry, payments)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"reconcile: error: {registry}: " + refused(1, "entitled_amount", 4, "####.000", N - 1)
    )
    assert "1500.000" not in result.output.replace("(1500.000 is", "")  # its shape, not its value
    assert not (tmp_path / "m.duckdb").exists()


def test_payments_typed_with_a_comma_before_three_or_four_zeros_refuse_the_run(tmp_path):
    registry, payments = month(tmp_path, due={}, paid={1: "1500,000", 4: "150,0000", 5: "1.500,000"})
    result = run(tmp_path, registry, payments)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"reconcile: error: {payments}: " + refused(3, "amount", 3, "####,000", N - 3)
    )


def test_check_says_a_run_refuses_the_file_in_either_language(tmp_path):
    registry, _ = month(tmp_path, due={0: "500.0000"}, paid={})
    args = ["check", str(registry), "--as", "registry", "--period", PERIOD]
    result = CliRunner().invoke(cli, ["--lang", "en", *args])
    assert result.exit_code == 1
    assert f"REFUSED by a run: {registry}: " + refused(1, "entitled_amount", 2, "###.0000", N - 1) in result.output
    result = CliRunner().invoke(cli, ["--lang", "vi", *args])
    assert result.exit_code == 1
    assert (
        f"Lần chạy sẽ TỪ CHỐI tệp này: {registry}: 1 giá trị entitled_amount của tệp được ghi với từ ba chữ số 0 "
        "trở lên sau một dấu chấm hoặc dấu phẩy (đầu tiên ở dòng 2, dạng ###.0000) bên cạnh 5 giá trị ghi theo cách "
        "khác: số tiền như vậy có thể là nhóm hàng nghìn hoặc phần thập phân, chênh nhau một nghìn lần (1500.000 là "
        "1.500.000 hoặc 1.500), và tệp không cho biết là cách nào; hãy ghi mỗi số tiền như vậy thành 1.500.000 hoặc "
        "1500000, rồi chạy lại"
    ) in result.output


def test_a_file_whose_every_amount_has_three_decimals_is_read_as_decimals(tmp_path):
    """A system's export: every amount 1500000.000 (a Parquet DECIMAL(18,3) column, as text), beside a
    registry of grouped amounts and another list's 500.000 (a valid group): the month is clean."""
    registry, payments = month(tmp_path, due={5: "500.000"}, paid={5: "500.000"}, amount="1.500.000")
    parquet = tmp_path / "pay.parquet"
    duckdb.sql(
        f"COPY (SELECT * REPLACE (CAST(replace(\"Số tiền\", '.', '') AS DECIMAL(18, 3)) AS \"Số tiền\") "
        f"FROM read_csv('{payments}', all_varchar = true)) TO '{parquet}'"
    )
    result = run(tmp_path, registry, parquet)
    assert result.exit_code == 0, result.output
    assert "Due 8,000,000 VND to active beneficiaries; paid 8,000,000 VND" in result.output
    with duckdb.connect(str(tmp_path / "m.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)
