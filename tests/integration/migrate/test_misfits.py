"""A legacy SQLite file whose typed columns hold text: the table loads, the junk is kept as rejects.

`le_phi` (fees) as a one-stop-shop app wrote it; SQLite stored each value as given:

| rowid | so_tien INTEGER            | ty_le REAL | ngay_nop DATE | outcome                         |
|-------|----------------------------|------------|---------------|---------------------------------|
| 1     | 50000                      | 1.5        | 2024-01-05    | loaded                          |
| 2     | '1.234.000' (text)         | '2,5'      | '05/01/2024'  | loaded: 1234000, 2.5, 2024-01-05 |
| 3     | 'năm mươi nghìn'           | 3.25       | 2024-01-07    | rejected (so_tien)              |
| 4     | 75000                      | 'abc'      | 'hôm qua'     | rejected (ty_le, ngay_nop)      |
| 5     | NULL                       | NULL       | NULL          | loaded                          |
| 6     | '12.500.000' (text)        | 0.5        | '31/12/2023'  | loaded: 12500000, 0.5, 2023-12-31 |
| 7     | '1.234' → SQLite's REAL 1.234 | NULL    | NULL          | rejected: not a whole number    |

Rows read 7, loaded 4, rejected 3. Row 7 shows why Kho cannot guess: SQLite itself turned the
text 1.234 into the number 1.234 when it was stored. `don_vi` is clean and keeps the scanner.
"""

from __future__ import annotations

import csv
import logging
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from kho.access.actors import SYSTEM
from kho.migrate.service import Migrator
from kho.migrate.sync import Syncer
from kho.platform import Platform

ROWS = [
    (1, "HS-001", 50_000, 1.5, "2024-01-05"),
    (2, "HS-002", "1.234.000", "2,5", "05/01/2024"),
    (3, "HS-003", "năm mươi nghìn", 3.25, "2024-01-07"),
    (4, "HS-004", 75_000, "abc", "hôm qua"),
    (5, "HS-005", None, None, None),
    (6, "HS-006", "12.500.000", 0.5, "31/12/2023"),
    (7, "HS-007", "1.234", None, None),
]
LOADED = [
    (1, "HS-001", 50_000, 1.5, date(2024, 1, 5)),
    (2, "HS-002", 1_234_000, 2.5, date(2024, 1, 5)),
    (5, "HS-005", None, None, None),
    (6, "HS-006", 12_500_000, 0.5, date(2023, 12, 31)),
]
NOT_WHOLE = "is not a whole number written like 1.234.567"
REJECTS = [
    (3, "so_tien", "năm mươi nghìn", f"'năm mươi nghìn' {NOT_WHOLE}"),
    (4, "ty_le", "abc", "'abc' is not a number written like 1.234.567,89"),
    (4, "ngay_nop", "hôm qua", "'hôm qua' is not a dd/mm/yyyy date"),
    (7, "so_tien", "1.234", "'1.234' is not a integer value"),
]


def _legacy_fees(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE le_phi (id INTEGER PRIMARY KEY, ho_so TEXT, so_tien INTEGER,"
        " ty_le REAL, ngay_nop DATE)"
    )
    conn.executemany("INSERT INTO le_phi VALUES (?, ?, ?, ?, ?)", ROWS)
    conn.execute("CREATE TABLE don_vi (ma TEXT PRIMARY KEY, ten TEXT)")
    conn.execute("INSERT INTO don_vi VALUES ('01', 'Hà Nội'), ('79', 'TP. Hồ Chí Minh')")
    conn.commit()
    conn.close()
    return path


def _table(platform: Platform, slug: str) -> list[tuple[object, ...]]:
    return [
        tuple(r) for r in platform.query.sql(f"SELECT * FROM {slug} ORDER BY id", actor=SYSTEM).rows
    ]


@pytest.mark.parametrize("via", ["auto", "sqlalchemy"])
def test_text_in_typed_sqlite_columns_loads_the_rest_and_keeps_rejects(
    platform: Platform, tmp_path: Path, via: str
) -> None:
    url = f"sqlite:///{_legacy_fees(tmp_path / 'mot_cua.db')}"
    report = Migrator(platform).migrate(url, actor=SYSTEM, via=via)
    assert report.status == "ok"
    tables = {t.dataset: t for t in report.tables}
    fees = tables["le_phi"]
    assert (fees.status, fees.source_rows, fees.warehouse_rows, fees.rows_rejected) == (
        "ok",
        7,
        4,
        3,
    )
    assert _table(platform, "le_phi") == LOADED
    assert {c["checksum_basis"] for c in fees.columns} == {"loaded rows"}
    assert all(c["status"] == "ok" for c in fees.columns)
    assert "checksums compare the 4 rows loaded, as read" in fees.notes
    assert "list them: kho datasets rejects le_phi" in fees.notes
    assert "so_tien: 2 value(s) stored as text read by Kho's rules" in fees.notes
    if via == "auto":  # the scanner path says why it read the table as stored
        why = "read as SQLite stores the values, since DuckDB's scanner stopped: "
        (stopped,) = [n for n in fees.notes if n.startswith(why)]
        assert 'Invalid type in column "so_tien"' in stopped and '"1.234.000"' in stopped
        assert {c["checksum_basis"] for c in tables["don_vi"].columns} == {"source"}
    assert tables["don_vi"].rows_rejected == 0 and tables["don_vi"].warehouse_rows == 2

    total, rejects = platform.ingest.list_rejects("le_phi", actor=SYSTEM)
    assert total == 4 and rejects[0].load_id == fees.load_id
    assert [(r.line, r.column, r.value, r.reason) for r in rejects] == REJECTS
    (load,) = [x for x in platform.ingest.loads("le_phi", actor=SYSTEM) if x.mode == "migrate"]
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (7, 4, 3)

    exported = tmp_path / "le_phi_loi.csv"
    assert platform.ingest.export_rejects("le_phi", exported, actor=SYSTEM) == 3
    with exported.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["id"], r["ho_so"], r["so_tien"], r["ty_le"], r["ngay_nop"]) for r in rows] == [
        ("3", "HS-003", "năm mươi nghìn", "3.25", "2024-01-07"),
        ("4", "HS-004", "75000", "abc", "hôm qua"),
        ("7", "HS-007", "1.234", "", ""),
    ]


def test_a_forced_copy_after_the_fix_loads_every_row(platform: Platform, tmp_path: Path) -> None:
    db = _legacy_fees(tmp_path / "mot_cua.db")
    m = Migrator(platform)
    m.migrate(f"sqlite:///{db}", actor=SYSTEM, tables=["le_phi"])
    again = m.migrate(f"sqlite:///{db}", actor=SYSTEM, tables=["le_phi"])
    assert again.tables[0].status == "skipped"  # nothing changed: 7 rows read, 4 loaded as before
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE le_phi SET so_tien = 50000 WHERE id = 3")
        conn.execute("UPDATE le_phi SET ty_le = 4.5, ngay_nop = '2024-02-01' WHERE id = 4")
        conn.execute("UPDATE le_phi SET so_tien = 1234 WHERE id = 7")
    (fixed,) = m.migrate(f"sqlite:///{db}", actor=SYSTEM, force=True).tables[1:]
    assert (fixed.dataset, fixed.warehouse_rows, fixed.rows_rejected) == ("le_phi", 7, 0)
    assert {c["checksum_basis"] for c in fixed.columns} == {"loaded rows"}  # text still inside
    _, rejects = platform.ingest.list_rejects("le_phi", actor=SYSTEM)
    assert rejects == []


def test_sync_with_rejects_is_ok_with_a_warning_and_catches_the_fix(
    platform: Platform, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = _legacy_fees(tmp_path / "mot_cua.db")
    syncer = Syncer(platform)
    syncer.add(
        "le-phi",
        f"sqlite:///{db}",
        tables=["le_phi"],
        mode="keys",
        schedule="daily 02:00",
        actor=SYSTEM,
    )
    with caplog.at_level(logging.WARNING, logger="kho.sync"):
        first = syncer.run("le-phi", actor=SYSTEM)
    assert first["status"] == "ok" and first["error"] is None
    (table,) = first["tables"]
    assert (table["inserted"], table["rejected"]) == (4, 3)
    assert first["warnings"] == [
        f"main.le_phi: 3 rows rejected: so_tien: '…' {NOT_WHOLE} (1×); ty_le: '…' is not a "
        "number written like 1.234.567,89 (1×); ngay_nop: '…' is not a dd/mm/yyyy date (1×); "
        "list them: kho datasets rejects le_phi"
    ]  # row 7's reason, "is not a integer value", is the fourth most frequent and left out
    assert any("3 rows rejected" in r.getMessage() for r in caplog.records)
    assert syncer.list_syncs()[0]["last_status"] == "ok"

    with sqlite3.connect(db) as conn:  # row 3 fixed, row 1 broken by a careless edit
        conn.execute("UPDATE le_phi SET so_tien = 50000 WHERE id = 3")
        conn.execute("UPDATE le_phi SET so_tien = 'không rõ' WHERE id = 1")
    second = syncer.run("le-phi", actor=SYSTEM)
    (table,) = second["tables"]
    assert second["status"] == "ok"
    assert (table["inserted"], table["updated"], table["deleted"]) == (1, 0, 0)
    assert table["rejected"] == 3  # rows 1, 4 and 7
    assert "3 rows rejected; 1 kept their previous version" in table["warning"]
    assert _table(platform, "le_phi")[0] == (1, "HS-001", 50_000, 1.5, date(2024, 1, 5))
    _, rejects = platform.ingest.list_rejects("le_phi", actor=SYSTEM)
    assert [(r.line, r.column, r.value) for r in rejects][:1] == [(1, "so_tien", "không rõ")]

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE le_phi SET so_tien = 60000 WHERE id = 1")
        conn.execute("UPDATE le_phi SET ty_le = 4.5, ngay_nop = '2024-02-01' WHERE id = 4")
        conn.execute("UPDATE le_phi SET so_tien = 1234 WHERE id = 7")
    third = syncer.run("le-phi", actor=SYSTEM)
    (table,) = third["tables"]
    assert (third["status"], third["warnings"]) == ("ok", [])
    assert (table["inserted"], table["updated"], table["deleted"]) == (2, 1, 0)
    assert "rejected" not in table
    assert [r[0] for r in _table(platform, "le_phi")] == [1, 2, 3, 4, 5, 6, 7]
    assert _table(platform, "le_phi")[0][2] == 60_000


@pytest.mark.parametrize("via", ["auto", "sqlalchemy"])
def test_a_time_column_loads_on_both_paths(
    sqlite_platform: Platform, tmp_path: Path, via: str
) -> None:
    """SQLite TIME columns: DuckDB's scanner calls them timestamps and refuses every value."""
    db = tmp_path / "lich.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE lich_tiep (id INTEGER PRIMARY KEY, gio_mo TIME)")
        conn.executemany(
            "INSERT INTO lich_tiep VALUES (?, ?)", [(1, "07:30"), (2, "13:30:00"), (3, "sáng")]
        )
    (table,) = Migrator(sqlite_platform).migrate(f"sqlite:///{db}", actor=SYSTEM, via=via).tables
    assert (table.status, table.warehouse_rows, table.rows_rejected) == ("ok", 2, 1)
    schema = sqlite_platform.warehouse.schema("so_tttt.lich_tiep")
    assert str(schema.field("gio_mo").type) == "time64[us]"
    _, (reject,) = sqlite_platform.ingest.list_rejects("lich_tiep", actor=SYSTEM)
    assert (reject.line, reject.value, reject.reason) == (3, "sáng", "'sáng' is not a time value")
