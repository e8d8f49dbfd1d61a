"""The bundled registry: both list versions, the 2025 province table, code reuse, partial merges."""

from __future__ import annotations

import pytest

from kho import units
from kho.errors import InvalidInput, NotFound

UNCHANGED = {
    "01": "Hà Nội",
    "04": "Cao Bằng",
    "11": "Điện Biên",
    "12": "Lai Châu",
    "14": "Sơn La",
    "20": "Lạng Sơn",
    "22": "Quảng Ninh",
    "38": "Thanh Hóa",
    "40": "Nghệ An",
    "42": "Hà Tĩnh",
    "46": "Huế",
}

# From shared/reference/vietnam-data.md (Resolution 202/2025/QH15): new code -> old codes.
MERGED = {
    "08": ["02", "08"],
    "15": ["10", "15"],
    "19": ["06", "19"],
    "24": ["24", "27"],
    "25": ["17", "25", "26"],
    "31": ["30", "31"],
    "33": ["33", "34"],
    "37": ["35", "36", "37"],
    "44": ["44", "45"],
    "48": ["48", "49"],
    "51": ["51", "62"],
    "52": ["52", "64"],
    "56": ["56", "58"],
    "66": ["54", "66"],
    "68": ["60", "67", "68"],
    "75": ["70", "75"],
    "79": ["74", "77", "79"],
    "80": ["72", "80"],
    "82": ["82", "87"],
    "86": ["83", "84", "86"],
    "91": ["89", "91"],
    "92": ["92", "93", "94"],
    "96": ["95", "96"],
}


def test_list_versions_have_the_official_counts() -> None:
    assert len(units.list_units(version="2025-01")) == 63
    assert len(units.list_units(version="2025-07")) == 34
    assert len(units.list_units(version="2025-01", level="district")) == 696
    communes = units.list_units(version="2025-07", level="commune")
    assert len(communes) == 3321
    by_type = {t: sum(u.type == t for u in communes) for t in ("Xã", "Phường", "Đặc khu")}
    assert by_type == {"Xã": 2621, "Phường": 687, "Đặc khu": 13}


@pytest.mark.parametrize("code", sorted(UNCHANGED))
def test_unchanged_provinces_keep_code_and_name(code: str) -> None:
    assert [u.code for u in units.successor(code, "2025-01")] == [code]
    assert UNCHANGED[code] in units.get(code, "2025-07").name
    assert [u.code for u in units.predecessors(code)] == [code]


@pytest.mark.parametrize("new_code", sorted(MERGED))
def test_merged_province_groups(new_code: str) -> None:
    assert sorted(u.code for u in units.predecessors(new_code, "province")) == MERGED[new_code]
    for old in MERGED[new_code]:
        assert [u.code for u in units.successor(old, "2025-01", "province")] == [new_code]


def test_all_63_old_provinces_map_into_the_34() -> None:
    targets = {
        units.successor(p.code, "2025-01")[0].code for p in units.list_units(version="2025-01")
    }
    assert targets == {p.code for p in units.list_units(version="2025-07")}


def test_code_reuse_is_keyed_by_version() -> None:
    assert units.get("15", "2025-01").name == "Tỉnh Yên Bái"
    assert units.get("15", "2025-07").name == "Tỉnh Lào Cai"
    assert units.get("80", "2025-01").name == "Tỉnh Long An"
    assert units.get("80", "2025-07").name == "Tỉnh Tây Ninh"


def test_partial_merge_lists_every_successor() -> None:
    # Phường Ngọc Hà (Ba Đình, Hà Nội) was split between the new Ba Đình and Ngọc Hà wards.
    h = units.history("00016", "2025-01")
    assert h.unit.name == "Phường Ngọc Hà"
    assert h.partial is True
    assert [u.code for u in h.successors] == ["00004", "00008"]
    new = units.history("00004", "2025-07")
    assert "00016" in new.partial_predecessors
    assert "00004" in {u.code for u in new.predecessors}


def test_district_succeeds_to_its_new_province() -> None:
    assert units.get("760", "2025-01", "district").name == "Quận 1"
    assert [u.code for u in units.successor("760", "2025-01", "district")] == ["79"]


def test_province_of_a_commune_in_each_version() -> None:
    assert units.province_of("26740", "2025-01").name == "Thành phố Hồ Chí Minh"
    assert units.province_of(units.get("00004", "2025-07")).code == "01"


@pytest.mark.parametrize("code", ["99", "123456", "abc", "", "0" * 500])
def test_unknown_codes_are_not_found(code: str) -> None:
    with pytest.raises(NotFound, match="No unit"):
        units.get(code, "2025-07")


def test_unknown_version_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(InvalidInput) as exc:
        units.get("01", "2024-01")
    assert "2025-07" in (exc.value.hint or "")
