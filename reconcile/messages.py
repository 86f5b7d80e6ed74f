"""What reconcile says on the terminal, in English and in Vietnamese (`--lang vi|en`).

The catalogue, reconcile/data/messages.toml, holds each message as a template with an id: its English
text exactly as the code writes it, with {name} for each value formatted into it, and its Vietnamese
text with the same names. {name:a|b} is a choice: the English text holds one of a, b (row|rows);
the Vietnamese text puts the alternative at the same place in its own choice, or leaves the choice
out where Vietnamese says both alike. {name#} holds a number (1,234.50, 25%); {name!} holds a
message of its own, and the template matches a text only when that message has a template too.

The code writes English, and its errors are English; the text is translated once, where it leaves
the program. `translate` turns English output, line by line, into the current language by matching
the catalogue's English templates; the values a message holds are translated as well when they are
messages themselves (why a sheet was skipped, a rejected row's reasons), and an error line
`path: problem; fix` is translated part by part. A line no template matches stays as it is. Text
the report modules own is looked up by its id with `text`. Numbers, paths, column names, options and
config keys are values or kept as they are.

The language is the one `set_language` chose (the CLI's --lang, else `lang` in the config), else the
environment variable RECONCILE_LANG, else English: the library, and the tests, speak English unless
asked otherwise.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

LANGS = ("en", "vi")
ENV = "RECONCILE_LANG"
PLACEHOLDER = re.compile(r"\{(\w+)([#!]?)(?::([^{}]*))?\}")  # name, kind (# number, ! message), choices
NUMBER = r"[-+]?[0-9][0-9,.]*%?"
VALUE = "\ue000"  # a value's place in a template `covers` is asked about
_LETTER = re.compile(r"[^\W\d_]")
SWALLOWED = 100_000  # what a value left untranslated across '; ' or ': ' counts for: English, not a value

_chosen: list[str | None] = [None]

# a file's column in the officer's words, before its canonical name, where a rejected row's reason
# names the column it could not read ({column:...} in a template): `ngày mất (date_of_death)`
COLUMN_WORDS = {
    "vneid": "số định danh",
    "full_name": "họ và tên",
    "date_of_birth": "ngày sinh",
    "gender": "giới tính",
    "program": "chế độ",
    "entitled_amount": "số tiền hưởng",
    "channel": "hình thức chi trả",
    "account_number": "số tài khoản",
    "status": "trạng thái",
    "date_of_death": "ngày mất",
    "payment_ref": "số tham chiếu",
    "payee_name": "tên người thụ hưởng",
    "amount": "số tiền",
    "value_date": "ngày giao dịch",
}


def set_language(lang: str | None) -> None:
    """The language of everything printed from now on; None goes back to RECONCILE_LANG or English."""
    if lang is not None and lang not in LANGS:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    _chosen[0] = lang


def language() -> str:
    """The current language: set_language's, else RECONCILE_LANG's, else en."""
    return _chosen[0] or _environment() or "en"


def use_language(option: str | None = None, config: str | None = None) -> str:
    """The CLI's choice, set and returned: --lang, else RECONCILE_LANG, else `lang` in the config
    file (when the file sets it), else vi: an officer's terminal speaks Vietnamese by default."""
    lang = option or _environment() or config or "vi"
    set_language(lang)
    return lang


def _environment() -> str | None:
    lang = os.environ.get(ENV, "").strip().lower()
    return lang if lang in LANGS else None


@dataclass(frozen=True)
class Message:
    id: str
    en: str
    vi: str
    match: bool  # translate() matches output against it (False: looked up by id only)

    def template(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


@cache
def catalogue() -> dict[str, Message]:
    """Every message by id, from reconcile/data/messages.toml."""
    raw = resources.files("reconcile.data").joinpath("messages.toml").read_text(encoding="utf-8")
    found: dict[str, Message] = {}

    def walk(prefix: str, table: dict, match: bool) -> None:
        if isinstance(table.get("match"), bool):
            match = table["match"]
        for key, value in table.items():
            if not isinstance(value, dict):
                continue
            name = f"{prefix}.{key}" if prefix else key
            if "en" in value:
                found[name] = Message(name, value["en"], value.get("vi", ""), value.get("match", match))
            else:
                walk(name, value, match)

    walk("", tomllib.loads(raw), True)
    return found


@cache
def _segments(template: str) -> tuple[str | tuple[str, tuple[str, ...] | None], ...]:
    """A template as its literal pieces and its placeholders: (name, its choice's alternatives or None)."""
    out: list[str | tuple[str, tuple[str, ...] | None]] = []
    at = 0
    for m in PLACEHOLDER.finditer(template):
        out.append(template[at : m.start()])
        out.append((m.group(1), None if m.group(3) is None else tuple(m.group(3).split("|"))))
        at = m.end()
    out.append(template[at:])
    return tuple(out)


def choices(template: str) -> dict[str, list[str]]:
    """The alternatives of each choice of a template, by its name."""
    return {p[0]: list(p[1]) for p in _segments(template) if isinstance(p, tuple) and p[1] is not None}


def placeholders(template: str) -> set[str]:
    """The names of a template's placeholders."""
    return {p[0] for p in _segments(template) if isinstance(p, tuple)}


def fill(template: str, values: dict[str, str], picked: dict[str, int] | None = None) -> str:
    """A template with its values in, and for each choice the alternative at the index `picked` gives
    (the first when it gives none)."""
    out = []
    for part in _segments(template):
        if isinstance(part, str):
            out.append(part)
        elif part[1] is None:
            out.append(str(values[part[0]]))
        else:
            index = (picked or {}).get(part[0], 0)
            out.append(part[1][index if index < len(part[1]) else 0])
    return "".join(out)


def text(message_id: str, lang: str | None = None, **values) -> str:
    """A catalogue message in the current language (or `lang`), its {names} filled with `values`.
    A choice's value is its English alternative ('row' or 'rows'), which picks the one to show; a
    number's ({name#}) is written as English writes it (1,234.50), and shown as the language does."""
    message = catalogue()[message_id]
    lang = lang or language()
    picked = {name: options.index(str(values[name])) for name, options in choices(message.en).items() if name in values}
    numbers = _numbers(message.en)
    values = {
        name: number(str(v), lang) if name in numbers or _GROUPED.fullmatch(str(v)) else v for name, v in values.items()
    }
    return fill(message.template(lang), values, picked)


def number(value: str, lang: str | None = None) -> str:
    """A number as English writes it (1,075,411,000; 97.50%; 0.92) as the language writes it:
    Vietnamese groups thousands with '.' and puts ',' before the decimals (1.075.411.000; 97,50%)."""
    if (lang or language()) != "vi":
        return value
    return value.translate(_VI_NUMBER)


_VI_NUMBER = str.maketrans(",.", ".,")
# a value that is a number English wrote with its thousands grouped (28,659; 1,000,000.5): a number
# wherever it stands, though its placeholder is not marked {name#}
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?%?")


@cache
def _numbers(template: str) -> frozenset[str]:
    """The names of a template's numbers ({name#})."""
    return frozenset(m.group(1) for m in PLACEHOLDER.finditer(template) if m.group(2) == "#")


@dataclass(frozen=True)
class _Pattern:
    message: Message
    regex: re.Pattern
    choices: dict[str, list[str]]
    messages: set[str]  # the {name!} placeholders
    numbers: frozenset[str]  # the {name#} placeholders
    literal: str  # its longest literal piece: a text without it cannot match


def _compile(message: Message, strict: bool) -> _Pattern:
    """The English template as a regex: literal text as it is, a value lazily, a number as one, a
    choice as its alternatives. strict: a VALUE mark may stand for a number or a choice too."""
    parts, seen, pieces, at = [], set(), [], 0
    value = f"|{VALUE}" if strict else ""
    for m in PLACEHOLDER.finditer(message.en):
        pieces.append(message.en[at : m.start()])
        parts.append(re.escape(message.en[at : m.start()]))
        name, kind, alternatives = m.groups()
        if name in seen:
            parts.append(f"(?P={name})")
        elif alternatives is not None:
            options = sorted(alternatives.split("|"), key=len, reverse=True)
            parts.append(f"(?P<{name}>{'|'.join(re.escape(o) for o in options)}{value})")
        elif kind == "#":
            parts.append(f"(?P<{name}>{NUMBER}{value})")
        else:
            parts.append(f"(?P<{name}>.*?)")
        seen.add(name)
        at = m.end()
    pieces.append(message.en[at:])
    parts.append(re.escape(message.en[at:]))
    needed = {m.group(1) for m in PLACEHOLDER.finditer(message.en) if m.group(2) == "!"}
    return _Pattern(
        message,
        re.compile("".join(parts), re.S),
        choices(message.en),
        needed,
        _numbers(message.en),
        max(pieces, key=len),
    )


@cache
def _patterns(strict: bool = False) -> list[_Pattern]:
    """The matchable templates, the most specific (most literal text) first."""
    compiled = [_compile(m, strict) for m in catalogue().values() if m.match]
    return sorted(compiled, key=lambda p: -len(PLACEHOLDER.sub("", p.message.en)))


def translate(text: str, lang: str | None = None) -> str:
    """English output in the current language (or `lang`), line by line; unknown lines unchanged."""
    lang = lang or language()
    if lang == "en" or not text:
        return text
    return "\n".join(_text_of(_translated(line, lang)) or line for line in text.split("\n"))


# the text in the language, and how many letters of it were left as they were (a path, a header, a
# code, or English no template covers); None: no template matches
_Found = tuple[str, int] | None


def covers(template: str) -> bool:
    """Whether `translate` turns all of `template` into Vietnamese, {} standing for each value in it:
    the message itself and every piece of English that fills its placeholders. For the test that
    every message the code can print has a template."""
    return _translated(template.replace("{}", VALUE), "vi", True) is not None


def _text_of(found: _Found) -> str | None:
    return None if found is None else found[0]


@lru_cache(maxsize=4096)
def _translated(text: str, lang: str, strict: bool = False) -> _Found:
    """A line, or a value inside one, in `lang`; None when no template covers it. When the first
    template that matches leaves letters as they were (a path, a header, or a list a lazy value ran
    over), a reading as `path: problem; fix` or as a list of parts may translate more of it: the
    reading that leaves the fewest wins. strict: all of it translated, or None."""
    if not text.strip():
        return None
    first = _by_template(text, lang, strict)
    if first is not None and not first[1]:
        return first
    found = [
        f
        for f in (
            first,
            _error_parts(text, lang, strict),
            _list(text, lang, strict, "; "),
            _list(text, lang, strict, ", "),
        )
        if f is not None and not (strict and f[1])
    ]
    return min(found, key=lambda f: f[1]) if found else None


def _by_template(text: str, lang: str, strict: bool) -> _Found:
    """The template that matches all of `text` and leaves the fewest letters as they were (the most
    specific of those), with its values translated where they can be. A {name!} value must
    translate; in strict mode, every value with words in it must, entirely."""
    best: _Found = None
    for pattern in _patterns(strict):
        if pattern.literal not in text:
            continue
        m = pattern.regex.fullmatch(text)
        if m is None:
            continue
        values, left = {}, 0
        for name, value in m.groupdict().items():
            if name in pattern.choices:  # a choice the Vietnamese shows as it is, a column's name with its words
                values[name] = f"{COLUMN_WORDS[value]} ({value})" if name == "column" and lang == "vi" else value
                continue
            if name in pattern.numbers or _GROUPED.fullmatch(value):
                values[name] = number(value, lang)
                continue
            found = _translated(value, lang, strict)
            letters = len(_LETTER.findall(value.replace(VALUE, "")))
            if found is None and letters and (strict or name in pattern.messages):
                break  # English this template would leave as it is: another template may cover it
            if found is None:  # a value, or English: a value that runs over a clause is no value
                left += letters + (SWALLOWED if "; " in value or ": " in value else 0)
            values[name] = value if found is None else found[0]
            left += 0 if found is None else found[1]
        else:
            if best is None or left < best[1]:
                picked = {name: _index(options, m.group(name)) for name, options in pattern.choices.items()}
                best = fill(pattern.message.template(lang), values, picked), left
            if not left:
                break
    return best


def _index(options: list[str], value: str) -> int:
    return options.index(value) if value in options else 0


def _error_parts(text: str, lang: str, strict: bool) -> _Found:
    """`path: problem; fix` (an InputFileError) when its problem and its fix each have a template.
    The fix is found from the right (a problem may hold '; '), the path from the left."""
    semis = [m.start() for m in re.finditer("; ", text)]
    for semi in reversed(semis):
        fix = _mostly(_by_template(text[semi + 2 :], lang, strict))
        if fix is None:
            continue
        head = text[:semi]
        for colon in (m.start() for m in re.finditer(": ", head)):
            if strict and _LETTER.search(head[:colon].replace(VALUE, "")):
                continue  # a path is a value
            problem = _mostly(_by_template(head[colon + 2 :], lang, strict))
            if problem is not None:
                return f"{_sheet_of(head[:colon], lang)}: {problem[0]}; {fix[0]}", problem[1] + fix[1]
    return None


def _sheet_of(path: str, lang: str) -> str:
    """A file's name as readers.tables.file_names gives a workbook's sheet, `book.xlsx (sheet 'T08')`, in the
    language (the path and the sheet's name as they are)."""
    if not (path.endswith("')") and " (sheet '" in path):
        return path
    found = _by_template(path, lang, False)
    return path if found is None else found[0]


def _list(text: str, lang: str, strict: bool, separator: str) -> _Found:
    """Parts joined by a separator (a row's reasons, the sheets skipped, the sources missing) when
    every part has a template."""
    if separator not in text:
        return None
    parts = [_mostly(_by_template(part, lang, strict)) for part in text.split(separator)]
    if any(p is None for p in parts):
        return None
    return separator.join(p[0] for p in parts if p is not None), sum(p[1] for p in parts if p is not None)


def _mostly(found: _Found) -> _Found:
    """A part's translation, unless a value of its template swallowed clauses it does not translate
    (the rest of a line after 'the payment file of ...' is no reading of it)."""
    return found if found is not None and found[1] < SWALLOWED else None
