"""Which path reads a URL, and the SQLAlchemy URL the generic path connects with."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kho.errors import InvalidInput, NotFound
from kho.migrate.generic import engine_url, open_engine, reason
from kho.migrate.sources import open_source, source_kind


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("postgresql://u@h/db", "postgresql"),
        ("postgres://u@h/db", "postgresql"),
        ("postgresql+psycopg://u@h/db", "postgresql"),
        ("mariadb://u@h/db", "mysql"),
        ("sqlite:///x.db", "sqlite"),
        ("data/x.db", "sqlite"),
        ("mssql+pymssql://sa:pw@h:1433/ktxh", "mssql"),
        ("MSSQL+PYTDS://sa:pw@h/ktxh", "mssql"),
        ("oracle+oracledb://hr:pw@h:1521/?service_name=FREEPDB1", "oracle"),
    ],
)
def test_source_kind(url: str, kind: str) -> None:
    assert source_kind(url) == kind


@pytest.mark.parametrize(
    "url", ["mssql://sa@h/db", "mssql+pyodbc://sa@h/db", "oracle://x@y/z", "db2://u@h/d"]
)
def test_drivers_that_do_not_install_from_pypi_are_refused_with_the_choices(url: str) -> None:
    with pytest.raises(InvalidInput, match="Unsupported source database") as err:
        source_kind(url)
    assert "mssql+pymssql://" in (err.value.hint or "")
    assert "oracle+oracledb://" in (err.value.hint or "")


def test_reading_path_choices() -> None:
    with pytest.raises(InvalidInput, match="Unknown reading path 'odbc'"):
        open_source("sqlite:///x.db", via="odbc")
    with pytest.raises(InvalidInput, match="DuckDB has no scanner for mssql"):
        open_source("mssql+pymssql://sa@127.0.0.1:1/db", via="duckdb")


@pytest.mark.parametrize(
    ("url", "kind", "expected"),
    [
        ("postgresql://u:pw@h:5432/db", "postgresql", "postgresql+psycopg://u:pw@h:5432/db"),
        ("postgres://u@h/db", "postgresql", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql", "postgresql+psycopg2://u@h/db"),
        ("mysql://root@h:3306/Chinook", "mysql", "mysql+pymysql://root@h:3306/Chinook"),
        ("mariadb://root@h/Chinook", "mysql", "mariadb+pymysql://root@h/Chinook"),
        ("mssql+pymssql://sa:pw@h/ktxh", "mssql", "mssql+pymssql://sa:pw@h/ktxh"),
        ("oracle+oracledb://hr:pw@h:1521/XE", "oracle", "oracle+oracledb://hr:pw@h:1521/XE"),
    ],
)
def test_engine_urls_use_drivers_from_pypi(url: str, kind: str, expected: str) -> None:
    got = engine_url(url, kind)  # type: ignore[arg-type]
    assert got.render_as_string(hide_password=False) == expected


def test_sqlite_is_opened_read_only_and_a_missing_file_is_named(tmp_path: Path) -> None:
    db = tmp_path / "mot cửa #1.db"
    db.write_bytes(b"")
    got = engine_url(f"sqlite:///{db}", "sqlite")
    assert got.database is not None and got.database.endswith("?mode=ro")
    assert got.query == {"uri": "true"} and "%20" in got.database
    with pytest.raises(NotFound, match="No SQLite database at"):
        engine_url(str(tmp_path / "nope.db"), "sqlite")


def test_a_missing_driver_says_what_to_pip_install() -> None:
    if importlib.util.find_spec("sqlalchemy_pytds"):
        pytest.skip("sqlalchemy-pytds is installed here")
    with pytest.raises(NotFound, match="The pytds driver for mssql is not installed") as err:
        open_engine(engine_url("mssql+pytds://sa@127.0.0.1:1/db", "mssql"), "x")
    assert err.value.hint == "Run: pip install -c constraints.txt sqlalchemy-pytds"


def test_driver_messages_are_one_line() -> None:
    pymssql_like = Exception(
        (20009, b"DB-Lib error message 20009, severity 9:\nUnable to connect\nUnable to connect\n")
    )
    assert reason(pymssql_like) == "20009 DB-Lib error message 20009, severity 9: Unable to connect"
