"""An MT940 statement saved in Windows-1258 (Vietnamese Windows' code page: a tone written as a
combining mark after its vowel) reads exactly as its UTF-8 twin: read as Windows-1252 before, its
names were garbled (`NGUYÊÞN THIò`) and the run found false NAME_MISMATCHes. A European bank's
Windows-1252 or Latin-1 statement reads as before."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb
from click.testing import CliRunner

from conftest import FIXTURES
from reconcile.cli import cli
from reconcile.readers.mt940 import read

REGISTRY = FIXTURES / "statements" / "registry.csv"
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
LINES = [
    "{1:F01BFTVVNVXAXXX0000000000}{2:O9401630240906BFTVVNVXAXXX00000000002409061630N}{4:",
    ":20:VCB0905",
    ":25:0071001234567",
    ":28C:249/1",
    ":60F:C240905VND50000000,",
    ":61:2409050905D1500000,NTRFCTXH01//FT2",
    ":86:177?00CHUYEN KHOAN?20TRỢ CẤP XÃ HỘI T9/2024?310071000000001?32NGUYỄN THỊ THANH HƯƠNG",
    ":61:2409050905D2250000,NTRFCTXH02//FT3",
    ":86:177?00CHUYEN KHOAN?20TRỢ CẤP XÃ HỘI T9/2024?310071000000002?32TRẦN VĂN BÌNH",
    ":62F:C240905VND46250000,",
    "-}",
]
TEXT = "\r\n".join(LINES) + "\r\n"


def windows_1258(text: str) -> bytes:
    """As Vietnamese Windows writes it: a letter Windows-1258 has whole as one byte, else its base
    letter and the tone as a combining mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return out


def test_the_bytes_are_windows_1258_with_combining_tones():
    data = windows_1258("NGUYỄN THỊ")
    assert data == b"NGUY\xca\xdeN THI\xf2"
    assert data.decode("cp1252") == "NGUYÊÞN THIò"  # what the reader made of it


def test_a_windows_1258_statement_reads_as_its_utf8_twin(tmp_path):
    utf8, cp1258 = tmp_path / "utf8.sta", tmp_path / "cp1258.sta"
    utf8.write_bytes(TEXT.encode("utf-8"))
    cp1258.write_bytes(windows_1258(TEXT))
    twin = read(utf8)[1]
    assert twin.select("payee_name", "narrative").rows() == [
        ("NGUYỄN THỊ THANH HƯƠNG", "TRỢ CẤP XÃ HỘI T9/2024"),
        ("TRẦN VĂN BÌNH", "TRỢ CẤP XÃ HỘI T9/2024"),
    ]
    assert read(cp1258)[1].equals(twin)


def test_a_windows_1258_statement_runs_without_false_name_mismatches(tmp_path):
    path = tmp_path / "cp1258.sta"
    path.write_bytes(windows_1258(TEXT))
    db = tmp_path / "r.duckdb"
    args = ["run", "--period", "2024-09", "--db", str(db), "--registry", str(REGISTRY), "--partial"]
    res = CliRunner().invoke(cli, [*args, "--payments", str(path)])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT payee_name FROM payments ORDER BY source_row").fetchall() == [
            ("NGUYỄN THỊ THANH HƯƠNG",),
            ("TRẦN VĂN BÌNH",),
        ]
        assert con.execute("SELECT count(*) FROM flags WHERE code = 'NAME_MISMATCH'").fetchone() == (0,)


def european(tmp_path: Path, name: str, payee: str, encoding: str) -> list[tuple]:
    lines = [
        ":20:STARTUMSE",
        ":25:DE11222220220222220200",
        ":28C:00000/001",
        ":60F:C200219EUR1000,00",
        ":61:2002190219DR100,00NMSCNONREF",
        f":86:177?00UEBERWEISUNG?20RECHNUNG 4711?32{payee}",
        ":62F:C200219EUR900,00",
    ]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return read(path)[1].select("payee_name", "narrative").rows()


def test_a_european_windows_1252_or_latin_1_statement_reads_as_before(tmp_path):
    # letters Windows-1252 and Windows-1258 share, and ones they do not: ì, ò, Þ are Windows-1252's here
    # (a tone mark on no vowel), Š a byte Windows-1258 leaves undefined
    # ã, õ, ý with no tone at all: Windows-1258's ă, ơ, ư, but a Vietnamese text writes tones (`VÕ THI HOA`
    # of a Portuguese bank read `VƠ THI HOA`, `JOÃO` read `JOĂO`)
    for payee in ("MÜLLER STRAßE GMBH", "CAFFÈ COSÌ PERÒ", "ÞÓRÐUR", "ŠKODA AUTO", "JOÃO SÃO VÕ ÝR"):
        assert european(tmp_path, "cp1252.sta", payee, "cp1252") == [(payee, "RECHNUNG 4711")], payee
    # a byte Windows-1252 leaves undefined: Latin-1
    assert european(tmp_path, "latin1.sta", "X\x81 ANDRÉ", "latin-1") == [("X\x81 ANDRÉ", "RECHNUNG 4711")]
