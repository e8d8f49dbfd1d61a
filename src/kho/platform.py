"""The hub: built once from Settings, it hands out the services every adapter uses."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from kho.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from kho.access.service import Access
    from kho.catalog.maintenance import Maintenance
    from kho.catalog.service import Catalog
    from kho.ingest.service import Ingest
    from kho.query.service import Query
    from kho.warehouse.service import Warehouse


class Platform:
    """One object per process; CLI, API and pages are thin adapters over its services."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()

    @cached_property
    def engine(self) -> Engine:
        from kho.metadata.db import make_engine

        self.settings.home_dir.mkdir(parents=True, exist_ok=True)
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from kho.metadata.db import session_factory

        return session_factory(self.engine)

    @cached_property
    def warehouse(self) -> Warehouse:
        from kho.warehouse.service import Warehouse

        return Warehouse(
            catalog_url=self.settings.resolved_database_url,
            warehouse_uri=self.settings.warehouse_uri,
            commit_retries=self.settings.commit_retries,
            engine=self.engine,  # the Iceberg catalog lives in the metadata database
        )

    @cached_property
    def catalog(self) -> Catalog:
        from kho.catalog.service import Catalog

        return Catalog(self.sessions, self.warehouse, self.access)

    @cached_property
    def ingest(self) -> Ingest:
        from kho.ingest.service import Ingest

        return Ingest(self.sessions, self.warehouse, self.catalog, self.settings)

    @cached_property
    def query(self) -> Query:
        from kho.query.service import Query

        return Query(self.sessions, self.warehouse, self.settings, self.access)

    @cached_property
    def maintenance(self) -> Maintenance:
        from kho.catalog.maintenance import Maintenance

        return Maintenance(self.sessions, self.warehouse)

    @cached_property
    def indicators(self) -> Any:  # kho.indicators.service.Indicators
        from kho.indicators.service import Indicators

        return Indicators(self.sessions, self.catalog, self.query)

    @cached_property
    def access(self) -> Access:
        from kho.access.service import Access

        return Access(self.sessions)

    def init(self) -> dict[str, Any]:
        """Create directories, migrate the metadata schema; safe to run again."""
        from kho.metadata.db import current_revision, upgrade

        for d in (self.settings.home_dir, self.settings.rejects_dir, self.settings.uploads_dir):
            d.mkdir(parents=True, exist_ok=True)
        if self.settings.warehouse_uri.startswith("file://"):
            from pathlib import Path

            Path(self.settings.warehouse_uri.removeprefix("file://")).mkdir(
                parents=True, exist_ok=True
            )
        upgrade(self.engine)
        return {
            "home": str(self.settings.home_dir),
            "database": _safe_url(self.settings.resolved_database_url),
            "warehouse": self.settings.warehouse_uri,
            "revision": current_revision(self.engine),
        }

    def close(self) -> None:
        if "query" in self.__dict__:
            self.query.close()
        if "engine" in self.__dict__:
            self.engine.dispose()


def _safe_url(url: str) -> str:
    """The URL with any password hidden, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
