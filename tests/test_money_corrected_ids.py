"""An ID the registry corrects from one month to the next: the same person, name, date of birth and
account, under a new ID from October. The registry has no column that links an ID to the one it
replaced (SPEC, Inputs), so the arrears and the re-issue lists are counted per ID; nothing said so.
Lý Đức Sơn, never paid, was in arrears for 1 month (500,000 VND) instead of 2, and Huỳnh Đức Tuấn's
September transfer, returned and paid again in October under his new ID, stayed on the re-issue list
to be sent a second time. The sums stay per ID (no link is made without one in the registry); the
arrears name the earlier ID to check, and the run and `reconcile actions` say that the lists are
per ID, with how many such rows, naming no ID."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import copy_of
from test_cases import invoke, query, run_month

SON, SON_NEW = "038065818534", "038065818999"  # never paid: MISSING_PAYMENT in both months
TUAN, TUAN_NEW = "079082906796", "079082906999"  # September's transfer returned; paid in October

ARREARS_SAID = (
    "reconcile: 1 beneficiary in arrears may have had another ID the month before their arrears began (unpaid "
    "then under an ID of the same name, date of birth and account, which the registry no longer lists): arrears "
    "are counted per ID, so those months are not in them; see the arrears view's column earlier_vneid, and check "
    "each with reconcile show"
)
REISSUE_SAID = (
    "reconcile: 1 payment to send again is to an ID the registry of 2024-10 no longer lists in its programme (an "
    "ID corrected since, or a beneficiary taken off): the lists are per ID, and a payment made since to another ID "
    "settles none of them; check each with reconcile show before sending"
)


def corrected(october: dict[str, list[Path]], folder: Path) -> dict[str, list[Path]]:
    """October's files with both IDs corrected in the registry, and Tuấn's October transfer under his new ID."""
    files: dict[str, list[Path]] = {"registry": [], "payments": list(october["payments"][1:])}
    for role, path, changes in (
        ("registry", october["registry"][0], ((SON, SON_NEW), (TUAN, TUAN_NEW))),
        ("payments", october["payments"][0], ((TUAN, TUAN_NEW),)),
    ):
        text = path.read_text(encoding="utf-8-sig")
        for old, new in changes:
            assert text.count(old) == 1 and new not in text
            text = text.replace(old, new)
        (folder / path.name).write_text(text, encoding="utf-8-sig")
        files[role].insert(0, folder / path.name)
    return files


def test_a_corrected_id_is_counted_per_id_and_the_arrears_and_re_issue_lists_say_so(sample_month, october, tmp_path):
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    res = run_month(db, "2024-10", corrected(october, tmp_path))
    assert res.exit_code == 0, res.output
    assert ARREARS_SAID in res.stderr.splitlines()
    assert query(
        db, "SELECT vneid, since_period, months_unpaid, amount_owed, earlier_vneid FROM arrears ORDER BY vneid"
    ) == [(SON_NEW, "2024-10", 1, 500_000, SON)]

    out = tmp_path / "actions"
    actions = invoke("actions", "--period", "2024-10", "--db", str(db), "--out", str(out), "--lang", "en")
    assert actions.exit_code == 0, actions.output
    assert REISSUE_SAID in actions.stderr.splitlines()
    with open(out / "reissue_BIDV.csv", encoding="utf-8-sig") as fh:
        rows = [(r["Personal ID"], r["Amount (VND)"], r["Original payment reference"]) for r in csv.DictReader(fh)]
    assert rows == [(TUAN, "1250000", "FT20240900028")]
    # no ID is printed: the lines count
    assert SON not in res.stderr + actions.stderr and TUAN not in res.stderr + actions.stderr


def test_an_id_kept_from_month_to_month_says_nothing_of_ids(sample_month, october, tmp_path):
    db = copy_of(sample_month.db, tmp_path / "r.duckdb")
    res = run_month(db, "2024-10", october)
    assert res.exit_code == 0, res.output
    assert query(
        db, "SELECT vneid, since_period, months_unpaid, amount_owed, earlier_vneid FROM arrears ORDER BY vneid"
    ) == [(SON, "2024-09", 2, 1_000_000, None)]
    actions = invoke("actions", "--period", "2024-10", "--db", str(db), "--out", str(tmp_path / "a"), "--lang", "en")
    assert actions.exit_code == 0, actions.output
    assert "per ID" not in res.stderr + actions.stderr
