"""The drawing pieces both Kho maps share: the bundled shapes, the frame with sea, neighbours,
archipelagos and place names, province labels, and the page layout of title, map and notes."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import escape

from kho import units
from kho.web.i18n import gettext

MAP_DATA = Path(units.__file__).parent / "data" / "province_map.json"
MISSING = "#d9d9d9"
SEA, LAND_AROUND, LAND = "#eef4f8", "#e4e4e0", "#f4f1ea"
INK, SOFT_INK = "#1a1a1a", "#4d4d4d"
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
TOP, MARGIN, LINE = 58.0, 10.0, 15.0
MAX_LISTED = 40  # names listed under the map; beyond this the list says how many more


@cache
def map_data() -> dict[str, Any]:
    """The bundled shapes, read once per process (about 80 KB)."""
    data: dict[str, Any] = json.loads(MAP_DATA.read_text("utf-8"))
    return data


@cache
def province_names() -> dict[str, str]:
    return {u.code: u.short_name for u in units.list_units(version=units.NEW_VERSION)}


def map_uid(title: str, values: Mapping[str, Any]) -> str:
    """An id prefix unique per map, so several maps inline on one page keep their own patterns."""
    digest = hashlib.sha1(f"{title}|{sorted(map(str, values.items()))}".encode()).hexdigest()
    return "m" + digest[:8]


def hatch(uid: str) -> str:
    return (
        f'<defs><pattern id="{uid}-missing" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{MISSING}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="1.6"/></pattern>'
        f'<clipPath id="{uid}-frame"><rect width="{map_data()["width"]}" '
        f'height="{map_data()["height"]}"/></clipPath></defs>'
    )


def base(lang: str) -> str:
    """Sea and neighbouring countries with their names, drawn muted under Vietnam."""
    data = map_data()
    neighbours = "".join(f'<path d="{d}"/>' for d in data["neighbours"].values())
    return (
        f'<rect width="{data["width"]}" height="{data["height"]}" fill="{SEA}"/>'
        f'<g fill="{LAND_AROUND}" stroke="#fff" stroke-width="0.8">{neighbours}</g>'
        + place_names(lang)
    )


def outline() -> str:
    return (
        f'<path d="{map_data()["outline"]}" fill="none" stroke="{SOFT_INK}" '
        'stroke-width="0.8" stroke-linejoin="round"/>'
    )


def halo_text(x: float, y: float, text: str, *, size: float = 9, extra: str = "") -> str:
    """Dark text with a white halo: readable (AA) on every fill colour of the scale."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{INK}" stroke="#fff" '
        f'stroke-width="2.4" stroke-linejoin="round" paint-order="stroke" {extra}>'
        f"{escape(text)}</text>"
    )


def province_labels() -> str:
    names = province_names()
    labels = []
    for code, shape in map_data()["provinces"].items():
        x, y = shape["label"]
        labels.append(halo_text(x, y, names[code], size=8.5, extra='text-anchor="middle" dy="3"'))
    return f'<g aria-hidden="true">{"".join(labels)}</g>'


def archipelagos(fill: Mapping[str, str], missing: str, lang: str) -> str:
    """Hoàng Sa and Trường Sa as Vietnamese maps show them: island dots, named."""
    parts = []
    names = {
        "hoang_sa": gettext(lang, "Hoàng Sa archipelago"),
        "truong_sa": gettext(lang, "Trường Sa archipelago"),
    }
    province = province_names()
    for key, arch in map_data()["archipelagos"].items():
        colour = fill.get(arch["province"], missing)
        dots = "".join(f'<circle cx="{x}" cy="{y}" r="1.8"/>' for x, y in arch["dots"])
        xs = [x for x, _ in arch["dots"]]
        ys = [y for _, y in arch["dots"]]
        owner = f"({province[arch['province']]})"
        # Below the islands, unless that would leave the frame (Trường Sa): then above them.
        below = max(ys) + 28 < map_data()["height"]
        y = max(ys) + 13 if below else min(ys) - 19
        parts.append(
            f'<g fill="{colour}" stroke="{SOFT_INK}" stroke-width="0.5">'
            f"<title>{escape(names[key])} {escape(owner)}</title>{dots}</g>"
            + halo_text(min(xs), y, names[key], size=9.5, extra='font-style="italic"')
            + halo_text(min(xs), y + 11, owner, size=8.5, extra='font-style="italic"')
        )
    return "".join(parts)


def place_names(lang: str) -> str:
    places = map_data()["places"]
    words = {
        "CN": gettext(lang, "CHINA"),
        "LA": gettext(lang, "LAOS"),
        "KH": gettext(lang, "CAMBODIA"),
        "TH": gettext(lang, "THAILAND"),
        "east_sea": gettext(lang, "East Sea"),
        "gulf_tonkin": gettext(lang, "Gulf of Tonkin"),
        "gulf_thailand": gettext(lang, "Gulf of Thailand"),
    }
    out = []
    for key, word in words.items():
        x, y = places[key]
        sea = key[0].islower()
        colour = "#3d6f94" if sea else "#6b6b6b"
        style = 'font-style="italic"' if sea else 'letter-spacing="1.5"'
        out.append(
            f'<text x="{x}" y="{y}" font-size="{11 if sea else 10}" fill="{colour}" '
            f'text-anchor="middle" {style}>{escape(word)}</text>'
        )
    return f'<g aria-hidden="true">{"".join(out)}</g>'


def wrapped(head: str, items: Sequence[str], *, sep: str = ", ", width: int = 100) -> list[str]:
    """A heading and its items as lines short enough for the SVG's width."""
    shown = list(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown.append(f"… (+{len(items) - MAX_LISTED})")
    lines, line = [], head
    for item in shown:
        if line.strip() and len(line) + len(item) + len(sep) > width:
            lines.append(line)
            line = "   " + item
        elif not line or line.endswith(":"):
            line = f"{line} {item}".strip()
        else:
            line = f"{line}{sep}{item}"
    return [*lines, line]


def document(
    title: str, subtitle: str, body: str, footer: Sequence[str], uid: str, lang: str
) -> str:
    data = map_data()
    width, height = data["width"] + 2 * MARGIN, data["height"]
    source = gettext(
        lang,
        "Boundaries: Natural Earth (public domain), merged to the 34 provinces of 1 July 2025. Illustrative map; not an authority on boundaries.",
    )
    heading = wrapped("", title.split(" "), sep=" ", width=64)[:3]
    top = TOP + 20 * (len(heading) - 1)
    head = "".join(
        f'<text x="{MARGIN}" y="{24 + 20 * i}" font-size="16" font-weight="bold" fill="{INK}">'
        f"{escape(line)}</text>"
        for i, line in enumerate(heading)
    )
    if subtitle:
        head += (
            f'<text x="{MARGIN}" y="{top - 16}" font-size="12" fill="{SOFT_INK}">'
            f"{escape(gettext(lang, 'Unit: {unit}', unit=subtitle))}</text>"
        )
    notes = wrapped("", source.split(" "), sep=" ")
    lines = [(line, INK) for line in footer] + [(line, SOFT_INK) for line in notes]
    total = top + height + 12 + LINE * len(lines)
    text = "".join(
        f'<text x="{MARGIN}" y="{top + height + 20 + i * LINE}" font-size="11" fill="{colour}">'
        f"{escape(line)}</text>"
        for i, (line, colour) in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{total:g}" '
        f'viewBox="0 0 {width:g} {total:g}" role="group" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="12"><title>{escape(title)}</title>'
        f'<rect width="100%" height="100%" fill="#fff"/>{head}'
        f'<g transform="translate({MARGIN} {top})" clip-path="url(#{uid}-frame)">{body}</g>'
        f'<rect x="{MARGIN}" y="{top}" width="{data["width"]}" height="{height}" fill="none" '
        f'stroke="#9e9e9e"/>{text}</svg>'
    )


def project(lat: float, lon: float) -> tuple[float, float]:
    """Latitude/longitude to map units, with the projection the shapes were built with."""
    proj = map_data()["projection"]

    def merc(phi: float) -> float:
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(phi) / 2)))

    scale = proj["scale"]
    return (lon - proj["lon_min"]) * scale, (merc(proj["lat_max"]) - merc(lat)) * scale
