"""The SQLAlchemy path (`--via sqlalchemy`, the one SQL Server and Oracle use) against real servers.

Every sample database is migrated both ways and the reports must agree table by table and column
by column: same rows, same keys, same null counts, same checksums on both sides.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from kho.access.actors import SYSTEM
from kho.errors import InvalidInput
from kho.migrate.report import MigrationReport
from kho.migrate.service import Migrator
from kho.migrate.sync import Syncer
from kho.platform import Platform
from tests.integration.migrate.conftest import load_pg_files
from tests.integration.migrate.test_migrate import _tcvn3_db


def _by_dataset(report: MigrationReport) -> dict[str, Any]:
    return {t.dataset: t for t in report.tables}


def _summary(report: MigrationReport, prefix: str = "") -> dict[str, Any]:
    """What both paths must agree on: per table rows and key, per column nulls and checksums."""
    return {
        t.dataset.removeprefix(prefix): (
            t.status,
            t.source_rows,
            t.warehouse_rows,
            t.key_columns,
            {
                c["name"]: (c["source_nulls"], c["source_checksum"], c["warehouse_checksum"])
                for c in t.columns
            },
        )
        for t in report.tables
    }


def _both_ways(platform: Platform, url: str, **kw: Any) -> dict[str, Any]:
    """Migrate with the scanner, then with SQLAlchemy into ``sa_…`` datasets; compare reports.

    The generic path's tables by dataset name without ``sa_``.
    """
    prefix = kw.pop("prefix", None)
    m = Migrator(platform)
    scanner = m.migrate(url, actor=SYSTEM, prefix=prefix, **kw)
    generic_prefix = "_".join(p for p in ("sa", prefix) if p)
    generic = m.migrate(url, actor=SYSTEM, via="sqlalchemy", prefix=generic_prefix, **kw)
    for report in (scanner, generic):
        assert report.status == "ok", [(t.dataset, t.error) for t in report.tables if t.error]
    assert (scanner.via, generic.via) == ("duckdb", "sqlalchemy")
    assert _summary(generic, "sa_") == _summary(scanner)
    basis = {c["checksum_basis"] for t in generic.tables for c in t.columns}
    assert basis == {"received rows"}
    return {t.dataset.removeprefix("sa_"): t for t in generic.tables}


def test_pagila_from_postgresql_matches_the_scanner_path(
    platform: Platform, pagila_url: str
) -> None:
    tables = _both_ways(platform, pagila_url)
    assert len(tables) == 15 and "payment_p2022_01" not in tables  # partitions left out
    assert tables["rental"].warehouse_rows == 16044 and tables["payment"].warehouse_rows == 16049
    assert tables["film_actor"].key_columns == ["actor_id", "film_id"]
    film = platform.warehouse.schema("so_tttt.sa_film")
    assert str(film.field("rental_rate").type) == "decimal128(4, 2)"
    assert str(film.field("last_update").type) == "timestamp[us, tz=UTC]"
    assert str(film.field("release_year").type) == "int32"  # domain `year` over integer
    staff = platform.warehouse.schema("so_tttt.sa_staff")
    assert (
        "binary" in str(staff.field("picture").type) and str(staff.field("active").type) == "bool"
    )
    rows = platform.query.sql(
        "SELECT special_features, rating FROM sa_film WHERE film_id = 1", actor=SYSTEM
    ).rows
    assert tuple(rows[0]) == ('["Deleted Scenes","Behind the Scenes"]', "PG")
    language = platform.query.sql("SELECT min(name) FROM sa_language", actor=SYSTEM)
    assert language.rows[0][0] == "English"  # char(20) without its padding, like the scanner
    assert "fulltext: TSVECTOR kept as text" in tables["film"].notes
    ds = platform.catalog.get("sa_film", actor=SYSTEM)
    year = next(c for c in ds.tables[0].columns if c.name == "release_year")
    assert year.type == "integer" and year.type_detail["source_type"] == "year"


def test_chinook_from_mariadb_matches_the_scanner_path(
    sqlite_platform: Platform, mariadb_chinook: str
) -> None:
    tables = _both_ways(sqlite_platform, mariadb_chinook, prefix="chinook")
    assert tables["chinook_track"].warehouse_rows == 3503
    assert tables["chinook_playlisttrack"].key_columns == ["playlistid", "trackid"]
    invoice = sqlite_platform.warehouse.schema("so_tttt.sa_chinook_invoice")
    assert str(invoice.field("total").type) == "decimal128(10, 2)"
    assert str(invoice.field("invoicedate").type) == "timestamp[us]"


def test_mysql_tinyint1_and_bit1_are_booleans_on_both_paths(
    sqlite_platform: Platform, mariadb_chinook: str
) -> None:
    """tinyint(1) (what BOOL creates) and bit(1) are booleans, 0 false and any other value true,
    as DuckDB's MySQL scanner reads them; tinyint(4) and unsigned tinyint(1) stay numbers."""
    import pymysql
    from sqlalchemy.engine import make_url

    server = make_url(mariadb_chinook)
    with pymysql.connect(host=server.host, port=server.port, user="root", autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE co_so_flags")
        cur.execute(
            "CREATE TABLE co_so_flags.ho_so (id int PRIMARY KEY, da_xong tinyint(1), "
            "ca_nhan bool, co bit(1), muc tinyint(4), so_ban tinyint(1) unsigned)"
        )
        cur.execute(
            "INSERT INTO co_so_flags.ho_so VALUES (1, 1, 1, b'1', 5, 1), (2, 0, 0, b'0', -3, 0),"
            " (3, 2, NULL, NULL, 127, 5), (4, -1, 1, b'1', 0, 255)"
        )
    url = server.set(database="co_so_flags").render_as_string(hide_password=False)
    tables = _both_ways(sqlite_platform, url)
    assert tables["ho_so"].warehouse_rows == 4
    expected = [
        (1, True, True, True, 5, 1),
        (2, False, False, False, -3, 0),
        (3, True, None, None, 127, 5),  # tinyint(1) holding 2 reads as true on both paths
        (4, True, True, True, 0, 255),
    ]
    for slug in ("ho_so", "sa_ho_so"):
        schema = sqlite_platform.warehouse.schema(f"so_tttt.{slug}")
        types = [str(schema.field(n).type) for n in ("da_xong", "ca_nhan", "co", "muc", "so_ban")]
        assert types == ["bool", "bool", "bool", "int32", "int32"]
        rows = sqlite_platform.query.sql(f"SELECT * FROM {slug} ORDER BY id", actor=SYSTEM).rows
        assert [tuple(r) for r in rows] == expected


def test_sqlite_files_match_the_scanner_path(sqlite_platform: Platform, realdata: Path) -> None:
    chinook = realdata / "legacydb/chinook/Chinook_Sqlite.sqlite"
    assert len(_both_ways(sqlite_platform, f"sqlite:///{chinook}", prefix="chinook")) == 11
    line = sqlite_platform.warehouse.schema("so_tttt.sa_chinook_invoiceline")
    assert str(line.field("unitprice").type) == "decimal128(10, 2)"  # NUMERIC(10,2) kept
    assert str(line.field("invoicelineid").type) == "int64"  # SQLite integers are 8 bytes
    elections = realdata / "vn/elections_na15_2021/staging.db"
    vn = _both_ways(sqlite_platform, f"sqlite:///{elections}", prefix="bau_cu")
    assert sum(t.warehouse_rows or 0 for t in vn.values()) > 0


def test_postgresql_types_comments_and_keys(platform: Platform, pg_server: Any) -> None:
    sql = Path(platform.settings.home_dir) / "types.sql"
    sql.parent.mkdir(parents=True, exist_ok=True)
    sql.write_text(
        "CREATE SCHEMA ktxh;"
        "CREATE TABLE ktxh.ho_so (ma char(6) PRIMARY KEY, so_tien numeric(12,2), ty_le numeric,"
        " cap_nhat timestamp, nop_luc timestamptz, ngay date, gio time, thoi_han interval,"
        " ma_uuid uuid, ghi_chu jsonb, nhan text[], tep bytea, xong boolean);"
        "COMMENT ON TABLE ktxh.ho_so IS 'Hồ sơ một cửa';"
        "COMMENT ON COLUMN ktxh.ho_so.so_tien IS 'Lệ phí (đồng)';"
        "INSERT INTO ktxh.ho_so VALUES ('A1', 150000.50, 0.125, '2024-12-31 08:00',"
        " '2024-12-31 08:00+07', '2024-12-31', '07:30', '1 day 2 hours',"
        " '12345678-1234-5678-1234-567812345678', '{\"tỉnh\": \"Hà Nội\"}', '{a,\"b c\"}',"
        " '\\x0102', true), ('A2', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL);",
        encoding="utf-8",
    )
    url = load_pg_files(pg_server, [sql])
    (t,) = _both_ways(platform, url, schemas=["ktxh"]).values()
    assert (t.dataset, t.key_columns, t.warehouse_rows) == ("sa_ktxh_ho_so", ["ma"], 2)
    assert "thoi_han: INTERVAL kept as text" in t.notes
    assert "ty_le: NUMERIC without precision kept as double" in t.notes
    ds = platform.catalog.get("sa_ktxh_ho_so", actor=SYSTEM)
    assert ds.title_vi == "Hồ sơ một cửa"
    cols = {c.name: c for c in ds.tables[0].columns}
    assert cols["so_tien"].description_vi == "Lệ phí (đồng)"
    assert cols["so_tien"].type_detail == {
        "source_type": "NUMERIC(12, 2)",
        "precision": 12,
        "scale": 2,
    }
    schema = platform.warehouse.schema("so_tttt.sa_ktxh_ho_so")
    types = {name: str(schema.field(name).type) for name in schema.names}
    assert types == {
        "ma": "large_string",
        "so_tien": "decimal128(12, 2)",
        "ty_le": "double",
        "cap_nhat": "timestamp[us]",
        "nop_luc": "timestamp[us, tz=UTC]",
        "ngay": "date32[day]",
        "gio": "time64[us]",
        "thoi_han": "large_string",
        "ma_uuid": "large_string",
        "ghi_chu": "large_string",
        "nhan": "large_string",
        "tep": "large_binary",
        "xong": "bool",
    }
    got = platform.query.sql(
        "SELECT ma, thoi_han, ghi_chu, nhan, CAST(nop_luc AS VARCHAR) FROM sa_ktxh_ho_so"
        " WHERE ma = 'A1'",
        actor=SYSTEM,
    ).rows[0]
    assert tuple(got) == (
        "A1",
        "1 day 02:00:00",
        '{"tỉnh": "Hà Nội"}',
        '["a","b c"]',
        "2024-12-31 01:00:00+00",
    )


def _pg_run(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def test_a_table_failing_midway_is_reported_and_resumed_after_the_fix(
    sqlite_platform: Platform, pg_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sql = tmp_path / "so_lieu.sql"
    sql.write_text(
        "CREATE TABLE so_lieu (id int PRIMARY KEY, ngay date);"
        "INSERT INTO so_lieu SELECT g, date '2024-01-01' + g FROM generate_series(1, 120) g;"
        "UPDATE so_lieu SET ngay = 'infinity' WHERE id = 101;"
        "CREATE TABLE tot (id int PRIMARY KEY, ten text);"
        "INSERT INTO tot VALUES (1, 'Hà Nội'), (2, 'Huế');",
        encoding="utf-8",
    )
    url = load_pg_files(pg_server, [sql])
    monkeypatch.setattr("kho.migrate.transfer.BATCH_ROWS", 50)  # rows 1-50, 51-100, 101-120
    m = Migrator(sqlite_platform)
    first = m.migrate(url, actor=SYSTEM, via="sqlalchemy")
    tables = _by_dataset(first)
    assert first.status == "with_errors" and tables["tot"].status == "ok"
    failed = tables["so_lieu"]
    assert failed.status == "failed"
    assert "Reading public.so_lieu from" in (failed.error or "")
    assert "failed after 100 rows" in (failed.error or "") and "infinity" in (failed.error or "")
    assert not sqlite_platform.warehouse.exists("so_tttt.so_lieu")  # nothing half-written
    _pg_run(url, "UPDATE so_lieu SET ngay = '9999-12-31' WHERE id = 101")
    again = _by_dataset(m.migrate(url, actor=SYSTEM, via="sqlalchemy"))
    assert (again["tot"].status, again["so_lieu"].status) == ("skipped", "ok")
    assert again["so_lieu"].warehouse_rows == 120
    top = sqlite_platform.query.sql("SELECT max(ngay) FROM so_lieu", actor=SYSTEM).rows[0][0]
    assert str(top) == "9999-12-31"


def test_tcvn3_text_converted_and_an_unreadable_value_kept_as_a_reject(
    platform: Platform, tmp_path: Path
) -> None:
    url = f"sqlite:///{_tcvn3_db(tmp_path / 'legacy.db')}"
    report = Migrator(platform).migrate(url, actor=SYSTEM, via="sqlalchemy")
    tables = _by_dataset(report)
    bad = tables["bad"]
    assert (bad.status, bad.source_rows, bad.warehouse_rows, bad.rows_rejected) == ("ok", 2, 1, 1)
    _, (reject,) = platform.ingest.list_rejects("bad", actor=SYSTEM)
    assert (reject.line, reject.column, reject.value) == (2, "so_luong", "năm")
    assert reject.reason == "'năm' is not a whole number written like 1234567"
    assert tables["good"].status == "ok" and tables["can_bo"].status == "ok"
    assert "ho_ten: text converted from TCVN3 to Unicode" in tables["can_bo"].notes
    ho_ten = next(c for c in tables["can_bo"].columns if c["name"] == "ho_ten")
    assert ho_ten["checksum_compared"] is False and ho_ten["status"] == "ok"  # counts only
    rows = platform.query.sql("SELECT DISTINCT ho_ten FROM can_bo ORDER BY 1", actor=SYSTEM).rows
    assert ("nguyễn văn an",) in [tuple(r) for r in rows]


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
        Migrator(platform).migrate(url, actor=SYSTEM, tables=tables, via="sqlalchemy")
    monkeypatch.setattr(platform.warehouse, "write", real_write)
    assert Migrator(platform).report().status == "interrupted"
    resumed = Migrator(platform).migrate(url, actor=SYSTEM, tables=tables, via="sqlalchemy")
    assert {t.dataset: t.status for t in resumed.tables} == {"can_bo": "skipped", "good": "ok"}


def test_sync_refuses_sql_server_and_oracle_clearly(sqlite_platform: Platform) -> None:
    with pytest.raises(InvalidInput, match="Syncing reads PostgreSQL, MySQL/MariaDB and SQLite"):
        Syncer(sqlite_platform).add(
            "ktxh",
            "mssql+pymssql://sa@127.0.0.1:1/ktxh",
            tables=["dan_so"],
            mode="keys",
            schedule="daily",
            actor=SYSTEM,
        )


# -- the terminal, with the drivers installed and no server ---------------------------------------
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens


def _kho(home: Path, *args: str, language: str = "vi") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"KHO_HOME": str(home), "KHO_LANGUAGE": language, "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "kho.cli.main", *args], env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("url", "driver_says"),
    [
        ("mssql+pymssql://sa:Bi-mat_1@127.0.0.1:{port}/ktxh", "Unable to connect"),
        ("oracle+oracledb://hr:Bi-mat_1@127.0.0.1:{port}/?service_name=FREEPDB1", "DPY-6005"),
    ],
)
def test_no_server_is_a_clear_connection_error_not_a_traceback(
    tmp_path: Path, url: str, driver_says: str
) -> None:
    home = tmp_path / "home"
    assert _kho(home, "init").returncode == 0
    assert _kho(home, "orgs", "create", "SO-TTTT", "Sở TTTT").returncode == 0
    run = _kho(home, "migrate", url.format(port=_closed_port()))
    out = run.stdout + run.stderr
    assert run.returncode == 6, out  # SourceUnreadable
    assert "Không mở được cơ sở dữ liệu nguồn" in out and driver_says in out
    assert "Traceback" not in out and "Bi-mat_1" not in out and "***@127.0.0.1" in out
    english = _kho(home, "migrate", url.format(port=_closed_port()), language="en")
    assert "Cannot open the source database" in english.stdout + english.stderr
    wrong_path = _kho(home, "migrate", url.format(port=1), "--via", "duckdb", language="en")
    assert wrong_path.returncode == 4
    assert "DuckDB has no scanner" in wrong_path.stdout + wrong_path.stderr
