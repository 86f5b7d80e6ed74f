"""The sample month rewritten the way real files arrive: one layout, encoding and format per file.

`write_mixed_month(folder)` takes the canonical sample month (fixtures/sample) and writes the same
rows as
- registry.xlsx: the registry under a title block, with a total row (profile vn-registry);
- bank_statement.xlsx: the paying account's statement, debit and credit columns, opening and
  closing balances, money in, totals (vn-bank-statement);
- bank_cp1258.csv: a disbursement list in Windows-1258 with semicolons, a title block and a total
  row (vn-bank-disbursement);
- bank_unicode.txt: a disbursement list saved by Excel as "Unicode Text" (UTF-16, tabs);
- bank_camt053.xml: the account's ISO 20022 camt.053 statement (debits and a funding credit);
- buu_dien.xlsx: the post office's cash payout list with a signature column (vnpost-cash-payout).
The bank rows are split between the four bank files by groups of rows that share an ID, an
account or a name, so that every finding of the canonical month is found the same way.
`make fixtures` writes them to fixtures/layouts; a test checks the committed files are these.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "fixtures" / "sample"
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
STATEMENT_HEADERS = [
    "STT",
    "Ngày giao dịch",
    "Số bút toán",
    "Diễn giải",
    "Tên đối ứng",
    "Tài khoản đối ứng",
    "Ngân hàng đối ứng",
    "Ghi nợ",
    "Ghi có",
    "Số dư",
]
DISBURSEMENT_HEADERS = [
    "STT",
    "Số tham chiếu",
    "Số định danh",
    "Tên người thụ hưởng",
    "Ngân hàng thụ hưởng",
    "Số tài khoản",
    "Số tiền",
    "Ngày giao dịch",
    "Trạng thái",
    "Nội dung",
]
POST_HEADERS = [
    "STT",
    "Mã giao dịch",
    "Số CCCD",
    "Họ và tên",
    "Ngày sinh",
    "Chế độ",
    "Số tiền",
    "Ngày chi trả",
    "Trạng thái",
    "Ký nhận",
]


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            marks = "".join(c for c in parts if c in TONE_MARKS)
            out.append((base + marks).encode("cp1258"))
    return b"".join(out)


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), list(reader)


def _amount(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _groups(rows: list[dict]) -> list[list[int]]:
    """Row indexes grouped by shared ID (column or narrative), account, name or reference."""
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        keys = [
            row["Số định danh"],
            row["Số tài khoản"],
            row["Tên người thụ hưởng"],
            row["Số tham chiếu"],
            *re.findall(r"\d{12}", row["Nội dung"]),
        ]
        for key in filter(None, keys):
            if key in seen:
                parent[find(i)] = find(seen[key])
            else:
                seen[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def _split_bank(rows: list[dict]) -> dict[str, list[dict]]:
    """Statement and camt: groups paid by bank transfer, all successful, none with an ID column value.
    cp1258 list (no channel column): other groups all by bank. UTF-16 list: the rest (e-wallets)."""
    parts: dict[str, list[int]] = {"statement": [], "camt": [], "cp1258": [], "unicode": []}
    for n, group in enumerate(_groups(rows)):
        members = [rows[i] for i in group]
        bank = all(r["Kênh chi trả"] == "Chuyển khoản" for r in members)
        if bank and all(r["Trạng thái"] == "Thành công" and not r["Số định danh"] for r in members) and n % 2 == 0:
            parts["statement" if n % 4 == 0 else "camt"] += group
        elif bank and n % 3 != 0:
            parts["cp1258"] += group
        else:
            parts["unicode"] += group
    return {name: [rows[i] for i in sorted(idx)] for name, idx in parts.items()}


def _xlsx(path: Path, title: list[list], header: list[str], body: list[list], footer: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for row in [*title, header, *body, *footer]:
        ws.append(row)
    wb.properties.created = wb.properties.modified = datetime(2024, 10, 1)  # same bytes every time
    wb.save(path)


def write_registry(folder: Path) -> Path:
    header, rows = _rows(SAMPLE / "registry.csv")
    body = [[r[h] for h in header] for r in rows]
    total = sum(_amount(r["Số tiền hưởng"]) for r in rows if re.fullmatch(r"[\d.]+", r["Số tiền hưởng"]))
    path = folder / "registry.xlsx"
    _xlsx(
        path,
        [["UBND XÃ ĐÔNG HÒA"], ["DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP, LƯƠNG HƯU THÁNG 09/2024"], []],
        header,
        body,
        [["Tổng cộng", None, None, None, None, None, None, f"{total:,}".replace(",", ".")]],
    )
    return path


def write_bank(folder: Path) -> list[Path]:
    _, rows = _rows(SAMPLE / "bank_transfers.csv")
    parts = _split_bank(rows)
    out = []

    # the statement of the paying account, debits and credits
    balance = 2_000_000_000
    body = [
        [None, "01/09/2024", None, "Số dư đầu kỳ", None, None, None, None, None, f"{balance:,}".replace(",", ".")],
        [
            None,
            "01/09/2024",
            "NK0001",
            "Nhận kinh phí chi trả trợ cấp tháng 09/2024 từ KBNN",
            "KHO BAC NHA NUOC",
            "3761",
            "KBNN",
            None,
            "500.000.000",
            None,
        ],
    ]
    balance += 500_000_000
    for n, r in enumerate(parts["statement"], start=1):
        amount = _amount(r["Số tiền"])
        balance -= amount
        body.append(
            [
                n,
                r["Ngày giao dịch"],
                r["Số tham chiếu"],
                r["Nội dung"],
                r["Tên người thụ hưởng"],
                r["Số tài khoản"],
                r["Ngân hàng thụ hưởng"],
                f"{amount:,}".replace(",", "."),
                None,
                f"{balance:,}".replace(",", "."),
            ]
        )
    debits = sum(_amount(r["Số tiền"]) for r in parts["statement"])
    footer = [
        [None, "Tổng phát sinh", None, None, None, None, None, f"{debits:,}".replace(",", "."), "500.000.000"],
        [None, "30/09/2024", None, "Số dư cuối kỳ", None, None, None, None, None, f"{balance:,}".replace(",", ".")],
    ]
    path = folder / "bank_statement.xlsx"
    _xlsx(
        path,
        [
            ["NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM - CHI NHÁNH THANH HÓA"],
            ["SAO KÊ TÀI KHOẢN"],
            ["Chủ tài khoản: PHÒNG VĂN HÓA - XÃ HỘI XÃ ĐÔNG HÒA", None, None, "Số tài khoản: 3761.0.1054321"],
            ["Từ ngày 01/09/2024 đến ngày 30/09/2024"],
            [],
        ],
        STATEMENT_HEADERS,
        body,
        footer,
    )
    out.append(path)

    # the same account's statement as ISO 20022 camt.053
    path = folder / "bank_camt053.xml"
    path.write_text(camt053(parts["camt"]), encoding="utf-8")
    out.append(path)

    # a disbursement list from an old system: Windows-1258, semicolons, title block and total row
    lines = [
        ["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM"],
        ["DANH SÁCH CHI TRẢ TRỢ CẤP QUA TÀI KHOẢN THÁNG 09/2024"],
        [],
        DISBURSEMENT_HEADERS,
    ]
    for n, r in enumerate(parts["cp1258"], start=1):
        lines.append(
            [
                str(n),
                r["Số tham chiếu"],
                r["Số định danh"],
                r["Tên người thụ hưởng"],
                r["Ngân hàng thụ hưởng"],
                r["Số tài khoản"],
                r["Số tiền"].replace(",", "."),
                r["Ngày giao dịch"],
                r["Trạng thái"],
                r["Nội dung"],
            ]
        )
    total = sum(_amount(r["Số tiền"]) for r in parts["cp1258"])
    lines.append(["Tổng cộng", "", "", "", "", "", f"{total:,}".replace(",", "."), "", "", ""])
    path = folder / "bank_cp1258.csv"
    path.write_bytes(b"".join(cp1258(";".join(line)) + b"\r\n" for line in lines))
    out.append(path)

    # the same layout saved by Excel as "Unicode Text": UTF-16 with BOM, tab-separated, with a channel column
    header = [*DISBURSEMENT_HEADERS[:8], "Kênh chi trả", *DISBURSEMENT_HEADERS[8:]]
    lines = [header]
    for n, r in enumerate(parts["unicode"], start=1):
        lines.append(
            [
                str(n),
                r["Số tham chiếu"],
                r["Số định danh"],
                r["Tên người thụ hưởng"],
                r["Ngân hàng thụ hưởng"],
                r["Số tài khoản"],
                r["Số tiền"],
                r["Ngày giao dịch"],
                r["Kênh chi trả"],
                r["Trạng thái"],
                r["Nội dung"],
            ]
        )
    path = folder / "bank_unicode.txt"
    path.write_bytes("\r\n".join("\t".join(line) for line in lines).encode("utf-16"))
    out.append(path)
    return out


def _swift() -> dict[str, str]:
    with open(REPO / "reconcile" / "data" / "banks.csv", encoding="utf-8") as fh:
        return {r["code"]: r["swift"] for r in csv.DictReader(line for line in fh if not line.startswith("#"))}


def _iso(day: str) -> str:
    d, m, y = day.split("/")
    return f"{y}-{m}-{d}"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


CAMT_CREDIT = """    <Ntry>
      <Amt Ccy="VND">500000000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2024-09-01</Dt></BookgDt><ValDt><Dt>2024-09-01</Dt></ValDt>
      <NtryDtls><TxDtls>
        <Refs><EndToEndId>KBNN-2024-09-0001</EndToEndId></Refs>
        <RltdPties><Dbtr><Nm>KHO BAC NHA NUOC</Nm></Dbtr></RltdPties>
        <RmtInf><Ustrd>Cap kinh phi chi tra tro cap thang 09/2024</Ustrd></RmtInf>
      </TxDtls></NtryDtls>
    </Ntry>"""

CAMT_DEBIT = """    <Ntry>
      <Amt Ccy="VND">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
      <NtryDtls><TxDtls>
        <Refs><EndToEndId>{ref}</EndToEndId></Refs>
        <AmtDtls><TxAmt><Amt Ccy="VND">{amount}</Amt></TxAmt></AmtDtls>
        <RltdPties><Cdtr><Nm>{name}</Nm></Cdtr>
          <CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></CdtrAcct></RltdPties>
        <RltdAgts><CdtrAgt><FinInstnId><BIC>{bic}</BIC></FinInstnId></CdtrAgt></RltdAgts>
        <RmtInf><Ustrd>{narrative}</Ustrd></RmtInf>
      </TxDtls></NtryDtls>
    </Ntry>"""

CAMT_DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
  <GrpHdr><MsgId>BIDV-STMT-20241001</MsgId><CreDtTm>2024-10-01T07:00:00</CreDtTm></GrpHdr>
  <Stmt>
    <Id>STMT-37610001054321-202409</Id><CreDtTm>2024-10-01T07:00:00</CreDtTm>
    <Acct><Id><Othr><Id>37610001054321</Id></Othr></Id><Ccy>VND</Ccy>
      <Ownr><Nm>PHONG VAN HOA - XA HOI XA DONG HOA</Nm></Ownr></Acct>
{entries}
  </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def camt053(rows: list[dict]) -> str:
    """A camt.053.001.02 statement: a funding credit from the State Treasury, then one booked debit
    per payment, with end-to-end ID, creditor, account, BIC and remittance text."""
    swift = _swift()
    entries = [CAMT_CREDIT] + [
        CAMT_DEBIT.format(
            amount=_amount(r["Số tiền"]),
            day=_iso(r["Ngày giao dịch"]),
            ref=_xml(r["Số tham chiếu"]),
            name=_xml(r["Tên người thụ hưởng"]),
            account=r["Số tài khoản"],
            bic=swift[r["Ngân hàng thụ hưởng"]],
            narrative=_xml(r["Nội dung"]),
        )
        for r in rows
    ]
    return CAMT_DOCUMENT.format(entries="\n".join(entries))


def write_post(folder: Path) -> Path:
    ws = openpyxl.load_workbook(SAMPLE / "post_office_cash.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    body = []
    for r in rows[1:]:
        row = dict(zip(header, r))
        body.append(
            [
                row["STT"],
                row["Mã giao dịch"],
                row["Số CCCD"],
                row["Họ và tên"],
                row["Ngày sinh"],
                row["Chế độ"],
                row["Số tiền"],
                row["Ngày chi trả"],
                row["Trạng thái"],
                None,
            ]
        )
    total = sum(r[6] for r in body)
    path = folder / "buu_dien.xlsx"
    _xlsx(
        path,
        [["BƯU ĐIỆN TỈNH THANH HÓA"], ["DANH SÁCH CHI TRẢ TIỀN MẶT THÁNG 09/2024"], []],
        POST_HEADERS,
        body,
        [["Cộng", None, None, None, None, None, total]],
    )
    return path


def write_mixed_month(folder: Path | str) -> dict[str, list[Path]]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {"registry": [write_registry(folder)], "payments": [*write_bank(folder), write_post(folder)]}


if __name__ == "__main__":
    write_mixed_month(REPO / "fixtures" / "layouts")
