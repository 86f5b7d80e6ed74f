"""What leaves the office does not hold the personal data it must not (issue 18): in every masked output
(workbook, exports, read-back, action files) and in the analyst copy, none of the registry's IDs, account numbers or
birth dates, and no payment reference whole in the findings."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from reconcile.cli import cli


@pytest.fixture(scope="module")
def office(tmp_path_factory, sample_month):
    folder = tmp_path_factory.mktemp("office")  # the outputs; the shared sample month is only read
    db = sample_month.db
    with duckdb.connect(str(db), read_only=True) as con:
        ids = {v for (v,) in con.execute("SELECT vneid FROM registry WHERE vneid IS NOT NULL").fetchall()}
        accounts = {
            v
            for (v,) in con.execute(
                "SELECT account_number FROM registry WHERE account_number IS NOT NULL "
                "UNION SELECT account_number FROM payments WHERE account_number IS NOT "
                "NULL"
            ).fetchall()
        }
        births = {
            v for (v,) in con.execute("SELECT date_of_birth FROM registry WHERE date_of_birth IS NOT NULL").fetchall()
        }
        refs = {v for (v,) in con.execute("SELECT payment_ref FROM flags WHERE payment_ref IS NOT NULL").fetchall()}
        # the birth dates of rejected rows, as their files wrote them (under the headers read as date_of_birth)
        headers = {
            (period, file_id): {h for h, canonical in json.loads(used).items() if canonical == "date_of_birth"}
            for period, file_id, used in con.execute("SELECT period, file_id, columns_used FROM inputs").fetchall()
        }
        written = {
            value
            for period, file_id, raw in con.execute("SELECT period, file_id, raw FROM rejected_rows").fetchall()
            for header, value in json.loads(raw).items()
            if value and header in headers[(period, file_id)]
        }
    assert written, "the sample month has a rejected row with a birth date"
    births = {*births, *written}
    return folder, db, ids, accounts, births, refs


def leaks(text: str, ids, accounts, births: set[date | str]) -> list[str]:
    """The IDs, accounts and birth dates (a date, or a text as a file wrote it) found in the text."""
    found = [v for v in ids | accounts if v in text]
    for born in births:
        spelled = [born] if isinstance(born, str) else [born.isoformat(), born.strftime("%d/%m/%Y")]
        found += [f for f in spelled if f in text]
    return found


def workbook_text(path) -> str:
    with zipfile.ZipFile(path) as book:
        return "\n".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))


def test_no_masked_output_holds_an_id_an_account_or_a_birth_date(office):
    folder, db, ids, accounts, births, refs = office
    assert len(ids) == 299 and len(births) > 250 and len(accounts) > 200 and len(refs) > 10
    outputs = {}
    res = CliRunner().invoke(
        cli,
        [
            "report",
            "--period",
            "2024-09",
            "--db",
            str(db),
            "--mask-ids",
            "--report",
            str(folder / "masked.xlsx"),
            "--export",
            str(folder / "export"),
        ],
    )
    assert res.exit_code == 0, res.output
    outputs["workbook"] = workbook_text(folder / "masked.xlsx")
    for path in sorted((folder / "export").iterdir()):
        frame = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path, infer_schema=False)
        outputs[path.name] = "\n".join(str(v) for row in frame.rows() for v in row)
    for command in (
        ["flags"],
        ["flags", "--format", "csv"],
        ["flags", "--format", "json"],
        *(["show", vneid, "--format", fmt] for vneid in sorted(ids)[:5] for fmt in ("table", "json")),
    ):
        res = CliRunner().invoke(cli, [*command, "--db", str(db), "--mask-ids"])
        assert res.exit_code == 0, res.output
        outputs[" ".join(command)] = res.stdout
    # the action files (reconcile actions): the payments to send again and the overpayments to reclaim
    res = CliRunner().invoke(
        cli, ["actions", "--period", "2024-09", "--db", str(db), "--mask-ids", "--out", str(folder / "actions")]
    )
    assert res.exit_code == 0, res.output
    for path in sorted((folder / "actions").iterdir()):
        outputs[path.name] = path.read_text(encoding="utf-8-sig") if path.suffix == ".csv" else workbook_text(path)
    stems = ["recovery_BIDV_00091", "recovery_BIDV_14845", "recovery_ICB_00004", "recovery_VCB_26740", "reissue_BIDV"]
    assert sorted((folder / "actions").iterdir()) == [
        folder / "actions" / f"{s}{x}" for s in stems for x in (".csv", ".xlsx")
    ]
    assert len(outputs) == 18 + 10
    for name, text in outputs.items():
        assert leaks(text, ids, accounts, births) == [], name
    # the findings' payment references by their last four characters only
    findings = [
        outputs["flags --format csv"],
        outputs["flags_2024-09.csv"],
        outputs["flags_2024-09.parquet"],
        *(text for name, text in outputs.items() if name.startswith(("reissue_", "recovery_"))),
    ]
    for text in findings:
        assert [r for r in refs if len(r) > 4 and re.search(rf"(?<![*\w]){re.escape(r)}", text)] == []


def test_the_analyst_copy_holds_no_id_account_birth_date_or_special_category(office):
    folder, db, ids, accounts, births, _ = office
    out = folder / "analysts.duckdb"
    res = CliRunner().invoke(cli, ["export-db", "--db", str(db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(out), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        text = "\n".join(
            str(v)
            for t in tables
            for row in con.execute(f'SELECT * FROM "{t}"').fetchall()
            for v in row
            if v is not None
        )
        assert con.execute(
            "SELECT count(*) FROM registry WHERE category IS NOT NULL OR date_of_death IS NOT NULL"
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM runs WHERE operator IS NOT NULL").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM inputs WHERE path IS NOT NULL").fetchone() == (0,)
        # the files by name alone (their folder names the office's user), no date a finding's detail gives
        # (a payment after a death dates the death), and no one who removed a period
        for table in ("flags", "registry", "payments", "rejected_rows"):
            assert con.execute(
                f"SELECT count(*) FROM {table} WHERE source_file LIKE '%/%' OR source_file LIKE '%\\%'"
            ).fetchone() == (0,), table
        assert con.execute(
            "SELECT count(*) FROM flags WHERE regexp_matches(detail, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]+ day')"
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM flags WHERE code = 'PAID_AFTER_DEATH'").fetchone()[0] > 0
    assert leaks(text, ids, accounts, births) == []
    assert str(db.parent) not in text  # no path to the office's folders


def test_a_rejected_row_s_birth_dates_are_masked_under_any_header_that_speaks_of_a_birth():
    """Masked: the columns the file read as dates of birth, and any whose header speaks of a birth,
    read or not (a second birth-date column the reader left aside), and a date written after a word
    for birth in any other (a narrative's `ns 25/11/1996`); nothing else."""
    from reconcile.report.sheetxml import install_macros

    con = duckdb.connect()
    install_macros(con)
    raw = (
        '{"Họ tên":"Lê Văn An","NS":"05/09/1950","Năm sinh":"1950","Birth date":"05/09/1950","DOB":"1950-09-05",'
        '"DOB_DDMMYYYY":"05/09/1950","D.O.B":"05/09/1950","Ngày mất":null,"Số tiền":"1.500.000","Dobbin":"x",'
        '"Nội dung":"CCCD 079196118125 ns 25/11/1996 chi T9 05/09/2024","Ghi chú":"sinh:1950-09-05; NS25.11.1996"}'
    )
    (masked,) = con.execute("SELECT rc_mask_dob(?, [])", [raw]).fetchone()
    assert json.loads(masked) == {
        "Họ tên": "Lê Văn An",
        "NS": "**/**/****",
        "Năm sinh": "**/**/****",
        "Birth date": "**/**/****",
        "DOB": "**/**/****",
        "DOB_DDMMYYYY": "**/**/****",
        "D.O.B": "**/**/****",
        "Ngày mất": None,
        "Số tiền": "1.500.000",
        "Dobbin": "x",
        # a birth date inside free text, after a word for it (the payment's date stays)
        "Nội dung": "CCCD 079196118125 ns **/**/**** chi T9 05/09/2024",
        "Ghi chú": "sinh:**/**/****; NS**/**/****",
    }
    assert list(json.loads(masked)) == list(json.loads(raw))  # the file's column order kept
