"""The administrative-unit reference tables (reconcile/areas.py, reconcile/data/provinces.csv and
communes_2025.csv): exact counts, the old-to-new province mapping, data quality, and the layout rule."""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date
from importlib import resources

import polars as pl
import pytest

from reconcile import areas

# Communes per 2025 province, as listed in the README of open-admin-data/vietnam-administrative-divisions
# (shared/DOMAIN.md section 2.1 quotes Hà Nội 126, Bắc Ninh 99, TP HCM 168; total 3,321).
COMMUNES_PER_PROVINCE = {
    "01": 126,
    "04": 56,
    "08": 124,
    "11": 45,
    "12": 38,
    "14": 75,
    "15": 99,
    "19": 92,
    "20": 65,
    "22": 54,
    "24": 99,
    "25": 148,
    "31": 114,
    "33": 104,
    "37": 129,
    "38": 166,
    "40": 130,
    "42": 69,
    "44": 78,
    "46": 40,
    "48": 94,
    "51": 96,
    "52": 135,
    "56": 65,
    "66": 102,
    "68": 124,
    "75": 95,
    "79": 168,
    "80": 96,
    "82": 102,
    "86": 124,
    "91": 102,
    "92": 103,
    "96": 64,
}


def data_lines(name: str) -> list[str]:
    return resources.files("reconcile.data").joinpath(name).read_text(encoding="utf-8").splitlines()


def birth_provinces() -> list[dict[str, str]]:
    return list(csv.DictReader(line for line in data_lines("birth_provinces.csv") if not line.startswith("#")))


@pytest.fixture(scope="module")
def prov() -> pl.DataFrame:
    return areas.provinces()


@pytest.fixture(scope="module")
def communes() -> pl.DataFrame:
    return areas.communes_2025()


def codes(prov: pl.DataFrame, layout: str) -> list[str]:
    return prov.filter(pl.col("layout") == layout)["code"].to_list()


def to_2025(prov: pl.DataFrame, layout: str) -> dict[str, str]:
    rows = prov.filter(pl.col("layout") == layout)
    return dict(zip(rows["code"], rows["code_2025"], strict=True))


# ---- provinces ------------------------------------------------------------------------------------


def test_province_columns_are_text(prov):
    assert prov.columns == ["code", "name", "layout", "code_2025"]
    assert all(dtype == pl.String for dtype in prov.dtypes)
    assert prov.height == 97
    assert set(prov["layout"]) == {"pre2025", "2025"}


def test_province_code_counts(prov):
    pre, new = codes(prov, "pre2025"), codes(prov, "2025")
    assert len(pre) == len(set(pre)) == 63
    assert len(new) == len(set(new)) == 34
    assert all(re.fullmatch(r"\d{2}", c) for c in pre + new)
    assert sorted(new) == sorted(COMMUNES_PER_PROVINCE)


def test_every_old_code_maps_to_a_current_province(prov):
    current = set(codes(prov, "2025"))
    mapping = to_2025(prov, "pre2025")
    assert set(mapping.values()) == current  # every new province has at least one predecessor
    assert all(target in current for target in mapping.values())


def test_every_current_code_maps_to_itself(prov):
    assert all(code == target for code, target in to_2025(prov, "2025").items())


def test_mapping_agrees_with_birth_provinces(prov):
    birth = birth_provinces()
    assert len(birth) == 63
    pre = prov.filter(pl.col("layout") == "pre2025")
    assert {r["gso_code_pre2025"]: (r["name"], r["province_code_2025"]) for r in birth} == dict(
        zip(pre["code"], zip(pre["name"], pre["code_2025"], strict=True), strict=True)
    )
    new = prov.filter(pl.col("layout") == "2025")
    assert {r["province_code_2025"]: r["province_name_2025"] for r in birth} == dict(
        zip(new["code"], new["name"], strict=True)
    )


def test_reform_spot_checks(prov):
    """shared/DOMAIN.md sections 1.3 and 2.1: the new code is the capital's, not the surviving name's."""
    mapping = to_2025(prov, "pre2025")
    names = {(r["code"], r["layout"]): r["name"] for r in prov.iter_rows(named=True)}
    # Bắc Ninh (27) + Bắc Giang (24) -> Bắc Ninh, code 24.
    assert mapping["24"] == mapping["27"] == "24"
    assert names[("24", "pre2025")] == "Bắc Giang"
    assert names[("27", "pre2025")] == "Bắc Ninh"
    assert names[("24", "2025")] == "Bắc Ninh"
    assert ("27", "2025") not in names
    assert [old for old, new in mapping.items() if new == "24"] == ["24", "27"]
    # Other capital-code cases, and the Tiền Giang row the upstream library gets wrong (82 only, not 80).
    assert mapping["10"] == mapping["15"] == "15" and names[("15", "2025")] == "Lào Cai"
    assert mapping["52"] == mapping["64"] == "52" and names[("52", "2025")] == "Gia Lai"
    assert mapping["89"] == mapping["91"] == "91" and names[("91", "2025")] == "An Giang"
    assert mapping["82"] == mapping["87"] == "82" and names[("82", "2025")] == "Đồng Tháp"
    assert mapping["72"] == mapping["80"] == "80" and names[("80", "2025")] == "Tây Ninh"
    assert mapping["44"] == mapping["45"] == "44" and names[("44", "2025")] == "Quảng Trị"
    assert sorted(old for old, new in mapping.items() if new == "79") == ["74", "77", "79"]
    assert names[("46", "pre2025")] == "Thừa Thiên Huế" and names[("46", "2025")] == "Thành phố Huế"


# ---- communes -------------------------------------------------------------------------------------


def test_commune_columns_are_text(communes):
    assert communes.columns == ["commune_code", "name", "province_code"]
    assert all(dtype == pl.String for dtype in communes.dtypes)


def test_commune_count_and_unique_codes(communes):
    # All 3,321 units of Decision 19/2025/QĐ-TTg.
    assert communes.height == 3321
    assert communes["commune_code"].n_unique() == 3321
    assert all(re.fullmatch(r"\d{5}", c) for c in communes["commune_code"])


def test_every_commune_is_in_a_2025_province(communes, prov):
    assert set(communes["province_code"]) == set(codes(prov, "2025"))


def test_communes_per_province(communes):
    counts = dict(communes.group_by("province_code").len().iter_rows())
    assert counts == COMMUNES_PER_PROVINCE
    assert sum(COMMUNES_PER_PROVINCE.values()) == 3321


def test_commune_names_are_clean(communes):
    for name in communes["name"]:
        assert name, "empty name"
        assert name == unicodedata.normalize("NFC", name), name
        assert name == name.strip() and "  " not in name, repr(name)
        assert not name.startswith(("Xã ", "Phường ", "Đặc khu ")), name


def test_commune_spot_checks(communes):
    by_code = {r["commune_code"]: (r["name"], r["province_code"]) for r in communes.iter_rows(named=True)}
    # Phường Ba Đình, Hà Nội: code 00004, reused from the old Phường Trúc Bạch (DOMAIN.md section 2.1).
    # The source gives names without the type word.
    assert by_code["00004"] == ("Ba Đình", "01")
    assert by_code["00070"] == ("Hoàn Kiếm", "01")
    assert by_code["00082"] == ("Cửa Nam", "01")
    assert by_code["07210"] == ("Bắc Giang", "24")  # a ward of the new Bắc Ninh named after the old province
    assert by_code["09187"] == ("Kinh Bắc", "24")
    assert by_code["26740"] == ("Sài Gòn", "79")
    assert by_code["31207"] == ("Thốt Nốt", "92")
    assert by_code["31228"] == ("Thuận Hưng", "92")
    # The one code corrected from the source (see the file header): Ba Chẽ is 06970, not 06978.
    assert by_code["06970"] == ("Ba Chẽ", "22")
    assert "06978" not in by_code
    # Ia Mơ follows the NSO notice of 30 June 2025 (23938), not letter 1027 (23737).
    assert by_code["23938"] == ("Ia Mơ", "52")
    assert "23737" not in by_code


def test_data_files_state_source_and_date():
    for name in ("provinces.csv", "communes_2025.csv"):
        lines = data_lines(name)
        header = [line for line in lines if line.startswith("#")]
        assert header and lines[: len(header)] == header, f"{name}: comments belong at the top"
        text = "\n".join(header)
        assert "19/2025/QD-TTg" in text and "2026-11" in text
    text = "\n".join(data_lines("communes_2025.csv")[:30])
    assert "CC-BY-4.0" in text and "open-admin-data/vietnam-administrative-divisions" in text


# ---- layout rule ----------------------------------------------------------------------------------


def test_reform_date():
    # SIM300 is silenced: ruff takes areas.REFORM_DATE (upper case) for a constant, but it is the value under test
    assert areas.REFORM_DATE == date(2025, 7, 1)  # noqa: SIM300


@pytest.mark.parametrize(
    ("period", "layout"),
    [
        ("2025-06", "pre2025"),
        ("2025-07", "2025"),
        ("2024-12", "pre2025"),
        ("2025-12", "2025"),
        ("2026-01", "2025"),
        ("1999-01", "pre2025"),
    ],
)
def test_layout_for(period, layout):
    assert areas.layout_for(period) == layout


@pytest.mark.parametrize("period", ["2025-13", "2025-00", "2025/07", "2025-7", "", "2025-07-01"])
def test_layout_for_rejects_bad_periods(period):
    with pytest.raises(ValueError, match="YYYY-MM"):
        areas.layout_for(period)


def test_loaders_return_independent_frames():
    first = areas.communes_2025()
    first.drop_in_place("name")
    assert areas.communes_2025().columns == ["commune_code", "name", "province_code"]
