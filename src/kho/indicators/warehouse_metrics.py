"""The `warehouse` pack's metrics, computed from Kho's own catalog through the catalog service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from kho.access.actors import Actor
from kho.catalog.freshness import freshness
from kho.clock import aware
from kho.indicators import periods
from kho.indicators.models import ALL_ORGS
from kho.indicators.orgtree import OrgTree
from kho.indicators.periods import Period

if TYPE_CHECKING:
    from kho.catalog.service import Catalog


@dataclass(frozen=True)
class DatasetHistory:
    """What the metrics need of one dataset: owner, schedule, creation and its table versions."""

    slug: str
    org: str
    frequency: str | None
    created_at: datetime
    versions: list[tuple[datetime, int, int]]  # (committed_at, version, total_rows)

    def state_at(self, moment: datetime) -> tuple[int, int, datetime | None] | None:
        """(version, rows, last load) at ``moment``; None when the dataset did not exist yet."""
        if aware(self.created_at) > moment:
            return None
        done = [v for v in self.versions if aware(v[0]) <= moment]
        if not done:
            return 0, 0, None
        at, version, rows = done[-1]
        return version, rows, aware(at)


def histories(catalog: Catalog, *, actor: Actor) -> list[DatasetHistory]:
    """Every dataset the actor may see, with its versions (metadata only, no data read)."""
    out = []
    for summary in catalog.search("", actor=actor, limit=1000, sort="title").items:
        ds = catalog.get(summary.slug, actor=actor)
        try:
            versions = catalog.versions(summary.slug, actor=actor)
        except Exception:  # noqa: BLE001 - a dataset without a table has no versions
            versions = []
        out.append(
            DatasetHistory(
                ds.slug,
                ds.org_code,
                ds.update_frequency,
                ds.created_at,
                [(v.committed_at, v.version, v.total_rows) for v in versions],
            )
        )
    return out


Cell = tuple[str, float, float | None, set[str], str | None]


def metric_cells(
    metric: str, hist: list[DatasetHistory], period: Period, now: datetime
) -> list[tuple[str, float, float | None, set[str], str | None]]:
    """Per dataset: (org, numerator or value, denominator, distinct orgs, "slug@N") at the period's end."""
    end = min(datetime.combine(period.end, time.max, tzinfo=UTC), now)
    start = datetime.combine(period.start, time.min, tzinfo=UTC)
    out: list[Cell] = []
    for h in hist:
        state = h.state_at(end)
        if state is None:
            continue
        version, rows, last = state
        ref = f"{h.slug}@{version}" if version else h.slug
        if metric == "datasets":
            out.append((h.org, 1.0, None, set(), ref))
        elif metric == "rows":
            out.append((h.org, float(rows), None, set(), ref))
        elif metric == "organisations":
            out.append((h.org, 0.0, None, {h.org} if version else set(), ref))
        elif metric == "fresh_share" and h.frequency:
            is_fresh = freshness(last, h.frequency, now=end) == "fresh"
            out.append((h.org, 1.0 if is_fresh else 0.0, 1.0, set(), ref))
        elif metric == "growth":
            before = h.state_at(start)
            rows_before = float(before[1]) if before else 0.0
            out.append((h.org, float(rows) - rows_before, rows_before, set(), ref))
    return out


def periods_between(first: date, today: date, kinds: list[str]) -> list[Period]:
    """Every period of the given types from the first dataset until today."""
    found: dict[str, Period] = {}
    for kind in kinds:
        p = periods.of_date(first, kind)  # type: ignore[arg-type]
        while p.start <= today:
            found[p.id] = p
            p = periods.of_date(p.end.fromordinal(p.end.toordinal() + 1), kind)  # type: ignore[arg-type]
    return sorted(found.values())


@dataclass
class _Acc:
    num: float = 0.0
    den: float | None = None
    orgs: set[str] = field(default_factory=set)
    refs: list[str] = field(default_factory=list)


Rolled = dict[str, tuple[float | None, float | None, float | None, list[str]]]


def roll(cells: list[Cell], tree: OrgTree, metric: str, factor: float) -> Rolled:
    """Per unit on the tree: (value, numerator, denominator, dataset refs)."""
    acc: dict[str, _Acc] = {}
    for org, num, den, orgs, ref in cells:
        for node in tree.chain(org):
            a = acc.setdefault(node, _Acc())
            a.num += num
            if den is not None:
                a.den = (a.den or 0.0) + den
            a.orgs |= orgs
            if ref:
                a.refs.append(ref)
    out: Rolled = {}
    for node, a in acc.items():
        if metric == "organisations":
            out[node] = (float(len(a.orgs)), None, None, sorted(a.refs))
        elif metric in ("fresh_share", "growth"):
            out[node] = (factor * a.num / a.den if a.den else None, a.num, a.den, sorted(a.refs))
        else:
            out[node] = (a.num, None, None, sorted(a.refs))
    empty = 0.0 if metric in ("datasets", "rows", "organisations") else None
    out.setdefault(ALL_ORGS, (empty, None, None, []))
    return out

