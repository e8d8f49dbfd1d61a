"""Computation of table-based indicators: partial aggregates per unit and finest period, rolled up exactly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kho.indicators import _sql, periods
from kho.indicators.models import ALL_ORGS, TableSource, UnresolvedUnit
from kho.indicators.orgtree import OrgTree, Placement, UnitResolver
from kho.indicators.periods import Period, PeriodType

DateRanges = list[tuple[date, date]]  # [start, end) ranges


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
    org_windows: dict[str, DateRanges] = field(default_factory=dict)
    official: dict[str, str] | None = None
    unresolved: list[UnresolvedUnit] = field(default_factory=list)

    def lineage_extra(self) -> dict[str, Any]:
        """What the unit registry adds to the lineage: date-limited spellings, the official
        unit, and (on ``ALL``) the values that count in no unit. Nothing for plain spellings."""
        extra: dict[str, Any] = {}
        if self.org_windows:
            extra["org_windows"] = {
                raw: [[lo.isoformat(), hi.isoformat()] for lo, hi in ranges]
                for raw, ranges in self.org_windows.items()
            }
        if self.official:
            extra["unit"] = self.official
        if self.unresolved:
            extra["unresolved"] = [u.model_dump() for u in self.unresolved]
        return extra


@dataclass
class Rollup:
    """Every unit's values, and the raw values that count in no unit (only in ``ALL``)."""

    nodes: list[NodeValue]
    unresolved: list[UnresolvedUnit]


@dataclass
class _Buckets:
    """Cells of the wanted periods grouped by unit and period, as the roll-up walks them."""

    groups: dict[tuple[str, str], list[Cell]] = field(default_factory=dict)
    spellings: dict[str, set[str | None]] = field(default_factory=dict)
    by_id: dict[str, Period] = field(default_factory=dict)
    seen: dict[str, list[Cell]] = field(default_factory=dict)
    raw_cells: dict[tuple[str, str | None], list[Cell]] = field(default_factory=dict)
    outside: dict[str, list[tuple[Cell, Placement]]] = field(default_factory=dict)
    official: dict[str, dict[str, str]] = field(default_factory=dict)


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
    resolver: UnitResolver,
    tree: OrgTree,
    wanted: set[str],
    period_types: Sequence[str],
) -> Rollup:
    """Values for every unit on the tree and every wanted period, recomputing ratios from sums."""
    b = _Buckets()
    unplaced: list[tuple[Cell, Placement]] = []
    for cell in cells:
        placed = resolver.place(cell.org_raw, cell.period.start)
        if _bucket(b, cell, placed, tree, wanted, period_types) and placed.unit is None:
            unplaced.append((cell, placed))
    ms = _sql.measures(source)
    nodes = [
        _node(b, node, pid, members, ms, source, tree)
        for (node, pid), members in sorted(b.groups.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
    return Rollup(nodes, unresolved_of(unplaced))


def _bucket(
    b: _Buckets,
    cell: Cell,
    placed: Placement,
    tree: OrgTree,
    wanted: set[str],
    period_types: Sequence[str],
) -> bool:
    """File one cell under its unit's chain for each wanted period it feeds; False if none."""
    chain = tree.chain(placed.unit) if placed.unit is not None else [ALL_ORGS]
    if placed.unit is not None and placed.official:
        b.official[placed.unit] = placed.official
    for node in chain:
        b.seen.setdefault(node, []).append(cell)
    feeds = [p for p in targets_of(cell.period, period_types) if p.id in wanted]
    for p in feeds:
        b.by_id[p.id] = p
        b.raw_cells.setdefault((p.id, cell.org_raw), []).append(cell)
        if placed.unit is None:
            b.outside.setdefault(p.id, []).append((cell, placed))
        for node in chain:
            b.groups.setdefault((node, p.id), []).append(cell)
            b.spellings.setdefault(node, set()).add(cell.org_raw)
    return bool(feeds)


def _node(
    b: _Buckets,
    node: str,
    pid: str,
    members: list[Cell],
    ms: dict[str, _sql.ParsedMeasure],
    source: TableSource,
    tree: OrgTree,
) -> NodeValue:
    value, num, den = _value(_combine(members, ms), source)
    p = b.by_id[pid]
    is_all = node == ALL_ORGS
    org_values = None if is_all else sorted(b.spellings[node], key=lambda s: (s is None, s or ""))
    days = [c.last_day for c in b.seen[node] if c.last_day is not None and c.period.start <= p.end]
    return NodeValue(
        node,
        tree.parent(node),
        p,
        value,
        num,
        den,
        sum(c.n_rows for c in members),
        org_values,
        max(days, default=None),
        org_windows={} if is_all else _windows(b, pid, org_values or [], members),
        official=b.official.get(node),
        unresolved=unresolved_of(b.outside.get(pid, [])) if is_all else [],
    )


def _windows(
    b: _Buckets, pid: str, org_values: list[str | None], members: list[Cell]
) -> dict[str, DateRanges]:
    """Spellings that count here on some days of the period only, with those days' ranges.

    A value read as this unit before 1 July 2025 and as another one (or none) after it must
    not pull its later rows into this unit's SQL; the stored query names its days instead.
    """
    out: dict[str, DateRanges] = {}
    for raw in org_values:
        if raw is None:
            continue
        mine = [c for c in members if c.org_raw == raw]
        if len(mine) < len(b.raw_cells.get((pid, raw), [])):
            out[raw] = _ranges(mine)
    return out


def _ranges(cells: list[Cell]) -> DateRanges:
    """The finest periods of the cells as merged [start, end) date ranges."""
    out: DateRanges = []
    for start, end in sorted({(c.period.start, c.period.end + timedelta(days=1)) for c in cells}):
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def unresolved_of(unplaced: Iterable[tuple[Cell, Placement]]) -> list[UnresolvedUnit]:
    """Raw values that count in no unit, with their rows and finest periods."""
    found: dict[tuple[str | None, str], UnresolvedUnit] = {}
    for cell, placed in unplaced:
        key = (cell.org_raw, placed.status)
        item = found.setdefault(
            key,
            UnresolvedUnit(
                value=cell.org_raw,
                status=placed.status,  # type: ignore[arg-type]
                note=placed.note,
                candidates=list(placed.candidates),
                rows=0,
            ),
        )
        item.rows += cell.n_rows
        item.periods = sorted({*item.periods, cell.period.id})
    return sorted(found.values(), key=lambda u: (-u.rows, u.value or ""))


def merge_unresolved(*lists: list[UnresolvedUnit]) -> list[UnresolvedUnit]:
    """One entry per value and status over several roll-ups (months and weeks read the same rows)."""
    found: dict[tuple[str | None, str], UnresolvedUnit] = {}
    for items in lists:
        for u in items:
            key = (u.value, u.status)
            have = found.get(key)
            if have is None or u.rows > have.rows:
                found[key] = u
    return sorted(found.values(), key=lambda u: (-u.rows, u.value or ""))


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
