"""The generated bank payments (payments_out, bank and e-wallet) as the paying account's bank files:
a camt.053 statement, a camt.054 debit notification and MT940 daily statements, each as the
readers take it (reconcile/readers/camt.py, mt940.py).

Every file holds one booked debit per payment, the payee's name, account and bank, and the
transfer's text with the ID in it where the bank knows it (`... CCCD 079196118125`: these files have
no ID field). A returned payment is its debit and, after it, the money coming back: a credit with
return reason AC04 (closed account) in camt, a reversal of the debit (`RD`) in MT940, naming the
payment by its reference."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources
from typing import TextIO

import duckdb
import polars as pl

from reconcile.generate.config import GenerateConfig

ACCOUNT = "37610001054321"  # the paying office's account
LINE = 65  # an MT940 line's characters after its tag, and of each line after the first (SWIFT)

# the bank payments, one row each: the ID, which camt and MT940 have no field for, in the text
_ROWS = """
    SELECT payment_ref, amount, value_date, payee_name, account_number, bank_code,
           CASE WHEN vneid IS NOT NULL AND narrative NOT LIKE '%CCCD%' THEN narrative || ' CCCD ' || vneid
                ELSE narrative END,
           status
    FROM payments_out WHERE channel <> 'cash'"""


def _swift() -> dict[str, str]:
    """The BIC of each bank code that has one (e-wallets have none)."""
    banks = pl.read_csv(
        resources.files("reconcile.data").joinpath("banks.csv").read_bytes(), comment_prefix="#", infer_schema=False
    )
    return {b["code"]: b["swift"] for b in banks.iter_rows(named=True) if b["swift"]}


def _esc(text) -> str:
    return "" if text is None else str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_camt(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, fh: TextIO, notification: bool = False) -> None:
    """The bank payments as the paying account's camt.053 statement, or (`notification`) its camt.054
    debit/credit notification, one booked entry each; a returned one followed by the credit that
    brings the money back, with its return reason."""
    swift = _swift()
    rows = con.execute(_ROWS + " ORDER BY payment_ref")
    message, part = (
        ("camt.054.001.02", "BkToCstmrDbtCdtNtfctn") if notification else ("camt.053.001.02", "BkToCstmrStmt")
    )
    inner = "Ntfctn" if notification else "Stmt"
    created = f"<CreDtTm>{cfg.period}-28T00:00:00</CreDtTm>" if notification else ""
    fh.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{message}"><{part}>\n'
        f"<GrpHdr><MsgId>GEN-{cfg.period}-{cfg.seed}</MsgId><CreDtTm>{cfg.period}-28T00:00:00</CreDtTm>"
        f"</GrpHdr>\n<{inner}><Id>GEN</Id>{created}<Acct><Id><Othr><Id>{ACCOUNT}</Id></Othr></Id></Acct>\n"
    )
    while batch := rows.fetchmany(10_000):
        for ref, amount, day, name, account, bank, narrative, status in batch:
            bic = swift.get(bank)
            agent = (
                f"<RltdAgts><CdtrAgt><FinInstnId><BIC>{bic}</BIC></FinInstnId></CdtrAgt></RltdAgts>"
                if bic
                else f"<RltdAgts><CdtrAgt><FinInstnId><Nm>{_esc(bank)}</Nm></FinInstnId></CdtrAgt></RltdAgts>"
            )
            parties = (
                f"<RltdPties><Cdtr><Nm>{_esc(name)}</Nm></Cdtr><CdtrAcct><Id><Othr><Id>{_esc(account)}"
                f"</Id></Othr></Id></CdtrAcct></RltdPties>{agent}"
            )
            fh.write(
                f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
                f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><NtryDtls><TxDtls>"
                f"<Refs><EndToEndId>{_esc(ref)}</EndToEndId></Refs>{parties}"
                f"<RmtInf><Ustrd>{_esc(narrative)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
            )
            if status == "returned":  # the money comes back as a credit carrying the return reason
                fh.write(
                    f'<Ntry><Amt Ccy="VND">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
                    f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><NtryDtls><TxDtls>"
                    f"<Refs><EndToEndId>{_esc(ref)}</EndToEndId></Refs>{parties}"
                    f"<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>\n"
                )
    fh.write(f"</{inner}></{part}></Document>\n")


def write_mt940(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, fh: TextIO) -> None:
    """The bank payments as the paying account's MT940 statements, one a day that has payments (a
    chain: each opens at the balance the one before it closed at). The account opens funded with
    what the month pays out. Each payment is a debit `:61:` (`NONREF`: its reference is the
    end-to-end reference of `:86:`), its `:86:` in the structured SEPA style the reader takes
    (`/EREF/reference/CNTP/account/BIC/name//REMI/USTD//text/`); a returned one is followed by its
    reversal (`RD`) of the same reference and amount, with return reason AC04."""
    swift = _swift()
    funded, first = con.execute(
        "SELECT coalesce(sum(amount), 0), min(value_date) FROM payments_out WHERE channel <> 'cash'"
    ).fetchall()[0]
    balance = int(funded)
    closed: date = (first or date.fromisoformat(f"{cfg.period}-01")) - timedelta(days=1)
    rows = con.execute(_ROWS + " ORDER BY value_date, payment_ref")
    number, day = 0, None
    while batch := rows.fetchmany(10_000):
        for ref, amount, value_date, name, account, bank, narrative, status in batch:
            if value_date != day:
                if day is not None:
                    _close(fh, day, balance)
                    closed = day
                number, day = number + 1, value_date
                _open(fh, number, day, closed, balance)
            party = f"/CNTP/{account or ''}/{swift.get(bank) or bank or ''}/{name or ''}/"
            fh.write(f":61:{day:%y%m%d%m%d}D{amount},NTRFNONREF\n")
            _details(fh, f"/EREF/{ref}{party}/REMI/USTD//{narrative or ''}/")
            balance -= amount
            if status == "returned":  # the money comes back: the reversal of the debit
                fh.write(f":61:{day:%y%m%d%m%d}RD{amount},NTRFNONREF\n")
                _details(fh, f"/EREF/{ref}/RTRN/AC04{party}/REMI/USTD//HOAN TRA {ref} AC04 TAI KHOAN DA DONG/")
                balance += amount
    if day is None:  # no bank payment: one statement without movements
        number, day = 1, closed + timedelta(days=1)
        _open(fh, number, day, closed, balance)
    _close(fh, day, balance)


def _open(fh: TextIO, number: int, day: date, closed: date, balance: int) -> None:
    fh.write(f":20:GEN{day:%Y%m%d}\n:25:{ACCOUNT}\n:28C:{number}\n:60F:{_balance(closed, balance)}\n")


def _close(fh: TextIO, day: date, balance: int) -> None:
    fh.write(f":62F:{_balance(day, balance)}\n-\n")


def _balance(day: date, amount: int) -> str:
    return f"{'C' if amount >= 0 else 'D'}{day:%y%m%d}VND{abs(amount)},"


def _details(fh: TextIO, text: str) -> None:
    """A `:86:` field: `text` in lines of 65 characters (the reader joins a structured `:86:`'s lines
    as they are), none starting with what would end the field (a tag `:61:`, `-`, `{`)."""
    lines, rest = [], text
    while len(rest) > LINE:
        cut = LINE
        while cut > 1 and rest[cut] in ":-{":
            cut -= 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    fh.write(":86:" + "\n".join(lines) + "\n")
