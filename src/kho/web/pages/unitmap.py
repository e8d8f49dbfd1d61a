"""Maps of Vietnam as plain server-side SVG: a choropleth by province and a point map.

Drawn from the pre-projected province shapes in ``kho/units/data/province_map.json`` (built once
by ``scripts/build_unit_map.py`` from Natural Earth), so nothing is fetched at run time and the
same SVG serves the page, the no-JavaScript reader, the download and the PNG export. The pieces
both maps share (frame, neighbours, archipelagos, labels, layout) are in ``map_svg``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from markupsafe import escape

from kho import units
from kho.web.i18n import format_number, gettext
from kho.web.pages.map_svg import (
    INK,
    LAND,
    archipelagos,
    base,
    document,
    hatch,
    map_data,
    map_uid,
    outline,
    project,
    province_labels,
    province_names,
    wrapped,
)

# ColorBrewer YlGnBu, sequential and colour-blind safe; the lightest step is skipped so that
# white province borders stay visible.
SCALE = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
MAX_CLASSES = len(SCALE)


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One row of a point map: where it is and what its hover text says."""

    lat: float | None
    lon: float | None
    label: str = ""


@dataclass
class Placement:
    """Values keyed by today's province code, and what could not be put on the map and why."""

    values: dict[str, float] = field(default_factory=dict)
    unplaced: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def finite_number(value: object) -> float | None:
    """A finite number, or None for missing, non-numeric, NaN and infinite values."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _half_up(value: float, decimals: int) -> float:
    """Rounded as statistical tables are (8435.65 → 8435.7), not half-to-even on binary floats."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


@lru_cache(maxsize=20_000)
def province_code(key: str) -> tuple[str | None, str, bool]:
    """Today's province code for a code or name, a reason when there is none, and whether it
    was an old (pre-2025) province. Cached: the registry never changes while Kho runs, and the
    same spellings come back on every map of the same table."""
    text = str(key).strip()
    if text in province_names():
        return text, "", False
    res = units.resolve(text, level="province")
    if res.status == "ambiguous":
        return None, "ambiguous", False
    if res.status != "ok" or res.unit is None or res.successor_code is None:
        return None, "not a province", False
    return res.successor_code, "", res.unit.version == units.OLD_VERSION


def place_values(
    values: Mapping[str, float | None], *, additive: bool = False, lang: str = "vi"
) -> Placement:
    """Put each key on today's province; several keys on one province are summed only when
    the values are additive (counts, totals), otherwise all of them are reported unplaced."""
    groups: dict[str, list[tuple[str, float | None, bool]]] = {}
    out = Placement()
    for key, value in values.items():
        code, reason, is_old = province_code(str(key))
        if code is None:
            ambiguous = reason == "ambiguous"
            why = gettext(lang, "ambiguous name") if ambiguous else gettext(lang, "not a province")
            out.unplaced.append((str(key), why))
        else:
            groups.setdefault(code, []).append((str(key), finite_number(value), is_old))
    names = province_names()
    for code, members in groups.items():
        keys = [k for k, _, _ in members]
        if len(members) > 1 and not additive:
            reason = gettext(lang, "several rows for {name}; not added up", name=names[code])
            out.unplaced += [(k, reason) for k in keys]
            continue
        known = [v for _, v, _ in members if v is not None]
        if len(known) == len(members):
            out.values[code] = sum(known)
        if all(old for _, _, old in members):
            _note_partial(out, code, keys, lang)
    return out


def _note_partial(out: Placement, code: str, keys: list[str], lang: str) -> None:
    """A new province shown from only some of the old provinces it was formed from."""
    olds = units.predecessors(code, "province")
    if len(keys) < len(olds):
        out.notes.append(
            gettext(
                lang,
                "{name} is drawn from {given} only (formed from {all}).",
                name=province_names()[code],
                given=", ".join(keys),
                all=", ".join(u.short_name for u in olds),
            )
        )


def class_breaks(values: Iterable[float], classes: int = MAX_CLASSES) -> list[float]:
    """Quantile class limits (k classes → k+1 limits): each class holds about as many provinces,
    so one or two very large values (the two big cities) do not paint every other province the
    same colour. A run of equal values never spans two classes; the last class may be a single
    value (its limits equal)."""
    vals = sorted(values)
    if not vals:
        return []
    n, k = len(vals), max(1, min(classes, len(set(vals))))
    limits = [vals[0]]
    for i in range(1, k):
        cut = vals[(i * n) // k]
        if cut <= limits[-1]:  # a run of equal values: start the class at the next value up
            cut = next((v for v in vals if v > limits[-1]), limits[-1])
        if cut <= limits[-1]:
            break
        limits.append(cut)
    return [*limits, vals[-1]]


def class_of(value: float, breaks: Sequence[float]) -> int:
    """The class index of a value: [b0, b1), [b1, b2), … and the last class includes its top."""
    k = len(breaks) - 1
    for i in range(k):
        if value < breaks[i + 1]:
            return i
    return k - 1


def class_colours(k: int) -> list[str]:
    """k colours spread over the scale, light to dark."""
    if k <= 1:
        return [SCALE[2]]
    return [SCALE[round(i * (len(SCALE) - 1) / (k - 1))] for i in range(k)]


def render_unit_map(
    values: Mapping[str, float | None],
    *,
    lang: str,
    title: str,
    unit_label: str = "",
    decimals: int = 1,
    additive: bool = False,
) -> str:
    """An SVG choropleth of today's 34 provinces; keys are province codes or any name the unit
    resolver knows. Provinces without data are hatched and listed; keys that could not be put
    on the map are listed with the reason."""
    placed = place_values(values, additive=additive, lang=lang)
    breaks = class_breaks(placed.values.values())
    colours = class_colours(len(breaks) - 1) if breaks else []
    uid = map_uid(title, values)
    fill = {code: colours[class_of(v, breaks)] for code, v in placed.values.items()}

    def fmt(value: float) -> str:
        return format_number(_half_up(value, decimals), lang, decimals=decimals)

    names = province_names()
    regions = []
    for code, shape in map_data()["provinces"].items():
        value = placed.values.get(code)
        shown = (
            f"{fmt(value)} {unit_label}".strip() if value is not None else gettext(lang, "no data")
        )
        regions.append(
            f'<path class="region" role="img" data-code="{code}" d="{shape["d"]}" '
            f'fill="{fill.get(code, f"url(#{uid}-missing)")}"><title>{escape(names[code])}: '
            f"{escape(shown)}</title></path>"
        )
    missing = [names[c] for c in names if c not in placed.values]
    footer = _footer_lines(placed, missing, lang)
    legend = _legend(breaks, colours, fmt, uid, lang)
    body = (
        hatch(uid)
        + base(lang)
        + f'<g stroke="#fff" stroke-width="0.7" stroke-linejoin="round">{"".join(regions)}</g>'
        + outline()
        + archipelagos(fill, f"url(#{uid}-missing)", lang)
        + province_labels()
        + legend
    )
    return document(title, unit_label, body, footer, uid, lang)


def _legend(
    breaks: Sequence[float],
    colours: Sequence[str],
    fmt: Any,
    uid: str,
    lang: str,
) -> str:
    x, y, row = map_data()["width"] - 178.0, 12.0, 18.0
    rows: list[tuple[str, str]] = []
    for i, colour in enumerate(colours):
        lo, hi = breaks[i], breaks[i + 1]
        rows.append((colour, fmt(lo) if lo == hi else f"{fmt(lo)} – {fmt(hi)}"))
    rows.append((f"url(#{uid}-missing)", gettext(lang, "No data")))
    height = 30 + row * len(rows)
    parts = [
        f'<g class="legend"><rect x="{x}" y="{y}" width="168" height="{height}" fill="#fff" '
        f'fill-opacity="0.94" stroke="#bdbdbd"/>',
        f'<text x="{x + 10}" y="{y + 18}" font-weight="bold" fill="{INK}">'
        f"{escape(gettext(lang, 'Legend'))}</text>",
    ]
    top = y + 26
    for i, (colour, text) in enumerate(rows):
        ry = top + i * row
        parts.append(
            f'<rect x="{x + 10}" y="{ry}" width="22" height="13" fill="{colour}" stroke="#8c8c8c" '
            f'stroke-width="0.5"/><text x="{x + 40}" y="{ry + 11}" fill="{INK}">{escape(text)}</text>'
        )
    return "".join(parts) + "</g>"


def _footer_lines(placed: Placement, missing: Sequence[str], lang: str) -> list[str]:
    lines = []
    if missing:
        lines += wrapped(gettext(lang, "No data ({n}):", n=len(missing)), missing)
    if placed.unplaced:
        items = [f"“{key[:60]}” ({reason})" for key, reason in placed.unplaced]
        lines += wrapped(gettext(lang, "Not on the map ({n}):", n=len(placed.unplaced)), items)
    lines += placed.notes
    return lines


def split_points(points: Iterable[MapPoint]) -> tuple[list[MapPoint], list[MapPoint]]:
    """Points inside the map's frame (mainland and both archipelagos) and those outside it."""
    proj = map_data()["projection"]
    inside: list[MapPoint] = []
    outside: list[MapPoint] = []
    for p in points:
        lat, lon = finite_number(p.lat), finite_number(p.lon)
        ok = (
            lat is not None
            and lon is not None
            and proj["lat_min"] <= lat <= proj["lat_max"]
            and proj["lon_min"] <= lon <= proj["lon_max"]
        )
        (inside if ok else outside).append(p)
    return inside, outside


def looks_swapped(p: MapPoint) -> bool:
    """Latitude and longitude given the wrong way round: the swapped point falls on the map."""
    inside, _ = split_points([MapPoint(lat=p.lon, lon=p.lat)])
    return bool(inside)


def render_point_map(
    points: Iterable[MapPoint],
    *,
    lang: str,
    title: str,
    total: int | None = None,
) -> str:
    """An SVG of points over Vietnam's provinces; points outside Vietnam's extent (or without
    coordinates) are counted and listed under the map, never drawn. ``total`` is the row count
    when ``points`` is a sample."""
    inside, outside = split_points(points)
    uid = map_uid(title, {"n": len(inside)})
    dots = []
    for p in inside:
        x, y = project(float(p.lat or 0), float(p.lon or 0))
        hover = f"<title>{escape(p.label[:120])}</title>" if p.label else ""
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3">{hover}</circle>')
    land = "".join(f'<path d="{s["d"]}"/>' for s in map_data()["provinces"].values())
    body = (
        hatch(uid)
        + base(lang)
        + f'<g fill="{LAND}" stroke="#c9c2b4" stroke-width="0.6">{land}</g>'
        + outline()
        + archipelagos({}, LAND, lang)
        + f'<g class="points" fill="#a50e0e" fill-opacity="0.75" stroke="#fff" '
        f'stroke-width="0.7">{"".join(dots)}</g>' + _point_legend(len(inside), lang)
    )
    footer = _point_footer(outside, len(inside), total, lang)
    return document(title, "", body, footer, uid, lang)


def _point_legend(count: int, lang: str) -> str:
    x, y = map_data()["width"] - 178.0, 12.0
    word = gettext(lang, "{n} points", n=format_number(count, lang))
    return (
        f'<g class="legend"><rect x="{x}" y="{y}" width="168" height="34" fill="#fff" '
        f'fill-opacity="0.94" stroke="#bdbdbd"/><circle cx="{x + 18}" cy="{y + 17}" r="4" '
        f'fill="#a50e0e" stroke="#fff"/><text x="{x + 30}" y="{y + 21}" fill="{INK}">'
        f"{escape(word)}</text></g>"
    )


def _point_footer(
    outside: Sequence[MapPoint], drawn: int, total: int | None, lang: str
) -> list[str]:
    lines = []
    if total is not None and total > drawn + len(outside):
        lines.append(
            gettext(
                lang,
                "Showing {n} of {total} rows.",
                n=format_number(drawn + len(outside), lang),
                total=format_number(total, lang),
            )
        )
    if outside:
        items = [_describe(p, lang) for p in outside]
        lines += wrapped(
            gettext(
                lang, "Outside Viet Nam or without coordinates, not drawn ({n}):", n=len(outside)
            ),
            items,
        )
    return lines


def _describe(p: MapPoint, lang: str) -> str:
    lat, lon = finite_number(p.lat), finite_number(p.lon)
    where = (
        f"{lat}, {lon}" if lat is not None and lon is not None else gettext(lang, "no coordinates")
    )
    name = f"{p.label[:40]} " if p.label else ""
    hint = f" — {gettext(lang, 'latitude and longitude swapped?')}" if looks_swapped(p) else ""
    return f"{name}({where}){hint}"
