"""A source table changed between two copies: `ALTER … TYPE` on PostgreSQL, then a re-copy.

The new version has the new types, the report lists the changes, the old version still reads.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from kho.access.actors import SYSTEM
from kho.migrate.service import Migrator
from kho.platform import Platform
from tests.integration.migrate.conftest import load_pg_files


def _fees(pg_server: Any, tmp_path: Path) -> str:
    sql = tmp_path / "le_phi.sql"
    sql.write_text(
        "CREATE TABLE le_phi (id int PRIMARY KEY, so_tien integer, ngay_nop text, ghi_chu text);"
        "INSERT INTO le_phi VALUES (1, 50000, '2024-01-05', 'tiền mặt'),"
        " (2, 75000, '2024-02-01', NULL);",
        encoding="utf-8",
    )
    return load_pg_files(pg_server, [sql])


def _alter(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER TABLE le_phi ALTER COLUMN so_tien TYPE numeric(12,2)")
        conn.execute("ALTER TABLE le_phi ALTER COLUMN ngay_nop TYPE date USING ngay_nop::date")
        conn.execute("ALTER TABLE le_phi DROP COLUMN ghi_chu")
        conn.execute("UPDATE le_phi SET so_tien = so_tien + 0.5 WHERE id = 2")


@pytest.mark.parametrize("force", [True, False])
def test_a_recopy_after_alter_type_writes_the_new_types_and_lists_them(
    platform: Platform, pg_server: Any, tmp_path: Path, force: bool
) -> None:
    url = _fees(pg_server, tmp_path)
    m = Migrator(platform)
    first = m.migrate(url, actor=SYSTEM)
    assert first.tables[0].status == "ok"
    _alter(url)
    # same row count: only --force copies again… or Kho sees the planned types changed
    (table,) = m.migrate(url, actor=SYSTEM, force=force).tables
    assert (table.status, table.warehouse_rows) == ("ok", 2)
    assert {
        "changed column so_tien from int to decimal(12, 2)",
        "changed column ngay_nop from string to date",
        "dropped column ghi_chu",
    } <= set(table.notes)
    rows = platform.query.sql("SELECT * FROM le_phi ORDER BY id", actor=SYSTEM).rows
    assert [tuple(r) for r in rows] == [
        (1, Decimal("50000.00"), date(2024, 1, 5)),
        (2, Decimal("75000.50"), date(2024, 2, 1)),
    ]
    before = platform.query.sql('SELECT * FROM "le_phi@1" ORDER BY id', actor=SYSTEM).rows
    assert [tuple(r) for r in before] == [
        (1, 50000, "2024-01-05", "tiền mặt"),
        (2, 75000, "2024-02-01", None),
    ]
    cols = {c.name: c for c in platform.catalog.get("le_phi", actor=SYSTEM).tables[0].columns}
    assert set(cols) == {"id", "so_tien", "ngay_nop"}
    assert (cols["so_tien"].type, cols["ngay_nop"].type) == ("decimal", "date")
    assert len(platform.catalog.versions("le_phi", actor=SYSTEM)) == 2
