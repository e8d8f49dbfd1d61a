"""`kho migrate` against real servers and files: counts, checksums, types, encodings, resume."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kho.access.actors import SYSTEM
from kho.migrate.service import Migrator
from kho.platform import Platform


def _by_dataset(report):  # type: ignore[no-untyped-def]
    return {t.dataset: t for t in report.tables}


def test_pagila_from_postgresql_matches_counts_checksums_and_types(
    platform: Platform, pagila_url: str
) -> None:
    report = Migrator(platform).migrate(pagila_url, actor=SYSTEM)
    tables = _by_dataset(report)
    assert report.status == "ok", [(t.dataset, t.error) for t in report.tables if t.error]
    # partitions of payment are not migrated twice; views are left out
    assert "payment_p2022_01" not in tables and "customer_list" not in tables
    assert tables["rental"].source_rows == tables["rental"].warehouse_rows == 16044
    assert tables["payment"].warehouse_rows == 16049
    for t in report.tables:
        assert all(c["status"] == "ok" and c["checksum_compared"] for c in t.columns), t.dataset
    assert tables["rental"].key_columns == ["rental_id"]
    schema = platform.warehouse.schema("so_tttt.film")
    assert str(schema.field("rental_rate").type) == "decimal128(4, 2)"
    assert str(schema.field("last_update").type) == "timestamp[us, tz=UTC]"
    assert "special_features" in " ".join(tables["film"].notes)  # array reported, kept as JSON
    staff = platform.warehouse.schema("so_tttt.staff")
    assert "binary" in str(staff.field("picture").type)
    assert str(staff.field("active").type) == "bool"
    customer = platform.warehouse.schema("so_tttt.customer")
    assert str(customer.field("create_date").type) == "date32[day]"
    rows = platform.query.sql(
        "SELECT special_features FROM film WHERE film_id = 1", actor=SYSTEM
    ).rows
    assert rows[0][0] == '["Deleted Scenes","Behind the Scenes"]'
    ds = platform.catalog.get("rental", actor=SYSTEM)
    assert ds.tables[0].key_columns == ["rental_id"] and ds.last_loaded_at is not None
    again = Migrator(platform).report(report.id)
    assert again.counts() == report.counts()


def test_column_comments_become_the_data_dictionary(platform: Platform, pg_server) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.migrate.conftest import load_pg_files

    sql = Path(platform.settings.home_dir) / "src.sql"
    sql.parent.mkdir(parents=True, exist_ok=True)
    sql.write_text(
        "CREATE SCHEMA ktxh;"
        "CREATE TABLE ktxh.dan_so (ma_tinh text PRIMARY KEY, dan_so bigint, ty_le numeric(6,3),"
        " cap_nhat timestamp, ghi_chu jsonb);"
        "COMMENT ON TABLE ktxh.dan_so IS 'Dân số theo tỉnh';"
        "COMMENT ON COLUMN ktxh.dan_so.dan_so IS 'Dân số trung bình (người)';"
        "INSERT INTO ktxh.dan_so VALUES ('01', 8435700, 1.234, '2024-12-31 08:00', '{\"a\": 1}'),"
        " ('79', 9456700, NULL, NULL, NULL);",
        encoding="utf-8",
    )
    url = load_pg_files(pg_server, [sql])
    report = Migrator(platform).migrate(url, actor=SYSTEM, schemas=["ktxh"])
    (t,) = report.tables
    assert (t.dataset, t.status, t.warehouse_rows) == ("ktxh_dan_so", "ok", 2)
    ds = platform.catalog.get("ktxh_dan_so", actor=SYSTEM)
    assert ds.title_vi == "Dân số theo tỉnh"
    cols = {c.name: c for c in ds.tables[0].columns}
    assert cols["dan_so"].description_vi == "Dân số trung bình (người)"
    assert cols["ty_le"].type_detail["scale"] == 3
    got = platform.query.sql("SELECT ghi_chu FROM ktxh_dan_so WHERE ma_tinh = '01'", actor=SYSTEM)
    assert got.rows[0][0] == '{"a": 1}'  # jsonb kept as JSON text
    schema = platform.warehouse.schema("so_tttt.ktxh_dan_so")
    assert str(schema.field("cap_nhat").type) == "timestamp[us]"  # without time zone stays so


def test_chinook_from_mariadb(sqlite_platform: Platform, mariadb_chinook: str) -> None:
    report = Migrator(sqlite_platform).migrate(mariadb_chinook, actor=SYSTEM, prefix="chinook")
    tables = _by_dataset(report)
    assert report.status == "ok", [(t.dataset, t.error) for t in report.tables if t.error]
    assert tables["chinook_track"].warehouse_rows == 3503
    assert tables["chinook_playlisttrack"].key_columns == ["playlistid", "trackid"]
    schema = sqlite_platform.warehouse.schema("so_tttt.chinook_invoice")
    assert str(schema.field("total").type) == "decimal128(10, 2)"


def test_sqlite_files_chinook_and_vietnamese_elections(
    sqlite_platform: Platform, realdata: Path
) -> None:
    m = Migrator(sqlite_platform)
    chinook = m.migrate(
        f"sqlite:///{realdata / 'legacydb/chinook/Chinook_Sqlite.sqlite'}",
        actor=SYSTEM,
        prefix="chinook",
    )
    assert chinook.status == "ok" and len(chinook.tables) == 11
    schema = sqlite_platform.warehouse.schema("so_tttt.chinook_invoiceline")
    assert str(schema.field("unitprice").type) == "decimal128(10, 2)"  # declared NUMERIC(10,2)
    vn = m.migrate(
        f"sqlite:///{realdata / 'vn/elections_na15_2021/staging.db'}", actor=SYSTEM, prefix="bau_cu"
    )
    assert vn.status == "ok", [(t.dataset, t.error) for t in vn.tables if t.error]
    assert sum(t.warehouse_rows or 0 for t in vn.tables) > 0
    text_cols = [
        (t.dataset, c["name"]) for t in vn.tables for c in t.columns if c["kind"] == "text"
    ]
    assert text_cols
    ds, col = text_cols[0]
    got = sqlite_platform.query.sql(
        f'SELECT "{col}" FROM {ds} WHERE "{col}" IS NOT NULL LIMIT 50', actor=SYSTEM
    ).rows
    assert got


def _tcvn3_db(path: Path) -> Path:
    from kho.demo.generate import encode_tcvn3

    names = ["Nguyễn Văn An", "Trần Thị Bình", "phường Hàng Bạc", "xã Tân Hòa", "Lê Đức Thọ"]
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE can_bo (id INTEGER PRIMARY KEY, ho_ten TEXT, don_vi TEXT)")
    for i, name in enumerate(names * 20):
        legacy = encode_tcvn3(name.lower()).decode("cp1252")
        conn.execute("INSERT INTO can_bo VALUES (?, ?, ?)", (i, legacy, "UBND tỉnh"))
    conn.execute("CREATE TABLE bad (id INTEGER PRIMARY KEY, so_luong INTEGER)")
    conn.execute("INSERT INTO bad VALUES (1, 5), (2, 'năm')")
    conn.execute("CREATE TABLE good (id INTEGER PRIMARY KEY, ten TEXT)")
    conn.execute("INSERT INTO good VALUES (1, 'Hà Nội')")
    conn.commit()
    conn.close()
    return path


def test_tcvn3_text_converted_and_an_unreadable_value_kept_as_a_reject(
    platform: Platform, tmp_path: Path
) -> None:
    url = f"sqlite:///{_tcvn3_db(tmp_path / 'legacy.db')}"
    report = Migrator(platform).migrate(url, actor=SYSTEM)
    tables = _by_dataset(report)
    bad = tables["bad"]  # (1, 5) loads; (2, 'năm') in the INTEGER column is a reject
    assert (bad.status, bad.source_rows, bad.warehouse_rows, bad.rows_rejected) == ("ok", 2, 1, 1)
    assert tables["good"].status == "ok" and tables["can_bo"].status == "ok"
    assert report.status == "ok"
    assert any("TCVN3" in n for n in tables["can_bo"].notes)
    rows = platform.query.sql("SELECT DISTINCT ho_ten FROM can_bo ORDER BY 1", actor=SYSTEM).rows
    assert ("nguyễn văn an",) in [tuple(r) for r in rows]
    assert "don_vi: " not in " ".join(tables["can_bo"].notes)  # Unicode column left alone


def test_hostile_input_is_refused_clearly(platform: Platform, tmp_path: Path) -> None:
    from kho.errors import InvalidInput, NotFound

    with pytest.raises(InvalidInput, match="Unsupported source database"):
        Migrator(platform).migrate("oracle://x@y/z", actor=SYSTEM)
    with pytest.raises(NotFound, match="No SQLite database"):
        Migrator(platform).migrate(f"sqlite:///{tmp_path / 'nope.db'}", actor=SYSTEM)
    url = f"sqlite:///{_tcvn3_db(tmp_path / 'x.db')}"
    with pytest.raises(NotFound, match="No table"):
        Migrator(platform).migrate(url, actor=SYSTEM, tables=["good'; DROP TABLE good; --"])


def test_killed_migration_resumes_with_the_remaining_tables(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{_tcvn3_db(tmp_path / 'legacy.db')}"
    tables = ["can_bo", "good"]
    real_write = platform.warehouse.write
    calls: list[str] = []

    def dying_write(ident, batches, **kw):  # type: ignore[no-untyped-def]
        if calls:
            raise KeyboardInterrupt  # the process is killed while the second table moves
        calls.append(ident)
        return real_write(ident, batches, **kw)

    monkeypatch.setattr(platform.warehouse, "write", dying_write)
    with pytest.raises(KeyboardInterrupt):
        Migrator(platform).migrate(url, actor=SYSTEM, tables=tables)
    monkeypatch.setattr(platform.warehouse, "write", real_write)
    interrupted = Migrator(platform).report()
    assert interrupted.status == "interrupted"
    resumed = Migrator(platform).migrate(url, actor=SYSTEM, tables=tables)
    assert {t.dataset: t.status for t in resumed.tables} == {"can_bo": "skipped", "good": "ok"}
    forced = Migrator(platform).migrate(url, actor=SYSTEM, tables=tables, force=True)
    assert {t.status for t in forced.tables} == {"ok"}
    assert len(platform.catalog.versions("can_bo", actor=SYSTEM)) == 2
