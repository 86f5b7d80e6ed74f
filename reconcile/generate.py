"""`reconcile generate`: a synthetic month of any size, with every finding planted and a truth file.

Everything is computed by DuckDB from a row number and a seed (no Python loop over people), and
written straight to the output files, so ten million beneficiaries take about a minute:

- beneficiaries with realistic Vietnamese names, valid 12-digit IDs (a real place-of-birth code,
  century/sex and year digits that agree with the date of birth and gender), the province of that
  birth code and one of its communes on the map of the period, a programme by age, amounts from the
  real benefit levels (social assistance: the standard level, 360,000 before July 2024 and 500,000
  since, times the Decree 20/2021 coefficients; pensions 3 to 12 million), and a channel drawn
  to the non-cash share asked for;
- each beneficiary gets one scenario: paid as registered, or one of the planted cases below at its
  rate; `truth.csv` lists every finding each planted case must produce (code, vneid, payment_ref);
- payments of the banks (bank and e-wallet) and of the post office (cash) in the formats asked
  for: Parquet, CSV (Vietnamese headers, amounts like 1.500.000, dates dd/mm/yyyy), Excel, and
  camt.053 XML for the bank file.
"""

from __future__ import annotations

import csv
import shutil
import time
from dataclasses import dataclass, field, fields
from datetime import date
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from reconcile import areas, normalize
from reconcile.config import check_period
from reconcile.errors import ReconcileError
from reconcile.pipeline import period_bounds
from reconcile.warehouse import MEMORY_LIMIT, quote_literal

FORMATS = ("parquet", "csv", "xlsx", "camt")
EXCEL_ROWS = 1_048_575
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = {
    0: ["Văn", "Đức", "Hữu", "Minh", "Quang", "Công", "Xuân"],
    1: ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Thị Thanh", "Thị Minh"],
}
GIVEN = {
    0: ["Hùng", "Dũng", "Bình", "Hải", "Tuấn", "Thắng", "Long", "Phúc", "Sơn", "Toàn", "Khải", "Đạt"],
    1: ["Hoa", "Lan", "Mai", "Hương", "Hằng", "Nhung", "Thủy", "Loan", "Yến", "Huệ", "Quyên", "Ngân"],
}
BANKS = ["VBA", "ICB", "BIDV", "VCB", "LPB", "MB", "TCB", "ACB"]
EWALLETS = ["VIETTELMONEY", "VNPTMONEY"]
COEFFICIENTS = [1.0, 1.5, 2.0, 2.5, 3.0]


@dataclass
class Rates:
    """Share of beneficiaries on which each case is planted (the rest are paid as registered)."""

    missing: float = 0.01  # no payment: MISSING_PAYMENT
    amount: float = 0.005  # paid 50,000 less: AMOUNT_MISMATCH
    duplicate: float = 0.002  # paid twice: DUPLICATE_PAYMENT and AMOUNT_MISMATCH
    deceased: float = 0.001  # deceased last month, still paid: PAID_AFTER_DEATH
    suspended: float = 0.001  # suspended, still paid: PAID_WHILE_INACTIVE
    account: float = 0.002  # paid into an unregistered account: ACCOUNT_MISMATCH
    name: float = 0.002  # another person's name on the transfer: NAME_MISMATCH
    shared: float = 0.0015  # three beneficiaries registered to one account: SHARED_ACCOUNT each
    invalid_id: float = 0.001  # ID's century digit wrong: INVALID_VNEID
    cash: float = 0.001  # registered for transfers, paid at the post office: CASH_DESPITE_ACCOUNT
    returned: float = 0.001  # the only transfer returned: PAYMENT_FAILED and MISSING_PAYMENT
    twice_listed: float = 0.0005  # listed twice in the registry: DUPLICATE_BENEFICIARY
    out_of_period: float = 0.0005  # paid last month only: OUT_OF_PERIOD and MISSING_PAYMENT
    unknown: float = 0.001  # paid, but not in the registry: UNKNOWN_PAYEE

    def total(self) -> float:
        return sum(getattr(self, f.name) for f in fields(self))


@dataclass
class GenerateConfig:
    beneficiaries: int
    period: str = "2024-09"
    seed: int = 1
    out: Path = Path("month")
    formats: tuple[str, ...] = ("parquet",)
    noncash_share: float = 0.97
    rates: Rates = field(default_factory=Rates)
    memory_limit: str = "2GB"


@dataclass
class GenerateResult:
    files: dict[str, list[Path]]  # format -> files written
    registry_rows: int
    payment_rows: int
    planted: int  # findings in truth.csv
    truth: Path
    seconds: float


def _list(values) -> str:
    return "[" + ", ".join(quote_literal(str(v)) if not isinstance(v, (int, float)) else str(v) for v in values) + "]"


def _check(cfg: GenerateConfig) -> None:
    check_period(cfg.period)
    if cfg.beneficiaries < 1:
        raise ReconcileError("--beneficiaries must be at least 1")
    unknown = [f for f in cfg.formats if f not in FORMATS]
    if unknown:
        raise ReconcileError(f"unknown format '{unknown[0]}'; use any of {', '.join(FORMATS)}")
    if not 0 <= cfg.noncash_share <= 1:
        raise ReconcileError("--noncash-share must be between 0 and 1")
    if not MEMORY_LIMIT.match(cfg.memory_limit):
        raise ReconcileError(f"--memory-limit '{cfg.memory_limit}' is not a size; give one such as 800MB or 2GB")
    if cfg.rates.total() > 0.5:
        raise ReconcileError("the planted rates add up to more than half the beneficiaries; lower them")
    if "xlsx" in cfg.formats and cfg.beneficiaries > EXCEL_ROWS - 10_000:
        raise ReconcileError(
            f"an Excel sheet holds {EXCEL_ROWS:,} rows, fewer than this month needs; "
            "leave xlsx out of --formats, or generate fewer beneficiaries"
        )
    if "camt" in cfg.formats and cfg.beneficiaries > 2_000_000:
        raise ReconcileError(
            "camt XML of more than 2,000,000 beneficiaries would be several GB; "
            "leave camt out of --formats, or generate fewer beneficiaries"
        )


def generate(cfg: GenerateConfig) -> GenerateResult:
    """Write the month's files into cfg.out and return what was written."""
    _check(cfg)
    t0 = time.perf_counter()
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        # bounded memory: DuckDB spills what does not fit to a folder beside the output, removed after
        con.execute(f"SET temp_directory = {quote_literal(str(out / '.generate.tmp'))}")
        con.execute(f"SET memory_limit = {quote_literal(cfg.memory_limit)}")
        normalize.install(con)
        _people(con, cfg)
        _payments(con, cfg)
        _truth(con)
        files = {fmt: _write(con, cfg, fmt, out) for fmt in cfg.formats}
        truth = out / "truth.csv"
        con.execute(
            f"COPY (SELECT * FROM truth ORDER BY code, vneid, payment_ref) TO {quote_literal(str(truth))} "
            "(HEADER, DELIMITER ',')"
        )
        counts = con.execute(
            "SELECT (SELECT count(*) FROM registry_out), (SELECT count(*) FROM payments_out), "
            "(SELECT count(*) FROM truth)"
        ).fetchone()
    finally:
        con.close()
        shutil.rmtree(out / ".generate.tmp", ignore_errors=True)
    return GenerateResult(files, counts[0], counts[1], counts[2], truth, time.perf_counter() - t0)


def _people(con, cfg: GenerateConfig) -> None:
    start, _ = period_bounds(cfg.period)
    layout = areas.layout_for(cfg.period)
    standard = 500_000 if start >= date(2024, 7, 1) else 360_000
    births = con.execute(
        "SELECT cccd_code, gso_code_pre2025, province_code_2025 FROM ref_birth_province ORDER BY cccd_code"
    ).fetchall()
    con.execute(
        "CREATE TEMP TABLE births AS SELECT * FROM (VALUES "
        + ", ".join(f"({i}, '{c}', '{g}', '{p}')" for i, (c, g, p) in enumerate(births))
        + ") t(k, cccd, gso, p2025)"
    )
    con.execute("""CREATE TEMP TABLE communes AS
        SELECT province_code, commune_code,
               row_number() OVER (PARTITION BY province_code ORDER BY commune_code) - 1 AS k,
               count(*) OVER (PARTITION BY province_code) AS n
        FROM ref_commune""")
    # cumulative thresholds of the scenarios, in a fixed order
    edges, acc = [], 0.0
    for f in fields(Rates):
        acc += getattr(cfg.rates, f.name)
        edges.append((f.name, acc))
    scenario = "CASE " + " ".join(f"WHEN u_s < {edge!r} THEN '{name}'" for name, edge in edges) + " ELSE 'paid' END"
    nb = len(births)
    con.execute(
        f"""
        CREATE TEMP TABLE base AS
        WITH r AS (
            SELECT i,
                   (hash(i, $seed, 's') % 1000000) / 1000000.0 AS u_s,
                   (hash(i, $seed, 'c') % 1000000) / 1000000.0 AS u_c,
                   hash(i, $seed, 'h') AS h,
                   i % {nb} AS bk, (i // {nb}) % 2 AS female, 1935 + (i // {2 * nb}) % 85 AS born,
                   i // {2 * nb * 85} AS serial
            FROM range($n) t(i)
        )
        SELECT r.*, {scenario} AS scenario, b.cccd, b.gso, b.p2025
        FROM r JOIN births AS b ON b.k = r.bk""",
        {"n": cfg.beneficiaries, "seed": cfg.seed},
    )
    # cases that need a transfer beneficiary born before 2000 fall back to 'paid' otherwise; the
    # shared-account case needs whole groups of three
    con.execute("""
        CREATE TEMP TABLE people AS
        WITH s AS (
            SELECT *, CASE WHEN scenario = 'invalid_id' AND born >= 2000 THEN 'paid' ELSE scenario END AS sc
            FROM base
        ),
        shared AS (
            SELECT i, row_number() OVER (ORDER BY i) - 1 AS rk, count(*) OVER () AS n FROM s WHERE sc = 'shared'
        )
        SELECT s.* EXCLUDE (scenario, sc),
               CASE WHEN s.sc = 'shared' AND sh.rk >= sh.n - sh.n % 3 THEN 'paid' ELSE s.sc END AS scenario,
               CASE WHEN s.sc = 'shared' AND sh.rk < sh.n - sh.n % 3 THEN sh.rk // 3 END AS shared_group
        FROM s LEFT JOIN shared AS sh USING (i)""")
    con.execute(
        f"""
        CREATE TEMP TABLE registry_src AS
        WITH p AS (
            SELECT *,
                   CASE WHEN born <= 1966 AND h % 100 < 45 THEN 'pension' ELSE 'welfare' END AS program,
                   scenario IN ('account', 'name', 'shared', 'cash', 'returned') AS needs_bank
            FROM people
        ),
        c AS (
            SELECT p.*,
                   CASE WHEN needs_bank THEN 'bank'
                        WHEN u_c >= $noncash THEN 'cash'
                        WHEN (h // 7) % 10 = 0 AND program = 'welfare' THEN 'ewallet'
                        ELSE 'bank' END AS channel,
                   {_list(FAMILY)}[(1 + (h // 11) % {len(FAMILY)})::INTEGER] AS fam,
                   CASE WHEN female = 1 THEN {_list(MIDDLE[1])}[(1 + (h // 13) % {len(MIDDLE[1])})::INTEGER]
                        ELSE {_list(MIDDLE[0])}[(1 + (h // 13) % {len(MIDDLE[0])})::INTEGER] END AS mid,
                   CASE WHEN female = 1 THEN {_list(GIVEN[1])}[(1 + (h // 17) % {len(GIVEN[1])})::INTEGER]
                        ELSE {_list(GIVEN[0])}[(1 + (h // 17) % {len(GIVEN[0])})::INTEGER] END AS given
            FROM p
        )
        SELECT
            i, scenario, shared_group, program, channel,
            cccd || ((CASE WHEN born >= 2000 THEN 2 ELSE 0 END) + female
                     + CASE WHEN scenario = 'invalid_id' THEN 2 ELSE 0 END)::VARCHAR
                 || lpad((born % 100)::VARCHAR, 2, '0') || lpad((serial % 1000000)::VARCHAR, 6, '0') AS vneid,
            fam || ' ' || mid || ' ' || given AS full_name,
            make_date(born, 1 + ((h // 19) % 12)::INTEGER, 1 + ((h // 23) % 28)::INTEGER) AS date_of_birth,
            CASE WHEN female = 1 THEN 'female' ELSE 'male' END AS gender,
            CASE WHEN program = 'pension' THEN 3000000 + ((h // 29) % 9000) * 1000
                 ELSE CAST({standard} * {_list(COEFFICIENTS)}[(1 + (h // 29) % {len(COEFFICIENTS)})::INTEGER] AS BIGINT)
            END AS entitled_amount,
            CASE WHEN channel = 'bank' THEN {_list(BANKS)}[(1 + (h // 31) % {len(BANKS)})::INTEGER]
                 WHEN channel = 'ewallet' THEN {_list(EWALLETS)}[(1 + (h // 31) % {len(EWALLETS)})::INTEGER] END AS bank_code,
            CASE WHEN channel <> 'cash' THEN '0' || lpad(i::VARCHAR, 12, '0') END AS account_number,
            CASE WHEN $layout = '2025' THEN p2025 ELSE gso END AS province_code,
            p2025,
            h,
            CASE WHEN scenario = 'deceased' THEN 'deceased' WHEN scenario = 'suspended' THEN 'suspended'
                 ELSE 'active' END AS status,
            CASE WHEN scenario = 'deceased' THEN DATE '{start}' - INTERVAL 15 DAY END::DATE AS date_of_death
        FROM c""",
        {"noncash": cfg.noncash_share, "layout": layout},
    )
    # one registered account for each group of three sharing one; a commune of the birth province
    con.execute("""
        CREATE TEMP TABLE registry_out AS
        WITH shared AS (
            SELECT shared_group, min(account_number) AS acct FROM registry_src WHERE shared_group IS NOT NULL
            GROUP BY shared_group
        ),
        sizes AS (SELECT DISTINCT province_code, n FROM communes),
        placed AS (  -- which of its province's communes: an equality join, not a scan of them all
            SELECT r.*, r.h % z.n AS ck FROM registry_src AS r LEFT JOIN sizes AS z ON z.province_code = r.p2025
        )
        SELECT r.i, r.scenario, r.vneid, r.full_name, r.date_of_birth, r.gender, r.program, r.entitled_amount,
               r.channel, CASE WHEN r.shared_group IS NOT NULL THEN 'VBA' ELSE r.bank_code END AS bank_code,
               coalesce(s.acct, r.account_number) AS account_number, r.province_code,
               cm.commune_code, r.status, r.date_of_death, r.h
        FROM placed AS r
        LEFT JOIN shared AS s USING (shared_group)
        LEFT JOIN communes AS cm ON cm.province_code = r.p2025 AND cm.k = r.ck
        WHERE r.scenario <> 'unknown'
        UNION ALL
        SELECT i + 1000000000000, 'listed again', vneid, full_name, date_of_birth, gender, program, entitled_amount,
               channel, bank_code, account_number, province_code, NULL, status, date_of_death, h
        FROM registry_src WHERE scenario = 'twice_listed'""")


def _payments(con, cfg: GenerateConfig) -> None:
    start, _ = period_bounds(cfg.period)
    tag = f"T{start:%m/%Y}"
    before = date.fromordinal(start.toordinal() - 1)
    con.execute(f"""
        CREATE TEMP TABLE payments_src AS
        WITH who AS (
            SELECT r.i, r.scenario, r.vneid, r.full_name, r.date_of_birth, r.program, r.entitled_amount, r.channel,
                   r.bank_code, r.account_number, r.h
            FROM registry_out AS r WHERE r.scenario NOT IN ('missing', 'listed again')
            UNION ALL
            SELECT i, scenario, vneid, full_name, date_of_birth, program, entitled_amount, 'bank', bank_code,
                   '8' || lpad(i::VARCHAR, 12, '0'), h
            FROM registry_src WHERE scenario = 'unknown'
        ),
        pays AS (
            SELECT *, 1 AS nth FROM who
            UNION ALL
            SELECT *, 2 FROM who WHERE scenario = 'duplicate'
        )
        SELECT
            i, nth, scenario, program,
            CASE WHEN scenario = 'cash' THEN 'cash' ELSE channel END AS channel,
            vneid,
            CASE WHEN scenario = 'name' THEN
                     CASE WHEN full_name LIKE 'Phạm%' THEN 'LE VAN TUAN' ELSE 'PHAM VAN TUAN' END
                 WHEN channel = 'cash' OR scenario = 'cash' THEN full_name
                 ELSE upper(strip_accents(replace(replace(full_name, 'Đ', 'D'), 'đ', 'd'))) END AS payee_name,
            date_of_birth,
            CASE WHEN scenario = 'cash' THEN NULL ELSE bank_code END AS bank_code,
            CASE WHEN scenario = 'cash' THEN NULL
                 WHEN scenario = 'account' THEN '9' || lpad(i::VARCHAR, 12, '0') ELSE account_number END AS account_number,
            CASE WHEN scenario = 'amount' THEN entitled_amount - 50000 ELSE entitled_amount END AS amount,
            CASE WHEN scenario = 'out_of_period' THEN DATE '{before}'
                 WHEN channel = 'cash' OR scenario = 'cash' THEN DATE '{start}' + (10 + h % 15)::INTEGER
                 WHEN nth = 2 THEN DATE '{start}' + 4
                 ELSE DATE '{start}' + (1 + h % 3)::INTEGER END AS value_date,
            CASE WHEN scenario = 'returned' THEN 'returned' ELSE 'success' END AS status,
            h
        FROM pays""")
    con.execute(f"""
        CREATE TEMP TABLE payments_out AS
        SELECT
            CASE WHEN channel = 'cash' THEN 'BD' ELSE 'FT' END || '{start:%Y%m}'
                || lpad(row_number() OVER (ORDER BY channel = 'cash', i, nth)::VARCHAR, 9, '0') AS payment_ref,
            i, nth, scenario, channel, program,
            -- about one transfer in ten carries the ID only in its narrative, one in twenty no ID at all
            CASE WHEN channel <> 'cash' AND scenario = 'paid' AND h % 20 < 3 THEN NULL ELSE vneid END AS vneid,
            payee_name, date_of_birth, bank_code, account_number, amount, value_date, status,
            CASE WHEN channel = 'cash' THEN NULL
                 WHEN scenario = 'paid' AND h % 20 < 2 THEN
                     CASE WHEN program = 'pension' THEN 'BHXH chi luong huu {tag} CCCD ' || vneid
                          ELSE 'Chi tra tro cap xa hoi {tag} CCCD ' || vneid END
                 WHEN program = 'pension' THEN 'BHXH chi luong huu {tag}'
                 ELSE 'Chi tra tro cap xa hoi {tag}' END
                 || CASE WHEN scenario = 'returned' THEN ' - hoan tra AC04 tai khoan da dong' ELSE '' END AS narrative
        FROM payments_src""")


def _truth(con) -> None:
    """Every finding each planted case must produce."""
    con.execute("""
        CREATE TEMP TABLE truth AS
        WITH first_pay AS (SELECT * FROM payments_out WHERE nth = 1),
        second_pay AS (SELECT * FROM payments_out WHERE nth = 2)
        SELECT 'MISSING_PAYMENT' AS code, vneid, NULL AS payment_ref, 'no payment' AS note
            FROM registry_out WHERE scenario = 'missing'
        UNION ALL SELECT 'AMOUNT_MISMATCH', vneid, payment_ref, 'paid 50,000 less' FROM first_pay WHERE scenario = 'amount'
        UNION ALL SELECT 'DUPLICATE_PAYMENT', vneid, payment_ref, 'paid a second time' FROM second_pay
        UNION ALL SELECT 'AMOUNT_MISMATCH', vneid, payment_ref, 'paid twice the amount due' FROM first_pay
            WHERE scenario = 'duplicate'
        UNION ALL SELECT 'PAID_AFTER_DEATH', vneid, payment_ref, 'deceased last month' FROM first_pay
            WHERE scenario = 'deceased'
        UNION ALL SELECT 'PAID_WHILE_INACTIVE', vneid, payment_ref, 'suspended' FROM first_pay WHERE scenario = 'suspended'
        UNION ALL SELECT 'ACCOUNT_MISMATCH', vneid, payment_ref, 'paid into another account' FROM first_pay
            WHERE scenario = 'account'
        UNION ALL SELECT 'NAME_MISMATCH', vneid, payment_ref, 'another person''s name' FROM first_pay
            WHERE scenario = 'name'
        UNION ALL SELECT 'SHARED_ACCOUNT', vneid, payment_ref, 'three beneficiaries on one account' FROM first_pay
            WHERE scenario = 'shared'
        UNION ALL SELECT 'INVALID_VNEID', vneid, NULL, 'century digit contradicts the date of birth'
            FROM registry_out WHERE scenario = 'invalid_id'
        UNION ALL SELECT 'CASH_DESPITE_ACCOUNT', vneid, payment_ref, 'paid in cash though registered for transfers'
            FROM first_pay WHERE scenario = 'cash'
        UNION ALL SELECT 'PAYMENT_FAILED', vneid, payment_ref, 'returned: account closed' FROM first_pay
            WHERE scenario = 'returned'
        UNION ALL SELECT 'MISSING_PAYMENT', vneid, NULL, 'its only transfer was returned' FROM registry_out
            WHERE scenario = 'returned'
        UNION ALL SELECT 'DUPLICATE_BENEFICIARY', vneid, NULL, 'listed twice' FROM registry_out
            WHERE scenario = 'listed again'
        UNION ALL SELECT 'OUT_OF_PERIOD', vneid, payment_ref, 'paid last month' FROM first_pay
            WHERE scenario = 'out_of_period'
        UNION ALL SELECT 'MISSING_PAYMENT', vneid, NULL, 'paid last month only' FROM registry_out
            WHERE scenario = 'out_of_period'
        UNION ALL SELECT 'UNKNOWN_PAYEE', vneid, payment_ref, 'not in the registry' FROM first_pay
            WHERE scenario = 'unknown'""")


# --- writing ---------------------------------------------------------------------------------------

REGISTRY_VI = {  # canonical column -> Vietnamese header of the CSV and Excel files
    "vneid": "Số định danh cá nhân",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "gender": "Giới tính",
    "program": "Chế độ",
    "entitled_amount": "Số tiền hưởng",
    "channel": "Hình thức chi trả",
    "bank_code": "Mã ngân hàng",
    "account_number": "Số tài khoản",
    "province_code": "Mã tỉnh",
    "commune_code": "Mã xã",
    "status": "Trạng thái",
    "date_of_death": "Ngày mất",
}
BANK_VI = {
    "payment_ref": "Số tham chiếu",
    "vneid": "Số định danh",
    "payee_name": "Tên người thụ hưởng",
    "bank_code": "Ngân hàng thụ hưởng",
    "account_number": "Số tài khoản",
    "amount": "Số tiền",
    "value_date": "Ngày giao dịch",
    "channel": "Kênh chi trả",
    "status": "Trạng thái",
    "narrative": "Nội dung",
}
POST_VI = {
    "payment_ref": "Mã giao dịch",
    "vneid": "Số CCCD",
    "payee_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "program": "Chế độ",
    "amount": "Số tiền",
    "value_date": "Ngày chi trả",
    "channel": "Hình thức chi trả",
    "status": "Trạng thái",
}
VI_VALUES = {
    "program": {"welfare": "Trợ cấp xã hội", "pension": "Lương hưu"},
    "channel": {"bank": "Chuyển khoản", "ewallet": "Ví điện tử", "cash": "Tiền mặt"},
    "status": {
        "active": "Đang hưởng",
        "deceased": "Đã chết",
        "suspended": "Tạm dừng",
        "success": "Thành công",
        "returned": "Hoàn trả",
    },
    "gender": {"male": "Nam", "female": "Nữ"},
}


def _select(columns: dict[str, str], text: bool) -> str:
    """The SELECT list of an output file: canonical names (Parquet) or Vietnamese headers and values
    as an office writes them (CSV, Excel): amounts like 1.500.000, dates dd/mm/yyyy."""
    out = []
    for canon, header in columns.items():
        col = canon
        if text:
            if canon in ("amount", "entitled_amount"):
                col = f"replace(format('{{:,}}', {canon}), ',', '.')"
            elif canon in ("value_date", "date_of_birth", "date_of_death"):
                col = f"strftime({canon}, '%d/%m/%Y')"
            elif canon in VI_VALUES:
                whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in VI_VALUES[canon].items())
                col = f"CASE {canon} {whens} ELSE {canon} END"
        out.append(f'{col} AS "{header if text else canon}"')
    return ", ".join(out)


FILES = (  # name, table, filter, columns, order
    ("registry", "registry_out", "TRUE", REGISTRY_VI, "i"),
    ("payments_bank", "payments_out", "channel <> 'cash'", BANK_VI, "payment_ref"),
    ("payments_post", "payments_out", "channel = 'cash'", POST_VI, "payment_ref"),
)


def _write(con, cfg: GenerateConfig, fmt: str, out: Path) -> list[Path]:
    written = []
    for name, table, where, columns, order in FILES:
        if fmt == "camt" and name != "payments_bank":
            continue
        ext = {"parquet": "parquet", "csv": "csv", "xlsx": "xlsx", "camt": "xml"}[fmt]
        path = out / f"{name}.{ext}"
        query = f"SELECT {_select(columns, fmt != 'parquet')} FROM {table} WHERE {where} ORDER BY {order}"
        if fmt == "parquet":
            con.execute(f"COPY ({query}) TO {quote_literal(str(path))} (FORMAT parquet, COMPRESSION zstd)")
        elif fmt == "csv":
            con.execute(f"COPY ({query}) TO {quote_literal(str(path))} (HEADER, DELIMITER ',')")
        elif fmt == "xlsx":
            _xlsx(con, query, path)
        else:
            _camt(con, cfg, path)
        written.append(path)
    return written


def _xlsx(con, query: str, path: Path) -> None:
    import xlsxwriter

    cur = con.execute(query)
    headers = [d[0] for d in cur.description]
    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    ws = wb.add_worksheet("Danh sách")
    ws.write_row(0, 0, headers)
    row = 1
    while batch := cur.fetchmany(10_000):
        for values in batch:
            for c, v in enumerate(values):
                if v is not None:
                    ws.write_string(row, c, str(v))
            row += 1
    wb.close()


def _camt(con, cfg: GenerateConfig, path: Path) -> None:
    """The bank payments as the paying account's camt.053 statement, one booked entry each."""
    banks = pl.read_csv(
        resources.files("reconcile.data").joinpath("banks.csv").read_bytes(), comment_prefix="#", infer_schema=False
    )
    swift = {b["code"]: b["swift"] for b in banks.iter_rows(named=True) if b["swift"]}
    # camt has no ID field: a bank that knows the ID writes it in the remittance text
    rows = con.execute("""
        SELECT payment_ref, amount, strftime(value_date, '%Y-%m-%d'), payee_name, account_number, bank_code,
               CASE WHEN vneid IS NOT NULL AND narrative NOT LIKE '%CCCD%' THEN narrative || ' CCCD ' || vneid
                    ELSE narrative END,
               status
        FROM payments_out WHERE channel <> 'cash' ORDER BY payment_ref""")

    def esc(text) -> str:
        return "" if text is None else str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    with open(path, "w", encoding="utf-8") as fh:
        fh.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>\n'
            f"<GrpHdr><MsgId>GEN-{cfg.period}-{cfg.seed}</MsgId><CreDtTm>{cfg.period}-28T00:00:00</CreDtTm>"
            "</GrpHdr>\n<Stmt><Id>GEN</Id><Acct><Id><Othr><Id>37610001054321</Id></Othr></Id></Acct>\n"
        )
        while batch := rows.fetchmany(10_000):
            for ref, amount, day, name, account, bank, narrative, status in batch:
                bic = swift.get(bank)
                agent = (
                    f"<RltdAgts><CdtrAgt><FinInstnId><BIC>{bic}</BIC></FinInstnId></CdtrAgt></RltdAgts>"
                    if bic
                    else f"<RltdAgts><CdtrAgt><FinInstnId><Nm>{esc(bank)}</Nm></FinInstnId></CdtrAgt></RltdAgts>"
                )
                parties = (
                    f"<RltdPties><Cdtr><Nm>{esc(name)}</Nm></Cdtr><CdtrAcct><Id><Othr><Id>{esc(account)}"
                    f"</Id></Othr></Id></CdtrAcct></RltdPties>{agent}"
                )
                fh.write(
                    f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
                    f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><NtryDtls><TxDtls>"
                    f"<Refs><EndToEndId>{esc(ref)}</EndToEndId></Refs>{parties}"
                    f"<RmtInf><Ustrd>{esc(narrative)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
                )
                if status == "returned":  # the money comes back as a credit carrying the return reason
                    fh.write(
                        f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
                        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><NtryDtls><TxDtls>"
                        f"<Refs><EndToEndId>{esc(ref)}</EndToEndId></Refs>{parties}"
                        f"<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>\n"
                    )
        fh.write("</Stmt></BkToCstmrStmt></Document>\n")


def read_truth(path: Path) -> list[tuple[str, str | None, str | None]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return sorted((r["code"], r["vneid"] or None, r["payment_ref"] or None) for r in csv.DictReader(fh))
