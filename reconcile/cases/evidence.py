"""The evidence of a review book, compared with what the database holds: every column of a findings
row that the run wrote and the auditor is not meant to type in (all but the decision columns), and
every column of the Open cases sheet (`review import`, review.py).

A save by Excel or LibreOffice changes how a value is held, not what it says: a number comes back as
1500000.0, a date as a date and time, text with its line breaks as CR LF or its spaces trimmed, an ID
as a number when its cell was retyped. Values are compared normalised (`_same`): as the workbook shows
them (a code as the reader's word, in either language; the detail in English or Vietnamese; text cut and
cleaned as rc_xml writes it), and an ID as the database holds it or masked (--mask-ids).

The case's `periods_flagged` (and the Open cases sheet's figures) change with the months run since the
book was written: they are compared exactly when no month was run or removed since the book's run
(`settled`), and else only as what they could have been then (a whole number of periods the case was
flagged in at some time).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from reconcile.cases.book import CASE_EVIDENCE, EVIDENCE, ReadBook, Typed
from reconcile.masking import mask_id
from reconcile.report.labels import LABELS, LANGS, label

NUMBERS = ("expected_amount", "paid_amount", "difference", "source_row", "periods_flagged")
IDS = ("vneid", "payment_ref", "account_number", "commune_code")
WORDS = {"severity": "severity", "program": "program", "province_code": "province", "match_method": "method"}
BOTH = ("description", "detail")  # stored in English and in Vietnamese: the book shows one of them
CUT = 32767  # the most text a cell holds (sql/report_macros.sql, rc_xml)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# the findings' evidence as the workbook writes it, of the book's findings (review_flags: flags and
# superseded_flags), with the case's periods flagged now and at most (across every run it was in)
FLAGS_SQL = """
SELECT f.flag_id, f.case_id, f.period, f.superseded, f.code, f.severity, r.description_en, r.description_vi,
       f.vneid, f.full_name, f.program, f.province_code, f.commune_code, f.expected_amount, f.paid_amount,
       f.paid_amount - f.expected_amount AS difference, f.payment_ref, f.payee_name, f.account_number,
       p.value_date, f.payment_id IS NOT NULL AND (f.superseded OR p.payment_id IS NULL) AS date_unknown,
       f.match_method, f.detail, rc_detail_vi(f.code, f.detail) AS detail_vi, f.source_file, f.source_sheet,
       f.source_row, c.periods_flagged,
       (SELECT count(DISTINCT a.period) FROM review_flags AS a WHERE a.case_id = f.case_id) AS periods_ever
FROM review_flags AS f
LEFT JOIN rules AS r ON r.code = f.code
LEFT JOIN payments AS p ON p.period = f.period AND p.payment_id = f.payment_id AND NOT f.superseded
LEFT JOIN cases AS c ON c.case_id = f.case_id
WHERE f.flag_id IN (SELECT unnest($ids))
ORDER BY ALL
"""

CASES_SQL = """
SELECT case_id, code, severity, program, vneid, account_number, payment_ref, province_code, commune_code,
       first_period, last_period, periods_flagged, periods_open, amount_at_stake, updated_at
FROM cases WHERE case_id IN (SELECT unnest($ids))
"""


def stored_findings(con, ids: list[str]) -> dict[str, list[dict]]:
    """Each finding of the book as the database holds it (one version a run, others a run replaced
    since), by flag_id: its columns by name."""
    from reconcile.report.details import macro_sql

    con.execute(macro_sql())  # rc_detail_vi: the detail as a Vietnamese workbook shows it
    cur = con.execute(FLAGS_SQL, {"ids": ids})
    names = [d[0] for d in cur.description]
    stored: dict[str, list[dict]] = {}
    for values in cur.fetchall():
        row = dict(zip(names, values))
        stored.setdefault(row["flag_id"], []).append(row)
    return stored


def settled(con, run_id: str | None) -> bool:
    """No month was run or removed since the book's run (its Parameters sheet's): the cases' months,
    periods and money at stake are as they were when it was written."""
    if not run_id:
        return False
    found = con.execute(
        "SELECT started_at FROM runs WHERE run_id = $r UNION ALL SELECT started_at FROM superseded_runs WHERE run_id = $r",
        {"r": run_id},
    ).fetchall()
    if not found:
        return False
    (later,) = con.execute(
        "SELECT (SELECT count(*) FROM runs WHERE started_at > $at) + (SELECT count(*) FROM superseded_runs "
        "WHERE started_at > $at) + (SELECT count(*) FROM period_deletions WHERE deleted_at > $at)",
        {"at": found[0][0]},
    ).fetchone()
    return later == 0


def edited(row: dict, flag: dict, exact: bool) -> list[str]:
    """The evidence columns of a findings row that are not as the run wrote them (`flag`)."""
    out = []
    for name in EVIDENCE:
        cell = row.get(name)
        if name == "value_date":
            ok = flag["date_unknown"] or _same_date(cell, flag["value_date"])
        elif name == "periods_flagged":
            ok = _number(cell) == flag["periods_flagged"] or (
                not exact and isinstance(n := _number(cell), int) and 1 <= n <= flag["periods_ever"]
            )
        elif name in BOTH:
            ok = _norm(cell) in {
                _shown(flag[name if name == "detail" else "description_en"]),
                _shown(flag[name + "_vi"]),
            }
        else:
            ok = _same(name, cell, flag[name])
        if not ok:
            out.append(name)
    return out


def cases_sheet_edits(con, read: ReadBook, exact: bool) -> list[Typed]:
    """The Open cases rows whose columns are not as the database's case (when it holds the case): those
    that never change (its code, subject, programme, severity) always; its months, periods and money
    at stake when nothing changed them since the book was written (`exact`, and no decision since:
    its updated time as written). A row added (no check) or typed into (its decision columns) is
    told by book.py already."""
    ids = sorted({t for _, _, row in read.case_rows if (t := _text(row.get("case_id")))})
    cur = con.execute(CASES_SQL, {"ids": ids})
    names = [d[0] for d in cur.description]
    held = {r[0]: dict(zip(names, r)) for r in cur.fetchall()}
    typed = {(t.sheet, t.row) for t in read.typed}
    out = []
    for sheet, n, row in read.case_rows:
        case = held.get(_text(row.get("case_id")) or "")
        if (sheet, n) in typed:
            continue
        if case is None:
            if exact:  # no case is removed but by a run or a removal: a case id edited
                out.append(Typed(sheet, n, None, None))
            continue
        same_time = _same_time(row.get("updated_at"), case["updated_at"])
        columns = CASE_EVIDENCE if exact and same_time else ("code", "severity", "program", *IDS[:3])
        if not all(_same(name, row.get(name), case[name]) for name in columns) or not _plausible(row, case):
            out.append(Typed(sheet, n, case["case_id"], case["last_period"]))
    return out


def _plausible(row: dict, case: dict) -> bool:
    """An Open cases row's figures are what a case could show: whole numbers of periods and VND, 0 or
    more, and its updated time no later than the case's now."""
    for name in ("periods_flagged", "periods_open", "amount_at_stake"):
        value = _number(row.get(name))
        if not (value is None or (isinstance(value, int) and value >= 0)):
            return False
    when = row.get("updated_at")
    if when is None or case["updated_at"] is None:
        return when is None or case["updated_at"] is None
    return isinstance(when, datetime) and when <= case["updated_at"] + timedelta(seconds=1)


def _same_time(cell, stored) -> bool:
    if cell is None or stored is None:
        return cell is None and stored is None
    return isinstance(cell, datetime) and abs(cell - stored) <= timedelta(seconds=1)


def _same(name: str, cell, stored) -> bool:
    """A cell as the run wrote `stored` (normalised: see the module's docstring)."""
    if name in NUMBERS or name in ("periods_open", "amount_at_stake"):
        return _number(cell) == stored
    text = _norm(cell)
    if stored is None:
        return text is None
    if name in WORDS:
        return text in {
            str(stored),
            *(label(f"{WORDS[name]}.{stored}", lang) for lang in LANGS if f"{WORDS[name]}.{stored}" in LABELS),
        }
    if name in IDS:
        if isinstance(cell, (int, float)) and not isinstance(cell, bool) and str(stored).isdigit():
            return _number(cell) == int(stored)  # an ID whose leading zeros a retyped cell lost
        return text in (_shown(stored), mask_id(stored))
    return text == _shown(stored)


def _number(cell) -> int | float | str | None:
    """A number as the cell holds it: 1500000.0 as 1500000; digits typed as text as their number."""
    if cell is None or isinstance(cell, bool):
        return None if cell is None else str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, (int, float)):
        return cell
    text = str(cell).strip()
    if not text:
        return None
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _same_date(cell, stored: date | None) -> bool:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return stored is None
    if isinstance(cell, datetime):
        return cell.date() == stored and cell.time() == datetime.min.time()
    if isinstance(cell, date):
        return cell == stored
    if stored is None:
        return False
    return str(cell).strip() in (stored.strftime("%d/%m/%Y"), stored.isoformat())


def _norm(cell) -> str | None:
    """Text as compared: NFC, whitespace (line breaks, CR LF, runs of spaces) as one space, trimmed."""
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(cell))).strip()
    return text or None


def _shown(stored) -> str | None:
    """A stored text as its cell shows it: cut as rc_xml cuts it, control characters as U+FFFD."""
    if stored is None:
        return None
    text = str(stored)
    if len(text) > CUT:
        note = f" … [{len(text):,} characters; the rest is in the database]"
        text = text[: CUT - len(note)] + note
    return _norm(_CONTROL.sub("\ufffd", text))


def _text(value) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None
