"""Ingest → query end to end on both metadata backends: typing, report, rejects, versions, failures."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from kho.access.actors import ANONYMOUS, SYSTEM
from kho.errors import Conflict, KeyViolation, NotFound, SourceUnreadable
from kho.platform import Platform


def _load(platform: Platform, path: Path, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("dataset", "ho_so")
    kw.setdefault("org", "SO-TP")
    return platform.ingest.load(path, actor=SYSTEM, **kw)


def test_messy_file_is_typed_by_vietnamese_rules(
    platform: Platform, messy_dossiers_csv: Path
) -> None:
    report = _load(platform, messy_dossiers_csv)
    types = {c.name: c.type for c in report.columns}
    assert types["ngay_tiep_nhan"] == "date"
    assert types["le_phi_dong"] == "integer"
    assert types["ma_thu_tuc"] == "text"
    assert types["so_dien_thoai"] == "text"
    assert types["dung_han"] == "boolean"
    assert report.rows_read == 5 and report.rows_loaded == 4 and report.rows_rejected == 1
    rows = platform.query.sql("SELECT * FROM ho_so ORDER BY ma_ho_so", actor=SYSTEM).records()
    first = rows[0]
    assert first["ma_thu_tuc"] == "1.004227"
    assert first["le_phi_dong"] == 1_234_000
    assert first["ngay_tiep_nhan"] == dt.date(2024, 3, 5)
    assert first["so_dien_thoai"] == "0912345678"
    assert rows[1]["ngay_tiep_nhan"] == dt.date(2024, 3, 5)  # non-padded 5/3/2024, day first
    assert rows[1]["ghi_chu"] == "Ghi chú, có dấu phẩy\nvà xuống dòng"
    assert rows[2]["ten_thu_tuc"] == unicodedata.normalize("NFC", "Cấp lại giấy khai sinh")
    assert rows[2]["le_phi_dong"] is None  # blank cell stays null
    assert rows[3]["le_phi_dong"] == 12_500


def test_report_names_original_headers_and_rejects_keep_line_and_text(
    platform: Platform, messy_dossiers_csv: Path
) -> None:
    report = _load(platform, messy_dossiers_csv)
    by_name = {c.name: c for c in report.columns}
    assert by_name["ngay_tiep_nhan"].header == "Ngày tiếp nhận"
    assert by_name["le_phi_dong"].header == "Lệ phí (đồng)"
    assert by_name["ngay_tiep_nhan"].rejected == 1
    total, rejects = platform.ingest.list_rejects("ho_so", actor=SYSTEM)
    assert total == 1
    bad = rejects[0]
    assert bad.column == "Ngày tiếp nhận" and bad.value == "31/02/2024"
    assert bad.line == 6  # header is line 1; the quoted newline makes HS-0002 span lines 3-4
    assert "31/02/2024" in bad.reason
    ds = platform.catalog.get("ho_so", actor=SYSTEM)
    labels = {c.name: c.label for c in ds.tables[0].columns}
    assert labels["ma_ho_so"] == "Mã hồ sơ"


def test_corrected_rejects_reload(
    platform: Platform, messy_dossiers_csv: Path, tmp_path: Path
) -> None:
    _load(platform, messy_dossiers_csv)
    export = tmp_path / "rejects.csv"
    assert platform.ingest.export_rejects("ho_so", export, actor=SYSTEM) == 1
    text = export.read_text(encoding="utf-8-sig")
    assert "31/02/2024" in text and "kho_reject_reason" in text
    export.write_text(text.replace("31/02/2024", "29/02/2024"), encoding="utf-8-sig")
    report = _load(platform, export, mode="append")
    assert report.rows_loaded == 1 and report.rows_rejected == 0
    got = platform.query.sql(
        "SELECT ngay_tiep_nhan FROM ho_so WHERE ma_ho_so = 'HS-0004'", actor=SYSTEM
    )
    assert got.rows == [(dt.date(2024, 2, 29),)]
    assert "kho_reject_line" not in {c.name for c in report.columns}


def test_second_load_is_a_new_version_and_the_first_stays_queryable(
    platform: Platform, messy_dossiers_csv: Path, tmp_path: Path
) -> None:
    _load(platform, messy_dossiers_csv)
    more = tmp_path / "more.csv"
    from tests.integration.flow.conftest import HEADER, ROWS

    lines = [HEADER + ",Nguồn", *(r.replace("HS-000", "HS-100") + ",Sở B" for r in ROWS)]
    more.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = _load(platform, more, mode="append")
    assert report.version == 2
    assert any("nguon" in change for change in report.schema_changes)
    now = platform.query.sql("SELECT count(*) FROM ho_so", actor=SYSTEM).rows[0][0]
    then = platform.query.sql('SELECT count(*) FROM "ho_so@1"', actor=SYSTEM).rows[0][0]
    assert (then, now) == (4, 8)
    versions = platform.catalog.versions("ho_so", actor=SYSTEM)
    assert [v.version for v in versions] == [1, 2]
    with pytest.raises(NotFound, match="versions 1..2"):
        platform.query.sql('SELECT * FROM "ho_so@7"', actor=SYSTEM)


def test_create_twice_is_refused_with_a_hint(platform: Platform, messy_dossiers_csv: Path) -> None:
    _load(platform, messy_dossiers_csv)
    with pytest.raises(Conflict, match="already has data") as info:
        _load(platform, messy_dossiers_csv)
    assert "--mode" in (info.value.hint or "")


def test_failed_load_changes_nothing(
    platform: Platform, messy_dossiers_csv: Path, tmp_path: Path
) -> None:
    _load(platform, messy_dossiers_csv)
    before = platform.catalog.versions("ho_so", actor=SYSTEM)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(SourceUnreadable):
        _load(platform, garbage, mode="append")
    assert platform.catalog.versions("ho_so", actor=SYSTEM) == before
    assert platform.query.sql("SELECT count(*) FROM ho_so", actor=SYSTEM).rows[0][0] == 4
    history = platform.ingest.loads("ho_so", actor=SYSTEM)
    assert [h.status for h in history] == ["succeeded", "failed"]
    assert history[-1].error


def test_upsert_replaces_by_key_and_refuses_duplicate_keys(
    platform: Platform, messy_dossiers_csv: Path, tmp_path: Path
) -> None:
    _load(platform, messy_dossiers_csv)
    update = tmp_path / "update.csv"
    update.write_text(
        "Mã hồ sơ,Lệ phí (đồng)\nHS-0001,2.000.000\nHS-0009,1.000\n", encoding="utf-8"
    )
    _load(platform, update, mode="upsert", key=["Mã hồ sơ"])
    rows = dict(platform.query.sql("SELECT ma_ho_so, le_phi_dong FROM ho_so", actor=SYSTEM).rows)
    assert rows["HS-0001"] == 2_000_000 and rows["HS-0009"] == 1_000 and rows["HS-0005"] == 12_500
    dup = tmp_path / "dup.csv"
    dup.write_text("Mã hồ sơ,Lệ phí (đồng)\nHS-0001,1\nHS-0001,2\n", encoding="utf-8")
    versions = platform.catalog.versions("ho_so", actor=SYSTEM)
    with pytest.raises(KeyViolation, match="HS-0001"):
        _load(platform, dup, mode="upsert", key=["ma_ho_so"])
    assert platform.catalog.versions("ho_so", actor=SYSTEM) == versions


def test_anonymous_sees_public_datasets_only(platform: Platform, messy_dossiers_csv: Path) -> None:
    _load(platform, messy_dossiers_csv)
    assert platform.catalog.search("", actor=ANONYMOUS).total == 0
    with pytest.raises(NotFound):
        platform.query.sql("SELECT * FROM ho_so", actor=ANONYMOUS)
    from kho.catalog.models import DatasetUpdate

    platform.catalog.update("ho_so", DatasetUpdate(access_level="public"), actor=SYSTEM)
    assert platform.catalog.search("ho so", actor=ANONYMOUS).total == 1
    assert platform.query.sql("SELECT count(*) FROM ho_so", actor=ANONYMOUS).rows[0][0] == 4
