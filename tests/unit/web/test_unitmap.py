"""The province choropleth and the point map: regions, colour classes, what is reported, escaping."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from kho import units
from kho.web.pages.map_svg import MAP_DATA, map_data, project
from kho.web.pages.unitmap import (
    SCALE,
    MapPoint,
    class_breaks,
    class_of,
    render_point_map,
    render_unit_map,
    split_points,
)

SVG = "{http://www.w3.org/2000/svg}"
TODAY = sorted(u.code for u in units.list_units(version=units.NEW_VERSION))


def regions(svg: str) -> dict[str, ET.Element]:
    """data-code → the region's <path>; parsing also proves the SVG is well-formed XML."""
    root = ET.fromstring(svg)
    return {
        p.get("data-code", ""): p for p in root.iter(f"{SVG}path") if p.get("class") == "region"
    }


def region_title(path: ET.Element) -> str:
    title = path.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_the_bundled_map_has_todays_34_provinces_and_stays_small() -> None:
    assert MAP_DATA.stat().st_size < 300_000
    svg = render_unit_map({}, lang="vi", title="Trống")
    assert sorted(regions(svg)) == TODAY
    assert all(p.get("fill", "").endswith("-missing)") for p in regions(svg).values())


def test_the_archipelagos_are_drawn_and_named_as_vietnamese_maps_do() -> None:
    words = " ".join(texts(render_unit_map({}, lang="vi", title="x")))
    assert "Quần đảo Hoàng Sa" in words and "Quần đảo Trường Sa" in words
    assert "(Đà Nẵng)" in words and "(Khánh Hòa)" in words
    english = " ".join(texts(render_unit_map({}, lang="en", title="x")))
    assert "Hoàng Sa archipelago" in english and "East Sea" in english


def test_quantile_classes_by_hand() -> None:
    # ten values, five classes: limits at the values ranked 3rd, 5th, 7th and 9th
    assert class_breaks(range(1, 11)) == [1, 3, 5, 7, 9, 10]
    by_hand = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert [class_of(v, [1, 3, 5, 7, 9, 10]) for v in range(1, 11)] == by_hand
    assert class_breaks([5.0, 5.0, 5.0]) == [5.0, 5.0]  # one class
    assert class_breaks([1, 1, 1, 1, 2]) == [1, 2, 2]  # a run of equal values stays in one class
    assert class_breaks([]) == []


def test_region_colours_and_legend_follow_the_classes() -> None:
    values = {code: float(i + 1) for i, code in enumerate(TODAY[:10])}
    svg = render_unit_map(values, lang="en", title="Ten provinces", decimals=0)
    found = regions(svg)
    for i, code in enumerate(TODAY[:10]):
        assert found[code].get("fill") == SCALE[i // 2], code
    assert all(found[c].get("fill", "").endswith("-missing)") for c in TODAY[10:])
    words = texts(svg)
    for label in ("1 – 3", "3 – 5", "5 – 7", "7 – 9", "9 – 10", "No data"):
        assert label in words
    assert "No data (24):" in " ".join(words)


def test_each_region_says_its_name_and_value_to_hover_and_screen_readers() -> None:
    svg = render_unit_map(
        {"01": 8435.65, "Hồ Chí Minh": None},
        lang="vi",
        title="Dân số",
        unit_label="nghìn người",
        decimals=1,
    )
    found = regions(svg)
    assert region_title(found["01"]) == "Hà Nội: 8.435,7 nghìn người"
    assert region_title(found["79"]) == "Hồ Chí Minh: chưa có số liệu"
    assert "Đơn vị: nghìn người" in texts(svg)


def test_old_province_names_go_to_their_successor() -> None:
    svg = render_unit_map({"Quảng Nam": 5, "Thừa Thiên Huế": 3}, lang="en", title="x", decimals=0)
    found = regions(svg)
    assert region_title(found["48"]) == "Đà Nẵng: 5"  # Quảng Nam merged into Đà Nẵng
    assert region_title(found["46"]) == "Huế: 3"  # renamed, not merged
    # Đà Nẵng is drawn from one of its two old provinces: the map says so
    assert any("Đà Nẵng is drawn from Quảng Nam only" in t for t in texts(svg))


def test_merged_old_provinces_are_added_only_when_additive() -> None:
    data = {"Quảng Nam": 5, "Đà Nẵng": 7, "Bình Dương": 2, "TP.HCM": 9, "Bà Rịa - Vũng Tàu": 1}
    refused = render_unit_map(data, lang="en", title="x", decimals=0)
    assert regions(refused)["48"].get("fill", "").endswith("-missing)")
    assert regions(refused)["79"].get("fill", "").endswith("-missing)")
    listed = " ".join(texts(refused))
    assert "Not on the map (5):" in listed
    assert "“Quảng Nam” (several rows for Đà Nẵng; not added up)" in listed
    assert "“Bà Rịa - Vũng Tàu” (several rows for Hồ Chí Minh; not added up)" in listed
    summed = render_unit_map(data, lang="en", title="x", decimals=0, additive=True)
    assert region_title(regions(summed)["48"]) == "Đà Nẵng: 12"
    assert region_title(regions(summed)["79"]) == "Hồ Chí Minh: 12"
    assert "Not on the map" not in " ".join(texts(summed))


def test_names_that_are_not_provinces_are_listed_not_guessed() -> None:
    svg = render_unit_map({"Miền Trung": 4, "Tổng cộng": 99, "Hà Nội": 1}, lang="vi", title="x")
    listed = " ".join(texts(svg))
    assert "Không đưa lên bản đồ (2):" in listed
    assert "“Miền Trung” (không phải tỉnh, thành phố)" in listed
    assert "“Tổng cộng” (không phải tỉnh, thành phố)" in listed
    assert sum(1 for p in regions(svg).values() if not p.get("fill", "").endswith("-missing)")) == 1


def test_missing_and_non_finite_values_are_hatched_and_listed() -> None:
    svg = render_unit_map(
        {"01": None, "79": math.nan, "48": math.inf, "92": 2.0}, lang="vi", title="x"
    )
    found = regions(svg)
    assert [
        c for c in ("01", "79", "48", "92") if found[c].get("fill", "").endswith("-missing)")
    ] == ["01", "79", "48"]
    assert "Chưa có số liệu (33):" in " ".join(texts(svg))


def test_hostile_names_and_titles_are_text_not_markup() -> None:
    evil = '<script>alert("x")</script>'
    svg = render_unit_map({evil: 1, "Hà Nội": 2}, lang="en", title=evil, unit_label=evil)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)
    assert any(evil in t for t in texts(svg))  # shown, as text
    points = render_point_map(
        [MapPoint(21.0, 105.8, evil), MapPoint(99.0, 0.0, evil)], lang="en", title=evil
    )
    assert "<script" not in points
    ET.fromstring(points)


def test_huge_input_is_listed_in_a_bounded_way() -> None:
    junk = {f"Không phải tỉnh {i}": float(i) for i in range(5_000)}
    svg = render_unit_map(junk, lang="en", title="x")
    assert "Not on the map (5000):" in " ".join(texts(svg))
    assert "… (+4960)" in " ".join(texts(svg))
    assert len(svg) < 200_000


def test_point_map_draws_points_in_viet_nam_and_reports_the_rest() -> None:
    points = [
        MapPoint(21.0341, 105.8372, "Ba Đình"),
        MapPoint(8.6453, 111.9201, "Trường Sa"),
        MapPoint(105.8, 21.0, "đảo ngược"),
        MapPoint(48.8566, 2.3522, "Paris"),
        MapPoint(None, 106.0, "thiếu"),
    ]
    inside, outside = split_points(points)
    assert [p.label for p in inside] == ["Ba Đình", "Trường Sa"]
    svg = render_point_map(points, lang="vi", title="Trạm", total=10)
    root = ET.fromstring(svg)
    circles = [
        c
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "points"
        for c in g.iter(f"{SVG}circle")
    ]
    assert len(circles) == 2
    listed = " ".join(texts(svg))
    assert "Nằm ngoài Việt Nam hoặc không có tọa độ, không vẽ (3):" in listed
    assert "đảo ngược (105.8, 21.0) — nhầm vĩ độ với kinh độ?" in listed
    assert "Paris (48.8566, 2.3522)" in listed and "thiếu (không có tọa độ)" in listed
    assert "Hiển thị 5/10 dòng." in listed
    assert "2 điểm" in listed


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_hanoi_point_falls_inside_hanoi(lang: str) -> None:
    """The point projection is the one the shapes were built with: Hà Nội's centre lands in the
    bounding box of Hà Nội's path."""
    x, y = project(21.0285, 105.8542)
    numbers = [
        float(n)
        for n in re.findall(r"-?\d+(?:\.\d+)?", map_data()["provinces"]["01"]["d"].split("z")[0])
    ]
    # the path is one absolute start then relative steps: rebuild the absolute outline
    xs, ys = [numbers[0]], [numbers[1]]
    for dx, dy in zip(numbers[2::2], numbers[3::2], strict=False):
        xs.append(xs[-1] + dx)
        ys.append(ys[-1] + dy)
    assert min(xs) < x < max(xs) and min(ys) < y < max(ys)
    assert (
        render_point_map([MapPoint(21.0285, 105.8542)], lang=lang, title="x").count("<circle") > 1
    )
