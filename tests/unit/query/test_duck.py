"""The DuckDB session: extensions from local files only, nothing downloaded."""

from __future__ import annotations

import importlib.util

import pytest

from kho.errors import NotFound
from kho.query.duck import EXTENSION_PACKAGES, connect, extension_path


def test_connect_loads_avro_and_iceberg_from_files_with_autoinstall_off() -> None:
    con = connect(threads=1, memory_limit="256MB")
    loaded = {
        r[0]: r[1]
        for r in con.sql(
            "SELECT extension_name, install_path FROM duckdb_extensions() WHERE loaded"
        ).fetchall()
    }
    assert {"avro", "iceberg"} <= loaded.keys()
    settings = con.sql(
        "SELECT current_setting('autoinstall_known_extensions'),"
        " current_setting('autoload_known_extensions'), current_setting('threads')"
    ).fetchone()
    assert settings == (False, False, 1)


def test_extension_not_loaded_is_not_fetched_on_demand() -> None:
    con = connect(extensions=())
    with pytest.raises(Exception, match="(?i)excel|extension"):
        con.sql("SELECT * FROM read_xlsx('/nonexistent.xlsx')").fetchall()
    assert not con.sql(
        "SELECT count(*) FROM duckdb_extensions() WHERE loaded AND extension_name = 'excel'"
    ).fetchone()[0]  # type: ignore[index]


def test_every_known_extension_has_a_file() -> None:
    for name in EXTENSION_PACKAGES:
        path = extension_path(name)
        assert path.is_file() and path.name == f"{name}.duckdb_extension"


def test_unknown_extension_is_refused_with_the_known_list() -> None:
    with pytest.raises(NotFound, match="iceberg"):
        extension_path("httpfs")


def test_missing_package_tells_to_run_install_script(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "duckdb_extension_fts" else real(name, *a),
    )
    with pytest.raises(NotFound) as err:
        connect(extensions=("fts",))
    assert "scripts/install.sh" in str(err.value)
