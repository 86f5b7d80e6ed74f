"""The action files of a period (`reconcile actions --period P --out DIR`): what the banks and the
communes are to do about the money, as of a period.

**Re-issue lists as of P** (`reissue_<bank>.csv` and `.xlsx`, sql/actions_reissue.sql): every
payment failed or returned in a period up to P, matched to a beneficiary (`matches`), whose
beneficiary had no successful payment (`status = 'success'`, matched to the same ID and programme)
dated in that period or any later one, in the files of the periods up to P (a later month's
statement that holds a payment dated in the period pays it too). A payment whose
beneficiary was paid in the same period (the bank tried again and it went through) is no more to send
than it is a PAYMENT_FAILED finding; one paid in a later period is settled; a failed payment matched to
no beneficiary is in no list (no one is known to send it to: it is an UNKNOWN_PAYEE finding), and a
payment listed again in another input (`repeat_of`) is one payment. One row per payment to send again,
by period and reference: its period, the name (the registry's, else the payee's), the ID, the
account, the bank, the amount, the original reference, the reason (failed or returned, and the bank's
narrative), the programme, the province and the commune. One file per paying bank: the payment's
`bank_code`, `VNPOST` for cash (the post office), `unknown` when it names none. A payment is sent again
where the latest registry up to P that lists the beneficiary in the programme pays them: when it gives
another account (leading zeros aside), or cash where the payment was a transfer, or an account where
it was cash, the row has the registry's account and is in its bank's file (or VNPOST's), and the reason
says where the payment had gone (a failed transfer is often to an account since closed).

**Held back** (`held_back.csv` and `.xlsx`, for the office, not for a bank): the payments that would be
on a re-issue list but whose beneficiary, as the latest registry up to P that lists them in the
programme says, died before the payment's value date (the test of PAID_AFTER_DEATH), or is not active
there (deceased, suspended, terminated). Money owed to someone who died goes to the heirs by the
commune's decision, not back to a closed account; a suspended or terminated beneficiary is not paid
until reinstated. The same columns as a re-issue list, and why it is held back (the date of death and
the payment's date, or the status, with the registry's period). No payment is held back: no file.

**Recovery demands as of P** (`recovery_<bank>_<commune>.csv` and `.xlsx`, sql/actions_recovery.sql):
every case of the `recoveries` view (money paid after a death or while inactive) flagged in a period
up to P with money outstanding as of P: overpaid over the periods flagged up to P, less what the
decisions entered on the findings of a period up to P (`case_events.period`) recorded as recovered and
written off, whenever they were recorded; a decision entered on a later period's findings does not
count as of P. As of the latest period these are the `recoveries` view's amounts (every decision counts
then, one entered on the book of a later period since removed too); the workbook of P
adds up the same rows per programme (`overpayments`), so that the two agree. One row per case and bank
paid (a case paid through a bank account and the post office's cash is asked of each for its part):
its id and code, the name (the latest registry's up to P), the ID, the account of the latest payment
flagged in the case at that bank up to P, the province and commune, the periods flagged up to P, and
overpaid (at that bank), recovered, written off and outstanding; what was recovered, then written off,
is set against the case's banks in turn, the latest paid first. One file per bank that received the
overpayments (`VNPOST` for cash) and commune (`unknown` when none is known), its rows by name.

File names keep only `A-Z a-z 0-9 _ -` of a bank or commune code (any other character becomes `_`),
so that they are valid on Windows; codes that come out alike share a file, each row keeping its code.
A bank or commune with nothing to do gets no file. Files of the same names are replaced; any other
file in the folder is left as it is, and action files this listing did not write (of another period,
or of an earlier listing) are named, so that they are not sent by mistake.

A listing over periods reconciled without every source (`run --partial`) is refused unless asked
for with `--partial`; then each file's name ends in `_PARTIAL` (`reissue_BIDV_PARTIAL.csv`), and
each workbook's printed page is headed by the warning the terminal gives, so that the mark goes
wherever the file does. A later listing with every source, into the same folder, names them as
files it did not write.

`--mask-ids` shows IDs, account numbers and payment references by their last four characters, and
masks long digit runs inside the reason, the names and the province and commune codes (a column shifted
by one puts an ID in a commune's; a recovery file is named after the code as masked,
`recovery_BIDV_________2441.csv`); names stay, as the bank needs them to find the payment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from reconcile import scratch
from reconcile.errors import ReconcileError
from reconcile.masking import AREA_CODES, mask_area, mask_id, mask_text
from reconcile.report import action_files, disk
from reconcile.report.action_files import Column
from reconcile.report.labels import label, value_label
from reconcile.sqlfiles import sql_text

CASH_BANK = "VNPOST"  # the post office, the one paying "bank" of cash
UNKNOWN = "unknown"
SUFFIXES = (".csv", ".xlsx")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
HELD = "held_back"  # the file of the payments held back
PARTIAL = "_PARTIAL"  # the end of a file's name, before its suffix, in a listing of a partial month
ACTION_FILE = re.compile(r"^((reissue|recovery)_[A-Za-z0-9_-]+|held_back(_PARTIAL)?)\.(csv|xlsx)$")
# a name cell may hold an ID or an account (`Trần Văn Bảy (CCCD 092054968298)`): its digit runs masked
MASKED = {
    "vneid": mask_id,
    "account_number": mask_id,
    "payment_ref": mask_id,
    "reason": mask_text,
    "full_name": mask_text,
    # an area's code (and a recovery file's commune, its name): a shifted column puts an ID there
    **dict.fromkeys((*AREA_CODES, "commune"), mask_area),
}

REISSUE: tuple[tuple[str, str, str], ...] = (  # column, label, kind
    ("period", "col.period", "text"),
    ("full_name", "col.full_name", "text"),
    ("vneid", "col.vneid", "text"),
    ("account_number", "col.account_number", "text"),
    ("bank", "col.bank", "text"),
    ("amount", "col.amount", "amount"),
    ("payment_ref", "col.original_ref", "text"),
    ("reason", "col.reason", "text"),
    ("program", "col.program", "text"),
    ("province_code", "col.province_code", "text"),
    ("commune_code", "col.commune_code", "text"),
)
HELD_BACK = (*REISSUE, ("held", "col.held_because", "text"))
STATUSES = ("active", "suspended", "terminated", "deceased")
RECOVERY: tuple[tuple[str, str, str], ...] = (
    ("case_id", "col.case_id", "text"),
    ("code", "col.code", "text"),
    ("full_name", "col.full_name", "text"),
    ("vneid", "col.vneid", "text"),
    ("account_number", "col.account_number", "text"),
    ("bank", "col.bank", "text"),
    ("program", "col.program", "text"),
    ("province_code", "col.province_code", "text"),
    ("commune_code", "col.commune_code", "text"),
    ("first_period", "col.first_period", "text"),
    ("last_period", "col.last_period", "text"),
    ("periods_flagged", "col.periods_flagged", "int"),
    ("overpaid", "col.overpaid", "amount"),
    ("recovered", "col.amount_recovered", "amount"),
    ("written_off", "col.amount_written_off", "amount"),
    ("outstanding", "col.outstanding", "amount"),
)


@dataclass(frozen=True)
class ActionFile:
    kind: str  # reissue or recovery
    paths: tuple[Path, ...]  # the .csv and the .xlsx
    rows: int
    amount: int  # VND: to send again, or outstanding


@dataclass
class ActionsResult:
    period: str
    out: Path
    files: list[ActionFile] = field(default_factory=list)
    held: ActionFile | None = None  # the payments held back, when there are any (not for a bank)
    others: list[str] = field(default_factory=list)  # action files in the folder this listing did not write
    # payments to send again to an ID the registry of the period no longer lists in the programme (an ID
    # corrected since, or a beneficiary taken off): the lists are per ID, and a payment to another ID
    # settles none of them
    unlisted: int = 0

    def total(self, kind: str) -> tuple[int, int]:
        """Rows and VND of one kind, over its files."""
        mine = [f for f in self.files if f.kind == kind]
        return sum(f.rows for f in mine), sum(f.amount for f in mine)


def safe_name(code: str | None) -> str:
    """A bank or commune code as it may stand in a file name on any system."""
    return _UNSAFE.sub("_", code) if code else UNKNOWN


def reissue(con: duckdb.DuckDBPyConnection, period: str) -> pl.DataFrame:
    """The payments to send again as of `period`, one row each (bank, commune, then the columns), and
    those held back: `held` says why ('died', 'inactive'), null for one to send."""
    return _frame(con, "actions_reissue.sql", period)


def overpayments(con: duckdb.DuckDBPyConnection, period: str) -> pl.DataFrame:
    """Every case of the recoveries view flagged up to `period`, a row for each bank it was paid
    through, with its amounts as of `period` (sql/actions_recovery.sql): the recovery demands and the
    workbook's summary of `period`."""
    return _frame(con, "actions_recovery.sql", period)


def recovery(con: duckdb.DuckDBPyConnection, period: str) -> pl.DataFrame:
    """The overpayments to reclaim as of `period`, one row per case and bank paid (bank, commune, then the
    columns)."""
    return overpayments(con, period).filter(pl.col("outstanding") > 0)


def _frame(con: duckdb.DuckDBPyConnection, name: str, period: str) -> pl.DataFrame:
    with con.cursor() as cur:  # its own connection: a result the caller left open does not block it
        table = cur.sql(sql_text(name), params={"period": period, "cash_bank": CASH_BANK}).to_arrow_table()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)  # an Arrow table gives a frame
    return frame


def write_actions(
    con: duckdb.DuckDBPyConnection,
    period: str,
    out: Path,
    *,
    lang: str = "vi",
    mask_ids: bool = False,
    partial: str | None = None,
) -> ActionsResult:
    """Write the re-issue and recovery files of `period` into the folder `out` (made if missing).
    `partial`, the warning of a listing over periods reconciled without every source (`actions
    --partial`): each file's name ends in _PARTIAL, and each workbook's printed page is headed by it."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ReconcileError(f"{out}: is a file; give --out a folder")
    out.mkdir(parents=True, exist_ok=True)
    result = ActionsResult(period, out)
    reasons = {s: label(f"payment_status.{s}", lang) for s in ("failed", "returned")}
    to_send = (
        reissue(con, period)
        .with_columns(
            pl.col("status").replace_strict(reasons, default=pl.col("status"))
            + pl.when(pl.col("narrative").is_not_null()).then(": " + pl.col("narrative")).otherwise(pl.lit(""))
            + pl.when(pl.col("sent_to").is_not_null()).then("; " + _sent_elsewhere(lang)).otherwise(pl.lit("")),
        )
        .rename({"status": "reason"})
    )
    held = to_send.filter(pl.col("held").is_not_null()).with_columns(held=_why_held(lang))
    to_send = to_send.filter(pl.col("held").is_null())
    result.unlisted = to_send.filter(pl.col("registry_period") < period).height
    to_reclaim = recovery(con, period)
    # each file's name of the values as shown (masked: a commune's code that is an ID, masked)
    names = {
        "reissue": pl.lit("reissue_") + _safe(pl.col("bank")),
        "recovery": pl.lit("recovery_") + _safe(pl.col("bank")) + pl.lit("_") + _safe(pl.col("commune")),
    }
    files = _ActionSet()
    try:
        for kind, frame, spec, amount in (
            ("reissue", to_send, REISSUE, "amount"),
            ("recovery", to_reclaim, RECOVERY, "outstanding"),
        ):
            frame = _shown(frame, lang, mask_ids).with_columns(file=names[kind])
            columns = [Column(name, label(key, lang), how) for name, key, how in spec]
            for (stem,), rows in frame.partition_by("file", as_dict=True, maintain_order=True).items():
                paths = _paths(out, stem, partial)
                action_files.write_csv(rows, columns, files.scratch(paths[0]), paths[0])
                sheet = label(f"sheet.{kind}", lang)
                action_files.write_xlsx(rows, columns, files.scratch(paths[1]), paths[1], sheet, partial)
                result.files.append(ActionFile(kind, paths, rows.height, int(rows[amount].sum())))
        if held.height:
            columns = [Column(name, label(key, lang), how) for name, key, how in HELD_BACK]
            paths = _paths(out, HELD, partial)
            held = _shown(held, lang, mask_ids)
            action_files.write_csv(held, columns, files.scratch(paths[0]), paths[0])
            sheet = label("sheet.held_back", lang)
            action_files.write_xlsx(held, columns, files.scratch(paths[1]), paths[1], sheet, partial)
            result.held = ActionFile("held", paths, held.height, int(held["amount"].sum()))
        files.move_into_place()
    finally:
        files.remove_scratch()
    written = {p.name for f in [*result.files, *([result.held] if result.held else [])] for p in f.paths}
    result.others = sorted(
        p.name for p in out.iterdir() if ACTION_FILE.match(p.name) and p.name not in written and p.is_file()
    )
    return result


class _ActionSet:
    """The files of a listing, each written to a scratch file beside it (reconcile/scratch.py) and moved
    into place only once every one is written, with Ctrl-C and SIGTERM held back while they move: a
    full disk or a signal leaves the folder as it was, never part of a set that a bank could be sent."""

    def __init__(self) -> None:
        self.written: list[tuple[Path, Path]] = []  # (scratch, final)

    def scratch(self, final: Path) -> Path:
        scratch.clean_leftovers(final)
        with disk.writing(final):
            tmp = scratch.new_file(final, "export")
        self.written.append((tmp, final))
        return tmp

    def move_into_place(self) -> None:
        with disk.signals_held():
            while self.written:
                tmp, final = self.written[0]
                with disk.writing(final):
                    os.replace(tmp, final)
                self.written.pop(0)

    def remove_scratch(self) -> None:
        for tmp, _ in self.written:
            tmp.unlink(missing_ok=True)
        self.written.clear()


def _paths(out: Path, stem: str, partial: str | None) -> tuple[Path, Path]:
    """A file's CSV and workbook, their names ending in _PARTIAL in a listing of a partial month."""
    stem += PARTIAL if partial else ""
    return out / f"{stem}.csv", out / f"{stem}.xlsx"


def _why_held(lang: str) -> pl.Expr:
    """Why a payment is held back, in the reader's words: the date of death before the payment's, or
    the status, with the period of the registry that says so."""
    statuses = {s: label(f"beneficiary_status.{s}", lang) for s in STATUSES}
    day = "%d/%m/%Y"
    return (
        pl.when(pl.col("held") == "died")
        .then(
            _fill(
                label("held.died", lang),
                date_of_death=pl.col("date_of_death").dt.strftime(day),
                value_date=pl.col("value_date").dt.strftime(day),
                registry_period=pl.col("registry_period"),
            )
        )
        .otherwise(
            _fill(
                label("held.inactive", lang),
                status=pl.col("registry_status").replace_strict(statuses, default=pl.col("registry_status")),
                registry_period=pl.col("registry_period"),
            )
        )
    )


def _sent_elsewhere(lang: str) -> pl.Expr:
    """Why a payment is sent elsewhere than it went: the registry it is sent by gives another account,
    or cash, or an account where the payment was in cash (sql/actions_reissue.sql: sent_to)."""
    where = {"registry_period": pl.col("registry_period"), "sent_to": pl.col("sent_to")}
    return (
        pl.when(pl.col("sent_to") == "cash")
        .then(_fill(label("reissue.from_cash", lang), **where))
        .when(pl.col("bank") == CASH_BANK)
        .then(_fill(label("reissue.to_cash", lang), **where))
        .otherwise(_fill(label("reissue.to_account", lang), **where))
    )


def _fill(template: str, **values: pl.Expr) -> pl.Expr:
    """A label's `{name}` fields filled from columns, row by row (polars' format)."""
    names = re.findall(r"\{(\w+)\}", template)
    return pl.format(re.sub(r"\{\w+\}", "{}", template), *(values[n] for n in names))


def _safe(code: pl.Expr) -> pl.Expr:
    return code.fill_null(UNKNOWN).str.replace_all(_UNSAFE.pattern, "_")


def _shown(frame: pl.DataFrame, lang: str, mask_ids: bool) -> pl.DataFrame:
    """The programme in the reader's words, and the IDs masked when asked."""
    programs = frame["program"].unique().to_list()
    frame = frame.with_columns(
        pl.col("program").replace_strict({p: value_label("program", p, lang) for p in programs if p is not None})
    )
    if mask_ids:
        frame = frame.with_columns(
            pl.Series(name, [how(v) for v in frame[name]], dtype=pl.String)
            for name, how in MASKED.items()
            if name in frame.columns
        )
    return frame
