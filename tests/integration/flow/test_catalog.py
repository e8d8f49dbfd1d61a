"""Catalog: metadata, search with facets, data dictionary edits, inventory, freshness, maintenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from kho.access.actors import ANONYMOUS, SYSTEM, Actor
from kho.catalog import models as m
from kho.errors import Conflict, IngestError, InvalidInput, NotFound, PermissionDenied
from kho.platform import Platform


def _dataset(platform: Platform, slug: str, title: str, **kw) -> m.Dataset:  # type: ignore[no-untyped-def]
    kw.setdefault("access_level", "public")
    return platform.catalog.create(
        m.DatasetCreate(slug=slug, org_code="SO-TP", title_vi=title, **kw), actor=SYSTEM
    )


def test_search_folds_diacritics_and_counts_facets(platform: Platform) -> None:
    _dataset(platform, "dan_so_ha_noi", "Dân số Hà Nội", sector="Dân số", keywords=["dân số"])
    _dataset(platform, "ho_so", "Hồ sơ một cửa", sector="Hành chính")
    _dataset(platform, "mat", "Dữ liệu mật Hà Nội", access_level="restricted", sector="Dân số")
    for q in ("dan so ha noi", "DÂN SỐ HÀ NỘI", "Dân số  hà nội", "ha noi dan"):
        found = platform.catalog.search(q, actor=ANONYMOUS)
        assert [d.slug for d in found.items] == ["dan_so_ha_noi"], q
    everything = platform.catalog.search("", actor=SYSTEM)
    assert everything.facets["sector"] == {"Dân số": 2, "Hành chính": 1}
    assert everything.facets["access_level"] == {"public": 2, "restricted": 1}
    filtered = platform.catalog.search(
        "", actor=SYSTEM, filters={"sector": "Dân số", "access_level": "public"}
    )
    assert [d.slug for d in filtered.items] == ["dan_so_ha_noi"]
    assert (
        platform.catalog.search("tu phap", actor=ANONYMOUS).total == 2
    )  # organisation name is searchable
    with pytest.raises(InvalidInput, match="filters"):
        platform.catalog.search("", actor=SYSTEM, filters={"colour": "red"})


def test_create_validates_and_refuses_duplicates(platform: Platform) -> None:
    _dataset(platform, "ho_so", "Hồ sơ")
    with pytest.raises(Conflict):
        _dataset(platform, "ho_so", "Hồ sơ")
    with pytest.raises(NotFound, match="organisation"):
        platform.catalog.create(
            m.DatasetCreate(slug="x", org_code="KHONG", title_vi="X"), actor=SYSTEM
        )
    with pytest.raises(ValueError):
        m.DatasetCreate(slug="Bad Slug!", org_code="SO-TP", title_vi="X")
    outsider = Actor(kind="user", name="nguoi_ngoai", org_codes=frozenset({"KHAC"}))
    with pytest.raises(PermissionDenied):
        platform.catalog.update("ho_so", m.DatasetUpdate(title_vi="Đổi"), actor=outsider)


def test_dictionary_edits_survive_a_reload(platform: Platform, messy_dossiers_csv: Path) -> None:
    platform.ingest.load(messy_dossiers_csv, dataset="ho_so", org="SO-TP", actor=SYSTEM)
    platform.catalog.update_column(
        "ho_so",
        "le_phi_dong",
        m.ColumnUpdate(label="Lệ phí", unit="đồng", description_vi="Đã thu"),
        actor=SYSTEM,
    )
    platform.ingest.load(messy_dossiers_csv, dataset="ho_so", actor=SYSTEM, mode="replace")
    col = next(
        c
        for c in platform.catalog.get("ho_so", actor=SYSTEM).tables[0].columns
        if c.name == "le_phi_dong"
    )
    assert (col.label, col.unit, col.description_vi, col.type) == (
        "Lệ phí",
        "đồng",
        "Đã thu",
        "integer",
    )
    with pytest.raises(NotFound, match="columns"):
        platform.catalog.update_column("ho_so", "khong_co", m.ColumnUpdate(unit="x"), actor=SYSTEM)


def test_freshness_and_metadata_update(platform: Platform, messy_dossiers_csv: Path) -> None:
    _dataset(platform, "ho_so", "Hồ sơ", update_frequency="daily")
    assert platform.catalog.get("ho_so", actor=SYSTEM).freshness == "unknown"
    platform.ingest.load(messy_dossiers_csv, dataset="ho_so", actor=SYSTEM)
    ds = platform.catalog.get("ho_so", actor=SYSTEM)
    assert ds.freshness == "fresh" and ds.formats == ["csv"] and ds.tables[0].row_count == 4
    ds = platform.catalog.update(
        "ho_so", m.DatasetUpdate(title_en="Dossiers", keywords=["một cửa"]), actor=SYSTEM
    )
    assert (
        ds.title_en == "Dossiers" and platform.catalog.search("mot cua", actor=ANONYMOUS).total == 1
    )


def test_inventory_records_undigitised_data(platform: Platform) -> None:
    item = platform.catalog.add_inventory(
        m.InventoryCreate(
            org_code="SO-TP",
            title="Sổ hộ tịch 1975–2005",
            format="Giấy",
            volume="120 sổ",
            plan="Số hoá năm 2027",
        ),
        actor=SYSTEM,
    )
    items = platform.catalog.list_inventory(actor=SYSTEM, org_code="SO-TP")
    assert [i.id for i in items] == [item.id] and items[0].status == "not_digitised"
    with pytest.raises(NotFound):
        platform.catalog.add_inventory(m.InventoryCreate(org_code="KHONG", title="x"), actor=SYSTEM)


def test_maintain_keeps_rows_and_versions_queryable(
    platform: Platform, messy_dossiers_csv: Path
) -> None:
    platform.ingest.load(messy_dossiers_csv, dataset="ho_so", org="SO-TP", actor=SYSTEM)
    for _ in range(5):
        platform.ingest.load(messy_dossiers_csv, dataset="ho_so", actor=SYSTEM, mode="append")
    reports = platform.maintenance.run(keep_snapshots=2, keep_days=0)
    assert reports[0].files_after < reports[0].files_before
    assert platform.query.sql("SELECT count(*) FROM ho_so", actor=SYSTEM).rows[0][0] == 24
    assert len(platform.catalog.versions("ho_so", actor=SYSTEM)) <= 3
    with pytest.raises(NotFound):
        platform.maintenance.run(datasets=["khong_co"])


def test_delete_removes_dataset_and_table(platform: Platform, messy_dossiers_csv: Path) -> None:
    platform.ingest.load(messy_dossiers_csv, dataset="ho_so", org="SO-TP", actor=SYSTEM)
    platform.catalog.delete("ho_so", actor=SYSTEM)
    assert not platform.catalog.exists("ho_so")
    with pytest.raises(NotFound):
        platform.query.sql("SELECT * FROM ho_so", actor=SYSTEM)


def test_every_change_and_non_public_read_is_audited(
    platform: Platform, messy_dossiers_csv: Path, tmp_path: Path
) -> None:
    platform.ingest.load(messy_dossiers_csv, dataset="ho_so", org="SO-TP", actor=SYSTEM)
    platform.catalog.update("ho_so", m.DatasetUpdate(title_en="Dossiers"), actor=SYSTEM)
    platform.catalog.update_column(
        "ho_so", "le_phi_dong", m.ColumnUpdate(unit="đồng"), actor=SYSTEM
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    with pytest.raises(IngestError):
        platform.ingest.load(bad, dataset="ho_so", actor=SYSTEM, mode="append")
    platform.query.sql("SELECT count(*) FROM ho_so", actor=SYSTEM)  # internal dataset: a read
    actions = [e.action for e in platform.access.log.list(SYSTEM, dataset="ho_so", limit=50)]
    for expected in (
        "dataset.create",
        "dataset.load",
        "dataset.update",
        "dataset.column.update",
        "dataset.load.failed",
        "read",
    ):
        assert expected in actions, (expected, actions)
    load = next(
        e
        for e in platform.access.log.list(SYSTEM, action="dataset.load", limit=5)
        if e.action == "dataset.load"
    )
    assert load.rows == 4 and load.details["version"] == 1
    assert platform.access.log.verify(SYSTEM).ok
