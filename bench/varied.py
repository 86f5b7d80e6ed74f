"""A generated month made as varied as a real one: a name for nearly every person, a narrative for
every transfer.

    .venv/bin/python bench/varied.py /tmp/speed/m1000000 /tmp/speed/m1000000-varied

`reconcile generate` draws names from short lists (2,688 distinct full names in a month of a million)
and writes a few narratives over and over (94,199 distinct in a million transfers). A province's
registry has a name for nearly every person, and many banks write each transfer's narrative with the
payee's name, ID and reference. The normaliser works once per distinct value, so such a month costs
more than a generated one. This writes a copy of a generated month (its Parquet and CSV files, the
columns and formats as they are) where:

- each beneficiary's name has two more syllables, drawn from the ID (`Ngô Minh Thắng` becomes `Ngô
  Minh Thắng Bảo Châu`): 928,497 distinct names in the 1M month;
- the bank's payments carry the same syllables, in the bank's upper case without diacritics, where
  the row's ID (in its column or its narrative) or its account tells whose payment it is, and the post
  office's where the row gives the ID; the others keep their name;
- each bank transfer's narrative is followed by the payee's name and the payment's reference: every
  narrative differs.

The names change alike on both sides, so the findings are the generated month's (at 1M, the same
32,881, each code's count the same); `bench/speed.py --varied` counts them. Run by hand; nothing
here is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

SYLLABLES = [
    "An", "Anh", "Bảo", "Bích", "Bình", "Cẩm", "Châu", "Chi", "Cường", "Diệp", "Duy", "Dũng", "Đào", "Đạt",
    "Định", "Đức", "Gia", "Giang", "Hà", "Hải", "Hạnh", "Hậu", "Hiền", "Hiếu", "Hòa", "Hoài", "Hồng", "Huệ",
    "Hùng", "Hương", "Huy", "Khánh", "Khoa", "Kiên", "Kim", "Lâm", "Lan", "Liên", "Linh", "Loan", "Long",
    "Mai", "Minh", "My", "Nam", "Nga", "Ngân", "Nghĩa", "Ngọc", "Nguyên", "Nhàn", "Nhung", "Oanh", "Phong",
    "Phúc", "Phương", "Quang", "Quân", "Quế", "Quyên", "Sơn", "Tâm", "Thắng", "Thanh", "Thảo", "Thịnh",
    "Thu", "Thủy", "Tiến", "Trang", "Trí", "Trung", "Tú", "Tuấn", "Tuyết", "Uyên", "Vân", "Việt", "Vinh",
    "Xuân", "Yến",
]  # fmt: skip

# The columns each file's format names (Parquet in English, CSV in the generator's Vietnamese)
COLUMNS = {
    "parquet": {
        "registry": {"id": "vneid", "name": "full_name", "account": "account_number"},
        "payments_bank": {"id": "vneid", "name": "payee_name", "account": "account_number",
                          "narrative": "narrative", "ref": "payment_ref"},
        "payments_post": {"id": "vneid", "name": "payee_name"},
    },
    "csv": {
        "registry": {"id": "Số định danh cá nhân", "name": "Họ và tên", "account": "Số tài khoản"},
        "payments_bank": {"id": "Số định danh", "name": "Tên người thụ hưởng", "account": "Số tài khoản",
                          "narrative": "Nội dung", "ref": "Số tham chiếu"},
        "payments_post": {"id": "Số CCCD", "name": "Họ và tên"},
    },
}  # fmt: skip


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read(path: Path, fmt: str) -> str:
    return f"read_parquet('{path}')" if fmt == "parquet" else f"read_csv('{path}', all_varchar = true, header = true)"


def _write(con: duckdb.DuckDBPyConnection, query: str, path: Path, fmt: str) -> None:
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    con.execute(f"COPY ({query}) TO '{path}' ({options})")


def varied(src: Path, out: Path) -> Path:
    """The varied copy of the generated month in `src`, written to `out` (kept when already there)."""
    if (out / "registry.parquet").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE syl AS SELECT unnest($s) AS s, generate_subscripts($s, 1) - 1 AS i", {"s": SYLLABLES})
    n = len(SYLLABLES)
    # two syllables per ID, and the bank's way of writing them
    extra = (f"(SELECT s1.s || ' ' || s2.s FROM syl AS s1, syl AS s2 "
             f"WHERE s1.i = md5_number(k) % {n} AND s2.i = (md5_number(k) // {n}) % {n})")
    con.execute(f"CREATE MACRO extra(k) AS {extra}")
    con.execute("CREATE MACRO bank_extra(k) AS upper(strip_accents(replace(replace(extra(k), 'đ', 'd'), 'Đ', 'D')))")
    for fmt, files in COLUMNS.items():
        if not (src / f"registry.{fmt}").exists():
            continue
        r, b, p = files["registry"], files["payments_bank"], files["payments_post"]
        registry = _read(src / f"registry.{fmt}", fmt)
        # a registered account held by one ID tells whose a bank row without an ID is
        con.execute(f"""CREATE OR REPLACE TABLE owner AS
            SELECT {_q(r["account"])} AS account, any_value({_q(r["id"])}) AS id FROM {registry}
            WHERE {_q(r["account"])} IS NOT NULL GROUP BY ALL HAVING count(DISTINCT {_q(r["id"])}) = 1""")
        _write(con, f"SELECT * REPLACE ({_q(r['name'])} || ' ' || extra({_q(r['id'])}) AS {_q(r['name'])}) "
                    f"FROM {registry}", out / f"registry.{fmt}", fmt)
        name, narrative, ref = _q(b["name"]), _q(b["narrative"]), _q(b["ref"])
        _write(con, f"""
            SELECT * EXCLUDE (k, new_name) REPLACE (new_name AS {name},
                   CASE WHEN {narrative} IS NOT NULL THEN {narrative} || ' ' || coalesce(new_name, '') || ' ' || {ref}
                   END AS {narrative})
            FROM (SELECT *, CASE WHEN k IS NULL THEN {name} ELSE {name} || ' ' || bank_extra(k) END AS new_name
                  FROM (SELECT b.*, coalesce(b.{_q(b["id"])}, nullif(regexp_extract(b.{narrative}, 'CCCD ([0-9]{{12}})', 1), ''),
                                             o.id) AS k
                        FROM {_read(src / f"payments_bank.{fmt}", fmt)} AS b
                        LEFT JOIN owner AS o ON o.account = b.{_q(b["account"])}))
            ORDER BY {ref}""", out / f"payments_bank.{fmt}", fmt)
        _write(con, f"SELECT * REPLACE (CASE WHEN {_q(p['id'])} IS NULL THEN {_q(p['name'])} "
                    f"ELSE {_q(p['name'])} || ' ' || extra({_q(p['id'])}) END AS {_q(p['name'])}) "
                    f"FROM {_read(src / f'payments_post.{fmt}', fmt)}", out / f"payments_post.{fmt}", fmt)
    return out


if __name__ == "__main__":
    varied(Path(sys.argv[1]), Path(sys.argv[2]))
