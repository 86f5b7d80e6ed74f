"""`reconcile generate --formats mt940,camt054,csv1258`: the bank file as MT940 statements and as a
camt.054 notification, and the CSV files in Windows-1258, each read by `reconcile run` to exactly the
findings of the same month given as Parquet, and to every finding of its truth file."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import fields

import duckdb
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.errors import ReconcileError
from reconcile.generate import GenerateConfig, Rates, generate, read_truth
from reconcile.pipeline import RunConfig, run

# ten times the default rates: 400 beneficiaries hold every kind of finding, 8 returned transfers among them
RATES = Rates(**{f.name: getattr(Rates(), f.name) * 10 for f in fields(Rates)})
SETS = {  # format -> (registry, payment files) a run reads: the new format's in place of the Parquet ones
    "parquet": ("registry.parquet", ["payments_bank.parquet", "payments_post.parquet"]),
    "mt940": ("registry.parquet", ["payments_bank.sta", "payments_post.parquet"]),
    "camt054": ("registry.parquet", ["payments_bank.camt054.xml", "payments_post.parquet"]),
    "csv1258": ("registry.cp1258.csv", ["payments_bank.cp1258.csv", "payments_post.cp1258.csv"]),
}
FINDINGS = (
    "SELECT code, vneid, payment_ref, program, expected_amount, paid_amount, payee_name, account_number "
    "FROM flags ORDER BY ALL"
)
RETURN_CREDIT = "credit: a return or reversal, not a payment (a returned payment is its debit row)"


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    result = generate(GenerateConfig(beneficiaries=400, seed=11, out=out, formats=(*SETS, "csv"), rates=RATES))
    return out, result


def _run(out, fmt, db):
    registry, payments = SETS[fmt]
    run(RunConfig(period="2024-09", registry=[out / registry], payments=[out / p for p in payments], db=db))
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(FINDINGS).fetchall()
        rejected = con.execute("SELECT reason, set_aside FROM rejected_rows ORDER BY ALL").fetchall()
        names = con.execute("SELECT vneid, full_name FROM registry ORDER BY ALL").fetchall()
        payees = con.execute("SELECT payment_ref, payee_name, narrative FROM payments ORDER BY ALL").fetchall()
    return found, rejected, names, payees


@pytest.fixture(scope="module")
def parquet_run(month, tmp_path_factory):
    out, _ = month
    return _run(out, "parquet", tmp_path_factory.mktemp("pq") / "r.duckdb")


@pytest.mark.parametrize("fmt", ["mt940", "camt054", "csv1258"])
def test_a_run_of_the_format_finds_what_the_parquet_run_finds_and_the_truth(month, parquet_run, tmp_path, fmt):
    out, result = month
    found, rejected, names, payees = _run(out, fmt, tmp_path / "r.duckdb")
    truth = read_truth(result.truth)
    failed = sum(1 for code, _, _ in truth if code == "PAYMENT_FAILED")
    assert failed == 8 and len({code for code, _, _ in truth}) == 14
    assert found == parquet_run[0]  # code, ID, reference, programme, amounts, payee, account: row for row
    assert Counter((code, vneid, ref) for code, vneid, ref, *_ in found) == Counter(truth)
    if fmt == "csv1258":
        assert rejected == []
        # every name read back as the UTF-8 files' (NFC), the registry's and the post office's payees'
        assert names == parquet_run[2]
        assert [p[:2] for p in payees] == [p[:2] for p in parquet_run[3]]
    else:  # the money of each returned transfer coming back: set aside, its debit marked returned
        assert rejected == [(RETURN_CREDIT, True)] * failed


def test_mt940_is_a_chain_of_daily_statements_that_add_up(month):
    out, _ = month
    text = (out / "payments_bank.sta").read_text(encoding="utf-8")
    statements = text.split("\n-\n")[:-1]
    assert len(statements) == 5  # 31 August (paid last month), 2 to 5 September
    previous = None
    for n, statement in enumerate(statements, start=1):
        lines = statement.splitlines()
        opening = re.fullmatch(r":60F:C(\d{6})VND(\d+),", lines[3])
        closing = re.fullmatch(r":62F:C(\d{6})VND(\d+),", lines[-1])
        assert opening and closing
        assert lines[:3] == [f":20:GEN20{closing.group(1)}", ":25:37610001054321", f":28C:{n}"]
        moves = re.findall(r"^:61:(\d{6})\d{4}(R?D)(\d+),NTRFNONREF$", statement, flags=re.M)
        assert {day for day, _, _ in moves} == {closing.group(1)}  # one day's payments
        debits = sum(int(a) for _, mark, a in moves if mark == "D")
        back = sum(int(a) for _, mark, a in moves if mark == "RD")
        assert int(opening.group(2)) - debits + back == int(closing.group(2))
        if previous is not None:  # opens at the balance the day before closed at, on its date
            assert (opening.group(1), opening.group(2)) == (previous.group(1), previous.group(2))
        previous = closing
        for field in re.findall(r"^:86:(.*?)(?=^:6)", statement, flags=re.M | re.S):
            assert all(len(line) <= 65 for line in field.splitlines())
    assert text.count("RD") == 8 and ":86:/EREF/FT2024090" in text


def test_camt054_is_a_debit_credit_notification(month):
    out, _ = month
    text = (out / "payments_bank.camt054.xml").read_text(encoding="utf-8")
    assert 'xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>' in text
    assert "<Ntfctn><Id>GEN</Id><CreDtTm>" in text and "<Stmt>" not in text
    assert text.count("<CdtDbtInd>CRDT</CdtDbtInd>") == text.count("<Cd>AC04</Cd>") == 8


def test_csv1258_is_the_csv_in_windows_1258_with_tone_marks_after_their_letters(month):
    out, _ = month
    for name in ("registry", "payments_bank", "payments_post"):
        data = (out / f"{name}.cp1258.csv").read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        plain = (out / f"{name}.csv").read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", data.decode("cp1258")) == plain.replace("\n", "\r\n")
    registry = (out / "registry.cp1258.csv").read_bytes()
    # `Số`: ô, then the acute as a combining mark (0xEC); `Mã`: a, then the tilde (0xDE): no byte for ố, ã
    assert registry[:4] == b"S\xf4\xec " and b"Ma\xde ng\xe2n h\xe0ng" in registry
    # `reconcile check` reads each as it reads the UTF-8 file: the same columns, rows and findings
    for name, role in (("registry", "registry"), ("payments_bank", "payments"), ("payments_post", "payments")):
        said = {}
        for file in (f"{name}.csv", f"{name}.cp1258.csv"):
            res = CliRunner().invoke(cli, ["check", str(out / file), "--as", role, "--period", "2024-09"])
            said[file] = (res.exit_code, res.output.replace(str(out / file), "FILE"))
        exit_code, output = said[f"{name}.cp1258.csv"]
        assert output.splitlines()[0] == f"FILE: {role} file, csv, windows-1258, header on row 1"
        assert (exit_code, output.replace("windows-1258", "utf-8")) == said[f"{name}.csv"]


@pytest.mark.parametrize(
    ("fmt", "size", "message"),
    [
        (
            "mt940",
            500_001,
            "MT940 statements of more than 500,000 beneficiaries would take several GB of memory to read; "
            "leave mt940 out of --formats, or generate fewer beneficiaries",
        ),
        (
            "camt054",
            2_000_001,
            "camt.054 XML of more than 2,000,000 beneficiaries would be several GB; "
            "leave camt054 out of --formats, or generate fewer beneficiaries",
        ),
        ("xls", 100, "unknown format 'xls'; use any of parquet, csv, xlsx, camt, camt054, mt940, csv1258"),
    ],
)
def test_what_generate_refuses_to_write(tmp_path, fmt, size, message):
    with pytest.raises(ReconcileError) as caught:
        generate(GenerateConfig(beneficiaries=size, out=tmp_path / "m", formats=(fmt,)))
    assert str(caught.value) == message
    assert not (tmp_path / "m").exists()


def test_the_formats_as_the_command_writes_them(tmp_path):
    res = CliRunner().invoke(
        cli,
        ["generate", "--beneficiaries", "50", "--out", str(tmp_path / "m"), "--formats", "mt940,camt054,csv1258"],
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        ".reconcile-generated",
        "payments_bank.camt054.xml",
        "payments_bank.cp1258.csv",
        "payments_bank.sta",
        "payments_post.cp1258.csv",
        "registry.cp1258.csv",
        "truth.csv",
    ]
