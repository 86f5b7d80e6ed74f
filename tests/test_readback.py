"""Reading a reconciled database back: flags, show, cashless, periods, through the command line."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import duckdb
import pytest
from click.testing import CliRunner

from conftest import SAMPLE, copy_of, write_csv
from reconcile.cli import cli
from reconcile.pipeline import RunConfig, run
from reconcile.readback import FLAG_COLUMNS
from reconcile.warehouse import ensure_schema
from test_pipeline import PAY_HEADER, PAYMENTS, REG_HEADER, REGISTRY

HOA = "038145464795"  # in the sample month: paid twice (AMOUNT_MISMATCH, DUPLICATE_PAYMENT)
HOA_ACCOUNT = "0061434240553"
HOA_BANK_REF = "VBA2410030000457"  # the bank's reference of her October transfer FT1010
SEVERITY_ORDER = {"low": 1, "medium": 2, "high": 3, "critical": 4}


@pytest.fixture(scope="module")
def db(tmp_path_factory, sample_month):
    """The sample month 2024-09, then a small 2024-10 in which Hoa is paid 8,000,000 of 8,245,000 by a
    transfer without her ID, matched by her account (its bank's reference given too)."""
    folder = tmp_path_factory.mktemp("readback")
    path = copy_of(sample_month.db, folder / "r.duckdb")
    reg = write_csv(
        folder / "registry_10.csv",
        REG_HEADER,
        [
            *REGISTRY,
            [
                HOA,
                "Võ Thị Hoa",
                "19/07/1945",
                "female",
                "pension",
                "8.245.000",
                "bank",
                "VBA",
                HOA_ACCOUNT,
                "38",
                "active",
            ],
        ],
    )
    pay = write_csv(  # with the bank's own reference (bank_ref) of Hoa's transfer
        folder / "payments_10.csv",
        [*PAY_HEADER, "bank_ref"],
        [
            *([*p[:6], p[6].replace("/09/", "/10/"), *p[7:], ""] for p in PAYMENTS),
            [
                "FT1010",
                "",
                "VO THI HOA",
                "VBA",
                HOA_ACCOUNT,
                "8,000,000",
                "03/10/2024",
                "bank",
                "success",
                HOA_BANK_REF,
            ],
        ],
    )
    run(RunConfig(period="2024-10", registry=[reg], payments=[pay], db=path))
    return path


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def ok(*args):
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    return res


def sql(db, query, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, params).fetchall()


def as_json_value(value):
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def test_flags_json_is_every_finding_of_every_period_in_order(db):
    got = json.loads(ok("flags", "--db", db, "--format", "json").stdout)
    want = sql(db, f"SELECT {', '.join(FLAG_COLUMNS)}, severity_rank FROM flags")
    assert len(got) == len(want) == 26 + 1
    assert [list(d) for d in got[:1]] == [list(FLAG_COLUMNS)]
    assert sorted((tuple(d.values()) for d in got), key=repr) == sorted((tuple(r[:-1]) for r in want), key=repr)
    rank = {r[-2]: r[-1] for r in want}  # flag_id -> severity_rank
    last = "\uffff"  # NULLS LAST
    keys = [
        (
            d["period"],
            -rank[d["flag_id"]],
            d["code"],
            d["province_code"] or last,
            d["commune_code"] or last,
            d["vneid"] or last,
            d["payment_ref"] or last,
            d["flag_id"],
        )
        for d in got
    ]
    assert keys == sorted(keys)
    assert [d["period"] for d in got].count("2024-10") == 1


def test_flags_csv_has_the_exact_headers_and_every_row(db):
    res = ok("flags", "--db", db, "--format", "csv")
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0] == list(FLAG_COLUMNS)
    want = sql(db, f"SELECT {', '.join(FLAG_COLUMNS)} FROM flags")
    assert sorted(rows[1:]) == sorted([["" if v is None else str(v) for v in r] for r in want])
    assert res.stderr == ""


@pytest.mark.parametrize(
    "args, where, count",
    [
        (["--code", "AMOUNT_MISMATCH"], "code = 'AMOUNT_MISMATCH'", 3),
        (["--code", "amount_mismatch", "--period", "2024-09"], "code = 'AMOUNT_MISMATCH' AND period = '2024-09'", 2),
        (["--severity", "critical"], "severity = 'critical'", 2),
        (["--severity", "high"], "severity IN ('high', 'critical')", 16),
        (["--severity", "HIGH"], "severity IN ('high', 'critical')", 16),  # as an officer may type it
        (["--severity", "medium", "--province", "38"], "severity <> 'low' AND province_code = '38'", 8),
        (["--program", "unknown"], "program = 'unknown'", 2),
        (["--program", "pension", "--period", "2024-10"], "program = 'pension' AND period = '2024-10'", 1),
        (["--period", "2024-10"], "period = '2024-10'", 1),
        (["--province", "1"], "province_code = '01'", None),  # the leading zero a spreadsheet dropped
    ],
)
def test_flags_filters_give_exactly_their_subset(db, args, where, count):
    got = [d["flag_id"] for d in json.loads(ok("flags", "--db", db, "--format", "json", *args).stdout)]
    want = [r[0] for r in sql(db, f"SELECT flag_id FROM flags WHERE {where}")]
    assert sorted(got) == sorted(want)
    assert len(got) == (count if count is not None else len(want)) and got


def test_a_province_that_is_no_province_code_is_refused():
    res = CliRunner().invoke(cli, ["flags", "--province", "Hà Nội"])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--province': 'Hà Nội' is no province code: give its two digits, e.g. 01 or 79"
    )


def test_flags_table_with_a_limit_says_how_many_more_and_how_to_see_them(db):
    res = ok("flags", "--db", db, "--limit", "5")
    lines = res.stdout.splitlines()
    assert lines[0].split() == list(FLAG_COLUMNS)
    assert len(lines) == 2 + 5
    assert res.stderr == (
        "reconcile: 22 more findings not shown (of 27); pass --limit 0 to see them all, "
        "or --format csv to export them\n"
    )
    res = ok("flags", "--db", db)  # 27 findings are under the table's default of 1,000: all shown, no note
    assert len(res.stdout.splitlines()) == 2 + 27 and res.stderr == ""
    res = ok("flags", "--db", db, "--limit", "0")
    assert len(res.stdout.splitlines()) == 2 + 27 and res.stderr == ""


def test_mask_ids_leaves_no_id_or_account_number(db):
    plain = ok("flags", "--db", db, "--format", "csv").stdout
    assert re.search(r"\d{12}", plain)
    masked = ok("flags", "--db", db, "--format", "csv", "--mask-ids").stdout
    assert not re.search(r"\d{12}", masked)
    rows = list(csv.DictReader(io.StringIO(masked)))
    assert len(rows) == 27
    hoa = [r for r in rows if r["code"] == "DUPLICATE_PAYMENT" and r["vneid"].endswith("4795")]
    assert [(r["vneid"], r["account_number"]) for r in hoa] == [("********4795", "*********0553")]
    shown = ok("show", HOA, "--db", db, "--format", "json", "--mask-ids").stdout
    assert not re.search(r"\d{12}", shown)


@pytest.mark.parametrize("command", ["flags", "cashless"])
def test_a_period_the_database_does_not_hold_is_refused_not_shown_as_a_month_without_findings(db, command):
    res = invoke("--lang", "en", command, "--db", db, "--period", "2025-01", "--format", "json")
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"reconcile: error: {db}: holds no run of 2025-01; see 'reconcile periods' for the periods it holds"
    )
    assert res.stdout == ""


def test_show_returns_the_beneficiary_across_periods(db):
    got = json.loads(ok("show", HOA, "--db", db, "--format", "json").stdout)
    assert list(got) == ["registry", "payments", "flags"]
    assert [(r["period"], r["program"], r["entitled_amount"], r["source_row"]) for r in got["registry"]] == [
        ("2024-09", "pension", 8_245_000, 181),
        ("2024-10", "pension", 8_245_000, 5),
    ]
    assert [
        (p["period"], p["payment_ref"], p["vneid"], p["amount"], p["match_method"], p["source_row"])
        for p in got["payments"]
    ] == [
        ("2024-09", "FT20240900011", HOA, 8_245_000, "vneid", 7),
        ("2024-09", "FT20240900012", HOA, 8_245_000, "vneid", 225),
        ("2024-10", "FT1010", None, 8_000_000, "account", 5),
    ]
    assert [
        (f["period"], f["code"], f["payment_ref"], f["expected_amount"], f["paid_amount"]) for f in got["flags"]
    ] == [
        ("2024-09", "AMOUNT_MISMATCH", "FT20240900011", 8_245_000, 16_490_000),
        ("2024-09", "DUPLICATE_PAYMENT", "FT20240900012", 8_245_000, 8_245_000),
        ("2024-10", "AMOUNT_MISMATCH", "FT1010", 8_245_000, 8_000_000),
    ]
    assert list(got["flags"][0]) == list(FLAG_COLUMNS)
    want = sql(db, f"SELECT {', '.join(FLAG_COLUMNS)} FROM flags WHERE vneid = ? ORDER BY period, source_row", [HOA])
    assert [tuple(f.values()) for f in got["flags"]] == [tuple(as_json_value(v) for v in r) for r in want]


def test_show_accepts_spaces_and_dots_and_prints_three_sections(db):
    table = ok("show", "038 145.464 795", "--db", db).stdout
    assert [ln for ln in table.splitlines() if re.match(r"^[A-Z]\w+( rows)?: \d+$", ln)] == [
        "Registry rows: 2",
        "Payments: 3",
        "Findings: 3",
    ]
    text = ok("show", HOA, "--db", db, "--format", "csv").stdout
    sections = text.split("\n\n")
    assert [s.splitlines()[0] for s in sections] == ["# registry", "# payments", "# flags"]
    parsed = {s.splitlines()[0][2:]: list(csv.DictReader(io.StringIO(s.split("\n", 1)[1]))) for s in sections}
    assert [len(v) for v in parsed.values()] == [2, 3, 3]
    assert parsed["payments"][2]["payment_ref"] == "FT1010" and parsed["payments"][2]["vneid"] == ""


@pytest.mark.parametrize(
    "value, problem",
    [
        ("03814546479", "has 11 digits, not 12 (a leading zero lost in a spreadsheet?)"),
        # copied from a spreadsheet or pandas as a number: its '.0' read as a twelfth digit, and
        # `show` said the ID was in no registry row, payment or finding
        ("38145464795.0", "has 11 digits, not 12 (a leading zero lost in a spreadsheet?)"),
        ("0381454647950", "has 13 digits, not 12"),
        ("03814546479X", "holds characters other than digits, spaces and dots"),
        ("038-145-464-795", "holds characters other than digits, spaces and dots"),
    ],
)
def test_show_refuses_a_malformed_id_without_repeating_it(db, value, problem):
    res = invoke("show", value, "--db", db)
    assert res.exit_code == 2
    assert res.stderr == f"reconcile: error: the personal ID {problem}; pass the 12-digit số định danh cá nhân\n"
    assert value not in res.output and re.sub(r"\D", "", value)[:9] not in res.output


def test_show_of_an_id_written_as_a_spreadsheet_number_is_that_id(db):
    assert (
        ok("show", f"{HOA}.0", "--db", db, "--format", "json").stdout
        == ok("show", HOA, "--db", db, "--format", "json").stdout
    )


def test_show_of_an_id_the_database_does_not_hold_is_empty(db):
    got = json.loads(ok("show", "001087099999", "--db", db, "--format", "json").stdout)
    assert got == {"registry": [], "payments": [], "flags": []}


def test_show_of_an_account_copied_without_its_leading_zeros_is_that_account(db):
    # an account column Excel read as a number shows 61434240553: show said the account was in no
    # registry row, payment or finding of the database, which holds it in both months
    whole = json.loads(ok("show", "--account", HOA_ACCOUNT, "--db", db, "--format", "json").stdout)
    res = ok("show", "--account", HOA_ACCOUNT.lstrip("0"), "--db", db, "--format", "json")
    assert json.loads(res.stdout) == whole and res.stderr == ""
    assert [(r["period"], r["account_number"]) for r in whole["registry"]] == [
        ("2024-09", HOA_ACCOUNT),
        ("2024-10", HOA_ACCOUNT),
    ]
    assert [(p["period"], p["payment_ref"]) for p in whole["payments"]] == [
        ("2024-09", "FT20240900011"),
        ("2024-09", "FT20240900012"),
        ("2024-10", "FT1010"),
    ]
    # another account that only ends with the same digits is not it
    assert json.loads(ok("show", "--account", HOA_ACCOUNT[3:], "--db", db, "--format", "json").stdout) == {
        "registry": [],
        "payments": [],
        "flags": [],
    }


def test_show_names_the_rejected_rows_that_hold_what_it_was_given(db):
    # Phan Văn Thắng's registry row is rejected (amount 1.5) and Hoàng Văn Khải's transfer FT20240900031
    # too (dated 31/09/2024): show said the ID, the reference and the account were in nothing of the
    # database, as if the files had never held them
    registry, payments = (str(SAMPLE / "registry.csv"), str(SAMPLE / "bank_transfers.csv"))
    on_registry = f"{registry} row 302 (entitled_amount has a fraction or bad digit grouping (VND has no minor unit))"
    on_payment = f"{payments} row 16 (value_date is not a real date (expected dd/mm/yyyy or yyyy-mm-dd))"
    nothing = "reconcile: this {} is in no registry row, payment or finding of the database\n"
    rejected = "reconcile: a row rejected in 2024-09 holds this {} too: {}; see rejected_rows\n"
    for args, what, row in [
        (["079084947699"], "ID", on_registry),
        (["--account", "782803464683"], "account", on_registry),  # its leading zero dropped
        (["--payment-ref", "FT20240900031"], "payment reference", on_payment),
    ]:
        res = ok("show", *args, "--db", db, "--format", "json")
        assert json.loads(res.stdout) == {"registry": [], "payments": [], "flags": []}
        assert res.stderr == nothing.format(what) + rejected.format(what, row)
    # found, and on a rejected row too: the beneficiary whose transfer was rejected, unpaid
    res = ok("show", "079047345620", "--db", db, "--format", "json")
    assert [f["code"] for f in json.loads(res.stdout)["flags"]] == ["MISSING_PAYMENT"]
    assert res.stderr == rejected.format("ID", on_payment)
    masked = ok("show", "079084947699", "--db", db, "--mask-ids").stderr
    assert "079084947699" not in masked and "row 302" in masked


def test_show_of_a_payment_reference_as_the_bank_gives_it_or_typed_in_lower_case_is_that_payment(db):
    # the bank's own reference of a transfer (its statement's, bank_ref), or the reference in lower
    # case, was said to be in no registry row, payment or finding of the database
    whole = json.loads(ok("show", "--payment-ref", "FT1010", "--db", db, "--format", "json").stdout)
    assert [(p["period"], p["payment_ref"], p["amount"]) for p in whole["payments"]] == [
        ("2024-10", "FT1010", 8_000_000)
    ]
    assert [(f["code"], f["payment_ref"]) for f in whole["flags"]] == [("AMOUNT_MISMATCH", "FT1010")]
    assert [r["period"] for r in whole["registry"]] == ["2024-09", "2024-10"]
    for given in (HOA_BANK_REF, "ft1010", HOA_BANK_REF.lower()):
        res = ok("show", "--payment-ref", given, "--db", db, "--format", "json")
        assert json.loads(res.stdout) == whole and res.stderr == ""


def test_cashless_by_channel_sums_to_the_programme_totals(db):
    totals = json.loads(ok("cashless", "--db", db, "--format", "json").stdout)
    channels = json.loads(ok("cashless", "--db", db, "--format", "json", "--by", "channel").stdout)
    assert [(t["period"], t["program"]) for t in totals] == [
        ("2024-09", "pension"),
        ("2024-09", "unknown"),
        ("2024-09", "welfare"),
        ("2024-10", "pension"),
        ("2024-10", "welfare"),
    ]
    assert list(channels[0]) == [
        "period",
        "program",
        "channel_group",
        "beneficiaries",
        "payments",
        "amount",
        "share_beneficiaries",
        "share_payments",
        "share_amount",
        "target",
        "target_met",
        "partial",
        "in_doubt",
    ]
    for t in totals:
        mine = [c for c in channels if (c["period"], c["program"]) == (t["period"], t["program"])]
        assert sum(c["payments"] for c in mine) == t["payments"]
        assert sum(c["amount"] for c in mine) == t["amount"]
        assert sum(c["share_payments"] for c in mine) == pytest.approx(1.0)
        noncash = sum(c["payments"] for c in mine if c["channel_group"] != "cash")
        assert noncash / t["payments"] == pytest.approx(t["share_payments"])
    welfare = totals[2]
    assert (
        welfare["beneficiaries"],
        welfare["payments"],
        welfare["amount"],
        welfare["target"],
        welfare["target_met"],
    ) == (175, 175, 175_750_000, 0.9985, False)
    assert welfare["share_payments"] == pytest.approx(172 / 175)


@pytest.mark.parametrize("by, level", [("province", "province"), ("commune", "commune")])
def test_cashless_by_area_is_every_area_total_of_the_view(db, by, level):
    rows = list(
        csv.DictReader(
            io.StringIO(ok("cashless", "--db", db, "--format", "csv", "--by", by, "--period", "2024-09").stdout)
        )
    )
    want = sql(
        db,
        "SELECT count(*) FROM noncash_share_by_area WHERE level = ? AND channel_group = 'all' AND period = '2024-09'",
        [level],
    )[0][0]
    assert len(rows) == want > 5
    assert ("province_code" in rows[0]) and (("commune_code" in rows[0]) == (by == "commune"))


def test_cashless_table_shows_percentages(db):
    table = ok("cashless", "--db", db, "--period", "2024-09").stdout
    assert re.search(
        r"^2024-09\s+welfare\s+175\s+175\s+175,750,000\s+98\.29%\s+98\.29%\s+98\.72%\s+99\.85%\s+no\s+no\s+no$",
        table,
        re.M,
    )
    assert "2024-10" not in table


def test_periods_lists_each_period_in_order_with_its_totals(db):
    got = json.loads(ok("periods", "--db", db, "--format", "json").stdout)
    assert [
        (p["period"], p["registry_rows"], p["payment_rows"], p["flags"], p["amount_due"], p["amount_paid"]) for p in got
    ] == [("2024-09", 300, 300, 26, 1_075_411_000, 1_086_412_000), ("2024-10", 4, 4, 1, 19_045_000, 18_800_000)]
    runs = sql(db, "SELECT run_id, operator, tool_version FROM runs ORDER BY period")
    assert [(p["run_id"], p["operator"], p["tool_version"]) for p in got] == runs
    assert [p["partial"] for p in got] == [False, False]
    table = ok("periods", "--db", db).stdout.splitlines()
    assert [ln.split()[0] for ln in table[2:]] == ["2024-09", "2024-10"]


def test_periods_of_a_database_no_run_of_this_version_wrote(db, tmp_path):
    import shutil

    old = tmp_path / "old.duckdb"
    shutil.copy(db, old)
    with duckdb.connect(str(old)) as con:  # as an earlier version left it
        con.execute("ALTER TABLE runs DROP COLUMN missing_sources")
        con.execute("ALTER TABLE runs DROP COLUMN partial")
    got = json.loads(ok("periods", "--db", old, "--format", "json").stdout)
    assert [(p["period"], p["partial"]) for p in got] == [("2024-09", None), ("2024-10", None)]


def test_unknown_code_is_exit_two_with_the_valid_codes(db):
    res = invoke("flags", "--db", db, "--code", "PAID_TWICE")
    assert res.exit_code == 2
    assert res.stderr.startswith("reconcile: error: unknown finding code; use one of ACCOUNT_MISMATCH, ")
    assert "UNKNOWN_PAYEE (see 'reconcile rules')" in res.stderr and "PAID_TWICE" not in res.stderr
    assert len(res.stderr.splitlines()) == 1


def test_bad_period_is_exit_two(db):
    res = invoke("cashless", "--db", db, "--period", "2024-9")
    assert res.exit_code == 2
    assert res.stderr == "reconcile: error: period '2024-9' is not YYYY-MM; pass e.g. --period 2024-09\n"


@pytest.mark.parametrize("command", [["flags"], ["show", HOA], ["cashless"], ["periods"]])
def test_missing_database_is_one_line_exit_two_and_no_file_is_made(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    res = invoke(*command)
    assert res.exit_code == 2
    assert (
        res.stderr == "reconcile: error: reconcile.duckdb: no database here; run 'reconcile run' first or pass --db\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_reconcile_database_is_exit_two(tmp_path):
    text = write_csv(tmp_path / "r.csv", ["a"], [["1"]])
    res = invoke("flags", "--db", text)
    assert (res.exit_code, res.stderr) == (
        2,
        f"reconcile: error: {text}: is not a DuckDB database; choose another --db path\n",
    )
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE t (a INTEGER)")
    res = invoke("periods", "--db", other)
    assert res.exit_code == 2
    assert res.stderr.startswith(
        f"reconcile: error: {other}: is a DuckDB database without reconcile's tables (missing: runs, "
    )


def test_a_database_with_no_runs_reads_back_empty(tmp_path):
    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as con:
        ensure_schema(con)
    assert json.loads(ok("flags", "--db", empty, "--format", "json").stdout) == []
    assert json.loads(ok("periods", "--db", empty, "--format", "json").stdout) == []
    assert json.loads(ok("cashless", "--db", empty, "--format", "json", "--by", "channel").stdout) == []
    res = ok("show", HOA, "--db", empty)
    assert res.stderr == "reconcile: this ID is in no registry row, payment or finding of the database\n"
    assert ok("flags", "--db", empty, "--code", "MISSING_PAYMENT").stdout.splitlines()[0].split() == list(FLAG_COLUMNS)


def test_reading_leaves_the_database_as_it_was_and_a_writer_is_reported(db):
    before = db.read_bytes()
    for command in (["flags"], ["show", HOA], ["cashless", "--by", "commune"], ["periods"]):
        ok(*command, "--db", db)
    assert db.read_bytes() == before
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        res = invoke("periods", "--db", db)
    finally:
        holder.kill()
        holder.wait()
    assert res.exit_code == 2
    assert res.stderr == (
        f"reconcile: error: {db}: the database is in use by another process "
        "(a running reconciliation?); wait for it to finish and try again\n"
    )
