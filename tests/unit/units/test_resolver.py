"""The name resolver: spellings, prefixes, abbreviations, old names, ambiguity, hostile input."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from kho import units
from kho.errors import InvalidInput
from kho.units.registry import default_registry
from kho.units.resolver import Resolver


@pytest.mark.parametrize(
    ("written", "old_code", "new_code", "new_name"),
    [
        ("Thừa Thiên Huế", "46", "46", "Thành phố Huế"),
        ("Hậu Giang", "93", "92", "Thành phố Cần Thơ"),
        ("Bình Dương", "74", "79", "Thành phố Hồ Chí Minh"),
    ],
)
def test_done_when_old_province_names_get_new_codes(
    written: str, old_code: str, new_code: str, new_name: str
) -> None:
    res = units.resolve(written)
    assert res.status == "ok"
    assert (res.code, res.version) == (old_code, "2025-01")
    assert (res.successor_code, res.successor_name) == (new_code, new_name)


@pytest.mark.parametrize(
    ("written", "new_code"),
    [
        ("TP.HCM", "79"),
        ("TPHCM", "79"),
        ("TP HCM", "79"),
        ("HCM", "79"),
        ("Sài Gòn", "79"),
        ("Ho Chi Minh city", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("HN", "01"),
        ("Hanoi", "01"),
        ("TP. Hà Nội", "01"),
        ("TT-Huế", "46"),
        ("TTH", "46"),
        ("Thua Thien-Hue", "46"),
        ("BR-VT", "79"),
        ("Bà Rịa - Vũng Tàu", "79"),
        ("Ba Ria Vung Tau", "79"),
        ("Đăk Lăk", "66"),
        ("Đắk Lắk", "66"),
        ("Dak Lak", "66"),
        ("Daklak", "66"),
        ("Bắc Cạn", "19"),
        ("Bac Kan", "19"),
        ("TỈNH THANH HOÁ", "38"),
        ("Tỉnh Hoà Bình", "25"),
        ("Hòa Bình", "25"),
        ("Kontum", "51"),
        ("Danang", "48"),
        ("  tỉnh   hà giang ", "08"),
        ("Tỉnh Quang Bình", "44"),
        ("Can Tho city", "92"),
    ],
)
def test_spellings_and_abbreviations_of_provinces(written: str, new_code: str) -> None:
    res = units.resolve(written, level="province")
    assert res.status == "ok", res
    assert res.successor_code == new_code


def test_nfd_input_resolves_like_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Thừa Thiên Huế")
    assert nfd != "Thừa Thiên Huế"
    assert units.resolve(nfd).successor_code == "46"
    res = units.resolve(unicodedata.normalize("NFD", "Xã Thuỵ Trường"), province="Thái Bình")
    assert (res.code, res.version) == ("12832", "2025-01")


def test_old_and_new_tone_placement_match_the_same_commune() -> None:
    # The registry spells it "Phường Xuân Hoà" (old placement); people write both.
    a = units.resolve(
        "Phường Xuân Hoà", level="commune", province="Vĩnh Phúc", as_of=date(2024, 1, 1)
    )
    b = units.resolve(
        "Phường Xuân Hòa", level="commune", province="Vĩnh Phúc", as_of=date(2024, 1, 1)
    )
    assert a.code == b.code == "08746"
    assert b.note == ""  # an exact match up to tone placement, not a diacritics-blind guess


def test_same_commune_name_in_several_provinces_is_ambiguous() -> None:
    res = units.resolve("Xã Tân An", level="commune")
    assert res.status == "ambiguous"
    assert res.unit is None and res.successor_code is None
    assert len({c.province_code for c in res.candidates}) >= 3
    assert "province" in res.note


def test_province_narrows_an_ambiguous_commune() -> None:
    res = units.resolve("Phường Bến Nghé", level="commune", province="TP.HCM")
    assert res.status == "ok"
    assert (res.code, res.version) == ("26740", "2025-01")
    assert res.successor_name == "Phường Sài Gòn"


def test_partial_merge_returns_every_successor() -> None:
    res = units.resolve(
        "Phường Ngọc Hà", level="commune", province="Hà Nội", as_of=date(2024, 12, 31)
    )
    assert res.status == "ok" and res.version == "2025-01"
    assert res.partial is True
    assert {u.name for u in res.successors} == {"Phường Ba Đình", "Phường Ngọc Hà"}
    assert res.successor_code is None  # several successors: no single code to guess


def test_as_of_picks_the_list_in_force() -> None:
    before = units.resolve("Lào Cai", level="province", as_of=date(2024, 5, 1))
    after = units.resolve("Lào Cai", level="province", as_of=date(2025, 8, 1))
    assert (before.code, before.version) == ("10", "2025-01")
    assert (after.code, after.version) == ("15", "2025-07")
    assert before.successor_code == after.successor_code == "15"


def test_prefix_words_that_are_also_name_words() -> None:
    # "Quan", "Tĩnh" and "Phương" start real names; they must not be eaten as Quận/Tỉnh/Phường.
    assert units.resolve("Huyện Quan Hóa", level="district").unit.name == "Huyện Quan Hóa"  # type: ignore[union-attr]
    assert (
        units.resolve("Phương Liệt", level="commune", province="Hà Nội").unit.name
        == "Phường Phương Liệt"
    )  # type: ignore[union-attr]


def test_quan_1_is_a_district_of_the_old_list() -> None:
    res = units.resolve("Q.1")
    assert (
        res.status == "ok" and res.unit and res.unit.level == "district" and res.unit.code == "760"
    )
    assert res.successor_code == "79"


def test_a_code_resolves_in_the_list_in_force() -> None:
    assert units.resolve("15", level="province").unit.name == "Tỉnh Lào Cai"  # type: ignore[union-attr]
    assert units.resolve("15", level="province", as_of=date(2020, 1, 1)).unit.name == "Tỉnh Yên Bái"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        None,
        "Atlantis",
        "Red River Delta",
        "WHOLE COUNTRY",
        "'; DROP TABLE units; --",
        "x" * 10_000,
        "\u200b",
        "99999999",
    ],
)
def test_unknown_and_hostile_names_are_reported_not_guessed(junk: str | None) -> None:
    res = units.resolve(junk)
    assert res.status == "unknown"
    assert res.unit is None and res.successors == () and res.candidates == ()


def test_unknown_province_filter_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Atlantis"):
        units.resolve("Phường 1", province="Atlantis")


def test_old_commune_missing_from_the_conversion_table_says_so() -> None:
    res = units.resolve("Phường 14", level="commune", province="TP.HCM", as_of=date(2024, 1, 1))
    # Several Phường 14 existed in old HCM; whichever way, nothing is invented.
    assert res.status in ("ambiguous", "ok")
    if res.status == "ok" and not res.successors:
        assert "not in the conversion table" in res.note


def test_resolve_column_lines_up_and_resolves_each_distinct_value_once() -> None:
    resolver = Resolver(default_registry())
    calls: list[str | None] = []
    original = resolver.resolve

    def counting(value: str | None, **kw: object) -> units.Resolution:
        calls.append(value)
        return original(value, **kw)  # type: ignore[arg-type]

    resolver.resolve = counting  # type: ignore[method-assign]
    column = ["Hậu Giang", "Bình Dương", None, "Hậu Giang", "Atlantis"] * 20_000
    out = resolver.resolve_column(column, level="province")
    assert len(out) == len(column)
    assert sorted(calls, key=str) == sorted(["Hậu Giang", "Bình Dương", None, "Atlantis"], key=str)
    assert [r.successor_code for r in out[:5]] == ["92", "79", None, "92", None]


def test_public_resolve_column() -> None:
    out = units.resolve_column(["Thừa Thiên Huế", "Hậu Giang", "Bình Dương"])
    assert [r.successor_code for r in out] == ["46", "92", "79"]
    assert [r.unit.name for r in out if r.unit] == [
        "Thành phố Huế",
        "Tỉnh Hậu Giang",
        "Tỉnh Bình Dương",
    ]
