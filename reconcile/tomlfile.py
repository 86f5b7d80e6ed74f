"""A config or profile file's text as TOML: a file not saved as UTF-8, or with a mistake in TOML's
syntax, is refused with a message in words of its own (translated like every message, where Python's
reason would stay English), keeping the line and column tomllib gives."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from reconcile.errors import ConfigError

# what a config that is no regular file gave (a pipe: `--config /dev/stdin`, `--config <(...)`), by
# its path: it can be read once, and the run reads it twice (its lang, then its settings); read
# again, it gave nothing, and the run went on silently with the defaults
_PIPED: dict[tuple[str, int, int], bytes] = {}


def read_once(path: Path) -> bytes:
    """The bytes of a config file; of one that is no regular file (a pipe), those it gave the first time."""
    if path.is_file() or path.is_dir() or not path.exists():
        return path.read_bytes()
    st = path.stat()
    key = (str(path), st.st_dev, st.st_ino)  # this pipe, not another given the same path later
    if key not in _PIPED:
        _PIPED[key] = path.read_bytes()
    return _PIPED[key]


def parse_toml(path: Path | str, raw: bytes, *, profile: bool = False) -> dict:
    """The tables of a config or profile file read as bytes (a UTF-8 byte-order mark allowed). A file not
    saved as UTF-8, or not valid TOML, is a ConfigError that says where in words of its own (translated
    like every message), not Python's English reason."""
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # a workbook (xlsx, xls) or a zip archive
        raise ConfigError(f"{path}: is a workbook or an archive, not a TOML text file; pass the .toml file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: is not saved as UTF-8 (line {line} holds bytes that are not UTF-8); save the file as "
            "UTF-8 in the text editor and try again"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        mistake = toml_mistake(exc, text)
        raise ConfigError(
            f"{path}: not a valid TOML profile ({mistake}); fix the file"
            if profile
            else f"{path}: not valid TOML ({mistake}); fix the file"
        ) from None


BACKSLASH = "a backslash in text in double quotes, where a Windows path or a regular expression needs single quotes"

# The start of tomllib's reason for a syntax error -> what it is to a person editing the file
TOML_MISTAKES = {
    "Invalid value": "a value that is not a number, true, false, a date or text in quotes",
    "Expected '=' after a key": "a key without '=' and a value",
    "Expected newline or end of document after a statement": "more after a value than a # comment",
    "Cannot declare": "a [section] given twice",
    "Cannot overwrite a value": "a key given twice",
    "Cannot mutate immutable namespace": "a key given twice",
    "Cannot redefine namespace": "a key given twice",
    "Duplicate inline table key": "a key given twice",
    "Unterminated string": "text in quotes without its closing quote",
    'Expected "\'"': "text in quotes without its closing quote",
    "Illegal character": "text in quotes not closed on its line, or holding a control character",
    "Unescaped '\\' in a string": BACKSLASH,
    "Invalid hex value": BACKSLASH,
    "Escaped character": BACKSLASH,
    "Found invalid character": "text in quotes not closed on its line, or holding a control character",
    "Invalid statement": "a line that is neither key = value nor a [section]",
    "Invalid initial character for a key part": "a key that starts with a character a key cannot",
    "Expected ']' at the end of a table declaration": "a [section] without its closing ]",
    "Expected ']]' at the end of an array declaration": "a [[section]] without its closing ]]",
    "Unclosed array": "a list without its closing ] or a comma between its items",
    "Unclosed inline table": "a { } table without its closing }",
    "Invalid date or datetime": "a date that does not exist",
}
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)$")


def toml_mistake(exc: tomllib.TOMLDecodeError, text: str = "") -> str:
    """A TOML syntax error as what it is and where: the line and column tomllib gives, or the end of the
    file; a reason not listed above is a line TOML cannot read. Text in quotes left open is only found
    open at the end of the file: the line is then the first that opens a quote it does not close."""
    reason = str(exc)
    key = next((k for k in TOML_MISTAKES if reason.startswith(k)), None)
    what = TOML_MISTAKES[key] if key else "a line TOML cannot read"
    at = _TOML_AT.search(reason)
    if at:
        return f"{what} at line {at.group(1)}, column {at.group(2)}"
    line = _open_quote_line(text) if key in ("Unterminated string", 'Expected "\'"') else None
    if line is not None:
        return f"{what} at line {line}"
    return f"{what} at the end of the file"


def _open_quote_line(text: str) -> int | None:
    """The first line with a quote it does not close (its ' or " counted outside a # comment, a
    multi-line string's triple quotes aside); None if every line closes its quotes."""
    for number, line in enumerate(text.splitlines(), start=1):
        if '"""' in line or "'''" in line:
            return None  # a multi-line string: its lines are not counted one by one
        quote, escaped = None, False
        for ch in line:
            if escaped:  # \" within double quotes
                escaped = False
            elif quote == '"' and ch == "\\":
                escaped = True
            elif quote is None and ch == "#":
                break
            elif ch in "'\"" and quote in (None, ch):
                quote = None if quote == ch else ch
        if quote is not None:
            return number
    return None
