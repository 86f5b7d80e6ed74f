"""A Parquet file read whole (nested columns, or a profile to apply) is refused by its footer's count of
values before it is read: Parquet packs a value repeated on millions of rows into a few bytes (issue 18)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reconcile.readers import read_file
from test_limits import FIX, limits_config, refused

COLUMNS = ("payment_ref", "payee_name", "amount", "value_date", "channel")
BANK = ("Số tham chiếu", "Tên người thụ hưởng", "Số tiền", "Ngày giao dịch", "Số tài khoản")  # vn-bank-disbursement
ROW = ("FT24090001", "Nguyễn Văn An", "1500000", "2024-09-05", "bank")


def payments(path, rows: int, nested: bool, columns=COLUMNS) -> None:
    """`rows` rows of one payment, each value a dictionary index (a few bytes for them all)."""
    index = pa.array([0] * rows, pa.int32())
    table = {c: pa.DictionaryArray.from_arrays(index, pa.array([v])) for c, v in zip(columns, ROW)}
    if nested:  # a list column: the file is read whole with polars
        table["tags"] = pa.ListArray.from_arrays(pa.array(range(rows + 1), pa.int32()), pa.array([1] * rows, pa.int8()))
    pq.write_table(pa.table(table), path, compression="zstd")


def test_a_nested_parquet_of_more_values_than_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "bank.parquet"
    payments(path, 200_000, nested=True)
    assert path.stat().st_size < 64 << 10
    message = refused(tmp_path, path, "--config", limits_config(tmp_path, max_sheet_cells=1_000_000))
    assert message == (
        f"{path}: holds 1,200,000 values (200,000 rows), over the limit of 1,000,000 for a Parquet file read "
        "whole, with nested columns or a profile ([limits] max_sheet_cells); write it again with plain columns "
        f"(text, numbers, dates) and without a profile, which is read in pieces, or {FIX}"
    )


def test_a_parquet_read_through_a_profile_is_refused_by_the_same_count(tmp_path):
    path = tmp_path / "bank.parquet"
    payments(path, 200_000, nested=False, columns=BANK)
    extra = ["--profile", "vn-bank-disbursement", "--config", limits_config(tmp_path, max_sheet_cells=999_999)]
    assert refused(tmp_path, path, *extra).startswith(f"{path}: holds 1,000,000 values (200,000 rows), over the limit")


@pytest.mark.parametrize("nested", [True, False])
def test_a_parquet_under_the_limit_is_read_whole_or_streamed(tmp_path, nested):
    path = tmp_path / "bank.parquet"
    payments(path, 1_000, nested=nested)
    table = read_file(path, "payments")
    frame = table.text_frame()
    assert frame.height == 1_000
    assert frame["payee_name"].unique().to_list() == ["Nguyễn Văn An"]


def test_a_parquet_that_expands_like_a_bomb_is_refused_by_its_footer(tmp_path):
    """One text of 80 MB of one letter packs into a few KB: streamed, such a file (400 MB) took 47 s
    and 3.5 GB, to be refused as out of memory, with the advice to give a larger --memory-limit."""
    path = tmp_path / "bank.parquet"
    columns = {c: [v, v] for c, v in zip(COLUMNS, ROW)}
    columns["payee_name"] = ["A" * (80 << 20), "Lê Văn A"]
    pq.write_table(pa.table(columns), path, compression="zstd")
    assert path.stat().st_size < 64 << 10
    message = refused(tmp_path, path)
    assert message.startswith(f"{path}: would expand ")
    assert message.endswith(
        " times when read (to 80 MB), more than any payment or registry file does ([limits] max_zip_ratio 200); "
        "check where it came from: a file that expands this much may be a decompression bomb"
    )


def test_a_large_parquet_that_packs_as_payment_files_do_is_read(tmp_path):
    """80 MB of distinct references, names and amounts: packed some 3 to 10 times, never 200."""
    path = tmp_path / "bank.parquet"
    n = 1_000_000
    pq.write_table(
        pa.table(
            {
                "payment_ref": [f"FT2409{i:09d}" for i in range(n)],
                "payee_name": [f"Nguyễn Văn {i:07d} An Bình Hòa Thuận Phước" for i in range(n)],
                "amount": [str(1_000_000 + i) for i in range(n)],
                "value_date": ["2024-09-05"] * n,
                "channel": ["bank"] * n,
            }
        ),
        path,
        compression="zstd",
    )
    assert read_file(path, "payments").rows_read == n
