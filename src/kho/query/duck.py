"""DuckDB connections whose extensions come from the pip packages, never from the network."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kho.errors import NotFound

if TYPE_CHECKING:
    import duckdb

EXTENSION_PACKAGES: dict[str, str] = {
    "avro": "duckdb_extension_avro",
    "iceberg": "duckdb_extension_iceberg",
    "excel": "duckdb_extension_excel",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "fts": "duckdb_extension_fts",
    "encodings": "duckdb_extension_encodings",
}
# iceberg reads manifests with avro, so avro must be loaded first.
_LOAD_FIRST = ("avro",)


def extension_path(name: str) -> Path:
    """Return the ``.duckdb_extension`` file shipped by the extension's pip package."""
    package = EXTENSION_PACKAGES.get(name)
    if package is None:
        raise NotFound(
            f"No DuckDB extension {name!r} is known to Kho.",
            hint=f"Known extensions: {', '.join(sorted(EXTENSION_PACKAGES))}.",
        )
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise _missing(name, package)
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).glob(f"extensions/*/{name}.duckdb_extension"))
        found = found or sorted(Path(location).glob("extensions/*/*.duckdb_extension"))
        if found:
            return found[-1]
    raise _missing(name, package)


def connect(
    *,
    extensions: Sequence[str] = ("avro", "iceberg"),
    threads: int | None = None,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB with autoinstall/autoload off and the given extensions loaded."""
    import duckdb

    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if threads is not None:
        config["threads"] = threads
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(":memory:", config=config)
    for name in _load_order(extensions):
        con.load_extension(str(extension_path(name)))
    return con


def _load_order(extensions: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(extensions))
    if "iceberg" in wanted and "avro" not in wanted:
        wanted.insert(0, "avro")
    first = [name for name in _LOAD_FIRST if name in wanted]
    return first + [name for name in wanted if name not in first]


def _missing(name: str, package: str) -> NotFound:
    return NotFound(
        f"The DuckDB extension {name!r} is not installed (Python package {package!r} missing).",
        hint="Run `scripts/install.sh` to install Kho with its pinned DuckDB extensions.",
    )
