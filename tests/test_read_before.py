"""Last month's registry given again: a registry carries no date, so it passed every guard of the month,
a death reported since no PAID_AFTER_DEATH. A file that the run of another period read in the same role
is said (checks_earlier.py), and kept with the run's warnings; a changed file says nothing. The months
of tests/test_cases_reopen_rerun.py, whose registry is the same from one month to the next."""

from __future__ import annotations

import json

from test_cases_reopen_rerun import DEAD, invoke, month_files, query, run


def test_a_registry_read_for_another_month_already_is_said_naming_that_month(tmp_path):
    db = tmp_path / "m.duckdb"
    september = month_files(tmp_path, "2024-09")
    run(db, "2024-09", september)
    october = month_files(tmp_path, "2024-10")
    assert october["registry"][0].read_bytes() == september["registry"][0].read_bytes()
    res = run(db, "2024-10", october)
    said = (
        "registry.csv is the same file, byte for byte, as the registry of 2024-09 (registry.csv): if it is not "
        "this month's, give this month's registry and run again"
    )
    assert f"reconcile: {said}" in res.stderr.splitlines()
    (warnings,) = query(db, "SELECT warnings FROM runs WHERE period = '2024-10'")[0]
    assert json.loads(warnings) == [{"message": said, "programs": []}]
    # in Vietnamese, as the officer reads it
    vi = invoke("--lang", "vi", "run", "--period", "2024-11", "--db", str(db),
                "--registry", str(october["registry"][0]), "--payments", str(month_files(tmp_path, "2024-11")["payments"][0]))  # fmt: skip
    assert (
        "reconcile: registry.csv giống hệt (từng byte) danh sách đối tượng của kỳ 2024-10 (registry.csv): nếu đó "
        "không phải tệp của tháng này, hãy đưa danh sách đối tượng của tháng này rồi chạy lại"
    ) in vi.stderr.splitlines()


def test_a_registry_changed_since_says_nothing_and_a_re_run_of_the_same_month_neither(tmp_path):
    db = tmp_path / "m.duckdb"
    run(db, "2024-09", month_files(tmp_path, "2024-09"))
    res = run(db, "2024-09", month_files(tmp_path, "2024-09"))  # the same month again: its own files
    assert "byte for byte" not in res.stderr
    files = month_files(tmp_path, "2024-10")
    registry = files["registry"][0]
    registry.write_text(
        "".join(line for line in registry.read_text(encoding="utf-8").splitlines(True) if DEAD not in line),
        encoding="utf-8",
    )
    res = run(db, "2024-10", files)
    assert "byte for byte" not in res.stderr
