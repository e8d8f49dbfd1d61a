"""Server-side SVG for indicators: a trend with its target line, and a ranking of units against their targets.

Drawn on the server so the charts show without JavaScript, print with the report and can be saved
as files; the numbers are always also in a table next to them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import escape

from kho.web.pages.chart_svg import PALETTE, Fmt

Scale = Callable[[float], float]
Slot = Callable[[int], float]
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
INK, MUTED, GRID = "#1b1f24", "#4f5660", "#d9dde3"
TARGET_COLOUR = "#b35c00"
STATUS_COLOURS = {
    "achieved": "#1c7c3a",
    "on_track": "#0b4f9c",
    "at_risk": "#b35c00",
    "missed": "#a50e0e",
}


def _document(body: str, width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="12" class="ind-chart">'
        f"<title>{escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="#fff"/>{body}</svg>'
    )


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round axis ticks (1, 2 or 5 × 10ⁿ apart) covering ``lo``..``hi``."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks, value = [], first
    while value < hi + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def trend_svg(
    labels: Sequence[str],
    values: Sequence[float | None],
    targets: Sequence[float | None],
    *,
    title: str,
    fmt: Fmt,
    value_label: str,
    target_label: str,
) -> str:
    """Values per period as a line (gaps where there is no value) and the target as a dashed step line."""
    width, height, left, right, top, bottom = 760, 320, 70, 24, 40, 64
    known = [v for v in [*values, *targets] if v is not None]
    ticks = nice_ticks(min([0.0, *known]), max([*known, 1e-9]) * 1.05)
    lo, hi = ticks[0], ticks[-1]
    n = max(len(labels), 1)
    slot = (width - left - right) / n

    def x(i: int) -> float:
        return left + slot * (i + 0.5)

    def y(v: float) -> float:
        return top + (hi - v) / ((hi - lo) or 1) * (height - top - bottom)

    parts = [_grid(ticks, y, left, width - right, fmt)]
    parts += _target_steps(targets, x, y, slot)
    parts += _value_line(values, x, y, fmt)
    every = max(1, math.ceil(n / 12))
    parts += [
        f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="{INK}">'
        f"{escape(label[:16])}</text>"
        for i, label in enumerate(labels)
        if i % every == 0 or i == n - 1
    ]
    parts.append(_legend(left, height - 18, value_label, target_label, has_target=bool(known)))
    return _document("".join(parts), width, height, title)


def _grid(ticks: Sequence[float], y: Scale, x0: float, x1: float, fmt: Fmt) -> str:
    out = []
    for t in ticks:
        ty = y(t)
        out.append(
            f'<line x1="{x0}" y1="{ty:.1f}" x2="{x1}" y2="{ty:.1f}" stroke="{GRID}"/>'
            f'<text x="{x0 - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{MUTED}">{escape(fmt(t))}</text>'
        )
    return "".join(out)


def _target_steps(targets: Sequence[float | None], x: Slot, y: Scale, slot: float) -> list[str]:
    out = []
    for i, t in enumerate(targets):
        if t is None:
            continue
        cx, ty = x(i), y(t)
        out.append(
            f'<line x1="{cx - slot / 2:.1f}" y1="{ty:.1f}" x2="{cx + slot / 2:.1f}" y2="{ty:.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2.5" stroke-dasharray="6 4" class="target-line"/>'
        )
    return out


def _value_line(values: Sequence[float | None], x: Slot, y: Scale, fmt: Fmt) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    points = list(enumerate(values))
    for i, v in [*points, (len(points), None)]:
        if v is not None:
            run.append(f"{x(i):.1f},{y(v):.1f}")
            continue
        if len(run) > 1:
            out.append(
                f'<polyline fill="none" stroke="{PALETTE[1]}" stroke-width="2.5" points="{" ".join(run)}" class="value-line"/>'
            )
        run = []
    for i, v in points:
        if v is None:
            continue
        cx, cy = x(i), y(v)
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{PALETTE[1]}"/>'
            f'<text x="{cx:.1f}" y="{cy - 9:.1f}" text-anchor="middle" fill="{INK}" font-size="11">{escape(fmt(v))}</text>'
        )
    return out


def _legend(x0: float, y0: float, value_label: str, target_label: str, *, has_target: bool) -> str:
    out = (
        f'<line x1="{x0}" y1="{y0 - 4}" x2="{x0 + 24}" y2="{y0 - 4}" stroke="{PALETTE[1]}" stroke-width="2.5"/>'
        f'<text x="{x0 + 30}" y="{y0}" fill="{INK}">{escape(value_label)}</text>'
    )
    if has_target:
        tx = x0 + 60 + 7 * len(value_label)
        out += (
            f'<line x1="{tx}" y1="{y0 - 4}" x2="{tx + 24}" y2="{y0 - 4}" stroke="{TARGET_COLOUR}" '
            f'stroke-width="2.5" stroke-dasharray="6 4"/>'
            f'<text x="{tx + 30}" y="{y0}" fill="{INK}">{escape(target_label)}</text>'
        )
    return out


def ranking_svg(
    labels: Sequence[str],
    values: Sequence[float],
    targets: Sequence[float | None],
    statuses: Sequence[str],
    *,
    title: str,
    fmt: Fmt,
    target_label: str,
) -> str:
    """One bar per unit, best first, coloured by status, with a dashed mark at each unit's target."""
    width, left, top, row, right = 760, 190, 16, 24, 90
    height = top + row * max(len(values), 1) + 34
    ticks = nice_ticks(min([0.0, *values]), max([*values, *(t for t in targets if t), 1e-9]))
    lo, hi = ticks[0], ticks[-1]
    span = width - left - right

    def x(v: float) -> float:
        return left + (v - lo) / ((hi - lo) or 1) * span

    parts = []
    for i, (label, value, target, status) in enumerate(
        zip(labels, values, targets, statuses, strict=True)
    ):
        yy = top + i * row
        bar = max(x(value) - x(0.0), 1.0)
        colour = STATUS_COLOURS.get(status, "#4d4d4d")
        parts.append(
            f'<text x="{left - 8}" y="{yy + 16}" text-anchor="end" fill="{INK}">{escape(label[:28])}</text>'
            f'<rect class="bar" data-status="{escape(status)}" x="{x(0.0):.1f}" y="{yy + 4}" '
            f'width="{bar:.1f}" height="{row - 8}" fill="{colour}"/>'
            f'<text x="{x(0.0) + bar + 6:.1f}" y="{yy + 16}" fill="{INK}">{escape(fmt(value))}</text>'
        )
        if target is not None:
            parts.append(
                f'<line x1="{x(target):.1f}" y1="{yy + 1}" x2="{x(target):.1f}" y2="{yy + row - 1}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2.5" stroke-dasharray="3 2" class="target-mark"/>'
            )
    legend_y = height - 10
    if any(t is not None for t in targets):
        parts.append(
            f'<line x1="{left}" y1="{legend_y - 10}" x2="{left}" y2="{legend_y + 2}" stroke="{TARGET_COLOUR}" '
            f'stroke-width="2.5" stroke-dasharray="3 2"/>'
            f'<text x="{left + 8}" y="{legend_y}" fill="{INK}">{escape(target_label)}</text>'
        )
    return _document("".join(parts), width, height, title)
