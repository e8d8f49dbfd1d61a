"""Sources for migration tests: pagila in the test PostgreSQL, Chinook in MariaDB, SQLite files."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kho.access.actors import SYSTEM
from kho.catalog.models import Organisation
from kho.platform import Platform
from tests.pgserver import PostgresServer


def _psql(server: PostgresServer) -> str:
    return str(server.bin / "psql")


def load_pg_files(server: PostgresServer, files: list[Path]) -> str:
    """A new database on the test server loaded with the SQL files; its source URL."""
    import psycopg

    name = f"src_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    for f in files:
        subprocess.run(
            [_psql(server), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
            + ["-p", str(server.port), "-U", "postgres", "-d", name, "-f", str(f)],
            check=True,
            capture_output=True,
        )
    return f"postgresql://postgres@127.0.0.1:{server.port}/{name}"


@pytest.fixture(scope="session")
def pagila_url(pg_server: PostgresServer, realdata: Path) -> str:
    """The real pagila sample database (enums, domains, arrays, bytea, partitions) in PostgreSQL."""
    base = realdata / "legacydb" / "pagila"
    return load_pg_files(pg_server, [base / "pagila-schema.sql", base / "pagila-data.sql"])


@pytest.fixture(scope="session")
def mariadb_chinook(realdata: Path) -> Iterator[str]:
    """Chinook loaded into a throwaway MariaDB server."""
    from tests.mysqlserver import MariaDBServer, available

    why = available()
    if why:
        pytest.fail(f"MariaDB cannot start here: {why}")
    server = MariaDBServer()
    server.start()
    try:
        server.load_file(realdata / "legacydb" / "chinook" / "Chinook_MySql.sql")
        yield server.url("Chinook")
    finally:
        server.stop()


@pytest.fixture
def platform(settings) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    p = Platform(settings)
    p.init()
    p.catalog.ensure_organisation(
        Organisation(code="SO-TTTT", name_vi="Sở Thông tin và Truyền thông"), actor=SYSTEM
    )
    yield p
    p.close()


@pytest.fixture
def sqlite_platform(sqlite_settings) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    p = Platform(sqlite_settings)
    p.init()
    p.catalog.ensure_organisation(
        Organisation(code="SO-TTTT", name_vi="Sở Thông tin và Truyền thông"), actor=SYSTEM
    )
    yield p
    p.close()
