"""Outputs whose name is near the file system's limit of 255 bytes (a long Vietnamese name is 3 bytes
a letter): the scratch entry written beside one, its name and some 40 bytes more, could not be made."""

from __future__ import annotations

import os

from click.testing import CliRunner

from reconcile import scratch
from reconcile.cli import cli

# 238 bytes in UTF-8: a name an officer gives, which the file system takes
LONG = (
    "Báo cáo đối soát chi trả trợ cấp xã hội tháng 9 năm 2024 " * 2
    + "Phòng Lao động Thương binh và Xã hội huyện Bình Chánh TP Hồ Chí Minh"
)


def test_a_listing_with_a_long_vietnamese_name_is_written(sample_month, tmp_path):
    """`reconcile report --report` such a name said `internal error (OSError)`, exit 3, and `reconcile
    run --report` saved the period and then exit 4, naming a `reconcile report` command that failed the
    same way; each output is written through the same scratch names (here the listing of --out)."""
    out = tmp_path / f"{LONG}.csv"
    assert len(out.name.encode("utf-8")) == 237
    done = CliRunner().invoke(cli, ["--lang", "en", "periods", "--db", str(sample_month.db), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.stderr == f"reconcile: listing written to {out}\n"
    assert out.read_bytes().startswith(b"\xef\xbb\xbfperiod,run_id,")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no scratch left


def test_scratch_entries_of_a_long_name_are_made_and_cleaned_after_a_killed_run(tmp_path):
    db = tmp_path / f"{LONG}.duckdb"
    made = [scratch.new_file(db, "book"), scratch.new_dir(db, "staging"), scratch.new_name(db, "copy")]
    assert all(len(p.name.encode("utf-8")) + len(".wal") <= 255 for p in made)
    assert all(p.name.startswith(".Báo cáo đối soát") for p in made)
    dead = tmp_path / made[0].name.replace(f".{os.getpid()}.", ".999999999.")
    made[0].rename(dead)  # as a run killed before it could remove it left it
    assert scratch.clean_leftovers(db) == [dead]
    assert not dead.exists() and made[1].is_dir()


def test_a_name_longer_than_the_disk_takes_is_refused_with_the_advice_to_shorten_it(sample_month, tmp_path):
    """Over 255 bytes the file system takes no such name: exit 2, one line that says to give a shorter
    name (it said to free space or choose a folder that can be written, which would not help)."""
    out = tmp_path / f"{LONG} {LONG}.csv"
    done = CliRunner().invoke(cli, ["--lang", "en", "periods", "--db", str(sample_month.db), "--out", str(out)])
    assert done.exit_code == 2, done.output
    assert done.stderr.endswith(
        "cannot be written (the name is too long); the database is unchanged; give it a shorter name, or a folder "
        "of a shorter path, and run again\n"
    )
    assert done.stderr.count("\n") == 1 and list(tmp_path.iterdir()) == []
