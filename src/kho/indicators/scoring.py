"""Target against actual: % achieved respecting direction, status, and sibling ranking."""

from __future__ import annotations

from datetime import date

from kho.indicators.models import IndicatorDef, Status
from kho.indicators.periods import Period


def achievement(
    actual: float, *, value: float | None, low: float | None, high: float | None, direction: str
) -> float | None:
    """% of the target reached; 100 means met. A range is met anywhere inside it."""
    if value is not None:
        return _toward(actual, value, higher=direction == "higher")
    if low is not None and actual < low:
        return _toward(actual, low, higher=True)
    if high is not None and actual > high:
        return _toward(actual, high, higher=False)
    return 100.0


def _toward(actual: float, target: float, *, higher: bool) -> float | None:
    if higher:
        if target == 0:
            return 100.0 if actual >= 0 else 0.0
        return 100.0 * actual / target
    if actual <= 0:
        return 100.0 if target >= actual else 0.0
    return 100.0 * target / actual


def status(
    d: IndicatorDef,
    period: Period,
    actual: float | None,
    *,
    value: float | None,
    low: float | None,
    high: float | None,
    today: date,
) -> tuple[Status, float | None]:
    """Closed periods are achieved or missed; open ones are on track or at risk against the pace so far."""
    if actual is None:
        return "no_data", None
    if value is None and low is None and high is None:
        return "no_target", None
    pct = achievement(actual, value=value, low=low, high=high, direction=d.direction)
    if pct is None:
        return "no_target", None
    if period.end < today:
        return ("achieved" if pct >= 100 else "missed"), pct
    additive = d.is_flow
    if additive and d.direction == "higher" and pct >= 100:
        return "achieved", pct
    pace = pct
    if additive:
        share = period.fraction_elapsed(today)

        def scale(x: float | None) -> float | None:
            return None if x is None else x * share

        pace = (
            achievement(
                actual, value=scale(value), low=scale(low), high=scale(high), direction=d.direction
            )
            or 0.0
        )
    return ("on_track" if pace >= d.thresholds.get("on_track", 95.0) else "at_risk"), pct


def rank(values: dict[str, float | None], *, direction: str) -> dict[str, int]:
    """Competition ranking (1 = best; ties share a rank); units without a value are not ranked."""
    present = [(org, v) for org, v in values.items() if v is not None]
    present.sort(key=lambda kv: -float(kv[1] or 0) if direction == "higher" else float(kv[1] or 0))
    out: dict[str, int] = {}
    for i, (org, v) in enumerate(present):
        out[org] = out[present[i - 1][0]] if i and present[i - 1][1] == v else i + 1
    return out
