"""The files `reconcile generate` writes: the registry, the banks' payments and the post office's,
as Parquet (canonical columns), CSV and Excel (Vietnamese headers and values as an office writes
them: amounts like 1.500.000, dates dd/mm/yyyy), the CSV files again in Windows-1258 (as a
Vietnamese Windows saves them), and the bank payments as a camt.053 statement, a camt.054
notification and MT940 statements (statements.py); and the month's truth.csv beside them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path

import duckdb

from reconcile.generate.config import BANK_ONLY, EXTENSIONS, GenerateConfig
from reconcile.generate.statements import write_camt, write_mt940
from reconcile.warehouse import quote_literal

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


@dataclass
class MonthWritten:
    """One month written: its folder, its files by format, their rows, and its truth file."""

    period: str
    folder: Path
    files: dict[str, list[Path]]  # format -> files written
    registry_rows: int
    payment_rows: int
    planted: int  # findings in truth.csv
    truth: Path


def write_month(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, out: Path) -> MonthWritten:
    """The month of tables registry_out, payments_out and truth, written into `out`: its files in
    every format asked for, and truth.csv (code, vneid, payment_ref, note)."""
    files = {fmt: write_files(con, cfg, fmt, out) for fmt in cfg.formats}
    truth = out / "truth.csv"
    con.execute(
        f"COPY (SELECT * FROM truth ORDER BY code, vneid, payment_ref) TO {quote_literal(str(truth))} "
        "(HEADER, DELIMITER ',')"
    )
    counts = con.execute(  # counts of whole tables: one row, always
        "SELECT (SELECT count(*) FROM registry_out), (SELECT count(*) FROM payments_out), (SELECT count(*) FROM truth)"
    ).fetchall()[0]
    return MonthWritten(cfg.period, out, files, counts[0], counts[1], counts[2], truth)


def write_files(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, fmt: str, out: Path) -> list[Path]:
    """The month's files in one format (camt, camt054, mt940: the bank payments only); returns their
    paths."""
    written = []
    for name, table, where, columns, order in FILES:
        if fmt in BANK_ONLY and name != "payments_bank":
            continue
        path = out / f"{name}.{EXTENSIONS[fmt]}"
        query = f"SELECT {_select(columns, fmt != 'parquet')} FROM {table} WHERE {where} ORDER BY {order}"
        if fmt == "parquet":
            con.execute(f"COPY ({query}) TO {quote_literal(str(path))} (FORMAT parquet, COMPRESSION zstd)")
        elif fmt == "csv":
            con.execute(f"COPY ({query}) TO {quote_literal(str(path))} (HEADER, DELIMITER ',')")
        elif fmt == "csv1258":
            _csv_1258(con, query, path)
        elif fmt == "xlsx":
            _xlsx(con, query, path, cfg.period)
        else:
            with open(path, "w", encoding="utf-8") as fh:
                if fmt == "mt940":
                    write_mt940(con, cfg, fh)
                else:
                    write_camt(con, cfg, fh, notification=fmt == "camt054")
        written.append(path)
    return written


def _cp1258(char: str) -> str:
    """What Windows-1258 writes for a letter it has no byte for (`ễ`, `ộ`, `Ỹ`): the letter with the
    marks it has a byte for (`ê`, `ô`, `Y`), then the tone mark, which it has as a combining character;
    a character it cannot write at all (not Vietnamese text) is refused with the encoder's error."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    for size in range(len(marks), -1, -1):
        for kept in combinations(range(len(marks)), size):
            letter = unicodedata.normalize("NFC", base + "".join(marks[k] for k in kept))
            written = letter + "".join(m for k, m in enumerate(marks) if k not in kept)
            if len(letter) == 1 and _in_1258(written):
                return written
    char.encode("cp1258")  # raises
    return char


def _in_1258(text: str) -> bool:
    try:
        text.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


def _csv_1258(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    """The CSV file as `csv` writes it, saved in Windows-1258 as a Vietnamese Windows (Excel's "CSV
    (Comma delimited)") saves it: lines ended by CR LF, and a letter the code page has no byte for
    written as its base letter and combining tone mark (`ễ`: `ê` then U+0303)."""
    plain = path.with_name(f".{path.name}.utf8")
    try:
        con.execute(f"COPY ({query}) TO {quote_literal(str(plain))} (HEADER, DELIMITER ',')")
        table: dict[int, str] = {}  # each character Windows-1258 has no byte for: what it writes for it
        with open(plain, encoding="utf-8", newline="") as src, open(path, "wb") as dst:
            while text := src.read(1 << 20):
                for char in set(text):
                    if ord(char) > 127 and ord(char) not in table and not _in_1258(char):
                        table[ord(char)] = _cp1258(char)
                dst.write(text.replace("\n", "\r\n").translate(table).encode("cp1258"))
    finally:
        plain.unlink(missing_ok=True)


def _xlsx(con: duckdb.DuckDBPyConnection, query: str, path: Path, period: str) -> None:
    """One sheet of the query's rows, as text; created on the period's first day rather than now,
    so that the same seed writes the same bytes."""
    import xlsxwriter

    cur = con.execute(query)
    headers = [d[0] for d in cur.description]
    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    wb.set_properties({"created": datetime.strptime(period, "%Y-%m")})
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
