"""How often each dataset is looked at: page views and data downloads per dataset per day.

Counting sits on the hot path of every dataset page, so a view only bumps an in-memory counter;
the counts are written in one transaction of increments (an UPSERT per dataset and day) at most
every few seconds and when the server stops. Several server processes each add their own counts.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from kho.metadata import models as db

Kind = Literal["view", "download"]
VIETNAM = timezone(timedelta(hours=7))  # no daylight saving: a fixed offset is exact
FLUSH_EVERY_S = 10.0


@dataclass(frozen=True)
class ViewCount:
    """Views and downloads of one dataset over a period."""

    views: int = 0
    downloads: int = 0

    @property
    def total(self) -> int:
        return self.views + self.downloads


def today() -> date:
    """The calendar day in Vietnam, so a day's counts match the readers' day."""
    return datetime.now(UTC).astimezone(VIETNAM).date()


class DatasetViews:
    """Count views and downloads in memory, write them in batches, and rank datasets by them."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        *,
        flush_every: float = FLUSH_EVERY_S,
        clock: Callable[[], date] = today,
    ):
        self._sessions = sessions
        self._flush_every = flush_every
        self._clock = clock
        self._pending: Counter[tuple[date, str, Kind]] = Counter()
        self._lock = threading.Lock()
        self._flushed_at = time.monotonic()

    def count(self, slug: str, kind: Kind) -> bool:
        """Add one view or download; True when the counts are due to be written (call ``flush``)."""
        with self._lock:
            self._pending[(self._clock(), slug, kind)] += 1
            return time.monotonic() - self._flushed_at >= self._flush_every

    def flush(self) -> int:
        """Write the pending counts as increments; returns how many (day, dataset) rows changed."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._flushed_at = time.monotonic()
        rows = _by_row(pending)
        if not rows:
            return 0
        try:
            with self._sessions() as s, s.begin():
                _upsert(s, rows)
        except Exception:
            with self._lock:  # keep the counts for the next attempt rather than lose them
                self._pending.update(pending)
            raise
        return len(rows)

    def totals(self, *, days: int = 30) -> dict[str, ViewCount]:
        """Views and downloads per dataset over the last ``days`` days, including unwritten counts."""
        since = self._clock() - timedelta(days=days - 1)
        with self._sessions() as s:
            stored = s.execute(
                select(
                    db.DatasetViewCount.dataset_slug,
                    func.sum(db.DatasetViewCount.views),
                    func.sum(db.DatasetViewCount.downloads),
                )
                .where(db.DatasetViewCount.day >= since)
                .group_by(db.DatasetViewCount.dataset_slug)
            ).all()
        out = {slug: [int(v or 0), int(d or 0)] for slug, v, d in stored}
        with self._lock:
            for (day, slug, kind), n in self._pending.items():
                if day >= since:
                    out.setdefault(slug, [0, 0])[0 if kind == "view" else 1] += n
        return {slug: ViewCount(v, d) for slug, (v, d) in out.items()}


def most_viewed(
    items: Iterable[Any], counts: dict[str, ViewCount], *, limit: int | None = None
) -> list[Any]:
    """Items (with a ``slug``) by views plus downloads, most first; ties keep their given order."""
    ranked = sorted(items, key=lambda d: -counts.get(d.slug, ViewCount()).total)
    return ranked[:limit] if limit is not None else ranked


def _by_row(pending: Counter[tuple[date, str, Kind]]) -> dict[tuple[date, str], list[int]]:
    rows: dict[tuple[date, str], list[int]] = {}
    for (day, slug, kind), n in pending.items():
        rows.setdefault((day, slug), [0, 0])[0 if kind == "view" else 1] += n
    return rows


def _upsert(s: Session, rows: dict[tuple[date, str], list[int]]) -> None:
    """INSERT … ON CONFLICT DO UPDATE with increments: concurrent writers add up, never overwrite."""
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    table = cast(Table, db.DatasetViewCount.__table__)
    for (day, slug), (views, downloads) in sorted(rows.items()):
        stmt = insert(table).values(day=day, dataset_slug=slug, views=views, downloads=downloads)
        s.execute(
            stmt.on_conflict_do_update(
                index_elements=["day", "dataset_slug"],
                set_={
                    "views": table.c.views + stmt.excluded.views,
                    "downloads": table.c.downloads + stmt.excluded.downloads,
                },
            )
        )
