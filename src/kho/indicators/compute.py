"""Computation of table-based indicators: partial aggregates per unit and finest period, rolled up exactly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kho.indicators import _sql, periods
from kho.indicators.models import ALL_ORGS, TableSource
from kho.indicators.orgtree import OrgTree, Resolver
from kho.indicators.periods import Period, PeriodType


@dataclass
class Cell:
    """Partial aggregates of the rows of one raw unit value in one finest period."""

    org_raw: str | None
    period: Period
    n_rows: int = 0
    last_day: date | None = None
    parts: dict[str, float | None] = field(default_factory=dict)
    sets: dict[str, set[Any]] = field(default_factory=dict)


@dataclass
class NodeValue:
    """A value for one unit and period, with what is needed to explain it."""

    org: str
    parent: str | None
    period: Period
    value: float | None
    numerator: float | None
    denominator: float | None
    n_rows: int
    org_values: list[str | None] | None
    last_day: date | None = None


def merge(fn: str, a: float | None, b: float | None) -> float | None:
    """Combine two partial aggregates: counts and sums add, min and max keep the extreme."""
    if a is None:
        return b
    if b is None:
        return a
    if fn == "min":
        return min(a, b)
    if fn == "max":
        return max(a, b)
    return a + b


def base_type(period_types: Iterable[str]) -> list[PeriodType]:
    """The finest periods to bucket rows by: months feed months/quarters/years; weeks feed weeks."""
    kinds = set(period_types)
    out: list[PeriodType] = []
    if kinds & {"month", "quarter", "year"}:
        out.append("month")
    if "week" in kinds:
        out.append("week")
    return out


def targets_of(finest: Period, period_types: Iterable[str]) -> list[Period]:
    """The reported periods a finest period feeds (a week feeds only itself)."""
    if finest.type == "week":
        return [finest] if "week" in period_types else []
    kinds: tuple[PeriodType, ...] = ("month", "quarter", "year")
    return [periods.roll_up(finest, k) for k in kinds if k in period_types]


def load_cells(
    rows: list[tuple[Any, ...]], roles: list[str], distinct: dict[str, list[tuple[Any, ...]]]
) -> list[Cell]:
    """Cells from the grouped query (org, period, n_rows, *roles) and the distinct-value queries."""
    cells: dict[tuple[str | None, str], Cell] = {}
    for row in rows:
        cell = Cell(row[0], periods.parse(row[1]), int(row[2]), row[3])
        cell.parts = {role: _num(v) for role, v in zip(roles, row[4:], strict=True)}
        cells[(row[0], row[1])] = cell
    for role, values in distinct.items():
        for org, pid, v in values:
            cell = cells.setdefault((org, pid), Cell(org, periods.parse(pid)))
            cell.sets.setdefault(role, set()).add(v)
    return list(cells.values())


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def roll_up(
    cells: list[Cell],
    *,
    source: TableSource,
    resolver: Resolver,
    tree: OrgTree,
    wanted: set[str],
    period_types: Sequence[str],
) -> list[NodeValue]:
    """Values for every unit on the tree and every wanted period, recomputing ratios from sums."""
    ms = _sql.measures(source)
    groups: dict[tuple[str, str], list[Cell]] = {}
    spellings: dict[str, set[str | None]] = {}
    by_id: dict[str, Period] = {}
    seen: dict[str, list[Cell]] = {}
    for cell in cells:
        leaf = resolver.resolve(cell.org_raw)
        for node in tree.chain(leaf):
            seen.setdefault(node, []).append(cell)
        for p in targets_of(cell.period, period_types):
            if p.id not in wanted:
                continue
            by_id[p.id] = p
            for node in tree.chain(leaf):
                groups.setdefault((node, p.id), []).append(cell)
                spellings.setdefault(node, set()).add(cell.org_raw)
    out = []
    for (node, pid), members in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        parts = _combine(members, ms)
        value, num, den = _value(parts, source)
        org_values = (
            None
            if node == ALL_ORGS
            else sorted(spellings[node], key=lambda s: (s is None, s or ""))
        )
        p = by_id[pid]
        days = [
            c.last_day for c in seen[node] if c.last_day is not None and c.period.start <= p.end
        ]
        out.append(
            NodeValue(
                node,
                tree.parent(node),
                p,
                value,
                num,
                den,
                sum(c.n_rows for c in members),
                org_values,
                max(days, default=None),
            )
        )
    return out


def _combine(members: list[Cell], ms: dict[str, _sql.ParsedMeasure]) -> dict[str, float | None]:
    parts: dict[str, float | None] = {}
    for role, m in ms.items():
        if m.fn == "count_distinct":
            union: set[Any] = set()
            for c in members:
                union |= c.sets.get(role, set())
            parts[role] = float(len(union))
            continue
        acc: float | None = None
        for c in members:
            acc = merge(m.fn, acc, c.parts.get(role))
        parts[role] = acc if acc is not None or m.fn not in ("count",) else 0.0
    return parts


def _value(
    parts: dict[str, float | None], source: TableSource
) -> tuple[float | None, float | None, float | None]:
    if "value" in parts:
        return parts["value"], None, None
    num, den = parts["numerator"] or 0.0, parts["denominator"]
    value = source.factor * num / den if den else None
    return value, num, den


def affected(changed: Iterable[str], period_types: Sequence[str]) -> set[str]:
    """Reported periods touched by changed finest periods (month → its quarter and year)."""
    out: set[str] = set()
    for pid in changed:
        out |= {p.id for p in targets_of(periods.parse(pid), period_types)}
    return out
