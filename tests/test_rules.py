"""Every finding on a tiny fixture of its own, asserting the run's exact flags.

fixtures/rules/<CODE>/ holds registry.csv and payments.csv (canonical headers, period 2024-09)
with the planted problem and at least one clean beneficiary, and expected.csv listing ALL the
flags the run must produce (so a rule that over-fires fails the test as surely as one that
misses). An empty cell in expected.csv stands for NULL; source_file is the file name only.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES, write_csv
from reconcile.pipeline import RunConfig, run
from reconcile.rules import catalogue, parse_rule
from reconcile.sqlfiles import sql_text

PERIOD = "2024-09"
RULE_FIXTURES = FIXTURES / "rules"
RULES_DIR = Path(__file__).resolve().parent.parent / "reconcile" / "sql" / "rules"
EXPECTED_COLUMNS = (
    "code",
    "severity",
    "vneid",
    "payment_ref",
    "program",
    "expected_amount",
    "paid_amount",
    "source_file",
    "source_row",
)

REGISTRY_HEADER = [
    "vneid",
    "full_name",
    "date_of_birth",
    "gender",
    "program",
    "category",
    "entitled_amount",
    "channel",
    "bank_code",
    "account_number",
    "province_code",
    "commune_code",
    "status",
    "date_of_death",
]
PAYMENTS_HEADER = [
    "payment_ref",
    "vneid",
    "payee_name",
    "date_of_birth",
    "bank_code",
    "account_number",
    "amount",
    "value_date",
    "channel",
    "status",
    "program",
    "narrative",
]

# Cases whose expected.csv asserts the behaviour SPEC.md asks for but the product does not yet
# deliver: code -> reason. strict, so the marker must be removed once the rule is fixed.
KNOWN_BUGS: dict[str, str] = {}


def rule_codes_on_disk() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.sql"))


def fixture_codes() -> list[str]:
    return sorted(p.name for p in RULE_FIXTURES.iterdir() if p.is_dir()) if RULE_FIXTURES.is_dir() else []


def _cell(value) -> str:
    return "" if value is None else str(value)


def reconcile_files(tmp_path: Path, registry: Path, payments: Path) -> Path:
    db = tmp_path / "r.duckdb"
    run(RunConfig(period=PERIOD, registry=[registry], payments=[payments], db=db))
    return db


def read_flags(db: Path) -> list[tuple[str, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(f"SELECT {', '.join(EXPECTED_COLUMNS)} FROM flags WHERE period = ?", [PERIOD]).fetchall()
    finally:
        con.close()
    out = []
    for row in rows:
        values = dict(zip(EXPECTED_COLUMNS, row))
        if values["source_file"] is not None:
            values["source_file"] = Path(values["source_file"]).name
        out.append(tuple(_cell(values[c]) for c in EXPECTED_COLUMNS))
    return out


def read_expected(path: Path) -> list[tuple[str, ...]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == EXPECTED_COLUMNS, f"{path}: header must be {EXPECTED_COLUMNS}"
        return [tuple(row[c] for c in EXPECTED_COLUMNS) for row in reader]


def assert_same_rows(actual: list[tuple], expected: list[tuple]) -> None:
    """The same multiset of flag rows, else a diff listing what is missing and what is unexpected."""
    got, want = Counter(actual), Counter(expected)
    if got == want:
        return
    missing = sorted((want - got).elements())
    extra = sorted((got - want).elements())
    lines = [
        f"flags differ from expected ({len(actual)} found, {len(expected)} expected)",
        "  columns:    " + ",".join(EXPECTED_COLUMNS),
    ]
    lines += ["  missing:    " + ",".join(r) for r in missing]
    lines += ["  unexpected: " + ",".join(r) for r in extra]
    pytest.fail("\n".join(lines), pytrace=False)


# ---------------------------------------------------------------------------- catalogue & drift


@pytest.mark.parametrize("code", rule_codes_on_disk())
def test_rule_file_parses(code):
    name = f"rules/{code}.sql"
    rule = parse_rule(name, sql_text(name))
    assert rule.code == code
    assert rule.description_en.strip() and rule.description_vi.strip()
    assert rule.sql.lstrip().startswith("-- code: ")
    assert code in {r.code for r in catalogue()}


def test_catalogue_is_every_rule_file():
    assert sorted(r.code for r in catalogue()) == rule_codes_on_disk()
    assert len(rule_codes_on_disk()) == 14


@pytest.mark.parametrize("code", sorted(set(rule_codes_on_disk()) | set(fixture_codes())))
def test_every_rule_has_a_fixture(code):
    assert code in rule_codes_on_disk(), f"fixtures/rules/{code}/ has no rule reconcile/sql/rules/{code}.sql"
    folder = RULE_FIXTURES / code
    for name in ("registry.csv", "payments.csv", "expected.csv"):
        assert (folder / name).is_file(), f"rule {code} has no fixture file fixtures/rules/{code}/{name}"
    expected = read_expected(folder / "expected.csv")
    assert any(row[0] == code for row in expected), f"fixtures/rules/{code}/expected.csv never expects {code}"


# ---------------------------------------------------------------------------- one case per rule


def _case(code: str):
    if code in KNOWN_BUGS:
        return pytest.param(code, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[code]))
    return code


@pytest.mark.parametrize("code", [_case(c) for c in fixture_codes()])
def test_rule_fixture(code, tmp_path):
    folder = RULE_FIXTURES / code
    db = reconcile_files(tmp_path, folder / "registry.csv", folder / "payments.csv")
    assert_same_rows(read_flags(db), read_expected(folder / "expected.csv"))


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "banks, shared",
    [
        (("VCB", "VCB", ""), 3),  # a payment naming no bank is at the bank the account's others name
        (("", "", ""), 3),  # none names one: the number alone
        (("VCB", "BIDV", ""), 0),  # two banks: two accounts, and the third cannot be placed at either
    ],
)
def test_shared_account_with_a_payment_that_names_no_bank(tmp_path, banks, shared):
    """A bank's list of its own transfers often has no bank column: three beneficiaries paid into one
    account are a SHARED_ACCOUNT whether each payment names the bank or not."""
    case = RULE_FIXTURES / "SHARED_ACCOUNT"
    rows = list(csv.reader((case / "payments.csv").read_text(encoding="utf-8").splitlines()))
    for row, bank in zip(rows[1:4], banks):
        row[4] = bank
    payments = tmp_path / "payments.csv"
    with open(payments, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    flags = read_flags(reconcile_files(tmp_path, case / "registry.csv", payments))
    assert sorted(f[3] for f in flags if f[0] == "SHARED_ACCOUNT") == (
        ["FT24249000101", "FT24249000105", "FT24249000106"] if shared else []
    )


def test_shared_account_written_with_different_leading_zeros(tmp_path):
    """Three beneficiaries, each with an account of their own, paid into one account no one
    registered, written `0011004123456`, `11004123456` and `011004123456` (a spreadsheet's number
    lost its zeros): one account, a SHARED_ACCOUNT beside each ACCOUNT_MISMATCH (it was none)."""
    case = RULE_FIXTURES / "SHARED_ACCOUNT"
    registry_rows = list(csv.reader((case / "registry.csv").read_text(encoding="utf-8").splitlines()))
    for row, own in zip(registry_rows[1:4], ("0011004100001", "0011004100002", "0011004100003")):
        row[9] = own
    payment_rows = list(csv.reader((case / "payments.csv").read_text(encoding="utf-8").splitlines()))
    for row, spelt in zip(payment_rows[1:4], ("0011004123456", "11004123456", "011004123456")):
        row[5] = spelt
    registry, payments = tmp_path / "registry.csv", tmp_path / "payments.csv"
    for path, rows in ((registry, registry_rows), (payments, payment_rows)):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    flags = read_flags(reconcile_files(tmp_path, registry, payments))
    refs = ["FT24249000101", "FT24249000105", "FT24249000106"]
    assert sorted((f[0], f[3]) for f in flags) == [("ACCOUNT_MISMATCH", r) for r in refs] + [
        ("SHARED_ACCOUNT", r) for r in refs
    ]


HOA_CASH = [
    "001138012345",
    "Nguyễn Thị Hoà",
    "12/03/1938",
    "female",
    "welfare",
    "elderly 80+",
    "500.000",
    "cash",
    "",
    "",
    "01",
    "00004",
    "active",
    "",
]


def test_registered_for_cash_paid_into_an_account_is_an_account_mismatch(tmp_path):
    """One registered for cash with no account, paid by transfer into an account: the money went to
    an account the registry does not hold, an ACCOUNT_MISMATCH (it was no finding); one paid in
    cash as registered draws none."""
    tu_cash = ["001035002211", "Nguyễn Văn Tư", "01/01/1935", "male", *HOA_CASH[4:]]
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [HOA_CASH, tu_cash])
    payments = write_csv(
        tmp_path / "payments.csv",
        PAYMENTS_HEADER,
        [
            ["FT24249000301", "001138012345", "NGUYEN THI HOA", "", "VCB", "0011004999999", "500.000",
             "05/09/2024", "bank", "success", "welfare", "TRO CAP XA HOI THANG 09/2024"],
            ["BD24249000302", "001035002211", "NGUYEN VAN TU", "", "", "", "500.000",
             "06/09/2024", "cash", "success", "welfare", "CHI TRA TIEN MAT"],
        ],
    )  # fmt: skip
    db = reconcile_files(tmp_path, registry, payments)
    assert read_flags(db) == [
        ("ACCOUNT_MISMATCH", "medium", "001138012345", "FT24249000301", "welfare", "500000", "500000",
         "payments.csv", "2"),
    ]  # fmt: skip
    con = duckdb.connect(str(db), read_only=True)
    try:
        (detail,) = con.execute("SELECT detail FROM flags").fetchone()
    finally:
        con.close()
    assert detail == (
        "Paid into account ending 9999 at VCB; the registry holds no account for the beneficiary, registered for cash"
    )


def test_name_normalisation_draws_no_flag_but_another_person_does(tmp_path):
    nhung_nfd = unicodedata.normalize("NFD", "Lê Thị Hồng Nhung")
    assert nhung_nfd != unicodedata.normalize("NFC", nhung_nfd)
    registry = write_csv(
        tmp_path / "registry.csv",
        REGISTRY_HEADER,
        [
            [
                "001175006677",
                "Nguyễn Thị Thanh Hương",
                "22/04/1975",
                "female",
                "welfare",
                "disability",
                "750.000",
                "bank",
                "VCB",
                "0011004556677",
                "01",
                "00103",
                "active",
                "",
            ],
            HOA_CASH,
            [
                "038185001234",
                nhung_nfd,
                "05/11/1985",
                "female",
                "welfare",
                "disability",
                "750.000",
                "ewallet",
                "VTMONEY",
                "0912345678",
                "38",
                "14797",
                "active",
                "",
            ],
            [
                "001070003344",
                "Nguyễn Văn Anh",
                "09/10/1970",
                "male",
                "welfare",
                "disability",
                "1.000.000",
                "bank",
                "VCB",
                "0011004778899",
                "01",
                "00103",
                "active",
                "",
            ],
        ],
    )
    payments = write_csv(
        tmp_path / "payments.csv",
        PAYMENTS_HEADER,
        [
            # cut short by the bank, upper case, no diacritics
            [
                "FT24249000112",
                "001175006677",
                "NGUYEN THI THANH HUO",
                "",
                "VCB",
                "0011004556677",
                "750.000",
                "05/09/2024",
                "bank",
                "success",
                "welfare",
                "TRO CAP XA HOI THANG 09/2024",
            ],
            # old-style tone placement (hòa) against the registry's new style (hoà)
            [
                "BD240905001",
                "001138012345",
                "Nguyễn Thị Hòa",
                "12/03/1938",
                "",
                "",
                "500.000",
                "05/09/2024",
                "cash",
                "success",
                "welfare",
                "CHI TRA TRO CAP TAI NHA",
            ],
            # registry name decomposed (NFD), payee name composed (NFC)
            [
                "MM240905000777",
                "038185001234",
                "Lê Thị Hồng Nhung",
                "",
                "VTMONEY",
                "0912345678",
                "750.000",
                "05/09/2024",
                "ewallet",
                "success",
                "welfare",
                "TRO CAP XA HOI THANG 09/2024",
            ],
            # a different person on Nguyễn Văn Anh's ID
            [
                "FT24249000111",
                "001070003344",
                "NGUYEN VAN AN",
                "",
                "VCB",
                "0011004778899",
                "1.000.000",
                "05/09/2024",
                "bank",
                "success",
                "welfare",
                "TRO CAP XA HOI THANG 09/2024",
            ],
        ],
    )
    db = reconcile_files(tmp_path, registry, payments)
    assert_same_rows(
        read_flags(db),
        [
            (
                "NAME_MISMATCH",
                "medium",
                "001070003344",
                "FT24249000111",
                "welfare",
                "1000000",
                "1000000",
                "payments.csv",
                "5",
            ),
        ],
    )


# ---------------------------------------------------------------------------- matching fallbacks


def test_matching_falls_back_to_account_then_name_dob_and_reads_the_narrative(tmp_path):
    registry = write_csv(
        tmp_path / "registry.csv",
        REGISTRY_HEADER,
        [
            [
                "001138012345",
                "Nguyễn Thị Hoà",
                "12/03/1938",
                "female",
                "welfare",
                "elderly 80+",
                "500.000",
                "bank",
                "VCB",
                "0011004123456",
                "01",
                "00004",
                "active",
                "",
            ],
            [
                "079052004567",
                "Trần Văn Bình",
                "20/07/1952",
                "male",
                "pension",
                "retired civil servant",
                "5,230,000",
                "bank",
                "BIDV",
                "31410000456789",
                "79",
                "26734",
                "active",
                "",
            ],
            [
                "038185001234",
                "Lê Thị Hồng Nhung",
                "05/11/1985",
                "female",
                "welfare",
                "disability",
                "750.000",
                "cash",
                "",
                "",
                "38",
                "14797",
                "active",
                "",
            ],
            [
                "040060007788",
                "Phạm Đức Thắng",
                "14/02/1960",
                "male",
                "pension",
                "retired worker",
                "4.100.000",
                "bank",
                "VBA",
                "3600205112233",
                "40",
                "16681",
                "active",
                "",
            ],
        ],
    )
    payments = write_csv(
        tmp_path / "payments.csv",
        PAYMENTS_HEADER,
        [
            [
                "FT24249000101",
                "",
                "NGUYEN THI HOA",
                "",
                "VCB",
                "0011004123456",
                "500.000",
                "05/09/2024",
                "bank",
                "success",
                "welfare",
                "TRO CAP XA HOI THANG 09/2024",
            ],
            [
                "BD240905003",
                "",
                "LE THI HONG NHUNG",
                "05/11/1985",
                "",
                "",
                "750.000",
                "05/09/2024",
                "cash",
                "success",
                "welfare",
                "CHI TRA TRO CAP TAI BUU DIEN",
            ],
            [
                "FT24249000102",
                "",
                "TRAN VAN BINH",
                "",
                "BIDV",
                "31410000456789",
                "5,230,000",
                "05/09/2024",
                "bank",
                "success",
                "pension",
                "LUONG HUU T9/2024 CCCD 079052004567 TRAN VAN BINH",
            ],
            [
                "FT24249000104",
                "040060007788",
                "PHAM DUC THANG",
                "",
                "VBA",
                "3600205112233",
                "4.100.000",
                "05/09/2024",
                "bank",
                "success",
                "pension",
                "LUONG HUU THANG 09/2024",
            ],
        ],
    )
    db = reconcile_files(tmp_path, registry, payments)
    con = duckdb.connect(str(db), read_only=True)
    try:
        matches = con.execute(
            "SELECT payment_ref, vneid, program, method FROM matches WHERE period = ? ORDER BY payment_ref", [PERIOD]
        ).fetchall()
        flags = con.execute("SELECT code, payment_ref FROM flags WHERE period = ?", [PERIOD]).fetchall()
    finally:
        con.close()
    assert matches == [
        ("BD240905003", "038185001234", "welfare", "name_dob"),
        ("FT24249000101", "001138012345", "welfare", "account"),
        ("FT24249000102", "079052004567", "pension", "narrative_vneid"),
        ("FT24249000104", "040060007788", "pension", "vneid"),
    ]
    assert flags == []


def test_an_id_written_in_groups_in_the_narrative_says_who_was_paid(tmp_path):
    """A bank statement without an ID column or a payee names the beneficiary by the ID in its narrative,
    often written in groups of digits; an amount (1.500.000) or a date is never taken for one."""
    people = [
        ("036035000111", "Trần Văn Mạnh", "1935"),
        ("037135000222", "Đỗ Thị Nga", "1935"),
        ("079052004567", "Lý Văn Ánh", "1952"),
    ]
    registry = write_csv(
        tmp_path / "registry.csv",
        REGISTRY_HEADER,
        [
            [
                vneid,
                name,
                f"02/01/{year}",
                "female" if vneid[3] == "1" else "male",
                "welfare",
                "elderly 80+",
                "1.500.000",
                "bank",
                "VCB",
                f"00710{n}",
                "01",
                "00004",
                "active",
                "",
            ]
            for n, (vneid, name, year) in enumerate(people)
        ],
    )
    narratives = [
        "CK TRO CAP T9/2024 CCCD 036.035.000.111 SO TIEN 1.500.000",
        "TRO CAP 05 09 2024 CCCD 037 135 000 222",
        "TRO CAP CCCD 0790-5200-4567 NGAY 05-09-2024",
    ]
    payments = write_csv(
        tmp_path / "payments.csv",
        PAYMENTS_HEADER,
        [
            [f"FT2424900010{n}", "", "", "", "", "", "1.500.000", "05/09/2024", "bank", "success", "welfare", text]
            for n, text in enumerate(narratives)
        ],
    )
    db = reconcile_files(tmp_path, registry, payments)
    with duckdb.connect(str(db), read_only=True) as con:
        matches = con.execute("SELECT payment_ref, vneid, method FROM matches ORDER BY payment_ref").fetchall()
        flags = con.execute("SELECT code FROM flags").fetchall()
        rejected = con.execute("SELECT count(*) FROM rejected_rows").fetchone()
    assert matches == [
        ("FT24249000100", "036035000111", "narrative_vneid"),
        ("FT24249000101", "037135000222", "narrative_vneid"),
        ("FT24249000102", "079052004567", "narrative_vneid"),
    ]
    assert flags == []
    assert rejected == (0,)


# ---------------------------------------------------------------------------- suspected bugs
# Each asserts the behaviour SPEC.md / contracts.py ask for; strict, so fixing the product turns
# them into failures ("XPASS(strict)") until the marker is removed.

HOA_BANK = [
    "001138012345",
    "Nguyễn Thị Hoà",
    "12/03/1938",
    "female",
    "welfare",
    "elderly 80+",
    "500.000",
    "bank",
    "VCB",
    "0011004123456",
    "01",
    "00004",
    "active",
    "",
]


def _flags_and_matches(db: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        flags = con.execute(
            "SELECT code, vneid, payment_ref FROM flags WHERE period = ? ORDER BY ALL", [PERIOD]
        ).fetchall()
        matches = con.execute(
            "SELECT payment_ref, vneid, program, method FROM matches WHERE period = ? ORDER BY payment_ref", [PERIOD]
        ).fetchall()
    finally:
        con.close()
    return flags, matches


def test_bank_as_bin_or_short_code_is_the_same_account(tmp_path):
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [HOA_BANK])
    payments = write_csv(
        tmp_path / "payments.csv",
        PAYMENTS_HEADER,
        [
            [
                "FT24249000101",
                "001138012345",
                "NGUYEN THI HOA",
                "",
                "970436",
                "0011004123456",
                "500.000",
                "05/09/2024",
                "bank",
                "success",
                "welfare",
                "TRO CAP XA HOI THANG 09/2024",
            ],
            [
                "FT24249000102",
                "",
                "NGUYEN THI HOA",
                "",
                "970436",
                "0011004123456",
                "500.000",
                "06/09/2024",
                "bank",
                "success",
                "welfare",
                "TRO CAP XA HOI THANG 09/2024",
            ],
        ],
    )
    flags, matches = _flags_and_matches(reconcile_files(tmp_path, registry, payments))
    assert matches == [
        ("FT24249000101", "001138012345", "welfare", "vneid"),
        ("FT24249000102", "001138012345", "welfare", "account"),
    ]
    assert flags == [
        ("AMOUNT_MISMATCH", "001138012345", "FT24249000101"),
        ("DUPLICATE_PAYMENT", "001138012345", "FT24249000102"),
    ]


def test_account_fallback_for_a_beneficiary_of_both_programmes(tmp_path):
    registry = write_csv(
        tmp_path / "registry.csv",
        REGISTRY_HEADER,
        [
            HOA_BANK,
            [
                "079052004567",
                "Trần Văn Bình",
                "20/07/1952",
                "male",
                "pension",
                "retired civil servant",
                "5,230,000",
                "bank",
                "BIDV",
                "31410000456789",
                "79",
                "26734",
                "active",
                "",
            ],
            [
                "079052004567",
                "Trần Văn Bình",
                "20/07/1952",
                "male",
                "welfare",
                "disability",
                "1.000.000",
                "bank",
                "BIDV",
                "31410000456789",
                "79",
                "26734",
                "active",
                "",
            ],
        ],
    )
    payments = write_csv(
        tmp_path / "payments.csv",
        PAYMENTS_HEADER,
        [
            [
                "FT24249000101",
                "001138012345",
                "NGUYEN THI HOA",
                "",
                "VCB",
                "0011004123456",
                "500.000",
                "05/09/2024",
                "bank",
                "success",
                "welfare",
                "TRO CAP XA HOI THANG 09/2024",
            ],
            [
                "FT24249000102",
                "",
                "TRAN VAN BINH",
                "",
                "BIDV",
                "31410000456789",
                "5,230,000",
                "05/09/2024",
                "bank",
                "success",
                "",
                "CHI TRA THANG 09/2024",
            ],
            [
                "FT24249000103",
                "",
                "TRAN VAN BINH",
                "",
                "BIDV",
                "31410000456789",
                "1.000.000",
                "05/09/2024",
                "bank",
                "success",
                "",
                "CHI TRA THANG 09/2024",
            ],
        ],
    )
    flags, matches = _flags_and_matches(reconcile_files(tmp_path, registry, payments))
    assert matches == [
        ("FT24249000101", "001138012345", "welfare", "vneid"),
        ("FT24249000102", "079052004567", "pension", "account"),
        ("FT24249000103", "079052004567", "welfare", "account"),
    ]
    assert flags == []


def test_narrative_number_that_is_no_known_id_does_not_block_account_match(tmp_path):
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [HOA_BANK])
    payments = write_csv(
        tmp_path / "payments.csv",
        PAYMENTS_HEADER,
        [
            [
                "FT24249000101",
                "",
                "NGUYEN THI HOA",
                "",
                "VCB",
                "0011004123456",
                "500.000",
                "05/09/2024",
                "bank",
                "success",
                "welfare",
                "KBNN THANH HOA CT TU TK 038100456789 TRO CAP T9",
            ],
        ],
    )
    flags, matches = _flags_and_matches(reconcile_files(tmp_path, registry, payments))
    assert matches == [("FT24249000101", "001138012345", "welfare", "account")]
    assert flags == []


def test_a_payment_to_no_one_under_an_id_has_that_id_in_each_of_its_findings(tmp_path):
    """A payment under an ID the registry lacks, dated outside the period: its UNKNOWN_PAYEE named the ID
    and its OUT_OF_PERIOD had none, so `flags WHERE vneid = ...` missed the second (an analyst's and an
    auditor's way in). Both name the ID the payment was made under."""
    case = RULE_FIXTURES / "OUT_OF_PERIOD"
    lines = (case / "payments.csv").read_text(encoding="utf-8").splitlines(True)
    unknown = (
        "FT24241000199,001050989898,NGO VAN TU,,VCB,0011009999999,500.000,28/08/2024,bank,success,welfare,"
        "TRO CAP XA HOI THANG 08/2024\n"
    )
    payments = tmp_path / "payments.csv"
    payments.write_text("".join(line if "FT24243000102" not in line else unknown for line in lines), encoding="utf-8")
    flags = read_flags(reconcile_files(tmp_path, case / "registry.csv", payments))
    assert sorted((f[0], f[2], f[3]) for f in flags if f[3] == "FT24241000199") == [
        ("OUT_OF_PERIOD", "001050989898", "FT24241000199"),
        ("UNKNOWN_PAYEE", "001050989898", "FT24241000199"),
    ]


def test_one_registered_for_cash_with_an_account_on_the_row_is_asked_about_not_said_to_be_registered_to_it(tmp_path):
    """Tư is registered for cash, and his registry row holds an account all the same; the post office paid
    him in cash, as registered. The finding said 'the beneficiary has a registered cash account', and the
    officers' advice (move the person back to the account) did not fit: it says he was paid as registered
    and asks whether he can be paid into the account."""
    from reconcile.report.details import in_vietnamese

    case = RULE_FIXTURES / "CASH_DESPITE_ACCOUNT"
    registry = tmp_path / "registry.csv"
    registry.write_text(
        (case / "registry.csv").read_text(encoding="utf-8").replace(",cash,,,01,", ",cash,,0711000987654,01,"),
        encoding="utf-8",
    )
    assert ",cash,,0711000987654,01," in registry.read_text(encoding="utf-8")
    db = reconcile_files(tmp_path, registry, case / "payments.csv")
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(
            "SELECT vneid, detail FROM flags WHERE code = 'CASH_DESPITE_ACCOUNT' ORDER BY vneid"
        ).fetchall()
    said = (
        "Paid in cash as registered; the registry also holds an account ending 7654 for the beneficiary: ask whether "
        "they can be paid into it"
    )
    assert found == [
        ("001035002211", said),
        ("079052004567", "Paid in cash; the beneficiary has a registered bank account ending 6789"),
    ]
    assert in_vietnamese([("CASH_DESPITE_ACCOUNT", said)]) == [
        "Đã chi bằng tiền mặt theo đăng ký; danh sách đối tượng còn ghi tài khoản có đuôi 7654 của đối tượng: hãy hỏi "
        "xem có thể chi vào tài khoản đó không"
    ]
