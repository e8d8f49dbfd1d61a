"""A plain server-side SVG of a bar, line or pie chart: works without JavaScript and exports as a file."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import escape

PALETTE = (
    "#a50e0e",
    "#0b4f9c",
    "#1c7c3a",
    "#b35c00",
    "#6a3d9a",
    "#00707a",
    "#8c564b",
    "#c2185b",
    "#4d4d4d",
    "#7a6a00",
    "#2e6fdb",
    "#9e2a2b",
)
Fmt = Callable[[float], str]


def chart_svg(
    kind: str, labels: Sequence[str], values: Sequence[float], *, title: str, fmt: Fmt
) -> str:
    """The whole SVG document for one series."""
    if kind == "pie":
        body, width, height = _pie(labels, values, fmt)
    elif kind == "line":
        body, width, height = _line(labels, values, fmt)
    else:
        body, width, height = _bar(labels, values, fmt)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="Noto Sans, DejaVu Sans, Arial, sans-serif" font-size="12">'
        f'<rect width="100%" height="100%" fill="#fff"/>'
        f'<text x="16" y="24" font-size="15" font-weight="bold" fill="#1a1a1a">{escape(title)}</text>'
        f"{body}</svg>"
    )


def _bar(labels: Sequence[str], values: Sequence[float], fmt: Fmt) -> tuple[str, int, int]:
    width, left, top, row = 760, 200, 44, 22
    height = top + row * max(len(values), 1) + 16
    top_value = max([abs(v) for v in values] + [1e-9])
    span = width - left - 110
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = max(abs(value) / top_value * span, 1)
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="#333">{escape(label[:30])}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + 15}" fill="#333">{escape(fmt(value))}</text>'
        )
    return "".join(parts), width, height


def _line(labels: Sequence[str], values: Sequence[float], fmt: Fmt) -> tuple[str, int, int]:
    width, height, left, right, top, bottom = 760, 400, 80, 24, 44, 56
    lo, hi = min([*values, 0.0]), max([*values, 1e-9])
    n = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + i * (width - left - right) / n
        y = top + (hi - v) / (hi - lo or 1) * (height - top - bottom)
        return x, y

    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(values)))
    parts = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="#333">{escape(fmt(hi))}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" fill="#333">{escape(fmt(lo))}</text>',
        f'<polyline fill="none" stroke="{PALETTE[1]}" stroke-width="2.5" points="{points}"/>',
    ]
    step = max(1, math.ceil(len(labels) / 12))
    for i, label in enumerate(labels):
        x, y = xy(i, values[i])
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[1]}"/>')
        if i % step == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="#333">{escape(label[:14])}</text>'
            )
    return "".join(parts), width, height


def _pie(labels: Sequence[str], values: Sequence[float], fmt: Fmt) -> tuple[str, int, int]:
    width, cx, cy, r = 760, 190, 220, 160
    height = max(400, 60 + 20 * len(values))
    total = sum(v for v in values if v > 0) or 1.0
    parts, angle = [], -math.pi / 2
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        share = max(value, 0) / total
        end = angle + share * 2 * math.pi
        color = PALETTE[i % len(PALETTE)]
        if share >= 0.9999:
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{color}"/>')
        elif share > 0:
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
            large = 1 if share > 0.5 else 0
            parts.append(
                f'<path d="M{cx},{cy} L{x1:.1f},{y1:.1f} A{r},{r} 0 {large} 1 {x2:.1f},{y2:.1f} Z" '
                f'fill="{color}" stroke="#fff"/>'
            )
        ly = 50 + i * 20
        parts.append(
            f'<rect x="400" y="{ly}" width="12" height="12" fill="{color}"/>'
            f'<text x="418" y="{ly + 11}" fill="#333">{escape(label[:36])} — {escape(fmt(value))} '
            f"({share * 100:.1f}%)</text>"
        )
        angle = end
    return "".join(parts), width, height
