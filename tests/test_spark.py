"""The Spark engine gives DuckDB's answer: the same findings (ids, evidence, row ids) and the same
non-cash share, row for row, on a generated month with every finding planted and on the messy
sample month. Runs Spark in local mode (local[2]); needs pyspark and Java 17 or later, and is
skipped, with the reason shown, on a machine without them.
"""

import os
import re
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.spark

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'reconcile[spark]')")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip(
        "no Java on this machine (java on PATH or JAVA_HOME): the Spark engine needs Java 17 or later",
        allow_module_level=True,
    )

from conftest import write_csv  # noqa: E402
from reconcile.cli import cli  # noqa: E402
from reconcile.config import Checks, Settings  # noqa: E402
from reconcile.generate import GenerateConfig, Rates, generate  # noqa: E402
from reconcile.pipeline import RunConfig, run  # noqa: E402
from reconcile.report.terminal import run_summary  # noqa: E402
from reconcile.rules import catalogue  # noqa: E402
from reconcile.staged import stage_only  # noqa: E402
from test_both_programmes import HUNG, LE, paid  # noqa: E402
from test_both_programmes import REGISTRY as BOTH_REGISTRY  # noqa: E402

BINH = "001038005555"  # Trần Văn Bình, paid in cash

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample"
PARTS = "hive_partitioning = true, hive_types = {'period': 'VARCHAR', 'province': 'VARCHAR'}"


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module: the engine runs on the active session."""
    from reconcile.spark.session import _quiet_logging, get_session

    # Spark's work on these small months is planning and compiling, not rows: with the JIT's quick tier
    # alone, the serial collector and expressions interpreted, not compiled, its JVM took 71 s of CPU
    # for a month that took it 131 s (67 s against 72 s on the clock), CPU that the other test workers
    # of CI's two cores need. The answers are the same: code generation is Spark's speed, not its rules.
    # The quick tier's code cache (48 MB by default) filled within a month and a half, and the JVM went
    # on interpreted ("CodeCache is full. Compiler has been disabled"): 256 MB holds the module's runs
    session, owned = get_session(
        "local[2]",
        {
            "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={_quiet_logging()} "
            "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=256m",
            "spark.sql.codegen.wholeStage": "false",
            "spark.sql.codegen.factoryMode": "NO_CODEGEN",
        },
    )
    yield session
    if owned:
        session.stop()


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("spark-out")


def on_spark(registry, payments, out, *more: str, period: str = "2024-09"):
    """`reconcile run --engine spark` of the period's staged files (registry and payments each a path,
    or a list of paths) into `out`, with the options `more`: the CLI's result."""

    def given(option: str, paths) -> list[str]:
        return [a for p in (paths if isinstance(paths, list) else [paths]) for a in (option, str(p))]

    files = [*given("--registry", registry), *given("--payments", payments)]
    return CliRunner().invoke(cli, ["run", "--engine", "spark", "--period", period, *files, "--out", str(out), *more])


def reconcile_both(folder: Path, files: dict, out: Path) -> tuple[duckdb.DuckDBPyConnection, object, str]:
    """DuckDB's run into a database; the same files staged, then run on Spark through the CLI."""
    duck = run(RunConfig(period="2024-09", db=folder / "r.duckdb", **files))
    staged = stage_only(RunConfig(period="2024-09", **files), folder / "staged")
    result = on_spark(
        staged.path("registry"),
        staged.path("payments"),
        out,
        "--spark-master",
        "local[2]",
        "--fail-on",
        "critical",
        "--operator",
        "kiểm toán viên",
    )
    assert result.exit_code in (0, 1), result.output
    con = duckdb.connect(str(folder / "r.duckdb"), read_only=True)
    assert_same_records(con, out, staged)
    return con, duck, result


def assert_same_records(con, out: Path, staged):
    """The run's record and its files' accounting, as the database's runs and inputs hold them."""
    (run,) = con.execute(
        f"SELECT * FROM read_parquet('{out}/runs/*/*.parquet', hive_partitioning = true, "
        "hive_types = {'period': 'VARCHAR'})"
    ).fetchall()
    names = [d[0] for d in con.description]
    run = dict(zip(names, run))
    want = dict(
        zip([d[0] for d in con.execute("SELECT * FROM runs").description], con.execute("SELECT * FROM runs").fetchone())
    )
    assert set(names) == set(want)
    for key in ("period", "tool_version", "settings", "registry_rows", "payment_rows", "rejected_rows", "flags"):
        assert str(run[key]) == str(want[key]), key
    assert run["operator"] == "kiểm toán viên"
    assert run["started_at"] < run["finished_at"]
    assert con.execute(
        f"SELECT DISTINCT run_id FROM read_parquet('{out}/flags/period=2024-09/*/*.parquet')"
    ).fetchall() == [(run["run_id"],)]
    spark_inputs = con.execute(
        f"SELECT file_id, role, source_file, rows_read, rows_loaded, rows_rejected, ids_restored, run_id = ? "
        f"FROM read_parquet('{out}/inputs/*/*.parquet') ORDER BY file_id",
        [run["run_id"]],
    ).fetchall()
    assert spark_inputs == [
        (*r, True)
        for r in con.execute(
            f"SELECT file_id, role, path, rows_read, rows_loaded, rows_rejected, ids_restored "
            f"FROM read_parquet('{staged.path('inputs')}') ORDER BY file_id"
        ).fetchall()
    ]
    assert sorted(p.name for p in out.iterdir()) == ["flags", "inputs", "noncash_share", "runs"]


def differences(con, ours: str, theirs: str) -> tuple[int, int]:
    return (
        con.execute(f"SELECT count(*) FROM ({ours} EXCEPT ALL {theirs})").fetchone()[0],
        con.execute(f"SELECT count(*) FROM ({theirs} EXCEPT ALL {ours})").fetchone()[0],
    )


def assert_same_answer(con, out: Path):
    flag_cols = ", ".join(r[0] for r in con.execute("DESCRIBE flags").fetchall() if r[0] != "run_id")
    spark_flags = f"SELECT {flag_cols} FROM read_parquet('{out}/flags/*/*/*.parquet', {PARTS})"
    n = con.execute("SELECT count(*) FROM flags").fetchone()[0]
    assert con.execute(f"SELECT count(*) FROM ({spark_flags})").fetchone()[0] == n
    assert differences(con, f"SELECT {flag_cols} FROM flags", spark_flags) == (0, 0)

    share_cols = ", ".join(r[0] for r in con.execute("DESCRIBE noncash_share_rows").fetchall())
    spark_share = f"SELECT {share_cols} FROM read_parquet('{out}/noncash_share/*/*/*.parquet', {PARTS})"
    assert (
        con.execute(f"SELECT count(*) FROM ({spark_share})").fetchone()[0]
        == con.execute("SELECT count(*) FROM noncash_share_rows").fetchone()[0]
    )
    assert differences(con, f"SELECT {share_cols} FROM noncash_share_rows", spark_share) == (0, 0)
    return n


def test_a_generated_month_with_every_finding_gives_the_same_findings_and_share(spark, out, tmp_path):
    rates = Rates(**dict.fromkeys(Rates.__dataclass_fields__, 0.02))
    month = generate(GenerateConfig(beneficiaries=400, seed=11, out=tmp_path / "month", rates=rates))
    registry, bank, post = month.files["parquet"]
    assert [registry.name, bank.name, post.name] == [
        "registry.parquet",
        "payments_bank.parquet",
        "payments_post.parquet",
    ]
    files = {"registry": [registry], "payments": [bank, post]}
    con, duck, result = reconcile_both(tmp_path, files, out)
    codes = dict(con.execute("SELECT code, count(*) FROM flags GROUP BY code").fetchall())
    assert sorted(codes) == sorted(r.code for r in catalogue())  # every rule has rows to compare
    assert assert_same_answer(con, out) == sum(codes.values())
    # the terminal summary is DuckDB's, but for its last line
    assert result.stdout.splitlines()[:-1] == run_summary(duck).splitlines()[:-1]
    assert re.fullmatch(
        rf"Spark: flags and non-cash share in {re.escape(str(out))}  \(\d+\.\d s\)", result.stdout.splitlines()[-1]
    )
    assert result.exit_code == 1  # --fail-on critical, and PAID_AFTER_DEATH was planted
    folders = sorted(p.name for p in (out / "flags" / "period=2024-09").iterdir() if p.is_dir())
    assert folders == [
        f"province={code}"
        for (code,) in con.execute(
            "SELECT DISTINCT coalesce(province_code, 'unknown') FROM flags ORDER BY 1"
        ).fetchall()
    ]
    for folder in folders:  # one file a province, its rows in the database's order
        (part,) = (out / "flags" / "period=2024-09" / folder).glob("*.parquet")
        assert (
            con.execute(f"SELECT flag_id FROM read_parquet('{part}')").fetchall()
            == con.execute(
                "SELECT flag_id FROM flags WHERE coalesce(province_code, 'unknown') = ? ORDER BY severity_rank DESC, "
                "code, source_file, source_row, payment_ref, vneid",
                [folder.removeprefix("province=")],
            ).fetchall()
        )
    con.close()


def test_the_messy_sample_month_gives_the_same_answer_and_replaces_only_its_period(spark, out, tmp_path):
    # a province the period had before (and, after the first test, the generated month's), and another
    # period's files, which must stay
    other = out / "flags" / "period=2024-08" / "province=01"
    other.mkdir(parents=True)
    (other / "part-0.parquet").write_bytes(b"kept")
    stale = out / "flags" / "period=2024-09" / "province=99"
    stale.mkdir(parents=True, exist_ok=True)
    # and a person in both programmes (tests/test_both_programmes.py): Lệ is due 1.500.000 in each and
    # paid four times, the second saying `lương hưu`; the others are shared out one to each programme in
    # turn, the same on Spark
    (tmp_path / "both_programmes.csv").write_text(BOTH_REGISTRY, encoding="utf-8")
    rows = [f"FT2409000000{n},0{n}/09/2024,,Chi tra T09/2024" for n in (2, 3, 4, 5)]
    rows[1] = rows[1].replace("Chi tra", "Chi trả lương hưu")
    # and Hùng's back pay (truy lĩnh, sql/facts.sql's cur_back_pay) of July and August, 2 x 500.000, no second
    # payment of September; one of August that is no whole number of months, a second payment on both; and
    # one of June that failed, its month unpaid though September's went through
    hung = "{}," + HUNG + ",NGUYEN VAN HUNG,BIDV,0205380810795,{},10/09/2024,{},{}\n"
    back_pay = hung.format("FT24090000006", '"1.000.000"', "Thành công", "Truy linh tro cap T7 va T8/2024")
    back_pay += hung.format("FT24090000007", "700.000", "Thành công", "TRUY LINH T08/2024")
    back_pay += hung.format("FT24090000008", "500.000", "Thất bại", "Truy lĩnh tháng 6/2024")
    (tmp_path / "both_programmes_bank.csv").write_text(paid(rows) + back_pay, encoding="utf-8")
    # and Bình's cash not received, the post office's row left undated (tests/test_payout_notes.py)
    (tmp_path / "binh.csv").write_text(
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Chế độ,Số tiền hưởng,Hình thức chi trả,Trạng thái\n"
        f"{BINH},Trần Văn Bình,05/07/1938,Trợ cấp xã hội,2.250.000,Tiền mặt,Đang hưởng\n",
        encoding="utf-8",
    )
    write_csv(
        tmp_path / "binh_post.csv",
        ["STT", "Họ và tên", "Số CCCD", "Số tiền", "Ngày chi trả", "Ghi chú"],
        [[1, "Trần Văn Bình", BINH, "2.250.000", "", "Chưa nhận"]],
    )
    files = {
        "registry": [SAMPLE / "registry.csv", tmp_path / "both_programmes.csv", tmp_path / "binh.csv"],
        "payments": [
            SAMPLE / "bank_transfers.csv",
            SAMPLE / "post_office_cash.xlsx",
            tmp_path / "both_programmes_bank.csv",
            tmp_path / "binh_post.csv",
        ],
    }
    con, duck, result = reconcile_both(tmp_path, files, out)
    assert con.execute("SELECT code, detail FROM flags WHERE vneid = ? ORDER BY code", [BINH]).fetchall() == [
        ("MISSING_PAYMENT", "No successful payment dated in the period; 1 failed or returned"),
        ("PAYMENT_FAILED", "Payment (no date given) failed; no successful payment to this beneficiary in the period"),
    ]
    assert con.execute(
        "SELECT code, program, payment_ref FROM flags WHERE vneid IN (?, ?) OR source_file LIKE '%both_programmes%' "
        "ORDER BY ALL",
        [LE, HUNG],
    ).fetchall() == [
        ("AMOUNT_MISMATCH", "pension", "FT24090000003"),
        ("AMOUNT_MISMATCH", "welfare", "FT24090000001"),
        ("AMOUNT_MISMATCH", "welfare", "FT24090000002"),
        ("DUPLICATE_PAYMENT", "pension", "FT24090000004"),
        ("DUPLICATE_PAYMENT", "welfare", "FT24090000005"),
        ("DUPLICATE_PAYMENT", "welfare", "FT24090000007"),
        ("PAYMENT_FAILED", "welfare", "FT24090000008"),
    ]
    assert duck.rejected_rows > 0 and any(i.ids_restored for i in duck.inputs)
    assert not stale.exists()
    assert (other / "part-0.parquet").read_bytes() == b"kept"
    shutil.rmtree(out / "flags" / "period=2024-08")  # not Parquet: out of the comparison below
    assert sorted(p.name for p in (out / "flags").iterdir()) == ["period=2024-09"]  # no half-written folder left
    assert assert_same_answer(con, out) == duck.flags
    assert [line for line in result.stdout.splitlines() if "rows rejected" in line] == [
        line for line in run_summary(duck).splitlines() if "rows rejected" in line
    ]
    con.close()


def test_files_that_are_not_staged_are_refused_with_what_to_do(spark, tmp_path):
    result = on_spark(tmp_path / "nowhere.parquet", "p.parquet", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {tmp_path / 'nowhere.parquet'}: no such file or folder; check the --registry path"
    )

    registry, bank, _ = generate(GenerateConfig(beneficiaries=20, seed=2, out=tmp_path / "raw")).files["parquet"]
    result = on_spark(registry, bank, tmp_path / "o")
    assert result.exit_code == 2
    assert (
        result.output.strip()
        .splitlines()[-1]
        .startswith(f"reconcile: error: {registry}: is not staged registry Parquet: it lacks the column(s) ")
    )
    assert result.output.strip().endswith("; stage the files first with reconcile run --stage-only --out DIR")

    result = on_spark(registry, bank, registry / "results")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {registry / 'results'}: cannot write there (Parent path is not a directory: {registry}); "
        "check that --out is a folder or URL this Spark can write to"
    )


def test_files_staged_apart_are_refused_when_their_file_ids_clash(spark, tmp_path):
    sample = stage_only(
        RunConfig(period="2024-09", registry=[SAMPLE / "registry.csv"], payments=[SAMPLE / "bank_transfers.csv"]),
        tmp_path / "a",
    )
    registry, bank, _ = generate(GenerateConfig(beneficiaries=20, seed=2, out=tmp_path / "raw")).files["parquet"]
    other = stage_only(RunConfig(period="2024-09", registry=[registry], payments=[bank]), tmp_path / "b")
    result = on_spark([sample.path("registry"), other.path("registry")], sample.path("payments"), tmp_path / "o")
    first, second = sorted([str(registry), str(SAMPLE / "registry.csv")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {sample.path('registry')}, {other.path('registry')}, {sample.path('payments')}: gives "
        f"file_id 2 to two files ({first}, {second}); stage the files of one month together, "
        "with one --stage-only run"
    )


def test_staged_values_that_staging_would_not_write_are_refused(spark, tmp_path):
    staged = stage_only(
        RunConfig(period="2024-09", registry=[SAMPLE / "registry.csv"], payments=[SAMPLE / "bank_transfers.csv"]),
        tmp_path / "staged",
    )
    # a lakehouse table with the bank's own status words, and one with an ID as written on a form
    for name, change in (
        ("status", "CASE WHEN status = 'success' THEN 'SUCCESS' ELSE status END AS status"),
        ("vneid", "CASE WHEN vneid IS NOT NULL THEN vneid || ' ' END AS vneid"),
    ):
        edited = tmp_path / f"payments_{name}.parquet"
        with duckdb.connect() as con:  # not DuckDB's shared default connection, which other tests use
            con.execute(
                f"COPY (SELECT * REPLACE ({change}) FROM read_parquet('{staged.path('payments')}')) "
                f"TO '{edited}' (FORMAT parquet)"
            ).fetchall()
            n = con.execute(
                f"SELECT count(*) FROM read_parquet('{edited}') WHERE reject_reason IS NULL AND "
                f"{name} {'= ' + repr('SUCCESS') if name == 'status' else 'LIKE ' + repr('% ')}"
            ).fetchall()[0][0]
        result = on_spark(staged.path("registry"), edited, tmp_path / "o")
        what = "one of success, failed, returned" if name == "status" else "digits only"
        assert result.exit_code == 2
        assert result.output.strip().splitlines()[-1] == (
            f"reconcile: error: {edited}: has {n:,} loaded rows whose {name} is not {what}, as staging writes it; "
            "stage the files first with reconcile run --stage-only --out DIR"
        )
        assert n > 0


def test_a_payments_file_of_another_month_is_refused(spark, tmp_path):
    registry, bank, _ = generate(GenerateConfig(beneficiaries=20, seed=2, out=tmp_path / "raw")).files["parquet"]
    staged = stage_only(RunConfig(period="2024-09", registry=[registry], payments=[bank]), tmp_path / "staged")
    result = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / "o", period="2024-10")
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"reconcile: error: {re.escape(str(bank))}: none of its \d+ payments is dated in "
        r"2024-10 \(they run from \d\d/09/2024 to \d\d/09/2024; most are in 2024-09\); check "
        r"--period, or that this is the payment file of that month",
        result.output.strip().splitlines()[-1],
    )


def test_last_month_s_batch_dated_in_this_month_is_refused_on_spark_too(spark, tmp_path):
    """Its narratives name August (checks/named_month.sql, translated): staged with the guard off (as
    a staging with max_other_month = 1 would leave it), Spark's run refuses it with DuckDB's line."""
    registry, bank, _ = generate(GenerateConfig(beneficiaries=60, seed=2, out=tmp_path / "raw")).files["parquet"]
    payments = pl.read_parquet(bank)
    august = tmp_path / "bank_t08.parquet"
    payments.with_columns(pl.col("narrative").str.replace("T09/2024", "T08/2024")).write_parquet(august)
    successful = payments.filter(pl.col("status") == "success").height
    named = payments.filter((pl.col("status") == "success") & pl.col("narrative").str.contains("T09/2024")).height
    assert named == successful >= 20
    off = Settings(checks=Checks(max_other_month=1))
    staged = stage_only(
        RunConfig(period="2024-09", registry=[registry], payments=[august], settings=off), tmp_path / "staged"
    )
    result = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / "o")
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines()[-1] == (
        f"reconcile: error: {august}: the narratives of {named} of its {successful} payments (100%) name 2024-08 "
        "and those of 0 name 2024-09: it looks like the payment file of 2024-08, re-exported or paid late; give the "
        "payment file of 2024-09 instead, or, if these are payments made in 2024-09 of another month's money "
        "(arrears paid late), set max_other_month = 1 in [checks] of the config file (--config), and run again"
    )


# --- the month's guards a DuckDB run applies, on Spark too ------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Thị Hoa", "Văn Đức", "Thị Lệ", "Minh Tuấn", "Thu Hằng", "Hữu Toàn", "Thanh Thủy", "Công Đạt"]
BANK_HEADER = ["STT", "Số tham chiếu", "Số định danh", "Tên người thụ hưởng", "Ngân hàng thụ hưởng", "Số tài khoản"]
BANK_HEADER += ["Số tiền", "Ngày giao dịch", "Kênh chi trả", "Trạng thái", "Nội dung"]


def _unaccented(name: str) -> str:
    import unicodedata

    bare = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in bare if not unicodedata.combining(c)).upper()


@pytest.fixture(scope="module")
def commune_month(tmp_path_factory) -> dict:
    """A district's welfare month as its officers hand it over: the registry (50 paid by Agribank, 20
    in cash in communes 26734 and 26737), Agribank's September file, and the post office's list of
    each commune (a workbook, IDs typed as numbers)."""
    import openpyxl

    folder = tmp_path_factory.mktemp("communes")
    people = []
    for i in range(70):
        cash = i >= 50
        people.append(
            {
                "id": f"0791{52 + i % 30:02d}{100_000 + i * 7:06d}",
                "name": f"{FAMILY[i % 10]} {GIVEN[i % 8]}",
                "born": f"{1 + i % 28:02d}/{1 + i % 12:02d}/19{52 + i % 30:02d}",
                "due": (500_000, 750_000, 1_000_000, 1_500_000)[i % 4],
                "account": None if cash else f"5100205{i:06d}",
                "commune": "26737" if cash and i >= 62 else "26734",
            }
        )
    registry(folder / "danh_sach_T09.csv", people)
    for commune in ("26734", "26737"):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Danh sách chi trả"
        sheet.append(["STT", "Mã giao dịch", "Số CCCD", "Họ và tên", "Chế độ", "Số tiền", "Ngày chi trả", "Trạng thái"])
        for n, p in enumerate([p for p in people if p["account"] is None and p["commune"] == commune], 1):
            day = datetime(2024, 9, 10 + n % 5)
            ref = f"BD2409{commune}{n:03d}"
            sheet.append([n, ref, int(p["id"]), p["name"], "Trợ cấp xã hội", p["due"], day, "Thành công"])
        book.save(folder / f"buu_dien_xa_{commune}.xlsx")
    return {"folder": folder, "people": people, "registry": folder / "danh_sach_T09.csv"}


def registry(path: Path, people: list[dict], scale: int = 1) -> Path:
    """The district's registry, amounts due divided by `scale` (a report in thousands of đồng)."""
    header = ["STT", "Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Chế độ", "Đối tượng", "Số tiền hưởng"]
    header += ["Hình thức chi trả", "Mã ngân hàng", "Số tài khoản", "Mã tỉnh", "Mã xã", "Trạng thái"]
    rows = [
        [
            n,
            p["id"],
            p["name"],
            p["born"],
            "Trợ cấp xã hội",
            "Người cao tuổi",
            f"{p['due'] // scale:,}".replace(",", "."),
        ]
        + (["Tiền mặt", "", ""] if p["account"] is None else ["Chuyển khoản", "VBA", p["account"]])
        + ["79", p["commune"], "Đang hưởng"]
        for n, p in enumerate(people, 1)
    ]
    return write_csv(path, header, rows, bom=True)


def agribank(path: Path, people: list[dict], *, august: int = 0, scale: int = 1, scientific: bool = False) -> Path:
    """Agribank's file of the bank-paid: each paid on 05/09/2024, the first `august` on 20/08/2024 (their
    August payment, the file exported from 16/08 to 15/09), amounts divided by `scale` (written in
    thousands), accounts as Excel writes a long number in a General cell when `scientific`."""
    rows = []
    for n, p in enumerate([p for p in people if p["account"]], 1):
        month = "08" if n <= august else "09"
        account = f"{int(p['account']) / 10**12:.5f}".replace(".", ",") + "E+12" if scientific else p["account"]
        amount = f"{p['due'] // scale:,}".replace(",", ".")
        narrative = f"Chi tra tro cap xa hoi T{month}/2024"
        ref, day = f"FT24{month}{n:07d}", f"{'20' if month == '08' else '05'}/{month}/2024"
        rows.append(
            [
                n,
                ref,
                p["id"],
                _unaccented(p["name"]),
                "VBA",
                account,
                amount,
                day,
                "Chuyển khoản",
                "Thành công",
                narrative,
            ]
        )
    return write_csv(path, BANK_HEADER, rows, bom=True)


def test_the_month_s_guards_of_a_duckdb_run_refuse_the_same_months_on_spark(spark, commune_month, tmp_path):
    """Each month below a DuckDB run refuses; staged (with the guard off where staging applies it, as a
    staging with other settings, or a lakehouse table, would give it), Spark refused none of those
    whose guard it lacked, and reconciled them: another month's payments in place of this month's
    (each an OUT_OF_PERIOD and a MISSING_PAYMENT), a commune's list left out (a MISSING_PAYMENT
    each), amounts in thousands (every figure a thousandth), accounts in scientific notation (paid
    to no one). Spark refuses each with DuckDB's line (a commune's list left out: the next test)."""
    people, book = commune_month["people"], commune_month["registry"]
    posts = sorted(commune_month["folder"].glob("buu_dien_xa_*.xlsx"))

    def refused(case: str, registry_file: Path, payments: list[Path], staged_with: Settings | None = None, edit=None):
        staged = stage_only(
            RunConfig(
                period="2024-09", registry=[registry_file], payments=payments, settings=staged_with or Settings()
            ),
            tmp_path / f"staged_{case}",
        )
        if edit:  # the file as it came, and a lakehouse table holding its values as it has them
            edit(staged.path("payments"))
        files = ["--registry", str(registry_file), "--payments", *map(str, payments)]
        duck = CliRunner().invoke(cli, ["run", "--period", "2024-09", "--db", str(tmp_path / f"{case}.duckdb"), *files])
        assert duck.exit_code == 2, duck.output
        result = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / f"o_{case}")
        assert result.exit_code == 2, result.output
        line = result.output.strip().splitlines()[-1]
        assert line == duck.stderr.strip().splitlines()[-1]
        assert not (tmp_path / f"o_{case}" / "flags").exists()
        return line

    # the file exported from 16/08 to 15/09: 22 of its 50 paid their August money, not September's
    bank = agribank(tmp_path / "agribank_16-08_15-09.csv", people, august=22)
    assert refused("stand_in", book, [bank, *posts]) == (
        f"reconcile: error: {bank}: 22 of its 50 payments (44%) are dated outside 2024-09 (most in 2024-08), to "
        "beneficiaries who have no payment dated in 2024-09: it holds another month's payments in place of this "
        "month's (its payments run from 20/08/2024 to 05/09/2024); export the payments dated in 2024-09 alone, and "
        "run again; if they are 2024-09's payments made early, set max_stand_in = 1 in [checks] of the config file "
        "(--config) to reconcile them as out of the period"
    )
    # August's batch and September's in one file, half each (staged with min_in_period = 0.4)
    bank = agribank(tmp_path / "agribank_T8_T9.csv", people, august=25)
    assert refused("tie", book, [bank], Settings(checks=Checks(min_in_period=0.4))) == (
        f"reconcile: error: {bank}: only 25 of its 50 payments (50%) are dated in 2024-09; 25 are dated in 2024-08; "
        "check --period, or that this is the payment file of that month"
    )
    # both written in thousands of đồng (staged with min_amount = 0)
    thousands = registry(tmp_path / "danh_sach_nghin_dong.csv", people, scale=1000)
    bank = agribank(tmp_path / "agribank_nghin_dong.csv", people, scale=1000)
    assert refused("thousands", thousands, [bank], Settings(checks=Checks(min_amount=0))) == (
        f"reconcile: error: {thousands}: 70 of its 70 active beneficiaries' amounts due are under 10,000 VND, as are "
        f"50 of the 50 successful payments of {bank}: the month's amounts look written in thousands of đồng "
        "(1.500 for 1.500.000); export the files again with their amounts in đồng (or multiply them by 1,000 in "
        "Excel and save them); if they are right, lower min_amount in the config file"
    )

    # the accounts as Excel wrote them (5,10021E+12): staging refuses the file, a lakehouse table may hold them
    bank = agribank(tmp_path / "agribank_sao_ke.csv", people)

    def scientific(staged: Path) -> None:
        agribank(bank, people, scientific=True)
        excel = (
            pl.col("account_number")
            .cast(pl.Int64)
            .map_elements(lambda a: f"{a / 10**12:.5f}".replace(".", ",") + "E+12", return_dtype=pl.String)
        )
        pl.read_parquet(staged).with_columns(excel).write_parquet(staged)

    assert refused("scientific", book, [bank], edit=scientific) == (
        f"reconcile: error: {bank}: 50 of its account_number values are numbers Excel wrote in scientific notation "
        "(the first in row 2): their digits are lost; format the column as text in Excel, or export the file again "
        "from its system, and run again"
    )


def test_a_source_left_out_is_refused_on_spark_too_and_partial_records_it(spark, commune_month, tmp_path):
    """The guards that need matching run on Spark as on DuckDB: the post office's list of commune
    26737 left out (12 of the 20 paid in cash are, 60%: the cash group passes) stops the run with
    DuckDB's line, where Spark ran it to exit 0, each of its 8 a MISSING_PAYMENT; with --partial the
    runs record names the commune and the share's targets are not judged."""
    bank = agribank(tmp_path / "agribank_T09.csv", commune_month["people"])
    files = {
        "registry": [commune_month["registry"]],
        "payments": [bank, commune_month["folder"] / "buu_dien_xa_26734.xlsx"],
    }
    staged = stage_only(RunConfig(period="2024-09", **files), tmp_path / "staged")
    given = ["--registry", str(commune_month["registry"]), "--payments", *map(str, files["payments"])]
    duck = CliRunner().invoke(cli, ["run", "--period", "2024-09", "--db", str(tmp_path / "r.duckdb"), *given])
    refused = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / "o")
    assert refused.exit_code == duck.exit_code == 2, refused.output
    assert (
        refused.output.strip().splitlines()[-1]
        == duck.stderr.strip().splitlines()[-1]
        == (
            "reconcile: error: the month looks incomplete: most active beneficiaries paid through the post office in "
            "commune 26737 (8 of 8) have no payment row dated in the period; the payment file of the post office in "
            "commune 26737 may be missing: add it with --payments, or pass --partial to reconcile the month without it "
            "(the report will say PARTIAL)"
        )
    )
    assert not (tmp_path / "o" / "flags").exists()
    partial = on_spark(staged.path("registry"), staged.path("payments"), tmp_path / "o", "--partial")
    assert partial.exit_code == 0, partial.output
    assert partial.stdout.startswith("PARTIAL: 2024-09 was reconciled without every source (--partial): ")
    assert "welfare cash (the post office in commune 26737): 8 of 8 active beneficiaries unpaid" in partial.stdout
    with duckdb.connect() as con:
        runs = con.execute(
            f"SELECT partial, missing_sources FROM read_parquet('{tmp_path}/o/runs/*/*.parquet')"
        ).fetchall()
        met = con.execute(
            f"SELECT DISTINCT target_met FROM read_parquet('{tmp_path}/o/noncash_share/*/*/*.parquet') "
            "WHERE channel_group = 'all'"
        ).fetchall()
    assert runs[0][0] is True and '"channel": "cash"' in runs[0][1] and '"commune_code": "26737"' in runs[0][1]
    assert met == [(None,)]


def test_a_similarity_just_under_a_half_hundredth_is_written_alike_on_both_engines(spark):
    """NAME_MISMATCH's detail wrote round(similarity, 2): 0.815 (a double just under it, Dương Xuân Dũng
    against DO XUAN DUNG) read 0.81 on DuckDB and 0.82 on Spark, whose round goes through the decimal.
    Written as floor(x * 100 + 0.5) / 100, computed in doubles, both engines write the same text."""
    rule = (Path(__file__).resolve().parent.parent / "reconcile" / "sql" / "rules" / "NAME_MISMATCH.sql").read_text(
        encoding="utf-8"
    )
    assert "floor(jaro_winkler_similarity(name_key, payee_key) * 100 + 0.5) / 100" in rule
    assert " round(jaro" not in rule and "|| round(" not in rule
    values = [0.815, 0.72499999999999998, 0.425, 0.82, 0.8, 1.0, 0.0, 0.92499999999, 0.9250000001, 0.6666666666666666]
    with duckdb.connect() as con:
        duck = [
            con.execute("SELECT 'similarity ' || (floor(CAST(? AS DOUBLE) * 100 + 0.5) / 100)", [v]).fetchone()[0]
            for v in values
        ]
    sparked = [
        spark.sql(
            f"SELECT concat('similarity ', CAST(floor(CAST({v!r} AS DOUBLE) * 100 + 0.5) / 100 AS STRING))"
        ).collect()[0][0]
        for v in values
    ]
    assert duck == sparked
    assert duck[:3] == ["similarity 0.82", "similarity 0.73", "similarity 0.43"]
