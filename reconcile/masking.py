"""Masking of personal identifiers for reports that leave the office (`--mask-ids`).

IDs, account numbers and payment references keep only their last four characters. Free text (a
finding's detail, a rejected row's raw values, a narrative) is first folded: every character with a
digit value (full-width ０, mathematical 𝟎, Arabic-Indic ٠, subscript ₀, circled ⓪, ...) as its ASCII
digit, every kind of whitespace (a non-breaking space, a thin space) as a space, and the invisible
format characters (a zero-width space, a byte-order mark) removed. Then a date written after a word for birth (`ns
05/12/1937`, `NgaySinh:17/05/1989`, `d.o.b 25.07.1965`, `born 25 Jul 1965`, `ngày sinh 17 tháng 10 năm
1969`, `SN: 12/10/1952`) is hidden whole, and every run of nine or more digits, written together or in
groups parted by up to six spaces, tabs, slashes, dots, dashes (any Word or Excel types), commas,
underscores, colons, pluses, quotes and the like, keeps its last four digits,
glued to letters or not: a 12-digit ID (`CCCD 079/196/118/125`), a 9-digit CMND number, an account
number or a payment reference (`FT20240900011` -> `FT*******0011`) cannot pass through, while amounts
below 100,000,000 and dates (`Paid on 02/09/2024, 16 day(s)`) stay readable. An ID typed with the
letter O for its zeros (`CCCD O79O...`) is read with zeros first (o_as_zero), and masked as one.

The rules are written once, here: the SQL macros (`rc_fold`, `rc_dob_in_text`, `rc_mask_pattern`, `rc_o_bare`, ...)
are made of these patterns by `macros_sql`, and `sql/masking.sql` builds `rc_mask_text`, the analyst
copy's `rc_hide_text` and a rejected row's `rc_mask_raw` of them, so that a million rows are masked by
DuckDB, not row by row in Python. A test keeps `mask_text` and `rc_mask_text` equal. The database
always keeps the values whole.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

MASK = "*"
KEEP = 4

# The first code point of every block of ten decimal digits (Unicode category Nd) but ASCII's: each
# block runs 0 to 9 in order (a test checks the list against unicodedata)
DIGIT_ZEROS = (
    *(0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66),
    *(0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90),
    *(0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10),
    *(0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0),
    *(0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8),
    *(0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0),
)
# The other characters with a digit value (unicodedata.digit) that are no decimal digit: superscript and
# subscript (`₀₃₈`), circled (`⓪⑦⑨`), parenthesised, with a full stop, dingbats, Ethiopic...: (first, last,
# the first's digit), each run counting up by one (a test checks the list against unicodedata)
OTHER_DIGITS = (
    *((0xB2, 0xB3, 2), (0xB9, 0xB9, 1), (0x1369, 0x1371, 1), (0x19DA, 0x19DA, 1), (0x2070, 0x2070, 0)),
    *((0x2074, 0x2079, 4), (0x2080, 0x2089, 0), (0x2460, 0x2468, 1), (0x2474, 0x247C, 1), (0x2488, 0x2490, 1)),
    *((0x24EA, 0x24EA, 0), (0x24F5, 0x24FD, 1), (0x24FF, 0x24FF, 0), (0x2776, 0x277E, 1), (0x2780, 0x2788, 1)),
    *((0x278A, 0x2792, 1), (0x10A40, 0x10A43, 1), (0x10E60, 0x10E68, 1), (0x11052, 0x1105A, 1), (0x1F100, 0x1F100, 0)),
    (0x1F101, 0x1F10A, 0),
)
# every character with a digit value but ASCII's, and its digit
DIGITS = {
    **{zero + d: d for zero in DIGIT_ZEROS for d in range(10)},
    **{c: digit + c - first for first, last, digit in OTHER_DIGITS for c in range(first, last + 1)},
}
# Whitespace but ASCII's (str.isspace): as a space
SPACES = (0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)
# The invisible format characters (Unicode category Cf), by range: removed
FORMATS = (
    *((0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891)),
    *((0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064)),
    *((0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD)),
    *((0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F)),
)
# ASCII's full-width forms (`079／196／118／125`, `，`, `：`), and the ideographic comma and full stop: as ASCII
FULL_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3001: ord(","), 0x3002: ord(".")}
_FOLD: dict[int, int | None] = {
    **FULL_WIDTH,
    **{c: ord("0") + d for c, d in DIGITS.items()},
    **dict.fromkeys(SPACES, ord(" ")),
    **{c: None for first, last in FORMATS for c in range(first, last + 1)},
}

# After folding. A space of any kind, and what parts an ID's groups
_BLANK = r"[\t-\r ]"
# the dashes Word and Excel type for `-` (en dash, minus sign...), as characters: one class for Python
# and RE2 alike, which writes an escape another way
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# any ASCII punctuation but a semicolon and a bar, a space, a dash Word types, a middle dot or a bullet
# (`092147:345678`, `048+049+364+264`, `079038=>782952`, `031052–608064`, `(079196)(118125)`,
# `[079196][118125]`, `079196!118125`)
_SEPARATOR = "[\\t-\\r !\"#$%&'()*+,\\-./:<=>?@\\[\\\\\\]^_`{}~" + _DASHES + "\u00b7\u2022]"
# a semicolon or a bar parts a list of IDs (`O79O85OO1234; O79O85OO1235`, each masked on its own) where a
# space follows it; right before a digit, it is one more separator (`079196;118125`, `079|196|118|125`)
_LIST = "[;|]"


def _digit_run(separator: str, lists: str = "") -> str:
    """Nine digits or more, with up to six separators between any two of them (`079    196`, `1903 -- 6789`;
    the last of them may be one of `lists`)."""
    gap = rf"(?:{separator}{{0,6}}|{separator}{{0,5}}{lists})" if lists else rf"{separator}{{0,6}}"
    return rf"[0-9](?:{gap}[0-9]){{8,}}"


# nine or more digits, together or grouped: 079085001234, 079 085 001 234, 079/196/118/125,
# 0790-8500-1234, 001,097,699,417 (a number Excel grouped), 0710_8247_15132, 001   040   951508
RUN = _digit_run(_SEPARATOR, _LIST)
# a date, which a run does not swallow (`chi T9 05/09/2024`, `Paid on 02/09/2024, 16 day(s)`): each is
# marked first with an invisible separator (a format character, which folding removed from the text)
# that no run crosses, and the marks removed after. A real day and month, a year 19xx or 20xx: an ID's
# digits grouped as 0790-85-00-1234 make no date.
_DAY, _MON, _YEAR = r"(?:0?[1-9]|[12][0-9]|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)[0-9]{2}"
DATE = rf"{_DAY}[/.\-]{_MON}[/.\-]{_YEAR}|{_YEAR}[/.\-]{_MON}[/.\-]{_DAY}"
DATE_MARK = "\u2063"
# the analyst copy's free text (rc_hide_text): a run with any three characters between its digits but
# letters (`079084 - 947699`, over a line break), hidden whole
HIDDEN_RUN = _digit_run("[^A-Za-z0-9]")

# An ID typed with the letter O for its zeros (`CCCD O79O85OO1234`, `079O85001234`) is no digit run: its O's
# are read as zeros first, where it is ID-like, so that the run is masked as any other. ID-like: after a
# word for an ID (`CCCD`, `CMND`, `định danh`, `ĐDCN`, `VNeID`, `ID`), nine or more digits and O's; or,
# with no such word, twelve or more, not glued to a letter before them. The run ends at a digit, so
# that a word after it (`... 1234 ONG`) keeps its O. Looked for only in text where an O touches a
# digit (O_GATE): one test of a short pattern for most texts.
_ID_WORD = (
    rf"(?:cccd|cmnd|cmtnd|cmt|căn{_BLANK}+cước(?:{_BLANK}+công{_BLANK}+dân)?|can{_BLANK}+cuoc(?:{_BLANK}+cong{_BLANK}+dan)?"
    rf"|(?:định|dinh){_BLANK}+danh(?:{_BLANK}+(?:cá|ca){_BLANK}+(?:nhân|nhan))?|đdcn|ddcn|vneid|id)"
)


def _o_run(length: int) -> str:
    """`length` digits or O's or more, with up to three separators between any two, the last a digit."""
    return rf"[0-9Oo](?:{_SEPARATOR}{{0,3}}[0-9Oo]){{{length - 2},}}{_SEPARATOR}{{0,3}}[0-9]"


O_GATE = r"[0-9][Oo]|[Oo][0-9]"
O_LABELLED = rf"(?i)((?:^|[^a-z0-9]){_ID_WORD}(?:{_BLANK}|[:#.=\-])*)({_o_run(9)})"
O_BARE = rf"((?:^|[^A-Za-z0-9]))({_o_run(12)})"
_O_ZERO = str.maketrans("Oo", "00")

# A word for birth: ns, n.s., sn, NTNS, sinh (Ngày sinh, NgaySinh, sinh ngày, sinh năm), DOB, d.o.b.,
# born (on), birth (date), Ngày SN; then `:`, `-`, `=` or spaces
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_BIRTH_WORD = (
    rf"(?:(?:^|[^a-z0-9_])(?:n[./]?s|s[./]?n|nt\.?ns|d\.?o\.?b|born|birth|ng(?:ày|ay)?{_BLANK}*sn)\.?|sinh)"
    rf"(?:(?:{_BLANK}|[:.\-=()\[\]/])*(?:ngày|ngay|năm|nam|on|date))?(?:{_BLANK}|[:.\-=()\[\]/])*"
)
_BIRTH_DATE = "|".join(
    (
        rf"[0-9]{{1,4}}{_BLANK}*[/.\-]{_BLANK}*[0-9]{{1,2}}{_BLANK}*[/.\-]{_BLANK}*[0-9]{{2,4}}",  # 17/05/1989
        r"[0-9]{8}",  # 17051989, 19890517
        rf"[0-9]{{1,2}}{_BLANK}*(?:tháng|thang){_BLANK}*[0-9]{{1,2}}{_BLANK}*,?{_BLANK}*(?:(?:năm|nam){_BLANK}*)?[0-9]{{2,4}}",
        rf"[0-9]{{1,2}}{_BLANK}+[0-9]{{1,2}}{_BLANK}+(?:19|20)[0-9]{{2}}",  # 25 07 1965
        rf"[0-9]{{1,2}}(?:st|nd|rd|th)?(?:{_BLANK}|[,.\-/])*{_MONTH}(?:{_BLANK}|[,.\-/])*[0-9]{{2,4}}",  # 25 Jul 1965
        rf"{_MONTH}{_BLANK}*[0-9]{{1,2}}(?:st|nd|rd|th)?,?{_BLANK}*[0-9]{{2,4}}",  # July 25, 1965
        r"(?:1[89]|20)[0-9]{2}",  # a year alone: `năm sinh 1950`
    )
)
DOB_IN_TEXT = rf"(?i)({_BIRTH_WORD})(?:{_BIRTH_DATE})"
DOB_MASK = "**/**/****"
# A date as a person or a spreadsheet writes one (17/05/1989, 17-5-89, 17.05.1989, 1989-05-17), which no
# area code, gender or bank code is: a birth date typed into the wrong column, or slid there by a cell
# left out. Hidden (DOB_MASK) wherever it stands in an area's code (AREA_DATE: mask_area, rc_mask_area,
# rc_hide_area), and as the whole of any value of a rejected row but its file's value date (RAW_DATE:
# rc_mask_raw), with a time after it as Excel writes one (`1989-05-17 00:00:00`)
_SHAPE_SEP = rf"{_BLANK}*[/.\-]{_BLANK}*"
DATE_SHAPE = rf"[0-9]{{1,2}}{_SHAPE_SEP}[0-9]{{1,2}}{_SHAPE_SEP}[0-9]{{2,4}}|[0-9]{{4}}{_SHAPE_SEP}[0-9]{{1,2}}{_SHAPE_SEP}[0-9]{{1,2}}"
AREA_DATE = rf"(^|[^0-9])(?:{DATE_SHAPE})"
RAW_DATE = (
    rf"^{_BLANK}*(?:{DATE_SHAPE})(?:(?:{_BLANK}+|T)[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:\.[0-9]*)?)?)?{_BLANK}*$"
)

# A DUPLICATE_PAYMENT's detail names the first payment by its reference (`the first is CT-A0005-XYZ in
# bank.csv`): masked as the payment_ref column is (mask_id), however few digits it holds. The detail
# holds one.
FIRST_REF = "the first is (.+?) in "

_RUNS = re.compile(RUN)
_O_GATE, _O_RUNS = re.compile(O_GATE), (re.compile(O_LABELLED), re.compile(O_BARE))
_DATES = re.compile(DATE)
_DOB = re.compile(DOB_IN_TEXT)
_FIRST_REF = re.compile(FIRST_REF)
_AREA_DATE = re.compile(AREA_DATE)

# A rejected row's raw values keep the file's own headers: the headers each input file read as dates
# of birth (inputs.columns_used), by period and file, whose values rc_mask_raw (sql/masking.sql)
# hides, those it read as an ID or an account number (id_keys), whose values it masks whole
# to their last four characters, however their digits are parted (`031052–608064`, an en dash that
# Word or Excel typed: no run of digits as free text knows it), and the one it read as the value date
# (date_keys), a payment's date, no one's, whose value alone of a date stays readable. A join: LEFT
# JOIN DOB_KEYS USING (period, file_id).
DOB_KEYS = """(SELECT period, file_id, list(e.key ORDER BY e.key) FILTER (WHERE e.value = 'date_of_birth') AS dob_keys,
           list(e.key ORDER BY e.key) FILTER (WHERE e.value IN ('vneid', 'account_number'))
               AS id_keys,
           list(e.key ORDER BY e.key) FILTER (WHERE e.value = 'value_date') AS date_keys
    FROM (SELECT period, file_id, unnest(map_entries(json_transform(columns_used, '"MAP(VARCHAR, VARCHAR)"'))) AS e
          FROM inputs)
    GROUP BY ALL) AS dob"""


# A beneficiary's area codes (2 digits for a province, 5 for a commune): shown as they are, but masked as
# free text with every date hidden under --mask-ids (mask_area, rc_mask_area) and hidden in the analyst
# copy (rc_hide_area), as is a registry row's note on them (`commune_code 001034742441 is not 5 digits`)
# and a bank's code: a column shifted by one puts the person's ID, account or birth date there. A real
# code has no run of nine digits and no date, and stays readable.
AREA_CODES = ("province_code", "district_code", "commune_code", "province_code_2025")
AREA_NOTE = "area_note"
BANK_CODE = "bank_code"


def mask_id(value: str | None) -> str | None:
    """`079085001234` -> `********1234`; values of four characters or fewer are masked whole."""
    if value is None:
        return None
    text = str(value)
    if len(text) <= KEEP:
        return MASK * len(text)
    return MASK * (len(text) - KEEP) + text[-KEEP:]


def fold(value: str) -> str:
    """Unicode digits as ASCII, any whitespace as a space, invisible format characters removed."""
    return value.translate(_FOLD)


def o_as_zero(text: str) -> str:
    """The O's of an ID typed with the letter O for zero read as zeros (O_LABELLED, O_BARE), the rest of
    the text as it is."""
    if not _O_GATE.search(text):
        return text
    for pattern in _O_RUNS:
        text = pattern.sub(lambda m: m.group(1) + m.group(2).translate(_O_ZERO), text)
    return text


def _mask_run(match: re.Match) -> str:
    digits = re.sub(r"[^0-9]", "", match.group(0))
    return MASK * (len(digits) - KEEP) + digits[-KEEP:]


def _first_ref(text: str) -> str:
    """The reference a DUPLICATE_PAYMENT's detail names masked as its column (FIRST_REF)."""
    found = _FIRST_REF.search(text)
    if not found:
        return text
    return text.replace(found.group(0), f"the first is {mask_id(found.group(1))} in ", 1)


def mask_text(value: str | None) -> str | None:
    """Mask every date written after a word for birth, and every long digit run inside free text,
    keeping its last four digits."""
    if value is None:
        return None
    text = o_as_zero(_DOB.sub(rf"\g<1>{DOB_MASK}", _first_ref(fold(str(value)))))
    if not _RUNS.search(text):
        return text
    marked = _DATES.sub(rf"{DATE_MARK}\g<0>{DATE_MARK}", text)
    return _RUNS.sub(_mask_run, marked).replace(DATE_MARK, "")


def mask_area(value: str | None) -> str | None:
    """An area's code masked: every date in it hidden (AREA_DATE), then masked as free text."""
    if value is None:
        return None
    return mask_text(_AREA_DATE.sub(rf"\g<1>{DOB_MASK}", fold(str(value))))


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_class(codes: list[int]) -> str:
    return "[" + "".join(f"\\x{{{c:X}}}" for c in codes) + "]"


def macros_sql() -> str:
    """The SQL that creates the masking macros: the patterns above, then sql/masking.sql."""
    spaces = _sql_class(list(SPACES))
    formats = _sql_class([c for first, last in FORMATS for c in range(first, last + 1)])
    # the folding, digit value by digit value, only in text that needs it
    folded = f"regexp_replace(regexp_replace(x, {_sql_string(formats)}, '', 'g'), {_sql_string(spaces)}, ' ', 'g')"
    for d in range(10):
        folded = (
            f"regexp_replace({folded}, {_sql_string(_sql_class([c for c, v in DIGITS.items() if v == d]))}, '{d}', 'g')"
        )
    wide = [c for c in FULL_WIDTH if not 0xFF10 <= c <= 0xFF19]  # (the digits: above)
    folded = f"translate({folded}, {_sql_string(''.join(map(chr, wide)))}, {_sql_string(''.join(chr(FULL_WIDTH[c]) for c in wide))})"
    any_folded = _sql_class(sorted(_FOLD))
    # O_GATE's test made of the text before folding, for rc_mask_text and rc_hide_text to skip the rest
    # on most texts: an O beside a digit of any script, format characters between them (those folding
    # removes). It finds every text whose folding O_GATE finds, and a few more, which O_GATE then refuses
    digits = _sql_class([ord(c) for c in "0123456789"] + list(DIGITS))
    formats_between = formats + "*"
    o_gate_raw = f"[Oo]{formats_between}{digits}|{digits}{formats_between}[Oo]"
    patterns = {
        "rc_mask_pattern": RUN,
        "rc_date_pattern": DATE,
        "rc_hidden_run": HIDDEN_RUN,
        "rc_o_gate": O_GATE,
        "rc_o_labelled": O_LABELLED,
        "rc_o_bare": O_BARE,
        "rc_first_ref": FIRST_REF,
        "rc_area_date": AREA_DATE,
        "rc_raw_date": RAW_DATE,
    }
    return "\n".join(
        (
            "-- Made by reconcile/masking.py (macros_sql) of its patterns",
            f"CREATE OR REPLACE TEMP MACRO rc_fold(x) AS CASE WHEN NOT regexp_matches(x, {_sql_string(any_folded)}) "
            f"THEN x ELSE {folded} END;",
            *(f"CREATE OR REPLACE TEMP MACRO {name}() AS {_sql_string(p)};" for name, p in patterns.items()),
            f"CREATE OR REPLACE TEMP MACRO rc_dob_in_text() AS {_sql_string(DOB_IN_TEXT)};",
            f"CREATE OR REPLACE TEMP MACRO rc_o_gate_raw() AS {_sql_string(o_gate_raw)};",
            f"CREATE OR REPLACE TEMP MACRO rc_date_mark() AS chr({ord(DATE_MARK)});",
            resources.files("reconcile.sql").joinpath("masking.sql").read_text(encoding="utf-8"),
        )
    )


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the masking macros (rc_mask_id, rc_mask_text, rc_hide_text, rc_mask_raw) on a connection."""
    con.execute(macros_sql())


# Under --mask-ids, what the terminal shows of the files' and folders' names, as the masked workbook
# shows them: a file named after a person (`<ID>_T9.csv`, a folder `079196118125/`) is named by its
# masked name in the run's table of files, its notes, progress and errors. Only the names given are
# masked there, not every digit run: the terminal's amounts (`791,093,000 VND`) stay whole.
class _Shown(dict[str, str]):
    """The names the terminal shows masked; `hiding`: hide_names was called (the command's --mask-ids).
    Cleared as each command starts, which ends its hiding too."""

    hiding = False

    def clear(self) -> None:
        self.hiding = False
        super().clear()


NAMES_SHOWN = _Shown()


def hide_names(names) -> None:
    """Show each of these paths or names, and each of their parts, masked wherever the terminal shows
    them from now on (when masking changes it)."""
    from pathlib import PurePath

    NAMES_SHOWN.hiding = True
    for name in names:
        if name is None:
            continue
        path = PurePath(name)
        parts = {part: mask_text(part) or part for part in path.parts}
        NAMES_SHOWN.update((part, shown) for part, shown in parts.items() if shown != part)
        joined = str(PurePath(*parts.values())) if parts else ""
        if mask_text(joined) != joined:  # a run of digits across folders (`079/196/118/125.csv`)
            NAMES_SHOWN.update((whole, mask_text(whole) or whole) for whole in {str(name), str(path)})


def hide_found_names(names) -> None:
    """Names a command comes upon once it runs (an earlier month's file, as the database names it)
    hidden as hide_names hides those it was given, when it was given any (under --mask-ids)."""
    if NAMES_SHOWN.hiding:
        hide_names(names)


def names_hidden(text: str) -> str:
    """Text for the terminal with every name given to hide_names masked (longest first)."""
    for name in sorted(NAMES_SHOWN, key=len, reverse=True) if NAMES_SHOWN else ():
        text = text.replace(name, NAMES_SHOWN[name])
    return text
