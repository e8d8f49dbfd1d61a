"""Queries run with each table's scan written into them (no temporary views): the same answers
as over views, the caller's row and column limits kept, and errors that name the caller's own
tables and columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from kho.access.actors import SYSTEM
from kho.catalog.models import Organisation
from kho.errors import QueryError
from kho.platform import Platform
from kho.query import guard, service

CSV = (
    "Mã,Tỉnh,Lệ phí,Ngày\n"
    "HS1,Hà Nội,15.000,05/03/2024\n"
    "HS2,Huế,200.000,06/03/2024\n"
    "HS3,Hà Nội,0,07/03/2024\n"
    "HS4,Cần Thơ,50.000,08/03/2024\n"
)
QUERIES = [
    "SELECT tinh, count(*) AS n, sum(le_phi) AS tong FROM ho_so GROUP BY ALL ORDER BY ALL",
    "SELECT h.ma FROM ho_so h WHERE h.le_phi > (SELECT avg(le_phi) FROM ho_so) ORDER BY 1",
    "SELECT a.ma, b.ma FROM ho_so a JOIN \"ho_so@1\" b ON a.ma = b.ma ORDER BY 1",
    "SELECT ma FROM ho_so UNION ALL SELECT ma FROM ho_so t ORDER BY 1",
    "WITH x AS (SELECT * FROM ho_so WHERE tinh = 'Hà Nội') SELECT count(*) FROM x",
    "SELECT * FROM ho_so t(a, b, c, d) ORDER BY a",
    "SELECT year(ngay) AS nam, quarter(ngay) AS quy, count(*) FROM ho_so GROUP BY ALL",
]


@pytest.fixture
def platform(settings, tmp_path: Path) -> Platform:  # type: ignore[no-untyped-def]
    p = Platform(settings)
    p.init()
    p.catalog.ensure_organisation(Organisation(code="SO-TC", name_vi="Sở Tài chính"), actor=SYSTEM)
    csv = tmp_path / "ho_so.csv"
    csv.write_text(CSV, encoding="utf-8")
    p.ingest.load(csv, dataset="ho_so", org="SO-TC", actor=SYSTEM)
    return p


@pytest.mark.parametrize("sql", QUERIES)
def test_inlined_and_viewed_queries_answer_the_same(
    platform: Platform, sql: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = guard.parse_select(sql)
    scans = {n: f"SELECT * FROM iceberg_scan('x{i}')" for i, n in enumerate(parsed.tables)}
    assert guard.inline_scans(parsed, scans) is not None  # really run inlined below
    inlined = platform.query.sql(sql, actor=SYSTEM)
    monkeypatch.setattr(service, "inline_scans", lambda *_: None)
    viewed = platform.query.sql(sql, actor=SYSTEM)
    assert inlined.rows == viewed.rows and inlined.columns == viewed.columns
    assert inlined.rows  # every query above returns rows


def test_a_table_named_like_a_cte_is_left_to_views(platform: Platform) -> None:
    parsed = guard.parse_select("WITH ho_so AS (SELECT 1 AS so) SELECT * FROM ho_so")
    assert guard.inline_scans(parsed, {"ho_so": "SELECT 2"}) is None
    assert platform.query.sql(parsed.sql, actor=SYSTEM).rows == [(1,)]


def test_hand_computed_answer(platform: Platform) -> None:
    rows = platform.query.sql(QUERIES[0], actor=SYSTEM).rows
    assert rows == [("Cần Thơ", 1, 50_000), ("Huế", 1, 200_000), ("Hà Nội", 2, 15_000)]


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("SELECT khong_co FROM ho_so", "khong_co"),
        ("SELECT ho_so.ma FROM ho_so h", "ho_so"),
        ("SELECT sum(tinh) FROM ho_so", "sum"),
    ],
)
def test_errors_name_the_callers_tables_not_the_scans_behind_them(
    platform: Platform, sql: str, named: str
) -> None:
    with pytest.raises(QueryError) as caught:
        platform.query.sql(sql, actor=SYSTEM)
    message = str(caught.value)
    assert named in message
    assert "iceberg_scan" not in message and "metadata.json" not in message
