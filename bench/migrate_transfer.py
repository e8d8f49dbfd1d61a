"""Transfer paths for `kho migrate`: DuckDB postgres_scanner vs SQLAlchemy+psycopg → Arrow.

Usage: python bench/migrate_transfer.py postgresql://postgres@127.0.0.1:PORT/pagila
Builds rental_x30 (pagila's rental repeated 30×, ~481k rows) and reads it both ways.
"""

from __future__ import annotations

import sys
import time


def main(url: str) -> None:
    import psycopg
    import pyarrow as pa
    import sqlalchemy as sa

    from kho.query.duck import connect

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS rental_x30")
        conn.execute(
            "CREATE TABLE rental_x30 AS SELECT r.*, g AS copy FROM rental r, generate_series(1, 30) g"
        )
        rows = conn.execute("SELECT count(*) FROM rental_x30").fetchone()[0]
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
    print(f"rows {rows:,}")
    print(f"duckdb postgres_scanner → Arrow: {duck:.2f} s, {rows / duck:,.0f} rows/s")
    print(f"SQLAlchemy+psycopg → Arrow:      {alchemy:.2f} s, {rows / alchemy:,.0f} rows/s")
    print(f"ratio SQLAlchemy / scanner: {alchemy / duck:.1f}×")


if __name__ == "__main__":
    main(sys.argv[1])
