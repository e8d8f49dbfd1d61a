"""The Iceberg catalog opens on first use; until then `exists` reads the catalog's own row."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from kho.metadata.db import make_engine
from kho.warehouse import Warehouse

T = "so_tp.ho_tich"


def test_exists_answers_from_the_catalog_row_without_opening_pyiceberg(
    database_url: str, tmp_path: Path
) -> None:
    uri = (tmp_path / "warehouse").as_uri()
    engine = make_engine(database_url)
    fresh = Warehouse(catalog_url=database_url, warehouse_uri=uri, engine=engine)
    assert not fresh.exists(T)  # not even the catalog's tables exist yet
    assert "catalog" not in fresh.__dict__

    writer = Warehouse(catalog_url=database_url, warehouse_uri=uri)
    writer.write(T, [pa.table({"so": [1, 2]})], mode="create")

    reader = Warehouse(catalog_url=database_url, warehouse_uri=uri, engine=engine)
    assert reader.exists(T) and not reader.exists("so_tp.khac") and not reader.exists("khac.ho_tich")
    assert "catalog" not in reader.__dict__
    assert reader.row_count(T) == 2  # reading opens the catalog when it is needed
    assert "catalog" in reader.__dict__ and reader.exists(T)
    writer.drop(T)
    assert not Warehouse(catalog_url=database_url, warehouse_uri=uri, engine=engine).exists(T)
