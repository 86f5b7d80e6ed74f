"""The files `reconcile generate` writes: the registry, the banks' payments and the post office's,
as Parquet (canonical columns), CSV and Excel (Vietnamese headers and values as an office writes
them: amounts like 1.500.000, dates dd/mm/yyyy), and the bank payments as a camt.053 statement;
and the month's truth.csv beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from reconcile.generate.config import GenerateConfig
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
    """The month's files in one format (camt: the bank payments only); returns their paths."""
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
            _xlsx(con, query, path, cfg.period)
        else:
            _camt(con, cfg, path)
        written.append(path)
    return written


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


def _camt(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, path: Path) -> None:
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
