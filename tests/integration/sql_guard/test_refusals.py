"""The SQL refusal table: hostile queries, each through the API and the Query service as a non-admin user.

Every attempt must be refused with a clear message (400/404, never 500) and the server must keep answering.
Add new attempts to REFUSED (or to LIMITED when the query may run but must not reveal more).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.catalog.models import DatasetCreate
from kho.errors import KhoError
from kho.web.app import create_app
from tests.integration.api.conftest import (  # noqa: F401 - fixtures
    GRANTED_COLUMNS,
    ApiWorld,
    _cheap_argon2,
    anyio_backend,
    build_world,
)

pytestmark = pytest.mark.anyio
CALLER = (
    "granted"  # a viewer of SO-YT holding a grant on han_che limited to 2 columns and Hà Nội rows
)
TIMEOUT_S = 1.5

TABLE_FUNCTIONS = "Table functions are not allowed"
ONLY_SELECT = "Only SELECT queries are allowed"
NO_TABLE = "that you may read"
# (id, sql, status, words the message must contain); META = metadata file of another org's restricted table
REFUSED: list[tuple[str, str, int, str]] = [
    ("read_csv", "SELECT * FROM read_csv('/etc/passwd')", 400, TABLE_FUNCTIONS),
    ("read_csv_auto", "SELECT * FROM read_csv_auto('/etc/passwd')", 400, TABLE_FUNCTIONS),
    ("read_parquet", "SELECT * FROM read_parquet('/tmp/x.parquet')", 400, TABLE_FUNCTIONS),
    ("parquet_scan", "SELECT * FROM parquet_scan('/tmp/x.parquet')", 400, TABLE_FUNCTIONS),
    ("read_json", "SELECT * FROM read_json('/etc/hosts')", 400, TABLE_FUNCTIONS),
    ("read_text", "SELECT content FROM read_text('/etc/passwd')", 400, TABLE_FUNCTIONS),
    ("read_text scalar", "SELECT read_text('/etc/passwd')", 400, "table function"),
    ("read_blob", "SELECT * FROM read_blob('/etc/passwd')", 400, TABLE_FUNCTIONS),
    ("glob", "SELECT * FROM glob('*')", 400, TABLE_FUNCTIONS),
    ("url", "SELECT * FROM read_csv('https://example.com/x.csv')", 400, TABLE_FUNCTIONS),
    ("iceberg_scan", "SELECT * FROM iceberg_scan('META')", 400, TABLE_FUNCTIONS),
    ("iceberg_metadata", "SELECT * FROM iceberg_metadata('META')", 400, TABLE_FUNCTIONS),
    ("iceberg_snapshots", "SELECT * FROM iceberg_snapshots('META')", 400, TABLE_FUNCTIONS),
    (
        "subquery file",
        "SELECT (SELECT count(*) FROM read_csv('/etc/passwd'))",
        400,
        TABLE_FUNCTIONS,
    ),
    ("query()", "SELECT * FROM query('SELECT 1')", 400, TABLE_FUNCTIONS),
    ("bare path", "SELECT * FROM '/etc/passwd'", 404, NO_TABLE),
    ("bare metadata path", "SELECT * FROM 'META'", 404, NO_TABLE),
    ("attach", "ATTACH '/tmp/kho-evil.db' AS evil", 400, ONLY_SELECT),
    ("copy to", "COPY cong_khai TO '/tmp/kho-evil.csv'", 400, ONLY_SELECT),
    ("copy select to", "COPY (SELECT * FROM cong_khai) TO '/tmp/kho-evil.csv'", 400, ONLY_SELECT),
    ("export database", "EXPORT DATABASE '/tmp/kho-evil'", 400, ONLY_SELECT),
    ("install", "INSTALL httpfs", 400, ONLY_SELECT),
    ("load", "LOAD 'x'", 400, ONLY_SELECT),
    ("set", "SET memory_limit = '100GB'", 400, ONLY_SELECT),
    ("reset", "RESET lock_configuration", 400, ONLY_SELECT),
    ("pragma", "PRAGMA database_list", 400, ONLY_SELECT),
    ("call", "CALL pragma_version()", 400, ONLY_SELECT),
    ("create table", "CREATE TABLE t AS SELECT 1 AS a", 400, ONLY_SELECT),
    ("create view", "CREATE VIEW v AS SELECT * FROM cong_khai", 400, ONLY_SELECT),
    ("create temp view", "CREATE TEMP VIEW cong_khai AS SELECT * FROM mat", 400, ONLY_SELECT),
    ("create macro", "CREATE MACRO m(x) AS x + 1", 400, ONLY_SELECT),
    ("insert", "INSERT INTO cong_khai (ma_ho_so) VALUES ('X')", 400, ONLY_SELECT),
    ("update", "UPDATE cong_khai SET ma_ho_so = 'X'", 400, ONLY_SELECT),
    ("delete", "DELETE FROM cong_khai", 400, ONLY_SELECT),
    ("drop", "DROP TABLE cong_khai", 400, ONLY_SELECT),
    ("getenv", "SELECT getenv('HOME')", 400, "getenv() is not allowed"),
    (
        "current_setting",
        "SELECT current_setting('home_directory')",
        400,
        "current_setting() is not allowed",
    ),
    ("settings path", "SELECT current_setting('allowed_directories')", 400, "not allowed"),
    ("duckdb_tables", "SELECT * FROM duckdb_tables()", 400, TABLE_FUNCTIONS),
    ("duckdb_views", "SELECT * FROM duckdb_views()", 400, TABLE_FUNCTIONS),
    ("duckdb_columns", "SELECT * FROM duckdb_columns()", 400, TABLE_FUNCTIONS),
    ("duckdb_settings", "SELECT * FROM duckdb_settings()", 400, TABLE_FUNCTIONS),
    ("information_schema", "SELECT table_name FROM information_schema.tables", 400, "slug alone"),
    ("schema-qualified", "SELECT * FROM main.cong_khai", 400, "slug alone"),
    ("system catalog", "SELECT * FROM system.main.duckdb_tables", 400, "slug alone"),
    ("sqlite_master", "SELECT name FROM sqlite_master", 404, NO_TABLE),
    ("pragma table", "SELECT * FROM pragma_database_list", 404, NO_TABLE),
    ("restricted not granted", "SELECT * FROM mat", 404, "No table 'mat' that you may read"),
    ("restricted in join", "SELECT * FROM han_che JOIN mat USING (ma_ho_so)", 404, "'mat'"),
    (
        "restricted in subquery",
        "SELECT * FROM han_che WHERE EXISTS (SELECT 1 FROM mat)",
        404,
        "'mat'",
    ),
    (
        "restricted in CTE",
        "WITH cong_khai AS (SELECT * FROM mat) SELECT * FROM cong_khai",
        404,
        "'mat'",
    ),
    ("restricted describe", "DESCRIBE mat", 404, "'mat'"),
    ("restricted summarize", "SUMMARIZE mat", 404, "'mat'"),
    ("hidden column", "SELECT ngay_tiep_nhan FROM han_che", 400, "ngay_tiep_nhan"),
    ("hidden column qualified", "SELECT h.le_phi_dong FROM han_che h", 400, "le_phi_dong"),
    ("two statements", "SELECT 1; SELECT 2", 400, "one statement"),
    ("piggy-backed drop", "SELECT 1; DROP TABLE cong_khai", 400, "one statement"),
    ("comment then drop", "/* */ DROP TABLE cong_khai", 400, ONLY_SELECT),
    ("commented semicolon", "SELECT 1 /* ; */; DROP TABLE cong_khai --", 400, "one statement"),
    ("1 MB query", "SELECT 1" + " " * 1_000_000 + "-- x", 400, "the limit is 100,000"),
    ("empty", "  ;  ", 400, "empty"),
    (
        "recursive forever",
        "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t",
        400,
        f"longer than {TIMEOUT_S:g} s",
    ),
    (
        "memory explosion",
        "SELECT string_agg(a.ma_ho_so || repeat('x', 10000), ',') FROM cong_khai a, cong_khai b, cong_khai c, cong_khai d, cong_khai e, cong_khai f, cong_khai g, cong_khai h",
        400,
        "memory limit",
    ),
    (
        "doubling strings",
        "WITH RECURSIVE t(s, n) AS (SELECT 'x', 0 UNION ALL SELECT s || s, n + 1 FROM t WHERE n < 40) SELECT max(length(s)) FROM t",
        400,
        "was stopped",  # the memory limit, or the time limit first on a busy machine
    ),
    (
        "cross join runs long",
        "SELECT count(*) FROM cong_khai t0, cong_khai t1, cong_khai t2, cong_khai t3, cong_khai t4, cong_khai t5, cong_khai t6, cong_khai t7, cong_khai t8, cong_khai t9, cong_khai t10, cong_khai t11, cong_khai t12, cong_khai t13, cong_khai t14, cong_khai t15 WHERE hash(t0.ma_ho_so, t1.ma_ho_so, t2.ma_ho_so, t3.ma_ho_so, t4.ma_ho_so, t5.ma_ho_so, t6.ma_ho_so, t7.ma_ho_so, t8.ma_ho_so, t9.ma_ho_so, t10.ma_ho_so, t11.ma_ho_so, t12.ma_ho_so, t13.ma_ho_so, t14.ma_ho_so, t15.ma_ho_so) % 7 = 3",
        400,
        "longer than",
    ),
    ("range table 1e12", "SELECT * FROM range(1e12)", 400, TABLE_FUNCTIONS),
    (
        "range list 1e9",
        "SELECT count(*) FROM (SELECT unnest(range(1000000000)))",
        400,
        "constant size",
    ),
    (
        "range computed",
        "SELECT unnest(range(length(ma_ho_so) * 1000000000)) FROM cong_khai",
        400,
        "constant size",
    ),
    ("generate_series", "SELECT unnest(generate_series(1, 10000000000))", 400, "constant size"),
    ("repeat 2 GB", "SELECT length(repeat('x', 2000000000))", 400, "constant size"),
    ("lpad 2 GB", "SELECT lpad('x', 2000000000, 'y')", 400, "constant size"),
    ("printf width", "SELECT printf('%999999999d', 1)", 400, "format"),
    (
        "json_execute_serialized_sql",
        "SELECT * FROM json_execute_serialized_sql('{}')",
        400,
        TABLE_FUNCTIONS,
    ),
    ("homoglyph table", "SELECT * FROM c\u043eng_khai", 404, NO_TABLE),
    ("homoglyph quoted", 'SELECT * FROM "han_ch\u0435"', 404, NO_TABLE),
    ("time travel clause", "SELECT * FROM cong_khai AT (VERSION => 1)", 400, ""),
    ("NUL byte", "SELECT 'a\x00b'", 400, "NUL"),
]

# Queries that may run but must reveal nothing beyond the caller's limits: (id, sql, check of records)
LIMITED: list[tuple[str, str, object]] = [
    (
        "grant's columns only",
        "SELECT * FROM han_che",
        lambda rs: all(list(r) == GRANTED_COLUMNS for r in rs) and len(rs) == 2,
    ),
    (
        "rows outside the filter",
        "SELECT count(*) AS n FROM han_che WHERE tinh_thanh_pho <> 'Hà Nội'",
        lambda rs: rs == [{"n": 0}],
    ),
    (
        "versioned read keeps limits",
        'SELECT * FROM "han_che@1"',
        lambda rs: all(list(r) == GRANTED_COLUMNS for r in rs),
    ),
    (
        "row-as-json keeps limits",
        "SELECT to_json(h) AS j FROM han_che h",
        lambda rs: all("ngay" not in r["j"] for r in rs) and len(rs) == 2,
    ),
    (
        "columns(*) keeps limits",
        "SELECT COLUMNS('.*') FROM han_che",
        lambda rs: all(list(r) == GRANTED_COLUMNS for r in rs),
    ),
    ("show tables: nothing of others", "SHOW TABLES", lambda rs: rs == []),
    (
        "CTE shadowing a restricted name",
        "WITH mat AS (SELECT 1 AS a) SELECT * FROM mat",
        lambda rs: rs == [{"a": 1}],
    ),
    ("trailing comment", "SELECT 1 AS one; -- ", lambda rs: rs == [{"one": 1}]),
    ("public table", "SELECT count(*) AS n FROM cong_khai", lambda rs: rs == [{"n": 4}]),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiWorld]:
    """The shared world plus `mat`, a restricted dataset of SO-TP granted to nobody."""
    home = tmp_path_factory.mktemp(f"guard-{request.param}")
    url = (
        request.getfixturevalue("pg_server").create_database()
        if request.param == "postgresql"
        else None
    )
    world = build_world(
        home,
        url,
        request.param,
        rate_limit_per_minute=0,
        sql_timeout_s=TIMEOUT_S,
        sql_memory_mb=256,
    )
    p = world.platform
    p.catalog.create(
        DatasetCreate(slug="mat", org_code="SO-TP", title_vi="Mật", access_level="restricted"),
        actor=SYSTEM,
    )
    p.ingest.load(world.csv, dataset="mat", actor=SYSTEM)
    yield world
    p.close()


@pytest.fixture(scope="module")
def meta_path(api_world: ApiWorld) -> str:
    root = Path(api_world.platform.settings.warehouse_uri.removeprefix("file://"))
    found = sorted(root.glob("**/mat/metadata/*.metadata.json"))
    assert found, "the restricted table's metadata file should exist for the attack to be real"
    return str(found[-1])


@pytest.fixture(scope="module")
async def client(api_world: ApiWorld) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(api_world.platform)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
    ) as c:
        yield c


async def _still_answers(client: httpx.AsyncClient, world: ApiWorld) -> None:
    r = await client.post(
        "/api/v1/sql",
        json={"sql": "SELECT count(*) AS n FROM cong_khai"},
        headers=world.headers(CALLER),
    )
    assert r.status_code == 200 and r.json()["rows"] == [{"n": 4}], r.text


@pytest.mark.parametrize(
    ("sql", "status", "words"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
async def test_refused_through_the_api(
    client: httpx.AsyncClient,
    api_world: ApiWorld,
    meta_path: str,
    sql: str,
    status: int,
    words: str,
) -> None:
    r = await client.post(
        "/api/v1/sql",
        json={"sql": sql.replace("META", meta_path)},
        headers=api_world.headers(CALLER),
    )
    assert r.status_code == status, r.text[:500]
    error = r.json()["error"]
    assert words.lower() in (error["message"] + " " + str(error["details"])).lower(), error
    assert "root:x:0:0" not in r.text and "localhost" not in r.text  # no file content comes back
    await _still_answers(client, api_world)


@pytest.mark.parametrize(
    ("sql", "status", "words"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_refused_by_the_query_service(
    api_world: ApiWorld, meta_path: str, sql: str, status: int, words: str
) -> None:
    with pytest.raises(KhoError) as caught:
        api_world.platform.query.sql(sql.replace("META", meta_path), actor=api_world.actors[CALLER])
    assert caught.value.status == status and words.lower() in str(caught.value).lower(), str(
        caught.value
    )


@pytest.mark.parametrize(("sql", "check"), [c[1:] for c in LIMITED], ids=[c[0] for c in LIMITED])
async def test_allowed_but_limited(
    client: httpx.AsyncClient, api_world: ApiWorld, sql: str, check: object
) -> None:
    r = await client.post("/api/v1/sql", json={"sql": sql}, headers=api_world.headers(CALLER))
    assert r.status_code == 200, r.text[:500]
    rows = r.json()["rows"]
    assert check(rows), rows  # type: ignore[operator]
    service = api_world.platform.query.sql(sql, actor=api_world.actors[CALLER])
    assert [
        dict(zip(service.columns, row, strict=True)) for row in service.rows
    ] == rows or sql.startswith("SHOW")


async def test_get_form_refuses_the_same(client: httpx.AsyncClient, api_world: ApiWorld) -> None:
    r = await client.get(
        "/api/v1/sql", params={"sql": "SELECT * FROM mat"}, headers=api_world.headers(CALLER)
    )
    assert r.status_code == 404 and "mat" in r.json()["error"]["message"]
    anon = await client.get("/api/v1/sql", params={"sql": "SELECT count(*) AS n FROM han_che"})
    assert anon.status_code == 404
