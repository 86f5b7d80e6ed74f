"""Names and narratives are normalised once per distinct value where they repeat, row by row where
nearly every row's differs (stage.by_value): the staged rows are the same either way, and the choice
follows the rows."""

from __future__ import annotations

import datetime as dt
import unicodedata

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SAMPLE, write_csv
from reconcile.normalise import stage as staging
from reconcile.normalise.reference import install
from reconcile.readers import read_file
from test_normalise import BATCH, batch_of, each

PARAMS = {"period": "2024-09", "period_start": dt.date(2024, 9, 1), "period_end": dt.date(2024, 9, 30)}
HEADER = ["Số tham chiếu", "Số định danh", "Tên người thụ hưởng", "Ngân hàng thụ hưởng", "Số tài khoản", "Số tiền",
          "Ngày giao dịch", "Kênh chi trả", "Trạng thái", "Nội dung"]  # fmt: skip
NFD = unicodedata.normalize("NFD", "Nguyễn Thị Thanh Hương")
# what a narrative may hold: IDs whole, in groups or after a label, an account of the registry's after
# a word for one (NFD too), a 15-digit reference, the paying office's own account; names as banks
# and officers write them
TRICKY = [
    ["T-01", "", "BUI QUANG SON", "VCB", "", "500.000", "05/09/2024", "Chuyển khoản", "Thành công",
     "CK TRO CAP CCCD 001.060.916.712 SO TIEN 500.000"],
    ["T-02", "", NFD, "VBA", "", "1.000.000", "05/09/2024", "Chuyển khoản", "Thành công",
     unicodedata.normalize("NFD", "Chuyển tiền đến tài khoản số 0063118742432 cho Nguyễn Thị Thanh Hương")],
    ["T-03", "", "  TRAN   THI HOA ", "VCB", "", "1.250.000", "06/09/2024", "Chuyển khoản", "Thành công",
     "LUONG HUU T09/2024 TRAN THI HOA STK 0495 5527 97414 FT202409000000123"],
    ["T-04", "", "", "VBA", "", "1.000.000", "06/09/2024", "Chuyển khoản", "Thành công",
     "PHONG LDTBXH TK 3700201001234 CHI TRA DANG THI THUY STK 0788723363064"],
    ["T-05", "", "Dang Thi\u00a0Thuy", "VBA", "0788723363064", "1.000.000", "06/09/2024", "Chuyển khoản",
     "Thành công", ""],
    ["T-06", "001168070156", "ĐẶNG THỊ THỦY", "VBA", "0788723363064", "1.000.000", "07/09/2024", "Chuyển khoản",
     "Hoàn trả", "HOAN TRA CK STK 0788723363064"],
    ["T-07", "", "Lý Văn\u200b Dũng", "BIDV", "", "1.250.000", "07/09/2024", "Chuyển khoản", "Thành công",
     "so dinh danh ca nhan 0790-5200-4567   TT BTXH  T9/2024"],
    ["T-08", "", "NGUYEN VAN A", "VCB", "", "500.000", "07/09/2024", "Chuyển khoản", "Thành công",
     "CCCD 001060916712/079196118125 FT202409000000124"],
]  # fmt: skip


def _staged(tmp_path, by_value: bool) -> dict[str, list[tuple]]:
    con = duckdb.connect()
    install(con)
    tricky = write_csv(tmp_path / "tricky.csv", HEADER, TRICKY)
    registry = read_file(SAMPLE / "registry.csv", "registry")
    payments = [read_file(SAMPLE / "bank_transfers.csv", "payments"), read_file(tricky, "payments")]
    staging.load_raw(con, "registry", [(3, registry)])
    staging.load_raw(con, "payments", [(1, payments[0]), (2, payments[1])])
    out = {}
    for kind in ("registry", "payments"):
        staging.stage(con, kind, {**PARAMS, **dict.fromkeys(staging.EITHER_WAY[kind], by_value)})
        out[kind] = con.execute(f"SELECT * FROM stg_{kind} ORDER BY file_id, source_row").fetchall()
    con.close()
    return out


def test_names_and_narratives_staged_row_by_row_are_the_rows_staged_per_value(tmp_path):
    per_value, by_row = _staged(tmp_path, True), _staged(tmp_path, False)
    assert [len(rows) for rows in per_value.values()] == [301, 295 + len(TRICKY)]
    assert by_row == per_value
    # the tricky rows were read as intended: the IDs and accounts their narratives give
    tricky = {r[0]: r[1:] for r in _staged_rows(tmp_path)}
    assert tricky == {
        "T-01": ("001060916712", None, "BUI QUANG SON"),  # in groups
        "T-02": (None, "0063118742432", "Nguyễn Thị Thanh Hương"),  # NFD, after a word for an account
        "T-03": (None, "0495552797414", "TRAN THI HOA"),  # an account in groups, a 15-digit reference
        "T-04": (None, "0788723363064", None),  # the office's own account is not taken
        "T-05": (None, "0788723363064", "Dang Thi Thuy"),
        "T-06": ("001168070156", "0788723363064", "ĐẶNG THỊ THỦY"),
        "T-07": ("079052004567", None, "Lý Văn Dũng"),  # the invisible space gone
        "T-08": (None, None, "NGUYEN VAN A"),  # two IDs: none is taken
    }


def _staged_rows(tmp_path) -> list[tuple]:
    con = duckdb.connect()
    install(con)
    registry, payments = read_file(SAMPLE / "registry.csv", "registry"), read_file(tmp_path / "tricky.csv", "payments")
    staging.load_raw(con, "registry", [(3, registry)])
    staging.load_raw(con, "payments", [(2, payments)])
    staging.stage(con, "registry", {**PARAMS, "names_by_value": False})
    staging.stage(con, "payments", {**PARAMS, "names_by_value": False, "narratives_by_value": False})
    return con.execute("SELECT payment_ref, vneid, account_number, payee_name FROM stg_payments ORDER BY 1").fetchall()


def _raw(con, kind: str, rows: int, names: int | None) -> None:
    """raw_<kind> of `rows` rows whose names and narratives are drawn from `names` values (None: each
    row's its own)."""
    name, narrative = ("full_name", None) if kind == "registry" else ("payee_name", "narrative")
    drawn = "i" if names is None else f"hash(i) % {names}"
    columns = f"'Nguyễn Văn ' || {drawn} AS {name}"
    if narrative:
        columns += f", 'Chi tra tro cap T09/2024 ' || {drawn} AS {narrative}"
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw_{kind} AS SELECT {columns} FROM range({rows}) AS r(i)")


@pytest.mark.parametrize(
    ("kind", "rows", "names", "expected"),
    [
        ("payments", 1_000_000, None, False),  # a bank's: every row's differs
        ("payments", 1_000_000, 1_000_000, False),  # a real registry's names: most differ
        ("registry", 1_000_000, 1_000_000, False),
        ("payments", 1_000_000, 100_000, True),  # a value for every ten rows: repeated
        ("registry", 1_000_000, 2_700, True),  # a few thousand names over a million
        ("registry", 40_000, None, True),  # fewer rows than the sample: the maps, which cost little there
    ],
)
def test_a_column_is_normalised_row_by_row_only_where_nearly_every_rows_value_differs(kind, rows, names, expected):
    con = duckdb.connect()
    _raw(con, kind, rows, names)
    assert staging.by_value(con, kind) == dict.fromkeys(staging.EITHER_WAY[kind], expected)


pieces = st.sampled_from(
    ["STK", "stk", "TK", "Tk:", "tktt", "TKNH", "tài khoản", unicodedata.normalize("NFD", "Tài khoản"), "tai khoan",
     "a/c", "ACC", "acct", "Account", "stack", "atk", "CCCD", "FT", "số", " ", " ", ".", "-", "/", ":", "x", "Đ"]
)  # fmt: skip
digits = st.integers(1, 16).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
groups = st.tuples(
    st.lists(
        st.integers(1, 5).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)), min_size=2, max_size=4
    ),
    st.sampled_from([" ", ".", "-", "/"]),
).map(lambda g: g[1].join(g[0]))
narratives = st.lists(st.one_of(pieces, digits, groups), max_size=10).map("".join)


@BATCH
@given(ss=batch_of(narratives))
def test_may_hold_an_id_or_account_is_the_three_tests_it_joins(con, ss):
    rows = each(
        con,
        "rc_may_hold_id_or_account(s), rc_may_name_account(s) OR regexp_matches(s, '(^|[^0-9])[0-9]{12}([^0-9]|$)') "
        "OR regexp_matches(s, '[0-9]{3}[ .-][0-9]{3,4}[ .-][0-9]{3}')",
        ss,
    )
    assert [(s, a) for s, (a, b) in zip(ss, rows, strict=True) if a != b] == []
