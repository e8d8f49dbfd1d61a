"""Transfer paths for `kho migrate`: DuckDB postgres_scanner vs SQLAlchemy+psycopg → Arrow.

Usage: python bench/migrate_transfer.py postgresql://postgres@127.0.0.1:PORT/pagila
Builds rental_x30 (pagila's rental repeated 30×, ~481k rows) and reads it both ways: raw (the
bare drivers), then as `kho migrate` reads it — planned columns plus the source checksums — through
the scanner path (`sources.Source`) and the generic path (`generic.GenericSource`, the one SQL
Server and Oracle use). Then the whole of pagila is migrated both ways into a fresh KHO_HOME.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def main(url: str) -> None:
    rows = _prepare(url)
    duck, alchemy = _raw_reads(url, rows)
    print(f"rows {rows:,}")
    print(f"duckdb postgres_scanner → Arrow: {duck:.2f} s, {rows / duck:,.0f} rows/s")
    print(f"SQLAlchemy+psycopg → Arrow:      {alchemy:.2f} s, {rows / alchemy:,.0f} rows/s")
    print(f"ratio SQLAlchemy / scanner: {alchemy / duck:.1f}×")
    scanner, generic = _kho_reads(url, rows, via="duckdb"), _kho_reads(url, rows, via="sqlalchemy")
    print(f"kho read + checksums, scanner path: {scanner:.2f} s, {rows / scanner:,.0f} rows/s")
    print(f"kho read + checksums, generic path: {generic:.2f} s, {rows / generic:,.0f} rows/s")
    print(f"ratio generic / scanner: {generic / scanner:.1f}×")
    for via in ("duckdb", "sqlalchemy"):
        print(
            f"kho migrate pagila (16 tables incl. rental_x30) via {via}: {_migrate(url, via):.2f} s"
        )


def _prepare(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS rental_x30")
        conn.execute(
            "CREATE TABLE rental_x30 AS SELECT r.*, g AS copy FROM rental r, generate_series(1, 30) g"
        )
        row = conn.execute("SELECT count(*) FROM rental_x30").fetchone()
    assert row is not None
    return int(row[0])


def _raw_reads(url: str, rows: int) -> tuple[float, float]:
    import pyarrow as pa
    import sqlalchemy as sa

    from kho.query.duck import connect

    con = connect(extensions=("postgres_scanner",))
    con.execute(f"ATTACH '{url}' AS src (TYPE postgres, READ_ONLY)")
    t = time.perf_counter()
    n = sum(
        b.num_rows
        for b in con.execute("SELECT * FROM src.public.rental_x30").to_arrow_reader(100_000)
    )
    duck = time.perf_counter() - t
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    t = time.perf_counter()
    m = 0
    with engine.connect() as c:
        result = c.execution_options(stream_results=True, yield_per=100_000).execute(
            sa.text("SELECT * FROM rental_x30")
        )
        for part in result.partitions():
            cols = list(zip(*part, strict=True))
            m += pa.table({k: list(v) for k, v in zip(result.keys(), cols, strict=True)}).num_rows
    alchemy = time.perf_counter() - t
    assert n == m == rows
    return duck, alchemy


def _kho_reads(url: str, rows: int, *, via: str) -> float:
    """Seconds to read rental_x30 as `kho migrate` does and have its source checksums."""
    from kho.migrate.sources import open_source
    from kho.migrate.received import RejectLog
    from kho.migrate.transfer import plan_columns

    source = open_source(url, via=via)
    try:
        (table,) = source.tables(names=["rental_x30"])
        plans = plan_columns(table)
        t = time.perf_counter()
        n = sum(batch.num_rows for batch in source.read(table, plans, rejects=RejectLog([c.name for c in table.columns])))
        total, _ = source.source_checksums(table, plans)
        seconds = time.perf_counter() - t
    finally:
        source.close()
    assert n == total == rows
    return seconds


def _migrate(url: str, via: str) -> float:
    from kho.access.actors import SYSTEM
    from kho.catalog.models import Organisation
    from kho.migrate.service import Migrator
    from kho.platform import Platform
    from kho.settings import Settings

    platform = Platform(Settings(home=Path(tempfile.mkdtemp(prefix="kho-bench-"))))
    platform.init()
    platform.catalog.ensure_organisation(Organisation(code="BENCH", name_vi="Bench"), actor=SYSTEM)
    t = time.perf_counter()
    report = Migrator(platform).migrate(url, actor=SYSTEM, via=via)
    seconds = time.perf_counter() - t
    platform.close()
    assert report.status == "ok", report.counts()
    return seconds


if __name__ == "__main__":
    main(sys.argv[1])
