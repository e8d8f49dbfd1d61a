"""The chart builder's map: which columns hold places, and the per-province or per-point data.

A table is mappable when a column's values resolve to provinces (choropleth of the chosen
measure) or when it has latitude/longitude columns (point map). Columns are told apart by the
data dictionary only; the unit resolver decides which values are provinces, and whatever it
cannot place is reported with its row count, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kho.catalog import models as m
from kho.errors import InvalidInput
from kho.web.i18n import gettext
from kho.web.pages.map_svg import province_names
from kho.web.pages.unitmap import (
    MapPoint,
    finite_number,
    province_code,
    render_point_map,
    render_unit_map,
    split_points,
)

if TYPE_CHECKING:
    from kho.access.actors import Actor
    from kho.platform import Platform
    from kho.web.pages.charts import ChartSpec

MAP_MODES = ("provinces", "points")
LAT_NAMES = frozenset({"vi_do", "vido", "lat", "latitude", "y_lat"})
LON_NAMES = frozenset({"kinh_do", "kinhdo", "lon", "lng", "long", "longitude", "x_lon"})
COORDINATE_TYPES = frozenset({"float", "decimal", "number", "double"})
MAX_UNITS = 5_000  # distinct values of a unit column; more means it is not a unit column
MAX_POINTS = 5_000
SAMPLE_ROWS = 2_000  # rows sampled to find which columns hold province names
MAX_SPELLINGS = 200  # distinct sampled values: 63 old + 34 new provinces and their spellings
MIN_SHARE = 0.6  # share of sampled values that must be provinces for a column to count as one
# One grouped value's rows, sum, count of the measure, minimum and maximum.
Part = tuple[int, float, int, float | None, float | None]


@dataclass
class ProvinceData:
    """Per-province values for the map, and how well the grouping column resolved."""

    values: dict[str, float] = field(default_factory=dict)
    rows: int = 0
    rows_placed: int = 0
    distinct: int = 0
    distinct_placed: int = 0
    unresolved: list[tuple[str, int]] = field(default_factory=list)

    @property
    def share(self) -> float:
        """Share of rows whose unit was placed on a province."""
        return self.rows_placed / self.rows if self.rows else 0.0


@dataclass
class PointData:
    points: list[MapPoint]
    total: int


def _folded(column: m.ColumnInfo) -> set[str]:
    from kho.ingest.vn.text import fold

    label = fold(column.label).replace(" ", "_")
    return {column.name.lower(), label, label.replace("_", "")}


def coordinate_columns(table: m.TableInfo) -> tuple[str, str] | None:
    """The (latitude, longitude) columns, found by their names in the data dictionary."""
    numeric = [c for c in table.columns if c.type in COORDINATE_TYPES]
    lat = next((c.name for c in numeric if _folded(c) & LAT_NAMES), None)
    lon = next((c.name for c in numeric if _folded(c) & LON_NAMES), None)
    return (lat, lon) if lat and lon else None


def unit_columns(
    platform: Platform, actor: Actor, table: m.TableInfo, numeric: frozenset[str]
) -> list[str]:
    """Columns whose sampled values are mostly provinces, best first; columns the ingest already
    resolved to today's code (``…_ma_moi``) come first."""
    text = [c.name for c in table.columns if c.type not in numeric or c.name.startswith("ma_")]
    if not text:
        return []
    lists = ", ".join(f'list(DISTINCT CAST("{c}" AS VARCHAR))' for c in text[:12])
    sql = f'SELECT {lists} FROM (SELECT * FROM "{table.sql_name}" LIMIT {SAMPLE_ROWS})'
    (row,) = platform.query.sql(sql, actor=actor, max_rows=1).rows
    scored = []
    for name, values in zip(text, row, strict=False):
        sample = [v for v in values or [] if v]
        if not sample or len(sample) > MAX_SPELLINGS or not _mostly_provinces(sample[:20]):
            continue
        share = sum(1 for v in sample if province_code(v)[0]) / len(sample)
        if share >= MIN_SHARE:
            scored.append((not name.endswith("_ma_moi"), -share, name))
    return [name for *_, name in sorted(scored)]


def _mostly_provinces(values: list[str]) -> bool:
    """A quick look at a few values, so identifiers and free text are not resolved in full."""
    return sum(1 for v in values if province_code(v)[0]) >= MIN_SHARE * len(values)


def province_data(
    platform: Platform, actor: Actor, table: m.TableInfo, spec: ChartSpec, where: str, lang: str
) -> ProvinceData:
    """The measure per today's province, aggregated exactly: sums, counts, minima and maxima
    are combined over every value that resolves to the same province, averages as sum/count."""
    y = "1" if spec.agg == "count" else f'"{spec.y}"'
    sql = (
        f'SELECT CAST("{spec.x}" AS VARCHAR), count(*), sum({y}), count({y}), min({y}), max({y}) '
        f'FROM "{table.sql_name}"{where} GROUP BY 1'
    )
    result = platform.query.sql(sql, actor=actor, max_rows=MAX_UNITS)
    if result.truncated:
        raise InvalidInput(
            gettext(
                lang,
                "Column {name} has more than {n} different values, so it does not hold provinces; choose the column with province names or codes.",
                name=repr(spec.x),
                n=MAX_UNITS,
            )
        )
    out = ProvinceData(distinct=len(result.rows))
    parts: dict[str, list[Part]] = {}
    for label, rows, total, count, low, high in result.rows:
        out.rows += rows
        code = province_code(label)[0] if label is not None else None
        if code is None:
            out.unresolved.append(("" if label is None else str(label), rows))
            continue
        out.rows_placed += rows
        out.distinct_placed += 1
        parts.setdefault(code, []).append(
            (rows, finite_number(total) or 0.0, count, finite_number(low), finite_number(high))
        )
    out.unresolved.sort(key=lambda item: -item[1])
    combined = {code: _combine(spec.agg, p) for code, p in parts.items()}
    out.values = {code: v for code, v in combined.items() if v is not None}
    return out


def _combine(agg: str, parts: list[Part]) -> float | None:
    """One province's value from its grouped values; None when no row has the measure."""
    if agg == "count":
        return float(sum(rows for rows, *_ in parts))
    counted = [(total, n, low, high) for _, total, n, low, high in parts if n]
    if not counted:
        return None
    if agg == "sum":
        return sum(total for total, *_ in counted)
    if agg == "avg":
        return sum(total for total, *_ in counted) / sum(n for _, n, _, _ in counted)
    picked = [low if agg == "min" else high for _, _, low, high in counted]
    numbers = [v for v in picked if v is not None]
    if not numbers:
        return None
    return min(numbers) if agg == "min" else max(numbers)


def point_data(
    platform: Platform,
    actor: Actor,
    table: m.TableInfo,
    spec: ChartSpec,
    where: str,
) -> PointData:
    """Up to MAX_POINTS rows' coordinates with the grouping column as each point's name."""
    sql = (
        f'SELECT "{spec.lat}", "{spec.lon}", CAST("{spec.x}" AS VARCHAR), count(*) OVER () '
        f'FROM "{table.sql_name}"{where} LIMIT {MAX_POINTS}'
    )
    rows = platform.query.sql(sql, actor=actor, max_rows=MAX_POINTS).rows
    points = [
        MapPoint(lat=finite_number(a), lon=finite_number(b), label=str(c or ""))
        for a, b, c, _ in rows
    ]
    return PointData(points=points, total=int(rows[0][3]) if rows else 0)


def settle_map_spec(
    spec: ChartSpec,
    params: Mapping[str, str],
    platform: Platform,
    actor: Actor,
    table: m.TableInfo,
    numeric: frozenset[str],
    lang: str,
) -> None:
    """Fill the map's defaults (province column or coordinates) and refuse what cannot be drawn;
    the reasons are in the reader's language."""
    # The sample query runs only when the URL leaves the map or its column to Kho.
    must_look = not params.get("map") or (params.get("map") == "provinces" and not params.get("x"))
    found = unit_columns(platform, actor, table, numeric) if must_look else []
    coordinates = coordinate_columns(table)
    spec.map = params.get("map") or ("points" if coordinates and not found else "provinces")
    if spec.map not in MAP_MODES:
        raise InvalidInput(
            gettext(lang, "Unknown map {name}; use provinces or points.", name=repr(spec.map[:40]))
        )
    if spec.map == "points":
        _settle_points(spec, params, table, coordinates, lang)
        return
    measured = {c.name: c.type for c in table.columns}
    if spec.agg != "count" and measured.get(spec.y) not in numeric:
        raise InvalidInput(
            gettext(lang, "A map by province needs a numeric value column, or the number of rows.")
        )
    if not params.get("x") or (not params.get("map") and found and spec.x not in found):
        # No column named, or the form just switched from another chart type: the x it sends
        # was chosen for bars, so the column that holds provinces wins.
        if not found:
            raise InvalidInput(
                gettext(
                    lang,
                    "No column of this table holds province names or codes, so there is no map by province; choose the column yourself or another chart type.",
                )
            )
        spec.x = found[0]


def _settle_points(
    spec: ChartSpec,
    params: Mapping[str, str],
    table: m.TableInfo,
    coordinates: tuple[str, str] | None,
    lang: str,
) -> None:
    """The latitude/longitude pair: from the URL, else the columns named like coordinates."""
    names = {c.name: c for c in table.columns}
    default_lat, default_lon = coordinates or ("", "")
    spec.lat = params.get("lat") or default_lat
    spec.lon = params.get("lon") or default_lon
    if not spec.lat or not spec.lon:
        raise InvalidInput(
            gettext(
                lang,
                "This table has no latitude/longitude columns (named vi_do and kinh_do, lat and lon, or latitude and longitude), so there is no point map; use the map by province.",
            )
        )
    for col in (spec.lat, spec.lon):
        if col not in names:
            raise InvalidInput(
                gettext(
                    lang,
                    "No column {name}; columns: {names}.",
                    name=repr(col[:60]),
                    names=", ".join(names),
                )
            )
        if names[col].type not in COORDINATE_TYPES:
            raise InvalidInput(
                gettext(
                    lang,
                    "Column {name} is not a decimal number, so it cannot be a coordinate.",
                    name=repr(col),
                )
            )


@dataclass
class MapResult:
    """The map's SVG and what the page lists beside it."""

    svg: str
    rows: list[tuple[str, float]] = field(default_factory=list)
    provinces: ProvinceData | None = None
    points: PointData | None = None
    outside: list[MapPoint] = field(default_factory=list)


def draw_map(
    platform: Platform,
    actor: Actor,
    table: m.TableInfo,
    spec: ChartSpec,
    *,
    where: str,
    lang: str,
    title: str,
    unit_label: str,
) -> MapResult:
    """Query and draw the map the spec asks for."""
    if spec.map == "points":
        pts = point_data(platform, actor, table, spec, where)
        svg = render_point_map(pts.points, lang=lang, title=title, total=pts.total)
        return MapResult(svg=svg, points=pts, outside=split_points(pts.points)[1])
    data = province_data(platform, actor, table, spec, where, lang)
    # Values the resolver could not place go in as keys without a value: the SVG lists them.
    empty = gettext(lang, "(empty)")
    keyed: dict[str, float | None] = {**data.values}
    keyed.update({(label or empty): None for label, _ in data.unresolved})
    decimals = 0 if all(float(v).is_integer() for v in data.values.values()) else 1
    svg = render_unit_map(
        keyed, lang=lang, title=title, unit_label=unit_label, decimals=decimals, additive=True
    )
    names = province_names()
    rows = sorted(((names[c], v) for c, v in data.values.items()), key=lambda r: -r[1])
    return MapResult(svg=svg, rows=rows, provinces=data)
