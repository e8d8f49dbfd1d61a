"""Daily sync: key diff and watermark runs catch inserts, updates, deletes; failures recorded."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from kho.access.actors import SYSTEM
from kho.errors import InvalidInput
from kho.migrate import schedule
from kho.migrate.scheduler import run_scheduler
from kho.migrate.sync import Syncer
from kho.platform import Platform
from tests.integration.migrate.conftest import load_pg_files


def _pg_source(pg_server, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    sql = tmp_path / "ho_so.sql"
    sql.write_text(
        "CREATE TABLE ho_so (ma text PRIMARY KEY, ten text, so_tien numeric(12,2),"
        " updated_at timestamptz DEFAULT now());"
        "INSERT INTO ho_so (ma, ten, so_tien) VALUES ('A1', 'Cấp phép', 100.50),"
        " ('A2', 'Đăng ký', 20), ('A3', 'Khai sinh', NULL);",
        encoding="utf-8",
    )
    return load_pg_files(pg_server, [sql])


def _pg(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)


def test_key_sync_catches_inserts_updates_and_deletes(
    platform: Platform,
    pg_server,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    url = _pg_source(pg_server, tmp_path)
    syncer = Syncer(platform)
    syncer.add("ho-so", url, tables=["ho_so"], mode="keys", schedule="daily 02:00", actor=SYSTEM)
    first = syncer.run("ho-so", actor=SYSTEM)
    assert first["status"] == "ok" and first["tables"][0]["inserted"] == 3
    _pg(
        url,
        "INSERT INTO ho_so (ma, ten) VALUES ('A4', 'Kết hôn')",
        "UPDATE ho_so SET so_tien = 99.99 WHERE ma = 'A2'",
        "DELETE FROM ho_so WHERE ma = 'A3'",
    )
    second = syncer.run("ho-so", actor=SYSTEM)
    change = second["tables"][0]
    assert (change["inserted"], change["updated"], change["deleted"]) == (1, 1, 1)
    rows = platform.query.sql("SELECT ma, so_tien FROM ho_so ORDER BY ma", actor=SYSTEM).rows
    assert [(r[0], str(r[1]) if r[1] is not None else None) for r in rows] == [
        ("A1", "100.50"),
        ("A2", "99.99"),
        ("A4", None),
    ]
    unchanged = syncer.run("ho-so", actor=SYSTEM)["tables"][0]
    assert (unchanged["inserted"], unchanged["updated"], unchanged["deleted"]) == (0, 0, 0)
    assert len(platform.catalog.versions("ho_so", actor=SYSTEM)) == 2  # no version without change
    ds = platform.catalog.get("ho_so", actor=SYSTEM)
    assert ds.update_frequency == "daily" and ds.freshness == "fresh"
    assert [h["status"] for h in syncer.history("ho-so")] == ["ok", "ok", "ok"]
    listed = syncer.list_syncs()[0]
    assert listed["last_status"] == "ok" and listed["next_run_at"] is not None


def _sqlite_source(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE tiep_nhan (id INTEGER PRIMARY KEY, noi_dung TEXT, updated_at TIMESTAMP)"
    )
    conn.executemany(
        "INSERT INTO tiep_nhan VALUES (?, ?, ?)",
        [(1, "Hồ sơ đất đai", "2025-07-01 08:00:00"), (2, "Hộ tịch", "2025-07-01 09:00:00")],
    )
    conn.commit()
    conn.close()
    return path


def test_watermark_sync_picks_up_the_next_days_changes(platform: Platform, tmp_path: Path) -> None:
    db = _sqlite_source(tmp_path / "mot_cua.db")
    syncer = Syncer(platform)
    syncer.add(
        "mot-cua",
        f"sqlite:///{db}",
        tables=["tiep_nhan"],
        mode="watermark",
        watermark_column="updated_at",
        schedule="every 1d",
        actor=SYSTEM,
    )
    assert syncer.run("mot-cua", actor=SYSTEM)["tables"][0]["inserted"] == 2
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO tiep_nhan VALUES (3, 'Đăng ký kinh doanh', '2025-07-02 08:00:00')")
    conn.execute(
        "UPDATE tiep_nhan SET noi_dung = 'Hộ tịch (sửa)', updated_at = '2025-07-02 10:00:00' WHERE id = 2"
    )
    conn.commit()
    conn.close()
    run = syncer.run("mot-cua", actor=SYSTEM)["tables"][0]
    assert (run["inserted"], run["updated"]) == (1, 1)
    assert run["watermark"].startswith("2025-07-02 10:00:00")
    rows = platform.query.sql("SELECT id, noi_dung FROM tiep_nhan ORDER BY id", actor=SYSTEM).rows
    assert [tuple(r) for r in rows] == [
        (1, "Hồ sơ đất đai"),
        (2, "Hộ tịch (sửa)"),
        (3, "Đăng ký kinh doanh"),
    ]


def test_failed_sync_is_recorded_retried_and_visible(platform: Platform, tmp_path: Path) -> None:
    db = _sqlite_source(tmp_path / "mot_cua.db")
    syncer = Syncer(platform)
    syncer.add(
        "mot-cua",
        f"sqlite:///{db}",
        tables=["tiep_nhan"],
        mode="keys",
        schedule="hourly",
        actor=SYSTEM,
    )
    assert syncer.run("mot-cua", actor=SYSTEM)["status"] == "ok"
    db.unlink()  # the source server is gone tonight
    waits: list[float] = []
    result = syncer.run_with_retries(
        "mot-cua", actor=SYSTEM, retries=2, backoff=5, sleep=waits.append
    )
    assert result["status"] == "failed" and "No SQLite database" in result["error"]
    assert waits == [5, 10]  # back-off doubles
    history = syncer.history("mot-cua")
    assert [h["status"] for h in history] == ["failed", "failed", "failed", "ok"]
    assert [h["attempt"] for h in history[:3]] == [3, 2, 1]
    assert syncer.list_syncs()[0]["last_status"] == "failed"


def test_bad_definitions_are_refused(platform: Platform, tmp_path: Path) -> None:
    db = _sqlite_source(tmp_path / "s.db")
    syncer = Syncer(platform)
    with pytest.raises(InvalidInput, match="no column 'sua_luc'"):
        syncer.add(
            "x",
            f"sqlite:///{db}",
            tables=["tiep_nhan"],
            mode="watermark",
            watermark_column="sua_luc",
            schedule="daily",
            actor=SYSTEM,
        )
    with pytest.raises(InvalidInput, match="schedule"):
        syncer.add(
            "x",
            f"sqlite:///{db}",
            tables=["tiep_nhan"],
            mode="keys",
            schedule="khi nào rảnh",
            actor=SYSTEM,
        )
    with pytest.raises(InvalidInput, match="sync name"):
        syncer.add(
            "../etc",
            f"sqlite:///{db}",
            tables=["tiep_nhan"],
            mode="keys",
            schedule="daily",
            actor=SYSTEM,
        )
    assert syncer.list_syncs() == []


def test_schedule_next_run_times() -> None:
    at = datetime(2025, 7, 1, 3, 0, tzinfo=UTC)
    assert schedule.next_after("daily 02:00", at) == datetime(2025, 7, 2, 2, 0, tzinfo=UTC)
    assert schedule.next_after("daily 04:30", at) == datetime(2025, 7, 1, 4, 30, tzinfo=UTC)
    assert schedule.next_after("every 6h", at) == at + timedelta(hours=6)
    assert schedule.frequency("every 30m") == "daily"
    with pytest.raises(InvalidInput):
        schedule.parse("daily 25:00")


def test_scheduler_runs_due_syncs_and_stops_cleanly(
    sqlite_platform: Platform, tmp_path: Path
) -> None:
    db = _sqlite_source(tmp_path / "s.db")
    syncer = Syncer(sqlite_platform)
    syncer.add(
        "due", f"sqlite:///{db}", tables=["tiep_nhan"], mode="keys", schedule="daily", actor=SYSTEM
    )
    ran = run_scheduler(sqlite_platform, actor=SYSTEM, once=True)
    assert [r["status"] for r in ran] == ["ok"]
    assert run_scheduler(sqlite_platform, actor=SYSTEM, once=True) == []  # not due again today
    stop = threading.Event()
    thread = threading.Thread(
        target=run_scheduler,
        args=(sqlite_platform,),
        kwargs={"actor": SYSTEM, "tick": 3600, "stop": stop},
    )
    started = time.monotonic()
    thread.start()
    stop.set()  # what the SIGTERM handler does
    thread.join(timeout=10)
    assert not thread.is_alive() and time.monotonic() - started < 10
