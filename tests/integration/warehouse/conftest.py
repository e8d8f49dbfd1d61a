"""Fixtures for warehouse tests: a Warehouse on each metadata backend, tables read via DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from kho.warehouse import Warehouse


@pytest.fixture
def warehouse(database_url: str, tmp_path: Path) -> Warehouse:
    """A warehouse whose catalog lives in the test's metadata DB and whose files are on tmp_path."""
    return Warehouse(
        catalog_url=database_url,
        warehouse_uri=(tmp_path / "not-yet" / "warehouse").as_uri(),
        commit_retries=10,
    )
