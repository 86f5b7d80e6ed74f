"""The run as a whole: one transaction, period replacement, file-level refusals, row accounting."""

from __future__ import annotations

import os
import re

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import write_csv
from reconcile.config import Settings
from reconcile.errors import InputFileError
from reconcile.pipeline import RunConfig, run
from reconcile.warehouse import PERIOD_TABLES

REG_HEADER = [
    "vneid",
    "full_name",
    "date_of_birth",
    "gender",
    "program",
    "entitled_amount",
    "channel",
    "bank_code",
    "account_number",
    "province_code",
    "status",
]
PAY_HEADER = [
    "payment_ref",
    "vneid",
    "payee_name",
    "bank_code",
    "account_number",
    "amount",
    "value_date",
    "channel",
    "status",
]

REGISTRY = [
    [
        "001087012345",
        "Nguyễn Văn Hùng",
        "12/03/1987",
        "male",
        "welfare",
        "1.500.000",
        "bank",
        "VBA",
        "0011223344",
        "01",
        "active",
    ],
    [
        "079153000257",
        "Trần Thị Mai",
        "01/01/1953",
        "female",
        "pension",
        "5.200.000",
        "bank",
        "VCB",
        "0099887766",
        "79",
        "active",
    ],
    ["038146000111", "Lê Thị Hồng", "05/09/1946", "female", "pension", "4.100.000", "cash", "", "", "38", "active"],
]
PAYMENTS = [
    ["FT001", "001087012345", "NGUYEN VAN HUNG", "VBA", "0011223344", "1,500,000", "05/09/2024", "bank", "success"],
    ["FT002", "079153000257", "TRAN THI MAI", "VCB", "0099887766", "5,200,000", "02/09/2024", "bank", "success"],
    ["BD003", "038146000111", "Lê Thị Hồng", "", "", "4.100.000", "12/09/2024", "cash", "success"],
]


def month(tmp_path, registry=REGISTRY, payments=PAYMENTS, reg_header=REG_HEADER, pay_header=PAY_HEADER):
    reg = write_csv(tmp_path / "registry.csv", reg_header, registry, bom=True)
    pay = write_csv(tmp_path / "payments.csv", pay_header, payments)
    return reg, pay


def snapshot(db) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in PERIOD_TABLES}


def test_clean_month_draws_no_finding_and_full_noncash_shares(tmp_path):
    reg, pay = month(tmp_path)
    result = run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "r.duckdb"))
    assert result.flag_counts == {}
    assert result.amount_due == result.amount_paid == 10_800_000
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        rows = con.execute("""
            SELECT program, province_code, channel_group, beneficiaries, payments, amount,
                   share_beneficiaries, share_payments, share_amount, target, target_met
            FROM noncash_share WHERE level IN ('program', 'province') ORDER BY ALL""").fetchall()
        methods = con.execute("SELECT method, count(*) FROM matches GROUP BY ALL").fetchall()
    assert methods == [("vneid", 3)]
    assert rows == [
        ("pension", "38", "all", 1, 1, 4_100_000, 0.0, 0.0, 0.0, 0.93, False),
        ("pension", "38", "cash", 1, 1, 4_100_000, 1.0, 1.0, 1.0, None, None),
        ("pension", "79", "all", 1, 1, 5_200_000, 1.0, 1.0, 1.0, 0.93, True),
        ("pension", "79", "bank", 1, 1, 5_200_000, 1.0, 1.0, 1.0, None, None),
        ("pension", None, "all", 2, 2, 9_300_000, 0.5, 0.5, 5_200_000 / 9_300_000, 0.93, False),
        ("pension", None, "bank", 1, 1, 5_200_000, 0.5, 0.5, 5_200_000 / 9_300_000, None, None),
        ("pension", None, "cash", 1, 1, 4_100_000, 0.5, 0.5, 4_100_000 / 9_300_000, None, None),
        ("welfare", "01", "all", 1, 1, 1_500_000, 1.0, 1.0, 1.0, 0.9985, True),
        ("welfare", "01", "bank", 1, 1, 1_500_000, 1.0, 1.0, 1.0, None, None),
        ("welfare", None, "all", 1, 1, 1_500_000, 1.0, 1.0, 1.0, 0.9985, True),
        ("welfare", None, "bank", 1, 1, 1_500_000, 1.0, 1.0, 1.0, None, None),
    ]


def test_the_share_as_the_spec_gives_it_adds_up_by_province(tmp_path):
    """The SPEC's noncash_share: a programme's total (province_code null) and its provinces', on the `all`
    rows. Summed over every row with a province, the communes and the 2025 map's provinces counted each
    payment three times; they are in noncash_share_by_area, each level adding up on its own."""
    reg, pay = month(tmp_path)
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        by_province = """
            SELECT program, sum(payments), sum(amount) FROM {view}
            WHERE channel_group = 'all' AND province_code IS NOT NULL {level} GROUP BY program ORDER BY program"""
        totals = con.execute(
            "SELECT program, payments, amount FROM noncash_share WHERE channel_group = 'all' AND province_code IS NULL "
            "ORDER BY program"
        ).fetchall()
        assert totals == [("pension", 2, 9_300_000), ("welfare", 1, 1_500_000)]
        assert con.execute(by_province.format(view="noncash_share", level="")).fetchall() == totals
        assert con.execute("SELECT DISTINCT level FROM noncash_share ORDER BY 1").fetchall() == [
            ("program",),
            ("province",),
        ]
        for level in ("province", "commune", "province_2025"):
            assert (
                con.execute(by_province.format(view="noncash_share_by_area", level=f"AND level = '{level}'")).fetchall()
                == totals
            )


def test_one_unknown_person_paid_twice_is_one_beneficiary_of_the_share(tmp_path):
    """Two cash payments to an ID the registry does not hold: two UNKNOWN_PAYEE findings, and one
    beneficiary in the share (the payments' own ID names them), in the run and in the view."""
    unknown = ["079060999005", "PHAM VAN TU", "", "", "1.000.000", "06/09/2024", "cash", "success"]
    reg, pay = month(tmp_path, REGISTRY, [*PAYMENTS, ["BD901", *unknown], ["BD902", *unknown]])
    db = tmp_path / "r.duckdb"
    result = run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    assert result.flag_counts == {"UNKNOWN_PAYEE": 2}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT beneficiaries, payments, amount FROM noncash_share WHERE program = 'unknown' AND level = 'program' "
            "AND channel_group = 'all'"
        ).fetchall() == [(1, 2, 2_000_000)]
        assert con.execute(
            "SELECT count(DISTINCT beneficiary) FROM noncash_base WHERE program = 'unknown'"
        ).fetchall() == [(1,)]


def test_a_payment_failed_in_one_file_and_paid_in_another_is_paid(tmp_path):
    """The same reference failed in one list and succeeded in the bank's: two events, not one payment
    listed twice, so the beneficiary is paid (no MISSING_PAYMENT or PAYMENT_FAILED)."""
    reg, pay = month(tmp_path)
    failed = write_csv(tmp_path / "a_status.csv", PAY_HEADER, [[*PAYMENTS[0][:8], "failed"]])
    result = run(RunConfig(period="2024-09", registry=[reg], payments=[failed, pay], db=tmp_path / "r.duckdb"))
    assert result.flag_counts == {}
    assert result.amount_due == result.amount_paid == 10_800_000


def test_missing_required_column_stops_before_the_database_is_touched(tmp_path):
    reg, _pay = month(tmp_path)
    db = tmp_path / "r.duckdb"
    run(
        RunConfig(
            period="2024-08",
            registry=[reg],
            payments=[write_csv(tmp_path / "aug.csv", PAY_HEADER, [[*p[:6], "05/08/2024", *p[7:]] for p in PAYMENTS])],
            db=db,
        )
    )
    before = snapshot(db)
    bad = write_csv(
        tmp_path / "bad.csv",
        [h for h in PAY_HEADER if h != "amount"],
        [[v for h, v in zip(PAY_HEADER, p) if h != "amount"] for p in PAYMENTS],
    )
    with pytest.raises(InputFileError) as err:
        run(RunConfig(period="2024-09", registry=[reg], payments=[bad], db=db))
    assert str(err.value) == (
        f"{bad}: required column 'amount' is missing from the payments file; "
        "add it or rename the column that holds it to 'amount', or pass a --profile that maps it"
    )
    assert err.value.exit_code == 2
    assert snapshot(db) == before


def test_wrong_period_file_rolls_back_and_leaves_no_new_database(tmp_path):
    reg, pay = month(tmp_path)
    db = tmp_path / "new.duckdb"
    with pytest.raises(InputFileError) as err:
        run(RunConfig(period="2024-10", registry=[reg], payments=[pay], db=db))
    assert str(err.value) == (
        f"{pay}: none of its 3 payments is dated in 2024-10 (they run from 02/09/2024 "
        "to 12/09/2024; most are in 2024-09); check --period, or that this is the payment file of "
        "that month"
    )
    assert not db.exists()


def test_rerun_replaces_its_period_and_keeps_the_others(tmp_path):
    reg, pay = month(tmp_path)
    db = tmp_path / "r.duckdb"
    aug = write_csv(tmp_path / "aug.csv", PAY_HEADER, [[*p[:6], "05/08/2024", *p[7:]] for p in PAYMENTS[:2]])
    run(RunConfig(period="2024-08", registry=[reg], payments=[aug], db=db))
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    august = dict(snapshot(db))
    short = write_csv(tmp_path / "short.csv", PAY_HEADER, PAYMENTS[:1])
    run(RunConfig(period="2024-09", registry=[reg], payments=[short], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        per_period = con.execute("SELECT period, count(*) FROM payments GROUP BY period ORDER BY period").fetchall()
        runs = con.execute("SELECT period, payment_rows FROM runs ORDER BY period").fetchall()
        flags = con.execute("SELECT period, code, vneid FROM flags ORDER BY ALL").fetchall()
        aug_rows = con.execute("SELECT * FROM payments WHERE period = '2024-08' ORDER BY ALL").fetchall()
    assert per_period == [("2024-08", 2), ("2024-09", 1)]
    assert runs == [("2024-08", 2), ("2024-09", 1)]
    assert ("2024-09", "MISSING_PAYMENT", "079153000257") in flags
    assert aug_rows == [r for r in august["payments"] if r[0] == "2024-08"]


def test_same_inputs_give_identical_flags(tmp_path):
    reg, pay = month(
        tmp_path, payments=[*PAYMENTS[:1], ["FT009", "", "AI DO", "", "", "700000", "03/09/2024", "bank", ""]]
    )
    first = tmp_path / "a.duckdb"
    second = tmp_path / "b.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=first))
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=second))
    query = "SELECT * EXCLUDE (run_id) FROM flags"
    with duckdb.connect(str(first)) as a, duckdb.connect(str(second)) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert len(a.execute(query).fetchall()) == 3  # 2 missing + 1 unknown payee


NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Thị Hồng Nhung", "Phạm Đức Thắng", "Đặng Thị Hoà", "Võ Văn Bình"]
names = st.lists(st.sampled_from(NAMES), min_size=1, max_size=6)
SPOILS = ["amount", "date", "ref", "name"]


def spoilt_month(tmp, names, kinds):
    """A registry of `names` and their payments, identical but for the payments spoilt as `kinds` says
    (one per name: a spoil or 'none'); with the number spoilt."""
    registry, payments = [], []
    for i, name in enumerate(names):
        vid = f"0010870{i:05d}"
        registry.append(
            [vid, name, "01/01/1987", "male", "welfare", "500.000", "bank", "VBA", f"0{i:09d}", "01", "active"]
        )
        payments.append([f"R{i}", vid, name.upper(), "VBA", f"0{i:09d}", "500,000", "05/09/2024", "bank", "success"])
    spoilt = 0
    for i, kind in enumerate(kinds):
        if kind == "amount":
            payments[i][5] = "năm trăm"
        elif kind == "date":
            payments[i][6] = "31/02/2024"
        elif kind == "ref":
            payments[i][0] = ""
        elif kind == "name":  # no name, and nothing else to say who was paid
            payments[i][1], payments[i][2], payments[i][4] = "", "   ", ""
        spoilt += kind != "none"
    reg, pay = month(tmp, registry, payments)
    return reg, pay, payments, spoilt


# a month of a few rows costs a second whatever its rows: 6 months of 1 to 18 beneficiaries (a name often
# several people's) and the two examples check 52 rows in 8 runs, where 15 of one to six checked 46 in 17
@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.integers(1, 18).flatmap(lambda n: st.lists(st.sampled_from(NAMES), min_size=n, max_size=n)),
    bad=st.lists(st.sampled_from([*SPOILS, "none", "none"]), min_size=18, max_size=18),
    clean=st.integers(0, 17),
)
@example(names=["Nguyễn Văn Hùng", "Trần Thị Mai"], bad=["none"] * 6, clean=0)  # identical sides
@example(names=["Nguyễn Văn Hùng"] * 6, bad=[*SPOILS, "none", "none"], clean=5)  # every way to spoil a row
def test_every_row_accounted_and_identical_sides_find_nothing(tmp_path_factory, names, bad, clean):
    tmp = tmp_path_factory.mktemp("h")
    kinds = bad[: len(names)]
    kinds[clean % len(names)] = "none"  # one payment at least is clean: the file loads (refusal: the next test)
    reg, pay, payments, spoilt = spoilt_month(tmp, names, kinds)
    assert spoilt < len(payments)
    result = run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp / "r.duckdb"))
    pay_input = next(i for i in result.inputs if i.role == "payments")
    assert pay_input.rows_read == len(payments) == pay_input.rows_loaded + pay_input.rows_rejected
    assert pay_input.rows_rejected == spoilt
    # every spoilt payment leaves its beneficiary unpaid; the rest are clean
    assert result.flag_counts == ({"MISSING_PAYMENT": spoilt} if spoilt else {})


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=names, bad=st.lists(st.sampled_from(SPOILS), min_size=6, max_size=6))
def test_a_payments_file_of_which_no_row_loads_is_refused_and_nothing_written(tmp_path_factory, names, bad):
    tmp = tmp_path_factory.mktemp("h")
    reg, pay, payments, spoilt = spoilt_month(tmp, names, bad[: len(names)])
    assert spoilt == len(payments)
    said = "its one row could not be loaded" if spoilt == 1 else f"none of its {spoilt} rows could be loaded"
    with pytest.raises(InputFileError, match=f"^{re.escape(str(pay))}: {said}"):
        run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp / "r.duckdb"))
    assert not (tmp / "r.duckdb").exists()


def test_a_database_held_by_another_process_is_refused_at_once(tmp_path):
    import subprocess
    import sys

    from reconcile.errors import DatabaseBusyError

    reg, pay = month(tmp_path)
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
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
        with pytest.raises(DatabaseBusyError) as err:
            run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
        assert str(err.value) == (
            f"{db}: the database is in use by another process "
            "(a running reconciliation?); wait for it to finish and try again"
        )
        assert err.value.exit_code == 2
    finally:
        holder.kill()
        holder.wait()
    assert [r[1] for r in snapshot(db)["runs"]] == ["2024-09"]  # the first run's row, untouched


def test_a_memory_limit_gives_the_same_result_and_leaves_no_spill_folder(tmp_path):
    from reconcile.errors import ReconcileError

    reg, pay = month(tmp_path)
    free = run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "a.duckdb"))
    capped = run(
        RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "b.duckdb", memory_limit="100MB")
    )
    assert (capped.flag_counts, capped.noncash) == (free.flag_counts, free.noncash)
    assert not (tmp_path / "b.duckdb.tmp").exists()
    with pytest.raises(ReconcileError) as err:
        run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "c.duckdb", memory_limit="lots"))
    assert str(err.value) == "--memory-limit 'lots' is not a size; give one such as 800MB or 2GB"
    assert not (tmp_path / "c.duckdb").exists()


def test_the_spill_folder_goes_only_once_the_connection_is_closed_whether_the_run_succeeds_or_fails(
    tmp_path, monkeypatch
):
    """The run's scratch database and DuckDB's spilled blocks live in the spill folder, and closing
    the connection checkpoints the database: the folder must outlive the connection."""
    import reconcile.pipeline as pipeline
    from reconcile import scratch

    reg, pay = month(tmp_path)
    opened, open_at_removal = [], []
    connect, remove = pipeline.connect, scratch.remove

    def connect_and_keep(*args, **kwargs):
        opened.append(connect(*args, **kwargs))
        return opened[-1]

    def remove_and_look(path):
        if ".spill-" in path.name:
            try:
                opened[-1].execute("SELECT 1")
                open_at_removal.append(True)
            except duckdb.ConnectionException:
                open_at_removal.append(False)
        remove(path)

    monkeypatch.setattr(pipeline, "connect", connect_and_keep)
    monkeypatch.setattr(scratch, "remove", remove_and_look)
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "a.duckdb", memory_limit="100MB"))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # an officer's Ctrl+C in the middle of the run

    monkeypatch.setattr(pipeline, "find", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "c.duckdb"))
    assert open_at_removal == [False, False]


def test_csv_files_are_staged_beside_the_database_and_the_folder_goes_whatever_the_outcome(tmp_path):
    reg, pay = month(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    db = out / "r.duckdb"
    seen = {}

    def look(step):
        seen[step] = sorted(
            f"{d.name.split('-')[0]}/{f.suffix}" for d in out.iterdir() if d.is_dir() for f in d.iterdir()
        )

    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db, on_step=look))
    # the run's own folder, named after the database, this process and a random part
    assert seen["load"] == [f".r.duckdb.{os.getpid()}.staging/.parquet"] * 2
    assert sorted(p.name for p in out.iterdir()) == ["r.duckdb"]
    with pytest.raises(InputFileError):  # refused while reading
        run(
            RunConfig(
                period="2024-09", registry=[reg], payments=[write_csv(tmp_path / "empty.csv", PAY_HEADER, [])], db=db
            )
        )
    with pytest.raises(InputFileError):  # refused in the database step (wrong period)
        run(RunConfig(period="2024-10", registry=[reg], payments=[pay], db=db))
    assert sorted(p.name for p in out.iterdir()) == ["r.duckdb"]


def test_a_run_that_runs_out_of_memory_is_made_again_on_one_thread(tmp_path, monkeypatch):
    from reconcile import pipeline
    from reconcile.errors import ReconcileError

    reg, pay = month(tmp_path)
    real = pipeline._reconcile
    threads_seen, notices = [], []

    def short_of_memory_on_two_threads(con, *args):
        threads_seen.append(con.execute("SELECT current_setting('threads')").fetchone()[0])
        if threads_seen[-1] > 1:
            con.execute("CREATE TABLE half_written (x INTEGER)")  # work the rollback must undo
            raise duckdb.OutOfMemoryException("could not allocate block of size 256.0 KiB")
        return real(con, *args)

    monkeypatch.setattr(pipeline, "_reconcile", short_of_memory_on_two_threads)
    db = tmp_path / "r.duckdb"
    result = run(
        RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db, memory_limit="1GB", on_notice=notices.append)
    )
    assert threads_seen == [2, 1]
    assert notices == ["the run ran out of memory within --memory-limit 1GB; running it again on one thread (slower)"]
    assert (
        result.flag_counts
        == run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "free.duckdb")).flag_counts
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'half_written'").fetchone() == (0,)

    monkeypatch.setattr(pipeline, "_reconcile", lambda *a: (_ for _ in ()).throw(duckdb.OutOfMemoryException("x")))
    with pytest.raises(ReconcileError) as err:
        run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "none.duckdb"))
    # without --memory-limit, the default cap (warehouse.DEFAULT_MEMORY_LIMIT) is the one named
    assert str(err.value) == (
        "the run ran out of memory within --memory-limit 1.5GB even on one thread; give a "
        "larger --memory-limit, and check that the disk beside --db has room for DuckDB to "
        "spill to"
    )
    assert not (tmp_path / "none.duckdb").exists()


def test_timings_name_each_statement_by_step_and_rule_and_hold_no_value(tmp_path, monkeypatch):
    reg, pay = month(tmp_path)
    log = tmp_path / "timings.tsv"
    monkeypatch.setenv("RECONCILE_TIMINGS", str(log))
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "r.duckdb"))
    lines = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    assert all(len(parts) == 3 and float(parts[1]) >= 0 for parts in lines)
    steps = {step for step, _, _ in lines}
    assert {"normalise", "load", "match", "find", "write", "measure"} <= steps
    from reconcile.rules import catalogue

    assert sorted(
        label.split("/* ")[1].split(" */")[0]
        for step, _, label in lines
        if step == "find" and label.startswith("INSERT INTO cur_flags /*")
    ) == sorted(rule.code for rule in catalogue())
    text = log.read_text(encoding="utf-8")
    values = [r[i] for r in REGISTRY for i in (0, 1, 8)] + [r[i] for r in PAYMENTS for i in (0, 1, 2, 4)]
    assert not [v for v in values if v and v in text]  # IDs, names, accounts, references


def test_without_timings_the_connection_is_not_wrapped(tmp_path, monkeypatch):
    from reconcile.timings import timed

    monkeypatch.delenv("RECONCILE_TIMINGS", raising=False)
    con = duckdb.connect()
    assert timed(con) is con


@pytest.mark.parametrize("written", ["1946", "00/00/1946", "0/0/1946", "00-00-1946"])
def test_a_birth_date_of_the_year_alone_is_kept_as_the_birth_year(tmp_path, written):
    """The elderly are often listed with the year alone, the day and month written as zeros: the
    beneficiary is loaded with birth_year (which the ID's digits are checked against), not rejected."""
    registry = [*REGISTRY[:2], [*REGISTRY[2][:2], written, *REGISTRY[2][3:]]]
    reg, pay = month(tmp_path, registry=registry)
    result = run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=tmp_path / "r.duckdb"))
    assert result.flag_counts == {}
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT date_of_birth, birth_year FROM registry WHERE vneid = '038146000111'"
        ).fetchall() == [(None, 1946)]
        assert con.execute("SELECT count(*) FROM rejected_rows").fetchone() == (0,)


def test_a_payment_to_an_id_on_a_rejected_registry_row_names_that_row(tmp_path):
    """Hùng's registry row has a status no one can read: it is rejected, and his payment matches no
    beneficiary. `The payment's ID is not in the registry` sent the officer to a row that is there;
    the finding names the rejected row."""
    registry = [[*REGISTRY[0][:10], "đang bay"], *REGISTRY[1:]]
    reg, pay = month(tmp_path, registry=registry)
    db = tmp_path / "r.duckdb"
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT code, vneid, detail FROM flags WHERE code = 'UNKNOWN_PAYEE'").fetchall()
    assert found == [
        (
            "UNKNOWN_PAYEE",
            "001087012345",
            "The payment's ID is on a row of the registry that was rejected (registry.csv row 2)",
        )
    ]


def test_a_payment_after_death_listed_in_two_files_is_one_overpayment(tmp_path):
    """The payment to Hùng after his death is in the bank's file and again in a second list (with
    another payment, so that the list is no copy to refuse): one payment (repeat_of), so one
    PAID_AFTER_DEATH and 1,500,000 VND to recover, not two findings and 3,000,000."""
    registry = [[*REGISTRY[0][:10], "deceased"], *REGISTRY[1:]]
    header = [*REG_HEADER, "date_of_death"]
    registry = [[*row, "01/09/2024" if i == 0 else ""] for i, row in enumerate(registry)]
    reg, pay = month(tmp_path, registry=registry, reg_header=header)
    extra = write_csv(tmp_path / "extra.csv", PAY_HEADER, [PAYMENTS[0], PAYMENTS[1]])
    db = tmp_path / "r.duckdb"
    settings = Settings(checks={"max_repeated_refs": 1.0})
    run(RunConfig(period="2024-09", registry=[reg], payments=[pay, extra], db=db, settings=settings))
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT code, payment_ref FROM flags WHERE vneid = '001087012345' ORDER BY ALL").fetchall()
        owed = con.execute("SELECT code, overpaid, outstanding FROM recoveries").fetchall()
    assert found == [("DUPLICATE_PAYMENT", "FT001"), ("PAID_AFTER_DEATH", "FT001")]
    assert owed == [("PAID_AFTER_DEATH", 1_500_000, 1_500_000)]
