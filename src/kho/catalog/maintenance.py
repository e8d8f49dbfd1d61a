"""Maintenance over every table of the catalog (or some datasets)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.errors import NotFound
from kho.metadata import models as db
from kho.warehouse.models import MaintenanceReport
from kho.warehouse.service import Warehouse


class Maintenance:
    """Runs the warehouse's compaction, snapshot expiry and orphan removal table by table."""

    def __init__(self, sessions: Callable[[], Session], warehouse: Warehouse):
        self._sessions = sessions
        self._warehouse = warehouse

    def run(
        self,
        *,
        datasets: Sequence[str] | None = None,
        keep_snapshots: int = 20,
        keep_days: int = 30,
    ) -> list[MaintenanceReport]:
        with self._sessions() as s:
            stmt = select(db.Resource.iceberg_ident, db.Dataset.slug).join(db.Dataset)
            if datasets:
                stmt = stmt.where(db.Dataset.slug.in_(list(datasets)))
            rows = s.execute(stmt.order_by(db.Resource.id)).all()
        if datasets and not rows:
            raise NotFound(f"No tables in {', '.join(datasets)}.", hint="Run `kho datasets list`.")
        return [
            self._warehouse.maintain(ident, keep_snapshots=keep_snapshots, keep_days=keep_days)
            for ident, _ in rows
            if self._warehouse.exists(ident)
        ]
