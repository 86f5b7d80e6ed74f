"""Signing off a month run with --partial: the checker is told, first, that it is not the whole month."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import SAMPLE
from reconcile.cli import cli


def test_signing_off_a_partial_month_says_partial_first(tmp_path):
    """September without the post office's file, run with --partial: signing it off printed only
    'period 2024-09 signed off', as for a whole month."""
    db = tmp_path / "r.duckdb"
    run = CliRunner().invoke(
        cli,
        ["--lang", "en", "run", "--period", "2024-09", "--registry", str(SAMPLE / "registry.csv"), "--payments",
         str(SAMPLE / "bank_transfers.csv"), "--db", str(db), "--operator", "Hùng", "--partial"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    res = CliRunner().invoke(cli, ["--lang", "en", "signoff", "--period", "2024-09", "--db", str(db), "--by", "Lan"])
    assert res.exit_code == 0, res.output
    lines = res.stderr.splitlines()
    assert lines[0] == (
        "reconcile: PARTIAL: 2024-09 was reconciled without every source (--partial): pension cash (the post "
        "office): 3 of 3 active beneficiaries unpaid; welfare cash (the post office): 3 of 3 active beneficiaries "
        "unpaid. Its findings are incomplete and its targets are not judged."
    )
    assert lines[1] == "reconcile: period 2024-09 signed off; it refuses a re-run and a removal until reconcile reopen"
    reopen = ["reopen", "--period", "2024-09", "--db", str(db), "--by", "Lan", "--reason", "thiếu tệp bưu điện"]
    assert CliRunner().invoke(cli, ["--lang", "en", *reopen]).exit_code == 0
    vi = CliRunner().invoke(cli, ["--lang", "vi", "signoff", "--period", "2024-09", "--db", str(db), "--by", "Lan"])
    assert vi.exit_code == 0, vi.output
    assert vi.stderr.splitlines()[0].startswith(
        "reconcile: PARTIAL (CHƯA ĐỦ NGUỒN): kỳ 2024-09 được đối soát khi còn thiếu tệp chi trả (--partial): "
        "Lương hưu, tiền mặt (bưu điện): 3 trên 3 đối tượng đang hưởng chưa được chi"
    )


def test_signing_off_a_whole_month_says_nothing_of_partial(sample_month, tmp_path):
    from conftest import copy_of

    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    res = CliRunner().invoke(cli, ["--lang", "en", "signoff", "--period", "2024-09", "--db", str(db), "--by", "Lan"])
    assert res.exit_code == 0, res.output
    assert "PARTIAL" not in res.stderr
    assert res.stderr.splitlines()[0].startswith("reconcile: period 2024-09 signed off")
